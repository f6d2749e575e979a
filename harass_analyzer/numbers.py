"""Phone-number normalization for grouping: one canonical id per counterpart (formats.md §6.4).

Mobile and landline numbers → E.164 (`+8613800138000`); service and bulk-SMS codes (95555, 106…,
12368) stay as their digits; alphanumeric senders and e-mail addresses stay as written;
withheld markers (-1, -2, -3, empty, restricted presentation) → "withheld".
A number without a country code belongs to the record's own country hint (OPPO `countryiso`, Android
call log `countryiso`) when it has one, else to `region` (--region, default CN); a number written with
`+` keeps its country even when phonenumbers does not know it. IP long-distance access codes dialled in
front of a full mainland number (17951 13800138000) are dropped: one caller stays one sender.
Work is done once per distinct raw address (and hint) (`normalize_series`).
"""
from __future__ import annotations

import re

import pandas as pd
import phonenumbers

from .errors import ConfigError
from .schema import WITHHELD

WITHHELD_RAW = {"", "-1", "-2", "-3", "null", "unknown", "private", "anonymous", "未知号码", "未知", "私人号码"}
_SEPARATORS = re.compile(r"[\s\-().\u00a0\u3000/]")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Carriers' IP long-distance access codes (IP 长途 / IP 拨号): 179xx (17900/17901/17908/17909/17911 电信,
# 17910/17931/17969 联通, 17950/17951 移动, 17990/17996 铁通 …), 12593 (移动), 10193 (联通), 11808 (电信),
# 10131, 11618, 12591, 96688, and 12520 (移动's 飞信 gateway, prefixed to the mobile number). Stripped
# only in front of a complete mainland number (mobile, or 0 + area code + subscriber), optionally after
# +86/0086: nothing else that long starts with them.
_IP_DIAL = re.compile(r"^(?:\+86|0086|86)?(?:179\d\d|12593|12591|12520|11808|11618|10193|10131|96688)"
                      r"(?=(?:1[3-9]\d{9}|0[1-9]\d{8,10})$)")


# "+1 (555) 521-5554", "1 555-521-5554", "1-555-521-5554": the 1-3-3-4 grouping of North American numbers
# (mainland numbers are grouped 3-4-4), so even under --region CN they are not read as a 155… mobile.
_NANP_WRITTEN = re.compile(r"^\+?1[ .-]\(?[2-9]\d\d\)?[ .-]?\d{3}[ .-]\d{4}$")


def check_region(region: str) -> None:
    """ConfigError unless `region` is an ISO 3166 alpha-2 code phonenumbers knows (CN, US, TH …)."""
    if not isinstance(region, str) or region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(f"region {region!r}: not an ISO 3166 two-letter country code with a numbering "
                          "plan (e.g. CN, HK, US, TH)")


def normalize_number(raw: object, region: str = "CN") -> str:
    """One raw address → canonical id; `region`: the country of numbers written without a code.

    >>> normalize_number("+86 138-0013-8000")
    '+8613800138000'
    >>> normalize_number("1 555-521-5554", "US")
    '+15555215554'
    """
    region = region.upper()
    text = "" if raw is None or raw is pd.NA or (isinstance(raw, float) and raw != raw) else str(raw).strip()
    if text.lower() in WITHHELD_RAW:
        return WITHHELD
    if _NANP_WRITTEN.match(text):
        region = "US"  # written the North American way (1 555-521-5554): phonenumbers' US covers NANP
    compact = _IP_DIAL.sub("", _SEPARATORS.sub("", text))
    body = compact[1:] if compact.startswith("+") else compact
    if not body.isdigit():
        return text  # alphanumeric sender, e-mail, group list: keep as written
    if not compact.startswith("+"):
        if body.startswith("0086"):
            compact, body = "+" + body[2:], body[2:]
        elif region != "CN":
            pass  # the region's own dialling rules (phonenumbers), not mainland China's
        elif body.startswith("86") and _CN_MOBILE.match(body[2:]):
            compact, body = "+" + body, body
        elif _CN_MOBILE.match(body):
            return "+86" + body
        elif body.startswith("1") or len(body) <= 8 and not body.startswith("0"):
            return body  # 10086, 106… bulk channels, 12368, 95555, foreign short codes
    if compact.startswith("+86") and _CN_MOBILE.match(compact[3:]):
        return compact
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return compact  # with its "+" when written with one: the country code is the caller's own
    if phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return compact


def normalize_series(raw: pd.Series, presentation: pd.Series | None = None, region: str = "CN",
                     hints: pd.Series | None = None) -> pd.Series:
    """Vectorized over distinct values: each distinct raw address is parsed once. `hints`: per row the
    record's own country (ISO alpha-2, "" or missing when none), used before `region`."""
    region = region.upper()
    # isin on the values, not astype(int64): a damaged row may carry a presentation beyond int64.
    restricted = None if presentation is None else presentation.fillna(1).isin([2, 3]).to_numpy(dtype=bool)
    if isinstance(raw.dtype, pd.StringDtype) and raw.dtype.storage == "pyarrow":
        out = _normalize_arrow(raw, region, None)
    else:
        uniques = pd.unique(raw.astype("object"))
        mapping = {u: normalize_number(u, region) for u in uniques}
        out = raw.map(mapping)
    if hints is not None:
        out = _with_hints(raw, out, hints, region)
    if restricted is not None:
        out = out.where(~restricted, WITHHELD)
    return out


def _with_hints(raw: pd.Series, out: pd.Series, hints: pd.Series, region: str) -> pd.Series:
    """Rows whose record names another known country: their numbers again, in that country."""
    codes, values = pd.factorize(hints)  # a handful of distinct hints, whatever the row count
    countries = [str(v).strip().upper() for v in values]
    wanted = [i for i, c in enumerate(countries) if c in phonenumbers.SUPPORTED_REGIONS and c != region]
    if not wanted:
        return out
    out = out.astype("object")
    for i in wanted:
        rows = raw[codes == i].astype("object")
        mapping = {u: normalize_number(u, countries[i]) for u in pd.unique(rows)}
        out.loc[rows.index] = rows.map(mapping)
    return out.astype(raw.dtype) if isinstance(raw.dtype, pd.StringDtype) else out


def _normalize_arrow(raw: pd.Series, region: str, restricted) -> pd.Series:
    """normalize_series on an Arrow-backed column: Arrow's hash finds the distinct addresses and one take
    spreads their numbers over the rows (a dict lookup per row costs ~0.3 s at a million rows); rows
    whose caller ID was withheld point at an extra WITHHELD entry."""
    import numpy as np
    import pyarrow as pa

    encoded = raw.array.__arrow_array__().combine_chunks().dictionary_encode()  # nulls stay null
    numbers = [normalize_number(u, region) for u in encoded.dictionary.to_pylist()]
    indices = encoded.indices
    if indices.null_count:  # a missing address becomes what normalize_number makes of NaN (as map does)
        numbers.append(normalize_number(np.nan, region))
        indices = indices.fill_null(len(numbers) - 1)
    if restricted is not None and restricted.any():
        numbers.append(WITHHELD)
        indices = np.where(restricted, len(numbers) - 1, indices.to_numpy())
    values = pa.array(numbers, type=pa.large_string()).take(indices)
    return pd.Series(pd.array(values, dtype=raw.dtype), index=raw.index, name=raw.name)
