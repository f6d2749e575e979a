"""Which collection messages a collector's section quotes (`pick_examples`), and the few rows it can pick
from (`candidates`), found without hashing every message body.

`pick_examples` drops repeated bodies, then takes the earliest message of each tag, most serious first,
then rows with a tag combination not shown yet, then any others. Each of those looks only at the first
few rows of a tag combination (at most EXAMPLES + len(TAG_SEVERITY) rows of one combination can be
passed over), so the first KEEP distinct-body rows of each combination give the same picks as all rows.

Finding distinct bodies: hashing a million bodies costs ~0.5 s, while testing them against a small set
of known bodies costs ~30 ms; so the bodies of the first rows of each combination are looked up in
rounds, until each combination has KEEP rows known to be the first with their body (or has no row left
whose body is unknown).
"""
from __future__ import annotations

from itertools import islice

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..analysis.columns import stable_order

# Most serious first: examples quote these before plain reminders.
TAG_SEVERITY = ("violence", "impersonation", "exposure", "legal_threat", "visit_threat", "insult",
                "third_party", "reminder")
EXAMPLES = 5
KEEP = EXAMPLES + len(TAG_SEVERITY) + 1
ROUNDS = 6  # then every remaining body of an unfinished combination is looked up at once


def pick_examples(msgs: pd.DataFrame) -> list[dict]:
    """Up to EXAMPLES distinct collection messages: the earliest of each tag, most serious tag first,
    then the earliest untagged; shown in time order. `msgs` has columns ts_ms, event_id, timestamp,
    counterpart, body, tags."""
    columns = ("ts_ms", "event_id", "timestamp", "counterpart", "body", "tags")
    return pick_from(list(zip(*(msgs[c].tolist() for c in columns))))


QUOTED_CHARS = 2_000  # a message quoted in a report or pack; events.csv and evidence.xlsx hold every text whole


def clip_body(body: object, event_id: object) -> object:
    """A message as quoted in a report: as it is when short (nearly every SMS) or missing, else its first
    QUOTED_CHARS characters and where the full text is (a 10 MB "message" must not become 1,000 PDF pages)."""
    if not isinstance(body, str) or len(body) <= QUOTED_CHARS:
        return body
    text = body
    return (f"{text[:QUOTED_CHARS]}\n…（全文 {len(text):,} 字，见 events.csv {event_id} / "
            f"{len(text):,} characters in all: events.csv {event_id}）")


def pick_from(rows: list[tuple]) -> list[dict]:
    """pick_examples over (ts_ms, event_id, timestamp, counterpart, body, tags) tuples: plain Python,
    since it sees a few dozen candidate rows per collector."""
    ordered, bodies = [], set()
    for row in sorted(rows, key=lambda r: (r[0], r[1])):  # drop repeated bodies, earliest kept
        body = _key(row[4])
        if body not in bodies:
            bodies.add(body)
            ordered.append(row)
    combos = [_key(r[5]) for r in ordered]
    tags = [";" + ("" if c is _MISSING else str(c)) + ";" for c in combos]
    picked: list[int] = []
    for tag in TAG_SEVERITY:
        needle = f";{tag};"
        hits = islice((i for i, t in enumerate(tags) if needle in t), len(picked) + 1)
        fresh = [i for i in hits if i not in picked]
        if fresh:
            picked.append(fresh[0])
    # Then rows whose tag combination is not shown yet, then any others (each in time order).
    shown = {combos[i] for i in picked}
    rest = [i for i in range(len(ordered)) if i not in picked]
    picked += ([i for i in rest if combos[i] not in shown][:EXAMPLES]
               + [i for i in rest if combos[i] in shown][:EXAMPLES])
    return [{"event_id": r[1], "timestamp": r[2], "counterpart": r[3], "body": clip_body(r[4], r[1]), "tags": r[5]}
            for r in (ordered[i] for i in sorted(picked[:EXAMPLES]))]


_MISSING = object()


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _key(value):
    """Missing values are equal to each other (as in pandas drop_duplicates and isin)."""
    return _MISSING if _missing(value) else value


def candidates(body: pa.Array, rows: list[np.ndarray], combos: list[np.ndarray], keep: int = KEEP) -> list[np.ndarray]:
    """For each collector k: `rows[k]` are its collection messages (positions in `body`) in time order,
    `combos[k]` a tag-combination code per row. Returns, per collector and in the same order, the first
    `keep` rows of each combination among the rows whose body does not occur earlier in rows[k]."""
    sizes = [len(r) for r in rows]
    if not sum(sizes):
        return [np.zeros(0, dtype=np.int64) for _ in rows]
    pos = np.concatenate(rows)
    who = np.repeat(np.arange(len(rows), dtype=np.int32), sizes)
    key = who.astype(np.int64) * (int(max(c.max() for c in combos if len(c))) + 1) + np.concatenate(combos)
    group, distinct = pd.factorize(key, sort=True)  # (collector, combination) → dense code in key order
    del key
    perm = stable_order(group)  # rows grouped by (collector, combination), time order within
    seg = group[perm].astype(np.int32)  # group of each grouped row
    del group
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    ends = np.r_[starts[1:], len(seg)]
    body_id = np.full(len(pos), -1, dtype=np.int32)  # per row: index of its body among `known`, -1 unknown
    known: dict = {}
    unfinished = np.ones(len(starts), dtype=bool)
    width = keep
    for round_ in range(ROUNDS + 1):
        # look up the bodies of the first `width` rows of unknown body in each unfinished group
        unknown = body_id[perm] < 0
        if round_ < ROUNDS:
            seen = np.cumsum(unknown, dtype=np.int32)
            rank = seen - 1 - np.r_[np.int32(0), seen][starts][seg]
            unknown &= rank < width
            del seen, rank
        unknown &= unfinished[seg]
        fresh = [t for t in dict.fromkeys(body.take(pos[perm[unknown]]).to_pylist()) if t not in known]
        if fresh:
            base = len(known)
            known.update((t, base + i) for i, t in enumerate(fresh))
            found = pc.index_in(body, value_set=pa.array(fresh, type=body.type)).fill_null(-1)
            hit = found.to_numpy(zero_copy_only=False)[pos]
            del found
            body_id[hit >= 0] = hit[hit >= 0] + base
            del hit
        first = _first_with_body(who, body_id, len(known))[perm]
        unknown = body_id[perm] < 0
        first_unknown = ends.copy()
        where = np.flatnonzero(unknown)
        segs, at = np.unique(seg[where], return_index=True)
        first_unknown[segs] = where[at]
        before = np.r_[0, np.cumsum(first, dtype=np.int32)]
        unfinished = (before[first_unknown] - before[starts] < keep) & (first_unknown < ends)
        if not unfinished.any():
            break
        width *= 2
    rank = np.cumsum(first, dtype=np.int32) - 1 - np.r_[np.int32(0), np.cumsum(first, dtype=np.int32)][starts][seg]
    chosen = np.sort(perm[first & (rank < keep)])  # back to collector-major, time order
    bounds = np.r_[0, np.cumsum(sizes)]
    cut = np.searchsorted(chosen, bounds)
    return [pos[chosen[cut[k]:cut[k + 1]]] for k in range(len(rows))]


def _first_with_body(who: np.ndarray, body_id: np.ndarray, n_bodies: int) -> np.ndarray:
    """True on each row whose (collector, known body) did not occur on an earlier row."""
    out = np.zeros(len(who), dtype=bool)
    known = np.flatnonzero(body_id >= 0)
    if len(known):
        _, first = np.unique(who[known].astype(np.int64) * max(n_bodies, 1) + body_id[known], return_index=True)
        out[known[first]] = True
    return out
