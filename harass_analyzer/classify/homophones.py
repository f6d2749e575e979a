"""Pinyin look-ups of lexicon terms: homophones written in characters ("渝期", "崔收") and spellings in Latin
letters ("cuishou", "yu期").

The tables are built at development time with pypinyin (scripts/train_classifier.py, `build_tables`) and
stored in the model file, so nothing but the standard library is needed at run time.
"""
from __future__ import annotations

import re
from itertools import product
from typing import Iterable

import ahocorasick

_CJK_TERM = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
MIN_FULL_SPELLING = 5  # "lian" (立案) is also 脸: whole-pinyin spellings must be at least this long


def build_tables(terms: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(syllable → every CJK character read that way, spelling → term) for the terms' syllables.

    Development time only: imports pypinyin.
    """
    from pypinyin import Style, pinyin

    terms = sorted({t for t in terms if _CJK_TERM.match(t)})
    readings: dict[str, list[str]] = {}
    for char in {c for t in terms for c in t}:
        readings[char] = [r for r in pinyin(char, style=Style.NORMAL, heteronym=True)[0] if r.isalpha()][:3]
    wanted = {r for rs in readings.values() for r in rs}
    chars: dict[str, list[str]] = {s: [] for s in wanted}
    for code in range(0x4E00, 0x9FA6):
        char = chr(code)
        for reading in pinyin(char, style=Style.NORMAL, heteronym=True)[0]:
            if reading in chars:
                chars[reading].append(char)
    spellings: dict[str, str] = {}
    for term in terms:
        options = [[c] + readings[c][:2] for c in term]
        for combo in product(*options):
            spelled = "".join(combo)
            if spelled == term:
                continue
            if all(part.isascii() for part in combo) and len(spelled) < MIN_FULL_SPELLING:
                continue
            spellings.setdefault(spelled, term)
    return {s: "".join(sorted(set(c))) for s, c in sorted(chars.items())}, dict(sorted(spellings.items()))


class Homophones:
    """Finds windows of a text that read like a lexicon term but have one character written differently
    ("鱼期", "渝期" for 逾期; "崔收" for 催收).

    Each term is indexed once per place with that place left open ("?期"), so a window is looked up by
    its own characters with one place left open: a few dict look-ups per character of the text. Which
    characters sound like a term's character is worked out on first need from the syllable table.
    """

    def __init__(self, syllable_chars: dict[str, str], terms: Iterable[str]) -> None:
        self._syllable_chars = syllable_chars
        self._alike: dict[str, frozenset[str]] = {}
        self._open: dict[str, list[tuple[str, int]]] = {}
        self._places: dict[str, int] = {}  # character → bit mask of the places it holds in some term
        for term in sorted({t for t in terms if _CJK_TERM.match(t)}):
            for place, char in enumerate(term):
                self._open.setdefault(term[:place] + "\0" + term[place + 1:], []).append((term, place))
                self._places[char] = self._places.get(char, 0) | 1 << place

    def _sounds_like(self, char: str) -> frozenset[str]:
        alike = self._alike.get(char)
        if alike is None:
            alike = frozenset(c for chars in self._syllable_chars.values() if char in chars for c in chars)
            self._alike[char] = alike
        return alike

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) of every window that differs from `term` in one character read like it."""
        hits = set()
        opened = self._open
        places = self._places
        for start in range(len(text) - 1):
            if not (places.get(text[start], 0) & 1 or places.get(text[start + 1], 0) & 2):
                continue  # a window needs its first or second character in place in some term
            for size in (2, 3, 4):
                window = text[start:start + size]
                if len(window) < size:
                    break
                for place in range(size):
                    for term, _ in opened.get(window[:place] + "\0" + window[place + 1:], ()):
                        char = window[place]
                        if char != term[place] and char in self._sounds_like(term[place]):
                            hits.add((start, start + size, term))
        return sorted(hits)


class Spellings:
    """Replaces Latin spellings of lexicon terms ("cuishou", "yu期", "逾qi") by the term; a spelling counts only
    where it is not part of a longer run of letters."""

    def __init__(self, spellings: dict[str, str]) -> None:
        self._table = spellings
        self._automaton = ahocorasick.Automaton()
        for spelled in spellings:
            self._automaton.add_word(spelled, spelled)
        if len(self._automaton):
            self._automaton.make_automaton()

    def replace(self, text: str) -> str:
        if not len(self._automaton):
            return text
        best: dict[int, str] = {}
        for end, spelled in self._automaton.iter(text):
            start = end + 1 - len(spelled)
            before = text[start - 1] if start else ""
            after = text[end + 1] if end + 1 < len(text) else ""
            if (spelled[0].isascii() and before.isascii() and before.isalpha()) or \
                    (spelled[-1].isascii() and after.isascii() and after.isalpha()):
                continue
            if len(spelled) > len(best.get(start, "")):
                best[start] = spelled
        if not best:
            return text
        out, position = [], 0
        for start in sorted(best):
            if start < position:
                continue
            out.append(text[position:start])
            out.append(self._table[best[start]])
            position = start + len(best[start])
        out.append(text[position:])
        return "".join(out)
