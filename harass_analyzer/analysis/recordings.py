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
are in the `recording` column of events.csv (the recording's input path; several joined by ";").
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
    if rec_s is None:
        return True
    if not np.isfinite(call_s):
        return True  # the call log holds no duration: nothing to compare
    return abs(call_s - rec_s) <= max(DURATION_SLACK_S, DURATION_SLACK_SHARE * call_s)


def link_recordings(events: pd.DataFrame, infos: list[RecordingInfo], tz: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """events with a `recording` column, and the recordings table (one row per recording)."""
    events = events.copy(deep=False)
    column = np.full(len(events), "", dtype=object)
    rows = []
    calls = events.index[events["kind"].eq("call").to_numpy()] if len(events) else events.index
    call_ts = events.loc[calls, "ts_ms"].to_numpy(dtype="int64") if len(calls) else np.zeros(0, "int64")
    call_cp = events.loc[calls, "counterpart"].astype(str).to_numpy() if len(calls) else np.zeros(0, object)
    call_name = events.loc[calls, "contact_name"].fillna("").astype(str).to_numpy() if len(calls) else call_cp
    call_dur = events.loc[calls, "duration_s"].to_numpy(dtype="float64") if len(calls) else np.zeros(0)
    pairs = []  # (score, recording index, call position)
    for r, info in enumerate(infos):
        parsed = info.parsed
        counterpart = normalize_number(parsed.number) if parsed and parsed.number else ""
        row = {"recording": info.label, "audio_format": info.kind, "naming_scheme": parsed.scheme if parsed else "",
               "number": parsed.number if parsed else "", "counterpart": counterpart,
               "contact_name": parsed.name if parsed else "",
               "start": "", "duration_s": "" if info.duration_s is None else f"{info.duration_s:.2f}",
               "status": "unmatched", "event_id": "", "reason": "", "bundle_copy": ""}
        rows.append(row)
        if parsed is None:
            row["reason"] = "file name follows no known recording naming scheme (harass-analyzer formats lists them)"
            continue
        start = _epoch_ms(parsed.local_time, tz)
        row["start"] = pd.Timestamp(start, unit="ms", tz="UTC").tz_convert(tz).isoformat()
        who = (call_cp == counterpart) if counterpart else (call_name == parsed.name)
        near = who & (call_ts >= start - START_AFTER_S * 1000) & (call_ts <= start + START_BEFORE_S * 1000)
        agree = near & np.array([_duration_agrees(d, info.duration_s) for d in call_dur], dtype=bool)
        for pos in np.flatnonzero(agree):
            gap = abs(int(call_ts[pos]) - start) / 1000
            dur_gap = 0.0 if info.duration_s is None or not np.isfinite(call_dur[pos]) else abs(call_dur[pos] - info.duration_s)
            pairs.append((gap + dur_gap, r, int(pos)))
        label = counterpart or f"contact name {parsed.name!r}"
        if not who.any():
            row["reason"] = f"no call with {label} in the imported call logs"
        elif not near.any():
            row["reason"] = (f"no call with {label} starting between {START_AFTER_S} s before and {START_BEFORE_S} s "
                             f"after {row['start']}")
        elif not agree.any():
            durations = ", ".join(f"{call_dur[p]:g} s" for p in np.flatnonzero(near))
            row["reason"] = f"calls near that time last {durations}, the recording {info.duration_s:.0f} s"
    taken_rec, taken_call = {}, {}
    for score, r, pos in sorted(pairs):
        if r in taken_rec or pos in taken_call:
            continue
        taken_rec[r], taken_call[pos] = pos, r
    event_ids = events["event_id"].to_numpy() if "event_id" in events else np.arange(len(events)).astype(str)
    for r, row in enumerate(rows):
        if r in taken_rec:
            at = events.index.get_loc(calls[taken_rec[r]])
            row["status"], row["event_id"] = "linked", str(event_ids[at])
            row["reason"] = "" if infos[r].duration_s is not None else "duration not checked: " + infos[r].problem
            column[at] = ";".join(p for p in (column[at], row["recording"]) if p)
        elif any(rr == r for _, rr, _ in pairs):
            pos = next(p for _, rr, p in sorted(pairs) if rr == r)
            winner = rows[taken_call[pos]]["recording"]
            row["reason"] = f"its call {event_ids[events.index.get_loc(calls[pos])]} is linked to a closer recording, {winner}"
        if infos[r].problem and row["status"] != "linked":
            row["reason"] = "; ".join(p for p in (infos[r].problem, row["reason"]) if p)
    events["recording"] = column
    table = pd.DataFrame(rows, columns=RECORDING_COLUMNS)
    return events, table


def recording_counts(events: pd.DataFrame) -> dict[str, int]:
    """Linked recordings per counterpart (for the report's per-collector listing and the complaint packs)."""
    if "recording" not in events or not len(events):
        return {}
    linked = events.loc[events["recording"].astype(str).ne(""), ["counterpart", "recording"]]
    counts = linked["recording"].str.count(";") + 1
    return {str(k): int(v) for k, v in counts.groupby(linked["counterpart"]).sum().items()}


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
