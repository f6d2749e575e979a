"""complaint/12315.md (12315 / 市场监管 for platforms that are not licensed lenders) and, for a third-party
owner, complaint/demand_letter.md: a short letter to the lender or platform itself (停止联系、删除本人信息)
that a contact can send before complaining anywhere.

rules.md §0: offer 12315 for platforms (a shopping or delivery platform's credit product) with the same
facts as 12378. Counts are the report's (sums of senders.csv rows, report/facts.py); third-party counts are
violations.csv rows of the cn pack's third-party rules (report/third_party.py). R-graded law is named, never
quoted.
"""
from __future__ import annotations

from pathlib import Path

from .facts import EntityFacts, ReportFacts
from .markdown import fenced, md_escape
from .texts import night_label
from .third_party import rule_records, shows_rights
from ..schema import Analysis

NOT_BORROWER = {"zh": "本人并非借款人，系被填写为紧急联系人/通讯录联系人，与该笔债务无关。",
                "en": "I am not the borrower: my number was given as an emergency or address-book contact."}
NEW_LAW_DAY = "2026-01-01"  # 网络安全法 2025 amendment in force: cited by sentence from this day

HEAD_12315 = {
    "zh": ["# 12315 / 市场监管部门 投诉材料（平台类）", "",
           "适用：借款或分期由电商、外卖、出行等平台或其他非持牌机构提供（不是银行、消费金融公司、小贷公司）时，"
           "可通过全国12315平台、12315热线或当地市场监督管理部门投诉；持牌金融机构请投诉 12378，网络借贷平台也可向"
           "中国互联网金融协会举报。以下事实与 12378 材料相同。", "",
           "需要自行补充：经营者（平台）全称和所在地、投诉人姓名和联系电话、订单或借款编号（如有）。", ""],
    "en": ["# 12315 / market regulation complaint (platforms)", "",
           "For credit offered by a shopping, delivery or ride platform or another unlicensed business (not a bank, "
           "consumer-finance company or micro-lender): complain on the national 12315 platform, the 12315 hotline or "
           "to the local market regulator; licensed lenders go to 12378, online lenders also to NIFA. The facts are "
           "the same as for 12378.", "",
           "Add yourself: the business's full name and address, your name and phone number, any order or loan number.",
           ""],
}


def _counts_zh(e: EntityFacts, f: ReportFacts, who: str) -> str:
    nl = night_label(f.night_hours, f.lang)
    return (f"{e.first_seen[:10]} 至 {e.last_seen[:10]}，{e.name} 使用以下 {len(e.numbers)} 个号码："
            f"{'、'.join(e.numbers)}，共联系{who} {e.total_in} 次：来电 {e.calls_in} 次（其中未接通 {e.calls_unanswered} 次），"
            f"短信 {e.messages_in} 条（其中催收内容 {e.collection_msgs} 条），涉及 {e.active_days} 天，"
            f"其中 {e.night_in} 次在夜间 {nl}。")


def _counts_en(e: EntityFacts, f: ReportFacts) -> str:
    nl = night_label(f.night_hours, f.lang)
    return (f"From {e.first_seen[:10]} to {e.last_seen[:10]}, {e.name} contacted me {e.total_in} times from "
            f"{len(e.numbers)} number(s) ({', '.join(e.numbers)}): {e.calls_in} calls ({e.calls_unanswered} "
            f"unanswered) and {e.messages_in} messages ({e.collection_msgs} about collection) on {e.active_days} "
            f"days; {e.night_in} at night ({nl}).")


def _rule_lines(e: EntityFacts, f: ReportFacts) -> list[str]:
    """Every rule flagged for the entity: title, rows, contacts, citation (with its confidence tag)."""
    v = e.violations
    if v is None or v.empty:
        return []
    lines = []
    for n, (rule_id, part) in enumerate(v.groupby("rule_id", sort=False), 1):
        title = f.rule_titles.get(str(rule_id), "")
        count = int(part["count"].astype(int).sum())
        lines.append(f"{n}. {title}（{rule_id}）：{len(part)} 处，计 {count} 次。依据：{part['citation'].iloc[0]}"
                     if f.lang == "zh" else
                     f"{n}. {title} ({rule_id}): {len(part)} row(s), {count} contacts. Cites: {part['citation'].iloc[0]}")
    return lines


def render_12315(f: ReportFacts, analysis) -> str:
    zh = f.lang == "zh"
    third = analysis.options.role == "contact"
    lines = list(HEAD_12315["zh" if zh else "en"])
    if f.redacted:
        lines += ["> **" + md_escape("本文件已脱敏，不宜直接提交；请使用未加 --redact 生成的版本。" if zh
                                     else "This file is redacted; file the version made without --redact.") + "**", ""]
    if not f.entities:
        lines.append("没有发现催收方。" if zh else "No collector found.")
    for i, e in enumerate(f.entities, 1):
        text = [NOT_BORROWER[f.lang]] if third else []
        text.append(_counts_zh(e, f, "本人") if zh else _counts_en(e, f))
        rules = _rule_lines(e, f)
        if rules:
            text += ["上述行为涉嫌违反：" if zh else "This appears to breach:"] + rules
        text.append(("诉求：责令其停止骚扰性催收" + ("、删除本人个人信息" if third else "") + "，并依法处理。以上次数均可在所附 "
                     "events.csv 中逐条核对。") if zh else
                    ("I ask that the harassment stop" + (" and my personal information be deleted" if third else "")
                     + ", and that it be dealt with. Every count can be checked in the attached events.csv."))
        lines += [f"## {i}. {'被投诉方' if zh else 'Business'}：{md_escape(e.name)}", "",
                  f"**{'事实与诉求（可直接复制）' if zh else 'Facts and request (ready to paste)'}**", "",
                  fenced("\n".join(text)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _basis(e: EntityFacts, analysis: Analysis, zh: bool) -> str:
    """The laws the letter names: civil code and PIPL always; the cybersecurity-law sentence by the dates of
    the entity's contacts (第四十四条 before 2026-01-01, the sentence without a number from then)."""
    csl = []
    old = rule_records(analysis.violations, "CN-CSL-44-3P", e.name)[0] or e.first_seen[:10] < NEW_LAW_DAY
    new = rule_records(analysis.violations, "CN-CSL-2026-3P", e.name)[0] or e.last_seen[:10] >= NEW_LAW_DAY
    if zh:
        if old:
            csl.append("网络安全法 第四十四条（2025年12月31日及以前的联系）")
        if new:
            csl.append("网络安全法关于禁止非法获取、向他人提供个人信息的规定（2026年1月1日起的联系）")
        return ("民法典 第一千零三十二条、第一千零三十三条（私人生活安宁）；民法典 第一千零三十五条（处理个人信息须经本人同意，"
                "条文措辞待核实）；个人信息保护法 第十条、第十三条；" + "；".join(csl) + "。")
    if old:
        csl.append("Cybersecurity Law Art. 44 (contacts up to 2025-12-31)")
    if new:
        csl.append("the Cybersecurity Law's rule against unlawfully obtaining or providing personal information "
                   "(contacts from 2026-01-01)")
    return ("Civil Code Art. 1032 and 1033 (peace of private life); Civil Code Art. 1035 (processing personal "
            "information needs consent; wording to be verified); PIPL Art. 10 and 13; " + "; ".join(csl) + ".")


def _letter(e: EntityFacts, f: ReportFacts, analysis: Analysis) -> str:
    zh = f.lang == "zh"
    after = rule_records(analysis.violations, "CN-CC-1033-STOP", e.name)[0]
    if zh:
        facts = _counts_zh(e, f, "本人")
        if after:
            facts += f"本人明确要求停止联系后，贵方仍联系本人 {after} 次。"
        return "\n".join([
            f"致：{e.name}（请补充公司或平台全称）及其委托的催收机构", "",
            "停止联系、删除本人信息告知函", "",
            "本人是本手机号码的机主。" + NOT_BORROWER["zh"] + "本人不是担保人，也从未同意贵方联系本人或处理本人的个人信息。",
            facts, "",
            "现要求贵方：", "1. 立即停止以电话、短信或任何其他方式联系本人；",
            "2. 删除贵方及合作催收机构持有的本人手机号码等个人信息，并书面告知删除结果；",
            "3. 说明本人号码的来源；", "4. 不再向本人透露他人的债务信息。", "",
            "依据：" + _basis(e, analysis, True), "",
            "如贵方继续联系，本人将向 12378 / 12315 / 中国互联网金融协会投诉、向公安机关报案，并保留通过诉讼要求停止侵害、"
            "赔礼道歉、赔偿损失的权利。以上次数均有通话记录和短信原文可查（附 events.csv）。", "",
            "机主（签名）：________　　手机号：________　　日期：________"])
    facts = _counts_en(e, f)
    if after:
        facts += f" After I asked you to stop, you contacted me {after} more times."
    return "\n".join([
        f"To: {e.name} (add the company's or platform's full name) and any collection agency acting for it", "",
        "Demand to stop contacting me and delete my personal information", "",
        "I own this phone number. " + NOT_BORROWER["en"] + " I am not a guarantor and never agreed that you "
        "contact me or process my personal information.", facts, "",
        "I ask you to:", "1. stop contacting me at once, by calls, texts or any other way;",
        "2. delete my phone number and any other personal information of mine held by you or your collection "
        "agencies, and confirm the deletion in writing;", "3. tell me where you got my number;",
        "4. stop telling me about anyone's debt.", "", "Basis: " + _basis(e, analysis, False), "",
        "If you go on, I will complain to 12378 / 12315 / NIFA, report to the police, and keep my right to sue "
        "for an injunction, an apology and compensation. Every count is in the call log and the texts (events.csv "
        "attached).", "", "Owner (signature): ________  Phone: ________  Date: ________"])


def render_demand_letter(f: ReportFacts, analysis: Analysis) -> str:
    zh = f.lang == "zh"
    lines = ["# 停止联系、删除本人信息告知函（第三人用）" if zh else "# Demand letter for a third party", "",
             ("先把下面的函发给放贷方或平台（客服、官方邮箱或挂号信），保留发送记录；对方不停止的，再用 complaint 中的材料投诉。"
              "每个催收方一封。本函不构成法律意见。") if zh else
             ("Send the letter below to the lender or platform first (customer service, official e-mail or registered "
              "post) and keep proof of sending; if they go on, use the complaint packs. One letter per collector. Not "
              "legal advice."), ""]
    if f.redacted:
        lines += ["> **" + md_escape("本文件已脱敏，发送前请使用未加 --redact 生成的版本。" if zh
                                     else "This file is redacted; send the version made without --redact.") + "**", ""]
    if not f.entities:
        lines.append("没有发现催收方。" if zh else "No collector found.")
    for i, e in enumerate(f.entities, 1):
        lines += [f"## {i}. {md_escape(e.name)}", "", fenced(_letter(e, f, analysis)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_contact_packs(folder: Path, facts: ReportFacts, analysis: Analysis) -> None:
    """complaint/12315.md always; complaint/demand_letter.md when the owner is (or looks like) a third party."""
    folder.mkdir(exist_ok=True)
    (folder / "12315.md").write_text(render_12315(facts, analysis), encoding="utf-8")
    if shows_rights(analysis):
        (folder / "demand_letter.md").write_text(render_demand_letter(facts, analysis), encoding="utf-8")
