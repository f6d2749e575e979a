"""Shared definitions of "contact" for metrics and rule checks (rules.md conventions).

- contact: a call (any status), or a message whose msg_status is received/sent (drafts, failed,
  queued… are kept in the bundle but never count).
- incoming contact: a contact with direction "in".
- answered: an incoming call with call_status "answered" and duration > 0 (missing duration counts as
  connected, as in senders.csv); unanswered: every other incoming call (missed, rejected, blocked,
  voicemail, unknown, answered with 0 s).
- conversation: answered with duration ≥ 10 s, a heuristic for "talked to a person".
- collection contact: an incoming contact from a *collection entity* (an entity holding a collection
  message or grouped/named by entity evidence); its calls count whatever their status, its messages
  only when the classifier put them in category "collection" — conservative, so an OTP or marketing
  text from the same bank is not counted as collection.
Dates are local calendar dates (naive midnight datetimes) in the events' own timezone.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import WITHHELD

CONTACT_MSG_STATUSES = ("received", "sent")
CONVERSATION_S = 10.0


def contact_mask(events: pd.DataFrame) -> pd.Series:
    """True for calls and for received/sent messages."""
    return events["kind"].eq("call") | events["msg_status"].isin(CONTACT_MSG_STATUSES)


def answered_mask(events: pd.DataFrame) -> pd.Series:
    """Calls that connected: status answered and duration > 0 (NaN duration = connected)."""
    return (events["kind"].eq("call") & events["call_status"].eq("answered")
            & events["duration_s"].fillna(1).gt(0))


def conversation_mask(events: pd.DataFrame, min_s: float = CONVERSATION_S) -> pd.Series:
    return answered_mask(events) & events["duration_s"].fillna(0).ge(min_s)


def local_dates(events: pd.DataFrame) -> pd.Series:
    """Local calendar date as naive midnight datetime64 (calendar arithmetic, DST-safe)."""
    return events["local_time"].dt.tz_localize(None).dt.normalize()


# Columns metrics and checks read; narrowing first keeps row filters cheap on a million rows.
CONTACT_COLUMNS = ["event_id", "ts_ms", "counterpart", "duration_s", "category", "tags", "local_time", "entity"]


def incoming_contacts(events: pd.DataFrame) -> pd.DataFrame:
    """Incoming contacts (CONTACT_COLUMNS only) with flag columns is_call, answered, unanswered,
    conversation, and the local date. Flags are computed before the row filter so the raw status
    strings never need copying."""
    keep = (events["direction"].eq("in") & contact_mask(events)).to_numpy(dtype=bool)
    is_call = events["kind"].eq("call").to_numpy(dtype=bool)
    answered = answered_mask(events).to_numpy(dtype=bool)
    narrow = events[[c for c in CONTACT_COLUMNS if c in events.columns]].assign(
        is_call=is_call, answered=answered, unanswered=is_call & ~answered,
        conversation=conversation_mask(events).to_numpy(dtype=bool))
    inc = narrow.loc[keep].copy()
    inc["date"] = local_dates(inc)
    return inc


def collection_entities(events: pd.DataFrame) -> set[str]:
    """Entities with collection evidence: a received collection message from any member number, or a
    grouping/naming (entity differs from the member's own number)."""
    if "entity" not in events.columns:
        raise ValueError("events have no 'entity' column; call assign_entities first")
    has_msg = (events["direction"].eq("in") & events["kind"].ne("call")
               & events["msg_status"].eq("received") & events["category"].eq("collection"))
    grouped = events["entity"].ne(events["counterpart"]) & events["entity"].ne("")
    found = set(events.loc[has_msg | grouped, "entity"].unique())
    found.discard(WITHHELD)
    found.discard("")
    return found


def collection_contacts(events: pd.DataFrame) -> pd.DataFrame:
    """Incoming contacts from collection entities (calls of any status, collection messages)."""
    inc = incoming_contacts(events)
    entities = collection_entities(events)
    keep = inc["entity"].isin(entities) & (inc["is_call"] | inc["category"].eq("collection"))
    return inc.loc[keep]


def sort_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Deterministic event order: time, then event_id."""
    return frame.sort_values(["ts_ms", "event_id"], kind="mergesort")


def group_join(frame: pd.DataFrame, keys: list[str], column: str, sep: str = ";") -> pd.Series:
    """Per group of `keys` (sorted), the `column` values joined in the frame's row order.
    One pass with numpy instead of a Python lambda per group."""
    grouped = frame.groupby(keys, sort=True)
    codes = grouped.ngroup().to_numpy()
    index = grouped.size().index
    if len(codes) == 0:
        return pd.Series([], index=index, dtype=object)
    order = np.argsort(codes, kind="stable")
    values = frame[column].astype(str).to_numpy(dtype=object)[order].tolist()
    bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(index)))].tolist()
    return pd.Series([sep.join(values[a:b]) for a, b in zip(bounds[:-1], bounds[1:])], index=index, dtype=object)
