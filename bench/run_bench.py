#!/usr/bin/env python3
"""Performance benchmark: harass-analyzer vs the bare-parse floor and the naive jieba pipeline.

    python bench/run_bench.py                 # 100k + 20k and 1M + 200k (generates data under bench/data/)
    python bench/run_bench.py --sizes tiny    # a few thousand records (what the test suite runs)
    python bench/run_bench.py --media         # also: media-heavy SMS B&R files, RSS vs media size

Every command runs as a child process in this one run; seconds are wall time, peak RSS is the child's
own maximum resident set (os.wait4). Data come from harass_analyzer.synthetic (fixed seed, collection
templates repeated with names, amounts and numbers varying).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT.parent / "shared" / "bench" / "baseline_parse.py"
SIZES = {"tiny": (3_000, 600), "100k": (100_000, 20_000), "1m": (1_000_000, 200_000)}


def generate(folder: Path, sms: int, calls: int, mms: int = 0, media_bytes: int = 2048) -> list[Path]:
    from harass_analyzer.synthetic import Sizes, write_export

    marker = folder / f".done-{sms}-{calls}-{mms}-{media_bytes}"
    files = [folder / "sms-20260412120000.xml", folder / "calls-20260412120000.xml"]
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_export(folder, Sizes(sms=sms, calls=calls, mms=mms, media_bytes=media_bytes, surrogate_emoji=False))
        marker.touch()
    return files




PSS = bool(os.environ.get("BENCH_PSS"))


def _tree_memory_mb(pid: int, pss: bool = False) -> float:
    """Resident set of a process and all its descendants (from /proc), in MB: the plain sum of their RSS,
    or (pss) of their proportional set sizes, where a page several of them map (the parse workers' Arrow
    files, which the main process maps too) counts once in all."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            if pss:
                with open(f"/proc/{p}/smaps_rollup") as fh:
                    total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:")) * 1024
            else:
                with open(f"/proc/{p}/statm") as fh:
                    total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError, StopIteration):
            continue
    return total / 2**20


def measure(cmd: list[str]) -> None:
    """Child mode: run cmd, report wall seconds, its own peak RSS (wait4) and the peak of the whole process
    tree (parse workers included), sampled every 20 ms."""
    import threading

    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    tree_peak = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        count = 0
        while not done.wait(0.02):
            tree_peak[0] = max(tree_peak[0], _tree_memory_mb(proc.pid))
            count += 1
            # PSS walks the page tables under the process's memory-map lock, which slows a process that maps
            # and unmaps a lot (measured: ~0.5 s on a 10 s run): only on request, every 100 ms.
            if PSS and count % 5 == 0:
                tree_peak[1] = max(tree_peak[1], _tree_memory_mb(proc.pid, pss=True))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    print(f"__bench__ {seconds:.3f} {usage.ru_maxrss / 1024:.0f} {tree_peak[0]:.0f} {tree_peak[1]:.0f} "
          f"{os.waitstatus_to_exitcode(status)}", file=sys.stderr)


def timed_child(cmd: list[str]) -> tuple[float, float, float, float]:
    """(seconds, own peak RSS MB, peak RSS and PSS MB of the whole process tree) of one command."""
    proc = subprocess.run([sys.executable, __file__, "--measure", *cmd], capture_output=True, text=True)
    line = [x for x in proc.stderr.splitlines() if x.startswith("__bench__ ")]
    if not line:
        raise SystemExit(f"benchmark wrapper failed for {' '.join(cmd)}:\n{proc.stderr[-2000:]}")
    _, seconds, rss, tree, tree_pss, code = line[-1].split()
    if int(code) != 0:
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return float(seconds), float(rss), float(tree), float(tree_pss)


def bench_size(name: str, data_dir: Path, naive: bool, repeat: int = 1) -> dict:
    """Bare parse and analyze timed back to back `repeat` times (a pair sees the same machine state; on a
    noisy machine the median pair ratio is the figure, the others show the spread); naive jieba once."""
    sms, calls = SIZES[name]
    files = [str(p) for p in generate(data_dir / name, sms, calls, mms=max(1, sms // 5000))]
    row: dict = {"size": f"{sms:,} SMS + {calls:,} calls"}
    if naive:
        row["naive_s"], row["naive_rss"], _tree, _pss = timed_child([sys.executable, str(BASELINE), "--naive-jieba", *files])
    pairs = []
    for _ in range(repeat):
        bare = timed_child([sys.executable, str(BASELINE), *files])
        out = Path(tempfile.mkdtemp(prefix="bench-out-"))
        try:
            analyze = timed_child([sys.executable, "-m", "harass_analyzer", "analyze", *files, "-o", str(out / "b"),
                                   "--force"])
        finally:
            shutil.rmtree(out, ignore_errors=True)
        pairs.append((bare, analyze))
    row["ratios"] = sorted(a[0] / b[0] for b, a in pairs)
    row["ratio"] = statistics.median(row["ratios"])
    row["bare_s"] = statistics.median(b[0] for b, _ in pairs)
    row["analyze_s"] = statistics.median(a[0] for _, a in pairs)
    row["bare_rss"] = max(b[1] for b, _ in pairs)
    row["analyze_rss"], row["analyze_tree"], row["analyze_tree_pss"] = (max(a[k] for _, a in pairs) for k in (1, 2, 3))
    if naive:
        row["speedup"] = row["naive_s"] / row["analyze_s"]
    return row


def bench_media(data_dir: Path, total_mb: list[int]) -> list[dict]:
    rows = []
    for mb in total_mb:
        per_part = 4 * 1024 * 1024  # 4 MB of base64 per MMS image
        mms = max(1, mb * 1024 * 1024 // per_part)
        files = [str(p) for p in generate(data_dir / f"media{mb}", 2_000, 200, mms=mms, media_bytes=per_part)]
        size = sum(Path(f).stat().st_size for f in files) / 1e6
        out = Path(tempfile.mkdtemp(prefix="bench-media-"))
        try:
            seconds, rss, tree, tree_pss = timed_child([sys.executable, "-m", "harass_analyzer", "analyze", *files,
                                           "-o", str(out / "b"), "--force"])
        finally:
            shutil.rmtree(out, ignore_errors=True)
        rows.append({"file_mb": size, "mms": mms, "analyze_s": seconds, "analyze_rss": rss, "analyze_tree": tree,
                     "analyze_tree_pss": tree_pss})
    return rows


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100k,1m", help="comma list of: " + ", ".join(SIZES))
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "data")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive jieba pipeline (slow)")
    ap.add_argument("--media", action="store_true", help="media-heavy files: 200 MB and 2 GB")
    ap.add_argument("--media-mb", default="200,2000")
    ap.add_argument("--pss", action="store_true",
                    help="also sample the process tree's PSS (shared pages once; slows the measured run a little)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="bare/analyze pairs per size; medians are printed (for noisy machines)")
    args = ap.parse_args()
    if args.pss:
        global PSS
        PSS = True
        os.environ["BENCH_PSS"] = "1"  # read by the --measure children
    if not BASELINE.is_file():
        raise SystemExit(f"baseline not found: {BASELINE} (../shared must sit beside the project)")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    rows = [bench_size(name.strip(), args.data_dir, not args.no_naive, max(1, args.repeat))
            for name in args.sizes.split(",")]
    for r in rows:
        line = (f"{r['size']}: bare parse {r['bare_s']:.2f}s ({r['bare_rss']:.0f} MB) | analyze {r['analyze_s']:.2f}s "
                f"({r['analyze_rss']:.0f} MB) | analyze/bare {r['ratio']:.2f} (target <= 1.5)")
        if len(r["ratios"]) > 1:
            line += (f" [median of {len(r['ratios'])} back-to-back pairs; pair ratios "
                     f"{', '.join(f'{x:.2f}' for x in r['ratios'])}; times are medians]")
        if "naive_s" in r:
            line += f" | naive jieba {r['naive_s']:.2f}s, speed-up {r['speedup']:.1f}x (target >= 10)"
        print(line)
        print(f"  peak RSS analyze {r['analyze_rss']:.0f} MB (target <= 1024 MB at 1M + 200k); whole process tree "
              f"incl. parse workers {r['analyze_tree']:.0f} MB RSS (sampled every 20 ms)"
              + (f", {r['analyze_tree_pss']:.0f} MB PSS (shared pages counted once; every 100 ms)" if PSS else ""))
    if len(rows) == 2:
        print(f"scaling: larger/smaller analyze time = {rows[1]['analyze_s'] / rows[0]['analyze_s']:.2f} "
              "(target <= 10.5 for 1M vs 100k)")
    if args.media:
        media = bench_media(args.data_dir, [int(x) for x in args.media_mb.split(",")])
        for m in media:
            print(f"media-heavy {m['file_mb']:.0f} MB ({m['mms']} MMS): analyze {m['analyze_s']:.2f}s, "
                  f"peak RSS {m['analyze_rss']:.0f} MB (process tree {m['analyze_tree']:.0f} MB RSS"
                  + (f", {m['analyze_tree_pss']:.0f} MB PSS)" if PSS else ")"))
        if len(media) >= 2:
            print(f"RSS growth from {media[0]['file_mb']:.0f} MB to {media[-1]['file_mb']:.0f} MB of media: "
                  f"{media[-1]['analyze_rss'] - media[0]['analyze_rss']:+.0f} MB (target: independent of media size)")


if __name__ == "__main__":
    main()
