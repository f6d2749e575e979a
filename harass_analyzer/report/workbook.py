"""evidence.xlsx: what people in China open (Excel, WPS). Sheets 说明, events, senders, violations,
entities, written with openpyxl in write-only mode (rows are streamed, not held as cell objects).

Every text is a text cell — a phone number stays `+8616512340012`, never 8.61651E+12 — and message
bodies are the raw text, byte for byte as imported: no formula guard here (the CSVs have one, see
csvsafe.py), because a text cell is never evaluated; a text that starts with "=" is written as a string
cell explicitly, since openpyxl would otherwise store it as a formula. Header row frozen, filters on,
column widths set. Only characters XML cannot hold at all (C0 controls other than tab, CR, LF) are
written as Excel's own `_xHHHH_` escape, which Excel turns back into the character.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..schema import EVENT_COLUMNS, EXTRA_COLUMNS
from .sheet_xml import sheet_data

EXCEL_ROWS = 1_048_576
MAX_EVENTS = 100_000  # rows of the events sheet (Excel opens it comfortably): events.csv holds all
WIDTHS = {"event_id": 10, "timestamp": 26, "counterpart": 17, "counterpart_raw": 17, "contact_name": 12,
          "body": 60, "source_file": 28, "source_ref": 16, "numbers": 40, "evidence": 80, "citation": 80,
          "event_ids": 40, "entity": 16, "window_start": 26, "window_end": 26, "first_seen": 26, "last_seen": 26,
          "tags": 18, "matched_terms": 22}

README = {
    "zh": ["本工作簿与 events.csv、senders.csv、violations.csv、entities.csv 内容相同，便于用 Excel/WPS 查看和筛选。",
           "所有号码都是文本，不会被显示成科学计数法；短信原文与导入的原始记录逐字节一致（没有为防公式而加的单引号）。",
           "第一行已冻结，可用筛选按钮按号码、类别、时间筛选。",
           "events：逐条记录（时间、号码、类型、通话时长 duration_s 秒、短信原文 body、来源文件 source_file/source_ref）。",
           "senders：按号码统计；violations：规则检查明细；entities：号码归并为催收方的依据。"],
    "en": ["The same data as events.csv, senders.csv, violations.csv and entities.csv, for Excel/WPS.",
           "Every number is text (no 8.6E+12); message bodies are byte-identical to the import (no formula guard).",
           "Header row frozen, filters on."],
}


def _sheet(wb, title: str, frame: pd.DataFrame, rows: list[pd.DataFrame]) -> None:
    """The sheet's frame (widths, frozen header, filter) by openpyxl with the header row only; its rows are
    written afterwards by sheet_xml (the same XML, column-wise), in the order of `rows`."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    columns = [str(c) for c in frame.columns]
    for i, name in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(name, max(10, min(len(name) + 4, 20)))
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    ws.append(columns)
    rows.append(frame)


def events_sheet_frame(events: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in EVENT_COLUMNS + EXTRA_COLUMNS if c in events.columns]
    cols += [c for c in ("entity", "recording") if c in events.columns and c not in cols]
    return events[cols]


def write_workbook(path: Path, analysis, lang: str = "zh") -> Path:
    """Write evidence.xlsx from the Analysis (the same frames the CSVs are written from).

    openpyxl's write-only sheets stream through files from `tempfile` (the system temp folder, which may
    be full or unusable): while the workbook is built they go into a private folder beside it, removed
    after; the module default is restored at once (nothing else in a run makes temp files meanwhile)."""
    import shutil
    import tempfile

    try:
        str(path.parent).encode("utf-8")
    except UnicodeEncodeError:  # lxml (under openpyxl) cannot name such a folder: the system temp folder
        rows = _build(path, analysis, lang)
        _finish(path, rows)
        return path
    scratch = Path(tempfile.mkdtemp(prefix=".xlsx-", dir=path.parent))
    before = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        rows = _build(path, analysis, lang)
    finally:
        tempfile.tempdir = before
        shutil.rmtree(scratch, ignore_errors=True)
    _finish(path, rows)
    return path


def _build(path: Path, analysis, lang: str) -> list[pd.DataFrame]:
    """Write the workbook's frame; return each sheet's rows, in sheet order."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    events = events_sheet_frame(analysis.events)
    shown = min(len(events), MAX_EVENTS)
    notes = list(README["zh" if lang == "zh" else "en"])
    if shown < len(events):
        notes.append(f"events 表只含前 {shown} 条（共 {len(events)} 条，按时间排序）；完整记录见 events.csv。" if lang == "zh"
                     else f"The events sheet holds the first {shown} of {len(events)} events; events.csv has all.")
    rows: list[pd.DataFrame] = []
    _sheet(wb, "说明" if lang == "zh" else "README", pd.DataFrame({"说明" if lang == "zh" else "note": notes}), rows)
    _sheet(wb, "events", events.iloc[:shown], rows)
    _sheet(wb, "senders", analysis.senders, rows)
    if analysis.violations is not None:
        _sheet(wb, "violations", analysis.violations, rows)
    if analysis.entities is not None:
        _sheet(wb, "entities", analysis.entities, rows)
    wb.save(path)
    return rows


def _finish(path: Path, rows: list[pd.DataFrame]) -> None:
    """Rewrite the zip once: each sheet gets its rows (sheet_xml), and the times openpyxl stamps go:
    docProps/core.xml's and the zip entries' dates are fixed, so the same bundle gives the same bytes."""
    import zipfile

    data = path.read_bytes()
    import io

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body)
            sheet = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if sheet:
                start, end = body.index(b"<sheetData>"), body.index(b"</sheetData>") + len(b"</sheetData>")
                body = body[:start] + sheet_data(rows[int(sheet.group(1)) - 1]) + body[end:]
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    path.write_bytes(buf.getvalue())
