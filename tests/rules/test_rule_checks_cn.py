"""CN profile checks at their boundaries; violations.csv shape and traceability."""
from __future__ import annotations

import pandas as pd
import pytest

from harass_analyzer.analysis.entities import assign_entities
from tests.handmade_events import make_events
from harass_analyzer.errors import ConfigError
from harass_analyzer.rules import VIOLATION_COLUMNS, check_rules, load_profile

A, B, FRIEND = "+8617000000001", "+8617000000002", "+8613900000009"
SIG = "【XX金融】您的借款已逾期"
CN = load_profile("cn")


def check(rows, role="debtor", stop_date=None, rule=None):
    signed = [("2026-02-01 12:00:00", "sms", "in", A, "received", SIG),
              ("2026-02-01 12:00:01", "sms", "in", B, "received", SIG)]
    ev, _ = assign_entities(make_events(signed + rows))
    out = check_rules(ev, CN, role=role, stop_date=stop_date)
    assert list(out.columns) == VIOLATION_COLUMNS
    return out if rule is None else out.loc[out["rule_id"].eq(rule)].reset_index(drop=True), ev


def calls(day, n, status="missed", duration=0, number=A, start_hour=9):
    return [(f"{day} {start_hour + i // 60:02d}:{i % 60:02d}:00", "call", "in", number, status, duration)
            for i in range(n)]


def test_night_boundary_21_59_59_vs_22_00_00():
    out, ev = check([("2026-03-01 21:59:59", "call", "in", A, "missed", 0),
                     ("2026-03-01 22:00:00", "call", "in", B, "missed", 0),
                     ("2026-03-02 07:59:59", "sms", "in", A, "received", "逾期"),
                     ("2026-03-02 08:00:00", "call", "in", A, "missed", 0)], rule="CN-GBT45251-TIME")
    times = ev.set_index("event_id")["local_time"]
    assert out["count"].tolist() == [1, 1]
    assert [str(times[i].time()) for i in out["event_ids"]] == ["22:00:00", "07:59:59"]
    assert out.loc[0, ["window_start", "window_end"]].tolist() == ["2026-03-01T00:00:00+08:00",
                                                                   "2026-03-01T23:59:59+08:00"]
    assert out["counterpart"].tolist() == [B, A] and set(out["entity"]) == {"XX金融"}
    assert out["legal_weight"].eq("national_standard").all() and out["citation"].str.contains("22:00至次日8:00").all()


def test_exactly_3_answered_calls_pass_and_4_fail():
    out, ev = check(calls("2026-03-02", 3, "answered", 30) + calls("2026-03-03", 2, "answered", 30)
                    + calls("2026-03-03", 2, "answered", 5, number=B, start_hour=15)
                    + calls("2026-03-04", 10, "answered", 0), rule="CN-GBT45251-FREQ-INTERACTIVE")
    assert out["count"].tolist() == [4]  # Mar 3: two numbers of one lender group add up; 0 s calls don't count
    assert out.loc[0, "window_start"] == "2026-03-03T00:00:00+08:00" and out.loc[0, "threshold"] == 3
    assert out.loc[0, "counterpart"] == f"{A};{B}"
    assert ev.set_index("event_id").loc[out.loc[0, "event_ids"].split(";"), "duration_s"].gt(0).all()


def test_6_unanswered_attempts_pass_and_7_fail():
    out, _ = check(calls("2026-03-02", 6) + calls("2026-03-03", 7, "rejected")
                   + calls("2026-03-03", 3, "answered", 20, start_hour=14), rule="CN-CBA2026-FREQ")
    assert out[["count", "threshold"]].values.tolist() == [[7, 6]]
    assert out.loc[0, "legal_weight"] == "self_regulation"


def test_effective_dates_pick_the_rule_in_force():
    rows = (calls("2024-05-14", 4, "answered", 30) + calls("2024-05-15", 4, "answered", 30)
            + calls("2025-02-27", 4, "answered", 30) + calls("2025-02-28", 4, "answered", 30)
            + calls("2026-01-29", 7) + calls("2026-01-30", 7))
    out, _ = check(rows)
    by_rule = out.groupby("rule_id")["window_start"].agg(lambda s: [v[:10] for v in s]).to_dict()
    assert by_rule["CN-NIFA2024-FREQ-INFORMATIVE"] == ["2024-05-15", "2025-02-27"]
    assert by_rule["CN-GBT45251-FREQ-INTERACTIVE"] == ["2025-02-28"]
    assert by_rule["CN-CBA2026-FREQ"] == ["2026-01-30"]


def test_abusive_messages_2_vs_3_and_the_2026_law_change():
    two = [("2025-12-30 10:00:00", "sms", "in", A, "received", "你这个垃圾", "insult"),
           ("2025-12-31 10:00:00", "sms", "in", B, "received", "打断你的腿", "violence"),
           ("2026-01-01 10:00:00", "sms", "in", A, "received", "明天上门", "visit_threat"),
           ("2026-01-02 10:00:00", "sms", "in", A, "received", "提醒还款", "reminder")]
    out, _ = check(two)
    assert not out["rule_id"].isin(["CN-PSAPL-42", "CN-PSAPL-50"]).any()  # 2 + 0: the periods don't add up
    more = two + [("2026-01-03 10:00:00", "sms", "in", A, "received", "垃圾", "insult"),
                  ("2026-01-04 10:00:00", "sms", "in", B, "received", "等着坐牢吧", "insult;legal_threat")]
    out, _ = check(more, rule="CN-PSAPL-50")
    assert out.empty  # a neutral visit notice (visit_threat) is not an insult or a threat: 2 of 3
    more.append(("2026-01-05 10:00:00", "sms", "in", A, "received", "小心你的腿", "violence"))
    out, _ = check(more, rule="CN-PSAPL-50")
    assert out[["count", "threshold", "legal_weight"]].values.tolist() == [[3, 3, "statute"]]
    assert out.loc[0, "window_start"] == "2026-01-03T10:00:00+08:00"
    assert "第五十条第一款第（五）项" in out.loc[0, "citation"] and "（法律）" in out.loc[0, "citation"]
    early, _ = check(more + [("2025-12-29 10:00:00", "sms", "in", A, "received", "垃圾", "insult")], rule="CN-PSAPL-42")
    assert early["count"].tolist() == [3] and "第四十二条第（五）项" in early.loc[0, "citation"]


def test_impersonation_exposure_and_third_party_as_debtor():
    out, _ = check([("2026-03-01 10:00:00", "sms", "in", A, "received", "法院传票已发出", "impersonation"),
                    ("2026-03-01 11:00:00", "sms", "in", A, "received", "爆你通讯录", "exposure"),
                    ("2026-03-01 12:00:00", "sms", "in", B, "received", "已联系你的家人", "third_party")])
    assert out["rule_id"].tolist() == ["CN-GBT45251-CONTACTS", "CN-CBA2026-IMPERSONATION", "CN-SOFTVIOL-2-EXPOSURE",
                                       "CN-CFC2024-ABUSE"]
    assert out["count"].tolist() == [1, 1, 1, 1]
    assert out.loc[2, "legal_weight"] == "judicial_document" and out.loc[3, "legal_weight"] == "regulation"
    # each legal-weight label sits beside its own document (the 两高两部 opinion is not a regulation, the
    # 银行业协会 guideline is self-regulation)
    assert "第二条（司法规范性文件）" in out.loc[2, "citation"] and "相关条款（行业自律规范）" in out.loc[2, "citation"]


def test_as_a_contact_every_collection_contact_is_third_party_and_stop_counts():
    rows = [("2026-03-01 10:00:00", "call", "in", A, "missed", 0),
            ("2026-03-01 10:30:00", "sms", "out", B, "sent", "我不认识他，不要再联系我"),
            ("2026-03-01 11:00:00", "call", "in", B, "missed", 0),
            ("2026-03-01 12:00:00", "sms", "in", FRIEND, "received", "晚上吃饭吗", "", "other")]
    out, ev = check(rows, role="contact")
    third = out.loc[out["rule_id"].eq("CN-GBT45251-CONTACTS")]
    assert third["count"].tolist() == [4]  # 2 signature SMS + 2 calls; the friend is not collection
    assert out.loc[out["rule_id"].eq("CN-PIPL-13-3P"), "legal_weight"].tolist() == ["statute"]
    stop = out.loc[out["rule_id"].eq("CN-GBT45251-CONTACTS-STOP")].iloc[0]
    stop_id = ev.loc[ev["direction"].eq("out"), "event_id"].item()
    assert stop["count"] == 1 and stop["event_ids"].split(";")[0] == stop_id
    assert stop["window_start"] == "2026-03-01T10:30:00+08:00"
    debtor, _ = check(rows, role="debtor")
    assert not debtor["rule_id"].str.startswith("CN-GBT45251-CONTACTS").any()


def test_user_stop_date_applies_from_local_midnight():
    out, _ = check([("2026-02-28 23:59:59", "call", "in", A, "missed", 0),
                    ("2026-03-01 00:00:01", "call", "in", A, "missed", 0)],
                   role="contact", stop_date="2026-03-01", rule="CN-GBT45251-CONTACTS-STOP")
    assert out["count"].tolist() == [1] and out.loc[0, "window_start"] == "2026-03-01T00:00:00+08:00"
    with pytest.raises(ConfigError, match="stop date"):
        check([], role="contact", stop_date="soon")


def test_call_bombing_heuristics():
    out, _ = check(calls("2026-03-02", 19, start_hour=9) + [
        (f"2026-03-03 {h:02d}:00:00", "call", "in", A, "missed", 0) for h in range(8, 22)] + [
        (f"2026-03-03 {h:02d}:30:00", "call", "in", B, "missed", 0) for h in range(8, 14)])
    day = out.loc[out["rule_id"].eq("CN-TOOL-CALLBOMB-DAY")]
    assert day[["count", "threshold"]].values.tolist() == [[20, 20]] and (day["legal_weight"] == "heuristic").all()
    burst = out.loc[out["rule_id"].eq("CN-TOOL-CALLBOMB-BURST")]
    assert burst["count"].tolist() == [19]  # 19 calls in 19 minutes; hourly calls never make 5 in 60 min


def test_non_collection_numbers_never_violate():
    rows = [(f"2026-03-01 23:{m:02d}:00", "call", "in", FRIEND, "answered", 60) for m in range(30)]
    rows += [("2026-03-01 23:59:00", "call", "in", "withheld", "missed", 0)]
    out, _ = check(rows)
    assert out.empty and list(out.columns) == VIOLATION_COLUMNS


def test_output_is_deterministic_and_traceable():
    rows = (calls("2026-03-02", 4, "answered", 30) + [("2026-03-02 23:00:00", "call", "in", B, "missed", 0)]
            + [("2026-03-01 06:00:00", "sms", "in", A, "received", "逾期")])
    first, ev = check(rows)
    second, _ = check(list(reversed(rows)))
    pd.testing.assert_frame_equal(first, second)
    assert first["rule_id"].tolist() == ["CN-GBT45251-TIME", "CN-GBT45251-TIME", "CN-GBT45251-FREQ-INTERACTIVE"]
    ids = set(ev["event_id"])
    for row in first.itertuples():
        listed = row.event_ids.split(";")
        assert set(listed) <= ids and len(listed) == row.count


def test_unknown_role_is_a_config_error():
    with pytest.raises(ConfigError, match="role"):
        check([], role="lawyer")
