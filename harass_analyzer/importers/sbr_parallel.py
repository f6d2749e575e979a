"""Parse one large SMS Backup & Restore file on several cores.

The file is cut at record starts (`<sms `, `<mms `, `<call `: a `<` cannot occur inside a well-formed
attribute value), each part is parsed in its own process inside a synthetic root element, and the parts'
frames are joined in file order. Line numbers and per-tag record numbers are offset by a byte pre-scan
of what precedes each cut, so `source_ref` is exactly what the one-process parse gives. Anything unusual
(a break in the XML, a non-UTF-8 file, counts that do not match the pre-scan) returns None and the
caller parses the file the ordinary way, with its recovery and issue reporting.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import pyarrow.ipc  # noqa: F401  (pa.ipc)
from lxml import etree

from .base import IssueLog, ReadContext
from .sbr_xml import raw_frame_from_arrow
from .xml_stream import sniff_root

MIN_BYTES = 64 << 20  # below this, process start-up costs more than it saves
MAX_PARTS = 4
MIN_RECORDS = 200_000  # estimated from the first SAMPLE_BYTES
SAMPLE_BYTES = 8 << 20
_RECORD_START = re.compile(rb"<(?:sms|mms|call)[\s/>]")
_TAG_PATTERNS = {"sms": b"<sms", "mms": b"<mms", "call": b"<call"}
SCAN_CHUNK = 16 << 20
PROLOG_BYTES = 4096  # the app's own header comment lives here


class _RangeStream:
    """Read-only view of bytes [start, end) of a file, between a prefix and a suffix. It notes a comment or
    CDATA section past the prolog: a cut inside one would turn commented text into records, so the caller
    then parses the file in one piece."""

    def __init__(self, path: Path, start: int, end: int, prefix: bytes, suffix: bytes) -> None:
        self._fh = open(path, "rb")
        self._fh.seek(start)
        self._pos, self._left = start, end - start
        self._prefix, self._suffix = prefix, suffix
        self._carry = b""
        self.markup_seen = False

    def read(self, size: int = -1) -> bytes:
        size = size if size and size > 0 else 1 << 20
        if self._prefix:
            out, self._prefix = self._prefix, b""
            return out
        if self._left > 0:
            data = self._fh.read(min(size, self._left))
            self._left -= len(data)
            if data:
                window = self._carry + data
                skip = max(0, PROLOG_BYTES - (self._pos - len(self._carry)))
                if b"<!--" in window[skip:] or b"<![CDATA[" in window[skip:]:
                    self.markup_seen = True
                self._pos += len(data)
                self._carry = window[-8:]
                return data
            self._left = 0
        out, self._suffix = self._suffix, b""
        return out

    def __enter__(self) -> "_RangeStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def close(self) -> None:
        self._fh.close()


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


def prefix_counts(path: Path, cuts: list[int], root: str) -> list[tuple[int, dict[str, int]]]:
    """For each cut: newlines before it and record start tags of each kind before it."""
    out = []
    lines = 0
    tags = dict.fromkeys(_TAG_PATTERNS, 0)
    pos = 0
    carry = b""
    with open(path, "rb") as fh:
        for cut in cuts:
            while pos < cut:
                chunk = fh.read(min(SCAN_CHUNK, cut - pos))
                if not chunk:
                    break
                pos += len(chunk)
                lines += chunk.count(b"\n")
                seam = carry + chunk[:4]  # tags split across two chunks (no copy of the chunk itself)
                for name, pattern in _TAG_PATTERNS.items():
                    tags[name] += chunk.count(pattern) + seam.count(pattern) - carry.count(pattern) \
                        - chunk[:4].count(pattern)
                carry = chunk[-4:]
            out.append((lines, dict(tags)))
    root_tag = {"smses": "sms", "calls": "call"}.get(root)
    for _, counts in out:  # `<smses` / `<calls` (the root) also start with `<sms` / `<call`
        if root_tag:
            counts[root_tag] -= 1
    return out


def _parse_part(job: dict) -> tuple[pd.DataFrame, list, dict[str, int], str]:
    """One part → (frame, issues, per-tag counts, decoded_as); raises on an XML break."""
    from .sbr_xml import SbrXmlImporter, _Columns

    path, root = Path(job["path"]), job["root"]
    prefix = b"" if job["first"] else f"<{root}>".encode()
    suffix = b"" if job["last"] else f"</{root}>".encode()
    cols = _Columns()
    stream = _RangeStream(path, job["start"], job["end"], prefix, suffix)
    decoded_as = SbrXmlImporter._parse(path, cols, recover=False, raw=stream)
    cols.use_exact_lines(path, job["start"], job["end"])
    if stream.markup_seen:
        decoded_as = decoded_as or "markup"  # comment/CDATA past the prolog: not safe to cut
    tags = pa.chunked_array([*cols._batches["tag"], pa.array(cols.tag, pa.string())], pa.string())
    counts = {row["values"]: row["counts"] for row in pa.compute.value_counts(tags).to_pylist()}
    issues = IssueLog()
    frame = cols.frame(job["source"], job["fmt"], ReadContext(issues), line_offset=job["line_offset"],
                       ordinal_offset=job["ordinal_offset"])
    return frame, issues.issues, counts, decoded_as


def _worker_main(job_file: str) -> int:
    """`python -m harass_analyzer.importers.sbr_parallel JOB.json`: a fresh interpreter per part (no fork
    of a threaded parent, and no re-import of the caller's script as multiprocessing's spawn would do)."""
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    try:
        frame, issues, counts, decoded_as = _parse_part(job)
    except etree.XMLSyntaxError:
        return 3
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(job["out"] + ".arrow", "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    Path(job["out"] + ".json").write_text(json.dumps({
        "issues": [[i.source_file, i.source_ref, i.reason] for i in issues], "counts": counts,
        "decoded_as": decoded_as}), encoding="utf-8")
    return 0


def read_parallel(path: Path, ctx: ReadContext, source: str, fmt: str) -> pd.DataFrame | None:
    """The file's raw frame parsed on several cores, or None when the ordinary parse should be used."""
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
    before = prefix_counts(path, cuts, root)
    bounds = [0, *cuts, size]
    offsets = [(0, {})] + before
    with tempfile.TemporaryDirectory(prefix="harass-parse-") as tmp:
        procs = []
        for i in range(len(bounds) - 1):
            job = {"path": str(path), "start": bounds[i], "end": bounds[i + 1], "root": root, "first": i == 0,
                   "last": i == len(bounds) - 2, "source": source, "fmt": fmt, "line_offset": offsets[i][0],
                   "ordinal_offset": offsets[i][1], "out": str(Path(tmp) / f"part{i}")}
            job_file = Path(tmp) / f"part{i}.job.json"
            job_file.write_text(json.dumps(job), encoding="utf-8")
            procs.append(subprocess.Popen([sys.executable, "-m", __name__, str(job_file)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if any(p.wait() != 0 for p in procs):
            return None  # an XML break (or a worker that could not run): the one-process parse takes over
        results = []
        for i in range(len(procs)):
            meta = json.loads((Path(tmp) / f"part{i}.json").read_text(encoding="utf-8"))
            with pa.memory_map(str(Path(tmp) / f"part{i}.arrow")) as source_file:
                table = pa.ipc.open_file(source_file).read_all()
            results.append((table, meta))
    for i, (_, meta) in enumerate(results):
        if meta["decoded_as"]:
            return None
        if i + 1 < len(offsets):  # the pre-scan must agree with what the parser found in this part
            expected = {t: offsets[i + 1][1][t] - offsets[i][1].get(t, 0) for t in _TAG_PATTERNS}
            if any(meta["counts"].get(t, 0) != expected[t] for t in _TAG_PATTERNS):
                return None
    for _, meta in results:
        for file_, ref, reason in meta["issues"]:
            ctx.issues.add(file_, ref, reason)
    return raw_frame_from_arrow(pa.concat_tables([t for t, _ in results]))

if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1]))
