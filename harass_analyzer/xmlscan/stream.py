"""Byte-stream cleaning and root sniffing for phone-export XML (SMS Backup & Restore, 超级备份, OPPO …).

Real exports are often not valid XML 1.0 (formats.md §1.5): emoji written as UTF-16 surrogate-pair
character references (`&#55357;&#56842;`), control characters as references (`&#1;`) or raw bytes,
UTF-16 files behind a UTF-8 declaration. `CleanXmlStream` fixes these on the fly, chunk by chunk, and
drops base64 media (`data="…"`) before the parser sees it, so memory never grows with media size.
"""
from __future__ import annotations

import codecs
import re
from typing import BinaryIO

CHUNK = 1 << 20
# Raw control bytes that are illegal in XML 1.0 (tab, LF, CR are legal).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
# A decimal or hex char ref in a suspicious range: controls (< 32) or surrogates (0xD800–0xDFFF),
# optionally followed by a second ref (the low half of a pair).
_BAD_REF = re.compile(
    rb"&#(?:(5[5-7]\d{3}|[0-9]|[12][0-9]|3[01])|[xX](0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*1?[0-9a-fA-F]));"
    rb"(?:&#(?:(5[5-7]\d{3})|[xX](0*[dD][c-fC-F][0-9a-fA-F]{2}));)?"
)
_MEDIA_ATTR = b' data="'
_DECL_ENCODING = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)(['\"])[^'\"]*\2")


def _fix_ref(match: re.Match[bytes]) -> bytes:
    first = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    second_raw = match.group(3) or match.group(4)
    second = None
    if second_raw:
        second = int(second_raw) if match.group(3) else int(second_raw, 16)
    out = b""
    if 0xD800 <= first <= 0xDBFF and second is not None and 0xDC00 <= second <= 0xDFFF:
        code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        return b"&#%d;" % code
    if first in (9, 10, 13):
        out = b"&#%d;" % first
    elif first > 0xDFFF:
        out = b"&#%d;" % first  # in range of the regex only via 5[5-7]xxx above the surrogates
    if second is not None and not (0xD800 <= second <= 0xDFFF):
        out += b"&#%d;" % second
    return out  # lone surrogates and control characters are dropped


def clean_bytes(data: bytes) -> bytes:
    """Clean one complete byte string (used for small inputs and in tests)."""
    return _BAD_REF.sub(_fix_ref, data.translate(None, _CONTROL_BYTES))


def _is_gb18030_not_utf8(data: bytes) -> bool:
    """True when a chunk is not UTF-8 (beyond a sequence cut at its end) but is valid GB18030."""
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return False
    try:
        data[:len(data) - 1].decode("gb18030")  # the last byte may be half of a cut pair
        return True
    except UnicodeDecodeError:
        return False


class CleanXmlStream:
    """File-like wrapper: read(n) returns cleaned UTF-8 bytes; the source is only ever read."""

    def __init__(self, raw: BinaryIO, drop_media: bool = True) -> None:
        self._raw = raw
        self._drop_media = drop_media
        self._pending = b""
        self._in_media = False
        self._eof = False
        self._first = True
        self._decoder: codecs.IncrementalDecoder | None = None
        self.media_bytes_dropped = 0
        self.decoded_as = ""  # set when the bytes were not the declared UTF-8

    def _next_raw(self) -> bytes:
        data = self._raw.read(CHUNK)
        if self._first:
            self._first = False
            if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                self._decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
            elif data.startswith(codecs.BOM_UTF8):
                data = data[3:]
            if self._decoder is None and len(data) >= 4 and data[1:2] == b"\0" and data[3:4] == b"\0":
                self._decoder = codecs.getincrementaldecoder("utf-16-le")(errors="replace")
            if self._decoder is None and _is_gb18030_not_utf8(data):
                # A Chinese-locale app or an editor re-saved the file as GBK under its UTF-8 declaration:
                # read as UTF-8 every Chinese body would be mojibake or a parse break.
                self._decoder = codecs.getincrementaldecoder("gb18030")(errors="replace")
                self.decoded_as = "gb18030"
            if self._decoder is not None:
                data = self._decoder.decode(data).encode("utf-8")
            data = _DECL_ENCODING.sub(rb'\1"UTF-8"', data, count=1)
            return data
        if self._decoder is not None:
            return self._decoder.decode(data, final=not data).encode("utf-8")
        return data

    def _strip_media(self, data: bytes) -> bytes:
        out = []
        pos = 0
        while True:
            if self._in_media:
                end = data.find(b'"', pos)
                if end < 0:
                    self.media_bytes_dropped += len(data) - pos
                    return b"".join(out)
                self.media_bytes_dropped += end - pos
                pos = end + 1
                out.append(b'"')
                self._in_media = False
            start = data.find(_MEDIA_ATTR, pos)
            if start < 0:
                out.append(data[pos:])
                return b"".join(out)
            out.append(data[pos:start + len(_MEDIA_ATTR)])
            pos = start + len(_MEDIA_ATTR)
            self._in_media = True

    def read(self, size: int = -1) -> bytes:
        """Never returns b"" before the end: the parser would take an empty read for end of file."""
        while True:
            out = self._read_once(size)
            if out or (self._eof and not self._pending):
                return out

    def _read_once(self, size: int) -> bytes:
        while not self._eof and (size < 0 or len(self._pending) < max(size, 1) + 128):
            chunk = self._next_raw()
            if not chunk:
                self._eof = True
                break
            self._pending += chunk
        if self._eof:
            body, self._pending = self._pending, b""
        else:
            # Hold back a tail that may be a split char ref or a split ` data="`.
            # A surrogate pair is two refs: keep a ref that ends right before the cut with it.
            cut = max(0, len(self._pending) - 64)
            amp = self._pending.find(b"&", cut)
            if amp >= 0:
                cut = amp
                prev = self._pending.rfind(b"&", max(0, cut - 12), cut)
                if prev >= 0 and self._pending[cut - 1:cut] == b";":
                    cut = prev
            body, self._pending = self._pending[:cut], self._pending[cut:]
        if self._drop_media:
            body = self._strip_media(body)
        return clean_bytes(body)


_PROLOG = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.S)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*)")


def sniff_root(head: bytes) -> str | None:
    """Name of the first element in an XML head (BOM, UTF-16, prolog, comments tolerated)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    elif len(head) >= 4 and head[1:2] == b"\0" and head[3:4] == b"\0":
        text = head.decode("utf-16-le", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        return None
    rest = _PROLOG.sub("", stripped)
    match = _ROOT.match(rest.lstrip())
    return match.group(1) if match else None
