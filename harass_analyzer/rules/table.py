"""The collection contacts of an events frame as numpy arrays, built once per `check_rules` call.

Same selection and flags as analysis.contacts.collection_contacts, but every rule then filters and
groups integer arrays (entity codes, day numbers, epoch ms) instead of copying string and tz-aware
columns of a million-row frame per rule. Rows are kept in deterministic event order (ts_ms, event_id),
so a stable sort by a group key leaves each group's events in time order. Strings are only looked up
for the rows a rule reports (`Found`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..analysis.columns import arrow_strings, code_lookup, codes, day_numbers, mask_eq, mask_isin, ranges, wall_ns
from ..analysis.contacts import CONTACT_MSG_STATUSES, CONVERSATION_S
from ..schema import WITHHELD


@dataclass
class Found:
    """A check's rows: each row lists table indices `members[offsets[k]:offsets[k+1]]` in time order."""

    ent: np.ndarray
    members: np.ndarray
    offsets: np.ndarray
    start_ns: np.ndarray  # window start / end as UTC ns (naive ns when local_time has no tz)
    end_ns: np.ndarray
    threshold: int
    prefix: list[str] | None = None  # event ids listed before the row's own (conversation, stop message)

    @property
    def count(self) -> np.ndarray:
        return np.diff(self.offsets)

    def take(self, rows: np.ndarray) -> Found:
        """The rows `rows` only (e.g. those over a threshold)."""
        members, offsets = ranges(self.offsets[:-1][rows], self.offsets[1:][rows])
        prefix = [self.prefix[i] for i in rows] if self.prefix is not None else None
        return Found(self.ent[rows], self.members[members], offsets, self.start_ns[rows], self.end_ns[rows],
                     self.threshold, prefix)


@dataclass
class ContactTable:
    events: pd.DataFrame
    pos: np.ndarray  # event row of each contact, in (ts_ms, event_id) order
    ts: np.ndarray
    ent: np.ndarray  # codes into `entities` (sorted, so code order is name order)
    entities: np.ndarray
    wall: np.ndarray  # local wall-clock ns
    day: np.ndarray  # local calendar day number
    is_call: np.ndarray
    answered: np.ndarray
    unanswered: np.ndarray
    conversation: np.ndarray
    ent_all: np.ndarray  # entity code of every event (after_conversation, after_stop read all events)
    number_codes: np.ndarray  # counterpart code per contact, into `numbers` (sorted)
    numbers: np.ndarray
    tz: object

    @cached_property
    def event_ids(self) -> pa.Array:
        return arrow_strings(self.events["event_id"])

    @cached_property
    def tag_codes(self) -> tuple[np.ndarray, np.ndarray]:
        found, uniques = codes(self.events["tags"].take(self.pos))
        return found, uniques

    def has_tag(self, wanted) -> np.ndarray:
        """Contacts whose ';'-joined tags hold any of `wanted` (each distinct tag set tested once)."""
        found, uniques = self.tag_codes
        wanted = set(wanted)
        hit = np.array([isinstance(v, str) and bool(wanted.intersection(v.split(";"))) for v in uniques] + [False])
        return hit[found]

    def period(self, start, until) -> np.ndarray:
        """Table indices of contacts on local dates within [start, until] (either may be None)."""
        if start is None and until is None:
            return np.arange(len(self.pos))
        keep = np.ones(len(self.pos), dtype=bool)
        if start is not None:
            keep &= self.day >= _day_of(start)
        if until is not None:
            keep &= self.day <= _day_of(until)
        return np.flatnonzero(keep)

    def instants(self, rows: np.ndarray) -> np.ndarray:
        """local_time of event rows `rows` as UTC ns (the value windows are sorted by)."""
        local = self.events["local_time"].take(rows)
        if self.tz is not None:
            local = local.dt.tz_convert(None)
        return local.to_numpy().astype("datetime64[ns]").view(np.int64)

    def localize_days(self, days: np.ndarray, seconds: int = 0) -> np.ndarray:
        """Local midnight of day numbers `days` plus `seconds`, as UTC ns (ambiguous → DST side,
        nonexistent → shifted forward, as a wall clock reads)."""
        naive = pd.Series(np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]")
                          + np.timedelta64(seconds, "s"))
        if self.tz is not None:
            naive = naive.dt.tz_localize(self.tz, ambiguous=np.ones(len(naive), dtype=bool),
                                         nonexistent="shift_forward").dt.tz_convert(None)
        return naive.to_numpy().astype("datetime64[ns]").view(np.int64)


def _day_of(value) -> int:
    return int(np.datetime64(pd.Timestamp(value).date(), "D").astype(np.int64))


def build_table(events: pd.DataFrame, also: set[str] | frozenset = frozenset()) -> ContactTable:
    """Incoming contacts from collection entities (calls of any status, collection messages), and from the
    entities named in `also` (collectors the user confirmed, suspected collectors)."""
    is_call = mask_eq(events["kind"], "call")
    incoming = mask_eq(events["direction"], "in")
    msg_status = events["msg_status"]
    collection = mask_eq(events["category"], "collection")
    duration = events["duration_s"].to_numpy(dtype=np.float64, na_value=np.nan)
    answered = is_call & mask_eq(events["call_status"], "answered") & ~(duration <= 0)  # NaN = connected
    ent_all, entities = codes(events["entity"])
    number_codes, numbers = codes(events["counterpart"])
    # collection entities: a received collection message, or grouped/named (entity ≠ own number),
    # compared as codes: each number's own name among the entity names
    own = np.append(code_lookup(entities, numbers), -1)[number_codes]
    named = np.append(entities != "", False)[ent_all]
    evidence = incoming & ~is_call & mask_eq(msg_status, "received") & collection
    evidence |= (ent_all != own) & named
    is_collector = np.zeros(len(entities) + 1, dtype=bool)  # last slot: missing entity (code -1)
    is_collector[np.unique(ent_all[evidence])] = True
    if also:
        is_collector[:-1] |= np.isin(entities, sorted(also))
    is_collector[-1] = False
    is_collector[:-1] &= ~np.isin(entities, [WITHHELD, ""])
    keep = (incoming & (is_call | mask_isin(msg_status, CONTACT_MSG_STATUSES)) & is_collector[ent_all]
            & (is_call | collection))
    pos = _time_order(events, np.flatnonzero(keep))
    wall = wall_ns(events["local_time"].take(pos))
    ans = answered[pos]
    return ContactTable(events=events, pos=pos, ts=events["ts_ms"].to_numpy(dtype=np.int64)[pos],
                        ent=ent_all[pos], entities=entities, wall=wall, day=day_numbers(wall),
                        is_call=is_call[pos], answered=ans, unanswered=is_call[pos] & ~ans,
                        conversation=ans & (duration[pos] >= CONVERSATION_S), ent_all=ent_all,
                        number_codes=number_codes[pos], numbers=numbers, tz=events["local_time"].dt.tz)


def _time_order(events: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """`rows` in (ts_ms, event_id) order. Events usually come sorted: then only the event ids of
    equal timestamps are compared, instead of sorting a million strings."""
    ts = events["ts_ms"].to_numpy(dtype=np.int64)[rows]
    step = np.diff(ts)
    ids = arrow_strings(events["event_id"])
    if (step >= 0).all():
        tied = np.flatnonzero(step == 0)
        if len(tied) == 0 or pc.all(pc.less_equal(ids.take(rows[tied]), ids.take(rows[tied + 1]))).as_py():
            return rows
    table = pa.table({"ts": ts, "id": ids.take(rows)})
    order = pc.sort_indices(table, sort_keys=[("ts", "ascending"), ("id", "ascending")])
    return rows[order.to_numpy()]
