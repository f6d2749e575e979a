"""Every malformed-input case through the CLI (typer CliRunner) under a time limit: either the exact events
and import issues, or exactly one `error:` line and exit 1 — never a traceback, never a hang, never a
half bundle, and the inputs byte-identical afterwards.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from harass_analyzer.cli import app
from tests.importers.make_fixtures import tree_hashes
from tests.reliability.corpus import CASES, HELD, Case
from tests.reliability.fuzz_core import time_limit

LIMIT_S = 60
runner = CliRunner()


def hashes(paths: list[Path], out: Path) -> dict[str, str]:
    # FIFOs and dangling links have no content to hash; everything else must be unchanged (but for the
    # bundle, when OUT lies inside an input folder).
    inside = str(out) + "/"
    return {name: digest for name, digest in
            tree_hashes([p for p in paths if p.is_file() or (p.is_dir() and not p.is_symlink())]).items()
            if not name.startswith(inside)}


def run_case(case: Case, folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, Path]:
    if not case.charts:
        monkeypatch.setattr("harass_analyzer.report.outputs.write_charts", lambda folder, *a, **k: None)
    for target, value in case.patches.items():
        module, attr = target.split(":")
        monkeypatch.setattr(importlib.import_module(module), attr, value)
    inputs = case.build(folder)
    out = case.out(folder) if case.out else folder / "out"
    before = hashes(inputs, out)
    kept = {name: (folder / name).read_bytes() for name in case.kept}
    try:
        with time_limit(LIMIT_S):
            extra = case.args(folder) if callable(case.args) else list(case.args)
            result = runner.invoke(app, ["analyze", *map(str, inputs), "-o", str(out), *extra])
    finally:
        while HELD:
            HELD.pop().close()
    assert hashes(inputs, out) == before, "an input changed during the run"
    for name, data in kept.items():
        assert (folder / name).read_bytes() == data, f"{name} changed or vanished"
    return result, out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, out = run_case(case, tmp_path, monkeypatch)
    output = result.output
    assert "Traceback" not in output and result.exception is None or isinstance(result.exception, SystemExit)
    leftovers = [p.name for p in out.parent.iterdir() if ".partial-" in p.name or ".old-" in p.name] \
        if out.parent.is_dir() else []
    assert leftovers == [], f"staging folder left behind: {leftovers}"
    if case.error is not None:
        lines = [line for line in output.splitlines() if line.strip()]
        assert result.exit_code == 1, output
        assert len(lines) == 1 and lines[0].startswith("error: ") and case.error in lines[0], output
        if case.out is None:
            assert not out.exists()
        return
    assert result.exit_code == 0, output
    events = pd.read_csv(out / "events.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    issues = pd.read_csv(out / "import_issues.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(events) == case.events, events[["source_ref", "body"]].head(10)
    reasons = issues["reason"].tolist()
    assert len(reasons) == len(case.issues), reasons
    for expected, reason in zip(case.issues, reasons):
        assert expected in reason, reasons
    assert_counts_add_up(out, events, issues)
    if case.expect is not None:
        case.expect(out)


def assert_counts_add_up(out: Path, events: pd.DataFrame, issues: pd.DataFrame) -> None:
    """Per input: records read = events imported + records skipped + duplicates merged; and the totals
    agree with events.csv and import_issues.csv."""
    inputs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    for entry in inputs:
        assert entry["records"] == entry["events"] + entry["skipped"] + entry["duplicates_merged"], entry
    assert sum(e["events"] for e in inputs) == len(events)
    assert sum(e["skipped"] for e in inputs) == issues["records_skipped"].astype(int).sum()
    merged = sum(e["duplicates_merged"] for e in inputs)
    also = events["also_in"].str.split(";").map(lambda parts: len([p for p in parts if p]))
    assert merged == also.sum()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40 and len({c.name for c in CASES}) == len(CASES)
