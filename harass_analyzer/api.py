"""The library API the CLI and the notebooks share.

    >>> from harass_analyzer import analyze
    >>> summary = analyze(["sample_data"], "out", tz="Asia/Shanghai")
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import __version__
from .analysis.senders import incoming, sender_summary
from .pipeline import LoadResult, load_events
from .report import bundle
from .report.charts import daily_counts, hourly_counts, plot_daily, plot_hourly, save_figure
from .report.markdown import render_summary
from .schema import EVENT_COLUMNS, EXTRA_COLUMNS, ISSUE_COLUMNS


@dataclass
class BundleSummary:
    out: Path
    events: int
    senders: int
    issues: int
    duplicates_merged: int


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """events.csv: contract columns, then the extras that exist."""
    frame = events.copy()
    for col in EXTRA_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame["duration_s"] = frame["duration_s"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return frame[EVENT_COLUMNS + EXTRA_COLUMNS]


def issues_table(result: LoadResult) -> pd.DataFrame:
    return pd.DataFrame([(i.source_file, i.source_ref, i.reason) for i in result.issues], columns=ISSUE_COLUMNS)


def input_entries(result: LoadResult) -> list[dict]:
    entries = []
    for rec in result.inputs:
        if len(rec.files) == 1:
            sha, size = rec.files[0]["sha256"], rec.files[0]["bytes"]
        else:  # a folder input: hash of its files' hashes, each listed
            import hashlib
            listing = "".join(f"{f['sha256']}  {f['path']}\n" for f in sorted(rec.files, key=lambda f: f["path"]))
            sha, size = hashlib.sha256(listing.encode()).hexdigest(), sum(f["bytes"] for f in rec.files)
        entry = {"path": rec.path, "sha256": sha, "bytes": size, "format": rec.format,
                 "records": rec.records, "skipped": rec.skipped, "duplicates_merged": rec.merged}
        if len(rec.files) > 1:
            entry["files"] = rec.files
        entries.append(entry)
    return entries


def analyze(paths: Iterable[str | Path], out: str | Path, tz: str = "Asia/Shanghai", force: bool = False,
            column_map: dict | None = None, progress: Callable[[Path], None] | None = None) -> BundleSummary:
    """Import every export under `paths` and write the evidence bundle to `out`."""
    out = Path(out)
    staging = bundle.prepare_output(out, force)
    try:
        result = load_events(paths, tz=tz, column_map=column_map, progress=progress)
        senders = sender_summary(result.events)
        issues = issues_table(result)
        bundle.write_csv(events_table(result.events), staging / "events.csv")
        bundle.write_csv(senders, staging / "senders.csv")
        bundle.write_csv(issues, staging / "import_issues.csv")
        charts = staging / "charts"
        charts.mkdir()
        inc = incoming(result.events)
        daily, hourly = daily_counts(inc), hourly_counts(inc)
        save_figure(charts / "daily.png", lambda ax: plot_daily(ax, daily))
        save_figure(charts / "hourly.png", lambda ax: plot_hourly(ax, hourly))
        (staging / "report.md").write_text(
            render_summary(result.events, senders, len(issues), tz, result.duplicates_merged), encoding="utf-8")
        bundle.write_manifest(staging, {"name": "harass-analyzer", "version": __version__}, tz,
                              input_entries(result), {"duplicates_merged": result.duplicates_merged,
                                                      "events": len(result.events)})
        bundle.commit_bundle(staging, out)
    except BaseException:
        bundle.discard(staging)
        raise
    return BundleSummary(out=out, events=len(result.events), senders=len(senders), issues=len(issues),
                         duplicates_merged=result.duplicates_merged)
