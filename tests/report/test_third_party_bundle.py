"""Bundles for a third-party owner: the report's own-rights section, complaint/12315.md and
complaint/demand_letter.md with the counts, and no R-graded wording inside quotation marks anywhere."""
from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest

from harass_analyzer.api import Options, analyze
from harass_analyzer.rules import load_profile
from tests.conftest import SAMPLE

# rules.md grades these wordings R (§0 civil-law table, §1C, §1D): never to be quoted
R_WORDINGS = [
    "处理个人信息应当遵循合法、正当、必要原则，不得过度处理",  # 民法典 第一千零三十五条
    "征得该自然人或者其监护人同意",
    "公开处理信息的规则", "明示处理信息的目的、方式和范围",
    "经营者收集、使用消费者个人信息，应当遵循合法、正当、必要的原则",  # 消费者权益保护法 第二十九条
    "明示目的、方式和范围", "不得向其发送商业性信息",
    "二年内实施寻衅滋事行为三次以上",  # 软暴力意见 "多次"
    "在充分知情的前提下自愿、明确作出",  # 个人信息保护法 第十四条
]
QUOTED = re.compile(r"「([^」]*)」|“([^”]*)”|『([^』]*)』|\"([^\"]*)\"")


def r_graded() -> list[str]:
    """The list above plus every R-graded citation wording of the cn pack, cut into clauses."""
    texts = R_WORDINGS + [c.wording for r in load_profile("cn").rules for c in r.citations if c.confidence == "R"]
    clauses = {p.strip() for t in texts for p in re.split(r"[，；。（）]", t)}
    return sorted(c for c in clauses if len(c) >= 8)


def output_texts(folder: Path):
    """(file, text) for every text a bundle file shows: CSV cells, JSON strings, Markdown, HTML text."""
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.reader(fh):
                    for cell in row:
                        yield name, cell
        elif path.suffix == ".json":
            def strings(x):
                if isinstance(x, str):
                    yield x
                elif isinstance(x, dict):
                    for k, v in x.items():
                        yield from strings(k)
                        yield from strings(v)
                elif isinstance(x, list):
                    for v in x:
                        yield from strings(v)
            for s in strings(json.loads(path.read_text(encoding="utf-8"))):
                yield name, s
        elif path.suffix == ".md":
            yield name, path.read_text(encoding="utf-8")
        elif path.suffix == ".xlsx":  # evidence workbook (complaint packs issue), when the bundle has one
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)  # read-only keeps the file open until closed
            try:
                for sheet in workbook.worksheets:
                    for row in sheet.iter_rows(values_only=True):
                        for cell in row:
                            if isinstance(cell, str):
                                yield name, cell
            finally:
                workbook.close()
        elif path.suffix == ".pdf":  # report.pdf, when the bundle has one
            from pypdf import PdfReader

            yield name, "".join(page.extract_text() or "" for page in PdfReader(path).pages)
        elif path.suffix == ".html":
            page = re.sub(r"<style.*?</style>|<[^>]+>", " ", path.read_text(encoding="utf-8"), flags=re.S)
            yield name, html.unescape(page)


@pytest.fixture(scope="module")
def contact_bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tp") / "out"
    analyze([SAMPLE], out, options=Options(role="contact", role_given=True))
    return out


def test_no_r_graded_wording_in_quotation_marks_in_any_output(contact_bundle):
    clauses = r_graded()
    assert len(clauses) >= 10
    seen_files, hits = set(), []
    for name, text in output_texts(contact_bundle):
        seen_files.add(name)
        for m in QUOTED.finditer(text):
            span = next(g for g in m.groups() if g is not None)
            hits += [(name, c) for c in clauses if c in span]
        if "第四十六条" in text:
            hits.append((name, "第四十六条"))
    assert {"report.md", "report.html", "complaint.md", "violations.csv", "complaint/12315.md",
            "complaint/demand_letter.md", "manifest.json"} <= seen_files
    assert hits == []
    # the R-graded laws are there, unquoted
    report = (contact_bundle / "report.md").read_text(encoding="utf-8")
    assert "民法典 第一千零三十五条" in report and "消费者权益保护法 第二十九条" in report


def test_scanner_catches_quoted_r_wording(tmp_path):
    (tmp_path / "x.md").write_text("依据：「经营者收集、使用消费者个人信息，应当遵循合法、正当、必要的原则」", encoding="utf-8")
    clauses = r_graded()
    found = [c for _, t in output_texts(tmp_path) for m in QUOTED.finditer(t)
             for c in clauses if c in next(g for g in m.groups() if g is not None)]
    assert found


def _entity_totals(bundle: Path) -> dict[str, int]:
    with (bundle / "senders.csv").open(encoding="utf-8-sig", newline="") as fh:
        total = {r["counterpart"].lstrip("'"): int(r["total_in"]) for r in csv.DictReader(fh)}
    with (bundle / "entities.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {r["entity"]: sum(total.get(n, 0) for n in r["numbers"].lstrip("'").split(";"))
                for r in csv.DictReader(fh)}


def test_rights_section_demand_letter_and_12315_carry_the_counts(contact_bundle):
    totals = _entity_totals(contact_bundle)
    letter = (contact_bundle / "complaint" / "demand_letter.md").read_text(encoding="utf-8")
    p12315 = (contact_bundle / "complaint" / "12315.md").read_text(encoding="utf-8")
    names = re.findall(r"^## \d+\. (?:被投诉方：)?(.+)$", letter, flags=re.M)
    assert names == re.findall(r"^## \d+\. 被投诉方：(.+)$", p12315, flags=re.M) and len(names) == 3
    for name in names:
        n = totals[name]
        assert f"{name} 使用以下" in letter and re.search(rf"{re.escape(name)} 使用以下 \d+ 个号码：[^\n]*共联系本人 {n} 次",
                                                        letter)
        assert re.search(rf"{re.escape(name)} 使用以下 \d+ 个号码：[^\n]*共联系本人 {n} 次", p12315)
    assert "停止以电话、短信或任何其他方式联系本人" in letter and "删除贵方及合作催收机构持有的本人手机号码" in letter
    assert "12315" in p12315 and "删除本人个人信息" in p12315
    assert p12315.count("本人并非借款人，系被填写为紧急联系人/通讯录联系人") == len(names)
    assert letter.count("本人并非借款人，系被填写为紧急联系人/通讯录联系人") == len(names)
    # sample contacts are all from 2026: the cybersecurity-law sentence by date, no number
    assert "网络安全法关于禁止非法获取、向他人提供个人信息的规定（2026年1月1日起的联系）" in letter
    assert "网络安全法 第四十四条" not in letter
    with (contact_bundle / "violations.csv").open(encoding="utf-8-sig", newline="") as fh:
        contacted = sum(int(r["count"]) for r in csv.DictReader(fh) if r["rule_id"] == "CN-CC-1033-3P")
    report = (contact_bundle / "report.md").read_text(encoding="utf-8")
    section = report[report.index("## 你自己的权利"):report.index("## 图表")]
    assert f"被联系 {contacted} 次" in section and "删除你的号码" in section and "赔礼道歉" in section
    assert report.index("## 摘要") < report.index("## 你自己的权利") < report.index("## 图表")
    assert "CN-GBT45251-TIME" not in section  # the debtor's collection rules stay in the collectors' sections


def test_pre_2026_contacts_cite_article_44_and_debtor_bundle_has_no_letter(tmp_path):
    body = "【快借】您的朋友张三借款逾期未还，其填写您为紧急联系人，请转告他尽快还款。"
    lines = ["号码,联系人,时间,类型,内容"] + [f"106901234{k},,2025-12-2{k} 10:00:00,接收,{body}" for k in range(1, 4)]
    (tmp_path / "短信导出.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "c"
    analyze([tmp_path / "短信导出.csv"], out, options=Options(role="contact", role_given=True))
    letter = (out / "complaint" / "demand_letter.md").read_text(encoding="utf-8")
    assert "网络安全法 第四十四条（2025年12月31日及以前的联系）" in letter
    assert "2026年1月1日起的联系" not in letter and "第四十六条" not in letter
    report = (out / "report.md").read_text(encoding="utf-8")
    row = next(line for line in report.splitlines() if line.startswith("| 网络安全法 第四十四条"))
    assert "涉及 3 次" in row
    assert "共联系本人 3 次" in letter
    # the same texts, no --role: the hint fires, the section and the letter appear, nothing is counted as contact
    hinted = tmp_path / "h"
    analyze([tmp_path / "短信导出.csv"], hinted, options=Options())
    report = (hinted / "report.md").read_text(encoding="utf-8")
    assert "## 你自己的权利" in report and "未按第三人检查" in report
    assert (hinted / "complaint" / "demand_letter.md").is_file() and (hinted / "complaint" / "12315.md").is_file()
    # the user says debtor: no rights section, no letter, the 12315 pack still there
    debtor = tmp_path / "d"
    analyze([tmp_path / "短信导出.csv"], debtor, options=Options(role="debtor", role_given=True))
    assert "你自己的权利" not in (debtor / "report.md").read_text(encoding="utf-8")
    assert not (debtor / "complaint" / "demand_letter.md").exists() and (debtor / "complaint" / "12315.md").is_file()
