"""vMessage .vmsg/.vmg (formats.md §4.5): encodings, line endings, QP/base64 bodies, boxes, local dates."""
from __future__ import annotations

from pathlib import Path

import pytest

from harass_analyzer.importers import IssueLog, ReadContext, detect
from harass_analyzer.importers.vmessage import VMessageImporter
from tests.conftest import sha256
from tests.importers import make_text_fixtures as make

FORMS = [("utf-8", "\r\n"), ("utf-16-le", "\r\n"), ("gb18030", "\n")]


def read(path: Path, tz: str = "Asia/Shanghai"):
    log = IssueLog()
    return VMessageImporter().read(path, ReadContext(log, tz=tz)), log.issues


@pytest.mark.parametrize(("encoding", "newline"), FORMS)
def test_vmsg_records(tmp_path: Path, encoding: str, newline: str) -> None:
    path = make.vmsg(tmp_path, encoding=encoding, newline=newline)
    before = sha256(path)
    assert isinstance(detect(path), VMessageImporter)
    frame, issues = read(path)
    assert len(frame) == 4
    assert VMessageImporter().count(path, ReadContext(IssueLog())) == 5
    assert list(zip(frame["direction"], frame["msg_status"])) == [
        ("in", "received"), ("out", "sent"), ("in", "received"), ("out", "draft")]
    assert frame["counterpart_raw"].tolist() == ["+8613800138000", "13800138001", "10690000123", "13800138002"]
    assert frame["body"].iloc[0] == "您好，您的账单已逾期\nEND: 这一行以END:开头但不是结束标记"
    assert frame["body"].iloc[1] == "【催收通知】" + "您的借款已严重逾期，我司将联系您的紧急联系人。" * 3  # QP, soft breaks
    assert frame["contact_name"].iloc[1] == "李四"                               # QP-encoded N:
    assert frame["body"].iloc[2] == "请于今日还款"                                 # base64
    assert frame["body"].iloc[3] == "草稿一\n第二行"
    assert frame["ts_ms"].tolist() == [
        1709297760000,   # Date:2024/03/01 20:56:00 in Asia/Shanghai
        1709341509000,   # Date:2024.3.2.9.5.9
        1709341200000,   # X-NOK-DT:20240302T010000Z is UTC
        1709251200000,   # Date:01.03.2024 08:00:00 (day first)
    ]
    assert frame["source_ref"].iloc[1] == "vmsg[2] line 18"
    assert [(i.source_ref, "not a readable time" in i.reason) for i in issues] == [("vmsg[5] line 70", True)]
    assert sha256(path) == before


def test_local_dates_follow_the_time_zone(tmp_path: Path) -> None:
    path = make.vmsg(tmp_path)
    shanghai, _ = read(path)
    utc, _ = read(path, tz="UTC")
    hour = 3_600_000
    assert (utc["ts_ms"] - shanghai["ts_ms"]).tolist() == [8 * hour, 8 * hour, 0, 8 * hour]


def test_truncated_message_and_stray_text(tmp_path: Path) -> None:
    path = tmp_path / "cut.vmsg"
    path.write_text("junk\nBEGIN:VMSG\nX-IRMC-BOX:INBOX\nBEGIN:VCARD\nTEL:10086\nEND:VCARD\nBEGIN:VENV\n"
                    "BEGIN:VBODY\nDate:2024-03-01 08:00:00\n话费提醒\n", encoding="utf-8")
    assert not VMessageImporter().sniff(path, path.read_bytes())  # must START with BEGIN:VMSG
    frame, issues = read(path)
    assert frame["body"].tolist() == ["话费提醒"]
    assert sorted(i.reason.split(" ")[0] for i in issues) == ["file", "text"]


def test_unknown_box_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "x.vmsg"
    path.write_text("BEGIN:VMSG\nX-IRMC-BOX:ARCHIVE\nBEGIN:VCARD\nTEL:10086\nEND:VCARD\nBEGIN:VENV\nBEGIN:VBODY\n"
                    "Date:2024-03-01 08:00:00\nhi\nEND:VBODY\nEND:VENV\nEND:VMSG\n", encoding="utf-8")
    frame, issues = read(path)
    assert frame["msg_status"].tolist() == ["unknown"] and len(issues) == 1


def test_not_claimed_by_other_sniffers(tmp_path: Path, fixtures_dir: Path) -> None:
    path = fixtures_dir / "superbackup_calls_memacs.xml"
    assert not VMessageImporter().sniff(path, path.read_bytes()[:4096])
