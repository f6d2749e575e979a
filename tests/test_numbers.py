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


@pytest.mark.parametrize("raw,region,expected", [
    # IP long-distance codes in front of a full mainland number are dropped (issue 15)
    ("17951 13800138000", "CN", "+8613800138000"), ("1795113800138000", "CN", "+8613800138000"),
    ("12593-138-0013-8000", "CN", "+8613800138000"), ("+86 17951 13800138000", "CN", "+8613800138000"),
    ("10193 13800138000", "CN", "+8613800138000"), ("17909 010-12345678", "CN", "+861012345678"),
    ("12520 13800138000", "CN", "+8613800138000"), ("17951", "CN", "17951"), ("1795195555", "CN", "1795195555"),
    # foreign numbers keep their country
    ("+339001234567", "CN", "+339001234567"), ("1 555-521-5554", "CN", "+15555215554"),
    ("1 555-521-5554", "US", "+15555215554"), ("(555) 521-5554", "US", "+15555215554"),
    ("0812345678", "TH", "+66812345678"), ("0812345678", "th", "+66812345678"),
    ("+86 138-0013-8000", "US", "+8613800138000"), ("13800138000", "CN", "+8613800138000"),
])
def test_ip_prefixes_and_regions(raw: str, region: str, expected: str) -> None:
    assert normalize_number(raw, region) == expected


@pytest.mark.parametrize("dtype", ["object", "string[pyarrow]"])
def test_record_country_hint_comes_before_the_region(dtype) -> None:
    raw = pd.Series(["0812345678", "0812345678", "13800138000", None, "5555215554"], dtype=dtype)
    hints = pd.Series(["TH", "", None, "TH", "us"])
    out = normalize_series(raw, pd.Series([1, 1, 1, 1, 1]), "CN", hints=hints)
    assert out.tolist() == ["+66812345678", "+86812345678", "+8613800138000", "withheld", "+15555215554"]
    assert normalize_series(raw, None, "US").tolist()[4] == "+15555215554"  # the region when no hint


def test_region_must_be_a_known_country() -> None:
    from harass_analyzer.errors import ConfigError
    from harass_analyzer.numbers import check_region

    check_region("cn")
    with pytest.raises(ConfigError, match="region 'XX'"):
        check_region("XX")
