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

import pandas as pd

from ..timeconv import APPLE_EPOCH_S, seconds_to_ms
from .base import Importer, RawColumns, ReadContext
from .sqlite_util import (col_or, column_names, count_rows, is_sqlite, open_readonly, sniff_tables, table_names,
                          with_sidecars)

NAME = "ios_calls"
DISCONNECTED_REJECTED = 6


def _int(value: object) -> int:
    """A flag/enum cell as int; a damaged row may hold text or a BLOB there (read as 0)."""
    try:
        return int(value or 0)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0


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


def read_calls_connection(conn: sqlite3.Connection, out: RawColumns, ctx: ReadContext) -> None:
    """Append every ZCALLRECORD row of an open CallHistory.storedata to `out`."""
    tables = table_names(conn)
    if "zcallrecord" not in tables:
        ctx.issues.add(out.source_file, "ZCALLRECORD", "no ZCALLRECORD table in this call history")
        return
    cols = column_names(conn, "zcallrecord")
    remote = _remote_handles(conn, tables)
    select = ", ".join([
        "Z_PK", col_or(cols, "ZDATE"), col_or(cols, "ZDURATION", "0"), col_or(cols, "ZADDRESS"),
        col_or(cols, "ZORIGINATED", "0"), col_or(cols, "ZANSWERED", "0"), col_or(cols, "ZNAME", "''"),
        col_or(cols, "ZDISCONNECTED_CAUSE", "0"), col_or(cols, "ZFILTERED_OUT_REASON", "0"),
        col_or(cols, "ZBLOCKEDBYEXTENSION", "0"), col_or(cols, "ZJUNKIDENTIFICATIONCATEGORY", "''"),
        col_or(cols, "ZJUNKCONFIDENCE", "0"),
    ])
    for (pk, zdate, duration, address, originated, answered, name, cause, filtered, blocked_ext, junk_cat,
         junk_conf) in conn.execute(f"SELECT {select} FROM ZCALLRECORD ORDER BY Z_PK"):
        ref = f"ZCALLRECORD:Z_PK={pk}"
        try:
            ts = seconds_to_ms(float(zdate) + APPLE_EPOCH_S)
        except (TypeError, ValueError, OverflowError):
            ctx.issues.add(out.source_file, ref, f"call skipped: ZDATE {zdate!r} is not Apple-epoch seconds")
            continue
        try:
            dur = max(float(duration or 0), 0.0)
        except (TypeError, ValueError):
            dur = 0.0
        blocked = bool(filtered) or bool(blocked_ext)
        direction, status = _status(_int(originated), _int(answered), dur, _int(cause), blocked)
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


def read_calls_db(path: Path, ctx: ReadContext, source_file: str,
                  sidecars: dict[str, Path] | None = None) -> pd.DataFrame:
    out = RawColumns(source_file, NAME)
    with open_readonly(path, sidecars, label=source_file) as conn:
        read_calls_connection(conn, out, ctx)
    return out.frame()


class IosCallsImporter(Importer):
    NAME = NAME
    DESCRIPTION = "iOS call history CallHistory.storedata (ZCALLRECORD), also as stored in a backup (5a4935c7…)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_sqlite(head) and "zcallrecord" in sniff_tables(path)

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        return read_calls_db(path, ctx, ctx.source_name or str(path))

    def evidence_files(self, path: Path) -> list[Path]:
        return with_sidecars(path)

    def count(self, path: Path, ctx: ReadContext) -> int:
        with open_readonly(path, label=ctx.source_name or str(path)) as conn:
            return count_rows(conn, ["ZCALLRECORD"])
