"""The SMS Backup & Restore record loop (formats.md §1) and its columns → one Arrow table.

Hot loop: bound appends into column lists, no per-record objects; every BATCH_RECORDS records the lists
become Arrow arrays, so the Python strings of at most one batch are alive. All mapping (types, statuses,
dates, "null" texts) is done afterwards with Arrow kernels (C++). No pandas here: the parse worker
processes (sbr_worker) import only lxml and pyarrow.
"""
from __future__ import annotations

import gc
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from ..android_codes import CALL_TYPES_TEXT, MMS_BOXES_TEXT, SMS_TYPES_TEXT
from .lines import record_lines
from .stream import CleanXmlStream

# SMS types, MMS boxes and call types: android_codes (one table for every importer), keyed as XML writes them.
SMS_TYPES, MMS_BOXES, CALL_TYPES = SMS_TYPES_TEXT, MMS_BOXES_TEXT, CALL_TYPES_TEXT
ADDR_FROM = "137"
NULLS = {None, "null", "(Unknown)"}
_UNKNOWN = ("in", "unknown")
_TYPE_TABLE = {**{("sms", k): v for k, v in SMS_TYPES.items()}, **{("mms", k): v for k, v in MMS_BOXES.items()},
               **{("call", k): v for k, v in CALL_TYPES.items()}}

AddIssue = Callable[[str, str, str], None]  # (source_file, source_ref, reason)


def _text(value: str | None) -> str:
    return "" if value in NULLS else value  # type: ignore[return-value]


def parse_records(fh: BinaryIO, cols: "SbrColumns", recover: bool) -> str:
    """Parse an open SBR byte stream into `cols`; returns how the bytes were decoded ("" = declared UTF-8).
    Raises etree.XMLSyntaxError where the XML breaks (strict mode)."""
    stream = CleanXmlStream(fh)
    tag_, line_, date_, addr_, typ_, body_, dur_, name_, pres_ = (
        cols.tag.append, cols.line.append, cols.date.append, cols.addr.append, cols.typ.append,
        cols.body.append, cols.dur.append, cols.name.append, cols.pres.append)
    flush_every = cols.batch_records
    seen = 0
    gc_was_on = gc.isenabled()
    gc.disable()  # millions of new strings trigger full collections that find nothing to free
    try:
        with fh:
            for _, el in etree.iterparse(stream, events=("end",), tag=("sms", "mms", "call"),
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
                seen += 1
                if seen == flush_every:  # bounded Python lists: convert this batch to Arrow
                    cols.flush()
                    seen = 0
    finally:
        if gc_was_on:
            gc.enable()
    return stream.decoded_as


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


class SbrColumns:
    """Raw attribute strings per record, as lists (one list per column, no per-record objects); every
    `batch_records` records the lists are converted to Arrow arrays and emptied, so the Python strings of
    at most one batch are alive at a time."""

    TYPES = {"tag": pa.string(), "line": pa.int64(), "date": pa.string(), "addr": pa.large_string(),
             "typ": pa.string(), "body": pa.large_string(), "dur": pa.string(), "name": pa.large_string(),
             "pres": pa.string()}

    BATCH_RECORDS = 65536

    def __init__(self, batch_records: int | None = None) -> None:
        self.batch_records = self.BATCH_RECORDS if batch_records is None else batch_records
        self.tag: list = []
        self.line: list = []
        self.date: list = []
        self.addr: list = []
        self.typ: list = []
        self.body: list = []
        self.dur: list = []
        self.name: list = []
        self.pres: list = []
        self._batches: dict[str, list] = {name: [] for name in self.TYPES}
        self._flushed = 0

    @property
    def count(self) -> int:
        return self._flushed + len(self.tag)

    def flush(self) -> None:
        if not self.tag:
            return
        self._flushed += len(self.tag)
        for name, kind in self.TYPES.items():
            values = getattr(self, name)
            self._batches[name].append(pa.array(values, kind))
            values.clear()  # the same list object: the parse loop's bound appends stay valid

    def column(self, name: str) -> pa.Array:
        """All values of one column as one Arrow array; its batches are released."""
        self.flush()
        chunks, self._batches[name] = self._batches[name], []
        return pa.chunked_array(chunks, self.TYPES[name]).combine_chunks()

    def add_table(self, table: pa.Table) -> None:
        """Rows already in Arrow (xmlscan.sbr_fast), appended after the ones collected so far."""
        self.flush()
        for name, kind in self.TYPES.items():
            self._batches[name].append(table[name].combine_chunks().cast(kind))
        self._flushed += table.num_rows

    def tag_counts(self) -> dict[str, int]:
        self.flush()
        tags = pa.chunked_array(self._batches["tag"], pa.string())
        return {row["values"]: row["counts"] for row in pc.value_counts(tags).to_pylist()}

    def use_exact_lines(self, path: Path, start: int = 0, end: int | None = None) -> None:
        """Past line 65,535 libxml2's line numbers can be one off: take them from a byte scan instead
        (xmlscan.lines), when it finds exactly the records the parser found."""
        self.flush()
        lines = self._batches["line"]
        if not lines or max(pc.max(b).as_py() or 0 for b in lines) <= 65535:
            return
        exact = record_lines(path, start, end)
        if len(exact) == self.count:
            self._batches["line"] = [pa.array(exact, pa.int64())]

    def copy_row(self, other: "SbrColumns", i: int) -> None:
        for key in self.TYPES:
            getattr(self, key).append(getattr(other, key)[i])

    def table(self, source: str, fmt: str, add_issue: AddIssue, line_offset: int = 0,
              ordinal_offset: dict[str, int] | None = None) -> pa.Table | None:
        """Columns → raw event columns (schema.RAW_COLUMNS) with Arrow kernels, each list released once
        converted; None when there are no records."""
        n = self.count
        if not n:
            return None
        tag = self.column("tag")
        codes = pc.dictionary_encode(tag)
        tag_codes = codes.indices.to_numpy(zero_copy_only=False)
        ordinal = np.zeros(n, dtype=np.int64)
        first = ordinal_offset or {}
        for code, name in enumerate(codes.dictionary.to_pylist()):
            where = tag_codes == code
            ordinal[where] = np.arange(1, int(where.sum()) + 1) + first.get(name, 0)
        line = self.column("line")
        if line_offset:  # a part of a file parsed on its own (sbr_worker): lines counted from the file start
            line = pc.add(line, line_offset)
        refs = pc.binary_join_element_wise(tag, "[", pc.cast(pa.array(ordinal), pa.string()), "] line ",
                                           pc.cast(line, pa.string()), "")
        ts, keep = _epoch_ms(self.column("date"), refs, tag, source, add_issue)
        ts, in_seconds = _seconds_as_ms(ts)
        if in_seconds is not None:  # traceable per record, not an issue: the record is imported
            refs = pc.if_else(in_seconds, pc.binary_join_element_wise(refs, SECONDS_NOTE, ""), refs)
        typ = pc.fill_null(self.column("typ"), "")
        key = pc.dictionary_encode(pc.binary_join_element_wise(tag, typ, ":"))
        pairs = [_TYPE_TABLE.get(tuple(k.split(":", 1)), _UNKNOWN) for k in key.dictionary.to_pylist()]
        direction = pa.array([p[0] for p in pairs], pa.string()).take(key.indices)
        status_raw = pa.array([p[1] for p in pairs], pa.string()).take(key.indices)  # null: outgoing call
        is_call = pc.equal(tag, "call")
        duration = _numbers(self.column("dur"), pa.float64())
        out_status = pc.if_else(pc.greater(pc.fill_null(duration, 0.0), 0.0), "answered", "unknown")
        status = pc.coalesce(status_raw, out_status)
        presentation = pc.fill_null(_numbers(self.column("pres"), pa.int64()), 1)
        zeros = np.zeros(n, dtype=np.int64)
        table = pa.table({
            "kind": tag, "direction": direction,
            "call_status": pc.if_else(is_call, status, ""), "msg_status": pc.if_else(is_call, "", status),
            "ts_ms": ts, "counterpart_raw": pc.fill_null(self.column("addr"), ""),
            "contact_name": _text_column(self.column("name")), "body": _text_column(self.column("body")),
            "duration_s": pc.if_else(is_call, duration, pa.scalar(None, pa.float64())),
            "source_file": pa.array([source], pa.string()).take(zeros),
            "source_ref": refs, "source_format": pa.array([fmt], pa.string()).take(zeros),
            "presentation": presentation,
        })
        if keep is not None:
            table = table.filter(pa.array(keep))
        return table


def _to_numeric(values: list):
    import pandas as pd  # only for broken files: the worker's fast path never imports pandas

    return pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce")


def _numbers(raw: pa.Array, kind: pa.DataType) -> pa.Array:
    """Numeric attribute text → numbers; anything unparsable (or missing) becomes null."""
    try:
        return pc.cast(raw, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        parsed = _to_numeric(raw.to_pylist())
        if kind == pa.int64():
            parsed = parsed.where(parsed.abs() < 2**62)
            return pa.array(parsed.round().astype("Int64"), kind, from_pandas=True)
        return pa.array(parsed.astype("float64"), kind, from_pandas=True)


def _text_column(values: pa.Array) -> pa.Array:
    """SyncTech writes the literal "null" (and "(Unknown)" for names) for a missing value."""
    empty = pa.scalar("", values.type)
    filled = pc.fill_null(values, empty)
    return pc.if_else(pc.is_in(filled, value_set=pa.array(sorted(NULLS - {None}), values.type)), empty, filled)


# A `date` of 788918400–4102444799 is 1995–2099 in epoch seconds but January–February 1970 in
# milliseconds: some apps and hand-edited files write seconds (readable_date then agrees with the
# seconds reading). Only such values are rescaled; the locator of each says so in events.csv.
SECONDS_RANGE = (788_918_400, 4_102_444_800)
SECONDS_NOTE = " (date read as seconds)"


def _seconds_as_ms(ts: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """Epoch values only plausible as seconds → milliseconds, and which ones (None when none)."""
    in_seconds = pc.and_(pc.greater_equal(ts, SECONDS_RANGE[0]), pc.less(ts, SECONDS_RANGE[1]))
    if not pc.any(in_seconds).as_py():
        return ts, None
    return pc.if_else(in_seconds, pc.multiply(ts, 1000), ts), in_seconds


def _epoch_ms(raw: pa.Array, refs: pa.Array, tag: pa.Array, source: str, add_issue: AddIssue):
    """`date` attributes → int64 epoch ms, and a keep-mask (None when all are valid); bad ones are issues."""
    try:
        ts = pc.cast(raw, pa.int64())
        if ts.null_count == 0:  # a missing `date` casts to null: that record goes the slow way below
            return ts, None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    dates = raw.to_pylist()
    parsed = _to_numeric(dates)
    good = (parsed.notna() & (parsed == parsed.round()) & (parsed.abs() < 2**62)).to_numpy()
    for i in np.flatnonzero(~good):
        add_issue(source, refs[int(i)].as_py(), f"{tag[int(i)].as_py()} skipped: date {dates[i]!r} is not "
                  "epoch milliseconds")
    ts = pa.array(np.where(good, parsed.fillna(0).to_numpy(), 0).astype("int64"))
    return ts, good
