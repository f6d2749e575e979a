"""Process-wide policy, for the processes this tool owns: the command line (`cli.main`) and batch
workers (`batching.runner`). A library call never applies it: a notebook keeps its own allocator,
signal handlers and matplotlib backend.

- Memory: Arrow buffers from the system allocator and a fixed glibc mmap threshold, so a run over
  millions of events hands freed column-sized blocks back at once (memory.return_freed_memory says why).
- Charts need no backend choice: they render on Figure objects of their own (report/charts.py).
"""
from __future__ import annotations


def apply_process_policy() -> None:
    """Set this process up for large runs; call once, early, from a process the tool owns."""
    from .memory import return_freed_memory

    return_freed_memory()
