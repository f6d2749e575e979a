"""The files a parse worker hands its columns over in (xmlscan/sbr_worker → xmlscan/sbr_parts): one Arrow
IPC file per column, so the caller maps each on its own and a column it has replaced is unmapped at once."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc  # noqa: F401  (pa.ipc)

COLUMNS_DONE = "columns"  # the line a worker writes on stdout once its part's columns are written


def write_column(path: str | Path, name: str, values: pa.Array | pa.ChunkedArray) -> None:
    """One column as an Arrow IPC file (the workers' output: each column mapped on its own)."""
    column = pa.table({name: values})
    with pa.OSFile(os.fsencode(path), "wb") as sink, pa.ipc.new_file(sink, column.schema) as writer:
        writer.write_table(column)


def read_column(path: str | Path) -> pa.ChunkedArray:
    """A file write_column wrote, memory-mapped (its buffers keep the mapping alive)."""
    with pa.memory_map(os.fsencode(path)) as source:
        return pa.ipc.open_file(source).read_all().column(0)
