"""The report's and complaint's parts about suspected collectors (analysis.call_patterns), what each number
is (analysis.number_info), numbers the user left out (--numbers personal) and the third-party role hint.

Suspects are never mixed with proven collectors: they get their own section, every rule they are flagged
under is marked "suspected — no collection text", and the method section says how to confirm or reject
them with --numbers.
"""
from __future__ import annotations

from ..analysis.number_info import kind_label
from .facts import ReportFacts
from .findings import violation_rows
from .markdown import fenced, md_escape
from .texts import TEXT, night_label

MARK = {"zh": "疑似——无催收短信，仅凭来电规律", "en": "suspected — no collection text, call pattern only"}
TEXTS = {
    "zh": {
        "section": "疑似催收方（仅凭来电规律）",
        "intro": "以下号码没有发送催收短信，但来电规律像催收（短时密集、夜间、未接反复拨打、连续多天、同号段轮换、"
                 "手机厂商标记）。它们与上文的催收方分开统计；规则检出均标注“{mark}”。请核对后在 --numbers 文件中确认或排除。",
        "summary": "另有 {n} 个疑似催收号码（无催收短信，仅凭来电规律）共来电 {calls} 次（未接 {unanswered} 次），见“疑似催收方”一节和 suspects.csv。",
        "signals": "来电规律", "mark_header": "标注",
        "kind": "号码类型",
        "number_headers": ["类型", "归属地", "运营商"],
        "m_suspects": "疑似催收方：{n} 个号码只有来电、没有催收短信，但符合来电规律（suspects.csv 列出依据）：{list}。"
                      "确认或排除：写一个 CSV 文件（每行 号码,标签[,催收方名称]，标签为 collector、not_collector 或 "
                      "personal），用 --numbers 文件 重新运行；collector 计入催收方，not_collector 不再列为疑似，"
                      "personal（家人朋友）从所有统计中去掉。",
        "m_suspects_none": "疑似催收方：没有（只凭来电规律判断；本人回拨过的号码、通讯录联系人、95/96 等服务号不列入）。",
        "m_personal": "按 --numbers 标为 personal 的号码：{n} 条记录未计入任何统计，也不在 events.csv 中。",
        "role_hint": "提示：{n} 条催收短信（共 {total} 条）是写给第三人的（如 {ids}：紧急联系人、请转告、您的朋友借款）。"
                     "如果这不是借款人本人的手机，请用 --role contact 重新运行：向第三人催收本身即可能违规。",
        "complaint_head": "## 疑似催收号码（无催收短信，仅凭来电规律；请先核实再投诉）",
        "complaint_facts": "{first} 至 {last}，号码 {numbers} 来电 {calls} 次（其中未接通 {unanswered} 次），涉及 {days} 天，"
                           "其中 {night} 次在夜间 {nl}；该号码没有发送短信说明来意，以下为疑似（{mark}）。",
        "complaint_rule": "{i}. {rule}：检出 {times} 处，最严重的一处：{worst}〔{mark}〕。依据：{cite}",
    },
    "en": {
        "section": "Suspected collectors (call patterns only)",
        "intro": "These numbers sent no collection text but call like collectors (bursts, night calls, repeated "
                 "unanswered attempts, daily streaks, one number range in turn, vendor spam marks). They are counted "
                 "apart from the collectors above; every rule flagged for them is marked \"{mark}\". Check them and "
                 "confirm or reject them in a --numbers file.",
        "summary": "Also {n} suspected collector number(s) (no collection text, call patterns only) called {calls} "
                   "times ({unanswered} unanswered); see \"Suspected collectors\" and suspects.csv.",
        "signals": "Call patterns", "mark_header": "Marked",
        "kind": "Number kind",
        "number_headers": ["Kind", "Region", "Carrier"],
        "m_suspects": "Suspected collectors: {n} number(s) only called, sent no collection text, but match call "
                      "patterns (suspects.csv lists why): {list}. To confirm or reject: write a CSV (one "
                      "number,label[,entity] a line; label collector, not_collector or personal) and run again with "
                      "--numbers FILE; collector counts it as a collector, not_collector clears it, personal (family, "
                      "friends) leaves it out of every figure.",
        "m_suspects_none": "Suspected collectors: none (call patterns only; numbers you called back, saved contacts "
                           "and 95/96 service lines are not listed).",
        "m_personal": "Numbers labelled personal in --numbers: {n} records left out of every figure and of events.csv.",
        "role_hint": "Note: {n} of {total} collection texts are addressed to a third party (e.g. {ids}: emergency "
                     "contact, please pass on, your friend's loan). If this is not the debtor's phone, run again "
                     "with --role contact: collecting from a third party may itself be a violation.",
        "complaint_head": "## Suspected collector numbers (no collection text, call patterns only; check before filing)",
        "complaint_facts": "From {first} to {last}, {numbers} called me {calls} times ({unanswered} unanswered) on "
                           "{days} days, {night} of them at night ({nl}); the number never said who it is in a text, "
                           "so this is suspected ({mark}).",
        "complaint_rule": "{i}. {rule}: flagged {times} time(s), worst: {worst} [{mark}]. Cites: {cite}",
    },
}


def _t(f: ReportFacts) -> dict:
    return TEXTS["zh" if f.lang == "zh" else "en"]


def summary_lines(f: ReportFacts) -> list[str]:
    t, out = _t(f), []
    if f.suspects:
        out.append(t["summary"].format(n=len(f.suspects), calls=sum(e.calls_in for e in f.suspects),
                                       unanswered=sum(e.calls_unanswered for e in f.suspects)))
    if f.role_hint:
        out.append(_hint(f))
    return out


def _hint(f: ReportFacts) -> str:
    h = f.role_hint
    return _t(f)["role_hint"].format(n=h["messages"], total=h["collection"], ids=", ".join(h["examples"]))


def number_table(f: ReportFacts, headers: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The report's number table with kind, region and carrier appended (senders.csv columns)."""
    if "number_kind" not in f.senders.columns:
        return headers, rows
    info = f.senders.head(len(rows))
    extra = [[kind_label(str(k), f.lang), str(r) if r == r else "", str(c) if c == c else ""]
             for k, r, c in zip(info["number_kind"], info["region"], info["carrier"])]
    return headers + _t(f)["number_headers"], [row + more for row, more in zip(rows, extra)]


def suspect_blocks(f: ReportFacts) -> list[tuple]:
    """The suspects section of report.md/report.html (nothing when there is none)."""
    if not f.suspects:
        return []
    t, base = _t(f), TEXT[f.lang if f.lang in TEXT else "zh"]
    mark = MARK["zh" if f.lang == "zh" else "en"]
    blocks: list[tuple] = [("h2", t["section"]), ("p", t["intro"].format(mark=mark))]
    for i, e in enumerate(f.suspects, 1):
        blocks.append(("h3", f"{i}. {e.name}"))
        blocks.append(("list", [f"{base['numbers']}: {', '.join(e.numbers)}",
                                f"{base['period']}: {e.first_seen[:16].replace('T', ' ')} {base['to']} "
                                f"{e.last_seen[:16].replace('T', ' ')}",
                                f"{t['signals']}: {e.evidence}"]))
        blocks.append(("table", base["fig_headers"], [[str(x) for x in (
            e.total_in, e.calls_in, e.calls_unanswered, e.messages_in, e.collection_msgs, e.night_in, e.active_days)]]))
        if f.violations is not None and not e.violations.empty:
            blocks.append(("table", base["viol_headers"] + [t["mark_header"]], [
                [r["rule"], str(r["times"]), r["worst"], r["first"][:16].replace("T", " "),
                 r["weight"], r["citation"], mark] for r in violation_rows(e, f)]))
    return blocks


def method_items(f: ReportFacts) -> list[str]:
    t = _t(f)
    items = []
    if f.suspects_table is not None:
        listed = ", ".join(e.name for e in f.suspects[:10]) + (" …" if len(f.suspects) > 10 else "")
        items.append(t["m_suspects"].format(n=len(f.suspects), list=listed) if f.suspects else t["m_suspects_none"])
    if f.personal_excluded:
        items.append(t["m_personal"].format(n=f.personal_excluded))
    if f.role_hint:
        items.append(_hint(f))
    return items


def complaint_lines(f: ReportFacts) -> list[str]:
    """complaint.md's closing section: one paste-ready text per suspect, every rule marked."""
    if not f.suspects:
        return []
    lang = "zh" if f.lang == "zh" else "en"
    t, mark, nl = TEXTS[lang], MARK[lang], night_label(f.night_hours, f.lang)
    out = [t["complaint_head"], ""]
    for i, e in enumerate(f.suspects, 1):
        lines = [t["complaint_facts"].format(first=e.first_seen[:10], last=e.last_seen[:10],
                                             numbers=("、" if lang == "zh" else ", ").join(e.numbers),
                                             calls=e.calls_in, unanswered=e.calls_unanswered, days=e.active_days,
                                             night=e.night_in, nl=nl, mark=mark)]
        if f.violations is not None and not e.violations.empty:
            # paste-ready: the rule in words (no id), each citation with its own weight
            lines += [t["complaint_rule"].format(i=k, rule=r["title"], times=r["times"], worst=r["worst"], mark=mark,
                                                 cite=r["citation"].replace("\n", "；"))
                      for k, r in enumerate(violation_rows(e, f), 1)]
        out += [f"### {i}. {md_escape(e.name)}", "", fenced("\n".join(lines)), "",
                f"**{t['signals']}**: {md_escape(e.evidence)}", ""]
    return out

