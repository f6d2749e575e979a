"""iOS `sms.db` (Messages: SMS, iMessage, RCS), formats.md §3.2.

* `message.date` is Apple-2001 time, seconds before iOS 11 and nanoseconds after (timeconv.apple_to_ms).
* `message.text` is NULL on newer iOS/macOS; the text is then recovered from `attributedBody`, an
  NSArchiver "streamtyped" NSAttributedString (`attributed_body_text` below).
* `handle.id` is the counterpart; SMS and iMessage handles of one number are separate rows, and the
  pipeline merges them by normalizing `counterpart_raw`.
* Messages you sent often have `handle_id = 0`: the counterpart then comes from the chat
  (`chat_message_join` → `chat.chat_identifier`, or the chat's handles for a group chat).
* Reactions/tapbacks and group events (`item_type`/`associated_message_type` ≠ 0) are not messages:
  they are skipped and each one is listed in the issue log.
* iOS ≤ 5 wrote another schema (ios_sms_legacy): table `message` with `address` and `flags`, `date` in
  Unix seconds, no `handle` table; iOS 5 iMessage rows have `is_madrid`=1, the number in `madrid_handle`
  and `date` in Apple-2001 seconds. Read by `read_legacy_messages`; rows only in the `-wal` are read too.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import UnreadableSource
from ..timeconv import apple_to_ms
from .base import RawColumns, ReadContext
from .sqlite_base import SqliteImporter, col_or, column_names, each_row, open_readonly, select_columns, table_names

NAME = "ios_sms"
OBJECT_REPLACEMENT = "\ufffc"  # attachment placeholder inside message text
# column → what an iOS version whose `message` lacks it stands for
MESSAGE_COLUMNS = {"text": "NULL", "attributedBody": "NULL", "date": "NULL", "is_from_me": "0", "service": "''",
                   "item_type": "0", "associated_message_type": "0", "error": "0", "cache_has_attachments": "0",
                   "is_spam": "0"}
LEGACY_COLUMNS = {"address": "NULL", "date": "NULL", "text": "NULL", "flags": "0", "group_id": "0",
                  "subject": "NULL", "is_madrid": "0", "madrid_handle": "NULL", "madrid_flags": "0",
                  "madrid_error": "0"}


def _as_text(value: object) -> str:
    """A handle/chat id as text: a damaged row may hold a BLOB or a number where TEXT belongs."""
    if value is None:
        return ""
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def attributed_body_text(blob: bytes | None) -> str | None:
    """The NSString text of a typedstream `attributedBody`, or None when the blob does not hold one.

    typedstream layout around the text: class name `NSString`, then the type tag `0x84 0x01 '+'`
    (a new one-char type string "+"), then a typedstream integer length, then that many UTF-8 bytes.
    Lengths: a byte < 0x81 is the value; 0x81 → int16 LE follows; 0x82 → int32 LE follows.
    """
    if not blob:
        return None
    data = bytes(blob)
    cls = data.find(b"NSString")
    if cls < 0:
        return None
    marker = data.find(b"\x01+", cls + len(b"NSString"))
    if marker < 0:
        return None
    pos = marker + 2
    if pos >= len(data):
        return None
    tag = data[pos]
    pos += 1
    if tag == 0x81:
        length = int.from_bytes(data[pos:pos + 2], "little", signed=False)
        pos += 2
    elif tag == 0x82:
        length = int.from_bytes(data[pos:pos + 4], "little", signed=False)
        pos += 4
    elif tag < 0x80:
        length = tag
    else:
        return None
    if pos + length > len(data):
        return None  # truncated blob: refuse rather than return a cut-off message as evidence
    try:
        return data[pos:pos + length].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _chat_counterparts(conn: sqlite3.Connection, tables: set[str]) -> tuple[dict[int, str], dict[int, str]]:
    """message ROWID → counterpart from its chat, and message ROWID → vendor mark for filtered chats."""
    if not {"chat", "chat_message_join"} <= tables:
        return {}, {}
    chat_cols = column_names(conn, "chat")
    members: dict[int, list[str]] = {}
    if {"chat_handle_join", "handle"} <= tables:
        for chat_id, hid in conn.execute(
                "SELECT j.chat_id, h.id FROM chat_handle_join j JOIN handle h ON h.ROWID = j.handle_id "
                "ORDER BY j.chat_id, h.id"):
            hid = _as_text(hid)
            if hid and hid not in members.setdefault(chat_id, []):
                members[chat_id].append(hid)
    filtered = col_or(chat_cols, "is_filtered", "0", prefix="c.")
    rows = conn.execute(
        f"SELECT j.message_id, c.ROWID, {col_or(chat_cols, 'chat_identifier', 'NULL', prefix='c.')}, {filtered} "
        "FROM chat_message_join j JOIN chat c ON c.ROWID = j.chat_id ORDER BY j.message_id, c.ROWID")
    by_message: dict[int, str] = {}
    marks: dict[int, str] = {}
    for message_id, chat_id, ident, is_filtered in rows:
        if message_id in by_message:
            continue
        people = members.get(chat_id, [])
        by_message[message_id] = ";".join(people) if len(people) > 1 else (people[0] if people else _as_text(ident))
        if is_filtered:
            marks[message_id] = f"ios:filtered={is_filtered}"
    return by_message, marks


def _read_messages(conn: sqlite3.Connection, tables: set[str], cols: set[str], out: RawColumns,
                   ctx: ReadContext) -> None:
    """iOS 6+ `message` rows, the counterpart from `handle` or else from the chat."""
    chat_peer, chat_mark = _chat_counterparts(conn, tables)

    def take(ref: str, rowid: object, text: object, abody: object, date: object, from_me: object, service: object,
             item_type: object, assoc_type: object, error: object, attach: object, spam: object, handle: object,
             country: object) -> str | None:
        if item_type or assoc_type:
            return (f"iMessage reaction or group event (item_type={item_type}, "
                    f"associated_message_type={assoc_type}), not a message")
        if date is None or date == 0:
            return "message has no date; skipped"
        body = text if isinstance(text, str) and text != "" else None
        if body is None and isinstance(abody, bytes) and abody:
            body = attributed_body_text(abody)
            if body is None:
                ctx.issues.add(out.source_file, ref, "text is empty and attributedBody could not be decoded; "
                                                     "imported with an empty body")
        body = (body or "").replace(OBJECT_REPLACEMENT, "").strip()
        counterpart = _as_text(handle) or chat_peer.get(rowid, "")
        direction = "out" if from_me else "in"
        status = ("failed" if error else "sent") if from_me else "received"
        kind = "mms" if attach and (service or "").upper() == "SMS" else "sms"
        mark = chat_mark.get(rowid, "")
        if spam:
            mark = ";".join(m for m in (mark, "ios:spam") if m)
        try:
            ts = apple_to_ms(date)
        except (TypeError, ValueError, OverflowError):
            return f"message skipped: date {date!r} is not an Apple timestamp"
        out.add(kind, direction, ts, counterpart, ref, msg_status=status, body=body,
                vendor_mark=mark, country_hint=country if isinstance(country, str) and _as_text(handle) else "")
        return None

    # the handle's country (lower-case ISO code): the country of a number stored without its code
    country = select_columns(column_names(conn, "handle"), {"country": "''"}, prefix="h.")
    each_row(conn, f"SELECT m.ROWID, {select_columns(cols, MESSAGE_COLUMNS, prefix='m.')}, h.id AS handle, "
                   f"{country} FROM message m LEFT JOIN handle h ON h.ROWID = m.handle_id ORDER BY m.ROWID",
             "message:ROWID=", out, ctx, take)


LEGACY_OUT_FLAG, LEGACY_FAILED_FLAG = 0x1, 0x20  # iOS ≤ 5 `flags`: 2 received, 3 sent, 33/35 failed
MADRID_FROM_ME = 0x4  # iOS 5 iMessage `madrid_flags`: 12289 (0x3001) received, 36869 (0x9005) sent
APPLE_EPOCH_S = 978307200


def _legacy_groups(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    if "group_member" not in tables or not {"group_id", "address"} <= column_names(conn, "group_member"):
        return {}
    members: dict[int, list[str]] = {}
    for gid, address in conn.execute("SELECT group_id, address FROM group_member ORDER BY group_id, ROWID"):
        if address and _as_text(address) not in members.setdefault(gid, []):
            members[gid].append(_as_text(address))
    return {gid: ";".join(people) for gid, people in members.items()}


def _read_legacy_messages(conn: sqlite3.Connection, tables: set[str], cols: set[str], out: RawColumns,
                          ctx: ReadContext) -> None:
    """iOS ≤ 5 `message` rows: SMS by `flags`, iOS 5 iMessage by `madrid_flags`; a group message's
    counterparts from `group_member`. `date` is Unix seconds, or Apple-2001 seconds on iMessage rows
    (a value below 978307200 cannot be a Unix time of an iPhone, so it is read as Apple time)."""
    groups = _legacy_groups(conn, tables)

    def take(ref: str, _rowid: object, address: object, date: object, text: object, flags: object, group_id: object,
             subject: object, madrid: object, handle: object, mflags: object, merror: object) -> str | None:
        try:
            seconds = float(date)
        except (TypeError, ValueError):
            seconds = 0
        if not seconds > 0:
            return f"message skipped: date {date!r} is not a time"
        flags, mflags = int(flags or 0), int(mflags or 0)
        if madrid:
            from_me, failed = bool(mflags & MADRID_FROM_ME), bool(merror)
        elif flags:
            from_me, failed = bool(flags & LEGACY_OUT_FLAG), bool(flags & LEGACY_FAILED_FLAG)
        else:
            ctx.issues.add(out.source_file, ref, "flags 0 says neither received nor sent; imported as incoming, "
                                                 "status unknown")
            from_me, failed = False, False
        status = ("failed" if failed else "sent") if from_me else ("received" if flags or madrid else "unknown")
        counterpart = _as_text(address) or _as_text(handle) or groups.get(group_id or 0, "")
        body = "\n".join(t for t in (_as_text(subject), _as_text(text)) if t).replace(OBJECT_REPLACEMENT, "").strip()
        unix = seconds + APPLE_EPOCH_S if seconds < APPLE_EPOCH_S else seconds
        out.add("sms", "out" if from_me else "in", int(round(unix * 1000)), counterpart, ref, msg_status=status,
                body=body)
        return None

    each_row(conn, f"SELECT ROWID, {select_columns(cols, LEGACY_COLUMNS)} FROM message ORDER BY ROWID",
             "message:ROWID=", out, ctx, take)


class IosSmsImporter(SqliteImporter):
    NAME = NAME
    DESCRIPTION = ("iOS Messages database sms.db (SMS + iMessage; iOS ≤ 5 schema with address/flags too), also as "
                   "stored in a backup (3d0d7e5f…)")

    def claims(self, path: Path, tables: frozenset[str]) -> bool:
        return "message" in tables and ("handle" in tables or _is_legacy(path, tables))

    def read_connection(self, conn: sqlite3.Connection, out: RawColumns, ctx: ReadContext) -> None:
        """Append every message of an open sms.db to `out`: the iOS 6+ schema or the iOS ≤ 5 one."""
        tables = table_names(conn)
        if "message" not in tables:
            ctx.issues.add(out.source_file, "message", "no message table in this sms.db")
            return
        cols = column_names(conn, "message")
        if "handle" in tables:
            _read_messages(conn, tables, cols, out, ctx)
        elif "text" in cols and not {"address", "madrid_handle"} & cols:
            ctx.issues.add(out.source_file, "message", "sms.db schema not recognised: table message has neither "
                           "handle_id with a handle table (iOS 6+) nor address/flags (iOS ≤ 5); nothing imported")
        else:
            _read_legacy_messages(conn, tables, cols, out, ctx)

    def count_connection(self, conn: sqlite3.Connection) -> int:
        """Messages that read() imports: reactions and group events excluded (cheap SQL COUNT)."""
        if "message" not in table_names(conn):
            return 0
        cols = column_names(conn, "message")
        where = " AND ".join(f"COALESCE({c}, 0) = 0" for c in ("item_type", "associated_message_type") if c in cols)
        return conn.execute(f"SELECT count(*) FROM message{' WHERE ' + where if where else ''}").fetchone()[0]


def _is_legacy(path: Path, tables: frozenset[str]) -> bool:
    """iOS ≤ 5 sms.db: no handle table, and `message` has address + flags (or its companion tables)."""
    if "handle" in tables or {"sms", "calls", "pdu"} & tables:
        return False
    if {"msg_group", "group_member"} <= tables:
        return True
    try:
        with open_readonly(path) as conn:
            return {"address", "flags", "date"} <= column_names(conn, "message")
    except UnreadableSource:
        return False
