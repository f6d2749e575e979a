"""The classifier's corpus files (data/classifier/) and how they are read: tab-separated, no quoting."""
from __future__ import annotations

import csv
import importlib.util
import re
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


def check_shares_nothing(rows: list[dict[str, str]], split: str, family_prefix: str, others: list[Path]) -> None:
    """A sealed split's messages, templates and families appear in none of the `others` files."""
    assert {r["split"] for r in rows} == {split}
    assert all(r["template"].startswith(split + "/") and r["family"].startswith(family_prefix) for r in rows)
    for other in map(read_tsv, others):
        assert not {r["text"] for r in rows} & {r["text"] for r in other}
        assert not {r["template"] for r in rows} & {r["template"] for r in other}
        assert not {r["family"] for r in rows} & {r["family"] for r in other}


def own_templates_repeating(build, folder: Path, earlier: list[Path]) -> tuple[list, list[str]]:
    """The templates of `folder`, and the idents of those whose text (slots and punctuation aside) repeats
    a template of the `earlier` folders; only the sealed split's own idents are ever shown."""
    def key(text: str) -> str:
        return re.sub(r"[\W_]+", "", re.sub(r"\{\w+\}", "", text))

    others = set()
    for other in earlier:
        others |= {key(t.text) for t in build.read_templates(other)}
    own = build.read_templates(folder)
    return own, [t.ident for t in own if key(t.text) in others]


def check_slot_values_own(build, slots: dict, earlier: list[dict]) -> None:
    """A sealed split's slot values are in neither the training lists nor the `earlier` splits' slots."""
    training = {"surnames": build.SURNAMES, "given": build.GIVEN, "plat": build.PLATFORMS, "bank": build.BANKS,
                "city": build.CITIES, "place": build.PLACES, "company": build.COMPANIES}
    for slot, values in slots.items():
        for other in [training[slot], *(e[slot] for e in earlier)]:
            assert not set(values) & set(other), slot
