#!/usr/bin/env python3
"""This checkout against another one (an earlier commit in a git worktree) on the same generated export:
the bare parse, then `analyze` of each build, in alternating order, `--repeat` times; seconds, peak RSS,
the analyze/bare ratio of each build, and whether the two bundles are byte-identical (manifest.json
compared without its creation time, reports with their fingerprint as the slot). Prints; asserts nothing.

    git worktree add --detach ../before <commit>
    python bench/compare_builds.py ../before --size 1m --repeat 3
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from devtools.bundle_compare import comparable_files, differences  # noqa: E402
from run_bench import BASELINE, SIZES, generate, timed_child  # noqa: E402

def analyze(build: Path, files: list[str], out: Path) -> tuple[float, float, float]:
    os.environ["PYTHONPATH"] = str(build)  # the child imports this build's package (its cwd holds none)
    seconds, rss, tree, _ = timed_child([sys.executable, "-m", "harass_analyzer", "analyze", *files, "-o", str(out),
                                         "--force"])
    return seconds, rss, tree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("other", type=Path, help="root of the other checkout")
    ap.add_argument("--size", default="1m", choices=list(SIZES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "data")
    ap.add_argument("--keep", type=Path, help="keep both builds' first bundles here")
    args = ap.parse_args()
    sms, calls = SIZES[args.size]
    files = [str(p) for p in generate(args.data_dir / args.size, sms, calls, mms=max(1, sms // 5000))]
    builds = {"this": ROOT, "other": args.other.resolve()}
    work = Path(tempfile.mkdtemp(prefix="compare-builds-"))
    os.chdir(work)
    rows: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in builds}
    try:
        for k in range(args.repeat):
            os.environ.pop("PYTHONPATH", None)
            bare = timed_child([sys.executable, str(BASELINE), *files])[0]
            order = list(builds) if k % 2 == 0 else list(reversed(builds))
            for name in order:
                seconds, rss, tree = analyze(builds[name], files, work / f"{name}-{k}")
                rows[name].append((seconds, rss, tree, seconds / bare))
                print(f"run {k + 1} {name:5}: analyze {seconds:6.2f} s, bare parse {bare:5.2f} s, ratio "
                      f"{seconds / bare:4.2f}, peak RSS {rss:5.0f} MB (tree {tree:5.0f} MB)", flush=True)
        for name, got in rows.items():
            print(f"{name:5} ({builds[name]}): median analyze {statistics.median(r[0] for r in got):.2f} s, median "
                  f"ratio {statistics.median(r[3] for r in got):.2f} ({', '.join(f'{r[3]:.2f}' for r in got)}), "
                  f"max peak RSS {max(r[1] for r in got):.0f} MB (tree {max(r[2] for r in got):.0f} MB)")
        ours, theirs = comparable_files(work / "this-0"), comparable_files(work / "other-0")
        differ = differences(work / "this-0", work / "other-0")
        print(f"bundles: {len(ours)} vs {len(theirs)} files, "
              + ("byte-identical (manifest without created_at)" if not differ else f"{len(differ)} differ: {differ}"))
        if args.keep:
            for name in builds:
                shutil.copytree(work / f"{name}-0", args.keep / name, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
