"""Issue 15 (part B) cases a corpus Case cannot express: they need the real process (cli.main's signal
handling), a file-size limit, a full file system or an unusable temp folder. Each runs the CLI in a
subprocess and asserts the exact outcome: exit code, one `error:` line, no partial bundle, inputs
unchanged.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harass_analyzer.synthetic import Sizes, write_export
from tests.importers.make_fixtures import tree_hashes
from tests.reliability.corpus import SMS5

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), HARASS_ANALYZER_DEBUG="")


def cli(args: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harass_analyzer", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=300, **kw)


def assert_one_error(stderr: str, text: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and text in lines[0], stderr
    assert "Traceback" not in stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name)


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    write_export(folder, Sizes(sms=3000, calls=1000))
    return folder


def test_sigterm_leaves_no_partial_bundle(tmp_path: Path) -> None:
    phone = tmp_path / "phone"
    write_export(phone, Sizes(sms=60_000, calls=20_000))  # a few seconds of work
    before = tree_hashes([phone])
    proc = subprocess.Popen([sys.executable, "-m", "harass_analyzer", "analyze", "phone", "-o", "out"],
                            cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not leftovers(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the staging folder exists: the run is under way
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143
    assert_one_error(stderr, "terminated (SIGTERM); no bundle was written")
    assert leftovers(tmp_path) == [] and not (tmp_path / "out").exists()
    assert tree_hashes([phone]) == before


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # as a shell leaves it: the tool must ignore it itself
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_file_size_limit_is_one_error_line(export: Path, tmp_path: Path) -> None:
    before = tree_hashes([export])
    done = cli(["analyze", str(export), "-o", "out"], tmp_path, preexec_fn=_file_size_limit(256 << 10))
    assert done.returncode == 1, done.stderr
    assert_one_error(done.stderr, "File too large")
    assert leftovers(tmp_path) == [] and not (tmp_path / "out").exists()
    assert tree_hashes([export]) == before


def test_full_disk_is_one_error_line(export: Path, tmp_path: Path) -> None:
    disk = tmp_path / "small"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip() or 'not root'})")
    try:
        done = cli(["analyze", str(export), "-o", str(disk / "out")], tmp_path)
        assert done.returncode == 1, done.stderr
        assert_one_error(done.stderr, "No space left on device")
        assert sorted(p.name for p in disk.iterdir()) == []  # no bundle, no staging folder
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_unusable_temp_folder_prints_no_traceback(tmp_path: Path) -> None:
    """jieba builds its dictionary and cannot write its cache (it logs a Traceback unless silenced); the
    temp folder is under a regular file, so even root cannot write there."""
    (tmp_path / "afile").write_text("x")
    (tmp_path / "sms.xml").write_text(SMS5, encoding="utf-8")
    run = ("import sys, tempfile; tempfile.tempdir = sys.argv[1]; sys.argv = ['harass-analyzer'] + sys.argv[2:]; "
           "from harass_analyzer.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", run, str(tmp_path / "afile" / "tmp"), "analyze", "sms.xml",
                           "-o", "out"], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith("wrote out: 5 events")


def test_disk_full_while_zipping_keeps_the_bundle_and_no_partial_zip(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from harass_analyzer.cli import app

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    (tmp_path / "sms.xml").write_text(SMS5, encoding="utf-8")
    monkeypatch.setattr("harass_analyzer.report.outputs.write_charts", lambda folder, *a, **k: None)
    monkeypatch.setattr("harass_analyzer.report.archive.zipfile.ZipFile.writestr", full)
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "sms.xml"), "-o", str(tmp_path / "out"), "--zip"])
    assert result.exit_code == 1
    assert_one_error(result.output, "out.zip: out of space or over a file-size limit (No space left on device); "
                                    f"the bundle {tmp_path / 'out'} was written, its zip was not")
    assert (tmp_path / "out" / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "sms.xml"]
