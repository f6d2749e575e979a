"""The cn pack's third party's own-rights statutes (rules.md §0 civil and personal-information law):
which contacts each covers, the cybersecurity-law sentence by date, and the R-wording guard."""
from __future__ import annotations

import json

import pytest

from harass_analyzer.analysis.entities import assign_entities
from tests.handmade_events import make_events
from harass_analyzer.errors import ConfigError
from harass_analyzer.rules import check_rules, format_profile, load_profile
from harass_analyzer.rules.profile import QUOTE_MARKS, parse_profile

A, B, FRIEND = "+8617000000001", "+8617000000002", "+8613900000009"
SIG = "【XX金融】您的朋友张三借款已逾期，请转告他还款"
CN = load_profile("cn")
THIRD_PARTY_LAW = ["CN-CC-1033-3P", "CN-CC-1035-3P", "CN-CSL-44-3P", "CN-CSL-2026-3P", "CN-CPL-29-3P"]


def run(rows, role="contact", stop_date=None):
    ev, _ = assign_entities(make_events(rows))
    return check_rules(ev, CN, role=role, stop_date=stop_date), ev


def ids_of(ev, *which):
    return ";".join(ev["event_id"].iloc[list(which)])


def test_contact_role_gets_the_third_party_statutes_with_their_event_ids():
    rows = [("2026-02-01 12:00:00", "sms", "in", A, "received", SIG),            # 0
            ("2026-02-01 12:05:00", "call", "in", B, "missed", 0),               # 1
            ("2026-02-01 12:06:00", "sms", "in", B, "received", SIG),            # 2
            ("2026-02-02 09:00:00", "sms", "in", FRIEND, "received", "晚上吃饭吗", "", "other"),  # 3: not collection
            ("2026-02-02 10:00:00", "sms", "out", A, "sent", "我不认识他，不要再联系我"),  # 4: stop
            ("2026-02-02 11:00:00", "call", "in", A, "answered", 40),            # 5
            ("2026-02-03 20:00:00", "sms", "in", A, "received", "再不还就把你朋友的欠款发到通讯录群里曝光", "exposure")]  # 6
    out, ev = run(rows)
    ev = ev.sort_values("ts_ms", kind="mergesort").reset_index(drop=True)
    by = {r: out.loc[out["rule_id"].eq(r)] for r in out["rule_id"].unique()}
    every = ids_of(ev, 0, 1, 2, 5, 6)
    for rule in ("CN-CC-1033-3P", "CN-CC-1035-3P", "CN-CSL-2026-3P", "CN-CPL-29-3P"):
        assert by[rule][["entity", "count", "event_ids", "legal_weight"]].values.tolist() == [
            ["XX金融", 5, every, "statute"]], rule
    assert "CN-CSL-44-3P" not in by  # every contact is from 2026
    assert by["CN-CL-253-1-3P"][["count", "event_ids"]].values.tolist() == [[3, ids_of(ev, 0, 2, 6)]]  # texts only
    assert by["CN-CC-1032-EXPOSURE"][["count", "event_ids"]].values.tolist() == [[1, ids_of(ev, 6)]]
    stop = by["CN-CC-1033-STOP"].iloc[0]
    assert stop["count"] == 2 and stop["event_ids"] == ids_of(ev, 4, 5, 6)  # the stop message first
    assert "〔核实程度 R" in by["CN-CC-1035-3P"]["citation"].iloc[0]
    debtor, _ = run(rows, role="debtor")
    assert not debtor["rule_id"].isin(THIRD_PARTY_LAW + ["CN-CC-1033-STOP", "CN-CL-253-1-3P",
                                                        "CN-CC-1032-EXPOSURE"]).any()


@pytest.mark.parametrize("when, old, new", [("2025-12-31 23:59:59", True, False),
                                            ("2026-01-01 00:00:00", False, True)])
def test_cybersecurity_law_sentence_by_date(when, old, new):
    out, ev = run([(when, "sms", "in", A, "received", SIG)])
    cited = dict(zip(out["rule_id"], out["citation"]))
    assert ("CN-CSL-44-3P" in cited) is old and ("CN-CSL-2026-3P" in cited) is new
    sentence = "不得窃取或者以其他非法方式获取个人信息，不得非法出售或者非法向他人提供个人信息"
    for rule, text in cited.items():
        if rule.startswith("CN-CSL"):
            assert sentence in text and out.loc[out["rule_id"].eq(rule), "event_ids"].item() == ev["event_id"].item()
            assert ("第四十四条" in text) is old  # by number only for the 2016 text
    assert not out["citation"].str.contains("第四十六条").any()  # the new number is unverified (R)


def test_both_periods_cite_each_event_under_its_own_text():
    out, ev = run([("2025-12-31 22:00:00", "sms", "in", A, "received", SIG),
                   ("2026-01-01 08:00:00", "call", "in", A, "missed", 0)])
    assert out.loc[out["rule_id"].eq("CN-CSL-44-3P"), "event_ids"].tolist() == [ev["event_id"].iloc[0]]
    assert out.loc[out["rule_id"].eq("CN-CSL-2026-3P"), "event_ids"].tolist() == [ev["event_id"].iloc[1]]


def test_pack_entries_weights_dates_grades_and_listing():
    rules = {r.id: r for r in CN.rules}
    expect = {"CN-CC-1033-3P": "2021-01-01", "CN-CC-1033-STOP": "2021-01-01", "CN-CC-1035-3P": "2021-01-01",
              "CN-CSL-44-3P": "2017-06-01", "CN-CSL-2026-3P": "2026-01-01", "CN-CPL-29-3P": "2014-03-15",
              "CN-CL-253-1-3P": "2015-11-01", "CN-CC-1032-EXPOSURE": "2021-01-01"}
    for rid, start in expect.items():
        r = rules[rid]
        assert r.legal_weight == "statute" and str(r.effective_from) == start and r.roles == ("contact",)
        assert all(c.confidence in ("V1", "V2", "R") for c in r.citations)
    assert str(rules["CN-CSL-44-3P"].effective_until) == "2025-12-31"
    graded_r = [c for r in CN.rules for c in r.citations if c.confidence == "R"]
    assert {c.article for c in graded_r} == {"第一千零三十五条", "第二十九条"}
    assert not any(q in c.wording for c in graded_r for q in QUOTE_MARKS)
    listing = format_profile(CN)
    assert all(rid in listing for rid in expect) and "第四十六条" not in listing
    assert "刑法" in rules["CN-CL-253-1-3P"].citations[0].document and "可能" in rules["CN-CL-253-1-3P"].title_zh


def test_r_graded_wording_in_quotes_is_refused():
    raw = json.loads(json.dumps({"profile": "x", "rules": [{
        "id": "X", "title": {"zh": "x"}, "legal_weight": "statute", "confidence": "R", "kind": "third_party",
        "params": {}, "citations": [{"document": "某法", "article": "第一条", "wording": "「原文」", "confidence": "R"}]}]}))
    with pytest.raises(ConfigError, match="paraphrase"):
        parse_profile(raw, "test")
    raw["rules"][0]["citations"][0]["confidence"] = "V3"
    with pytest.raises(ConfigError, match="citation's confidence"):
        parse_profile(raw, "test")
