"""Reading CSV / XLSX / XLS files into row tables for the tabular importer (formats.md §4.7–§4.9).

CSV: encoding detected (BOM, UTF-16 without BOM, UTF-8, GB18030, charset-normalizer), delimiter chosen
by which one yields a recognizable header; very long cells allowed (the importer flags them).
XLSX: openpyxl read-only, values only (zip bombs and damaged members → UnreadableSource).
XLS: xlrd, date cells → datetime. Row locators: `line N` (CSV, first physical line of the record) and
`sheet NAME row N` (1-based, as Excel shows it).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnreadableSource
from .base import ReadContext
from .tabular_columns import HEADER_SCAN, canonical_local, detect_encoding, find_header

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = (",", "\t", ";", "|")
MAX_XLSX_INFLATED = 1 << 30  # a real 详单 workbook is a few MB; more is a zip bomb


@dataclass
class Table:
    """One sheet (or the CSV): rows of cells and how to name row i in an issue."""

    name: str
    rows: list[list[object]]
    refs: list[str]


def cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


@contextmanager
def _big_fields() -> Iterator[None]:
    """Let the csv module read very long cells (a 1M-character cell becomes an issue, not a crash)."""
    old_limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old_limit)


def sniff_csv_text(text: str) -> tuple[str, int] | None:
    """(delimiter, header score) of the best CSV reading of a text head, None if no header."""
    lines = text.splitlines()[:HEADER_SCAN]
    best = None
    for delim in DELIMITERS:
        with _big_fields():
            rows = list(csv.reader(lines, delimiter=delim))
        found = find_header(rows, {})
        if found and (best is None or len(found[1]) > best[1]):
            best = (delim, len(found[1]))
    return best


_PHONE_LIKE = re.compile(r"^\+?[\d\s-]{5,}$")


def looks_like_event_rows(text: str) -> bool:
    """Headers matched nothing, but ≥2 rows hold a date-time and a phone-like number: a table that needs --map."""
    for delim in DELIMITERS:
        with _big_fields():
            rows = [r for r in csv.reader(text.splitlines(), delimiter=delim) if len(r) >= 2]
        hits = sum(1 for r in rows if any(canonical_local(c)[0] for c in r)
                   and any(_PHONE_LIKE.match(c.strip()) and canonical_local(c)[0] is None for c in r))
        if hits >= 2:
            return True
    return False


def read_csv_table(path: Path, data: bytes, ctx: ReadContext, source: str) -> Table:
    encoding = detect_encoding(data)
    if encoding is None:
        raise UnreadableSource(f"{path}: text encoding not recognized (tried UTF-8, UTF-16, GB18030)")
    text = data.decode(encoding, errors="replace").lstrip("\ufeff")
    head = "\n".join(text.splitlines()[:HEADER_SCAN])
    sniffed = sniff_csv_text(head)
    delim = sniffed[0] if sniffed else max(DELIMITERS, key=head.count)
    with _big_fields():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        rows, refs, line = [], [], 1
        try:
            for row in reader:
                rows.append(row)
                refs.append(f"line {line}")
                line = reader.line_num + 1
        except csv.Error as exc:
            ctx.issues.add(source, f"line {line}", f"CSV unreadable from here ({exc}); rows before it were imported")
    return Table("csv", rows, refs)


def read_xlsx_tables(path: Path) -> list[Table]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as zf:  # zipfile never inflates a member past its declared size
            inflated = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:  # odd zip version/method
        raise UnreadableSource(f"{path}: not a readable XLSX workbook ({exc})") from exc
    if inflated > MAX_XLSX_INFLATED:
        raise UnreadableSource(f"{path}: XLSX would inflate to {inflated} bytes (zip bomb?); not read")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableSource(f"{path}: not a readable XLSX workbook ({exc})") from exc
    except Exception as exc:  # a damaged member: zlib.error, XML parse errors, EOFError… from openpyxl
        raise UnreadableSource(f"{path}: damaged XLSX workbook ({type(exc).__name__}: {exc})") from exc
    try:
        tables = []
        for sheet in book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
            tables.append(Table(sheet.title, rows, [f"sheet {sheet.title} row {i + 1}" for i in range(len(rows))]))
        return tables
    except Exception as exc:  # same damage met while streaming a sheet
        raise UnreadableSource(f"{path}: damaged XLSX workbook ({type(exc).__name__}: {exc})") from exc
    finally:
        book.close()


def read_xls_tables(path: Path) -> list[Table]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises many types (XLRDError, CompDocError, struct.error…)
        raise UnreadableSource(f"{path}: not a readable XLS workbook ({exc})") from exc
    try:
        tables = []
        for sheet in book.sheets():
            rows = []
            for r in range(sheet.nrows):
                cells: list[object] = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            cells.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                        except (ValueError, OverflowError):
                            cells.append(cell.value)
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        cells.append(None)
                    else:
                        cells.append(cell.value)
                rows.append(cells)
            tables.append(Table(sheet.name, rows, [f"sheet {sheet.name} row {i + 1}" for i in range(len(rows))]))
        return tables
    finally:
        book.release_resources()


def has_workbook_stream(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return "Workbook".encode("utf-16-le") in data or "Book\0".encode("utf-16-le") in data


def is_xlsx(path: Path, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):  # damaged or exotic zip
        return False
