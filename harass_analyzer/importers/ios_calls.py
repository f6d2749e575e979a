"""iOS `CallHistory.storedata` (Core Data SQLite, table ZCALLRECORD), formats.md §3.3.

* `ZDATE`: Apple-2001 seconds as a REAL (never ns); `ZDURATION` seconds REAL.
* `ZADDRESS` is TEXT on some devices and a BLOB of UTF-8 on others; when empty, the remote handle
  (`Z_2REMOTEPARTICIPANTHANDLES` → `ZHANDLE.ZVALUE`) is used. The join table's column numbers vary
  by iOS version, so they are found by name suffix.
* `ZORIGINATED` 1 = outgoing. Incoming: answered when `ZANSWERED`=1 or the call lasted; otherwise missed,
  rejected when `ZDISCONNECTED_CAUSE`=6 (iLEAPP's community decode), blocked when filtered/blocked by
  an extension. Outgoing `ZANSWERED` is always 0, so "connected" means `ZDURATION` > 0.
* Junk signals (`ZJUNKIDENTIFICATIONCATEGORY`, `ZJUNKCONFIDENCE`) become `vendor_mark` ("ios:MAYBE_JUNK").
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..timeconv import APPLE_EPOCH_S, seconds_to_ms
from .base import RawColumns, ReadContext
from .sqlite_base import SqliteImporter, as_int, as_seconds, column_names, each_row, select_columns, table_names

NAME = "ios_calls"
DISCONNECTED_REJECTED = 6
# column → what an iOS version whose ZCALLRECORD lacks it stands for
CALL_COLUMNS = {"ZDATE": "NULL", "ZDURATION": "0", "ZADDRESS": "NULL", "ZORIGINATED": "0", "ZANSWERED": "0",
                "ZNAME": "''", "ZDISCONNECTED_CAUSE": "0", "ZFILTERED_OUT_REASON": "0", "ZBLOCKEDBYEXTENSION": "0",
                "ZJUNKIDENTIFICATIONCATEGORY": "''", "ZJUNKCONFIDENCE": "0"}


def _address_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip("\x00").strip()
    return str(value).strip()


def _remote_handles(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    """ZCALLRECORD.Z_PK → remote handle value(s), for rows whose ZADDRESS is empty."""
    join = "z_2remoteparticipanthandles"
    if join not in tables or "zhandle" not in tables:
        return {}
    jcols = column_names(conn, join)
    call_col = next((c for c in jcols if c.endswith("remoteparticipantcalls")), None)
    handle_col = next((c for c in jcols if c.endswith("remoteparticipanthandles")), None)
    if not call_col or not handle_col:
        return {}
    out: dict[int, list[str]] = {}
    for call_pk, value in conn.execute(
            f'SELECT j."{call_col}", h.ZVALUE FROM "{join}" j JOIN ZHANDLE h ON h.Z_PK = j."{handle_col}" '
            f'ORDER BY j."{call_col}", h.ZVALUE'):
        text = _address_text(value)
        if text:
            out.setdefault(call_pk, []).append(text)
    return {pk: ";".join(values) for pk, values in out.items()}


def _status(originated: int, answered: int, duration: float, cause: int, blocked: bool) -> tuple[str, str]:
    if originated:
        return "out", "answered" if duration > 0 else "unknown"
    if answered or duration > 0:
        return "in", "answered"
    if blocked:
        return "in", "blocked"
    if cause == DISCONNECTED_REJECTED:
        return "in", "rejected"
    return "in", "missed"


class IosCallsImporter(SqliteImporter):
    NAME = NAME
    DESCRIPTION = "iOS call history CallHistory.storedata (ZCALLRECORD), also as stored in a backup (5a4935c7…)"
    COUNT_TABLES = ("ZCALLRECORD",)

    def claims(self, path: Path, tables: frozenset[str]) -> bool:
        return "zcallrecord" in tables

    def read_connection(self, conn: sqlite3.Connection, out: RawColumns, ctx: ReadContext) -> None:
        """Append every ZCALLRECORD row of an open CallHistory.storedata to `out`."""
        tables = table_names(conn)
        if "zcallrecord" not in tables:
            ctx.issues.add(out.source_file, "ZCALLRECORD", "no ZCALLRECORD table in this call history")
            return
        remote = _remote_handles(conn, tables)

        def take(ref: str, pk: object, zdate: object, duration: object, address: object, originated: object,
                 answered: object, name: object, cause: object, filtered: object, blocked_ext: object,
                 junk_cat: object, junk_conf: object) -> str | None:
            try:
                ts = seconds_to_ms(float(zdate) + APPLE_EPOCH_S)
            except (TypeError, ValueError, OverflowError):
                return f"call skipped: ZDATE {zdate!r} is not Apple-epoch seconds"
            dur = as_seconds(duration)
            blocked = bool(filtered) or bool(blocked_ext)
            direction, status = _status(as_int(originated), as_int(answered), dur, as_int(cause), blocked)
            marks = []
            if junk_cat:
                marks.append(f"ios:{_address_text(junk_cat)}")
            elif junk_conf:
                marks.append(f"ios:junk_confidence={junk_conf}")
            if filtered:
                marks.append(f"ios:filtered_out={filtered}")
            if blocked_ext:
                marks.append("ios:blocked_by_extension")
            counterpart = _address_text(address) or remote.get(pk, "")
            out.add("call", direction, ts, counterpart, ref, call_status=status,
                    contact_name=_address_text(name), duration_s=dur, vendor_mark=";".join(marks))
            return None

        cols = column_names(conn, "zcallrecord")
        each_row(conn, f"SELECT Z_PK, {select_columns(cols, CALL_COLUMNS)} FROM ZCALLRECORD ORDER BY Z_PK",
                 "ZCALLRECORD:Z_PK=", out, ctx, take)
