"""iTunes / Finder / 爱思助手 iOS backup FOLDER (iOS 10+ layout with Manifest.db), formats.md §3.1.

Files are stored as `<backup>/<fileID[:2]>/<fileID>` with fileID = sha1(domain + "-" + relativePath).
`Manifest.db` (table `Files`) is asked for the Messages and call-history databases and their `-wal`/
`-shm` sidecars; when it lacks a row, the well-known fileID is tried. Each database is read by the
ios_sms / ios_calls readers, so rows carry source_format "ios_sms"/"ios_calls" and a source_file that
points at the hashed file inside the backup.

Encrypted backups (Manifest.plist IsEncrypted, or an unreadable Manifest.db) cannot be read without
the password: the user is told how to make an unencrypted backup instead.
"""
from __future__ import annotations

import hashlib
import plistlib
from pathlib import Path

import pandas as pd

from ..errors import UnreadableSource
from .base import Importer, IssueLog, ReadContext, empty_raw_frame, read_head
from .ios_calls import IosCallsImporter
from .ios_sms import IosSmsImporter
from .sqlite_base import SIDECARS, is_sqlite, open_readonly

NAME = "ios_backup"
HOME = "HomeDomain"
SMS_DB = "Library/SMS/sms.db"
CALL_DBS = ("Library/CallHistoryDB/CallHistory.storedata", "Library/CallHistoryDB/CallHistoryTemp.storedata")
ENCRYPTED_HELP = (
    "is an ENCRYPTED iOS backup and cannot be read without its password. Make an unencrypted backup: "
    "in iTunes/Finder untick 'Encrypt local backup' (this asks for the backup password), or in 爱思助手 "
    "turn off 备份加密, then back up again and import the new folder")


# the readers of the databases the backup stores (their own importers, given the stored files)
SMS_READER, CALLS_READER = IosSmsImporter(), IosCallsImporter()


def file_id(domain: str, relative_path: str) -> str:
    return hashlib.sha1(f"{domain}-{relative_path}".encode("utf-8")).hexdigest()


def _is_encrypted(folder: Path) -> bool:
    plist = folder / "Manifest.plist"
    if not plist.is_file():
        return False
    try:
        with open(plist, "rb") as fh:
            return bool(plistlib.load(fh).get("IsEncrypted", False))
    except (OSError, plistlib.InvalidFileException, ValueError, AttributeError):
        return False


class IosBackupImporter(Importer):
    NAME = NAME
    DESCRIPTION = "iOS backup folder (iTunes/Finder/爱思助手, Manifest.db): sms.db + CallHistory.storedata"
    HANDLES_DIRECTORIES = True

    def sniff(self, path: Path, head: bytes) -> bool:
        if not path.is_dir():
            return False
        return (path / "Manifest.db").is_file() or (
            (path / "Manifest.plist").is_file() and (path / "Info.plist").is_file())

    def _locate(self, folder: Path, ctx: ReadContext, absent: dict[str, str] | None = None,
                ) -> dict[str, tuple[Path, dict[str, Path]]]:
        """relativePath → (stored db file, {suffix: stored sidecar}) for the databases present; `absent`
        gets relativePath → fileID for each file Manifest.db lists that the folder does not hold."""
        label = ctx.source_name or str(folder)
        if _is_encrypted(folder):
            raise UnreadableSource(f"{label} {ENCRYPTED_HELP}")
        manifest = folder / "Manifest.db"
        if not manifest.is_file():
            raise UnreadableSource(f"{label}: no Manifest.db (iOS 9 or older backups, Manifest.mbdb, "
                                   "are not supported)")
        if not is_sqlite(read_head(manifest, 16)):
            raise UnreadableSource(f"{label} {ENCRYPTED_HELP} (Manifest.db is not plain SQLite)")
        wanted = [SMS_DB, *CALL_DBS]
        paths = [p + s for p in wanted for s in ("", *SIDECARS)]
        ids: dict[str, str] = {}
        try:
            with open_readonly(manifest, label=f"{label}/Manifest.db") as conn:
                marks = ",".join("?" * len(paths))
                for fid, rel in conn.execute(
                        f"SELECT fileID, relativePath FROM Files WHERE domain = ? AND relativePath IN ({marks})",
                        [HOME, *paths]):
                    ids[rel] = fid
        except UnreadableSource as exc:
            raise UnreadableSource(f"{label} {ENCRYPTED_HELP} ({exc})") from exc
        except Exception as exc:  # noqa: BLE001 - a Manifest.db without Files table is a damaged backup
            raise UnreadableSource(f"{label}: Manifest.db has no readable Files table ({exc})") from exc
        found: dict[str, tuple[Path, dict[str, Path]]] = {}
        if absent is not None:
            absent.update({rel: fid for rel, fid in ids.items() if self._stored(folder, fid) is None})
        for rel in wanted:
            stored = self._stored(folder, ids.get(rel) or file_id(HOME, rel))
            if stored is None:
                continue
            sidecars = {}
            for suffix in SIDECARS:
                side = self._stored(folder, ids.get(rel + suffix) or file_id(HOME, rel + suffix))
                if side is not None:
                    sidecars[suffix] = side
            found[rel] = (stored, sidecars)
        return found

    @staticmethod
    def _stored(folder: Path, fid: object) -> Path | None:
        # A fileID is 40 hex digits; anything else in a damaged/crafted Manifest.db (a BLOB, `../..`,
        # a 10,000-character name) must not become a path.
        if not (isinstance(fid, str) and len(fid) == 40 and all(c in "0123456789abcdefABCDEF" for c in fid)):
            return None
        for candidate in (folder / fid[:2] / fid, folder / fid):
            if candidate.is_file():
                return candidate
        return None

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        label = ctx.source_name or str(path)
        absent: dict[str, str] = {}
        found = self._locate(path, ctx, absent)
        for rel, fid in sorted(absent.items()):
            if any(rel == base + suffix and base in absent for base in absent for suffix in SIDECARS):
                continue  # the database itself is gone: its -wal/-shm need no line of their own
            lost = ("no messages imported" if rel == SMS_DB else "no calls imported from it" if rel in CALL_DBS
                    else "rows only in this write-ahead log cannot be read")
            where = f"no {fid[:2]}/{fid}" if isinstance(fid, str) and fid else "its fileID is empty"
            ctx.issues.add(label, rel, f"listed in Manifest.db (fileID {fid}) but absent from the backup "
                                       f"({where}); {lost}")
        if SMS_DB not in found and SMS_DB not in absent:
            ctx.issues.add(label, SMS_DB, "backup holds no Messages database (sms.db); no messages imported")
        if not any(rel in found or rel in absent for rel in CALL_DBS):
            ctx.issues.add(label, CALL_DBS[0], "backup holds no call history; no calls imported")
        frames = []
        for rel, (stored, sidecars) in found.items():
            source_file = f"{label}/{stored.relative_to(path).as_posix()}"
            reader = SMS_READER if rel == SMS_DB else CALLS_READER
            frame = reader.read_db(stored, ctx, source_file, sidecars, label=f"{source_file} ({rel})")
            if len(frame):
                frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else empty_raw_frame()

    def evidence_files(self, path: Path) -> list[Path]:
        """Manifest files plus every database and sidecar read (only the manifests when unreadable)."""
        files = [path / n for n in ("Manifest.db", "Manifest.plist", "Info.plist", "Status.plist")
                 if (path / n).is_file()]
        try:
            located = self._locate(path, ReadContext(IssueLog()))
        except UnreadableSource:
            return files
        for stored, sidecars in located.values():
            files += [stored, *sidecars.values()]
        return files

    def count(self, path: Path, ctx: ReadContext) -> int:
        total = 0
        for rel, (stored, sidecars) in self._locate(path, ctx).items():
            with open_readonly(stored, sidecars, label=str(stored)) as conn:
                total += (SMS_READER if rel == SMS_DB else CALLS_READER).count_connection(conn)
        return total
