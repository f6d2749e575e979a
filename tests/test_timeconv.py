"""Vectorized text forms of times and event ids: exactly what the plain Python formatting gives."""
from __future__ import annotations

import numpy as np
import pytest

from harass_analyzer.pipeline import event_ids
from harass_analyzer.timeconv import civil_dates, iso_strings, local_times

ZONES = ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC", "Europe/London",
         "America/St_Johns", "Pacific/Chatham", "Asia/Kolkata"]


def test_civil_dates_match_numpy_calendar() -> None:
    days = np.arange(-800_000, 3_000_000, 7)
    year, month, day = civil_dates(days)
    dates = days.astype("datetime64[D]")
    assert (year == dates.astype("datetime64[Y]").astype(int) + 1970).all()
    assert (month == dates.astype("datetime64[M]").astype(int) % 12 + 1).all()
    assert (day == (dates - dates.astype("datetime64[M]")).astype(int) + 1).all()


@pytest.mark.parametrize("tz", ZONES)
def test_iso_strings_equal_isoformat(tz: str) -> None:
    rng = np.random.default_rng(3)
    ts = np.concatenate([rng.integers(788_918_400_000, 4_102_444_800_000, 5000),  # 1995–2100
                         [788_918_400_000, 4_102_444_799_999, 1_711_846_800_000, 1_711_846_799_999, 1_711_846_799_001,
                          -2_208_988_800_000, 0, 5, 86_399_999, -5]])  # DST edges, fractions, before 1970
    local = local_times(ts, tz)
    assert iso_strings(local).tolist() == [t.isoformat(timespec="seconds") for t in local]


def test_event_ids_are_zero_padded_and_widen() -> None:
    assert event_ids(3).tolist() == ["E000001", "E000002", "E000003"] and event_ids(0).tolist() == []
    ids = event_ids(1_200_000)
    assert ids.iloc[999_999] == "E1000000" and ids.iloc[0] == "E0000001" and ids.is_monotonic_increasing
