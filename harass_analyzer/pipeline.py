"""From input paths to the enriched canonical event table (importers → normalize → merge → classify).

    >>> result = load_events(["sample_data"], tz="Asia/Shanghai")
    >>> result.events[["event_id", "timestamp", "counterpart", "category"]].head()
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from .classify import classify_events
from .discovery import discover
from .errors import ConfigError, NothingToImport, UnknownFormat, UnreadableSource
from .evidence import sha256_file
from .importers import Importer, IssueLog, ReadContext
from .importers.base import empty_raw_frame
from .numbers import normalize_series
from .run import Run
from .schema import OPTIONAL_RAW_DEFAULTS, RAW_COLUMNS, InputRecord, LoadResult
from .timeconv import iso_strings, local_times

# Timestamps outside this window are broken records (0, negative, year 9999), not contact.
MIN_TS_MS = 788918400000  # 1995-01-01
MAX_TS_MS = 4102444800000  # 2100-01-01


COPY_PREFERENCE = {"tabular": 2, "vmessage": 1}  # higher = kept only when no better copy exists

def _read_all(found: list[tuple[Path, Importer]], issues: IssueLog, tz: str, column_map: dict | None,
              progress: Callable[[Path], None] | None, run: Run,
              while_waiting: Callable[[], None] | None = None
              ) -> tuple[pd.DataFrame, list[InputRecord], list[tuple]]:
    """Read every input: (raw frame, inputs, the evidence files still to hash: `_hash_evidence` does it)."""
    frames = []
    to_hash: list[tuple[dict, Path, tuple[int, int]]] = []
    inputs = []
    contexts = [ReadContext(issues, tz=tz, source_name=str(path), column_map=column_map, run=run)
                for path, _ in found]
    evidence = [imp.evidence_files(path) for path, imp in found]
    stats = [[(f.stat().st_size, f.stat().st_mtime_ns) for f in files] for files in evidence]
    # The largest input whose importer can work in the background (worker processes) starts first; the
    # main process reads the other inputs meanwhile (and warms the classifier up), so both cores stay
    # busy. The evidence is hashed afterwards, beside the analysis (_hash_evidence).
    for index in sorted(range(len(found)), key=lambda i: -sum(s for s, _ in stats[i])):
        path, imp = found[index]
        if imp.begin(path, contexts[index]):
            break
    if while_waiting is not None:
        while_waiting()
    for index, (path, imp) in enumerate(found):
        files = [{"path": str(f), "sha256": None, "bytes": size} for f, (size, _) in zip(evidence[index], stats[index])]
        to_hash += [(entry, Path(entry["path"]), before) for entry, before in zip(files, stats[index])]
        before = len(issues)
        try:
            frame = imp.read(path, contexts[index])
        except (UnreadableSource, UnknownFormat, ConfigError) as exc:
            # One unreadable, encrypted or unmappable file must not stop the others: it is listed.
            del issues.issues[before:]  # what it logged before failing stands for nothing imported
            issues.add_file(str(path), f"file not read: {exc}")
            frame = empty_raw_frame()
            failed = str(exc)
        else:
            failed = ""
        skipped = issues.records_since(before)
        rec = InputRecord(path=str(path), format=imp.NAME, files=files, records=len(frame) + skipped,
                          skipped=skipped, events=len(frame), error=failed)
        frame["_input"] = len(inputs)
        inputs.append(rec)
        frames.append(frame)
        if progress:
            progress(path)
    frames = [f for f in frames if len(f)]
    raw = pd.concat(frames, ignore_index=True) if frames else empty_raw_frame().assign(_input=0)
    for col, default in OPTIONAL_RAW_DEFAULTS.items():
        if col not in raw:
            raw[col] = default
        else:
            raw[col] = raw[col].fillna(default)
    return raw, inputs, to_hash


def _hash_evidence(to_hash: list[tuple[dict, Path, tuple[int, int]]]) -> None:
    """SHA-256 of every evidence file into its manifest entry (hashlib reads and hashes without the GIL:
    this runs on a thread beside the analysis). Evidence must not change under the run: size and
    modification time, taken before the file was read, are checked once it is hashed (a second full
    hash would double the I/O on multi-GB exports; the tests hash before and after)."""
    for entry, path, before in to_hash:
        entry["sha256"] = sha256_file(path)
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != before:
            raise UnreadableSource(f"{entry['path']}: changed while it was being read; re-run on a copy")


def _drop_implausible_times(raw: pd.DataFrame, issues: IssueLog, inputs: list[InputRecord]) -> pd.DataFrame:
    bad = (raw["ts_ms"] < MIN_TS_MS) | (raw["ts_ms"] >= MAX_TS_MS)
    if not bad.any():
        return raw  # nothing to drop: no copy of every column
    for idx, count in raw.loc[bad, "_input"].value_counts().items():  # counted back to their input
        inputs[int(idx)].skipped += int(count)
        inputs[int(idx)].events -= int(count)
    for row in raw.loc[bad, ["source_file", "source_ref", "ts_ms"]].itertuples(index=False):
        issues.add(row.source_file, row.source_ref, f"timestamp {row.ts_ms} ms is outside 1995–2100; record not imported")
    return raw.loc[~bad]


def merge_duplicates(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The same event held by several inputs is kept once; `also_in` lists the other copies.

    Copies within one file are real repeats (collectors resend templates), so the n-th copy in one file
    only merges with the n-th copy in another. A cheap hash finds the few rows whose key occurs in more
    than one file; only those go through the exact comparison.
    """
    events = events.copy(deep=False)  # copy-on-write (pandas 3): no million-row copy
    events["also_in"] = ""
    events, within = _merge_exact_repeats(events)
    no_merge = within
    file_codes, files = pd.factorize(events["source_file"])  # a missing source_file is -1: never merged
    if events.empty or len(files) < 2:
        return events, no_merge
    # Calls only match calls, messages only messages: a class held by one file needs no comparison
    # (the usual sms-*.xml + calls-*.xml pair costs nothing).
    is_call = events["kind"].eq("call").to_numpy(dtype=bool, na_value=False)
    maybe = np.zeros(len(events), dtype=bool)
    for mask in (is_call, ~is_call):
        if np.count_nonzero(np.bincount(file_codes[mask][file_codes[mask] >= 0], minlength=len(files))) > 1:
            maybe |= mask
    if not maybe.any():
        return events, no_merge
    subset = events.loc[maybe]
    second = events["ts_ms"] // 1000
    rough = pd.util.hash_pandas_object(pd.DataFrame({"s": second[maybe], "c": subset["counterpart"],
                                                     "b": subset["body"]}), index=False)
    files_per_hash = subset["source_file"].groupby(rough.to_numpy()).nunique()
    shared = np.zeros(len(events), dtype=bool)
    shared[np.flatnonzero(maybe)] = rough.map(files_per_hash).to_numpy() > 1
    if not shared.any():
        return events, no_merge
    # Keep the most precise copy: databases and XML hold milliseconds, CSV and vMessage only seconds.
    cand = events.loc[shared]
    rank = cand["source_format"].map(COPY_PREFERENCE).fillna(0)
    cand = cand.iloc[np.argsort(rank.to_numpy(), kind="stable")]
    second = second.loc[cand.index]
    key = pd.DataFrame({"k": cand["kind"], "d": cand["direction"], "s": second, "c": cand["counterpart"],
                        "b": cand["body"].str.strip()})
    key["n"] = key.groupby(["k", "d", "s", "c", "b", cand["source_file"]], sort=False).cumcount()
    dup = key.duplicated()
    group_id = key.groupby(["k", "d", "s", "c", "b", "n"], sort=False).ngroup()
    copies = (cand.loc[dup, "source_file"] + "#" + cand.loc[dup, "source_ref"]).groupby(group_id[dup]).agg(";".join)
    keep_rows = cand.index[~dup.to_numpy()]
    found = group_id[~dup].map(copies).astype("object").fillna("").to_numpy()
    before = events.loc[keep_rows, "also_in"].to_numpy(dtype=object)
    events.loc[keep_rows, "also_in"] = [f"{a};{b}" if a and b else a or b for a, b in zip(before, found)]
    dropped = cand.index[dup.to_numpy()]
    merged_per_input = events.loc[dropped, "_input"].value_counts().add(within, fill_value=0).astype("int64")
    return events.drop(index=dropped), merged_per_input


def _merge_exact_repeats(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Records repeated exactly inside one file (a backup restored and backed up again repeats every
    record) are one event: same kind, direction, status, time to the millisecond, number, body and
    duration. Formats that keep only seconds (CSV, vMessage) keep bodiless messages apart: a long SMS
    in a carrier's list is several rows of one second. The copies are listed in the kept row's also_in."""
    none = pd.Series(dtype="int64")
    if len(events) < 2:
        return events, none
    # A cheap first cut on one int64 per row: same input, same millisecond (ts_ms < 2**42 after the
    # plausibility filter, inputs < 2**21).
    rough = (events["_input"].to_numpy(dtype=np.int64) << 42) | events["ts_ms"].to_numpy(dtype=np.int64)
    ordered = np.sort(rough, kind="stable")  # rows come in file order, mostly by time: a few long runs
    if not (ordered[1:] == ordered[:-1]).any():
        return events, none
    maybe = pd.Series(rough).duplicated(keep=False).to_numpy()
    if not maybe.any():
        return events, none
    cand = events.loc[maybe]
    columns = ["source_file", "kind", "direction", "call_status", "msg_status", "ts_ms", "counterpart_raw",
               "body", "duration_s"]
    key = cand[columns].astype("object").where(cand[columns].notna(), "")
    seconds_only = cand["source_format"].isin(list(COPY_PREFERENCE)) & cand["kind"].ne("call") \
        & cand["body"].fillna("").eq("")
    dup = key.duplicated() & ~seconds_only
    if not dup.any():
        return events, none
    group = key.groupby(columns, sort=False).ngroup()
    copies = (cand.loc[dup, "source_file"] + "#" + cand.loc[dup, "source_ref"]).groupby(group[dup]).agg(";".join)
    first = ~dup & ~seconds_only & group.isin(copies.index)
    events.loc[cand.index[first.to_numpy()], "also_in"] = group[first].map(copies).to_numpy()
    dropped = cand.index[dup.to_numpy()]
    return events.drop(index=dropped), events.loc[dropped, "_input"].value_counts()


def event_ids(count: int) -> pd.Series:
    """E000001, E000002, … (at least 6 digits, more when needed, so they sort as text): fixed-width ASCII
    written digit by digit into one buffer that Arrow takes as a string array."""
    import pyarrow as pa

    width = max(6, len(str(count)))
    numbers = np.arange(1, count + 1, dtype=np.int64)
    buf = np.empty((count, width + 1), dtype=np.uint8)
    buf[:, 0] = ord("E")
    for k in range(width):
        buf[:, width - k] = 48 + (numbers // 10 ** k) % 10
    offsets = np.arange(0, (width + 1) * (count + 1), width + 1, dtype=np.int64)
    ids = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(buf))
    return pd.Series(pd.array(ids, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


def sort_by_time(events: pd.DataFrame) -> pd.DataFrame:
    """Stable sort on ts_ms (ties keep input order), in place and one column at a time: each column's old
    values are freed as soon as its sorted copy replaces them, so the table never exists twice.

    The takes run in Arrow and numpy without the GIL: the message text (most of the bytes) is sorted on
    a second thread while this one sorts the other columns."""
    order = np.argsort(events["ts_ms"].to_numpy(), kind="stable")
    events.index = pd.RangeIndex(len(events))
    if (order == np.arange(len(order))).all():
        return events
    columns = list(events.columns)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sort") as pool:
        body = pool.submit(_taken, events["body"], order) if "body" in columns else None
        for col in columns:
            if col != "body":
                events[col] = _taken(events[col], order)
        if body is not None:
            events["body"] = body.result()
    return events


def _taken(values: pd.Series, order: np.ndarray):
    return values.take(order).to_numpy() if values.dtype.kind in "biufM" else values.take(order).reset_index(drop=True)


def load_events(paths: Iterable[str | Path], tz: str = "Asia/Shanghai", column_map: dict | None = None,
                classifier: object | None = None,
                progress: Callable[[Path], None] | None = None,
                while_waiting: Callable[[], None] | None = None, skip: Iterable[Path] = (),
                region: str = "CN", run: Run | None = None) -> LoadResult:
    """Import, normalize, merge and classify every export under `paths`; `region`: the country of
    numbers written without a country code (a record's own country hint comes first). `run` owns the
    background work (parse workers, the hashing thread): one of its own, closed before this returns,
    when none is given.

    Raises NothingToImport when no input is a recognised export, UnreadableSource for an unreadable one.
    """
    if run is None:
        with Run() as own:
            return load_events(paths, tz, column_map, classifier, progress, while_waiting, skip, region, own)
    issues = IssueLog()
    found = discover(paths, issues, skip=skip)
    if not found:
        listed = "; ".join(f"{i.source_file}: {i.reason}" for i in issues.issues[:3])
        raise NothingToImport("no importable phone export found" + (f" ({listed})" if listed else ""))
    # While worker processes parse a large export, the classifier loads its lexicon and jieba's dictionary
    # meanwhile (and whatever else the caller wants ready: `while_waiting`).
    raw, inputs, to_hash = _read_all(found, issues, tz, column_map, progress, run,
                                     while_waiting=while_waiting or getattr(classifier, "warm_up", None))
    if all(rec.error for rec in inputs):
        listed = "; ".join(f"{rec.path}: {rec.error}" for rec in inputs[:3])
        raise NothingToImport(f"no importable phone export found ({listed})")
    hashed = run.thread("hash", _hash_evidence, to_hash)
    raw = _drop_implausible_times(raw, issues, inputs)
    raw["counterpart"] = normalize_series(raw["counterpart_raw"], raw["presentation"], region,
                                          hints=raw.get("country_hint"))
    if "country_hint" in raw:  # used up: not an output column
        raw = raw.drop(columns="country_hint")
    events, merged = merge_duplicates(raw)
    del raw  # the merged frame shares its columns (copy-on-write); nothing else may keep them alive
    for idx, count in merged.items():
        inputs[int(idx)].merged = int(count)
        inputs[int(idx)].events -= int(count)
    events = sort_by_time(events)
    events.insert(0, "event_id", event_ids(len(events)).array)  # positional, whatever the index
    events["local_time"] = local_times(events["ts_ms"], tz)
    events["timestamp"] = iso_strings(events["local_time"])
    events = classify_events(events, classifier)
    events = events.drop(columns=["_input"])
    events, recordings = _link_recordings(found, events, issues, tz, region)
    hashed.result()  # re-raises a change of an input during the run
    return LoadResult(events=events, issues=issues.issues, inputs=inputs, tz=tz,
                      duplicates_merged=int(merged.sum()), recordings=recordings)


def _link_recordings(found: list[tuple[Path, Importer]], events: pd.DataFrame, issues: IssueLog, tz: str,
                     region: str):
    """Call recordings among the inputs (not events) linked to their calls: analysis/recordings.py."""
    from .analysis.recordings import link_recordings, read_recordings
    from .importers.recordings import NAME as RECORDING

    infos = read_recordings([(path, str(path)) for path, imp in found if imp.NAME == RECORDING])
    for info in infos:
        if info.problem:
            issues.note(info.label, "audio", f"{info.problem}; the file is kept, hashed and listed in recordings.csv")
    events, table = link_recordings(events, infos, tz, region)
    return events, (table if infos else None)


__all__ = ["InputRecord", "LoadResult", "discover", "load_events", "merge_duplicates"]
