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

    Each row is three look-ups into small tables of ASCII: its date (one entry per day in the column's
    span), its time of day (86,400 entries) and its UTC offset, written into one buffer that Arrow takes
    as a string array: no Python string per row and no per-row division beyond the day split.
    """
    n = len(local)
    if n == 0:
        return pd.Series([], dtype="str", index=local.index)
    utc_s = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[s]").astype(np.int64)
    wall_s = local.dt.tz_localize(None).to_numpy().astype("datetime64[s]").astype(np.int64)
    offset_min, offset_rest = np.divmod(wall_s - utc_s, 60)
    days, second_of_day = np.divmod(wall_s, 86400)
    first, last = int(days.min()), int(days.max())
    span = np.arange(first, last + 1) if last - first <= 2 * n + 1000 else np.unique(days)
    year, month, day = civil_dates(span)
    if year.min() < 0 or year.max() > 9999 or offset_rest.any():  # odd historical (LMT) offsets
        return pd.Series([t.isoformat(timespec="seconds") for t in local], index=local.index, dtype="str")
    dates = np.empty((len(span), 10), dtype=np.uint8)
    for values, start in ((year // 100, 0), (year % 100, 2), (month, 5), (day, 8)):
        dates[:, start:start + 2] = _PAIRS[values]
    dates[:, [4, 7]] = ord("-")
    low = int(offset_min.min())
    zones = np.arange(low, int(offset_min.max()) + 1)
    offsets = np.empty((len(zones), 6), dtype=np.uint8)
    offsets[:, 0] = np.where(zones >= 0, ord("+"), ord("-"))
    offsets[:, 1:3], offsets[:, 3], offsets[:, 4:6] = _PAIRS[np.abs(zones) // 60], ord(":"), _PAIRS[np.abs(zones) % 60]
    buf = np.empty((n, 25), dtype=np.uint8)
    buf[:, 0:10] = dates[days - first if len(span) == last - first + 1 else np.searchsorted(span, days)]
    buf[:, 10] = ord("T")
    buf[:, 11:19] = _times_of_day()[second_of_day]
    buf[:, 19:25] = offsets[offset_min - low]
    arrow = pa.StringArray.from_buffers(n, pa.py_buffer(np.arange(0, 25 * (n + 1), 25, dtype=np.int32)),
                                        pa.py_buffer(buf))
    return pd.Series(pd.array(arrow, dtype=pd.StringDtype("pyarrow", na_value=np.nan)), index=local.index)


_TIMES: list[np.ndarray] = []


def _times_of_day() -> np.ndarray:
    """'HH:MM:SS' for each second of a day, as an (86400, 8) array of ASCII (built on first use)."""
    if not _TIMES:
        seconds = np.arange(86400)
        table = np.empty((86400, 8), dtype=np.uint8)
        table[:, 0:2], table[:, 3:5], table[:, 6:8] = (_PAIRS[seconds // 3600], _PAIRS[seconds // 60 % 60],
                                                       _PAIRS[seconds % 60])
        table[:, [2, 5]] = ord(":")
        _TIMES.append(table)
    return _TIMES[0]


_PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8)  # "00" … "99"


def civil_dates(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days since 1970-01-01 → proleptic Gregorian (year, month, day), vectorized (H. Hinnant's
    days-to-civil algorithm: 400-year eras of 146097 days, years starting in March)."""
    z = days.astype(np.int64) + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def parse_local_strings(values: pd.Series, tz: str, fmt: str | None = None) -> pd.Series:
    """Local-time strings (vmsg, CSV, 超级备份 `time`) → epoch ms UTC; NaT-able as float NaN."""
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    localized = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    out = localized.dt.tz_convert("UTC")
    ms = (out - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(milliseconds=1)
    return ms
