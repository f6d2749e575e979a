"""The library API the CLI and the notebooks share.

    >>> from harass_analyzer import analyze
    >>> summary = analyze(["sample_data"], "out", tz="Asia/Shanghai")
"""
from __future__ import annotations

import errno
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from . import evidence
from ._version import __version__
from .analysis.senders import sender_summary
from .errors import ConfigError, OutOfSpace, printable
from .outpath import check_output
from .pipeline import load_events
from .report import archive, bundle
from .run import Run
from .schema import ISSUE_COLUMNS, Analysis, BundleSummary, LoadResult, Options


# A full disk, a quota or a file-size limit while the bundle is written: a user's problem, not a bug.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def issues_table(result: LoadResult) -> pd.DataFrame:
    return pd.DataFrame([(i.source_file, i.source_ref, i.reason, i.records) for i in result.issues],
                        columns=ISSUE_COLUMNS)


def input_entries(result: LoadResult) -> list[dict]:
    entries = []
    for rec in result.inputs:
        if len(rec.files) == 1:
            sha, size = rec.files[0]["sha256"], rec.files[0]["bytes"]
        else:  # a folder input: hash of its files' hashes, each listed
            listing = "".join(f"{f['sha256']}  {f['path']}\n" for f in sorted(rec.files, key=lambda f: f["path"]))
            sha, size = hashlib.sha256(listing.encode()).hexdigest(), sum(f["bytes"] for f in rec.files)
        entry = {"path": rec.path, "sha256": sha, "bytes": size, "format": rec.format,
                 "records": rec.records, "events": rec.events, "skipped": rec.skipped,
                 "duplicates_merged": rec.merged}
        if rec.error:
            entry["error"] = rec.error
        if len(rec.files) > 1:
            entry["files"] = rec.files
        entries.append(entry)
    return entries


def _get_ready(classifier) -> None:
    """Work done while parse workers read a large export: the classifier's dictionary and the chart
    modules with their font (about 1 s of start-up that would otherwise come after the parse)."""
    from .report.charts import font_rc

    classifier.warm_up()
    font_rc()


def _printable_names(result: LoadResult) -> None:
    """Input paths as the manifest and report write them: a name holding bytes that are not UTF-8 or a
    newline gets them escaped (errors.printable; rows and issues already carry such labels)."""
    for rec in result.inputs:
        rec.path, rec.error = printable(rec.path), printable(rec.error)
        for entry in rec.files:
            entry["path"] = printable(entry["path"])


def run_analysis(paths: Iterable[str | Path], options: Options | None = None,
                 progress: Callable[[Path], None] | None = None,
                 events_ready: Callable[[pd.DataFrame], None] | None = None,
                 skip: Iterable[Path] = (), run: Run | None = None) -> Analysis:
    """Import, classify and analyse; nothing is written. `events_ready` is called with the final event
    table as soon as it exists (before the rules and summaries), e.g. to start writing it out. `run`
    owns the background work (a Run of its own when none is given, closed before this returns)."""
    if run is None:
        with Run() as own:
            return run_analysis(paths, options, progress, events_ready, skip, own)
    from .analysis.call_patterns import find_suspects
    from .analysis.entities import assign_entities, read_mapping
    from .analysis.labels import drop_personal, read_labels
    from .analysis.number_info import with_number_info
    from .analysis.role_hint import role_hint
    from .classify import KeywordClassifier
    from .numbers import check_region
    from .rules import check_rules, check_stop_date, load_profile

    options = options or Options()
    # Every option is checked before any import: a mistake costs seconds, not a whole run.
    check_stop_date(options.stop_date)
    check_region(options.region)
    if options.entities_file is not None:
        read_mapping(options.entities_file, options.region)
    lexicons = [options.lexicon] if options.lexicon else []
    classifier = KeywordClassifier(lexicon_files=lexicons).fit()  # a bad lexicon fails before any import
    profile = load_profile(options.rules)  # a bad rule pack fails before any import too
    labels = read_labels(options.numbers_file) if options.numbers_file is not None else None  # and labels
    result = load_events(paths, tz=options.tz, column_map=options.column_map, classifier=classifier,
                         progress=progress, while_waiting=lambda: _get_ready(classifier), skip=skip,
                         region=options.region, run=run)
    _printable_names(result)
    events, personal = drop_personal(result.events, labels)
    events, entities = assign_entities(events, options.entities_file,
                                       extra_mapping=labels.mapping() if labels is not None else None,
                                       region=options.region)
    if events_ready is not None:
        events_ready(events)
    night = profile.is_disallowed(events["local_time"])
    suspects = find_suspects(events, set(entities["entity"].astype(str)), labels,
                             night=night.to_numpy(dtype=bool), profile=profile)
    violations = check_rules(events, profile, role=options.role, stop_date=options.stop_date,
                             confirmed=set(entities["entity"].astype(str)), suspects=suspects.entities)
    senders = with_number_info(sender_summary(events, night=night))
    return Analysis(events=events, senders=senders, issues=issues_table(result),
                    inputs=input_entries(result), tz=options.tz, duplicates_merged=result.duplicates_merged,
                    options=options, entities=entities, violations=violations, profile=profile,
                    recordings=result.recordings,
                    suspects=suspects, personal_excluded=personal,
                    role_hint=role_hint(events, options.role, options.role_given))


def analyze(paths: Iterable[str | Path], out: str | Path, tz: str = "Asia/Shanghai", force: bool = False,
            column_map: dict | None = None, progress: Callable[[Path], None] | None = None,
            options: Options | None = None, run: Run | None = None) -> BundleSummary:
    """Import every export under `paths` and write the evidence bundle to `out`.

    Every thread and child process the run starts belongs to `run` (one of its own when none is given)
    and has stopped when this returns or raises. Nothing process-wide is changed (allocator, signal
    handlers, matplotlib's backend): that is the caller's policy (`harass_analyzer.policy`)."""
    if run is None:
        with Run() as own:
            return analyze(paths, out, tz, force, column_map, progress, options, own)
    from .report.outputs import EventsCsv, write_outputs

    options = options or Options(tz=tz, column_map=column_map or {})
    if options.copy_recordings and options.redact:
        raise ConfigError("--copy-recordings cannot be combined with --redact: voices in a recording cannot be "
                          "masked; share the redacted bundle without the audio")
    out = Path(out)
    paths = list(paths)
    if options.zip:
        archive.check_zip_target(out, force)
    check_output(out, paths, force)
    staging = bundle.prepare_output(out, force)
    # events.csv (hundreds of MB at a million rows) is written on a thread of the run from the moment the
    # event table is final, beside the rules, the report's facts and the charts. A redacted bundle writes
    # the redacted table instead, so it starts with the other outputs.
    events_csv = EventsCsv(staging, run)
    try:
        analysis = run_analysis(paths, options, progress,
                                events_ready=None if options.redact else events_csv.start, skip=[out, staging],
                                run=run)
        if options.copy_recordings and analysis.recordings is not None:
            from .analysis.recordings import copy_recordings
            analysis.recordings = copy_recordings(analysis.recordings, staging)
        write_outputs(staging, analysis, run, events_csv)
        from .report.facts import run_options

        counts = {"duplicates_merged": analysis.duplicates_merged, "events": len(analysis.events)}
        if analysis.personal_excluded:
            counts["personal_events_excluded"] = analysis.personal_excluded
        fingerprint = evidence.write_manifest(staging, {"name": "harass-analyzer", "version": __version__},
                                              analysis.tz, analysis.inputs,
                                              {**counts, "options": run_options(analysis)}, known=run.known_hash)
        bundle.commit_bundle(staging, out)
    except BaseException as exc:
        run.close()  # the writer threads and workers stop before their folder goes
        bundle.discard(staging)
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
            raise OutOfSpace(f"{out}: out of space or over a file-size limit ({exc.strerror or exc}); "
                              "no bundle was written: free some space and run again") from exc
        raise
    if options.zip:
        try:
            archive.write_zip(out)
        except OSError as exc:  # the bundle is complete; only its zip copy is missing (no partial zip)
            if exc.errno not in _WRITE_ERRNOS:
                raise
            raise OutOfSpace(f"{archive.zip_path(out)}: out of space or over a file-size limit "
                             f"({exc.strerror or exc}); the bundle {out} was written, its zip was not") from exc
    return BundleSummary(out=out, events=len(analysis.events), senders=len(analysis.senders),
                         issues=int(analysis.issues["records_skipped"].sum()) if len(analysis.issues) else 0,
                         duplicates_merged=analysis.duplicates_merged,
                         files_not_read=sum(1 for i in analysis.inputs if i.get("error")),
                         suspects=len(analysis.suspects.table) if analysis.suspects is not None else 0,
                         role_hint=analysis.role_hint, fingerprint=fingerprint)
