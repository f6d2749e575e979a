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

from ..android_codes import CALL_TYPES
from .base import RawColumns, ReadContext
from .sqlite_base import (SqliteImporter, as_int, as_seconds, column_names, each_row, row_key, select_columns,
                          table_names)

NAME = "android_calllog"
NOT_CONNECTED = {"missed", "rejected", "blocked"}
CALL_TABLES = ("calls", "calls_tb")
VIVO_NON_CALL_LOGTYPE = 300
# column → what a ROM whose table lacks it stands for
CALL_COLUMNS = {"date": "NULL", "type": "NULL", "number": "NULL", "duration": "0", "name": "''",
                "presentation": "1", "deleted": "0", "mark_type": "0", "mark_content": "''", "logtype": "0",
                "countryiso": "''"}


def _huawei_mark(mark_type: object, mark_content: object) -> str:
    content = str(mark_content or "").strip()
    if content:
        return f"huawei:{content}"
    return f"huawei:mark_type={mark_type}" if as_int(mark_type) else ""


def _read_calls_table(conn: sqlite3.Connection, table: str, out: RawColumns, ctx: ReadContext) -> None:
    cols = column_names(conn, table)
    key = row_key(cols)

    def take(ref: str, _k: object, date: object, ctype: object, number: object, duration: object, name: object,
             presentation: object, deleted: object, mark_type: object, mark_content: object, logtype: object,
             country: object) -> str | None:
        if as_int(logtype) == VIVO_NON_CALL_LOGTYPE:
            return "vivo log row with logtype 300 (not a call); skipped"
        ts = as_int(date, -1)
        if ts <= 0:
            return f"call skipped: date {date!r} is not epoch milliseconds"
        direction, status = CALL_TYPES.get(as_int(ctype, -1), ("in", "unknown"))
        dur = as_seconds(duration)
        if status is None:
            status = "answered" if dur > 0 else "unknown"
        elif status in NOT_CONNECTED:
            dur = 0.0  # a never-connected call has no talk time, whatever ring time the ROM stored
        out.add("call", direction, ts, "" if number is None else str(number), ref, call_status=status,
                contact_name=str(name or ""), duration_s=dur, presentation=as_int(presentation, 1),
                deleted=bool(as_int(deleted)), vendor_mark=_huawei_mark(mark_type, mark_content),
                country_hint=country if isinstance(country, str) else "")
        return None

    each_row(conn, f'SELECT {key} AS k, {select_columns(cols, CALL_COLUMNS)} FROM "{table}" ORDER BY {key}',
             f"{table}:{key}=", out, ctx, take)


class AndroidCallLogImporter(SqliteImporter):
    NAME = NAME
    DESCRIPTION = "Android calllog.db / contacts2.db (calls) and Huawei backup calllog.db (calls_tb)"
    COUNT_TABLES = CALL_TABLES

    def claims(self, path: Path, tables: frozenset[str]) -> bool:
        return any(t in tables for t in CALL_TABLES)

    def read_connection(self, conn: sqlite3.Connection, out: RawColumns, ctx: ReadContext) -> None:
        tables = table_names(conn)
        for table in CALL_TABLES:
            if table in tables:
                _read_calls_table(conn, table, out, ctx)
