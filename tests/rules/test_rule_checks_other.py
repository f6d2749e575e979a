"""US, AU and IN profile checks at their boundaries (local calendar days, DST, inclusive 21:00)."""
from __future__ import annotations

from harass_analyzer.analysis.entities import assign_entities
from tests.handmade_events import make_events
from harass_analyzer.rules import check_rules, load_profile

A, B = "+12025550101", "+12025550102"
SIG = "【ACME Recovery】 your account is overdue, 逾期"


def check(profile, rows, tz, role="debtor", rule=None, stop_date=None):
    signed = [("2026-01-05 12:00:00", "sms", "in", A, "received", SIG),
              ("2026-01-05 12:00:01", "sms", "in", B, "received", SIG)]
    ev, _ = assign_entities(make_events(signed + rows, tz))
    out = check_rules(ev, load_profile(profile), role=role, stop_date=stop_date)
    return (out if rule is None else out.loc[out["rule_id"].eq(rule)].reset_index(drop=True)), ev


def test_us_time_window_21_00_00_is_allowed_21_00_01_is_not():
    out, ev = check("us", [("2026-03-02 21:00:00", "call", "in", A, "missed", 0),
                           ("2026-03-02 21:00:01", "sms", "in", A, "received", "逾期 pay now"),
                           ("2026-03-03 07:59:59", "call", "in", B, "missed", 0),
                           ("2026-03-03 08:00:00", "call", "in", B, "missed", 0)],
                    "America/New_York", rule="US-1692c-a1-TIME")
    times = ev.set_index("event_id")["local_time"]
    assert [str(times[i].time()) for i in out["event_ids"]] == ["21:00:01", "07:59:59"]
    assert out["window_start"].tolist() == ["2026-03-02T00:00:00-05:00", "2026-03-03T00:00:00-05:00"]
    assert out["legal_weight"].eq("statute").all()


def test_us_7_in_7_spans_month_end_and_the_dst_change():
    # Oct 26 … Nov 1 2026 (New York leaves DST on Nov 1): 7 local days but 169 hours.
    first = ("2026-10-26 00:30:00", "call", "in", A, "missed", 0)
    middle = [(f"2026-10-{d} 12:00:00", "call", "in", B if d % 2 else A, "missed", 0) for d in range(27, 32)]
    last = ("2026-11-01 23:45:00", "call", "in", A, "missed", 0)
    seven, _ = check("us", [first] + middle, "America/New_York", rule="US-RegF-14b2iA")
    assert seven.empty  # 6 calls
    out, _ = check("us", [first] + middle + [last], "America/New_York", rule="US-RegF-14b2iA")
    assert seven.empty and len(out) == 0  # exactly 7 calls within the 7 days: allowed
    eighth = ("2026-11-01 23:50:00", "call", "in", B, "missed", 0)
    out, ev = check("us", [first] + middle + [last, eighth], "America/New_York", rule="US-RegF-14b2iA")
    assert out[["count", "threshold"]].values.tolist() == [[8, 7]]
    assert out.loc[0, "window_start"] == "2026-10-26T00:00:00-04:00"
    assert out.loc[0, "window_end"] == "2026-11-01T23:59:59-05:00"
    assert out.loc[0, "counterpart"] == f"{A};{B}"  # calls from any of the collector's numbers add up
    # the same 8 calls spread over 8 calendar days never make 8 in 7
    spread = [(f"2026-10-{d} 12:00:00", "call", "in", A, "missed", 0) for d in range(24, 32)]
    out, _ = check("us", spread, "America/New_York", rule="US-RegF-14b2iA")
    assert out.empty


def test_us_call_within_7_days_after_a_conversation():
    rows = [("2026-03-02 10:00:00", "call", "in", A, "answered", 120),   # conversation, day 1
            ("2026-03-08 23:59:00", "call", "in", B, "missed", 0),       # day 7: within
            ("2026-03-09 00:01:00", "call", "in", A, "missed", 0),       # day 8: outside
            ("2026-03-20 10:00:00", "call", "in", A, "answered", 9),     # 9 s: no conversation
            ("2026-03-20 11:00:00", "call", "in", A, "missed", 0)]
    out, ev = check("us", rows, "America/New_York", rule="US-RegF-14b2iB")
    ids = ev.set_index("event_id")
    assert len(out) == 1 and out.loc[0, "count"] == 1
    conv, call = out.loc[0, "event_ids"].split(";")
    assert ids.loc[conv, "duration_s"] == 120 and str(ids.loc[call, "local_time"]) == "2026-03-08 23:59:00-04:00"
    assert out.loc[0, "window_start"] == "2026-03-02T10:00:00-05:00"
    assert out.loc[0, "window_end"] == "2026-03-08T23:59:59-04:00"  # DST began on Mar 8


def test_us_third_party_once_is_allowed_twice_is_not():
    once, _ = check("us", [], "America/Chicago", role="contact", rule="US-1692b3")
    assert once["count"].tolist() == [2]  # the two signature texts
    solo = make_events([("2026-01-05 12:00:00", "sms", "in", A, "received", SIG)], "America/Chicago")
    ev, _ = assign_entities(solo)
    assert check_rules(ev, load_profile("us"), role="contact").query("rule_id == 'US-1692b3'").empty


def test_us_texts_after_opt_out():
    out, _ = check("us", [("2026-03-02 10:00:00", "sms", "out", A, "sent", "STOP"),
                          ("2026-03-02 11:00:00", "call", "in", A, "missed", 0),
                          ("2026-03-02 12:00:00", "sms", "in", B, "received", "逾期 pay now")],
                   "America/New_York", rule="US-RegF-14h-OPTOUT")
    assert out["count"].tolist() == [1]  # texts only; the call is not a text


def test_au_weekday_weekend_hours_and_actual_contact_limits():
    hours = [("2026-03-06 07:29:59", "call", "in", A, "missed", 0),   # Friday, before 07:30
             ("2026-03-06 07:30:00", "call", "in", A, "missed", 0),
             ("2026-03-07 08:30:00", "call", "in", A, "missed", 0),   # Saturday, before 09:00
             ("2026-03-07 21:00:00", "call", "in", A, "missed", 0)]
    out, _ = check("au", hours, "Australia/Sydney", rule="AU-ACCC-ASIC-HOURS")
    assert out["count"].tolist() == [1, 1] and out["window_start"].str[:10].tolist() == ["2026-03-06", "2026-03-07"]
    three = [(f"2026-03-1{d} 10:00:00", "call", "in", A, "answered", 30) for d in (0, 1, 2)]
    out, _ = check("au", three + [("2026-03-12 11:00:00", "call", "in", A, "missed", 0)], "Australia/Sydney",
                   rule="AU-ACCC-ASIC-FREQ-WEEK")
    assert out.empty  # 3 actual contacts; attempts don't count
    out, _ = check("au", three + [("2026-03-16 10:00:00", "sms", "in", B, "received", "逾期")],
                   "Australia/Sydney", rule="AU-ACCC-ASIC-FREQ-WEEK")
    assert out[["count", "threshold"]].values.tolist() == [[4, 3]]  # Mar 10 … Mar 16
    month = [(f"2026-04-{d:02d} 10:00:00", "call", "in", A, "answered", 30) for d in range(1, 31, 3)]
    out, _ = check("au", month, "Australia/Sydney", rule="AU-ACCC-ASIC-FREQ-MONTH")
    assert out.empty  # 10 in April
    out, _ = check("au", month + [("2026-04-30 20:00:00", "sms", "in", A, "received", "逾期")],
                   "Australia/Sydney", rule="AU-ACCC-ASIC-FREQ-MONTH")
    assert out[["count", "window_start", "window_end"]].values.tolist() == [
        [11, "2026-04-01T00:00:00+11:00", "2026-04-30T23:59:59+10:00"]]


def test_in_hours_end_at_19_00_inclusive():
    out, ev = check("in", [("2026-03-02 19:00:00", "call", "in", A, "missed", 0),
                           ("2026-03-02 19:00:01", "call", "in", A, "missed", 0)],
                    "Asia/Kolkata", rule="IN-RBI-2022-HOURS")
    assert out["count"].tolist() == [1]
    assert str(ev.set_index("event_id").loc[out.loc[0, "event_ids"], "local_time"].time()) == "19:00:01"
