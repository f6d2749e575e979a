"""One folder with an iOS backup + an SMS Backup & Restore export + a CSV of the same phone → one
bundle where the events all three hold are kept once, and the copies are listed, not lost."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from harass_analyzer.cli import app
from harass_analyzer.pipeline import load_events
from tests.conftest import tree_hashes
from tests.importers.make_fixtures import make_ios_backup


def _local(ms: int) -> str:
    return pd.Timestamp(ms, unit="ms", tz="UTC").tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M:%S")


def build_phone(folder: Path) -> dict:
    make_ios_backup(folder / "iphone_backup")
    ios = load_events([folder / "iphone_backup"]).events
    sms_in = ios[(ios["kind"] == "sms") & (ios["direction"] == "in") & (ios["body"] != "")].head(3)
    calls_in = ios[(ios["kind"] == "call") & (ios["direction"] == "in")].head(2)
    sms_lines = [f'<sms address="{r.counterpart}" date="{r.ts_ms}" type="1" body="{r.body}" />'
                 for r in sms_in.itertuples()]
    sms_lines += ['<sms address="13800000001" date="1700100000000" type="1" body="只在安卓备份里" />',
                  '<sms address="13800000001" date="1700100060000" type="2" body="收到" />']
    call_lines = [f'<call number="{r.counterpart}" duration="0" date="{r.ts_ms}" type="3" />'
                  for r in calls_in.itertuples()]
    call_lines.append('<call number="13800000002" duration="12" date="1700200000000" type="1" />')
    (folder / "sbr").mkdir()
    (folder / "sbr" / "sms-20231120.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"5\">\n"
        + "\n".join(sms_lines) + "\n</smses>\n", encoding="utf-8")
    (folder / "sbr" / "calls-20231120.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"3\">\n"
        + "\n".join(call_lines) + "\n</calls>\n", encoding="utf-8")
    first = sms_in.iloc[0]
    last = ios[(ios["kind"] == "sms") & (ios["direction"] == "in")].iloc[-1]
    rows = [(first.counterpart_raw, _local(first.ts_ms), "接收", first.body),
            (last.counterpart_raw, _local(last.ts_ms), "接收", last.body),
            ("13800000003", "2023-11-20 09:00:00", "接收", "只在助手导出里")]
    csv = "号码,时间,类型,内容\n" + "".join(f"{a},{t},{k},{b}\n" for a, t, k, b in rows)
    (folder / "assistant_export.csv").write_bytes(csv.encode("gbk"))
    return {"ios": len(ios), "sbr_dup": len(sms_in) + len(calls_in), "csv_dup": 2, "unique": 2 + 1 + 1,
            "first_body": first.body}


def test_three_exports_of_one_phone_merge(tmp_path: Path) -> None:
    phone = tmp_path / "phone"
    expected = build_phone(phone)
    before = tree_hashes(phone)
    result = load_events([phone])
    assert len(result.events) == expected["ios"] + expected["unique"]
    assert result.duplicates_merged == expected["sbr_dup"] + expected["csv_dup"]
    formats = {i.format for i in result.inputs}
    assert {"ios_backup", "sbr_xml", "tabular"} <= formats or {"sbr_xml", "tabular"} <= formats
    unexpected = [i for i in result.issues if "reaction" not in i.reason]
    assert unexpected == []
    held_thrice = result.events[result.events["body"] == expected["first_body"]]
    assert len(held_thrice) == 1
    copies = held_thrice.iloc[0]["also_in"].split(";")
    assert held_thrice.iloc[0]["source_format"] == "ios_sms"  # the millisecond copy is kept, not the CSV's
    assert len(copies) == 2
    assert any("sms-20231120.xml#" in c for c in copies) and any("assistant_export.csv#" in c for c in copies)

    out = tmp_path / "bundle"
    run = CliRunner().invoke(app, ["analyze", str(phone), "-o", str(out)])
    assert run.exit_code == 0, run.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["duplicates_merged"] == result.duplicates_merged
    assert sum(i["duplicates_merged"] for i in manifest["inputs"]) == result.duplicates_merged
    assert str(result.duplicates_merged) in (out / "report.md").read_text(encoding="utf-8")
    assert tree_hashes(phone) == before


def test_sample_folder_plus_one_of_its_files_counts_nothing_twice(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    alone = load_events([sample]).events
    sms_file = sorted(sample.glob("sms-*.xml"))[0]
    again = load_events([sample, sms_file, sample / "." / sms_file.name])
    assert len(again.events) == len(alone) and again.duplicates_merged == 0
    assert [i.reason.startswith("same file as") for i in again.issues].count(True) == 2
    assert again.events["event_id"].tolist() == alone["event_id"].tolist()


def test_exact_repeats_inside_one_export_are_one_event(tmp_path: Path) -> None:
    rows = ['<sms address="13800000001" date="1700100000123" type="1" body="请还款" />',
            '<sms address="13800000001" date="1700100060000" type="1" body="请还款" />',  # a real resend
            '<call number="13800000002" duration="12" date="1700200000000" type="1" />']
    xml = ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"6\">\n"
           + "\n".join(rows + rows) + "\n</smses>\n")
    (tmp_path / "sms.xml").write_text(xml, encoding="utf-8")
    result = load_events([tmp_path / "sms.xml"])
    ev = result.events
    assert len(ev) == 3 and result.duplicates_merged == 3
    assert ev["also_in"].str.count("#").tolist() == [1, 1, 1]  # each kept row names its repeat
    assert ev["also_in"].str.contains("line 6").any()
    entry = result.inputs[0]
    assert (entry.records, entry.events, entry.skipped, entry.merged) == (6, 3, 0, 3)


def test_bodiless_messages_of_one_second_in_a_carrier_list_stay_apart(tmp_path: Path) -> None:
    """A long SMS is several rows of the same second in a 详单; calls repeated exactly are one call."""
    (tmp_path / "短信详单.csv").write_text(
        "号码,时间,类型,内容\n13800138000,2024-03-01 20:56:00,接收,\n13800138000,2024-03-01 20:56:00,接收,\n",
        encoding="utf-8")
    (tmp_path / "通话详单.csv").write_text(
        "对方号码,起始时间,类型,通话时长\n"
        "13800138001,2024-03-01 21:00:00,被叫,35\n13800138001,2024-03-01 21:00:00,被叫,35\n",
        encoding="utf-8")
    result = load_events([tmp_path])
    kinds = result.events["kind"].value_counts().to_dict()
    assert kinds == {"sms": 2, "call": 1} and result.duplicates_merged == 1
