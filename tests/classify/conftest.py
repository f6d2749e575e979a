"""Shared fixtures: one fitted classifier per session (jieba's dictionary takes ~0.5 s to load)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harass_analyzer.classify import KeywordClassifier
from tests.classify.corpus_files import load_build_corpus

EVAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval"


@pytest.fixture(scope="session")
def clf() -> KeywordClassifier:
    return KeywordClassifier().fit()


@pytest.fixture
def build(monkeypatch):
    """scripts/build_corpus.py as a module (slot lists, template reader)."""
    return load_build_corpus(monkeypatch)


def predict_one(clf: KeywordClassifier, text: str, sender: str | None = None) -> dict:
    row = clf.predict([text], senders=None if sender is None else [sender]).iloc[0]
    return {"category": row["category"], "tags": set(filter(None, row["tags"].split(";"))),
            "terms": row["matched_terms"], "score": row["score"]}
