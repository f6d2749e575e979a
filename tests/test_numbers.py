from __future__ import annotations

import pandas as pd
import pytest

from harass_analyzer.numbers import normalize_number, normalize_series


@pytest.mark.parametrize("raw,expected", [
    ("13800138000", "+8613800138000"),
    ("+86 138-0013-8000", "+8613800138000"),
    ("008613800138000", "+8613800138000"),
    ("8613800138000", "+8613800138000"),
    ("95555", "95555"),
    ("10690123456789", "10690123456789"),
    ("1065502000001", "1065502000001"),
    ("12368", "12368"),
    ("10086", "10086"),
    ("CoopMobile", "CoopMobile"),
    ("招商银行", "招商银行"),
    ("-1", "withheld"), ("-2", "withheld"), ("-3", "withheld"), ("", "withheld"), ("  ", "withheld"),
    ("010-12345678", "+861012345678"),
    ("+1 (555) 555-0100", "+15555550100"),
])
def test_normalize_number(raw: str, expected: str) -> None:
    assert normalize_number(raw) == expected


def test_series_parses_each_distinct_value_once_and_honours_presentation(monkeypatch) -> None:
    import harass_analyzer.numbers as numbers

    calls = []
    real = numbers.normalize_number
    monkeypatch.setattr(numbers, "normalize_number", lambda v, r="CN": calls.append(v) or real(v, r))
    raw = pd.Series(["13800138000", "13800138000", "95555", "13900000000"])
    out = normalize_series(raw, presentation=pd.Series([1, 1, 1, 2]))
    assert out.tolist() == ["+8613800138000", "+8613800138000", "95555", "withheld"]
    assert sorted(calls) == sorted(["13800138000", "95555", "13900000000"])


@pytest.mark.parametrize("dtype", ["str", object])
def test_normalize_series_per_distinct_value(dtype) -> None:
    import pandas as pd

    from harass_analyzer.numbers import normalize_number, normalize_series

    raw = pd.Series(["+86 138-0013-8000", None, "95511", "8613800138000", "", "unknown", "95511", "abc"] * 3,
                    dtype=dtype)
    presentation = pd.Series([1, 1, 1, 2, 1, 1, 3, 1] * 3)
    got = normalize_series(raw, presentation)
    want = [normalize_number(None if v is None or v != v else v) for v in raw]
    want = [w if p not in (2, 3) else normalize_number("unknown") for w, p in zip(want, presentation)]
    assert got.tolist() == want
