"""Cases of a batch: naming, cases.csv, redaction of the cross-case tables, and the CLI's refusals
(no cluster is started for any of these)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from harass_analyzer.batching import make_cases
from harass_analyzer.batching.report import redact_names
from harass_analyzer.cli import app
from harass_analyzer.errors import ConfigError


def test_names_from_folders_and_files() -> None:
    cases = make_cases(["phones/phone_001/", "exports/li.xml"], tz="Asia/Shanghai")
    assert [(c.name, c.path, c.role) for c in cases] == [("phone_001", "phones/phone_001/", "debtor"),
                                                         ("li.xml", "exports/li.xml", "debtor")]


def test_same_name_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="two cases are both named 'phone'"):
        make_cases(["a/phone", "b/phone"])


def test_cases_csv_sets_per_case_options(tmp_path: Path) -> None:
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "b.csv").write_text("number,entity\n13912340001,速借金融\n", encoding="utf-8")
    sheet = tmp_path / "cases.csv"
    sheet.write_text("\ufeffcase,role,tz,stop_date,labels\nphone_b,contact,Asia/Hong_Kong,2026-03-20,labels/b.csv\n"
                     "x/phone_a,,,,\n", encoding="utf-8")
    a, b, c = make_cases(["x/phone_a", "x/phone_b", "x/phone_c"], stop_date="2026-01-01", cases_csv=sheet)
    assert (a.role, a.tz, a.stop_date, a.entities_file) == ("debtor", "Asia/Shanghai", "2026-01-01", None)
    assert (b.role, b.tz, b.stop_date, b.entities_file) == ("contact", "Asia/Hong_Kong", "2026-03-20",
                                                            str(tmp_path / "labels" / "b.csv"))
    assert c == make_cases(["x/phone_c"], stop_date="2026-01-01")[0]


@pytest.mark.parametrize("row, message", [
    ("phone_z,debtor,,,", "line 2: case 'phone_z' is not one of the batch's cases"),
    ("phone_a,lender,,,", "line 2: role 'lender': use debtor or contact"),
    ("phone_a,,Mars/Base,,", "line 2: tz 'Mars/Base' is not a known time zone"),
    ("phone_a,,,20.3.2026,", "line 2: stop_date '20.3.2026' is not YYYY-MM-DD"),
    ("phone_a,,,,nowhere.csv", "line 2: labels file .*nowhere.csv not found"),
])
def test_cases_csv_errors_name_the_line(tmp_path: Path, row: str, message: str) -> None:
    sheet = tmp_path / "cases.csv"
    sheet.write_text(f"case,role,tz,stop_date,labels\n{row}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        make_cases(["phone_a"], cases_csv=sheet)


def test_redaction_renames_cases_everywhere() -> None:
    collectors = pd.DataFrame({"cases": ["zhangsan;lisi", "lisi"],
                               "evidence": ["shared number +8613312340032 in 2 case(s): lisi, zhangsan", ""]})
    cases = pd.DataFrame({"case": ["lisi", "zhangsan"], "inputs": ["lisi/sms.xml", "zhangsan/calls.xml"]})
    issues = pd.DataFrame({"case": ["wangwu"], "path": ["/home/u/wangwu"],
                           "reason": ["/home/u/wangwu/backup.ab: damaged compressed data (wangwu.ab, wangwu-old)"]})
    frames, masked = redact_names({"collectors": collectors, "cases": cases, "weekly": pd.DataFrame()}, issues,
                                  ["zhangsan", "lisi", "wangwu"])
    assert list(frames["collectors"]["cases"]) == ["case_001;case_003", "case_001"]
    assert frames["collectors"]["evidence"][0] == "shared number +8613312340032 in 2 case(s): case_001, case_003"
    assert list(frames["cases"]["case"]) == ["case_001", "case_003"] and set(frames["cases"]["inputs"]) == {""}
    assert masked.values.tolist() == [["case_002", "", "case_002/backup.ab: damaged compressed data (case_002.ab, case_002-old)"]]


def test_cli_refuses_non_empty_out_before_starting_a_cluster(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {tmp_path / 'out'}: folder is not empty (use --resume to go on with " \
                                    "an earlier batch, --force to replace it)"
    result = CliRunner().invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "out"), "--force"])
    assert result.exit_code == 1 and "--force replaces only a batch folder" in result.output
    assert (tmp_path / "out" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_cli_bad_role_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "out"), "--role", "x"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: batch options: role 'x': use debtor or contact"


def test_separator_in_a_name_is_refused() -> None:
    with pytest.raises(ConfigError, match="cannot name a case after it"):
        make_cases(["phones/li;wang"])
