"""SMS Backup & Restore (SyncTech) XML: `<smses>` (sms + mms) and `<calls>` (formats.md §1).

Streaming: lxml iterparse over a cleaned byte stream (xml_stream), each record cleared after use;
MMS media (`data=`) never reaches the parser. `count` on the root is ignored (unreliable). A file
that breaks mid-way keeps every complete record before the break; the break is an import issue.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from ..errors import UnreadableSource
from .base import Importer, RawColumns, ReadContext
from .xml_stream import CleanXmlStream, sniff_root

# SyncTech field page: sms type 1 Received, 2 Sent, 3 Draft, 4 Outbox, 5 Failed, 6 Queued.
SMS_TYPES = {"1": ("in", "received"), "2": ("out", "sent"), "3": ("out", "draft"),
             "4": ("out", "outbox"), "5": ("out", "failed"), "6": ("out", "queued")}
# mms msg_box 1 Received, 2 Sent, 3 Draft, 4 Outbox.
MMS_BOXES = {"1": ("in", "received"), "2": ("out", "sent"), "3": ("out", "draft"), "4": ("out", "outbox")}
# call type 1 Incoming, 2 Outgoing, 3 Missed, 4 Voicemail, 5 Rejected, 6 Refused list, 7 Answered externally.
CALL_TYPES = {"1": ("in", "answered"), "2": ("out", None), "3": ("in", "missed"), "4": ("in", "voicemail"),
              "5": ("in", "rejected"), "6": ("in", "blocked"), "7": ("in", "answered")}
ADDR_FROM = "137"
NULLS = {None, "null", "(Unknown)"}


def _text(value: str | None) -> str:
    return "" if value in NULLS else value  # type: ignore[return-value]


class SbrXmlImporter(Importer):
    NAME = "sbr_xml"
    DESCRIPTION = "SMS Backup & Restore XML (sms-*.xml with <smses>, calls-*.xml with <calls>)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sniff_root(head) in ("smses", "calls")

    def count(self, path: Path, ctx: ReadContext) -> int:
        n = 0
        for _ in self._iter(path, ctx, RawColumns(str(path), self.NAME), count_only=True):
            n += 1
        return n

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        cols = RawColumns(ctx.source_name or str(path), self.NAME)
        for _ in self._iter(path, ctx, cols):
            pass
        return cols.frame()

    def _iter(self, path: Path, ctx: ReadContext, cols: RawColumns, count_only: bool = False):
        """Strict parse first; if the XML breaks, a second recovering pass imports what follows the break."""
        src = cols.source_file
        done = 0
        try:
            for ref in self._parse(path, ctx, cols, count_only, recover=False, skip=0):
                done += 1
                yield ref
            return
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else 0
            ctx.issues.add(src, f"line {line}", f"XML broken here ({exc.msg}); the {done} complete records "
                           "before it were imported, records after it only as far as recovery mode could read")
        recovered = 0
        try:
            for ref in self._parse(path, ctx, cols, count_only, recover=True, skip=done, broken_line=line):
                recovered += 1
                yield ref
        except etree.XMLSyntaxError as exc:  # recovery gives up: keep what it had
            ctx.issues.add(src, f"line {exc.position[0] if exc.position else '?'}",
                           f"recovery stopped ({exc.msg}); later records not readable")
        if recovered:
            ctx.issues.add(src, "after the break", f"{recovered} records after the break were recovered "
                           "in recovery mode; check them against the original file")

    def _parse(self, path: Path, ctx: ReadContext, cols: RawColumns, count_only: bool, recover: bool,
               skip: int, broken_line: int = 0):
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise UnreadableSource(f"{path}: cannot open ({exc.strerror or exc})") from exc
        index = {"sms": 0, "mms": 0, "call": 0}
        seen = 0
        with fh:
            parser = etree.iterparse(CleanXmlStream(fh), events=("end",), tag=("sms", "mms", "call"),
                                     huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False,
                                     remove_comments=True, remove_pis=True, recover=recover)
            for _, el in parser:
                tag = el.tag
                index[tag] += 1
                seen += 1
                if seen > skip:
                    ref = f"{tag}[{index[tag]}] line {el.sourceline}"
                    if recover and (el.sourceline or 0) <= broken_line:
                        # The record the break cut through: its attributes may be partial.
                        ctx.issues.add(cols.source_file, ref, f"{tag} cut by the break, not imported")
                    else:
                        if not count_only:
                            self._record(el, tag, ref, cols, ctx)
                        yield ref
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]

    def _record(self, el: etree._Element, tag: str, ref: str, cols: RawColumns, ctx: ReadContext) -> None:
        a = el.attrib
        date = a.get("date")
        try:
            ts = int(date)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            ctx.issues.add(cols.source_file, ref, f"{tag} skipped: date {date!r} is not epoch milliseconds")
            return
        name = _text(a.get("contact_name"))
        if tag == "call":
            ctype = a.get("type", "")
            direction, status = CALL_TYPES.get(ctype, ("in", "unknown"))
            try:
                duration = float(a.get("duration") or 0)
            except ValueError:
                duration = np.nan
            if status is None:  # outgoing: no call status of its own
                status = "answered" if duration > 0 else "unknown"
            pres = a.get("presentation")
            cols.add("call", direction, ts, a.get("number", ""), ref, call_status=status, contact_name=name,
                     duration_s=duration, presentation=int(pres) if pres and pres.lstrip("-").isdigit() else 1)
        elif tag == "sms":
            direction, status = SMS_TYPES.get(a.get("type", ""), ("in", "unknown"))
            cols.add("sms", direction, ts, a.get("address", ""), ref, msg_status=status, contact_name=name,
                     body=_text(a.get("body")))
        else:
            direction, status = MMS_BOXES.get(a.get("msg_box", ""), ("in", "unknown"))
            address = a.get("address", "")
            texts = []
            for child in el:
                if child.tag == "parts":
                    texts.extend(p.get("text", "") for p in child
                                 if p.get("ct") == "text/plain" and p.get("text") not in NULLS)
                elif child.tag == "addrs" and direction == "in":
                    senders = [x.get("address", "") for x in child if x.get("type") == ADDR_FROM]
                    if senders and senders[0] not in NULLS:
                        address = senders[0]
            body = "\n".join(texts) or _text(a.get("sub"))
            cols.add("mms", direction, ts, address, ref, msg_status=status, contact_name=name, body=body)
