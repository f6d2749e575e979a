"""OPPO / OnePlus / realme ColorOS `callrecord_backup.xml` and the vivo built-in backup call file (formats.md §4.3–4.4).

OPPO:  <callrecord> (or <CallLog>) holding <CALL_RECORDS number duration type date name …/>; `date` is
       epoch ms (UTC; never add the +8 h some forensic tools hard-code), `type` AOSP-like. Read by
       attribute NAME, not position.
vivo:  a file named `call` holding <call …/> elements, documented only by position ([0] number,
       [1] type, [2] date, [3] duration) [unverified]: named attributes are used when present, the
       positional reading otherwise, with an import issue saying so. SMS Backup & Restore's <calls>
       root is left to its own importer.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from ..android_codes import CALL_TYPES_TEXT as CALL_TYPES
from .base import Importer, RawColumns, ReadContext
from .superbackup_xml import count_tags, iter_elements
from ..xmlscan.stream import sniff_root

OPPO_ROOTS = ("callrecord", "CallLog", "callrecords", "CALL_RECORDS")
NOT_VIVO_ROOTS = ("calls", "smses", "allsms", "alllogs") + OPPO_ROOTS
NAMES = {"number": ("number", "phoneNumber", "phone_number", "address"), "type": ("type", "callType", "logtype"),
         "date": ("date", "callDate", "time"), "duration": ("duration", "dur"), "name": ("name", "cachedName"),
         "country": ("countryiso", "countryIso", "country_iso")}
_POSITIONS = {"number": 0, "type": 1, "date": 2, "duration": 3}


def _named(attrs: etree._Attrib, field: str) -> str | None:
    for key in NAMES[field]:
        if key in attrs:
            return attrs[key]
    return None


class OppoCallXmlImporter(Importer):
    NAME = "oppo_call_xml"
    DESCRIPTION = "OPPO/OnePlus/realme callrecord_backup.xml (<CALL_RECORDS/>) and vivo backup `call` file (<call/>)"

    def sniff(self, path: Path, head: bytes) -> bool:
        root = sniff_root(head)
        if root is None:
            return False
        if root in OPPO_ROOTS:
            return root in ("callrecord", "CALL_RECORDS") or b"<CALL_RECORDS" in head
        return root not in NOT_VIVO_ROOTS and (b"<call " in head or root == "call")

    def count(self, path: Path, ctx: ReadContext) -> int:
        return count_tags(path, (b"<CALL_RECORDS ", b"<call ", b"<CALL_RECORDS\n", b"<call\n", b"<CALL_RECORDS\t",
                                 b"<call\t"))

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        cols = RawColumns(ctx.source_name or str(path), self.NAME)
        positional_warned = False
        for tag, n, el, line in iter_elements(path, ("CALL_RECORDS", "call"), ctx, cols.source_file):
            ref = f"{tag}[{n}] line {line}"
            attrs = el.attrib
            fields = {f: _named(attrs, f) for f in NAMES}
            if tag == "call" and fields["number"] is None and fields["date"] is None:
                values = list(attrs.values())
                fields.update({f: values[i] if i < len(values) else None for f, i in _POSITIONS.items()})
                if not positional_warned:
                    positional_warned = True
                    ctx.issues.add(cols.source_file, ref, "vivo call attributes not named as expected; read by "
                                   "position (number, type, date, duration) as pa_script does: check a few rows")
            self._record(fields, ref, cols, ctx)
        return cols.frame()

    @staticmethod
    def _record(fields: dict[str, str | None], ref: str, cols: RawColumns, ctx: ReadContext) -> None:
        date = (fields["date"] or "").strip()
        if not date.isdigit():
            ctx.issues.add(cols.source_file, ref, f"call skipped: date {fields['date']!r} is not epoch milliseconds")
            return
        try:
            duration = float(fields["duration"] or 0)
        except ValueError:
            duration = np.nan
            ctx.issues.add(cols.source_file, ref, f"call duration {fields['duration']!r} unreadable; imported without it")
        ctype = (fields["type"] or "").strip()
        direction, status = CALL_TYPES.get(ctype, ("in", "unknown"))
        if ctype not in CALL_TYPES:
            ctx.issues.add(cols.source_file, ref, f"call type {ctype!r} unknown; imported as incoming, status unknown")
        if status is None:
            status = "answered" if duration > 0 else "unknown"
        if status in ("missed", "rejected", "blocked"):
            duration = 0.0  # some ROMs store ring time here
        cols.add("call", direction, int(date), fields["number"] or "", ref, call_status=status,
                 contact_name=fields["name"] or "", duration_s=duration, country_hint=fields["country"] or "")
