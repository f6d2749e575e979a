"""CSV/XLSX/XLS tables (formats.md §4.7–§4.9): encodings, title/footer rows, synonyms, Excel damage, --map."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from harass_analyzer.errors import ConfigError
from harass_analyzer.importers import IssueLog, ReadContext, detect
from harass_analyzer.importers.tabular import TabularImporter
from harass_analyzer.importers.tabular_columns import (canonical_local, clean_number, header_field, parse_duration,
                                                       parse_type)
from tests.conftest import sha256
from tests.importers import make_text_fixtures as make

SCI_ISSUE = "scientific notation"
CARRIER_CALLS = [  # direction, call_status, duration_s, counterpart_raw
    ("in", "answered", 65.0, "13800138000"), ("out", "answered", 33.0, "13800138000"), ("in", "missed", 0.0, "95555"),
    ("in", "answered", 65.0, "138 0013 8001"), ("in", "answered", 3723.0, "1.38001E+10"),
    ("in", "answered", 10.0, "13800138002"),
]


def read(path: Path, column_map: dict[str, str] | None = None, tz: str = "Asia/Shanghai"):
    log = IssueLog()
    return TabularImporter().read(path, ReadContext(log, tz=tz, column_map=column_map)), log.issues


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16", "utf-16-le"])
def test_carrier_calls_csv_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = make.carrier_calls_csv(tmp_path, encoding=encoding)
    before = sha256(path)
    assert isinstance(detect(path), TabularImporter)
    frame, issues = read(path)
    assert list(zip(frame["direction"], frame["call_status"], frame["duration_s"], frame["counterpart_raw"])) \
        == CARRIER_CALLS
    assert set(frame["kind"]) == {"call"}
    assert frame["ts_ms"].iloc[0] == 1709255722000  # 2024-03-01 09:15:22 +08:00
    assert frame["source_ref"].tolist() == [f"line {n}" for n in range(4, 10)]  # 2 title rows, header, 3 footers
    assert [(i.source_ref, SCI_ISSUE in i.reason or "呼转" in i.reason) for i in issues] == [
        ("line 8", True), ("line 9", True)]
    assert sha256(path) == before


def test_carrier_counterparts_after_normalization(tmp_path: Path) -> None:
    from harass_analyzer.pipeline import load_events

    result = load_events([make.carrier_calls_csv(tmp_path)])
    counterparts = set(result.events["counterpart"])
    assert "+8613800138001" in counterparts  # `138 0013 8001` recovered
    assert "1.38001E+10" in counterparts     # lost digits are not invented


def test_assistant_sms_csv(tmp_path: Path) -> None:
    frame, issues = read(make.assistant_sms_csv(tmp_path))
    assert list(zip(frame["direction"], frame["msg_status"])) == [
        ("in", "received"), ("out", "sent"), ("in", "received"), ("out", "draft")]
    assert frame["body"].tolist()[:2] == ["【某某金融】您已逾期, 请还款", "第一行\r\n第二行"]
    assert frame["contact_name"].iloc[1] == "张三"
    assert frame["ts_ms"].iloc[1] == 1709298000000  # 2024年3月1日 下午9:00
    assert frame["source_ref"].tolist() == ["line 2", "line 3", "line 5", "line 6"]  # body spans lines 3–4
    assert sorted((i.source_ref, i.reason.split(":")[0]) for i in issues) == [
        ("line 6", "imported, but 1 cells beyond the header ignored"), ("line 7", "row skipped")]


def test_million_character_cell_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    frame, issues = read(make.huge_field_csv(tmp_path))
    assert len(frame) == 2 and len(frame["body"].iloc[0]) == 1_000_000
    assert any("1000000 characters" in i.reason for i in issues)


def test_xlsx_sheets(tmp_path: Path) -> None:
    path = make.carrier_sms_xlsx(tmp_path)
    before = sha256(path)
    assert isinstance(detect(path), TabularImporter)
    frame, issues = read(path)
    assert issues == []  # the 说明 notes sheet is not a table: skipped silently
    sms, calls = frame[frame["kind"] == "sms"], frame[frame["kind"] == "call"]
    assert sms["counterpart_raw"].tolist() == ["10690000123", "13800138000", "13800138001"]
    assert sms["direction"].tolist() == ["in", "out", "in"]
    assert sms["source_ref"].tolist() == [f"sheet 短信详单 row {n}" for n in (4, 5, 6)]
    # 主叫号码/被叫号码: the owner (most frequent number) is found; the other side is the counterpart.
    assert list(zip(calls["direction"], calls["counterpart_raw"], calls["call_status"], calls["duration_s"])) == [
        ("out", "13800138000", "answered", 65.0), ("in", "13800138000", "answered", 65.0),
        ("in", "13800138001", "missed", 0.0)]
    assert sha256(path) == before


def test_xls_legacy_workbook(tmp_path: Path) -> None:
    pytest.importorskip("xlwt")  # test-only writer (pyproject [test] extra)
    path = make.carrier_calls_xls(tmp_path)
    assert isinstance(detect(path), TabularImporter)
    frame, issues = read(path)
    assert issues == []
    assert list(zip(frame["direction"], frame["call_status"], frame["counterpart_raw"], frame["duration_s"])) == [
        ("in", "answered", "13800138000", 65.0), ("out", "answered", "13800138001", 33.0),
        ("in", "missed", "13800138002", 0.0)]
    assert frame["ts_ms"].iloc[0] == 1709255722000
    assert frame["source_ref"].iloc[0] == "sheet 通话详单 row 3"


def test_unknown_columns_need_a_mapping(tmp_path: Path) -> None:
    path = make.odd_header_csv(tmp_path)
    assert isinstance(detect(path), TabularImporter)  # rows hold date-times and numbers: a table to map
    with pytest.raises(ConfigError) as err:
        read(path)
    message = str(err.value)
    assert "\n" not in message and "甲, 乙, 丙" in message and "--map number=" in message
    frame, issues = read(path, {"number": "甲", "time": "乙", "type": "丙"})
    assert frame["direction"].tolist() == ["in", "out"] and issues == []
    with pytest.raises(ConfigError, match="unknown field"):
        read(path, {"phone": "甲"})
    with pytest.raises(ConfigError, match="not all found"):
        read(path, {"number": "丁", "time": "乙"})


def test_a_mapping_for_one_file_does_not_break_others(tmp_path: Path) -> None:
    """--map applies to every input: tables without the mapped columns keep automatic detection."""
    frame, issues = read(make.carrier_sms_xlsx(tmp_path), {"number": "甲", "time": "乙"})
    assert len(frame) == 6 and issues == []


def test_xlsx_without_any_header_is_a_config_error(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["foo", "bar"])
    book.active.append([1, 2])
    path = tmp_path / "x.xlsx"
    book.save(path)
    with pytest.raises(ConfigError, match="columns found: foo, bar"):
        read(path)


@pytest.mark.parametrize("head", [b"<?xml version='1.0'?><calls/>", b"BEGIN:VMSG\r\n", b"\x00\x01binary\x00\x02",
                                  "随便写的笔记, 没有表头\n第二行, 还是没有\n".encode("gbk")])
def test_sniff_rejects_non_tables(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(head)
    assert not TabularImporter().sniff(path, head)


@pytest.mark.parametrize(("text", "expected"), [
    ("2020年11月17日 12:14:58", "2020-11-17 12:14:58"), ("2013年12月26日 下午8:56:00", "2013-12-26 20:56:00"),
    ("2020年11月17日 上午12:05", "2020-11-17 00:05:00"), ("17.09.2018 21:58:22", "2018-09-17 21:58:22"),
    ("2013.4.3.23.5.9", "2013-04-03 23:05:09"), ("2020/11/17 12:14", "2020-11-17 12:14:00"),
    ("11/17/20", "2020-11-17 00:00:00"), ("Jul 23, 2011 6:12:54 AM", "2011-07-23 06:12:54"),
    ("3 Sep 2012 16:06:30", "2012-09-03 16:06:30"), (45234.5, "2023-11-04 12:00:00"),
    (dt.datetime(2024, 3, 1, 8, 0), "2024-03-01 08:00:00"),
])
def test_local_time_formats(text: object, expected: str) -> None:
    canonical, is_utc = canonical_local(text)
    assert canonical is not None and canonical[:19] == expected and not is_utc


@pytest.mark.parametrize("text", ["昨天", "2024-13-01 00:00:00", "abc", "", None, 12.0])
def test_not_times(text: object) -> None:
    assert canonical_local(text)[0] is None


@pytest.mark.parametrize(("value", "seconds"), [
    ("65", 65), ("00:01:05", 65), ("1:05", 65), ("1分5秒", 65), ("1小时2分3秒", 3723), ("65秒", 65), (65, 65),
    (dt.time(0, 1, 5), 65), ("2分钟", 120)])
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


def test_numbers_excel_touched() -> None:
    assert clean_number("1.37E+10")[1] is not None and clean_number("1.37E+10")[0] == "1.37E+10"
    assert clean_number("1.3800138000E+10") == ("13800138000", None)  # mantissa holds every digit
    assert clean_number('="13800138000"') == ("13800138000", None)
    assert clean_number("13800138000.0") == ("13800138000", None)
    assert clean_number(13800138000.0) == ("13800138000", None)
    assert clean_number("138 0013 8000") == ("138 0013 8000", None)  # the pipeline strips the spaces


@pytest.mark.parametrize(("value", "expected"), [
    ("呼入", ("call", "in", "")), ("呼出", ("call", "out", "")), ("主叫", ("call", "out", "")),
    ("被叫", ("call", "in", "")), ("未接来电", ("call", "in", "missed")), ("呼入挂断", ("call", "in", "rejected")),
    ("呼出未接", ("call", "out", "")), ("骚扰拦截", ("call", "in", "blocked")), ("接收", ("sms", "in", "received")),
    ("已发送", ("sms", "out", "sent")), ("发送失败", ("sms", "out", "failed")), ("收", ("sms", "in", "received")),
    ("Incoming", ("call", "in", "")), ("本地通话", None)])
def test_type_values(value: str, expected: tuple | None) -> None:
    assert parse_type(value) == expected


@pytest.mark.parametrize(("header", "field"), [
    ("对方号码", "number"), ("通话时长(秒)", "duration"), ("起始时间", "time"), ("呼叫类型", "type"),
    ("短信内容", "body"), ("本机号码", None), ("费用(元)", None), ("Phone Number", "number")])
def test_header_synonyms(header: str, field: str | None) -> None:
    assert header_field(header) == field


def test_header_repeated_on_each_page_is_not_a_record(tmp_path: Path) -> None:
    header = "对方号码,通话时间,呼叫类型,通话时长\n"
    path = tmp_path / "pages.csv"
    path.write_text(header + "13800138000,2024-03-01 09:00:00,被叫,5\n" + "\n" + header
                    + "13800138001,2024-03-01 10:00:00,主叫,6\n", encoding="utf-8")
    frame, issues = read(path)
    assert frame["source_ref"].tolist() == ["line 2", "line 5"] and issues == []


def test_ole2_file_that_is_not_a_workbook_is_not_claimed(tmp_path: Path) -> None:
    path = tmp_path / "letter.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "WordDocument".encode("utf-16-le"))
    assert not TabularImporter().sniff(path, path.read_bytes()[:4096])
