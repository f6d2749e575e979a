"""The CLI end to end on sample_data and on bad input: exit codes, one-line errors, bundle contract."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from harass_analyzer.cli import app
from harass_analyzer.schema import EVENT_COLUMNS, ISSUE_COLUMNS, SENDER_COLUMNS
from tests.conftest import SAMPLE, sha256, tree_hashes

runner = CliRunner()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("b") / "out"
    before = tree_hashes(SAMPLE)
    result = runner.invoke(app, ["analyze", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert tree_hashes(SAMPLE) == before  # inputs byte-identical after a run
    return out


def test_bundle_files_and_contract(bundle: Path) -> None:
    for name in ("events.csv", "senders.csv", "import_issues.csv", "report.md", "manifest.json",
                 "charts/daily.png", "charts/hourly.png"):
        assert (bundle / name).is_file(), name
    for name, cols in (("events.csv", EVENT_COLUMNS), ("senders.csv", SENDER_COLUMNS),
                       ("import_issues.csv", ISSUE_COLUMNS)):
        raw = (bundle / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{name} lacks the UTF-8 BOM"
        header = pd.read_csv(bundle / name, encoding="utf-8-sig", nrows=0).columns.tolist()
        assert header[: len(cols)] == cols
    events = pd.read_csv(bundle / "events.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(events["kind"]) <= {"sms", "mms", "call"} and set(events["direction"]) <= {"in", "out"}
    assert events["timestamp"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$").all()
    assert events["event_id"].is_unique
    assert set(events.loc[events["kind"] == "call", "call_status"]) <= {
        "answered", "missed", "rejected", "blocked", "voicemail", "unknown"}
    assert (events["source_file"] != "").all() and (events["source_ref"] != "").all()


def test_manifest_hashes_inputs_and_outputs(bundle: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"]["name"] == "harass-analyzer" and manifest["timezone"] == "Asia/Shanghai"
    inputs = {Path(i["path"]).name: i for i in manifest["inputs"]}
    sms = inputs["sms-20260412120000.xml"]
    assert sms["sha256"] == sha256(SAMPLE / "sms-20260412120000.xml") and sms["format"] == "sbr_xml"
    assert sms["records"] > 0 and sms["skipped"] == 0
    outputs = {o["path"]: o for o in manifest["outputs"]}
    assert set(outputs) == {p for p in tree_hashes(bundle) if p != "manifest.json"}
    for path, entry in outputs.items():
        assert entry["sha256"] == sha256(bundle / path)


def test_senders_agree_with_events(bundle: Path) -> None:
    events = pd.read_csv(bundle / "events.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    senders = pd.read_csv(bundle / "senders.csv", encoding="utf-8-sig", dtype={"counterpart": str})
    inc = events[(events["direction"] == "in") & ((events["kind"] == "call") | (events["msg_status"] == "received"))]
    assert senders["total_in"].sum() == len(inc)
    assert senders["total_in"].is_monotonic_decreasing


def test_same_inputs_same_csv_bytes(bundle: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert runner.invoke(app, ["analyze", str(SAMPLE), "-o", str(again)]).exit_code == 0
    for name in ("events.csv", "senders.csv", "import_issues.csv", "report.md", "charts/daily.png"):
        assert sha256(bundle / name) == sha256(again / name), name


def test_refuses_non_empty_out_without_force(bundle: Path) -> None:
    result = runner.invoke(app, ["analyze", str(SAMPLE), "-o", str(bundle)])
    assert result.exit_code == 1 and "not empty" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("case", ["missing", "empty_folder", "unknown_file", "out_parent_is_file", "bad_tz"])
def test_bad_input_one_clear_line(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    args = ["analyze", str(tmp_path / "nope.xml"), "-o", str(out)]
    if case == "empty_folder":
        (tmp_path / "in").mkdir()
        args[1] = str(tmp_path / "in")
    elif case == "unknown_file":
        (tmp_path / "photo.xml").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
        args[1] = str(tmp_path / "photo.xml")
    elif case == "out_parent_is_file":
        (tmp_path / "afile").write_text("x")
        args = ["analyze", str(SAMPLE), "-o", str(tmp_path / "afile" / "out")]
    elif case == "bad_tz":
        args = ["analyze", str(SAMPLE), "-o", str(out), "--tz", "Mars/Olympus"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
    assert not out.exists()


def test_unknown_files_in_a_folder_are_listed_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "phone"
    shutil.copytree(SAMPLE, folder)
    (folder / "readme.txt").write_text("not an export")
    result = runner.invoke(app, ["analyze", str(folder), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    issues = pd.read_csv(tmp_path / "o" / "import_issues.csv", encoding="utf-8-sig")
    assert issues["source_file"].str.endswith("readme.txt").tolist() == [True]


def test_formats_inspect_version_and_help() -> None:
    assert "sbr_xml" in runner.invoke(app, ["formats"]).output
    inspected = runner.invoke(app, ["inspect", str(SAMPLE)])
    assert inspected.exit_code == 0 and "sbr_xml" in inspected.output
    assert runner.invoke(app, ["--version"]).output.startswith("harass-analyzer ")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        assert command.callback.__doc__, f"{name} has no help text"
        assert runner.invoke(app, [name, "--help"]).exit_code == 0


def test_python_m_entry_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "harass_analyzer", "--version"], capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert result.returncode == 0 and "harass-analyzer" in result.stdout


def test_console_entry_point_exit_codes(tmp_path: Path) -> None:
    """main() ends the process itself (no interpreter teardown): output must still arrive in full, the
    bundle must be complete and the exit code must be the command's."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    code = "from harass_analyzer.cli import main; main()"
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", code, "analyze", str(SAMPLE), "-o", str(out)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}:") and done.stdout.endswith(
        "(see import_issues.csv); 1 suspected collector(s) from call patterns alone (see suspects.csv; "
        "confirm or reject them with --numbers)\n")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    failed = subprocess.run([sys.executable, "-c", code, "analyze", str(tmp_path / "missing"), "-o",
                             str(tmp_path / "o2")], capture_output=True, text=True, env=env)
    assert failed.returncode == 1 and failed.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'missing'}: no such file or folder"]
    usage = subprocess.run([sys.executable, "-c", code, "no-such-command"], capture_output=True, text=True,
                           env=env)
    assert usage.returncode == 2
