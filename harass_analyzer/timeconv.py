"""Unit-aware time conversion: every source unit → epoch ms UTC; epoch ms → local time.

Apple's epoch is 2001-01-01; iOS ≥ 11 stores ns, older s (formats.md §6.3).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

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

    The 25 ASCII bytes of each row are written digit by digit with integer arithmetic into one buffer
    that Arrow takes as a string array: no Python string per row and no large temporaries.
    """
    n = len(local)
    if n == 0:
        return pd.Series([], dtype="str", index=local.index)
    naive_local = local.dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    naive_utc = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    offset_s = (naive_local - naive_utc).astype("int64")
    offset_min = offset_s // 60
    year = local.dt.year.to_numpy()
    if year.min() < 0 or year.max() > 9999 or (offset_s % 60).any():  # odd historical (LMT) offsets
        return pd.Series([t.isoformat(timespec="seconds") for t in local], index=local.index, dtype="str")
    buf = np.empty((n, 25), dtype=np.uint8)
    fields = ((year, 0, 4), (local.dt.month.to_numpy(), 5, 2), (local.dt.day.to_numpy(), 8, 2),
              (local.dt.hour.to_numpy(), 11, 2), (local.dt.minute.to_numpy(), 14, 2),
              (local.dt.second.to_numpy(), 17, 2), (np.abs(offset_min) // 60, 20, 2), (np.abs(offset_min) % 60, 23, 2))
    for values, start, width in fields:
        values = values.astype(np.int64)
        for k in range(width):
            buf[:, start + width - 1 - k] = 48 + (values // 10 ** k) % 10
    for col, char in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (22, ":")):
        buf[:, col] = ord(char)
    buf[:, 19] = np.where(offset_min >= 0, ord("+"), ord("-"))
    offsets = pa.py_buffer(np.arange(0, 25 * (n + 1), 25, dtype=np.int32))
    arrow = pa.StringArray.from_buffers(n, offsets, pa.py_buffer(buf))
    return pd.Series(pd.array(arrow, dtype=pd.StringDtype("pyarrow", na_value=np.nan)), index=local.index)


def parse_local_strings(values: pd.Series, tz: str, fmt: str | None = None) -> pd.Series:
    """Local-time strings (vmsg, CSV, 超级备份 `time`) → epoch ms UTC; NaT-able as float NaN."""
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    localized = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    out = localized.dt.tz_convert("UTC")
    ms = (out - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(milliseconds=1)
    return ms
