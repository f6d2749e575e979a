"""SMS Backup & Restore (SyncTech) XML: `<smses>` (sms + mms) and `<calls>` (formats.md §1).

Streaming: lxml iterparse over a cleaned byte stream (xmlscan.stream), each record cleared after use;
MMS media (`data=`) never reaches the parser. `count` on the root is ignored (unreliable). A file
that breaks mid-way is read again record by record: every complete record is kept, each broken one listed.
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
from ..xmlscan.sbr_salvage import salvage_records, short_reason
from ..xmlscan.stream import sniff_root
from .base import Importer, ReadContext, empty_raw_frame


class SbrXmlImporter(Importer):
    NAME = "sbr_xml"
    DESCRIPTION = "SMS Backup & Restore XML (sms-*.xml with <smses>, calls-*.xml with <calls>)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sniff_root(head) in ("smses", "calls")

    def count(self, path: Path, ctx: ReadContext) -> int:
        return self._iter(path, ctx, str(path))[0].count

    def begin(self, path: Path, ctx: ReadContext) -> bool:
        """A large, clean file starts parsing on several cores now (xmlscan.sbr_parts); read() collects it."""
        from ..xmlscan.sbr_parts import parse_ahead

        return ctx.run is not None and path.is_file() and parse_ahead(path, ctx.source_name or str(path), ctx.run)

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        source = ctx.source_name or str(path)
        if path.is_file():  # the parallel parse (begun ahead, or now), when the file suits it
            from ..run import Run
            from ..xmlscan.sbr_parts import parallel_table

            if ctx.run is not None:
                table = parallel_table(path, source, ctx.run, ctx.issues.add)
            else:
                with Run() as run:
                    table = parallel_table(path, source, run, ctx.issues.add)
            if table is not None:
                return raw_frame_from_arrow(table)
        cols = SbrColumns()
        if not (path.is_file() and read_fast(path, cols)):  # the usual one-record-per-line layout, or lxml
            cols, whole = self._iter(path, ctx, source)
            if whole:
                cols.use_exact_lines(path)
        table = cols.table(source, self.NAME, ctx.issues.add)
        return empty_raw_frame() if table is None else raw_frame_from_arrow(table)

    def _iter(self, path: Path, ctx: ReadContext, src: str) -> tuple[SbrColumns, bool]:
        """Strict parse; if the XML breaks, the file is read again record by record (xmlscan.sbr_salvage),
        so every complete record is imported whatever the libxml2 version. (columns, whole file parsed)"""
        cols = SbrColumns()
        try:
            self._parse(path, cols, recover=False)
            return cols, True
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else "?"
            reason = short_reason(exc.msg)
        cols = SbrColumns()
        found: list[tuple[str, str]] = []
        counts = salvage_records(self._open(path), cols, lambda ref, why: found.append((ref, why)))
        ctx.issues.note(src, f"line {line}", f"XML broken here ({reason}); the file was read record by record: "
                        f"{counts.imported} records imported, {counts.broken} broken records not imported"
                        + (f", {counts.garbage} stretches of other content not read" if counts.garbage else "")
                        + " (each listed)")
        for ref, why in found:
            if why.endswith("not imported"):
                ctx.issues.add(src, ref, why)
            else:
                ctx.issues.note(src, ref, why)
        return cols, False

    @staticmethod
    def _parse(path: Path, cols: SbrColumns, recover: bool) -> str:
        """Parse into `cols`; returns how the bytes were decoded ("" for the declared UTF-8)."""
        return parse_records(SbrXmlImporter._open(path), cols, recover)

    @staticmethod
    def _open(path: Path):
        try:
            return open(path, "rb")
        except OSError as exc:
            raise UnreadableSource(f"{path}: cannot open ({exc.strerror or exc})") from exc


def raw_frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of raw columns → the pandas raw frame (str columns, float durations)."""
    frame = table.to_pandas(types_mapper=_STR_TYPES.get)
    frame["duration_s"] = frame["duration_s"].astype("float64")
    return frame


_STR_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
              pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}
