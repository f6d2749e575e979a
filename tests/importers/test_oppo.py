"""OPPO ColorOS callrecord_backup.xml and vivo `call` (formats.md §4.3–4.4; synthetic only: no real sample)."""
from __future__ import annotations

from pathlib import Path

from harass_analyzer.importers import IssueLog, ReadContext, detect
from harass_analyzer.importers.oppo_xml import OppoCallXmlImporter
from harass_analyzer.importers.sbr_xml import SbrXmlImporter
from harass_analyzer.importers.superbackup_xml import SuperBackupXmlImporter
from tests.conftest import sha256
from tests.importers import make_text_fixtures as make


def read(path: Path):
    log = IssueLog()
    return OppoCallXmlImporter().read(path, ReadContext(log)), log.issues


def test_oppo_callrecord(tmp_path: Path) -> None:
    path = make.oppo_callrecord(tmp_path)
    before = sha256(path)
    assert isinstance(detect(path), OppoCallXmlImporter)
    frame, issues = read(path)
    assert issues == []
    assert len(frame) == 5 == OppoCallXmlImporter().count(path, ReadContext(IssueLog()))
    assert list(zip(frame["direction"], frame["call_status"])) == [
        ("in", "answered"), ("out", "unknown"), ("in", "missed"), ("in", "rejected"), ("out", "answered")]
    assert frame["ts_ms"].iloc[0] == 1709297760000  # epoch ms kept as UTC: no hard-coded +8 h
    assert frame["source_ref"].iloc[2] == "CALL_RECORDS[3] line 5"
    assert sha256(path) == before


def test_vivo_named_attributes(tmp_path: Path) -> None:
    path = make.vivo_call(tmp_path)
    assert isinstance(detect(path), OppoCallXmlImporter)
    frame, issues = read(path)
    assert issues == []
    assert frame[["counterpart_raw", "call_status", "duration_s"]].values.tolist() == [
        ["13800138000", "answered", 20.0], ["13800138001", "missed", 0.0]]


def test_vivo_positional_attributes_are_flagged_once(tmp_path: Path) -> None:
    frame, issues = read(make.vivo_call(tmp_path, named=False))
    assert frame["counterpart_raw"].tolist() == ["13800138000", "13800138001"]
    assert frame["ts_ms"].tolist() == [1709297760000, 1709297820000]
    assert len(issues) == 1 and "by position" in issues[0].reason


def test_other_call_xml_is_not_claimed(fixtures_dir: Path) -> None:
    """SMS Backup & Restore <calls> and 超级备份 <alllogs> keep their own importers."""
    imp = OppoCallXmlImporter()
    for name, owner in (("sbr_calls_memacs.xml", SbrXmlImporter), ("superbackup_calls_memacs.xml",
                                                                   SuperBackupXmlImporter)):
        path = fixtures_dir / name
        assert not imp.sniff(path, path.read_bytes()[:4096])
        assert isinstance(detect(path), owner)


def test_bad_date_and_type_are_issues(tmp_path: Path) -> None:
    path = tmp_path / "callrecord_backup.xml"
    path.write_text('<callrecord><CALL_RECORDS number="1" duration="x" type="99" date="1709297760000"/>'
                    '<CALL_RECORDS number="2" duration="1" type="1" date="yesterday"/></callrecord>', encoding="utf-8")
    frame, issues = read(path)
    assert len(frame) == 1 and frame["call_status"].iloc[0] == "unknown"
    assert len(issues) == 3
