"""Charts drawn from aggregates; every plot function takes an Axes and returns it (no pyplot state).

`save_figure` renders one figure per file at 150 dpi with the CJK font active.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend must be set first)
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .fonts import font_rc  # noqa: E402

LABELS = {
    "zh": {"daily_title": "每日来电与短信（呼入/接收）", "date": "日期", "count": "次数", "messages": "短信/彩信",
           "calls": "来电", "hourly_title": "按小时分布（呼入/接收）", "hour": "时刻（本地时间）",
           "night": "夜间禁止时段"},
    "en": {"daily_title": "Incoming calls and messages per day", "date": "Date", "count": "Count",
           "messages": "Messages", "calls": "Calls", "hourly_title": "Incoming contacts by hour of day",
           "hour": "Hour (local time)", "night": "Disallowed night hours"},
}


def daily_counts(incoming: pd.DataFrame) -> pd.DataFrame:
    """Aggregate: one row per local date, columns messages and calls (dates without contact filled 0)."""
    if incoming.empty:
        return pd.DataFrame(columns=["messages", "calls"])
    day = incoming["local_time"].dt.tz_localize(None).dt.normalize()
    kind = incoming["kind"].eq("call").map({True: "calls", False: "messages"})
    table = day.groupby([day, kind]).size().unstack(fill_value=0)
    for col in ("messages", "calls"):
        if col not in table:
            table[col] = 0
    full = pd.date_range(table.index.min(), table.index.max(), freq="D")
    return table.reindex(full, fill_value=0)[["messages", "calls"]]


def hourly_counts(incoming: pd.DataFrame) -> pd.DataFrame:
    """Aggregate: 24 rows (hour 0–23), columns messages and calls."""
    hour = incoming["local_time"].dt.hour
    kind = incoming["kind"].eq("call").map({True: "calls", False: "messages"})
    table = hour.groupby([hour, kind]).size().unstack(fill_value=0) if len(incoming) else pd.DataFrame()
    table = table.reindex(range(24), fill_value=0)
    for col in ("messages", "calls"):
        if col not in table:
            table[col] = 0
    return table[["messages", "calls"]]


def plot_daily(ax: Axes, daily: pd.DataFrame, lang: str = "zh") -> Axes:
    t = LABELS[lang]
    x = daily.index
    ax.bar(x, daily["messages"], label=t["messages"], color="#4C72B0", width=0.8)
    ax.bar(x, daily["calls"], bottom=daily["messages"], label=t["calls"], color="#DD8452", width=0.8)
    ax.set_title(t["daily_title"])
    ax.set_xlabel(t["date"])
    ax.set_ylabel(t["count"])
    ax.legend(loc="upper left")
    ax.figure.autofmt_xdate()
    return ax


def plot_hourly(ax: Axes, hourly: pd.DataFrame, night_hours: tuple[int, int] = (22, 8), lang: str = "zh") -> Axes:
    t = LABELS[lang]
    start, end = night_hours
    ax.axvspan(-0.5, end - 0.5, color="#999999", alpha=0.25, label=t["night"])
    ax.axvspan(start - 0.5, 23.5, color="#999999", alpha=0.25)
    ax.bar(hourly.index, hourly["messages"], label=t["messages"], color="#4C72B0")
    ax.bar(hourly.index, hourly["calls"], bottom=hourly["messages"], label=t["calls"], color="#DD8452")
    ax.set_xticks(range(24))
    ax.set_xlim(-0.5, 23.5)
    ax.set_title(t["hourly_title"])
    ax.set_xlabel(t["hour"])
    ax.set_ylabel(t["count"])
    ax.legend(loc="upper left")
    return ax


def save_figure(path: Path, draw: Callable[[Axes], Axes], size: tuple[float, float] = (10, 4.5)) -> Path:
    """Draw on a fresh Figure (not pyplot's global state) and write a deterministic PNG."""
    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=size, dpi=150)
        ax = fig.add_subplot(1, 1, 1)
        draw(ax)
        fig.tight_layout()
        fig.savefig(path, dpi=150, metadata={"Software": None})
    return path


__all__ = ["daily_counts", "hourly_counts", "plot_daily", "plot_hourly", "save_figure", "plt"]
