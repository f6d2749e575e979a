"""Unit-aware time conversion: every source unit → epoch ms UTC; epoch ms → local time.

Apple's epoch is 2001-01-01; iOS ≥ 11 stores ns, older s (formats.md §6.3).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

APPLE_EPOCH_S = 978307200  # 2001-01-01T00:00:00Z in Unix seconds


def seconds_to_ms(seconds: float) -> int:
    return int(round(float(seconds) * 1000))


def apple_to_ms(value: float) -> int:
    """Apple-2001 timestamp in s or ns (ns when larger than ~1e11, i.e. after 5138 in seconds)."""
    v = float(value)
    if abs(v) > 1e11:
        v = v / 1e9
    return int(round((v + APPLE_EPOCH_S) * 1000))


def local_times(ts_ms: pd.Series | np.ndarray, tz: str) -> pd.Series:
    """Epoch ms UTC → tz-aware local datetimes (vectorized)."""
    return pd.Series(pd.to_datetime(np.asarray(ts_ms, dtype="int64"), unit="ms", utc=True)).dt.tz_convert(tz)


def iso_strings(local: pd.Series) -> pd.Series:
    """Local datetimes → '2024-11-03T22:15:07+08:00' (second precision, offset with colon).

    numpy formats the wall-clock part in C; the offset is formatted once per distinct offset.
    """
    if len(local) == 0:
        return pd.Series([], dtype="object", index=local.index)
    naive_local = local.dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    naive_utc = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    offset_s = (naive_local - naive_utc).astype("int64")
    wall = np.datetime_as_string(naive_local, unit="s")
    uniques, inverse = np.unique(offset_s, return_inverse=True)
    labels = np.array([_offset_label(int(v)) for v in uniques])
    offsets = labels[inverse]
    if wall.dtype != np.dtype("<U19") or offsets.dtype != np.dtype("<U6"):  # years outside 0–9999
        return pd.Series(np.char.add(wall, offsets), index=local.index).astype("str")
    # Fixed-width UTF-32 arrays: join them as a memory copy instead of one Python string at a time.
    n = len(wall)
    joined = np.empty((n, 25), dtype=np.uint32)
    joined[:, :19] = wall.view(np.uint32).reshape(n, 19)
    joined[:, 19:] = offsets.view(np.uint32).reshape(n, 6)
    return pd.Series(joined.view("<U25").ravel(), index=local.index).astype("str")


def _offset_label(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_local_strings(values: pd.Series, tz: str, fmt: str | None = None) -> pd.Series:
    """Local-time strings (vmsg, CSV, 超级备份 `time`) → epoch ms UTC; NaT-able as float NaN."""
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    localized = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    out = localized.dt.tz_convert("UTC")
    ms = (out - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(milliseconds=1)
    return ms
