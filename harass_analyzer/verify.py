"""Re-check an evidence bundle (its folder, or the OUT.zip of --zip) against its manifest.json: every
listed output is re-hashed, and any changed, missing or extra file is reported (one problem per line),
so a bundle can be shown to be the one the tool wrote.

The bundle fingerprint is the SHA-256 of manifest.json (report/bundle.py). The reports carry it; a
report is hashed with its fingerprint emptied to FINGERPRINT_SLOT, after checking it carries exactly the
fingerprint recomputed here — so an edited manifest (even only its created_at) no longer verifies.

    >>> problems = verify_bundle(Path("out"))     # or Path("out.zip")
    >>> problems  # [] when intact
    >>> bundle_fingerprint(Path("out"))           # what a notary or timestamp service records
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path, PurePosixPath

from .errors import UnreadableSource
from .pipeline import sha256_file

MANIFEST = "manifest.json"
FINGERPRINT_SLOT = b"0" * 64
CHUNK = 1 << 20


class _Folder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.resolved = root.resolve()

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                      if p.is_file() or p.is_symlink())

    def inside(self, rel: str) -> bool:
        path = (self.root / rel).resolve()
        return path == self.resolved or self.resolved in path.parents

    def exists(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def sha256(self, rel: str) -> str:
        return sha256_file(self.root / rel)


class _Zip:
    """The --zip archive: entries under one top folder (OUT/…), read without unpacking."""

    def __init__(self, path: Path) -> None:
        try:
            self.zf = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise UnreadableSource(f"{path}: not a readable zip ({exc})") from exc
        names = [n for n in self.zf.namelist() if not n.endswith("/")]
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1 or not all("/" in n for n in names):
            raise UnreadableSource(f"{path}: not a bundle zip (expected one top folder holding manifest.json)")
        self.top = tops.pop() + "/"
        self.names = {n[len(self.top):] for n in names}

    def files(self) -> list[str]:
        return sorted(self.names)

    def inside(self, rel: str) -> bool:
        parts = PurePosixPath(rel).parts
        return ".." not in parts and not rel.startswith("/")

    def exists(self, rel: str) -> bool:
        return rel in self.names

    def read(self, rel: str) -> bytes:
        return self.zf.read(self.top + rel)

    def sha256(self, rel: str) -> str:
        digest = hashlib.sha256()
        with self.zf.open(self.top + rel) as stream:
            for block in iter(lambda: stream.read(CHUNK), b""):
                digest.update(block)
        return digest.hexdigest()


def _open(bundle: Path):
    if bundle.is_file() and zipfile.is_zipfile(bundle):
        return _Zip(bundle)
    if not bundle.is_dir():
        raise UnreadableSource(f"{bundle}: not a bundle folder or bundle zip")
    return _Folder(bundle)


def _load_manifest(source, label: str) -> tuple[list[dict], bytes]:
    if not source.exists(MANIFEST):
        raise UnreadableSource(f"{label}/{MANIFEST}: missing; this is not a harass-analyzer bundle")
    try:
        data = source.read(MANIFEST)
        manifest = json.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableSource(f"{label}/{MANIFEST}: unreadable or not JSON ({exc})") from exc
    outputs = manifest.get("outputs") if isinstance(manifest, dict) else None
    if not isinstance(outputs, list) or not all(
            isinstance(o, dict) and isinstance(o.get("path"), str) and isinstance(o.get("sha256"), str)
            for o in outputs):
        raise UnreadableSource(f"{label}/{MANIFEST}: has no valid 'outputs' list of {{path, sha256}}")
    return outputs, data


def bundle_fingerprint(bundle: Path) -> str:
    """The SHA-256 of the bundle's manifest.json (folder or zip), whatever the file holds."""
    bundle = Path(bundle)
    source = _open(bundle)
    if not source.exists(MANIFEST):
        raise UnreadableSource(f"{bundle}/{MANIFEST}: missing; this is not a harass-analyzer bundle")
    try:
        return hashlib.sha256(source.read(MANIFEST)).hexdigest()
    except OSError as exc:
        raise UnreadableSource(f"{bundle}/{MANIFEST}: unreadable ({exc.strerror or exc})") from exc


def verify_bundle(bundle: Path) -> list[str]:
    """Problems found, one line each, in a stable order; [] means every file matches the manifest."""
    bundle = Path(bundle)
    source = _open(bundle)
    outputs, data = _load_manifest(source, str(bundle))
    fingerprint = hashlib.sha256(data).hexdigest().encode()
    problems: list[str] = []
    listed: set[str] = set()
    for entry in sorted(outputs, key=lambda o: o["path"]):
        rel = entry["path"]
        listed.add(rel)
        # A manifest naming a path outside the bundle is itself a problem (it was edited).
        if not source.inside(rel):
            problems.append(f"outside: {rel} (manifest points outside the bundle)")
            continue
        if not source.exists(rel):
            problems.append(f"missing: {rel}")
            continue
        try:
            if entry.get("fingerprint_slot"):
                content = source.read(rel)
                if fingerprint not in content:
                    problems.append(f"changed: {rel} (does not carry the fingerprint of this manifest.json: the "
                                    "manifest or the report was edited)")
                    continue
                actual = hashlib.sha256(content.replace(fingerprint, FINGERPRINT_SLOT)).hexdigest()
            else:
                actual = source.sha256(rel)
        except OSError as exc:
            problems.append(f"unreadable: {rel} ({exc.strerror or exc})")
            continue
        if actual != entry["sha256"]:
            problems.append(f"changed: {rel} (sha256 {actual}, manifest says {entry['sha256']})")
    for rel in source.files():
        if rel != MANIFEST and rel not in listed:
            problems.append(f"extra: {rel} (not in the manifest)")
    return problems


__all__ = ["bundle_fingerprint", "verify_bundle"]
