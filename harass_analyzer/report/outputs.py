"""Everything in the bundle except manifest.json, written into the staging folder from one Analysis."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.senders import incoming
from ..schema import EVENT_COLUMNS, EXTRA_COLUMNS
from . import bundle
from .charts import daily_counts, hourly_counts, plot_daily, plot_hourly, save_figure
from .markdown import render_summary


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """events.csv: contract columns, then the extras that exist."""
    frame = events.copy()
    for col in EXTRA_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame["duration_s"] = frame["duration_s"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return frame[EVENT_COLUMNS + EXTRA_COLUMNS]


def write_outputs(staging: Path, analysis) -> None:
    """`analysis` is harass_analyzer.api.Analysis (events, senders, issues, tz, options …)."""
    bundle.write_csv(events_table(analysis.events), staging / "events.csv")
    bundle.write_csv(analysis.senders, staging / "senders.csv")
    bundle.write_csv(analysis.issues, staging / "import_issues.csv")
    charts = staging / "charts"
    charts.mkdir(exist_ok=True)
    inc = incoming(analysis.events)
    daily, hourly = daily_counts(inc), hourly_counts(inc)
    save_figure(charts / "daily.png", lambda ax: plot_daily(ax, daily))
    save_figure(charts / "hourly.png", lambda ax: plot_hourly(ax, hourly))
    (staging / "report.md").write_text(
        render_summary(analysis.events, analysis.senders, len(analysis.issues), analysis.tz,
                       analysis.duplicates_merged), encoding="utf-8")
