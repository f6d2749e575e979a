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
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from ..timeconv import apple_to_ms
from .base import Importer, RawColumns, ReadContext
from .sqlite_util import (col_or, column_names, is_sqlite, open_readonly, sniff_tables, table_names,
                          with_sidecars)

NAME = "ios_sms"
OBJECT_REPLACEMENT = "\ufffc"  # attachment placeholder inside message text


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


def read_sms_connection(conn: sqlite3.Connection, out: RawColumns, ctx: ReadContext) -> None:
    """Append every message of an open sms.db to `out` (shared by this importer and the backup importer)."""
    tables = table_names(conn)
    if "message" not in tables:
        ctx.issues.add(out.source_file, "message", "no message table in this sms.db")
        return
    cols = column_names(conn, "message")
    has_handle = "handle" in tables
    chat_peer, chat_mark = _chat_counterparts(conn, tables)
    select = ", ".join([
        "m.ROWID", col_or(cols, "text", prefix="m."), col_or(cols, "attributedBody", prefix="m."),
        col_or(cols, "date", prefix="m."), col_or(cols, "is_from_me", "0", prefix="m."),
        col_or(cols, "service", "''", prefix="m."), col_or(cols, "item_type", "0", prefix="m."),
        col_or(cols, "associated_message_type", "0", prefix="m."), col_or(cols, "error", "0", prefix="m."),
        col_or(cols, "cache_has_attachments", "0", prefix="m."), col_or(cols, "is_spam", "0", prefix="m."),
        "h.id AS handle" if has_handle else "NULL AS handle",
        # the handle's country (lower-case ISO code): the country of a number stored without its code
        col_or(column_names(conn, "handle"), "country", "''", prefix="h.") if has_handle else "''",
    ])
    join = "LEFT JOIN handle h ON h.ROWID = m.handle_id" if has_handle else ""
    query = f"SELECT {select} FROM message m {join} ORDER BY m.ROWID"
    for (rowid, text, abody, date, from_me, service, item_type, assoc_type, error, attach, spam,
         handle, country) in conn.execute(query):
        ref = f"message:ROWID={rowid}"
        if item_type or assoc_type:
            ctx.issues.add(out.source_file, ref,
                           f"iMessage reaction or group event (item_type={item_type}, "
                           f"associated_message_type={assoc_type}), not a message")
            continue
        if date is None or date == 0:
            ctx.issues.add(out.source_file, ref, "message has no date; skipped")
            continue
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
            ctx.issues.add(out.source_file, ref, f"message skipped: date {date!r} is not an Apple timestamp")
            continue
        out.add(kind, direction, ts, counterpart, ref, msg_status=status, body=body,
                vendor_mark=mark, country_hint=country if isinstance(country, str) and _as_text(handle) else "")


def read_sms_db(path: Path, ctx: ReadContext, source_file: str, sidecars: dict[str, Path] | None = None,
                ) -> pd.DataFrame:
    out = RawColumns(source_file, NAME)
    with open_readonly(path, sidecars, label=source_file) as conn:
        read_sms_connection(conn, out, ctx)
    return out.frame()


class IosSmsImporter(Importer):
    NAME = NAME
    DESCRIPTION = "iOS Messages database sms.db (SMS + iMessage), also as stored in a backup (3d0d7e5f…)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_sqlite(head) and {"message", "handle"} <= sniff_tables(path)

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        return read_sms_db(path, ctx, ctx.source_name or str(path))

    def evidence_files(self, path: Path) -> list[Path]:
        return with_sidecars(path)

    def count(self, path: Path, ctx: ReadContext) -> int:
        with open_readonly(path, label=ctx.source_name or str(path)) as conn:
            return count_messages(conn)


def count_messages(conn: sqlite3.Connection) -> int:
    """Messages that read() imports: reactions and group events excluded (cheap SQL COUNT)."""
    if "message" not in table_names(conn):
        return 0
    cols = column_names(conn, "message")
    where = " AND ".join(f"COALESCE({c}, 0) = 0" for c in ("item_type", "associated_message_type") if c in cols)
    return conn.execute(f"SELECT count(*) FROM message{' WHERE ' + where if where else ''}").fetchone()[0]
