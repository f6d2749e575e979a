"""Distinct-template codes: the Arrow path (string columns) equals the plain Python path on any input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from harass_analyzer.classify import classify_events
from harass_analyzer.classify.distinct import template_codes
from harass_analyzer.classify.normalize import digit_keys, from_digit_key, mask_names

TEXTS = ["【易借】王伟您好，您的借款已逾期15天，欠款1520.00元", "【易借】李娜您好，您的借款已逾期3天，欠款88.5元",
         "12345", "0", "", "7天", "天7", "a1b22c333", "１２3", "逾期" * 30 + "123", "😊9😊", "x\n00\n1"]


def expected(texts, max_chars, stages=()):
    keys = [from_digit_key(k) for k in digit_keys(texts, max_chars)]
    for stage in stages:
        keys = [stage(k) for k in keys]
    return keys


def decoded(texts, max_chars, stages=()):
    codes, distinct = template_codes(texts, max_chars, stages)
    assert len(set(distinct)) == len(distinct)
    return [distinct[c] for c in codes]


@pytest.mark.parametrize("max_chars", [1000, 5, 1])
def test_arrow_and_python_paths_agree(max_chars):
    texts = TEXTS * 3 + [None]
    want = expected(texts, max_chars)
    assert decoded(texts, max_chars) == want                                     # list
    assert decoded(pd.Series(texts, dtype=object), max_chars) == want            # object column
    assert decoded(pd.Series(texts, dtype="str"), max_chars) == want             # Arrow-backed column
    assert decoded(pd.Series(texts, dtype="category"), max_chars) == want        # categorical column
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(
        [pa.array(texts[:7], pa.large_string()), pa.array([], pa.large_string()), pa.array(texts[7:], pa.large_string())])))
    assert decoded(chunked, max_chars) == want                                   # several chunks


def test_stages_run_on_distinct_values():
    calls = []

    def stage(text):
        calls.append(text)
        return text[:3]

    texts = pd.Series(["【易借】王伟您好，逾期5天", "【易借】李娜您好，逾期12天", "【易借】李娜您好，逾期7天"] * 100, dtype="str")
    want = expected(texts.tolist(), 1000, (mask_names, stage))
    calls.clear()
    assert decoded(texts, 1000, (mask_names, stage)) == want
    assert calls == ["【易借】某您好，逾期0天"]
    assert decoded(pd.Series([], dtype="str"), 1000, (mask_names,)) == []


def test_classify_events_with_category_columns(clf):
    events = pd.DataFrame({
        "kind": ["sms", "call", "sms", "mms", "sms", "sms"],
        "body": ["您的借款已逾期5天，请尽快还款", "逾期", "晚上一起吃饭？", "再不还钱就上门", None, "您的借款已逾期9天，请尽快还款"],
        "counterpart": ["+8613900000001", "+8613900000001", "+8613600001111", "10690001", "12368", "12368"],
    })
    plain = classify_events(events, clf)
    as_category = classify_events(events.astype({"kind": "category", "counterpart": "category"}), clf)
    for column in ["category", "tags", "matched_terms", "score"]:
        assert plain[column].tolist() == as_category[column].tolist()
    assert plain["category"].tolist() == ["collection", "other", "other", "collection", "other", "other"]
    assert plain["matched_terms"][5] == plain["matched_terms"][0]  # official sender: terms and score kept
    assert plain["score"][5] == plain["score"][0] > 0 and plain["tags"][5] == ""
    assert plain["score"].dtype == np.float64 and plain["tags"].dtype == "str"
