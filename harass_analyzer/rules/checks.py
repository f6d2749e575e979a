"""Rule checks: one vectorized function per rule kind → the rows of violations.csv.

Every check sees the collection contacts (rules.table, the analysis.contacts definitions) of the
rule's effective period as table indices in time order, and returns a `Found`: per row the entity,
the contacts it lists, the window (UTC ns) and the threshold; `check_rules` turns them into text.
Day windows run from 00:00:00 to 23:59:59 local; event windows from the first to the last event.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..analysis import metrics
from ..analysis.columns import day_numbers, mask_eq, ranges, stable_order, wall_ns
from ..errors import ConfigError
from .profile import Rule, disallowed_wall
from .table import ContactTable, Found

ROW_COLUMNS = ["entity", "counterpart", "window_start", "window_end", "count", "threshold", "event_ids"]


def _compare(count: np.ndarray, op: str, threshold: int) -> np.ndarray:
    return count >= threshold if op == ">=" else count > threshold


def select(t: ContactTable, idx: np.ndarray, count: str) -> np.ndarray:
    """The contacts a count parameter counts (rules.md: answered/unanswered/conversation/actual)."""
    if count == "calls":
        return idx[t.is_call[idx]]
    if count == "messages":
        return idx[~t.is_call[idx]]
    if count in ("answered", "unanswered", "conversation"):
        return idx[getattr(t, count)[idx]]
    if count == "actual":  # contact actually made: connected calls and delivered messages
        return idx[t.answered[idx] | ~t.is_call[idx]]
    return idx


def _groups(t: ContactTable, idx: np.ndarray, key: np.ndarray | None = None):
    """Group contacts `idx` (time order) by entity, then by `key` (small non-negative ints):
    (members in group order, offsets, entity code and key of each group). The stable sort keeps
    time order inside each group."""
    width = int(key.max()) + 1 if key is not None and len(key) else 1
    full = t.ent[idx] * width + (key if key is not None else 0)
    order = stable_order(full)
    members, sorted_key = idx[order], full[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    group = sorted_key[starts]
    return members, np.r_[starts, len(members)], group // width, group % width


def _day_groups(t: ContactTable, idx: np.ndarray, period: np.ndarray, threshold: int,
                month: bool = False) -> Found:
    """Rows per entity and calendar day (or month; `period` = its first day number)."""
    base = int(period.min())
    members, offsets, ent, key = _groups(t, idx, period - base)
    start_day = key + base
    end_day = _month_last_day(start_day) if month else start_day
    return Found(ent, members, offsets, t.localize_days(start_day), t.localize_days(end_day, 86_399), threshold)


def period_of(day: np.ndarray, month: bool) -> np.ndarray:
    """Day number → itself, or the first day number of its calendar month."""
    if not month:
        return day
    return day.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_last_day(first: np.ndarray) -> np.ndarray:
    months = first.astype("datetime64[D]").astype("datetime64[M]") + 1
    return months.astype("datetime64[D]").astype(np.int64) - 1


def check_time_window(t: ContactTable, idx: np.ndarray, rule: Rule, **_: object) -> Found | None:
    """Every contact outside the allowed hours; one row per entity per local day."""
    chosen = select(t, idx, rule.params.get("count", "contacts"))
    hits = chosen[disallowed_wall(rule, t.wall[chosen])]
    return _day_groups(t, hits, t.day[hits], rule.threshold) if len(hits) else None


def check_daily_count(t: ContactTable, idx: np.ndarray, rule: Rule, **_: object) -> Found | None:
    """Counted events per entity per local day (or calendar month) compared with the threshold."""
    month = rule.params.get("period", "day") == "month"
    chosen = select(t, idx, rule.params.get("count", "contacts"))
    if len(chosen) == 0:
        return None
    found = _day_groups(t, chosen, period_of(t.day[chosen], month), rule.threshold, month)
    bad = np.flatnonzero(_compare(found.count, rule.op, rule.threshold))
    return found.take(bad) if len(bad) else None


def check_rolling_count(t: ContactTable, idx: np.ndarray, rule: Rule, **_: object) -> Found | None:
    """Counted events in any `days` consecutive local calendar days (one row per window that ends
    on a day with a counted event and exceeds the threshold)."""
    days = int(rule.params.get("days", 7))
    chosen = select(t, idx, rule.params.get("count", "contacts"))
    if len(chosen) == 0:
        return None
    base = int(t.day[chosen].min()) - days  # keys stay ≥ days, so a window never reaches another entity
    members, offsets, ent, key = _groups(t, chosen, t.day[chosen] - base)
    width = int(key.max()) + 1
    group = ent * width + key
    # window of each (entity, day) group: that entity's contacts from day - (days - 1) to day, by position
    lo = np.searchsorted(np.repeat(group, np.diff(offsets)), group - (days - 1), side="left")
    hi = offsets[1:]
    bad = np.flatnonzero(_compare(hi - lo, rule.op, rule.threshold))
    if len(bad) == 0:
        return None
    take, new_offsets = ranges(lo[bad], hi[bad])
    day = key[bad] + base
    return Found(ent[bad], members[take], new_offsets, t.localize_days(day - (days - 1)),
                 t.localize_days(day, 86_399), rule.threshold)


def check_burst(t: ContactTable, idx: np.ndarray, rule: Rule, **_: object) -> Found | None:
    """≥ threshold counted events within `minutes` (as metrics.bursts: maximal runs of events each in
    some window of ≥ threshold events spanning ≤ minutes)."""
    n, minutes = rule.threshold, float(rule.params["minutes"])
    chosen = select(t, idx, rule.params.get("count", "calls"))
    if len(chosen) == 0 or n < 1:
        return None
    d = chosen[stable_order(t.ent[chosen])]  # entity, then time
    group, ts = t.ent[d], t.ts[d]
    pos = np.arange(len(d))
    sp = np.maximum(pos - (n - 1), 0)
    ends_window = (pos >= n - 1) & (group[sp] == group) & (ts - ts[sp] <= minutes * 60_000)
    cover = np.zeros(len(d) + 1, dtype=np.int64)  # difference array: +1 at window start, -1 after end
    np.add.at(cover, sp[ends_window], 1)
    np.add.at(cover, pos[ends_window] + 1, -1)
    covered = np.cumsum(cover)[:-1] > 0
    if not covered.any():
        return None
    new_run = covered & ~np.r_[False, covered[:-1] & (group[1:] == group[:-1])]
    members = d[covered]
    offsets = np.r_[np.flatnonzero(new_run[covered]), len(members)]
    first, last = members[offsets[:-1]], members[offsets[1:] - 1]
    return Found(t.ent[first], members, offsets, t.instants(t.pos[first]), t.instants(t.pos[last]), n)


def _per_entity(t: ContactTable, hits: np.ndarray, rule: Rule) -> Found | None:
    if len(hits) == 0:
        return None
    members, offsets, ent, _ = _groups(t, hits)
    first, last = members[offsets[:-1]], members[offsets[1:] - 1]
    found = Found(ent, members, offsets, t.instants(t.pos[first]), t.instants(t.pos[last]), rule.threshold)
    bad = np.flatnonzero(_compare(found.count, rule.op, rule.threshold))
    return found.take(bad) if len(bad) else None


def check_tagged_content(t: ContactTable, idx: np.ndarray, rule: Rule, **_: object) -> Found | None:
    """Messages carrying any of the rule's tags, counted per entity over the effective period."""
    return _per_entity(t, idx[t.has_tag(rule.params["tags"])[idx] & ~t.is_call[idx]], rule)


def check_third_party(t: ContactTable, idx: np.ndarray, rule: Rule, role: str = "debtor",
                      **_: object) -> Found | None:
    """role contact: every collection contact; role debtor: messages tagged third_party."""
    if role == "contact":
        return _per_entity(t, idx, rule)
    return _per_entity(t, idx[t.has_tag(["third_party"])[idx] & ~t.is_call[idx]], rule)


def check_debt_disclosure(t: ContactTable, idx: np.ndarray, rule: Rule, role: str = "debtor",
                          **_: object) -> Found | None:
    """The debt made known to a third party. role contact: every collection message the third party
    received (a collection text names a debt); role debtor: messages saying the collector told, or will
    tell, family, friends or the address book (tagged third_party or exposure)."""
    texts = idx[~t.is_call[idx]]
    if role == "contact":
        return _per_entity(t, texts, rule)
    return _per_entity(t, texts[t.has_tag(["third_party", "exposure"])[texts]], rule)


def check_after_conversation(t: ContactTable, idx: np.ndarray, rule: Rule, **_: object) -> Found | None:
    """Calls placed within `days` calendar days after a conversation (the conversation's date is day 1).
    A conversation is any answered call of ≥ min_conversation_s of the entity (all events); each call
    pairs with the entity's latest conversation that started strictly before it."""
    days = int(rule.params.get("days", 7))
    min_s = float(rule.params.get("min_conversation_s", 10))
    calls = idx[t.is_call[idx]]
    ev = t.events
    duration = ev["duration_s"].to_numpy(dtype=np.float64, na_value=np.nan)
    talk = (mask_eq(ev["kind"], "call") & mask_eq(ev["call_status"], "answered") & ~(duration <= 0)
            & (np.nan_to_num(duration, nan=0.0) >= min_s) & (t.ent_all >= 0))
    duration = np.nan_to_num(duration, nan=0.0)  # a talk of unknown length (min 0 s) ends when it starts
    talks = np.flatnonzero(talk)
    if len(calls) == 0 or len(talks) == 0:
        return None
    ts_all = ev["ts_ms"].to_numpy(dtype=np.int64)
    talks = talks[np.lexsort((ts_all[talks], t.ent_all[talks]))]  # entity, time, row
    conv = _latest_before(t.ent_all[talks], ts_all[talks], t.ent[calls], t.ts[calls])
    calls, conv = calls[conv >= 0], conv[conv >= 0]
    talk_rows = talks[conv]
    talk_day = day_numbers(wall_ns(ev["local_time"].take(talk_rows)))
    ok = ((t.ts[calls] >= ts_all[talk_rows] + np.round(duration[talk_rows] * 1000).astype(np.int64))
          & (t.day[calls] <= talk_day + (days - 1)))
    calls, conv, talk_day = calls[ok], conv[ok], talk_day[ok]
    if len(calls) == 0:
        return None
    # one row per (entity, conversation event_id), in name order
    used, first, which = np.unique(conv, return_index=True, return_inverse=True)
    ids = t.event_ids.take(talks[used]).to_pylist()
    by_rank = np.argsort(np.array(ids, dtype=object), kind="stable")
    rank = np.empty(len(used), dtype=np.int64)
    rank[by_rank] = np.arange(len(used))
    members, offsets, ent, key = _groups(t, calls, rank[which])
    g = by_rank[key]  # index into `used` of each row's conversation
    return Found(ent, members, offsets, t.instants(talks[used[g]]),
                 t.localize_days(talk_day[first[g]] + days, -1), 0, prefix=[ids[i] for i in g])


def _latest_before(talk_ent: np.ndarray, talk_ts: np.ndarray, ent: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """For each (ent, ts): index of the last talk (sorted by entity, time) of the same entity with
    talk_ts < ts, else -1 (pandas.merge_asof backward, exact matches excluded: among equal times the
    last talk wins). One merged sort instead of a search per entity."""
    n_talks = len(talk_ent)
    all_ent, all_ts = np.r_[talk_ent, ent], np.r_[talk_ts, ts]
    is_call = np.r_[np.zeros(n_talks, dtype=np.int8), np.ones(len(ent), dtype=np.int8)]
    # at equal times a call sorts before the talks (strictly earlier talks only)
    order = np.lexsort((-is_call, all_ts, all_ent))
    seq = np.where(order < n_talks, order, -1)
    latest = np.maximum.accumulate(seq)  # talks appear in increasing index order
    out = np.full(len(ent), -1, dtype=np.int64)
    call_at = order >= n_talks
    found = latest[call_at]
    same = (found >= 0) & (talk_ent[np.maximum(found, 0)] == all_ent[order[call_at]])
    out[order[call_at] - n_talks] = np.where(same, found, -1)
    return out


def check_after_stop(t: ContactTable, idx: np.ndarray, rule: Rule, stop_date: str | None = None,
                     **_: object) -> Found | None:
    """Contacts after the person asked to stop (sent stop phrase, or the user's stop date)."""
    phrases = rule.params.get("phrases") or metrics.STOP_PHRASES
    stop_ms, source = _stop_points(t, stop_date, phrases)
    chosen = select(t, idx, rule.params.get("count", "contacts"))
    chosen = chosen[t.ts[chosen] > stop_ms[t.ent[chosen]]]
    found = _per_entity(t, chosen, rule)
    if found is None:
        return None
    found.start_ns = stop_ms[found.ent] * 1_000_000  # UTC ns, as pd.to_datetime(ms, utc=True)
    found.prefix = ["" if source[e].startswith("user:") else source[e] for e in found.ent]
    return found


def _stop_points(t: ContactTable, stop_date: str | None, phrases) -> tuple[np.ndarray, list[str]]:
    """Per entity code: when the user asked to stop (metrics.stop_points: first sent message holding
    a stop phrase, or local midnight of `stop_date`, whichever is earlier) in epoch ms, and its source
    (an event_id or "user:<date>"). Entities never asked: ms = int64 max."""
    ev = t.events
    never = np.iinfo(np.int64).max
    stop_ms = np.full(len(t.entities) + 1, never, dtype=np.int64)  # last slot: missing entity
    source = [""] * (len(t.entities) + 1)
    sent = np.flatnonzero(mask_eq(ev["direction"], "out") & ~mask_eq(ev["kind"], "call")
                          & mask_eq(ev["msg_status"], "sent") & (t.ent_all >= 0))
    pattern = "|".join(re.escape(p.lower()) for p in phrases)
    bodies = ev["body"].take(sent).astype(str).str.lower()
    asked = sent[bodies.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)]
    if len(asked):
        ids = np.array(t.event_ids.take(asked).to_pylist(), dtype=object)
        ts = ev["ts_ms"].to_numpy(dtype=np.int64)[asked]
        order = np.lexsort((pd.factorize(ids, sort=True)[0], ts, t.ent_all[asked]))  # entity, time, event_id
        ent = t.ent_all[asked][order]
        first = order[np.r_[True, ent[1:] != ent[:-1]]]
        for e, ms, eid in zip(t.ent_all[asked][first], ts[first], ids[first]):
            stop_ms[e], source[e] = ms, eid
    if stop_date is not None:
        try:
            start = pd.Timestamp(stop_date).tz_localize(t.tz) if t.tz is not None else pd.Timestamp(stop_date)
        except ValueError as exc:
            raise ConfigError(f"stop date {stop_date!r}: not a date (use YYYY-MM-DD)") from exc
        user_ms = int(start.tz_convert("UTC").value // 10**6) if t.tz is not None else int(start.value // 10**6)
        earlier = np.flatnonzero(stop_ms[:-1] > user_ms)  # ties: the stop message (sorted first)
        stop_ms[earlier] = user_ms
        for e in earlier:
            source[e] = f"user:{stop_date}"
    return stop_ms, source


CHECKS = {
    "time_window": check_time_window, "daily_count": check_daily_count, "rolling_count": check_rolling_count,
    "burst": check_burst, "after_conversation": check_after_conversation,
    "tagged_content": check_tagged_content, "third_party": check_third_party, "after_stop": check_after_stop,
    "debt_disclosure": check_debt_disclosure,
}
