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

import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from ..analysis.columns import join_ranges, key_counts
from ..analysis.entities import assign_entities
from ..errors import ConfigError
from ..timeconv import iso_strings
from .checks import CHECKS, ROW_COLUMNS
from .profile import (LEGAL_WEIGHTS, ROLES, Citation, Rule, RuleProfile, builtin_profiles,
                      disallowed_mask, load_profile)
from .table import ContactTable, Found, build_table
from .text import describe_profile, format_profile

VIOLATION_COLUMNS = ["rule_id", "entity", "counterpart", "window_start", "window_end", "count", "threshold",
                     "event_ids", "citation", "legal_weight", "suspected"]
SUSPECTED = "suspected — no collection text"  # rows resting on call patterns alone (analysis.call_patterns)
DEFAULT_PROFILE = "cn"

__all__ = ["VIOLATION_COLUMNS", "SUSPECTED", "DEFAULT_PROFILE", "LEGAL_WEIGHTS", "ROLES", "Citation", "Rule", "RuleProfile",
           "builtin_profiles", "check_rules", "describe_profile", "disallowed_mask", "format_profile",
           "load_profile", "check_stop_date"]


def check_stop_date(stop_date: str | None) -> None:
    """ConfigError unless `stop_date` is None or a real calendar day written YYYY-MM-DD."""
    if stop_date is None:
        return
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", stop_date):
            raise ValueError("not YYYY-MM-DD")
        date.fromisoformat(stop_date)
    except ValueError as exc:
        raise ConfigError(f"stop date {stop_date!r} (--stop-date) is not a date ({exc}); use "
                          "YYYY-MM-DD, e.g. 2024-03-01") from None


def check_rules(events: pd.DataFrame, profile: RuleProfile, role: str = "debtor",
                stop_date: str | None = None, confirmed: set[str] | None = None,
                suspects: set[str] | None = None) -> pd.DataFrame:
    """violations.csv rows for every rule of `profile` that applies to `role`, in profile order, then
    entity, window_start, counterpart. Windows are ISO 8601 local times with offset.

    `confirmed`: entities the user labelled collectors (checked like collectors with collection texts);
    `suspects`: suspected collectors (analysis.call_patterns), checked by every rule too, their rows
    marked SUSPECTED in the `suspected` column (the caller passes no entity that sent collection texts)."""
    if role not in ROLES:
        raise ConfigError(f"role {role!r}: use one of {', '.join(ROLES)}")
    check_stop_date(stop_date)
    if "entity" not in events.columns:
        events, _ = assign_entities(events)
    confirmed, suspects = set(confirmed or ()), set(suspects or ()) - set(confirmed or ())
    table = build_table(events, frozenset(confirmed | suspects))
    parts = []
    for order, rule in enumerate(profile.rules):
        if role not in rule.roles:
            continue
        found = CHECKS[rule.kind](table, table.period(rule.effective_from, rule.effective_until), rule,
                                  role=role, stop_date=stop_date)
        if found is not None and len(found.ent):
            parts.append((order, rule, found))
    if not parts:
        return pd.DataFrame(columns=VIOLATION_COLUMNS)
    return _violation_rows(table, parts, suspects)


def _violation_rows(table: ContactTable, parts: list[tuple[int, Rule, Found]], suspects: set[str]) -> pd.DataFrame:
    """Text for every row: names, counterparts, event ids (one rule at a time: small temporaries)."""
    frames = []
    for order, rule, found in parts:
        ids = join_ranges(table.event_ids, table.pos[found.members], found.offsets)
        if found.prefix is not None:
            ids = [f"{p};{i}" if p else i for p, i in zip(found.prefix, ids)]
        frames.append(pd.DataFrame({
            "rule_id": rule.id, "entity": table.entities[found.ent],
            "counterpart": pd.Series(_counterparts(table, found), dtype=object),  # as before: object
            "_start_ns": found.start_ns, "_end_ns": found.end_ns, "count": found.count.astype(np.int64),
            "threshold": np.int64(found.threshold), "event_ids": pd.Series(ids, dtype=object),
            "citation": rule.citation_text(), "legal_weight": rule.legal_weight, "_order": order,
        }))
        frames[-1]["suspected"] = np.where(frames[-1]["entity"].isin(sorted(suspects)), SUSPECTED, "")
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(["_order", "entity", "_start_ns", "counterpart"], kind="mergesort")
    frame["window_start"] = _iso(frame["_start_ns"], table.tz)
    frame["window_end"] = _iso(frame["_end_ns"], table.tz)
    return frame[VIOLATION_COLUMNS].reset_index(drop=True)


def _counterparts(table: ContactTable, found: Found) -> list[str]:
    """Per row: its distinct counterparts in name order, ';'-joined (codes are in name order)."""
    code, names = table.number_codes[found.members], table.numbers
    width = len(names) + 1  # last code: a missing counterpart
    rows = len(found.ent)
    cells = np.repeat(np.arange(rows, dtype=np.int64) * width, found.count)
    cells += np.where(code < 0, len(names), code)
    pairs, _ = key_counts(cells, rows * width)
    per_row = np.bincount(pairs // width, minlength=rows)
    values = pa.array(list(names) + ["nan"], type=pa.string())
    return join_ranges(values, pairs % width, np.r_[0, np.cumsum(per_row)])


def _iso(ns: pd.Series, tz) -> pd.Series:
    stamps = pd.Series(pd.to_datetime(ns.to_numpy(), unit="ns", utc=tz is not None), index=ns.index)
    if tz is None:
        return stamps.map(lambda t: t.isoformat(timespec="seconds"))
    return iso_strings(stamps.dt.tz_convert(tz))
