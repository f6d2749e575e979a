"""Column primitives for million-row event frames: numpy masks, integer codes, wall-clock arithmetic.

Each works the same whether a text column is `str` (Arrow) or `category` dtype, and turns one full
column into one compact numpy array once, so later steps filter, group and count integers instead of
strings or tz-aware datetimes.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DAY_NS = 86_400 * 10**9


def mask_eq(column: pd.Series, value: str) -> np.ndarray:
    """column == value as a numpy bool array (missing values are False)."""
    return column.eq(value).to_numpy(dtype=bool, na_value=False)


def mask_isin(column: pd.Series, values: Iterable[str]) -> np.ndarray:
    return column.isin(list(values)).to_numpy(dtype=bool, na_value=False)


def codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques): codes index the sorted distinct values (as Python objects); missing → -1.
    Sorted codes make integer order the same as string order, so groups come out as pandas sorts them."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # few categories: re-code them, not the rows
        cats = np.asarray(column.cat.categories, dtype=object)
        order = np.argsort(cats, kind="stable")
        used = np.zeros(len(cats) + 1, dtype=bool)
        raw = column.cat.codes.to_numpy()
        used[raw] = True
        keep = np.flatnonzero(used[order])  # categories that occur, in sorted order
        dense = np.full(len(cats) + 1, -1, dtype=np.int64)
        dense[order[keep]] = np.arange(len(keep))
        return dense[raw], cats[order[keep]]
    found, uniques = pd.factorize(column, sort=True)
    return found.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


def code_lookup(uniques: np.ndarray, wanted) -> np.ndarray:
    """Code of each of `wanted` among the sorted distinct `uniques` (from `codes`), -1 where absent."""
    wanted = np.asarray(wanted, dtype=object)
    if len(uniques) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(uniques, wanted), len(uniques) - 1)
    return np.where(uniques[at] == wanted, at, -1)


def stable_order(key: np.ndarray) -> np.ndarray:
    """Stable argsort of non-negative ints; keys that fit 8 or 16 bits take numpy's radix sort."""
    top = int(key.max()) if len(key) else 0
    narrow = np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else None
    return np.argsort(key.astype(narrow) if narrow else key, kind="stable")


def time_sorted(rows: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """`rows` stably sorted by `ts[rows]` (no sort when already in order, as events usually are)."""
    at = ts[rows]
    return rows if (at[1:] >= at[:-1]).all() else rows[np.argsort(at, kind="stable")]


def key_counts(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct non-negative int `keys` (all < size) in ascending order, and how often each occurs:
    a dense bincount when `size` is small next to the data, else a hash of the keys."""
    if size <= 4 * len(keys) + 1_000_000:
        counts = np.bincount(keys, minlength=size)
        found = np.flatnonzero(counts)
        return found, counts[found]
    key_codes, uniques = pd.factorize(keys)
    counts = np.bincount(key_codes)
    order = np.argsort(uniques)
    return np.asarray(uniques)[order], counts[order]


def wall_ns(local_time: pd.Series) -> np.ndarray:
    """Naive local wall-clock time in ns since 1970-01-01 (tz-aware or naive input)."""
    wall = local_time.dt.tz_localize(None) if local_time.dt.tz is not None else local_time
    return wall.to_numpy().astype("datetime64[ns]").view(np.int64)


def day_numbers(wall: np.ndarray) -> np.ndarray:
    """Local calendar day (days since 1970-01-01) of wall-clock ns."""
    return wall // DAY_NS


def day_datetimes(days: np.ndarray) -> pd.Series:
    """Day numbers → naive midnight datetimes (the form `local_dates` gives)."""
    return pd.Series(np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]"))


def arrow_strings(column: pd.Series) -> pa.Array:
    """The column as one Arrow string array (zero-copy for Arrow-backed `str`)."""
    if isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(column.dtype):
        column = column.astype(str)
    arr = pa.array(column)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def join_ranges(values: pa.Array, take: np.ndarray, offsets: np.ndarray, sep: str = ";") -> list[str]:
    """For each k, values[take[offsets[k]:offsets[k+1]]] joined by `sep` (Arrow does the joining)."""
    if len(offsets) <= 1:
        return []
    lists = pa.LargeListArray.from_arrays(pa.array(np.asarray(offsets, dtype=np.int64)),
                                          values.take(np.asarray(take, dtype=np.int64)))
    return pc.binary_join(lists, pa.scalar(sep, type=values.type)).to_pylist()


def ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated index ranges [lo[k], hi[k]) and their offsets, without a Python loop."""
    lengths = np.asarray(hi, dtype=np.int64) - np.asarray(lo, dtype=np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    starts = np.repeat(np.asarray(lo, dtype=np.int64) - offsets[:-1], lengths)
    return starts + np.arange(offsets[-1], dtype=np.int64), offsets
