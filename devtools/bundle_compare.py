"""Bundles written by two runs, made comparable byte for byte.

Two runs on the same inputs write the same bytes except the manifest's creation time and what hashes
it: the bundle fingerprint (the manifest's SHA-256) printed in report.md/.html/.pdf, and, in a batch's
manifest, the hashes of the cases' manifests and reports. Used by tests/ and bench/ alike.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

REPORTS = ("report.md", "report.html", "report.pdf")
MANIFEST = "manifest.json"


def comparable_files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path: manifests without `created_at` (a batch's also
    without the hashes of the cases' manifests and reports) and reports with the fingerprint as a slot
    of zeros."""
    folder = Path(folder)
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name == MANIFEST:
            manifest = json.loads(data)
            manifest.pop("created_at", None)
            if "batch_fingerprint" in manifest:
                manifest["outputs"] = [o for o in manifest["outputs"]
                                       if not o["path"].endswith((MANIFEST, *REPORTS))]
            data = json.dumps(manifest, sort_keys=True).encode()
        elif path.name in REPORTS and (path.parent / MANIFEST).is_file():
            fingerprint = hashlib.sha256((path.parent / MANIFEST).read_bytes()).hexdigest().encode()
            data = data.replace(fingerprint, b"0" * 64)
        found[path.relative_to(folder).as_posix()] = data
    return found


def differences(first: Path, second: Path) -> list[str]:
    """Relative paths whose comparable bytes differ, or that exist under only one of the two folders."""
    ours, theirs = comparable_files(first), comparable_files(second)
    return [p for p in sorted(set(ours) | set(theirs)) if ours.get(p) != theirs.get(p)]
