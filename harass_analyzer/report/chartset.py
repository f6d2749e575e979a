"""Which chart files the bundle holds (charts/…, one figure per file) and what each shows.

daily.png and hourly.png are bundle-contract names; the others are added beside them:
heatmap.png (weekday × hour), top_senders.png, top_entities.png, entity_<n>.png (top ENTITY_CHARTS
collectors, numbered in report order).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import numpy as np

from ..analysis.columns import mask_eq
from .charts import (collection_rows, daily_counts, entity_daily_counts, hourly_counts, plot_daily, plot_entity_daily,
                     plot_heatmap, plot_hourly, plot_top, save_figure, weekday_hour_counts)
from .facts import ReportFacts
from .tally import build_tally
from ..schema import Analysis

ENTITY_CHARTS = 5
TOP_ROWS = 15


def _top_senders(senders: pd.DataFrame) -> pd.DataFrame:
    top = senders.head(TOP_ROWS)
    labels = [f"{n} ({c})" if c else str(n) for n, c in zip(top["counterpart"], top["contact_name"])]
    return pd.DataFrame({"messages": top["messages_in"].to_numpy(), "calls": top["calls_in"].to_numpy()},
                        index=labels)


def _top_entities(facts: ReportFacts) -> pd.DataFrame:
    rows = facts.entities[:TOP_ROWS]
    return pd.DataFrame({"messages": [e.messages_in for e in rows], "calls": [e.calls_in for e in rows]},
                        index=[e.name for e in rows])


def entity_chart_name(index: int) -> str:
    """File name (under charts/) of the index-th (0-based) entity's timeline."""
    return f"entity_{index + 1}.png"


def daily_limits(profile) -> list[tuple[int, str, str]]:
    """(threshold, count kind, op) of the profile's per-day count rules, one line per distinct limit."""
    if profile is None:
        return []
    found = {(r.threshold, r.params.get("count", "contacts"), r.op) for r in profile.rules
             if r.kind == "daily_count" and r.params.get("period", "day") == "day"}
    return sorted(found)


def violation_days(violations, entity: str | None = None) -> list[str]:
    """Local dates on which a violations.csv row starts (all collectors, or one)."""
    if violations is None or not len(violations):
        return []
    v = violations if entity is None else violations.loc[violations["entity"].astype(str).eq(entity)]
    if entity is None and "suspected" in v.columns:  # the total chart marks proven collectors' breaches only
        v = v.loc[~v["suspected"].astype(str).isin(["True", "true", "1"])]
    return sorted(set(v["window_start"].astype(str).str[:10]))


def _answered(analysis: Analysis, tally) -> np.ndarray:
    """Per tally row: an answered call (status answered, duration not 0; unknown duration = connected)."""
    ev = analysis.events
    status = mask_eq(ev["call_status"], "answered")[tally.rows]
    duration = ev["duration_s"].to_numpy(dtype=np.float64, na_value=np.nan)[tally.rows]
    return tally.call & status & ~(duration <= 0)


def write_charts(folder: Path, analysis: Analysis, facts: ReportFacts) -> list[str]:
    """Write every chart into `folder`; return their names (relative to folder) in report order."""
    folder.mkdir(parents=True, exist_ok=True)
    lang = facts.lang
    tally = facts.tally or build_tally(analysis.events, analysis.profile, facts.night_hours)
    collectors = tally.member(tally.codes_for(sorted(facts.collector_numbers)))
    coll = collection_rows(tally, collectors)
    daily, hourly = daily_counts(tally, collectors), hourly_counts(tally, coll)
    limits = daily_limits(analysis.profile)
    heat = weekday_hour_counts(tally, coll)
    written = [
        # daily limits count per collector: their lines are on each collector's chart, not on this total
        save_figure(folder / "daily.png", lambda ax: plot_daily(ax, daily, lang, [],
                                                                violation_days(analysis.violations))),
        save_figure(folder / "hourly.png", lambda ax: plot_hourly(ax, hourly, facts.night_hours, lang)),
        save_figure(folder / "heatmap.png", lambda ax: plot_heatmap(ax, heat, lang), size=(11, 4)),
    ]
    top = _top_senders(facts.senders)
    written.append(save_figure(folder / "top_senders.png",
                               lambda ax: plot_top(ax, top, "top_senders_title", lang),
                               size=(10, 1.2 + 0.35 * max(len(top), 3))))
    ents = _top_entities(facts)
    written.append(save_figure(folder / "top_entities.png",
                               lambda ax: plot_top(ax, ents, "top_entities_title", lang),
                               size=(10, 1.2 + 0.35 * max(len(ents), 3))))
    if len(daily):
        span = daily.index
        answered = _answered(analysis, tally)
        for i, entity in enumerate(facts.entities[:ENTITY_CHARTS]):
            mine = tally.member(tally.codes_for(entity.numbers))
            per_day = entity_daily_counts(tally, mine, answered, span)
            marks = violation_days(analysis.violations, entity.name)
            written.append(save_figure(folder / entity_chart_name(i),
                                       lambda ax, d=per_day, n=entity.name, m=marks: plot_entity_daily(
                                           ax, d, n, lang, limits, m), size=(10, 3.6)))
    return [p.name for p in written]
