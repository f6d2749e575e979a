"""Cases as tasks on dask.distributed: a LocalCluster sized to the machine, or an existing scheduler.

Each worker process is set up once (WorkerSetup: apply_worker_policy, the tool imported, the
classifier's dictionary and the chart font loaded) and then runs case after case with `run_case`, which
writes the case's bundle with the same library call `analyze` makes (api.analyze: staging folder, moved
into place only when complete) and reads back the small summary the cross-case tables need.
A case's own failure is a result ("failed" and its one-line reason), never an exception, so one broken
export cannot stop the others; a case whose worker dies is retried, and listed once it has taken down
TRIES worker processes (cases that only waited on such a worker are run again, see run_cases).
"""
from __future__ import annotations

import gc
import logging
import os
import resource
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import HarassAnalyzerError

# One case at a time per worker process: a case's paths are read relative to the batch's working
# folder (os.chdir is process-wide) and the bundle writer keeps per-process state.
_CASE_LOCK = threading.Lock()
ALLOWED_FAILURES = 1  # a case whose worker died is tried once more, on another worker, then listed
TRIES = ALLOWED_FAILURES + 1  # workers a case may take down before it is listed (whatever the scheduler's setting)
RESUBMITS = 3  # a case lost with a dying worker before it started there is submitted again, at most this often
ATTEMPTS = ".attempts-"  # OUT/cases/.attempts-<case>: one line per worker process that started the case


def apply_worker_policy() -> None:
    """Process-wide policy of a worker process (the batch owns its workers, as cli.main owns its process;
    library calls set none): the tool's shared policy (harass_analyzer.policy), and, as cli.main does,
    over a file-size limit a write error (the case's one-line reason) instead of the worker dying."""
    import signal

    from ..policy import apply_process_policy

    apply_process_policy()
    if hasattr(signal, "SIGXFSZ") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def prepare_process() -> None:
    """Policy and start-up work, once per worker process (not per case, not in library calls)."""
    apply_worker_policy()
    from .. import api  # noqa: F401  (the whole tool, imported once)
    from ..classify import KeywordClassifier
    from ..report.charts import font_rc
    from ..report.outputs import write_outputs  # noqa: F401

    KeywordClassifier().fit().warm_up()
    font_rc()
    # The ~200,000 objects of the imported tool, dask and the warm caches live as long as the worker:
    # frozen, the collector's full passes during each case (2-4 a case) no longer scan them (~0.2 s a case).
    gc.collect()
    gc.freeze()


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - distributed is a dependency
    WorkerPlugin = object


class WorkerSetup(WorkerPlugin):
    name = "harass-analyzer-setup"

    def setup(self, worker) -> None:
        prepare_process()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, HarassAnalyzerError):
        return text
    return f"internal error ({type(exc).__name__}: {text})"


def _memory() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        current = 0
    return current, peak


def run_case(case: dict, cases_dir: str, cwd: str, options: dict, resume: bool) -> dict:
    """The task: one case's bundle (or, with resume, its verified earlier bundle) and its summary."""
    from ..api import Options, analyze
    from ..memory import trim_heap
    from ..evidence import verify_bundle
    from .cross_case import case_summary

    with _CASE_LOCK:
        started = time.perf_counter()
        result = {"case": case["name"], "status": "done", "reason": "", "pid": os.getpid()}
        bundle = Path(cases_dir) / case["name"]
        attempts = Path(cases_dir) / f"{ATTEMPTS}{case['name']}"
        try:
            with open(attempts, "a", encoding="utf-8") as fh:  # read back if this process dies in the case
                fh.write(f"{os.getpid()}\n")
            os.chdir(cwd)
            if resume and bundle.is_dir() and _verifies(bundle, verify_bundle):
                result["status"] = "resumed"
            else:
                opts = Options(**options, tz=case["tz"], role=case["role"], stop_date=case["stop_date"],
                               entities_file=Path(case["entities_file"]) if case["entities_file"] else None)
                began = time.perf_counter()
                analyze([case["path"]], bundle, force=True, options=opts)
                result["analyze_seconds"] = time.perf_counter() - began
            result["summary"] = case_summary(bundle, case)
        except Exception as exc:  # the case's failure is its result; the batch goes on
            result.update(status="failed", reason=_one_line(exc))
        with suppress(OSError):
            attempts.unlink(missing_ok=True)
        gc.collect()
        trim_heap()
        result["seconds"] = time.perf_counter() - started
        result["rss"], result["peak_rss"] = _memory()
        return result


def _verifies(bundle: Path, verify_bundle) -> bool:
    try:
        return not verify_bundle(bundle)
    except HarassAnalyzerError:
        return False


def tries(cases_dir: Path, name: str) -> int:
    """How many worker processes started the case and did not finish it (its attempts file's lines)."""
    try:
        return len((cases_dir / f"{ATTEMPTS}{name}").read_text(encoding="utf-8").split())
    except OSError:
        return 0


def remove_leftovers(cases_dir: Path) -> None:
    """Staging folders of cases that never finished (a killed worker, Ctrl-C): no partial case stays;
    and the cases' attempts files."""
    if cases_dir.is_dir():
        for path in cases_dir.iterdir():
            if path.name.startswith(ATTEMPTS) and path.is_file():
                path.unlink(missing_ok=True)
            elif path.name.startswith(".") and (".partial-" in path.name or ".old-" in path.name):
                shutil.rmtree(path, ignore_errors=True)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[object]:
    """A dask Client: to `scheduler` (an address such as tcp://10.0.0.5:8786), or to a LocalCluster of
    `workers` single-threaded processes on 127.0.0.1 (default: one per core), no dashboard, quiet logs."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s", set_as_default=False)
        except OSError as exc:
            raise HarassAnalyzerError(f"--scheduler {scheduler}: cannot connect ({exc})") from exc
        try:
            client.register_plugin(WorkerSetup())
            yield client
        finally:
            client.close()
        return
    # Non-daemonic workers: a case with a very large SMS B&R file starts its own parse processes.
    # A worker holds only the case it runs (saturation 1.0): no case waits behind another on a worker
    # that may die of it, and none waits there while another worker is idle at the end of the batch.
    with dask.config.set({"distributed.worker.daemon": False,
                          "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                          "distributed.scheduler.worker-saturation": 1.0,
                          "distributed.worker.profile.enabled": False}):
        # No dashboard; the scheduler's small HTTP server (health checks) on a free port of 127.0.0.1, not
        # on 8787, which another cluster may hold.
        cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
                               scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
        client = Client(cluster, set_as_default=False)
        try:
            client.register_plugin(WorkerSetup())
            yield client
        finally:
            client.close()
            cluster.close()


def run_cases(client, cases: list[dict], cases_dir: Path, options: dict, resume: bool,
              progress: Callable[[dict], None] | None = None) -> list[dict]:
    """Submit every case, collect results as they finish (in the cases' order at the end).

    A worker that dies takes with it the case it ran and those waiting on it. The scheduler retries
    them and, after too many deaths, fails them all alike (KilledWorker); the cases' attempts files tell
    which one the dying workers were running: that case is listed, the others are submitted again."""
    from distributed import as_completed

    cwd, folder = os.getcwd(), str(cases_dir.resolve())
    futures: dict = {}
    resubmitted = dict.fromkeys((c["name"] for c in cases), 0)

    def submit(i: int, case: dict):
        future = client.submit(run_case, case, folder, cwd, options, resume, pure=False,
                               key=f"case-{i:06d}-{os.getpid()}-{time.time_ns()}")
        futures[future] = (i, case)
        return future

    pending = as_completed([submit(i, case) for i, case in enumerate(cases)], loop=client.loop)
    results: dict[str, dict] = {}
    try:
        for future in pending:
            # Let go of the future once its result is taken: a future the client still holds keeps its
            # result (the case's summary frames) in the worker's memory until the batch ends.
            i, case = futures.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # KilledWorker, or the task lost otherwise
                died = tries(cases_dir, case["name"])
                if died < TRIES and resubmitted[case["name"]] < RESUBMITS and _killed_worker(exc):
                    resubmitted[case["name"]] += 1
                    pending.add(submit(i, case))
                    continue
                result = {"case": case["name"], "status": "failed", "reason": _died_reason(case, died, exc)}
            results[case["name"]] = result
            if progress is not None:
                progress(result)
    except BaseException:
        client.cancel(list(futures))
        raise
    return [results[c["name"]] for c in cases]


def _killed_worker(exc: BaseException) -> bool:
    from distributed import KilledWorker

    return isinstance(exc, KilledWorker)


def _died_reason(case: dict, died: int, exc: BaseException) -> str:
    if died:
        return (f"{case['path']}: the worker process analysing it ended abruptly on each of {died} tries "
                "(killed, e.g. by the system when out of memory); no bundle written")
    return f"{case['path']}: the task was lost ({_one_line(exc)}); no bundle written"
