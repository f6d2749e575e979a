"""complaint/110.md: threats, insults, impersonation of officials, exposure threats — the statement with
治安管理处罚法 cited by the date of each message, the messages unedited, what to bring."""
from __future__ import annotations

import pandas as pd

from .examples import clip_body
from .facts import EntityFacts, ReportFacts
from .findings import TAG_WORDS
from .markdown import fenced, md_escape
from .pack_common import contact_line, evidence_list, header

TEXTS_LISTED = 24
THREAT_TAGS = ("violence", "threat", "insult", "impersonation", "exposure")


def _threat_rows(f: ReportFacts, e: EntityFacts) -> pd.DataFrame:
    ev = f.frame
    if ev is None or not e.numbers:
        return pd.DataFrame()
    pick = ev["counterpart"].isin(e.numbers) & ev["direction"].eq("in") & ev["kind"].ne("call")
    tags = ev.loc[pick, "tags"].fillna("").astype(str)
    hit = _any_tag(tags, THREAT_TAGS)
    return ev.loc[hit[hit].index, ["event_id", "timestamp", "counterpart", "body", "tags"]]


def _any_tag(tags: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    """Rows whose ';'-joined tags hold any of `wanted` (each distinct tag set split once: a million rows
    hold a few dozen)."""
    found = {text: bool(set(text.split(";")) & set(wanted)) for text in tags.unique()}
    return tags.map(found).astype(bool)


STATUTE_TAGS = ("insult", "threat", "violence")  # what 治安管理处罚法's "侮辱、恐吓" counts (cn pack)
STATUTE_TIMES = 3  # "多次"


def _police_statement(f: ReportFacts, e: EntityFacts, rows: pd.DataFrame, tag_counts: dict, counted: str) -> str:
    """The statement for 110: the messages, then 治安管理处罚法 by the date of each message (第四十二条 before
    2026-01-01, 第五十条 from then) when there were "多次" (3+) insulting or threatening ones in that period."""
    zh = f.lang == "zh"
    first, last = (str(rows["timestamp"].iloc[i])[:16].replace("T", " ") for i in (0, -1))
    abusive = _any_tag(rows["tags"].astype(str), STATUTE_TAGS)
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
    lines = header("110 报警材料" if zh else "Police (110) material", how, f)
    shown = 0
    for e in f.entities:
        rows = _threat_rows(f, e)
        if rows.empty:
            continue
        shown += 1
        distinct = rows["tags"].astype(str).value_counts()  # a few tag sets among many rows: each split once
        tag_counts = {t: int(sum(n for tags, n in distinct.items() if t in tags.split(";"))) for t in THREAT_TAGS}
        counted = ("、".join(f"{TAG_WORDS['zh'][t]} {n} 条" for t, n in tag_counts.items() if n) if zh else
                   ", ".join(f"{TAG_WORDS['en'][t]} {n}" for t, n in tag_counts.items() if n))
        text = _police_statement(f, e, rows, tag_counts, counted)
        lines += [f"## {md_escape(e.name)}", "", f"**{'报警陈述（可直接复制）' if zh else 'Statement'}**", "",
                  fenced(text), "", f"**{'短信原文（未经编辑）' if zh else 'Messages (unedited)'}**", ""]
        for n, r in enumerate(rows.head(TEXTS_LISTED).itertuples(index=False), 1):
            lines += [f"{n}. {md_escape(str(r.timestamp)[:19].replace('T', ' '))} · {md_escape(r.counterpart)} · "
                      f"{md_escape(r.event_id)}", "", fenced(str(clip_body(r.body, r.event_id))), ""]
        if len(rows) > TEXTS_LISTED:
            lines += [md_escape(f"其余 {len(rows) - TEXTS_LISTED} 条见 events.csv / evidence.xlsx。" if zh else
                                f"{len(rows) - TEXTS_LISTED} more in events.csv / evidence.xlsx."), ""]
        lines += [f"**{'证据清单' if zh else 'Evidence'}**", ""] + evidence_list(e, f) + [""]
    if f.entities and not shown:
        lines += ["没有发现威胁、辱骂、冒充公检法或扬言曝光的短信。频繁来电、夜间来电一般先向 12378、12321 投诉。" if zh else
                  "No threatening, insulting or impersonating message was found; file frequent calls with 12378/12321.",
                  ""]
    return "\n".join(lines).rstrip("\n") + "\n"
