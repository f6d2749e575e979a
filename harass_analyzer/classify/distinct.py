"""Distinct templates of a text column: each stage runs once per distinct value of the stage before.

raw text → head of `max_chars` characters, digit runs → "0" → names masked → normalized. The first
steps see every distinct raw text (hundreds of thousands in a big export), so on an Arrow-backed
column they run in C: Arrow's hash for the distinct step, numpy on the UTF-8 bytes for the digits,
RE2 for the names. Python (normalize, then the classifier) sees only the few distinct templates.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_DIGIT_RUNS = re.compile(r"[0-9]+")
_ZERO = 48  # b"0"
_CHUNK = 1 << 16  # strings per numpy pass: keeps the byte-level temporaries to a few MB
_ROWS = 1 << 18  # rows per hash table of raw texts


Stage = Callable[[str], str]
ArrowStage = Callable[[pa.Array], pa.Array]


def template_codes(texts: Iterable[object], max_chars: int, stages: Sequence[Stage | tuple[Stage, ArrowStage]],
                   known: tuple[np.ndarray, np.ndarray, pa.Array] | None = None) -> tuple[np.ndarray, list[str]]:
    """Per text, its index into the returned distinct texts (after every stage); non-strings count as "".

    A stage is a str → str function, or a pair (function, the same on an Arrow string array): leading
    pairs run in Arrow while the texts are still there.

    `known` = (mask over texts, codes, dictionary): for the masked texts, the result of `arrow_codes`
    with these leading Arrow stages, computed elsewhere (the parse workers of a large export do it while
    this process sorts); only the other texts go through the Arrow stages here.
    """
    pending = [stage if isinstance(stage, tuple) else (stage, None) for stage in stages]
    leading = []  # the pairs that can run in Arrow
    while pending and pending[0][1] is not None:
        leading.append(pending.pop(0))
    arrow_stages = [arrow for _, arrow in leading]
    column = _as_arrow(texts)
    if column is not None:
        if known is None:
            codes, dictionary = arrow_codes(column, max_chars, arrow_stages)
        else:
            codes, dictionary = _with_known(column, max_chars, arrow_stages, known)
        del column
        current = dictionary.to_pylist()
        del dictionary
        pa.default_memory_pool().release_unused()  # hash tables freed above: give the pages back to the OS
    else:
        codes, uniques = _python_distinct(texts)
        step, current = _factorize([_DIGIT_RUNS.sub("0", u[:max_chars]) for u in uniques])
        codes = step[codes]
        pending = leading + pending  # all in Python
    for stage, _ in pending:
        step, current = _factorize([stage(u) for u in current])
        codes = step[codes]
    return codes, current


def arrow_codes(column: pa.ChunkedArray, max_chars: int, arrow_stages: Sequence[ArrowStage]
                ) -> tuple[np.ndarray, pa.Array]:
    """Codes into the distinct texts after `max_chars`, digit masking and each Arrow stage (null → "")."""
    codes, dictionary = _digit_masked_distinct(column, max_chars)
    for stage in arrow_stages:
        step, dictionary = _dictionary_encode(stage(dictionary))
        codes = step[codes]
    return codes, dictionary


def _with_known(column: pa.ChunkedArray, max_chars: int, arrow_stages: Sequence[ArrowStage],
                known: tuple[np.ndarray, np.ndarray, pa.Array]) -> tuple[np.ndarray, pa.Array]:
    mask, known_codes, known_dictionary = known
    rest = np.flatnonzero(~mask)
    if len(rest):
        rest_codes, rest_dictionary = arrow_codes(column.take(rest), max_chars, arrow_stages)
    else:
        rest_codes, rest_dictionary = np.zeros(0, dtype=np.intp), pa.array([], type=pa.large_string())
    step, dictionary = _dictionary_encode(pa.chunked_array(  # one entry per distinct text of both
        [known_dictionary.cast(pa.large_string()), rest_dictionary.cast(pa.large_string())], type=pa.large_string()))
    codes = np.empty(len(mask), dtype=np.intp)
    codes[mask] = step[known_codes]
    codes[rest] = step[rest_codes + len(known_dictionary)]
    return codes, dictionary


def _as_arrow(texts: Iterable[object]) -> pa.ChunkedArray | None:
    """The texts as Arrow strings, non-strings as null; None where Arrow cannot hold them."""
    if isinstance(texts, pd.Series) and isinstance(texts.dtype, pd.StringDtype) and texts.dtype.storage == "pyarrow":
        return texts.array.__arrow_array__()
    if isinstance(texts, pd.Series) and isinstance(texts.dtype, pd.CategoricalDtype):
        return None
    values = texts.to_numpy(dtype=object) if isinstance(texts, pd.Series) else list(texts)
    try:  # Arrow's hash and byte-level digit masking are far faster than Python's on many texts
        return pa.chunked_array([pa.array([t if type(t) is str else None for t in values], type=pa.large_string())])
    except UnicodeEncodeError:  # a lone surrogate (no valid UTF-8): stays in Python
        return None


def _python_distinct(texts: Iterable[object]) -> tuple[np.ndarray, list[str]]:
    if isinstance(texts, pd.Series) and isinstance(texts.dtype, pd.CategoricalDtype):
        categories = [c if type(c) is str else "" for c in texts.cat.categories] + [""]
        codes = texts.cat.codes.to_numpy().astype(np.intp)
        codes[codes < 0] = len(categories) - 1
        return codes, categories
    values = texts.to_numpy(dtype=object) if isinstance(texts, pd.Series) else list(texts)
    return _factorize([t if type(t) is str else "" for t in values])


def _digit_masked_distinct(column: pa.ChunkedArray, max_chars: int) -> tuple[np.ndarray, pa.Array]:
    """Codes into the distinct texts after `max_chars` and digit masking (null → "").

    Done a slice of rows at a time, then once over the slices' results: one hash table over every
    distinct raw text of a big export would be the largest transient of the whole analysis.
    """
    codes = np.empty(len(column), dtype=np.intp)
    pieces, count = [], 0
    for start in range(0, len(column), _ROWS):
        rows = column.slice(start, _ROWS)
        if rows.null_count:
            rows = rows.fill_null("")
        raw_codes, raw = _dictionary_encode(rows)
        if len(raw) and pc.max(pc.binary_length(raw)).as_py() > max_chars:  # bytes >= characters
            raw = pc.utf8_slice_codeunits(raw, 0, max_chars)  # counts code points, like str slicing
        step, masked = _dictionary_encode(pa.chunked_array(
            [_collapse_digits(raw.slice(i, _CHUNK)) for i in range(0, len(raw), _CHUNK)], type=pa.large_string()))
        codes[start:start + len(rows)] = step[raw_codes] + count
        pieces.append(masked)
        count += len(masked)
    step, dictionary = _dictionary_encode(pa.chunked_array(pieces, type=pa.large_string()))
    return step[codes], dictionary


def _factorize(values: list[str]) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(np.array(values, dtype=object))
    return codes, list(uniques)


def _dictionary_encode(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Arrow's hash-based distinct step (no nulls in `column`)."""
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    encoded = column.dictionary_encode()
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.intp), pa.array([], type=pa.large_string())
    dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary
    if not all(chunk.dictionary.equals(dictionary) for chunk in encoded.chunks[:-1]):
        encoded = column.combine_chunks().dictionary_encode()  # chunks kept separate dictionaries
        dictionary = encoded.dictionary
        return encoded.indices.to_numpy().astype(np.intp), dictionary
    codes = np.concatenate([chunk.indices.to_numpy() for chunk in encoded.chunks]).astype(np.intp)
    return codes, dictionary


def _collapse_digits(strings: pa.Array) -> pa.Array:
    """Every run of ASCII digits → "0", on the UTF-8 bytes (a digit byte is never part of a longer character)."""
    strings = strings.cast(pa.large_string())
    _, offset_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[strings.offset:strings.offset + len(strings) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0]:offsets[-1]] if data_buffer else \
        np.zeros(0, dtype=np.uint8)
    offsets = offsets - offsets[0]
    digit = (data - _ZERO) < 10  # uint8 wraps below "0"
    repeat = np.zeros_like(digit)  # a digit right after a digit of the same text
    repeat[1:] = digit[1:] & digit[:-1]
    starts = offsets[:-1]
    repeat[starts[starts < len(data)]] = False
    kept = np.where(digit, np.uint8(_ZERO), data)[~repeat]
    new_offsets = offsets - np.searchsorted(np.flatnonzero(repeat), offsets)
    return pa.Array.from_buffers(pa.large_string(), len(strings),
                                 [None, pa.py_buffer(new_offsets), pa.py_buffer(kept)])
