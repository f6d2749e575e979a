"""Rule checks do not depend on row order, tied timestamps or text column dtypes (str vs category)."""
from __future__ import annotations

import pandas as pd

from harass_analyzer.analysis.entities import assign_entities
from tests.handmade_events import make_events
from harass_analyzer.analysis.senders import sender_summary
from harass_analyzer.rules import check_rules, load_profile

A, B = "+8617000000001", "+8617000000002"
SIG = "【XX金融】您的借款已逾期"
LOW_CARDINALITY = ["kind", "direction", "call_status", "msg_status", "source_file", "category", "tags"]


def events():
    rows = [("2026-02-01 12:00:00", "sms", "in", A, "received", SIG),
            ("2026-02-01 12:00:01", "sms", "in", B, "received", SIG)]
    rows += [(f"2026-03-02 22:{m:02d}:00", "call", "in", A if m % 3 else B, "missed", 0) for m in range(25)]
    rows += [(f"2026-03-03 09:0{m}:00", "call", "in", B, "answered", 30) for m in range(5)]
    rows += [("2026-03-03 09:00:00", "sms", "in", A, "received", "逾期，再不还就爆通讯录", "exposure"),
             ("2026-03-04 10:00:00", "sms", "out", A, "sent", "不要再联系我"),
             ("2026-03-04 11:00:00", "call", "in", B, "missed", 0)]
    ev, _ = assign_entities(make_events(rows))
    return ev


def run(ev, profile="cn", role="debtor"):
    return check_rules(ev, load_profile(profile), role=role, stop_date="2026-03-04")


def test_shuffled_rows_and_category_columns_give_the_same_violations():
    ev = events()
    expected = run(ev)
    assert len(expected) > 0
    shuffled = ev.sample(frac=1, random_state=7).reset_index(drop=True)
    pd.testing.assert_frame_equal(run(shuffled), expected)
    as_category = ev.astype({c: "category" for c in LOW_CARDINALITY})
    pd.testing.assert_frame_equal(run(as_category), expected)
    for role in ("debtor", "contact"):
        pd.testing.assert_frame_equal(run(as_category, "us", role), run(ev, "us", role))


def test_tied_timestamps_list_events_by_event_id():
    ev = events()
    night = ev.loc[ev["local_time"].dt.hour.eq(22)].index[:2]
    ev.loc[night, "ts_ms"] = ev.loc[night[0], "ts_ms"]
    ev.loc[night, "local_time"] = ev.loc[night[0], "local_time"]
    ev.loc[night, "event_id"] = ["E9999", "E0000"]  # the later row has the smaller id
    row = run(ev).query("rule_id == 'CN-GBT45251-TIME'").iloc[0]
    assert row["event_ids"].split(";")[:2] == ["E0000", "E9999"]


def test_a_call_at_the_same_instant_as_a_conversation_is_not_after_it():
    rows = [("2026-01-05 12:00:00", "sms", "in", A, "received", SIG),
            ("2026-03-02 10:00:00", "call", "in", A, "answered", 120),
            ("2026-03-03 10:00:00", "call", "in", A, "answered", 60),
            ("2026-03-03 10:00:00", "call", "in", A, "missed", 0)]  # same instant as the second talk
    ev, _ = assign_entities(make_events(rows, "America/New_York"))
    out = check_rules(ev, load_profile("us")).query("rule_id == 'US-RegF-14b2iB'")
    first_talk = ev.loc[ev["duration_s"].eq(120), "event_id"].item()
    assert out["event_ids"].str.split(";").str[0].tolist()[0] == first_talk
    assert out["count"].tolist() == [2]  # the missed call pairs with the first talk, not the simultaneous one


def test_sender_summary_with_category_columns():
    ev = events()
    night = load_profile("cn").is_disallowed(ev["local_time"])
    expected = sender_summary(ev, night=night)
    as_category = ev.astype({c: "category" for c in LOW_CARDINALITY})
    pd.testing.assert_frame_equal(sender_summary(as_category, night=night), expected)
    pd.testing.assert_frame_equal(sender_summary(ev.iloc[::-1]), sender_summary(ev))
