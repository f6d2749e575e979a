"""Rules on numbers without collection texts (issue 17): confirmed by the user, or suspected from call
patterns (marked in the `suspected` column), or neither (not checked)."""
from __future__ import annotations

from harass_analyzer.analysis.entities import assign_entities
from tests.handmade_events import make_events
from harass_analyzer.rules import SUSPECTED, VIOLATION_COLUMNS, check_rules, load_profile

CALLER = "+8617055550101"
ROWS = [("2026-03-05 23:10:00", "call", "in", CALLER, "missed", 0),
        ("2026-03-06 23:20:00", "call", "in", CALLER, "missed", 0),
        ("2026-03-06 12:00:00", "call", "in", "+8613800138000", "missed", 0)]


def _check(**kwargs):
    events, _ = assign_entities(make_events(ROWS))
    return check_rules(events, load_profile("cn"), **kwargs)


def test_calls_only_number_is_checked_only_when_confirmed_or_suspected() -> None:
    assert _check().empty and _check().columns.tolist() == VIOLATION_COLUMNS
    assert VIOLATION_COLUMNS[-1] == "suspected"
    suspected = _check(suspects={CALLER})
    assert suspected[["rule_id", "entity", "count", "suspected"]].values.tolist() == [
        ["CN-GBT45251-TIME", CALLER, 1, SUSPECTED], ["CN-GBT45251-TIME", CALLER, 1, SUSPECTED]]
    confirmed = _check(confirmed={CALLER}, suspects={CALLER})  # the user's word wins
    assert confirmed[["rule_id", "entity", "suspected"]].values.tolist() == [
        ["CN-GBT45251-TIME", CALLER, ""], ["CN-GBT45251-TIME", CALLER, ""]]
    assert suspected["window_start"].tolist() == ["2026-03-05T00:00:00+08:00", "2026-03-06T00:00:00+08:00"]
