"""Message classification: fills category / tags / matched_terms / score on the event table.

PLACEHOLDER from the walking skeleton; the classifier issue replaces it with KeywordClassifier.
"""
from __future__ import annotations

import pandas as pd

_TERMS = ("逾期", "催收", "欠款", "还款", "通讯录", "征信", "起诉", "上门", "律师函", "立案")


def classify_events(events: pd.DataFrame, classifier: object | None = None) -> pd.DataFrame:
    """Return a copy of `events` with category, tags, matched_terms, score (messages only)."""
    out = events.copy()
    bodies = out["body"].fillna("")
    uniques = pd.unique(bodies)
    found = {b: [t for t in _TERMS if t in b] for b in uniques}
    hits = bodies.map(found)
    is_msg = out["kind"].ne("call")
    out["matched_terms"] = hits.map(";".join).where(is_msg, "")
    out["category"] = (hits.map(len).ge(1) & is_msg).map({True: "collection", False: "other"})
    out["tags"] = out["category"].map({"collection": "reminder", "other": ""})
    out["score"] = hits.map(len).astype("float64").where(is_msg, 0.0)
    return out
