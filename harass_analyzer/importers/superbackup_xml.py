"""超级备份 / Super Backup (Pro) XML (`com.idea.backup.smscontactspro`), formats.md §4.6.

SMS:   <allsms count="…"><sms address time date type body read service_center name/>
Calls: <alllogs count="…"><log number time date type name new dur alias/>
`date` is epoch ms; `time` is a localized string (`2020年11月17日 12:14:58`, `17.09.2018 21:58:22`)
used only when `date` is missing. Call types are AOSP-like, with 5 = 呼入挂断 (rejected); for a missed
or rejected call `dur` is ring time, so the call's duration is 0. `count` on the root is ignored.
Parsed with lxml iterparse (no entities, no network) over the shared cleaned byte stream.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from ..errors import UnreadableSource
from ..android_codes import CALL_TYPES_TEXT as CALL_TYPES
from ..android_codes import SMS_TYPES_TEXT as SMS_TYPES
from .base import Importer, RawColumns, ReadContext
from .tabular_columns import canonical_local, local_to_epoch_ms, parse_type
from ..xmlscan.lines import more_lines_than, record_lines
from ..xmlscan.stream import CleanXmlStream, sniff_root

ROOTS = ("allsms", "alllogs")
TAGS = ("sms", "log")
# Statuses whose `dur` counts ringing, not talking.
_RING_ONLY = ("missed", "rejected", "blocked")


def open_input(path: Path) -> object:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UnreadableSource(f"{path}: cannot open ({exc.strerror or exc})") from exc


def iter_elements(path: Path, tags: tuple[str, ...], ctx: ReadContext, source: str
                  ) -> Iterator[tuple[str, int, etree._Element, int]]:
    """(tag, 1-based index among its tag, element, line) for each record, streaming; elements are cleared
    after use. Past line 65,535 libxml2's lines can be one off, so there the lines come from a byte scan
    of the record start tags (record_lines); if that scan and the parse disagree, an issue says so.

    A syntax error ends the file: records before it are kept and the break is an import issue."""
    index = dict.fromkeys(tags, 0)
    exact = record_lines(path, tags=tuple(t.encode() for t in tags)) if more_lines_than(path) else None
    seen = 0
    with open_input(path) as fh:  # type: ignore[attr-defined]
        parser = etree.iterparse(CleanXmlStream(fh), events=("end",), tag=tags, huge_tree=True,
                                 resolve_entities=False, no_network=True, load_dtd=False,
                                 remove_comments=True, remove_pis=True)
        try:
            for _, el in parser:
                index[el.tag] += 1
                line = int(exact[seen]) if exact is not None and seen < len(exact) else el.sourceline
                seen += 1
                yield el.tag, index[el.tag], el, line
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else "?"
            done = sum(index.values())
            ctx.issues.add(source, f"line {line}", f"XML broken here ({exc.msg}); the {done} records before "
                           "it were imported, the rest of the file could not be read")
            return
    if exact is not None and len(exact) != seen:
        ctx.issues.add(source, "file", "line numbers past line 65,535 may be one off in this file's "
                       "locators (its record indexes [n] are exact)")


def count_tags(path: Path, needles: tuple[bytes, ...]) -> int:
    """Cheap record count for `inspect`: occurrences of `<tag ` in the raw bytes (body text is escaped)."""
    total = 0
    keep = max(len(n) for n in needles) - 1  # a tail this short cannot hold a whole needle: no double count
    tail = b""
    with open_input(path) as fh:  # type: ignore[attr-defined]
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            total += sum(data.count(n) for n in needles)
            tail = data[-keep:]
    return total


def attr_time_ms(attrs: etree._Attrib, tz: str) -> int | None:
    """`date` (epoch ms) or, failing that, the localized `time` string read in tz."""
    date = (attrs.get("date") or "").strip()
    if date.lstrip("-").isdigit():
        return int(date)
    text, is_utc = canonical_local(attrs.get("time"))
    return local_to_epoch_ms([text], [is_utc], tz)[0] if text else None


class SuperBackupXmlImporter(Importer):
    NAME = "superbackup_xml"
    DESCRIPTION = "超级备份 / Super Backup XML (<allsms> messages, <alllogs> calls)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sniff_root(head) in ROOTS

    def count(self, path: Path, ctx: ReadContext) -> int:
        return count_tags(path, (b"<sms ", b"<log ", b"<sms\t", b"<log\t", b"<sms\n", b"<log\n"))

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        cols = RawColumns(ctx.source_name or str(path), self.NAME)
        for tag, n, el, line in iter_elements(path, TAGS, ctx, cols.source_file):
            ref = f"{tag}[{n}] line {line}"
            attrs = el.attrib
            ts = attr_time_ms(attrs, ctx.tz)
            if ts is None:
                ctx.issues.add(cols.source_file, ref, f"{tag} skipped: neither date {attrs.get('date')!r} "
                               f"nor time {attrs.get('time')!r} is a readable time")
                continue
            if tag == "log":
                self._call(attrs, ts, ref, cols, ctx)
            else:
                self._sms(attrs, ts, ref, cols, ctx)
        return cols.frame()

    @staticmethod
    def _call(attrs: etree._Attrib, ts: int, ref: str, cols: RawColumns, ctx: ReadContext) -> None:
        ctype = (attrs.get("type") or "").strip()
        alias = attrs.get("alias") or ""
        try:
            duration = float(attrs.get("dur") or 0)
        except ValueError:
            duration = np.nan
            ctx.issues.add(cols.source_file, ref, f"call duration {attrs.get('dur')!r} unreadable; imported without it")
        if ctype in CALL_TYPES:
            direction, status = CALL_TYPES[ctype]
        elif (guess := parse_type(alias)) is not None:
            direction, status = guess[1], guess[2] or None
        else:
            direction, status = "in", "unknown"
            ctx.issues.add(cols.source_file, ref, f"call type {ctype!r} (alias {alias!r}) unknown; "
                           "imported as incoming with call_status unknown")
        if status is None:
            status = "answered" if duration > 0 else ("missed" if direction == "in" and duration == 0 else "unknown")
        if status in _RING_ONLY:
            duration = 0.0
        cols.add("call", direction, ts, attrs.get("number") or "", ref, call_status=status,
                 contact_name=attrs.get("name") or "", duration_s=duration)

    @staticmethod
    def _sms(attrs: etree._Attrib, ts: int, ref: str, cols: RawColumns, ctx: ReadContext) -> None:
        stype = (attrs.get("type") or "").strip()
        if stype in SMS_TYPES:
            direction, status = SMS_TYPES[stype]
        else:
            direction, status = "in", "unknown"
            ctx.issues.add(cols.source_file, ref, f"sms type {stype!r} unknown; imported as incoming, status unknown")
        cols.add("sms", direction, ts, attrs.get("address") or "", ref, msg_status=status,
                 contact_name=attrs.get("name") or "", body=attrs.get("body") or "")
