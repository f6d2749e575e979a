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
