"""SMS Backup & Restore XML: every shared fixture, and each real-world pitfall (formats.md §1.5)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harass_analyzer.importers import IssueLog, ReadContext, detect
from harass_analyzer.importers.sbr_xml import SbrXmlImporter
from harass_analyzer.xmlscan.stream import CleanXmlStream, clean_bytes
from tests.conftest import sha256

EXPECTED = {  # file: (records, {kind: n})
    "sbr_calls_memacs.xml": (8, {"call": 8}),
    "sbr_calls_mobilecombackup.xml": (16, {"call": 16}),
    "sbr_calls_mobilecombackup_test00.xml": (12, {"call": 12}),  # root says count="56"
    "sbr_shruggie_edge_cases.xml": (4, {"sms": 3, "mms": 1}),
    "sbr_shruggie_minimal_calls.xml": (1, {"call": 1}),
    "sbr_shruggie_minimal_mms.xml": (1, {"mms": 1}),
    "sbr_shruggie_minimal_sms.xml": (1, {"sms": 1}),
    "sbr_shruggie_mixed.xml": (4, {"sms": 3, "mms": 1}),
    "sbr_sms_memacs.xml": (4, {"sms": 4}),
    "sbr_sms_mobilecombackup_v7.21.xml": (15, {"sms": 6, "mms": 9}),
}


def read(path: Path):
    log = IssueLog()
    frame = SbrXmlImporter().read(path, ReadContext(log))
    return frame, log.issues


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_counts_and_no_issues(fixtures_dir: Path, name: str) -> None:
    path = fixtures_dir / name
    before = sha256(path)
    assert isinstance(detect(path), SbrXmlImporter)
    frame, issues = read(path)
    total, kinds = EXPECTED[name]
    assert len(frame) == total
    assert frame["kind"].value_counts().to_dict() == kinds
    assert issues == []
    assert frame["source_ref"].is_unique
    assert sha256(path) == before  # evidence untouched


def test_every_sbr_fixture_is_covered(fixtures_dir: Path) -> None:
    names = {p.name for p in fixtures_dir.glob("sbr_*.xml")}
    assert names == set(EXPECTED) | {"sbr_shruggie_malformed.xml"}


def test_malformed_fixture_logs_the_break_and_the_cut_record(fixtures_dir: Path) -> None:
    frame, issues = read(fixtures_dir / "sbr_shruggie_malformed.xml")
    assert len(frame) == 0
    reasons = [i.reason for i in issues]
    assert any("XML broken here" in r for r in reasons)
    assert any(" broken (" in r and r.endswith("not imported") for r in reasons)


def test_withheld_number_and_call_types(fixtures_dir: Path) -> None:
    frame, _ = read(fixtures_dir / "sbr_calls_memacs.xml")
    assert "-1" in set(frame["counterpart_raw"])
    statuses = dict(zip(frame["source_ref"].str.split().str[0], frame["call_status"]))
    assert statuses["call[7]"] == "missed"
    assert set(frame.loc[frame["direction"] == "out", "call_status"]) <= {"answered", "unknown"}


def test_mms_text_parts_and_sender_from_addrs(fixtures_dir: Path) -> None:
    frame, _ = read(fixtures_dir / "sbr_shruggie_minimal_mms.xml")
    row = frame.iloc[0]
    assert row["kind"] == "mms" and row["body"]  # text/plain part, smil skipped
    assert "<smil" not in row["body"]


def _write(tmp_path: Path, body: bytes, name: str = "x.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


SMS = ('<sms protocol="0" address="{a}" date="{d}" type="1" body="{b}" read="1" status="-1" />')


def _doc(*records: str) -> bytes:
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"999\">\n"
            + "\n".join(records) + "\n</smses>\n").encode("utf-8")


def test_surrogate_pair_emoji_and_control_refs(tmp_path: Path) -> None:
    path = _write(tmp_path, _doc(SMS.format(a="13800138000", d=1700000000000, b="还款&#55357;&#56842;了&#1;吗&#10;好"),
                                 SMS.format(a="13800138000", d=1700000000001, b="lone&#55357;x&#x1F;y")))
    frame, issues = read(path)
    assert issues == []
    assert frame["body"].tolist() == ["还款😊了吗\n好", "lonexy"]


def test_raw_control_bytes_are_removed(tmp_path: Path) -> None:
    path = _write(tmp_path, _doc(SMS.format(a="1", d=1700000000000, b="a\x01b\x00c")))
    frame, issues = read(path)
    assert frame["body"].tolist() == ["abc"] and issues == []


def test_missing_optional_attributes(tmp_path: Path) -> None:
    path = _write(tmp_path, _doc('<sms address="13800138000" date="1700000000000" type="2" body="hi" />'))
    frame, issues = read(path)
    assert issues == [] and frame.iloc[0]["direction"] == "out" and frame.iloc[0]["contact_name"] == ""


def test_bad_date_is_listed_not_dropped_silently(tmp_path: Path) -> None:
    path = _write(tmp_path, _doc(SMS.format(a="1", d="soon", b="x"), SMS.format(a="1", d=1700000000000, b="y")))
    frame, issues = read(path)
    assert len(frame) == 1 and len(issues) == 1 and "soon" in issues[0].reason


@pytest.mark.parametrize("cut", [0.3, 0.5, 0.8, 0.97])
def test_truncated_file_keeps_complete_records(tmp_path: Path, cut: float) -> None:
    records = [SMS.format(a="13800138000", d=1700000000000 + i, b=f"第{i}条") for i in range(40)]
    data = _doc(*records)
    path = _write(tmp_path, data[: int(len(data) * cut)])
    frame, issues = read(path)
    complete = data[: int(len(data) * cut)].count(b"/>")  # records whose end was written
    assert len(frame) == complete
    assert frame["body"].tolist() == [f"第{i}条" for i in range(complete)]
    assert issues and "XML broken here" in issues[0].reason


def test_utf16_file_with_bom(tmp_path: Path) -> None:
    text = _doc(SMS.format(a="13800138000", d=1700000000000, b="逾期")).decode("utf-8")
    path = _write(tmp_path, text.encode("utf-16"))
    frame, issues = read(path)
    assert frame["body"].tolist() == ["逾期"] and issues == []


def test_media_never_reaches_the_parser(tmp_path: Path) -> None:
    media = "QUFB" * 250_000  # 1 MB of base64
    mms = (f'<mms date="1700000000000" msg_box="1" address="95011"><parts>'
           f'<part seq="0" ct="text/plain" text="催款函" /><part seq="1" ct="image/jpeg" data="{media}" />'
           f'</parts><addrs><addr address="95011" type="137" /></addrs></mms>')
    path = _write(tmp_path, _doc(mms))
    with open(path, "rb") as fh:
        stream = CleanXmlStream(fh)
        cleaned = b"".join(iter(lambda: stream.read(65536), b""))
    assert media.encode() not in cleaned and stream.media_bytes_dropped == len(media)
    frame, issues = read(path)
    assert frame["body"].tolist() == ["催款函"] and frame["counterpart_raw"].tolist() == ["95011"]


def test_stream_cleaning_is_chunk_boundary_safe() -> None:
    import io

    import harass_analyzer.xmlscan.stream as xs

    unit = b'<sms body="a&#55357;&#56842;b&#1;" data="QUFBQUFB" />'
    data = unit * 5000
    old = xs.CHUNK
    try:
        for chunk in (7, 13, 64, 1000):
            xs.CHUNK = chunk
            stream = CleanXmlStream(io.BytesIO(data))
            out = b"".join(iter(lambda: stream.read(chunk), b""))
            assert out == clean_bytes(data).replace(b"QUFBQUFB", b"")
    finally:
        xs.CHUNK = old


def test_sniff_is_by_content_not_name(tmp_path: Path) -> None:
    disguised = _write(tmp_path, _doc(SMS.format(a="1", d=1700000000000, b="x")), "notes.txt")
    assert isinstance(detect(disguised), SbrXmlImporter)
    html = _write(tmp_path, b"<html><body>sms</body></html>", "sms-2024.xml")
    assert not isinstance(detect(html), SbrXmlImporter)


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_batched_conversion_gives_the_same_frame(fixtures_dir: Path, tmp_path: Path, monkeypatch, batch: int) -> None:
    from harass_analyzer.xmlscan import sbr_records

    records = [SMS.format(a="13800138000", d=1700000000000 + i, b=f"第{i}条&#10;x") for i in range(50)]
    records.insert(20, SMS.format(a="1", d="bad", b="x"))
    path = _write(tmp_path, _doc(*records))
    names = ("sbr_sms_mobilecombackup_v7.21.xml", "sbr_calls_mobilecombackup.xml")
    whole, whole_issues = read(path)
    expected = {name: read(fixtures_dir / name)[0] for name in names}
    monkeypatch.setattr(sbr_records.SbrColumns, "BATCH_RECORDS", batch)
    batched, batched_issues = read(path)
    assert whole.equals(batched) and whole_issues == batched_issues and len(whole) == 50
    for name in names:
        assert read(fixtures_dir / name)[0].equals(expected[name])


def test_line_numbers_stay_exact_past_line_65535(tmp_path: Path) -> None:
    """libxml2 keeps 16-bit lines; past 65,535 the locator must still point at the record's own line."""
    records = [SMS.format(a="13800138000", d=1700000000000 + i, b="x") for i in range(70_000)]
    path = _write(tmp_path, _doc(*records))
    frame, issues = read(path)
    lines = path.read_bytes().split(b"\n")
    assert issues == [] and len(frame) == 70_000
    for i in (0, 65_530, 65_533, 65_534, 65_535, 69_999):
        line = int(frame["source_ref"].iloc[i].rsplit(" ", 1)[1])
        assert str(frame["ts_ms"].iloc[i]).encode() in lines[line - 1], frame["source_ref"].iloc[i]
