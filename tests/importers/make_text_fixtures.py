"""Synthetic text-based exports written by code (no real personal data), following formats.md exactly.

Every function writes one file into a folder (pytest's tmp_path) and returns its path. Numbers are in
the reserved 138-0013-8xxx test range or public service numbers; times are Asia/Shanghai local.
"""
from __future__ import annotations

import base64
import datetime as dt
import quopri
from pathlib import Path

# ------------------------------------------------------------------ 超级备份 (§4.6)


def superbackup_sms(folder: Path) -> Path:
    """<allsms> with an emoji as surrogate references, a control-char reference, draft and failed types."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<allsms count="99">\n'
        '\t<sms address="10690000123" time="2024年3月1日 下午8:56:00" date="1709297760000" type="1" '
        'body="【某某金融】您已逾期3天，请尽快还款&#55357;&#56842;" read="1" service_center="+8613800100500" name="" />\n'
        '\t<sms address="+8613800138000" time="2024年3月1日 21:00:00" date="1709298000000" type="2" '
        'body="我会处理&#1;" read="1" service_center="" name="张三" />\n'
        '\t<sms address="13800138001" time="2024年3月2日 09:00:00" date="" type="1" '
        'body="没有date属性，按time读取" read="0" service_center="" name="" />\n'
        '\t<sms address="13800138002" time="2024年3月2日 10:00:00" date="1709344800000" type="3" '
        'body="草稿" read="1" service_center="" name="" />\n'
        '\t<sms address="13800138002" time="bad" date="notanumber" type="1" body="无法读时间" read="1" name="" />\n'
        "</allsms>\n")
    path = folder / "sms_superbackup.xml"
    path.write_bytes(xml.encode("utf-8"))
    return path


def superbackup_calls_all_types(folder: Path) -> Path:
    """<alllogs> with every type 1–6, ring seconds on a missed call, and an unknown vendor type."""
    rows = [("1", "30", "呼入已接"), ("2", "12", "呼出已接"), ("3", "48", "呼入未接"), ("4", "20", ""),
            ("5", "0", "呼入挂断"), ("6", "0", ""), ("1000", "0", "")]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<alllogs count="{len(rows)}">']
    for i, (ctype, dur, alias) in enumerate(rows):
        date = 1709297760000 + i * 60_000
        alias_attr = f' alias="{alias}"' if alias else ""
        lines.append(f'\t<log number="1380013800{i}" time="2024年3月1日 20:5{i}:00" date="{date}" type="{ctype}" '
                     f'name="" new="1" dur="{dur}"{alias_attr} />')
    lines.append("</alllogs>")
    path = folder / "calls_superbackup.xml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def billion_laughs(folder: Path, root: str = "alllogs") -> Path:
    """An entity-expansion bomb dressed as an export: must not expand, must not hang."""
    ents = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 10)]
    xml = (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(ents) + "\n]>\n"
           f'<{root}>\n<log number="&lol9;" date="1709297760000" type="1" dur="5" />\n</{root}>\n')
    path = folder / "bomb.xml"
    path.write_text(xml, encoding="utf-8")
    return path


# ------------------------------------------------------------------ OPPO / vivo (§4.3, §4.4)


def oppo_callrecord(folder: Path) -> Path:
    lines = ['<?xml version="1.0" encoding="utf-8" standalone="yes" ?>', "<callrecord>"]
    for i, (ctype, dur) in enumerate([("1", "65"), ("2", "0"), ("3", "0"), ("5", "0"), ("2", "30")]):
        lines.append(f'<CALL_RECORDS _id="{i + 1}" number="1380013800{i}" duration="{dur}" type="{ctype}" '
                     f'date="{1709297760000 + i * 3_600_000}" name="" geocoded_location="北京" ring_times="3" />')
    lines.append("</callrecord>")
    path = folder / "callrecord_backup.xml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def vivo_call(folder: Path, named: bool = True) -> Path:
    """vivo `call` file; formats.md knows only the attribute ORDER, so both a named and an odd-named form."""
    keys = ("number", "type", "date", "duration") if named else ("a", "b", "c", "d")
    rows = [("13800138000", "1", "1709297760000", "20"), ("13800138001", "3", "1709297820000", "0")]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<calls_backup>"]
    for row in rows:
        lines.append("<call " + " ".join(f'{k}="{v}"' for k, v in zip(keys, row)) + " />")
    lines.append("</calls_backup>")
    path = folder / "call"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ vMessage (§4.5)


def _qp(text: str) -> str:
    """Quoted-printable with soft line breaks every ~60 characters, as phones write it."""
    return quopri.encodestring(text.encode("utf-8")).decode("ascii").replace("\n", "\r\n")


def vmsg(folder: Path, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    long_qp = _qp("【催收通知】" + "您的借款已严重逾期，我司将联系您的紧急联系人。" * 3)
    records = [
        ["BEGIN:VMSG", "VERSION:1.1", "X-IRMC-STATUS:READ", "X-IRMC-BOX:INBOX", "BEGIN:VCARD", "VERSION:2.1",
         "N:", "TEL:+8613800138000", "END:VCARD", "BEGIN:VENV", "BEGIN:VBODY", "Date:2024/03/01 20:56:00",
         "您好，您的账单已逾期", "END: 这一行以END:开头但不是结束标记", "END:VBODY", "END:VENV", "END:VMSG"],
        ["BEGIN:VMSG", "VERSION:1.1", "X-IRMC-STATUS:READ", "X-IRMC-BOX:SENDBOX", "BEGIN:VCARD", "VERSION:2.1",
         "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + _qp("李四").strip(), "TEL:13800138001", "END:VCARD",
         "BEGIN:VENV", "BEGIN:VBODY", "Date:2024.3.2.9.5.9",
         "TEXT;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:" + long_qp.rstrip("\r\n"),
         "END:VBODY", "END:VENV", "END:VMSG"],
        ["BEGIN:VMSG", "VERSION:1.1", "X-IRMC-BOX:INBOX", "X-MESSAGE-TYPE:DELIVER", "X-NOK-DT:20240302T010000Z",
         "BEGIN:VCARD", "TEL:10690000123", "END:VCARD", "BEGIN:VENV", "BEGIN:VBODY",
         "X-BODY-CONTENTS;ENCODING=BASE64:" + base64.b64encode("请于今日还款".encode("utf-8")).decode("ascii"),
         "END:VBODY", "END:VENV", "END:VMSG"],
        ["BEGIN:VMSG", "VERSION:1.1", "X-IRMC-BOX:DRAFT", "BEGIN:VCARD", "TEL:13800138002", "END:VCARD",
         "BEGIN:VENV", "BEGIN:VBODY", "Date:01.03.2024 08:00:00", "草稿一", "第二行", "END:VBODY", "END:VENV",
         "END:VMSG"],
        ["BEGIN:VMSG", "VERSION:1.1", "X-IRMC-BOX:INBOX", "BEGIN:VCARD", "TEL:13800138003", "END:VCARD",
         "BEGIN:VENV", "BEGIN:VBODY", "Date:不是时间", "时间坏了", "END:VBODY", "END:VENV", "END:VMSG"],
    ]
    text = newline.join(line for rec in records for line in rec) + newline
    path = folder / ("sms.vmsg" if encoding == "utf-8" else f"sms_{encoding}.vmg")
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------ tables (§4.7–§4.9)

CARRIER_TITLE = [["中国移动通信客户详单（通话详单）"], ["手机号码：13900000000", "查询月份：2024年03月"]]
CARRIER_HEADER = ["序号", "通话地点", "通话类型", "对方号码", "起始时间", "通话时长", "通信费(元)"]
CARRIER_ROWS = [
    [1, "北京", "被叫", "13800138000", "2024-03-01 09:15:22", "1分5秒", "0.00"],
    [2, "北京", "主叫", "13800138000", "2024-03-01 09:20:00", "00:00:33", "0.10"],
    [3, "北京", "被叫", "95555", "2024-03-01 23:10:00", "0", "0.00"],
    [4, "北京", "被叫", "138 0013 8001", "2024/03/02 8:01:00", "65", "0.00"],
    [5, "北京", "被叫", "1.38001E+10", "2024-03-02 08:30:00", "1小时2分3秒", "0.00"],
    [6, "北京", "呼转", "13800138002", "2024-03-02 08:40:00", "10", "0.00"],
]
CARRIER_FOOTER = [["合计", "", "", "", "", "", "0.10"], ["总条数：6"], ["以上数据仅供参考，以实际账单为准"]]


def carrier_calls_csv(folder: Path, encoding: str = "gbk", name: str = "通话详单.csv") -> Path:
    """A 通话详单 CSV: two title rows, header, data, three footer rows (GBK without BOM by default)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", delimiter="\t" if encoding.startswith("utf-16") else ",")
    for row in CARRIER_TITLE + [CARRIER_HEADER] + CARRIER_ROWS + CARRIER_FOOTER:
        writer.writerow(row)
    data = buf.getvalue().encode(encoding)
    path = folder / name
    path.write_bytes(data)
    return path


def assistant_sms_csv(folder: Path) -> Path:
    """A PC-assistant SMS export: UTF-8 with BOM, quoted multi-line bodies, commas, ragged rows."""
    text = ("\ufeff号码,联系人,时间,类型,内容\r\n"
            '10690000123,,2024-03-01 20:56:00,接收,"【某某金融】您已逾期, 请还款"\r\n'
            '13800138000,张三,2024年3月1日 下午9:00,发送,"第一行\r\n第二行"\r\n'
            "13800138001,,2024/03/02 09:00:00,接收\r\n"
            "13800138002,,2024-03-02 10:00:00,草稿,草稿内容,多出来的一列\r\n"
            "13800138003,,昨天,接收,时间坏了\r\n")
    path = folder / "短信导出.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def huge_field_csv(folder: Path) -> Path:
    text = "号码,时间,内容\n13800138000,2024-03-01 20:56:00," + "催" * 1_000_000 + "\n13800138001,2024-03-01 21:00:00,ok\n"
    path = folder / "huge.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def odd_header_csv(folder: Path) -> Path:
    text = "甲,乙,丙\n13800138000,2024-03-01 20:56:00,呼入\n13800138001,2024-03-01 21:00:00,呼出\n"
    path = folder / "odd.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def carrier_sms_xlsx(folder: Path) -> Path:
    """短信详单 + 通话详单 sheets written with openpyxl: datetime cells, numeric numbers, a notes sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sms = book.active
    sms.title = "短信详单"
    sms.append(["中国联通 短信详单"])
    sms.append([])
    sms.append(["起始时间", "通信地点", "对方号码", "通信方式", "费用"])
    sms.append([dt.datetime(2024, 3, 1, 20, 56, 0), "北京", 10690000123, "接收", 0])
    sms.append([dt.datetime(2024, 3, 1, 21, 0, 0), "北京", 13800138000, "发送", 0.1])
    sms.append(["2024-03-02 09:00:00", "北京", "13800138001", "接收", 0])
    sms.append(["合计", None, None, None, 0.1])
    calls = book.create_sheet("通话详单")
    calls.append(["主叫号码", "被叫号码", "开始时间", "通话时长(秒)"])
    calls.append(["13900000000", "13800138000", dt.datetime(2024, 3, 3, 10, 0, 0), 65])
    calls.append(["13800138000", "13900000000", dt.datetime(2024, 3, 3, 11, 0, 0), dt.time(0, 1, 5)])
    calls.append(["13800138001", "13900000000", dt.datetime(2024, 3, 3, 12, 0, 0), 0])
    notes = book.create_sheet("说明")
    notes.append(["本详单仅供参考"])
    path = folder / "详单.xlsx"
    book.save(path)
    return path


def carrier_calls_xls(folder: Path) -> Path:
    """Legacy .xls (BIFF8, written with xlwt): title row, date-formatted cells, numeric numbers."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("通话详单")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    sheet.write(0, 0, "中国电信 通话详单")
    for c, head in enumerate(["呼叫类型", "对方号码", "通话时间", "通话时长"]):
        sheet.write(1, c, head)
    rows = [("被叫", 13800138000, dt.datetime(2024, 3, 1, 9, 15, 22), "1分5秒"),
            ("主叫", "13800138001", dt.datetime(2024, 3, 1, 9, 20, 0), 33),
            ("未接", 13800138002, dt.datetime(2024, 3, 1, 9, 30, 0), 0)]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            sheet.write(r, c, value, date_style) if isinstance(value, dt.datetime) else sheet.write(r, c, value)
    sheet.write(5, 0, "合计")
    path = folder / "详单.xls"
    book.save(str(path))
    return path
