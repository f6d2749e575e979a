"""Record-by-record reading of a broken SMS Backup & Restore file.

When the strict parse of a file breaks, how many records before the break libxml2 has handed out
depends on its version and buffering (2.14 hands out fewer). So a broken file is read again here, without
relying on where libxml2 stops: the cleaned byte stream is cut at every record start (`<sms`, `<mms`,
`<call`: a raw `<` cannot occur inside an attribute value, so each one is a tag), and the pieces are
parsed by the ordinary record loop in runs. A run that fails is halved until the broken piece is alone;
from that piece the record itself is still taken when it is well-formed, and whatever follows it up to the
next record (garbage, a nested flood, a cut tail) is reported. Every complete record in the file is
imported, whatever the libxml2 version; every one that is not is listed.
"""
from __future__ import annotations

import io
import re
from typing import BinaryIO, Callable

from lxml import etree

from .sbr_records import SbrColumns, parse_records
from .stream import CleanXmlStream

AddIssue = Callable[[str, str], None]  # (source_ref, reason)

_START = re.compile(rb"<(sms|mms|call)(?=[\s/>])")
_START_TAG = re.compile(rb"<\w+(?:\s+[^\s=/<>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*\s*/?>")
_ROOT_END = re.compile(rb"</(?:smses|calls)\s*>\s*\Z")
_RUN_PIECES = 2000          # pieces parsed together while nothing breaks
_RUN_LINES = 60000          # libxml2 line numbers are exact below 65,536
_PIECE_CAP = 64 << 20       # a piece longer than this (no record start for 64 MB) is cut: no unbounded buffer


class _Piece:
    __slots__ = ("data", "line", "tag", "last")

    def __init__(self, data: bytes, line: int, tag: str, last: bool) -> None:
        self.data, self.line, self.tag, self.last = data, line, tag, last


class SalvageCounts:
    def __init__(self) -> None:
        self.imported = 0
        self.broken = 0       # record starts whose record could not be read
        self.garbage = 0      # stretches of non-record content between records


def salvage_records(fh: BinaryIO, cols: SbrColumns, add_issue: AddIssue) -> SalvageCounts:
    """Read every well-formed record of an open SBR byte stream into `cols` (in file order)."""
    counts = SalvageCounts()
    run: list[_Piece] = []
    run_lines = 0
    with fh:
        for piece in _pieces(CleanXmlStream(fh), add_issue, counts):
            run.append(piece)
            run_lines += piece.data.count(b"\n")
            if len(run) >= _RUN_PIECES or run_lines >= _RUN_LINES:
                _parse_run(run, cols, add_issue, counts)
                run, run_lines = [], 0
    _parse_run(run, cols, add_issue, counts)
    return counts


def _pieces(stream: CleanXmlStream, add_issue: AddIssue, counts: SalvageCounts):
    """Yield one piece per record start: the bytes from it to the next record start (or the end)."""
    buf = b""
    line = 1          # line of buf[0]
    hidden = 0        # lines dropped from the middle of an over-long piece
    tag: str | None = None  # tag of the piece buf starts with (None: the prolog before the first record)
    eof = False
    while True:
        if not eof:
            chunk = stream.read(1 << 20)
            eof = not chunk
            buf += chunk
        match = _START.search(buf, 1 if tag is not None else 0)
        if match is None and not eof:
            if tag is not None and len(buf) > _PIECE_CAP:  # keep the head for the record, drop the middle
                keep = _PIECE_CAP // 2
                hidden += buf.count(b"\n", keep, len(buf) - 64)
                buf = buf[:keep] + buf[-64:]  # the tail may hold the start of a record start
            continue
        end = match.start() if match is not None else len(buf)
        head = buf[:end]
        if tag is None:
            _check_prolog(head, line, add_issue, counts)
        else:
            if hidden:
                add_issue(f"{tag} line {line}", f"over {_PIECE_CAP >> 20} MB without a record start after "
                          f"this {tag}: {hidden} lines of it not read")
            yield _Piece(head, line, tag, match is None)
        line += head.count(b"\n") + hidden
        hidden = 0
        if match is None:
            return
        tag = match.group(1).decode()
        buf = buf[end:]


def _check_prolog(head: bytes, line: int, add_issue: AddIssue, counts: SalvageCounts) -> None:
    """What stands before the first record: declaration, comments, the root start tag, nothing else."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<(?:smses|calls)(?:\s[^<>]*)?>|\s+", b"", head, flags=re.S)
    if text:
        counts.garbage += 1
        add_issue(f"line {line}", f"unexpected content before the first record ({_show(text)}), not read")


def _parse_run(run: list[_Piece], cols: SbrColumns, add_issue: AddIssue, counts: SalvageCounts) -> None:
    """Parse consecutive pieces in one document; on a break, halve until the broken piece is alone."""
    if not run:
        return
    if len(run) == 1:
        _parse_alone(run[0], cols, add_issue, counts)
        return
    last = run[-1]
    if _ROOT_END.search(last.data):  # the root's end tag belongs to no record: parse the last one alone
        _parse_run(run[:-1], cols, add_issue, counts)
        _parse_alone(last, cols, add_issue, counts)
        return
    part = SbrColumns(batch_records=0)
    try:
        parse_records(io.BytesIO(b"<r>" + b"".join(p.data for p in run) + b"</r>"), part, recover=False)
    except etree.XMLSyntaxError:
        half = len(run) // 2
        _parse_run(run[:half], cols, add_issue, counts)
        _parse_run(run[half:], cols, add_issue, counts)
        return
    if part.count != len(run):  # a piece held no record of its tag (cannot happen for a valid run)
        for piece in run:
            _parse_alone(piece, cols, add_issue, counts)
        return
    _take(part, run[0].line, cols)
    counts.imported += len(run)


def _parse_alone(piece: _Piece, cols: SbrColumns, add_issue: AddIssue, counts: SalvageCounts) -> None:
    record, rest = _split_record(piece)
    rest_clean = _ROOT_END.sub(b"", rest).strip()
    part = SbrColumns(batch_records=0)
    try:
        parse_records(io.BytesIO(b"<r>" + (piece.data if record is None else record) + b"</r>"), part,
                      recover=False)
        if part.count != 1 or record is None:
            raise etree.XMLSyntaxError(f"{part.count} records where one was expected", None, 0, 0)
    except etree.XMLSyntaxError as exc:
        counts.broken += 1
        cut_off = piece.last and not _ROOT_END.search(piece.data)
        why = "cut off at the end of the file" if cut_off else short_reason(exc.msg or str(exc))
        add_issue(f"{piece.tag} line {piece.line}", f"{piece.tag} broken ({why}), not imported")
        return
    _take(part, piece.line, cols)
    counts.imported += 1
    if rest_clean:
        counts.garbage += 1
        first = piece.line + record.count(b"\n") + rest[:len(rest) - len(rest.lstrip())].count(b"\n")
        lines = rest.count(b"\n") + 1
        add_issue(f"line {first}", f"unexpected content after the {piece.tag} of line {piece.line} "
                  f"({_show(rest_clean)}, {lines} lines), not read")


def _split_record(piece: _Piece) -> tuple[bytes | None, bytes]:
    """The record's own bytes and what follows it; None when the record never ends."""
    data = piece.data
    end = _start_tag_end(data)
    if end < 0:
        return None, b""
    if data[end - 2:end] != b"/>":  # an element with content (MMS): up to its own end tag
        close = re.compile(rb"</" + piece.tag.encode() + rb"\s*>").search(data, end)
        if close is None:
            return None, data[end:]
        end = close.end()
    return data[:end], data[end:]


def _start_tag_end(data: bytes) -> int:
    """Index just past the `>` that ends the start tag (quotes respected), or -1."""
    match = _START_TAG.match(data)
    return match.end() if match else -1


def _take(part: SbrColumns, first_line: int, cols: SbrColumns) -> None:
    for i in range(len(part.tag)):
        part.line[i] = first_line + (part.line[i] or 1) - 1
        cols.copy_row(part, i)


def _show(text: bytes) -> str:
    return repr(text[:40].decode("utf-8", "replace")) + ("…" if len(text) > 40 else "")


def short_reason(msg: str) -> str:
    """libxml2's message without its position (relative to the piece, so misleading)."""
    return re.sub(r",? line \d+, column \d+$", "", " ".join(str(msg).split()))[:120]
