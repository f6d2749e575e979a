"""The canonical event table: one row per message or call, columnar (a pandas DataFrame).

Importers return a *raw* frame with RAW_COLUMNS (extra OPTIONAL_RAW_COLUMNS allowed); the pipeline
(`harass_analyzer.pipeline`) normalizes numbers, merges duplicates, sorts, assigns `event_id`,
computes local time, classifies, and the bundle writes EVENT_COLUMNS then EXTRA_COLUMNS.

Raw columns (importer output):
  kind             "sms" | "mms" | "call"
  direction        "in" | "out"
  call_status      calls: answered|missed|rejected|blocked|voicemail|unknown; messages: ""
  msg_status       messages: received|sent|draft|outbox|failed|queued|unknown; calls: ""
                   (only received/sent count as contact; drafts etc. are kept but flagged)
  ts_ms            int64, epoch milliseconds UTC (converted from the source's unit by timeconv)
  counterpart_raw  the address/number exactly as the source wrote it
  contact_name     the source's contact name, "" when none
  body             message text, "" for calls
  duration_s       float seconds for calls (NaN for messages)
  source_file      input path as given/relative to the scanned folder
  source_ref       locator inside the file ("sms[12]" element index, "sms:rowid=5", "line 7")
  source_format    the importer's NAME

Optional raw columns (filled with defaults when an importer lacks them):
  vendor_mark      vendor spam/harassment marks ("huawei:催收", "samsung:spam", "ios:MAYBE_JUNK")
  deleted          bool, the source marks the record deleted
  presentation     int, call presentation (2 = restricted → withheld)
  country_hint     the record's own country for numbers without a code (OPPO/Android `countryiso`);
                   used by number normalization only, never an output column (no default: absent = none)

Enriched columns (pipeline):
  event_id, counterpart (normalized), local_time (tz-aware datetime), timestamp (ISO 8601 string),
  category, tags, matched_terms, score, entity, also_in (other sources holding the same event),
  recording (the call recording linked to this call: its input path, analysis/recordings.py)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # names for the annotations only: importing them would pull pandas into every floor
    import pandas as pd

    from .analysis.call_patterns import Suspects
    from .errors import ImportIssue
    from .rules.profile import RuleProfile

RAW_COLUMNS = [
    "kind", "direction", "call_status", "msg_status", "ts_ms", "counterpart_raw", "contact_name",
    "body", "duration_s", "source_file", "source_ref", "source_format",
]
OPTIONAL_RAW_DEFAULTS = {"vendor_mark": "", "deleted": False, "presentation": 1}

# The bundle contract (issue 2): order and names are stable; other tools read them.
EVENT_COLUMNS = [
    "event_id", "kind", "direction", "call_status", "timestamp", "counterpart", "counterpart_raw",
    "contact_name", "body", "duration_s", "category", "tags", "matched_terms", "source_file",
    "source_ref",
]
# Appended after the contract columns.
EXTRA_COLUMNS = ["entity", "source_format", "msg_status", "vendor_mark", "deleted", "also_in", "recording"]

SENDER_COLUMNS = [
    "counterpart", "contact_name", "messages_in", "calls_in", "calls_answered", "calls_unanswered",
    "total_in", "collection_msgs", "first_seen", "last_seen", "active_days", "max_per_day", "max_7d",
    "night_in",
]
ISSUE_COLUMNS = ["source_file", "source_ref", "reason", "records_skipped"]  # 0: a note, or a whole file

KINDS = ("sms", "mms", "call")
DIRECTIONS = ("in", "out")
CALL_STATUSES = ("answered", "missed", "rejected", "blocked", "voicemail", "unknown")
MSG_STATUSES = ("received", "sent", "draft", "outbox", "failed", "queued", "unknown")
WITHHELD = "withheld"


# -- the run's vocabulary: what the library API takes and gives, typed once for every floor ------------
# (dataclasses of plain values and frames; the modules that fill them import this one, never the reverse)

@dataclass
class InputRecord:
    """One recognised input: what the manifest says about it."""

    path: str
    format: str
    files: list[dict] = field(default_factory=list)  # [{path, sha256, bytes}]
    records: int = 0   # records read: events + skipped + merged, always
    skipped: int = 0   # records listed in import_issues.csv as not imported
    merged: int = 0    # duplicate copies merged into an event from elsewhere (listed in its also_in)
    events: int = 0    # events in the table that come from this input
    error: str = ""    # why the input could not be read at all (then it counts no records)


@dataclass
class LoadResult:
    events: pd.DataFrame
    issues: list[ImportIssue]
    inputs: list[InputRecord]
    tz: str
    duplicates_merged: int = 0
    recordings: pd.DataFrame | None = None  # call recordings among the inputs (analysis/recordings.py)


@dataclass
class Options:
    """Everything a run can be told; the CLI maps its flags onto this."""

    tz: str = "Asia/Shanghai"
    lang: str = "zh"
    column_map: dict = field(default_factory=dict)
    lexicon: Path | None = None
    rules: str = "cn"
    role: str = "debtor"
    entities_file: Path | None = None
    stop_date: str | None = None
    region: str = "CN"  # ISO 3166 country for numbers written without a country code
    redact: bool = False
    zip: bool = False
    copy_recordings: bool = False  # call recordings copied into the bundle (recordings/), never by default
    numbers_file: Path | None = None  # --numbers: number,label[,entity] (analysis.labels)
    role_given: bool = False  # the user chose --role: no third-party hint


@dataclass
class Analysis:
    """One run's results, in memory: what the bundle writers read."""

    events: pd.DataFrame
    senders: pd.DataFrame
    issues: pd.DataFrame
    inputs: list[dict]
    tz: str
    duplicates_merged: int
    options: Options
    entities: pd.DataFrame | None = None
    violations: pd.DataFrame | None = None
    profile: RuleProfile | None = None
    recordings: pd.DataFrame | None = None  # one row per call recording input (analysis/recordings.py)
    suspects: Suspects | None = None
    personal_excluded: int = 0  # events of numbers labelled personal, left out
    role_hint: dict | None = None  # analysis.role_hint: the texts say the owner is a third party


@dataclass
class BundleSummary:
    out: Path
    events: int
    senders: int
    issues: int               # records not imported (listed in import_issues.csv)
    duplicates_merged: int
    files_not_read: int = 0   # inputs that could not be read at all (listed too)
    suspects: int = 0
    role_hint: dict | None = None
    fingerprint: str = ""  # SHA-256 of manifest.json: the one value to notarise or timestamp
