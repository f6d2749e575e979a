"""Android backup containers: `adb backup` `.ab` and Xiaomi MIUI `.bak` (formats.md §4.2, §6.2).

Layout: `[MIUI BACKUP\n… 5 header lines]` + `ANDROID BACKUP\n<version>\n<compress 0|1>\n<none|AES-256>\n`
+ a tar stream (zlib-deflated when compress = 1). The tar is read as a stream; members that some
importer recognises (SQLite databases with their `-wal`/`-shm`, AOSP `*_sms_backup` JSON, XML…) are
copied to a private temp folder and imported there with the ordinary importers. Inner rows keep the
inner importer's source_format and get source_file `<container>!<member path>`.

Guards: absolute or `../` member names are refused; inflated bytes, member sizes and member counts are
capped, so a tar/zlib bomb ends as an UnreadableSource or a logged issue, never a full disk.
Encrypted backups (a password was set) cannot be read: the user is told so.
"""
from __future__ import annotations

import io
import shutil
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import pandas as pd

from ..errors import UnreadableSource
from .base import HEAD_BYTES, Importer, ReadContext, empty_raw_frame, temp_folder
from .detection import detect_among
from .sqlite_base import SIDECARS, is_sqlite

NAME = "android_backup"
AB_MAGIC = b"ANDROID BACKUP\n"
MIUI_MAGIC = b"MIUI BACKUP\n"
MAX_INFLATED = 16 << 30  # bytes of tar stream read in total
MAX_MEMBER = 4 << 30     # one extracted member
MAX_MEMBERS = 200_000
# Inner members are not offered to these: nested containers, and the loose CSV/XLSX sniffer, which would
# claim any app's data file inside a full-device backup.
INNER_EXCLUDED = {NAME, "tabular"}
ENCRYPTED_HELP = ("is an ENCRYPTED Android backup (a backup password was set) and cannot be read. Back the "
                  "phone up again without a password (MIUI 本地备份: do not set a 备份密码; adb backup: leave "
                  "the password empty) and import the new file")


class _InflatingReader(io.RawIOBase):
    """A read-only stream inflating zlib data on the fly, refusing more than `limit` output bytes.

    Linear and bounded: each step inflates at most STEP bytes (zlib's max_length; input it did not use
    waits in unconsumed_tail), and a read hands out a slice of that block by position. (Appending every
    inflated chunk and cutting the head off after each read copied the rest of the buffer each time:
    a member inflating 1000:1 took minutes.)"""

    STEP = 1 << 20

    def __init__(self, raw: BinaryIO, limit: int, label: str, compressed: bool) -> None:
        self.raw, self.limit, self.label, self.compressed = raw, limit, label, compressed
        self.inflater = zlib.decompressobj()
        self.block = b""
        self.pos = 0
        self.total = 0
        self.eof = False

    def readable(self) -> bool:
        return True

    def _next_block(self) -> bytes:
        """The next at most STEP output bytes (b"" at the end of the stream)."""
        if not self.compressed:
            return self.raw.read(self.STEP)
        while True:
            pending = self.inflater.unconsumed_tail or self.raw.read(1 << 16)
            try:
                if pending:
                    data = self.inflater.decompress(pending, self.STEP)
                else:
                    data = self.inflater.flush()
            except zlib.error as exc:
                raise UnreadableSource(f"{self.label}: damaged compressed data ({exc})") from exc
            if data or not pending or self.inflater.eof:
                return data

    def readinto(self, b) -> int:  # type: ignore[override]
        if self.pos >= len(self.block):
            if self.eof:
                return 0
            self.block, self.pos = self._next_block(), 0
            if not self.block:
                self.eof = True
                return 0
            self.total += len(self.block)
            if self.total > self.limit:
                raise UnreadableSource(f"{self.label}: backup inflates to more than {self.limit} bytes; "
                                       "refused as a possible zip bomb")
        n = min(len(b), len(self.block) - self.pos)
        b[:n] = self.block[self.pos:self.pos + n]
        self.pos += n
        return n


def parse_header(fh: BinaryIO, label: str) -> tuple[int, bool]:
    """(payload offset, compressed) of an .ab or MIUI .bak; UnreadableSource if encrypted or not a backup."""
    head = fh.read(HEAD_BYTES)
    start = head.find(AB_MAGIC)
    if start < 0 or (start > 0 and not head.startswith(MIUI_MAGIC)):
        raise UnreadableSource(f"{label}: no 'ANDROID BACKUP' header found")
    lines = head[start + len(AB_MAGIC):].split(b"\n", 3)
    if len(lines) < 4:
        raise UnreadableSource(f"{label}: Android backup header is cut short")
    version, compress, encryption = (x.strip().decode("ascii", errors="replace") for x in lines[:3])
    if encryption.lower() != "none":
        raise UnreadableSource(f"{label} {ENCRYPTED_HELP} (encryption: {encryption})")
    if compress not in ("0", "1"):
        raise UnreadableSource(f"{label}: unknown compression flag {compress!r} (version {version})")
    offset = start + len(AB_MAGIC) + sum(len(x) + 1 for x in lines[:3])
    return offset, compress == "1"


def _safe_parts(name: str) -> tuple[str, ...] | None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or any(p in ("..", "") for p in pure.parts) or ":" in (pure.parts[0] if pure.parts else ""):
        return None
    return pure.parts or None


class AndroidContainerImporter(Importer):
    NAME = NAME
    DESCRIPTION = "Android backup .ab (adb backup) and Xiaomi MIUI .bak, unencrypted: imports the SMS/call data inside"

    def __init__(self, registered: Callable[[], list[Importer]]) -> None:
        # The registry's list, handed in by the registry: importing it here would be an import cycle.
        self.registered = registered

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith(AB_MAGIC) or (head.startswith(MIUI_MAGIC) and AB_MAGIC in head)

    def _wanted(self, name: str, head: bytes) -> bool:
        if is_sqlite(head) or name.endswith(SIDECARS):
            return True
        fake = Path(name)  # not on disk yet: sniffers decide from `head`
        for imp in self.registered():
            if imp.HANDLES_DIRECTORIES or imp.NAME in INNER_EXCLUDED:
                continue
            try:
                if imp.sniff(fake, head):
                    return True
            except OSError:
                continue  # a sniffer that needs the file on disk cannot judge a member by its head
        return False

    def _extract(self, path: Path, label: str, dest: Path, ctx: ReadContext) -> list[tuple[str, Path]]:
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise UnreadableSource(f"{label}: cannot open ({exc.strerror or exc})") from exc
        extracted: list[tuple[str, Path]] = []
        with fh:
            offset, compressed = parse_header(fh, label)
            fh.seek(offset)
            stream = io.BufferedReader(_InflatingReader(fh, MAX_INFLATED, label, compressed), 1 << 16)
            seen = 0
            try:
                with tarfile.open(fileobj=stream, mode="r|") as tar:
                    for member in tar:
                        seen += 1
                        if seen > MAX_MEMBERS:
                            ctx.issues.add(label, member.name, f"more than {MAX_MEMBERS} members; rest not read")
                            break
                        if not member.isfile():
                            continue
                        parts = _safe_parts(member.name)
                        if parts is None:
                            ctx.issues.add(label, member.name, "unsafe member path (absolute or '..'); skipped")
                            continue
                        if member.size > MAX_MEMBER:
                            ctx.issues.add(label, member.name, f"member larger than {MAX_MEMBER} bytes; skipped")
                            continue
                        src = tar.extractfile(member)
                        if src is None:
                            continue
                        head = src.read(HEAD_BYTES)
                        if not self._wanted(member.name, head):
                            continue
                        target = dest.joinpath(*parts)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with open(target, "wb") as out:
                            out.write(head)
                            shutil.copyfileobj(src, out)
                        extracted.append(("/".join(parts), target))
            except tarfile.TarError as exc:
                if not extracted and seen == 0:
                    raise UnreadableSource(f"{label}: payload is not a tar archive ({exc})") from exc
                ctx.issues.add(label, f"after member {seen}", f"tar stream breaks ({exc}); later members not read")
            except (EOFError, zlib.error) as exc:
                ctx.issues.add(label, f"after member {seen}", f"backup ends early ({exc}); later members not read")
        return extracted

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        label = ctx.source_name or str(path)
        frames = []
        with temp_folder("harass_backup_", label) as tmp:
            members = self._extract(path, label, Path(tmp), ctx)
            for member, target in members:
                if member.endswith(SIDECARS):
                    continue
                inner_label = f"{label}!{member}"
                try:
                    imp = detect_among(self.registered(), target)
                    if imp is None or imp.NAME in INNER_EXCLUDED:
                        continue
                    frame = imp.read(target, ReadContext(ctx.issues, tz=ctx.tz, source_name=inner_label,
                                                         column_map=ctx.column_map))
                except UnreadableSource as exc:
                    ctx.issues.add(inner_label, "", f"member not imported: {exc}")
                    continue
                if len(frame):
                    frames.append(frame)
        if not members:
            ctx.issues.add(label, "", "backup holds no SMS, MMS or call-log data that this tool can read")
        return pd.concat(frames, ignore_index=True) if frames else empty_raw_frame()
