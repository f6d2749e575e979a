"""Evidence integrity in one place: hashing files, writing a bundle's manifest.json, and re-checking a
bundle (its folder, or the OUT.zip of --zip) against it: every listed output is re-hashed, and any
changed, missing or extra file is reported (one problem per line), so a bundle can be shown to be the
one the tool wrote. Light on purpose (no pandas): `verify` needs nothing else of the tool.

The bundle fingerprint is the SHA-256 of manifest.json, which lists every file's SHA-256, the inputs'
hashes, the run options and the time: one value that changes when any byte of the bundle changes, the
value to have notarised or timestamped. The reports print it (report.pdf, report.html, report.md), yet
a file cannot hold the hash of a list that holds its own hash; so, as a PDF signature leaves a hole for
itself, those files are written with FINGERPRINT_SLOT (64 zeros) where the fingerprint goes, the manifest
records the SHA-256 of that form ("fingerprint_slot": true), and the slot is filled in afterwards.
Verifying recomputes the fingerprint from manifest.json, checks each report carries exactly it, and
hashes the report with the slot emptied again — so an edited manifest (even only its created_at) no
longer verifies.

    >>> problems = verify_bundle(Path("out"))     # or Path("out.zip")
    >>> problems  # [] when intact
    >>> bundle_fingerprint(Path("out"))           # what a notary or timestamp service records
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from .errors import UnreadableSource

MANIFEST = "manifest.json"
FINGERPRINT_SLOT = "0" * 64
SLOT_FILES = ("report.pdf", "report.html", "report.md")
CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(folder: Path, skip: tuple[str, ...] = (MANIFEST,),
                 known: Callable[[Path], str | None] | None = None) -> list[dict]:
    """{path, sha256, bytes} of every file under `folder`; `known(path)` may give a hash taken already
    (Run.known_hash: events.csv, hashed on its writer's thread)."""
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in skip:
            continue
        sha = known(path) if known is not None else None
        entry = {"path": rel, "sha256": sha or sha256_file(path), "bytes": path.stat().st_size}
        if rel in SLOT_FILES:
            entry["fingerprint_slot"] = True
        entries.append(entry)
    return entries


def write_manifest(staging: Path, tool: dict, tz: str, inputs: list[dict], extra: dict | None = None,
                   known: Callable[[Path], str | None] | None = None) -> str:
    """Write manifest.json, fill the reports' fingerprint slots; return the bundle fingerprint."""
    manifest = {
        "tool": tool,
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "timezone": tz,
        "inputs": inputs,
        "outputs": file_entries(staging, known=known),
    }
    if extra:
        manifest.update(extra)
    data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (staging / MANIFEST).write_bytes(data)
    fingerprint = hashlib.sha256(data).hexdigest()
    for entry in manifest["outputs"]:
        if entry.get("fingerprint_slot"):
            path = staging / entry["path"]
            path.write_bytes(path.read_bytes().replace(FINGERPRINT_SLOT.encode(), fingerprint.encode()))
    return fingerprint


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
                actual = hashlib.sha256(content.replace(fingerprint, FINGERPRINT_SLOT.encode())).hexdigest()
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


__all__ = ["FINGERPRINT_SLOT", "MANIFEST", "bundle_fingerprint", "file_entries", "sha256_file", "verify_bundle",
           "write_manifest"]
