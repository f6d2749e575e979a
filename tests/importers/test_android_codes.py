"""One Android code table for every importer (android_codes): SMS type 7 (LG blocked) and MMS box 5
(failed) now read the same from SMS Backup & Restore XML (fast and lxml paths), mmssms.db and AOSP
backup JSON; before, the XML importer called them unknown and the database importer did not."""
from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

from harass_analyzer.android_codes import CALL_TYPES, MMS_BOXES, SMS_TYPES
from harass_analyzer.importers import IssueLog, ReadContext, detect

from .test_sbr_fast import assert_same_or_declined

T = 1772418615000


def _read(path: Path):
    log = IssueLog()
    imp = detect(path)
    frame = imp.read(path, ReadContext(log))
    return imp.NAME, list(zip(frame["kind"], frame["direction"], frame["msg_status"], frame["call_status"])), log


def test_sbr_xml_and_databases_agree(tmp_path: Path) -> None:
    xml = tmp_path / "sms.xml"
    xml.write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"3\">\n"
        f'  <sms protocol="0" address="10690000001" date="{T}" type="7" subject="null" body="被拦截的催收短信" />\n'
        f'  <sms protocol="0" address="10690000001" date="{T + 1000}" type="6" subject="null" body="排队" />\n'
        f'  <mms date="{T + 2000}" msg_box="5" address="13800138000" m_type="128"><parts /><addrs /></mms>\n'
        "</smses>\n", encoding="utf-8")
    only_sms = tmp_path / "sms_only.xml"
    only_sms.write_text("".join(line for line in xml.read_text(encoding="utf-8").splitlines(keepends=True)
                                if "<mms" not in line).replace('count="3"', 'count="2"'), encoding="utf-8")
    assert assert_same_or_declined(only_sms)  # the fast path takes it, and its table equals lxml's
    name, xml_rows, xml_log = _read(xml)
    assert name == "sbr_xml"

    db = tmp_path / "mmssms.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, type INTEGER, body TEXT);"
                       "CREATE TABLE pdu (_id INTEGER PRIMARY KEY, date INTEGER, msg_box INTEGER, m_type INTEGER);"
                       "CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, address TEXT, type INTEGER);")
    conn.execute("INSERT INTO sms VALUES (1, '10690000001', ?, 7, '被拦截的催收短信')", (T,))
    conn.execute("INSERT INTO sms VALUES (2, '10690000001', ?, 6, '排队')", (T + 1000,))
    conn.execute("INSERT INTO pdu VALUES (1, ?, 5, 128)", ((T + 2000) // 1000,))
    conn.execute("INSERT INTO addr VALUES (1, 1, '13800138000', 151)")
    conn.commit()
    conn.close()
    name, db_rows, db_log = _read(db)
    assert name == "android_mmssms"

    backup = tmp_path / "000000_sms_backup"
    backup.write_bytes(zlib.compress(json.dumps([
        {"address": "10690000001", "date": str(T), "type": "7", "body": "被拦截的催收短信"},
        {"address": "10690000001", "date": str(T + 1000), "type": "6", "body": "排队"}]).encode()))
    name, aosp_rows, _ = _read(backup)
    assert name == "aosp_backup"

    expected = [("sms", "in", "received", ""), ("sms", "out", "queued", ""), ("mms", "out", "failed", "")]
    assert xml_rows == db_rows == expected
    assert aosp_rows == expected[:2]
    assert xml_log.issues == [] and db_log.issues == []


def test_tables_cover_the_documented_codes() -> None:
    assert sorted(SMS_TYPES) == [1, 2, 3, 4, 5, 6, 7]
    assert sorted(MMS_BOXES) == [1, 2, 3, 4, 5]
    assert sorted(CALL_TYPES) == [1, 2, 3, 4, 5, 6, 7]
