"""Hostile and odd XML read by the XML importers directly (past the sniffers that already refuse a
DOCTYPE): no external entity is fetched, no entity is expanded, character references are repaired
exactly as documented, and a GBK file under a UTF-8 declaration keeps its Chinese text.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harass_analyzer.errors import HarassAnalyzerError
from harass_analyzer.importers import IssueLog, ReadContext, get_importer
from tests.reliability.corpus import CTRL, GBK_BODY, LAUGHS, XXE, sbr_sms
from tests.reliability.fuzz_core import time_limit


def read(importer: str, path: Path) -> tuple[list[str], IssueLog]:
    issues = IssueLog()
    with time_limit(20):
        try:
            frame = get_importer(importer).read(path, ReadContext(issues))
        except HarassAnalyzerError:
            return [], issues
    return [*frame["body"], *frame["counterpart_raw"], *frame["contact_name"]], issues


@pytest.mark.parametrize("root,record", [("smses", "sms"), ("alllogs", "log"), ("calls", "call")])
@pytest.mark.parametrize("importer", ["sbr_xml", "superbackup_xml", "oppo_call_xml"])
def test_entities_are_never_fetched_or_expanded(importer: str, root: str, record: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE", encoding="utf-8")
    for name, xml in (("xxe", XXE.replace("file:///etc/passwd", secret.as_uri())), ("laughs", LAUGHS)):
        xml = xml.replace("smses", root).replace("<sms ", f"<{record} ")
        xml = xml.replace("body=", "number=" if record != "sms" else "body=")
        path = tmp_path / f"{name}.xml"
        path.write_text(xml, encoding="utf-8")
        texts, issues = read(importer, path)
        joined = "".join(texts)
        assert "TOP-SECRET" not in joined and "lollollol" not in joined
        assert len(joined) < 1000
        assert any("entit" in i.reason for i in issues.issues), issues.issues  # refused, and said so


def test_character_references_repaired_as_documented(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text(CTRL, encoding="utf-8")
    bodies, issues = read("sbr_xml", path)
    assert bodies[:4] == ["表情😊", "孤立代理", "控制符", "原始字节"] and len(issues) == 0


def test_gbk_behind_utf8_declaration_keeps_chinese_text(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_bytes(sbr_sms(3, body=lambda i: GBK_BODY).encode("gbk"))
    bodies, issues = read("sbr_xml", path)
    assert bodies[:3] == [GBK_BODY] * 3 and len(issues) == 0
