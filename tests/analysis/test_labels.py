"""--numbers FILE (issue 17): number,label[,entity]; bad lines stop the run naming the file and line."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.handmade_events import make_events
from harass_analyzer.analysis.labels import NumberLabels, drop_personal, read_labels
from harass_analyzer.cli import app
from harass_analyzer.errors import ConfigError
from tests.conftest import SAMPLE


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "numbers.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_read_labels_with_and_without_header(tmp_path: Path) -> None:
    labels = read_labels(write(tmp_path, "number,label,entity\n138-0013-8000,collector,某某资产\n"
                                         "95555,not_collector\n# 家人\n+86 137 0000 2222,personal\n\n"
                                         "13800138001,催收\n13800138001,collector\n", "utf-8-sig"))
    assert labels.collector == {"+8613800138000", "+8613800138001"}
    assert labels.not_collector == {"95555"} and labels.personal == {"+8613700002222"}
    assert labels.mapping().values.tolist() == [["+8613800138000", "某某资产"], ["+8613800138001", "+8613800138001"]]
    bare = read_labels(write(tmp_path, "13700002222,家人\n13700002222,not_collector\n"))
    assert bare.personal == set() and bare.not_collector == {"+8613700002222"}  # the later line wins


@pytest.mark.parametrize("text, message", [
    ("number,label\n13800138000\n", "line 2 needs number,label"),
    ("13800138000,friend\n", "line 1: label 'friend' is not one of collector, not_collector, personal"),
    ("13800138000,personal,家\n", "line 1: an entity name only goes with label collector"),
    ("-1,collector\n", "line 1: '-1' is not a number that can be labelled"),
])
def test_bad_lines_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        read_labels(write(tmp_path, text))


def test_excel_gbk_file_is_read_and_binary_is_one_line_error(tmp_path: Path) -> None:
    assert read_labels(write(tmp_path, "13800138000,催收\n", "gbk")).collector == {"+8613800138000"}
    path = tmp_path / "numbers.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xff\x00")
    result = CliRunner().invoke(app, ["analyze", str(SAMPLE), "-o", str(tmp_path / "o"), "--numbers", str(path)])
    assert result.exit_code == 1 and not (tmp_path / "o").exists()  # before any import
    assert result.output.strip().splitlines() == [
        f"error: numbers file {path}: not UTF-8 or GBK text (illegal multibyte sequence at byte 4)"]


def test_drop_personal_keeps_ids_and_counts() -> None:
    events = make_events([("2026-03-01 10:00:00", "call", "in", "+8613700002222", "answered", 30),
                          ("2026-03-01 11:00:00", "sms", "in", "+8613900000000", "received", "你好"),
                          ("2026-03-01 12:00:00", "sms", "out", "+8613700002222", "sent", "到了")])
    labels = NumberLabels(personal={"+8613700002222"})
    kept, gone = drop_personal(events, labels)
    assert gone == 2 and kept["event_id"].tolist() == ["E0002"] and kept.index.tolist() == [0]
    assert drop_personal(events, None) == (events, 0)
