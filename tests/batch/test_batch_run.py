"""`batch` on a LocalCluster and on a separately started scheduler + two workers: per-case bundles equal
`analyze`'s, failures listed, cross-case counts as counted by hand in the XML, resume, Ctrl-C."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from harass_analyzer.api import analyze
from harass_analyzer.batching import make_cases as plan_cases
from harass_analyzer.batching import run_batch
from harass_analyzer.evidence import verify_bundle
from devtools.bundle_compare import comparable_files, differences
from tests.batch.helpers import CASES, NUMBERS, PHONES, env, incoming_from, local_scheduler, make_cases


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """The cases' parent folder, made the working folder so cases are given as relative paths."""
    folder = tmp_path_factory.mktemp("phones")
    make_cases(folder)
    before = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(before)


@pytest.fixture(scope="module")
def local(root: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    return run_batch(plan_cases(CASES), out, workers=2)


@pytest.fixture(scope="module")
def scheduler(root: Path, tmp_path_factory):
    with local_scheduler(tmp_path_factory.mktemp("dask")) as address:
        yield address


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_case_bundles_equal_analyze(local, root: Path, tmp_path: Path) -> None:
    # as a user runs it: the CLI in its own process, from the same folder
    done = subprocess.run([sys.executable, "-m", "harass_analyzer", "analyze", "phone_a", "-o",
                           str(tmp_path / "a")], cwd=root, env=env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    analyze(["phone_c"], tmp_path / "c")
    for name in ("phone_a", "phone_c"):
        mine = comparable_files(local.out / "cases" / name)
        assert "events.csv" in mine and "violations.csv" in mine
        assert differences(local.out / "cases" / name, tmp_path / name[-1]) == []
    assert sorted(p.name for p in (local.out / "cases").iterdir()) == sorted(PHONES)
    assert all(verify_bundle(local.out / "cases" / name) == [] for name in PHONES)
    assert verify_bundle(local.out) == []


def test_failures_listed_one_line_each(local) -> None:
    issues = read(local.out / "batch_issues.csv")
    assert list(issues["case"]) == ["broken", "encrypted", "empty"]
    assert list(issues["path"]) == ["broken", "encrypted", "empty"]
    reasons = dict(zip(issues["case"], issues["reason"]))
    assert "ENCRYPTED iOS backup" in reasons["encrypted"]
    assert reasons["empty"] == "no importable phone export found"
    assert "broken/backup.ab: damaged compressed data" in reasons["broken"]
    assert all("\n" not in r for r in reasons.values())
    assert [r["status"] for r in local.runs] == ["done"] * 7 + ["failed"] * 3


def test_cross_case_counts_by_hand(local, root: Path) -> None:
    table = read(local.out / "cross_case" / "collectors.csv")
    entities = table.loc[table["level"].eq("entity")].set_index("collector")
    assert entities.loc["速借金融", "cases"] == "phone_a;phone_b;phone_c"
    assert entities.loc["速借金融", "cases_reached"] == "3"
    sms, calls = zip(*(incoming_from(root / p, NUMBERS["速借金融"]) for p in ("phone_a", "phone_b", "phone_c")))
    assert int(entities.loc["速借金融", "contacts"]) == sum(sms) + sum(calls)
    assert entities.loc["易贷花", "cases"] == "phone_a;phone_d"
    # 闪借宝 and 快银钱包 dial from one shared number: one collector across two phones, with that evidence
    joined = entities.loc[entities["cases"].eq("phone_e;phone_f")]
    assert len(joined) == 1 and "shared number +8613312340032 in 2 case(s): phone_e, phone_f" in joined["evidence"].iloc[0]
    assert "signature 【闪借宝】 in 1 case(s): phone_e" in joined["evidence"].iloc[0]
    assert set(entities.index) == {"速借金融", "易贷花", joined.index[0], "鑫融资产管理", "米粒贷"}
    number = table.loc[table["level"].eq("number")].set_index("collector").loc["95011"]
    assert number["entity"] == "易贷花" and number["cases"] == "phone_a;phone_d"
    assert int(number["contacts"]) == sum(sum(incoming_from(root / p, ["95011"])) for p in ("phone_a", "phone_d"))
    # violations: the cases' violations.csv rows of that entity, by rule
    rows = pd.concat([read(local.out / "cases" / p / "violations.csv") for p in ("phone_a", "phone_d")])
    mine = rows.loc[rows["entity"].eq("易贷花"), "rule_id"].value_counts()
    assert entities.loc["易贷花", "violations_by_rule"] == ";".join(f"{r}:{n}" for r, n in sorted(mine.items()))
    cases = read(local.out / "cross_case" / "cases.csv").set_index("case")
    assert list(cases.index) == sorted(PHONES)
    assert cases.loc["phone_a", "events"] == str(len(read(local.out / "cases/phone_a/events.csv")))
    assert cases.loc["phone_a", "collectors"] == "2"
    for name in ("report.md", "report.html", "reach.png", "weekly.png"):
        assert (local.out / "cross_case" / name).stat().st_size > 500


@pytest.fixture(scope="module")
def remote(root: Path, scheduler: str, tmp_path_factory):
    """The same batch through --scheduler; one worker process is killed (SIGKILL, as the OOM killer would)
    while it analyses a case, so that case must be run again on a worker."""
    import threading

    from distributed import Client

    out = tmp_path_factory.mktemp("remote") / "out"
    finished: dict = {}
    runner = threading.Thread(target=lambda: finished.update(result=run_batch(plan_cases(CASES), out,
                                                                               scheduler=scheduler)))
    with Client(scheduler, timeout="30s", set_as_default=False) as client:
        runner.start()
        victim = None
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items() if keys]
            if busy and (out / "cases").is_dir() and any(p.name.startswith(".") for p in (out / "cases").iterdir()):
                victim = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            time.sleep(0.05)
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        runner.join(timeout=600)
    return finished["result"], victim


def test_separate_scheduler_same_bytes_despite_a_killed_worker(local, remote) -> None:
    result, victim = remote
    assert [r["status"] for r in result.runs] == ["done"] * 7 + ["failed"] * 3
    assert victim not in {r["pid"] for r in result.runs}  # the killed worker's case was run again elsewhere
    assert {r["pid"] for r in result.runs}.isdisjoint({r["pid"] for r in local.runs})
    assert differences(local.out, result.out) == []


def test_resume_skips_verified_cases(local, remote, scheduler: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(remote[0].out, out)
    before = (out / "cases/phone_a/events.csv").stat().st_mtime_ns
    with open(out / "cases" / "phone_b" / "senders.csv", "a", encoding="utf-8") as fh:
        fh.write("tampered\n")  # phone_b no longer verifies: analysed again
    shutil.rmtree(out / "cases" / "phone_d")  # never finished: analysed
    again = run_batch(plan_cases(CASES), out, scheduler=scheduler, resume=True)
    status = {r["case"]: r["status"] for r in again.runs}
    assert status == {**{p: "resumed" for p in PHONES}, "phone_b": "done", "phone_d": "done",
                      **{p: "failed" for p in CASES[7:]}}
    assert (out / "cases/phone_a/events.csv").stat().st_mtime_ns == before
    assert verify_bundle(out / "cases" / "phone_b") == [] and verify_bundle(out) == []
    assert differences(local.out, out) == []


def test_workers_do_not_keep_the_results_already_taken(root: Path, scheduler: str, tmp_path: Path) -> None:
    """A result the batch has taken is let go: the workers hold at most the few not yet collected, not one
    per finished case (which made a worker's memory creep over a 1,000-phone run)."""
    from distributed import Client

    held: list[int] = []
    with Client(scheduler, timeout="30s", set_as_default=False) as probe:
        def count(_result: dict) -> None:
            held.append(sum(probe.run(lambda dask_worker: len(dask_worker.data)).values()))

        result = run_batch(plan_cases(CASES), tmp_path / "out", scheduler=scheduler, progress=count)
    assert len(held) == len(CASES) == len(result.runs)
    assert max(held) <= 3, held  # before the fix: 1, 2, … up to all ten


def test_interrupt_leaves_no_partial_case(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # Ctrl-C as in a terminal: a test run started in the background (`cmd &` in a script) inherits SIGINT
    # ignored, which Python then keeps; the child gets the default disposition back.
    proc = subprocess.Popen([sys.executable, "-m", "harass_analyzer", "batch", *CASES, "-o", str(out),
                             "--workers", "2"], cwd=root, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    def finished() -> list[Path]:
        return [p for p in (out / "cases").iterdir() if not p.name.startswith(".")] if (out / "cases").is_dir() else []

    deadline = time.monotonic() + 300
    while not finished() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert finished(), "no case finished within 300 s"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().startswith("error: interrupted; the cases finished are kept")
    assert "Traceback" not in err and err.count("error:") == 1
    left = sorted(p.name for p in (out / "cases").iterdir())
    assert left and all(not n.startswith(".") for n in left), left  # no staging folder left behind
    assert all(verify_bundle(out / "cases" / n) == [] for n in left)
    assert len(left) < len(PHONES)
    assert not (out / "cross_case").exists()

