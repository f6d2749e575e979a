"""iOS sms.db, CallHistory.storedata and backup folders: real fixtures + synthetic WAL/backup data."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harass_analyzer.errors import UnreadableSource
from harass_analyzer.importers import detect, get_importer
from harass_analyzer.importers.base import IssueLog, ReadContext
from harass_analyzer.importers.ios_sms import attributed_body_text
from harass_analyzer.numbers import normalize_number

from .make_fixtures import (CALL_STATUSES, COLLECTOR, COLLECTOR_LOCAL, FIXTURES, IOS_SMS_COUNTS, LONG_DUNNING,
                            T0_MS, attributed_body, make_call_history, make_ios_backup, make_ios_sms, tree_hashes)


def _read(path: Path, name: str | None = None):
    log = IssueLog()
    imp = detect(path) if name is None else get_importer(name)
    return imp, imp.read(path, ReadContext(log)), log


@pytest.mark.parametrize("name, text", [
    ("AttributedBodyTextOnly", "Noter test"),
    ("Blank", ""),
    ("MultiPart", "\ufffctest 1\ufffctest 2 \ufffctest 3"),
    ("URL", "https://github.com/ReagentX/Logria"),
    ("WeirdText", "𝖍𝖊𝖑𝖑𝖔 𝖜𝖔𝖗𝖑𝖉"),
])
def test_attributed_body_fixtures(name: str, text: str) -> None:
    assert attributed_body_text((FIXTURES / f"ios_attributedBody_{name}.bin").read_bytes()) == text


def test_attributed_body_long_and_broken() -> None:
    assert attributed_body_text(attributed_body(LONG_DUNNING)) == LONG_DUNNING  # 0x81 two-byte length
    assert attributed_body_text(attributed_body("x" * 70000)) == "x" * 70000  # 0x82 four-byte length
    assert attributed_body_text(attributed_body(LONG_DUNNING)[:-60]) is None  # truncated: refused
    assert attributed_body_text(b"garbage") is None
    assert attributed_body_text(None) is None


def test_magnet_ctf_sms_db() -> None:
    path = FIXTURES / "ios_sms_magnetctf2020.db"
    before = tree_hashes([path])
    imp, df, log = _read(path)
    assert imp.NAME == "ios_sms" and len(log) == 0
    assert len(df) == 105 == imp.count(path, ReadContext(IssueLog()))
    assert df.direction.value_counts().to_dict() == {"in": 54, "out": 51}
    assert set(df.msg_status) == {"received", "sent"}
    assert df.source_ref.str.fullmatch(r"message:ROWID=\d+").all() and df.source_format.eq("ios_sms").all()
    assert df.counterpart_raw.ne("").all() and {"22000", "40404"} <= set(df.counterpart_raw)
    # ns dates since 2001 → Dec 2019 – Mar 2020
    assert df.ts_ms.min() == 1577386237642 and df.ts_ms.max() < 1_586_000_000_000
    assert tree_hashes([path]) == before


def test_magnet_attributed_body_matches_text() -> None:
    """Every row has text AND attributedBody: the decoder must reproduce the text exactly."""
    conn = sqlite3.connect(f"file:{FIXTURES / 'ios_sms_magnetctf2020.db'}?mode=ro&immutable=1", uri=True)
    rows = conn.execute("SELECT text, attributedBody FROM message").fetchall()
    conn.close()
    assert len(rows) == 105
    assert all(attributed_body_text(blob) == text for text, blob in rows)


def test_mvt_backup_sms_db_without_chat_tables() -> None:
    imp, df, log = _read(FIXTURES / "ios_sms_mvt_backup_3d0d7e5f.db")
    assert imp.NAME == "ios_sms" and len(log) == 0 and len(df) == 1
    row = df.iloc[0]
    assert (row.counterpart_raw, row.direction, row.source_ref) == ("apple", "in", "message:ROWID=3")
    assert row.body == "Please click here https://badbadbad.example.org/"
    assert row.ts_ms == 1567120410540  # 588813210539788032 ns after 2001-01-01


def test_synthetic_sms_db_with_wal(tmp_path: Path) -> None:
    path = make_ios_sms(tmp_path)
    before = tree_hashes([tmp_path])
    imp, df, log = _read(path)
    assert imp.NAME == "ios_sms"
    assert len(df) == IOS_SMS_COUNTS["rows"] == imp.count(path, ReadContext(IssueLog()))
    assert df.direction.value_counts().to_dict() == {"in": IOS_SMS_COUNTS["in"], "out": IOS_SMS_COUNTS["out"]}
    assert [i.source_ref for i in log.issues] == ["message:ROWID=6"]  # the tapback, and nothing else
    by_ref = df.set_index("source_ref")
    assert by_ref.loc["message:ROWID=11", "body"] == "最后通牒：今天不还就上门"  # only in -wal
    assert by_ref.loc["message:ROWID=2", "body"] == LONG_DUNNING  # text NULL → attributedBody
    assert by_ref.loc["message:ROWID=3", "counterpart_raw"] == COLLECTOR  # handle_id 0 → chat
    assert by_ref.loc["message:ROWID=5", "counterpart_raw"] == "+8613900001111;+8613900002222"  # group
    assert by_ref.loc["message:ROWID=4", "counterpart_raw"] == "+8613900001111"  # group sender
    assert by_ref.loc["message:ROWID=7", "ts_ms"] == T0_MS - 86_400_000  # seconds-era date
    assert by_ref.loc["message:ROWID=8", "msg_status"] == "failed"
    assert by_ref.loc["message:ROWID=9", "vendor_mark"] == "ios:filtered=1"
    assert by_ref.loc["message:ROWID=10", "kind"] == "mms" and by_ref.loc["message:ROWID=10", "body"] == ""
    # SMS handle "+86138…" and iMessage handle "138…" are one counterpart after normalization
    assert normalize_number(by_ref.loc["message:ROWID=1", "counterpart_raw"]) == normalize_number(
        by_ref.loc["message:ROWID=2", "counterpart_raw"]) == normalize_number(COLLECTOR_LOCAL)
    assert tree_hashes([tmp_path]) == before


def test_synthetic_call_history_with_wal(tmp_path: Path) -> None:
    path = make_call_history(tmp_path)
    before = tree_hashes([tmp_path])
    imp, df, log = _read(path)
    assert imp.NAME == "ios_calls" and len(log) == 0
    assert len(df) == 7 == imp.count(path, ReadContext(IssueLog()))
    statuses = {int(r.split("=")[1]): s for r, s in zip(df.source_ref, df.call_status)}
    assert statuses == CALL_STATUSES
    by_pk = df.set_index("source_ref")
    assert by_pk.loc["ZCALLRECORD:Z_PK=3", "counterpart_raw"] == COLLECTOR  # BLOB ZADDRESS decoded
    assert by_pk.loc["ZCALLRECORD:Z_PK=4", "counterpart_raw"] == "+8613700009999"  # via ZHANDLE
    assert by_pk.loc["ZCALLRECORD:Z_PK=2", "vendor_mark"] == "ios:MAYBE_JUNK"
    assert by_pk.loc["ZCALLRECORD:Z_PK=1", ["ts_ms", "duration_s"]].tolist() == [T0_MS + 250, 35.5]
    assert df.direction.value_counts().to_dict() == {"in": 5, "out": 2}
    assert tree_hashes([tmp_path]) == before


def test_backup_folder(tmp_path: Path) -> None:
    folder = make_ios_backup(tmp_path / "00008030-001A2B3C4D5E")
    before = tree_hashes([folder])
    imp, df, log = _read(folder)
    assert imp.NAME == "ios_backup"
    assert len(df) == IOS_SMS_COUNTS["rows"] + 7 == imp.count(folder, ReadContext(IssueLog()))
    assert [i.source_ref for i in log.issues] == ["message:ROWID=6"]
    assert df.source_format.value_counts().to_dict() == {"ios_sms": 10, "ios_calls": 7}
    assert set(df.source_file) == {f"{folder}/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28",
                                   f"{folder}/5a/5a4935c78a5255723f707230a451d79c540d2741"}
    # rows that live only in the hashed -wal files are read
    assert {"message:ROWID=11", "ZCALLRECORD:Z_PK=7"} <= set(df.source_ref)
    evidence = {p.name for p in imp.evidence_files(folder)}
    assert {"Manifest.db", "Manifest.plist", "3d0d7e5fb2ce288813306e4d4636395e047a3d28",
            "cd47480f213dba9bc38ee792775d17e3f5a73a59"} <= evidence
    assert tree_hashes([folder]) == before


def test_encrypted_backup_is_refused_with_advice(tmp_path: Path) -> None:
    folder = make_ios_backup(tmp_path / "enc", encrypted=True)
    imp = detect(folder)
    assert imp is not None and imp.NAME == "ios_backup"
    with pytest.raises(UnreadableSource, match="ENCRYPTED iOS backup.*unencrypted backup"):
        imp.read(folder, ReadContext(IssueLog()))
    assert [p.name for p in imp.evidence_files(folder)] == ["Manifest.db", "Manifest.plist", "Info.plist"]


def test_backup_without_plist_flag_but_unreadable_manifest(tmp_path: Path) -> None:
    folder = make_ios_backup(tmp_path / "enc2", encrypted=True)
    (folder / "Manifest.plist").unlink()
    with pytest.raises(UnreadableSource, match="ENCRYPTED"):
        get_importer("ios_backup").read(folder, ReadContext(IssueLog()))


def test_backup_missing_databases_is_reported(tmp_path: Path) -> None:
    folder = make_ios_backup(tmp_path / "bk")
    for sub in ("5a", "c0"):
        for f in (folder / sub).iterdir():
            f.unlink()
    _, df, log = _read(folder)
    assert set(df.kind) == {"sms", "mms"}
    assert any("listed in Manifest.db" in i.reason and "absent from the backup" in i.reason for i in log.issues)


def test_not_sqlite_and_plain_folder_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # header only: corrupt
    assert detect(tmp_path / "notes.db") is None
    assert detect(tmp_path) is None
