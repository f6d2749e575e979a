"""What each collector did against each rule, in plain words: one `Finding` per (collector, rule) from
violations.csv rows, with the first real event's time (not the 00:00 a day window starts at), the worst
window said in words, and every citation with its own legal weight.

Paste-ready sentences (`finding_sentence`, `citation_sentence`) name no rule ids and carry no caveats;
`citation_caveat` holds what must be checked before filing (complaint/notes.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..rules.profile import WEIGHT_LABELS, Citation
from .texts import night_label, weight_label

if TYPE_CHECKING:  # facts.py builds the findings: its types for the annotations only
    from .facts import EntityFacts, ReportFacts

# Rules that protect a third party (a contact's complaint leads with them).
THIRD_PARTY_KINDS = ("third_party", "after_stop")
PREFIXED_KINDS = ("after_stop", "after_conversation")  # the row's first event id is the stop / talk itself

NOUNS = {"zh": {"answered": "接通的来电", "unanswered": "未接通的来电", "calls": "来电", "contacts": "联系",
                "conversation": "有效通话", "messages": "短信", "actual": "实际联系"},
         "en": {"answered": "answered calls", "unanswered": "unanswered calls", "calls": "calls",
                "contacts": "contacts", "conversation": "conversations", "messages": "messages",
                "actual": "actual contacts"}}
TAG_WORDS = {"zh": {"insult": "辱骂", "threat": "恐吓", "violence": "暴力威胁", "exposure": "扬言曝光隐私或爆通讯录",
                    "impersonation": "冒充公检法", "visit_threat": "上门", "legal_threat": "诉讼",
                    "third_party": "联系第三人"},
             "en": {"insult": "insults", "threat": "threats", "violence": "threats of violence",
                    "exposure": "threats to expose the debt", "impersonation": "impersonating officials",
                    "visit_threat": "visits", "legal_threat": "legal action", "third_party": "third-party contact"}}


@dataclass
class Finding:
    rule_id: str
    title: str
    kind: str
    params: dict
    rows: int  # violations.csv rows
    total: int  # events over all rows
    worst: int
    worst_window: str  # local date (day windows) or time of the worst row
    threshold: int
    op: str
    first: str  # local time of the first event counted, "YYYY-MM-DD HH:MM"
    last: str
    weight: str  # the rule's legal weight (key)
    citations: list[Citation] = field(default_factory=list)
    citation_text: str = ""  # violations.csv's citation column (when the rule is not in the profile)
    effective_from: str = ""
    effective_until: str = ""


def _minutes(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def events_ms(events: pd.DataFrame) -> np.ndarray:
    return events["ts_ms"].to_numpy(dtype=np.int64)


def _first_and_last(v: pd.DataFrame, events: pd.DataFrame, prefixed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per violations row, the event rows of its earliest and latest listed event (-1: none found). In a
    prefixed row (after a stop request or a conversation) the first id is that event itself and counts
    only events after the window start. Ids are split and looked up by Arrow, not row by row in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = pc.split_pattern(pa.array(v["event_ids"].astype(str).to_numpy(dtype=object), type=pa.string()), ";")
    flat = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy()
    ids = pd.Index(events["event_id"].astype(str))
    at = ids.get_indexer(pd.Index(flat.to_numpy(zero_copy_only=False)))
    ts = events_ms(events)
    keep = at >= 0
    if prefixed.any():
        start = (pd.to_datetime(v["window_start"], utc=True, format="ISO8601").astype("int64") // 10**6).to_numpy()
        keep &= ~prefixed[parent] | (np.where(keep, ts[np.maximum(at, 0)], 0) > start[parent])
    first = np.full(len(v), -1, dtype=np.int64)
    last = np.full(len(v), -1, dtype=np.int64)
    if keep.any():
        found = pd.DataFrame({"row": parent[keep], "at": at[keep], "ts": ts[at[keep]]})
        ordered = found.sort_values(["row", "ts", "at"], kind="stable")
        heads, tails = ordered.drop_duplicates("row"), ordered.drop_duplicates("row", keep="last")
        first[heads["row"].to_numpy()] = heads["at"].to_numpy()
        last[tails["row"].to_numpy()] = tails["at"].to_numpy()
    return first, last


def build_findings(violations: pd.DataFrame | None, events: pd.DataFrame, profile, lang: str,
                   role: str = "debtor") -> dict[str, list[Finding]]:
    """entity → its findings, in profile order (third-party rules first for role contact)."""
    if violations is None or not len(violations):
        return {}
    rules = {r.id: r for r in profile.rules} if profile is not None else {}
    order = {rid: i for i, rid in enumerate(rules)}
    v = violations.reset_index(drop=True)
    kinds = v["rule_id"].astype(str).map(lambda r: rules[r].kind if r in rules else "")
    first, last = _first_and_last(v, events, kinds.isin(PREFIXED_KINDS).to_numpy())
    ts, stamps = events_ms(events), events["timestamp"]
    out: dict[str, list[Finding]] = {}
    for (entity, rule_id), part in v.groupby([v["entity"].astype(str), v["rule_id"].astype(str)], sort=False):
        rule = rules.get(rule_id)
        kind = rule.kind if rule is not None else ""
        rows = part.index.to_numpy()
        heads, tails = first[rows][first[rows] >= 0], last[rows][last[rows] >= 0]
        times = (str(stamps.iat[heads[np.argmin(ts[heads])]]), str(stamps.iat[tails[np.argmax(ts[tails])]])) \
            if len(heads) else None
        counts = part["count"].astype(int)
        worst = part.loc[counts.idxmax()]
        title = ((rule.title_zh if lang == "zh" else rule.title_en) or rule_id) if rule is not None else rule_id
        out.setdefault(entity, []).append(Finding(
            rule_id=rule_id, title=title, kind=kind, params=dict(rule.params) if rule is not None else {},
            rows=len(part), total=int(counts.sum()), worst=int(worst["count"]),
            worst_window=str(worst["window_start"])[:10] if kind in ("time_window", "daily_count") else
            _minutes(str(worst["window_start"])), threshold=int(worst["threshold"]),
            op=rule.op if rule is not None else ">",
            first=_minutes(times[0]) if times else _minutes(str(part["window_start"].min())),
            last=_minutes(times[1]) if times else _minutes(str(part["window_end"].max())),
            weight=str(part["legal_weight"].iloc[0]),
            citations=list(rule.citations) if rule is not None else [],
            citation_text=str(part["citation"].iloc[0]),
            effective_from=str(rule.effective_from or "") if rule is not None else "",
            effective_until=str(rule.effective_until or "") if rule is not None else ""))
    for entity, items in out.items():
        items.sort(key=lambda x: ((role == "contact" and x.kind not in THIRD_PARTY_KINDS),
                                  order.get(x.rule_id, len(order))))
    return out


def weight_words(weight: str, lang: str) -> str:
    pair = WEIGHT_LABELS.get(weight)
    return (pair[0] if lang == "zh" else pair[1]) if pair else weight


def _noun(params: dict, lang: str) -> str:
    return NOUNS[lang].get(params.get("count", "contacts"), params.get("count", "contacts"))


def _tags(params: dict, lang: str) -> str:
    words = [TAG_WORDS[lang].get(t, t) for t in params.get("tags", [])]
    return ("、".join(words) if lang == "zh" else ", ".join(words)) or ("违规" if lang == "zh" else "flagged")


def finding_sentence(x: Finding, lang: str, night_hours: tuple[int, int] = (22, 8), role: str = "debtor") -> str:
    """What happened, with counts and dates, in one clause (no rule id, no caveat)."""
    p, zh = x.params, lang == "zh"
    noun = _noun(p, lang)
    over = (f"超过 {x.threshold} 次" if x.op == ">" else f"达到 {x.threshold} 次或以上") if zh else \
        (f"more than {x.threshold}" if x.op == ">" else f"{x.threshold} or more")
    if x.kind == "time_window":
        nl = night_label(night_hours, lang)
        return (f"在夜间 {nl} 联系本人 {x.total} 次，涉及 {x.rows} 天（首次 {x.first}，最近 {x.last}）" if zh else
                f"contacted me {x.total} times at night ({nl}) on {x.rows} days (first {x.first}, last {x.last})")
    if x.kind == "daily_count":
        unit = "月" if p.get("period") == "month" else "天"
        if x.rows == 1:
            return (f"{x.worst_window} 这一{unit}{noun}达 {x.worst} 次（{over}）" if zh else
                    f"{x.worst} {noun} on {x.worst_window} ({over})")
        return (f"有 {x.rows} {unit}{noun}{over}，最多的一{unit} {x.worst} 次（{x.worst_window}），首次是 {x.first[:10]}"
                if zh else f"on {x.rows} days {noun} were {over} (worst {x.worst} on {x.worst_window}, first "
                f"{x.first[:10]})")
    if x.kind == "rolling_count":
        return (f"有 {x.rows} 个连续 {p.get('days', 7)} 天的区间内{noun}{over}，最多 {x.worst} 次；首次 {x.first}" if zh else
                f"{x.rows} window(s) of {p.get('days', 7)} days with {noun} {over}; worst {x.worst}; first {x.first}")
    if x.kind == "burst":
        return (f"有 {x.rows} 次在 {p.get('minutes', 60)} 分钟内集中来电 {x.threshold} 次或以上，最多一次 {x.worst} 次"
                f"（{x.worst_window}）；首次 {x.first}" if zh else
                f"{x.rows} burst(s) of {x.threshold}+ calls within {p.get('minutes', 60)} minutes; worst {x.worst} "
                f"({x.worst_window}); first {x.first}")
    if x.kind == "tagged_content":
        return (f"发送含{_tags(p, lang)}内容的短信 {x.total} 条（{x.first} 至 {x.last}）" if zh else
                f"sent {x.total} message(s) with {_tags(p, lang)} ({x.first} to {x.last})")
    if x.kind == "third_party":
        if role == "contact":
            return (f"本人并非借款人，却被联系 {x.total} 次（{x.first} 至 {x.last}）" if zh else
                    f"contacted me {x.total} times although I am not the borrower ({x.first} to {x.last})")
        return (f"有 {x.total} 条短信称已经或将要联系本人的家人、朋友或通讯录联系人（{x.first} 至 {x.last}）" if zh else
                f"{x.total} message(s) say they contacted, or will contact, my family, friends or address book "
                f"({x.first} to {x.last})")
    if x.kind == "after_stop":
        return (f"在本人明确要求停止联系后，仍联系 {x.total} 次（首次 {x.first}，最近 {x.last}）" if zh else
                f"contacted me {x.total} times after I asked them to stop (first {x.first}, last {x.last})")
    if x.kind == "after_conversation":
        return (f"在已通话后的 {p.get('days', 7)} 天内再次来电 {x.total} 次（首次 {x.first}）" if zh else
                f"called {x.total} times within {p.get('days', 7)} days after a conversation (first {x.first})")
    return (f"{x.title}：检出 {x.rows} 处，共 {x.total} 次（首次 {x.first}）" if zh else
            f"{x.title}: flagged {x.rows} time(s), {x.total} events (first {x.first})")


def worst_words(x: Finding, lang: str) -> str:
    """The report table's "worst window" cell, said in words (was "5 (0)")."""
    zh, p = lang == "zh", x.params
    if x.kind == "time_window":
        return f"一天内夜间联系 {x.worst} 次（该时段不应联系）" if zh else f"{x.worst} at night in one day (none allowed)"
    if x.kind in ("daily_count", "rolling_count"):
        limit = (f"上限 {x.threshold} 次" if x.op == ">" else f"{x.threshold} 次即计入") if zh else \
            (f"limit {x.threshold}" if x.op == ">" else f"{x.threshold} counts")
        return f"{x.worst_window} {_noun(p, lang)} {x.worst} 次（{limit}）" if zh else \
            f"{x.worst} {_noun(p, lang)} on {x.worst_window} ({limit})"
    if x.kind == "burst":
        return (f"{p.get('minutes', 60)} 分钟内来电 {x.worst} 次（{x.threshold} 次即计入）" if zh else
                f"{x.worst} calls within {p.get('minutes', 60)} minutes ({x.threshold} count)")
    if x.kind == "tagged_content":
        return (f"共 {x.worst} 条（{x.threshold} 条即计入）" if zh else f"{x.worst} messages ({x.threshold} count)")
    if x.kind in ("third_party", "after_stop", "after_conversation"):
        return f"共 {x.worst} 次（一次都不应发生）" if zh else f"{x.worst} (none allowed)"
    return f"{x.worst} 次（界限 {x.threshold}）" if zh else f"{x.worst} (limit {x.threshold})"


def citation_sentence(c: Citation, lang: str) -> str:
    """Document, article, wording and its own legal weight; no caveat."""
    article = c.article.strip()
    label = weight_words(c.legal_weight, lang)
    if lang == "zh":
        said = "：" if not article or article.endswith("规定") else "规定："
        text = f"{c.document}{article}" + (f"{said}{c.wording}" if c.wording else "")
        text += f"（{label}）" if label else ""
        return text + (f"；罚则：{c.penalty}" if c.penalty else "")
    text = f"{c.document} {article}".strip() + (f": {c.wording}" if c.wording else "")
    return text + (f" ({label})" if label else "") + (f"; penalty: {c.penalty}" if c.penalty else "")


def basis_sentences(x: Finding, lang: str) -> list[str]:
    """Every citation of a finding in words (the violations.csv text when the rule is not in the profile)."""
    if x.citations:
        return [citation_sentence(c, lang) for c in x.citations]
    label = weight_words(x.weight, lang)
    return [f"{x.citation_text}（{label}）" if lang == "zh" else f"{x.citation_text} ({label})"]


def citation_caveat(x: Finding, lang: str) -> list[str]:
    """What to check before filing, per citation (for complaint/notes.md, never the paste-ready text)."""
    lines = [f"{c.document}{c.article}：{c.caveat}" if lang == "zh" else f"{c.document} {c.article}: {c.caveat}"
             for c in x.citations if c.caveat]
    if x.weight == "heuristic":
        lines.append("次数界限是本工具自设的经验值，不是法律规定；投诉时只陈述事实和次数。" if lang == "zh" else
                     "The count limit is this tool's own heuristic, not a legal number; state only the facts.")
    return lines


def violation_rows(entity: EntityFacts, f: ReportFacts) -> list[dict]:
    """One dict per rule flagged for `entity` (report/findings.py): rule (title and id), times
    (violations.csv rows), the worst window in words, the first event's real time, weight, citations."""
    rows = []
    for x in f.findings.get(entity.name, []):
        rule = (f"{x.title}（{x.rule_id}）" if f.lang == "zh" else f"{x.title} ({x.rule_id})") if x.title != x.rule_id \
            else x.rule_id
        rows.append({"rule": rule, "title": x.title, "threshold": x.threshold, "times": x.rows,
                     "worst": worst_words(x, f.lang), "first": x.first,
                     "weight": weight_label(x.weight, f.lang), "citation": "\n".join(basis_sentences(x, f.lang))})
    return rows
