"""The multi-process parse of a large SMS B&R file gives exactly the one-process result, or steps aside."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from harass_analyzer.importers import IssueLog, ReadContext
from harass_analyzer.importers.sbr_xml import SbrXmlImporter
from harass_analyzer.run import Run
from harass_analyzer.synthetic import Sizes, write_export
from harass_analyzer.xmlscan import sbr_parts as sbr_parallel


def read(path: Path, parallel: bool, monkeypatch, expect_parallel: bool = True):
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0 if parallel else 1 << 62)
    monkeypatch.setattr(sbr_parallel, "MIN_RECORDS", 0)
    monkeypatch.setattr(sbr_parallel.os, "cpu_count", lambda: 3)
    if parallel:  # prove which path produced the frame
        with Run() as run:
            direct = sbr_parallel.parallel_table(path, str(path), run, IssueLog().add)
        assert (direct is not None) == expect_parallel
    log = IssueLog()
    return SbrXmlImporter().read(path, ReadContext(log, source_name=str(path))), log.issues


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> list[Path]:
    return write_export(tmp_path_factory.mktemp("p"), Sizes(sms=3000, calls=800, mms=5, media_bytes=3000))


def test_same_frame_as_one_process(export: list[Path], monkeypatch) -> None:
    for path in export:
        cuts = sbr_parallel.cut_points(path, path.stat().st_size, 3)
        assert len(cuts) == 2  # really split in three
        one, one_issues = read(path, False, monkeypatch)
        many, many_issues = read(path, True, monkeypatch)
        assert len(one) > 500 and one.equals(many) and one_issues == many_issues


def test_bad_record_issues_keep_their_file_position(tmp_path: Path, monkeypatch) -> None:
    lines = [f'<sms address="1380013800{i % 10}" date="{1700000000000 + i}" type="1" body="第{i}条" />'
             for i in range(3000)]
    lines[2500] = '<sms address="1" date="later" type="1" body="坏" />'
    path = tmp_path / "sms.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8'?>\n<smses>\n" + "\n".join(lines) + "\n</smses>\n",
                    encoding="utf-8")
    one, one_issues = read(path, False, monkeypatch)
    many, many_issues = read(path, True, monkeypatch)
    assert one.equals(many) and one_issues == many_issues
    assert [i.source_ref for i in many_issues] == ["sms[2501] line 2503"]


def test_broken_file_falls_back_to_the_recovering_parse(tmp_path: Path, monkeypatch) -> None:
    lines = [f'<sms address="13800138000" date="{1700000000000 + i}" type="1" body="x{i}" />' for i in range(3000)]
    lines[1500] = '<sms address="13800138000" date="1700000001500" type="1" body="cut'
    path = tmp_path / "sms.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8'?>\n<smses>\n" + "\n".join(lines) + "\n</smses>\n",
                    encoding="utf-8")
    one, one_issues = read(path, False, monkeypatch)
    many, many_issues = read(path, True, monkeypatch, expect_parallel=False)
    assert one.equals(many) and one_issues == many_issues and any("XML broken" in i.reason for i in many_issues)


def test_a_comment_past_the_prolog_keeps_the_file_in_one_piece(tmp_path: Path, monkeypatch) -> None:
    lines = [f'<sms address="13800138000" date="{1700000000000 + i}" type="1" body="x{i}" />' for i in range(3000)]
    lines[1600] = '<!-- <sms address="1" date="1700000000000" type="1" body="commented out" /> -->'
    path = tmp_path / "sms.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8'?>\n<!--File Created By SMS Backup & Restore-->\n"
                    "<smses>\n" + "\n".join(lines) + "\n</smses>\n", encoding="utf-8")
    one, one_issues = read(path, False, monkeypatch)
    many, many_issues = read(path, True, monkeypatch, expect_parallel=False)
    assert one.equals(many) and len(one) == 2999 and "commented out" not in set(one["body"])


def test_workers_started_early_are_taken_over_or_stopped(export: list[Path], monkeypatch) -> None:
    """The CLI starts workers before the tool is imported; the import takes them over (same frame), and
    any it does not take are stopped and their files removed when the run ends."""
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(sbr_parallel, "MIN_RECORDS", 0)
    monkeypatch.setattr(sbr_parallel.os, "cpu_count", lambda: 2)
    path = export[0]
    one, _ = read(path, False, monkeypatch)
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0)
    started = []
    real = sbr_parallel.PendingParse.__init__
    monkeypatch.setattr(sbr_parallel.PendingParse, "__init__", lambda self, *a: started.append(self) or real(self, *a))
    with Run() as run:
        sbr_parallel.prestart([str(path.parent / "missing.xml"), str(path), str(export[1])], run)
        assert len(started) == 1 and run.has_prefetched()  # one file at a time
        log = IssueLog()
        assert SbrXmlImporter().read(path, ReadContext(log, source_name=str(path), run=run)).equals(one)
        assert len(started) == 1 and not run.has_prefetched()  # taken over, not started again
        assert not Path(started[0]._tmp).exists() and all(p.poll() is not None for p in started[0]._procs)
    with Run() as run:
        sbr_parallel.prestart([str(path)], run)  # never taken: the run's end stops it
        tmp, procs = started[1]._tmp, started[1]._procs
    assert not Path(tmp).exists() and all(p.poll() is not None for p in procs) and run.running() == []


def test_parallel_parse_classifies_like_one_process(export: list[Path], monkeypatch) -> None:
    """The whole import through the pipeline: the events (classified) are exactly those of a one-process
    run, and no worker or scratch folder outlives it."""
    from harass_analyzer import pipeline

    monkeypatch.setattr(sbr_parallel, "MIN_RECORDS", 0)
    monkeypatch.setattr(sbr_parallel.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 1 << 62)
    one = pipeline.load_events(export).events
    started = []
    real = sbr_parallel.PendingParse.__init__
    monkeypatch.setattr(sbr_parallel.PendingParse, "__init__", lambda self, *a: started.append(self) or real(self, *a))
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0)
    many = pipeline.load_events(export).events
    assert len(started) == 2  # both files were parsed by workers
    assert (one["category"] == "collection").sum() > 100 and one.equals(many)
    assert all(not Path(p._tmp).exists() and all(w.poll() is not None for w in p._procs) for p in started)


@pytest.mark.parametrize("shm", ["default", "missing"])
def test_scratch_files_in_shared_memory_or_temp_dir_are_removed(export: list[Path], monkeypatch, tmp_path: Path,
                                                                shm: str) -> None:
    """Workers write their columns to /dev/shm when it has room, else to the temp dir; either way the
    frame is the one-process frame and no scratch file outlives the read."""
    if shm == "missing":
        monkeypatch.setattr(sbr_parallel, "SHM", str(tmp_path / "no-shm"))
    where = Path(sbr_parallel._scratch_dir(1 << 20) or tempfile.gettempdir())
    before = set(where.glob("harass-parse-*"))
    path = export[0]
    one, _ = read(path, False, monkeypatch)
    many, _ = read(path, True, monkeypatch)
    assert one.equals(many) and set(where.glob("harass-parse-*")) == before


def test_dates_in_seconds_same_in_workers(tmp_path: Path, monkeypatch) -> None:
    """Issue 15: dates written in seconds are rescaled alike by the workers and in one process."""
    lines = [f'<sms address="1380013800{i % 10}" date="{1700000000 + i if i % 7 == 0 else 1700000000000 + i}" '
             f'type="1" body="第{i}条" />' for i in range(3000)]
    path = tmp_path / "sms.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8'?>\n<smses>\n" + "\n".join(lines) + "\n</smses>\n",
                    encoding="utf-8")
    one, one_issues = read(path, False, monkeypatch)
    many, many_issues = read(path, True, monkeypatch)
    assert one.equals(many) and one_issues == many_issues == []
    seconds = one["source_ref"].str.endswith("(date read as seconds)")
    assert int(seconds.sum()) == 429 and (one.loc[seconds, "ts_ms"] % 1000 == 0).all()
    assert one["ts_ms"].between(1_699_000_000_000, 1_701_000_000_000).all()
