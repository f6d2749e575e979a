"""The report's content as a list of plain-text blocks, rendered by markdown.py (report.md) and html.py
(report.html) so both say the same thing. Blocks hold raw text; each renderer escapes it.

Block kinds: ("h1"|"h2"|"h3"|"p"|"banner", text), ("list", [text]), ("table", headers, rows),
("img", chart file name under charts/, caption), ("messages", [example dicts]).
"""
from __future__ import annotations

from .chartset import ENTITY_CHARTS, entity_chart_name
from .facts import EntityFacts, ReportFacts
from .findings import violation_rows
from .suspects import method_items
from .texts import TEXT, evidence_zh, night_label, tag_label

TOP_SENDERS = 15


def summary_lines(f: ReportFacts) -> list[str]:
    """The three-line summary."""
    t = TEXT[f.lang]
    nl = night_label(f.night_hours, f.lang)
    ents = f.entities
    if not ents:
        lines = [t["sum_none"].format(first=f.first_day, last=f.last_day, events=f.events)]
    else:
        lines = [t["sum_contacts"].format(
            first=f.first_day, last=f.last_day, entities=len(ents), numbers=sum(len(e.numbers) for e in ents),
            total=sum(e.total_in for e in ents), calls=sum(e.calls_in for e in ents),
            unanswered=sum(e.calls_unanswered for e in ents), messages=sum(e.messages_in for e in ents),
            collection=sum(e.collection_msgs for e in ents))]
        worst = min(((n, d, e.name) for e in ents for d, n in e.worst_days[:1]), key=lambda x: (-x[0], x[1]),
                    default=(0, "—", "—"))
        lines.append(t["sum_night"].format(night=sum(e.night_in for e in ents), night_label=nl, max=worst[0],
                                           day=worst[1], entity=worst[2]))
    if f.violations is None:
        lines.append(t["sum_viol_na"])
    elif len(f.violations) == 0:
        lines.append(t["sum_viol_none"].format(profile=f.profile_name))
    else:
        lines.append(t["sum_viol"].format(profile=f.profile_name, rows=len(f.violations),
                                          rules=f.violations["rule_id"].nunique()))
    return lines


def short_evidence(evidence: str, lang: str, keep: int = 2) -> str:
    """The first few grouping reasons (entities.csv has them all)."""
    parts = [p.strip() for p in evidence.split(";") if p.strip()]
    parts.sort(key=lambda p: not p.startswith(("signature", "user mapping", "named platform")))  # most legible first
    if lang == "zh":
        parts = [evidence_zh(p) for p in parts]
    more = ("…（共 {n} 条，见 entities.csv）" if lang == "zh" else "… ({n} in all, see entities.csv)"
            ).format(n=len(parts)) if len(parts) > keep else ""
    return "; ".join(parts[:keep]) + more


def local_time(stamp: str) -> str:
    """2024-10-09T06:14:40+08:00 → 2024-10-09 06:14 (the report states the timezone once)."""
    return stamp[:16].replace("T", " ")


def _entity_blocks(index: int, e: EntityFacts, f: ReportFacts) -> list[tuple]:
    t = TEXT[f.lang]
    blocks: list[tuple] = [("h3", f"{index + 1}. {e.name}")]
    facts = [f"{t['numbers']}: {', '.join(e.numbers)}",
             f"{t['period']}: {e.first_seen[:19].replace('T', ' ')} {t['to']} {e.last_seen[:19].replace('T', ' ')}"]
    if e.evidence:
        facts.append(f"{t['evidence']}: {short_evidence(e.evidence, f.lang)}")
    if e.worst_days:
        facts.append(f"{t['worst_days']}: " + "; ".join(f"{d} {n}{t['times']}" for d, n in e.worst_days))
    if e.recordings:  # issue 20: call recordings linked to its calls (recordings.csv)
        facts.append(("通话录音 {n} 个（见 recordings.csv）: " if f.lang == "zh" else
                      "Call recordings: {n} (see recordings.csv): ").format(n=len(e.recordings))
                     + ", ".join(r.replace("\\", "/").rsplit("/", 1)[-1] for r in e.recordings))
    if e.tags:
        facts.append(", ".join(f"{tag_label(k, f.lang)} {n}" for k, n in
                               sorted(e.tags.items(), key=lambda kv: (-kv[1], kv[0]))))
    blocks.append(("list", facts))
    blocks.append(("table", t["fig_headers"], [[str(x) for x in (
        e.total_in, e.calls_in, e.calls_unanswered, e.messages_in, e.collection_msgs, e.night_in, e.active_days)]]))
    if index < ENTITY_CHARTS and f.events:
        blocks.append(("img", entity_chart_name(index), t["cap_entity"]))
    if e.night_examples:
        nl = night_label(f.night_hours, f.lang)
        blocks.append(("p", t["night_list"].format(night_label=nl, n=e.night_in)))
        blocks.append(("list", [f"{x['timestamp'].replace('T', ' ')}  {x['counterpart']}  "
                                f"{t['call'] if x['kind'] == 'call' else t['message']}  ({x['event_id']})"
                                for x in e.night_examples]))
    blocks.append(("h3", f"{t['violations']} — {e.name}"))
    if f.violations is None:
        blocks.append(("p", t["viol_na"]))
    elif e.violations.empty:
        blocks.append(("p", t["viol_none"]))
    else:
        blocks.append(("table", t["viol_headers"], [
            [r["rule"], str(r["times"]), r["worst"], r["first"], r["weight"], r["citation"]]
            for r in violation_rows(e, f)]))
    blocks.append(("h3", f"{t['examples']} — {e.name}"))
    blocks.append(("messages", e.examples) if e.examples else ("p", t["examples_none"]))
    return blocks


def sender_rows(f: ReportFacts) -> list[list[str]]:
    cols = ["counterpart", "contact_name", "total_in", "messages_in", "calls_in", "calls_unanswered",
            "collection_msgs", "max_per_day", "night_in", "first_seen", "last_seen"]
    rows = []
    for rec in f.senders.head(TOP_SENDERS)[cols].itertuples(index=False):
        cells = [str(v) for v in rec]
        cells[-2], cells[-1] = cells[-2][:10], cells[-1][:10]
        rows.append(cells)
    return rows


def method_blocks(f: ReportFacts) -> list[tuple]:
    t = TEXT[f.lang]
    o = f.options
    items = [t["m_options"].format(role=t["role_" + f.role], rules=o.get("rules", ""), stop=o.get("stop_date") or "—",
                                   redact=t["yes"] if f.redacted else t["no"], tz=f.tz, lang=f.lang),
             t["m_tz"].format(tz=f.tz), f.profile_text or t["m_profile_na"], t["m_classifier"],
             t["m_grouped"] if f.grouped else t["not_grouped"], t["m_incoming"],
             t["m_skipped"].format(issues=f.issues, merged=f.duplicates_merged)]
    items += [t["m_skipped_reason"].format(reason=r, n=n) for r, n in f.issue_reasons[:10]]
    if f.redacted:
        items.append(t["redacted_banner"])
    items += method_items(f)  # suspects, personal numbers left out, role hint
    items.append(t["m_advice"])
    return [("h2", t["method"]), ("list", items)]


def integrity_blocks(f: ReportFacts) -> list[tuple]:
    from ..evidence import FINGERPRINT_SLOT

    t = TEXT[f.lang]
    # records read = events + not imported + duplicates merged, for every input
    rows = [[str(i.get(key, "")) for key in ("path", "format", "records", "events", "skipped", "duplicates_merged",
                                             "sha256")] for i in f.inputs]
    return [("h2", t["integrity"]), ("p", t["integrity_note"]), ("list", t["keep_advice"]),
            ("table", t["input_headers"], rows), ("kv", t["fingerprint"], FINGERPRINT_SLOT)]


def build_document(f: ReportFacts) -> list[tuple]:
    from . import suspects

    t = TEXT[f.lang]
    blocks: list[tuple] = [("h1", t["title"])]
    if f.redacted:
        blocks.append(("banner", t["redacted_banner"]))
    if f.role == "contact":
        blocks.append(("banner", t["contact_banner"]))
    blocks += [("h2", t["summary"]), ("list", summary_lines(f) + suspects.summary_lines(f)), ("h2", t["charts"])]
    blocks += [("img", "daily.png", t["cap_daily"]), ("img", "hourly.png", t["cap_hourly"]),
               ("img", "heatmap.png", t["cap_heatmap"])]
    if f.entities:
        blocks.append(("img", "top_entities.png", t["cap_top_entities"]))
    blocks.append(("img", "top_senders.png", t["cap_top_senders"]))
    blocks += [("h2", t["figures"]), ("p", t["figures_note"].format(n=min(TOP_SENDERS, len(f.senders)))),
               ("table", *suspects.number_table(f, t["sender_headers"], sender_rows(f))), ("h2", t["entities"])]
    if not f.grouped and f.entities:
        blocks.append(("p", t["not_grouped"]))
    if not f.entities:
        blocks.append(("p", t["entities_none"]))
    for i, entity in enumerate(f.entities):
        blocks += _entity_blocks(i, entity, f)
    return blocks + suspects.suspect_blocks(f) + method_blocks(f) + integrity_blocks(f)
