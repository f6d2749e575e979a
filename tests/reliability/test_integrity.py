"""Evidence integrity and privacy: inputs untouched (WAL sidecars included), no half bundle after an
interrupted run, byte-identical bundles for identical inputs, `verify` catching every change, and no
network socket opened by a whole run.
"""
from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harass_analyzer import api
from harass_analyzer.evidence import sha256_file
from harass_analyzer.cli import app
from tests.conftest import FIXTURES, SAMPLE
from tests.importers import make_fixtures as mf
from tests.importers.make_fixtures import tree_hashes

runner = CliRunner()


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A phone folder: SBR XML, Android mmssms/calllog with un-checkpointed WALs, an iOS backup folder."""
    root = tmp_path_factory.mktemp("evidence") / "phone"
    shutil.copytree(SAMPLE, root / "sbr")
    (root / "android").mkdir()
    mf.make_mmssms(root / "android")
    mf.make_calllog(root / "android")
    mf.make_ios_backup(root / "ios_backup")
    assert any(p.name.endswith("-wal") for p in root.rglob("*"))
    return root


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_inputs_byte_identical_and_no_sidecar_created(evidence: Path, tmp_path: Path) -> None:
    before, names = tree_hashes([evidence]), listing(evidence)
    result = runner.invoke(app, ["analyze", str(evidence), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert tree_hashes([evidence]) == before
    assert listing(evidence) == names  # no -shm / -journal / -wal left beside the evidence


def manifest_without_time(bundle: Path) -> dict:
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest.pop("created_at")
    return manifest


def test_two_runs_give_byte_identical_bundles(evidence: Path, tmp_path: Path) -> None:
    inputs = [str(evidence), str(FIXTURES)]
    for name in ("one", "two"):
        result = runner.invoke(app, ["analyze", *inputs, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    one, two = tree_hashes([tmp_path / "one"]), tree_hashes([tmp_path / "two"])
    strip = lambda hashes, name: {k.split(f"/{name}/", 1)[1]: v for k, v in hashes.items()}  # noqa: E731
    one, two = strip(one, "one"), strip(two, "two")
    assert set(one) == set(two) and len(one) > 5
    differing = sorted(k for k in one if one[k] != two[k])
    # the manifest holds the time of the run, and the reports print the manifest's hash (the bundle
    # fingerprint); everything else is byte-identical, and so are the reports with the fingerprint emptied
    assert set(differing) <= {"manifest.json", "report.pdf", "report.html", "report.md"}, differing
    assert manifest_without_time(tmp_path / "one") == manifest_without_time(tmp_path / "two")


@pytest.mark.parametrize("stage", [
    "harass_analyzer.report.outputs.render_html", "harass_analyzer.evidence.write_manifest",
    "harass_analyzer.rules.check_rules",      # while events.csv is being written on its thread
    "harass_analyzer.report.bundle.write_csv",  # the events.csv writer itself fails
])
def test_interrupted_run_leaves_no_half_bundle(stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stage, boom)
    with pytest.raises(OSError):
        api.analyze([SAMPLE], tmp_path / "out")
    assert list(tmp_path.iterdir()) == []  # neither OUT nor a staging folder


def test_interrupted_rerun_keeps_the_previous_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    api.analyze([SAMPLE], out)
    before = tree_hashes([out])
    monkeypatch.setattr("harass_analyzer.evidence.write_manifest", lambda *a, **k: (_ for _ in ()).throw(
        KeyboardInterrupt()))
    result = runner.invoke(app, ["analyze", str(SAMPLE), "-o", str(out), "--force"])
    assert result.exit_code == 130 and result.output.strip().startswith("error: interrupted")
    assert tree_hashes([out]) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_verify_reports_changed_missing_and_extra_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    api.analyze([SAMPLE], out)
    intact = runner.invoke(app, ["verify", str(out)])
    assert intact.exit_code == 0 and "intact" in intact.output
    with open(out / "events.csv", "ab") as fh:
        fh.write(b"E999999,forged\n")
    (out / "senders.csv").unlink()
    (out / "charts" / "extra.png").write_bytes(b"\x89PNG")
    result = runner.invoke(app, ["verify", str(out)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["changed", "missing", "extra"]
    assert lines[0].startswith("changed: events.csv") and lines[1] == "missing: senders.csv"
    assert lines[2].startswith("extra: charts/extra.png") and lines[3].startswith("error: ") and len(lines) == 4


@pytest.mark.parametrize("damage", ["no_manifest", "not_json", "no_outputs", "not_a_folder"])
def test_verify_refuses_a_folder_without_valid_manifest(damage: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if damage == "not_json":
        (out / "manifest.json").write_text("{", encoding="utf-8")
    elif damage == "no_outputs":
        (out / "manifest.json").write_text('{"outputs": [{"path": 1}]}', encoding="utf-8")
    elif damage == "not_a_folder":
        out = tmp_path / "file"
        out.write_text("x")
    result = runner.invoke(app, ["verify", str(out)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: "), result.output


def test_verify_flags_manifest_paths_outside_the_bundle(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "secret").write_text("x")
    (out / "manifest.json").write_text(json.dumps({"outputs": [{"path": "../secret", "sha256": "0"}]}))
    result = runner.invoke(app, ["verify", str(out)])
    assert result.exit_code == 1 and result.output.startswith("outside: ../secret")


def test_a_whole_run_opens_no_network_socket(evidence: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[1:] or kwargs)
        raise OSError("network access attempted during an analyze run")

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    result = runner.invoke(app, ["analyze", str(evidence), str(FIXTURES), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert attempts == []


def test_an_input_changed_before_it_is_hashed_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs are hashed beside the analysis, after they were read: a file that changed in between (its
    hash would not be of what was read) ends the run with a clear error instead of a wrong manifest."""
    from harass_analyzer import pipeline
    from harass_analyzer.errors import UnreadableSource

    data = tmp_path / "in"
    shutil.copytree(SAMPLE, data)
    real = pipeline._hash_evidence
    victim = next(p for p in sorted(data.rglob("*.xml")))

    def change_first(to_hash):
        victim.write_bytes(victim.read_bytes() + b"\n<!-- appended -->\n")
        return real(to_hash)

    monkeypatch.setattr(pipeline, "_hash_evidence", change_first)
    with pytest.raises(UnreadableSource, match="changed while it was being read"):
        pipeline.load_events([data])
    monkeypatch.setattr(pipeline, "_hash_evidence", real)
    result = pipeline.load_events([data])
    entry = next(f for rec in result.inputs for f in rec.files if f["path"] == str(victim))
    assert entry["sha256"] == sha256_file(victim)
