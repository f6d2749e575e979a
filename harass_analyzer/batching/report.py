"""OUT/cross_case/ (collectors.csv, cases.csv, two charts, report.md, report.html), OUT/batch_issues.csv and
OUT/manifest.json, which hashes every file of the batch (each case's bundle included), so
`harass-analyzer verify OUT` checks the whole batch.

With redaction, case names (often a person's name) become case_001 … in every cross-case output and the
input paths are left out; collectors' numbers and names stay, as in a redacted bundle.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from html import escape
from pathlib import Path

import pandas as pd

from .._version import __version__
from .. import evidence
from ..report import bundle
from ..report.charts import save_figure
from ..report.html import CSS, _figure, _table, font_face

ISSUE_COLUMNS = ["case", "path", "reason"]
TOP = 15
TEXT = {
    "zh": {"title": "多部手机的催收方（跨案例）", "cases": "案例", "failed": "未能分析的案例", "collectors": "催收方",
           "reach_title": "各催收方联系过的案例数", "weekly_title": "各周催收联系次数（所有案例）",
           "reached": "案例数", "week": "周（周一）", "contacts": "联系次数", "all": "全部",
           "summary": "{cases} 个案例已分析，{failed} 个失败；{collectors} 个催收方，其中 {shared} 个联系过不止一个案例。",
           "note": "每个案例的证据包在 cases/<案例>/；本页数字均由各案例的 events.csv、entities.csv、violations.csv 汇总。"},
    "en": {"title": "Collectors across phones (cross-case)", "cases": "Cases", "failed": "Cases not analysed",
           "collectors": "Collectors", "reach_title": "Cases each collector reached",
           "weekly_title": "Collection contacts per week (all cases)", "reached": "Cases", "week": "Week (Monday)",
           "contacts": "Contacts", "all": "All",
           "summary": "{cases} cases analysed, {failed} failed; {collectors} collectors, {shared} of them reached "
                      "more than one case.",
           "note": "Each case's evidence bundle is in cases/<case>/; every figure here is summed from the cases' "
                   "events.csv, entities.csv and violations.csv."},
}


def redact_names(frames: dict[str, pd.DataFrame], issues: pd.DataFrame, names: list[str]):
    """Case names → case_001 … (in sorted order) in every cross-case table; input paths dropped."""
    alias = {n: f"case_{i:03d}" for i, n in enumerate(sorted(names), start=1)}
    out = {k: v.copy() for k, v in frames.items()}
    out["collectors"]["cases"] = [";".join(sorted(alias[c] for c in v.split(";") if c)) for v in
                                  out["collectors"]["cases"]]
    out["collectors"]["evidence"] = [_rename_lists(v, alias) for v in out["collectors"]["evidence"]]
    out["cases"]["case"] = out["cases"]["case"].map(alias)
    out["cases"]["inputs"] = ""
    out["cases"] = out["cases"].sort_values("case", kind="mergesort").reset_index(drop=True)
    reasons = [_without_case(r, c, p, alias[c]) for c, p, r in issues[["case", "path", "reason"]].itertuples(index=False)]
    issues = issues.assign(case=issues["case"].map(alias), path="", reason=reasons)
    return out, issues.sort_values("case", kind="mergesort").reset_index(drop=True)


def _without_case(reason: str, name: str, path: str, alias: str) -> str:
    """A failure's reason with the case's path, and its name wherever it stands as a word (`wangwu.ab`),
    replaced by its alias; a name of digits or under 3 characters only as the path (it could be any text)."""
    if path:
        reason = reason.replace(path.rstrip("/"), alias)
    if len(name) < 3 or name.isdigit():
        return reason
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", alias, reason)


def _rename_lists(evidence: str, alias: dict[str, str]) -> str:
    """The case lists inside evidence (`in 2 case(s): lisi, zhangsan`) renamed and sorted again; nothing
    else in the text is touched (a case named like a digit must not change a number)."""
    return re.sub(r"(case\(s\): )([^;]+)",
                  lambda m: m.group(1) + ", ".join(sorted(alias[n] for n in m.group(2).split(", "))), evidence)


def fingerprint(results: list[dict], cases: list[dict], options: dict) -> str:
    """SHA-256 over what the batch was run on: tool version, options, each case's options and inputs."""
    summaries = {r["case"]: r.get("summary") for r in results}
    listing = {"tool": __version__, "options": {k: str(v) for k, v in sorted(options.items())},
               "cases": [[c["name"], c["role"], c["tz"], c["stop_date"] or "", _file_sha(c["entities_file"]),
                          (summaries.get(c["name"]) or {}).get("inputs", "failed")] for c in cases]}
    return hashlib.sha256(json.dumps(listing, ensure_ascii=False, sort_keys=True, default=list).encode()).hexdigest()


def _file_sha(path: str | None) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path and Path(path).is_file() else ""


def _reach_chart(ax, collectors: pd.DataFrame, t: dict):
    top = collectors.loc[collectors["level"].eq("entity")].head(TOP).iloc[::-1]
    ax.barh(top["collector"].astype(str), top["cases_reached"], color="#C44E52")
    ax.set_title(t["reach_title"])
    ax.set_xlabel(t["reached"])
    ax.xaxis.get_major_locator().set_params(integer=True)
    return ax


def _weekly_chart(ax, weekly: pd.DataFrame, collectors: pd.DataFrame, t: dict):
    if len(weekly):
        table = weekly.pivot_table(index="week", columns="entity", values="contacts", aggfunc="sum", fill_value=0)
        table.index = pd.to_datetime(table.index)
        ax.plot(table.index, table.sum(axis=1), color="#1d1d1f", linewidth=2, label=t["all"])
        top = [e for e in collectors.loc[collectors["level"].eq("entity"), "collector"] if e in table][:5]
        for name in top:
            ax.plot(table.index, table[name], linewidth=1.2, label=name)
        ax.legend(fontsize=8, loc="upper left")
    ax.set_title(t["weekly_title"])
    ax.set_xlabel(t["week"])
    ax.set_ylabel(t["contacts"])
    return ax


def _markdown(t: dict, summary: str, frames: dict, issues: pd.DataFrame) -> str:
    def table(frame: pd.DataFrame) -> list[str]:
        cells = frame.astype(str).apply(lambda col: col.str.replace("|", "\\|", regex=False))
        return ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)] + [
            "| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]

    top = frames["collectors"].loc[frames["collectors"]["level"].eq("entity")].head(TOP)
    lines = [f"# {t['title']}", "", summary, "", t["note"], "", f"## {t['collectors']}", "",
             *table(top[["collector", "cases_reached", "contacts", "violations", "first_seen", "last_seen"]]), "",
             "![](reach.png)", "", "![](weekly.png)", "", f"## {t['cases']}", "",
             *table(frames["cases"][["case", "role", "events", "collectors", "collection_contacts", "violations"]])]
    if len(issues):
        lines += ["", f"## {t['failed']}", "", *table(issues[["case", "reason"]])]
    return "\n".join(lines) + "\n"


def _html(t: dict, summary: str, frames: dict, issues: pd.DataFrame, folder: Path, lang: str) -> str:
    import base64

    def table(frame: pd.DataFrame) -> str:
        return _table(list(frame.columns), frame.astype(str).values.tolist())

    top = frames["collectors"].loc[frames["collectors"]["level"].eq("entity")].head(TOP)
    figures = "".join(_figure(name, t[key], base64.b64encode((folder / name).read_bytes()).decode("ascii"))
                      for name, key in (("reach.png", "reach_title"), ("weekly.png", "weekly_title")))
    body = (f"<h1>{escape(t['title'])}</h1><p>{escape(summary)}</p><p>{escape(t['note'])}</p>"
            f"<h2>{escape(t['collectors'])}</h2>"
            + table(top[["collector", "cases_reached", "contacts", "violations", "first_seen", "last_seen",
                         "evidence"]]) + figures + f"<h2>{escape(t['cases'])}</h2>"
            + table(frames["cases"][["case", "role", "events", "collectors", "collection_contacts", "violations"]]))
    if len(issues):
        body += f"<h2>{escape(t['failed'])}</h2>" + table(issues[["case", "reason"]])
    page = f"<main>{body}</main>"
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            "style-src 'unsafe-inline'; font-src data:\">"
            f"<title>{escape(t['title'])}</title><style>{font_face(page)}{CSS}</style></head><body>{page}</body></html>\n")


def write_batch(out: Path, frames: dict, issues: pd.DataFrame, lang: str, print_fp: str, cases_done: int) -> None:
    """Everything but the cases' bundles: cross_case/*, batch_issues.csv, then manifest.json over all."""
    t = TEXT[lang if lang in TEXT else "zh"]
    folder = out / "cross_case"
    folder.mkdir(parents=True, exist_ok=True)
    bundle.write_csv(frames["collectors"], folder / "collectors.csv")
    bundle.write_csv(frames["cases"], folder / "cases.csv")
    bundle.write_csv(issues, out / "batch_issues.csv")
    collectors = frames["collectors"]
    entities = collectors.loc[collectors["level"].eq("entity")]
    summary = t["summary"].format(cases=cases_done, failed=len(issues), collectors=len(entities),
                                  shared=int(entities["cases_reached"].gt(1).sum()))
    save_figure(folder / "reach.png", lambda ax: _reach_chart(ax, collectors, t),
                size=(10, 1.2 + 0.35 * max(min(len(entities), TOP), 3)))
    save_figure(folder / "weekly.png", lambda ax: _weekly_chart(ax, frames["weekly"], collectors, t))
    (folder / "report.md").write_text(_markdown(t, summary, frames, issues), encoding="utf-8")
    (folder / "report.html").write_text(_html(t, summary, frames, issues, folder, lang), encoding="utf-8")
    manifest = {"tool": {"name": "harass-analyzer", "version": __version__},
                "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                "batch_fingerprint": print_fp, "cases": cases_done, "cases_failed": len(issues),
                "outputs": evidence.file_entries(out)}
    (out / evidence.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
