"""complaint.md: where to file and which file of complaint/ to use (report/packs.py writes them), with
each collector's facts once more for a quick look. The paste-ready texts live in complaint/.
"""
from __future__ import annotations

from .facts import ReportFacts
from .markdown import fenced, md_escape
from .packs import contact_line, entity_facts_text

HEAD = {
    "zh": ["# 投诉材料", "",
           "complaint/ 文件夹里按投诉渠道各有一份材料，代码框里的文字可直接复制到投诉表单；投诉人姓名、身份证号和联系电话请自行填写。",
           "", "| 渠道 | 适用对象 | 文件 |", "|---|---|---|",
           "| 12378（国家金融监督管理总局） | 银行、消费金融公司、小贷公司 | complaint/12378.md |",
           "| 中国互联网金融协会举报 | 网络借贷平台（附件 ≤ 2 MB：附 report.pdf） | complaint/nifa.md |",
           "| 12321 | 每个骚扰号码单独举报（号码、时间、通话时长、短信原文） | complaint/12321.md、complaint/12321.csv |",
           "| 110 | 威胁、辱骂、冒充公检法、扬言曝光隐私 | complaint/110.md |",
           "| 黑猫投诉 | 公开发布，只有舆论作用；已脱敏 | complaint/heimao.md |", "",
           "引用条文的可信度和提交前需要核对的地方见 complaint/notes.md。", ""],
    "en": ["# Complaint material", "",
           "complaint/ holds one file per channel; text in code blocks is ready to paste. Add your own name, ID "
           "number and phone.", "",
           "- NFRA 12378 (banks, consumer-finance and micro-lenders): complaint/12378.md",
           "- NIFA (online lenders; attachments ≤ 2 MB, attach report.pdf): complaint/nifa.md",
           "- 12321 (one report per number): complaint/12321.md, complaint/12321.csv",
           "- Police 110 (threats, impersonation, exposure): complaint/110.md",
           "- 黑猫投诉 (published; redacted): complaint/heimao.md",
           "- What to check in the citations before filing: complaint/notes.md", ""],
}


def render_complaint(f: ReportFacts) -> str:
    lines = list(HEAD["zh" if f.lang == "zh" else "en"])
    if contact_line(f):
        lines += [f"**{md_escape(contact_line(f))}**", ""]
    if f.redacted:
        lines += ["> **" + md_escape("本文件已脱敏，不宜直接提交；请使用未加 --redact 生成的版本。" if f.lang == "zh"
                                     else "This file is redacted; file the version made without --redact.")
                  + "**", ""]
    if not f.entities:
        lines.append("没有发现催收方。" if f.lang == "zh" else "No collector found.")
    for i, e in enumerate(f.entities, 1):
        lines += [f"## {i}. {md_escape(e.name)}", "", f"**{'涉及号码' if f.lang == 'zh' else 'Numbers'}**: "
                  f"{md_escape(', '.join(e.numbers))}", "", fenced(entity_facts_text(e, f)), ""]
    from .suspects import complaint_lines  # suspected collectors, apart and marked

    lines += complaint_lines(f)
    return "\n".join(lines).rstrip("\n") + "\n"
