"""Synthetic evidence for formats with no public sample (formats.md §2–§4): each builder writes into a
folder the test gives (tmp_path) and returns the path. Schemas follow formats.md, pitfalls included:
WAL databases whose newest rows exist only in `-wal`, BLOB ZADDRESS, handle_id 0, ns and s Apple dates,
text only in attributedBody, ring time stored as duration of missed calls, Huawei tables without `_id`.
All people and numbers are invented.
"""
from __future__ import annotations

import hashlib
import io
import plistlib
import shutil
import sqlite3
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
APPLE_EPOCH_S = 978307200
T0_MS = 1_700_000_000_000  # 2023-11-14T22:13:20Z


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(paths: list[Path]) -> dict[str, str]:
    """Hash of every file at/under the paths (inputs must be byte-identical after a read)."""
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*"))) if f.is_file()]
    return {str(f): sha256(f) for f in files}


def apple_ns(ms: int) -> int:
    return (ms // 1000 - APPLE_EPOCH_S) * 1_000_000_000 + (ms % 1000) * 1_000_000


def attributed_body(text: str) -> bytes:
    """A typedstream NSAttributedString blob as Messages writes it (lengths ≥ 0x80 use the 0x81 form)."""
    raw = text.encode("utf-8")
    if len(raw) < 0x80:
        length = bytes([len(raw)])
    elif len(raw) < 0x10000:
        length = b"\x81" + len(raw).to_bytes(2, "little")
    else:
        length = b"\x82" + len(raw).to_bytes(4, "little")
    return (b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08"
            b"NSObject\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+" + length + raw
            + b"\x86\x84\x02iI\x01\x05\x92\x84\x84\x84\x0cNSDictionary\x00\x86\x86")


def build_sqlite(path: Path, schema_and_rows: Callable[[sqlite3.Connection], None],
                 wal_rows: Callable[[sqlite3.Connection], None] | None = None) -> Path:
    """Write a database; with `wal_rows`, those rows are committed to a `-wal` that is NOT checkpointed."""
    scratch = path.parent / f".scratch_{path.name}"
    scratch.mkdir()
    db = scratch / "db"
    conn = sqlite3.connect(db)
    if wal_rows is not None:
        conn.execute("PRAGMA journal_mode=WAL")
    schema_and_rows(conn)
    conn.commit()
    if wal_rows is not None:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        wal_rows(conn)
        conn.commit()
        shutil.copyfile(str(db) + "-wal", str(path) + "-wal")  # copied while open: close would checkpoint
    shutil.copyfile(db, path)
    conn.close()
    shutil.rmtree(scratch)
    return path


# ---- iOS -------------------------------------------------------------------------------------------------

IOS_SMS_SCHEMA = """
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
  service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
  handle_id INTEGER DEFAULT 0, attributedBody BLOB, service TEXT, error INTEGER DEFAULT 0, date INTEGER,
  is_from_me INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0,
  item_type INTEGER DEFAULT 0, associated_message_type INTEGER DEFAULT 0, is_spam INTEGER DEFAULT 0);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
  chat_identifier TEXT, service_name TEXT, display_name TEXT, is_filtered INTEGER DEFAULT 0);
CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0,
  PRIMARY KEY (chat_id, message_id));
"""
COLLECTOR = "+8613812345678"
COLLECTOR_LOCAL = "13812345678"
GROUP_A, GROUP_B = "+8613900001111", "+8613900002222"
LONG_DUNNING = "【催收通知】您在本平台的借款已逾期30天，请于今日18点前还款，否则将联系您的紧急联系人并上报征信。" * 2


def _ios_sms_rows(conn: sqlite3.Connection) -> None:
    conn.executescript(IOS_SMS_SCHEMA)
    conn.executemany("INSERT INTO handle (ROWID, id, country, service) VALUES (?,?,?,?)", [
        (1, COLLECTOR, "cn", "SMS"), (2, COLLECTOR_LOCAL, "cn", "iMessage"), (3, GROUP_A, "cn", "iMessage"),
        (4, GROUP_B, "cn", "iMessage"), (5, "1069012345", "cn", "SMS")])
    conn.executemany("INSERT INTO chat (ROWID, guid, style, chat_identifier, service_name, is_filtered) "
                     "VALUES (?,?,?,?,?,?)", [
                         (1, "SMS;-;+8613812345678", 45, COLLECTOR, "SMS", 0),
                         (2, "iMessage;+;chat100", 43, "chat100", "iMessage", 0),
                         (3, "SMS;-;1069012345", 45, "1069012345", "SMS", 1)])
    conn.executemany("INSERT INTO chat_handle_join VALUES (?,?)", [(1, 1), (2, 3), (2, 4), (3, 5)])
    d = lambda minutes: apple_ns(T0_MS + minutes * 60_000)  # noqa: E731
    rows = [  # ROWID, text, handle_id, attributedBody, service, error, date, is_from_me, attach, item, assoc, chat
        (1, "您的账单已逾期，请尽快处理", 1, None, "SMS", 0, d(0), 0, 0, 0, 0, 1),
        (2, None, 2, attributed_body(LONG_DUNNING), "iMessage", 0, d(1), 0, 0, 0, 0, 1),
        (3, "我会还的", 0, None, "SMS", 0, d(2), 1, 0, 0, 0, 1),
        (4, "群里都知道你欠钱了", 3, None, "iMessage", 0, d(3), 0, 0, 0, 0, 2),
        (5, "别发了", 0, None, "iMessage", 0, d(4), 1, 0, 0, 0, 2),
        (6, None, 1, None, "iMessage", 0, d(5), 1, 0, 0, 2000, 1),  # tapback: not a message
        (7, "old iOS 10 row", 1, None, "SMS", 0, (T0_MS // 1000 - APPLE_EPOCH_S) - 86400, 0, 0, 0, 0, 1),
        (8, "发送失败", 1, None, "SMS", 4, d(6), 1, 0, 0, 0, 1),
        (9, "【某某金融】验证码 1234", 5, None, "SMS", 0, d(7), 0, 0, 0, 0, 3),
        (10, "\ufffc", 1, None, "SMS", 0, d(8), 0, 1, 0, 0, 1),  # picture MMS
    ]
    for r in rows:
        conn.execute("INSERT INTO message (ROWID, guid, text, handle_id, attributedBody, service, error, date, "
                     "is_from_me, cache_has_attachments, item_type, associated_message_type) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (r[0], f"guid-{r[0]}", *r[1:11]))
        conn.execute("INSERT INTO chat_message_join VALUES (?,?,?)", (r[11], r[0], r[6]))


def _ios_sms_wal(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO message (ROWID, guid, text, handle_id, service, date) VALUES "
                 "(11, 'guid-11', '最后通牒：今天不还就上门', 1, 'SMS', ?)", (apple_ns(T0_MS + 3_600_000),))
    conn.execute("INSERT INTO chat_message_join VALUES (1, 11, 0)")


IOS_SMS_COUNTS = {"rows": 10, "in": 7, "out": 3, "issues": 1}  # incl. the WAL-only row; 1 tapback skipped


def make_ios_sms(folder: Path, name: str = "sms.db", wal: bool = True) -> Path:
    return build_sqlite(folder / name, _ios_sms_rows, _ios_sms_wal if wal else None)


def _call_rows(conn: sqlite3.Connection) -> None:
    conn.executescript((FIXTURES / "ios_CallHistory_storedata_schema.sql").read_text())
    s = lambda minutes: (T0_MS / 1000 - APPLE_EPOCH_S) + minutes * 60 + 0.25  # noqa: E731  REAL seconds
    rows = [  # Z_PK, ZADDRESS, ZORIGINATED, ZANSWERED, ZDURATION, ZDATE, cause, filtered, junk
        (1, COLLECTOR, 0, 1, 35.5, s(0), 0, 0, None),           # incoming answered
        (2, COLLECTOR, 0, 0, 0.0, s(1), 0, 0, "MAYBE_JUNK"),    # missed, junk
        (3, COLLECTOR.encode(), 0, 0, 0.0, s(2), 6, 0, None),   # BLOB address, rejected
        (4, None, 0, 0, 0.0, s(3), 0, 1, None),                 # address only via ZHANDLE; silenced
        (5, COLLECTOR, 1, 0, 12.0, s(4), 0, 0, None),           # outgoing connected
        (6, COLLECTOR, 1, 0, 0.0, s(5), 0, 0, None),            # outgoing not connected
    ]
    for pk, addr, orig, ans, dur, date, cause, filt, junk in rows:
        conn.execute("INSERT INTO ZCALLRECORD (Z_PK, Z_ENT, Z_OPT, ZADDRESS, ZORIGINATED, ZANSWERED, ZDURATION, "
                     "ZDATE, ZDISCONNECTED_CAUSE, ZFILTERED_OUT_REASON, ZJUNKIDENTIFICATIONCATEGORY, ZCALLTYPE, "
                     "ZSERVICE_PROVIDER, ZUNIQUE_ID) VALUES (?,2,1,?,?,?,?,?,?,?,?,1,'com.apple.Telephony',?)",
                     (pk, addr, orig, ans, dur, date, cause, filt, junk, f"uid-{pk}"))
    conn.execute("INSERT INTO ZHANDLE (Z_PK, Z_ENT, Z_OPT, ZTYPE, ZVALUE, ZNORMALIZEDVALUE) "
                 "VALUES (1, 3, 1, 2, '+8613700009999', '+8613700009999')")
    conn.execute("INSERT INTO Z_2REMOTEPARTICIPANTHANDLES VALUES (4, 1)")


def _call_wal(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO ZCALLRECORD (Z_PK, ZADDRESS, ZORIGINATED, ZANSWERED, ZDURATION, ZDATE, ZUNIQUE_ID) "
                 "VALUES (7, ?, 0, 0, 0.0, ?, 'uid-7')", (COLLECTOR, T0_MS / 1000 - APPLE_EPOCH_S + 7200.0))


CALL_STATUSES = {1: "answered", 2: "missed", 3: "rejected", 4: "blocked", 5: "answered", 6: "unknown", 7: "missed"}


def make_call_history(folder: Path, name: str = "CallHistory.storedata", wal: bool = True) -> Path:
    return build_sqlite(folder / name, _call_rows, _call_wal if wal else None)


SMS_ID = "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
SMS_WAL_ID = "cd47480f213dba9bc38ee792775d17e3f5a73a59"
CALLS_ID = "5a4935c78a5255723f707230a451d79c540d2741"
CALLS_WAL_ID = "c0339210e4f85752a4bedaaab45deb02da195e15"


def make_ios_backup(folder: Path, encrypted: bool = False) -> Path:
    """An iOS 10+ backup folder: Manifest.db/plist, Info.plist, sms.db and CallHistory with their WALs."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Info.plist").write_bytes(plistlib.dumps({"Device Name": "Test iPhone", "Product Version": "16.7"}))
    (folder / "Manifest.plist").write_bytes(plistlib.dumps({"IsEncrypted": encrypted, "Version": "10.0"},
                                                           fmt=plistlib.FMT_BINARY))
    if encrypted:
        (folder / "Manifest.db").write_bytes(bytes(range(256)) * 64)  # ciphertext, not SQLite
        return folder
    scratch = folder.parent / f".parts_{folder.name}"
    scratch.mkdir()
    sms, calls = make_ios_sms(scratch), make_call_history(scratch)
    entries = [(SMS_ID, "Library/SMS/sms.db", sms), (SMS_WAL_ID, "Library/SMS/sms.db-wal", Path(f"{sms}-wal")),
               (CALLS_ID, "Library/CallHistoryDB/CallHistory.storedata", calls),
               (CALLS_WAL_ID, "Library/CallHistoryDB/CallHistory.storedata-wal", Path(f"{calls}-wal"))]
    for fid, _, src in entries:
        (folder / fid[:2]).mkdir(exist_ok=True)
        shutil.copyfile(src, folder / fid[:2] / fid)
    shutil.rmtree(scratch)

    def manifest(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, "
                     "file BLOB)")
        conn.execute("CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)")
        rows = [(fid, "HomeDomain", rel, 1, plistlib.dumps({"$archiver": "NSKeyedArchiver"}, fmt=plistlib.FMT_BINARY))
                for fid, rel, _ in entries]
        rows.append(("0" * 40, "HomeDomain", "Library/SMS", 2, None))
        conn.executemany("INSERT INTO Files VALUES (?,?,?,?,?)", rows)

    build_sqlite(folder / "Manifest.db", manifest)
    return folder


# ---- Android -------------------------------------------------------------------------------------------

MMSSMS_SCHEMA = """
CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, recipient_ids TEXT);
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
  date_sent INTEGER DEFAULT 0, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER, body TEXT,
  sub_id INTEGER DEFAULT -1, deleted INTEGER DEFAULT 0, block_type INTEGER DEFAULT 0);
CREATE TABLE spam_sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, date INTEGER, type INTEGER,
  body TEXT);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER, date_sent INTEGER,
  msg_box INTEGER, m_type INTEGER, sub TEXT, ct_t TEXT);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER,
  charset INTEGER);
CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT,
  text TEXT, _data TEXT);
"""


def _mmssms_rows(conn: sqlite3.Connection) -> None:
    conn.executescript(MMSSMS_SCHEMA)
    conn.execute("INSERT INTO canonical_addresses VALUES (1, ?)", (COLLECTOR_LOCAL,))
    conn.execute("INSERT INTO threads VALUES (1, 0, '1')")
    m = lambda minutes: T0_MS + minutes * 60_000  # noqa: E731
    conn.executemany("INSERT INTO sms (_id, thread_id, address, date, type, body, deleted, block_type) "
                     "VALUES (?,?,?,?,?,?,?,?)", [
                         (1, 1, COLLECTOR_LOCAL, m(0), 1, "您已逾期3天，请立即还款", 0, 0),
                         (2, 1, COLLECTOR_LOCAL, m(1), 2, "知道了", 0, 0),
                         (3, 1, None, m(2), 3, "草稿", 0, 0),                     # draft: address via thread
                         (4, 1, "+86 138 1234 5678", m(3), 1, "已删除的催收短信", 1, 0),  # MIUI soft delete
                         (5, 1, COLLECTOR_LOCAL, m(4), 1, "拦截的短信", 0, 2),        # MIUI blocked
                         (6, 1, COLLECTOR_LOCAL, 0, 1, "no date", 0, 0),          # bad date → issue
                         (7, 1, COLLECTOR_LOCAL, m(5), 99, "odd type", 0, 0)])   # unknown type
    conn.execute("INSERT INTO spam_sms VALUES (1, 1, '10690000', ?, 1, '【贷】额度已到账')", (m(6),))
    s = lambda minutes: (T0_MS + minutes * 60_000) // 1000  # noqa: E731  MMS dates are SECONDS
    conn.executemany("INSERT INTO pdu (_id, thread_id, date, msg_box, m_type) VALUES (?,?,?,?,?)",
                     [(1, 1, s(7), 1, 132), (2, 1, s(8), 2, 128), (3, 1, s(9), 1, 134)])
    conn.executemany("INSERT INTO addr (msg_id, address, type, charset) VALUES (?,?,?,106)", [
        (1, COLLECTOR_LOCAL, 137), (1, "insert-address-token", 151), (2, "insert-address-token", 137),
        (2, GROUP_A, 151), (2, GROUP_B, 151), (3, COLLECTOR_LOCAL, 137)])
    conn.executemany("INSERT INTO part (mid, seq, ct, text) VALUES (?,?,?,?)", [
        (1, -1, "application/smil", "<smil/>"), (1, 0, "text/plain", "你的照片已发给你的家人"),
        (2, 0, "text/plain", "看图"), (2, 1, "image/jpeg", None)])


def _mmssms_wal(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO sms (_id, thread_id, address, date, type, body) VALUES (8, 1, ?, ?, 1, ?)",
                 (COLLECTOR_LOCAL, T0_MS + 3_600_000, "只在WAL里的短信"))




def make_mmssms(folder: Path, name: str = "mmssms.db", wal: bool = True) -> Path:
    return build_sqlite(folder / name, _mmssms_rows, _mmssms_wal if wal else None)


def _huawei_sms_rows(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE sms_tb (group_id INTEGER, date INTEGER, address TEXT, read INTEGER, "
                 "date_sent INTEGER, subject TEXT, sub_id INTEGER, reply_path_present INTEGER, type INTEGER, "
                 "body TEXT, seen INTEGER, thread_id INTEGER, protocol INTEGER, time_body TEXT, addr_body TEXT, "
                 "service_center TEXT, error_code INTEGER, locked INTEGER, network_type INTEGER, status INTEGER)")
    conn.executemany("INSERT INTO sms_tb (group_id, date, address, type, body, thread_id) VALUES (?,?,?,?,?,?)", [
        (1, T0_MS, "106575551234", 1, "【XX贷】您的借款已逾期", 1), (1, T0_MS + 1000, "106575551234", 1, "第二条", 1),
        (2, T0_MS + 2000, COLLECTOR_LOCAL, 2, "好的", 2)])


def make_huawei_sms(folder: Path) -> Path:
    return build_sqlite(folder / "sms.db", _huawei_sms_rows)


CALLS_COLUMNS = ("number TEXT, date INTEGER, duration INTEGER, type INTEGER, name TEXT, presentation INTEGER "
                 "DEFAULT 1, geocoded_location TEXT, countryiso TEXT")


def _calllog_rows(conn: sqlite3.Connection) -> None:
    conn.execute(f"CREATE TABLE calls (_id INTEGER PRIMARY KEY AUTOINCREMENT, {CALLS_COLUMNS}, "
                 "deleted INTEGER DEFAULT 0, subscription_id TEXT)")
    m = lambda minutes: T0_MS + minutes * 60_000  # noqa: E731
    conn.executemany("INSERT INTO calls (_id, number, date, duration, type, name, presentation, deleted) "
                     "VALUES (?,?,?,?,?,?,?,?)", [
                         (1, COLLECTOR_LOCAL, m(0), 62, 1, "张经理", 1, 0),  # incoming answered
                         (2, COLLECTOR_LOCAL, m(1), 0, 2, "", 1, 0),        # outgoing, not connected
                         (3, COLLECTOR_LOCAL, m(2), 48, 3, "", 1, 0),       # missed; 48 s is ring time
                         (4, COLLECTOR_LOCAL, m(3), 20, 4, "", 1, 0),       # voicemail
                         (5, COLLECTOR_LOCAL, m(4), 3, 5, "", 1, 0),        # rejected
                         (6, COLLECTOR_LOCAL, m(5), 0, 6, "", 1, 1),        # blocked, deleted
                         (7, "-2", m(6), 0, 3, "", 2, 0),                   # withheld
                         (8, COLLECTOR_LOCAL, m(7), 15, 7, "", 1, 0),       # answered elsewhere
                         (9, COLLECTOR_LOCAL, m(8), 0, 42, "", 1, 0),       # unknown type
                         (10, COLLECTOR_LOCAL, None, 0, 1, "", 1, 0),       # no date → issue
                         (11, COLLECTOR_LOCAL, m(9), 30, 2, "", 1, 0)])     # outgoing connected


def _calllog_wal(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO calls (_id, number, date, duration, type) VALUES (12, ?, ?, 0, 3)",
                 (COLLECTOR_LOCAL, T0_MS + 3_600_000))


CALLLOG_STATUSES = {1: "answered", 2: "unknown", 3: "missed", 4: "voicemail", 5: "rejected", 6: "blocked",
                    7: "missed", 8: "answered", 9: "unknown", 11: "answered", 12: "missed"}


def make_calllog(folder: Path, name: str = "calllog.db", wal: bool = True) -> Path:
    return build_sqlite(folder / name, _calllog_rows, _calllog_wal if wal else None)


def _huawei_calls_rows(conn: sqlite3.Connection) -> None:
    conn.execute(f"CREATE TABLE calls_tb ({CALLS_COLUMNS}, ring_times INTEGER, mark_type INTEGER, "
                 "mark_content TEXT, mark_count INTEGER)")
    conn.executemany("INSERT INTO calls_tb (number, date, duration, type, ring_times, mark_type, mark_content, "
                     "mark_count) VALUES (?,?,?,?,?,?,?,?)", [
                         ("02188886666", T0_MS, 0, 3, 25, 1, "催收", 1203),
                         ("02188886666", T0_MS + 60_000, 40, 1, 5, 1, "催收", 1203),
                         (COLLECTOR_LOCAL, T0_MS + 120_000, 0, 3, 10, 3, "", 0),
                         ("95588", T0_MS + 180_000, 100, 1, 3, 0, None, 0)])


def make_huawei_calllog(folder: Path) -> Path:
    return build_sqlite(folder / "calllog.db", _huawei_calls_rows)


def android_backup_bytes(members: dict[str, bytes], compress: bool = True, encrypted: bool = False,
                         miui: bool = False) -> bytes:
    """An `adb backup` (.ab) file, or a MIUI .bak when `miui`, holding a tar of `members`."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    payload = zlib.compress(buf.getvalue()) if compress else buf.getvalue()
    header = b"ANDROID BACKUP\n5\n" + (b"1" if compress else b"0") + b"\n"
    header += (b"AES-256\n" + b"ab" * 32 + b"\n" + b"cd" * 32 + b"\n10000\n" + b"ef" * 16 + b"\n" + b"00" * 48 + b"\n"
               if encrypted else b"none\n")
    prefix = "MIUI BACKUP\n2\ncom.android.mms 短信\n-1\n0\n".encode() if miui else b""
    return prefix + header + payload
