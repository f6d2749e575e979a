"""Android `mmssms.db` (telephony provider) and Huawei backup `sms.db` (`sms_tb`), formats.md §2.1, §4.1.

* `sms.date` is epoch ms; MMS `pdu.date` is epoch SECONDS. `sms.type` 1 inbox, 2 sent, 3 draft,
  4 outbox, 5 failed, 6 queued (LG 7 = blocked, kept as received with a vendor mark).
* MMS: `pdu` + `addr` (137 from, 151 to, 130 cc, 129 bcc) + `part` (text/plain parts joined; SMIL ignored).
  Delivery/read reports (m_type 134/136) are not messages: skipped and logged.
* Samsung keeps blocked/spam messages in `spam_sms`/`spam_pdu` (same columns): imported with
  vendor_mark "samsung:spam". Xiaomi soft-deletes with a `deleted` column: imported with deleted=True;
  `block_type` ≠ 0 → "xiaomi:blocked".
* Huawei `sms_tb` (no `_id`; located by rowid) has the AOSP `type`/`date` semantics.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..android_codes import MMS_BOXES, SMS_TYPES, SMS_VENDOR_MARKS
from .base import RawColumns, ReadContext
from .sqlite_base import SqliteImporter, as_int, column_names, each_row, row_key, select_columns, table_names

NAME = "android_mmssms"
MMS_REPORT_TYPES = {134: "delivery report", 135: "read report", 136: "read report"}
ADDR_FROM, ADDR_TO, ADDR_CC, ADDR_BCC = 137, 151, 130, 129
ADDR_PLACEHOLDER = "insert-address-token"
SMS_TABLES = [("sms", ""), ("spam_sms", "samsung:spam"), ("sms_tb", "")]
MMS_TABLES = [("pdu", "addr", "part", ""), ("spam_pdu", "spam_addr", "spam_part", "samsung:spam")]
# column → what a ROM whose table lacks it stands for
SMS_COLUMNS = {"date": "NULL", "type": "NULL", "address": "NULL", "body": "''", "thread_id": "NULL",
               "deleted": "0", "block_type": "0"}
PDU_COLUMNS = {"date": "NULL", "msg_box": "NULL", "m_type": "NULL", "deleted": "0"}


def _thread_addresses(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    """threads._id → its recipients' addresses (for drafts whose own address is empty)."""
    if not {"threads", "canonical_addresses"} <= tables:
        return {}
    canon = dict(conn.execute("SELECT _id, address FROM canonical_addresses"))
    out = {}
    for tid, ids in conn.execute("SELECT _id, recipient_ids FROM threads"):
        addrs = [str(canon[as_int(i)]) for i in str(ids or "").split() if as_int(i, -1) in canon]
        out[tid] = ";".join(addrs)
    return out


def _read_sms_table(conn: sqlite3.Connection, table: str, mark: str, threads: dict[int, str],
                    out: RawColumns, ctx: ReadContext) -> None:
    cols = column_names(conn, table)
    key = row_key(cols)

    def take(ref: str, _k: object, date: object, mtype: object, address: object, body: object,
             thread_id: object, deleted: object, block_type: object) -> str | None:
        ts = as_int(date, -1)
        if ts <= 0:
            return f"message skipped: date {date!r} is not epoch milliseconds"
        t = as_int(mtype, -1)
        direction, status = SMS_TYPES.get(t, ("in", "unknown"))
        marks = [m for m in (mark, SMS_VENDOR_MARKS.get(t, "") if table == "sms" else "",
                             f"xiaomi:blocked={block_type}" if as_int(block_type) else "") if m]
        counterpart = address if address not in (None, "") else threads.get(as_int(thread_id, -1), "")
        out.add("sms", direction, ts, str(counterpart or ""), ref, msg_status=status, body=str(body or ""),
                vendor_mark=";".join(marks), deleted=bool(as_int(deleted)))
        return None

    each_row(conn, f'SELECT {key} AS k, {select_columns(cols, SMS_COLUMNS)} FROM "{table}" ORDER BY {key}',
             f"{table}:{key}=", out, ctx, take)


def _mms_addresses(conn: sqlite3.Connection, addr_table: str) -> dict[int, dict[int, list[str]]]:
    out: dict[int, dict[int, list[str]]] = {}
    for msg_id, address, atype in conn.execute(
            f'SELECT msg_id, address, type FROM "{addr_table}" '
            f"ORDER BY msg_id, {row_key(column_names(conn, addr_table))}"):
        if address and address != ADDR_PLACEHOLDER:
            out.setdefault(msg_id, {}).setdefault(as_int(atype), []).append(str(address))
    return out


def _mms_texts(conn: sqlite3.Connection, part_table: str) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    for mid, text in conn.execute(
            f'SELECT mid, text FROM "{part_table}" WHERE ct = \'text/plain\' AND text IS NOT NULL '
            f"ORDER BY mid, seq, {row_key(column_names(conn, part_table))}"):
        texts.setdefault(mid, []).append(str(text))
    return {mid: "\n".join(parts) for mid, parts in texts.items()}


def _read_mms_tables(conn: sqlite3.Connection, tables: set[str], pdu: str, addr: str, part: str, mark: str,
                     out: RawColumns, ctx: ReadContext) -> None:
    cols = column_names(conn, pdu)
    key = row_key(cols)
    addrs = _mms_addresses(conn, addr) if addr in tables else {}
    texts = _mms_texts(conn, part) if part in tables else {}

    def take(ref: str, k: object, date: object, box: object, m_type: object, deleted: object) -> str | None:
        if as_int(m_type) in MMS_REPORT_TYPES:
            return f"MMS {MMS_REPORT_TYPES[as_int(m_type)]} (m_type {m_type}), not a message; skipped"
        seconds = as_int(date, -1)
        if seconds <= 0:
            return f"MMS skipped: date {date!r} is not epoch seconds"
        ts = seconds if seconds > 100_000_000_000 else seconds * 1000  # a ms value would be year 5138+ as s
        direction, status = MMS_BOXES.get(as_int(box, -1), ("in", "unknown"))
        by_type = addrs.get(k, {})
        if direction == "in":
            people = by_type.get(ADDR_FROM, [])
        else:
            people = [a for t in (ADDR_TO, ADDR_CC, ADDR_BCC) for a in by_type.get(t, [])]
        out.add("mms", direction, ts, ";".join(dict.fromkeys(people)), ref, msg_status=status,
                body=texts.get(k, ""), vendor_mark=mark, deleted=bool(as_int(deleted)))
        return None

    each_row(conn, f'SELECT {key} AS k, {select_columns(cols, PDU_COLUMNS)} FROM "{pdu}" ORDER BY {key}',
             f"{pdu}:{key}=", out, ctx, take)


class AndroidMmsSmsImporter(SqliteImporter):
    NAME = NAME
    DESCRIPTION = "Android mmssms.db (sms, pdu/addr/part; Samsung spam_sms; Xiaomi deleted) and Huawei sms_tb"
    COUNT_TABLES = tuple(t for t, _ in SMS_TABLES) + tuple(p for p, *_ in MMS_TABLES)

    def claims(self, path: Path, tables: frozenset[str]) -> bool:
        return "sms_tb" in tables or ("sms" in tables and "pdu" in tables) or (
            "sms" in tables and "message" not in tables and "calls" not in tables)

    def read_connection(self, conn: sqlite3.Connection, out: RawColumns, ctx: ReadContext) -> None:
        tables = table_names(conn)
        threads = _thread_addresses(conn, tables)
        for table, mark in SMS_TABLES:
            if table in tables:
                _read_sms_table(conn, table, mark, threads, out, ctx)
        for pdu, addr, part, mark in MMS_TABLES:
            if pdu in tables:
                _read_mms_tables(conn, tables, pdu, addr, part, mark, out, ctx)
