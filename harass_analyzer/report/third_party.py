"""The report's "your own rights" section for a third-party owner (an emergency contact or an address-book
friend who never borrowed): shown with --role contact, or when analysis.role_hint says the texts are
written to a third party.

Plain words per law (rules.md §0 "Civil and personal-information law that people cite", §1D): what it
says, what it lets the owner ask for (stop, delete my number, apologise, compensation), how many contacts
of this bundle it covers (the violations.csv rows of the cn pack's third-party rules) and the citation's
confidence. Wording graded R is never quoted here: the plain text is a paraphrase. The section stands
apart from the per-collector rule tables, which are the collection rules written for the debtor.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .texts import TEXT
from ..schema import Analysis

MAX_IDS = 5


@dataclass(frozen=True)
class Right:
    rules: tuple[str, ...]  # cn-pack rule ids whose violations.csv rows this law covers
    law: tuple[str, str]  # (zh, en)
    plain: tuple[str, str]
    ask: tuple[str, str]
    grade: str  # rules.md confidence of what the row relies on


RIGHTS = (
    Right(("CN-CC-1033-3P", "CN-CC-1033-STOP", "CN-CC-1032-EXPOSURE"),
          ("民法典 第一千零三十二条、第一千零三十三条", "Civil Code Art. 1032 and 1033"),
          ("你的私人生活安宁受法律保护：没有你明确同意，任何人不得用电话、短信等方式打扰你。你没有借钱，也没有同意被催收；"
           "向你扬言曝光他人隐私同样不被允许。",
           "Your private life is protected: without your express consent nobody may disturb it by calls or texts. "
           "You did not borrow and did not agree to be contacted; threats to expose someone's private matters to you "
           "are not allowed either."),
          ("停止联系；赔礼道歉；造成损失（含精神损害）的，要求赔偿", "stop contacting you; apologise; compensation for "
           "the harm done (including distress)"), "V2"),
    Right(("CN-CC-1035-3P",),
          ("民法典 第一千零三十五条", "Civil Code Art. 1035"),
          ("处理你的个人信息（包括你的手机号）必须合法、正当、必要，并经你本人同意；借款人的通讯录不等于你的同意。"
           "（本条措辞为凭记忆转述，引用前请核对官方文本。）",
           "Processing your personal information (your phone number too) must be lawful, proper and necessary, "
           "with your own consent; a borrower's address book is not your consent. (The wording is paraphrased from "
           "memory: check the official text before citing it.)"),
          ("删除你的号码，不再使用", "delete your number and stop using it"), "R"),
    Right(("CN-PIPL-13-3P",),
          ("个人信息保护法 第十条、第十三条", "Personal Information Protection Law Art. 10 and 13"),
          ("处理你的号码需要合法依据：你没有同意，也不是借款合同的一方。", "Processing your number needs a lawful basis: you "
           "did not consent and you are not a party to the loan."),
          ("停止处理，删除你的号码", "stop processing and delete your number"), "V1"),
    Right(("CN-CSL-44-3P",),
          ("网络安全法 第四十四条（2025年12月31日及以前的联系）", "Cybersecurity Law Art. 44 (contacts up to 2025-12-31)"),
          ("任何人不得窃取或非法获取个人信息，不得非法出售或向他人提供。对方是怎么拿到你的号码的，你可以要求说明。",
           "Nobody may steal or unlawfully obtain personal information, or unlawfully sell or provide it. You may ask "
           "how they got your number."),
          ("说明号码来源；删除你的号码", "say where your number came from; delete it"), "V2"),
    Right(("CN-CSL-2026-3P",),
          ("网络安全法（关于禁止非法获取、提供个人信息的规定；2026年1月1日起的联系，修正后的条号未核实，故不写条号）",
           "Cybersecurity Law, the sentence forbidding unlawful obtaining or providing of personal information "
           "(contacts from 2026-01-01; the amended article number is unverified, so none is given)"),
          ("同一句规定在2025年修正后继续有效：任何人不得非法获取、出售或向他人提供个人信息。",
           "The same sentence stays in force after the 2025 amendment: nobody may unlawfully obtain, sell or provide "
           "personal information."),
          ("说明号码来源；删除你的号码", "say where your number came from; delete it"), "V2"),
    Right(("CN-CPL-29-3P",),
          ("消费者权益保护法 第二十九条", "Consumer Rights Protection Law Art. 29"),
          ("经营者收集、使用个人信息应当经本人同意，本人明确拒绝后不得再发信息（本条措辞为凭记忆转述）。"
           "贷款来自电商、外卖等平台而非持牌金融机构时，可向 12315 / 市场监管部门投诉。",
           "A business must have consent to collect and use personal information and must stop messaging once refused "
           "(wording paraphrased from memory). Where the loan comes from a shopping or delivery platform rather than "
           "a licensed lender, complain at 12315 / market regulation."),
          ("停止发送；删除信息；向 12315 投诉", "stop messaging; delete the data; complain at 12315"), "R"),
    Right(("CN-CL-253-1-3P",),
          ("刑法 第二百五十三条之一（侵犯公民个人信息罪）", "Criminal Law Art. 253-1 (infringing citizens' personal "
                                                     "information)"),
          ("非法出售、提供或获取公民个人信息，情节严重的，可能构成犯罪；是否构成只能由公安机关和法院判断。",
           "Selling, providing or unlawfully obtaining personal information may be a crime when serious; only the "
           "police and the courts can decide that."),
          ("报警（110），把本证据包交给警方", "report to the police (110) with this bundle"), "V2"),
)

TP = {
    "zh": {"title": "你自己的权利（你不是借款人）",
           "intro": "本节只讲你本人作为第三人（紧急联系人、通讯录好友）的权利，与后文各催收方一节中针对借款人的催收规范分开。"
                    "你不欠这笔钱；法律给了你自己的权利，你可以直接向催收方、平台或有关部门提出。本报告不构成法律意见。",
           "hint": "提示：{n} 条催收短信（共 {total} 条）是写给第三人的（如 {ids}）。如果你不是借款人，请用 --role contact "
                   "重新运行，下表的“本案记录”才会逐条列出。",
           "headers": ["法律", "白话说明", "你可以要求", "本案记录", "核实程度"],
           "none": "未检出", "sep": "；", "not_run": "未按第三人检查（--role contact）",
           "counts": {"CN-CC-1033-3P": "被联系 {n} 次", "CN-CC-1033-STOP": "要求停止后仍联系 {n} 次",
                      "CN-CC-1032-EXPOSURE": "扬言曝光 {n} 条", "CN-CL-253-1-3P": "催收短信 {n} 条"},
           "count_default": "涉及 {n} 次", "ids": "（事件 {ids}{more}）", "more": " 等，见 violations.csv",
           "grades": {"V1": "V1（已核对官方文本）", "V2": "V2（二手来源，提交前请核对）",
                      "R": "R（凭记忆，仅为转述）"},
           "asks": ["要求停止联系（民法典 第一千零三十三条）", "要求删除你的号码、说明号码来源（民法典 第一千零三十五条、个人信息保护法、网络安全法）",
                    "要求赔礼道歉、赔偿损失（民事诉讼，民法典 第一千零三十二条、第一千零三十三条）",
                    "先把 complaint/demand_letter.md 发给平台；不停止的，向 12378（持牌机构）、12315（平台）、互金协会投诉，"
                    "受到威胁的报 110"]},
    "en": {"title": "Your own rights (you are not the borrower)",
           "intro": "This section is about your own rights as a third party (an emergency contact or address-book "
                    "friend), apart from the collection rules for the debtor in each collector's section below. You do "
                    "not owe this debt; the law gives you rights of your own, which you can raise directly with the "
                    "collector, the platform or the authorities. This report is not legal advice.",
           "hint": "Note: {n} of {total} collection texts are written to a third party (e.g. {ids}). If you are not the "
                   "borrower, run again with --role contact to have the contacts listed in the table.",
           "headers": ["Law", "In plain words", "You can ask for", "In this bundle", "Confidence"],
           "none": "none found", "sep": "; ", "not_run": "not checked as a third party (--role contact)",
           "counts": {"CN-CC-1033-3P": "contacted {n} times", "CN-CC-1033-STOP": "{n} after you asked to stop",
                      "CN-CC-1032-EXPOSURE": "{n} exposure threats", "CN-CL-253-1-3P": "{n} collection texts"},
           "count_default": "{n} contacts", "ids": " (events {ids}{more})", "more": " …, see violations.csv",
           "grades": {"V1": "V1 (official text)", "V2": "V2 (secondary source; check before filing)",
                      "R": "R (from memory, paraphrase only)"},
           "asks": ["that they stop contacting you (Civil Code Art. 1033)",
                    "that your number be deleted and its source named (Civil Code Art. 1035, PIPL, Cybersecurity Law)",
                    "an apology and compensation (civil suit, Civil Code Art. 1032 and 1033)",
                    "send complaint/demand_letter.md to the platform first; if it goes on, complain at 12378 (licensed "
                    "lenders), 12315 (platforms) or NIFA, and call 110 about threats"]},
}


def shows_rights(analysis: Analysis) -> bool:
    return analysis.options.role == "contact" or bool(getattr(analysis, "role_hint", None))


def rule_records(violations: pd.DataFrame | None, rule_id: str, entity: str | None = None) -> tuple[int, list[str]]:
    """(contacts counted, their event ids in row order) of one rule's violations.csv rows."""
    if violations is None or violations.empty:
        return 0, []
    rows = violations[violations["rule_id"].astype(str).eq(rule_id)]
    if entity is not None:
        rows = rows[rows["entity"].astype(str).eq(entity)]
    ids = [i for cell in rows["event_ids"].astype(str) for i in cell.split(";") if i]
    return int(rows["count"].astype(int).sum()), ids


def _records(right: Right, analysis: Analysis, t: dict) -> str:
    if analysis.options.role != "contact":
        return t["not_run"]
    parts = []
    for rule_id in right.rules:
        n, ids = rule_records(analysis.violations, rule_id)
        if n:
            more = t["more"] if len(ids) > MAX_IDS else ""
            parts.append(t["counts"].get(rule_id, t["count_default"]).format(n=n)
                         + t["ids"].format(ids=", ".join(ids[:MAX_IDS]), more=more))
    return t["sep"].join(parts) if parts else t["none"]


def rights_blocks(analysis: Analysis, lang: str) -> list[tuple]:
    t, k = TP[lang], 0 if lang == "zh" else 1
    blocks: list[tuple] = [("h2", t["title"]), ("p", t["intro"])]
    hint = getattr(analysis, "role_hint", None)
    if analysis.options.role != "contact" and hint:
        blocks.append(("banner", t["hint"].format(n=hint["messages"], total=hint["collection"],
                                                  ids=", ".join(hint["examples"]))))
    rows = [[r.law[k], r.plain[k], r.ask[k], _records(r, analysis, t), t["grades"][r.grade]] for r in RIGHTS]
    return blocks + [("table", t["headers"], rows), ("list", t["asks"])]


def add_rights_section(blocks: list[tuple], analysis: Analysis, lang: str) -> list[tuple]:
    """`blocks` with the section inserted after the summary (before the charts), when it applies."""
    if not shows_rights(analysis):
        return blocks
    charts = ("h2", TEXT[lang]["charts"])
    at = next((i for i, b in enumerate(blocks) if b[:2] == charts), len(blocks))
    return blocks[:at] + rights_blocks(analysis, lang) + blocks[at:]
