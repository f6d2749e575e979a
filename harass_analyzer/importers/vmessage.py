"""vMessage `.vmsg` / `.vmg` (OPPO/ColorOS `sms.vmsg`, Meizu, Samsung Kies, Nokia), formats.md §4.5.

BEGIN:VMSG … X-IRMC-BOX:INBOX|SENDBOX… [X-MESSAGE-TYPE:DELIVER|SUBMIT] [X-NOK-DT:…Z] BEGIN:VCARD TEL:…
END:VCARD BEGIN:VENV [recipient VCARD] BEGIN:VBODY Date:2013/12/26 20:56:00 <text…> END:VBODY END:VENV END:VMSG

`Date:` is LOCAL time without a zone (read in ctx.tz); `X-NOK-DT`/`X-SS-DT` ending in Z are UTC.
Bodies may be plain lines or a `TEXT;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:` / `…;ENCODING=BASE64:`
property. Only exact `END:VBODY` ends a body, so text lines starting with `END:` survive. Files may be
UTF-8, GB18030 or UTF-16 (Nokia/Kies), with CRLF or LF.
"""
from __future__ import annotations

import base64
import binascii
import quopri
import re
from pathlib import Path

import pandas as pd

from ..errors import UnreadableSource
from .base import Importer, RawColumns, ReadContext
from .tabular_columns import canonical_local, decode_head, detect_encoding, local_to_epoch_ms, split_lines

BOXES = {"INBOX": ("in", "received"), "SENDBOX": ("out", "sent"), "SENT": ("out", "sent"),
         "SENTBOX": ("out", "sent"), "SENDED": ("out", "sent"), "OUTBOX": ("out", "outbox"),
         "DRAFT": ("out", "draft"), "DRAFTS": ("out", "draft"), "DRAFTBOX": ("out", "draft"),
         "FAILED": ("out", "failed"), "FAILBOX": ("out", "failed")}
MESSAGE_TYPES = {"DELIVER": ("in", "received"), "SUBMIT": ("out", "sent")}
UTC_PROPS = ("X-NOK-DT", "X-SS-DT")
BODY_PROPS = ("TEXT", "X-BODY-CONTENTS", "BODY")
_PROP = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<params>(?:;[^:]*)?):(?P<value>.*)$", re.S)
_BODY_HEADERS = ("DATE", "DATEORIGIN", "SUBJECT", "X-IRMC-BOX", "X-BOX", "X-IRMC-STATUS", "X-MESSAGE-TYPE",
                 "X-NOK-DT", "X-SS-DT", "X-LOCKED", "X-READ", "X-SIMID", "X-TYPE")


def _params(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in raw.split(";")[1:]:
        key, _, value = part.partition("=")
        if value:
            out[key.strip().upper()] = value.strip()
        elif key.strip().upper() in ("QUOTED-PRINTABLE", "BASE64", "B"):
            out["ENCODING"] = key.strip()
    return out


def decode_value(params: dict[str, str], value: str) -> str:
    """A property value after QUOTED-PRINTABLE or BASE64 transfer decoding, in its CHARSET."""
    encoding = params.get("ENCODING", "").upper()
    charset = params.get("CHARSET", "utf-8")
    if encoding == "QUOTED-PRINTABLE":
        raw = quopri.decodestring(value.encode("latin-1", errors="replace"))
    elif encoding in ("BASE64", "B"):
        raw = base64.b64decode("".join(value.split()), validate=False)
    else:
        return value
    try:
        return raw.decode(charset)
    except (LookupError, ValueError):  # unknown charset, bad bytes, or a NUL inside the CHARSET name
        return raw.decode("utf-8", errors="replace")


class VMessageImporter(Importer):
    NAME = "vmessage"
    DESCRIPTION = "vMessage .vmsg/.vmg (OPPO/OnePlus sms.vmsg, Meizu, Samsung Kies, Nokia)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return decode_head(head).lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VMSG")

    def count(self, path: Path, ctx: ReadContext) -> int:
        return sum(1 for line in self._lines(path) if line.strip().upper() == "BEGIN:VMSG")

    @staticmethod
    def _lines(path: Path) -> list[str]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableSource(f"{path}: cannot read ({exc.strerror or exc})") from exc
        encoding = detect_encoding(data)
        if encoding is None:
            raise UnreadableSource(f"{path}: text encoding not recognized")
        return split_lines(data.decode(encoding, errors="replace").lstrip("\ufeff"))

    def read(self, path: Path, ctx: ReadContext) -> pd.DataFrame:
        source = ctx.source_name or str(path)
        lines = self._lines(path)
        parsed: list[dict] = []
        record: dict | None = None
        n = 0
        i = 0
        while i < len(lines):
            line = lines[i]
            token = line.strip().upper()
            if token == "BEGIN:VMSG" and record is None:
                n += 1
                record = {"ref": f"vmsg[{n}] line {i + 1}", "props": {}, "cards": [], "body": None, "env": 0}
            elif record is None:
                if token:
                    ctx.issues.add(source, f"line {i + 1}", "text outside BEGIN:VMSG … END:VMSG ignored")
            elif token == "END:VMSG":
                parsed.append(record)
                record = None
            elif token == "BEGIN:VENV":
                record["env"] += 1
            elif token == "END:VENV":
                record["env"] -= 1
            elif token == "BEGIN:VCARD":
                i = self._card(lines, i + 1, record)
            elif token == "BEGIN:VBODY":
                i = self._body(lines, i + 1, record)
            elif m := _PROP.match(line):
                record["props"].setdefault(m["name"].upper(), m["value"].strip())
            i += 1
        if record is not None:
            ctx.issues.add(source, record["ref"], "file ends inside this message (no END:VMSG); imported as far as read")
            parsed.append(record)
        return self._columns(parsed, source, ctx)

    @staticmethod
    def _card(lines: list[str], i: int, record: dict) -> int:
        card = {"env": record["env"], "tel": "", "name": ""}
        while i < len(lines) and lines[i].strip().upper() != "END:VCARD":
            m = _PROP.match(lines[i])
            if m:
                value = m["value"]
                params = _params(m["params"])
                while params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE" and value.endswith("=") \
                        and i + 1 < len(lines):
                    i += 1
                    value = value[:-1] + lines[i]
                name = m["name"].upper()
                if name == "TEL" and not card["tel"]:
                    card["tel"] = value.strip()
                elif name == "FN" or name == "N" and not card["name"]:
                    try:
                        decoded = decode_value(params, value)
                    except ValueError:  # binascii.Error or non-ASCII BASE64: keep the raw text as the name
                        decoded = value
                    card["name"] = " ".join(p for p in decoded.split(";") if p.strip())
            i += 1
        record["cards"].append(card)
        return i

    @staticmethod
    def _body(lines: list[str], i: int, record: dict) -> int:
        start = i
        while i < len(lines) and lines[i].strip().upper() != "END:VBODY":
            i += 1
        body_lines = lines[start:i]
        k = 0
        while k < len(body_lines) and (m := _PROP.match(body_lines[k])) and m["name"].upper() in _BODY_HEADERS:
            record["props"].setdefault(m["name"].upper(), m["value"].strip())
            k += 1
        rest = body_lines[k:]
        m = _PROP.match(rest[0]) if rest else None
        if m and m["name"].upper() in BODY_PROPS and m["params"]:
            params = _params(m["params"])
            value, extra = m["value"], rest[1:]
            if params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE":
                while value.endswith("=") and extra:
                    value, extra = value[:-1] + extra[0], extra[1:]
            elif params.get("ENCODING", "").upper() in ("BASE64", "B"):
                value, extra = value + "".join(extra), []
            try:
                text = decode_value(params, value)
            except (binascii.Error, ValueError):
                text = value
                record["bad_body"] = True
            rest = [text, *extra]
        while rest and rest[-1] == "":
            rest.pop()
        record["body"] = "\n".join(rest)
        return i

    def _columns(self, parsed: list[dict], source: str, ctx: ReadContext) -> pd.DataFrame:
        texts: list[str | None] = []
        utc: list[bool] = []
        for rec in parsed:
            props = rec["props"]
            text, is_utc = None, False
            for key in UTC_PROPS:
                if key in props and (cand := canonical_local(props[key]))[1]:
                    text, is_utc = cand
                    break
            if text is None and "DATE" in props:
                text, is_utc = canonical_local(props["DATE"])
            texts.append(text)
            utc.append(is_utc)
        stamps = local_to_epoch_ms(texts, utc, ctx.tz)
        cols = RawColumns(source, self.NAME)
        for rec, ts in zip(parsed, stamps):
            props = rec["props"]
            origin = props.get("DATEORIGIN", "")
            if ts is None and origin.isdigit():
                ts = int(origin) if len(origin) >= 12 else int(origin) * 1000
            if ts is None:
                ctx.issues.add(source, rec["ref"], f"message skipped: Date {props.get('DATE')!r} is not a readable time")
                continue
            box = props.get("X-IRMC-BOX") or props.get("X-BOX") or ""
            direction, status = BOXES.get(box.upper(), MESSAGE_TYPES.get(props.get("X-MESSAGE-TYPE", "").upper(),
                                                                        ("", "")))
            if not direction:
                direction, status = "in", "unknown"
                ctx.issues.add(source, rec["ref"], f"folder {box!r} unknown; imported as incoming, status unknown")
            if rec.get("bad_body"):
                ctx.issues.add(source, rec["ref"], "body encoding damaged; imported undecoded")
            number, name = self._counterpart(rec["cards"], direction)
            cols.add("sms", direction, ts, number, rec["ref"], msg_status=status, contact_name=name,
                     body=rec["body"] or "")
        return cols.frame()

    @staticmethod
    def _counterpart(cards: list[dict], direction: str) -> tuple[str, str]:
        """Incoming: the originator card (outside VENV); outgoing: a recipient card (inside VENV) when it has
        a number, else the only card (OPPO writes the counterpart there for both directions)."""
        originators = [c for c in cards if c["env"] == 0 and c["tel"]]
        recipients = [c for c in cards if c["env"] > 0 and c["tel"]]
        order = originators + recipients if direction == "in" else recipients + originators
        return (order[0]["tel"], order[0]["name"]) if order else ("", "")
