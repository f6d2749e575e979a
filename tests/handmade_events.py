"""Build small enriched event tables by hand, for tests and worked examples.

Each row is a tuple `(local_time, kind, direction, counterpart, status, extra[, tags[, category]])`:
  local_time  "2026-03-01 21:59:59" in `tz` (wall-clock time at the recipient)
  kind        "sms" | "mms" | "call"
  status      call_status for calls, msg_status for messages ("received", "sent", "draft", …)
  extra       duration in seconds for calls, body text for messages
  tags        ';'-joined classifier tags (default "")
  category    default: "collection" for messages with tags or with "逾期"/"还款"/"欠款" in the body
event_id is "E0001"… in row order after sorting by time.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

_COLLECTION_HINTS = ("逾期", "还款", "欠款", "催收")


def make_events(rows: Sequence[tuple], tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """Enriched event frame (schema.py columns used by analysis) from hand-written tuples."""
    records = []
    for row in rows:
        when, kind, direction, counterpart, status, extra, *rest = row
        tags = rest[0] if len(rest) > 0 else ""
        is_call = kind == "call"
        body = "" if is_call else str(extra)
        category = rest[1] if len(rest) > 1 else (
            "collection" if not is_call and (tags or any(h in body for h in _COLLECTION_HINTS))
            else "other")
        records.append({
            "when": when, "kind": kind, "direction": direction, "counterpart": counterpart,
            "call_status": status if is_call else "", "msg_status": "" if is_call else status,
            "body": body, "duration_s": float(extra) if is_call else np.nan,
            "category": category, "tags": tags,
        })
    frame = pd.DataFrame(records, columns=[
        "when", "kind", "direction", "counterpart", "call_status", "msg_status", "body",
        "duration_s", "category", "tags"])
    local = pd.to_datetime(frame["when"]).dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    if local.isna().any():
        raise ValueError("ambiguous or nonexistent local time in test rows")
    frame = frame.drop(columns="when")
    frame["local_time"] = local
    frame["ts_ms"] = ((local - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)).astype("int64")
    frame = frame.sort_values("ts_ms", kind="mergesort").reset_index(drop=True)
    frame.insert(0, "event_id", [f"E{i + 1:04d}" for i in range(len(frame))])
    frame["contact_name"] = ""
    frame["matched_terms"] = ""
    frame["source_file"] = "hand.xml"
    frame["source_ref"] = [f"row[{i}]" for i in range(len(frame))]
    return frame
