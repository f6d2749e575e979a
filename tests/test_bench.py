"""The benchmark script runs end to end on a tiny size (figures are printed, never asserted as timings)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runs_on_tiny_size(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run_bench.py"), "--sizes", "tiny",
                             "--data-dir", str(tmp_path), "--no-naive", "--repeat", "2"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"analyze/bare \d+\.\d\d", result.stdout)
    assert re.search(r"peak RSS analyze \d+ MB", result.stdout)
    assert re.search(r"median of 2 back-to-back pairs; pair ratios \d+\.\d\d, \d+\.\d\d;", result.stdout)


def test_batch_benchmark_runs_on_tiny_size(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_batch.py"), "--phones", "3", "--events", "100",
                             "--loop-sample", "1", "--workers", "2", "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"batch: \d+\.\d s wall for 3 cases on 2 workers \(0 failed\)", result.stdout)
    assert re.search(r"loop of analyze \(one CLI process per case\): \d+\.\d s \(timed on 1 cases, scaled to 3\)",
                     result.stdout)
    assert "batch bundle identical to analyze's" in result.stdout
