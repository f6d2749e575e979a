"""CSV / XLSX / XLS call and SMS tables: carrier 通话详单/短信详单 and PC-assistant exports (formats.md §4.7–§4.9).

Sniffed by content: XLSX = zip holding `xl/workbook.xml`; XLS = OLE2 (`D0 CF 11 E0`); CSV = text whose
header row (within the first 15 lines) names a time-like and a number-like column. Each sheet is a
table; title rows above the header, blank rows, repeated headers and totals rows are skipped. Columns
come from Chinese/English synonyms (tabular_columns) or an explicit `ctx.column_map` {field: column}.
Local time strings are read in ctx.tz. Every record that cannot be read is an import issue.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ConfigError, UnreadableSource
from .base import Importer, IssueLog, RawColumns, ReadContext
from .tabular_columns import (FIELDS, call_status_for, canonical_local, clean_number, decode_head, detect_encoding,
                              header_field, is_clock_only, local_to_epoch_ms, normalize_header, parse_duration,
                              parse_type)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SCAN = 15
DELIMITERS = (",", "\t", ";", "|")
LONG_CELL = 100_000
MAX_XLSX_INFLATED = 1 << 30  # a real 详单 workbook is a few MB; more is a zip bomb
_TOTALS = re.compile(r"合计|总计|小计|共计|汇总|总条数|^total|^sum\b", re.I)
MAP_HINT = "--map number=对方号码,time=通话时间,type=呼叫类型 (fields: " + ",".join(FIELDS) + ")"


@dataclass
class Table:
    """One sheet (or the CSV): rows of cells and how to name row i in an issue."""

    name: str
    rows: list[list[object]]
    refs: list[str]


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def find_header(rows: list[list[object]], column_map: dict[str, str]) -> tuple[int, dict[str, list[int]]] | None:
    """(header row index, field → candidate column indexes) for the best header in the first rows."""
    wanted = {f: normalize_header(c) for f, c in column_map.items()}
    best: tuple[int, int, dict[str, list[int]]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN]):
        keys = [normalize_header(c) for c in row]
        fields: dict[str, list[int]] = {}
        if wanted:
            if not all(w in keys for w in wanted.values()):
                continue
            for field, key in wanted.items():
                fields[field] = [keys.index(key)]
        for j, cell in enumerate(row):
            field = header_field(cell)
            if field and field not in wanted and j not in [c for cs in fields.values() for c in cs]:
                fields.setdefault(field, []).append(j)
        has_time = "time" in fields or "date" in fields
        has_number = bool({"number", "caller", "callee"} & fields.keys())
        if not wanted and (len(fields) < 2 or not has_time or not has_number):
            continue
        score = len(fields) + (100 if wanted else 0)
        if best is None or score > best[0]:
            best = (score, i, fields)
    return (best[1], best[2]) if best else None


@contextmanager
def _big_fields() -> Iterator[None]:
    """Let the csv module read very long cells (a 1M-character cell becomes an issue, not a crash)."""
    old_limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old_limit)


def _sniff_csv_text(text: str) -> tuple[str, int] | None:
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


def _looks_like_event_rows(text: str) -> bool:
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
    sniffed = _sniff_csv_text(head)
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
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
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


def _is_xlsx(path: Path, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


class TabularImporter(Importer):
    NAME = "tabular"
    DESCRIPTION = "CSV/XLSX/XLS call or SMS tables (运营商通话详单/短信详单, 手机助手 exports; --map for odd headers)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if head.startswith(OLE2_MAGIC) or _is_xlsx(path, head):
            return True
        if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and head.count(b"\0") < len(head) // 4:
            return False  # binary, not UTF-16 text
        text = decode_head(head)
        if text.lstrip("\ufeff \r\n\t").startswith(("<", "BEGIN:", "{", "[")):
            return False
        head_text = "\n".join(text.splitlines()[:HEADER_SCAN])
        return _sniff_csv_text(head_text) is not None or _looks_like_event_rows(head_text)

    def count(self, path: Path, ctx: ReadContext) -> int:
        return len(self.read(path, ReadContext(IssueLog(), tz=ctx.tz, column_map=ctx.column_map)))

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        source = ctx.source_name or str(path)
        unknown = set(ctx.column_map) - set(FIELDS)
        if unknown:
            raise ConfigError(f"--map: unknown field(s) {', '.join(sorted(unknown))}; fields are {', '.join(FIELDS)}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableSource(f"{path}: cannot read ({exc.strerror or exc})") from exc
        if data.startswith(OLE2_MAGIC):
            tables = read_xls_tables(path)
        elif _is_xlsx(path, data[:4]):
            tables = read_xlsx_tables(path)
        else:
            tables = [read_csv_table(path, data, ctx, source)]
        cols = RawColumns(source, self.NAME)
        headed = 0
        for table in tables:
            # --map names the columns of the file(s) that need it; other tables keep auto-detection.
            found = (ctx.column_map and find_header(table.rows, ctx.column_map)) or find_header(table.rows, {})
            if found is None:
                if any(sum(1 for c in row if _cell_text(c)) >= 2 for row in table.rows[:HEADER_SCAN]) and len(tables) > 1:
                    ctx.issues.add(source, f"sheet {table.name}", "no call/SMS header recognized; sheet skipped")
                continue
            headed += 1
            _TableReader(table, found[0], found[1], cols, ctx).run()
        if not headed:
            raise ConfigError(self._no_header_message(path, tables, ctx))
        return cols.frame()

    @staticmethod
    def _no_header_message(path: Path, tables: list[Table], ctx: ReadContext) -> str:
        rows = [r for t in tables for r in t.rows[:HEADER_SCAN]]
        widest = max(rows, key=lambda r: sum(1 for c in r if _cell_text(c)), default=[])
        found = ", ".join(_cell_text(c)[:30] for c in widest if _cell_text(c)) or "none"
        if ctx.column_map:
            wanted = ", ".join(f"{f}={c}" for f, c in ctx.column_map.items())
            return (f"{path}: mapped column(s) {wanted} not all found in one header row, and the columns were not "
                    f"recognized either; columns found: {found}")
        return (f"{path}: cannot tell which columns hold the number and the time; columns found: {found}. "
                f"Pass a mapping, e.g. {MAP_HINT}")


class _TableReader:
    """Turns the data rows under one header into records."""

    def __init__(self, table: Table, header: int, fields: dict[str, list[int]], cols: RawColumns,
                 ctx: ReadContext) -> None:
        self.table, self.header, self.cols, self.ctx = table, header, cols, ctx
        self.source = cols.source_file
        self.width = len(table.rows[header])
        self.data = range(header + 1, len(table.rows))
        sample = [table.rows[i] for i in self.data[:30]]
        self.col = {f: self._choose(f, idx, sample) for f, idx in fields.items()}
        self.kind = self._table_kind(sample)

    @staticmethod
    def _get(row: list[object], j: int | None) -> object:
        if j is None or j >= len(row):
            return None
        value = row[j]
        return None if isinstance(value, str) and not value.strip() else value

    def _choose(self, field: str, idx: list[int], sample: list[list[object]]) -> int:
        """Among several candidate columns, the one whose values look like the field."""
        if len(idx) == 1:
            return idx[0]
        checks = {"time": lambda v: canonical_local(v)[0] is not None, "type": lambda v: parse_type(v) is not None,
                  "duration": lambda v: parse_duration(v) is not None}
        check = checks.get(field)
        if check is None:
            return idx[0]
        return max(idx, key=lambda j: (sum(1 for r in sample if (v := self._get(r, j)) is not None and check(v)), -j))

    def _table_kind(self, sample: list[list[object]]) -> str:
        if "body" in self.col:
            return "sms"
        if "duration" in self.col:
            return "call"
        context = self.table.name + " " + " ".join(_cell_text(c) for r in self.table.rows[:self.header] for c in r)
        if re.search(r"通话|呼叫|call", context, re.I):
            return "call"
        if re.search(r"短信|信息|短消息|sms|message", context, re.I):
            return "sms"
        hints = Counter(t[0] for r in sample if (t := parse_type(self._get(r, self.col.get("type")))) and t[0])
        return hints.most_common(1)[0][0] if hints else "sms"

    def _owner(self) -> str | None:
        """The phone owner's number: the one most often in the 主叫/被叫 columns."""
        if "caller" not in self.col or "callee" not in self.col:
            return None
        seen = Counter(clean_number(self._get(self.table.rows[i], self.col[f]))[0]
                       for i in self.data for f in ("caller", "callee"))
        seen.pop("", None)
        return seen.most_common(1)[0][0] if seen else None

    def _time_value(self, row: list[object]) -> tuple[str | None, bool, str]:
        value = self._get(row, self.col.get("time"))
        date = self._get(row, self.col.get("date"))
        if date is not None and (value is None or is_clock_only(value)):
            day = date.date().isoformat() if hasattr(date, "date") and callable(date.date) else _cell_text(date)
            clock = value.isoformat() if hasattr(value, "isoformat") else _cell_text(value)
            value = f"{day} {clock}".strip()
        text, is_utc = canonical_local(value)
        return text, is_utc, _cell_text(value)

    def run(self) -> None:
        rows, refs, get, col = self.table.rows, self.table.refs, self._get, self.col
        owner = self._owner()
        if "type" not in col and owner is None:
            self.ctx.issues.add(self.source, f"{refs[self.header]}", "no direction column (类型/收发/主叫被叫): "
                                "every row imported as incoming with unknown status")
        pending: list[tuple] = []
        texts: list[str | None] = []
        utc: list[bool] = []
        for i in self.data:
            row, ref = rows[i], refs[i]
            cells = [_cell_text(c) for c in row]
            if not any(cells):
                continue
            text, is_utc, shown = self._time_value(row)
            number_cell = get(row, col.get("number", col.get("caller", col.get("callee"))))
            if text is None:
                joined = " ".join(cells)
                if _TOTALS.search(joined) or not re.search(r"\d{3}", _cell_text(number_cell)):
                    continue  # totals, notes, a header repeated on a new page: not records
                self.ctx.issues.add(self.source, ref, f"row skipped: time {shown!r} is not a date-time"
                                    + self._shape_note(row))
                continue
            notes = [n for c in cells if len(c) > LONG_CELL for n in [f"a cell of {len(c)} characters (broken quoting?)"]]
            if len(row) > self.width and any(cells[self.width:]):
                notes.append(f"{len(row) - self.width} cells beyond the header ignored")
            pending.append((i, ref, number_cell, notes))
            texts.append(text)
            utc.append(is_utc)
        stamps = local_to_epoch_ms(texts, utc, self.ctx.tz)
        for (i, ref, number_cell, notes), ts in zip(pending, stamps):
            if ts is None:
                self.ctx.issues.add(self.source, ref, "row skipped: time does not exist in " + self.ctx.tz)
                continue
            self._record(rows[i], ref, ts, number_cell, owner, notes)

    def _shape_note(self, row: list[object]) -> str:
        return f" (row has {len(row)} cells, header {self.width})" if len(row) != self.width else ""

    def _record(self, row: list[object], ref: str, ts: int, number_cell: object, owner: str | None,
                notes: list[str]) -> None:
        get, col = self._get, self.col
        direction, status, kind = "", "", self.kind
        type_value = get(row, col.get("type"))
        parsed = parse_type(type_value)
        if parsed is not None:
            direction, status = parsed[1], parsed[2]
        elif type_value is not None:
            notes.append(f"type {_cell_text(type_value)!r} not understood")
        number, problem = clean_number(number_cell)
        if owner is not None and "number" not in col:
            caller = clean_number(get(row, col["caller"]))
            callee = clean_number(get(row, col["callee"]))
            mine_out = caller[0] == owner
            number, problem = callee if mine_out else caller
            direction = direction or ("out" if mine_out else "in")
        if problem:
            notes.append(problem)
        duration = parse_duration(get(row, col.get("duration"))) if kind == "call" else float("nan")
        if duration is None:
            notes.append(f"duration {_cell_text(get(row, col.get('duration')))!r} unreadable")
            duration = float("nan")
        if not direction:
            direction = "in"
        if kind == "call":
            call_status = call_status_for(direction, status if status in ("answered", "missed", "rejected",
                                                                             "blocked", "voicemail") else "", duration)
            if call_status in ("missed", "rejected", "blocked") and duration == duration:
                duration = 0.0
            self.cols.add("call", direction, ts, number, ref, call_status=call_status,
                          contact_name=_cell_text(get(row, col.get("name"))), duration_s=duration)
        else:
            msg_status = status if status in ("received", "sent", "draft", "outbox", "failed", "queued") else (
                "unknown" if parsed is None else ("received" if direction == "in" else "sent"))
            self.cols.add("sms", direction, ts, number, ref, msg_status=msg_status,
                          contact_name=_cell_text(get(row, col.get("name"))), body=_cell_text(get(row, col.get("body"))))
        for note in notes:
            self.ctx.issues.add(self.source, ref, "imported, but " + note)
