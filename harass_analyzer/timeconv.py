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
    """Local datetimes → '2024-11-03T22:15:07+08:00' (second precision, offset with colon)."""
    if len(local) == 0:
        return pd.Series([], dtype="object")
    base = local.dt.strftime("%Y-%m-%dT%H:%M:%S")
    naive_local = local.dt.tz_localize(None)
    naive_utc = local.dt.tz_convert("UTC").dt.tz_localize(None)
    offset_min = ((naive_local - naive_utc).dt.total_seconds() // 60).astype("int64")
    sign = np.where(offset_min >= 0, "+", "-")
    absmin = offset_min.abs()
    off = pd.Series(sign, index=local.index) + (absmin // 60).map("{:02d}".format) + ":" + (absmin % 60).map("{:02d}".format)
    return base + off


def parse_local_strings(values: pd.Series, tz: str, fmt: str | None = None) -> pd.Series:
    """Local-time strings (vmsg, CSV, 超级备份 `time`) → epoch ms UTC; NaT-able as float NaN."""
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    localized = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    out = localized.dt.tz_convert("UTC")
    ms = (out - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(milliseconds=1)
    return ms
