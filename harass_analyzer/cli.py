"""Command line: a thin typer layer over the library API (harass_analyzer.api / pipeline).

Every library error becomes one line on stderr and exit code 1; nothing prints a traceback unless
HARASS_ANALYZER_DEBUG=1 is set.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Optional, TypeVar

import typer

from ._version import __version__
from .errors import ConfigError, HarassAnalyzerError, printable

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn exported SMS and call logs into evidence of excessive debt-collection contact.")
T = TypeVar("T")


class Terminated(KeyboardInterrupt):
    """SIGTERM as an exception in the main thread: the run is cleaned up exactly as after Ctrl-C."""


def fail(message: str, code: int = 1) -> None:
    # One line whatever a file name holds (a newline, bytes that are not UTF-8).
    typer.secho(f"error: {printable(message)}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def guarded(fn: Callable[[], T]) -> T:
    """Run a library call; turn errors into one clear line and a non-zero exit."""
    try:
        return fn()
    except HarassAnalyzerError as exc:
        fail(str(exc))
    except Terminated:
        fail("terminated (SIGTERM); no bundle was written", 143)
    except KeyboardInterrupt:
        fail("interrupted; no bundle was written", 130)
    except Exception as exc:  # a bug or an input no check caught: still no traceback for the user
        if os.environ.get("HARASS_ANALYZER_DEBUG"):
            raise
        fail(f"internal error ({type(exc).__name__}: {exc}); set HARASS_ANALYZER_DEBUG=1 for details", 2)
    raise AssertionError("unreachable")


def parse_map(value: Optional[str]) -> dict[str, str]:
    """`number=对方号码,time=通话时间` → {"number": "对方号码", "time": "通话时间"}."""
    if not value:
        return {}
    mapping = {}
    for item in value.split(","):
        if "=" not in item:
            raise ConfigError(f"--map item {item!r} is not field=column (e.g. number=对方号码,time=通话时间)")
        key, col = item.split("=", 1)
        mapping[key.strip()] = col.strip()
    return mapping


def _version(value: bool) -> None:
    if value:
        typer.echo(f"harass-analyzer {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                              help="Show the version and exit.")) -> None:
    """Turn exported SMS and call logs into evidence of excessive debt-collection contact."""


@app.command()
def analyze(
    inputs: list[Path] = typer.Argument(..., help="Export files or folders (folders are scanned recursively)."),
    out: Path = typer.Option(..., "-o", "--out", help="Folder to write the evidence bundle to."),
    tz: str = typer.Option("Asia/Shanghai", "--tz", help="Time zone of the phone's owner (IANA name)."),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it is not empty."),
    column_map: Optional[str] = typer.Option(None, "--map", help="CSV/Excel column mapping, e.g. "
                                             "number=对方号码,time=通话时间,type=呼叫类型"),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon", help="Extra classifier lexicon file "
                                           "(TERM TAG WEIGHT per line, like classify/lexicons/collection.txt)."),
    rules: str = typer.Option("cn", "--rules", help="Rule profile: cn, us, au, in, or a JSON rule-pack file "
                              "(see `harass-analyzer rules`)."),
    role: Optional[str] = typer.Option(None, "--role", help="Whose phone this is: debtor (default), or contact "
                                       "(紧急联系人/通讯录 friend: every collection contact is a third-party contact)."),
    entities: Optional[Path] = typer.Option(None, "--entities", help="CSV number,entity grouping collector "
                                            "numbers by hand (added to the automatic grouping)."),
    numbers: Optional[Path] = typer.Option(None, "--numbers", help="CSV number,label[,entity] with label "
                                           "collector, not_collector or personal: confirms or rejects suspected "
                                           "collectors, groups numbers, leaves family out of every figure."),
    stop_date: Optional[str] = typer.Option(None, "--stop-date", help="YYYY-MM-DD you asked them to stop "
                                            "contacting you; later contacts are listed."),
    lang: str = typer.Option("zh", "--lang", help="Language of report.html/report.md/complaint.md and charts: "
                             "zh or en."),
    redact: bool = typer.Option(False, "--redact", help="Mask third-party numbers and names in every output "
                                "(for sharing; collectors' numbers stay)."),
    make_zip: bool = typer.Option(False, "--zip", help="Also write the bundle as one zip, OUT.zip."),
    copy_recordings: bool = typer.Option(False, "--copy-recordings", help="Copy the call recordings found among "
                                         "INPUTS into the bundle (recordings/); by default they are only hashed "
                                         "and linked."),
    region: str = typer.Option("CN", "--region", help="Country (ISO 3166 code: CN, HK, US, TH …) of numbers "
                               "written without a country code; a record's own country comes first."),
) -> None:
    """Import every export under INPUTS and write the evidence bundle to OUT."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .run import Run
    from .xmlscan.sbr_parts import prestart

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"--tz {tz!r} is not a known time zone (e.g. Asia/Shanghai)")
    mapping = guarded(lambda: parse_map(column_map))
    role_given = role is not None
    role = role or "debtor"
    if role not in ("debtor", "contact"):
        fail(f"--role {role!r}: use debtor or contact")
    if lang not in ("zh", "en"):
        fail(f"--lang {lang!r}: use zh or en")
    from .numbers import check_region
    from .rules import check_stop_date

    guarded(lambda: check_stop_date(stop_date))
    guarded(lambda: check_region(region))
    with Run() as run:  # every thread and worker of the run stops before the command returns
        # A large SMS B&R file starts parsing on the other cores now, while the rest of the tool is imported.
        prestart([str(p) for p in inputs], run)
        summary = _analyze(inputs, out, force, run, dict(
            tz=tz, column_map=mapping, lexicon=lexicon, rules=rules, role=role, entities_file=entities, stop_date=stop_date, lang=lang,
            redact=redact, zip=make_zip, numbers_file=numbers, role_given=role_given, region=region.upper(),
            copy_recordings=copy_recordings))
    typer.echo(f"wrote {printable(summary.out)}: {summary.events} events, {summary.senders} senders, "
               f"{summary.duplicates_merged} duplicates merged, {summary.issues} records not imported"
               + (f", {summary.files_not_read} input file(s) not read" if summary.files_not_read else "")
               + " (see import_issues.csv)" + _suspects_note(summary))
    typer.echo(f"bundle fingerprint (SHA-256 of manifest.json; keep it, have it timestamped or notarised): "
               f"{summary.fingerprint}")


def _analyze(inputs: list[Path], out: Path, force: bool, run, options: dict):
    """api.analyze under a progress line (shown on a terminal only)."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from .api import Options
    from .api import analyze as run_analyze
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("importing…", total=None)
        done = [0]

        def progress(path: Path) -> None:
            done[0] += 1
            bar.update(task, description=f"imported {done[0]} input(s), last: {printable(path.name)}")

        return guarded(lambda: run_analyze(inputs, out, force=force, progress=progress, options=Options(**options),
                                           run=run))


def _suspects_note(summary) -> str:
    """The run's last words on what rests on call patterns alone, and whose phone this seems to be."""
    note = ""
    if summary.suspects:
        note += (f"; {summary.suspects} suspected collector(s) from call patterns alone (see suspects.csv; "
                 "confirm or reject them with --numbers)")
    if summary.role_hint:
        hint = summary.role_hint
        note += (f"; {hint['messages']} of {hint['collection']} collection texts are addressed to a third party "
                 f"(e.g. {', '.join(hint['examples'])}): if this is not the debtor's phone, run again with --role contact")
    return note


@app.command()
def batch(
    cases: list[Path] = typer.Argument(..., help="One phone's export folder (or file) per case."),
    out: Path = typer.Option(..., "-o", "--out", help="Folder for cases/<case>/ bundles and cross_case/."),
    tz: str = typer.Option("Asia/Shanghai", "--tz", help="Default time zone of the phones' owners."),
    role: str = typer.Option("debtor", "--role", help="Default role: debtor or contact."),
    stop_date: Optional[str] = typer.Option(None, "--stop-date", help="Default YYYY-MM-DD stop request."),
    entities: Optional[Path] = typer.Option(None, "--entities", help="CSV number,entity for every case."),
    cases_csv: Optional[Path] = typer.Option(None, "--cases-csv", help="CSV case,role,tz,stop_date,labels: "
                                             "per-case options (empty cells keep the defaults)."),
    rules: str = typer.Option("cn", "--rules", help="Rule profile: cn, us, au, in, or a JSON rule-pack file."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon", help="Extra classifier lexicon file."),
    column_map: Optional[str] = typer.Option(None, "--map", help="CSV/Excel column mapping (as for analyze)."),
    lang: str = typer.Option("zh", "--lang", help="Language of the reports and charts: zh or en."),
    redact: bool = typer.Option(False, "--redact", help="Redact every bundle (as analyze --redact) and name "
                                "cases case_001 … in the cross-case outputs."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running dask scheduler "
                                            "(default: a local cluster, one worker process per core)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes of the local cluster."),
    resume: bool = typer.Option(False, "--resume", help="Keep the cases whose bundle in OUT still verifies."),
    force: bool = typer.Option(False, "--force", help="Replace an earlier batch in OUT."),
) -> None:
    """Analyse many phones: each case's bundle in OUT/cases/, the collectors seen across cases in OUT/cross_case/."""
    import logging

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batching import make_cases, run_batch

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # process policy: failures are listed in batch_issues.csv, not logged
    if lang not in ("zh", "en"):
        fail(f"--lang {lang!r}: use zh or en")
    mapping = guarded(lambda: parse_map(column_map))
    plan = guarded(lambda: make_cases([str(c) for c in cases], role=role, tz=tz, stop_date=stop_date,
                                      entities_file=str(entities) if entities else None, cases_csv=cases_csv))
    console = Console(stderr=True)
    with Progress(TextColumn("cases"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("", total=len(plan))
        failed = [0]

        def progress(result: dict) -> None:
            failed[0] += result["status"] == "failed"
            bar.update(task, advance=1, description=f"{failed[0]} failed, last: {result['case']}")

        def run():
            try:
                return run_batch(plan, out, rules=rules, lexicon=lexicon, lang=lang, redact=redact,
                                 column_map=mapping, tz=tz, scheduler=scheduler, workers=workers, resume=resume,
                                 force=force, progress=progress)
            except KeyboardInterrupt:
                return None

        result = guarded(run)
    if result is None:
        fail(f"interrupted; the cases finished are kept in {out / 'cases'}, no partial case is left "
             "(run again with --resume)", 130)
    done = sum(r["status"] != "failed" for r in result.runs)
    resumed = sum(r["status"] == "resumed" for r in result.runs)
    typer.echo(f"wrote {out}: {done} case(s) analysed ({resumed} kept from before), {len(result.issues)} failed "
               f"(see batch_issues.csv), {int(result.collectors['level'].eq('entity').sum())} collector(s) "
               "across cases (see cross_case/collectors.csv)")


@app.command()
def formats() -> None:
    """List the export formats this tool can import."""
    from .importers import IMPORTERS

    for imp in IMPORTERS:
        typer.echo(f"{imp.NAME:20} {imp.DESCRIPTION}")
        for dialect in getattr(imp, "DIALECTS", ()):  # layouts one importer reads (vMessage, recording names)
            typer.echo(f"{'':20}   - {dialect}")


@app.command()
def inspect(paths: list[Path] = typer.Argument(..., help="Files or folders to examine.")) -> None:
    """Say what each file is detected as and how many records it holds (nothing is written)."""
    from .importers import IssueLog, ReadContext
    from .pipeline import discover

    issues = IssueLog()
    found = guarded(lambda: discover(paths, issues))
    for path, imp in found:
        try:  # one unreadable or unmappable file must not hide what the others are
            count: object = f"{imp.count(path, ReadContext(IssueLog()))} records"
        except HarassAnalyzerError as exc:
            count = f"cannot read: {exc}"
        typer.echo(f"{printable(path)}\t{imp.NAME}\t{printable(count)}")
    for issue in issues.issues:
        typer.echo(f"{printable(issue.source_file)}\tnot imported\t{printable(issue.reason)}")
    if not found:
        fail("no importable phone export found")


@app.command()
def verify(bundle: Path = typer.Argument(..., help="An evidence bundle folder, or its OUT.zip, written by "
                                         "`analyze`.")) -> None:
    """Re-hash the bundle against its manifest; list every changed, missing or extra file (exit 1 if any)."""
    from .evidence import bundle_fingerprint, verify_bundle

    problems = guarded(lambda: verify_bundle(bundle))
    for line in problems:
        typer.echo(printable(line))
    if problems:
        fail(f"{bundle}: {len(problems)} problem(s); the bundle is not as written")
    typer.echo(f"{printable(bundle)}: intact (every file matches manifest.json)")
    typer.echo(f"bundle fingerprint: {guarded(lambda: bundle_fingerprint(bundle))}")


@app.command("rules")
def rules_command(
    profile: str = typer.Argument("cn", help="cn (default), us, au, in, or a JSON rule-pack file."),
) -> None:
    """List a rule profile: every rule with its legal weight, confidence and citation."""
    from .rules import format_profile, load_profile

    typer.echo(format_profile(guarded(lambda: load_profile(profile))))


@app.command("eval-classifier")
def eval_classifier(
    labelled: Path = typer.Argument(..., help="TSV with columns text, is_collection, tags (optional sender)."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon", help="Extra classifier lexicon file."),
    errors: bool = typer.Option(False, "--errors", help="List every miss, false alarm and wrong tag set."),
) -> None:
    """Measure the message classifier on a labelled TSV: precision/recall/F1 and confusion counts for
    collection and per tag; --errors lists the misses."""
    from .classify import KeywordClassifier
    from .classify.evaluate import evaluate_file

    classifier = guarded(lambda: KeywordClassifier(lexicon_files=[lexicon] if lexicon else []).fit())
    report = guarded(lambda: evaluate_file(labelled, classifier))
    typer.echo(report.format(errors=errors))


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    """Console-script entry point, and the one place of process-wide policy (harass_analyzer.policy):
    the allocator set-up, signal handling, and the end of the process without the interpreter's
    teardown — after a run over a million events, freeing every cached object one by one takes about
    half a second and gains nothing. Every run's threads and workers have stopped by then (each command
    closes its Run); logging and the output streams are flushed first."""
    import logging
    import signal

    from .policy import apply_process_policy

    # A `kill` (SIGTERM) ends the run as Ctrl-C does: the staging folder and the workers are removed.
    signal.signal(signal.SIGTERM, _terminated)
    if hasattr(signal, "SIGXFSZ"):  # over a file-size limit: write() fails with EFBIG (an error line)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # instead of the process dying mid-bundle
    apply_process_policy()
    try:
        app(prog_name="harass-analyzer")
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what SystemExit does with a message
        code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be said there
            pass
    os._exit(code or 0)


if __name__ == "__main__":
    main()
