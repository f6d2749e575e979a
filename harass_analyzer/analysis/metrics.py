"""Contact-pattern metrics per counterpart or per entity: pure DataFrame → DataFrame functions.

Every function takes either the enriched event table (its incoming contacts are used) or an
already-filtered contact frame from `contacts.incoming_contacts` / `contacts.collection_contacts`,
and a grouping column `by` ("entity" or "counterpart"). Days are local calendar days, so a 7-day
window is 7 dates whatever DST does. Figures that list events carry ';'-joined event_ids in time order.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .contacts import collection_contacts, contact_mask, group_join, incoming_contacts, sort_events

DisallowedTime = Callable[[pd.Series], pd.Series]

STOP_PHRASES = (
    "不要再联系", "别再联系", "不要联系我", "别联系我", "不要再打", "别再打", "不要打了", "别打了",
    "不要再发", "别再发", "停止联系", "停止骚扰", "不要骚扰", "别骚扰", "请勿再联系", "请勿联系",
    "拒绝联系", "stop calling", "do not contact", "don't contact", "do not call", "don't call",
)


def _contacts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame if {"is_call", "date", "answered"} <= set(frame.columns) else incoming_contacts(frame)


def _ids(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    return group_join(sort_events(frame), keys, "event_id")


def daily_counts(events: pd.DataFrame, by: str = "entity",
                 disallowed: DisallowedTime | None = None) -> pd.DataFrame:
    """One row per (by, local date): contacts, calls, answered, unanswered, messages, night."""
    inc = _contacts(events)
    night = disallowed(inc["local_time"]) if disallowed is not None else pd.Series(False, index=inc.index)
    parts = pd.DataFrame({by: inc[by], "date": inc["date"], "contacts": 1, "calls": inc["is_call"],
                          "answered": inc["answered"], "unanswered": inc["unanswered"],
                          "messages": ~inc["is_call"], "night": night.astype(bool)})
    cols = ["contacts", "calls", "answered", "unanswered", "messages", "night"]
    out = parts.groupby([by, "date"], sort=True)[cols].sum().reset_index()
    out[cols] = out[cols].astype("int64")
    return out


def rolling_counts(daily: pd.DataFrame, by: str = "entity", days: int = 7,
                   column: str = "contacts") -> pd.DataFrame:
    """For each (by, date) of `daily`: the sum of `column` over the `days` calendar days ending that date."""
    if daily.empty:
        return pd.DataFrame(columns=[by, "window_start", "date", "count"])
    d = daily.sort_values([by, "date"])[[by, "date", column]]
    rolled = d.groupby(by, sort=True).rolling(f"{days}D", on="date")[column].sum()
    out = pd.DataFrame({by: d[by].to_numpy(), "date": d["date"].to_numpy(),
                        "count": rolled.to_numpy().astype("int64")})
    out.insert(1, "window_start", out["date"] - pd.Timedelta(days=days - 1))
    return out.reset_index(drop=True)


def streaks(daily: pd.DataFrame, by: str = "entity") -> pd.DataFrame:
    """Runs of consecutive local dates with ≥ 1 contact: start, end, days, contacts (longest first)."""
    if daily.empty:
        return pd.DataFrame(columns=[by, "start", "end", "days", "contacts"])
    d = daily.sort_values([by, "date"]).reset_index(drop=True)
    gap = d["date"].diff().ne(pd.Timedelta(days=1)) | d[by].ne(d[by].shift())
    d["run"] = gap.cumsum()
    out = d.groupby("run").agg(**{by: (by, "first"), "start": ("date", "min"), "end": ("date", "max"),
                                  "days": ("date", "size"), "contacts": ("contacts", "sum")})
    return out.sort_values([by, "days", "start"], ascending=[True, False, True]).reset_index(drop=True)


def bursts(events: pd.DataFrame, n: int, minutes: float, by: str = "entity",
           calls_only: bool = True) -> pd.DataFrame:
    """Bursts: maximal runs of events where every event lies in some window of ≥ n events within
    `minutes` (first to last ≤ minutes). Columns: by, start, end, count, event_ids, counterparts."""
    cols = [by, "start", "end", "count", "event_ids", "counterparts"]
    inc = _contacts(events)
    if calls_only:
        inc = inc.loc[inc["is_call"]]
    if inc.empty or n < 1:
        return pd.DataFrame(columns=cols)
    d = inc.sort_values([by, "ts_ms", "event_id"], kind="mergesort").reset_index(drop=True)
    group = d[by].to_numpy()
    ts = d["ts_ms"].to_numpy()
    pos = np.arange(len(d))
    start_pos = pos - (n - 1)
    valid = start_pos >= 0
    sp = np.where(valid, start_pos, 0)
    ends_window = valid & (group[sp] == group) & (ts - ts[sp] <= minutes * 60_000)
    cover = np.zeros(len(d) + 1, dtype=np.int64)  # difference array: +1 at window start, -1 after end
    np.add.at(cover, sp[ends_window], 1)
    np.add.at(cover, pos[ends_window] + 1, -1)
    covered = np.cumsum(cover)[:-1] > 0
    if not covered.any():
        return pd.DataFrame(columns=cols)
    new_run = covered & ~np.r_[False, covered[:-1] & (group[1:] == group[:-1])]
    d["run"] = np.cumsum(new_run)
    d = d.loc[covered]
    out = d.groupby("run", sort=True).agg(**{by: (by, "first"), "start": ("local_time", "first"),
                                            "end": ("local_time", "last"), "count": ("event_id", "size")})
    out["event_ids"] = group_join(d, ["run"], "event_id")
    people = d.drop_duplicates(["run", "counterpart"]).sort_values("counterpart", kind="mergesort")
    out["counterparts"] = group_join(people, ["run"], "counterpart")
    return out.sort_values([by, "start"]).reset_index(drop=True)[cols]


def night_contacts(events: pd.DataFrame, disallowed: DisallowedTime, by: str = "entity") -> pd.DataFrame:
    """Contacts in disallowed hours per key: night, event_ids."""
    inc = _contacts(events)
    hit = inc.loc[disallowed(inc["local_time"]).to_numpy()]
    if hit.empty:
        return pd.DataFrame(columns=[by, "night", "event_ids"])
    out = pd.DataFrame({"night": hit.groupby(by, sort=True).size(), "event_ids": _ids(hit, [by])})
    return out.reset_index()


def call_outcomes(events: pd.DataFrame, by: str = "entity") -> pd.DataFrame:
    """Incoming calls per key: calls, answered, unanswered, conversations (≥ 10 s)."""
    calls = _contacts(events)
    calls = calls.loc[calls["is_call"]]
    out = calls.groupby(by, sort=True)[["answered", "unanswered", "conversation"]].sum().astype("int64")
    out.insert(0, "calls", calls.groupby(by, sort=True).size())
    return out.rename(columns={"conversation": "conversations"}).reset_index()


def stop_points(events: pd.DataFrame, stop_date: str | None = None,
                phrases: Iterable[str] = STOP_PHRASES) -> pd.DataFrame:
    """When the user asked each entity to stop: the first *sent* message to any of its numbers holding a
    stop phrase, or the user's `stop_date` (local midnight, every entity), whichever is earlier.
    Columns: entity, stop_ts_ms, stop_source (an event_id or "user:<date>")."""
    cols = ["entity", "stop_ts_ms", "stop_source"]
    sent = events.loc[events["direction"].eq("out") & events["kind"].ne("call")
                      & events["msg_status"].eq("sent")]
    pattern = "|".join(re.escape(p.lower()) for p in phrases)
    asked = sort_events(sent.loc[sent["body"].str.lower().str.contains(pattern, regex=True)])
    found = asked.groupby("entity", sort=True).agg(stop_ts_ms=("ts_ms", "first"),
                                                  stop_source=("event_id", "first")).reset_index()
    if stop_date is None:
        return found[cols] if not found.empty else pd.DataFrame(columns=cols)
    tz = events["local_time"].dt.tz
    try:
        start = pd.Timestamp(stop_date).tz_localize(tz) if tz is not None else pd.Timestamp(stop_date)
    except ValueError as exc:
        raise ConfigError(f"stop date {stop_date!r}: not a date (use YYYY-MM-DD)") from exc
    user_ms = int(start.tz_convert("UTC").value // 10**6) if tz is not None else int(start.value // 10**6)
    entities = sorted(set(events["entity"].unique()))
    user = pd.DataFrame({"entity": entities, "stop_ts_ms": user_ms, "stop_source": f"user:{stop_date}"})
    both = pd.concat([found, user], ignore_index=True).sort_values(["entity", "stop_ts_ms"], kind="mergesort")
    return both.drop_duplicates("entity").reset_index(drop=True)[cols]


def first_replies(events: pd.DataFrame) -> pd.DataFrame:
    """The user's first outgoing contact (sent message or outgoing call) to each entity."""
    out = events.loc[events["direction"].eq("out") & contact_mask(events)]
    out = sort_events(out)
    return out.groupby("entity", sort=True).agg(stop_ts_ms=("ts_ms", "first"),
                                                stop_source=("event_id", "first")).reset_index()


def contacts_after(events: pd.DataFrame, points: pd.DataFrame, by: str = "entity") -> pd.DataFrame:
    """Incoming contacts strictly after each entity's point in time (from `stop_points`/`first_replies`).
    Columns: entity, by (if different), stop_source, count, event_ids."""
    inc = _contacts(events)
    merged = inc.merge(points, on="entity", how="inner")
    after = merged.loc[merged["ts_ms"] > merged["stop_ts_ms"]]
    keys = ["entity", "stop_source"] + ([by] if by != "entity" else [])
    if after.empty:
        return pd.DataFrame(columns=keys + ["count", "event_ids"])
    out = pd.DataFrame({"count": after.groupby(keys, sort=True).size(), "event_ids": _ids(after, keys)})
    return out.reset_index()


def has_tag(tags: pd.Series, wanted: Iterable[str]) -> pd.Series:
    """True where the ';'-joined tags hold any of `wanted` (exact tag match, vectorized)."""
    wanted = set(wanted)
    matching = [v for v in pd.unique(tags) if isinstance(v, str) and wanted.intersection(v.split(";"))]
    return tags.isin(matching)  # few distinct tag sets: test each once, then a hash lookup per row


def third_party_mask(contacts: pd.DataFrame, role: str) -> pd.Series:
    """Which collection contacts are third-party contacts for this role (see third_party_contacts)."""
    if role == "contact":
        return pd.Series(True, index=contacts.index)
    return has_tag(contacts["tags"], ["third_party"]) & ~contacts["is_call"]


def third_party_contacts(events: pd.DataFrame, role: str = "debtor", by: str = "entity") -> pd.DataFrame:
    """Third-party contacts per key. role "contact": every collection contact (this phone is not the
    debtor's); role "debtor": collection messages tagged third_party (the collector says it contacted
    or will contact family, friends, the address book). Columns: by, count, event_ids."""
    inc = collection_contacts(events) if "is_call" not in events.columns else events
    inc = inc.loc[third_party_mask(inc, role)]
    if inc.empty:
        return pd.DataFrame(columns=[by, "count", "event_ids"])
    return pd.DataFrame({"count": inc.groupby(by, sort=True).size(), "event_ids": _ids(inc, [by])}).reset_index()


def entity_summary(events: pd.DataFrame, disallowed: DisallowedTime | None = None,
                   role: str = "debtor") -> pd.DataFrame:
    """One row per collection entity: the figures of "entity X, 412 contacts over 19 days from 7
    numbers, 38 at night, … 9 messages to third parties" (days over a limit come from violations)."""
    coll = collection_contacts(events)
    cols = ["entity", "contacts", "numbers", "first_seen", "last_seen", "span_days", "active_days",
            "calls", "answered", "unanswered", "messages", "night", "max_per_day", "max_7d",
            "longest_streak", "third_party"]
    if coll.empty:
        return pd.DataFrame(columns=cols)
    daily = daily_counts(coll, "entity", disallowed)
    g = coll.groupby("entity", sort=True)
    dg = daily.groupby("entity", sort=True)
    out = pd.DataFrame({
        "contacts": g.size(), "numbers": g["counterpart"].nunique(),
        "first_seen": g["local_time"].min(), "last_seen": g["local_time"].max(),
        "span_days": (g["date"].max() - g["date"].min()).dt.days + 1, "active_days": dg.size(),
        "calls": dg["calls"].sum(), "answered": dg["answered"].sum(), "unanswered": dg["unanswered"].sum(),
        "messages": dg["messages"].sum(), "night": dg["night"].sum(), "max_per_day": dg["contacts"].max(),
        "max_7d": rolling_counts(daily).groupby("entity")["count"].max(),
        "longest_streak": streaks(daily).groupby("entity")["days"].max(),
    })
    tp = third_party_contacts(coll, role).set_index("entity")["count"]
    out["third_party"] = tp.reindex(out.index).fillna(0).astype("int64")
    return out.reset_index()[cols]
