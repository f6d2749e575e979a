"""Size of report.pdf (and how long the run takes) for a generated export, against the 2 MB limit of
中国互联网金融协会's attachment upload (issue 18): synthetic data only.

    python bench/pdf_size.py                # 100k events (60k SMS + 40k calls)
    python bench/pdf_size.py --sms 600 --calls 400
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LIMIT = 2 * 1024 * 1024


def main() -> None:
    from harass_analyzer.api import Options, analyze
    from harass_analyzer.synthetic import Sizes, write_export

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sms", type=int, default=60_000)
    ap.add_argument("--calls", type=int, default=40_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        write_export(data, Sizes(sms=args.sms, calls=args.calls, mms=0))
        start = time.perf_counter()
        summary = analyze([data], Path(tmp) / "out", options=Options())
        took = time.perf_counter() - start
        out = Path(tmp) / "out"
        pdf, xlsx = (out / "report.pdf").stat().st_size, (out / "evidence.xlsx").stat().st_size
        print(f"{summary.events} events: report.pdf {pdf / 1024 / 1024:.2f} MB "
              f"({'within' if pdf <= LIMIT else 'OVER'} the 2 MB limit), evidence.xlsx {xlsx / 1024 / 1024:.2f} MB, "
              f"run {took:.1f} s")
        if pdf > LIMIT:
            sys.exit(1)


if __name__ == "__main__":
    main()
