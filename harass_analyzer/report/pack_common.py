"""What every complaint pack shares: the contact statement (--role contact), the evidence list (with
the call recordings an import may add in a `recording` column), the header with how-to and warnings."""
from __future__ import annotations

from .facts import EntityFacts, ReportFacts
from .markdown import md_escape

CONTACT_ZH = "本人并非借款人，系被填写为紧急联系人/通讯录联系人，与该笔债务无关。"
CONTACT_EN = "I am not the borrower: my number was given as an emergency or address-book contact."


def contact_line(f: ReportFacts) -> str:
    return (CONTACT_ZH if f.lang == "zh" else CONTACT_EN) if f.role == "contact" else ""



def recordings_of(f: ReportFacts, numbers: list[str]) -> int:
    """Call recordings linked to these numbers (events.csv `recording` column, when an import adds it)."""
    ev = f.frame
    if ev is None or "recording" not in ev.columns or not numbers:
        return 0
    has = ev["recording"].fillna("").astype(str).ne("") & ev["counterpart"].isin(numbers)
    return int(has.sum())



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



def header(title: str, how: list[str], f: ReportFacts) -> list[str]:
    lines = [f"# {title}", ""] + [f"- {md_escape(h)}" for h in how] + [""]
    if contact_line(f):
        lines += [f"**{md_escape(contact_line(f))}**", ""]
    if f.redacted:
        lines += ["> **" + md_escape("本文件来自脱敏（--redact）的证据包，不宜直接提交；请用未脱敏的版本。" if f.lang == "zh"
                                     else "Made from a redacted bundle: file the unredacted version.") + "**", ""]
    if not f.entities:
        lines += ["没有发现催收方。" if f.lang == "zh" else "No collector found.", ""]
    return lines
