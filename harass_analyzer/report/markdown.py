"""report.md: a short human summary of who contacted the user, how often and when."""
from __future__ import annotations

import pandas as pd


def _table(frame: pd.DataFrame, columns: list[str], headers: list[str]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in frame[columns].itertuples(index=False):
        cells = [str(v).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_summary(events: pd.DataFrame, senders: pd.DataFrame, issues: int, tz: str, merged: int,
                   night_label: str = "22:00–08:00", top: int = 10) -> str:
    """Chinese-first summary with English headings in brackets; figures match senders.csv."""
    inc_total = int(senders["total_in"].sum()) if len(senders) else 0
    night_total = int(senders["night_in"].sum()) if len(senders) else 0
    collection = int(senders["collection_msgs"].sum()) if len(senders) else 0
    if len(events):
        first, last = events["timestamp"].iloc[0][:10], events["timestamp"].iloc[-1][:10]
    else:
        first = last = "—"
    parts = [
        "# 骚扰催收证据摘要 (Harassment evidence summary)",
        "",
        f"- 时间范围 (period): {first} 至 {last}（时区 {tz}）",
        f"- 导入事件 (events imported): {len(events)}；合并重复 (duplicates merged): {merged}；"
        f"未导入记录 (records not imported): {issues}（见 import_issues.csv）",
        f"- 呼入与接收 (incoming contacts): {inc_total}，来自 {len(senders)} 个号码 (numbers)",
        f"- 催收类短信 (collection messages): {collection}",
        f"- 夜间联系 (night contacts, {night_label}): {night_total}",
        "",
        "## 联系最多的号码 (Top senders)",
        "",
    ]
    if len(senders):
        parts.append(_table(senders.head(top),
                            ["counterpart", "contact_name", "total_in", "messages_in", "calls_in",
                             "collection_msgs", "max_per_day", "night_in", "first_seen", "last_seen"],
                            ["号码", "联系人", "合计", "短信", "来电", "催收短信", "单日最多", "夜间", "首次", "最近"]))
    else:
        parts.append("（无呼入或接收记录 / no incoming contact）")
    parts += ["", "## 图表 (Charts)", "", "![每日](charts/daily.png)", "", "![按小时](charts/hourly.png)", "",
              "每个数字都可以在 events.csv（event_id, source_file, source_ref）中核对到原始记录。", ""]
    return "\n".join(parts)
