"""A case whose analysis kills its worker process on every try (tests/batch/kill_worker_preload.py, loaded
into the workers through dask's configuration): the batch lists it with a one-line reason and finishes
every other case, including those that waited on a worker that died, and leaves nothing of it behind."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from devtools.bundle_compare import differences
from harass_analyzer.api import analyze
from harass_analyzer.synthetic import write_phone
from harass_analyzer.evidence import verify_bundle
from tests.batch.helpers import EVENTS, NUMBERS, PHONES, env

PRELOAD = Path(__file__).with_name("kill_worker_preload.py")
GOOD = ["phone_a", "phone_b", "phone_c"]


def test_case_killing_its_worker_every_try_is_listed_and_the_rest_finish(tmp_path: Path, monkeypatch) -> None:
    phones = tmp_path / "phones"
    for i, name in enumerate([*GOOD, "doomed"]):  # the doomed phone is an ordinary, readable export
        write_phone(phones / name, [(n, NUMBERS[n]) for n in PHONES[f"phone_{'abca'[i]}"]], events=EVENTS,
                    seed=300 + i)
    out = tmp_path / "out"
    # doomed first: on two workers it shares one with a good case, which must not be blamed for the deaths
    run = subprocess.run([sys.executable, "-m", "harass_analyzer", "batch", "doomed", *GOOD, "-o", str(out),
                          "--workers", "2"], cwd=phones, capture_output=True, text=True, timeout=600,
                         env={**env(), "DASK_DISTRIBUTED__WORKER__PRELOAD": repr([str(PRELOAD)])})
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"wrote {out}: 3 case(s) analysed (0 kept from before), 1 failed ")
    assert "Traceback" not in run.stderr
    issues = pd.read_csv(out / "batch_issues.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert issues[["case", "path"]].values.tolist() == [["doomed", "doomed"]]
    assert issues["reason"].tolist() == ["doomed: the worker process analysing it ended abruptly on each of 2 tries "
                                         "(killed, e.g. by the system when out of memory); no bundle written"]
    assert sorted(p.name for p in (out / "cases").iterdir()) == GOOD  # no staging folder, attempts file or doomed
    assert all(verify_bundle(out / "cases" / name) == [] for name in GOOD) and verify_bundle(out) == []
    monkeypatch.chdir(phones)  # the case as the batch gave it: a relative path
    analyze(["phone_b"], tmp_path / "alone")
    assert differences(out / "cases" / "phone_b", tmp_path / "alone") == []
    cases = pd.read_csv(out / "cross_case" / "cases.csv", encoding="utf-8-sig", dtype=str)
    assert cases["case"].tolist() == GOOD
