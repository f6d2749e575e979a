"""Finding lexicon terms in a normalized text: one Aho-Corasick automaton for literal terms and for the
first halves of gap patterns (A...B), which then get their regex; and dropping hits that lie inside a
longer one. The classifier keeps the hits that sit on jieba word boundaries (classifier.py)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple

import ahocorasick

from .lexicon import Entry


class Hit(NamedTuple):
    start: int
    end: int
    entry: Entry
    segments: tuple[tuple[int, int], ...]  # literal stretches; a gap's middle is not one


class Matcher:
    """Finds the terms of some lexicon entries in a text: one automaton for literal terms and the first
    halves of gap patterns (which then get their regex)."""

    def __init__(self, entries: list[Entry]) -> None:
        literal: dict[str, list[Entry]] = {}
        triggers: dict[str, list[int]] = {}
        self.gaps = [(entry, entry.gap_regex()) for entry in entries if entry.is_gap]
        for entry in entries:
            if not entry.is_gap:
                literal.setdefault(entry.term, []).append(entry)
        for index, (entry, _) in enumerate(self.gaps):
            for first in entry.parts[0]:
                triggers.setdefault(first, []).append(index)
        self.literal = literal
        self.automaton = ahocorasick.Automaton()
        for word in literal.keys() | triggers.keys():
            self.automaton.add_word(word, (len(word), tuple(literal.get(word, ())), tuple(triggers.get(word, ()))))
        if len(self.automaton):
            self.automaton.make_automaton()

    def words(self) -> set[str]:
        return set(self.literal) | {w for e, _ in self.gaps for alts in e.parts for w in alts}

    def candidates(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        if not len(self.automaton):
            return hits
        gaps: set[int] = set()
        for end, (length, entries, triggers) in self.automaton.iter(text):
            start = end + 1 - length
            for entry in entries:
                hits.append(Hit(start, end + 1, entry, ((start, end + 1),)))
            gaps.update(triggers)
        for index in sorted(gaps):
            entry, regex = self.gaps[index]
            for m in regex.finditer(text):
                hits.append(Hit(m.start(), m.end(), entry, (m.span(1), m.span(2))))
        return hits


def drop_covered(hits: list[Hit]) -> list[Hit]:
    """A hit lying inside a longer literal stretch of another hit is explained by that one.

    A stretch (s, e) is longer and covers [start, end) exactly when s <= start, end <= e and it is not
    [start, end) itself; found with sorted starts and a running max of ends (O(n log n): a crafted
    10 MB body holds millions of hits, and the pairwise check never finished).
    """
    stretches = sorted((s, e) for h in hits for s, e in h.segments)
    starts = [s for s, _ in stretches]
    running_max, best = [], -1
    for _, e in stretches:
        best = max(best, e)
        running_max.append(best)

    def covered(h: Hit) -> bool:
        lo, hi = bisect_left(starts, h.start), bisect_right(starts, h.start)
        if lo and running_max[lo - 1] >= h.end:  # starts strictly before, ends at or after
            return True
        return hi > lo and stretches[hi - 1][1] > h.end  # same start, ends later (sorted: last is max)
    return [h for h in hits if not covered(h)]
