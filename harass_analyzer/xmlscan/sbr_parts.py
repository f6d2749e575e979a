"""Parse one large SMS Backup & Restore file on several cores, started ahead so the caller can go on.

No pandas here: the CLI may start the workers for the files it is given (`prestart`) before it imports
the rest of the tool, so the parse runs while the main process is still starting up. Every parse belongs
to a harass_analyzer.run.Run, which stops its workers and removes their files when the run ends.

The file is cut at record starts (`<sms `, `<mms `, `<call `: a `<` cannot occur inside a well-formed
attribute value), each part is parsed by its own process (xmlscan/sbr_worker) inside a synthetic root
element, and the parts' tables are joined in file order. Line numbers and per-tag record numbers are
offset by a byte scan of what precedes each cut (done by that part's worker, in parallel), so
`source_ref` is exactly what the one-process parse gives. Anything unusual (a break in the XML, a
non-UTF-8 file, counts that do not match the byte scans) makes `result()` return None and the caller parses the file the ordinary way, with its
recovery and issue reporting.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from typing import Callable

import pyarrow as pa
import pyarrow.ipc  # noqa: F401  (pa.ipc)

from .arrow_files import COLUMNS_DONE, read_column
from .lines import TAG_PATTERNS
from .stream import sniff_root

MIN_BYTES = 64 << 20  # below this, process start-up costs more than it saves
MAX_PARTS = 4
MIN_RECORDS = 200_000  # estimated from the first SAMPLE_BYTES
SAMPLE_BYTES = 8 << 20
_RECORD_START = re.compile(rb"<(?:sms|mms|call)[\s/>]")
WORKER = "harass_analyzer.xmlscan.sbr_worker"
SHM = "/dev/shm"


def cut_points(path: Path, size: int, parts: int) -> list[int]:
    """Byte offsets of record starts near size*k/parts (k = 1..parts-1), strictly increasing."""
    cuts = []
    with open(path, "rb") as fh:
        for k in range(1, parts):
            fh.seek(size * k // parts)
            window = fh.read(4 << 20)
            match = _RECORD_START.search(window)
            if match is None:
                return []
            cut = size * k // parts + match.start()
            if cuts and cut <= cuts[-1]:
                return []
            cuts.append(cut)
    return cuts


class PendingParse:
    """Worker processes parsing the parts of one file; `result()` waits for them."""

    def __init__(self, path: Path, source: str, fmt: str, root: str, cuts: list[int], size: int) -> None:
        self._tmp = tempfile.mkdtemp(prefix="harass-parse-", dir=_scratch_dir(size))
        bounds = [0, *cuts, size]
        self._procs = []
        for i in range(len(bounds) - 1):
            job = {"path": str(path), "start": bounds[i], "end": bounds[i + 1], "root": root, "first": i == 0,
                   "last": i == len(bounds) - 2, "source": source, "fmt": fmt,
                   "out": str(Path(self._tmp) / f"part{i}")}
            job_file = Path(self._tmp) / f"part{i}.job.json"
            job_file.write_text(json.dumps(job), encoding="utf-8")
            self._procs.append(subprocess.Popen([sys.executable, "-m", WORKER, str(job_file)],
                                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))

    def result(self, add_issue: Callable[[str, str, str], None]) -> pa.Table | None:
        """The file's raw columns, or None when the ordinary parse must be used; worker issues go to
        add_issue(source_file, source_ref, reason). The workers are stopped either way."""
        try:
            return self._collect(add_issue)
        finally:
            self.cancel()

    def cancel(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _collect(self, add_issue: Callable[[str, str, str], None]) -> pa.Table | None:
        # Each worker says on stdout when its columns are written; one that ends without saying so broke (an XML break, or it could not run).
        if any(p.stdout.readline().strip() != COLUMNS_DONE.encode() for p in self._procs):
            return None  # the one-process parse takes over
        metas = [json.loads((Path(self._tmp) / f"part{i}.json").read_text(encoding="utf-8"))
                 for i in range(len(self._procs))]
        for i, meta in enumerate(metas):
            if meta["decoded_as"]:
                return None
            if i + 1 < len(metas):  # the workers' byte scans must agree with what the parser found
                after, before = metas[i + 1]["before"][1], meta["before"][1]
                if any(meta["counts"].get(t, 0) != after[t] - before.get(t, 0) for t in TAG_PATTERNS):
                    return None
        for meta in metas:
            for file_, ref, reason in meta["issues"]:
                add_issue(file_, ref, reason)
        parts = [i for i, meta in enumerate(metas) if meta["columns"]]
        if not parts:
            return None
        names = metas[parts[0]]["columns"]
        columns = []
        for k in range(len(names)):  # each column mapped on its own (see sbr_worker)
            chunks = []
            for i in parts:
                column_file = Path(self._tmp) / f"part{i}.{k}.arrow"
                chunks.extend(read_column(column_file).chunks)
                # Unlinked once mapped: its pages go when the last mapping does (the time sort replaces
                # the column), which matters in RAM-backed /dev/shm.
                column_file.unlink(missing_ok=True)
            columns.append(pa.chunked_array(chunks))
        return pa.Table.from_arrays(columns, names=names)


def _scratch_dir(size: int) -> str | None:
    """Where the workers write their columns: RAM-backed /dev/shm when it has room (writing some hundred
    MB of columns to a disk-backed temp dir cost up to 0.7 s per worker in writeback throttling here),
    else the temp dir."""
    try:
        if os.path.isdir(SHM) and os.access(SHM, os.W_OK):
            st = os.statvfs(SHM)
            if st.f_bavail * st.f_frsize > 2 * size + (256 << 20):
                return SHM
    except OSError:
        pass
    return None


def start_parallel(path: Path, source: str, fmt: str) -> PendingParse | None:
    """Start parsing the file on several cores, or None when it is small, odd or the machine has one
    core. The caller owns the workers: `result()` or `cancel()` stops them."""
    size = path.stat().st_size
    parts = min(os.cpu_count() or 1, MAX_PARTS)
    if size < MIN_BYTES or parts < 2:
        return None
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    root = sniff_root(head)
    if root not in ("smses", "calls") or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    with open(path, "rb") as fh:  # media-heavy files hold few records: one process reads them faster
        sample = fh.read(SAMPLE_BYTES)
    if len(_RECORD_START.findall(sample)) * (size / max(len(sample), 1)) < MIN_RECORDS:
        return None
    cuts = cut_points(path, size, parts)
    if not cuts:
        return None
    return PendingParse(path, source, fmt, root, cuts, size)


FORMAT = "sbr_xml"  # the importer's NAME, which every row's source_format carries


def parse_ahead(path: Path, source: str, run) -> bool:
    """Start the parallel parse of `path` now, owned by `run` (harass_analyzer.run.Run), for
    `parallel_table` to collect; False when the file does not suit it. One file at a time keeps both
    cores busy without oversubscribing them."""
    if run.has_prefetched():
        return False
    pending = start_parallel(path, source, FORMAT)
    if pending is None:
        return False
    run.on_close(pending.cancel)
    run.prefetch(_key(path, source), pending)
    return True


def parallel_table(path: Path, source: str, run, add_issue: Callable[[str, str, str], None]) -> pa.Table | None:
    """The file's raw columns parsed on several cores (begun by `parse_ahead`, or now), or None when the
    ordinary parse should be used."""
    pending = run.take_prefetched(_key(path, source))
    if pending is None:
        pending = start_parallel(path, source, FORMAT)
        if pending is None:
            return None
        run.on_close(pending.cancel)
    return pending.result(add_issue)


def _key(path: Path, source: str) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return ("sbr-parse", str(path), source)
    return ("sbr-parse", str(path), source, stat.st_size, stat.st_mtime_ns)


def prestart(paths: list[str], run) -> None:
    """Start the parallel parse of the first large SMS B&R file among `paths` (files given directly) at
    once; the import takes it over (the same path as its label), and `run` stops it if it does not."""
    for given in paths:
        path = Path(given)
        try:
            if path.is_file() and parse_ahead(path, str(path), run):
                return
        except OSError:
            continue  # the import reports unreadable inputs itself
