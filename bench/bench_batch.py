#!/usr/bin/env python3
"""Many phones: `batch` on the default LocalCluster vs a loop of `analyze`, one CLI process per case (as a
user would run them), on the same generated phones in the same run. Prints figures; asserts nothing.

    python bench/bench_batch.py --phones 200 --events 5000       # the issue's benchmark
    python bench/bench_batch.py --phones 200 --loop-sample 40    # time the loop on 40 cases, scale it up
    python bench/bench_batch.py --phones 20 --scheduler-check    # also: dask scheduler + 2 workers, same bytes?

Per-case overhead of the batch = wall time × workers / cases − the mean time `api.analyze` itself took
inside the workers: what scheduling, the summary read-back and idle workers add to each case. Worker
memory: resident set after each case, per worker process, in the order its cases ran.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.bundle_compare import differences  # noqa: E402  (the repository root, just above)


def generate(folder: Path, phones: int, events: int) -> list[str]:
    from harass_analyzer.synthetic import write_many_phones

    marker = folder / f".done-{phones}-{events}"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_many_phones(folder, phones=phones, events=events, seed=11)
        marker.touch()
    return sorted(p.name for p in folder.iterdir() if p.is_dir())


def loop(cases: list[str], data: Path, out: Path) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for case in cases:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "harass_analyzer", "analyze", case, "-o", str(out / case)],
                       cwd=data, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def memory_lines(runs: list[dict]) -> list[str]:
    lines = []
    by_pid: dict[int, list[dict]] = {}
    for r in runs:
        by_pid.setdefault(r["pid"], []).append(r)
    for pid, mine in sorted(by_pid.items()):
        rss = [r["rss"] / 2**20 for r in mine if "rss" in r]
        if len(rss) < 2:
            continue
        tenth = max(1, len(rss) // 10)
        lines.append(f"  worker {pid}: {len(rss)} cases; RSS after case: first 10% mean "
                     f"{statistics.mean(rss[:tenth]):.0f} MB, last 10% mean {statistics.mean(rss[-tenth:]):.0f} MB, "
                     f"max {max(rss):.0f} MB; peak RSS after first case {mine[0]['peak_rss'] / 2**20:.0f} MB, "
                     f"at the end {mine[-1]['peak_rss'] / 2**20:.0f} MB")
        if len(rss) >= 10:  # the shape of the run: does it level off or keep climbing?
            deciles = [statistics.mean(rss[len(rss) * k // 10:len(rss) * (k + 1) // 10]) for k in range(10)]
            lines.append("    RSS after case by tenth of its cases: " + ", ".join(f"{m:.0f}" for m in deciles) + " MB")
    return lines


def scheduler_check(cases: list[str], data: Path, work: Path, reference: Path) -> str:
    """`dask scheduler` + two `dask worker` processes on 127.0.0.1, the same batch through --scheduler."""
    from harass_analyzer.batching import make_cases, run_batch

    info = work / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": work,
             "env": {**os.environ, "PYTHONPATH": str(ROOT)}}
    procs = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(info)], **quiet)]
    try:
        while not info.is_file():
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        procs += [subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--host", "127.0.0.1",
                                    "--nthreads", "1", "--no-dashboard"], **quiet) for _ in range(2)]
        start = time.perf_counter()
        run_batch(make_cases(cases), work / "out", scheduler=address)
        seconds = time.perf_counter() - start
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait()
    differ = differences(reference, work / "out")
    files = sum(1 for p in reference.rglob("*") if p.is_file())
    return (f"--scheduler (dask scheduler + 2 dask workers): {seconds:.1f} s; {files} files, "
            f"{'all byte-identical' if not differ else f'{len(differ)} differ: {differ[:5]}'} "
            "(manifests compared without their creation time)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phones", type=int, default=200)
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--loop-sample", type=int, default=0, help="time the analyze loop on this many cases only")
    ap.add_argument("--no-loop", action="store_true")
    ap.add_argument("--workers", type=int, default=None, help="local cluster size (default: one per core)")
    ap.add_argument("--scheduler-check", action="store_true")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "data")
    args = ap.parse_args()

    from harass_analyzer.batching import make_cases, run_batch
    from harass_analyzer.batching.runner import default_workers

    data = args.data_dir / f"phones-{args.phones}x{args.events}"
    start = time.perf_counter()
    cases = generate(data, args.phones, args.events)
    print(f"{len(cases)} phones × ~{args.events} events generated/reused in {time.perf_counter() - start:.1f} s "
          f"({data}); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    os.chdir(data)  # cases as relative paths, as a user in that folder types them
    try:
        workers = args.workers or default_workers()
        start = time.perf_counter()
        result = run_batch(make_cases(cases), work / "batch", workers=workers)
        batch_s = time.perf_counter() - start
        done = [r for r in result.runs if r["status"] != "failed"]
        inner = statistics.mean(r["analyze_seconds"] for r in done)
        task = statistics.mean(r["seconds"] for r in done)
        print(f"batch: {batch_s:.1f} s wall for {len(cases)} cases on {workers} workers "
              f"({len(result.issues)} failed); per case in a worker: api.analyze {inner:.2f} s, whole task "
              f"{task:.2f} s; overhead per case (wall × workers / cases − analyze) "
              f"{batch_s * workers / len(cases) - inner:.2f} s")
        idle = batch_s - sum(r["seconds"] for r in result.runs) / workers
        print(f"batch wall time outside the cases' tasks (cluster start, worker set-up, scheduling, cross-case "
              f"outputs): {idle:.1f} s, {idle / len(cases):.3f} s per case")
        print("\n".join(memory_lines(result.runs)))
        if not args.no_loop:
            step = max(1, len(cases) // args.loop_sample) if args.loop_sample else 1
            sample = cases[::step][:args.loop_sample or None]
            times = loop(sample, data, work / "loop")
            loop_s = sum(times) * len(cases) / len(sample)
            scaled = f" (timed on {len(sample)} cases, scaled to {len(cases)})" if len(sample) < len(cases) else ""
            print(f"loop of analyze (one CLI process per case): {loop_s:.1f} s{scaled}; per case mean "
                  f"{statistics.mean(times):.2f} s, median {statistics.median(times):.2f} s")
            print(f"batch speed-up vs the loop: {loop_s / batch_s:.2f}×")
            same = not differences(work / "batch" / "cases" / sample[0], work / "loop" / sample[0])
            print(f"case {sample[0]}: batch bundle {'identical to' if same else 'DIFFERENT from'} analyze's")
        if args.scheduler_check:
            (work / "sched").mkdir()
            print(scheduler_check(cases, data, work / "sched", work / "batch"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
