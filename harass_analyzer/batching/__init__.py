"""Many phones at once: every case's evidence bundle (as `analyze` writes it) on dask.distributed, and the
collectors seen across cases.

    >>> import harass_analyzer as ha
    >>> result = ha.batch(["phones/phone_001", "phones/phone_002"], "batch_out")
    >>> result.collectors.head()   # one row per collector entity and per number, across cases

OUT/cases/<case>/ is each case's bundle; OUT/batch_issues.csv lists the cases that failed and why;
OUT/cross_case/ holds collectors.csv, cases.csv, charts and report.md/report.html; OUT/manifest.json
hashes every file with the batch's fingerprint.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import OutputError
from .cases import Case, make_cases
from .runner import connect, remove_leftovers, run_cases

BATCH_PARTS = ("cases", "cross_case", "batch_issues.csv", "manifest.json")


@dataclass
class BatchResult:
    out: Path
    collectors: pd.DataFrame
    cases: pd.DataFrame
    weekly: pd.DataFrame
    issues: pd.DataFrame
    fingerprint: str
    runs: list[dict] = field(default_factory=list)  # per case: status, seconds, worker pid and memory


def _prepare(out: Path, resume: bool, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not resume:
        if not force:
            raise OutputError(f"{out}: folder is not empty (use --resume to go on with an earlier batch, "
                              "--force to replace it)")
        if any(p.name not in BATCH_PARTS for p in out.iterdir()):
            raise OutputError(f"{out}: holds files that are not a batch's; --force replaces only a batch folder")
        for part in BATCH_PARTS:
            target = out / part
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    (out / "cases").mkdir(parents=True, exist_ok=True)
    remove_leftovers(out / "cases")


def run_batch(cases: list[Case], out: str | Path, *, rules: str = "cn", lexicon: str | Path | None = None,
              lang: str = "zh", redact: bool = False, column_map: dict | None = None, tz: str = "Asia/Shanghai",
              scheduler: str | None = None, workers: int | None = None, resume: bool = False,
              force: bool = False, progress: Callable[[dict], None] | None = None) -> BatchResult:
    """Analyse every case (one task each), then write the cross-case outputs. `tz` is the time zone of
    the cross-case first/last-seen times."""
    from .cross_case import combine
    from .report import ISSUE_COLUMNS, fingerprint, redact_names, write_batch

    out = Path(out)
    _prepare(out, resume, force)
    options = {"rules": rules, "lexicon": Path(lexicon) if lexicon else None, "lang": lang, "redact": redact,
               "column_map": dict(column_map or {})}
    plain = [c.as_dict() for c in cases]
    try:
        with connect(scheduler, workers) as client:
            runs = run_cases(client, plain, out / "cases", options, resume, progress)
    finally:
        remove_leftovers(out / "cases")  # workers are stopped: a staging folder left now is a dead case's
    done = [r for r in runs if r["status"] != "failed"]
    by_name = {c["name"]: c for c in plain}
    issues = pd.DataFrame([(r["case"], by_name[r["case"]]["path"], r["reason"]) for r in runs
                           if r["status"] == "failed"], columns=ISSUE_COLUMNS)
    for r in runs:  # a failed case leaves no bundle from an earlier run behind
        if r["status"] == "failed" and (out / "cases" / r["case"]).is_dir():
            shutil.rmtree(out / "cases" / r["case"])
    frames = combine([r["summary"] for r in done], tz=tz)
    print_fp = fingerprint(runs, plain, options)
    if redact:
        frames, issues = redact_names(frames, issues, [c["name"] for c in plain])
    write_batch(out, frames, issues, lang, print_fp, len(done))
    for r in runs:
        r.pop("summary", None)
    return BatchResult(out=out, collectors=frames["collectors"], cases=frames["cases"], weekly=frames["weekly"],
                       issues=issues, fingerprint=print_fp, runs=runs)


def batch(paths: Iterable[str | Path], out: str | Path, *, tz: str = "Asia/Shanghai", role: str = "debtor",
          stop_date: str | None = None, entities_file: str | Path | None = None,
          cases_csv: str | Path | None = None, **kwargs) -> BatchResult:
    """Analyse each path (one phone's folder or file) as its own case, on dask.distributed; returns the
    cross-case tables. Further keyword arguments: see `run_batch` (rules, lang, redact, scheduler, …)."""
    cases = make_cases([str(p) for p in paths], role=role, tz=tz, stop_date=stop_date,
                       entities_file=str(entities_file) if entities_file else None, cases_csv=cases_csv)
    return run_batch(cases, out, tz=tz, **kwargs)


__all__ = ["BatchResult", "Case", "batch", "make_cases", "run_batch"]
