"""Everything in the bundle except manifest.json, written into the staging folder from one Analysis.

events.csv, senders.csv, import_issues.csv (contract), entities.csv and violations.csv (when the rules
step ran), charts/*.png, report.md, report.html, complaint.md. With options.redact every file is
written from the redacted Analysis (report/redact.py).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..schema import EVENT_COLUMNS, EXTRA_COLUMNS
from . import bundle
from .chartset import write_charts
from .complaint import render_complaint
from .document import build_document
from .facts import build_facts
from .fonts import prefetch_subset
from .html import page_characters, render_html
from .markdown import render_markdown
from .redact import redact


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


def write_outputs(staging: Path, analysis) -> None:
    """`analysis` is harass_analyzer.api.Analysis (events, senders, issues, tz, options …)."""
    if analysis.options.redact:
        analysis = redact(analysis)
    lang = analysis.options.lang if analysis.options.lang in ("zh", "en") else "zh"
    facts = build_facts(analysis, lang)
    blocks = build_document(facts)
    prefetch_subset(page_characters(blocks, lang))  # report.html's font, cut by a worker while charts are drawn
    # events.csv (hundreds of MB at a million rows) is formatted and hashed in Arrow's C++ and hashlib,
    # which release the GIL: written on a second thread while this one draws the charts. Started after
    # the facts, so the two never hold their working memory at the same time.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="events-csv") as pool:
        events_csv = pool.submit(bundle.write_csv, events_table(analysis.events), staging / "events.csv")
        bundle.write_csv(analysis.senders, staging / "senders.csv")
        bundle.write_csv(analysis.issues, staging / "import_issues.csv")
        if analysis.entities is not None:
            bundle.write_csv(analysis.entities, staging / "entities.csv")
        if analysis.violations is not None:
            bundle.write_csv(analysis.violations, staging / "violations.csv")
        charts = staging / "charts"
        write_charts(charts, analysis, facts)
        (staging / "report.md").write_text(render_markdown(blocks, charts), encoding="utf-8")
        (staging / "report.html").write_text(render_html(blocks, charts, lang), encoding="utf-8")
        (staging / "complaint.md").write_text(render_complaint(facts), encoding="utf-8")
        events_csv.result()  # re-raises what the writer raised
