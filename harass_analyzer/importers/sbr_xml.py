"""SMS Backup & Restore (SyncTech) XML: `<smses>` (sms + mms) and `<calls>` (formats.md §1).

Streaming: lxml iterparse over a cleaned byte stream (xmlscan.stream), each record cleared after use;
MMS media (`data=`) never reaches the parser. `count` on the root is ignored (unreliable). A file
that breaks mid-way keeps every complete record before the break; the break is an import issue.
The record loop and its columns live in xmlscan.sbr_records (shared with the parse workers); a file in
the app's usual one-record-per-line layout is cut by Arrow kernels instead (xmlscan.sbr_fast).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from lxml import etree

from ..errors import UnreadableSource
from ..xmlscan.sbr_fast import read_fast
from ..xmlscan.sbr_records import SbrColumns, parse_records
from ..xmlscan.stream import sniff_root
from .base import Importer, ReadContext, empty_raw_frame


class SbrXmlImporter(Importer):
    NAME = "sbr_xml"
    DESCRIPTION = "SMS Backup & Restore XML (sms-*.xml with <smses>, calls-*.xml with <calls>)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sniff_root(head) in ("smses", "calls")

    def count(self, path: Path, ctx: ReadContext) -> int:
        cols = SbrColumns()
        self._iter(path, ctx, str(path), cols)
        return cols.count

    def start_read(self, path: Path, ctx: ReadContext):
        """A large, clean file starts parsing on several cores now (xmlscan.sbr_parts); read() collects it."""
        from ..xmlscan.sbr_parts import start_parallel

        return start_parallel(path, ctx.source_name or str(path), self.NAME) if path.is_file() else None

    def read(self, path: Path, ctx: ReadContext, started=None) -> pd.DataFrame:
        source = ctx.source_name or str(path)
        owned = started is None  # a handle passed in stays the caller's (its workers go on: templates)
        if owned:
            started = self.start_read(path, ctx)
        if started is not None:
            table = started.result(ctx.issues.add)
            if owned:
                started.cancel()
            if table is not None:
                return raw_frame_from_arrow(table)
        cols = SbrColumns()
        if not (path.is_file() and read_fast(path, cols)):  # the usual one-record-per-line layout, or lxml
            cols = SbrColumns()
            if self._iter(path, ctx, source, cols):
                cols.use_exact_lines(path)
        table = cols.table(source, self.NAME, ctx.issues.add)
        return empty_raw_frame() if table is None else raw_frame_from_arrow(table)

    def _iter(self, path: Path, ctx: ReadContext, src: str, cols: SbrColumns) -> bool:
        """Strict parse first; if the XML breaks, a second recovering pass imports what follows the break.
        True when the strict parse read the whole file."""
        try:
            self._parse(path, cols, recover=False)
            return True
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else 0
            done = cols.count
            ctx.issues.add(src, f"line {line}", f"XML broken here ({exc.msg}); the {done} complete records "
                           "before it were imported, records after it only as far as recovery mode could read")
        kept = cols.count
        after = SbrColumns(batch_records=0)  # rows are copied one by one below: keep them as lists
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
        return False

    @staticmethod
    def _parse(path: Path, cols: SbrColumns, recover: bool) -> str:
        """Parse into `cols`; returns how the bytes were decoded ("" for the declared UTF-8)."""
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise UnreadableSource(f"{path}: cannot open ({exc.strerror or exc})") from exc
        return parse_records(fh, cols, recover)


def raw_frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of raw columns → the pandas raw frame (str columns, float durations)."""
    frame = table.to_pandas(types_mapper=_STR_TYPES.get)
    frame["duration_s"] = frame["duration_s"].astype("float64")
    return frame


_STR_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
              pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}
