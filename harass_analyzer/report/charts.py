"""Charts drawn from aggregates; every plot function takes an Axes and returns it (no pyplot state).

Aggregates count the incoming events of the report's Tally (report/tally.py: integer codes, no copy of
the events frame) with look-up tables over counterpart codes saying who the collectors are, so the charts
split collection from other contact exactly as the report's figures do. `save_figure` renders one figure
per file at 150 dpi with the CJK font active.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .fonts import font_rc
from .tally import Tally

DPI = 150
SERIES = ("coll_msgs", "coll_calls", "other_msgs", "other_calls")
COLORS = {"coll_msgs": "#C44E52", "coll_calls": "#DD8452", "other_msgs": "#8FA9C8", "other_calls": "#C9C9C9",
          "messages": "#4C72B0", "calls": "#DD8452", "answered_calls": "#8C564B", "unanswered_calls": "#F0B27A"}
LIMIT_STYLES = ("--", ":", "-.")
LABELS = {
    "zh": {"daily_title": "每日来电与短信（呼入/接收）", "date": "日期", "count": "次数", "messages": "短信/彩信",
           "calls": "来电", "coll_msgs": "催收短信", "coll_calls": "催收方来电", "other_msgs": "其他短信",
           "other_calls": "其他来电", "hourly_title": "一天中各时段的催收联系（呼入/接收）",
           "hour": "时刻（当地时间）", "night": "规则禁止的时段", "heatmap_title": "催收联系：星期 × 时刻",
           "weekday": "星期", "weekdays": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
           "top_senders_title": "联系最多的号码（呼入/接收）", "top_entities_title": "各催收方联系次数（呼入/接收）",
           "entity_title": "{name}：每日联系次数", "number": "号码", "entity": "催收方", "no_data": "无数据",
           "answered_calls": "接通的来电", "unanswered_calls": "未接通的来电", "violation_day": "检出违规的日子",
           "limit": "每日{what}上限 {n} 次", "limit_ge": "每日{what} {n} 次（本工具阈值）",
           "what": {"answered": "接通", "unanswered": "未接通拨打", "calls": "来电", "contacts": "联系",
                    "conversation": "有效通话", "messages": "短信", "actual": "实际联系"}},
    "en": {"daily_title": "Incoming calls and messages per day", "date": "Date", "count": "Count",
           "messages": "Messages", "calls": "Calls", "coll_msgs": "Collection messages",
           "coll_calls": "Calls from collectors", "other_msgs": "Other messages", "other_calls": "Other calls",
           "hourly_title": "Collection contacts by hour of day", "hour": "Hour (local time)",
           "night": "Hours the rules disallow", "heatmap_title": "Collection contacts: weekday × hour",
           "weekday": "Weekday", "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
           "top_senders_title": "Numbers that contacted you most (incoming)",
           "top_entities_title": "Contacts per collector (incoming)", "entity_title": "{name}: contacts per day",
           "number": "Number", "entity": "Collector", "no_data": "No data",
           "answered_calls": "Answered calls", "unanswered_calls": "Unanswered calls",
           "violation_day": "Day with a flagged rule", "limit": "Daily limit: {n} {what}",
           "limit_ge": "{n} {what} a day (tool heuristic)",
           "what": {"answered": "answered calls", "unanswered": "unanswered attempts", "calls": "calls",
                    "contacts": "contacts", "conversation": "conversations", "messages": "messages",
                    "actual": "contacts"}},
}


def daily_counts(tally: Tally, collectors: np.ndarray, only: np.ndarray | None = None,
                 span: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """One row per local date, columns SERIES plus messages and calls. `collectors` and `only` are
    look-up tables over the tally's counterpart codes: whose contact counts as collection, and (if given)
    whose contact is counted at all. Dates run from the first to the last with contact (gaps 0), or over
    `span`."""
    table = tally.daily()
    if only is not None:
        table = table.loc[only[table["cp"].to_numpy()]]
    if span is None and table.empty:
        return pd.DataFrame(columns=[*SERIES, "messages", "calls"], dtype="int64")
    day, n = table["day"].to_numpy(), table["n"].to_numpy()
    call, coll = table["call"].to_numpy(), collectors[table["cp"].to_numpy()]
    series = np.where(call, np.where(coll, 1, 3), np.where(coll & table["collection"].to_numpy(), 0, 2))  # SERIES
    if span is None:
        first, last = (np.datetime64(int(d), "D") for d in (day.min(), day.max()))
        span = pd.date_range(pd.Timestamp(first).as_unit(tally.time_unit), pd.Timestamp(last).as_unit(tally.time_unit),
                             freq="D")
    first_day = int(span[0].to_datetime64().astype("datetime64[D]").astype(np.int64)) if len(span) else 0
    counts = np.zeros((len(span), len(SERIES)), dtype=np.int64)
    np.add.at(counts, (day - first_day, series), n)
    out = pd.DataFrame(counts, index=span, columns=list(SERIES))
    out["messages"] = out["coll_msgs"] + out["other_msgs"]
    out["calls"] = out["coll_calls"] + out["other_calls"]
    return out


def entity_daily_counts(tally: Tally, mine: np.ndarray, answered: np.ndarray, span: pd.DatetimeIndex) -> pd.DataFrame:
    """One collector's incoming contact per date of `span`: coll_msgs, answered_calls, unanswered_calls,
    other_msgs. `mine` is a look-up table over counterpart codes, `answered` a mask over the tally's rows."""
    rows = mine[tally.cp]
    series = np.where(tally.call, np.where(answered, 1, 2), np.where(tally.collection, 0, 3))[rows]
    first_day = int(span[0].to_datetime64().astype("datetime64[D]").astype(np.int64)) if len(span) else 0
    day = tally.day[rows].astype(np.int64) - first_day
    keep = (day >= 0) & (day < len(span))
    counts = np.zeros((len(span), 4), dtype=np.int64)
    np.add.at(counts, (day[keep], series[keep]), 1)
    return pd.DataFrame(counts, index=span, columns=["coll_msgs", "answered_calls", "unanswered_calls", "other_msgs"])


def collection_rows(tally: Tally, collectors: np.ndarray) -> np.ndarray:
    """Collection contact among the tally's rows: calls from collector numbers and their collection messages."""
    return collectors[tally.cp] & (tally.call | tally.collection)


def hourly_counts(tally: Tally, rows: np.ndarray) -> pd.DataFrame:
    """24 rows (hour 0–23), columns messages and calls, counting the tally's `rows` (a mask)."""
    counts = np.bincount(tally.hour[rows].astype(np.int64) * 2 + tally.call[rows], minlength=48)
    return pd.DataFrame(counts.reshape(24, 2), index=range(24), columns=["messages", "calls"])


def weekday_hour_counts(tally: Tally, rows: np.ndarray) -> pd.DataFrame:
    """7 × 24 table (Monday first) of contact counts over the tally's `rows` (a mask)."""
    weekday = (tally.day[rows] + 3) % 7  # 1970-01-01 was a Thursday
    counts = np.bincount(weekday * 24 + tally.hour[rows], minlength=7 * 24)
    return pd.DataFrame(counts.reshape(7, 24), index=range(7), columns=range(24))


def plot_daily(ax: Axes, daily: pd.DataFrame, lang: str = "zh", limits: list[tuple[int, str, str]] = (),
               marks: list[str] = ()) -> Axes:
    """Stacked bars: collection messages, collector calls, other messages, other calls; dashed lines at
    the per-collector daily limits (threshold, count kind, op) and a red mark over each day with a flagged
    rule (`marks`: local dates)."""
    t = LABELS[lang]
    bottom = np.zeros(len(daily))
    for key in SERIES:
        values = daily[key].to_numpy() if key in daily else np.zeros(len(daily))
        if values.any():
            nz = values != 0  # zero-height bars draw nothing but cost: dates 1996..2099 made 150,000 of them
            ax.bar(daily.index[nz], values[nz], bottom=bottom[nz], label=t[key], color=COLORS[key], width=0.85)
        bottom = bottom + values
    _date_axis(ax, max([bottom.max() if len(bottom) else 0] + [n for n, _, _ in limits]))
    _limits_and_marks(ax, daily.index, bottom, limits, marks, lang)
    ax.set_title(t["daily_title"])
    ax.set_xlabel(t["date"])
    ax.set_ylabel(t["count"])
    if len(daily):
        ax.legend(loc="upper left", fontsize=7.5, ncols=3)
    else:
        _no_data(ax, lang)
    return ax


def _limits_and_marks(ax: Axes, days: pd.DatetimeIndex, heights: np.ndarray, limits, marks, lang: str) -> None:
    t = LABELS[lang]
    for i, (n, count, op) in enumerate(limits):
        what = t["what"].get(count, count)
        label = (t["limit"] if op == ">" else t["limit_ge"]).format(n=n, what=what)
        ax.axhline(n, color="#444444", linewidth=1, linestyle=LIMIT_STYLES[i % len(LIMIT_STYLES)], label=label)
    if len(days) and len(marks):
        where = pd.DatetimeIndex(pd.to_datetime(sorted(set(marks)))).as_unit(days.unit)
        pos = days.get_indexer(where)
        pos = pos[pos >= 0]
        if len(pos):
            top = ax.get_ylim()[1]
            ax.scatter(days[pos], np.asarray(heights)[pos] + top * 0.03, marker="v", s=18, color="#B02A30",
                       zorder=3, label=t["violation_day"])


def _shade_disallowed(ax: Axes, night_hours: tuple[int, int], label: str) -> None:
    start, end = night_hours
    if start == end:
        return
    if start > end:  # wraps midnight: [start, 24) and [0, end)
        ax.axvspan(-0.5, end - 0.5, color="#888888", alpha=0.2, label=label)
        ax.axvspan(start - 0.5, 23.5, color="#888888", alpha=0.2)
    else:
        ax.axvspan(start - 0.5, end - 0.5, color="#888888", alpha=0.2, label=label)


def plot_hourly(ax: Axes, hourly: pd.DataFrame, night_hours: tuple[int, int] = (22, 8), lang: str = "zh") -> Axes:
    t = LABELS[lang]
    _shade_disallowed(ax, night_hours, t["night"])
    ax.bar(hourly.index, hourly["messages"], label=t["messages"], color=COLORS["messages"])
    ax.bar(hourly.index, hourly["calls"], bottom=hourly["messages"], label=t["calls"], color=COLORS["calls"])
    ax.set_xticks(range(24))
    ax.set_xlim(-0.5, 23.5)
    ax.set_title(t["hourly_title"])
    ax.set_xlabel(t["hour"])
    ax.set_ylabel(t["count"])
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_heatmap(ax: Axes, table: pd.DataFrame, lang: str = "zh") -> Axes:
    t = LABELS[lang]
    data = table.to_numpy()
    image = ax.imshow(data, aspect="auto", cmap="Reds", vmin=0, interpolation="nearest")
    peak = data.max() if data.size else 0
    for (row, col), value in np.ndenumerate(data):
        if value:
            ax.text(col, row, str(value), ha="center", va="center", fontsize=7,
                    color="white" if value > peak * 0.6 else "#333333", in_layout=False)
    ax.set_xticks(range(24))
    ax.set_yticks(range(7), labels=t["weekdays"])
    ax.set_title(t["heatmap_title"])
    ax.set_xlabel(t["hour"])
    ax.set_ylabel(t["weekday"])
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label=t["count"])
    return ax


def plot_top(ax: Axes, table: pd.DataFrame, title_key: str, lang: str = "zh") -> Axes:
    """Horizontal bars, largest at the top: `table` has a label index and columns messages, calls."""
    t = LABELS[lang]
    rows = table.iloc[::-1]
    labels = [str(v) for v in rows.index]
    ax.barh(labels, rows["messages"], color=COLORS["messages"], label=t["messages"])
    ax.barh(labels, rows["calls"], left=rows["messages"], color=COLORS["calls"], label=t["calls"])
    for y, total in enumerate(rows["messages"] + rows["calls"]):
        ax.text(total, y, f" {total}", va="center", fontsize=8)
    ax.set_title(t[title_key])
    ax.set_xlabel(t["count"])
    ax.margins(x=0.08)
    if len(rows):
        ax.legend(loc="lower right", fontsize=8)
    else:
        _no_data(ax, lang)
    return ax


def plot_entity_daily(ax: Axes, daily: pd.DataFrame, name: str, lang: str = "zh",
                      limits: list[tuple[int, str, str]] = (), marks: list[str] = ()) -> Axes:
    """One collector's incoming contact per day (all its numbers), as three bars from zero per day —
    answered calls, unanswered calls, messages (collection, then other) — so each call bar can be read
    against its own daily limit line; a red mark over each day a rule flagged."""
    t = LABELS[lang]
    step = pd.Timedelta(hours=7)
    width = 0.28
    heights = np.zeros(len(daily))
    for key, shift in (("answered_calls", -step), ("unanswered_calls", pd.Timedelta(0))):
        values = daily[key].to_numpy()
        heights = np.maximum(heights, values)
        if values.any():
            nz = values != 0
            ax.bar(daily.index[nz] + shift, values[nz], color=COLORS[key], label=t[key], width=width)
    bottom = np.zeros(len(daily))
    for key in ("coll_msgs", "other_msgs"):
        values = daily[key].to_numpy()
        if values.any():
            nz = values != 0
            ax.bar(daily.index[nz] + step, values[nz], bottom=bottom[nz], color=COLORS[key], label=t[key], width=width)
        bottom = bottom + values
    heights = np.maximum(heights, bottom)
    shown = [x for x in limits if x[1] in ("answered", "unanswered")]  # the lines a call bar can be read against
    _date_axis(ax, max([heights.max() if len(heights) else 0] + [n for n, _, _ in shown]))
    for n, count, op in shown:
        key = "answered_calls" if count == "answered" else "unanswered_calls"
        label = (t["limit"] if op == ">" else t["limit_ge"]).format(n=n, what=t["what"].get(count, count))
        ax.axhline(n, color=COLORS[key], linewidth=1.2, linestyle="--", label=label)
    _limits_and_marks(ax, daily.index, heights, [], marks, lang)
    ax.set_title(t["entity_title"].format(name=name))
    ax.set_xlabel(t["date"])
    ax.set_ylabel(t["count"])
    ax.legend(loc="upper left", fontsize=7.5, ncols=3)
    return ax


def _date_axis(ax: Axes, peak: float = 0) -> None:
    """Dates with their year; integer counts with headroom above the tallest bar for the legend."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(peak * 1.45, 1))


def _no_data(ax: Axes, lang: str) -> None:
    ax.text(0.5, 0.5, LABELS[lang]["no_data"], transform=ax.transAxes, ha="center", va="center", color="#777777")


def save_figure(path: Path, draw: Callable[[Axes], Axes], size: tuple[float, float] = (10, 4.5)) -> Path:
    """Draw on a fresh Figure (not pyplot's global state) and write a deterministic PNG. A Figure made
    directly renders PNG with Agg whatever backend the process chose: the caller's backend is not touched."""
    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=size, dpi=DPI)
        FigureCanvasAgg(fig)  # one Agg renderer for tight_layout and savefig: texts are measured once
        ax = fig.add_subplot(1, 1, 1)
        draw(ax)
        fig.tight_layout()
        # tight_layout leaves a placeholder layout engine behind, for which savefig lays the whole figure
        # out once more before drawing it (a fifth of the chart time); the layout is final already
        fig.set_layout_engine(None)
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return path
