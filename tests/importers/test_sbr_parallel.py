"""The multi-process parse of a large SMS B&R file gives exactly the one-process result, or steps aside."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from harass_analyzer.importers import IssueLog, ReadContext
from harass_analyzer.importers.sbr_xml import SbrXmlImporter
from harass_analyzer.xmlscan import sbr_parts as sbr_parallel
from harass_analyzer.synthetic import Sizes, write_export


def read(path: Path, parallel: bool, monkeypatch, expect_parallel: bool = True):
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0 if parallel else 1 << 62)
    monkeypatch.setattr(sbr_parallel, "MIN_RECORDS", 0)
    monkeypatch.setattr(sbr_parallel.os, "cpu_count", lambda: 3)
    if parallel:  # prove which path produced the frame
        direct = sbr_parallel.read_parallel(path, IssueLog().add, str(path), "sbr_xml")
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
    any it does not take are stopped and their files removed."""
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(sbr_parallel, "MIN_RECORDS", 0)
    monkeypatch.setattr(sbr_parallel.os, "cpu_count", lambda: 2)
    path = export[0]
    one, _ = read(path, False, monkeypatch)
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0)
    sbr_parallel.prestart([str(path), str(path.parent / "missing.xml")])
    early = next(iter(sbr_parallel._EARLY.values()))
    assert sbr_parallel.start_parallel(path, str(path), "sbr_xml") is early and not sbr_parallel._EARLY
    log = IssueLog()
    assert SbrXmlImporter().read(path, ReadContext(log, source_name=str(path)), started=early).equals(one)
    parts = early.templates()  # the workers went on with the bodies' templates, then stopped
    assert sum(len(codes) for codes, _ in parts) == len(one) and not Path(early._tmp).exists()
    assert all(0 < len(templates) < len(codes) for codes, templates in parts)
    sbr_parallel.prestart([str(path)])
    tmp = next(iter(sbr_parallel._EARLY.values()))._tmp
    sbr_parallel.cancel_early()
    assert not sbr_parallel._EARLY and not Path(tmp).exists()


def test_templates_from_the_workers_classify_like_one_process(export: list[Path], monkeypatch) -> None:
    """The workers go on to compute the bodies' templates while the caller sorts; the classified events
    are exactly those of a one-process run, also when a worker cannot deliver them (the caller then
    computes them itself)."""
    from harass_analyzer import pipeline

    monkeypatch.setattr(sbr_parallel, "MIN_RECORDS", 0)
    monkeypatch.setattr(sbr_parallel.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 1 << 62)
    one = pipeline.load_events(export).events
    known = []
    real = pipeline._known_templates
    monkeypatch.setattr(pipeline, "_known_templates", lambda *a: known.append(real(*a)) or known[-1])
    monkeypatch.setattr(sbr_parallel, "MIN_BYTES", 0)
    many = pipeline.load_events(export).events
    assert known and known[-1] is not None and known[-1][0].sum() > 2000  # the workers' templates were used
    assert (one["category"] == "collection").sum() > 100 and one.equals(many)
    monkeypatch.setattr(sbr_parallel.PendingParse, "templates", lambda self: self.cancel())
    assert pipeline.load_events(export).events.equals(one)


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
