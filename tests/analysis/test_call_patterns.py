"""Suspected collectors from call patterns alone (issue 17): the 25-calls-in-two-hours number, and the
ordinary callers that must not become suspects (family, a courier, a bank's 95 line)."""
from __future__ import annotations

from datetime import datetime, timedelta

from harass_analyzer.analysis.call_patterns import find_suspects
from harass_analyzer.analysis.entities import assign_entities
from tests.handmade_events import make_events
from harass_analyzer.analysis.labels import NumberLabels
from harass_analyzer.rules import SUSPECTED, check_rules, load_profile

BOMBER = "+8617055550101"
MOM = "+8613700002222"
COURIER = "+8615200004444"
BANK = "95555"
LENDER = "+8613912340001"


def _at(day: int, hour: int, minute: int = 0, second: int = 0) -> str:
    moment = datetime(2026, 3, 2) + timedelta(days=day, hours=hour, minutes=minute, seconds=second)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def bomber_rows() -> list[tuple]:
    """25 calls between 21:00 and 23:00: every 5 minutes, 7 answered for a few seconds (18 unanswered),
    the 13 from 22:00 on at night."""
    rows = []
    for k in range(25):
        answered = k in (0, 3, 6, 9, 12, 16, 20)
        rows.append((_at(5, 21, 0, 0) if k == 0 else _at(5, 21, 5 * k, 7), "call", "in", BOMBER,
                     "answered" if answered else "missed", 4 if answered else 0))
    return rows


def ordinary_rows() -> list[tuple]:
    rows = []
    for day in range(0, 8):  # mum calls every evening, twice late, six times within an hour once; you call back
        rows.append((_at(day, 21, 30), "call", "in", MOM, "missed" if day % 2 else "answered", 0 if day % 2 else 300))
        rows.append((_at(day, 21, 40), "call", "out", MOM, "answered", 120))
    rows += [(_at(2, 22, 30), "call", "in", MOM, "missed", 0), (_at(3, 23, 5), "call", "in", MOM, "missed", 0)]
    rows += [(_at(4, 12, 10 * k), "call", "in", MOM, "missed", 0) for k in range(6)]
    for day in (1, 2, 3):  # a courier: answered daytime calls on three days running, one missed
        rows.append((_at(day, 10, 15), "call", "in", COURIER, "answered", 35))
    rows.append((_at(3, 10, 20), "call", "in", COURIER, "missed", 0))
    for k in range(7):  # the bank's service line calls seven times one day (card verification), one at 22:10
        rows.append((_at(6, 9 + 2 * k if k < 6 else 22, 10), "call", "in", BANK, "missed", 0))
    rows.append((_at(6, 8, 0), "sms", "in", BANK, "received", "【招商银行】您的信用卡已激活。"))
    rows.append((_at(1, 9, 0), "sms", "in", LENDER, "received", "【速借金融】您的借款已逾期3天，请尽快还款。"))
    rows += [(_at(1, 23, 0), "call", "in", LENDER, "missed", 0)]
    return rows


def _suspects(rows, labels=None):
    events, entities = assign_entities(make_events(rows))
    profile = load_profile("cn")
    night = profile.is_disallowed(events["local_time"]).to_numpy(dtype=bool)
    found = find_suspects(events, set(entities["entity"]), labels, night=night, profile=profile)
    return events, entities, found, profile


def test_calls_only_bomber_is_suspected_and_flagged() -> None:
    events, entities, found, profile = _suspects(bomber_rows() + ordinary_rows())
    assert found.table["entity"].tolist() == [BOMBER]
    row = found.table.iloc[0]
    assert (row["calls_in"], row["calls_unanswered"], row["night_calls"]) == (25, 18, 13)
    assert row["signals"] == "burst;bombing;unanswered;night;short"
    assert "18 unanswered calls on 2026-03-07" in row["evidence"]
    # ordinary callers kept out, each for its reason (the courier simply does not call like a collector)
    assert found.cleared == {MOM: "you called or texted it on 8 days", BANK: "service number (service_95)"}
    violations = check_rules(events, profile, confirmed=set(entities["entity"]), suspects=found.entities)
    mine = violations.loc[violations["entity"].eq(BOMBER)]
    counts = dict(zip(mine["rule_id"], mine["count"]))
    assert counts == {"CN-GBT45251-TIME": 13, "CN-GBT45251-FREQ-INTERACTIVE": 7, "CN-CBA2026-FREQ": 18,
                      "CN-TOOL-CALLBOMB-DAY": 25, "CN-TOOL-CALLBOMB-BURST": 25}
    assert set(mine["suspected"]) == {SUSPECTED}
    lender = violations.loc[violations["entity"].ne(BOMBER)]
    assert lender["entity"].tolist() == ["速借金融"] and set(lender["suspected"]) == {""}
    assert set(violations["entity"]) == {BOMBER, "速借金融"}  # nothing for mum, the courier or the bank


def test_without_suspects_rules_see_collectors_only() -> None:
    events, entities, _, profile = _suspects(bomber_rows() + ordinary_rows())
    violations = check_rules(events, profile)
    assert set(violations["entity"]) == {"速借金融"} and set(violations["suspected"]) == {""}


def test_two_weak_signals_make_a_suspect_one_does_not() -> None:
    night_twice = [(_at(d, 23, 10), "call", "in", "+8618612340011", "missed", 0) for d in (1, 4)]
    streak = [(_at(d, 11, 0), "call", "in", "+8618612340012", "answered", 60) for d in (1, 2, 3)]
    both = [(_at(d, 23, 30), "call", "in", "+8618699990000", "missed", 0) for d in (1, 2, 3)]
    _, _, found, _ = _suspects(night_twice + streak + both)
    assert found.table["entity"].tolist() == ["+8618699990000"]
    assert found.table.iloc[0]["signals"] == "night;streak"


def test_vendor_mark_and_number_range() -> None:
    rows = [(_at(1, 10, 0), "call", "in", "+8616212345678", "missed", 0)]
    for minute in (0, 30):  # three numbers of one range, each calling twice one night
        rows += [(_at(d, 23, minute), "call", "in", f"+861701234000{d}", "missed", 0) for d in range(1, 4)]
    events = make_events(rows)
    events["vendor_mark"] = events["counterpart"].map({"+8616212345678": "huawei:催收"}).fillna("")
    events, entities = assign_entities(events)
    found = find_suspects(events, set(entities["entity"]))
    table = found.table.set_index("entity")
    assert table.loc["+8616212345678", "signals"] == "mark"  # a collection mark alone is enough
    assert table.loc["+8617012340001", "signals"] == "night;range"
    assert "range: one of 3 numbers of +861701234xxxx that called (+8617012340001, +8617012340002, " \
           "+8617012340003)" in table.loc["+8617012340001", "evidence"]
    assert len(table) == 4


def test_labels_clear_suspects() -> None:
    labels = NumberLabels(not_collector={BOMBER})
    _, _, found, _ = _suspects(bomber_rows(), labels)
    assert found.table.empty and found.cleared == {BOMBER: "labelled not_collector"}


def test_saved_contact_with_debt_word_stays_a_candidate() -> None:
    rows = [(_at(1, 23, 0), "call", "in", "+8615800001111", "missed", 0),
            (_at(2, 10, 0), "call", "in", "+8615800002222", "missed", 0)]
    events = make_events(rows)
    events["contact_name"] = events["counterpart"].map({"+8615800001111": "催收 别接", "+8615800002222": "老同学"})
    events, entities = assign_entities(events)
    found = find_suspects(events, set(entities["entity"]))
    assert found.table["entity"].tolist() == ["+8615800001111"]
    assert found.cleared == {"+8615800002222": "saved in contacts as 「老同学」"}


def test_withheld_callers_are_never_suspects() -> None:
    rows = [(_at(1, 23, 5 * k), "call", "in", "withheld", "missed", 0) for k in range(8)]
    _, _, found, _ = _suspects(rows + bomber_rows())
    assert found.table["entity"].tolist() == [BOMBER] and "withheld" not in found.cleared


def test_long_talks_on_three_days_clear_a_caller_you_never_call_back() -> None:
    dad = "+8613700003333"
    rows = [(_at(d, 22, 30), "call", "in", dad, "answered", 400) for d in (1, 2, 3)]
    rows += [(_at(d, 23, 30), "call", "in", "+8613700004444", "answered", 30) for d in (1, 2, 3)]
    _, _, found, _ = _suspects(rows)
    assert found.cleared == {dad: "you talked for a minute or more on 3 days"}
    assert found.table["entity"].tolist() == ["+8613700004444"]  # night and streak, short talks
