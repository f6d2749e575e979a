"""Suspected collectors from call patterns alone: numbers that call like collectors but never sent a
collection text (most pressure arrives as calls from fresh numbers).

Every number that called the phone is looked at, whatever its texts, unless it is already a collector
(entities.csv: collection messages, grouping, or the user's label), or it is cleared:
  - the user labelled it not_collector or personal (`--numbers`),
  - the owner called or texted it on ≥ FAMILIAR_DAYS (2) different days, or talked with it for a minute
    or more on ≥ TALK_DAYS (3) different days (family, friends, colleagues),
  - it is saved in the phone's contacts under a name that says nothing of debt,
  - it is a service code (95xxx/96xxx bank and carrier lines, 100xx, 12xxx, 106 bulk, other short
    codes): those only become suspects on a vendor's collection mark.
Signals, each spelled out in the evidence column of suspects.csv:
  burst       ≥ 5 calls within 60 minutes (the rule pack's call-burst heuristic)
  bombing     ≥ 20 calls on one day (the rule pack's call-bombing heuristic)
  unanswered  ≥ 3 unanswered calls on one day
  night       ≥ 2 calls in the rule pack's disallowed hours (22:00–08:00 by default)
  short       ≥ 3 answered calls of 5 s or less (hang-ups, robot calls)
  streak      calls on ≥ 3 consecutive days
  range       ≥ 3 numbers of one number range (all digits but the last four) calling
  mark        a vendor spam mark (骚扰, 诈骗, 推销 … imported from Huawei/Xiaomi/Samsung/iOS)
A number is a suspect on a vendor collection mark (催收) or a contact name saying so, on a burst or
bombing alone (the rule pack flags those anyway), or on any two other signals. Each suspect is its own
entity (its number); `--numbers FILE` confirms (collector, optionally naming an entity), rejects
(not_collector) or silences (personal) it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..schema import WITHHELD
from .columns import codes, day_numbers, mask_eq, wall_ns
from .labels import NumberLabels
from .number_info import SERVICE_KINDS, describe_number

SUSPECT_COLUMNS = ["entity", "numbers", "calls_in", "calls_unanswered", "night_calls", "signals", "evidence"]

FAMILIAR_DAYS = 2
TALK_S, TALK_DAYS = 60.0, 3
BURST_CALLS, BURST_MINUTES = 5, 60
BOMB_CALLS = 20
UNANSWERED_PER_DAY = 3
NIGHT_CALLS = 2
SHORT_S, SHORT_CALLS = 5.0, 3
STREAK_DAYS = 3
RANGE_NUMBERS = 3
COLLECTION_MARKS = ("催收", "催债", "贷款催收", "债务", "collection", "debt")
SPAM_MARKS = ("骚扰", "诈骗", "推销", "广告", "响一声", "欺诈", "spam", "junk", "fraud", "scam", "telemarket")
DEBT_WORDS = ("催收", "催债", "逾期", "贷", "法务", "债", "律所", "律师事务所", "借款", "还款", "资产管理")
TEXT_KINDS = ("text", "withheld", "other")


@dataclass
class Suspects:
    """The run's suspected collectors: suspects.csv rows and the cleared numbers, with why."""

    table: pd.DataFrame
    cleared: dict[str, str] = field(default_factory=dict)  # number → reason it was never a suspect

    @property
    def entities(self) -> set[str]:
        return set(self.table["entity"].astype(str))


def heuristic_params(profile) -> tuple[int, float, int]:
    """(burst calls, burst minutes, bombing calls) from the profile's own heuristic rules, so a suspect's
    burst is the same burst the rules flag."""
    burst_n, minutes, bomb = BURST_CALLS, float(BURST_MINUTES), BOMB_CALLS
    for rule in getattr(profile, "rules", ()):
        if rule.legal_weight != "heuristic" or rule.params.get("count", "contacts") not in ("calls", "contacts"):
            continue
        if rule.kind == "burst":
            burst_n, minutes = rule.threshold, float(rule.params.get("minutes", minutes))
        elif rule.kind == "daily_count" and rule.params.get("period", "day") == "day":
            bomb = rule.threshold + (1 if rule.op == ">" else 0)
    return burst_n, minutes, bomb


def find_suspects(events: pd.DataFrame, collectors: set[str], labels: NumberLabels | None = None,
                  night: np.ndarray | None = None, profile=None) -> Suspects:
    """Suspected collectors among the numbers that called. `collectors`: entity names already proven
    (entities.csv); `night`: bool per event row, the rule pack's disallowed hours."""
    labels = labels or NumberLabels()
    burst_n, minutes, bomb = heuristic_params(profile)
    number_code, numbers = codes(events["counterpart"])
    is_call = mask_eq(events["kind"], "call")
    incoming = mask_eq(events["direction"], "in")
    outgoing = mask_eq(events["direction"], "out") & (is_call | mask_eq(events["msg_status"], "sent"))
    wall = wall_ns(events["local_time"])
    day = day_numbers(wall)
    if night is None:
        hour = (wall // 3_600_000_000_000) % 24
        night = (hour >= 22) | (hour < 8)
    ent_code, ent_values = codes(events["entity"] if "entity" in events else events["counterpart"])
    proven = np.append(np.isin(ent_values, sorted(collectors)), False)[ent_code]  # code -1: no entity
    calls = np.flatnonzero(incoming & is_call & (number_code >= 0) & ~proven)
    cleared: dict[str, str] = {}
    if len(calls) == 0:
        return Suspects(_empty(), cleared)
    n = len(numbers)
    kinds = {}
    candidates = np.zeros(n, dtype=bool)
    candidates[np.unique(number_code[calls])] = True
    familiar = _familiar_days(number_code[outgoing], day[outgoing], n)
    duration = events["duration_s"].to_numpy(dtype=np.float64, na_value=np.nan)
    talks = incoming & is_call & mask_eq(events["call_status"], "answered") & (duration >= TALK_S)
    talked = _familiar_days(number_code[talks], day[talks], n)
    names = _contact_names(events, number_code, n)
    marks = _vendor_marks(events, number_code, np.flatnonzero(incoming), n)
    for code in np.flatnonzero(candidates):
        number = str(numbers[code])
        kinds[code] = describe_number(number)[0]
        if number == WITHHELD or kinds[code] in TEXT_KINDS:
            candidates[code] = False  # no number to look at (withheld callers are many people in one)
            continue
        reason = _cleared_reason(number, kinds[code], labels, familiar[code], talked[code], names.get(code, ""),
                                 marks.get(code, ""))
        if reason:
            cleared[number] = reason
            candidates[code] = False
    calls = calls[candidates[number_code[calls]]]
    if len(calls) == 0:
        return Suspects(_empty(), cleared)
    frame = _call_frame(events, calls, number_code, day, night)
    per = _signals(frame, burst_n, minutes, bomb)
    known = np.unique(number_code[np.flatnonzero(incoming & is_call & (number_code >= 0) & proven)])
    per = per.join(_ranges(np.unique(frame["code"]), known, numbers), how="left")
    rows = []
    for code, rec in per.iterrows():
        number = str(numbers[code])
        found = [(k, t) for k, t in rec["found"]]
        if isinstance(rec.get("range"), str):
            found.append(("range", rec["range"]))
        mark, name = marks.get(code, ""), names.get(code, "")
        strong = _has_any(mark, COLLECTION_MARKS) or _has_any(name, DEBT_WORDS)
        if mark:
            found.append(("mark", f"vendor mark {mark}"))
        if name:
            found.append(("name", f"saved in contacts as 「{name}」"))
        weak = {k for k, _ in found} - {"burst", "bombing", "name"}
        if not (strong or {"burst", "bombing"} & {k for k, _ in found} or len(weak) >= 2):
            continue
        rows.append((number, number, int(rec["calls"]), int(rec["unanswered"]), int(rec["night"]),
                     ";".join(k for k, _ in found), "; ".join(t for _, t in found)))
    table = pd.DataFrame(rows, columns=SUSPECT_COLUMNS).sort_values(
        ["calls_in", "entity"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    return Suspects(table, cleared)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=SUSPECT_COLUMNS)


def _has_any(text: str, words) -> bool:
    low = text.lower()
    return any(w in low for w in words)


def _cleared_reason(number: str, kind: str, labels: NumberLabels, familiar_days: int, talk_days: int,
                    name: str, mark: str) -> str:
    if number in labels.not_collector:
        return "labelled not_collector"
    if number in labels.personal:
        return "labelled personal"
    if familiar_days >= FAMILIAR_DAYS:
        return f"you called or texted it on {familiar_days} days"
    if talk_days >= TALK_DAYS and not _has_any(mark, COLLECTION_MARKS):
        return f"you talked for a minute or more on {talk_days} days"
    if name and not _has_any(name, DEBT_WORDS):
        return f"saved in contacts as 「{name}」"
    if kind in SERVICE_KINDS and not _has_any(mark, COLLECTION_MARKS):
        return f"service number ({kind})"
    return ""


def _familiar_days(code: np.ndarray, day: np.ndarray, n: int) -> np.ndarray:
    """Per number code: distinct local days on which the owner called or texted it."""
    keep = code >= 0
    pairs = np.unique(code[keep].astype(np.int64) * (1 << 32) + (day[keep] - (day.min() if len(day) else 0)))
    return np.bincount((pairs >> 32).astype(np.int64), minlength=n)


def _contact_names(events: pd.DataFrame, code: np.ndarray, n: int) -> dict[int, str]:
    """Per number code: the first non-empty contact name the phone saved for it."""
    has = np.flatnonzero(~mask_eq(events["contact_name"], "") & events["contact_name"].notna().to_numpy() & (code >= 0))
    names = pd.Series(events["contact_name"].take(has).astype(str).str.strip().to_numpy(), index=code[has])
    first = names.loc[names.ne("")].groupby(level=0, sort=True).first()
    return dict(zip(first.index.tolist(), first.tolist()))


def _vendor_marks(events: pd.DataFrame, code: np.ndarray, rows: np.ndarray, n: int) -> dict[int, str]:
    """Per number code: its distinct spam/collection vendor marks on incoming events, ';'-joined."""
    if "vendor_mark" not in events:
        return {}
    marks = events["vendor_mark"].take(rows).astype(object).to_numpy()
    has = np.flatnonzero(pd.notna(marks) & (marks != "") & (code[rows] >= 0))
    out: dict[int, set[str]] = {}
    for c, mark in zip(code[rows][has].tolist(), marks[has].tolist()):
        for part in str(mark).split(";"):
            if _has_any(part, COLLECTION_MARKS + SPAM_MARKS):
                out.setdefault(c, set()).add(part.strip())
    return {c: ";".join(sorted(v)) for c, v in out.items()}


def _call_frame(events: pd.DataFrame, calls: np.ndarray, number_code: np.ndarray, day: np.ndarray,
                night: np.ndarray) -> pd.DataFrame:
    duration = events["duration_s"].to_numpy(dtype=np.float64, na_value=np.nan)[calls]
    answered = mask_eq(events["call_status"], "answered")[calls] & ~(duration <= 0)
    frame = pd.DataFrame({
        "code": number_code[calls], "ts": events["ts_ms"].to_numpy(dtype=np.int64)[calls], "day": day[calls],
        "answered": answered, "short": answered & (duration > 0) & (duration <= SHORT_S),
        "night": np.asarray(night, dtype=bool)[calls], "event_id": events["event_id"].take(calls).astype(str).to_numpy(),
        "stamp": (events["timestamp"] if "timestamp" in events else events["local_time"]).take(calls).astype(str).to_numpy(),
    })
    return frame.sort_values(["code", "ts", "event_id"], kind="mergesort").reset_index(drop=True)


def _signals(frame: pd.DataFrame, burst_n: int, minutes: float, bomb: int) -> pd.DataFrame:
    """Per number code: calls, unanswered, night counts and the list of (signal, evidence text)."""
    code, ts = frame["code"].to_numpy(), frame["ts"].to_numpy()
    # calls within the burst window ending at each call (same number only: the key keeps numbers apart)
    key = (code.astype(np.int64) << 42) + (ts - ts.min())  # 2**42 ms is 139 years: numbers never overlap
    window = np.arange(len(frame)) - np.searchsorted(key, key - int(minutes * 60_000), side="left") + 1
    frame = frame.assign(window=window, unanswered=~frame["answered"])
    out = {}
    for c, part in frame.groupby("code", sort=True):
        found: list[tuple[str, str]] = []
        best = int(part["window"].max())
        if best >= burst_n:
            end = part.loc[part["window"].idxmax()]
            when = str(end["stamp"])[:16].replace("T", " ")
            found.append(("burst", f"call burst: {best} calls within {minutes:g} minutes (window ending {when}, "
                                   f"{end['event_id']})"))
        per_day = part.groupby("day").agg(calls=("ts", "size"), unanswered=("unanswered", "sum"),
                                          first=("event_id", "first"))
        top = per_day["calls"].max()
        if top >= bomb:
            d = per_day["calls"].idxmax()
            found.append(("bombing", f"call bombing: {top} calls on {_date(d)} (first {per_day.loc[d, 'first']})"))
        most = int(per_day["unanswered"].max())
        if most >= UNANSWERED_PER_DAY:
            d = per_day["unanswered"].idxmax()
            found.append(("unanswered", f"unanswered: {most} unanswered calls on {_date(d)} "
                                        f"({int(per_day['unanswered'].sum())} in all)"))
        nights = int(part["night"].sum())
        if nights >= NIGHT_CALLS:
            first = part.loc[part["night"], "event_id"].iloc[0]
            found.append(("night", f"night: {nights} calls in the disallowed hours (first {first})"))
        shorts = int(part["short"].sum())
        if shorts >= SHORT_CALLS:
            found.append(("short", f"short calls: {shorts} answered calls of {SHORT_S:g} s or less"))
        days = np.unique(part["day"].to_numpy())
        run, start = _longest_run(days)
        if run >= STREAK_DAYS:
            found.append(("streak", f"daily streak: calls on {run} consecutive days ({_date(start)} to "
                                    f"{_date(start + run - 1)})"))
        out[c] = {"calls": len(part), "unanswered": int(part["unanswered"].sum()), "night": nights, "found": found}
    return pd.DataFrame.from_dict(out, orient="index")


def _longest_run(days: np.ndarray) -> tuple[int, int]:
    """(length, first day) of the longest run of consecutive day numbers in sorted `days`."""
    breaks = np.flatnonzero(np.diff(days) != 1) + 1
    starts, ends = np.r_[0, breaks], np.r_[breaks, len(days)]
    k = int(np.argmax(ends - starts))
    return int(ends[k] - starts[k]), int(days[starts[k]])


def _ranges(candidates: np.ndarray, collectors: np.ndarray, numbers: np.ndarray) -> pd.DataFrame:
    """Per candidate code in a number range (all digits but the last four) from which ≥ RANGE_NUMBERS
    numbers called, collectors' numbers included: the range evidence text."""
    rows = [(c, str(numbers[c]), c in set(collectors.tolist())) for c in np.r_[candidates, collectors]]
    rows = [r for r in rows if describe_number(r[1])[0] in ("mobile", "virtual_mobile", "landline")]
    ranges = pd.DataFrame(rows, columns=["code", "number", "collector"])
    if ranges.empty:
        return pd.DataFrame({"range": pd.Series(dtype=object)})
    ranges["block"] = ranges["number"].str[:-4]
    ranges = ranges.loc[ranges.groupby("block")["code"].transform("size") >= RANGE_NUMBERS]
    members = ranges.groupby("block")["number"].agg(lambda s: sorted(s))
    proven = ranges.loc[ranges["collector"]].groupby("block")["number"].agg(lambda s: sorted(s))
    texts = {}
    for code, block in zip(ranges.loc[~ranges["collector"], "code"], ranges.loc[~ranges["collector"], "block"]):
        text = f"range: one of {len(members[block])} numbers of {block}xxxx that called ({', '.join(members[block])})"
        if block in proven.index:
            text += f", with collectors' {', '.join(proven[block])}"
        texts[code] = text
    return pd.DataFrame({"range": pd.Series(texts, dtype=object)})


def _date(day: int) -> str:
    return str(np.datetime64(int(day), "D"))
