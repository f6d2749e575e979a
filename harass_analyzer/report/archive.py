"""--zip: the finished bundle as one deterministic zip beside it (OUT → OUT.zip).

Entries are the bundle's files (manifest.json included) under a top folder named like OUT, sorted by
path, each with the fixed timestamp 1980-01-01 00:00 and mode 0644, deflated: the same bundle gives
a byte-identical zip. Written to a temporary file and renamed, so a half zip never appears.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import OutputError, printable

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def zip_path(out: Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".zip")


def check_zip_target(out: Path, force: bool) -> None:
    """Fail before any work if OUT.zip exists (without --force) or is a folder."""
    target = zip_path(out)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder, cannot write the zip there")
    if target.exists() and not force:
        raise OutputError(f"{target}: exists (use --force to replace it)")


def write_zip(out: Path) -> Path:
    """Zip the bundle folder `out` into OUT.zip; return its path."""
    out = Path(out)
    target = zip_path(out)
    files = sorted((p for p in out.rglob("*") if p.is_file()), key=lambda p: p.relative_to(out).as_posix())
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.partial-", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                # printable: a folder name that is not UTF-8 cannot be a zip member name as it is
                info = zipfile.ZipInfo(f"{printable(out.name)}/{path.relative_to(out).as_posix()}",
                                       date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o100644 << 16
                info.create_system = 3  # unix, so the mode above is honoured everywhere
                zf.writestr(info, path.read_bytes())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
