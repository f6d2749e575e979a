"""Which chart files the bundle holds (charts/…, one figure per file) and what each shows.

daily.png and hourly.png are bundle-contract names; the others are added beside them:
heatmap.png (weekday × hour), top_senders.png, top_entities.png, entity_<n>.png (top ENTITY_CHARTS
collectors, numbered in report order).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.senders import incoming
from .charts import (collection_only, daily_counts, hourly_counts, plot_daily, plot_entity_daily, plot_heatmap,
                     plot_hourly, plot_top, save_figure, weekday_hour_counts)
from .facts import ReportFacts

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


def write_charts(folder: Path, analysis, facts: ReportFacts) -> list[str]:
    """Write every chart into `folder`; return their names (relative to folder) in report order."""
    folder.mkdir(parents=True, exist_ok=True)
    lang = facts.lang
    inc = incoming(analysis.events)[["local_time", "kind", "counterpart", "category"]]  # what charts read
    collectors = facts.collector_numbers
    coll = collection_only(inc, collectors)
    daily, hourly = daily_counts(inc, collectors), hourly_counts(coll)
    heat = weekday_hour_counts(coll)
    written = [
        save_figure(folder / "daily.png", lambda ax: plot_daily(ax, daily, lang)),
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
        for i, entity in enumerate(facts.entities[:ENTITY_CHARTS]):
            mine = inc.loc[inc["counterpart"].isin(entity.numbers)]
            per_day = daily_counts(mine, set(entity.numbers)).reindex(span, fill_value=0)
            written.append(save_figure(folder / entity_chart_name(i),
                                       lambda ax, d=per_day, n=entity.name: plot_entity_daily(ax, d, n, lang),
                                       size=(10, 3)))
    return [p.name for p in written]
