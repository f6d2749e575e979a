"""The classifier's tokenizer loads jieba's dictionary a first character at a time: every cut equals the
cut of a tokenizer holding the whole dictionary, with the collection vocabulary added the same way."""
from __future__ import annotations

import csv
import random
from pathlib import Path

import jieba
import pytest

from harass_analyzer.classify import KeywordClassifier, jieba_dict

SHARED_EVAL = Path(__file__).parents[3] / "shared" / "eval"


def texts() -> list[str]:
    found = []
    for name in ("dev.tsv", "real.tsv"):
        path = SHARED_EVAL / name
        if path.exists():
            with open(path, encoding="utf-8", newline="") as fh:
                found += [row[0] for row in list(csv.reader(fh, delimiter="\t"))[1:] if row]  # after the header
    rng = random.Random(9)
    mixed = ["".join(rng.choice(t) for _ in range(rng.randint(1, 40))) for t in found[:200] if t]
    return found + mixed + ["上门催收", "马上门口", "ＡＢＣ123中文", "", "逾期0天，欠款0元"]


@pytest.fixture(scope="module")
def full_and_grouped(tmp_path_factory):
    words = KeywordClassifier().fit().user_words_
    full = jieba.Tokenizer()
    full.tmp_dir = str(tmp_path_factory.mktemp("full"))
    full.initialize()
    grouped = jieba.Tokenizer()
    grouped.tmp_dir = str(tmp_path_factory.mktemp("grouped"))
    jieba_dict.prepare(grouped)   # builds the groups (and their cache) from jieba's own dictionary
    again = jieba.Tokenizer()
    again.tmp_dir = grouped.tmp_dir
    jieba_dict.prepare(again)     # reads them from that cache
    for word in words:
        full.suggest_freq(word, tune=True)
        for tok in (grouped, again):
            jieba_dict.ensure(tok, word)
            tok.suggest_freq(word, tune=True)
    return full, grouped, again


def test_cuts_equal_the_whole_dictionary(full_and_grouped) -> None:
    full, grouped, again = full_and_grouped
    assert again.prefix_groups is not None and len(again.FREQ) < len(full.FREQ)
    sample = texts()
    assert len(sample) > 250
    for text in sample:
        want = list(full.cut(text, HMM=False))
        for tok in (grouped, again):
            jieba_dict.ensure(tok, text)
            assert list(tok.cut(text, HMM=False)) == want, text
    assert grouped.total == full.total == again.total


def test_a_damaged_cache_is_rebuilt(tmp_path: Path, full_and_grouped) -> None:
    full, _, _ = full_and_grouped
    first = jieba.Tokenizer()
    first.tmp_dir = str(tmp_path)
    jieba_dict.prepare(first)
    cache = next(tmp_path.glob("harass-analyzer-jieba-*.groups"))
    cache.write_bytes(b"\x00garbage")
    again = jieba.Tokenizer()
    again.tmp_dir = str(tmp_path)
    jieba_dict.prepare(again)
    jieba_dict.ensure(again, "马上门口有人等你")
    plain = jieba.Tokenizer()
    plain.tmp_dir = str(tmp_path)
    plain.initialize()
    assert list(again.cut("马上门口有人等你", HMM=False)) == list(plain.cut("马上门口有人等你", HMM=False))
    assert cache.stat().st_size > 1_000_000 and again.total == plain.total
