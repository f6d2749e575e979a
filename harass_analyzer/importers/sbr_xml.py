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
from .base import Importer, ReadContext, empty_raw_frame
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
        cols = _Columns()
        self._iter(path, ctx, str(path), cols)
        return len(cols.tag)

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        source = ctx.source_name or str(path)
        cols = _Columns()
        self._iter(path, ctx, source, cols)
        return cols.frame(source, self.NAME, ctx)

    def _iter(self, path: Path, ctx: ReadContext, src: str, cols: "_Columns") -> None:
        """Strict parse first; if the XML breaks, a second recovering pass imports what follows the break."""
        try:
            self._parse(path, cols, recover=False)
            return
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else 0
            done = len(cols.tag)
            ctx.issues.add(src, f"line {line}", f"XML broken here ({exc.msg}); the {done} complete records "
                           "before it were imported, records after it only as far as recovery mode could read")
        kept = len(cols.tag)
        after = _Columns()
        try:
            self._parse(path, after, recover=True)
        except etree.XMLSyntaxError as exc:  # recovery gives up: keep what it had
            ctx.issues.add(src, f"line {exc.position[0] if exc.position else '?'}",
                           f"recovery stopped ({exc.msg}); later records not readable")
        recovered = 0
        for i in range(kept, len(after.tag)):
            ref = f"{after.tag[i]} line {after.line[i]}"
            if after.line[i] <= line:  # the record the break cut through: attributes may be partial
                ctx.issues.add(src, ref, f"{after.tag[i]} cut by the break, not imported")
                continue
            recovered += 1
            cols.copy_row(after, i)
        if recovered:
            ctx.issues.add(src, "after the break", f"{recovered} records after the break were recovered "
                           "in recovery mode; check them against the original file")

    @staticmethod
    def _parse(path: Path, cols: "_Columns", recover: bool) -> None:
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise UnreadableSource(f"{path}: cannot open ({exc.strerror or exc})") from exc
        # Hot loop: bound appends into column lists; all mapping happens vectorized in frame().
        tag_, line_, date_, addr_, typ_, body_, dur_, name_, pres_ = (
            cols.tag.append, cols.line.append, cols.date.append, cols.addr.append, cols.typ.append,
            cols.body.append, cols.dur.append, cols.name.append, cols.pres.append)
        with fh:
            for _, el in etree.iterparse(CleanXmlStream(fh), events=("end",), tag=("sms", "mms", "call"),
                                         huge_tree=True, resolve_entities=False, no_network=True,
                                         load_dtd=False, remove_comments=True, remove_pis=True,
                                         recover=recover):
                get = el.get
                tag = el.tag
                tag_(tag)
                line_(el.sourceline or 0)
                date_(get("date"))
                name_(get("contact_name"))
                if tag == "sms":
                    addr_(get("address"))
                    typ_(get("type"))
                    body_(get("body"))
                    dur_(None)
                    pres_(None)
                elif tag == "call":
                    addr_(get("number"))
                    typ_(get("type"))
                    body_(None)
                    dur_(get("duration"))
                    pres_(get("presentation"))
                else:
                    box = get("msg_box")
                    address, body = _mms_address_body(el, box, get("address"), get("sub"))
                    addr_(address)
                    typ_(box)
                    body_(body)
                    dur_(None)
                    pres_(None)
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]


def _mms_address_body(el: etree._Element, box: str | None, address: str | None, sub: str | None):
    """MMS text is in text/plain parts; the sender of a received MMS is the `137` (From) addr."""
    texts = []
    for child in el:
        if child.tag == "parts":
            texts.extend(p.get("text", "") for p in child
                         if p.get("ct") == "text/plain" and p.get("text") not in NULLS)
        elif child.tag == "addrs" and box == "1":
            senders = [x.get("address", "") for x in child if x.get("type") == ADDR_FROM]
            if senders and senders[0] not in NULLS:
                address = senders[0]
    return address, "\n".join(texts) or _text(sub)


class _Columns:
    """Raw attribute strings per record, as lists (one list per column, no per-record objects)."""

    def __init__(self) -> None:
        self.tag: list = []
        self.line: list = []
        self.date: list = []
        self.addr: list = []
        self.typ: list = []
        self.body: list = []
        self.dur: list = []
        self.name: list = []
        self.pres: list = []

    def copy_row(self, other: "_Columns", i: int) -> None:
        for key, values in vars(self).items():
            values.append(getattr(other, key)[i])

    def frame(self, source: str, fmt: str, ctx: ReadContext) -> pd.DataFrame:
        """Columns → raw event frame; list comprehensions beat pandas string ops on object columns."""
        if not self.tag:
            return empty_raw_frame()
        counters = {"sms": 0, "mms": 0, "call": 0}

        def ordinal(tag: str) -> int:
            counters[tag] += 1
            return counters[tag]

        refs = [f"{t}[{ordinal(t)}] line {n}" for t, n in zip(self.tag, self.line)]
        try:
            ts = np.array(self.date, dtype=np.int64)
            keep = None
        except (TypeError, ValueError, OverflowError):
            parsed = pd.to_numeric(pd.Series(self.date, dtype="object"), errors="coerce")
            good = parsed.notna() & (parsed == parsed.round()) & (parsed.abs() < 2**62)
            for i in np.flatnonzero(~good.to_numpy()):
                ctx.issues.add(source, refs[i], f"{self.tag[i]} skipped: date {self.date[i]!r} is not epoch "
                               "milliseconds")
            keep = good.to_numpy()
            ts = parsed[good].astype("int64").to_numpy()
        mapped = [_TYPE_TABLE.get((t, y), _UNKNOWN) for t, y in zip(self.tag, self.typ)]
        is_call = np.array([t == "call" for t in self.tag])
        duration = pd.to_numeric(pd.Series(self.dur, dtype="object"), errors="coerce").to_numpy(dtype="float64")
        status = [m[1] if m[1] is not None else ("answered" if d > 0 else "unknown")
                  for m, d in zip(mapped, np.nan_to_num(duration))]
        frame = pd.DataFrame({
            "kind": self.tag, "direction": [m[0] for m in mapped],
            "call_status": np.where(is_call, status, ""), "msg_status": np.where(is_call, "", status),
            "counterpart_raw": ["" if a is None else a for a in self.addr],
            "contact_name": ["" if v in NULLS else v for v in self.name],
            "body": ["" if v in NULLS else v for v in self.body],
            "duration_s": np.where(is_call, duration, np.nan), "source_file": source,
            "source_ref": refs, "source_format": fmt,
            "presentation": [int(v) if v and v.lstrip("-").isdigit() else 1 for v in self.pres],
        })
        if keep is not None:
            frame = frame.loc[keep].reset_index(drop=True)
        frame.insert(4, "ts_ms", ts)
        return frame


_UNKNOWN = ("in", "unknown")
_TYPE_TABLE = {**{("sms", k): v for k, v in SMS_TYPES.items()}, **{("mms", k): v for k, v in MMS_BOXES.items()},
               **{("call", k): v for k, v in CALL_TYPES.items()}}
