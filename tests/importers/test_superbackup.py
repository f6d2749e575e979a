"""超级备份 / Super Backup XML: both real fixtures, every call type, and hostile XML (formats.md §4.6, §1.5)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harass_analyzer.importers import IssueLog, ReadContext, detect
from harass_analyzer.importers.superbackup_xml import SuperBackupXmlImporter
from harass_analyzer.importers.tabular_columns import canonical_local, local_to_epoch_ms
from tests.conftest import sha256
from tests.importers import make_text_fixtures as make

# file: (rows, [(direction, call_status, duration_s)] in file order, tz of its `time` strings)
EXPECTED = {
    "superbackup_calls_memacs.xml": (2, [("in", "answered", 264.0), ("in", "answered", 73.0)], "Europe/Berlin"),
    "superbackup_calls_zh_lqzhgood.xml": (6, [
        ("out", "unknown", 0.0),    # 呼出挂断
        ("out", "answered", 6.0),   # 呼出已接
        ("out", "unknown", 0.0),    # 呼出未接 (indistinguishable from 呼出挂断)
        ("in", "missed", 0.0),      # 呼入未接, dur=48 is ring time
        ("in", "answered", 7.0),    # 呼入已接
        ("in", "rejected", 0.0),    # type 5 = 呼入挂断
    ], "Asia/Shanghai"),
}


def read(path: Path, tz: str = "Asia/Shanghai"):
    log = IssueLog()
    frame = SuperBackupXmlImporter().read(path, ReadContext(log, tz=tz))
    return frame, log.issues


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_fixture(fixtures_dir: Path, name: str) -> None:
    path = fixtures_dir / name
    before = sha256(path)
    assert isinstance(detect(path), SuperBackupXmlImporter)
    frame, issues = read(path)
    rows, calls, _ = EXPECTED[name]
    assert issues == []
    assert len(frame) == rows == SuperBackupXmlImporter().count(path, ReadContext(IssueLog()))
    assert list(zip(frame["direction"], frame["call_status"], frame["duration_s"])) == calls
    assert set(frame["kind"]) == {"call"} and set(frame["source_format"]) == {"superbackup_xml"}
    assert frame["source_ref"].tolist()[0] == "log[1] line 3" and frame["source_ref"].is_unique
    assert sha256(path) == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_localized_time_string_agrees_with_epoch_ms(fixtures_dir: Path, name: str) -> None:
    """The `time` fallback parser, checked against the real files' own `date` values."""
    from lxml import etree

    tz = EXPECTED[name][2]
    for el in etree.parse(str(fixtures_dir / name)).iter("log"):
        text, is_utc = canonical_local(el.get("time"))
        assert local_to_epoch_ms([text], [is_utc], tz)[0] == int(el.get("date")) // 1000 * 1000


def test_zh_fixture_keeps_numbers_and_names(fixtures_dir: Path) -> None:
    frame, _ = read(fixtures_dir / "superbackup_calls_zh_lqzhgood.xml")
    assert set(frame["counterpart_raw"]) == {"13712341234"} and set(frame["contact_name"]) == {"我是姓名"}
    assert frame["ts_ms"].iloc[0] == 1605586498908


def test_sms_pitfalls(tmp_path: Path) -> None:
    path = make.superbackup_sms(tmp_path)
    before = sha256(path)
    frame, issues = read(path)
    assert len(frame) == 4
    assert frame["body"].iloc[0].endswith("请尽快还款\U0001F60A")  # surrogate-pair references joined
    assert frame["body"].iloc[1] == "我会处理"                       # &#1; dropped
    assert frame["ts_ms"].iloc[2] == 1709341200000                   # no date: 2024-03-02 09:00 +08:00 from `time`
    assert list(zip(frame["direction"], frame["msg_status"])) == [
        ("in", "received"), ("out", "sent"), ("in", "received"), ("out", "draft")]
    assert [(i.source_ref, "is a readable time" in i.reason) for i in issues] == [("sms[5] line 7", True)]
    assert SuperBackupXmlImporter().count(path, ReadContext(IssueLog())) == 5
    assert sha256(path) == before


def test_every_call_type(tmp_path: Path) -> None:
    frame, issues = read(make.superbackup_calls_all_types(tmp_path))
    assert frame["call_status"].tolist() == ["answered", "answered", "missed", "voicemail", "rejected", "blocked",
                                             "unknown"]
    assert frame["direction"].tolist() == ["in", "out", "in", "in", "in", "in", "in"]
    assert frame["duration_s"].tolist() == [30.0, 12.0, 0.0, 20.0, 0.0, 0.0, 0.0]
    assert len(issues) == 1 and "type '1000'" in issues[0].reason


def test_entity_bomb_is_not_expanded(tmp_path: Path) -> None:
    frame, issues = read(make.billion_laughs(tmp_path))
    assert len(frame) == 0
    assert len(issues) == 1 and "XML broken" in issues[0].reason


def test_truncated_file_keeps_records_before_the_break(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "superbackup_calls_zh_lqzhgood.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<log", data.index(b"<log", data.index(b"<log") + 1) + 1) + 30])
    frame, issues = read(cut)
    assert len(frame) == 2
    assert len(issues) == 1 and "2 records before it were imported" in issues[0].reason


def test_sniff_leaves_other_xml_alone(fixtures_dir: Path) -> None:
    imp = SuperBackupXmlImporter()
    for name in ("sbr_calls_memacs.xml", "sbr_sms_memacs.xml"):
        path = fixtures_dir / name
        assert not imp.sniff(path, path.read_bytes()[:4096])


def test_line_numbers_stay_exact_past_line_65535(tmp_path: Path) -> None:
    """libxml2 keeps 16-bit lines; past 65,535 the locator must still point at the record's own line."""
    from harass_analyzer.importers import IssueLog, ReadContext
    from harass_analyzer.importers.superbackup_xml import SuperBackupXmlImporter

    rows = [f'  <log number="13800138000" time="" date="{1700000000000 + i}" type="3" name="" new="0" dur="0" />'
            for i in range(70_000)]
    path = tmp_path / "calls.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8'?>\n<alllogs count=\"70000\">\n" + "\n".join(rows)
                    + "\n</alllogs>\n", encoding="utf-8")
    log = IssueLog()
    frame = SuperBackupXmlImporter().read(path, ReadContext(log))
    lines = path.read_bytes().split(b"\n")
    assert log.issues == [] and len(frame) == 70_000
    for i in (0, 65_532, 65_533, 65_534, 69_999):
        line = int(frame["source_ref"].iloc[i].rsplit(" ", 1)[1])
        assert str(frame["ts_ms"].iloc[i]).encode() in lines[line - 1], frame["source_ref"].iloc[i]
