"""The four SQLite importers share one base (sqlite_base.SqliteImporter): each reads its evidence only
through a private copy (the database and its -wal keep their bytes and mtime, no -shm appears), lists the
database and its -wal as evidence, reads rows only the -wal holds, and lists a damaged row as one skipped
record while the other rows are imported."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from harass_analyzer.importers import detect
from harass_analyzer.importers.base import IssueLog, RawColumns, ReadContext
from harass_analyzer.importers.sqlite_base import SqliteImporter, each_row, sniff_tables

from .make_fixtures import make_call_history, make_calllog, make_ios_sms, make_mmssms
from .test_ios_legacy import make_ios4

# importer, fixture, (table, key, date column) of the row the damage goes into, (events, count) with the
# -wal, the row only the -wal holds
CASES: list[tuple[str, Callable[..., Path], tuple[str, str, str], tuple[int, int], str]] = [
    ("android_mmssms", make_mmssms, ("sms", "_id", "date"), (10, 12), "sms:_id=8"),  # count: + 2 skipped
    ("android_calllog", make_calllog, ("calls", "_id", "date"), (11, 12), "calls:_id=12"),  # + 1 skipped
    ("ios_sms", make_ios_sms, ("message", "ROWID", "date"), (10, 10), "message:ROWID=11"),  # tapback not counted
    ("ios_calls", make_call_history, ("ZCALLRECORD", "Z_PK", "ZDATE"), (7, 7), "ZCALLRECORD:Z_PK=7"),
]
IDS = [c[0] for c in CASES]


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name, make, _damage, events, wal_ref", CASES, ids=IDS)
def test_reads_through_the_base_without_touching_the_evidence(
        tmp_path: Path, name: str, make: Callable[..., Path], _damage: tuple, events: tuple[int, int],
        wal_ref: str) -> None:
    path = make(tmp_path)
    old = 1_600_000_000_000_000_000  # mtimes far in the past: a write of any kind would move them
    for p in tmp_path.iterdir():
        os.utime(p, ns=(old, old))
    before = _state(tmp_path)
    assert sorted(before) == sorted([path.name, path.name + "-wal"])

    imp = detect(path)
    assert isinstance(imp, SqliteImporter) and imp.NAME == name
    # the SqliteImporter's own sniff/read/evidence_files, not one a subclass redefines
    assert all(getattr(type(imp), m) is getattr(SqliteImporter, m)
               for m in ("sniff", "read", "evidence_files", "count"))
    log = IssueLog()
    frame = imp.read(path, ReadContext(log))
    assert len(frame) == events[0] and wal_ref in set(frame["source_ref"])
    assert imp.evidence_files(path) == [path, Path(str(path) + "-wal")]
    assert imp.count(path, ReadContext(IssueLog())) == events[1]
    assert _state(tmp_path) == before  # same files (no -shm), same bytes, same mtimes


@pytest.mark.parametrize("name, make, damage, _events, _wal_ref", CASES, ids=IDS)
def test_a_damaged_row_is_listed_as_one_skipped_record(
        tmp_path: Path, name: str, make: Callable[..., Path], damage: tuple, _events: tuple, _wal_ref: str) -> None:
    path = make(tmp_path, wal=False)
    imp = detect(path)
    assert imp is not None and imp.NAME == name
    clean_log = IssueLog()
    clean = imp.read(path, ReadContext(clean_log))
    table, key, date = damage
    first = min(int(r.split("=")[1]) for r in clean["source_ref"] if r.startswith(f"{table}:{key}="))
    conn = sqlite3.connect(path)
    conn.execute(f'UPDATE "{table}" SET "{date}" = X\'00FF\' WHERE {key} = ?', (first,))  # a BLOB for a time
    conn.commit()
    conn.close()

    log = IssueLog()
    frame = imp.read(path, ReadContext(log, source_name="phone.db"))
    ref = f"{table}:{key}={first}"
    assert len(frame) == len(clean) - 1 and ref not in set(frame["source_ref"])
    new = [i for i in log.issues if i.source_ref == ref]
    assert len(log) == len(clean_log) + 1 and len(new) == 1
    assert new[0].source_file == "phone.db" and new[0].records == 1 and repr(b"\x00\xff") in new[0].reason
    assert log.records_since(0) == clean_log.records_since(0) + 1


def test_a_cell_that_cannot_be_read_skips_its_row_not_the_file(tmp_path: Path) -> None:
    """iOS ≤ 5 `flags` holding text: the row is listed (it used to end the whole import), the others read."""
    path = make_ios4(tmp_path / "sms.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE message SET flags = 'x' WHERE ROWID = 2")
    conn.commit()
    conn.close()
    log = IssueLog()
    frame = detect(path).read(path, ReadContext(log))
    assert "message:ROWID=2" not in set(frame["source_ref"]) and len(frame) >= 3
    [issue] = [i for i in log.issues if i.source_ref == "message:ROWID=2"]
    assert issue.records == 1 and issue.reason.startswith("record skipped: a value cannot be read (ValueError")


def test_each_row_lists_refusals_and_damage_in_row_order() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(1, 5), (2, "five"), (3, -1), (4, 7)])
    out, log = RawColumns("t.db", "test"), IssueLog()

    def take(ref: str, k: int, v: object) -> str | None:
        if int(v) < 0:  # "five" raises
            return f"negative {v}"
        out.add("sms", "in", int(v), "", ref)
        return None

    each_row(conn, "SELECT k, v FROM t ORDER BY k", "t:k=", out, ReadContext(log), take)
    assert out.source_ref == ["t:k=1", "t:k=4"]
    assert [(i.source_ref, i.reason.split(" (")[0], i.records) for i in log.issues] == [
        ("t:k=2", "record skipped: a value cannot be read", 1), ("t:k=3", "negative -1", 1)]


def test_the_sniff_cache_reads_a_changed_file_again(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE calls (_id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    assert sniff_tables(path) == {"calls"}
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sms (_id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO sms VALUES (1, ?)", ("x" * 5000,))  # grows the file
    conn.commit()
    conn.close()
    assert sniff_tables(path) == {"calls", "sms"}
