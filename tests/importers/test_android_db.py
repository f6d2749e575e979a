"""Android mmssms.db / calllog.db and Huawei sms_tb / calls_tb: the real Samsung DB + synthetic variants."""
from __future__ import annotations

from pathlib import Path

from harass_analyzer.importers import detect
from harass_analyzer.importers.base import IssueLog, ReadContext

from .make_fixtures import (CALLLOG_STATUSES, COLLECTOR_LOCAL, FIXTURES, T0_MS, make_calllog, make_huawei_calllog,
                            make_huawei_sms, make_mmssms, tree_hashes)


def _read(path: Path):
    log = IssueLog()
    imp = detect(path)
    assert imp is not None
    return imp, imp.read(path, ReadContext(log)), log


def test_samsung_dfrws_mmssms() -> None:
    path = FIXTURES / "android_mmssms_samsung_dfrws2021.db"
    before = tree_hashes([path])
    imp, df, log = _read(path)
    assert imp.NAME == "android_mmssms" and len(log) == 0
    assert len(df) == 32 == imp.count(path, ReadContext(IssueLog()))
    assert df.direction.value_counts().to_dict() == {"in": 18, "out": 14}
    assert df.msg_status.value_counts().to_dict() == {"received": 18, "sent": 14}
    assert set(df.kind) == {"sms"} and df.source_ref.str.fullmatch(r"sms:_id=\d+").all()
    assert {"CoopMobile", "+41786909109"} <= set(df.counterpart_raw)
    first = df.set_index("source_ref").loc["sms:_id=1"]
    assert first.ts_ms == 1617873247692 and first.body.startswith("Pour une utilisation optimale")
    assert tree_hashes([path]) == before


def test_synthetic_mmssms_with_wal_spam_mms_and_deleted(tmp_path: Path) -> None:
    path = make_mmssms(tmp_path)
    before = tree_hashes([tmp_path])
    imp, df, log = _read(path)
    assert imp.NAME == "android_mmssms"
    assert sorted(i.source_ref for i in log.issues) == ["pdu:_id=3", "sms:_id=6"]  # delivery report, date 0
    assert len(df) == 10
    by = df.set_index("source_ref")
    assert by.loc["sms:_id=8", "body"] == "只在WAL里的短信"  # only in -wal
    assert by.loc["sms:_id=3", ["msg_status", "counterpart_raw"]].tolist() == ["draft", COLLECTOR_LOCAL]  # thread
    assert bool(by.loc["sms:_id=4", "deleted"]) and not by.deleted.drop("sms:_id=4").any()
    assert by.loc["sms:_id=5", "vendor_mark"] == "xiaomi:blocked=2"
    assert by.loc["sms:_id=7", "msg_status"] == "unknown"
    assert by.loc["spam_sms:_id=1", "vendor_mark"] == "samsung:spam"
    mms_in, mms_out = by.loc["pdu:_id=1"], by.loc["pdu:_id=2"]
    assert (mms_in.kind, mms_in.direction, mms_in.counterpart_raw) == ("mms", "in", COLLECTOR_LOCAL)
    assert mms_in.body == "你的照片已发给你的家人"  # SMIL part ignored
    assert mms_in.ts_ms == T0_MS + 7 * 60_000  # pdu.date in SECONDS
    assert (mms_out.direction, mms_out.counterpart_raw) == ("out", "+8613900001111;+8613900002222")
    assert tree_hashes([tmp_path]) == before


def test_huawei_sms_tb(tmp_path: Path) -> None:
    path = make_huawei_sms(tmp_path)
    imp, df, log = _read(path)
    assert imp.NAME == "android_mmssms" and len(log) == 0 and len(df) == 3
    assert df.source_ref.tolist() == ["sms_tb:rowid=1", "sms_tb:rowid=2", "sms_tb:rowid=3"]
    assert df.direction.tolist() == ["in", "in", "out"]


def test_calllog_types_ring_time_and_wal(tmp_path: Path) -> None:
    path = make_calllog(tmp_path)
    before = tree_hashes([tmp_path])
    imp, df, log = _read(path)
    assert imp.NAME == "android_calllog"
    assert [i.source_ref for i in log.issues] == ["calls:_id=10"]
    assert len(df) == 11 and imp.count(path, ReadContext(IssueLog())) == 12
    statuses = {int(r.split("=")[1]): s for r, s in zip(df.source_ref, df.call_status)}
    assert statuses == CALLLOG_STATUSES
    by = df.set_index("source_ref")
    assert by.loc["calls:_id=3", "duration_s"] == 0.0  # 48 s of ring time is not talk time
    assert by.loc["calls:_id=1", ["duration_s", "contact_name"]].tolist() == [62.0, "张经理"]
    assert by.loc["calls:_id=4", "duration_s"] == 20.0  # voicemail keeps its length
    assert by.loc["calls:_id=7", ["counterpart_raw", "presentation"]].tolist() == ["-2", 2]
    assert bool(by.loc["calls:_id=6", "deleted"])
    assert by.loc["calls:_id=2", "direction"] == "out" and by.loc["calls:_id=11", "call_status"] == "answered"
    assert "calls:_id=12" in by.index  # only in -wal
    assert [p.name for p in imp.evidence_files(path)] == ["calllog.db", "calllog.db-wal"]
    assert tree_hashes([tmp_path]) == before


def test_huawei_calls_tb_marks(tmp_path: Path) -> None:
    path = make_huawei_calllog(tmp_path)
    imp, df, log = _read(path)
    assert imp.NAME == "android_calllog" and len(log) == 0 and len(df) == 4
    assert df.vendor_mark.tolist() == ["huawei:催收", "huawei:催收", "huawei:mark_type=3", ""]
    assert df.call_status.tolist() == ["missed", "answered", "missed", "answered"]
    assert df.duration_s.tolist() == [0.0, 40.0, 0.0, 100.0]


def test_unrelated_sqlite_not_claimed(tmp_path: Path) -> None:
    import sqlite3
    conn = sqlite3.connect(tmp_path / "contacts.db")
    conn.execute("CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, display_name TEXT)")
    conn.commit()
    conn.close()
    assert detect(tmp_path / "contacts.db") is None
