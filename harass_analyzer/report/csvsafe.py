"""Spreadsheet formula-injection escaping for the bundle's CSV files (Excel, WPS, LibreOffice).

Message bodies and contact names are written by the sender, so a body such as `=HYPERLINK(...)` or
`@SUM(...)` would run as a formula when a lawyer opens events.csv in Excel/WPS. Rule, applied to every
text (object/string) column and no other:

- a cell that starts with `=`, `+`, `-`, `@`, tab, CR or LF, or with `'` itself, gets one leading `'`;
- EXCEPT a cell that is a plain number (`+8613800138000`, `-1`, `12.5`): a spreadsheet reads it as a
  number, never as a formula, and phone numbers must stay exactly as normalized so they join across files.

Reverting is unambiguous and loses nothing: if a text cell starts with `'`, drop exactly that one `'`
(`unescape_cell`). Numeric columns (counts, durations) are never touched.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "'")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def escape_cell(value: object) -> object:
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def unescape_cell(value: object) -> object:
    """The original text of a cell written by `escape_cell`."""
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text column escaped (numeric/bool columns unchanged).

    Vectorized: only cells whose first character is a trigger go through `escape_cell`.
    """
    out = frame.copy(deep=False)  # copy-on-write (pandas 3)
    for col in out.columns:
        series = out[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            risky = series.astype("str").str[:1].isin(TRIGGERS).to_numpy().copy()
            if series.dtype == object and risky.any():  # only real text is escaped, not a number object
                risky[risky] = series[risky].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
            if risky.any():
                # Plain numbers (+8613800138000, -1) are data, not formulas: leave them in C, not Python.
                numeric = series[risky].astype("str").str.fullmatch(_PLAIN_NUMBER.pattern).fillna(False).to_numpy()
                idx = np.flatnonzero(risky)[~numeric]
                if len(idx):
                    out.iloc[idx, out.columns.get_loc(col)] = series.iloc[idx].map(escape_cell).to_numpy()
    return out
