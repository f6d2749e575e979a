"""evidence.xlsx rows written column-wise (report/sheet_xml.py) are byte for byte the XML openpyxl's
write-only sheet gives for the same values, on the awkward values real exports hold."""
from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from harass_analyzer.report.sheet_xml import ILLEGAL, column_letter, sheet_data

TEXTS = ["【某某分期】您已逾期3天，请今日还款", "😀 emoji ok", 'a & b < c > d "q" \'s\'', "line1\r\nline2\tx",
         " leading", "trailing ", "\u3000全角空格\u3000", "", "=SUM(A1:A2)", "x" * 40_000, "ctrl\x01\x1fchars",
         "+8613800138000", "\u2028sep\x85", "0012", "中文 mixed English 123"]


def _frame() -> pd.DataFrame:
    n = len(TEXTS)
    return pd.DataFrame({
        "text": TEXTS,
        "category": pd.Categorical(["collection", "other"] * (n // 2) + ["other"]),
        "maybe": [None if i % 3 == 0 else f"v{i}" for i in range(n)],
        "count": np.arange(n, dtype="int64") * 1_000_003,
        "seconds": [np.nan if i % 4 == 0 else i * 0.1 for i in range(n)],
        "big": [1e20, -3.5, 2**53 + 1.0] + [float(i) for i in range(n - 3)],
        "flag": [bool(i % 2) for i in range(n)],
        "nothing": [None] * n,
    })


def _openpyxl_sheet_data(frame: pd.DataFrame) -> bytes:
    """The reference: openpyxl appending the rows, with workbook.py's old per-cell rules (control
    characters as _xHHHH_, a text starting with "=" as an explicit string cell, missing → no cell)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append([str(c) for c in frame.columns])
    for row in frame.astype(object).itertuples(index=False):
        cells = []
        for v in row:
            if v is None or (isinstance(v, float) and not np.isfinite(v)):
                cells.append(None)
            elif isinstance(v, str):
                v = ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", v)
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"  # never a formula
                cells.append(cell)
            else:
                cells.append(v)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    xml = zipfile.ZipFile(buf).read("xl/worksheets/sheet1.xml")
    return re.search(rb"<sheetData>.*</sheetData>", xml, re.S).group(0)


def test_same_bytes_as_openpyxl() -> None:
    frame = _frame()
    ours = sheet_data(frame)
    assert ours == _openpyxl_sheet_data(frame)
    assert ours.count(b"<row ") == len(frame) + 1 and b"&#128512;" in ours  # the emoji as a character reference


def test_header_only_and_letters() -> None:
    empty = pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype="float64")})
    assert sheet_data(empty) == _openpyxl_sheet_data(empty)
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_workbook_reads_back(tmp_path) -> None:
    """The whole evidence.xlsx path: openpyxl reads every value back as written (text stays text)."""
    from harass_analyzer.report import workbook
    from tests.report.handmade import handmade_analysis

    analysis = handmade_analysis()
    path = workbook.write_workbook(tmp_path / "e.xlsx", analysis)
    book = load_workbook(path, read_only=True)  # read-only keeps the file open until closed
    rows = list(book["events"].iter_rows(values_only=True))
    book.close()
    frame = workbook.events_sheet_frame(analysis.events)
    assert list(rows[0]) == list(frame.columns) and len(rows) == len(frame) + 1
    body = list(frame.columns).index("body")
    assert [r[body] or "" for r in rows[1:]] == [str(v) if isinstance(v, str) else "" for v in frame["body"]]


@pytest.mark.parametrize("value", ["#N/A", "=1+1"])
def test_error_codes_and_formulas_stay_text(value: str) -> None:
    xml = sheet_data(pd.DataFrame({"t": [value]}))
    assert b't="inlineStr"' in xml.split(b'r="2"')[1] and b"<f>" not in xml


def test_a_huge_message_is_quoted_clipped_in_reports() -> None:
    """A 10 MB body (one record of a broken export) is quoted by its first 2,000 characters and where the
    whole text is; short messages are quoted whole."""
    from harass_analyzer.report.examples import QUOTED_CHARS, clip_body, pick_from

    huge = "逾期还款" * 100_000
    quoted = clip_body(huge, "E000007")
    assert quoted.startswith(huge[:QUOTED_CHARS]) and len(quoted) < QUOTED_CHARS + 100
    assert "400,000" in quoted and "E000007" in quoted
    assert clip_body("您已逾期3天", "E1") == "您已逾期3天"
    picked = pick_from([(1, "E000007", "2026-01-01T00:00:00+08:00", "+8613800138000", huge, "reminder")])
    assert picked[0]["body"] == quoted
