"""senders.csv definitions on a tiny hand-checked case."""
from __future__ import annotations

import pandas as pd

from harass_analyzer.analysis.senders import sender_summary
from harass_analyzer.schema import SENDER_COLUMNS
from harass_analyzer.timeconv import local_times

A, B = "+8613900000001", "+8613900000002"


def frame(rows):
    df = pd.DataFrame(rows, columns=["kind", "direction", "call_status", "msg_status", "when", "counterpart",
                                     "duration_s", "category"])
    df["ts_ms"] = pd.to_datetime(df["when"]).dt.tz_localize("Asia/Shanghai").dt.as_unit("ms").astype("int64")
    df["local_time"] = local_times(df["ts_ms"], "Asia/Shanghai")
    df["contact_name"] = ""
    return df


def test_hand_checked_summary() -> None:
    events = frame([
        ("sms", "in", "", "received", "2024-10-31 21:59:59", A, None, "collection"),
        ("sms", "in", "", "received", "2024-10-31 22:00:00", A, None, "collection"),  # night
        ("call", "in", "answered", "", "2024-11-01 07:59:59", A, 30, "other"),       # night
        ("call", "in", "answered", "", "2024-11-01 08:00:00", A, 0, "other"),        # answered, 0 s → unanswered
        ("call", "in", "missed", "", "2024-11-03 12:00:00", A, 0, "other"),
        ("call", "in", "rejected", "", "2024-11-07 12:00:00", A, 0, "other"),        # 7th day from 11-01
        ("call", "in", "missed", "", "2024-11-08 12:00:00", A, 0, "other"),          # outside 11-01's window
        ("sms", "out", "", "sent", "2024-11-01 09:00:00", A, None, "other"),         # outgoing: not counted
        ("sms", "in", "", "draft", "2024-11-01 09:00:00", A, None, "other"),         # not contact
        ("call", "in", "missed", "", "2024-11-01 10:00:00", B, 0, "other"),
    ])
    s = sender_summary(events).set_index("counterpart")
    assert list(sender_summary(events).columns) == SENDER_COLUMNS
    a = s.loc[A]
    assert (a.messages_in, a.calls_in, a.calls_answered, a.calls_unanswered) == (2, 5, 1, 4)
    assert a.total_in == 7 and a.collection_msgs == 2 and a.night_in == 2
    assert a.active_days == 5  # 10-31, 11-01, 11-03, 11-07, 11-08
    assert a.max_per_day == 2
    assert a.max_7d == 4  # 11-01 (2 calls), 11-03, 11-07 | or 11-03, 11-07, 11-08 = 3
    assert a.first_seen == "2024-10-31T21:59:59+08:00" and a.last_seen == "2024-11-08T12:00:00+08:00"
    assert sender_summary(events)["counterpart"].tolist() == [A, B]


def test_custom_night_mask() -> None:
    events = frame([("call", "in", "missed", "", "2024-11-01 21:30:00", A, 0, "other")])
    night = events["local_time"].dt.hour >= 21
    assert sender_summary(events, night=night).loc[0, "night_in"] == 1
    assert sender_summary(events).loc[0, "night_in"] == 0
