"""Lexicon files (packaged and user-supplied) and the classifier's private jieba tokenizer."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import jieba
import pytest

import harass_analyzer.classify as classify_pkg
from harass_analyzer.classify import KeywordClassifier
from harass_analyzer.classify.lexicon import TAGS, expand
from harass_analyzer.errors import ConfigError

from .conftest import predict_one

PACKAGE_DIR = Path(classify_pkg.__file__).parent


def test_packaged_lexicon_covers_every_tag(clf):
    tags = {e.tag for e in clf.entries_}
    assert set(TAGS) <= tags
    assert {"debt", "none"} <= tags
    assert len(clf.entries_) > 500


def test_expand_alternatives():
    assert expand("{你|您}{的|}朋友") == ["你的朋友", "你朋友", "您的朋友", "您朋友"]
    with pytest.raises(ValueError):
        expand("{你|您朋友")


def test_user_lexicon_changes_result(tmp_path):
    text = "老板让我提醒你把材料交给财务"
    assert predict_one(KeywordClassifier().fit(), text)["category"] == "other"
    extra = tmp_path / "mine.txt"
    extra.write_text("# my own terms\n交给财务  exposure  2.0\n材料  debt  0.5\n", encoding="utf-8")
    result = predict_one(KeywordClassifier(lexicon_files=[extra]).fit(), text)
    assert result["category"] == "collection"
    assert "exposure" in result["tags"]
    assert "exposure:交给财务" in result["terms"]


def test_user_lexicon_can_switch_a_term_off(tmp_path):
    text = "你这个月的欠款再不还，就是老赖"
    assert "insult" in predict_one(KeywordClassifier().fit(), text)["tags"]
    extra = tmp_path / "off.txt"
    extra.write_text("老赖  insult  0\n", encoding="utf-8")
    assert "insult" not in predict_one(KeywordClassifier(lexicon_files=[extra]).fit(), text)["tags"]


def test_user_lexicon_in_traditional_characters(tmp_path):
    extra = tmp_path / "trad.txt"
    extra.write_text("討債公司來電  visit_threat  3\n", encoding="utf-8")
    assert "visit_threat" not in predict_one(KeywordClassifier().fit(), "讨债公司来电了")["tags"]
    result = predict_one(KeywordClassifier(lexicon_files=[extra]).fit(), "讨债公司来电了")
    assert result["category"] == "collection" and "visit_threat" in result["tags"]
    assert "visit_threat:讨债公司来电" in result["terms"]


@pytest.mark.parametrize(("content", "message"), [
    ("逾期  nonsense  1\n", "unknown tag"),
    ("逾期  reminder  heavy\n", "not a number"),
    ("逾期\n", "expected 'TERM TAG"),
    ("{逾期|拖欠  reminder  1\n", "unbalanced"),
    ("逾期...  reminder  1\n", "gap pattern"),
])
def test_bad_user_lexicon_is_a_config_error(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        KeywordClassifier(lexicon_files=[bad]).fit()
    assert "bad.txt:1" in str(info.value)


def test_missing_lexicon_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read lexicon"):
        KeywordClassifier(lexicon_files=[tmp_path / "absent.txt"]).fit()


def test_tokenizer_is_private(clf):
    was_initialized = jieba.dt.initialized
    predict_one(clf, "您的借款已逾期未还款，外访人员将上门")
    tokenizer = clf._jieba()
    assert tokenizer is not jieba.dt
    assert "外访人员" in tokenizer.FREQ
    assert jieba.dt.initialized == was_initialized
    if jieba.dt.initialized:
        assert "外访人员" not in jieba.dt.FREQ
    assert tokenizer.tmp_dir == tempfile.gettempdir()
    assert not list(PACKAGE_DIR.rglob("*.cache"))


def test_no_jieba_noise_on_stdout_or_stderr():
    code = ("from harass_analyzer.classify import KeywordClassifier\n"
            "r = KeywordClassifier().fit().predict(['您的借款已逾期，请尽快还款'])\n"
            "assert r['category'][0] == 'collection'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def test_warm_up_loads_the_tokenizer():
    clf = KeywordClassifier(threshold=2.5)  # not fitted yet
    clf.warm_up()
    assert clf._tokenizer is not None and clf._tokenizer.initialized
    assert clf.predict(["您的借款已逾期5天，请尽快还款"])["category"][0] == "collection"
