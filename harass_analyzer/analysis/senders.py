"""Per-counterpart incoming-contact summary: the bundle's senders.csv (contract in schema.SENDER_COLUMNS).

Definitions (issue 2): incoming = direction "in" (messages only when actually received, not drafts);
calls_unanswered = incoming calls not answered, plus answered ones of duration 0; active_days = distinct
local dates with an incoming event; max_per_day = most incoming events on one local date; max_7d = most
incoming calls within any 7 consecutive local calendar days; night_in = incoming events in the
disallowed hours (default GB/T 45251-2025: local time ≥ 22:00 or < 08:00).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import SENDER_COLUMNS
from ..timeconv import iso_strings
from .columns import codes, day_numbers, key_counts, mask_eq, mask_isin, wall_ns


def incoming(events: pd.DataFrame) -> pd.DataFrame:
    """Incoming contact: calls, and messages that were received (drafts/failed are never contact)."""
    return events.loc[incoming_mask(events)]


def incoming_mask(events: pd.DataFrame) -> np.ndarray:
    """The rows `incoming` selects, as numpy bools (missing values count as not incoming)."""
    is_call = mask_eq(events["kind"], "call")
    return mask_eq(events["direction"], "in") & (is_call | mask_isin(events["msg_status"], ["received", "unknown"]))


def night_mask(local_time: pd.Series, night_start: int = 22, night_end: int = 8) -> pd.Series:
    """True for times in [night_start:00, 24:00) ∪ [00:00, night_end:00)."""
    hour = local_time.dt.hour
    return (hour >= night_start) | (hour < night_end)


def unanswered_mask(calls: pd.DataFrame) -> pd.Series:
    return calls["call_status"].ne("answered") | calls["duration_s"].fillna(1).le(0)


def max_calls_in_7_days(calls: pd.DataFrame) -> pd.Series:
    """Per counterpart: most calls within any 7 consecutive local calendar days."""
    if calls.empty:
        return pd.Series(dtype="int64")
    days = calls["local_time"].dt.tz_localize(None).dt.normalize()
    daily = days.groupby([calls["counterpart"], days]).size().rename("n").reset_index()
    daily.columns = ["counterpart", "day", "n"]
    daily = daily.sort_values(["counterpart", "day"])
    rolled = daily.groupby("counterpart").rolling("7D", on="day")["n"].sum()
    return rolled.groupby(level=0).max().astype("int64")


def sender_summary(events: pd.DataFrame, night: pd.Series | None = None) -> pd.DataFrame:
    """senders.csv: one row per counterpart with ≥ 1 incoming event, by total_in desc then counterpart.

    `night` is an optional boolean Series over `events` marking disallowed hours (a rule profile's);
    without it GB/T 45251-2025's 22:00–08:00 applies.
    """
    # Integer arrays over the incoming rows only (counterpart codes, local day, flags): each figure
    # is then a bincount or a small per-(number, day) table, with no copy of the event frame.
    is_call = mask_eq(events["kind"], "call")
    cp_all, numbers = codes(events["counterpart"])
    keep = np.flatnonzero(incoming_mask(events) & (cp_all >= 0))  # groupby drops a missing number
    if len(keep) == 0:
        return pd.DataFrame(columns=SENDER_COLUMNS)
    n, cp = len(numbers), cp_all[keep]
    duration = events["duration_s"].to_numpy(dtype=np.float64, na_value=np.nan)
    unanswered = (is_call & (~mask_eq(events["call_status"], "answered") | (duration <= 0)))[keep]
    collection = (~is_call & mask_eq(events["category"], "collection"))[keep]
    is_call = is_call[keep]
    wall = wall_ns(events["local_time"])[keep]
    if night is None:
        hour = (wall // 3_600_000_000_000) % 24
        night_flags = (hour >= 22) | (hour < 8)
    elif night.index.equals(events.index):
        night_flags = night.to_numpy(dtype=bool)[keep]
    else:
        night_flags = night.loc[events.index[keep]].to_numpy(dtype=bool)

    def count(flags: np.ndarray) -> np.ndarray:
        return np.bincount(cp[flags], minlength=n)

    present = np.flatnonzero(np.bincount(cp, minlength=n))
    active, most, max_7d = _daily_figures(cp, day_numbers(wall), is_call, n)
    ts = events["ts_ms"].to_numpy(dtype=np.int64)[keep]
    first_ts, last_ts = np.full(n, np.iinfo(np.int64).max), np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first_ts, cp, ts)
    np.maximum.at(last_ts, cp, ts)
    out = pd.DataFrame({
        "counterpart": pd.Index(numbers, dtype=events["counterpart"].dtype),
        "messages_in": count(~is_call), "calls_in": count(is_call),
        "calls_answered": count(is_call & ~unanswered), "calls_unanswered": count(unanswered),
        "collection_msgs": count(collection), "active_days": active, "max_per_day": most, "max_7d": max_7d,
        "night_in": count(night_flags), "first_ts": first_ts, "last_ts": last_ts,
    }).iloc[present]
    out["total_in"] = out["messages_in"] + out["calls_in"]
    tz = events["local_time"].dt.tz
    for col, src in (("first_seen", "first_ts"), ("last_seen", "last_ts")):
        local = pd.Series(pd.to_datetime(out[src].to_numpy(), unit="ms", utc=True), index=out.index).dt.tz_convert(tz)
        out[col] = iso_strings(local)
    out["contact_name"] = _names(events["contact_name"], keep, cp, n)[present]
    out = out.sort_values(["total_in", "counterpart"], ascending=[False, True], kind="mergesort")
    return out[SENDER_COLUMNS].reset_index(drop=True)


def _daily_figures(cp: np.ndarray, day: np.ndarray, is_call: np.ndarray, n: int):
    """Per counterpart code: active_days, max_per_day and max_7d (most calls in any 7 consecutive
    local calendar days, over windows ending on a day with a call)."""
    base = int(day.min()) - 6  # day keys ≥ 6, so key - 6 never reaches the previous counterpart
    width = int(day.max()) - base + 1
    key = cp * width + (day - base)
    pairs, sizes = key_counts(key, n * width)
    who = pairs // width
    most = np.zeros(n, dtype=np.int64)
    np.maximum.at(most, who, sizes)
    # 7-day call windows over the (counterpart, day) pairs with calls, in key order
    call_pairs, calls = key_counts(key[is_call], n * width)
    total = np.r_[0, np.cumsum(calls)]
    lo = np.searchsorted(call_pairs, call_pairs - 6, side="left")
    max_7d = np.zeros(n, dtype=np.int64)
    np.maximum.at(max_7d, call_pairs // width, total[1:] - total[lo])
    return np.bincount(who, minlength=n), most, max_7d


def _names(names: pd.Series, keep: np.ndarray, cp: np.ndarray, n: int) -> np.ndarray:
    """Per counterpart code: its most frequent non-empty contact name (ties: first in name order)."""
    out = np.full(n, "", dtype=object)
    named = np.flatnonzero((~mask_eq(names, "") & names.notna().to_numpy())[keep])
    if len(named) == 0:
        return out
    name_code, uniques = codes(names.take(keep[named]))
    width = len(uniques)
    pairs, sizes = key_counts(cp[named] * width + name_code, n * width)  # in (number, name) order
    who = pairs // width
    best = np.lexsort((-sizes, who))  # per number: most used first, ties keep name order
    best = best[np.r_[True, who[best][1:] != who[best][:-1]]]
    out[who[best]] = np.asarray(uniques, dtype=object)[pairs[best] % width]
    return out
