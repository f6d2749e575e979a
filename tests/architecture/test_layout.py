"""Issue 21: the package's shape. No import cycle (a module-level or a function-level import that comes
back round); no module-level state but the listed caches of data that no run changes; `verify` and
the evidence module import nothing heavy; a library call leaves the process as it found it."""
from __future__ import annotations

import subprocess
import sys

from tests.architecture.imports import cycles, graph
from tests.architecture.state import changed_globals, package_state

# Every module-level value a function fills or changes, with why it may outlive a run: each holds data
# derived from files of the package or the library (never from a run's inputs), the same for every run.
ALLOWED_STATE = {
    "harass_analyzer.classify.classifier:_MODELS": "the learned model, read once per model file",
    "harass_analyzer.classify.classifier:_SPELLINGS": "the model's homophone spellings, derived once",
    "harass_analyzer.classify.classifier:_TOKENIZERS": "one jieba tokenizer per vocabulary (its dictionary loads once)",
    "harass_analyzer.importers.sqlite_base:_tables_in()": "a database's table names by path and state (8 at most)",
    "harass_analyzer.report.fonts:_woff_subset()": "font subsets by character set (8 at most)",
    "harass_analyzer.report.fonts:cjk_font_family()": "the CJK font, registered with matplotlib once",
    "harass_analyzer.report.redact:_posseg()": "jieba's part-of-speech tokenizer, loaded once",
    "harass_analyzer.timeconv:_TIMES": "the 86,400 'HH:MM:SS' strings, built on first use",
}


def test_no_import_cycle() -> None:
    found = cycles(graph())
    assert found == [], f"import cycles: {found}"


def test_the_cycle_finder_finds_one() -> None:
    edges = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_only_the_listed_caches_are_module_state() -> None:
    assert package_state() == set(ALLOWED_STATE)


def test_the_state_finder_sees_mutation_and_rebinding() -> None:
    source = ("_RUN = {}\n_LAST = None\nCONST = {'a': 1}\n_SEEN = []\n"
              "def f(x):\n    _RUN[x] = 1\n    CONST.get(x)\n"
              "def g():\n    global _LAST\n    _LAST = 2\n"
              "def h(_SEEN):\n    _SEEN.append(1)\n")
    assert changed_globals(source) == {"_RUN", "_LAST"}


def test_evidence_and_verify_import_nothing_heavy() -> None:
    edges = graph()
    assert set(edges["harass_analyzer.evidence"]) <= {"harass_analyzer.errors"}
    code = ("import sys, harass_analyzer.evidence, harass_analyzer.run, harass_analyzer.schema; "
            "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'lxml', 'jieba', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_workers_only_parse() -> None:
    """The SMS B&R parse workers import the parse and nothing of the classifier or the pipeline."""
    edges = graph()
    worker = set(edges["harass_analyzer.xmlscan.sbr_worker"])
    assert worker <= {f"harass_analyzer.xmlscan.{m}" for m in ("arrow_files", "lines", "sbr_fast", "sbr_records")}
