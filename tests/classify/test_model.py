"""The learned model: its corpus, its split, its figures on the held-out templates, run-time needs,
features and explanations."""
from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harass_analyzer.classify.evaluate import evaluate_file
from harass_analyzer.classify.lexicon import TAGS
from harass_analyzer.classify.model import DECISIONS, default_model_path, load_model
from harass_analyzer.cli import app

from .conftest import EVAL, predict_one

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "classifier" / "corpus.tsv"


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))


def test_corpus_size_balance_and_coverage(corpus):
    assert len(corpus) >= 5000
    labels = Counter(r["is_collection"] for r in corpus)
    assert labels["0"] >= 0.8 * labels["1"] and labels["1"] >= 0.8 * labels["0"]
    templates_per_tag = {t: {r["template"] for r in corpus if t in r["tags"].split(",")} for t in TAGS}
    assert all(len(ts) >= 15 for ts in templates_per_tag.values()), {t: len(ts) for t, ts in templates_per_tag.items()}
    families = {r["family"] for r in corpus if r["is_collection"] == "0"}
    for family in ["antifraud_warning", "regulator_notice", "news", "lawyer_consult", "family_talk", "job_ads",
                   "privacy_policy", "overdue_other", "gamer_insult", "friend_joke", "negation", "bills_predue",
                   "marketing", "codes", "delivery", "utility_arrears", "official_notice", "chat", "composed_report"]:
        assert family in families
    assert all(r["tags"] == "" for r in corpus if r["is_collection"] == "0")
    assert all(r["tags"] for r in corpus if r["is_collection"] == "1")


def test_split_is_by_template(corpus):
    sides: dict[str, set[str]] = {}
    for row in corpus:
        for ident in row["template"].split("+"):  # a composed message: each of its clauses
            sides.setdefault(ident, set()).add(row["split"])
    assert all(len(s) == 1 for s in sides.values())
    test_share = sum(r["split"] == "test" for r in corpus) / len(corpus)
    assert 0.1 < test_share < 0.3


def test_figures_on_the_held_out_templates(tmp_path, corpus, clf):
    held_out = tmp_path / "test.tsv"
    with held_out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(["text", "is_collection", "tags"])
        writer.writerows([r["text"], r["is_collection"], r["tags"]] for r in corpus if r["split"] == "test")
    report = evaluate_file(held_out, clf)
    negatives = report.collection.fp + report.true_negatives
    # A guard against regressions, not the target (F1 0.97, 1 %, 0.90: not met). Measured 2026-12-06 on
    # the ninth-pass model (20,295 held-out messages, not a pristine split, see LABELLING.md; a fifth of the
    # templates of every family, the twins written to be confused with each other among them): F1 0.877,
    # 198 false positives of 9,582 (2.1 %), tag macro-F1 0.772. On the sixth-pass split (10,345 of these
    # messages) it scores F1 0.877 and 2.2 %, where the sixth-pass model scored 0.864, 2.3 % and 0.778.
    assert report.collection.f1 >= 0.87
    assert report.collection.fp / negatives <= 0.025
    assert report.macro_f1 >= 0.76


def test_real_set_f1(clf):
    report = evaluate_file(EVAL / "real.tsv", clf)
    # The issue asks 0.95: not met by this model. Measured 0.926 (25 of 29, no false positive), as the
    # sixth-pass model; the third- and fifth-pass models had 0.982 (28 of 29). The misses are overdue notices
    # scored just under the collection threshold, which the sixth pass's hard negatives (official credit
    # education, stern service arrears, credit talk) raised and the ninth-pass threshold margin keeps there.
    assert report.collection.f1 >= 0.92
    assert report.false_positives == 0


def test_model_file_is_small_and_complete():
    model = load_model()
    assert default_model_path().stat().st_size < 2_000_000
    assert model.weights.shape == (len(model.features), len(DECISIONS))
    assert len(set(model.features)) == len(model.features)
    kinds = {"w", "n", "c", "l", "t", "p", "x", "q", "ql", "tq", "k"}
    assert all(name.split(":", 1)[0] in kinds for name in model.features)
    assert {"syllables", "spellings", "threshold"} <= set(model.meta)


def test_scoring_needs_neither_scikit_learn_nor_pypinyin():
    code = ("import sys\n"
            "sys.modules['sklearn'] = None; sys.modules['pypinyin'] = None; sys.modules['scipy'] = None\n"
            "from harass_analyzer.classify import KeywordClassifier\n"
            "r = KeywordClassifier().fit().predict(['你的借款已经逾期30天，今天必须还清'])\n"
            "assert r['category'][0] == 'collection', r\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("text", "normalized"), [
    ("您的借款已【逾】【期】", "您的借款已逾期"),
    ("(催)(收)部通知", "催收部通知"),
    ("伱的欠款", "你的欠款"),
    ("我们是c s部门", "我们是催收部门"),
    ("再不还就上 z x", "再不还就上征信"),
    ("你已经cuishou了", "你已经催收了"),
])
def test_wider_folding(clf, text, normalized):
    assert clf.normalizer_.normalize(text) == normalized


def test_homophone_of_a_lexicon_term_counts_as_the_term(clf):
    def terms(text: str) -> set[str]:
        return {f for f in clf.features(clf.template(text)) if f.startswith("l:")}

    assert {"l:已逾期", "l:逾期三天"} <= terms("您的借款已渝期三天")
    assert any("催收" in t for t in terms("崔收部通知你"))
    assert not any("逾期" in t for t in terms("关于期末考试的安排"))  # 于期 is no word there
    assert not {"l:他欠", "l:她欠"} & terms("你的分期拖欠两个月了")  # 拖欠 is a term itself


def test_negation_and_quotes_scope_features(clf):
    found = clf.features(clf.template("本平台承诺不会上门，也不会打扰您的家人"))
    assert "n:上门" in found and "w:上门" not in found
    quoted = clf.features(clf.template("我朋友被催收威胁“我们明天上门”，这算违法吗"))
    assert "q:上门" in quoted and "w:上门" not in quoted and "p:report" in quoted


def test_matched_terms_are_readable_text(clf):
    text = "你的借款已经逾期30天，再不还钱明天我们就去你单位找你"
    result = predict_one(clf, text)
    assert result["category"] == "collection" and "visit_threat" in result["tags"]
    normalized = clf.template(text)
    for item in result["terms"].split(";"):
        label, _, term = item.partition(":")
        assert label in ("collection", *TAGS)
        assert term.replace("不…", "") in normalized, item
    assert any(item.startswith("visit_threat:") for item in result["terms"].split(";"))


def test_cli_errors_flag(tmp_path):
    labelled = tmp_path / "mini.tsv"
    labelled.write_text("text\tis_collection\ttags\n"
                        "您的借款已逾期30天，请今天还款\t1\treminder\n"
                        "今天天气不错\t1\treminder\n", encoding="utf-8")
    plain = CliRunner().invoke(app, ["eval-classifier", str(labelled)])
    listed = CliRunner().invoke(app, ["eval-classifier", str(labelled), "--errors"])
    assert plain.exit_code == listed.exit_code == 0
    assert "reminder       precision 1.000  recall 0.500  F1 0.667  (tp 1, fp 0, fn 1)" in plain.output
    assert "tn 0" in plain.output and "errors: 1" in plain.output
    assert "line 3 false negative" not in plain.output
    assert "line 3 false negative" in listed.output
