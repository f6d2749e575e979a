"""Exact line numbers of SMS Backup & Restore records, from the bytes.

libxml2 keeps an element's line in 16 bits and, past line 65,535, derives it from neighbouring nodes;
in real exports (whitespace between records, elements cleared while streaming) that comes out one line
off. An evidence locator must be exact, so the lines come from a byte scan instead: every record start
tag (`<sms`, `<mms`, `<call` followed by white space, `/` or `>`) in file order, and the newlines before
it. The scan is used only when it finds exactly as many records as the parser did.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

CHUNK = 32 << 20
SCAN_CHUNK = 16 << 20
TAG_PATTERNS = {"sms": b"<sms", "mms": b"<mms", "call": b"<call"}
_TAGS = (b"sms", b"mms", b"call")
_DELIMS = np.frombuffer(b" \t\r\n/>", dtype=np.uint8)


def record_lines(path: Path, start: int = 0, end: int | None = None,
                 tags: tuple[bytes, ...] = _TAGS) -> np.ndarray:
    """1-based line of each record start tag in bytes [start, end) (line 1 = the line holding `start`)."""
    out: list[np.ndarray] = []
    lines_before = 0
    carry = b""
    with open(path, "rb") as fh:
        fh.seek(start)
        left = (end - start) if end is not None else None
        while True:
            chunk = fh.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            data = carry + chunk
            buf = np.frombuffer(data, dtype=np.uint8)
            # Positions are only taken up to len(data) - 5 so every tag is seen whole; the rest carries over.
            tail = max(len(t) for t in tags) + 2
            limit = max(0, len(data) - tail) if (left is None or left > 0) else len(data)
            lt = np.flatnonzero(buf[:limit] == ord("<"))
            hits = np.zeros(len(lt), dtype=bool)
            padded = np.concatenate([buf, np.zeros(tail + 1, dtype=np.uint8)])
            for tag in tags:
                ok = np.ones(len(lt), dtype=bool)
                for k, byte in enumerate(tag):
                    ok &= padded[lt + 1 + k] == byte
                ok &= np.isin(padded[lt + 1 + len(tag)], _DELIMS)
                hits |= ok
            newlines = np.flatnonzero(buf[:limit] == ord("\n"))
            out.append(lines_before + np.searchsorted(newlines, lt[hits]) + 1)
            lines_before += len(newlines)
            carry = data[limit:]
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def more_lines_than(path: Path, limit: int = 65535) -> bool:
    """True when the file has more than `limit` lines (a cheap byte count, stopping early)."""
    seen = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            seen += chunk.count(b"\n")
            if seen > limit:
                return True
    return False


def prefix_counts(path: Path, cuts: list[int], root: str) -> list[tuple[int, dict[str, int]]]:
    """For each cut: newlines before it and record start tags of each kind before it."""
    out = []
    lines = 0
    tags = dict.fromkeys(TAG_PATTERNS, 0)
    pos = 0
    carry = b""
    with open(path, "rb") as fh:
        for cut in cuts:
            while pos < cut:
                chunk = fh.read(min(SCAN_CHUNK, cut - pos))
                if not chunk:
                    break
                pos += len(chunk)
                lines += chunk.count(b"\n")
                seam = carry + chunk[:4]  # tags split across two chunks (no copy of the chunk itself)
                for name, pattern in TAG_PATTERNS.items():
                    tags[name] += chunk.count(pattern) + seam.count(pattern) - carry.count(pattern) \
                        - chunk[:4].count(pattern)
                carry = chunk[-4:]
            out.append((lines, dict(tags)))
    root_tag = {"smses": "sms", "calls": "call"}.get(root)
    for _, counts in out:  # `<smses` / `<calls` (the root) also start with `<sms` / `<call`
        if root_tag:
            counts[root_tag] -= 1
    return out
