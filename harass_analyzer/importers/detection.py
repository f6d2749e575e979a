"""Which importer claims a file or folder, by content: asked by the registry for any input, and by the
Android container for its members (which is why this lives apart from the registry, which imports the
container)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import UnreadableSource
from .base import HEAD_BYTES, Importer, read_head


def detect_among(importers: Sequence[Importer], path: Path) -> Importer | None:
    """The first of `importers` whose sniffer claims this file or folder; None if none does."""
    if path.is_dir():
        for imp in importers:
            if imp.HANDLES_DIRECTORIES and imp.sniff(path, b""):
                return imp
        return None
    try:
        head = read_head(path, HEAD_BYTES)
    except OSError as exc:
        raise UnreadableSource(f"{path}: cannot read ({exc.strerror or exc})") from exc
    for imp in importers:
        if not imp.HANDLES_DIRECTORIES and imp.sniff(path, head):
            return imp
    return None
