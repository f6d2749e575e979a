"""complaint/12321.md and 12321.csv: one report per collector number, as 12321 takes them — the number,
its counts (those of senders.csv), each call's time, status and duration, the distinct texts unedited."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import bundle
from .examples import clip_body
from .facts import ReportFacts
from .markdown import fenced, md_escape
from .pack_common import contact_line, header
from .texts import night_label

CALLS_LISTED = 60  # per number in 12321.md; events.csv has the rest
TEXTS_LISTED = 12


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
    lines = header("12321 举报材料（每个号码一份）" if zh else "12321 reports (one per number)", how, f)
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
                          fenced(str(clip_body(x.body, x.event_id))), "", f"短信举报格式：`{md_escape(n)}*`（后接上面的原文）", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _status(status: object) -> str:
    return {"answered": "已接通", "missed": "未接", "rejected": "拒接", "blocked": "拦截", "voicemail": "语音信箱"}.get(
        str(status), str(status))
