"""The reader check (data/classifier/reader_check.tsv) stays a faithful sample of the corpus: every row is a
corpus message with the corpus's own split and labels, and the reader's labels obey the tagging rules, so
scripts/reader_agreement.py compares like with like."""
from __future__ import annotations

from collections import Counter

from harass_analyzer.classify.lexicon import TAGS

from .corpus_files import CORPUS, ROOT, read_tsv

CHECK = ROOT / "data" / "classifier" / "reader_check.tsv"


def test_reader_check_rows_are_corpus_messages_with_their_labels():
    check = read_tsv(CHECK)
    corpus = {}
    for row in read_tsv(CORPUS):
        corpus.setdefault((row["template"], row["text"]), row)
    assert Counter(r["split"] for r in check) == {"train": 400, "test": 400}
    for row in check:
        source = corpus.get((row["template"], row["text"]))
        assert source is not None, row["text"]
        assert (source["split"], source["is_collection"], source["tags"]) == \
            (row["split"], row["is_collection"], row["tags"])


def test_reader_labels_follow_the_tagging_rules():
    for row in read_tsv(CHECK):
        tags = [t for t in row["reader_tags"].split(",") if t]
        assert row["reader_is_collection"] in ("0", "1")
        assert set(tags) <= set(TAGS), tags
        assert bool(tags) == (row["reader_is_collection"] == "1"), row["text"]
