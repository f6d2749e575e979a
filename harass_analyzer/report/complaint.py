"""complaint.md (投诉材料): one ready-to-paste text per collector for 12378 / 互金协会 / 12321 / 110 / 黑猫投诉.

Each entity gets: the numbers in full, the date range, the counts (sums of its senders.csv rows), the
rules flagged (violations.csv rows with citation and legal weight), the message texts unedited (12321
asks for the full original text), and the evidence files. The paste-ready parts sit in fenced blocks,
so a Markdown viewer shows them verbatim and the sender's text cannot inject markup.
"""
from __future__ import annotations

from .document import violation_rows
from .facts import EntityFacts, ReportFacts
from .markdown import fenced, md_escape
from .texts import night_label

MAX_MESSAGES = 10

HEAD = {
    "zh": ["# 投诉材料", "",
           "以下每个催收方一节，“事实与理由”可直接复制到投诉表单；投诉人姓名、身份证号和联系电话请自行填写。",
           "", "投诉渠道（按对象选择）：",
           "- 银行、消费金融公司、小贷公司：国家金融监督管理总局 12378（需写明被投诉机构名称）",
           "- 网络借贷平台：中国互联网金融协会举报 jubao.nifa.org.cn",
           "- 骚扰短信、骚扰电话：12321（需完整号码和未经编辑的短信原文，本文件已保留）",
           "- 威胁人身安全、冒充公检法、爆通讯录：110 报警",
           "- 黑猫投诉为商业平台，只有舆论作用，没有法律效力", ""],
    "en": ["# Complaint material", "",
           "One section per collector; the \"facts\" text can be pasted into a complaint form. Add your own "
           "name and contact details.", "",
           "Where to file: banks/consumer-finance/micro-lenders → NFRA 12378; online lenders → NIFA "
           "(jubao.nifa.org.cn); spam SMS and harassing calls → 12321 (needs full numbers and unedited "
           "text, kept here); threats or impersonating officials → police 110; in the US, the CFPB portal.", ""],
}


def facts_text(e: EntityFacts, f: ReportFacts) -> str:
    """The paste-ready paragraph for one collector."""
    nl = night_label(f.night_hours, f.lang)
    first, last = e.first_seen[:10], e.last_seen[:10]
    numbers = "、".join(e.numbers) if f.lang == "zh" else ", ".join(e.numbers)
    worst = e.worst_days[0] if e.worst_days else ("—", 0)
    rules = violation_rows(e, f) if f.violations is not None and not e.violations.empty else []
    if f.lang == "zh":
        lines = [f"{first} 至 {last}，{e.name} 使用以下 {len(e.numbers)} 个号码：{numbers}，"
                 f"共联系本人 {e.total_in} 次：来电 {e.calls_in} 次（其中未接通 {e.calls_unanswered} 次），"
                 f"短信 {e.messages_in} 条（其中催收内容 {e.collection_msgs} 条），涉及 {e.active_days} 天，"
                 f"单日最多 {worst[1]} 次（{worst[0]}）；其中 {e.night_in} 次在夜间 {nl}。"]
        if rules:
            lines.append("上述行为涉嫌违反：")
            lines += [f"{i}. {r['rule']}：检出 {r['times']} 处，最严重一处计 {r['worst']} 次（阈值 {r['threshold']}）。"
                      f"依据：{r['citation']}（{r['weight']}）" for i, r in enumerate(rules, 1)]
        lines.append("请求：责令其立即停止骚扰性催收，并依法依规处理。以上次数均可在所附 events.csv 中逐条核对"
                     "（含时间、号码、来源文件）。")
    else:
        lines = [f"From {first} to {last}, {e.name} contacted me {e.total_in} times from {len(e.numbers)} "
                 f"number(s) ({numbers}): {e.calls_in} calls ({e.calls_unanswered} unanswered) and "
                 f"{e.messages_in} messages ({e.collection_msgs} about collection) on {e.active_days} days, "
                 f"up to {worst[1]} on one day ({worst[0]}); {e.night_in} came at night ({nl})."]
        if rules:
            lines.append("This appears to breach:")
            lines += [f"{i}. {r['rule']}: flagged {r['times']} time{'s' if r['times'] != 1 else ''}, "
                      f"worst window {r['worst']} (threshold "
                      f"{r['threshold']}). Cites: {r['citation']} ({r['weight']})" for i, r in enumerate(rules, 1)]
        lines.append("I ask that the collection harassment stop and be dealt with. Every count can be checked "
                     "record by record in the attached events.csv (time, number, source file).")
    return "\n".join(lines)


def _entity_section(i: int, e: EntityFacts, f: ReportFacts) -> list[str]:
    zh = f.lang == "zh"
    out = [f"## {i}. {'投诉对象' if zh else 'Collector'}：{md_escape(e.name)}" if zh
           else f"## {i}. Collector: {md_escape(e.name)}", "",
           f"**{'涉及号码' if zh else 'Numbers'}**: {md_escape(', '.join(e.numbers))}", "",
           *([f"**{'附通话录音 {n} 个' if zh else '{n} call recording(s) attached'}**: ".format(n=len(e.recordings))
              + md_escape(", ".join(r.replace("\\", "/").rsplit("/", 1)[-1] for r in e.recordings)), ""]
             if e.recordings else []),  # issue 20 hook: file names; full paths and hashes in recordings.csv
           f"**{'事实与理由（可直接复制）' if zh else 'Facts (ready to paste)'}**", "", fenced(facts_text(e, f)), ""]
    msgs = e.examples[:MAX_MESSAGES]
    if msgs:
        out += [f"**{'短信原文（未经编辑）' if zh else 'Message texts (unedited)'}**", ""]
        for n, x in enumerate(msgs, 1):
            out += [f"{n}. {md_escape(x['timestamp'].replace('T', ' '))} · {md_escape(x['counterpart'])} · "
                    f"{md_escape(x['event_id'])}", "", fenced(x["body"]), ""]
    ids = ", ".join(x["event_id"] for x in msgs)
    files = ("events.csv（逐条记录：时间、号码、原文、来源文件和位置" + (f"；上文短信为 {ids}" if ids else "") + "）、"
             "senders.csv（按号码统计）、violations.csv（规则检查明细）、entities.csv（号码归并依据）、"
             "report.html（图表）、manifest.json（所有文件的 SHA-256）") if zh else (
             "events.csv (every record: time, number, text, source file and locator"
             + (f"; the messages above are {ids}" if ids else "") + "), senders.csv (per number), violations.csv "
             "(rule checks), entities.csv (grouping evidence), report.html (charts), manifest.json (SHA-256 of every "
             "file)")
    out += [f"**{'证据文件' if zh else 'Evidence files'}**: {md_escape(files)}", ""]
    return out


def render_complaint(f: ReportFacts) -> str:
    lines = list(HEAD["zh" if f.lang == "zh" else "en"])
    if f.redacted:
        lines += ["> **" + md_escape("本文件已脱敏，不宜直接提交；请使用未加 --redact 生成的版本。" if f.lang == "zh"
                                     else "This file is redacted; file the version made without --redact.")
                  + "**", ""]
    if not f.entities:
        lines.append("没有发现催收方。" if f.lang == "zh" else "No collector found.")
    for i, entity in enumerate(f.entities, 1):
        lines += _entity_section(i, entity, f)
    from .suspects import complaint_lines  # suspected collectors, apart and marked

    lines += complaint_lines(f)
    return "\n".join(lines).rstrip("\n") + "\n"
