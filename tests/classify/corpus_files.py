"""The classifier's corpus files (data/classifier/) and how they are read: tab-separated, no quoting."""
from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "classifier" / "corpus.tsv"
SEALED = ROOT / "data" / "classifier" / "sealed.tsv"
SEALED2 = ROOT / "data" / "classifier" / "sealed2.tsv"
SEALED3 = ROOT / "data" / "classifier" / "sealed3.tsv"
SEALED4 = ROOT / "data" / "classifier" / "sealed4.tsv"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))


def load_build_corpus(monkeypatch):
    """scripts/build_corpus.py as a module (its slot lists and template reader)."""
    spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "scripts" / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_corpus", module)  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def check_sealed_split(rows: list[dict[str, str]], tags: tuple[str, ...], negative_families: set[str],
                       positive_families: set[str], short_and_long: bool = True) -> None:
    """What every sealed split must be: both labels within 20 % of each other, tags on collection messages
    only, never third_party together with reminder, at least five templates for every tag, the families
    its author promised on each side, and (unless `short_and_long` is off: the first split has no long
    message) messages from 10 characters or fewer to 150 or more."""
    labels = Counter(r["is_collection"] for r in rows)
    assert labels["0"] >= 0.8 * labels["1"] and labels["1"] >= 0.8 * labels["0"]
    assert all(r["tags"] for r in rows if r["is_collection"] == "1")
    assert not any(r["tags"] for r in rows if r["is_collection"] == "0")
    assert not any({"third_party", "reminder"} <= set(r["tags"].split(",")) for r in rows)
    templates_per_tag = {t: {r["template"] for r in rows if t in r["tags"].split(",")} for t in tags}
    assert all(len(ts) >= 5 for ts in templates_per_tag.values()), {t: len(ts) for t, ts in templates_per_tag.items()}
    assert negative_families <= {r["family"] for r in rows if r["is_collection"] == "0"}
    assert positive_families <= {r["family"] for r in rows if r["is_collection"] == "1"}
    if short_and_long:
        lengths = [len(r["text"]) for r in rows]
        assert min(lengths) <= 10 and max(lengths) >= 150
