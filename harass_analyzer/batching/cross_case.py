"""The collectors seen across cases, computed from the cases' bundles (never from anything else, so every
cross-case figure can be traced to a case's events.csv, entities.csv and violations.csv).

A worker reads one bundle into a small `case_summary`; `combine` joins the summaries:
- a case's collector entity (a row of its entities.csv) is a node; nodes join (union-find) when they
  share a name that is a signature 【XX】 or platform name (the per-case entity name), or share a number;
- collectors.csv has one row per joined entity (level "entity") and one per collector number ("number"):
  cases reached, incoming contacts in all cases, first/last seen, violations by rule, the case list, and
  the evidence for the join (signatures, platform names, callback numbers, numbers shared by cases).
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from ..report.csvsafe import unescape_cell

_SIG = re.compile(r"signature 【(.+?)】 from")
_PLATFORM = re.compile(r"named platform 「(.+?)」 from")
_CALLBACK = re.compile(r"callback number (\S+) quoted by")
COLLECTOR_COLUMNS = ["level", "collector", "entity", "numbers", "cases_reached", "contacts", "first_seen",
                     "last_seen", "violations", "violations_by_rule", "cases", "evidence"]
CASE_COLUMNS = ["case", "role", "tz", "events", "events_in", "collectors", "collection_contacts", "violations",
                "inputs"]


def _read(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame(columns=columns or [])
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, usecols=columns)
    return frame.map(unescape_cell) if len(frame) else frame


def case_summary(bundle: Path, case: dict) -> dict:
    """What the cross-case tables need from one case's bundle: a few small frames (read on the worker)."""
    events = _read(bundle / "events.csv", ["timestamp", "direction", "counterpart", "entity"])
    entities = _read(bundle / "entities.csv")
    violations = _read(bundle / "violations.csv")
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    names = set(entities["entity"]) if len(entities) else set()
    incoming = events.loc[events["direction"].eq("in") & events["entity"].isin(names)]
    stamps = pd.to_datetime(incoming["timestamp"], utc=True, format="ISO8601")
    contacts = (incoming.assign(ms=stamps.dt.as_unit("ms").astype("int64"))
                .groupby(["entity", "counterpart"], sort=True)["ms"].agg(["size", "min", "max"]).reset_index()
                .rename(columns={"size": "contacts", "min": "first_ms", "max": "last_ms"}))
    # The week of each contact in the case's own local time (the timestamp's date as written).
    local_day = pd.to_datetime(incoming["timestamp"].str.slice(0, 10), format="%Y-%m-%d")
    week = (local_day - pd.to_timedelta(local_day.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    weekly = (incoming.assign(week=week.to_numpy()).groupby(["entity", "week"], sort=True).size()
              .rename("contacts").reset_index())
    ents = pd.DataFrame({
        "entity": entities.get("entity", pd.Series(dtype=str)),
        "numbers": [sorted(n for n in str(v).split(";") if n) for v in entities.get("numbers", [])],
        "signatures": [sorted(set(_SIG.findall(e))) for e in entities.get("evidence", [])],
        "platforms": [sorted(set(_PLATFORM.findall(e))) for e in entities.get("evidence", [])],
        "callbacks": [sorted(set(_CALLBACK.findall(e))) for e in entities.get("evidence", [])],
    })
    viol = (violations[["rule_id", "entity", "counterpart"]].value_counts(sort=False).rename("n").reset_index()
            .sort_values(["rule_id", "entity", "counterpart"]) if len(violations)
            else pd.DataFrame(columns=["rule_id", "entity", "counterpart", "n"]))
    return {"case": case, "events": len(events), "events_in": int(events["direction"].eq("in").sum()),
            "entities": ents, "contacts": contacts, "weekly": weekly, "violations": viol,
            "inputs": [(i["path"], i["sha256"]) for i in manifest.get("inputs", [])]}


class _Joins:
    """Union-find over node ids (case, entity) through keys (names and numbers)."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _is_number(name: str) -> bool:
    return bool(re.fullmatch(r"\+?[\d\-]+", name))


def _rules_text(counts: Counter) -> str:
    return ";".join(f"{rule}:{n}" for rule, n in sorted(counts.items()))


def _iso(ms: float, tz: str) -> str:
    if pd.isna(ms):
        return ""
    return pd.Timestamp(int(ms), unit="ms", tz="UTC").tz_convert(tz).isoformat()


def _in_cases(where: dict[str, set], min_cases: int = 1) -> list[str]:
    return [f"{value} in {len(cs)} case(s): {', '.join(sorted(cs))}" for value, cs in sorted(where.items())
            if len(cs) >= min_cases]


def combine(summaries: list[dict], tz: str = "Asia/Shanghai") -> dict[str, pd.DataFrame]:
    """collectors (entity and number rows), cases and weekly (cross-case entity × week) tables."""
    joins, node_numbers = _Joins(), {}
    for s in summaries:
        case = s["case"]["name"]
        for ent, numbers in zip(s["entities"]["entity"], s["entities"]["numbers"]):
            node = ("node", case, ent)
            node_numbers[node] = numbers
            if not _is_number(ent):
                joins.union(node, ("name", ent))
            for number in numbers:
                joins.union(node, ("number", number))
    group_of = {node: joins.find(node) for node in node_numbers}
    names: dict = defaultdict(Counter)
    for (_, case, ent), root in group_of.items():
        names[root][ent] += 1
    label = {root: sorted(c.items(), key=lambda kv: (_is_number(kv[0]), -kv[1], kv[0]))[0][0]
             for root, c in names.items()}
    entity_of = {(node[1], node[2]): label[root] for node, root in group_of.items()}

    acc: dict = defaultdict(lambda: {"cases": set(), "contacts": 0, "first": float("nan"), "last": float("nan"),
                                     "rules": Counter(), "numbers": set(), "sig": defaultdict(set),
                                     "platform": defaultdict(set), "callback": defaultdict(set),
                                     "number_cases": defaultdict(set), "entity": ""})
    weekly: Counter = Counter()
    case_rows = []

    def seen(row: dict, first: float, last: float, n: int) -> None:
        row["contacts"] += n
        row["first"] = first if pd.isna(row["first"]) else min(row["first"], first)
        row["last"] = last if pd.isna(row["last"]) else max(row["last"], last)

    for s in summaries:
        case = s["case"]["name"]
        for ent, numbers, sigs, plats, cbs in s["entities"][["entity", "numbers", "signatures", "platforms",
                                                               "callbacks"]].itertuples(index=False):
            row = acc[("entity", entity_of[(case, ent)])]
            row["cases"].add(case)
            row["numbers"].update(numbers)
            for key, values in (("sig", sigs), ("platform", plats), ("callback", cbs)):
                for v in values:
                    row[key][v].add(case)
            for number in numbers:
                row["number_cases"][number].add(case)
                num = acc[("number", number)]
                num["cases"].add(case)
                num["entity"] = entity_of[(case, ent)]
        for ent, number, n, first, last in s["contacts"][["entity", "counterpart", "contacts", "first_ms",
                                                          "last_ms"]].itertuples(index=False):
            seen(acc[("entity", entity_of[(case, ent)])], first, last, int(n))
            if ("number", number) in acc:
                seen(acc[("number", number)], first, last, int(n))
        for ent, week, n in s["weekly"][["entity", "week", "contacts"]].itertuples(index=False):
            weekly[(entity_of[(case, ent)], week)] += int(n)
        for rule, ent, counterpart, n in s["violations"][["rule_id", "entity", "counterpart", "n"]].itertuples(
                index=False):
            if (case, ent) in entity_of:
                acc[("entity", entity_of[(case, ent)])]["rules"][rule] += int(n)
            for number in str(counterpart).split(";"):
                if ("number", number) in acc:
                    acc[("number", number)]["rules"][rule] += int(n)
        viol = int(s["violations"]["n"].astype(int).sum()) if len(s["violations"]) else 0
        contacts = int(s["contacts"]["contacts"].sum()) if len(s["contacts"]) else 0
        case_rows.append([case, s["case"]["role"], s["case"]["tz"], s["events"], s["events_in"],
                          len(s["entities"]), contacts, viol, ";".join(p for p, _ in s["inputs"])])

    rows = []
    for (level, key), row in acc.items():
        if level == "entity":
            evidence = (["signature " + e for e in _in_cases({f"【{k}】": v for k, v in row["sig"].items()})]
                        + ["platform name " + e for e in _in_cases({f"「{k}」": v for k, v in row["platform"].items()})]
                        + ["callback number " + e for e in _in_cases(row["callback"])]
                        + ["shared number " + e for e in _in_cases(row["number_cases"], 2)])
            entity, numbers = key, ";".join(sorted(row["numbers"]))
        else:
            entity, numbers, evidence = row["entity"], key, []
        rows.append([level, key, entity, numbers, len(row["cases"]), row["contacts"], _iso(row["first"], tz),
                     _iso(row["last"], tz), sum(row["rules"].values()), _rules_text(row["rules"]),
                     ";".join(sorted(row["cases"])), "; ".join(evidence)])
    collectors = pd.DataFrame(rows, columns=COLLECTOR_COLUMNS)
    if len(collectors):
        collectors = collectors.sort_values(["level", "cases_reached", "contacts", "collector"],
                                            ascending=[True, False, False, True], kind="mergesort")
    weekly_frame = pd.DataFrame([(e, w, n) for (e, w), n in sorted(weekly.items())],
                                columns=["entity", "week", "contacts"])
    return {"collectors": collectors.reset_index(drop=True),
            "cases": pd.DataFrame(case_rows, columns=CASE_COLUMNS).sort_values("case", kind="mergesort")
            .reset_index(drop=True),
            "weekly": weekly_frame}
