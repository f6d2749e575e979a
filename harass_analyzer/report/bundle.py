"""Evidence bundle writer: everything is written to a staging folder beside OUT and moved into place
only when complete (an interrupted run leaves no half bundle). manifest.json and the fingerprint:
harass_analyzer/evidence.py.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import OutputError
from ..evidence import sha256_file
from .csvsafe import escape_arrow, escape_series

CHUNK_ROWS = 1 << 17


def prepare_output(out: Path, force: bool) -> Path:
    """Check OUT can be (re)placed and return a fresh staging folder beside it."""
    out = Path(out)
    parent = out.resolve().parent
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"{out}: folder is not empty (use --force to replace it)")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    except (FileExistsError, NotADirectoryError) as exc:
        raise OutputError(f"{out}: cannot create it ({parent} or one of its parents is a file)") from exc
    except OSError as exc:
        raise OutputError(f"{out}: cannot create it ({exc.strerror or exc})") from exc
    return staging


def _arrow_column(col: pd.Series) -> pa.Array:
    """One column as Arrow, text escaped (csvsafe): Arrow-backed text is passed on without a copy."""
    if col.dtype == bool:
        return pc.if_else(pa.array(col.to_numpy()), "True", "False")
    if pd.api.types.is_bool_dtype(col.dtype):  # nullable boolean
        return pa.array(col.map({True: "True", False: "False"}).astype("str"), type=pa.string())
    if pd.api.types.is_numeric_dtype(col.dtype):
        return pa.array(col, from_pandas=True)
    if col.dtype == object:
        values = escape_series(col).to_numpy(dtype=object)
        try:  # usually all str/None already: converted in C++
            return pa.array(values, type=pa.string(), from_pandas=True)
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            return pa.array([v if v is None or isinstance(v, str) else str(v) for v in values],
                            type=pa.string(), from_pandas=True)
    values = pa.array(col, from_pandas=True)
    if pa.types.is_dictionary(values.type) and _is_text(values.type.value_type):
        return escape_arrow(values).dictionary_decode()
    if _is_text(values.type):
        return escape_arrow(values)
    return pa.array(col, type=pa.string(), from_pandas=True)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def write_csv(frame: pd.DataFrame, path: Path, run=None) -> None:
    """UTF-8 with BOM (Excel/WPS in China garble plain UTF-8), '\\n' line ends, no index; text cells
    escaped against formula injection (report/csvsafe.py: a leading ' that readers drop again).

    Written by Arrow's C++ CSV writer (a million rows in well under a second; pandas takes many), which
    quotes every text field, so a body holding a lone "\\r" or a newline never splits a row.
    With a `run` (harass_analyzer.run.Run) the file is hashed at once, for the manifest to take: on the
    events.csv writer's thread, beside the other outputs.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    # Arrow's own file: the write runs without the GIL (a bytes path: the folder name may not be UTF-8)
    with pa.OSFile(os.fsencode(path), "wb") as sink:
        sink.write(b"\xef\xbb\xbf")
        if not len(frame.columns):
            pacsv.write_csv(pa.table({}), sink, options)
        writer = schema = None
        # A slice of rows at a time: the escaped and converted copies stay a few MB at a million rows.
        for start in range(0, max(len(frame), 1), CHUNK_ROWS) if len(frame.columns) else ():
            part = frame.iloc[start:start + CHUNK_ROWS]
            table = pa.table({str(name): _arrow_column(part.iloc[:, i]) for i, name in enumerate(part.columns)})
            if writer is None:
                schema = table.schema
                writer = pacsv.CSVWriter(sink, schema, write_options=options)
            writer.write_table(table if table.schema.equals(schema) else table.cast(schema))
        if writer is not None:
            writer.close()
    if run is not None:
        run.remember_hash(path, sha256_file(path))


def commit_bundle(staging: Path, out: Path) -> None:
    """Move the finished staging folder to OUT, replacing an existing OUT only now."""
    out = Path(out)
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp made it private; the bundle is meant to be shared
    os.replace(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
