"""Calls only, end to end (issue 17): a carrier 通话详单 (GBK CSV) whose collector never texts shows its
suspects; a --numbers file confirms one, silences another (gone from every figure) and clears a third;
the sample data's suspects; the third-party role hint."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from harass_analyzer.api import Options, run_analysis
from harass_analyzer.cli import app
from harass_analyzer.rules import SUSPECTED
from tests.conftest import SAMPLE

runner = CliRunner()
A, B, C = "17055550101", "17055550102", "17055550103"
MOM, COURIER, BANK = "13700002222", "15200004444", "95555"


def carrier_bill(folder: Path) -> Path:
    """A March 通话详单 of 13900000000: connected calls only, as carriers list them."""
    rows = []
    for day in range(1, 11):  # mum every evening, late twice; you call her on two days
        rows.append(("被叫", MOM, f"2026-03-{day:02d} 21:00:00", "5分12秒"))
    rows += [("被叫", MOM, "2026-03-03 22:30:00", "2分"), ("被叫", MOM, "2026-03-06 22:45:00", "1分")]
    rows += [("主叫", MOM, "2026-03-02 12:00:00", "3分"), ("主叫", MOM, "2026-03-05 12:00:00", "4分")]
    rows += [("被叫", COURIER, "2026-03-03 10:10:00", "25"), ("被叫", COURIER, "2026-03-04 15:20:00", "40")]
    rows += [("被叫", BANK, "2026-03-05 10:00:00", "1分30秒"), ("被叫", BANK, "2026-03-12 23:10:00", "45")]
    rows += [("被叫", A, "2026-03-05 23:12:00", "8"), ("被叫", A, "2026-03-06 23:40:00", "12")]  # two 23:xx calls
    rows += [("被叫", B, f"2026-03-07 {h}:00:00", "3") for h in (11, 14, 17)]  # hang up after 3 s, three times
    rows += [("被叫", C, f"2026-03-{d:02d} 10:00:00", "20") for d in (8, 9, 10)]  # three days running
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["中国移动通信客户详单（通话详单）"])
    writer.writerow(["手机号码：13900000000", "查询月份：2026年03月"])
    writer.writerow(["序号", "通话地点", "通话类型", "对方号码", "起始时间", "通话时长", "通信费(元)"])
    for i, (kind, number, when, duration) in enumerate(sorted(rows, key=lambda r: r[2]), 1):
        writer.writerow([i, "北京", kind, number, when, duration, "0.00"])
    path = folder / "通话详单.csv"
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def read(bundle: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(bundle / name, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_calls_only_bill_shows_suspects_and_labels_decide(tmp_path: Path) -> None:
    bill = carrier_bill(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(bill), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 suspected collector(s) from call patterns alone" in result.output
    suspects = read(out, "suspects.csv")
    assert dict(zip(suspects["entity"], suspects["signals"])) == {
        "+86" + A: "night;range", "+86" + B: "short;range", "+86" + C: "streak;range"}
    violations = read(out, "violations.csv")
    night = violations.loc[violations["rule_id"].eq("CN-GBT45251-TIME")]
    assert night["entity"].tolist() == ["+86" + A] * 2 and set(night["suspected"]) == {SUSPECTED}
    assert set(violations["entity"]) == {"+86" + A}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "未发现催收方" in report and "## 疑似催收方（仅凭来电规律）" in report
    assert "另有 3 个疑似催收号码" in report and "--numbers" in report
    complaint = (out / "complaint.md").read_text(encoding="utf-8")
    assert "疑似催收号码" in complaint and "〔疑似——无催收短信，仅凭来电规律〕" in complaint
    senders = read(out, "senders.csv").set_index("counterpart")
    assert senders.loc["+86" + MOM, ["number_kind", "region", "carrier"]].tolist() == ["mobile", "辽宁省沈阳市", "中国移动"]
    assert senders.loc[BANK, "number_kind"] == "service_95" and senders.loc["+86" + A, "number_kind"] == "virtual_mobile"

    labels = tmp_path / "numbers.csv"
    labels.write_text(f"number,label,entity\n{A},collector,某某资产\n{B},personal\n{C},not_collector\n",
                      encoding="utf-8")
    labelled = tmp_path / "labelled"
    result = runner.invoke(app, ["analyze", str(bill), "-o", str(labelled), "--numbers", str(labels)])
    assert result.exit_code == 0, result.output
    assert "suspected" not in result.output
    assert read(labelled, "suspects.csv").empty
    entities = read(labelled, "entities.csv")
    assert entities.values.tolist() == [["某某资产", "+86" + A, "user mapping 某某资产 from +86" + A]]
    violations = read(labelled, "violations.csv")
    assert set(violations["entity"]) == {"某某资产"} and set(violations["suspected"]) == {""}
    assert violations.loc[violations["rule_id"].eq("CN-GBT45251-TIME"), "count"].tolist() == ["1", "1"]
    for name in ("events.csv", "senders.csv", "violations.csv", "suspects.csv", "entities.csv", "report.md",
                 "complaint.md"):  # personal: gone from every output
        assert B not in (labelled / name).read_text(encoding="utf-8"), name
    manifest = json.loads((labelled / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["personal_events_excluded"] == 3
    assert manifest["events"] == len(read(out, "events.csv")) - 3 == len(read(labelled, "events.csv"))
    report = (labelled / "report.md").read_text(encoding="utf-8")
    assert "疑似催收方（仅凭来电规律）" not in report and "3 条记录未计入任何统计" in report
    assert "某某资产" in report


def test_sample_data_suspects_are_the_calls_only_collector() -> None:
    analysis = run_analysis([SAMPLE], Options())
    assert analysis.suspects.table["entity"].tolist() == ["+8617055550101"]
    family = {"+8613600001111", "+8613700002222", "+8613500003333"}
    assert family <= set(analysis.senders["counterpart"])  # they call, and are never suspects
    assert {"+8613600001111", "+8613700002222", "+8613500003333", "95555"} <= set(analysis.suspects.cleared)
    assert "+8615200004444" not in set(analysis.suspects.table["entity"])  # the courier
    flagged = analysis.violations.loc[analysis.violations["entity"].eq("+8617055550101")]
    assert set(flagged["suspected"]) == {SUSPECTED}
    assert set(analysis.violations.loc[analysis.violations["suspected"].eq(""), "entity"]) == {
        "速借金融", "易贷花", "鑫融资产管理"}


def test_third_party_texts_suggest_role_contact(tmp_path: Path) -> None:
    body = "您好，您的朋友张三在我司借款逾期未还，其填写您为紧急联系人，请转告他尽快还款。"
    lines = ["号码,联系人,时间,类型,内容"] + [f"1069012345{k},,2026-03-0{k} 10:00:00,接收,{body}" for k in range(1, 4)]
    (tmp_path / "短信导出.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(tmp_path / "短信导出.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("if this is not the debtor's phone, run again with --role contact")
    assert "3 of 3 collection texts are addressed to a third party" in result.output
    assert "--role contact 重新运行" in (out / "report.md").read_text(encoding="utf-8")
    again = runner.invoke(app, ["analyze", str(tmp_path / "短信导出.csv"), "-o", str(tmp_path / "o2"),
                                "--role", "debtor"])
    assert again.exit_code == 0 and "--role contact" not in again.output
