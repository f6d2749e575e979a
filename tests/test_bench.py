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
