"""Message classification: fills category / tags / matched_terms / score on the event table.

`KeywordClassifier` (classifier.py) decides per distinct text; `classify_events` applies it to the
messages of an event table; `evaluate_file` (evaluate.py) scores it against a labelled TSV.
"""
from __future__ import annotations

import pandas as pd

from .classifier import OFFICIAL_SENDERS, RESULT_COLUMNS, KeywordClassifier
from .lexicon import TAGS

__all__ = ["KeywordClassifier", "OFFICIAL_SENDERS", "TAGS", "classify_events"]


def classify_events(events: pd.DataFrame, classifier: KeywordClassifier | None = None) -> pd.DataFrame:
    """Return a copy of `events` with category, tags, matched_terms, score; calls get other/""/""/0."""
    classifier = classifier if classifier is not None else KeywordClassifier().fit()
    out = events.copy(deep=False)  # copy-on-write (pandas 3): columns are replaced, never mutated
    is_msg = out["kind"].ne("call").to_numpy()
    sender_column = "counterpart" if "counterpart" in out.columns else "counterpart_raw"
    senders = out.loc[is_msg, sender_column] if sender_column in out.columns else None
    result = classifier.predict(out.loc[is_msg, "body"], senders=senders)
    defaults = {"category": "other", "tags": "", "matched_terms": "", "score": 0.0}
    for column in RESULT_COLUMNS:
        values = pd.Series(defaults[column], index=out.index,
                           dtype="float64" if column == "score" else "str")
        values.loc[is_msg] = result[column].to_numpy()
        out[column] = values
    return out
