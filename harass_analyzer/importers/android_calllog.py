"""Android call log: `calllog.db` / `contacts2.db` table `calls`, Huawei backup `calllog.db` `calls_tb`
(formats.md §2.2, §4.1).

* `date` epoch ms, `duration` seconds. `type` 1 incoming, 2 outgoing, 3 missed, 4 voicemail,
  5 rejected, 6 blocked, 7 answered elsewhere (AOSP CallLog.Calls); unknown codes are kept as "unknown".
* Some ROMs store the RING time in `duration` of missed/rejected/blocked calls; those calls never
  connected, so their duration is set to 0 (an issue is not logged: this is the expected reading).
* Huawei/Honor `mark_type`/`mark_content` (caller-ID crowd marks such as 骚扰电话, 催收) become
  `vendor_mark` "huawei:<mark_content>". `presentation` and `deleted` are kept.
* vivo rows with `logtype` 300 are not calls (pa_script skips them): skipped and logged.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from ..android_codes import CALL_TYPES
from .base import Importer, RawColumns, ReadContext
from .sqlite_util import (col_or, column_names, count_rows, is_sqlite, open_readonly, sniff_tables, table_names,
                          with_sidecars)

NAME = "android_calllog"
NOT_CONNECTED = {"missed", "rejected", "blocked"}
CALL_TABLES = ("calls", "calls_tb")
VIVO_NON_CALL_LOGTYPE = 300


def _int(value: object, default: int = 0) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # text/BLOB/inf in a damaged row
        return default


def _huawei_mark(mark_type: object, mark_content: object) -> str:
    content = str(mark_content or "").strip()
    if content:
        return f"huawei:{content}"
    return f"huawei:mark_type={mark_type}" if _int(mark_type) else ""


def _read_calls_table(conn: sqlite3.Connection, table: str, out: RawColumns, ctx: ReadContext) -> None:
    cols = column_names(conn, table)
    key = "_id" if "_id" in cols else "rowid"
    select = ", ".join([
        f"{key} AS k", col_or(cols, "date"), col_or(cols, "type"), col_or(cols, "number"),
        col_or(cols, "duration", "0"), col_or(cols, "name", "''"), col_or(cols, "presentation", "1"),
        col_or(cols, "deleted", "0"), col_or(cols, "mark_type", "0"), col_or(cols, "mark_content", "''"),
        col_or(cols, "logtype", "0"), col_or(cols, "countryiso", "''"),
    ])
    for k, date, ctype, number, duration, name, presentation, deleted, mark_type, mark_content, logtype, country in \
            conn.execute(f'SELECT {select} FROM "{table}" ORDER BY {key}'):
        ref = f"{table}:{key}={k}"
        if _int(logtype) == VIVO_NON_CALL_LOGTYPE:
            ctx.issues.add(out.source_file, ref, "vivo log row with logtype 300 (not a call); skipped")
            continue
        ts = _int(date, -1)
        if ts <= 0:
            ctx.issues.add(out.source_file, ref, f"call skipped: date {date!r} is not epoch milliseconds")
            continue
        direction, status = CALL_TYPES.get(_int(ctype, -1), ("in", "unknown"))
        try:
            dur = max(float(duration or 0), 0.0)
        except (TypeError, ValueError):
            dur = 0.0
        if status is None:
            status = "answered" if dur > 0 else "unknown"
        elif status in NOT_CONNECTED:
            dur = 0.0  # a never-connected call has no talk time, whatever ring time the ROM stored
        out.add("call", direction, ts, "" if number is None else str(number), ref, call_status=status,
                contact_name=str(name or ""), duration_s=dur, presentation=_int(presentation, 1),
                deleted=bool(_int(deleted)), vendor_mark=_huawei_mark(mark_type, mark_content),
                country_hint=country if isinstance(country, str) else "")


def read_calllog_connection(conn: sqlite3.Connection, out: RawColumns, ctx: ReadContext) -> None:
    tables = table_names(conn)
    for table in CALL_TABLES:
        if table in tables:
            _read_calls_table(conn, table, out, ctx)


class AndroidCallLogImporter(Importer):
    NAME = NAME
    DESCRIPTION = "Android calllog.db / contacts2.db (calls) and Huawei backup calllog.db (calls_tb)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_sqlite(head) and any(t in sniff_tables(path) for t in CALL_TABLES)

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        out = RawColumns(ctx.source_name or str(path), NAME)
        with open_readonly(path, label=out.source_file) as conn:
            read_calllog_connection(conn, out, ctx)
        return out.frame()

    def evidence_files(self, path: Path) -> list[Path]:
        return with_sidecars(path)

    def count(self, path: Path, ctx: ReadContext) -> int:
        with open_readonly(path, label=ctx.source_name or str(path)) as conn:
            return count_rows(conn, list(CALL_TABLES))
