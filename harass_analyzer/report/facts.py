"""The figures every human-readable output shares (report.html, report.md, complaint.md), computed once
from an Analysis so the three never disagree, and every count is a sum over senders.csv rows.

Grouping: a *collector group* is an entity from analysis.entities (entity column on events) when the
rules/entities step ran; without it each number that sent a collection message (or appears in
violations) is its own group, and the report says numbers were not grouped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..analysis.senders import incoming

# Most serious first: examples quote these before plain reminders.
TAG_SEVERITY = ("violence", "impersonation", "exposure", "legal_threat", "visit_threat", "insult",
                "third_party", "reminder")
EXAMPLES_PER_ENTITY = 5
WORST_DAYS = 3


@dataclass
class EntityFacts:
    name: str
    numbers: list[str]
    evidence: str
    first_seen: str
    last_seen: str
    total_in: int
    messages_in: int
    calls_in: int
    calls_unanswered: int
    collection_msgs: int
    night_in: int
    active_days: int
    worst_days: list[tuple[str, int]]
    night_examples: list[dict]
    violations: pd.DataFrame
    examples: list[dict]
    tags: dict[str, int] = field(default_factory=dict)


@dataclass
class ReportFacts:
    lang: str
    tz: str
    redacted: bool
    first_day: str
    last_day: str
    events: int
    incoming: int
    numbers: int
    issues: int
    duplicates_merged: int
    night_hours: tuple[int, int]
    grouped: bool
    entities: list[EntityFacts]
    violations: pd.DataFrame | None
    profile_name: str
    profile_text: str
    rule_titles: dict[str, str]
    issue_reasons: list[tuple[str, int]]
    inputs: list[dict]
    senders: pd.DataFrame

    @property
    def collector_numbers(self) -> set[str]:
        return {n for e in self.entities for n in e.numbers}


def group_column(events: pd.DataFrame) -> pd.Series:
    """The collector group of each event: its entity when assigned, else its own number."""
    if "entity" in events.columns:
        ent = events["entity"].fillna("").astype(str)
        return ent.where(ent.ne(""), events["counterpart"])
    return events["counterpart"]


def collector_groups(events: pd.DataFrame, entities: pd.DataFrame | None,
                     violations: pd.DataFrame | None) -> list[str]:
    """Groups that are collectors: the entities table's, else groups with a received collection message;
    plus any group a violation names."""
    groups = group_column(events)
    if entities is not None:
        found = set(entities["entity"].astype(str))
    else:
        inc = incoming(events)
        found = set(groups.loc[inc.index][inc["kind"].ne("call") & inc["category"].eq("collection")])
    if violations is not None and len(violations):
        found |= set(violations["entity"].astype(str))
    found.discard("")
    return sorted(found)


def _profile_bits(analysis, lang: str) -> tuple[str, str, dict[str, str], tuple[int, int]]:
    profile = analysis.profile
    if profile is None:
        return "", "", {}, (22, 8)
    try:
        from ..rules import describe_profile

        text = describe_profile(profile, lang=lang, tz=analysis.tz)
    except ImportError:
        text = ""
    titles = {r.id: (r.title_zh if lang == "zh" else r.title_en) or r.id for r in profile.rules}
    return profile.name, text, titles, tuple(profile.night_hours)


def _examples(msgs: pd.DataFrame) -> list[dict]:
    """Up to EXAMPLES_PER_ENTITY distinct collection messages: the earliest of each tag, most serious tag
    first, then the earliest untagged; shown in time order."""
    if msgs.empty:
        return []
    ordered = msgs.sort_values(["ts_ms", "event_id"], kind="mergesort").drop_duplicates("body")
    tags = ";" + ordered["tags"].fillna("").astype(str) + ";"
    picked: list = []
    for tag in TAG_SEVERITY:
        hits = ordered.index[tags.str.contains(f";{tag};", regex=False).to_numpy()]
        fresh = [i for i in hits[: len(picked) + 1] if i not in picked]
        if fresh:
            picked.append(fresh[0])
    # Then rows whose tag combination is not shown yet, then any others (each in time order).
    rest = ordered.drop(index=picked)
    new_combo = ~rest["tags"].isin(set(ordered.loc[picked, "tags"])).to_numpy()
    picked += list(rest.index[new_combo][:EXAMPLES_PER_ENTITY]) + list(rest.index[~new_combo][:EXAMPLES_PER_ENTITY])
    chosen = ordered.loc[picked[:EXAMPLES_PER_ENTITY]].sort_values(["ts_ms", "event_id"], kind="mergesort")
    return [{"event_id": r.event_id, "timestamp": r.timestamp, "counterpart": r.counterpart,
             "body": r.body, "tags": r.tags} for r in chosen.itertuples()]


def _entity_facts(name: str, inc: pd.DataFrame, senders: pd.DataFrame, numbers: list[str], evidence: str,
                  violations: pd.DataFrame | None, night: pd.Series) -> EntityFacts:
    rows = senders.loc[senders["counterpart"].isin(numbers)]
    mine = inc.loc[inc["counterpart"].isin(numbers)]
    day = mine["timestamp"].str[:10]
    per_day = day.value_counts()
    worst = sorted(per_day.items(), key=lambda kv: (-kv[1], kv[0]))[:WORST_DAYS]
    at_night = mine.loc[night.loc[mine.index]]
    msgs = mine.loc[mine["kind"].ne("call") & mine["category"].eq("collection")]
    exploded = msgs["tags"].fillna("").astype(str).str.split(";").explode()
    tag_counts = {str(k): int(v) for k, v in exploded[exploded.ne("")].value_counts().items()}
    viol = (violations.loc[violations["entity"].astype(str).eq(name)] if violations is not None
            else pd.DataFrame())
    return EntityFacts(
        name=name, numbers=numbers, evidence=evidence,
        first_seen=str(rows["first_seen"].min()) if len(rows) else "",
        last_seen=str(rows["last_seen"].max()) if len(rows) else "",
        total_in=int(rows["total_in"].sum()), messages_in=int(rows["messages_in"].sum()),
        calls_in=int(rows["calls_in"].sum()), calls_unanswered=int(rows["calls_unanswered"].sum()),
        collection_msgs=int(rows["collection_msgs"].sum()), night_in=int(rows["night_in"].sum()),
        active_days=int(day.nunique()), worst_days=[(d, int(n)) for d, n in worst],
        night_examples=[{"event_id": r.event_id, "timestamp": r.timestamp, "counterpart": r.counterpart,
                         "kind": r.kind} for r in at_night.head(EXAMPLES_PER_ENTITY).itertuples()],
        violations=viol, examples=_examples(msgs), tags=dict(sorted(tag_counts.items())))


def build_facts(analysis, lang: str | None = None) -> ReportFacts:
    """`analysis` is harass_analyzer.api.Analysis (possibly redacted)."""
    lang = lang or analysis.options.lang
    events, senders = analysis.events, analysis.senders
    profile_name, profile_text, titles, night_hours = _profile_bits(analysis, lang)
    # Only the columns the facts read: every selection below then copies 9 columns, not 25.
    inc = incoming(events)[["event_id", "ts_ms", "timestamp", "local_time", "kind", "counterpart", "category",
                            "tags", "body"]]
    start, end = night_hours
    hour = inc["local_time"].dt.hour
    night = (hour >= start) | (hour < end)
    if analysis.profile is not None:
        night = analysis.profile.is_disallowed(inc["local_time"])
    groups = group_column(events)
    entities_df = analysis.entities
    evidence = {}
    if entities_df is not None:
        evidence = dict(zip(entities_df["entity"].astype(str), entities_df["evidence"].astype(str)))
    facts = []
    for name in collector_groups(events, entities_df, analysis.violations):
        numbers = sorted(set(events.loc[groups.eq(name), "counterpart"]))
        if not numbers and entities_df is not None:
            row = entities_df.loc[entities_df["entity"].astype(str).eq(name), "numbers"]
            numbers = sorted(str(row.iloc[0]).split(";")) if len(row) else []
        facts.append(_entity_facts(name, inc, senders, numbers, evidence.get(name, ""),
                                   analysis.violations, night))
    facts.sort(key=lambda f: (-f.total_in, f.name))
    reasons = (analysis.issues["reason"].value_counts().sort_index().items()
               if len(analysis.issues) else [])
    stamps = events["timestamp"]  # events are sorted by time
    return ReportFacts(
        lang=lang, tz=analysis.tz, redacted=bool(analysis.options.redact),
        first_day=stamps.iloc[0][:10] if len(stamps) else "", last_day=stamps.iloc[-1][:10] if len(stamps) else "",
        events=len(events), incoming=len(inc), numbers=len(senders), issues=len(analysis.issues),
        duplicates_merged=analysis.duplicates_merged, night_hours=night_hours,
        grouped=entities_df is not None, entities=facts, violations=analysis.violations,
        profile_name=profile_name, profile_text=profile_text, rule_titles=titles,
        issue_reasons=[(str(r), int(n)) for r, n in reasons], inputs=analysis.inputs, senders=senders)
