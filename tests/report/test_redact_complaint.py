"""--redact (no full third-party number or name in any output, collectors intact), complaint.md counts
against senders.csv/violations.csv, and --zip determinism — hand-made data plus one CLI run on
sample_data."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from harass_analyzer.cli import app
from harass_analyzer.report.archive import write_zip
from harass_analyzer.report.outputs import write_outputs
from harass_analyzer.report.redact import mask_name, mask_number, redact
from tests.conftest import SAMPLE
from tests.report.handmade import (COLLECTOR_A, COLLECTOR_B, DEBTOR_NAME, ENTITY, THIRD_PARTY,
                                   handmade_analysis)

TEXT_OUTPUTS = ("*.csv", "*.md", "*.html", "*.json")


def text_of(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8-sig")
            for pattern in TEXT_OUTPUTS for p in folder.rglob(pattern)}


def test_mask_number_and_name() -> None:
    assert mask_number("+8613800138000") == "138****8000"
    assert mask_number("010-87654321") == "010****4321"
    assert mask_number("95555") == "95555" and mask_number("withheld") == "withheld"
    assert mask_name("王小明") == "王**" and mask_name("欧阳娜娜") == "欧阳**"


def test_redacted_bundle_hides_third_parties(tmp_path: Path) -> None:
    analysis = handmade_analysis(redact=True)
    write_outputs(tmp_path, analysis)
    files = text_of(tmp_path)
    assert {"events.csv", "senders.csv", "entities.csv", "violations.csv", "report.md", "report.html",
            "complaint.md"} <= set(files)
    for name, text in files.items():
        for number in THIRD_PARTY:
            national = number[3:]
            assert national not in text and number not in text, (name, number)
        assert DEBTOR_NAME not in text and "李华" not in text and "妈妈" not in text, name
    events = pd.read_csv(tmp_path / "events.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert "138****8000" in set(events["counterpart"]) and "137****7000" in set(events["counterpart"])
    assert {COLLECTOR_A, COLLECTOR_B} <= set(events["counterpart"])  # the evidence stays whole
    assert (events["body"].str.contains("138\\*\\*\\*\\*8000")).sum() == 1  # number inside a threat
    assert ENTITY in files["complaint.md"] and "【快贷金融】王**您好" in files["complaint/12321.md"]
    assert "儿子，周末回家吃饭吗？" not in "".join(files.values())  # a family text is not collection: masked
    assert set(events.loc[events["category"].ne("collection") & events["kind"].ne("call"), "body"]) == {
        "〔已隐去：非催收内容〕"}
    assert len(events) == len(analysis.events)  # nothing dropped


def test_redact_is_pure() -> None:
    analysis = handmade_analysis()
    before = analysis.events.copy()
    out = redact(analysis)
    pd.testing.assert_frame_equal(analysis.events, before)
    assert out.options.redact and not analysis.options.redact


def test_unredacted_is_default(tmp_path: Path) -> None:
    write_outputs(tmp_path, handmade_analysis())
    assert THIRD_PARTY[0] in (tmp_path / "events.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_complaint_counts_match_csvs(tmp_path: Path, lang: str) -> None:
    write_outputs(tmp_path, handmade_analysis(lang=lang))
    text = (tmp_path / "complaint.md").read_text(encoding="utf-8")
    senders = pd.read_csv(tmp_path / "senders.csv", encoding="utf-8-sig", dtype={"counterpart": str})
    mine = senders.loc[senders["counterpart"].isin([COLLECTOR_A, COLLECTOR_B])]
    total, calls, msgs = (int(mine[c].sum()) for c in ("total_in", "calls_in", "messages_in"))
    unanswered, coll, night = (int(mine[c].sum()) for c in ("calls_unanswered", "collection_msgs", "night_in"))
    assert (total, calls, msgs, unanswered, coll, night) == (8, 3, 5, 2, 5, 4)
    packs = {name: (tmp_path / "complaint" / name).read_text(encoding="utf-8")
             for name in ("12378.md", "nifa.md", "12321.md", "heimao.md", "110.md", "notes.md")}
    for pack in (text, packs["12378.md"], packs["nifa.md"]):
        if lang == "zh":
            assert (f"联系本人 {total} 次：来电 {calls} 次（其中未接通 {unanswered} 次），短信 {msgs} 条"
                    f"（其中催收内容 {coll} 条）") in pack
            assert f"夜间 22:00–次日08:00 {night} 次" in pack
        else:
            assert f"contacted me {total} times" in pack and f"{calls} calls ({unanswered} unanswered)" in pack
    viol = pd.read_csv(tmp_path / "violations.csv", encoding="utf-8-sig")
    for row in viol.itertuples():  # a rule outside any profile: cited with its violations.csv text
        assert row.citation in packs["12378.md"]
        assert (f"共 {row.count} 次" if lang == "zh" else f"{row.count} events") in packs["12378.md"]
    assert COLLECTOR_A in text and COLLECTOR_B in text and "report.pdf" in packs["12378.md"]
    per_number = pd.read_csv(tmp_path / "complaint" / "12321.csv", encoding="utf-8-sig", dtype={"被举报号码": str})
    assert sorted(per_number["被举报号码"]) == [COLLECTOR_A, COLLECTOR_B]
    for row in mine.itertuples():
        mine_row = per_number.loc[per_number["被举报号码"].eq(row.counterpart)].iloc[0]
        assert (mine_row["联系次数"], mine_row["来电次数"], mine_row["短信条数"]) == (
            row.total_in, row.calls_in, row.messages_in)
        assert f"共联系本人 {row.total_in} 次" in packs["12321.md"]
    assert COLLECTOR_A not in packs["heimao.md"] and COLLECTOR_A[3:] not in packs["heimao.md"]


def test_zip_deterministic(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    out.mkdir()
    write_outputs(out, handmade_analysis())
    (out / "manifest.json").write_text("{}\n", encoding="utf-8")
    first = write_zip(out).read_bytes()
    second = write_zip(out).read_bytes()
    assert first == second
    with zipfile.ZipFile(out.with_name("bundle.zip")) as zf:
        names = zf.namelist()
        assert names == sorted(names) and "bundle/manifest.json" in names and "bundle/charts/daily.png" in names
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.read("bundle/report.md") == (out / "report.md").read_bytes()


def test_cli_lang_redact_zip_on_sample(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(SAMPLE), "-o", str(out), "--lang", "en", "--redact", "--zip"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.zip").is_file()
    files = text_of(out)
    assert files["report.md"].startswith("# Debt-collection harassment evidence report")
    events = pd.read_csv(out / "events.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    masked = events["counterpart"].str.contains(r"\*\*\*\*")
    assert masked.any() and not events.loc[masked, "category"].eq("collection").any()
    # the family numbers in sample_data are third parties: never in full anywhere
    for number in set(events.loc[masked, "counterpart_raw"]):
        assert "*" in number
    for name, text in files.items():
        assert "13700002222" not in text and "13600001111" not in text, name
    again = CliRunner().invoke(app, ["analyze", str(SAMPLE), "-o", str(out), "--zip"])
    assert again.exit_code == 1 and "exists" in again.output
