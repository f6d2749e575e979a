"""Per-counterpart incoming-contact summary: the bundle's senders.csv (contract in schema.SENDER_COLUMNS).

Definitions (issue 2): incoming = direction "in" (messages only when actually received, not drafts);
calls_unanswered = incoming calls not answered, plus answered ones of duration 0; active_days = distinct
local dates with an incoming event; max_per_day = most incoming events on one local date; max_7d = most
incoming calls within any 7 consecutive local calendar days; night_in = incoming events in the
disallowed hours (default GB/T 45251-2025: local time ≥ 22:00 or < 08:00).
"""
from __future__ import annotations

import weakref

import pandas as pd

from ..schema import SENDER_COLUMNS
from ..timeconv import iso_strings


_INCOMING_CACHE: list = [None, None, None]  # (weakref to events, its columns, result)


def incoming(events: pd.DataFrame) -> pd.DataFrame:
    """Incoming contact: calls, and messages that were received (drafts/failed are never contact).

    The same events frame is asked for by senders, charts and report facts; the selection (a copy of a
    million-row frame) is made once per frame object.
    """
    ref, columns, cached = _INCOMING_CACHE
    if ref is not None and ref() is events and columns == tuple(events.columns):
        return cached
    is_msg = events["kind"].ne("call")
    received = ~is_msg | events["msg_status"].isin(["received", "unknown"])
    result = events.loc[events["direction"].eq("in") & received]
    _INCOMING_CACHE[:] = [weakref.ref(events), tuple(events.columns), result]
    return result


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
    # The columns read here only: each selection below then copies 10 columns, not the whole table.
    inc = incoming(events[["kind", "direction", "msg_status", "call_status", "counterpart", "contact_name",
                           "duration_s", "category", "ts_ms", "local_time"]])
    if inc.empty:
        return pd.DataFrame(columns=SENDER_COLUMNS)
    night_flags = (night.loc[inc.index] if night is not None else night_mask(inc["local_time"]))
    is_call = inc["kind"].eq("call")
    calls = inc.loc[is_call]
    g = inc.groupby("counterpart", sort=True)
    date = inc["local_time"].dt.date
    per_day = inc.groupby(["counterpart", date]).size()
    names = inc.loc[inc["contact_name"].ne("")].groupby("counterpart")["contact_name"].agg(
        lambda s: s.value_counts().sort_index().idxmax() if len(s) else "")
    out = pd.DataFrame({
        "messages_in": (~is_call).groupby(inc["counterpart"]).sum(),
        "calls_in": is_call.groupby(inc["counterpart"]).sum(),
        "calls_answered": (~unanswered_mask(calls)).groupby(calls["counterpart"]).sum(),
        "calls_unanswered": unanswered_mask(calls).groupby(calls["counterpart"]).sum(),
        "collection_msgs": ((~is_call) & inc["category"].eq("collection")).groupby(inc["counterpart"]).sum(),
        "first_ts": g["ts_ms"].min(),
        "last_ts": g["ts_ms"].max(),
        "active_days": per_day.groupby(level=0).size(),
        "max_per_day": per_day.groupby(level=0).max(),
        "max_7d": max_calls_in_7_days(calls),
        "night_in": night_flags.groupby(inc["counterpart"]).sum(),
    })
    out = out.fillna(0)
    int_cols = [c for c in out.columns if c not in ("first_ts", "last_ts")]
    out[int_cols] = out[int_cols].astype("int64")
    out["total_in"] = out["messages_in"] + out["calls_in"]
    tz = events["local_time"].dt.tz
    for col, src in (("first_seen", "first_ts"), ("last_seen", "last_ts")):
        local = pd.Series(pd.to_datetime(out[src].astype("int64"), unit="ms", utc=True), index=out.index).dt.tz_convert(tz)
        out[col] = iso_strings(local)
    out["contact_name"] = names.reindex(out.index).fillna("")
    out = out.rename_axis("counterpart").reset_index()
    out = out.sort_values(["total_in", "counterpart"], ascending=[False, True], kind="mergesort")
    return out[SENDER_COLUMNS].reset_index(drop=True)
