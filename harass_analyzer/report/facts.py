"""The figures every human-readable output shares (report.html, report.md, complaint.md), computed once
from an Analysis so the three never disagree, and every count is a sum over senders.csv rows.

Grouping: a *collector group* is an entity from analysis.entities (entity column on events) when the
rules/entities step ran; without it each number that sent a collection message (or appears in
violations) is its own group, and the report says numbers were not grouped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..analysis.senders import incoming
from .examples import EXAMPLES as EXAMPLES_PER_ENTITY
from .findings import build_findings
from .examples import TAG_SEVERITY, candidates, pick_examples, pick_from  # noqa: F401  (public names)
from ..analysis.columns import key_counts, stable_order
from ..analysis.recordings import recordings_of
from .tally import NIGHT_FIRST, Tally, build_tally
from ..schema import Analysis

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
    recordings: list[str] = field(default_factory=list)  # issue 20: its call recordings (linked to its calls)


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
    tally: Tally | None = field(default=None, repr=False, compare=False)  # what the charts count from
    role: str = "debtor"
    findings: dict = field(default_factory=dict, repr=False, compare=False)  # entity → [findings.Finding]
    frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)  # the events frame
    profile: object | None = field(default=None, repr=False, compare=False)
    options: dict = field(default_factory=dict)  # the run options (manifest, report, PDF)
    suspects: list[EntityFacts] = field(default_factory=list)  # suspected collectors (calls only), never in `entities`
    suspects_table: pd.DataFrame | None = None  # suspects.csv
    personal_excluded: int = 0
    role_hint: dict | None = None

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
    if entities is not None:
        found = set(entities["entity"].astype(str))
    else:
        inc = incoming(events[["kind", "direction", "msg_status", "category"]])  # not a copy of every column
        msgs = inc.index[(inc["kind"].ne("call") & inc["category"].eq("collection")).to_numpy()]
        found = set(group_column(events).loc[msgs])
    if violations is not None and len(violations):
        found |= set(violations["entity"].astype(str))
    found.discard("")
    return sorted(found)


def _profile_bits(analysis: Analysis, lang: str) -> tuple[str, str, dict[str, str], tuple[int, int]]:
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


def build_facts(analysis: Analysis, lang: str | None = None) -> ReportFacts:
    """`analysis` is harass_analyzer.api.Analysis (possibly redacted)."""
    lang = lang or analysis.options.lang
    events, senders, entities_df = analysis.events, analysis.senders, analysis.entities
    profile_name, profile_text, titles, night_hours = _profile_bits(analysis, lang)
    tally = build_tally(events, analysis.profile, night_hours)
    evidence = {}
    if entities_df is not None:
        evidence = dict(zip(entities_df["entity"].astype(str), entities_df["evidence"].astype(str)))
    found = set(entities_df["entity"].astype(str)) if entities_df is not None else set(tally.msg_groups)
    if analysis.violations is not None and len(analysis.violations):
        found |= set(analysis.violations["entity"].astype(str))
    found.discard("")
    suspects_df = getattr(analysis.suspects, "table", None)
    suspect_names = set(suspects_df["entity"].astype(str)) if suspects_df is not None else set()
    if suspects_df is not None:
        evidence.update(zip(suspects_df["entity"].astype(str), suspects_df["evidence"].astype(str)))
    found |= suspect_names  # figured like collectors, reported apart (report/suspects.py)
    groups = []
    for name in sorted(found):  # the collector_groups() of this events frame
        numbers = sorted({tally.numbers[c] for c in tally.groups.get(name, ())})
        if not numbers and entities_df is not None:
            row = entities_df.loc[entities_df["entity"].astype(str).eq(name), "numbers"]
            numbers = sorted(str(row.iloc[0]).split(";")) if len(row) else []
        groups.append((name, numbers, tally.codes_for(numbers)))
    shared = _Shared(events, tally, senders, analysis.violations, [codes for _, _, codes in groups])
    facts = [_entity_facts(name, numbers, codes, evidence.get(name, ""), shared, k)
             for k, (name, numbers, codes) in enumerate(groups)]
    facts.sort(key=lambda f: (-f.total_in, f.name))
    suspect_facts = [e for e in facts if e.name in suspect_names]
    facts = [e for e in facts if e.name not in suspect_names]
    for e in facts + suspect_facts:  # issue 20 hook: the call recordings linked to this collector's calls
        e.recordings = recordings_of(getattr(analysis, "recordings", None), e.numbers)
    skipped = analysis.issues[analysis.issues["records_skipped"].astype(int) > 0] if len(analysis.issues) else []
    reasons = skipped["reason"].value_counts().sort_index().items() if len(skipped) else []
    stamps = events["timestamp"]  # events are sorted by time
    role = getattr(analysis.options, "role", "debtor")
    return ReportFacts(
        lang=lang, tz=analysis.tz, redacted=bool(analysis.options.redact),
        first_day=stamps.iloc[0][:10] if len(stamps) else "", last_day=stamps.iloc[-1][:10] if len(stamps) else "",
        events=len(events), incoming=len(tally.rows), numbers=len(senders),
        issues=int(analysis.issues["records_skipped"].astype(int).sum()) if len(analysis.issues) else 0,
        duplicates_merged=analysis.duplicates_merged, night_hours=night_hours,
        grouped=entities_df is not None, entities=facts, violations=analysis.violations,
        profile_name=profile_name, profile_text=profile_text, rule_titles=titles,
        issue_reasons=[(str(r), int(n)) for r, n in reasons], inputs=analysis.inputs, senders=senders, tally=tally,
        role=role, findings=build_findings(analysis.violations, events, analysis.profile, lang, role),
        frame=events, profile=analysis.profile, options=run_options(analysis),
        suspects=suspect_facts, suspects_table=suspects_df,
        personal_excluded=getattr(analysis, "personal_excluded", 0), role_hint=getattr(analysis, "role_hint", None))


def run_options(analysis: Analysis) -> dict:
    """The options that shape the bundle's content (manifest.json "options", the report's method section)."""
    o = analysis.options
    return {"role": o.role, "rules": str(o.rules), "stop_date": o.stop_date, "redact": bool(o.redact),
            "tz": analysis.tz, "lang": o.lang,
            "entities_file": str(o.entities_file) if o.entities_file else None,
            "lexicon": str(o.lexicon) if o.lexicon else None,
            "numbers_file": str(o.numbers_file) if getattr(o, "numbers_file", None) else None}


SENDER_SUMS = ("total_in", "messages_in", "calls_in", "calls_unanswered", "collection_msgs", "night_in")
EXAMPLE_COLUMNS = ("ts_ms", "event_id", "timestamp", "counterpart", "body", "tags")


class _Shared:
    """What every collector's figures are looked up in, built once: per-collector work is then a few
    binary searches and small-list operations, so thousands of collectors stay cheap."""

    def __init__(self, events: pd.DataFrame, tally: Tally, senders: pd.DataFrame,
                 violations: pd.DataFrame | None, group_codes: list[np.ndarray]) -> None:
        self.tally = tally
        daily, tags = tally.daily(), _tag_table(tally)  # both sorted by counterpart code
        self.daily = {c: daily[c].to_numpy() for c in ("cp", "day", "n")}
        self.tags = {c: tags[c].to_numpy() for c in ("cp", "tag", "n")}
        self.sender_at = {n: i for i, n in enumerate(senders["counterpart"].tolist())}
        self.sums = {c: senders[c].to_numpy() for c in SENDER_SUMS}
        self.seen = (senders["first_seen"].tolist(), senders["last_seen"].tolist())
        self.violations = violations
        self.violations_of = ({str(k): v for k, v in violations.groupby(violations["entity"].astype(str), sort=False)}
                              if violations is not None else {})
        night_rows = tally.first_rows(tally.night, NIGHT_FIRST)  # ascending: events order
        night_of: dict[int, list[int]] = {}
        for row, cp in zip(night_rows.tolist(), tally.cp[night_rows].tolist()):
            night_of.setdefault(cp, []).append(row)
        night = [np.array(sorted(r for c in codes.tolist() for r in night_of.get(c, ()))[:EXAMPLES_PER_ENTITY],
                          dtype=np.int64) for codes in group_codes]
        example_rows = _example_rows(events, tally, group_codes)
        # One take of the few columns shown, for every collector's rows at once.
        self.night = _rows_as_lists(events, tally.rows[_concat(night)], ("event_id", "timestamp", "counterpart", "kind"))
        self.night_at = np.cumsum([0] + [len(r) for r in night])
        self.examples = _rows_as_lists(events, _concat(example_rows), EXAMPLE_COLUMNS)
        self.examples_at = np.cumsum([0] + [len(r) for r in example_rows])

    def counts(self, table: dict, key: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distinct `key` values, summed n) over a count table's rows of counterpart codes `codes`."""
        lo, hi = np.searchsorted(table["cp"], codes, "left"), np.searchsorted(table["cp"], codes, "right")
        take = _concat([np.arange(a, b) for a, b in zip(lo, hi)])
        values, where = np.unique(table[key][take], return_inverse=True)
        return values, np.bincount(where, weights=table["n"][take], minlength=len(values)).astype(np.int64)


def _entity_facts(name: str, numbers: list[str], codes: np.ndarray, evidence: str, shared: _Shared,
                  k: int) -> EntityFacts:
    """One collector's figures (the k-th group): `codes` are its counterpart codes in the tally."""
    rows = [shared.sender_at[n] for n in numbers if n in shared.sender_at]  # its senders.csv rows
    days, per_day = shared.counts(shared.daily, "day", codes)
    worst = sorted(zip(days.tolist(), per_day.tolist()), key=lambda kv: (-kv[1], kv[0]))[:WORST_DAYS]
    tag_counts: dict[str, int] = {}
    for code, n in zip(*shared.counts(shared.tags, "tag", codes)):
        value = shared.tally.tag_values[code]
        for tag in ([] if pd.isna(value) else str(value).split(";")):
            if tag:
                tag_counts[tag] = tag_counts.get(tag, 0) + int(n)
    if shared.violations is None:
        viol = pd.DataFrame()
    else:
        viol = shared.violations_of.get(name, shared.violations.iloc[:0])
    night = {c: v[shared.night_at[k]:shared.night_at[k + 1]] for c, v in shared.night.items()}
    msgs = {c: v[shared.examples_at[k]:shared.examples_at[k + 1]] for c, v in shared.examples.items()}
    return EntityFacts(
        name=name, numbers=numbers, evidence=evidence,
        first_seen=str(min(shared.seen[0][i] for i in rows)) if rows else "",
        last_seen=str(max(shared.seen[1][i] for i in rows)) if rows else "",
        **{c: int(shared.sums[c][rows].sum()) for c in SENDER_SUMS},
        active_days=len(days), worst_days=[(str(np.datetime64(d, "D")), n) for d, n in worst],
        night_examples=[dict(zip(night, r)) for r in zip(*night.values())],
        violations=viol, examples=pick_from(list(zip(*msgs.values()))), tags=dict(sorted(tag_counts.items())))


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def _rows_as_lists(events: pd.DataFrame, rows: np.ndarray, columns: tuple[str, ...]) -> dict[str, list]:
    picked = events[list(columns)].iloc[rows]  # the columns first: a take of these few, not of all
    return {c: picked[c].tolist() for c in columns}


def _tag_table(tally: Tally) -> pd.DataFrame:
    """Received collection messages per (counterpart code, raw tags value code): columns cp, tag, n."""
    msgs = tally.collection_msgs
    width = max(len(tally.tag_values), 1)
    key = tally.cp[msgs].astype(np.int64)
    key *= width
    key += tally.tag_codes[msgs]
    keys, counts = key_counts(key, len(tally.numbers) * width)
    return pd.DataFrame({"cp": keys // width, "tag": keys % width, "n": counts})


def _example_rows(events: pd.DataFrame, tally: Tally, group_codes: list[np.ndarray]) -> list[np.ndarray]:
    """Per collector: the positions (in events) of the collection messages `pick_examples` may choose from
    (examples.candidates), in (ts_ms, event_id) order."""
    msgs = np.flatnonzero(tally.collection_msgs).astype(np.int32)
    order = _time_order(events, tally.rows[msgs])
    if order is not None:
        msgs = msgs[order]
    cp = tally.cp[msgs]
    by_cp = stable_order(cp).astype(np.int32)
    starts = np.searchsorted(cp[by_cp], np.arange(len(tally.numbers) + 1))
    del cp
    pos = tally.rows[msgs]
    rows, combos = [], []
    for codes in group_codes:
        mine = np.sort(np.concatenate([by_cp[starts[c]:starts[c + 1]] for c in codes])) if len(codes) \
            else np.zeros(0, dtype=np.int64)
        rows.append(pos[mine])
        combos.append(tally.tag_codes[msgs[mine]])
    return candidates(_arrow_text(events["body"]), rows, combos)


def _time_order(events: pd.DataFrame, pos: np.ndarray) -> np.ndarray | None:
    """The permutation that sorts rows `pos` by (ts_ms, event_id), None when they are in that order
    already (as usual: events are sorted by time and numbered in that order)."""
    ts = events["ts_ms"].to_numpy()[pos]
    if not (ts[1:] < ts[:-1]).any():
        ties = np.flatnonzero(ts[1:] == ts[:-1])
        if not len(ties):
            return None
        ids = _arrow_text(events["event_id"])
        if pc.all(pc.less(ids.take(pos[ties]), ids.take(pos[ties + 1]))).as_py():
            return None
    keys = pd.DataFrame({"ts": ts, "id": events["event_id"].to_numpy()[pos]})
    return keys.sort_values(["ts", "id"], kind="mergesort").index.to_numpy()


def _arrow_text(column: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (no copy when it is Arrow-backed already)."""
    values = pa.array(column, from_pandas=True)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.dictionary_decode() if pa.types.is_dictionary(values.type) else values
