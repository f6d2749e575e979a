"""Fast path for the usual shape of an SMS Backup & Restore file: one `<sms …/>` or `<call …/>` per line.

The app writes a declaration, a comment, the root start tag, one record per line (MMS over a few lines)
and the root end tag. For a line that holds only literal text (no `&`, no control character, tab or CR)
the attribute values are exactly the bytes between its quotes, so they are cut out for all lines at once:
numpy finds the newlines, quotes and `<` of a chunk (one compare each), checks each line against the chunk's
usual attribute layout on those positions, and the values become Arrow string views of the chunk. Every
other record (a line with a character reference, an attribute layout other than the chunk's usual one,
an MMS element) goes through the ordinary lxml record loop (sbr_records.parse_records), so its text is
exactly what the lxml path gives. Lines are numbered by counting them, so `source_ref` is exact.

The file is checked against that shape as it goes; anything else (a comment or DOCTYPE past the prolog,
a record split over lines, a line over LINE_LIMIT such as MMS media, bytes that are not UTF-8, a missing
root end) makes `read_fast` return False and the caller parses with lxml, which also reports the damage.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from .sbr_records import SbrColumns, parse_records

CHUNK = 8 << 20  # small enough for glibc to reuse its heap between chunks (fewer page faults)
LINE_LIMIT = 1 << 20  # longer lines carry media: the streaming lxml parse drops it without holding it
_RECORD_START = r"^[ \t]*<(?:sms|call)[ \t/>]"  # what _record_lines checks with numpy
MAX_INDENT = 16  # longer runs of leading blanks are checked by RE2 instead
_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_FIRST_SEGMENT = re.compile(rf"^[ \t]*<(sms|call) ({_NAME})=$")
_NAME_SEGMENT = re.compile(rf"^ ({_NAME})=$")
_DECL = re.compile(r"""^<\?xml version=(['"])1\.[0-9]\1(?: encoding=(['"])[A-Za-z][A-Za-z0-9._\-]*\2)?"""
                   r"""(?: standalone=(['"])(?:yes|no)\3)? ?\?>$""")
_COMMENT = re.compile(r"^<!--(?:(?!--).)*-->$")
_ROOT_START = re.compile(rf'^<(smses|calls)(?: {_NAME}="[^"<&]*")* ?>$')
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MMS_START = re.compile(rf'^<mms(?: {_NAME}="[^"<]*")* ?(/?)>$')
_PAD = bytes(16)
_LOW_BYTES = np.array([(1 << 8 * k) - 1 for k in range(9)], dtype=np.uint64)  # mask of the k low bytes
_FIELDS = {"sms": {"date": "date", "addr": "address", "typ": "type", "body": "body", "name": "contact_name"},
           "call": {"date": "date", "addr": "number", "typ": "type", "dur": "duration", "name": "contact_name",
                    "pres": "presentation"}}


class NotSimple(Exception):
    """The bytes are not of the one-record-per-line shape: the caller uses the lxml parse."""


def read_fast(path: Path, cols: SbrColumns, start: int = 0, end: int | None = None, first: bool = True,
              last: bool = True, line_offset: int = 0, root: str | None = None) -> bool:
    """Fill `cols` with the records of bytes [start, end) (a part of the file when not `first`/`last`:
    sbr_parts); False, with cols then unusable, when the bytes are not of the simple shape."""
    end = path.stat().st_size if end is None else end
    state = _State(first, last, root)
    lines_before = line_offset
    carry = b""
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            left = end - start
            while True:
                data = fh.read(min(CHUNK, left)) if left > 0 else b""
                left -= len(data)
                final = left <= 0
                ending = data or carry
                tail = b"\n" if final and ending and not ending.endswith(b"\n") else b""  # last line of a part
                # One copy per chunk; the zero padding keeps fixed-width reads near the end (views) in bounds.
                block = b"".join((carry, data, tail, _PAD))
                if state.first_chunk and block.startswith(b"\xef\xbb\xbf"):
                    block = block[3:]  # the UTF-8 BOM (CleanXmlStream drops it too)
                size = len(block) - len(_PAD)
                cut = size if final else block.rfind(b"\n", 0, size) + 1
                if cut == 0 and not final:
                    if size > LINE_LIMIT:
                        raise NotSimple("line too long")
                    carry = block[:size]
                    continue
                open_mms = _chunk(block, cut, state, cols, lines_before)
                lines_before += block.count(b"\n", 0, cut - open_mms)
                carry = block[cut - open_mms:size]
                if len(carry) > 4 * LINE_LIMIT:
                    raise NotSimple("an MMS element too large to hold")
                if final:
                    break
            if carry.strip():
                raise NotSimple("unfinished element at the end")
        state.finish()
    except (NotSimple, etree.XMLSyntaxError, pa.ArrowInvalid, UnicodeDecodeError):
        return False
    return True


class _State:
    """Where the parse is in the document: prolog (before the root), body, or after the root end."""

    def __init__(self, first: bool, last: bool, root: str | None) -> None:
        self.phase = "prolog" if first else "body"
        self.last = last
        self.root = root
        self.first_chunk = True
        self.at_start = first  # nothing of the document seen yet (a declaration may only stand there)

    def finish(self) -> None:
        if self.phase != ("end" if self.last else "body"):
            raise NotSimple("document not closed as expected")


def _chunk(block: bytes, cut: int, state: _State, cols: SbrColumns, lines_before: int) -> int:
    """Parse the whole lines in block[:cut]; returns how many bytes at its end belong to an MMS element
    left open (the caller carries them into the next chunk)."""
    state.first_chunk = False
    if cut == 0:
        return 0
    padded = np.frombuffer(block, dtype=np.uint8)
    # The bytes that matter: newlines, quotes, `<`, and those that need XML decoding (a reference `&`, a
    # control character, tab or CR, and 0xEF which may start U+FFFE/U+FFFF); one compare each.
    text = padded[:cut]
    newlines = np.flatnonzero(text == 10)
    quotes = np.flatnonzero(text == 34)
    opens = np.flatnonzero(text == 60)
    odd = np.flatnonzero(((text < 32) & (text != 10)) | (text == 38))
    ef = np.flatnonzero(text == 0xEF)
    odd = np.concatenate([odd, ef[(padded[ef + 1] == 0xBF) & (padded[ef + 2] >= 0xBE)]])
    offsets = np.empty(len(newlines) + 1, dtype=np.int32)
    offsets[0] = 0
    offsets[1:] = newlines + 1
    if int(np.diff(offsets).max(initial=0)) > LINE_LIMIT:
        raise NotSimple("line too long")
    lines = pa.StringArray.from_buffers(len(newlines), pa.py_buffer(offsets), pa.py_buffer(block))
    lines.validate(full=True)  # UTF-8 (ArrowInvalid otherwise: the lxml path decodes other encodings)
    first = _first_nonblank(padded, offsets[:-1])
    words = _words(block)
    is_record = _record_lines(words, first)
    deep = np.flatnonzero(first < 0)
    if len(deep):  # deeply indented lines: RE2 decides
        is_record[deep] = pc.match_substring_regex(lines.take(deep), _RECORD_START).to_numpy(zero_copy_only=False)
    needs_xml = np.zeros(len(newlines), dtype=bool)
    needs_xml[np.searchsorted(newlines, odd)] = True
    blocks, open_from = _structure(lines, is_record, state)
    open_bytes = 0
    if open_from is not None:  # an MMS element continues in the next chunk: keep it whole
        is_record[open_from:] = False
        open_bytes = cut - int(offsets[open_from])
    literal = is_record & ~needs_xml
    first_literal = np.flatnonzero(literal)[:1]
    first_line = lines[int(first_literal[0])].as_py() if len(first_literal) else None
    where = _Marks(words, offsets, first, quotes, opens)
    fast, unfit = _fast_rows(block, where, literal, first_line, lines_before)
    slow = np.union1d(np.flatnonzero(is_record & needs_xml), unfit)
    tables = [fast]
    if len(slow):  # record lines needing XML decoding, one record per line
        text = "".join(lines[int(i)].as_py() for i in slow).encode()
        tables.append(_lxml_rows(text, slow + lines_before + 1))
    for first_line, last_line in blocks:  # each MMS element: one record over its lines
        text = "".join(lines[i].as_py() for i in range(first_line, last_line + 1)).encode()
        tables.append(_lxml_rows(text, np.array([lines_before + first_line + 1])))
    tables = [t for t in tables if t.num_rows]
    if len(tables) > 1:  # fast rows are in line order already; others are slotted in by line
        table = pa.concat_tables(tables)
        cols.add_table(table.take(pc.sort_indices(table["line"])))
    elif tables:
        cols.add_table(tables[0])
    return open_bytes


def _structure(lines: pa.StringArray, is_record: np.ndarray, state: _State):
    """Check every non-record line (prolog, root tags, MMS elements, blank) and where records may stand.
    Returns the MMS line ranges and the first line of an MMS element still open at the end."""
    blocks: list[tuple[int, int]] = []
    records = np.flatnonzero(is_record)
    if state.phase == "end" and len(records):
        raise NotSimple("a record after the root element")
    open_at = None
    for i in np.flatnonzero(~is_record):
        i = int(i)
        text = lines[i].as_py().rstrip("\n")
        if _NOT_XML_CHAR.search(text):
            raise NotSimple(f"line {i}: a character XML does not allow")  # lxml reports (or cleans) it
        stripped = text.strip(" ")
        at_start = state.at_start and i == 0  # the very first line of the document
        state.at_start = False
        if open_at is not None:  # inside an MMS element: its lines go to lxml as they are
            if stripped == "</mms>":
                blocks.append((open_at, i))
                open_at = None
            continue
        if not stripped:
            continue
        if state.phase == "prolog":
            if _DECL.match(stripped):
                if at_start and text.startswith("<?xml"):
                    continue
                raise NotSimple(f"line {i}: an XML declaration past the start of the document")  # lxml rejects it
            if _COMMENT.match(stripped):
                continue
            root = _ROOT_START.match(stripped)
            if root and state.root in (None, root.group(1)):
                state.phase, state.root = "body", root.group(1)
                _no_records(records, 0, i)
                continue
        elif state.phase == "body":
            mms = _MMS_START.match(stripped)
            if mms:
                if mms.group(1):
                    blocks.append((i, i))
                else:
                    open_at = i
                continue
            if stripped == f"</{state.root}>" and state.last:
                state.phase = "end"
                _no_records(records, i, len(lines))
                continue
        raise NotSimple(f"line {i}: not part of the usual layout")
    if state.phase == "prolog":
        _no_records(records, 0, len(lines))
    for first_line, last_line in blocks:
        _no_records(records, first_line, last_line)
    if open_at is not None:
        _no_records(records, open_at, len(lines))
    return blocks, open_at


def _no_records(records: np.ndarray, lo: int, hi: int) -> None:
    if np.any((records >= lo) & (records <= hi)):
        raise NotSimple("a record outside the root element or inside an MMS element")


def _words(block: bytes) -> np.ndarray:
    """The 8 bytes starting at each position of the (padded) block, as little-endian integers: a view, so
    checking or copying up to 8 bytes at a million positions is one gather, not a million slices."""
    return np.ndarray(shape=(len(block) - 7,), dtype="<u8", buffer=block, strides=(1,))


def _spells(words: np.ndarray, at: np.ndarray, text: bytes) -> np.ndarray:
    """Whether the bytes at each position spell `text` (positions near the end are clipped: callers
    check lengths as well, so a clipped row never passes on the bytes alone)."""
    ok = np.ones(len(at), dtype=bool)
    for k in range(0, len(text), 8):
        piece = text[k:k + 8]
        ok &= (words[np.minimum(at + k, len(words) - 1)] & _LOW_BYTES[len(piece)]) == _word(piece)
    return ok


def _word(piece: bytes) -> np.uint64:
    """Up to 8 bytes as the little-endian integer `_words` gives for them."""
    return np.uint64(int.from_bytes(piece, "little"))


class _Marks:
    """Where a chunk's lines start and end, their first non-blank byte, and the quotes and `<` in it."""

    def __init__(self, words: np.ndarray, offsets: np.ndarray, first: np.ndarray, quotes: np.ndarray,
                 opens: np.ndarray) -> None:
        self.words, self.offsets, self.first, self.quotes, self.opens = words, offsets, first, quotes, opens


def _first_nonblank(padded: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Position of each line's first byte that is not a space or tab (its newline for a blank line);
    -1 where the run of blanks is longer than MAX_INDENT (such lines are matched by RE2 instead)."""
    first = starts.astype(np.int64)
    active = np.arange(len(first))
    for _ in range(MAX_INDENT):
        byte = padded[first[active]]
        active = active[(byte == 32) | (byte == 9)]
        if not len(active):
            return first
        first[active] += 1
    first[active] = -1
    return first


def _record_lines(words: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Lines that match _RECORD_START: blanks, then `<sms` or `<call`, then a blank, `/` or `>` (lines
    whose `first` is -1 get an arbitrary answer: the caller asks RE2 about them)."""
    head = words[np.maximum(first, 0)]  # the 8 bytes from the first non-blank one
    ends = np.array([32, 9, 47, 62], dtype=np.uint64)  # blank, tab, / and >
    sms = ((head & _LOW_BYTES[4]) == _word(b"<sms")) & np.isin((head >> np.uint64(32)) & _LOW_BYTES[1], ends)
    call = ((head & _LOW_BYTES[5]) == _word(b"<call")) & np.isin((head >> np.uint64(40)) & _LOW_BYTES[1], ends)
    return sms | call


def _fast_rows(block: bytes, marks: _Marks, mask: np.ndarray, first_line: str | None,
               lines_before: int) -> tuple[pa.Table, np.ndarray]:
    """Record lines of literal text in the chunk's usual attribute layout (that of `first_line`): their
    values are the bytes between quotes, taken as string views of the chunk (no per-line work in Python).
    Returns the table and the masked lines that did not fit the layout (parsed by lxml instead)."""
    index = np.flatnonzero(mask)
    layout = _layout(first_line.split('"')) if first_line is not None else None
    if layout is None or not len(index):
        return _empty(), index
    tag, names = layout
    fits, q = _fitting(marks, index, tag, names)
    rows = index[fits]
    column = {}
    for field, kind in SbrColumns.TYPES.items():
        attr = _FIELDS[tag].get(field)
        if field == "tag":
            column[field] = pa.array([tag], kind).take(np.zeros(len(rows), dtype=np.int64))
        elif field == "line":
            column[field] = pa.array(rows + lines_before + 1, kind)
        elif attr in names:
            j = names.index(attr)
            column[field] = pc.cast(_views(block, marks.words, q[:, 2 * j] + 1, q[:, 2 * j + 1]), kind)
        else:
            column[field] = pa.nulls(len(rows), kind)
    return pa.Table.from_arrays(list(column.values()), names=list(column)), index[~fits]


def _fitting(marks: _Marks, index: np.ndarray, tag: str, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which of the lines `index` are exactly `^ *<tag n1="v1" n2="v2" … ?/>\\n$` with values free of `"`
    and `<` (the lines are literal: no tab, `&` or control character), and the quote positions of those
    that are (one row each, 2 per attribute). Checked on the byte marks: the quote count, the one `<`,
    then the bytes between the quotes."""
    line_start, line_end = marks.offsets[index], marks.offsets[index + 1]  # line_end: after its newline
    first_quote = np.searchsorted(marks.quotes, line_start)
    quote_count = np.searchsorted(marks.quotes, line_end) - first_quote
    open_count = np.searchsorted(marks.opens, line_end) - np.searchsorted(marks.opens, line_start)
    fits = (quote_count == 2 * len(names)) & (open_count == 1)
    q = marks.quotes[first_quote[fits, None] + np.arange(2 * len(names))]
    head = f"<{tag} {names[0]}=".encode()
    at = marks.first[index[fits]]
    ok = (at >= 0) & (q[:, 0] == at + len(head)) & _spells(marks.words, at, head)
    for j in range(1, len(names)):
        between = f" {names[j]}=".encode()
        ok &= (q[:, 2 * j] == q[:, 2 * j - 1] + 1 + len(between)) & _spells(marks.words, q[:, 2 * j - 1] + 1, between)
    tail = line_end[fits] - q[:, -1] - 1
    ok &= ((tail == 3) & _spells(marks.words, q[:, -1] + 1, b"/>\n")) | ((tail == 4) & _spells(marks.words, q[:, -1] + 1, b" />\n"))
    fits[fits] = ok
    return fits, q[ok]


def _views(block: bytes, words: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """Arrow string views of block[start:end): 16 bytes each, the length then either the string itself
    (up to 12 bytes, zero-padded) or its first 4 bytes, buffer 0 and the offset (little-endian words)."""
    lengths = (ends - starts).astype(np.int64)
    views = np.empty((len(starts), 2), dtype="<u8")
    prefix = words[starts] & _LOW_BYTES[np.minimum(lengths, 4)]
    views[:, 0] = lengths.astype(np.uint64) | (prefix << np.uint64(32))
    views[:, 1] = np.where(lengths > 12, starts.astype(np.uint64) << np.uint64(32),
                           words[starts + 4] & _LOW_BYTES[np.clip(lengths - 4, 0, 8)])
    return pa.Array.from_buffers(pa.string_view(), len(starts), [None, pa.py_buffer(views), pa.py_buffer(block)])


def _layout(first_line_parts: list[str]) -> tuple[str, list[str]] | None:
    """Tag and attribute names of a record line split at its quotes; None when not a plain record."""
    if len(first_line_parts) < 3 or len(first_line_parts) % 2 == 0:
        return None
    head = _FIRST_SEGMENT.match(first_line_parts[0])
    if head is None:
        return None
    names = [head.group(2)]
    for segment in first_line_parts[2:-1:2]:
        match = _NAME_SEGMENT.match(segment)
        if match is None:
            return None
        names.append(match.group(1))
    if len(set(names)) != len(names):
        return None  # a repeated attribute is an XML error: lxml reports it
    return head.group(1), names


def _lxml_rows(text: bytes, line_numbers: np.ndarray) -> pa.Table:
    """Records that need XML, parsed by the lxml record loop in one small document: one record per entry of
    `line_numbers` (their lines in the file), else the bytes are not of the simple shape."""
    cols = SbrColumns()
    parse_records(io.BytesIO(b"<r>" + text + b"</r>"), cols, recover=False)
    if cols.count != len(line_numbers):
        raise NotSimple("a record line or MMS element that is not exactly one record")
    return _columns_table(cols).set_column(1, "line", pa.array(line_numbers, pa.int64()))


def _columns_table(cols: SbrColumns) -> pa.Table:
    return pa.Table.from_arrays([cols.column(name) for name in SbrColumns.TYPES], names=list(SbrColumns.TYPES))


def _empty() -> pa.Table:
    return pa.Table.from_arrays([pa.array([], kind) for kind in SbrColumns.TYPES.values()],
                                names=list(SbrColumns.TYPES))
