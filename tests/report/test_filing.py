"""From bundle to filing (issue 18): the complaint packs carry the counts of senders.csv/violations.csv,
heimao.md masks every number, report.pdf opens, embeds a subset CJK font and stays under 2 MB,
evidence.xlsx keeps numbers as text and bodies byte-identical, and the bundle fingerprint catches a
change to any byte (folder and zip). One CLI run on sample_data, plus hand-made data for --role contact."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from harass_analyzer.cli import app
from harass_analyzer.errors import UnreadableSource
from harass_analyzer.report.csvsafe import unescape_cell
from harass_analyzer.report.outputs import write_outputs
from harass_analyzer.evidence import bundle_fingerprint, verify_bundle
from tests.conftest import SAMPLE
from tests.report.handmade import COLLECTOR_A, FORMULA_BODY, HTML_BODY, handmade_analysis

PACKS = ("12321.csv", "12321.md", "12378.md", "nifa.md", "heimao.md", "110.md", "notes.md", "12315.md")
PDF_LIMIT = 2 * 1024 * 1024
TEXT_CELL = ("s", "inlineStr")  # shared or inline string: text either way
CONTACT = "本人并非借款人，系被填写为紧急联系人/通讯录联系人"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("filing") / "out"
    result = CliRunner().invoke(app, ["analyze", str(SAMPLE), "-o", str(out), "--zip"])
    assert result.exit_code == 0, result.output
    fingerprint = re.search(r"bundle fingerprint[^:]*: ([0-9a-f]{64})", result.output).group(1)
    assert fingerprint == bundle_fingerprint(out)
    return out


def read_csv(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, **kw)


def fenced_texts(markdown: str) -> list[str]:
    return re.findall(r"```text\n(.*?)\n```", markdown, flags=re.S)


def test_every_pack_exists_with_per_number_and_per_lender_counts(sample: Path) -> None:
    folder = sample / "complaint"
    assert sorted(p.name for p in folder.iterdir()) == sorted(PACKS)
    senders = read_csv(sample / "senders.csv", dtype={"counterpart": str})
    entities = read_csv(sample / "entities.csv", dtype=str)
    numbers = {n: e for e, ns in zip(entities["entity"], entities["numbers"]) for n in ns.split(";")}
    per_number = read_csv(folder / "12321.csv", dtype={"被举报号码": str})
    assert sorted(per_number["被举报号码"]) == sorted(numbers)  # one report per collector number
    text_12321 = (folder / "12321.md").read_text(encoding="utf-8")
    for row in senders.loc[senders["counterpart"].isin(numbers)].itertuples():
        mine = per_number.loc[per_number["被举报号码"].eq(row.counterpart)].iloc[0]
        assert [int(mine[c]) for c in ("联系次数", "来电次数", "未接通次数", "短信条数", "催收短信条数", "夜间次数")] == [
            row.total_in, row.calls_in, row.calls_unanswered, row.messages_in, row.collection_msgs, row.night_in]
        assert mine["催收方"] == numbers[row.counterpart]
        assert (f"号码 {row.counterpart} 自 " in text_12321
                and f"共联系本人 {row.total_in} 次：来电 {row.calls_in} 次（其中未接通 {row.calls_unanswered} 次" in text_12321)
    violations = read_csv(sample / "violations.csv")
    for name in ("12378.md", "nifa.md"):
        text = (folder / name).read_text(encoding="utf-8")
        for entity, rows in senders.assign(entity=senders["counterpart"].map(numbers)).dropna(
                subset=["entity"]).groupby("entity"):
            sums = rows[["total_in", "calls_in", "calls_unanswered", "messages_in", "collection_msgs"]].sum()
            assert (f"{entity}使用" in text and f"联系本人 {sums.total_in} 次：来电 {sums.calls_in} 次（其中未接通 "
                    f"{sums.calls_unanswered} 次），短信 {sums.messages_in} 条（其中催收内容 {sums.collection_msgs} 条）") in text
            night = violations.loc[violations["entity"].eq(entity) & violations["rule_id"].eq("CN-GBT45251-TIME")]
            assert f"在夜间 22:00–次日08:00 联系本人 {night['count'].sum()} 次，涉及 {len(night)} 天" in text
            tagged = violations.loc[violations["entity"].eq(entity) & violations["rule_id"].eq("CN-PSAPL-50")]
            if len(tagged):
                assert f"发送含辱骂、恐吓、暴力威胁内容的短信 {tagged['count'].sum()} 条" in text
    facts = [t for t in fenced_texts((folder / "12378.md").read_text(encoding="utf-8")) if t.startswith("20")]
    assert facts and all(len(t) <= 500 for t in facts)


def test_paste_ready_text_has_no_rule_ids_or_caveats(sample: Path) -> None:
    for name in ("12321.md", "12378.md", "nifa.md", "heimao.md", "110.md"):
        text = (sample / "complaint" / name).read_text(encoding="utf-8")
        pasted = "\n".join(t for t in fenced_texts(text) if not t.startswith(("【", "欠", "马", "王", "孙")))
        assert not re.search(r"CN-[A-Z]", pasted), name
        assert "未核实" not in pasted and "凭记忆" not in pasted and "阈值 0" not in pasted, name
    notes = (sample / "complaint" / "notes.md").read_text(encoding="utf-8")
    assert "未核实" in notes and "CN-GBT45251-TIME" in notes  # the caveats live in the note


def test_heimao_masks_every_number_and_quotes_no_text(sample: Path) -> None:
    text = (sample / "complaint" / "heimao.md").read_text(encoding="utf-8")
    events = read_csv(sample / "events.csv", dtype=str)
    for number in set(events["counterpart"]) | set(events["counterpart_raw"]):
        digits = re.sub(r"\D", "", number)
        if len(digits) >= 7:
            assert digits not in re.sub(r"\D", "", text.replace("****", "x")), number
    assert not re.search(r"\d{7,}", text)
    bodies = set(events.loc[events["kind"].ne("call"), "body"].map(unescape_cell))
    assert not any(b and b in text for b in bodies)


def test_pdf_opens_embeds_a_subset_font_and_is_small(sample: Path, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    pdf = sample / "report.pdf"
    assert pdf.stat().st_size <= PDF_LIMIT
    reader = pypdf.PdfReader(str(pdf))
    pages = len(reader.pages)
    assert pages >= 5
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    cjk = [f for name, f in fonts.items() if "NotoSansCJK" in name]
    assert cjk and all(re.match(r"/[A-Z]{6}\+", str(f["/BaseFont"])) for f in cjk)  # a subset
    descriptor = cjk[0]["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))  # embedded
    def text(page) -> str:  # pypdf puts a NUL before each character of this CID font (pdftotext does not)
        return page.extract_text().replace("\x00", "")

    assert bundle_fingerprint(sample) in text(reader.pages[-1]).replace(" ", "").replace("\n", "")
    assert "第 1 页" in text(reader.pages[0]) and f"共 {pages} 页" in text(reader.pages[0])
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed: rendering not checked")
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "p")], check=True, capture_output=True)
    rendered = sorted(tmp_path.glob("p-*.png"))
    assert len(rendered) == pages and all(p.stat().st_size > 500 for p in rendered)


def test_workbook_numbers_are_text_and_bodies_unedited(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    analysis = handmade_analysis()
    write_outputs(tmp_path, analysis)
    wb = load_workbook(tmp_path / "evidence.xlsx")
    assert wb.sheetnames == ["说明", "events", "senders", "violations", "entities"]
    ws = wb["events"]
    header = [c.value for c in ws[1]]
    col = {name: i for i, name in enumerate(header)}
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(analysis.events)
    for cells, body, number in zip(rows, analysis.events["body"], analysis.events["counterpart"]):
        assert cells[col["counterpart"]].data_type in TEXT_CELL and cells[col["counterpart"]].value == number
        assert (cells[col["body"]].value or "") == body  # raw: no guard apostrophe
        assert cells[col["body"]].data_type in TEXT_CELL  # "=HYPERLINK(…)" is a string, never a formula
    bodies = [c[col["body"]].value for c in rows]
    assert FORMULA_BODY in bodies and HTML_BODY in bodies
    numbers = [c.value for c in wb["entities"]["B"][1:]]
    assert numbers == [f"{COLLECTOR_A};+8613900002222"]
    events_csv = read_csv(tmp_path / "events.csv", dtype=str)
    assert "'" + FORMULA_BODY in set(events_csv["body"])  # the CSV keeps its guard …
    assert set(events_csv["body"].map(unescape_cell)) == set(analysis.events["body"])  # … and loses nothing


def intact(bundle: Path) -> bool:
    try:
        return verify_bundle(bundle) == []
    except UnreadableSource:  # a manifest that is no longer JSON
        return False


def test_fingerprint_changes_with_any_byte_and_verify_takes_the_zip(sample: Path, tmp_path: Path) -> None:
    assert verify_bundle(sample) == [] and verify_bundle(sample.with_name("out.zip")) == []
    manifest = json.loads((sample / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"] == {"role": "debtor", "rules": "cn", "stop_date": None, "redact": False,
                                   "tz": "Asia/Shanghai", "lang": "zh", "entities_file": None, "lexicon": None,
                                   "numbers_file": None}
    copy = tmp_path / "copy"
    shutil.copytree(sample, copy)
    files = sorted(p for p in copy.rglob("*") if p.is_file())
    assert len(files) > 20
    for path in files:  # one byte anywhere: verify finds it
        data = path.read_bytes()
        for at in (0, len(data) // 2, len(data) - 1):
            path.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:])
            assert not intact(copy), (path.name, at)
            if path.name == "manifest.json" and at:
                assert bundle_fingerprint(copy) != bundle_fingerprint(sample)
            path.write_bytes(data)
    assert verify_bundle(copy) == []
    text = (copy / "manifest.json").read_text(encoding="utf-8")  # only the time edited: no longer intact
    (copy / "manifest.json").write_text(re.sub(r'"created_at": "[^"]+"', '"created_at": "2020-01-01T00:00:00+00:00"',
                                               text), encoding="utf-8")
    assert any("report.pdf" in p for p in verify_bundle(copy))
    zipped = tmp_path / "edited.zip"
    with zipfile.ZipFile(sample.with_name("out.zip")) as src, zipfile.ZipFile(zipped, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data + b" " if info.filename.endswith("senders.csv") else data)
    assert verify_bundle(zipped) == ["changed: senders.csv (sha256 "
                                     + __import__("hashlib").sha256((sample / "senders.csv").read_bytes() + b" ")
                                     .hexdigest() + ", manifest says "
                                     + next(o["sha256"] for o in manifest["outputs"] if o["path"] == "senders.csv")
                                     + ")"]
    result = CliRunner().invoke(app, ["verify", str(sample.with_name("out.zip"))])
    assert result.exit_code == 0 and bundle_fingerprint(sample) in result.output


def test_role_contact_says_not_the_borrower_everywhere(tmp_path: Path) -> None:
    import dataclasses

    analysis = handmade_analysis()
    analysis = dataclasses.replace(analysis, options=dataclasses.replace(analysis.options, role="contact"))
    write_outputs(tmp_path, analysis)
    for path in [tmp_path / "report.md", tmp_path / "complaint.md"] + sorted((tmp_path / "complaint").glob("*.md")):
        if path.name != "notes.md":
            assert CONTACT in path.read_text(encoding="utf-8"), path.name
    facts = [t for t in fenced_texts((tmp_path / "complaint" / "12378.md").read_text(encoding="utf-8"))
             if "2026-" in t]
    assert facts[0].startswith(CONTACT)


def test_workbook_events_sheet_cap_is_stated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from harass_analyzer.report import workbook

    monkeypatch.setattr(workbook, "MAX_EVENTS", 5)
    analysis = handmade_analysis()
    workbook.write_workbook(tmp_path / "e.xlsx", analysis)
    wb = load_workbook(tmp_path / "e.xlsx", read_only=True)
    assert len(list(wb["events"].iter_rows(min_row=2))) == 5
    notes = [r[0] for r in wb["说明"].iter_rows(min_row=2, values_only=True)]
    wb.close()  # read-only keeps the file open until closed
    assert f"events 表只含前 5 条（共 {len(analysis.events)} 条，按时间排序）；完整记录见 events.csv。" in notes
    first = (tmp_path / "e.xlsx").read_bytes()
    workbook.write_workbook(tmp_path / "e.xlsx", analysis)
    assert (tmp_path / "e.xlsx").read_bytes() == first  # no time stamped: deterministic
