"""CSV / XLSX / XLS call and SMS tables: carrier 通话详单/短信详单 and PC-assistant exports (formats.md §4.7–§4.9).

Sniffed by content: XLSX = zip holding `xl/workbook.xml`; XLS = OLE2 (`D0 CF 11 E0`); CSV = text whose
header row (within the first 15 lines) names a time-like and a number-like column. Each sheet is a
table; title rows above the header, blank rows, repeated headers and totals rows are skipped. Columns
come from Chinese/English synonyms (tabular_columns) or an explicit `ctx.column_map` {field: column}.
Local time strings are read in ctx.tz. Every record that cannot be read is an import issue.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from ..errors import ConfigError, UnreadableSource
from .base import Importer, IssueLog, RawColumns, ReadContext
from .tabular_columns import (FIELDS, HEADER_SCAN, call_status_for, canonical_local, clean_number, decode_head,
                              find_header, is_clock_only, local_to_epoch_ms, parse_duration, parse_type)
from .tabular_sources import (OLE2_MAGIC, Table, cell_text, has_workbook_stream, is_xlsx, looks_like_event_rows,
                              read_csv_table, read_xls_tables, read_xlsx_tables, sniff_csv_text)

LONG_CELL = 100_000
_TOTALS = re.compile(r"合计|总计|小计|共计|汇总|总条数|^total|^sum\b", re.I)
MAP_HINT = "--map number=对方号码,time=通话时间,type=呼叫类型 (fields: " + ",".join(FIELDS) + ")"


class TabularImporter(Importer):
    NAME = "tabular"
    DESCRIPTION = "CSV/XLSX/XLS call or SMS tables (运营商通话详单/短信详单, 手机助手 exports; --map for odd headers)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if head.startswith(OLE2_MAGIC):  # also .doc/.msg: only a workbook has a (Work)Book stream
            return has_workbook_stream(path)
        if is_xlsx(path, head):
            return True
        if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and head.count(b"\0") < len(head) // 4:
            return False  # binary, not UTF-16 text
        text = decode_head(head)
        if text.lstrip("\ufeff \r\n\t").startswith(("<", "BEGIN:", "{", "[")):
            return False
        head_text = "\n".join(text.splitlines()[:HEADER_SCAN])
        return sniff_csv_text(head_text) is not None or looks_like_event_rows(head_text)

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
        elif is_xlsx(path, data[:4]):
            tables = read_xlsx_tables(path)
        else:
            tables = [read_csv_table(path, data, ctx, source)]
        cols = RawColumns(source, self.NAME)
        headed = 0
        for table in tables:
            # --map names the columns of the file(s) that need it; other tables keep auto-detection.
            found = (ctx.column_map and find_header(table.rows, ctx.column_map)) or find_header(table.rows, {})
            if found is None:
                if any(sum(1 for c in row if cell_text(c)) >= 2 for row in table.rows[:HEADER_SCAN]) and len(tables) > 1:
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
        widest = max(rows, key=lambda r: sum(1 for c in r if cell_text(c)), default=[])
        found = ", ".join(cell_text(c)[:30] for c in widest if cell_text(c)) or "none"
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
        context = self.table.name + " " + " ".join(cell_text(c) for r in self.table.rows[:self.header] for c in r)
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
            day = date.date().isoformat() if hasattr(date, "date") and callable(date.date) else cell_text(date)
            clock = value.isoformat() if hasattr(value, "isoformat") else cell_text(value)
            value = f"{day} {clock}".strip()
        text, is_utc = canonical_local(value)
        return text, is_utc, cell_text(value)

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
            cells = [cell_text(c) for c in row]
            if not any(cells):
                continue
            text, is_utc, shown = self._time_value(row)
            number_cell = get(row, col.get("number", col.get("caller", col.get("callee"))))
            if text is None:
                joined = " ".join(cells)
                if _TOTALS.search(joined) or not re.search(r"\d{3}", cell_text(number_cell)):
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
            notes.append(f"type {cell_text(type_value)!r} not understood")
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
            notes.append(f"duration {cell_text(get(row, col.get('duration')))!r} unreadable")
            duration = float("nan")
        if not direction:
            direction = "in"
        if kind == "call":
            call_status = call_status_for(direction, status if status in ("answered", "missed", "rejected",
                                                                             "blocked", "voicemail") else "", duration)
            if call_status in ("missed", "rejected", "blocked") and duration == duration:
                duration = 0.0
            self.cols.add("call", direction, ts, number, ref, call_status=call_status,
                          contact_name=cell_text(get(row, col.get("name"))), duration_s=duration)
        else:
            msg_status = status if status in ("received", "sent", "draft", "outbox", "failed", "queued") else (
                "unknown" if parsed is None else ("received" if direction == "in" else "sent"))
            self.cols.add("sms", direction, ts, number, ref, msg_status=msg_status,
                          contact_name=cell_text(get(row, col.get("name"))), body=cell_text(get(row, col.get("body"))))
        for note in notes:
            self.ctx.issues.add(self.source, ref, "imported, but " + note)
