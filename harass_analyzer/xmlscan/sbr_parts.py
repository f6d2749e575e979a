"""Parse one large SMS Backup & Restore file on several cores, started ahead so the caller can go on.

No pandas here: the CLI starts the workers for the files it is given (`prestart`) before it imports the
rest of the tool, so the parse runs while the main process is still starting up.

The file is cut at record starts (`<sms `, `<mms `, `<call `: a `<` cannot occur inside a well-formed
attribute value), each part is parsed by its own process (xmlscan/sbr_worker) inside a synthetic root
element, and the parts' tables are joined in file order. Line numbers and per-tag record numbers are
offset by a byte scan of what precedes each cut (done by that part's worker, in parallel), so
`source_ref` is exactly what the one-process parse gives. Anything unusual (a break in the XML, a
non-UTF-8 file, counts that do not match the byte scans) makes `result()` return None and the caller parses the file the ordinary way, with its
recovery and issue reporting.
"""
from __future__ import annotations

import atexit
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

from .lines import TAG_PATTERNS
from .stream import sniff_root

MIN_BYTES = 64 << 20  # below this, process start-up costs more than it saves
MAX_PARTS = 4
MIN_RECORDS = 200_000  # estimated from the first SAMPLE_BYTES
SAMPLE_BYTES = 8 << 20
_RECORD_START = re.compile(rb"<(?:sms|mms|call)[\s/>]")
WORKER = "harass_analyzer.xmlscan.sbr_worker"
SHM = "/dev/shm"
COLUMNS_DONE = "columns"  # the line a worker writes on stdout once its part's columns are written


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
        self._rows = 0
        for i in range(len(bounds) - 1):
            job = {"path": str(path), "start": bounds[i], "end": bounds[i + 1], "root": root, "first": i == 0,
                   "last": i == len(bounds) - 2, "source": source, "fmt": fmt,
                   "out": str(Path(self._tmp) / f"part{i}"), "templates": True}
            job_file = Path(self._tmp) / f"part{i}.job.json"
            job_file.write_text(json.dumps(job), encoding="utf-8")
            self._procs.append(subprocess.Popen([sys.executable, "-m", WORKER, str(job_file)],
                                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))

    def result(self, add_issue: Callable[[str, str, str], None]) -> pa.Table | None:
        """The file's raw columns, or None when the ordinary parse must be used; worker issues go to
        add_issue(source_file, source_ref, reason). After a table, the workers go on computing the
        bodies' templates: the caller then calls `templates()` or `cancel()`."""
        try:
            table = self._collect(add_issue)
        except BaseException:
            self.cancel()
            raise
        if table is None:
            self.cancel()
        else:
            self._rows = table.num_rows
        return table

    def templates(self) -> list[tuple["np.ndarray", pa.Array]] | None:
        """The classifier's Arrow template stages over the file's bodies (classify.arrow_template_codes),
        per part in row order: (codes, distinct templates); None when a worker could not compute them
        (the caller then does it itself). Stops the workers either way."""
        try:
            if not self._rows or any(p.wait() != 0 for p in self._procs):
                return None
            parts = []
            for i in range(len(self._procs)):
                part = Path(self._tmp) / f"part{i}"
                if part.with_suffix(".tdict.arrow").exists():  # else a part without records
                    parts.append((read_column(part.with_suffix(".tcodes.arrow")).to_numpy(),
                                  read_column(part.with_suffix(".tdict.arrow")).combine_chunks()))
            return parts if sum(len(codes) for codes, _ in parts) == self._rows else None
        except (OSError, pa.ArrowException):
            return None
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
        # Each worker says on stdout when its columns are written (it then goes on with the templates);
        # one that ends without saying so broke (an XML break, or it could not run).
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


def write_column(path: str | Path, name: str, values: pa.Array | pa.ChunkedArray) -> None:
    """One column as an Arrow IPC file (the workers' output: each column mapped on its own)."""
    column = pa.table({name: values})
    with pa.OSFile(os.fsencode(path), "wb") as sink, pa.ipc.new_file(sink, column.schema) as writer:
        writer.write_table(column)


def read_column(path: str | Path) -> pa.ChunkedArray:
    """A file write_column wrote, memory-mapped (its buffers keep the mapping alive)."""
    with pa.memory_map(os.fsencode(path)) as source:
        return pa.ipc.open_file(source).read_all().column(0)


def start_parallel(path: Path, source: str, fmt: str) -> PendingParse | None:
    """Start parsing the file on several cores (or take the workers `prestart` began for it), or None
    when it is small, odd or the machine has one core."""
    early = _EARLY.pop(_key(path, source, fmt), None)
    if early is not None:
        return early
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


def read_parallel(path: Path, add_issue: Callable[[str, str, str], None], source: str,
                  fmt: str) -> pa.Table | None:
    """The file's raw columns parsed on several cores, or None when the ordinary parse should be used."""
    pending = start_parallel(path, source, fmt)
    if pending is None:
        return None
    try:
        return pending.result(add_issue)
    finally:
        pending.cancel()  # the templates are not wanted here


# Workers started before the importer registry exists, keyed by what start_parallel will be asked for.
_EARLY: dict[tuple, PendingParse] = {}


def _key(path: Path, source: str, fmt: str) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), source, fmt)
    return (str(path), source, fmt, stat.st_size, stat.st_mtime_ns)


def prestart(paths: list[str]) -> None:
    """Start the workers for the large SMS B&R files among `paths` (files given directly) at once. The
    import later takes them over; `cancel_early` stops any it did not take (an error, an odd file)."""
    for given in paths:
        path = Path(given)
        try:
            if not path.is_file() or _EARLY:
                continue  # one file at a time keeps both cores busy without oversubscribing them
            pending = start_parallel(path, str(path), "sbr_xml")
        except OSError:
            continue  # the import reports unreadable inputs itself
        if pending is not None:
            _EARLY[_key(path, str(path), "sbr_xml")] = pending
            atexit.register(cancel_early)


def cancel_early() -> None:
    while _EARLY:
        _EARLY.popitem()[1].cancel()
