"""Distinct-template codes: the Arrow path (string columns) equals the plain Python path on any input."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from harass_analyzer.classify import classify_events
from harass_analyzer.classify.distinct import template_codes
from harass_analyzer.classify.normalize import digit_keys, from_digit_key, mask_names, mask_names_arrow

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
@pytest.mark.parametrize("rows", [1 << 18, 4])  # rows per hash table: one, or many slices of rows
def test_arrow_and_python_paths_agree(max_chars, rows, monkeypatch):
    monkeypatch.setattr("harass_analyzer.classify.distinct._ROWS", rows)
    texts = TEXTS * 3 + [None]
    want = expected(texts, max_chars)
    assert decoded(texts, max_chars) == want                                     # list
    assert decoded(pd.Series(texts, dtype=object), max_chars) == want            # object column
    assert decoded(pd.Series(texts, dtype="str"), max_chars) == want             # Arrow-backed column
    assert decoded(pd.Series(texts, dtype="category"), max_chars) == want        # categorical column
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(
        [pa.array(texts[:7], pa.large_string()), pa.array([], pa.large_string()), pa.array(texts[7:], pa.large_string())])))
    assert decoded(chunked, max_chars) == want                                   # several chunks
    surrogate = ["a\udc801x", "a\udc802x", 7]                                   # no valid UTF-8: Python path
    assert decoded(surrogate, max_chars) == expected(surrogate, max_chars)


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
    assert plain["score"].dtype == np.float64
    categories = plain["tags"].cat.categories.tolist()
    assert plain["tags"].dtype == "category" and categories == sorted(set(plain["tags"].tolist()))
    assert plain["tags"][0] == "reminder" and "visit_threat" in plain["tags"][3].split(";")


def test_arrow_name_masking_equals_python():
    rng = random.Random(5)
    alphabet = (list("王李张刘陈高马何") + list("伟平您好你个再先生女士小姐在我本贵欠的借款尊敬亲爱朋友同事通知转告某天期")
                + list("【】:：,，。!！?？(（") + ["\n", " ", "\u3000", "\x1c", "\xa0", "\t", "a", "0", "\u2028", "\x85"])
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(20_000)]
    texts += ["【" + "x" * k + "】王伟" + after for k in range(15) for after in ["您好", "\n", "\u3000", "x", "您的"]]
    texts += ["【易贷】温馨提示：王平平您的账单已逾期0天", "通知王伟，您的朋友李娜在我司", "王伟您好，请转告张三欠款"]
    masked = [mask_names(t) for t in texts]
    assert sum(m != t for m, t in zip(masked, texts)) > 500
    assert mask_names_arrow(pa.array(texts, pa.large_string())).to_pylist() == masked
    assert masked[-3:] == ["【易贷】温馨提示：某您的账单已逾期0天", "通知某，您的朋友某在我司", "某您好，请转告某欠款"]


def test_names_opening_a_clause_make_one_template():
    names = ["王平平", "李娜", "张伟强", "刘洋"]
    bodies = [f"【易贷】温馨提示：{n}您的账单已逾期{d}天，请尽快还款。" for n in names for d in range(1, 30)]
    codes, distinct = template_codes(pd.Series(bodies, dtype="str"), 1000, [(mask_names, mask_names_arrow)])
    assert distinct == ["【易贷】温馨提示：某您的账单已逾期0天，请尽快还款。"] and set(codes) == {0}


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_known_codes_from_elsewhere_give_the_same_templates(share):
    """Parse workers compute the Arrow stages for their rows (arrow_codes); template_codes then only does
    the other rows, and every text still gets exactly the template the one-pass computation gives."""
    from harass_analyzer.classify.distinct import arrow_codes

    rng = random.Random(5)
    texts = [rng.choice(TEXTS + [None]) for _ in range(400)]
    series = pd.Series(texts, dtype="str")
    stages = [(mask_names, mask_names_arrow), str.upper]
    mask = np.array([rng.random() < share for _ in texts])
    column = series.array.__arrow_array__()
    codes, dictionary = arrow_codes(column.take(np.flatnonzero(mask)), 50, [mask_names_arrow])
    got_codes, got = template_codes(series, 50, stages, known=(mask, codes, dictionary))
    want = decoded(series, 50, stages)
    assert [got[c] for c in got_codes] == want and len(set(got)) == len(got)
