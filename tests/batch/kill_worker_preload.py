"""Worker preload for the dying-worker test, given to the test's cluster through dask's configuration
(`distributed.worker.preload`), never loaded by the tool itself: a worker process that starts writing the
bundle of a case named `doomed` is killed on the spot (SIGKILL, as the system's out-of-memory killer
ends a process), on every try, with a half-written staging folder left behind."""
from __future__ import annotations

import os
import signal
from pathlib import Path

from harass_analyzer.report import outputs

DOOMED = "doomed"
# dask imports a preload file with importlib.reload: a second run must not wrap the wrapper
_write_outputs = getattr(outputs.write_outputs, "__wrapped__", outputs.write_outputs)


def _dies_on_doomed(staging: Path, *args, **kwargs) -> None:
    if Path(staging).name.startswith(f".{DOOMED}.partial-"):
        (Path(staging) / "senders.csv").write_text("number,contacts\n", encoding="utf-8")  # half a bundle
        os.kill(os.getpid(), signal.SIGKILL)
    _write_outputs(staging, *args, **kwargs)


_dies_on_doomed.__wrapped__ = _write_outputs
outputs.write_outputs = _dies_on_doomed  # api.analyze looks it up when it runs
