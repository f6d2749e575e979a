"""Report wording in Chinese (default) and English; `{name}` placeholders are filled with str.format."""
from __future__ import annotations

from ..rules.text import WEIGHT_LABELS  # one wording of legal weights for listing and report

TAG_LABELS = {
    "violence": ("暴力威胁", "threat of violence"), "impersonation": ("冒充公检法", "impersonating officials"),
    "exposure": ("扬言曝光/爆通讯录", "threat to expose"), "legal_threat": ("诉讼威胁", "legal threat"),
    "visit_threat": ("扬言上门", "threat to visit"), "insult": ("辱骂", "insult"),
    "third_party": ("联系第三人", "third-party contact"), "reminder": ("还款提醒", "payment reminder"),
}

TEXT = {
    "zh": {
        "title": "骚扰催收证据报告",
        "redacted_banner": "本报告已脱敏（--redact）：第三方号码显示为 138****8000，联系人姓名和短信中的人名已遮盖；"
                           "催收方号码保持完整。提交投诉请使用未脱敏的版本。",
        "summary": "摘要",
        "sum_contacts": "{first} 至 {last}，{entities} 个催收方（{numbers} 个号码）共联系您 {total} 次："
                        "来电 {calls} 次（未接 {unanswered} 次），短信 {messages} 条（催收内容 {collection} 条）。",
        "sum_none": "{first} 至 {last} 的 {events} 条记录中未发现催收方（没有催收类短信）。",
        "sum_night": "其中 {night} 次在夜间 {night_label}；单日最多 {max} 次（{day}，{entity}）。",
        "sum_viol": "按规则配置“{profile}”检出 {rows} 处可能违规，涉及 {rules} 条规则；明细见下文和 violations.csv。",
        "sum_viol_none": "按规则配置“{profile}”未检出违规。",
        "sum_viol_na": "规则检查结果不可用（本次没有运行规则检查），下文只有统计数字。",
        "charts": "图表",
        "cap_daily": "每日呼入来电与接收短信，按催收/其他拆分。",
        "cap_hourly": "催收联系按时刻分布；灰色为规则禁止联系的时段。",
        "cap_heatmap": "催收联系按星期和时刻分布（格内数字为次数）。",
        "cap_top_senders": "联系最多的号码（含非催收号码）。",
        "cap_top_entities": "各催收方的联系次数（同一催收方的多个号码已合并）。",
        "figures": "联系最多的号码",
        "figures_note": "与 senders.csv 相同的数字（前 {n} 行）。",
        "sender_headers": ["号码", "联系人", "合计", "短信", "来电", "未接", "催收短信", "单日最多", "夜间", "首次", "最近"],
        "entities": "各催收方",
        "entities_none": "没有催收方。",
        "not_grouped": "号码未归并：每个发过催收短信的号码单独列出（归并结果不可用）。",
        "numbers": "号码", "evidence": "归并依据", "period": "时间范围",
        "fig_headers": ["合计", "来电", "其中未接", "短信", "其中催收内容", "夜间", "有联系的天数"],
        "worst_days": "联系最多的日子", "times": "次",
        "night_list": "夜间联系（{night_label}）共 {n} 次，最早几次：",
        "violations": "可能违反的规则",
        "viol_headers": ["规则", "检出次数", "最多（阈值）", "首次", "效力", "依据"],
        "viol_none": "未检出违规。", "viol_na": "规则检查结果不可用。",
        "examples": "短信原文举例（未经编辑）",
        "examples_none": "没有催收类短信。",
        "call": "来电", "message": "短信",
        "method": "方法与局限",
        "m_tz": "时区：{tz}。所有时间为当地时间，“一天”指当地自然日。",
        "m_profile_na": "规则配置：不可用（未运行规则检查）。夜间按 GB/T 45251—2025 的 22:00–08:00 统计。",
        "m_classifier": "催收短信由本工具的分类器（在合成语料上训练的模型，结合关键词）判定"
                        "（events.csv 的 category、tags、matched_terms 列），"
                        "可能误判，请核对原文。来电无法判断内容：催收方号码的来电全部计入。",
        "m_grouped": "号码归并：依据短信签名、回拨号码、合同号等把轮换号码归为同一催收方（entities.csv 列出依据）。",
        "m_incoming": "只统计呼入来电和已接收的短信；草稿、发送失败的短信保留在 events.csv 但不计数。",
        "m_skipped": "未导入的记录：{issues} 条（原因见 import_issues.csv）；合并的重复记录：{merged} 条。",
        "m_skipped_reason": "{reason}：{n} 条",
        "m_advice": "本报告由软件自动生成，不构成法律意见。",
        "integrity": "完整性",
        "integrity_note": "输入文件未被修改；下表为其 SHA-256。manifest.json 列出本文件夹中每个输出文件的 SHA-256，"
                          "可用 sha256sum 核对。每个数字都能在 events.csv（event_id、source_file、source_ref）中查到原始记录。",
        "input_headers": ["输入", "格式", "读到的记录", "导入的事件", "未导入", "合并的重复", "SHA-256"],
        "na": "不可用",
        "to": "至",
    },
    "en": {
        "title": "Debt-collection harassment evidence report",
        "redacted_banner": "This report is redacted (--redact): third-party numbers are shown as 138****8000, contact "
                           "names and person names in messages are masked; collectors' numbers stay in full. "
                           "File complaints with the unredacted bundle.",
        "summary": "Summary",
        "sum_contacts": "From {first} to {last}, {entities} collector(s) using {numbers} number(s) contacted you "
                        "{total} times: {calls} calls ({unanswered} unanswered) and {messages} messages "
                        "({collection} about collection).",
        "sum_none": "No collector found among {events} records from {first} to {last} (no collection messages).",
        "sum_night": "{night} of these came at night ({night_label}); the worst day had {max} ({day}, {entity}).",
        "sum_viol": "Rule profile \"{profile}\" flags {rows} possible violations of {rules} rule(s); see below "
                    "and violations.csv.",
        "sum_viol_none": "Rule profile \"{profile}\" flags no violation.",
        "sum_viol_na": "Rule checks are not available for this run; only the figures are shown.",
        "charts": "Charts",
        "cap_daily": "Incoming calls and received messages per day, collection vs other.",
        "cap_hourly": "Collection contacts by hour; grey marks the hours the rules disallow.",
        "cap_heatmap": "Collection contacts by weekday and hour (numbers are counts).",
        "cap_top_senders": "Numbers that contacted you most (including non-collectors).",
        "cap_top_entities": "Contacts per collector (a collector's numbers combined).",
        "figures": "Numbers that contacted you most",
        "figures_note": "The same figures as senders.csv (first {n} rows).",
        "sender_headers": ["Number", "Contact", "Total", "Messages", "Calls", "Unanswered", "Collection msgs",
                           "Max/day", "Night", "First", "Last"],
        "entities": "Collectors",
        "entities_none": "No collector.",
        "not_grouped": "Numbers not grouped: each number that sent a collection message is listed on its own "
                       "(grouping not available).",
        "numbers": "Numbers", "evidence": "Grouped because", "period": "Period",
        "fig_headers": ["Total", "Calls", "unanswered", "Messages", "about collection", "Night", "Days with contact"],
        "worst_days": "Worst days", "times": "",
        "night_list": "Night contacts ({night_label}): {n}; the first ones:",
        "violations": "Possible rule violations",
        "viol_headers": ["Rule", "Times", "Worst (threshold)", "First", "Legal weight", "Cites"],
        "viol_none": "No violation flagged.", "viol_na": "Rule checks not available.",
        "examples": "Example messages (unedited)",
        "examples_none": "No collection message.",
        "call": "call", "message": "message",
        "method": "Method and limits",
        "m_tz": "Timezone: {tz}. All times are local; a \"day\" is a local calendar day.",
        "m_profile_na": "Rule profile: not available (rule checks did not run). Night means 22:00–08:00 "
                        "(GB/T 45251-2025).",
        "m_classifier": "Collection messages are found by this tool's classifier (a model trained on a synthetic "
                        "corpus, with keywords; events.csv columns "
                        "category, tags, matched_terms) and can be wrong; check the text. Calls have no content: "
                        "every call from a collector's number counts.",
        "m_grouped": "Grouping: rotating numbers join one collector by SMS signature, callback number, contract "
                     "number etc. (entities.csv lists the evidence).",
        "m_incoming": "Only incoming calls and received messages count; drafts and failed messages stay in "
                      "events.csv but are not counted.",
        "m_skipped": "Records not imported: {issues} (reasons in import_issues.csv); duplicates merged: {merged}.",
        "m_skipped_reason": "{reason}: {n}",
        "m_advice": "This report is generated by software and is not legal advice.",
        "integrity": "Integrity",
        "integrity_note": "Inputs were not modified; their SHA-256 are below. manifest.json holds the SHA-256 of "
                          "every output file (check with sha256sum). Every figure traces to original records in "
                          "events.csv (event_id, source_file, source_ref).",
        "input_headers": ["Input", "Format", "Records read", "Events", "Not imported", "Duplicates merged", "SHA-256"],
        "na": "not available",
        "to": "to",
    },
}


def weight_label(weight: str, lang: str) -> str:
    pair = WEIGHT_LABELS.get(weight)
    return (pair[0] if lang == "zh" else pair[1]) if pair else weight


def tag_label(tag: str, lang: str) -> str:
    pair = TAG_LABELS.get(tag)
    return (pair[0] if lang == "zh" else pair[1]) if pair else tag


def night_label(hours: tuple[int, int], lang: str) -> str:
    start, end = hours
    return f"{start:02d}:00–{'次日' if lang == 'zh' and start > end else ''}{end:02d}:00"
