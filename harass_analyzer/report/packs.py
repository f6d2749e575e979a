"""complaint/: one file per channel, each in the form that channel asks for (rules.md §0 "Complaint
channels"), written from the report's facts so every count is the one in senders.csv / violations.csv.

    12321.csv, 12321.md  one report per collector number: number, times, call durations, unedited texts
    12378.md             per institution: 主要事实 (≤ 500 characters), 投诉请求, 相关依据, 证据清单
    nifa.md              the same for 中国互联网金融协会 (attach report.pdf, ≤ 2 MB)
    heimao.md            for 黑猫投诉, which publishes: every phone number masked, no message text, no names
    110.md               threats, impersonation of officials, exposure: the messages and the law by date
    notes.md             what to check before filing: citation confidence and caveats, legal weight

Paste-ready text sits in ```text fences: plain sentences, no rule ids, no caveats.
"""
from __future__ import annotations

from pathlib import Path

from .facts import EntityFacts, ReportFacts
from .pack_common import CONTACT_EN, CONTACT_ZH, contact_line, evidence_list, header as _header
from .findings import Finding, basis_sentences, citation_caveat, finding_sentence, weight_words
from .markdown import fenced, md_escape
from .redact import mask_number
from .texts import night_label

FACTS_LIMIT = 500  # 12378 / 互金协会 forms: keep the facts short enough to paste
PDF_LIMIT = 2 * 1024 * 1024


def _shorten(numbers: list[str], keep: int, zh: bool) -> str:
    shown = "、".join(numbers[:keep]) if zh else ", ".join(numbers[:keep])
    if len(numbers) > keep:
        shown += f" 等 {len(numbers)} 个号码" if zh else f" and {len(numbers) - keep} more"
    return shown


def entity_facts_text(e: EntityFacts, f: ReportFacts, limit: int = FACTS_LIMIT) -> str:
    """主要事实: who, how often, when, worst day, night, then each finding while it fits in `limit`."""
    zh = f.lang == "zh"
    nl = night_label(f.night_hours, f.lang)
    worst = e.worst_days[0] if e.worst_days else ("—", 0)
    findings: list[Finding] = f.findings.get(e.name, [])
    for keep in (5, 3, 1):
        head = contact_line(f)
        if zh:
            head += (f"{e.first_seen[:10]} 至 {e.last_seen[:10]}，{e.name}使用 {_shorten(e.numbers, keep, zh)}"
                     f"（共 {len(e.numbers)} 个号码）联系本人 {e.total_in} 次：来电 {e.calls_in} 次（其中未接通 "
                     f"{e.calls_unanswered} 次），短信 {e.messages_in} 条（其中催收内容 {e.collection_msgs} 条），"
                     f"涉及 {e.active_days} 天，单日最多 {worst[1]} 次（{worst[0]}），夜间 {nl} {e.night_in} 次。")
        else:
            head += (f"From {e.first_seen[:10]} to {e.last_seen[:10]}, {e.name} contacted me {e.total_in} times from "
                     f"{len(e.numbers)} number(s) ({_shorten(e.numbers, keep, zh)}): {e.calls_in} calls "
                     f"({e.calls_unanswered} unanswered) and {e.messages_in} messages ({e.collection_msgs} about "
                     f"collection) on {e.active_days} days, up to {worst[1]} on one day ({worst[0]}); "
                     f"{e.night_in} at night ({nl}).")
        if len(head) <= limit - 40:
            break
    if not zh and head and not head.endswith(" "):
        head = head.replace(CONTACT_EN, CONTACT_EN + " ", 1)
    # the night count is in the first sentence already; rules that count the same contacts (three
    # third-party rules for a contact) say the same clause once
    clauses = list(dict.fromkeys(finding_sentence(x, f.lang, f.night_hours, f.role) for x in findings
                                 if x.kind != "time_window"))
    lead, sep, stop, etc = ("其中：", "；", "。", "等（见相关依据）。") if zh else (" Among them: ", "; ", ".", "; etc. (see the basis)")

    def joined(items: list[str], more: bool) -> str:
        return head + (lead + sep.join(items) + (etc if more else stop) if items else "")

    kept: list[str] = []
    for clause in clauses:
        if len(joined(kept + [clause], len(kept) + 1 < len(clauses))) > limit:
            break
        kept.append(clause)
    text = joined(kept, len(kept) < len(clauses))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def basis_lines(e: EntityFacts, f: ReportFacts) -> list[str]:
    """相关依据: per finding, what happened and every citation with its own legal weight."""
    zh = f.lang == "zh"
    lines = []
    for i, x in enumerate(f.findings.get(e.name, []), 1):
        cites = ("；".join(basis_sentences(x, f.lang)) if zh else "; ".join(basis_sentences(x, f.lang)))
        lines.append(f"{i}. {x.title}：{finding_sentence(x, f.lang, f.night_hours, f.role)}。依据：{cites}" if zh else
                     f"{i}. {x.title}: {finding_sentence(x, f.lang, f.night_hours, f.role)}. Basis: {cites}")
    return lines


def demand_text(e: EntityFacts, f: ReportFacts) -> str:
    if f.lang != "zh":
        return (f"I ask that {e.name} and any agency collecting for it stop the harassing collection at once, that "
                "the breaches above be investigated and dealt with, and that I receive a written reply.")
    extra = "，停止联系本人并删除本人的号码" if f.role == "contact" else ""
    return (f"请求责令{e.name}及其委托的催收机构立即停止骚扰性催收{extra}；对上述违规行为依法依规调查处理；"
            "并将处理结果书面答复本人。")


def write_12378(f: ReportFacts, pdf_bytes: int | None) -> str:
    zh = f.lang == "zh"
    how = (["国家金融监督管理总局 12378 热线或网上投诉；也可先向机构本身投诉（须在 15/30/60 日内答复）",
            "投诉人姓名、身份证号、联系电话请自行填写；书面材料需签名",
            "被投诉机构：填写放款的银行、消费金融公司或小贷公司；平台名称不同时两者都写",
            "每个机构一节：主要事实（≤ 500 字）、投诉请求、相关依据可直接复制"] if zh else
           ["NFRA 12378 (phone or web), or the institution first (it must answer in 15/30/60 days)",
            "Add your name, ID number and phone; sign written material",
            "One section per institution: facts (≤ 500 characters), request, basis are ready to paste"])
    lines = _header("12378 投诉材料" if zh else "12378 complaint", how, f)
    for i, e in enumerate(f.entities, 1):
        facts = entity_facts_text(e, f)
        lines += [f"## {i}. {'被投诉机构：' if zh else 'Institution: '}{md_escape(e.name)}", "",
                  f"**{'主要事实' if zh else 'Facts'}**（{len(facts)} {'字' if zh else 'characters'}）", "",
                  fenced(facts), "", f"**{'投诉请求' if zh else 'Request'}**", "", fenced(demand_text(e, f)), ""]
        basis = basis_lines(e, f)
        if basis:
            lines += [f"**{'相关依据' if zh else 'Basis'}**", "", fenced("\n".join(basis)), ""]
        lines += [f"**{'证据清单' if zh else 'Evidence'}**", ""] + evidence_list(e, f, pdf_bytes) + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_nifa(f: ReportFacts, pdf_bytes: int | None) -> str:
    zh = f.lang == "zh"
    size = f"{pdf_bytes / 1024 / 1024:.2f} MB" if pdf_bytes else "—"
    ok = pdf_bytes is not None and pdf_bytes <= PDF_LIMIT
    how = ([f"中国互联网金融协会举报（jubao.nifa.org.cn 或其微信公众号），需实名、身份证号和联系方式",
            f"附件上限 2 MB：附 report.pdf（本次 {size}{'，符合要求' if ok else '，超过上限，请只附截图'}）",
            "每人每天最多提交 3 次举报（以表单当时规定为准）", "举报对象：网络借贷平台；“举报事实”可直接复制"] if zh else
           [f"NIFA (jubao.nifa.org.cn): real name, ID and contact required; attachments ≤ 2 MB: report.pdf is {size}",
            "At most 3 reports a day per person; the facts below are ready to paste"])
    lines = _header("中国互联网金融协会举报材料" if zh else "NIFA report", how, f)
    for i, e in enumerate(f.entities, 1):
        facts = entity_facts_text(e, f)
        basis = basis_lines(e, f)
        lines += [f"## {i}. {'被举报平台：' if zh else 'Platform: '}{md_escape(e.name)}", "",
                  f"**{'举报事实' if zh else 'Facts'}**（{len(facts)} {'字' if zh else 'characters'}）", "",
                  fenced(facts + ("\n" + "\n".join(basis) if basis else "")), "",
                  f"**{'举报请求' if zh else 'Request'}**", "", fenced(demand_text(e, f)), "",
                  f"**{'附件' if zh else 'Attachment'}**: report.pdf", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _masked(name: str) -> str:
    return mask_number(name) if any(ch.isdigit() for ch in name) and len(name) >= 7 else name


def write_heimao(f: ReportFacts) -> str:
    """Published by the site: every number masked, no message text, no person's name."""
    zh = f.lang == "zh"
    how = (["黑猫投诉会公开发布投诉内容：本文件中所有电话号码已打码，不含短信原文和任何人名",
            "上传截图前请同样遮盖姓名、号码、地址和订单号", "黑猫投诉是商业平台，只有舆论作用，没有法律效力"] if zh else
           ["黑猫投诉 publishes complaints: every number here is masked, no message text or names",
            "Mask names, numbers, addresses and order numbers in screenshots too"])
    lines = _header("黑猫投诉材料（已脱敏）" if zh else "黑猫投诉 (redacted)", how, f)
    for i, e in enumerate(f.entities, 1):
        name = _masked(e.name)
        numbers = [mask_number(n) for n in e.numbers]
        worst = e.worst_days[0] if e.worst_days else ("—", 0)
        nl = night_label(f.night_hours, f.lang)
        if zh:
            body = ((CONTACT_ZH if f.role == "contact" else "")
                    + f"{e.first_seen[:10]} 至 {e.last_seen[:10]}，{name}用 {len(numbers)} 个号码（"
                    + "、".join(numbers[:5]) + ("等" if len(numbers) > 5 else "")
                    + f"）联系我 {e.total_in} 次：来电 {e.calls_in} 次，短信 {e.messages_in} 条，单日最多 {worst[1]} 次，"
                    f"夜间 {nl} {e.night_in} 次。")
            findings = list(dict.fromkeys(_mask_digits(finding_sentence(x, f.lang, f.night_hours, f.role))
                                          for x in f.findings.get(e.name, []) if x.kind != "time_window"))
            if findings:
                body += "其中" + "；".join(findings) + "。"
            body += "要求：立即停止骚扰性催收。"
            title = f"{name}频繁骚扰催收" + ("，夜间来电" if e.night_in else "")
        else:
            body = (f"From {e.first_seen[:10]} to {e.last_seen[:10]} {name} contacted me {e.total_in} times from "
                    f"{len(numbers)} masked number(s) ({', '.join(numbers[:5])}), {e.night_in} at night. "
                    "I ask that the harassment stop.")
            title = f"{name}: harassing debt collection"
        lines += [f"## {i}. {md_escape(name)}", "", f"**{'标题' if zh else 'Title'}**", "", fenced(title), "",
                  f"**{'投诉内容' if zh else 'Complaint'}**", "", fenced(body), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _mask_digits(text: str) -> str:
    """Any long digit run (a number quoted in a sentence) masked as mask_number does."""
    import re

    return re.sub(r"\+?\d{7,}", lambda m: mask_number(m.group(0)), text)


def write_notes(f: ReportFacts) -> str:
    zh = f.lang == "zh"
    lines = ["# 引用说明（提交前请核对）" if zh else "# Notes on the citations (check before filing)", ""]
    lines += [md_escape(t) for t in ([
        "投诉文本中的条文按本工具收录的文本引用。下列各项的条款号或原文来自二手来源，提交前请核对官方文本。",
        "效力层级：法律 > 司法规范性文件 > 部门规章/监管规定 > 推荐性国家标准 > 行业自律规范。GB/T 45251—2025 和中国银行业协会、"
        "中国互联网金融协会的指引不是法律：违反它们可以用来投诉、证明催收方有过错；行政处罚和刑事责任以《治安管理处罚法》"
        "《刑法》为准。", "每条行为按其发生日期适用当时有效的规定（例如 2026-01-01 前后分别适用治安管理处罚法第四十二条、第五十条）。",
        "本材料由软件根据手机导出的记录自动生成，不构成法律意见。"] if zh else [
        "Citations are quoted as this tool holds them; the items below come from secondary sources: check them.",
        "Standards and association guidelines are not statutes. Each event is judged by the rule in force on its "
        "date. Generated by software; not legal advice."])]
    lines.append("")
    seen: set[str] = set()
    for e in f.entities:
        for x in f.findings.get(e.name, []):
            if x.rule_id in seen:
                continue
            seen.add(x.rule_id)
            conf = next((r.confidence for r in (f.profile.rules if f.profile is not None else []) if r.id == x.rule_id),
                        "")
            lines += [f"## {md_escape(x.title)}", "",
                      f"- {'规则编号（仅供核对 violations.csv）' if zh else 'Rule id (violations.csv)'}: {md_escape(x.rule_id)}",
                      f"- {'效力' if zh else 'Legal weight'}: {md_escape(weight_words(x.weight, f.lang))}"
                      + (f"；{'可信度' if zh else 'confidence'} {conf}" if conf else "")]
            lines += [f"- {md_escape(c)}" for c in citation_caveat(x, f.lang)]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_packs(folder: Path, f: ReportFacts, pdf_bytes: int | None = None) -> list[str]:
    """Write complaint/ under `folder`; return the file names written."""
    folder.mkdir(parents=True, exist_ok=True)
    from .pack_110 import write_110
    from .pack_12321 import write_12321

    files = {"12321.md": write_12321(f, folder), "12378.md": write_12378(f, pdf_bytes), "nifa.md": write_nifa(f, pdf_bytes),
             "heimao.md": write_heimao(f), "110.md": write_110(f), "notes.md": write_notes(f)}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return ["12321.csv", *files]


__all__ = ["write_packs", "entity_facts_text", "contact_line"]
