"""Re-check an evidence bundle against its manifest.json: every listed output is re-hashed, and any
changed, missing or extra file is reported (one problem per line), so a bundle can be shown to be the
one the tool wrote.

    >>> problems = verify_bundle(Path("out"))
    >>> problems  # [] when intact
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import UnreadableSource
from .pipeline import sha256_file

MANIFEST = "manifest.json"


def _load_manifest(bundle: Path) -> list[dict]:
    if not bundle.is_dir():
        raise UnreadableSource(f"{bundle}: not a bundle folder")
    path = bundle / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UnreadableSource(f"{path}: missing; this folder is not a harass-analyzer bundle") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableSource(f"{path}: unreadable or not JSON ({exc})") from exc
    outputs = manifest.get("outputs") if isinstance(manifest, dict) else None
    if not isinstance(outputs, list) or not all(
            isinstance(o, dict) and isinstance(o.get("path"), str) and isinstance(o.get("sha256"), str)
            for o in outputs):
        raise UnreadableSource(f"{path}: has no valid 'outputs' list of {{path, sha256}}")
    return outputs


def verify_bundle(bundle: Path) -> list[str]:
    """Problems found, one line each, in a stable order; [] means every file matches the manifest."""
    bundle = Path(bundle)
    outputs = _load_manifest(bundle)
    problems: list[str] = []
    listed: set[str] = set()
    root = bundle.resolve()
    for entry in sorted(outputs, key=lambda o: o["path"]):
        rel = entry["path"]
        listed.add(rel)
        path = bundle / rel
        # A manifest naming a path outside the bundle is itself a problem (it was edited).
        if path.resolve() != root and root not in path.resolve().parents:
            problems.append(f"outside: {rel} (manifest points outside the bundle)")
            continue
        if not path.is_file():
            problems.append(f"missing: {rel}")
            continue
        try:
            actual = sha256_file(path)
        except OSError as exc:
            problems.append(f"unreadable: {rel} ({exc.strerror or exc})")
            continue
        if actual != entry["sha256"]:
            problems.append(f"changed: {rel} (sha256 {actual}, manifest says {entry['sha256']})")
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(bundle).as_posix()
        if rel != MANIFEST and rel not in listed:
            problems.append(f"extra: {rel} (not in the manifest)")
    return problems


__all__ = ["verify_bundle"]
