"""Incoming contact reduced once to narrow per-row integer arrays and small count tables, from which the
report facts (facts.py) and the charts (chartset.py) are built.

A million-row events frame is read column by column exactly once (counterpart, entity, kind, category,
tags, local_time and the incoming test's columns); every later figure is a count over integer keys or a
look-up in a table of (counterpart, day) rows — no per-collector or per-chart copy of the frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analysis.columns import DAY_NS, key_counts, mask_eq, stable_order, wall_ns
from ..analysis.senders import incoming_mask

NIGHT_FIRST = 5  # night examples per collector: only the first few rows of each number can be shown
CHUNK_ROWS = 1 << 18  # rows per slice where a step needs several int64 temporaries


def codes_of(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) in order of first appearance; a missing value is a value of its own
    (as `set()` and `==` treat it in the frame-based code this replaces)."""
    found, uniques = pd.factorize(column, use_na_sentinel=False)
    return found.astype(np.int32), np.asarray(uniques, dtype=object)


@dataclass
class Tally:
    """Per incoming event (in events order): its row position, counterpart code, local day and hour,
    whether it is a call, a `collection`-category event, in the disallowed hours."""

    rows: np.ndarray
    cp: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    call: np.ndarray
    collection: np.ndarray
    night: np.ndarray
    numbers: np.ndarray  # counterpart text of each code (codes cover every event, not only incoming)
    groups: dict[str, set[int]]  # collector group name (facts.group_column) → counterpart codes in it
    msg_groups: set[str]  # groups with a received collection message
    tag_codes: np.ndarray  # per incoming row: code of its raw `tags` value
    tag_values: np.ndarray
    time_unit: str
    _daily: pd.DataFrame | None = field(default=None, repr=False)
    _index: dict | None = field(default=None, repr=False)

    @property
    def collection_msgs(self) -> np.ndarray:
        return ~self.call & self.collection

    def codes_for(self, numbers: list[str]) -> np.ndarray:
        """The codes of those of `numbers` that occur in events."""
        if self._index is None:
            self._index = {v: i for i, v in enumerate(self.numbers)}
        return np.array(sorted({self._index[n] for n in numbers if n in self._index}), dtype=np.int64)

    def member(self, codes: np.ndarray) -> np.ndarray:
        """Boolean look-up table over counterpart codes."""
        out = np.zeros(len(self.numbers), dtype=bool)
        out[codes] = True
        return out

    def daily(self) -> pd.DataFrame:
        """Incoming events per (counterpart code, day, call, collection): columns cp, day, call,
        collection, n — one row per combination that occurs."""
        if self._daily is None:
            base = int(self.day.min()) if len(self.day) else 0
            width = int(self.day.max()) - base + 1 if len(self.day) else 1
            key = self.cp.astype(np.int64)  # ((cp, day), call, collection) packed into one integer, in place
            key *= width
            key += self.day
            key -= base
            key *= 2
            key += self.call
            key *= 2
            key += self.collection
            keys, counts = key_counts(key, len(self.numbers) * width * 4)
            self._daily = pd.DataFrame({"cp": keys // 4 // width, "day": keys // 4 % width + base,
                                        "call": (keys // 2 % 2).astype(bool), "collection": (keys % 2).astype(bool),
                                        "n": counts})
        return self._daily

    def first_rows(self, mask: np.ndarray, per_number: int) -> np.ndarray:
        """Positions (into the incoming arrays) of the first `per_number` rows of each counterpart
        where `mask` holds, ascending."""
        where = np.flatnonzero(mask)
        cp = self.cp[where]
        order = stable_order(cp)
        starts = np.r_[0, np.flatnonzero(np.diff(cp[order])) + 1]
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        return np.sort(where[order[rank < per_number]])


def build_tally(events: pd.DataFrame, profile, night_hours: tuple[int, int]) -> Tally:
    """One pass over the columns the report reads; `profile` (rules.RuleProfile or None) decides the
    disallowed hours, else `night_hours` (start, end)."""
    rows = np.flatnonzero(incoming_mask(events)).astype(np.int32)  # the one definition of incoming contact
    day, hour, night = _clock(events["local_time"], rows, profile, night_hours)
    call = mask_eq(events["kind"], "call")[rows]
    collection = mask_eq(events["category"], "collection")[rows]
    cp_all, numbers = codes_of(events["counterpart"])
    groups, msg_groups = _groups(events, cp_all, numbers, rows[~call & collection])
    cp = cp_all[rows]
    del cp_all
    tag_all, tag_values = codes_of(events["tags"])
    unit = np.datetime_data(events["local_time"].dtype.base)[0]  # tz-aware or naive
    return Tally(rows=rows, cp=cp, day=day, hour=hour, call=call, collection=collection, night=night,
                 numbers=numbers, groups=groups, msg_groups=msg_groups, tag_codes=tag_all[rows],
                 tag_values=tag_values, time_unit=unit)


def _clock(local_time: pd.Series, rows: np.ndarray, profile, night_hours: tuple[int, int]):
    """(day, hour, night) of the given rows, a slice at a time (datetime work makes several int64 copies)."""
    day, hour, night = np.empty(len(rows), np.int32), np.empty(len(rows), np.int8), np.empty(len(rows), bool)
    for lo in range(0, len(rows), CHUNK_ROWS):
        hi = lo + CHUNK_ROWS
        part = local_time.take(rows[lo:hi])
        wall = wall_ns(part)
        d, h = wall // DAY_NS, (wall // 3_600_000_000_000) % 24
        day[lo:hi], hour[lo:hi] = d, h
        if profile is not None:
            night[lo:hi] = profile.is_disallowed(part).to_numpy(dtype=bool)
        else:
            night[lo:hi] = (h >= night_hours[0]) | (h < night_hours[1])
    return day, hour, night


def _groups(events: pd.DataFrame, cp_all: np.ndarray, numbers: np.ndarray,
            msg_rows: np.ndarray) -> tuple[dict[str, set[int]], set[str]]:
    """Collector group of every event (its entity when set, else its number) as name → counterpart
    codes, and the groups of `msg_rows`; worked out per distinct (entity, number) pair."""
    if "entity" in events.columns:
        ent_all, entities = codes_of(events["entity"])
    else:
        ent_all, entities = np.zeros(len(events), dtype=np.int32), np.array([""], dtype=object)
    width = len(numbers)

    def pairs(at: np.ndarray | slice) -> set[int]:
        return set(pd.unique(ent_all[at].astype(np.int64) * width + cp_all[at]).tolist())

    every = set().union(*(pairs(slice(lo, lo + CHUNK_ROWS)) for lo in range(0, len(cp_all), CHUNK_ROWS)))
    names = {}

    def name(pair: int) -> str:
        if pair not in names:
            ent = entities[pair // width]
            ent = "" if pd.isna(ent) else str(ent)
            names[pair] = ent if ent != "" else numbers[pair % width]
        return names[pair]

    groups: dict[str, set[int]] = {}
    for pair in sorted(every):
        groups.setdefault(name(pair), set()).add(pair % width)
    msg_groups = {name(p) for p in pairs(msg_rows)}
    return groups, msg_groups
