"""KeywordClassifier: lexicon + jieba word boundaries → category, tags, matched terms, score.

Collection SMS are templates, so work is done per distinct text, in stages that each shrink the set:
exact bodies → digits/names masked → normalized → matched. Terms are found with an Aho-Corasick
automaton; a hit counts only where it starts and ends on a jieba word boundary ("马上门口" holds no
上门), computed by the classifier's own `jieba.Tokenizer` (never the global one) and only for texts
that have a candidate term at all.
"""
from __future__ import annotations

import re
import os
import tempfile
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import ahocorasick
import jieba
import numpy as np
import pandas as pd

from .lexicon import CONTEXT_TAG, NONE_TAG, TAGS, Entry, default_lexicon_files, default_variant_files
from .lexicon import merge, read_lexicon
from . import jieba_dict
from .distinct import arrow_codes, template_codes
from .normalize import Normalizer, mask_names, mask_names_arrow

# Official short numbers: court (12368), procuratorate (12309), police (110, 12110), anti-fraud
# centre (96110), MIIT anti-fraud warnings (12381), spam reporting (12321).
OFFICIAL_SENDERS = frozenset({"12368", "12309", "110", "12110", "96110", "12381", "12321"})
RESULT_COLUMNS = ["category", "tags", "matched_terms", "score"]
_JOIN = ";"
_FUNCTION_CHARS = re.compile(r"[你您他她其我的了]")
MAX_CLASSIFIED_CHARS = 20_000
# The template stages that run on Arrow arrays (before the normalizer, which runs per distinct template).
ARROW_STAGES = [(mask_names, mask_names_arrow)]


def arrow_template_codes(texts: "pa.ChunkedArray") -> tuple[np.ndarray, "pa.Array"]:
    """The Arrow stages of the classifier's templates over a text column: (codes, dictionary), the
    `known` of result_table for those texts. Parse workers run it on the bodies they read."""
    return arrow_codes(texts, MAX_CLASSIFIED_CHARS, [arrow for _, arrow in ARROW_STAGES])


# One tokenizer per vocabulary per process, shared by classifiers (its dictionary groups load once).
_TOKENIZERS: dict[tuple[str, ...], "jieba.Tokenizer"] = {}
_JIEBA_BLOCK = jieba.re_han_default  # the runs jieba.cut segments independently


class _Hit(NamedTuple):
    start: int
    end: int
    entry: Entry
    segments: tuple[tuple[int, int], ...]  # literal stretches; a gap's middle is not one


class KeywordClassifier:
    """Scikit-learn-like: parameters in __init__, `fit()` loads lexicons, `predict(texts)` classifies.

    threshold      total weight a message needs to be `collection`
    tag_threshold  weight a tag needs to be reported (and at least one tag must reach it)
    lexicon_files  extra lexicon files, applied after the packaged ones (override by term and tag)
    """

    def __init__(self, lexicon_files: Sequence[str | Path] = (), threshold: float = 2.0,
                 tag_threshold: float = 1.0, official_senders: Iterable[str] = OFFICIAL_SENDERS,
                 use_default_lexicon: bool = True) -> None:
        self.lexicon_files = lexicon_files
        self.threshold = threshold
        self.tag_threshold = tag_threshold
        self.official_senders = official_senders
        self.use_default_lexicon = use_default_lexicon

    # ------------------------------------------------------------------ fitting
    def fit(self, texts: object = None, y: object = None) -> KeywordClassifier:
        """Load and compile the lexicons (texts/y are ignored: the model is the lexicon)."""
        self.normalizer_ = Normalizer(default_variant_files())
        files = (default_lexicon_files() if self.use_default_lexicon else []) + [Path(f) for f in self.lexicon_files]
        self.entries_ = merge([read_lexicon(path, self.normalizer_.normalize) for path in files])
        # One automaton finds literal terms and the first halves of gap patterns (which then get their regex).
        literal: dict[str, list[Entry]] = {}
        triggers: dict[str, list[int]] = {}
        self.gaps_ = [(entry, entry.gap_regex()) for entry in self.entries_ if entry.is_gap]
        for entry in self.entries_:
            if not entry.is_gap:
                literal.setdefault(entry.term, []).append(entry)
        for index, (entry, _) in enumerate(self.gaps_):
            for first in entry.parts[0]:
                triggers.setdefault(first, []).append(index)
        self.automaton_ = ahocorasick.Automaton()
        for word in literal.keys() | triggers.keys():
            self.automaton_.add_word(word, (len(word), tuple(literal.get(word, ())), tuple(triggers.get(word, ()))))
        if len(self.automaton_):
            self.automaton_.make_automaton()
        words = set(literal) | {w for e, _ in self.gaps_ for alts in e.parts for w in alts}
        self.user_words_ = sorted(w for w in words if len(w) >= 2 and not _FUNCTION_CHARS.search(w))
        self.official_ = frozenset(self.official_senders)
        self._tokenizer: jieba.Tokenizer | None = None
        self._block_cuts: dict[str, frozenset[int]] = {}
        return self

    def warm_up(self) -> None:
        """Fit if needed and set up jieba (its dictionary groups for the vocabulary: ~0.2 s, ~1 s the first
        time on a machine), e.g. while worker processes parse the input."""
        if not hasattr(self, "entries_"):
            self.fit()
        self._jieba()

    def _jieba(self) -> jieba.Tokenizer:
        """Own tokenizer with the collection vocabulary, built on first need; its cache goes to the temp dir."""
        if self._tokenizer is None:
            self._tokenizer = _TOKENIZERS.get(tuple(self.user_words_))
        if self._tokenizer is None:
            tokenizer = jieba.Tokenizer()
            try:
                tokenizer.tmp_dir = tempfile.gettempdir()
            except OSError:  # no writable temp folder at all: no cache (jieba_dict skips what fails)
                tokenizer.tmp_dir = os.getcwd()
            jieba_dict.prepare(tokenizer)  # the dictionary a first character at a time (jieba_dict.py)
            for word in self.user_words_:
                jieba_dict.ensure(tokenizer, word)
                # Just frequent enough to stay whole when alone, not so frequent it swallows neighbours.
                tokenizer.suggest_freq(word, tune=True)
            self._tokenizer = _TOKENIZERS[tuple(self.user_words_)] = tokenizer
        return self._tokenizer

    # ------------------------------------------------------------------ prediction
    def predict(self, texts: Iterable[object], senders: Iterable[object] | None = None) -> pd.DataFrame:
        """One row per text (same order): category, tags, matched_terms ("tag:words;..."), score."""
        codes, table = self.result_table(texts, senders)
        dtypes = {name: "float64" if name == "score" else object for name in RESULT_COLUMNS}
        return pd.DataFrame({name: pd.Series(np.array(values, dtype=dtypes[name])[codes], dtype=dtypes[name],
                                             copy=False) for name, values in table.items()})

    def result_table(self, texts: Iterable[object], senders: Iterable[object] | None = None,
                     known: tuple[np.ndarray, np.ndarray, "pa.Array"] | None = None
                     ) -> tuple[np.ndarray, dict[str, list]]:
        """Per text, its row in a small table of distinct results (one list per RESULT_COLUMNS name).

        Lets a caller build the result columns with one take each instead of one Python object per text.
        `known`: (mask, codes, dictionary) from `arrow_template_codes` for some of the texts.
        """
        if not hasattr(self, "entries_"):
            self.fit()
        # Only a text's head is classified: an SMS is short, and a crafted 10 MB body would keep jieba
        # busy for half a minute (the body itself is kept whole in the event table).
        codes, distinct = template_codes(texts, MAX_CLASSIFIED_CHARS, [*ARROW_STAGES, self.normalizer_.normalize],
                                         known=known)
        results = [self.classify_normalized(text) for text in distinct]
        table = {name: [r[i] for r in results] for i, name in enumerate(RESULT_COLUMNS)}
        if senders is not None:
            official = self._is_official(senders)
            if official.any():  # a second block of rows: same terms and score, category other, no tags
                count = len(results)
                codes = codes + count * official
                table["category"] += ["other"] * count
                table["tags"] += [""] * count
                table["matched_terms"] += table["matched_terms"]
                table["score"] += table["score"]
        return codes, table

    def _is_official(self, senders: Iterable[object]) -> np.ndarray:
        """Per sender, whether it is an official short number (decided once per distinct sender)."""
        if not isinstance(senders, pd.Series):
            senders = pd.Series(list(senders), dtype=object)
        codes, uniques = pd.factorize(senders)  # a missing sender gets -1: the last verdict below
        verdict = [_short_number(s) in self.official_ for s in uniques] + [_short_number(None) in self.official_]
        return np.array(verdict, dtype=bool)[codes]

    def classify_normalized(self, text: str) -> tuple[str, str, str, float]:
        """Category, tags, matched terms and score of one normalized, masked text."""
        hits = self._candidates(text)
        if not hits:
            return ("other", "", "", 0.0)
        hits = self._on_word_boundaries(text, hits)
        hits = _drop_covered(hits)
        seen: set[tuple[str, str]] = set()
        kept: list[_Hit] = []
        for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
            key = (hit.entry.term, hit.entry.tag)
            if key not in seen:
                seen.add(key)
                kept.append(hit)
        tag_score = {tag: 0.0 for tag in TAGS}
        context, other = 0.0, 0.0
        for hit in kept:
            if hit.entry.tag == CONTEXT_TAG:
                context = max(context, hit.entry.weight)
            elif hit.entry.tag == NONE_TAG:
                other += hit.entry.weight
            else:
                tag_score[hit.entry.tag] += hit.entry.weight
        score = round(sum(tag_score.values()) + context + other, 3)
        tags = [t for t in TAGS if tag_score[t] >= self.tag_threshold]
        is_collection = bool(tags) and score >= self.threshold
        if not is_collection:
            tags = []
        elif "third_party" in tags and "reminder" in tags:
            tags.remove("reminder")  # pressing someone to get another person to pay is third_party
        shown = set(tags) | {CONTEXT_TAG} if is_collection else set(TAGS) | {CONTEXT_TAG}
        terms = [f"{h.entry.tag}:{text[h.start:h.end]}" for h in kept
                 if h.entry.tag in shown and h.entry.weight > 0]
        return ("collection" if is_collection else "other", _JOIN.join(tags), _JOIN.join(terms), score)

    def _candidates(self, text: str) -> list[_Hit]:
        hits: list[_Hit] = []
        if not len(self.automaton_):
            return hits
        gaps: set[int] = set()
        for end, (length, entries, triggers) in self.automaton_.iter(text):
            start = end + 1 - length
            for entry in entries:
                hits.append(_Hit(start, end + 1, entry, ((start, end + 1),)))
            gaps.update(triggers)
        for index in sorted(gaps):
            entry, regex = self.gaps_[index]
            for m in regex.finditer(text):
                hits.append(_Hit(m.start(), m.end(), entry, (m.span(1), m.span(2))))
        return hits

    def _on_word_boundaries(self, text: str, hits: list[_Hit]) -> list[_Hit]:
        """Keep hits whose every stretch starts and ends between two jieba words.

        jieba segments each run of Han/alphanumeric characters on its own, so only the runs holding a
        hit's end point are cut, and each distinct run once (templates share most of their clauses).
        """
        points = {p for h in hits for seg in h.segments for p in seg}
        inner_ok: set[int] = set()
        inner_all: set[int] = set()
        for block in _JIEBA_BLOCK.finditer(text):
            start, end = block.span()
            inside = [p for p in points if start < p < end]
            if not inside:
                continue
            cuts = self._block_cuts.get(block.group())
            if cuts is None:
                cuts = self._cut_offsets(block.group())
            inner_all.update(inside)
            inner_ok.update(p for p in inside if p - start in cuts)
        bad = inner_all - inner_ok
        return [h for h in hits if not any(p in bad for seg in h.segments for p in seg)]

    def _cut_offsets(self, block: str) -> frozenset[int]:
        if len(self._block_cuts) > 200_000:
            self._block_cuts.clear()
        offsets, position = set(), 0
        tokenizer = self._jieba()
        jieba_dict.ensure(tokenizer, block)  # jieba looks up pieces of the block only
        for word in tokenizer.cut(block, HMM=False):
            position += len(word)
            offsets.add(position)
        cuts = self._block_cuts[block] = frozenset(offsets)
        return cuts


def _drop_covered(hits: list[_Hit]) -> list[_Hit]:
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

    def covered(h: _Hit) -> bool:
        lo, hi = bisect_left(starts, h.start), bisect_right(starts, h.start)
        if lo and running_max[lo - 1] >= h.end:  # starts strictly before, ends at or after
            return True
        return hi > lo and stretches[hi - 1][1] > h.end  # same start, ends later (sorted: last is max)
    return [h for h in hits if not covered(h)]


def _short_number(sender: object) -> str:
    digits = re.sub(r"\D", "", str(sender)) if sender is not None else ""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) <= 6:
            return digits[len(prefix):]
    return digits
