"""Read-only SQLite evidence, and the base of the four SQLite importers (Android mmssms/calllog, iOS
sms.db/CallHistory; ios_backup reads its Manifest.db and stored databases through it too).

Never opens the input in place: SQLite may checkpoint a WAL or write a `-shm` on close, which would
change the evidence (formats.md §3.1, §6.5). The database and its `-wal`/`-shm` sidecars are copied
into a private temp folder, opened there with `mode=ro`, and the folder is removed afterwards.
Rows that exist only in an un-checkpointed `-wal` are therefore read too.

A SqliteImporter subclass says only what is its own: which tables make a file its kind (`claims`), how
rows become events (`read_connection`, with `each_row`: a row it refuses or cannot read is listed as one
skipped record) and what `count` sums (`COUNT_TABLES`). Sniffing, opening, evidence files are here.
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pandas as pd

from ..errors import UnreadableSource
from .base import Importer, NoTempFolder, RawColumns, ReadContext, temp_folder

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm")
# A cell a damaged or foreign database holds in place of a number (text, BLOB, inf) raises one of these.
DAMAGED_CELL = (TypeError, ValueError, OverflowError)


def is_sqlite(head: bytes) -> bool:
    return head.startswith(SQLITE_MAGIC)


@contextmanager
def open_readonly(path: Path, sidecars: dict[str, Path] | None = None,
                  label: str | None = None) -> Iterator[sqlite3.Connection]:
    """Copy `path` (+ its `-wal`/`-shm`, or the given `sidecars` by suffix) to a temp dir, open it `mode=ro`.

    `sidecars` serves iOS backups, where the WAL is stored under its own hashed name.
    Raises UnreadableSource (naming `label` or the path) when the copy or the open fails.
    """
    name = label or str(path)
    found = {s: Path(str(path) + s) for s in SIDECARS} if sidecars is None else dict(sidecars)
    with temp_folder("harass_sqlite_", name) as tmp:
        target = Path(tmp) / "evidence.db"
        try:
            shutil.copyfile(path, target)
            for suffix, side in found.items():
                if side.is_file():
                    shutil.copyfile(side, Path(str(target) + suffix))
        except OSError as exc:
            raise UnreadableSource(f"{name}: cannot copy the database ({exc.strerror or exc})") from exc
        uri = "file:" + quote(str(target)) + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        try:
            conn.text_factory = _lenient_text
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged schema can be non-UTF-8
                raise UnreadableSource(f"{name}: not a readable SQLite database ({exc})") from exc
            try:
                yield conn
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # corrupt pages surface mid-query
                raise UnreadableSource(f"{name}: damaged SQLite database ({exc}); no record of it was "
                                       "imported") from exc
        finally:
            conn.close()


def _lenient_text(raw: bytes) -> str:
    # A TEXT column holding invalid UTF-8 must not abort a whole import.
    return raw.decode("utf-8", errors="replace")


def with_sidecars(path: Path) -> list[Path]:
    """The database and the `-wal`/`-shm` files beside it: all of them are evidence that gets read."""
    return [path] + [Path(str(path) + s) for s in SIDECARS if Path(str(path) + s).is_file()]


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0].lower() for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def column_names(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1].lower() for r in conn.execute(f'PRAGMA table_info("{table}")')}


def col_or(cols: set[str], name: str, default: str = "NULL", prefix: str = "") -> str:
    """`prefix.name AS name` when the column exists, else `default AS name` (schemas vary by vendor/OS)."""
    expr = f'{prefix}"{name}"' if name.lower() in cols else default
    return f"{expr} AS {name}"


def select_columns(cols: set[str], wanted: Mapping[str, str], prefix: str = "") -> str:
    """The SELECT list for `wanted` (column → the value a schema without it stands for), in its order."""
    return ", ".join(col_or(cols, name, default, prefix=prefix) for name, default in wanted.items())


def sniff_tables(path: Path) -> frozenset[str]:
    """Lower-case table names of a SQLite file (read from a temp copy); empty when it is not SQLite.

    Every SQLite importer's sniff() asks this, so the copy is made once per file, not once per importer.
    """
    try:
        st = path.stat()
        wal = Path(str(path) + "-wal")
        state = (str(path.resolve()), st.st_size, st.st_mtime_ns, wal.stat().st_size if wal.is_file() else -1)
    except OSError:
        return frozenset()
    return _tables_in(state, path)


# Keyed by the file's state (a changed file is read again). detect() asks the SQLite sniffers about one
# file in a row, so a few entries serve it; the cache is bounded and holds only table names.
@lru_cache(maxsize=8)
def _tables_in(state: tuple[str, int, int, int], path: Path) -> frozenset[str]:
    try:
        with open_readonly(path) as conn:
            return frozenset(table_names(conn))
    except NoTempFolder:
        raise  # not "not SQLite": the user must hear why (and an exception is not cached)
    except UnreadableSource:
        return frozenset()


class SqliteImporter(Importer):
    """Subclasses set NAME, DESCRIPTION, COUNT_TABLES and implement claims() and read_connection()."""

    COUNT_TABLES: ClassVar[tuple[str, ...]] = ()

    def claims(self, path: Path, tables: frozenset[str]) -> bool:  # pragma: no cover - interface
        """Whether a SQLite file with these (lower-case) tables is this importer's kind."""
        raise NotImplementedError

    def read_connection(self, conn: sqlite3.Connection, out: RawColumns,
                        ctx: ReadContext) -> None:  # pragma: no cover - interface
        """Append the events of an open database to `out` (ios_backup calls it for its stored copies)."""
        raise NotImplementedError

    def count_connection(self, conn: sqlite3.Connection) -> int:
        """Rows of the COUNT_TABLES present (for `inspect`)."""
        present = table_names(conn)
        return sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                   for t in self.COUNT_TABLES if t.lower() in present)

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
        with open_readonly(path, label=ctx.source_name or str(path)) as conn:
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
