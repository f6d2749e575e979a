"""AOSP adb-backup telephony files (zlib JSON): the two mvt samples + synthetic edge cases."""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from harass_analyzer.errors import UnreadableSource
from harass_analyzer.importers import aosp_backup, detect
from harass_analyzer.importers.base import IssueLog, ReadContext

from .make_fixtures import FIXTURES, tree_hashes


def _read(path: Path):
    log = IssueLog()
    imp = detect(path)
    assert imp is not None and imp.NAME == "aosp_backup"
    return imp.read(path, ReadContext(log)), log


def test_sms_backup_sample() -> None:
    path = FIXTURES / "aosp_backup_000000_sms_backup.zlib"
    before = tree_hashes([path])
    df, log = _read(path)
    assert len(log) == 0 and len(df) == 1
    row = df.iloc[0]
    # type 6 = queued: outgoing, although date_sent is 0 (direction never comes from date_sent)
    assert (row.kind, row.direction, row.msg_status) == ("sms", "out", "queued")
    assert (row.ts_ms, row.counterpart_raw, row.source_ref) == (1645543781956, "06543219", "json[0]")
    assert row.body == "Hi this is a test message to https://google.com/"
    assert tree_hashes([path]) == before


def test_mms_backup_sample_date_in_seconds() -> None:
    df, log = _read(FIXTURES / "aosp_backup_000001_mms_backup.zlib")
    assert len(log) == 0 and len(df) == 1
    row = df.iloc[0]
    assert (row.kind, row.direction, row.msg_status) == ("mms", "in", "received")
    assert row.ts_ms == 1579531789 * 1000
    assert row.counterpart_raw == "+12345678"  # the 137 (from) address, not the 151 (to) one
    assert row.body.startswith("Very suspicious MMS")


def _write(tmp_path: Path, records: object, name: str = "000000_sms_backup") -> Path:
    path = tmp_path / name
    path.write_bytes(zlib.compress(json.dumps(records, ensure_ascii=False).encode()))
    return path


def test_bad_records_are_logged(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"address": "10086", "body": "话费", "date": "1700000000000", "type": "1"},
        {"address": "10086", "body": "no date", "date": "", "type": "1"},
        "not an object",
        {"address": "", "recipients": ["13800000001", "13800000002"], "body": "群发", "date": "1700000001000",
         "type": "2"},
        {"date": "1700000002", "msg_box": "2", "mms_addresses": [{"type": 151, "address": "13800000003"},
                                                                {"type": 137, "address": "insert-address-token"}]},
    ])
    df, log = _read(path)
    assert len(df) == 3 and sorted(i.source_ref for i in log.issues) == ["json[1]", "json[2]"]
    assert df.counterpart_raw.tolist() == ["10086", "13800000001;13800000002", "13800000003"]
    assert df.ts_ms.tolist() == [1700000000000, 1700000001000, 1700000002000]


def test_zlib_bomb_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, [{"address": "1", "body": "x" * 5000, "date": "1", "type": "1"}])
    monkeypatch.setattr(aosp_backup, "MAX_INFLATED", 1000)
    with pytest.raises(UnreadableSource, match="zip bomb"):
        detect(path).read(path, ReadContext(IssueLog()))


def test_other_zlib_and_not_json(tmp_path: Path) -> None:
    other = tmp_path / "blob"
    other.write_bytes(zlib.compress(b"PNG not json"))
    assert detect(other) is None
    obj = _write(tmp_path, {"address": "1"}, name="obj")  # a JSON object, not an array
    assert detect(obj) is None
