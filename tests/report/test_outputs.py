"""The human-readable bundle from a hand-made Analysis: every chart file, a self-contained HTML whose
images decode, zh and en reports, escaping of hostile bodies, and the "not available" path."""
from __future__ import annotations

import base64
import io
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from harass_analyzer.report.charts import save_figure
from harass_analyzer.report.fonts import cjk_font_family
from harass_analyzer.report.outputs import write_outputs
from tests.report.handmade import ENTITY, FORMULA_BODY, HTML_BODY, handmade_analysis

TEXT_TAGS = ("head", "body", "main", "h1", "h2", "h3", "p", "ul", "li", "div", "table", "thead", "tbody", "tr",
             "th", "td", "figure", "figcaption", "code", "br")


class Tags(HTMLParser):
    """Every (tag, (attribute, value)) of a page, and its <style> text."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, tuple[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs) -> None:
        self.attrs += [(tag, (k, v or "")) for k, v in attrs] or [(tag, ("", ""))]
        self._in_style = tag == "style"

    def handle_endtag(self, tag) -> None:
        self._in_style = False

    def handle_data(self, data) -> None:
        if self._in_style:
            self.styles.append(data)


CHARTS = ["daily.png", "hourly.png", "heatmap.png", "top_senders.png", "top_entities.png", "entity_1.png"]


def bundle(tmp: Path, **kw) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    write_outputs(tmp, handmade_analysis(**kw))
    return tmp


@pytest.fixture(scope="module")
def zh(tmp_path_factory) -> Path:
    return bundle(tmp_path_factory.mktemp("zh"))


@pytest.fixture(scope="module")
def en(tmp_path_factory) -> Path:
    return bundle(tmp_path_factory.mktemp("en"), lang="en")


def non_blank(png: bytes) -> bool:
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return image.shape[0] > 300 and image.shape[1] > 900 and (image < 128).mean() > 0.002 and image.std() > 10


def test_every_chart_written_and_not_blank(zh: Path) -> None:
    assert sorted(p.name for p in (zh / "charts").iterdir()) == sorted(CHARTS)
    for name in CHARTS:
        image = Image.open(zh / "charts" / name)
        assert image.format == "PNG" and image.info.get("dpi", (150, 150))[0] >= 149, name
        assert non_blank((zh / "charts" / name).read_bytes()), name


def test_chinese_draws_without_missing_glyphs(tmp_path: Path) -> None:
    assert cjk_font_family() is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_figure(tmp_path / "zh.png", lambda ax: (ax.set_title("催收短信：夜间联系 逾期 还款"), ax)[1])
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)]
    assert glyph == []


def test_html_self_contained_and_images_decode(zh: Path) -> None:
    page = (zh / "report.html").read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(page)
    assert {t for t, _ in parser.attrs} <= {"html", "meta", "title", "style", "img"} | set(TEXT_TAGS)
    refs = [v for _, (k, v) in parser.attrs if k in ("src", "href", "srcset", "data", "action", "poster")]
    refs += re.findall(r"url\(([^)]*)\)", "".join(parser.styles))
    assert refs and all(r.startswith(("data:image/png;base64,", "data:font/woff;base64,")) for r in refs)
    assert "@import" not in "".join(parser.styles)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == len(CHARTS)
    for data in images:
        Image.open(io.BytesIO(base64.b64decode(data))).verify()
    assert re.search(r"data:font/woff;base64,", page)  # the CJK subset: renders without system fonts


def test_hostile_bodies_escaped(zh: Path) -> None:
    page = (zh / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'src="http://evil' not in page
    md = (zh / "report.md").read_text(encoding="utf-8")
    assert "```text\n" + HTML_BODY + "\n```" in md  # verbatim, inside a fence it cannot close
    assert "<img" not in md.replace(HTML_BODY, "")
    complaint = (zh / "complaint" / "12321.md").read_text(encoding="utf-8")
    assert FORMULA_BODY in complaint and HTML_BODY in complaint  # unedited for 12321


def test_zh_and_en_reports(zh: Path, en: Path) -> None:
    zh_md, en_md = (zh / "report.md").read_text(encoding="utf-8"), (en / "report.md").read_text(encoding="utf-8")
    assert zh_md.startswith("# 骚扰催收证据报告") and "## 方法与局限" in zh_md and "## 完整性" in zh_md
    assert en_md.startswith("# Debt-collection harassment evidence report") and "## Method and limits" in en_md
    assert '<html lang="zh-CN">' in (zh / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in (en / "report.html").read_text(encoding="utf-8")
    summary = zh_md.split("## 摘要\n\n")[1].split("\n\n")[0].splitlines()
    assert len(summary) == 3
    assert "1 个催收方（2 个号码）共联系您 8 次：来电 3 次（未接 2 次），短信 5 条（催收内容 5 条）" in summary[0]
    assert "检出 2 处可能违规，涉及 2 条规则" in summary[2]
    for text in (zh_md, en_md):  # per-entity section with citations, weights, examples and input hash
        assert ENTITY in text and "GB/T 45251—2025 第5.2条" in text and "ab" * 32 in text
    assert "推荐性国家标准" in zh_md and "national standard (recommended)" in en_md
    assert "Asia/Shanghai" in zh_md


def test_without_rules_sections_say_not_available(tmp_path: Path) -> None:
    out = bundle(tmp_path, with_rules=False)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "规则检查结果不可用" in md and "号码未归并" in md
    assert not (out / "violations.csv").exists() and not (out / "entities.csv").exists()
    assert (out / "charts" / "daily.png").is_file() and (out / "complaint.md").is_file()


def test_outputs_deterministic(tmp_path: Path) -> None:
    a, b = bundle(tmp_path / "a"), bundle(tmp_path / "b")
    files = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_violations_csv_escaped_but_complete(zh: Path) -> None:
    v = pd.read_csv(zh / "violations.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert v["counterpart"].tolist()[1] == "+8613900001111"  # a plain number is not quoted
    assert v["counterpart"].tolist()[0] == "+8613900001111;+8613900002222"  # a list of numbers: never altered
