"""Call recordings linked to their call events (issue 20).

A recording links to a call when
* the number in its file name normalizes to the call's counterpart (or, for a name-only file name such as
  Samsung's `Call recording 张三_…`, the call's contact_name is that name),
* the file name's start time (the phone's local time, read in --tz) lies from START_BEFORE_S before to
  START_AFTER_S after the call's start (phones start recording when the call connects, after the ringing),
* and its duration agrees with the call's: within DURATION_SLACK_S seconds or DURATION_SLACK_SHARE of the
  call. When the audio cannot be read the duration is not checked, and recordings.csv says so.
Each call takes at most one recording and each recording one call: the closest pairs (start difference plus
duration difference) are linked first; a recording that loses its call to a closer one is listed as such.

Every recording is a row of recordings.csv (RECORDING_COLUMNS) with its status and why; the linked ones
are in the `recording` column of events.csv (the recording's input path).
"""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..importers.recordings import RecordingInfo, recording_info
from ..numbers import normalize_number

START_BEFORE_S = 60
START_AFTER_S = 120
DURATION_SLACK_S = 10
DURATION_SLACK_SHARE = 0.10
RECORDING_COLUMNS = ["recording", "audio_format", "naming_scheme", "number", "counterpart", "contact_name",
                     "start", "duration_s", "status", "event_id", "reason", "bundle_copy"]


def read_recordings(found: list[tuple[Path, str]]) -> list[RecordingInfo]:
    """(path, label) of each recording input → what its name and audio say."""
    return [recording_info(path, label) for path, label in found]


def _epoch_ms(local: datetime, tz: str) -> int:
    return int(local.replace(tzinfo=ZoneInfo(tz)).timestamp() * 1000)


def _duration_agrees(call_s: float, rec_s: float | None) -> bool:
    if rec_s is None or not np.isfinite(call_s):
        return True  # the audio or the call log holds no duration: nothing to compare
    return abs(call_s - rec_s) <= max(DURATION_SLACK_S, DURATION_SLACK_SHARE * call_s)


class _Calls:
    """The call events, as arrays (position = row among the calls)."""

    def __init__(self, events: pd.DataFrame) -> None:
        calls = events.loc[events["kind"].eq("call").to_numpy(bool)] if len(events) else events
        self.rows = np.flatnonzero(events["kind"].eq("call").to_numpy(bool)) if len(events) else np.zeros(0, int)
        self.ts = calls["ts_ms"].to_numpy(dtype="int64")
        self.counterpart = calls["counterpart"].astype(str).to_numpy()
        self.name = calls["contact_name"].fillna("").astype(str).to_numpy()
        self.duration = calls["duration_s"].to_numpy(dtype="float64")
        self.event_id = calls["event_id"].astype(str).to_numpy() if "event_id" in calls else self.rows.astype(str)


def _candidates(row: dict, info: RecordingInfo, calls: _Calls, tz: str) -> list[tuple[float, int]]:
    """(score, call position) of the calls this recording may belong to; fills row's start and, when there
    is none, its reason. Score = start difference + duration difference, in seconds."""
    parsed = info.parsed
    if parsed is None:
        row["reason"] = "file name follows no known recording naming scheme (harass-analyzer formats lists them)"
        return []
    start = _epoch_ms(parsed.local_time, tz)
    row["start"] = pd.Timestamp(start, unit="ms", tz="UTC").tz_convert(tz).isoformat()
    who = calls.counterpart == row["counterpart"] if row["counterpart"] else calls.name == parsed.name
    near = who & (calls.ts >= start - START_AFTER_S * 1000) & (calls.ts <= start + START_BEFORE_S * 1000)
    agree = near & np.array([_duration_agrees(d, info.duration_s) for d in calls.duration], dtype=bool)
    label = row["counterpart"] or f"contact name {parsed.name!r}"
    if not who.any():
        row["reason"] = f"no call with {label} in the imported call logs"
    elif not near.any():
        row["reason"] = (f"no call with {label} starting between {START_AFTER_S} s before and "
                         f"{START_BEFORE_S} s after {row['start']}")
    elif not agree.any():
        durations = ", ".join(f"{calls.duration[p]:g} s" for p in np.flatnonzero(near))
        row["reason"] = f"calls near that time last {durations}, the recording {info.duration_s:.0f} s"
    out = []
    for pos in np.flatnonzero(agree):
        known = info.duration_s is not None and np.isfinite(calls.duration[pos])
        out.append((abs(int(calls.ts[pos]) - start) / 1000
                    + (abs(calls.duration[pos] - info.duration_s) if known else 0.0), int(pos)))
    return out


def link_recordings(events: pd.DataFrame, infos: list[RecordingInfo], tz: str, region: str = "CN",
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """events with a `recording` column, and the recordings table (one row per recording); `region`: the
    country of numbers written without a code (as for the events' counterparts)."""
    calls = _Calls(events)
    rows, pairs = [], []  # pairs: (score, recording index, call position)
    for r, info in enumerate(infos):
        parsed = info.parsed
        row = {"recording": info.label, "audio_format": info.kind,
               "naming_scheme": parsed.scheme if parsed else "", "number": parsed.number if parsed else "",
               "counterpart": normalize_number(parsed.number, region) if parsed and parsed.number else "",
               "contact_name": parsed.name if parsed else "", "start": "",
               "duration_s": "" if info.duration_s is None else f"{info.duration_s:.2f}",
               "status": "unmatched", "event_id": "", "reason": "", "bundle_copy": ""}
        rows.append(row)
        pairs += [(score, r, pos) for score, pos in _candidates(row, info, calls, tz)]
    pairs.sort()
    call_of: dict[int, int] = {}  # recording → call position; closest pairs first, one each way
    recording_of: dict[int, int] = {}
    for _, r, pos in pairs:
        if r not in call_of and pos not in recording_of:
            call_of[r], recording_of[pos] = pos, r
    column = np.full(len(events), "", dtype=object)
    for r, (row, info) in enumerate(zip(rows, infos)):
        if r in call_of:
            pos = call_of[r]
            row["status"], row["event_id"] = "linked", calls.event_id[pos]
            row["reason"] = "duration not checked: " + info.problem if info.duration_s is None else ""
            column[calls.rows[pos]] = row["recording"]
            continue
        best = next((pos for _, rr, pos in pairs if rr == r), None)
        if best is not None:  # every call it fits took a closer recording
            row["reason"] = (f"its call {calls.event_id[best]} is linked to a closer recording, "
                             f"{rows[recording_of[best]]['recording']}")
        if info.problem:
            row["reason"] = "; ".join(p for p in (info.problem, row["reason"]) if p)
    events = events.copy(deep=False)
    events["recording"] = column
    return events, pd.DataFrame(rows, columns=RECORDING_COLUMNS)


def recording_counts(events: pd.DataFrame) -> dict[str, int]:
    """Linked recordings per counterpart (for the report's per-collector listing and the complaint packs)."""
    if "recording" not in events or not len(events):
        return {}
    linked = events.loc[events["recording"].astype(str).ne(""), "counterpart"]
    return {str(k): int(v) for k, v in linked.value_counts().sort_index().items()}


def recordings_of(recordings: pd.DataFrame | None, numbers: list[str]) -> list[str]:
    """The linked recordings of these counterparts (file paths, in recordings.csv order)."""
    if recordings is None or not len(recordings):
        return []
    mask = recordings["status"].eq("linked") & recordings["counterpart"].isin(numbers)
    return recordings.loc[mask, "recording"].tolist()


def copy_recordings(recordings: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """--copy-recordings: each recording copied to folder/recordings/NNN_<file name> (the manifest hashes
    the copies with the rest of the bundle); recordings.csv's bundle_copy says where."""
    out = recordings.copy()
    target = folder / "recordings"
    for i, label in enumerate(out["recording"]):
        source = Path(label)
        name = f"recordings/{i + 1:03d}_{source.name}"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / name)
        out.loc[out.index[i], "bundle_copy"] = name
    return out
