"""Read-only access to SQLite evidence (Android mmssms/calllog, iOS sms.db/CallHistory, Manifest.db).

Never opens the input in place: SQLite may checkpoint a WAL or write a `-shm` on close, which would
change the evidence (formats.md §3.1, §6.5). The database and its `-wal`/`-shm` sidecars are copied
into a private temp folder, opened there with `mode=ro`, and the folder is removed afterwards.
Rows that exist only in an un-checkpointed `-wal` are therefore read too.
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from ..errors import UnreadableSource
from .base import NoTempFolder, temp_folder

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm")


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


def col_or(cols: set[str], name: str, default: str = "NULL", alias: str | None = None,
           prefix: str = "") -> str:
    """`prefix.name AS alias` when the column exists, else `default AS alias` (schemas vary by vendor/OS)."""
    expr = f'{prefix}"{name}"' if name.lower() in cols else default
    return f"{expr} AS {alias or name}"


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


def count_rows(conn: sqlite3.Connection, tables: list[str]) -> int:
    """Sum of SELECT count(*) over the tables that exist (for `inspect`)."""
    present = table_names(conn)
    return sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t.lower() in present)
