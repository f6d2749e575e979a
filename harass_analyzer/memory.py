"""Process-wide memory settings for a run over millions of events."""
from __future__ import annotations


def return_freed_memory() -> None:
    """Use the system allocator for Arrow buffers (pandas' str columns live in them).

    Arrow's default pool (mimalloc) keeps freed buffers for reuse: every transient copy of a million-row
    column (sorting, filtering, joining) then stays in the resident set until the process ends (measured:
    a time sort of 1.2M events left RSS 950 MB instead of 550 MB). The system allocator maps large
    buffers on their own and returns them to the OS when freed. Buffers already allocated keep their pool.
    """
    import pyarrow as pa

    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())
