"""Everything in the bundle except manifest.json, written into the staging folder from one Analysis.

events.csv, senders.csv, import_issues.csv (contract), entities.csv and violations.csv (when the rules
step ran), charts/*.png, report.md, report.html, report.pdf, complaint.md and complaint/ (one pack per
channel, packs.py), evidence.xlsx; complaint/12315.md and (third-party owner)
complaint/demand_letter.md (packs_contact.py). With options.redact every file is written from the redacted Analysis
(report/redact.py). report.* carry the bundle fingerprint's slot (bundle.py).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..run import Run
from ..schema import EVENT_COLUMNS, EXTRA_COLUMNS
from . import bundle
from .chartset import write_charts
from .complaint import render_complaint
from .document import build_document
from .facts import build_facts
from .fonts import prefetch_subset
from .html import page_characters, render_html
from .markdown import render_markdown
from .packs import write_packs
from .pdf import render_pdf
from .workbook import write_workbook
from .packs_contact import write_contact_packs
from .redact import redact
from .third_party import add_rights_section


def format_durations(values: pd.Series) -> pd.Series:
    """Seconds as text: whole numbers without a decimal point, others as %g, missing as "".

    A category column: each distinct duration (a few thousand among a million calls) is formatted once,
    and the million rows hold small integer codes, not strings."""
    found, distinct = pd.factorize(values)  # missing → -1
    texts = ["{:g}".format(v) if not np.isfinite(v) or v != round(v) else str(int(v))
             for v in np.asarray(distinct, dtype="float64")] + [""]
    codes, categories = pd.factorize(pd.Index(texts, dtype="str"))  # two durations can print alike (%g)
    return pd.Series(pd.Categorical.from_codes(codes[found], categories=categories), index=values.index,
                     name=values.name)


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """events.csv: contract columns, then the extras that exist."""
    frame = events.copy(deep=False)  # copy-on-write (pandas 3)
    for col in EXTRA_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame["duration_s"] = format_durations(frame["duration_s"])
    return frame[EVENT_COLUMNS + EXTRA_COLUMNS]


class EventsCsv:
    """events.csv written on a thread of the run (Arrow's CSV writer and hashlib release the GIL), started
    as soon as the event table is final; `wait()` returns when it is written and hashed, and re-raises
    what the writer raised."""

    def __init__(self, staging: Path, run) -> None:
        self._path = staging / "events.csv"
        self._run = run
        self._future = None

    def start(self, events: pd.DataFrame) -> None:
        if self._future is None:
            self._future = self._run.thread("events-csv", bundle.write_csv, events_table(events), self._path,
                                            self._run)

    @property
    def started(self) -> bool:
        return self._future is not None

    def wait(self) -> None:
        if self._future is not None:
            self._future.result()


def write_outputs(staging: Path, analysis: Analysis, run: Run | None = None,
                  events_csv: EventsCsv | None = None) -> None:
    """Every output of `analysis` into `staging`; background work (events.csv, the font subset) runs on
    threads of `run` (one of its own, closed before this returns, when none is given). `events_csv` may
    have been started on the final event table already (api.analyze)."""
    if run is None:
        with Run() as own:
            return write_outputs(staging, analysis, own, events_csv)
    if analysis.options.redact:
        analysis = redact(analysis)
    lang = analysis.options.lang if analysis.options.lang in ("zh", "en") else "zh"
    facts = build_facts(analysis, lang)
    blocks = add_rights_section(build_document(facts), analysis, lang)  # third-party owner: own rights
    font = prefetch_subset(page_characters(blocks, lang), run)  # report.html's font, cut while charts are drawn
    # events.csv (hundreds of MB at a million rows) is formatted and hashed in Arrow's C++ and hashlib,
    # which release the GIL: written on a second thread while this one draws the charts (if the caller
    # did not start it earlier).
    events_csv = events_csv or EventsCsv(staging, run)
    if not events_csv.started:
        events_csv.start(analysis.events)
    bundle.write_csv(analysis.senders, staging / "senders.csv")
    bundle.write_csv(analysis.issues, staging / "import_issues.csv")
    if analysis.entities is not None:
        bundle.write_csv(analysis.entities, staging / "entities.csv")
    if analysis.violations is not None:
        bundle.write_csv(analysis.violations, staging / "violations.csv")
    if getattr(analysis, "recordings", None) is not None:  # issue 20: call recordings, linked or why not
        bundle.write_csv(analysis.recordings, staging / "recordings.csv")
    if getattr(analysis, "suspects", None) is not None:
        bundle.write_csv(analysis.suspects.table, staging / "suspects.csv")
    charts = staging / "charts"
    write_charts(charts, analysis, facts)
    (staging / "report.md").write_text(render_markdown(blocks, charts), encoding="utf-8")
    (staging / "report.html").write_text(render_html(blocks, charts, lang, font), encoding="utf-8")
    pdf = render_pdf(blocks, charts, lang, staging / "report.pdf",
                     {f"{i + 1}. {e.name}" for i, e in enumerate(facts.entities)}, [])
    (staging / "complaint.md").write_text(render_complaint(facts), encoding="utf-8")
    write_packs(staging / "complaint", facts, pdf.stat().st_size)
    write_workbook(staging / "evidence.xlsx", analysis, lang)
    write_contact_packs(staging / "complaint", facts, analysis)  # 12315.md, demand_letter.md
    events_csv.wait()  # re-raises what the writer raised
