"""Spreadsheet formula-injection escaping for the bundle's CSV files (Excel, WPS, LibreOffice).

Message bodies and contact names are written by the sender, so a body such as `=HYPERLINK(...)` or
`@SUM(...)` would run as a formula when a lawyer opens events.csv in Excel/WPS. Rule, applied to every
text (object/string) column and no other:

- a cell that starts with `=`, `+`, `-`, `@`, tab, CR or LF, or with `'` itself, gets one leading `'`;
- EXCEPT a cell that is a plain number (`+8613800138000`, `-1`, `12.5`) or a `;`-separated list of them
  (`+8616512340012;95011`, entities.csv numbers, violations.csv counterpart): a spreadsheet reads it as a
  number or plain text, never as a formula, and phone numbers must stay exactly as normalized so they
  join across files.

Reverting is unambiguous and loses nothing: if a text cell starts with `'`, drop exactly that one `'`
(`unescape_cell`). Numeric columns (counts, durations) are never touched.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "'")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:;[+-]?\d+(?:\.\d+)?)*")
# Every trigger is one ASCII byte, and a UTF-8 text starts with an ASCII byte only if its first character
# is that byte: the trigger test is a table look-up of each cell's first byte.
_TRIGGER_BYTE = np.zeros(256, dtype=bool)
_TRIGGER_BYTE[[ord(t) for t in TRIGGERS]] = True
# ASCII-digit numbers, tested by Arrow's RE2; anything else risky goes through escape_cell, whose Python
# \d also accepts other scripts' digits (the rule as it always was).
_ASCII_NUMBER = r"^[+-]?[0-9]+(?:\.[0-9]+)?(?:;[+-]?[0-9]+(?:\.[0-9]+)?)*$"


def escape_cell(value: object) -> object:
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def unescape_cell(value: object) -> object:
    """The original text of a cell written by `escape_cell`."""
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


def _first_bytes(values: pa.Array) -> np.ndarray:
    """The first UTF-8 byte of each cell (0 for empty and null cells), read from the Arrow buffers."""
    n = len(values)
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(values.buffers()[1], dtype=width)[values.offset: values.offset + n + 1]
    data = values.buffers()[2]
    if data is None or data.size == 0:
        return np.zeros(n, dtype=np.uint8)
    starts = offsets[:-1]
    first = np.frombuffer(data, dtype=np.uint8).take(starts, mode="clip")
    first[offsets[1:] == starts] = 0  # empty cell (its start may be past the end of the data)
    if values.null_count:
        first[~values.is_valid().to_numpy(zero_copy_only=False)] = 0
    return first


def escape_arrow(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """`escape_cell` over an Arrow string, large_string or dictionary-of-string array (nulls stay null).

    Vectorized: only risky cells that are not ASCII numbers reach Python, once per distinct value."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):  # a category column: escape its few distinct values
        return pa.DictionaryArray.from_arrays(values.indices, escape_arrow(values.dictionary))
    if len(values) == 0:
        return values
    risky = np.flatnonzero(_TRIGGER_BYTE[_first_bytes(values)])
    if not len(risky):
        return values
    # Risky cells are mostly a few phone numbers repeated ("+86…"): decide once per distinct value.
    encoded = pc.dictionary_encode(values.take(risky))
    distinct, codes = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    numeric = pc.match_substring_regex(distinct, _ASCII_NUMBER).to_numpy(zero_copy_only=False)
    texts = distinct.to_pylist()
    escaped = [t if numeric[i] else escape_cell(t) for i, t in enumerate(texts)]
    changed = np.array([e is not t for e, t in zip(escaped, texts)], dtype=bool)
    if not changed.any():
        return values
    rows = changed[codes]
    mask = np.zeros(len(values), dtype=bool)
    mask[risky[rows]] = True
    return pc.replace_with_mask(values, pa.array(mask), pa.array(escaped, type=values.type).take(codes[rows]))


def _escape_objects(series: pd.Series) -> pd.Series:
    """Object column: only real str cells are escaped (a number object is not text)."""
    risky = series.astype("str").str[:1].isin(TRIGGERS).to_numpy().copy()
    if risky.any():
        risky[risky] = series[risky].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not risky.any():
        return series
    # Plain numbers (+8613800138000, -1) are data, not formulas: leave them in C, not Python.
    numeric = series[risky].astype("str").str.fullmatch(_PLAIN_NUMBER.pattern).fillna(False).to_numpy()
    idx = np.flatnonzero(risky)[~numeric]
    if not len(idx):
        return series
    out = series.copy()
    out.iloc[idx] = series.iloc[idx].map(escape_cell).to_numpy()
    return out


def escape_series(series: pd.Series) -> pd.Series:
    """`series` with escape_cell applied when it is a text column (object, str or category of str);
    any other column is returned as it is."""
    if series.dtype == object:
        return _escape_objects(series)
    text = pd.api.types.is_string_dtype(series.dtype)
    if isinstance(series.dtype, pd.CategoricalDtype):
        text = pd.api.types.is_string_dtype(series.cat.categories.dtype)
    if not text:
        return series
    values = pa.array(series, from_pandas=True)
    escaped = escape_arrow(values)
    if escaped is values:
        return series
    if isinstance(series.dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical.from_codes(series.cat.codes, escaped.dictionary.to_pandas(),
                                                   ordered=series.cat.ordered), index=series.index, name=series.name)
    return pd.Series(escaped.to_pandas(types_mapper=lambda _: series.dtype), index=series.index, name=series.name)


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text column escaped (numeric/bool columns unchanged)."""
    out = frame.copy(deep=False)  # copy-on-write (pandas 3)
    for i, col in enumerate(out.columns):
        series = out.iloc[:, i]
        escaped = escape_series(series)
        if escaped is not series:
            out.isetitem(i, escaped)
    return out
