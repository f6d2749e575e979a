"""Phone-number normalization for grouping: one canonical id per counterpart (formats.md §6.4).

Mobile and landline numbers → E.164 (`+8613800138000`); service and bulk-SMS codes (95555, 106…,
12368) stay as their digits; alphanumeric senders and e-mail addresses stay as written;
withheld markers (-1, -2, -3, empty, restricted presentation) → "withheld".
Work is done once per distinct raw address (`normalize_series`).
"""
from __future__ import annotations

import re

import pandas as pd
import phonenumbers

from .schema import WITHHELD

WITHHELD_RAW = {"", "-1", "-2", "-3", "null", "unknown", "private", "anonymous", "未知号码", "未知", "私人号码"}
_SEPARATORS = re.compile(r"[\s\-().\u00a0\u3000/]")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_number(raw: object, region: str = "CN") -> str:
    """One raw address → canonical id.

    >>> normalize_number("+86 138-0013-8000")
    '+8613800138000'
    """
    text = "" if raw is None or (isinstance(raw, float) and raw != raw) else str(raw).strip()
    if text.lower() in WITHHELD_RAW:
        return WITHHELD
    compact = _SEPARATORS.sub("", text)
    body = compact[1:] if compact.startswith("+") else compact
    if not body.isdigit():
        return text  # alphanumeric sender, e-mail, group list: keep as written
    if not compact.startswith("+"):
        if body.startswith("0086"):
            compact, body = "+" + body[2:], body[2:]
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
        return body
    if phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return body


def normalize_series(raw: pd.Series, presentation: pd.Series | None = None, region: str = "CN") -> pd.Series:
    """Vectorized over distinct values: each distinct raw address is parsed once."""
    # isin on the values, not astype(int64): a damaged row may carry a presentation beyond int64.
    restricted = None if presentation is None else presentation.fillna(1).isin([2, 3]).to_numpy(dtype=bool)
    if isinstance(raw.dtype, pd.StringDtype) and raw.dtype.storage == "pyarrow":
        return _normalize_arrow(raw, region, restricted)
    uniques = pd.unique(raw.astype("object"))
    mapping = {u: normalize_number(u, region) for u in uniques}
    out = raw.map(mapping)
    if restricted is not None:
        out = out.where(~restricted, WITHHELD)
    return out


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
