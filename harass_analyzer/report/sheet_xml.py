"""The `<sheetData>` of a worksheet, written column-wise with Arrow instead of cell by cell.

openpyxl builds and serialises one cell object at a time (about 15 s for the 100,000-row events sheet of a
million-event run); this writes the same XML, byte for byte, from each column's distinct values: every
distinct text is escaped once, and the cells and rows are joined by Arrow's string kernels in C++. The
workbook itself (styles, widths, frozen pane, filter) is still openpyxl's (workbook.py), which writes each
sheet with its header row only; this module's rows replace that sheetData.

The XML is what openpyxl's write-only sheets give through lxml: inline strings (`t="inlineStr"`) with
every non-ASCII character as a decimal character reference, `&`, `<`, `>` and CR escaped, `xml:space=
"preserve"` on text with outer whitespace, texts cut at Excel's 32,767 characters; numbers as `%.16g`,
booleans as 1/0, missing values as no cell at all. (Two deliberate differences: a text equal to an Excel
error code such as "#N/A", which openpyxl turns into an error cell, stays text here, and so does a text
starting with "=", as workbook.py always asked of openpyxl.)
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

EXCEL_TEXT = 32_767  # characters a cell holds
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls XML cannot hold: Excel's _xHHHH_ escape


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_cell(value: str) -> str:
    """Everything of a text cell after its coordinate: ` t="inlineStr">…</c>`."""
    if ILLEGAL.search(value):
        value = ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)
    value = value[:EXCEL_TEXT]
    if value == "":
        return ' t="inlineStr"></c>'
    escaped = (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
               .encode("ascii", "xmlcharrefreplace").decode("ascii"))
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _number_cell(value: float) -> str:
    return f' t="n"><v>{"%.16g" % value}</v></c>'


def _cell_tails(series: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """(code per row, -1 for no cell; the distinct cells' XML after the coordinate)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("boolean")
        codes = np.where(values.isna().to_numpy(), -1, values.fillna(False).to_numpy(dtype=bool).astype(np.int64))
        return codes, pa.array([' t="b"><v>0</v></c>', ' t="b"><v>1</v></c>'])
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(values)
        codes, distinct = pd.factorize(values[finite])
        out = np.full(len(values), -1, dtype=np.int64)
        out[finite] = codes
        return out, pa.array([_number_cell(v) for v in distinct], type=pa.string())
    codes, distinct = pd.factorize(series.astype(object), use_na_sentinel=True)
    return codes.astype(np.int64), pa.array([text_cell(str(v)) for v in distinct], type=pa.string())


def sheet_data(frame: pd.DataFrame) -> bytes:
    """`<sheetData>` with the header row (the column names) and one row per frame row."""
    header = pd.DataFrame([[str(c) for c in frame.columns]], columns=range(len(frame.columns)))
    parts = [b"<sheetData>", _rows(header, 1), _rows(frame, 2), b"</sheetData>"]
    return b"".join(parts)


def _rows(frame: pd.DataFrame, first_row: int) -> bytes:
    count = len(frame)
    if count == 0:
        return b""
    numbers = pa.array(np.arange(first_row, first_row + count).astype(str), type=pa.string())
    pieces: list = ['<row r="', numbers, '">']
    for i in range(len(frame.columns)):
        codes, tails = _cell_tails(frame.iloc[:, i])
        present = codes >= 0
        if not len(tails):  # every value missing: no cell in this column
            tails = pa.array([""], type=pa.string())
        cells = pc.binary_join_element_wise(f'<c r="{column_letter(i + 1)}', numbers, '"',
                                            tails.take(pa.array(np.where(present, codes, 0))), "")
        if not present.all():  # no cell for a missing value
            cells = pc.if_else(pa.array(present), cells, "")
        pieces.append(cells)
    pieces.append("</row>")
    rows = pc.binary_join_element_wise(*pieces, "").cast(pa.large_string())
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:rows.offset + count + 1]
    return rows.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]
