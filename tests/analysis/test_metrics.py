"""Contact-pattern metrics (analysis.metrics, analysis.contacts), hand-computed on small tables."""
from __future__ import annotations

import pandas as pd

from harass_analyzer.analysis import metrics
from harass_analyzer.analysis.contacts import collection_contacts, incoming_contacts
from harass_analyzer.analysis.entities import assign_entities
from tests.handmade_events import make_events
from harass_analyzer.rules import load_profile

A, B, FRIEND = "+8617000000001", "+8617000000002", "+8613900000009"
SIG = "【XX金融】您的借款已逾期"
CN_NIGHT = load_profile("cn").is_disallowed


def events(rows, tz="Asia/Shanghai"):
    signed = [("2026-02-01 12:00:00", "sms", "in", A, "received", SIG),
              ("2026-02-01 12:00:01", "sms", "in", B, "received", SIG)]
    return assign_entities(make_events(signed + rows, tz))[0]


def test_only_received_or_sent_messages_and_calls_are_contact():
    ev = events([
        ("2026-03-01 10:00:00", "sms", "in", A, "draft", "逾期"),
        ("2026-03-01 10:01:00", "sms", "in", A, "failed", "逾期"),
        ("2026-03-01 10:02:00", "sms", "out", A, "sent", "好的"),
        ("2026-03-01 10:03:00", "call", "in", A, "answered", 0),
        ("2026-03-01 10:04:00", "call", "in", A, "answered", 12),
        ("2026-03-01 10:05:00", "call", "in", A, "voicemail", 40),
    ])
    inc = incoming_contacts(ev)
    day = inc.loc[inc["date"].eq(pd.Timestamp("2026-03-01"))]
    assert len(day) == 3  # drafts/failed/outgoing excluded
    assert day["answered"].tolist() == [False, True, False]  # 0 s answered = unanswered; voicemail unanswered
    assert day["conversation"].tolist() == [False, True, False]


def test_daily_counts_and_night_boundaries():
    ev = events([
        ("2026-03-01 21:59:59", "call", "in", A, "missed", 0),
        ("2026-03-01 22:00:00", "call", "in", B, "missed", 0),
        ("2026-03-02 07:59:59", "sms", "in", A, "received", "逾期"),
        ("2026-03-02 08:00:00", "call", "in", A, "answered", 30),
    ])
    daily = metrics.daily_counts(collection_contacts(ev), "entity", CN_NIGHT)
    got = daily.loc[daily["date"] >= pd.Timestamp("2026-03-01")].reset_index(drop=True)
    assert got[["contacts", "calls", "answered", "unanswered", "messages", "night"]].values.tolist() == [
        [2, 2, 0, 2, 0, 1], [2, 1, 1, 0, 1, 1]]
    night = metrics.night_contacts(ev, CN_NIGHT)
    assert night.loc[0, "night"] == 2
    ids = ev.set_index("event_id")["local_time"]
    assert [str(ids[i].time()) for i in night.loc[0, "event_ids"].split(";")] == ["22:00:00", "07:59:59"]
    per_number = metrics.daily_counts(ev, "counterpart")
    assert set(per_number["counterpart"]) == {A, B}


def test_rolling_window_spans_month_end_and_streaks():
    rows = [(f"2026-02-{d} 10:00:00", "call", "in", A, "missed", 0) for d in (25, 26, 27, 28)]
    rows += [(f"2026-03-0{d} 10:00:00", "call", "in", A, "missed", 0) for d in (1, 2, 3)]
    rows += [("2026-03-03 11:00:00", "call", "in", A, "missed", 0), ("2026-03-09 10:00:00", "call", "in", A, "missed", 0)]
    ev = events(rows)
    calls = collection_contacts(ev).query("is_call")
    daily = metrics.daily_counts(calls)
    rolled = metrics.rolling_counts(daily).set_index("date")["count"]
    assert rolled[pd.Timestamp("2026-03-03")] == 8  # Feb 25 … Mar 3 is seven calendar days
    assert rolled[pd.Timestamp("2026-03-09")] == 3  # Mar 3 … Mar 9: the two Mar 3 calls + Mar 9; Mar 2 out
    runs = metrics.streaks(daily)
    assert runs[["days", "contacts"]].values.tolist() == [[7, 8], [1, 1]]
    assert runs.loc[0, "start"] == pd.Timestamp("2026-02-25") and runs.loc[0, "end"] == pd.Timestamp("2026-03-03")


def test_bursts_at_the_minute_boundary():
    inside = [(f"2026-03-01 10:{m:02d}:00", "call", "in", A, "missed", 0) for m in (0, 15, 30, 45)]
    inside.append(("2026-03-01 11:00:00", "call", "in", B, "missed", 0))  # 5th call exactly 60 min later
    late = [(f"2026-03-02 10:{m:02d}:00", "call", "in", A, "missed", 0) for m in (0, 15, 30, 45)]
    late.append(("2026-03-02 11:00:01", "call", "in", A, "missed", 0))  # 60 min + 1 s: no burst
    found = metrics.bursts(events(inside + late), n=5, minutes=60)
    assert found["count"].tolist() == [5]
    assert found.loc[0, "start"].strftime("%d %H:%M") == "01 10:00"
    assert len(found.loc[0, "event_ids"].split(";")) == 5


def test_overlapping_burst_windows_merge_into_one_run():
    rows = [(f"2026-03-01 10:{m:02d}:00", "call", "in", A, "missed", 0) for m in range(0, 50, 5)]
    rows.append(("2026-03-01 15:00:00", "call", "in", A, "missed", 0))
    found = metrics.bursts(events(rows), n=3, minutes=10)
    assert found["count"].tolist() == [10]


def test_call_outcomes():
    ev = events([
        ("2026-03-01 10:00:00", "call", "in", A, "answered", 5),
        ("2026-03-01 10:10:00", "call", "in", A, "answered", 10),
        ("2026-03-01 10:20:00", "call", "in", A, "rejected", 0),
        ("2026-03-01 10:30:00", "call", "in", B, "blocked", 0),
    ])
    out = metrics.call_outcomes(collection_contacts(ev))
    assert out[["calls", "answered", "unanswered", "conversations"]].values.tolist() == [[4, 2, 2, 1]]


def test_stop_points_and_contacts_after():
    ev = events([
        ("2026-03-01 10:00:00", "call", "in", A, "missed", 0),
        ("2026-03-01 10:05:00", "sms", "out", B, "sent", "请不要再联系我了"),
        ("2026-03-01 10:05:00", "call", "in", A, "missed", 0),
        ("2026-03-01 10:06:00", "call", "in", A, "missed", 0),
        ("2026-03-02 09:00:00", "sms", "in", B, "received", "逾期"),
        ("2026-03-02 09:00:00", "sms", "in", FRIEND, "received", "在吗", "", "other"),
    ])
    stops = metrics.stop_points(ev)
    stop_id = ev.loc[ev["body"].str.contains("不要再"), "event_id"].item()
    assert stops[["entity", "stop_source"]].values.tolist() == [["XX金融", stop_id]]
    after = metrics.contacts_after(collection_contacts(ev), stops)
    assert after.loc[0, "count"] == 2  # the 10:05 call at the same ms as the stop is not after it
    user = metrics.stop_points(ev, stop_date="2026-02-01")
    assert set(user["stop_source"]) == {"user:2026-02-01"}
    replies = metrics.first_replies(ev)
    assert replies["stop_source"].tolist() == [stop_id]


def test_third_party_contacts_by_role():
    ev = events([
        ("2026-03-01 10:00:00", "sms", "in", A, "received", "已联系您的家人和通讯录", "third_party"),
        ("2026-03-01 10:05:00", "call", "in", A, "missed", 0),
    ])
    debtor = metrics.third_party_contacts(ev, "debtor")
    contact = metrics.third_party_contacts(ev, "contact")
    assert debtor["count"].tolist() == [1]
    assert contact["count"].tolist() == [4]  # both signature SMS, the tagged SMS and the call


def test_entity_summary_figures():
    rows = [(f"2026-03-0{d} 23:00:00", "call", "in", A if d % 2 else B, "missed", 0) for d in range(1, 6)]
    rows.append(("2026-03-03 12:00:00", "sms", "in", B, "received", "通知你的紧急联系人", "third_party"))
    rows.append(("2026-03-03 12:00:00", "call", "in", FRIEND, "answered", 100))
    summary = metrics.entity_summary(events(rows), CN_NIGHT)
    row = summary.set_index("entity").loc["XX金融"]
    assert (row["contacts"], row["numbers"], row["night"], row["third_party"]) == (8, 2, 5, 1)
    assert (row["span_days"], row["active_days"], row["longest_streak"], row["max_per_day"]) == (33, 6, 5, 2)
    assert list(summary["entity"]) == ["XX金融"]  # a friend's call is no collection contact
