"""KeywordClassifier: a learned model over jieba tokens, character n-grams and lexicon terms → category, tags,
matched terms, score.

Collection SMS are templates, so work is done per distinct text, in stages that each shrink the set:
exact bodies → digits/names masked → normalized → classified. Each distinct text becomes readable features
(features.py): the tokens of the classifier's own `jieba.Tokenizer` (never the global one), character
n-grams, lexicon terms found with an Aho-Corasick automaton on jieba word boundaries ("马上门口" holds no
上门) or as homophones, negation scope and perspective. The weights of one logistic decision for
`collection` and one per tag were fitted at development time (scripts/train_classifier.py, model.py);
scoring needs numpy alone. User lexicon files (`--lexicon`) add their terms' weights to the decisions.
"""
from __future__ import annotations

import re
import os
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

import jieba
import numpy as np
import pandas as pd

from .lexicon import CONTEXT_TAG, NONE_TAG, TAGS, default_lexicon_files, default_variant_files
from .lexicon import merge, read_lexicon
from . import jieba_dict
from .distinct import arrow_codes, template_codes
from .features import Featurizer
from .matcher import Hit as _Hit, Matcher as _Matcher, drop_covered as _drop_covered
from .homophones import Homophones, Spellings
from .model import Model, default_model_path, load_model
from .normalize import Normalizer, mask_names, mask_names_arrow

# Official short numbers: court (12368), procuratorate (12309), police (110, 12110), anti-fraud
# centre (96110), MIIT anti-fraud warnings (12381), spam reporting (12321).
OFFICIAL_SENDERS = frozenset({"12368", "12309", "110", "12110", "96110", "12381", "12321"})
RESULT_COLUMNS = ["category", "tags", "matched_terms", "score"]
_JOIN = ";"
_FUNCTION_CHARS = re.compile(r"[你您他她其我的了]")
_DIGITS = re.compile(r"[0-9]+")
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


class KeywordClassifier:
    """Scikit-learn-like: parameters in __init__, `fit()` loads lexicons and the model, `predict(texts)` classifies.

    threshold      logit the collection decision needs (None: the model's own, chosen by cross-validation)
    tag_threshold  logit every tag decision needs (None: the model's own per-tag thresholds); a collection
                   message gets at least its strongest tag
    lexicon_files  extra lexicon files: their terms add weight × USER_SHARE × the model's threshold to the
                   logit of their tag and of `collection` (tag debt: collection only; none: against it, with a
                   negative weight); a tag whose user terms reach weight 1 is reported on a collection
                   message; weight 0 hides a term
    """

    # Logit per unit of user lexicon weight, as a share of the model's collection threshold (2.5 logits at the
    # threshold of 4 it was first set for): a weight-2 term alone makes a message collection whatever the
    # threshold a retrained model chose.
    USER_SHARE = 0.625

    def __init__(self, lexicon_files: Sequence[str | Path] = (), threshold: float | None = None,
                 tag_threshold: float | None = None, official_senders: Iterable[str] = OFFICIAL_SENDERS,
                 use_default_lexicon: bool = True, model_path: str | Path | None = None) -> None:
        self.lexicon_files = lexicon_files
        self.threshold = threshold
        self.tag_threshold = tag_threshold
        self.official_senders = official_senders
        self.use_default_lexicon = use_default_lexicon
        self.model_path = model_path

    # ------------------------------------------------------------------ fitting
    def fit(self, texts: object = None, y: object = None) -> KeywordClassifier:
        """Load the model and compile the lexicons (texts/y are ignored: scripts/train_classifier.py fits)."""
        self.model_ = _load_model(Path(self.model_path) if self.model_path else None)
        self.user_unit_ = self.USER_SHARE * max(self.model_.threshold, 1.0)  # logit per user lexicon weight
        self.normalizer_ = Normalizer(default_variant_files(), _spellings(self.model_).replace)
        packaged = [read_lexicon(path, self.normalizer_.normalize) for path in default_lexicon_files()] \
            if self.use_default_lexicon else []
        user = merge([read_lexicon(Path(f), self.normalizer_.normalize) for f in self.lexicon_files])
        self.entries_ = merge(packaged + [user])
        self.user_entries_ = [e for e in user if e.weight != 0]
        self.hidden_ = sorted({e.term for e in user if e.weight == 0 and not e.is_gap}, key=len, reverse=True)
        hidden_keys = {(e.term, e.tag) for e in user if e.weight == 0}
        self.matcher_ = _Matcher([e for e in merge(packaged) if (e.term, e.tag) not in hidden_keys])
        self.user_matcher_ = _Matcher(self.user_entries_)
        self.homophones_ = Homophones(self.model_.meta.get("syllables", {}),  # content words of collection
                                      [t for t, es in self.matcher_.literal.items() if not _FUNCTION_CHARS.search(t)
                                       and any(e.tag != NONE_TAG and e.weight > 0 for e in es)])
        words = self.matcher_.words() | self.user_matcher_.words()
        self.user_words_ = sorted(w for w in words if len(w) >= 2 and not _FUNCTION_CHARS.search(w))
        self.official_ = frozenset(self.official_senders)
        self.featurizer_ = Featurizer(self._tokens, self._lexicon_terms)
        self._tokenizer: jieba.Tokenizer | None = None
        self._block_tokens: dict[str, tuple[str, ...]] = {}
        self._block_homophones: dict[str, tuple[tuple[int, int, str], ...]] = {}
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

    def template(self, text: str) -> str:
        """The normalized template of one raw text (what classify_normalized sees)."""
        return self.normalizer_.normalize(mask_names(_DIGITS.sub("0", text[:MAX_CLASSIFIED_CHARS])))

    def _is_official(self, senders: Iterable[object]) -> np.ndarray:
        """Per sender, whether it is an official short number (decided once per distinct sender)."""
        if not isinstance(senders, pd.Series):
            senders = pd.Series(list(senders), dtype=object)
        codes, uniques = pd.factorize(senders)  # a missing sender gets -1: the last verdict below
        verdict = [_short_number(s) in self.official_ for s in uniques] + [_short_number(None) in self.official_]
        return np.array(verdict, dtype=bool)[codes]

    def features(self, text: str) -> dict[str, float]:
        """Readable features of one normalized text (features.py); terms of weight 0 in a user lexicon hidden."""
        for term in self.hidden_:
            text = text.replace(term, "□" * len(term))
        return self.featurizer_.features(text)

    def classify_normalized(self, text: str) -> tuple[str, str, str, float]:
        """Category, tags, matched terms and score of one normalized, masked text."""
        if not text.strip():
            return ("other", "", "", 0.0)
        self._gap_text = {}
        logits, rows, contributions = self.model_.logits(self.features(text))
        gap_text = self._gap_text
        user_terms: list[tuple[str, str]] = []
        user_weight = dict.fromkeys(TAGS, 0.0)
        threshold = self.model_.threshold if self.threshold is None else self.threshold
        unit = self.user_unit_
        for hit in self._kept(text, self.user_matcher_.candidates(text)):
            entry = hit.entry
            logits[0] += entry.weight * unit
            if entry.tag in TAGS:
                logits[1 + TAGS.index(entry.tag)] += entry.weight * unit
                user_weight[entry.tag] += entry.weight
            user_terms.append((entry.tag, text[hit.start:hit.end]))
        tag_thresholds = self.model_.tag_thresholds if self.tag_threshold is None else self.tag_threshold
        score = round(float(1.0 / (1.0 + np.exp(-logits[0]))), 3)
        if logits[0] < threshold:
            shown = self.model_.reasons(rows, contributions, 0) if score >= 0.05 else []
            return ("other", "", _JOIN.join(f"collection:{gap_text.get(t, t)}" for t in shown), score)
        margin = logits[1:] - tag_thresholds
        # a tag is also reported when the user's own terms give it weight 1 (as in the lexicon files)
        tags = [t for i, t in enumerate(TAGS) if margin[i] >= 0 or user_weight[t] >= 1.0]
        if not tags:
            tags = [TAGS[int(np.argmax(margin))]]
        if "third_party" in tags and "reminder" in tags:
            tags.remove("reminder")  # pressing someone to get another person to pay is third_party
        terms = [f"{tag}:{term}" for tag, term in user_terms if tag in tags or tag == CONTEXT_TAG]
        terms += [f"collection:{gap_text.get(t, t)}" for t in self.model_.reasons(rows, contributions, 0)]
        for tag in tags:
            terms += [f"{tag}:{gap_text.get(t, t)}" for t in self.model_.reasons(rows, contributions, 1 + TAGS.index(tag))]
        return ("collection", _JOIN.join(tags), _JOIN.join(dict.fromkeys(terms)), score)

    # ------------------------------------------------------------------ tokens and lexicon terms
    def _tokens(self, text: str) -> list[str]:
        """jieba tokens of the whole text; the pieces between Han/alphanumeric runs are kept as tokens."""
        tokens: list[str] = []
        position = 0
        for block in _JIEBA_BLOCK.finditer(text):
            if block.start() > position:
                tokens.append(text[position:block.start()])
            tokens.extend(self._cut_block(block.group()))
            position = block.end()
        if position < len(text):
            tokens.append(text[position:])
        return tokens

    def _cut_block(self, block: str) -> tuple[str, ...]:
        cut = self._block_tokens.get(block)
        if cut is None:
            if len(self._block_tokens) > 200_000:
                self._block_tokens.clear()
            tokenizer = self._jieba()
            jieba_dict.ensure(tokenizer, block)  # jieba looks up pieces of the block only
            cut = self._block_tokens[block] = tuple(tokenizer.cut(block, HMM=False))
        return cut

    def _lexicon_terms(self, text: str) -> list[tuple[str, str, float, int]]:
        """(tag, term, weight, start) of the packaged lexicon terms in `text`, homophones included."""
        hits = self.matcher_.candidates(text)
        for start, end, term in self._homophones(text):
            if text[start:end] in self.matcher_.literal:
                continue  # a term of its own (拖欠 is not a homophone of 他欠)
            for entry in self.matcher_.literal[term]:
                hits.append(_Hit(start, end, entry, ((start, end),)))
        kept = self._kept(text, hits)
        # A gap pattern ("{你|您}…{幼儿园|学校}") is explained by the words it matched in this text
        self._gap_text = {h.entry.term: text[h.start:h.end] for h in kept if h.entry.is_gap}
        return [(h.entry.tag, h.entry.term, h.entry.weight, h.start) for h in kept]

    def _homophones(self, text: str) -> list[tuple[int, int, str]]:
        """Homophone windows of `text`, found per Han/alphanumeric run (a window never spans punctuation)
        and remembered per run: templates share most of their clauses."""
        found: list[tuple[int, int, str]] = []
        for block in _JIEBA_BLOCK.finditer(text):
            piece = block.group()
            if len(piece) < 2:
                continue
            hits = self._block_homophones.get(piece)
            if hits is None:
                if len(self._block_homophones) > 200_000:
                    self._block_homophones.clear()
                hits = self._block_homophones[piece] = tuple(self.homophones_.find(piece))
            offset = block.start()
            found.extend((start + offset, end + offset, term) for start, end, term in hits)
        return found

    def _kept(self, text: str, hits: list[_Hit]) -> list[_Hit]:
        """Hits on jieba word boundaries, not inside a longer hit, once per (term, tag)."""
        if not hits:
            return hits
        hits = _drop_covered(self._on_word_boundaries(text, hits))
        seen: set[tuple[str, str]] = set()
        kept: list[_Hit] = []
        for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
            key = (hit.entry.term, hit.entry.tag)
            if key not in seen:
                seen.add(key)
                kept.append(hit)
        return kept

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
            offsets, position = set(), 0
            for word in self._cut_block(block.group()):
                position += len(word)
                offsets.add(position)
            inner_all.update(inside)
            inner_ok.update(p for p in inside if p - start in offsets)
        bad = inner_all - inner_ok
        return [h for h in hits if not any(p in bad for seg in h.segments for p in seg)]


_MODELS: dict[tuple, Model] = {}
_SPELLINGS: dict[int, Spellings] = {}


def _spellings(model: Model) -> Spellings:
    """The spelling automaton of a loaded model, built once per process."""
    if id(model) not in _SPELLINGS:
        _SPELLINGS[id(model)] = Spellings(model.meta.get("spellings", {}))
    return _SPELLINGS[id(model)]


def _load_model(path: Path | None) -> Model:
    """One loaded model per file version per process (classifiers share it; it is never changed)."""
    try:
        stat = (path or default_model_path()).stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (path, None, None)  # load_model reports it
    if key not in _MODELS:
        _MODELS[key] = load_model(path)
    return _MODELS[key]


def _short_number(sender: object) -> str:
    digits = re.sub(r"\D", "", str(sender)) if sender is not None else ""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) <= 6:
            return digits[len(prefix):]
    return digits
