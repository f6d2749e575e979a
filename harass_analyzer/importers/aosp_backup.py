"""AOSP `adb backup` telephony files `NNNNNN_sms_backup` / `NNNNNN_mms_backup` (formats.md §0 K, §5).

Found inside an Android backup tar under `apps/com.android.providers.telephony/d_f/`. Each is a
zlib-deflated JSON array written by TelephonyBackupAgent:
* SMS objects: `address`, `body`, `date` (ms, as a string), `date_sent`, `type` (AOSP sms type), …
* MMS objects: `date` in SECONDS, `msg_box`, `m_type`, `mms_addresses` [{type 137 from / 151 to …}],
  `mms_body`.
Direction comes from `type`/`msg_box`, never from `date_sent` (mvt's pitfall, formats.md §5).
Inflation is capped (MAX_INFLATED) so a zlib bomb becomes an UnreadableSource, not an OOM.
"""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pandas as pd

from ..errors import UnreadableSource
from ..android_codes import MMS_BOXES, SMS_TYPES
from .android_mmssms import ADDR_BCC, ADDR_CC, ADDR_FROM, ADDR_PLACEHOLDER, ADDR_TO
from .base import Importer, RawColumns, ReadContext

NAME = "aosp_backup"
MAX_INFLATED = 1 << 30  # 1 GiB of JSON is far beyond any real phone's message history
ZLIB_SECOND_BYTES = {0x01, 0x5E, 0x9C, 0xDA}


def _int(value: object, default: int = -1) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def inflate_limited(data: bytes, limit: int, label: str) -> bytes:
    """zlib-inflate `data`, refusing output larger than `limit` bytes."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise UnreadableSource(f"{label}: damaged zlib data ({exc})") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise UnreadableSource(f"{label}: inflates to more than {limit} bytes; refused as a possible zip bomb")
    return out


def _looks_like_backup(head: bytes) -> bool:
    if len(head) < 2 or head[0] != 0x78 or head[1] not in ZLIB_SECOND_BYTES:
        return False
    try:
        start = zlib.decompressobj().decompress(head, 64).lstrip()
    except zlib.error:
        return False
    return start.startswith(b"[") and (start[1:].lstrip().startswith(b"{") or start[1:].lstrip() in (b"", b"]"))


def _add_sms(obj: dict, ref: str, out: RawColumns, ctx: ReadContext) -> None:
    ts = _int(obj.get("date"))
    if ts <= 0:
        ctx.issues.add(out.source_file, ref, f"SMS skipped: date {obj.get('date')!r} is not epoch milliseconds")
        return
    direction, status = SMS_TYPES.get(_int(obj.get("type")), ("in", "unknown"))
    address = obj.get("address")
    if not address and isinstance(obj.get("recipients"), list):
        address = ";".join(str(r) for r in obj["recipients"])
    out.add("sms", direction, ts, str(address or ""), ref, msg_status=status, body=str(obj.get("body") or ""))


def _add_mms(obj: dict, ref: str, out: RawColumns, ctx: ReadContext) -> None:
    seconds = _int(obj.get("date"))
    if seconds <= 0:
        ctx.issues.add(out.source_file, ref, f"MMS skipped: date {obj.get('date')!r} is not epoch seconds")
        return
    direction, status = MMS_BOXES.get(_int(obj.get("msg_box")), ("in", "unknown"))
    by_type: dict[int, list[str]] = {}
    for addr in obj.get("mms_addresses") or []:
        if isinstance(addr, dict) and addr.get("address") and addr.get("address") != ADDR_PLACEHOLDER:
            by_type.setdefault(_int(addr.get("type")), []).append(str(addr["address"]))
    if direction == "in":
        people = by_type.get(ADDR_FROM, [])
    else:
        people = [a for t in (ADDR_TO, ADDR_CC, ADDR_BCC) for a in by_type.get(t, [])]
    if not people and isinstance(obj.get("recipients"), list):
        people = [str(r) for r in obj["recipients"]]
    out.add("mms", direction, seconds * 1000, ";".join(dict.fromkeys(people)), ref, msg_status=status,
            body=str(obj.get("mms_body") or ""))


def _load(path: Path, label: str) -> list:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableSource(f"{label}: cannot read ({exc.strerror or exc})") from exc
    text = inflate_limited(data, MAX_INFLATED, label)
    try:
        records = json.loads(text.decode("utf-8", errors="replace"))
    except ValueError as exc:
        raise UnreadableSource(f"{label}: inflated data is not JSON ({exc})") from exc
    if not isinstance(records, list):
        raise UnreadableSource(f"{label}: expected a JSON array of messages")
    return records


class AospBackupImporter(Importer):
    NAME = NAME
    DESCRIPTION = "AOSP adb-backup telephony files *_sms_backup / *_mms_backup (zlib JSON)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return _looks_like_backup(head)

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        out = RawColumns(ctx.source_name or str(path), NAME)
        for i, obj in enumerate(_load(path, out.source_file)):
            ref = f"json[{i}]"
            if not isinstance(obj, dict):
                ctx.issues.add(out.source_file, ref, "entry is not a JSON object; skipped")
            elif "msg_box" in obj or "mms_addresses" in obj or "m_type" in obj:
                _add_mms(obj, ref, out, ctx)
            else:
                _add_sms(obj, ref, out, ctx)
        return out.frame()

    def count(self, path: Path, ctx: ReadContext) -> int:
        return len(_load(path, ctx.source_name or str(path)))
