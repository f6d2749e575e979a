"""The classifier's corpus files (data/classifier/) and how they are read: tab-separated, no quoting."""
from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "classifier" / "corpus.tsv"
SEALED = ROOT / "data" / "classifier" / "sealed.tsv"
SEALED2 = ROOT / "data" / "classifier" / "sealed2.tsv"
SEALED3 = ROOT / "data" / "classifier" / "sealed3.tsv"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))
