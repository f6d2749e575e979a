"""Formula-injection escaping of the bundle CSVs: hostile text is neutralised, numbers stay numbers,
the original text comes back by dropping one leading quote, files stay UTF-8 with BOM and deterministic."""
from __future__ import annotations

import pandas as pd
import pytest

from harass_analyzer.report.bundle import write_csv
from harass_analyzer.report.csvsafe import escape_cell, escape_frame, unescape_cell

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1",
           "'=already quoted"]
NUMBERS = ["+8613800138000", "-1", "95555", "12.5", "+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gets_one_quote(text: str) -> None:
    assert escape_cell(text) == "'" + text
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.parametrize("text", NUMBERS + ["逾期还款", "", "a=b", " =1"])
def test_numbers_and_plain_text_unchanged(text: str) -> None:
    assert escape_cell(text) == text


def test_only_text_columns_escaped() -> None:
    frame = pd.DataFrame({"counterpart": ["+8613800138000", "-1", "+86138;+86139", "+86138;=cmd|x"],
                          "count": [-3, 4, 5, 6], "body": ["=1+1", "ok", "@x", "+1"]})
    out = escape_frame(frame)
    # a list of numbers (entities.csv numbers, violations.csv counterpart) is data, never altered;
    # a list with anything else in it is guarded like any text
    assert out["counterpart"].tolist() == ["+8613800138000", "-1", "+86138;+86139", "'+86138;=cmd|x"]
    assert out["count"].tolist() == [-3, 4, 5, 6] and out["count"].dtype == frame["count"].dtype
    assert out["body"].tolist() == ["'=1+1", "ok", "'@x", "+1"]
    assert frame["body"].tolist() == ["=1+1", "ok", "@x", "+1"]  # input not modified


def test_write_csv_round_trip_bom_and_determinism(tmp_path) -> None:
    frame = pd.DataFrame({"body": HOSTILE + ["普通短信", "第一行\r第二行\r\n第三行"], "n": range(len(HOSTILE) + 2)})
    write_csv(frame, tmp_path / "a.csv")
    write_csv(frame, tmp_path / "b.csv")
    raw = (tmp_path / "a.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw == (tmp_path / "b.csv").read_bytes()
    back = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert [c[0] for c in back["body"][:len(HOSTILE)]] == ["'"] * len(HOSTILE)  # no cell starts with a trigger
    assert back["body"].map(unescape_cell).tolist() == frame["body"].tolist()
