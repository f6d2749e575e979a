"""What the four SQLite importers share (Android mmssms/calllog, iOS sms.db/CallHistory).

A subclass says only what is its own: which tables make a file its kind (`claims`), how rows become
events (`read_connection`) and what `count` sums (`COUNT_TABLES` or `count_connection`). The base does
the rest the same way for all four: the evidence is read only through a private read-only copy with
its `-wal`/`-shm` (sqlite_util), the `-wal` is evidence too, and every row a subclass refuses or
cannot read is listed as one skipped record (`each_row`).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

import pandas as pd

from .base import Importer, RawColumns, ReadContext
from .sqlite_util import col_or, count_rows, is_sqlite, open_readonly, sniff_tables, with_sidecars

# A cell a damaged or foreign database holds in place of a number (text, BLOB, inf) raises one of these.
DAMAGED_CELL = (TypeError, ValueError, OverflowError)


class SqliteImporter(Importer):
    COUNT_TABLES: ClassVar[tuple[str, ...]] = ()

    def claims(self, path: Path, tables: frozenset[str]) -> bool:  # pragma: no cover - interface
        """Whether a SQLite file with these (lower-case) tables is this importer's kind."""
        raise NotImplementedError

    def read_connection(self, conn: sqlite3.Connection, out: RawColumns,
                        ctx: ReadContext) -> None:  # pragma: no cover - interface
        """Append the events of an open database to `out` (ios_backup calls this for its stored copies)."""
        raise NotImplementedError

    def count_connection(self, conn: sqlite3.Connection) -> int:
        return count_rows(conn, list(self.COUNT_TABLES))

    def sniff(self, path: Path, head: bytes) -> bool:
        return is_sqlite(head) and self.claims(path, sniff_tables(path))

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        return self.read_db(path, ctx, ctx.source_name or str(path))

    def read_db(self, path: Path, ctx: ReadContext, source_file: str, sidecars: dict[str, Path] | None = None,
                label: str | None = None) -> pd.DataFrame:
        """Rows labelled `source_file`; `sidecars` and `label` serve a database stored under a hashed name."""
        out = RawColumns(source_file, self.NAME)
        with open_readonly(path, sidecars, label=label or source_file) as conn:
            self.read_connection(conn, out, ctx)
        return out.frame()

    def evidence_files(self, path: Path) -> list[Path]:
        return with_sidecars(path)

    def count(self, path: Path, ctx: ReadContext) -> int:
        return self.count_db(path, ctx.source_name or str(path))

    def count_db(self, path: Path, label: str, sidecars: dict[str, Path] | None = None) -> int:
        with open_readonly(path, sidecars, label=label) as conn:
            return self.count_connection(conn)


def each_row(conn: sqlite3.Connection, query: str, ref_prefix: str, out: RawColumns, ctx: ReadContext,
             take: Callable[..., str | None]) -> None:
    """take(ref, *row) for every row of `query`, whose first cell is the row's key (ref = prefix + key).

    take() returns why it refuses a row, or None; a row it refuses or cannot read (a damaged cell
    raises) is listed in the issue log as one skipped record, and the next row is read."""
    for row in conn.execute(query):
        ref = f"{ref_prefix}{row[0]}"
        try:
            refused = take(ref, *row)
        except DAMAGED_CELL as exc:
            refused = f"record skipped: a value cannot be read ({type(exc).__name__}: {exc})"
        if refused:
            ctx.issues.add(out.source_file, ref, refused)


def select_columns(cols: set[str], wanted: Mapping[str, str], prefix: str = "") -> str:
    """The SELECT list for `wanted` (column → the value a schema without it stands for), in its order."""
    return ", ".join(col_or(cols, name, default, prefix=prefix) for name, default in wanted.items())


def row_key(cols: set[str]) -> str:
    # Android tables key rows by `_id`; Huawei backup tables have none and are located by rowid.
    return "_id" if "_id" in cols else "rowid"


def as_int(value: object, default: int = 0) -> int:
    """An enum/flag/time cell as int; `default` for NULL or what a damaged row holds instead."""
    try:
        return int(value)  # type: ignore[arg-type]
    except DAMAGED_CELL:
        return default


def as_seconds(value: object) -> float:
    """A duration cell in seconds, never negative; 0 for NULL or a value that is not a number."""
    try:
        return max(float(value or 0), 0.0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
