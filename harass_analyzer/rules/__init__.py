"""Rule checks against jurisdiction profiles (rules.md §1, §2, §3, §5) → violations.csv.

    profile = load_profile("cn")                      # cn (default) | us | au | in | path/to/pack.json
    events, entities = assign_entities(events)        # analysis.entities
    violations = check_rules(events, profile, role="debtor", stop_date=None)
    print(format_profile(profile))                    # the `rules` command
    describe_profile(profile, lang="zh", tz="Asia/Shanghai")  # paragraph for the report

GB/T 45251 is a recommended national standard and the 中互金/中银协 documents are self-regulation, not
statutes; every row carries the rule's legal_weight so the report can say so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.contacts import collection_contacts
from ..analysis.entities import assign_entities
from ..errors import ConfigError
from .checks import CHECKS, ROW_COLUMNS
from .profile import (LEGAL_WEIGHTS, ROLES, Citation, Rule, RuleProfile, builtin_profiles,
                      disallowed_mask, load_profile)
from .text import describe_profile, format_profile

VIOLATION_COLUMNS = ["rule_id", "entity", "counterpart", "window_start", "window_end", "count", "threshold",
                     "event_ids", "citation", "legal_weight"]
DEFAULT_PROFILE = "cn"

__all__ = ["VIOLATION_COLUMNS", "DEFAULT_PROFILE", "LEGAL_WEIGHTS", "ROLES", "Citation", "Rule", "RuleProfile",
           "builtin_profiles", "check_rules", "describe_profile", "disallowed_mask", "format_profile",
           "load_profile"]


def _effective(contacts: pd.DataFrame, rule: Rule, cache: dict) -> pd.DataFrame:
    """The contacts inside the rule's period (one filtered frame per distinct period)."""
    period = (rule.effective_from, rule.effective_until)
    if period not in cache:
        keep = np.ones(len(contacts), dtype=bool)
        dates = contacts["date"]
        if rule.effective_from is not None:
            keep &= (dates >= pd.Timestamp(rule.effective_from)).to_numpy()
        if rule.effective_until is not None:
            keep &= (dates <= pd.Timestamp(rule.effective_until)).to_numpy()
        cache[period] = contacts if keep.all() else contacts.loc[keep]
    return cache[period]


def check_rules(events: pd.DataFrame, profile: RuleProfile, role: str = "debtor",
                stop_date: str | None = None) -> pd.DataFrame:
    """violations.csv rows for every rule of `profile` that applies to `role`, in profile order, then
    entity, window_start, counterpart. Windows are ISO 8601 local times with offset."""
    if role not in ROLES:
        raise ConfigError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if "entity" not in events.columns:
        events, _ = assign_entities(events)
    contacts = collection_contacts(events)
    parts = []
    periods: dict = {}
    for order, rule in enumerate(profile.rules):
        if role not in rule.roles:
            continue
        rows = CHECKS[rule.kind](_effective(contacts, rule, periods), rule, events=events, role=role,
                                 stop_date=stop_date)
        if rows.empty:
            continue
        rows = rows[ROW_COLUMNS].copy()
        rows.insert(0, "rule_id", rule.id)
        rows["citation"] = rule.citation_text()
        rows["legal_weight"] = rule.legal_weight
        rows["_order"] = order
        rows["_start_ns"] = _utc_ns(rows["window_start"])
        parts.append(rows)
    if not parts:
        return pd.DataFrame(columns=VIOLATION_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["_order", "entity", "_start_ns", "counterpart"], kind="mergesort")
    for col in ("window_start", "window_end"):
        out[col] = out[col].map(lambda t: pd.Timestamp(t).isoformat(timespec="seconds"))
    out["count"] = out["count"].astype("int64")
    out["threshold"] = out["threshold"].astype("int64")
    return out[VIOLATION_COLUMNS].reset_index(drop=True)


def _utc_ns(stamps: pd.Series) -> pd.Series:
    return stamps.map(lambda t: pd.Timestamp(t).value)
