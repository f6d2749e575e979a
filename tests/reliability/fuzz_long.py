"""Long fuzz run over every importer (see README "Reliability").

    python -m tests.reliability.fuzz_long --examples 10000            # 10,000 mutated inputs per importer
    python -m tests.reliability.fuzz_long --examples 500 --importer sbr_xml --save crashes/

Each input is a mutated valid seed (tests/reliability/fuzz_core.py) read by its importer in a worker
process under a per-input time limit; every `--pipeline-every`-th input also goes through the whole
`load_events` pipeline. A crash is any exception that is not a HarassAnalyzerError; a hang is an input
that exceeds `--timeout` seconds. Exit code 1 when any crash or hang was found. Deterministic per --seed.
"""
from __future__ import annotations

import argparse
import multiprocessing
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from harass_analyzer.errors import HarassAnalyzerError

from .fuzz_core import SEEDS, Crash, Workspace, importer_names, mutate, run_importer


class Hang(BaseException):
    """Raised by the alarm: BaseException so no importer's `except Exception` swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


def run_chunk(args: tuple[str, int, int, int, float, int, str | None]) -> dict:
    """Fuzz one importer for `count` inputs; returns counters and the first failures."""
    importer, chunk, count, base_seed, timeout, pipeline_every, save = args
    import matplotlib

    matplotlib.use("Agg")
    from harass_analyzer.pipeline import load_events

    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(f"{base_seed}-{importer}-{chunk}")
    seeds = [s for s in SEEDS if s.importer == importer]
    stats: Counter = Counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix=f"fuzz_{importer}_") as tmp:
        spaces = [Workspace.create(s, Path(tmp) / s.name) for s in seeds]
        for i in range(count):
            space = rng.choice(spaces)
            data = mutate(space.seed, space.original, rng, space.scratch)
            path = space.write(data)
            problem = None
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                outcome, records = run_importer(importer, path)
                stats[outcome] += 1
                stats["records"] += records
                if pipeline_every and i % pipeline_every == 0:
                    stats["pipeline_runs"] += 1
                    try:
                        load_events([path])
                    except HarassAnalyzerError:
                        pass
                    except Exception as exc:  # noqa: BLE001
                        problem = f"pipeline crash: {type(exc).__name__}: {exc}\n{traceback.format_exc()}"
            except Crash as exc:
                problem = f"crash: {exc}\n{''.join(traceback.format_exception(exc.__cause__))}"
            except Hang:
                problem = f"hang: > {timeout}s"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            stats["inputs"] += 1
            if problem:
                stats["hangs" if problem.startswith("hang") else "crashes"] += 1
                label = f"{importer}-{space.seed.name}-c{chunk}-i{i}"
                if len(failures) < 5:
                    failures.append(f"{label}: {problem}")
                if save:
                    out = Path(save)
                    out.mkdir(parents=True, exist_ok=True)
                    (out / f"{label}.bin").write_bytes(data)
                    (out / f"{label}.txt").write_text(problem, encoding="utf-8")
            space.write(space.original)
    return {"importer": importer, "stats": dict(stats), "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="mutated inputs per importer")
    parser.add_argument("--importer", action="append", help="only this importer (repeatable)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (runs are reproducible)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per input before it is a hang")
    parser.add_argument("--pipeline-every", type=int, default=50, help="also run load_events on every N-th input")
    parser.add_argument("--jobs", type=int, default=max(1, (multiprocessing.cpu_count() or 2) - 1))
    parser.add_argument("--chunk", type=int, default=250, help="inputs per worker task")
    parser.add_argument("--save", help="folder to save crashing/hanging inputs in")
    args = parser.parse_args(argv)
    names = args.importer or importer_names()
    unknown = set(names) - set(importer_names())
    if unknown:
        parser.error(f"no seeds for importer(s): {', '.join(sorted(unknown))}")
    tasks = []
    for name in names:
        for chunk, start in enumerate(range(0, args.examples, args.chunk)):
            tasks.append((name, chunk, min(args.chunk, args.examples - start), args.seed, args.timeout,
                          args.pipeline_every, args.save))
    totals: dict[str, Counter] = {n: Counter() for n in names}
    failures: list[str] = []
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(args.jobs, maxtasksperchild=4) as pool:
        for result in pool.imap_unordered(run_chunk, tasks):
            totals[result["importer"]].update(result["stats"])
            failures.extend(result["failures"])
    print(f"{'importer':18} {'inputs':>7} {'read':>7} {'refused':>7} {'records':>9} {'pipeline':>8} "
          f"{'crashes':>7} {'hangs':>5}")
    for name in names:
        t = totals[name]
        print(f"{name:18} {t['inputs']:7} {t['read']:7} {t['refused']:7} {t['records']:9} "
              f"{t['pipeline_runs']:8} {t['crashes']:7} {t['hangs']:5}")
    grand = sum(totals.values(), Counter())
    print(f"total: {grand['inputs']} inputs, {grand['crashes']} crashes, {grand['hangs']} hangs "
          f"in {time.monotonic() - started:.0f}s (seed {args.seed})")
    for line in failures[:20]:
        print(line, file=sys.stderr)
    return 1 if grand["crashes"] or grand["hangs"] else 0


if __name__ == "__main__":
    sys.exit(main())
