"""One part of a large SMS Backup & Restore file, parsed in its own process (xmlscan/sbr_parts).

    python -m harass_analyzer.xmlscan.sbr_worker JOB.json

A fresh interpreter per part (no fork of a threaded parent, no re-import of the caller's script as
multiprocessing's spawn would do) that imports only lxml and pyarrow for the parse. It writes the part's
raw columns as Arrow IPC files and a JSON note (issues, records per tag, how the bytes were decoded),
and says so on stdout. It only parses: what later steps make of the columns is theirs. Exit 3: the XML broke inside the part; the caller then parses the whole file the
ordinary, recovering way.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
from lxml import etree

from .arrow_files import COLUMNS_DONE, write_column
from .lines import TAG_PATTERNS, prefix_counts
from .sbr_fast import read_fast
from .sbr_records import SbrColumns, parse_records

PROLOG_BYTES = 4096  # the app's own header comment lives here


class RangeStream:
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

    def __enter__(self) -> "RangeStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def close(self) -> None:
        self._fh.close()


def parse_part(job: dict) -> tuple[pa.Table | None, list, dict[str, int], str, tuple]:
    """One part → (raw Arrow table, issues, records per tag, decoded_as, (newlines, tags) before the part);
    raises on an XML break."""
    path, root = Path(job["path"]), job["root"]
    prefix = b"" if job["first"] else f"<{root}>".encode()
    suffix = b"" if job["last"] else f"</{root}>".encode()
    cols = SbrColumns()
    decoded_as = ""
    # Lines are counted from the part start here; table() adds the lines before the part.
    if not read_fast(path, cols, job["start"], job["end"], job["first"], job["last"], 0, root):
        cols = SbrColumns()
        stream = RangeStream(path, job["start"], job["end"], prefix, suffix)
        decoded_as = parse_records(stream, cols, recover=False)
        cols.use_exact_lines(path, job["start"], job["end"])
        if stream.markup_seen:
            decoded_as = decoded_as or "markup"  # comment/CDATA past the prolog: not safe to cut
    counts = cols.tag_counts()
    issues: list = []
    # Newlines and record tags before this part: its lines and record numbers count from the file start.
    if job["start"]:
        before = prefix_counts(path, [job["start"]], root)[0]
    else:
        before = (0, dict.fromkeys(TAG_PATTERNS, 0))
    table = cols.table(job["source"], job["fmt"], lambda *issue: issues.append(list(issue)),
                       line_offset=before[0], ordinal_offset=before[1])
    return table, issues, counts, decoded_as, before


def main(job_file: str) -> int:
    import pyarrow as pa

    # A short-lived worker reuses freed memory instead of returning it (fresh pages cost page faults);
    # the system allocator still beats mimalloc here (measured: less system time).
    pa.set_memory_pool(pa.system_memory_pool())
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    try:
        table, issues, counts, decoded_as, before = parse_part(job)
    except etree.XMLSyntaxError:
        return 3
    # One Arrow file per column: the caller maps each on its own, so a column it has replaced (the time
    # sort replaces them one by one) is unmapped at once instead of pinning the whole part.
    names = table.schema.names if table is not None else []
    for k, name in enumerate(names):
        write_column(f"{job['out']}.{k}.arrow", name, table.column(k))
    Path(job["out"] + ".json").write_text(json.dumps({"issues": issues, "counts": counts, "before": before,
                                                      "decoded_as": decoded_as, "columns": names}),
                                          encoding="utf-8")
    print(COLUMNS_DONE, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
