"""Human text about a rule profile: the `rules` command listing and the report's legal-weight paragraph."""
from __future__ import annotations

from .profile import WEIGHT_LABELS, Rule, RuleProfile

CONFIDENCE_LABELS = {
    "V1": "wording checked against an official copy",
    "V2": "wording checked against a secondary source; re-check before filing",
    "R": "remembered, not verified; verify the article and wording before citing",
}


def describe_rule(rule: Rule) -> str:
    """What the rule checks, in one English line."""
    p = rule.params
    op = "≥" if p.get("op") == ">=" else ">"
    count = p.get("count", "contacts")
    if rule.kind == "time_window":
        wins = ", ".join(f"{w.get('days', 'all')} {w['from']}–{w['to']}{' incl.' if w.get('to_inclusive') else ''}"
                         for w in p["allowed"])
        return f"{count} outside allowed hours ({wins}); one row per entity per local day"
    if rule.kind == "daily_count":
        return f"{count} per entity per {p.get('period', 'day')} {op} {p.get('threshold', 0)}"
    if rule.kind == "rolling_count":
        return f"{count} per entity in any {p.get('days', 7)} consecutive days {op} {p.get('threshold', 0)}"
    if rule.kind == "burst":
        return f"≥ {p['threshold']} {p.get('count', 'calls')} within {p['minutes']} minutes from one entity"
    if rule.kind == "after_conversation":
        return (f"calls within {p.get('days', 7)} days after a conversation "
                f"(answered ≥ {p.get('min_conversation_s', 10)} s)")
    if rule.kind == "tagged_content":
        return f"messages tagged {'/'.join(p['tags'])} per entity {op} {p.get('threshold', 0)}"
    if rule.kind == "third_party":
        return (f"third-party contacts per entity {op} {p.get('threshold', 0)} (as contact: every collection "
                "contact; as debtor: messages tagged third_party)")
    if rule.kind == "debt_disclosure":
        return (f"messages disclosing the debt to a third party per entity {op} {p.get('threshold', 0)} (as contact: "
                "every collection message received; as debtor: messages tagged third_party or exposure)")
    if rule.kind == "after_stop":
        return f"{count} after the person asked to stop (sent stop message or --stop-date) {op} {p.get('threshold', 0)}"
    return rule.kind


def format_profile(profile: RuleProfile) -> str:
    """Plain-text listing for `harass-analyzer rules`: every rule with weight, confidence and citation."""
    lines = [f"Profile {profile.name}: {profile.title_en} / {profile.title_zh}",
             f"Source: {profile.source}; default timezone: {profile.default_tz or 'the --tz option'}"]
    if profile.note:
        lines.append(profile.note)
    for rule in profile.rules:
        period = ""
        if rule.effective_from or rule.effective_until:
            period = f"; applies {rule.effective_from or '…'} to {rule.effective_until or '…'}"
        lines += ["", f"{rule.id}  {rule.title_en} / {rule.title_zh}",
                  f"  checks: {describe_rule(rule)}",
                  f"  legal weight: {WEIGHT_LABELS[rule.legal_weight][1]}; confidence {rule.confidence} "
                  f"({CONFIDENCE_LABELS[rule.confidence]}); roles: {', '.join(rule.roles)}{period}"]
        lines += [f"  cites: {c.text()}" for c in rule.citations]
        if rule.note:
            lines.append(f"  note: {rule.note}")
    return "\n".join(lines)


def _cites_cn_soft_law(profile: RuleProfile) -> bool:
    return any("GB/T" in c.document or "协会" in c.document for r in profile.rules for c in r.citations)


def describe_profile(profile: RuleProfile, lang: str = "zh", tz: str | None = None) -> str:
    """The report's paragraph: profile, timezone, and the legal weight of what is cited."""
    tz_name = tz or profile.default_tz or "UTC"
    weights = sorted({r.legal_weight for r in profile.rules}, key=list(WEIGHT_LABELS).index)
    heuristics = [r.id for r in profile.rules if r.legal_weight == "heuristic"]
    unverified = [r.id for r in profile.rules if r.confidence == "R"]
    if lang == "zh":
        text = (f"规则配置：{profile.name}（{profile.title_zh}）。所有时间按 {tz_name} 当地时间计算，"
                "“一天”指当地自然日。"
                f"所引规则的效力层级包括：{'、'.join(WEIGHT_LABELS[w][0] for w in weights)}。")
        if _cites_cn_soft_law(profile):
            text += ("GB/T 45251—2025 为推荐性国家标准，中国互联网金融协会、中国银行业协会的指引为行业自律规范，"
                     "均不是法律；违反这些规范可用于向 12378、互金协会投诉并证明催收方存在过错，"
                     "行政和刑事责任以《治安管理处罚法》和《刑法》为准。")
        if heuristics:
            text += f"{'、'.join(heuristics)} 是本工具自设的经验阈值，不是法律规定。"
        if unverified:
            text += f"{'、'.join(unverified)} 的条文号和原文尚未核实，引用前请核对官方文本。"
        return text + "本报告不构成法律意见。"
    text = (f"Rule profile: {profile.name} ({profile.title_en}). All times are local times in {tz_name}; "
            "a \"day\" is a local calendar day. "
            f"The rules cited carry these legal weights: {', '.join(WEIGHT_LABELS[w][1] for w in weights)}. ")
    if _cites_cn_soft_law(profile):
        text += ("GB/T 45251-2025 is a recommended national standard and the NIFA and China Banking "
                 "Association guidelines are industry self-regulation, not statutes; breaching them supports a "
                 "complaint (12378, NIFA) and shows fault, while administrative and criminal liability rest on "
                 "the Public Security Administration Punishments Law and the Criminal Law. ")
    if heuristics:
        text += f"{', '.join(heuristics)} are this tool's own heuristics, not legal thresholds. "
    if unverified:
        text += f"The article number and wording of {', '.join(unverified)} are unverified; check before citing. "
    return text + "This report is not legal advice."
