"""iOS ≤ 5 sms.db (table message with address/flags, Unix seconds, no handle table; iOS 5 iMessage
"madrid" rows), rows only in the -wal, and a backup whose Manifest.db lists a file the folder lacks.
Databases are generated from the schema as described (formats.md §3, issue 20): no real file was at hand."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from harass_analyzer.importers import detect, get_importer
from harass_analyzer.importers.base import IssueLog, ReadContext

from .make_fixtures import build_sqlite, make_ios_backup, tree_hashes

IOS4 = """
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT, date INTEGER, text TEXT,
  flags INTEGER, replace INTEGER, svc_center TEXT, group_id INTEGER, association_id INTEGER, height INTEGER,
  UIFlags INTEGER, version INTEGER, subject TEXT, country TEXT, headers BLOB, recipients BLOB, read INTEGER);
CREATE TABLE msg_group (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER, newest_message INTEGER,
  unread_count INTEGER, hash INTEGER);
CREATE TABLE group_member (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, group_id INTEGER, address TEXT, country TEXT);
"""
MADRID = ", ".join(["madrid_handle TEXT", "madrid_flags INTEGER", "madrid_error INTEGER", "is_madrid INTEGER"])
T0 = 1330581600  # 2012-03-01 06:00:00 UTC, Unix seconds as iOS ≤ 5 wrote them
APPLE = 978307200


def _rows(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    conn.executemany("INSERT INTO message (ROWID, address, date, text, flags, group_id) VALUES (?,?,?,?,?,?)", rows)


def make_ios4(path: Path, madrid: bool = False, companions: bool = True) -> Path:
    def schema(conn: sqlite3.Connection) -> None:
        ddl = IOS4 if companions else IOS4.split(";")[0] + ";"
        if madrid:
            ddl = ddl.replace("read INTEGER)", "read INTEGER, " + MADRID + ")")
        conn.executescript(ddl)
        _rows(conn, [(1, "+8613800138000", T0, "您的账单已逾期，请尽快还款", 2, 1),
                     (2, "+8613800138000", T0 + 60, "知道了", 3, 1),
                     (3, "13800138000", T0 + 120, "发送失败的回复", 35, 1),
                     (4, None, T0 + 180, "群发：还款提醒", 3, 2)])
        if companions:
            conn.executemany("INSERT INTO group_member (group_id, address) VALUES (?,?)",
                             [(1, "+8613800138000"), (2, "13900001111"), (2, "13900002222")])
        if madrid:
            conn.execute("INSERT INTO message (ROWID, date, text, flags, madrid_handle, madrid_flags, is_madrid) "
                         "VALUES (5, ?, 'iMessage 催收', 0, 'collector@example.com', 12289, 1)", (T0 + 240 - APPLE,))
            conn.execute("INSERT INTO message (ROWID, date, text, flags, madrid_handle, madrid_flags, is_madrid) "
                         "VALUES (6, ?, '好的', 0, 'collector@example.com', 36869, 1)", (T0 + 300 - APPLE,))

    def wal(conn: sqlite3.Connection) -> None:
        _rows(conn, [(7, "10690000123", T0 + 360, "最后通知：只在WAL里", 2, 0)])

    return build_sqlite(path, schema, wal)


def _read(path: Path):
    log = IssueLog()
    imp = detect(path)
    return imp, imp.read(path, ReadContext(log)), log.issues


def test_ios4_sms_db_with_wal(tmp_path: Path) -> None:
    path = make_ios4(tmp_path / "sms.db")
    before = tree_hashes([tmp_path])
    imp, df, issues = _read(path)
    assert imp.NAME == "ios_sms" and issues == []
    assert imp.count(path, ReadContext(IssueLog())) == 5
    assert df["source_ref"].tolist() == [f"message:ROWID={i}" for i in (1, 2, 3, 4, 7)]
    assert df["ts_ms"].tolist() == [(T0 + s) * 1000 for s in (0, 60, 120, 180, 360)]
    assert list(zip(df["direction"], df["msg_status"])) == [
        ("in", "received"), ("out", "sent"), ("out", "failed"), ("out", "sent"), ("in", "received")]
    assert df["counterpart_raw"].tolist() == ["+8613800138000", "+8613800138000", "13800138000",
                                              "13900001111;13900002222", "10690000123"]
    assert df["body"].iloc[4] == "最后通知：只在WAL里"  # the row only the -wal holds
    assert tree_hashes([tmp_path]) == before


def test_ios5_imessage_rows_and_a_message_table_alone(tmp_path: Path) -> None:
    path = make_ios4(tmp_path / "sms.db", madrid=True, companions=False)
    imp, df, issues = _read(path)
    assert imp.NAME == "ios_sms" and issues == []
    madrid = df[df["counterpart_raw"] == "collector@example.com"]
    assert madrid["ts_ms"].tolist() == [(T0 + 240) * 1000, (T0 + 300) * 1000]  # Apple-2001 seconds
    assert madrid["direction"].tolist() == ["in", "out"]
    assert df.loc[df["source_ref"] == "message:ROWID=4", "counterpart_raw"].item() == ""  # no group_member table


def test_backup_listing_a_file_it_lacks(tmp_path: Path) -> None:
    folder = make_ios_backup(tmp_path / "bk")
    for sub in ("5a", "c0"):  # CallHistory.storedata and its -wal: listed in Manifest.db, files gone
        for f in (folder / sub).iterdir():
            f.unlink()
    log = IssueLog()
    df = get_importer("ios_backup").read(folder, ReadContext(log, source_name="bk"))
    assert set(df["kind"]) == {"sms", "mms"}
    reasons = {i.source_ref: i.reason for i in log.issues}
    assert reasons["Library/CallHistoryDB/CallHistory.storedata"].startswith(
        "listed in Manifest.db (fileID 5a4935c78a5255723f707230a451d79c540d2741) but absent from the backup "
        "(no 5a/5a4935c78a5255723f707230a451d79c540d2741); no calls imported from it")
    assert "Library/CallHistoryDB/CallHistory.storedata-wal" not in reasons  # said once, with its database
    assert not any("holds no call history" in r for r in reasons.values())
    assert [i.source_ref for i in log.issues][1:] == ["message:ROWID=6"]  # the tapback of make_ios_sms
