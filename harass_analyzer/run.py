"""One run's background work, in one place: every thread and child process a run starts is started
through its `Run`, which cancels and cleans them up when the run ends (normally, on an error or on
Ctrl-C) and hands their results on (the events.csv hash to the manifest, the font subset to the page).

    with Run() as run:
        future = run.thread("events-csv", write, frame, path)
        run.on_close(pending.cancel)      # a child process this run started
        ...
    # here nothing the run started is running any more

`Run.running()` says what is still at work (for a failure message or a test). Deliberately light: the
CLI makes one before it imports pandas (a large SMS B&R file starts parsing at once, xmlscan/sbr_parts).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


class Run:
    def __init__(self) -> None:
        self._threads: list[tuple[str, Future]] = []
        self._cleanups: list[Callable[[], None]] = []
        self._prefetched: dict[tuple, object] = {}
        self._hashes: dict[str, tuple[int, int, str]] = {}
        self.closed = False

    # -- threads and processes -------------------------------------------------------------------
    def thread(self, name: str, fn: Callable, *args, **kwargs) -> Future:
        """Run `fn` on a thread of its own; `close` waits for it (a thread cannot be interrupted)."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        future = pool.submit(fn, *args, **kwargs)
        pool.shutdown(wait=False)
        self._threads.append((name, future))
        return future

    def on_close(self, cleanup: Callable[[], None]) -> None:
        """Call `cleanup` when the run ends (last registered, first called): stopping a child process,
        removing its scratch files. A cleanup must be safe to call twice."""
        self._cleanups.append(cleanup)

    def running(self) -> list[str]:
        """Names of the threads still at work."""
        return [name for name, future in self._threads if not future.done()]

    def close(self) -> None:
        """Stop every child process, remove scratch files, wait for every thread (their errors were
        seen by whoever took their result; here they are not raised again)."""
        while self._cleanups:
            cleanup = self._cleanups.pop()
            try:
                cleanup()
            except Exception:  # noqa: BLE001  (the other cleanups must still run)
                pass
        self._prefetched.clear()
        for _, future in self._threads:
            future.exception()  # waits; an error here was raised to the caller already, or is moot
        self._threads.clear()
        self.closed = True

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- hand-offs ---------------------------------------------------------------------------------
    def prefetch(self, key: tuple, work: object) -> None:
        """Work started ahead for an input (a parse begun before the import reaches the file)."""
        self._prefetched[key] = work

    def has_prefetched(self) -> bool:
        return bool(self._prefetched)

    def take_prefetched(self, key: tuple) -> object | None:
        return self._prefetched.pop(key, None)

    def remember_hash(self, path: Path, sha256: str) -> None:
        """A file this run wrote and hashed right away (events.csv, on its writer's thread); the manifest
        takes the hash unless the file changed since."""
        stat = path.stat()
        self._hashes[_key(path)] = (stat.st_size, stat.st_mtime_ns, sha256)

    def known_hash(self, path: Path) -> str | None:
        known = self._hashes.get(_key(path))
        if known is None:
            return None
        stat = path.stat()
        return known[2] if known[:2] == (stat.st_size, stat.st_mtime_ns) else None


def _key(path: Path) -> str:
    return os.fsdecode(Path(path).resolve())
