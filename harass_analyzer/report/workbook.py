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

import numpy as np
import pandas as pd

from ..schema import EVENT_COLUMNS, EXTRA_COLUMNS

EXCEL_ROWS = 1_048_576
MAX_EVENTS = 100_000  # rows of the events sheet (openpyxl writes ~6,000 rows a second): events.csv holds all
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
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


def _cells(values: list, ws) -> list:
    """A column's values as cells: text starting with "=" as an explicit string cell, XML-illegal
    control characters as _xHHHH_."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in values:
        if isinstance(v, str):
            if _ILLEGAL.search(v):
                v = _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", v)
            if v.startswith("="):
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"
                v = cell
        out.append(v)
    return out


def _column(series: pd.Series) -> list:
    """Plain Python values; missing → None (an empty cell)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return [None if pd.isna(v) else bool(v) for v in series.tolist()]
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(values) & (values == np.round(values))
        return [None if not np.isfinite(v) else int(v) if w else float(v) for v, w in zip(values.tolist(), whole)]
    return [None if (v is None or (isinstance(v, float) and v != v) or v is pd.NA) else str(v)
            for v in series.astype(object).tolist()]


def _needs_cells(values: list) -> bool:
    return any(isinstance(v, str) and (v.startswith("=") or _ILLEGAL.search(v)) for v in values)


def _sheet(wb, title: str, frame: pd.DataFrame) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    columns = [str(c) for c in frame.columns]
    for i, name in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(name, max(10, min(len(name) + 4, 20)))
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    ws.append(columns)
    values = []
    for i in range(len(columns)):
        col = _column(frame.iloc[:, i])
        values.append(_cells(col, ws) if _needs_cells(col) else col)
    for row in zip(*values):
        ws.append(row)


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
        _build(path, analysis, lang)
        _fixed_timestamps(path)
        return path
    scratch = Path(tempfile.mkdtemp(prefix=".xlsx-", dir=path.parent))
    before = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        _build(path, analysis, lang)
    finally:
        tempfile.tempdir = before
        shutil.rmtree(scratch, ignore_errors=True)
    _fixed_timestamps(path)
    return path


def _build(path: Path, analysis, lang: str) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    events = events_sheet_frame(analysis.events)
    shown = min(len(events), MAX_EVENTS)
    notes = list(README["zh" if lang == "zh" else "en"])
    if shown < len(events):
        notes.append(f"events 表只含前 {shown} 条（共 {len(events)} 条，按时间排序）；完整记录见 events.csv。" if lang == "zh"
                     else f"The events sheet holds the first {shown} of {len(events)} events; events.csv has all.")
    _sheet(wb, "说明" if lang == "zh" else "README", pd.DataFrame({"说明" if lang == "zh" else "note": notes}))
    _sheet(wb, "events", events.iloc[:shown])
    _sheet(wb, "senders", analysis.senders)
    if analysis.violations is not None:
        _sheet(wb, "violations", analysis.violations)
    if analysis.entities is not None:
        _sheet(wb, "entities", analysis.entities)
    wb.save(path)


def _fixed_timestamps(path: Path) -> None:
    """openpyxl stamps docProps/core.xml with the current time and the zip entries with the current
    date: rewrite both so the same bundle gives the same bytes (outputs are deterministic)."""
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
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    path.write_bytes(buf.getvalue())
