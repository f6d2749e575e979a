"""Evidence bundle writer: everything is written to a staging folder beside OUT and moved into place
only when complete (an interrupted run leaves no half bundle); manifest.json hashes every file.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import OutputError
from ..pipeline import sha256_file
from .csvsafe import escape_frame

MANIFEST = "manifest.json"


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


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM (Excel/WPS in China garble plain UTF-8), '\\n' line ends, no index; text cells
    escaped against formula injection (report/csvsafe.py: a leading ' that readers drop again).

    Written by Arrow's C++ CSV writer (a million rows in well under a second; pandas takes many), which
    quotes every text field, so a body holding a lone "\\r" or a newline never splits a row.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = escape_frame(frame)
    columns = {}
    for name in safe.columns:
        col = safe[name]
        if pd.api.types.is_bool_dtype(col.dtype):
            columns[str(name)] = pa.array(col.map({True: "True", False: "False"}).astype("str"), type=pa.string())
        elif pd.api.types.is_numeric_dtype(col.dtype):
            columns[str(name)] = pa.array(col, from_pandas=True)
        elif col.dtype == object:
            values = col.to_numpy(dtype=object)
            try:  # usually all str/None already: converted in C++
                columns[str(name)] = pa.array(values, type=pa.string(), from_pandas=True)
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                columns[str(name)] = pa.array([v if v is None or isinstance(v, str) else str(v) for v in values],
                                              type=pa.string(), from_pandas=True)
        else:
            columns[str(name)] = pa.array(col, type=pa.string(), from_pandas=True)
    table = pa.table(columns) if columns else pa.table({})
    with open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=True, quoting_style="needed"))


def file_entries(folder: Path, skip: tuple[str, ...] = (MANIFEST,)) -> list[dict]:
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in skip:
            continue
        entries.append({"path": rel, "sha256": sha256_file(path), "bytes": path.stat().st_size})
    return entries


def write_manifest(staging: Path, tool: dict, tz: str, inputs: list[dict], extra: dict | None = None) -> None:
    manifest = {
        "tool": tool,
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "timezone": tz,
        "inputs": inputs,
        "outputs": file_entries(staging),
    }
    if extra:
        manifest.update(extra)
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


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
