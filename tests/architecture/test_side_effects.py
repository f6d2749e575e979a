"""Issue 21: `import harass_analyzer; analyze(...)` leaves the process as it found it: allocator, glibc's
mmap threshold (no mallopt call), matplotlib's backend, signal handlers, temp folder, working folder,
environment; and no thread or child process of the run outlives the call. Process policy is cli.main's."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLE

CHECK = r'''
import ctypes, os, signal, sys, tempfile, threading
mallopt_calls = []
class SpyCDLL(ctypes.CDLL):  # records every mallopt call made through ctypes
    def __getattr__(self, name):
        found = super().__getattr__(name)
        if name != "mallopt":
            return found
        def mallopt(*args):
            mallopt_calls.append(args)
            return found(*args)
        setattr(self, name, mallopt)  # as ctypes does: later look-ups find the attribute, not __getattr__
        return mallopt
ctypes.CDLL = SpyCDLL

import matplotlib
matplotlib.use("svg")  # the caller's choice
import pyarrow as pa
import jieba  # its import runs pkg_resources, which puts installed distributions' folders on sys.path:
#               an import of a dependency (as in any program using jieba), not something analyze() does
tempfile.gettempdir()  # the standard library fills tempfile.tempdir on first use, whoever calls it
before = {
    "pool": pa.default_memory_pool().backend_name, "backend": matplotlib.get_backend(),
    "rc": dict(matplotlib.rcParams), "signals": {s: signal.getsignal(s) for s in
    (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGXFSZ", signal.SIGTERM))},
    "tempdir": tempfile.tempdir, "cwd": os.getcwd(), "env": dict(os.environ), "path": list(sys.path),
    "threads": threading.active_count(), "recursion": sys.getrecursionlimit()}

import harass_analyzer as ha
from harass_analyzer.xmlscan import sbr_parts
sbr_parts.MIN_BYTES, sbr_parts.MIN_RECORDS = 0, 0  # the parallel parse too, with its worker processes
summary = ha.analyze([sys.argv[1]], sys.argv[2])
after = {
    "pool": pa.default_memory_pool().backend_name, "backend": matplotlib.get_backend(),
    "rc": dict(matplotlib.rcParams), "signals": {s: signal.getsignal(s) for s in before["signals"]},
    "tempdir": tempfile.tempdir, "cwd": os.getcwd(), "env": dict(os.environ), "path": list(sys.path),
    "threads": threading.active_count(), "recursion": sys.getrecursionlimit()}
changed = sorted(k for k in before if before[k] != after[k])
children = [p for p in os.listdir("/proc") if p.isdigit() and
            open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1] == str(os.getpid())]
print(summary.events, changed, mallopt_calls, children, threading.enumerate()[1:])
'''


def test_analyze_leaves_the_process_as_it_found_it(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CHECK, str(SAMPLE), str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    events, rest = done.stdout.strip().split(" ", 1)
    assert int(events) > 1000 and rest == "[] [] [] []", rest


def test_the_cli_applies_the_policy(tmp_path: Path) -> None:
    """The same spy sees the command line set the allocator policy (so the check above could fail)."""
    code = CHECK.split("import harass_analyzer as ha")[0] + (
        "from harass_analyzer.policy import apply_process_policy\napply_process_policy()\n"
        "print(pa.default_memory_pool().backend_name, len(mallopt_calls))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["system", "1"]
