"""Which files and folders under the inputs are phone exports: each read once, whatever the paths.

The same file can be reached many ways: given twice, as `phone/./sms.xml` beside `phone`, through a
symlink or a hard link, or inside a folder a link loops back to. Every file and folder is identified by
its device and inode, so each is read once (the repeats are noted in import_issues.csv) and a link loop
ends. Folders this tool wrote (an earlier evidence bundle, or the output of this very run) are not
exports and are passed over with a note.
"""
from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import UnreadableSource
from .importers import Importer, IssueLog, detect

SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
TOOL_NAME = "harass-analyzer"


def check_readable(path: Path) -> None:
    if not os.path.lexists(path):
        raise UnreadableSource(f"{path}: no such file or folder")
    if not path.exists():
        raise UnreadableSource(f"{path}: a link pointing to nothing (dangling symlink)")
    mode = path.stat().st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UnreadableSource(f"{path}: not a regular file or folder (FIFO, device or socket)")


def is_bundle(folder: Path) -> bool:
    """True for a folder holding an evidence bundle of this tool (its manifest names the tool)."""
    manifest = Path(folder) / "manifest.json"
    try:
        if not manifest.is_file() or manifest.stat().st_size > 64 << 20:
            return False
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("tool"), dict) and data["tool"].get("name") == TOOL_NAME


def _is_sqlite_sidecar(path: Path) -> bool:
    for suffix in SQLITE_SIDECARS:
        if path.name.endswith(suffix) and path.with_name(path.name[: -len(suffix)]).is_file():
            return True
    return False


class _Seen:
    """Files and folders already taken, by (device, inode): the first path that reached each one."""

    def __init__(self, skip: Iterable[Path]) -> None:
        self.first: dict[tuple[int, int], Path] = {}
        self.skip = {_identity(p) for p in skip if os.path.exists(p)}

    def again(self, path: Path, issues: IssueLog, what: str) -> bool:
        key = _identity(path)
        if key in self.first:
            issues.note(str(path), what, f"same {what} as {self.first[key]} (given twice or reached through "
                        "a link); read once")
            return True
        self.first[key] = path
        return False


def _identity(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def discover(paths: Iterable[str | Path], issues: IssueLog, skip: Iterable[Path] = ()) -> list[tuple[Path, Importer]]:
    """Every importable file/folder under the inputs, in a stable order, each once; the rest go to
    `issues`. `skip`: folders that must never be read (the run's own output)."""
    found: list[tuple[Path, Importer]] = []
    seen = _Seen(skip)
    for given in paths:
        path = Path(given)
        check_readable(path)
        if path.is_file():
            if not seen.again(path, issues, "file"):
                _add_file(path, found, issues)
            continue
        stack = [path]
        while stack:
            folder = stack.pop()
            if _identity(folder) in seen.skip:
                continue  # this run's own output (its staging name is random: no note, the bundle stays the same)
            if seen.again(folder, issues, "folder"):
                continue
            if is_bundle(folder):
                issues.note(str(folder), "folder", "an evidence bundle written by this tool, not a phone "
                            "export; not read")
                continue
            imp = detect(folder)
            if imp is not None:
                found.append((folder, imp))
                continue
            try:
                children = sorted(folder.iterdir(), key=lambda p: p.name)
            except OSError as exc:
                issues.add_file(str(folder), f"cannot list folder ({exc.strerror or exc})")
                continue
            for child in children:
                if child.is_symlink() and not child.exists():
                    issues.add_file(str(child), "dangling symlink (or a loop of links), skipped")
                elif child.is_dir():
                    stack.append(child)
                elif not child.is_file():
                    issues.add_file(str(child), "not a regular file (FIFO, device or socket), skipped")
                elif child.name.startswith("."):
                    continue  # hidden files (.DS_Store, editor swap files) are not exports
                elif _is_sqlite_sidecar(child):
                    continue  # read together with its database (sqlite_base copies the sidecars)
                elif not seen.again(child, issues, "file"):
                    _add_file(child, found, issues)
            stack.sort(key=lambda p: str(p), reverse=True)  # depth-first, alphabetical
    return found


def _add_file(path: Path, found: list[tuple[Path, Importer]], issues: IssueLog) -> None:
    try:
        imp = detect(path)
    except UnreadableSource as exc:
        issues.add_file(str(path), str(exc))
        return
    if imp is None:
        issues.add_file(str(path), "not a recognised phone export (content matched no importer)")
    else:
        found.append((path, imp))
