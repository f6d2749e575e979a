"""Score a classifier on a labelled TSV (`text`, `is_collection`, `tags`; optional `sender`).

Reports precision / recall / F1 and the confusion counts for the collection category, the same per tag
and the tags' macro-F1 (over tags that occur in the labels or the predictions; skipped when the file
labels no tags), and lists every error (a miss, a false alarm, wrong tags) so a person can judge each one.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, UnreadableSource
from .classifier import KeywordClassifier
from .lexicon import TAGS

REQUIRED = ("text", "is_collection", "tags")


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    path: Path
    rows: int
    collection: Scores
    tags: dict[str, Scores]  # empty when the file labels no tags
    errors: list[str] = field(default_factory=list)
    true_negatives: int = 0

    @property
    def false_positives(self) -> int:
        return self.collection.fp

    @property
    def macro_f1(self) -> float | None:
        return sum(s.f1 for s in self.tags.values()) / len(self.tags) if self.tags else None

    def format(self, errors: bool = True) -> str:
        """The figures; with `errors`, every miss, false alarm and wrong tag set as well."""
        c = self.collection
        negatives = c.fp + self.true_negatives
        lines = [f"{self.path}: {self.rows} messages",
                 f"collection  precision {c.precision:.3f}  recall {c.recall:.3f}  F1 {c.f1:.3f}"
                 f"  (tp {c.tp}, fp {c.fp}, fn {c.fn}, tn {self.true_negatives})",
                 f"false positives: {c.fp} of {negatives} non-collection messages"
                 f" ({c.fp / negatives if negatives else 0.0:.1%})"]
        if self.tags:
            lines.append("tags:")
            for tag, s in self.tags.items():
                lines.append(f"  {tag:<14} precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}"
                             f"  (tp {s.tp}, fp {s.fp}, fn {s.fn})")
            lines.append(f"tag macro-F1 {self.macro_f1:.3f}")
        else:
            lines.append("tags: not labelled in this file")
        lines.append(f"errors: {len(self.errors)}")
        if errors:
            lines.extend(f"  {e}" for e in self.errors)
        return "\n".join(lines)


def read_labelled(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ConfigError(f"{path}: missing column(s) {', '.join(missing)} (need text, is_collection, tags)")
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableSource(f"{path}: cannot read ({exc})") from exc
    for number, row in enumerate(rows, 2):
        if (row["is_collection"] or "").strip() not in ("0", "1"):
            raise ConfigError(f"{path}:{number}: is_collection must be 0 or 1, got {row['is_collection']!r}")
    return rows


def tag_set(value: str | None) -> set[str]:
    """The tags of a label or prediction cell (comma- or semicolon-separated)."""
    return {t.strip() for t in (value or "").replace(";", ",").split(",") if t.strip()}


def compare(gold_c: list[bool], pred_c: list[bool], gold_t: list[set[str]],
            pred_t: list[set[str]]) -> tuple[Scores, dict[str, Scores], int]:
    """Collection scores, per-tag scores (tags that occur in either; none when nothing is tagged in the
    labels) and true negatives of predictions against labels."""
    collection = Scores(sum(g and p for g, p in zip(gold_c, pred_c)),
                        sum(p and not g for g, p in zip(gold_c, pred_c)),
                        sum(g and not p for g, p in zip(gold_c, pred_c)))
    tags: dict[str, Scores] = {}
    if any(gold_t):
        for tag in TAGS:
            tp = sum(tag in g and tag in p for g, p in zip(gold_t, pred_t))
            fp = sum(tag not in g and tag in p for g, p in zip(gold_t, pred_t))
            fn = sum(tag in g and tag not in p for g, p in zip(gold_t, pred_t))
            if tp + fp + fn:
                tags[tag] = Scores(tp, fp, fn)
    return collection, tags, sum(not g and not p for g, p in zip(gold_c, pred_c))


def evaluate_file(path: str | Path, classifier: KeywordClassifier | None = None) -> EvalReport:
    """Classify every row of `path` and compare with its labels."""
    path = Path(path)
    rows = read_labelled(path)
    classifier = classifier if classifier is not None else KeywordClassifier().fit()
    senders = [r.get("sender") or "" for r in rows] if rows and "sender" in rows[0] else None
    predicted = classifier.predict([r["text"] or "" for r in rows], senders=senders)
    gold_c = [r["is_collection"].strip() == "1" for r in rows]
    pred_c = (predicted["category"] == "collection").tolist()
    gold_t = [tag_set(r["tags"]) for r in rows]
    pred_t = [tag_set(t) for t in predicted["tags"]]
    collection, tags, true_negatives = compare(gold_c, pred_c, gold_t, pred_t)
    labelled = any(gold_t)
    errors = []
    for i, row in enumerate(rows):
        line = i + 2
        matched = predicted["matched_terms"].iat[i]
        text = row["text"]
        if gold_c[i] != pred_c[i]:
            kind = "false positive" if pred_c[i] else "false negative"
            errors.append(f"line {line} {kind} (score {predicted['score'].iat[i]:g}): {text}  [{matched}]")
        elif labelled and gold_c[i] and gold_t[i] != pred_t[i]:
            errors.append(f"line {line} tags {','.join(sorted(pred_t[i])) or '-'} "
                          f"expected {','.join(sorted(gold_t[i])) or '-'}: {text}  [{matched}]")
    return EvalReport(path, len(rows), collection, tags, errors, true_negatives)
