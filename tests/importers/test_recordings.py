"""Call recordings (issue 20): content sniffing, durations, every naming scheme, linking to calls (a
recording with no call, a call with two candidate recordings, a duration that disagrees, a corrupt file),
and the bundle (recording column, recordings.csv, manifest hashes, --copy-recordings, report hooks).
All audio is generated (tests/importers/make_audio.py); names and numbers are synthetic."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from harass_analyzer.api import Options, analyze
from harass_analyzer.errors import ConfigError
from harass_analyzer.importers import detect
from harass_analyzer.importers.recording_names import SCHEMES, parse_recording_name
from harass_analyzer.importers.recordings import RecordingImporter, amr_duration, audio_format, recording_info
from harass_analyzer.pipeline import load_events

from . import make_audio as make

TZ = "Asia/Shanghai"


def ms(local: str) -> int:
    return int(datetime.strptime(local, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(TZ)).timestamp() * 1000)


@pytest.mark.parametrize(("name", "build", "kind", "seconds"), [
    ("a.wav", lambda p: make.wav(p, 12.5), "wav", 12.5),
    ("a.amr", lambda p: make.amr(p, 20), "amr", 20.0),
    ("b.amr", lambda p: make.amr(p, 7, wide=True), "amr-wb", 7.0),
    ("a.mp3", lambda p: make.mp3(p, 30), "mp3", 30.0),
    ("b.mp3", lambda p: make.mp3(p, 30, id3=True), "mp3", 30.0),
    ("a.m4a", lambda p: make.mp4_audio(p, 65), "m4a", 65.0),
    ("a.3gp", lambda p: make.mp4_audio(p, 9, brand=b"3gp4"), "3gp", 9.0),
    ("a.opus", lambda p: make.opus(p, 15), "opus", 15.0),
    ("a.aac", lambda p: make.aac_adts(p, 16), "aac", 16.0),
])
def test_audio_is_sniffed_and_timed(tmp_path: Path, name: str, build, kind: str, seconds: float) -> None:
    path = build(tmp_path / name)
    renamed = path.rename(tmp_path / "no_extension")  # by content, not by name
    assert isinstance(detect(renamed), RecordingImporter)
    info = recording_info(renamed, str(renamed))
    assert (info.kind, info.problem) == (kind, "")
    assert info.duration_s == pytest.approx(seconds, abs=0.05)


def test_not_audio_is_not_claimed(tmp_path: Path) -> None:
    for head in (b"<?xml version='1.0'?><smses/>", b"\xff\xfe<\x00", b"SQLite format 3\x00", b"RIFF\x00\x00\x00\x00AVI "):
        assert audio_format(head) is None


def test_amr_frames_are_counted_and_damage_is_named() -> None:
    assert amr_duration(b"#!AMR\n" + make.AMR_NB_122_FRAME * 150) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="frame 2 .* bad header"):
        amr_duration(b"#!AMR\n" + make.AMR_NB_122_FRAME + b"\x64" + bytes(20))
    with pytest.raises(ValueError, match="cut off"):
        amr_duration(b"#!AMR\n" + make.AMR_NB_122_FRAME[:10])


NAMES = [
    ("通话录音/张三(13800138000)_20260302103015.mp3", "miui", "13800138000", "张三"),
    ("MIUI/sound_recorder/call_rec/13800138000(13800138000)_20260302103015.mp3", "miui", "13800138000", "13800138000"),
    ("Sounds/CallRecord/张三 13800138000_20260302103015.m4a", "huawei", "13800138000", "张三"),
    ("Sounds/CallRecord/13800138000_20260302103015.m4a", "huawei", "13800138000", ""),
    ("Recordings/Call/Call recording 张三_260302_103015.m4a", "samsung", "", "张三"),
    ("Recordings/Call/Call recording +86 138-0013-8000_260302_103015.m4a", "samsung", "+86 138-0013-8000", ""),
    ("Call/13800138000_260302_103015.m4a", "samsung_legacy", "13800138000", ""),
    ("Music/Recordings/Call Recordings/张三_13800138000_20260302103015.mp3", "oppo", "13800138000", "张三"),
    ("Record/Call/张三_13800138000_20260302_103015.m4a", "vivo", "13800138000", "张三"),
    ("录音/+8613800138000_2026-03-02_10-30-15.amr", "common", "+8613800138000", ""),
    ("张三 13800138000 2026-03-02 10.30.15.m4a", "common", "13800138000", "张三"),
    ("13800138000_20260302103015.mp3", "number_stamp", "13800138000", ""),
]


@pytest.mark.parametrize(("path", "scheme", "number", "name"), NAMES)
def test_naming_schemes(path: str, scheme: str, number: str, name: str) -> None:
    parsed = parse_recording_name(path)
    assert parsed is not None
    assert (parsed.scheme, parsed.number, parsed.name) == (scheme, number, name)
    assert parsed.local_time == datetime(2026, 3, 2, 10, 30, 15)


def test_every_scheme_parses_its_own_example() -> None:
    assert {s.key for s in SCHEMES} == {scheme for _, scheme, _, _ in NAMES}
    for s in SCHEMES:
        parsed = parse_recording_name(s.example)
        assert parsed is not None and parsed.scheme == s.key, s.example


@pytest.mark.parametrize("path", ["song.mp3", "通话录音/张三(13800138000)_20261302103015.mp3", "Call/only_name.m4a"])
def test_names_that_are_no_recording_name(path: str) -> None:
    assert parse_recording_name(path) is None


CALLS = [  # number, local start, seconds, contact name
    ("13800138000", "2026-03-02 10:29:50", 65, "张三"),
    ("13800138001", "2026-03-02 11:00:00", 30, ""),
    ("13800138002", "2026-03-02 12:00:00", 120, ""),
    ("13800138003", "2026-03-02 13:00:00", 40, "李四"),
    ("13800138004", "2026-03-02 14:00:00", 50, ""),
]


def phone(tmp_path: Path) -> Path:
    """A synthetic phone dump: SMS B&R calls + one collection SMS, and recordings in vendor folders."""
    root = tmp_path / "phone"
    root.mkdir()
    rows = "".join(f'<call number="{n}" duration="{d}" date="{ms(t)}" type="1" presentation="1" contact_name="{c}"/>'
                   for n, t, d, c in CALLS)
    (root / "calls-20260303.xml").write_text(f'<?xml version="1.0" encoding="UTF-8"?><calls count="5">{rows}</calls>',
                                             encoding="utf-8")
    (root / "sms-20260303.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><smses count="1"><sms address="13800138000" type="1" '
        f'date="{ms("2026-03-02 09:00:00")}" body="您的借款已逾期，请立即还款，否则联系您的紧急联系人"/></smses>',
        encoding="utf-8")
    make.mp3(root / "通话录音/张三(13800138000)_20260302103015.mp3", 64)
    make.mp4_audio(root / "Sounds/CallRecord/13800138001_20260302110005.m4a", 30)
    make.amr(root / "录音/+8613800138001_2026-03-02_11-00-40.amr", 30)
    make.wav(root / "Sounds/CallRecord/13800138002_20260302120003.wav", 20)
    make.mp4_audio(root / "Recordings/Call/Call recording 李四_260302_130010.m4a", 40)
    make.corrupt_amr(root / "Record/Call/王五_13800138004_20260302_140008.amr")
    make.mp3(root / "通话录音/赵六(13900139000)_20260302150000.mp3", 12)
    make.wav(root / "music/song.wav", 3)
    return root


def test_recordings_are_linked_or_listed_with_why(tmp_path: Path) -> None:
    root = phone(tmp_path)
    result = load_events([root], tz=TZ)
    rec = result.recordings.set_index("recording")
    path = lambda rel: str(root / rel)  # noqa: E731
    calls = result.events[result.events["kind"].eq("call")].set_index("counterpart")
    assert calls["recording"].to_dict() == {
        "+8613800138000": path("通话录音/张三(13800138000)_20260302103015.mp3"),
        "+8613800138001": path("Sounds/CallRecord/13800138001_20260302110005.m4a"),
        "+8613800138002": "",
        "+8613800138003": path("Recordings/Call/Call recording 李四_260302_130010.m4a"),
        "+8613800138004": path("Record/Call/王五_13800138004_20260302_140008.amr"),
    }
    assert result.events.loc[result.events["kind"].eq("sms"), "recording"].tolist() == [""]
    assert rec["status"].value_counts().to_dict() == {"linked": 4, "unmatched": 4}
    second = rec.loc[path("录音/+8613800138001_2026-03-02_11-00-40.amr")]
    assert second["reason"] == (f"its call {calls.loc['+8613800138001', 'event_id']} is linked to a closer recording, "
                                + path("Sounds/CallRecord/13800138001_20260302110005.m4a"))
    assert rec.loc[path("Sounds/CallRecord/13800138002_20260302120003.wav"), "reason"] == \
        "calls near that time last 120 s, the recording 20 s"
    assert rec.loc[path("通话录音/赵六(13900139000)_20260302150000.mp3"), "reason"] == \
        "no call with +8613900139000 in the imported call logs"
    assert rec.loc[path("music/song.wav"), "reason"].startswith("file name follows no known recording naming scheme")
    corrupt = rec.loc[path("Record/Call/王五_13800138004_20260302_140008.amr")]
    assert (corrupt["status"], corrupt["duration_s"]) == ("linked", "")
    assert corrupt["reason"].startswith("duration not checked: audio unreadable (AMR frame 2")
    assert rec.loc[path("通话录音/张三(13800138000)_20260302103015.mp3"), "start"] == "2026-03-02T10:30:15+08:00"
    assert [(i.source_file, i.source_ref, i.records) for i in result.issues if "audio unreadable" in i.reason] == [
        (path("Record/Call/王五_13800138004_20260302_140008.amr"), "audio", 0)]  # a note: the file is kept
    assert {i.format for i in result.inputs} == {"sbr_xml", "call_recording"}


def test_a_recording_outside_the_time_window(tmp_path: Path) -> None:
    root = phone(tmp_path)
    make.mp3(root / "通话录音/张三(13800138000)_20260302110000.mp3", 64)  # 30 min after the call
    result = load_events([root], tz=TZ)
    row = result.recordings.set_index("recording").loc[str(root / "通话录音/张三(13800138000)_20260302110000.mp3")]
    assert row["reason"] == ("no call with +8613800138000 starting between 120 s before and 60 s after "
                             "2026-03-02T11:00:00+08:00")


def test_bundle_lists_hashes_and_copies_only_on_request(tmp_path: Path) -> None:
    root = phone(tmp_path)
    out = tmp_path / "out"
    analyze([root], out, options=Options(tz=TZ))
    events = pd.read_csv(out / "events.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert events.columns[-1] == "recording"
    assert (events["recording"] != "").sum() == 4
    recordings = pd.read_csv(out / "recordings.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(recordings) == 8 and set(recordings["bundle_copy"]) == {""}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    audio = [i for i in manifest["inputs"] if i["format"] == "call_recording"]
    assert len(audio) == 8 and all(len(i["sha256"]) == 64 for i in audio)
    assert not (out / "recordings").exists()
    assert "通话录音 1 个（见 recordings.csv）: 张三(13800138000)_20260302103015.mp3" in (out / "report.md").read_text(encoding="utf-8")
    packs = {p.name: p.read_text("utf-8") for p in (out / "complaint").glob("*.md")}
    assert "附通话录音 1 个" in packs["12378.md"], packs["12378.md"]  # the evidence list of the packs

    copied = tmp_path / "copied"
    analyze([root], copied, options=Options(tz=TZ, copy_recordings=True))
    recordings = pd.read_csv(copied / "recordings.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert recordings["bundle_copy"].str.startswith("recordings/").all()
    outputs = {o["path"]: o["sha256"] for o in json.loads((copied / "manifest.json").read_text("utf-8"))["outputs"]}
    sources = {i["path"]: i["sha256"] for i in audio}
    for label, copy in zip(recordings["recording"], recordings["bundle_copy"]):
        assert outputs[copy] == sources[label]  # the copy is the very file that was hashed as input


def test_copy_with_redact_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--copy-recordings cannot be combined with --redact"):
        analyze([phone(tmp_path)], tmp_path / "out", options=Options(tz=TZ, copy_recordings=True, redact=True))


def test_formats_lists_recordings_and_every_vmessage_dialect() -> None:
    from typer.testing import CliRunner

    from harass_analyzer.cli import app
    from harass_analyzer.importers.vmessage import DIALECTS

    output = CliRunner().invoke(app, ["formats"]).output
    assert "call_recording" in output
    for scheme in SCHEMES:
        assert f"{scheme.key:15} {scheme.vendor}: {scheme.example}" in output
    for dialect in DIALECTS:
        assert f"- {dialect}" in output


def test_recording_counts_per_counterpart(tmp_path: Path) -> None:
    from harass_analyzer.analysis.recordings import recording_counts

    events = load_events([phone(tmp_path)], tz=TZ).events
    assert recording_counts(events) == {"+8613800138000": 1, "+8613800138001": 1, "+8613800138003": 1,
                                        "+8613800138004": 1}


def test_unreadable_file_is_listed_not_fatal(tmp_path: Path) -> None:
    gone = tmp_path / "13800138000_20260302103015.amr"
    gone.mkdir()  # opening it fails (IsADirectoryError), as a file removed or locked mid-run would
    info = recording_info(gone, str(gone))
    assert (info.kind, info.duration_s) == ("unknown", None)
    assert info.problem.startswith("cannot read the file (Is a directory")


def test_redacted_bundle_masks_numbers_in_recording_names(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze([phone(tmp_path)], out, options=Options(tz=TZ, redact=True))
    recordings = pd.read_csv(out / "recordings.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    third = recordings[recordings["recording"].str.contains("20260302150000")].iloc[0]
    assert (third["number"], third["counterpart"], third["contact_name"]) == ("139****9000", "139****9000", "赵*")
    assert third["recording"].endswith("通话录音/赵*(139****9000)_20260302150000.mp3")
    collector = recordings[recordings["recording"].str.contains("20260302103015")].iloc[0]
    assert collector["counterpart"] == "+8613800138000"  # the collector's number stays
    events = (out / "events.csv").read_text(encoding="utf-8-sig")
    assert "13800138000)_20260302103015.mp3" in events and "13800138001_" not in events
