"""Lexicon files: one term a line, `TERM  TAG  WEIGHT` (see lexicons/collection.txt for the syntax).

Terms are normalized like message text, `{a|b}` alternatives are expanded, `A...B` becomes a gap
pattern matched within one clause. A later file overrides the weight of the same (term, tag), so a
user file given with `--lexicon` can add terms, re-weight them, or switch them off with weight 0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from itertools import product
from pathlib import Path
from typing import Callable

from ..errors import ConfigError
from ..optfiles import read_option_text

TAGS = ("reminder", "legal_threat", "visit_threat", "third_party", "exposure", "insult", "impersonation",
        "violence")
CONTEXT_TAG = "debt"  # says there is a debt; only the strongest one counts
NONE_TAG = "none"  # cue of a non-collection message
ALL_TAGS = (*TAGS, CONTEXT_TAG, NONE_TAG)
GAP = "..."
MAX_GAP = 12
# Clause punctuation (after NFKC) a gap may not cross.
_CLAUSE_END = r",;:!?。\n"
_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Entry:
    """One lexicon line after expansion: a literal term or a gap pattern (`parts` = alternatives of A and B)."""

    term: str
    tag: str
    weight: float
    origin: str  # "file:line", for error messages and the lexicon report
    parts: tuple[tuple[str, ...], ...] = ()

    @property
    def is_gap(self) -> bool:
        return bool(self.parts)

    def gap_regex(self) -> re.Pattern[str]:
        first, second = ("|".join(re.escape(a) for a in sorted(alts, key=len, reverse=True))
                         for alts in self.parts)
        return re.compile(f"({first})[^{_CLAUSE_END}]{{0,{MAX_GAP}}}?({second})")


def default_lexicon_files() -> list[Path]:
    folder = resources.files("harass_analyzer.classify") / "lexicons"
    return [Path(str(folder / "collection.txt")), Path(str(folder / "not_collection.txt"))]


def default_variant_files() -> list[Path]:
    return [Path(str(resources.files("harass_analyzer.classify") / "lexicons" / "variants.txt"))]


def expand(pattern: str) -> list[str]:
    """`逾期{0|三}{天|个月}` → every combination; `{的|}` allows an empty alternative."""
    pieces = _ALTERNATIVES.split(pattern)  # literal, alternatives, literal, ...
    if "{" in pieces[-1] or "}" in "".join(pieces[::2]):
        raise ValueError("unbalanced braces")
    choices = [[p] if i % 2 == 0 else p.split("|") for i, p in enumerate(pieces)]
    return ["".join(combo) for combo in product(*choices)]


def read_lexicon(path: Path, normalize: Callable[[str], str]) -> list[Entry]:
    """Parse one lexicon file; any malformed line is a ConfigError naming file and line."""
    lines = read_option_text(path, "lexicon").splitlines()
    entries: list[Entry] = []
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        origin = f"{path.name}:{number}"
        fields = line.split()
        if len(fields) not in (2, 3):
            raise ConfigError(f"{path}:{number}: expected 'TERM TAG [WEIGHT]', got {raw.strip()!r}")
        pattern, tag = fields[0], fields[1].lower()
        if tag not in ALL_TAGS:
            raise ConfigError(f"{path}:{number}: unknown tag {tag!r} (one of {', '.join(ALL_TAGS)})")
        try:
            weight = float(fields[2]) if len(fields) == 3 else 1.0
        except ValueError:
            raise ConfigError(f"{path}:{number}: weight {fields[2]!r} is not a number") from None
        try:
            entries.extend(_entries(pattern, tag, weight, origin, normalize))
        except ValueError as exc:
            raise ConfigError(f"{path}:{number}: {pattern!r}: {exc}") from None
    return entries


def _entries(pattern: str, tag: str, weight: float, origin: str,
             normalize: Callable[[str], str]) -> list[Entry]:
    if GAP in pattern:
        halves = pattern.split(GAP)
        if len(halves) != 2 or not all(halves):
            raise ValueError(f"a gap pattern needs text on both sides of one '{GAP}'")
        parts = tuple(tuple(sorted({normalize(t) for t in expand(h)} - {""})) for h in halves)
        return [Entry(pattern, tag, weight, origin, parts)]
    terms = {normalize(t) for t in expand(pattern)} - {""}
    return [Entry(term, tag, weight, origin) for term in sorted(terms)]


def merge(entry_lists: list[list[Entry]]) -> list[Entry]:
    """Later entries override earlier ones with the same (term, tag); weight 0 keeps a term as a swallower."""
    merged: dict[tuple[str, str], Entry] = {}
    for entries in entry_lists:
        for entry in entries:
            merged.pop((entry.term, entry.tag), None)
            merged[(entry.term, entry.tag)] = entry
    return list(merged.values())
