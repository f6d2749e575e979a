"""A batch of ten small generated cases (seven phones reached by hand-picked collectors, one broken export,
one encrypted iPhone backup, one empty folder), and the figures a reader can count in their XML."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from harass_analyzer.synthetic import POOL, write_phone
from tests.importers.make_fixtures import android_backup_bytes, make_ios_backup

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = {name: numbers for name, numbers, _ in POOL}
# Which collectors reach which phone: 速借金融 3 phones, 易贷花 2, 闪借宝 and 快银钱包 (one shared number)
# 1 each, 鑫融资产管理 and 米粒贷 1 each.
PHONES = {
    "phone_a": ["速借金融", "易贷花"],
    "phone_b": ["速借金融"],
    "phone_c": ["速借金融", "鑫融资产管理"],
    "phone_d": ["易贷花"],
    "phone_e": ["闪借宝"],
    "phone_f": ["快银钱包"],
    "phone_g": ["米粒贷"],
}
FAILING = ("broken", "encrypted", "empty")
CASES = [*PHONES, *FAILING]
EVENTS = 120
INCOMING_CALL_TYPES = {"1", "3", "5", "6"}  # incoming, missed, rejected, blocked


def make_cases(root: Path) -> None:
    for i, (phone, names) in enumerate(PHONES.items()):
        write_phone(root / phone, [(n, NUMBERS[n]) for n in names], events=EVENTS, seed=100 + i)
    (root / "broken").mkdir()  # an adb backup whose compressed data is damaged: nothing can be read
    data = android_backup_bytes({"apps/com.android.providers.telephony/d_f/000000_sms_backup": b"[]" * 2000})
    start = data.index(b"none\n") + 5
    (root / "broken" / "backup.ab").write_bytes(data[:start + 10] + bytes(200) + data[start + 210:])
    make_ios_backup(root / "encrypted", encrypted=True)
    (root / "empty").mkdir()


def incoming_from(folder: Path, numbers: list[str]) -> tuple[int, int]:
    """(received messages, incoming calls) from `numbers`, counted in the phone's XML files."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.xml")))
    wanted = set(numbers)
    sms = sum(1 for a, t in re.findall(r'<sms [^>]*?address="([^"]+)"[^>]*? type="(\d)"', text)
              if a in wanted and t == "1")
    calls = sum(1 for n, t in re.findall(r'<call number="([^"]+)"[^>]*? type="(\d)"', text)
                if n in wanted and t in INCOMING_CALL_TYPES)
    return sms, calls


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@contextmanager
def local_scheduler(workdir: Path):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, started apart from the test (their
    own working folder); always stopped."""
    workdir.mkdir(parents=True, exist_ok=True)
    info = workdir / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": workdir, "env": env()}
    procs = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(info)], **quiet)]
    try:
        deadline = time.monotonic() + 60
        while not info.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--host", "127.0.0.1",
                                           "--nthreads", "1", "--no-dashboard"], **quiet))
        from distributed import Client

        with Client(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
