"""classify_events on an event table, template de-duplication, and the evaluation report / CLI."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from harass_analyzer.classify import classify_events
from harass_analyzer.classify.evaluate import evaluate_file
from harass_analyzer.cli import app
from harass_analyzer.errors import ConfigError

from .conftest import EVAL


def test_classify_events_fills_columns(clf):
    events = pd.DataFrame({
        "kind": ["sms", "call", "sms", "mms", "sms"],
        "body": ["您的借款已逾期5天，请尽快还款", "", "晚上一起吃饭？", "再不还钱就上门", None],
        "counterpart": ["+8613900000001", "+8613900000001", "+8613600001111", "10690001", "12368"],
    })
    out = classify_events(events, clf)
    assert list(out["category"]) == ["collection", "other", "other", "collection", "other"]
    assert list(out["tags"]) == ["reminder", "", "", "reminder;visit_threat", ""]  # 再不还钱: a demand to pay
    terms = out["matched_terms"][0].split(";")  # readable words of the text that carried the decision
    assert any(t.startswith("reminder:") for t in terms), terms
    assert all(t.partition(":")[2] in "您的借款已逾期0天,请尽快还款" for t in terms), terms
    assert out["score"].dtype == np.float64 and out["score"][1] == 0.0
    assert list(events.columns) == ["kind", "body", "counterpart"]  # input untouched


def test_predict_on_many_template_instances(clf):
    rng = random.Random(3)
    templates = ["【速借】{n}您好，您的借款已逾期{d}天，欠款{a}元，请尽快还款。",
                 "【某银行】您尾号{d}的信用卡账单{a}元，到期还款日{d}日。",
                 "{n}，你的朋友欠款{a}元不还，请转告他今天处理。"]
    names = ["王伟", "李娜", "张小明", "陈静"]
    bodies = [rng.choice(templates).format(n=rng.choice(names), d=rng.randint(1, 99), a=rng.randint(100, 99999))
              for _ in range(20_000)]
    result = clf.predict(bodies)
    assert len(result) == len(bodies)
    expected = {"您": "collection", "信": "other", "朋": "collection"}
    for body, category in zip(bodies[:200], result["category"][:200]):
        key = "您" if "您好" in body else "信" if "信用卡" in body else "朋"
        assert category == expected[key], body
    assert result.groupby("category")["tags"].nunique().to_dict() == {"collection": 2, "other": 1}
    # jieba cut each distinct clause once, not each body
    assert len(clf._block_tokens) < 200


def test_dev_set_targets(clf):
    report = evaluate_file(EVAL / "dev.tsv", clf)
    assert report.collection.f1 >= 0.97
    assert report.false_positives == 0
    assert report.macro_f1 is not None and report.macro_f1 >= 0.90


def test_real_set_targets(clf):
    # An external check only (never trained or tuned on). The learned model's misses here: a due-date
    # notice, an overdue notice scoring just under the threshold, and a fragment of three words.
    report = evaluate_file(EVAL / "real.tsv", clf)
    assert report.collection.recall >= 0.85
    assert report.false_positives <= 2
    assert report.macro_f1 is None  # real.tsv labels no tags


def test_report_lists_every_error(tmp_path, clf):
    labelled = tmp_path / "mini.tsv"
    labelled.write_text("text\tis_collection\ttags\n"
                        "您的借款已逾期，请尽快还款\t1\treminder\n"
                        "欠款不还就爆你通讯录\t1\timpersonation\n"
                        "今天天气不错\t1\t\n"
                        "【某宝】验证码123456\t0\t\n", encoding="utf-8")
    report = evaluate_file(labelled, clf)
    assert (report.collection.tp, report.collection.fp, report.collection.fn) == (2, 0, 1)
    text = report.format()
    assert "line 4 false negative" in text
    # a tag nobody would give this message: the listing shows what was said and what was expected
    assert "line 3 tags " in text and " expected impersonation" in text
    assert "exposure" in text.split("line 3 tags ", 1)[1].split(" expected", 1)[0]
    assert len(report.errors) == 2


def test_bad_eval_file(tmp_path, clf):
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("message\tlabel\n逾期\t1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing column"):
        evaluate_file(wrong, clf)
    wrong.write_text("text\tis_collection\ttags\n逾期\tyes\t\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="wrong.tsv:2"):
        evaluate_file(wrong, clf)


def test_cli_eval_classifier():
    result = CliRunner().invoke(app, ["eval-classifier", str(EVAL / "dev.tsv")])
    assert result.exit_code == 0, result.output
    assert "collection  precision 1.000" in result.output
    assert "tag macro-F1" in result.output
    missing = CliRunner().invoke(app, ["eval-classifier", "/nonexistent/x.tsv"])
    assert missing.exit_code == 1
