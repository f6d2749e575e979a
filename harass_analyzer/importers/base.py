"""What every importer is: a NAME, a content sniffer, and a reader returning a raw columnar frame.

Importers never raise for a bad record: they log an ImportIssue and go on. They raise
UnreadableSource only when the whole file cannot be read, and never modify their input.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from ..errors import ImportIssue, UnreadableSource, printable
from ..schema import OPTIONAL_RAW_DEFAULTS, RAW_COLUMNS

HEAD_BYTES = 4096


class IssueLog:
    """Collects ImportIssue values for one run (every skipped record ends up in import_issues.csv)."""

    def __init__(self) -> None:
        self.issues: list[ImportIssue] = []

    def add(self, source_file: str, source_ref: str, reason: str) -> None:
        """One record (or a whole file, for a file-level ref) not imported."""
        # printable: a file name with a newline or bytes that are not UTF-8 must not break a CSV row
        self.issues.append(ImportIssue(printable(source_file), printable(source_ref), printable(reason)))

    def note(self, source_file: str, source_ref: str, reason: str) -> None:
        """A note on how a file was read that stands for no skipped record (the records it speaks of are
        listed one by one, or were imported)."""
        self.issues.append(ImportIssue(printable(source_file), printable(source_ref), printable(reason), records=0))

    def add_file(self, source_file: str, reason: str) -> None:
        """A whole file not read: listed, but it stands for no counted record (its records are unknown)."""
        self.issues.append(ImportIssue(printable(source_file), "file", printable(reason), records=0))

    def records_since(self, start: int) -> int:
        """Records skipped by the issues logged from position `start` on."""
        return sum(i.records for i in self.issues[start:])

    def count_for(self, source_file: str) -> int:
        source_file = printable(source_file)
        return sum(1 for i in self.issues if i.source_file == source_file)

    def __len__(self) -> int:
        return len(self.issues)


class ReadContext:
    """What an importer gets besides the path: where to log issues, how to read local times, and the run
    that owns any background work."""

    def __init__(self, issues: IssueLog, tz: str = "Asia/Shanghai", source_name: str | None = None,
                 column_map: dict[str, str] | None = None, run=None) -> None:
        self.issues = issues
        self.run = run  # harass_analyzer.run.Run: owns any background work of the read (None: none allowed)
        self.tz = tz
        # The label every row and issue carries: escaped where the file name is not printable UTF-8.
        self.source_name = None if source_name is None else printable(source_name)
        self.column_map = column_map or {}


class NoTempFolder(UnreadableSource):
    """No private temp folder could be made: the machine's problem, not the file's."""


def temp_folder(prefix: str, label: str) -> tempfile.TemporaryDirectory:
    """A private temp folder to read `label` in; UnreadableSource (one line) when none can be made
    (TMPDIR read-only or missing, full disk)."""
    try:
        return tempfile.TemporaryDirectory(prefix=prefix)
    except OSError as exc:
        raise NoTempFolder(f"{label}: no temporary folder to read it in ({exc.strerror or exc}); "
                               "set TMPDIR to a writable folder with free space") from exc


class Importer:
    """Base class. Subclasses set NAME/DESCRIPTION and implement sniff() and read().

    sniff(path, head) gets the first HEAD_BYTES of a file (b"" for a directory) and must decide from
    content, never from the file name. read() returns a DataFrame with schema.RAW_COLUMNS.
    """

    NAME: ClassVar[str] = ""
    DESCRIPTION: ClassVar[str] = ""
    HANDLES_DIRECTORIES: ClassVar[bool] = False

    def sniff(self, path: Path, head: bytes) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:  # pragma: no cover - interface
        raise NotImplementedError

    def begin(self, path: Path, ctx: ReadContext) -> bool:
        """Optionally start reading `path` in the background now (worker processes owned by `ctx.run`),
        for read() to collect later; True if it did. Most importers read in-process: False."""
        return False

    def evidence_files(self, path: Path) -> list[Path]:
        """The files whose hashes go into the manifest (a folder importer lists what it read)."""
        return [path]

    def count(self, path: Path, ctx: ReadContext) -> int:
        """Records the file holds (for `inspect`); importers may override with a cheaper count."""
        return len(self.read(path, ctx))


class RawColumns:
    """Column lists an importer appends to, turned into a raw frame once (no per-record objects)."""

    def __init__(self, source_file: str, source_format: str) -> None:
        self.source_file = source_file
        self.source_format = source_format
        self.kind: list[str] = []
        self.direction: list[str] = []
        self.call_status: list[str] = []
        self.msg_status: list[str] = []
        self.ts_ms: list[int] = []
        self.counterpart_raw: list[str] = []
        self.contact_name: list[str] = []
        self.body: list[str] = []
        self.duration_s: list[float] = []
        self.source_ref: list[str] = []
        self.extra: dict[str, list] = {}

    def add(self, kind: str, direction: str, ts_ms: int, counterpart_raw: str, source_ref: str, *,
            call_status: str = "", msg_status: str = "", contact_name: str = "", body: str = "",
            duration_s: float = np.nan, **extra: object) -> None:
        n = len(self.kind)
        self.kind.append(kind)
        self.direction.append(direction)
        self.call_status.append(call_status)
        self.msg_status.append(msg_status)
        self.ts_ms.append(ts_ms)
        self.counterpart_raw.append(counterpart_raw)
        self.contact_name.append(contact_name)
        self.body.append(body)
        self.duration_s.append(duration_s)
        self.source_ref.append(source_ref)
        for key, value in extra.items():
            col = self.extra.get(key)
            if col is None:  # not setdefault: its default list would be built on every call (O(n²))
                col = self.extra[key] = [OPTIONAL_RAW_DEFAULTS.get(key)] * n
            col.append(value)
        for key, col in self.extra.items():
            if len(col) == n:
                col.append(OPTIONAL_RAW_DEFAULTS.get(key))

    def __len__(self) -> int:
        return len(self.kind)

    def frame(self) -> pd.DataFrame:
        n = len(self.kind)
        data = {
            "kind": self.kind, "direction": self.direction, "call_status": self.call_status,
            "msg_status": self.msg_status, "ts_ms": _int64(self.ts_ms),
            "counterpart_raw": self.counterpart_raw, "contact_name": self.contact_name,
            "body": self.body, "duration_s": np.asarray(self.duration_s, dtype="float64"),
            "source_file": [self.source_file] * n, "source_ref": self.source_ref,
            "source_format": [self.source_format] * n,
        }
        data.update(self.extra)
        return empty_raw_frame() if n == 0 else pd.DataFrame(data)


def _int64(values: list[int]) -> np.ndarray:
    try:
        return np.asarray(values, dtype="int64")
    except OverflowError:
        # A corrupt field can hold a number beyond int64: pin it to the bound, so the pipeline logs the
        # record as outside 1995–2100 instead of the whole file failing.
        lo, hi = np.iinfo("int64").min, np.iinfo("int64").max
        return np.asarray([min(max(int(v), lo), hi) for v in values], dtype="int64")


def empty_raw_frame() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in RAW_COLUMNS})
    frame["ts_ms"] = frame["ts_ms"].astype("int64")
    frame["duration_s"] = frame["duration_s"].astype("float64")
    return frame


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)
