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

import pandas as pd

from . import bundle
from .facts import EntityFacts, ReportFacts
from .findings import Finding, basis_sentences, citation_caveat, finding_sentence, weight_words
from .markdown import fenced, md_escape
from .redact import mask_number
from .texts import night_label

FACTS_LIMIT = 500  # 12378 / 互金协会 forms: keep the facts short enough to paste
CALLS_LISTED = 60  # per number in 12321.md; events.csv has the rest
TEXTS_LISTED = 12
THREAT_TAGS = ("violence", "threat", "insult", "impersonation", "exposure")
CONTACT_ZH = "本人并非借款人，系被填写为紧急联系人/通讯录联系人，与该笔债务无关。"
CONTACT_EN = "I am not the borrower: my number was given as an emergency or address-book contact."
PDF_LIMIT = 2 * 1024 * 1024


def contact_line(f: ReportFacts) -> str:
    return (CONTACT_ZH if f.lang == "zh" else CONTACT_EN) if f.role == "contact" else ""


def recordings_of(f: ReportFacts, numbers: list[str]) -> int:
    """Call recordings linked to these numbers (events.csv `recording` column, when an import adds it)."""
    ev = f.frame
    if ev is None or "recording" not in ev.columns or not numbers:
        return 0
    has = ev["recording"].fillna("").astype(str).ne("") & ev["counterpart"].isin(numbers)
    return int(has.sum())


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


def evidence_list(e: EntityFacts | None, f: ReportFacts, pdf_bytes: int | None = None) -> list[str]:
    zh = f.lang == "zh"
    size = f"（{pdf_bytes / 1024 / 1024:.2f} MB）" if pdf_bytes else ""
    items = ([f"report.pdf：证据报告{size}，含图表、每个催收方的统计、规则检查和所有文件的哈希",
              "evidence.xlsx：逐条记录（时间、号码、通话时长、短信原文），可用 Excel/WPS 筛选",
              "events.csv、senders.csv、violations.csv、entities.csv：同样的数据（机器可读）",
              "manifest.json：所有文件的 SHA-256 和本次运行的指纹",
              "原始导出文件和手机原机（电子数据的原件，请妥善保管）"] if zh else
             [f"report.pdf: the evidence report{size} (charts, per-collector figures, rule checks, hashes)",
              "evidence.xlsx: every record (time, number, call duration, unedited text)",
              "events.csv, senders.csv, violations.csv, entities.csv: the same data, machine-readable",
              "manifest.json: SHA-256 of every file and the run's fingerprint",
              "the original export and the phone itself (the originals of the electronic data)"])
    recordings = recordings_of(f, e.numbers if e is not None else sorted(f.collector_numbers))
    if recordings:
        items.insert(2, f"附通话录音 {recordings} 个" if zh else f"{recordings} call recording(s) attached")
    return [f"{i}. {t}" for i, t in enumerate(items, 1)]


def _header(title: str, how: list[str], f: ReportFacts) -> list[str]:
    lines = [f"# {title}", ""] + [f"- {md_escape(h)}" for h in how] + [""]
    if contact_line(f):
        lines += [f"**{md_escape(contact_line(f))}**", ""]
    if f.redacted:
        lines += ["> **" + md_escape("本文件来自脱敏（--redact）的证据包，不宜直接提交；请用未脱敏的版本。" if f.lang == "zh"
                                     else "Made from a redacted bundle: file the unredacted version.") + "**", ""]
    if not f.entities:
        lines += ["没有发现催收方。" if f.lang == "zh" else "No collector found.", ""]
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


def _threat_rows(f: ReportFacts, e: EntityFacts) -> pd.DataFrame:
    ev = f.frame
    if ev is None or not e.numbers:
        return pd.DataFrame()
    pick = ev["counterpart"].isin(e.numbers) & ev["direction"].eq("in") & ev["kind"].ne("call")
    tags = ev.loc[pick, "tags"].fillna("").astype(str)
    hit = tags.str.split(";").map(lambda t: bool(set(t) & set(THREAT_TAGS)))
    return ev.loc[hit[hit].index, ["event_id", "timestamp", "counterpart", "body", "tags"]]


STATUTE_TAGS = ("insult", "threat", "violence")  # what 治安管理处罚法's "侮辱、恐吓" counts (cn pack)
STATUTE_TIMES = 3  # "多次"


def _police_statement(f: ReportFacts, e: EntityFacts, rows: pd.DataFrame, tag_counts: dict, counted: str) -> str:
    """The statement for 110: the messages, then 治安管理处罚法 by the date of each message (第四十二条 before
    2026-01-01, 第五十条 from then) when there were "多次" (3+) insulting or threatening ones in that period."""
    zh = f.lang == "zh"
    first, last = (str(rows["timestamp"].iloc[i])[:16].replace("T", " ") for i in (0, -1))
    tags = rows["tags"].astype(str).str.split(";")
    abusive = tags.map(lambda t: bool(set(t) & set(STATUTE_TAGS)))
    early = abusive & (rows["timestamp"].astype(str).str[:10] < "2026-01-01")
    late = abusive & ~early
    if not zh:
        return (f"From {first} to {last} collectors for {e.name} sent me {len(rows)} threatening, insulting or "
                f"impersonating messages ({counted}). {int(early.sum())} insulting or threatening ones before "
                f"2026-01-01 (Public Security Administration Punishments Law Art. 42(5)), {int(late.sum())} from then "
                "(Art. 50(1)(5)). I ask the police to deal with it.")
    text = (contact_line(f) + f"{first} 至 {last}，{e.name}的催收人员用 {rows['counterpart'].nunique()} 个号码向本人发送"
            f"威胁、辱骂、冒充公检法或扬言曝光隐私的短信共 {len(rows)} 条（{counted}），干扰本人正常生活。")
    law = []
    if int(early.sum()) >= STATUTE_TIMES:
        law.append(f"其中 {int(early.sum())} 条辱骂、恐吓短信发生在 2026 年 1 月 1 日以前，涉嫌违反《中华人民共和国治安管理处罚法》"
                   "（2012年修正）第四十二条第（五）项「多次发送淫秽、侮辱、恐吓或者其他信息，干扰他人正常生活的」")
    if int(late.sum()) >= STATUTE_TIMES:
        law.append(f"{'其中 ' if not law else ''}{int(late.sum())} 条辱骂、恐吓短信发生在 2026 年 1 月 1 日以后，涉嫌违反"
                   "《中华人民共和国治安管理处罚法》（2025年修订）第五十条第一款第（五）项「多次发送淫秽、侮辱、恐吓等信息"
                   "或者采取滋扰、纠缠、跟踪等方法，干扰他人正常生活的」")
    if tag_counts.get("impersonation"):
        law.append(f"另有 {tag_counts['impersonation']} 条短信冒用公安、法院等国家机关的名义")
    if tag_counts.get("exposure"):
        law.append(f"{tag_counts['exposure']} 条扬言曝光隐私、爆通讯录，属于最高人民法院、最高人民检察院、公安部、司法部"
                   "《关于办理实施“软暴力”的刑事案件若干问题的意见》第二条所列“揭发隐私”等软暴力手段")
    return text + ("；".join(law) + "。" if law else "") + "请求依法查处，并责令其停止联系本人。"


def write_110(f: ReportFacts) -> str:
    zh = f.lang == "zh"
    how = (["适用于：威胁人身安全、辱骂恐吓、冒充公检法、扬言曝光隐私或爆通讯录",
            "报警时请带上手机原机（短信和通话记录的原件）、本材料、report.pdf，有通话录音一并带上",
            "2026 年 1 月 1 日起的行为适用修订后的《治安管理处罚法》第五十条，之前的行为适用原第四十二条"] if zh else
           ["For threats, insults, impersonating officials, threats to expose you or message your contacts",
            "Bring the phone itself, this file, report.pdf and any call recordings"])
    lines = _header("110 报警材料" if zh else "Police (110) material", how, f)
    shown = 0
    for e in f.entities:
        rows = _threat_rows(f, e)
        if rows.empty:
            continue
        shown += 1
        tag_counts = {t: int(rows["tags"].astype(str).str.split(";").map(lambda s, t=t: t in s).sum())
                      for t in THREAT_TAGS}
        from .findings import TAG_WORDS

        counted = ("、".join(f"{TAG_WORDS['zh'][t]} {n} 条" for t, n in tag_counts.items() if n) if zh else
                   ", ".join(f"{TAG_WORDS['en'][t]} {n}" for t, n in tag_counts.items() if n))
        text = _police_statement(f, e, rows, tag_counts, counted)
        lines += [f"## {md_escape(e.name)}", "", f"**{'报警陈述（可直接复制）' if zh else 'Statement'}**", "",
                  fenced(text), "", f"**{'短信原文（未经编辑）' if zh else 'Messages (unedited)'}**", ""]
        for n, r in enumerate(rows.head(TEXTS_LISTED * 2).itertuples(index=False), 1):
            lines += [f"{n}. {md_escape(str(r.timestamp)[:19].replace('T', ' '))} · {md_escape(r.counterpart)} · "
                      f"{md_escape(r.event_id)}", "", fenced(str(r.body)), ""]
        if len(rows) > TEXTS_LISTED * 2:
            lines += [md_escape(f"其余 {len(rows) - TEXTS_LISTED * 2} 条见 events.csv / evidence.xlsx。" if zh else
                                f"{len(rows) - TEXTS_LISTED * 2} more in events.csv / evidence.xlsx."), ""]
        lines += [f"**{'证据清单' if zh else 'Evidence'}**", ""] + evidence_list(e, f) + [""]
    if f.entities and not shown:
        lines += ["没有发现威胁、辱骂、冒充公检法或扬言曝光的短信。频繁来电、夜间来电一般先向 12378、12321 投诉。" if zh else
                  "No threatening, insulting or impersonating message was found; file frequent calls with 12378/12321.",
                  ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def number_table(f: ReportFacts) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """12321 rows (one per collector number, counts from senders.csv), and per number its incoming
    calls and distinct message texts (first few, time order)."""
    numbers = sorted(f.collector_numbers)
    entity_of = {n: e.name for e in f.entities for n in e.numbers}
    s = f.senders.loc[f.senders["counterpart"].isin(numbers)]
    ev = f.frame
    calls: dict[str, pd.DataFrame] = {}
    texts: dict[str, pd.DataFrame] = {}
    seconds: dict[str, tuple[float, float]] = {}
    if ev is not None and f.tally is not None and numbers:
        mine = f.tally.member(f.tally.codes_for(numbers))[f.tally.cp]
        rows = ev.iloc[f.tally.rows[mine]][["event_id", "timestamp", "counterpart", "kind", "call_status",
                                            "duration_s", "body", "category"]]
        is_call = rows["kind"].eq("call").to_numpy()
        c = rows.loc[is_call]
        dur = pd.to_numeric(c["duration_s"], errors="coerce").fillna(0)
        agg = dur.groupby(c["counterpart"].astype(str)).agg(["sum", "max"])
        seconds = {k: (float(a), float(b)) for k, a, b in zip(agg.index, agg["sum"], agg["max"])}
        calls = {k: g for k, g in c.groupby(c["counterpart"].astype(str)).head(CALLS_LISTED).groupby(
            c["counterpart"].astype(str), sort=False)}
        m = rows.loc[~is_call].drop_duplicates(["counterpart", "body"])
        texts = {k: g for k, g in m.groupby(m["counterpart"].astype(str)).head(TEXTS_LISTED).groupby(
            m["counterpart"].astype(str), sort=False)}
    out = pd.DataFrame({
        "被举报号码": s["counterpart"].astype(str).to_numpy(),
        "催收方": [entity_of.get(n, "") for n in s["counterpart"]],
        "举报类型": ["骚扰电话和短信" if c and m else "骚扰电话" if c else "骚扰短信"
                 for c, m in zip(s["calls_in"], s["messages_in"])],
        "首次": s["first_seen"].astype(str).str[:19].str.replace("T", " ").to_numpy(),
        "最近": s["last_seen"].astype(str).str[:19].str.replace("T", " ").to_numpy(),
        "联系次数": s["total_in"].to_numpy(), "来电次数": s["calls_in"].to_numpy(),
        "未接通次数": s["calls_unanswered"].to_numpy(),
        "通话总时长_秒": [int(seconds.get(n, (0, 0))[0]) for n in s["counterpart"]],
        "最长一次通话_秒": [int(seconds.get(n, (0, 0))[1]) for n in s["counterpart"]],
        "短信条数": s["messages_in"].to_numpy(), "催收短信条数": s["collection_msgs"].to_numpy(),
        "夜间次数": s["night_in"].to_numpy(),
    })
    out["举报描述"] = [_number_text(r, f) for r in out.itertuples(index=False)]
    first_text = {k: str(g["body"].iloc[0]) for k, g in texts.items()}
    out["短信原文_最早一条"] = [first_text.get(n, "") for n in out["被举报号码"]]
    return out.sort_values(["联系次数", "被举报号码"], ascending=[False, True], kind="mergesort").reset_index(drop=True), \
        calls, texts


def _number_text(r, f: ReportFacts) -> str:
    nl = night_label(f.night_hours, f.lang)
    return (contact_line(f) + f"号码 {r.被举报号码} 自 {r.首次[:16]} 至 {r.最近[:16]} 共联系本人 {r.联系次数} 次："
            f"来电 {r.来电次数} 次（其中未接通 {r.未接通次数} 次，接通的通话合计 {r.通话总时长_秒} 秒），"
            f"短信 {r.短信条数} 条（其中催收内容 {r.催收短信条数} 条），夜间 {nl} {r.夜间次数} 次。"
            + (f"该号码用于{r.催收方}的催收（依据短信签名、回拨号码等归并）。" if r.催收方 and r.催收方 != r.被举报号码 else "")
            + "请核查处理。")


def write_12321(f: ReportFacts, folder: Path) -> str:
    table, calls, texts = number_table(f)
    bundle.write_csv(table, folder / "12321.csv")
    zh = f.lang == "zh"
    how = (["12321 网络不良与垃圾信息举报受理中心：每个号码单独举报（网站、12321 App 或微信公众号“12321举报中心”）",
            "短信举报：发送“被举报号码*短信内容”到 12321；电话 010-12321",
            "每个号码一节：举报描述可直接复制；短信原文未经编辑；12321.csv 是同样内容的表格"] if zh else
           ["12321: one report per number (web, app, WeChat 12321举报中心); by SMS: number*text to 12321"])
    lines = _header("12321 举报材料（每个号码一份）" if zh else "12321 reports (one per number)", how, f)
    for i, r in enumerate(table.itertuples(index=False), 1):
        n = r.被举报号码
        lines += [f"## {i}. {md_escape(n)}（{md_escape(r.催收方)}）", "", f"**{'举报描述（可直接复制）' if zh else 'Description'}**",
                  "", fenced(r.举报描述), ""]
        c = calls.get(n)
        if c is not None and len(c):
            lines += [f"**来电记录**（前 {len(c)} 次，共 {r.来电次数} 次；时长单位：秒）", ""]
            lines += [f"- {md_escape(str(t)[:19].replace('T', ' '))}  {md_escape(_status(st))}  "
                      f"{'' if pd.isna(d) else int(float(d))}"
                      for t, st, d in zip(c["timestamp"], c["call_status"], c["duration_s"])]
            lines.append("")
        t = texts.get(n)
        if t is not None and len(t):
            lines += [f"**短信原文（未经编辑，不重复的前 {len(t)} 条，共 {r.短信条数} 条）**", ""]
            for k, x in enumerate(t.itertuples(index=False), 1):
                lines += [f"{k}. {md_escape(str(x.timestamp)[:19].replace('T', ' '))} · {md_escape(x.event_id)}", "",
                          fenced(str(x.body)), "", f"短信举报格式：`{md_escape(n)}*`（后接上面的原文）", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _status(status: object) -> str:
    return {"answered": "已接通", "missed": "未接", "rejected": "拒接", "blocked": "拦截", "voicemail": "语音信箱"}.get(
        str(status), str(status))


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
    files = {"12321.md": write_12321(f, folder), "12378.md": write_12378(f, pdf_bytes), "nifa.md": write_nifa(f, pdf_bytes),
             "heimao.md": write_heimao(f), "110.md": write_110(f), "notes.md": write_notes(f)}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return ["12321.csv", *files]


__all__ = ["write_packs", "entity_facts_text", "number_table", "contact_line"]
