"""How far the packaged model is from a careful reader, on the same corpus messages.

`data/classifier/reader_check.tsv` holds 800 messages drawn at random from `corpus.tsv` (400 of the train
part, 400 of the test part) with their corpus labels and the labels a blind reader gave them (see
LABELLING.md, "A careful reader on the same messages"). This prints, per part, the reader's figures against
the corpus labels and the packaged model's figures on the same messages, in the terms of eval-classifier:
collection precision / recall / F1, false positives among non-collection, tag macro-F1.

    python scripts/reader_agreement.py
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harass_analyzer.classify.classifier import KeywordClassifier  # noqa: E402
from harass_analyzer.classify.evaluate import EvalReport, compare, tag_set  # noqa: E402

CHECK = ROOT / "data" / "classifier" / "reader_check.tsv"


def figures(gold_c: list[bool], pred_c: list[bool], gold_t: list[set[str]], pred_t: list[set[str]]) -> str:
    """One line in eval-classifier's terms (evaluate.compare, the same counting)."""
    collection, tags, true_negatives = compare(gold_c, pred_c, gold_t, pred_t)
    report = EvalReport(CHECK, len(gold_c), collection, tags, true_negatives=true_negatives)
    negatives = collection.fp + true_negatives
    return (f"P {collection.precision:.3f} R {collection.recall:.3f} F1 {collection.f1:.3f}  false positives "
            f"{collection.fp}/{negatives} ({collection.fp / negatives:.1%})  tag macro-F1 {report.macro_f1:.3f}")


def main() -> None:
    with CHECK.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))
    predicted = KeywordClassifier().fit().predict([r["text"] for r in rows])
    model_c = (predicted["category"] == "collection").tolist()
    model_t = [tag_set(t) for t in predicted["tags"]]
    for part in ("train", "test"):
        keep = [i for i, r in enumerate(rows) if r["split"] == part]
        gold_c = [rows[i]["is_collection"] == "1" for i in keep]
        gold_t = [tag_set(rows[i]["tags"]) for i in keep]
        reader_c = [rows[i]["reader_is_collection"] == "1" for i in keep]
        reader_t = [tag_set(rows[i]["reader_tags"]) for i in keep]
        print(f"{part} part, {len(keep)} messages ({sum(gold_c)} collection)")
        print(f"  reader: {figures(gold_c, reader_c, gold_t, reader_t)}")
        print(f"  model:  {figures(gold_c, [model_c[i] for i in keep], gold_t, [model_t[i] for i in keep])}")
    print("(the model was fitted on the train part: its train figures are not held out; "
          "cross-validated figures are train_classifier.py's)")


if __name__ == "__main__":
    main()
