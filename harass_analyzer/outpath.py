"""Where a bundle may be written: never over an input, never over a folder this tool did not write.

`--force` replaces OUT only when OUT is empty or an earlier bundle of this tool (its manifest says so),
and never when OUT is, or holds, one of the inputs: `analyze phone -o phone --force` would otherwise
delete the very export it reads. An OUT inside an input folder is fine: discovery passes it over.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .discovery import is_bundle
from .errors import OutputError


def check_output(out: Path, inputs: Iterable[str | Path], force: bool) -> None:
    out = Path(out)
    target = os.path.realpath(out)
    for given in inputs:
        source = os.path.realpath(given)
        if source == target or source.startswith(target.rstrip(os.sep) + os.sep):
            raise OutputError(f"{out}: is or holds the input {given}; choose an output folder outside "
                              "the inputs (nothing was changed)")
    if out.is_dir() and not out.is_symlink() and any(out.iterdir()):
        if not force:
            raise OutputError(f"{out}: folder is not empty (use --force to replace an earlier bundle)")
        if not is_bundle(out):
            raise OutputError(f"{out}: not an evidence bundle of this tool; --force only replaces an "
                              "earlier bundle (choose a new or empty folder; nothing was changed)")
    elif out.is_symlink() and force:
        raise OutputError(f"{out}: is a link; give the real folder (nothing was changed)")
