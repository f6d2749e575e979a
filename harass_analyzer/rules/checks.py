"""Rule checks: one vectorized function per rule kind → violations.csv rows.

Every check sees the *collection contacts* (analysis.contacts) of the rule's effective period and
returns rows (entity, counterpart, window_start, window_end, count, threshold, event_ids) where
window_* are tz-aware local datetimes; `check_rules` adds rule_id, citation, legal_weight.
Day windows run from 00:00:00 to 23:59:59 local; event windows from the first to the last event.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import metrics
from ..analysis.contacts import conversation_mask, group_join, local_dates, sort_events
from .profile import Rule, disallowed_mask

_EPOCH = pd.Timestamp("1970-01-01")
ROW_COLUMNS = ["entity", "counterpart", "window_start", "window_end", "count", "threshold", "event_ids"]


def _compare(count: pd.Series, op: str, threshold: int) -> pd.Series:
    return count.ge(threshold) if op == ">=" else count.gt(threshold)


def select(contacts: pd.DataFrame, count: str) -> pd.DataFrame:
    """The events a count parameter counts (rules.md: answered/unanswered/conversation/actual)."""
    if count == "calls":
        return contacts.loc[contacts["is_call"]]
    if count == "messages":
        return contacts.loc[~contacts["is_call"]]
    if count in ("answered", "unanswered", "conversation"):
        return contacts.loc[contacts[count]]
    if count == "actual":  # contact actually made: connected calls and delivered messages
        return contacts.loc[contacts["answered"] | ~contacts["is_call"]]
    return contacts


def _localize(naive: pd.Series, tz) -> pd.Series:
    if tz is None:
        return naive
    return naive.dt.tz_localize(tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward")


def _aggregate(hits: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of `keys`: count, event_ids and counterparts in time order (hits already filtered)."""
    hits = sort_events(hits)
    g = hits.groupby(keys, sort=True)
    people = hits.drop_duplicates(keys + ["counterpart"]).sort_values("counterpart", kind="mergesort")
    return pd.DataFrame({
        "count": g.size(), "event_ids": group_join(hits, keys, "event_id"),
        "counterpart": group_join(people, keys, "counterpart"),
        "first": g["local_time"].first(), "last": g["local_time"].last(),
    }).reset_index()


def _day_rows(hits: pd.DataFrame, keys: list[str], rule: Rule, period: str = "day") -> pd.DataFrame:
    """Rows for groups that include a calendar-day (or month) period column named 'period'."""
    tz = hits["local_time"].dt.tz
    rows = _aggregate(hits, keys + ["period"])
    days = pd.Timedelta(days=1)
    if period == "month":
        ends = rows["period"] + pd.offsets.MonthEnd(0)
    else:
        ends = rows["period"]
    rows["window_start"] = _localize(rows["period"], tz)
    rows["window_end"] = _localize(ends + days - pd.Timedelta(seconds=1), tz)
    rows["threshold"] = rule.threshold
    return rows


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=ROW_COLUMNS)


def check_time_window(contacts: pd.DataFrame, rule: Rule, **_: object) -> pd.DataFrame:
    """Every contact outside the allowed hours; one row per entity per local day."""
    chosen = select(contacts, rule.params.get("count", "contacts"))
    hits = chosen.loc[disallowed_mask(rule, chosen["local_time"]).to_numpy()].copy()
    if hits.empty:
        return _empty()
    hits["period"] = hits["date"]
    return _day_rows(hits, ["entity"], rule)


def check_daily_count(contacts: pd.DataFrame, rule: Rule, **_: object) -> pd.DataFrame:
    """Counted events per entity per local day (or calendar month) compared with the threshold."""
    period = rule.params.get("period", "day")
    chosen = select(contacts, rule.params.get("count", "contacts")).copy()
    if chosen.empty:
        return _empty()
    chosen["period"] = chosen["date"] - pd.to_timedelta(chosen["date"].dt.day - 1, unit="D") \
        if period == "month" else chosen["date"]
    sizes = chosen.groupby(["entity", "period"]).size()
    bad = sizes.index[_compare(sizes, rule.op, rule.threshold).to_numpy()]
    hits = chosen.set_index(["entity", "period"]).loc[lambda f: f.index.isin(bad)].reset_index()
    if hits.empty:
        return _empty()
    return _day_rows(hits, ["entity"], rule, period)


def check_rolling_count(contacts: pd.DataFrame, rule: Rule, **_: object) -> pd.DataFrame:
    """Counted events in any `days` consecutive local calendar days (one row per window that ends
    on a day with a counted event and exceeds the threshold)."""
    days = int(rule.params.get("days", 7))
    chosen = select(contacts, rule.params.get("count", "contacts"))
    if chosen.empty:
        return _empty()
    daily = chosen.groupby(["entity", "date"]).size().rename("contacts").reset_index()
    windows = metrics.rolling_counts(daily, "entity", days)
    windows = windows.loc[_compare(windows["count"], rule.op, rule.threshold)]
    if windows.empty:
        return _empty()
    # Events of each window by position: chosen sorted by (entity, date); windows located by searchsorted.
    chosen = sort_events(chosen).sort_values(["entity", "date"], kind="mergesort").reset_index(drop=True)
    codes = {e: i for i, e in enumerate(sorted(set(chosen["entity"])))}
    day = pd.Timedelta(days=1)
    key = chosen["entity"].map(codes).to_numpy() * 10**6 + ((chosen["date"] - _EPOCH) // day).to_numpy()
    w_code = windows["entity"].map(codes).to_numpy() * 10**6
    lo = np.searchsorted(key, w_code + ((windows["window_start"] - _EPOCH) // day).to_numpy(), side="left")
    hi = np.searchsorted(key, w_code + ((windows["date"] - _EPOCH) // day).to_numpy(), side="right")
    ids = chosen["event_id"].astype(str).tolist()
    people = chosen["counterpart"].astype(str).tolist()
    tz = chosen["local_time"].dt.tz
    rows = pd.DataFrame({
        "entity": windows["entity"].to_numpy(), "count": hi - lo,
        "event_ids": [";".join(ids[a:b]) for a, b in zip(lo, hi)],
        "counterpart": [";".join(sorted(set(people[a:b]))) for a, b in zip(lo, hi)],
        "window_start": _localize(windows["window_start"].reset_index(drop=True), tz),
        "window_end": _localize((windows["date"] + day - pd.Timedelta(seconds=1)).reset_index(drop=True), tz),
    })
    rows["threshold"] = rule.threshold
    return rows


def check_burst(contacts: pd.DataFrame, rule: Rule, **_: object) -> pd.DataFrame:
    """≥ threshold counted events within `minutes` (metrics.bursts, merged into maximal runs)."""
    chosen = select(contacts, rule.params.get("count", "calls"))
    found = metrics.bursts(chosen, rule.threshold, float(rule.params["minutes"]), "entity", calls_only=False)
    if found.empty:
        return _empty()
    found = found.rename(columns={"counterparts": "counterpart"})
    return found.rename(columns={"start": "window_start", "end": "window_end"}).assign(threshold=rule.threshold)


def check_after_conversation(contacts: pd.DataFrame, rule: Rule, events: pd.DataFrame, **_: object) -> pd.DataFrame:
    """Calls placed within `days` calendar days after a conversation (the conversation's date is day 1)."""
    days = int(rule.params.get("days", 7))
    min_s = float(rule.params.get("min_conversation_s", 10))
    calls = contacts.loc[contacts["is_call"]]
    talks = events.loc[conversation_mask(events, min_s) & events["entity"].isin(set(calls["entity"]))]
    if calls.empty or talks.empty:
        return _empty()
    talks = talks.assign(conv_end_ms=talks["ts_ms"] + (talks["duration_s"] * 1000).round().astype("int64"),
                         conv_date=local_dates(talks), conv_id=talks["event_id"].astype(str),
                         conv_time=talks["local_time"])[["entity", "ts_ms", "conv_end_ms", "conv_date",
                                                         "conv_id", "conv_time"]]
    left = calls.sort_values("ts_ms", kind="mergesort")
    right = talks.sort_values("ts_ms", kind="mergesort").rename(columns={"ts_ms": "conv_ts_ms"})
    paired = pd.merge_asof(left, right, left_on="ts_ms", right_on="conv_ts_ms", by="entity",
                           allow_exact_matches=False, direction="backward")
    last_day = paired["conv_date"] + pd.Timedelta(days=days - 1)
    hits = paired.loc[paired["conv_id"].notna() & (paired["ts_ms"] >= paired["conv_end_ms"])
                      & (paired["date"] <= last_day)]
    if hits.empty:
        return _empty()
    rows = _aggregate(hits, ["entity", "conv_id"])
    meta = talks.drop_duplicates("conv_id").set_index("conv_id")
    rows["event_ids"] = rows["conv_id"] + ";" + rows["event_ids"]
    rows["window_start"] = rows["conv_id"].map(meta["conv_time"])
    end_day = rows["conv_id"].map(meta["conv_date"]) + pd.Timedelta(days=days) - pd.Timedelta(seconds=1)
    rows["window_end"] = _localize(end_day, calls["local_time"].dt.tz)
    rows["threshold"] = 0
    return rows


def _per_entity(hits: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    if hits.empty:
        return _empty()
    rows = _aggregate(hits, ["entity"])
    rows = rows.loc[_compare(rows["count"], rule.op, rule.threshold)]
    return rows.rename(columns={"first": "window_start", "last": "window_end"}).assign(threshold=rule.threshold)


def check_tagged_content(contacts: pd.DataFrame, rule: Rule, **_: object) -> pd.DataFrame:
    """Messages carrying any of the rule's tags, counted per entity over the effective period."""
    tagged = metrics.has_tag(contacts["tags"], rule.params["tags"]).to_numpy(dtype=bool)
    return _per_entity(contacts.loc[tagged & ~contacts["is_call"].to_numpy(dtype=bool)], rule)


def check_third_party(contacts: pd.DataFrame, rule: Rule, role: str = "debtor", **_: object) -> pd.DataFrame:
    """role contact: every collection contact; role debtor: messages tagged third_party."""
    return _per_entity(contacts.loc[metrics.third_party_mask(contacts, role)], rule)


def check_after_stop(contacts: pd.DataFrame, rule: Rule, events: pd.DataFrame,
                     stop_date: str | None = None, **_: object) -> pd.DataFrame:
    """Contacts after the person asked to stop (sent stop phrase, or the user's stop date)."""
    phrases = rule.params.get("phrases") or metrics.STOP_PHRASES
    points = metrics.stop_points(events, stop_date, phrases)
    chosen = select(contacts, rule.params.get("count", "contacts"))
    if points.empty or chosen.empty:
        return _empty()
    merged = chosen.merge(points, on="entity")
    hits = merged.loc[merged["ts_ms"] > merged["stop_ts_ms"]]
    if hits.empty:
        return _empty()
    rows = _per_entity(hits, rule)
    if rows.empty:
        return rows
    source = points.set_index("entity")
    stop_ids = rows["entity"].map(source["stop_source"])
    is_event = ~stop_ids.str.startswith("user:")
    rows.loc[is_event, "event_ids"] = stop_ids[is_event] + ";" + rows.loc[is_event, "event_ids"]
    stop_ms = rows["entity"].map(source["stop_ts_ms"]).astype("int64")
    tz = contacts["local_time"].dt.tz
    rows["window_start"] = pd.to_datetime(stop_ms, unit="ms", utc=True).dt.tz_convert(tz)
    return rows


CHECKS = {
    "time_window": check_time_window, "daily_count": check_daily_count, "rolling_count": check_rolling_count,
    "burst": check_burst, "after_conversation": check_after_conversation,
    "tagged_content": check_tagged_content, "third_party": check_third_party, "after_stop": check_after_stop,
}
