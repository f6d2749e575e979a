"""KeywordClassifier: lexicon + jieba word boundaries → category, tags, matched terms, score.

Collection SMS are templates, so work is done per distinct text, in stages that each shrink the set:
exact bodies → digits/names masked → normalized → matched. Terms are found with an Aho-Corasick
automaton; a hit counts only where it starts and ends on a jieba word boundary ("马上门口" holds no
上门), computed by the classifier's own `jieba.Tokenizer` (never the global one) and only for texts
that have a candidate term at all.
"""
from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import ahocorasick
import jieba
import numpy as np
import pandas as pd

from .lexicon import CONTEXT_TAG, NONE_TAG, TAGS, Entry, default_lexicon_files, default_variant_files
from .lexicon import merge, read_lexicon
from .normalize import Normalizer, mask_digits, mask_names

# Official short numbers: court (12368), procuratorate (12309), police (110, 12110), anti-fraud
# centre (96110), MIIT anti-fraud warnings (12381), spam reporting (12321).
OFFICIAL_SENDERS = frozenset({"12368", "12309", "110", "12110", "96110", "12381", "12321"})
RESULT_COLUMNS = ["category", "tags", "matched_terms", "score"]
_JOIN = ";"
_FUNCTION_CHARS = re.compile(r"[你您他她其我的了]")


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    entry: Entry
    segments: tuple[tuple[int, int], ...]  # literal stretches; a gap's middle is not one

    @property
    def text_len(self) -> int:
        return self.end - self.start


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
        term_form = lambda t: self.normalizer_.normalize(mask_digits(t))  # noqa: E731 - same path as text
        self.entries_ = merge([read_lexicon(path, term_form) for path in files])
        self.automaton_ = ahocorasick.Automaton()
        by_term: dict[str, list[Entry]] = {}
        for entry in self.entries_:
            if not entry.is_gap:
                by_term.setdefault(entry.term, []).append(entry)
        for term, entries in by_term.items():
            self.automaton_.add_word(term, (term, tuple(entries)))
        if by_term:
            self.automaton_.make_automaton()
        self.gaps_ = [(entry, entry.gap_regex()) for entry in self.entries_ if entry.is_gap]
        words = set(by_term) | {w for e, _ in self.gaps_ for alts in e.parts for w in alts}
        self.user_words_ = sorted(w for w in words if len(w) >= 2 and not _FUNCTION_CHARS.search(w))
        self.official_ = frozenset(self.official_senders)
        self._tokenizer: jieba.Tokenizer | None = None
        return self

    def _jieba(self) -> jieba.Tokenizer:
        """Own tokenizer with the collection vocabulary, built on first need; its cache goes to the temp dir."""
        if self._tokenizer is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.tmp_dir = tempfile.gettempdir()
            logger = logging.getLogger("jieba")
            level = logger.level
            logger.setLevel(logging.WARNING)  # silence "Building prefix dict ..." on stderr
            try:
                tokenizer.initialize()
            finally:
                logger.setLevel(level)
            for word in self.user_words_:
                # Just frequent enough to stay whole when alone, not so frequent it swallows neighbours.
                tokenizer.suggest_freq(word, tune=True)
            self._tokenizer = tokenizer
        return self._tokenizer

    # ------------------------------------------------------------------ prediction
    def predict(self, texts: Iterable[object], senders: Iterable[object] | None = None) -> pd.DataFrame:
        """One row per text (same order): category, tags, matched_terms ("tag:words;..."), score."""
        if not hasattr(self, "entries_"):
            self.fit()
        bodies = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts.to_numpy(), dtype=object)
        bodies = bodies.where(bodies.map(type) == str, "") if len(bodies) else bodies
        codes, uniques = pd.factorize(bodies)
        for stage in (mask_digits, mask_names, self.normalizer_.normalize):
            stage_codes, uniques = pd.factorize(pd.Series([stage(u) for u in uniques], dtype=object))
            codes = stage_codes[codes]
        results = [self.classify_normalized(text) for text in uniques]
        columns = {name: np.array([r[i] for r in results] or [], dtype=object)[codes]
                   for i, name in enumerate(RESULT_COLUMNS)}
        out = pd.DataFrame(columns)
        out["score"] = out["score"].astype("float64")
        if senders is not None:
            official = self._is_official(pd.Series(list(senders), dtype=object))
            out.loc[official, ["category", "tags"]] = ["other", ""]
        return out

    def _is_official(self, senders: pd.Series) -> np.ndarray:
        uniques = pd.unique(senders)
        verdict = {s: _short_number(s) in self.official_ for s in uniques}
        return senders.map(verdict).to_numpy(dtype=bool)

    def classify_normalized(self, text: str) -> tuple[str, str, str, float]:
        """Category, tags, matched terms and score of one normalized, masked text."""
        hits = self._candidates(text)
        if not hits:
            return ("other", "", "", 0.0)
        hits = self._on_word_boundaries(text, hits)
        hits = _drop_covered(hits)
        seen: set[tuple[str, str]] = set()
        kept: list[_Hit] = []
        for hit in sorted(hits, key=lambda h: (h.start, -h.text_len)):
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
        hits = []
        if len(self.automaton_):
            for end, (term, entries) in self.automaton_.iter(text):
                start = end + 1 - len(term)
                hits.extend(_Hit(start, end + 1, e, ((start, end + 1),)) for e in entries)
        for entry, regex in self.gaps_:
            for m in regex.finditer(text):
                hits.append(_Hit(m.start(), m.end(), entry, (m.span(1), m.span(2))))
        return hits

    def _on_word_boundaries(self, text: str, hits: list[_Hit]) -> list[_Hit]:
        bounds = {0}
        position = 0
        for word in self._jieba().cut(text, HMM=False):
            position += len(word)
            bounds.add(position)
        return [h for h in hits if all(s in bounds and e in bounds for s, e in h.segments)]


def _drop_covered(hits: list[_Hit]) -> list[_Hit]:
    """A hit lying inside a longer literal stretch of another hit is explained by that one."""
    stretches = [(s, e) for h in hits for s, e in h.segments]
    return [h for h in hits
            if not any(s <= h.start and h.end <= e and e - s > h.text_len for s, e in stretches)]


def _short_number(sender: object) -> str:
    digits = re.sub(r"\D", "", str(sender)) if sender is not None else ""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) <= 6:
            return digits[len(prefix):]
    return digits
