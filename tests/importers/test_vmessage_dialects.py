"""vMessage dialects real phones write (issue 20), on generated files: OPPO/ColorOS headers and
DateOrigin, Subject bodies in both spellings, soft breaks, base64 blocks, folded lines, charsets."""
from __future__ import annotations

import base64
import quopri
from pathlib import Path

from harass_analyzer.importers import IssueLog, ReadContext, detect
from harass_analyzer.importers.vmessage import VMessageImporter

COLLECTION = "【某某金融】您的借款已逾期30天，请今日18点前还款，否则将联系您的紧急联系人。"


def qp(text: str, charset: str = "utf-8", width: int = 76) -> list[str]:
    """Quoted-printable lines with `=` soft breaks, as phones write long bodies."""
    return quopri.encodestring(text.encode(charset)).decode("ascii").rstrip("\n").split("\n")


def message(box: str, tel: str, body: list[str], outer: list[str] | None = None) -> list[str]:
    return ["BEGIN:VMSG", "VERSION:1.1", f"X-IRMC-BOX:{box}", *(outer or []), "BEGIN:VCARD", "VERSION:2.1",
            f"TEL:{tel}", "END:VCARD", "BEGIN:VENV", "BEGIN:VBODY", *body, "END:VBODY", "END:VENV", "END:VMSG"]


def write(path: Path, records: list[list[str]], newline: str = "\r\n", encoding: str = "utf-8") -> Path:
    path.write_bytes((newline.join(line for rec in records for line in rec) + newline).encode(encoding))
    return path


def read(path: Path, tz: str = "Asia/Shanghai"):
    log = IssueLog()
    return VMessageImporter().read(path, ReadContext(log, tz=tz)), log.issues


def oppo_body(text: str, date: str, origin_ms: int) -> list[str]:
    lines = qp(text)
    return ["X-SEEN:1", "BlockType:0", f"Date:{date}", f"DateOrigin:{origin_ms}",
            "SubjectENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:" + lines[0], *lines[1:]]


def test_oppo_coloros_layout(tmp_path: Path) -> None:
    # Synthetic: a phone set to UTC+7 wrote Date: 2026/03/02 09:30:15 for 02:30:15 UTC.
    origin = 1772418615000  # 2026-03-02 02:30:15 UTC
    path = write(tmp_path / "sms.vmsg", [
        message("INBOX", "13800138000", oppo_body(COLLECTION, "2026/03/02 09:30:15", origin)),
        message("SENDBOX", "13800138000", oppo_body("知道了", "2026/03/02 09:31:00", origin + 45000)),
    ])
    assert isinstance(detect(path), VMessageImporter)
    frame, issues = read(path)
    assert frame["body"].tolist() == [COLLECTION, "知道了"]
    assert frame["ts_ms"].tolist() == [origin, origin + 45000]  # DateOrigin wins over the local Date:
    assert frame["direction"].tolist() == ["in", "out"]
    assert [(i.source_ref, i.reason.split(" (")[0]) for i in issues] == [
        ("DateOrigin", "note, no message lost: 2 message(s) timed by DateOrigin")]
    assert "UTC+07:00, not the Asia/Shanghai of --tz" in issues[0].reason
    assert issues[0].records == 0  # a note: it stands for no skipped message


def test_date_origin_in_the_tz_zone_needs_no_note(tmp_path: Path) -> None:
    origin = 1772418615000
    path = write(tmp_path / "sms.vmsg", [message("INBOX", "10086", oppo_body("话费提醒", "2026/03/02 10:30:15", origin))])
    frame, issues = read(path)
    assert frame["ts_ms"].tolist() == [origin] and issues == []


def test_subject_property_with_soft_breaks_is_the_body(tmp_path: Path) -> None:
    lines = qp(COLLECTION * 2)
    assert len(lines) > 2  # the body really spans several soft-broken lines
    path = write(tmp_path / "sms.vmsg", [
        message("INBOX", "+8613800138001", ["Date:2026/03/02 10:30:15",
                                            "Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:" + lines[0], *lines[1:]]),
        message("INBOX", "13800138002", ["Date:2026/03/02 10:31:00", "Subject:还款提醒", "请尽快处理"]),
        message("INBOX", "13800138003", ["Date:2026/03/02 10:32:00", "Subject:同一句话", "同一句话"]),
        message("INBOX", "13800138004", ["Subject;CHARSET=UTF-8:", "Date:2026/03/02 10:33:00", "正文在后"]),
    ], newline="\n")
    frame, issues = read(path)
    assert frame["body"].tolist() == [COLLECTION * 2, "还款提醒\n请尽快处理", "同一句话", "正文在后"]
    assert issues == []


def test_unknown_headers_and_text_that_looks_like_one(tmp_path: Path) -> None:
    path = write(tmp_path / "sms.vmsg", [
        # unknown header-shaped lines before a known header are headers …
        message("INBOX", "10690000001", ["X-SEEN:0", "BlockType:2", "Locked:0", "Date:2026-03-02 08:00:00",
                                         "Note:今日还款", "第二行"]),
        # … but with no known header after them they are the text
        message("INBOX", "10690000002", ["Date:2026-03-02 08:01:00", "X-READ:1", "Reminder:please pay today"]),
        message("INBOX", "10690000003", ["Date:2026-03-02 08:02:00", "Text: 这是正文"]),
    ])
    frame, issues = read(path)
    assert frame["body"].tolist() == ["Note:今日还款\n第二行", "Reminder:please pay today", "Text: 这是正文"]
    assert issues == []


def test_base64_blocks_folded_lines_and_charsets(tmp_path: Path) -> None:
    b64 = base64.encodebytes(COLLECTION.encode("utf-8")).decode("ascii").strip().split("\n")
    gbk = qp("逾期通知：请联系客服", charset="gbk")
    path = write(tmp_path / "sms.vmsg", [
        message("INBOX", "1", ["Date:2026-03-02 09:00:00", "X-BODY-CONTENTS;ENCODING=BASE64;CHARSET=UTF-8:" + b64[0],
                               *b64[1:]]),
        message("INBOX", "2", ["Date:2026-03-02 09:01:00", "TEXT;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:" + gbk[0],
                               *gbk[1:]]),
        message("INBOX", "3", ["Date:2026-03-02 09:02:00", "TEXT;CHARSET=UTF-8:第一段", " 折行续写"]),
    ])
    frame, issues = read(path)
    assert len(b64) > 1
    assert frame["body"].tolist() == [COLLECTION, "逾期通知：请联系客服", "第一段折行续写"]
    assert issues == []


def test_subject_outside_the_body_and_damaged_base64(tmp_path: Path) -> None:
    subject = qp("来自VMSG层的主题")
    path = write(tmp_path / "sms.vmsg", [
        message("INBOX", "4", ["Date:2026-03-02 09:00:00"],
                outer=["Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:" + subject[0], *subject[1:]]),
        message("INBOX", "5", ["Date:2026-03-02 09:01:00", "X-BODY-CONTENTS;ENCODING=BASE64:5L2g5aW=x"]),
    ])
    frame, issues = read(path)
    assert frame["body"].tolist()[0] == "来自VMSG层的主题"
    assert frame["body"].tolist()[1] == "5L2g5aW=x"
    assert [i.reason for i in issues] == ["body encoding damaged; imported undecoded"]
