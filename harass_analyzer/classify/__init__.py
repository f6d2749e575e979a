"""Message classification: fills category / tags / matched_terms / score on the event table.

`KeywordClassifier` (classifier.py) decides per distinct text; `classify_events` applies it to the
messages of an event table; `evaluate_file` (evaluate.py) scores it against a labelled TSV.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .classifier import OFFICIAL_SENDERS, RESULT_COLUMNS, KeywordClassifier
from .lexicon import TAGS

__all__ = ["KeywordClassifier", "OFFICIAL_SENDERS", "TAGS", "classify_events"]

_CALL_RESULT = {"category": "other", "tags": "", "matched_terms": "", "score": 0.0}


def classify_events(events: pd.DataFrame, classifier: KeywordClassifier | None = None,
                    known: tuple[np.ndarray, np.ndarray, object] | None = None) -> pd.DataFrame:
    """Return a copy of `events` with category, tags, matched_terms, score; calls get other/""/""/0.

    The three text columns are pandas `category` (one small code per row: a million messages hold a
    few hundred distinct results at most), with categories in sorted order so that sorting and
    grouping give the same order as on plain strings. `known`: templates of some bodies computed
    already (KeywordClassifier.result_table).
    """
    classifier = classifier if classifier is not None else KeywordClassifier().fit()
    out = events.copy(deep=False)  # copy-on-write (pandas 3): columns are replaced, never mutated
    sender_column = "counterpart" if "counterpart" in out.columns else "counterpart_raw"
    senders = out[sender_column] if sender_column in out.columns else None
    # Every row's body is looked up (a call's is empty: one more distinct text), then calls point at
    # an extra row of call defaults; each result column is then one take from the small table.
    codes, table = classifier.result_table(out["body"], senders=senders, known=known)
    for column in RESULT_COLUMNS:
        table[column].append(_CALL_RESULT[column])
    codes[out["kind"].eq("call").to_numpy(dtype=bool, na_value=False)] = len(table["category"]) - 1
    for column in RESULT_COLUMNS:
        if column == "score":
            values = np.array(table[column], dtype="float64")[codes]
        else:
            value_codes, categories = pd.factorize(pd.Series(table[column], dtype="str"), sort=True)
            values = pd.Categorical.from_codes(value_codes[codes], categories=categories)
        out[column] = pd.Series(values, index=out.index, copy=False)
    return out
