"""Classifier cost per distinct template (not a pytest file: run it by hand).

    python tests/classify/bench_templates.py [N] [--profile]

Takes N distinct messages of the corpus (default 2,000; distinct templates once digits and names are
masked), warms the classifier up (model, lexicons, jieba) and times one result_table over them (wall and CPU time;
the CPU time is steadier on a shared machine): what an
export with N distinct templates costs on top of the start-up. Prints milliseconds per template.
"""
from __future__ import annotations

import cProfile
import csv
import pstats
import sys
import time
from pathlib import Path

from harass_analyzer.classify import KeywordClassifier

CORPUS = Path(__file__).resolve().parents[2] / "data" / "classifier" / "corpus.tsv"


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), 2000))
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))
    classifier = KeywordClassifier().fit()
    classifier.warm_up()
    seen, texts = set(), []
    for row in rows:
        template = classifier.template(row["text"])
        if template not in seen:
            seen.add(template)
            texts.append(row["text"])
        if len(texts) == n:
            break
    profile = cProfile.Profile() if "--profile" in sys.argv else None
    start, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    codes, table = classifier.result_table(texts)
    if profile:
        profile.disable()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{len(texts)} distinct templates: {elapsed:.2f}s wall, {1000 * elapsed / len(texts):.3f} ms per template; "
          f"CPU {1000 * cpu / len(texts):.3f} ms per template; {table['category'].count('collection')} collection")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
