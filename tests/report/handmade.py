"""A small hand-made Analysis for report tests: one collector entity with two numbers, third parties
(family, friend), hostile bodies (formula, HTML), and hand-made entities/violations frames, so the
report tests do not depend on the classifier or rule modules."""
from __future__ import annotations

import pandas as pd

from tests.handmade_events import make_events
from harass_analyzer.analysis.senders import sender_summary
from harass_analyzer.api import Analysis, Options
from harass_analyzer.schema import ISSUE_COLUMNS
from harass_analyzer.timeconv import iso_strings

COLLECTOR_A, COLLECTOR_B = "+8613900001111", "+8613900002222"
MOM, FRIEND = "+8613800138000", "+8613700137000"
THIRD_PARTY = (MOM, FRIEND)
DEBTOR_NAME = "王小明"
FORMULA_BODY = '=HYPERLINK("http://evil.example/x","点我还款")'
HTML_BODY = '<script>alert(1)</script><img src="http://evil.example/p.png">逾期未还'
ENTITY = "快贷金融"

ROWS = [
    ("2026-03-01 07:10:00", "sms", "in", COLLECTOR_A, "received", f"【快贷金融】{DEBTOR_NAME}您好，您的借款已逾期30天，请今日还款。",
     "reminder"),
    ("2026-03-01 07:30:00", "call", "in", COLLECTOR_A, "missed", 0),
    ("2026-03-01 23:15:00", "call", "in", COLLECTOR_B, "rejected", 0),
    ("2026-03-01 23:40:00", "sms", "in", COLLECTOR_B, "received",
     "再不还款就打给你妈13800138000，让全家都知道你欠钱不还。", "exposure;third_party"),
    ("2026-03-02 09:00:00", "sms", "in", COLLECTOR_B, "received", FORMULA_BODY, "reminder", "collection"),
    ("2026-03-02 09:05:00", "sms", "in", COLLECTOR_A, "received", HTML_BODY, "", "collection"),
    ("2026-03-02 09:10:00", "sms", "in", COLLECTOR_A, "received", "@SUM(1+1) 欠款必须今天结清", "reminder"),
    ("2026-03-02 10:00:00", "call", "in", COLLECTOR_A, "answered", 35),
    ("2026-03-02 12:00:00", "sms", "in", MOM, "received", "儿子，周末回家吃饭吗？", "", "other"),
    ("2026-03-02 12:05:00", "sms", "out", MOM, "sent", "好的妈", "", "other"),
    ("2026-03-03 18:00:00", "call", "in", FRIEND, "answered", 120),
    ("2026-03-03 18:30:00", "sms", "in", FRIEND, "received", "-晚上一起吃饭吗？我是李华", "", "other"),
]


def handmade_events() -> pd.DataFrame:
    ev = make_events(ROWS)
    ev["timestamp"] = iso_strings(ev["local_time"])
    ev["counterpart_raw"] = ev["counterpart"].str.replace("+86", "", regex=False)
    ev["contact_name"] = ev["counterpart"].map({MOM: "妈妈", FRIEND: "李华"}).fillna("")
    ev["source_format"] = "hand"
    ev["vendor_mark"] = ""
    ev["deleted"] = False
    ev["also_in"] = ""
    ev["entity"] = ev["counterpart"].map({COLLECTOR_A: ENTITY, COLLECTOR_B: ENTITY}).fillna(ev["counterpart"])
    return ev


def handmade_violations() -> pd.DataFrame:
    return pd.DataFrame([
        {"rule_id": "CN-NIGHT", "entity": ENTITY, "counterpart": f"{COLLECTOR_A};{COLLECTOR_B}",
         "window_start": "2026-03-01T00:00:00+08:00", "window_end": "2026-03-02T00:00:00+08:00", "count": 4,
         "threshold": 0, "event_ids": "E0001;E0002;E0003;E0004", "citation": "GB/T 45251—2025 第5.2条",
         "legal_weight": "national_standard"},
        {"rule_id": "CN-DAILY", "entity": ENTITY, "counterpart": COLLECTOR_A,
         "window_start": "2026-03-02T00:00:00+08:00", "window_end": "2026-03-03T00:00:00+08:00", "count": 5,
         "threshold": 3, "event_ids": "E0005;E0006;E0007;E0008", "citation": "CBA 2026 | NIFA 2024",
         "legal_weight": "self_regulation"},
    ])


def handmade_analysis(lang: str = "zh", redact: bool = False, with_rules: bool = True) -> Analysis:
    ev = handmade_events()
    if not with_rules:
        ev = ev.drop(columns="entity")
    entities = pd.DataFrame({"entity": [ENTITY], "numbers": [f"{COLLECTOR_A};{COLLECTOR_B}"],
                             "evidence": [f"signature 【快贷金融】 from {COLLECTOR_A} (E0001)"]})
    return Analysis(events=ev, senders=sender_summary(ev), issues=pd.DataFrame(columns=ISSUE_COLUMNS),
                    inputs=[{"path": "hand.xml", "sha256": "ab" * 32, "bytes": 10, "format": "hand", "records": 12,
                             "skipped": 0, "duplicates_merged": 0}],
                    tz="Asia/Shanghai", duplicates_merged=0, options=Options(lang=lang, redact=redact),
                    entities=entities if with_rules else None,
                    violations=handmade_violations() if with_rules else None)
