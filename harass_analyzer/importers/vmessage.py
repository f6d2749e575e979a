"""vMessage `.vmsg` / `.vmg` (OPPO/ColorOS `sms.vmsg`, Meizu, Samsung Kies, Nokia), formats.md §4.5.

BEGIN:VMSG … X-IRMC-BOX:INBOX|SENDBOX… [X-MESSAGE-TYPE:DELIVER|SUBMIT] [X-NOK-DT:…Z] BEGIN:VCARD TEL:…
END:VCARD BEGIN:VENV [recipient VCARD] BEGIN:VBODY Date:2013/12/26 20:56:00 <text…> END:VBODY END:VENV END:VMSG

Dialects read (DIALECTS below; `harass-analyzer formats` lists them):
* headers at the top of VBODY in any order, known or not: OPPO/ColorOS writes `X-SEEN:` and `BlockType:`
  before `Date:`. An unknown header-shaped line counts as a header while a known or `X-` header follows it
  (so a body line such as `Note: pay today` after the headers stays text).
* the text as plain lines, or as a property: `TEXT;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:`,
  `X-BODY-CONTENTS;ENCODING=BASE64:`, `Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:` and OPPO's
  `SubjectENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:` (no `;` before ENCODING). Quoted-printable `=` soft
  breaks, folded lines (leading space/tab) and base64 continuation lines are joined, then decoded in the
  given CHARSET. A Subject and body lines are both kept (joined by a newline) unless they are the same text.
* time: `X-NOK-DT`/`X-SS-DT` ending in Z (UTC), else `DateOrigin` (OPPO: absolute epoch ms, or seconds),
  else `Date:` read as LOCAL time in ctx.tz. When `DateOrigin` is used and the phone's own `Date:` shows a
  UTC offset other than ctx.tz's, one note per file in import_issues.csv says so (the offset the phone was
  on and how many messages): the times are right, but the phone's clock zone is part of the evidence.
Only exact `END:VBODY` ends a body, so text lines starting with `END:` survive. Files may be UTF-8, GB18030
or UTF-16 (Nokia/Kies), with CRLF or LF.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

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
DIALECTS = (
    "vMessage 1.1 (Nokia/Samsung Kies/Meizu): Date: local time, text as plain lines",
    "TEXT;ENCODING=QUOTED-PRINTABLE;CHARSET=… or X-BODY-CONTENTS;ENCODING=BASE64: bodies",
    "OPPO/ColorOS sms.vmsg: X-SEEN:/BlockType: headers, DateOrigin: epoch ms, SubjectENCODING=QUOTED-PRINTABLE;…: body",
    "Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8: bodies with = soft breaks over several lines",
    "X-NOK-DT:/X-SS-DT: UTC times (Nokia/Samsung)",
)
_PROP = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?P<params>(?:;[^:]*)?):(?P<value>.*)$", re.S)
# A text property, also in OPPO's spelling with ENCODING glued to the name (`SubjectENCODING=…;CHARSET=…:`).
_TEXT_PROP = re.compile(r"^(?P<name>SUBJECT|TEXT|X-BODY-CONTENTS|BODY)"
                        r"(?P<params>;[^:]*|(?:ENCODING|CHARSET)=[^:]*)?:(?P<value>.*)$", re.S | re.I)
_BODY_HEADERS = ("DATE", "DATEORIGIN", "X-IRMC-BOX", "X-BOX", "X-IRMC-STATUS", "X-MESSAGE-TYPE",
                 "X-NOK-DT", "X-SS-DT", "X-LOCKED", "X-READ", "X-SIMID", "X-TYPE")
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=\s]+$")


def _params(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (raw if raw.startswith(";") else ";" + raw).split(";")[1:]:
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
        try:  # text a writer left unencoded goes back to the bytes it was, in its charset
            data = value.encode("ascii") if value.isascii() else value.encode(charset)
        except (LookupError, ValueError):
            data = value.encode("utf-8", errors="replace")
        raw = quopri.decodestring(data)
    elif encoding in ("BASE64", "B"):
        raw = base64.b64decode("".join(value.split()), validate=False)
    else:
        return value
    try:
        codec = codecs.lookup(charset).name
    except (LookupError, ValueError):  # unknown charset, or a NUL inside the CHARSET name
        codec = "utf-8"
    return raw.decode(codec)  # bytes invalid in it raise UnicodeDecodeError: the caller keeps the raw text


def _continued(lines: list[str], i: int, value: str, encoding: str) -> tuple[str, int]:
    """A property value with its continuation lines joined: `=` soft breaks (quoted-printable), folded
    lines starting with a space or tab, and the lines of a base64 block; returns (value, next line)."""
    i += 1
    while i < len(lines):
        line = lines[i]
        if encoding == "QUOTED-PRINTABLE" and value.endswith("="):
            value = value[:-1] + line
        elif line[:1] in (" ", "\t") and line.strip():
            value += line[1:]
        elif encoding in ("BASE64", "B") and line.strip() and _BASE64_LINE.match(line) and ":" not in line:
            value += line.strip()
        else:
            break
        i += 1
    return value, i


def _text_prop(lines: list[str], i: int, in_headers: bool) -> tuple[str | None, int, bool]:
    """(decoded text, next line, damaged) when line i is a text property, else (None, i, False). A bare
    `Subject:` counts only among the headers; TEXT/BODY need parameters (else `Text: …` is message text)."""
    m = _TEXT_PROP.match(lines[i])
    if m is None or not (m["params"] or (in_headers and m["name"].upper() == "SUBJECT")):
        return None, i, False
    params = _params(m["params"] or "")
    value, nxt = _continued(lines, i, m["value"], params.get("ENCODING", "").upper())
    try:
        return decode_value(params, value), nxt, False
    except (binascii.Error, ValueError):
        return value, nxt, True


class VMessageImporter(Importer):
    NAME = "vmessage"
    DESCRIPTION = "vMessage .vmsg/.vmg (OPPO/OnePlus sms.vmsg, Meizu, Samsung Kies, Nokia)"
    DIALECTS = DIALECTS

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
            elif (text := _text_prop(lines, i, True))[0] is not None:
                record.setdefault("outer", []).append(text[0])  # a Subject outside VBODY
                record["bad_body"] = record.get("bad_body", False) or text[2]
                i = text[1]
                continue
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
        VMessageImporter._read_body(lines[start:i], record)
        return i

    @staticmethod
    def _read_body(lines: list[str], record: dict) -> None:
        """Headers (known, `X-`, or unknown ones a known header follows), then text: plain lines and text
        properties in the order written."""
        parts: list[str] = []
        pending: list[int] = []  # unknown header-shaped lines, headers only if a known header follows
        in_headers = True
        k = 0
        while k < len(lines):
            text, nxt, damaged = _text_prop(lines, k, in_headers)
            if text is not None:
                if damaged:
                    record["bad_body"] = True
                if text:  # an empty `Subject:` adds no blank line before the text
                    parts.append(text)
                pending, k = [], nxt
                continue
            m = _PROP.match(lines[k]) if in_headers else None
            if m is not None:
                name = m["name"].upper()
                if name in _BODY_HEADERS or name.startswith("X-"):
                    record["props"].setdefault(name, m["value"].strip())
                    pending = []
                else:
                    pending.append(k)
                k += 1
                continue
            if pending:  # the unknown "headers" were text after all: read them again as text
                k, pending = pending[0], []
            in_headers = False
            parts.append(lines[k])
            k += 1
        parts += [lines[p] for p in pending]
        while parts and parts[-1] == "":
            parts.pop()
        if len(parts) == 2 and parts[0].strip() == parts[1].strip():
            parts = parts[:1]  # a Subject repeating the text
        record["body"] = "\n".join(parts)

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
        as_utc = local_to_epoch_ms(texts, [True] * len(texts), ctx.tz)  # the phone's wall clock read as UTC
        offsets: Counter[int] = Counter()  # phone's UTC offset (minutes) where it differs from ctx.tz
        cols = RawColumns(source, self.NAME)
        for rec, ts, wall, is_utc in zip(parsed, stamps, as_utc, utc):
            props = rec["props"]
            origin = _origin_ms(props.get("DATEORIGIN", ""))
            if origin is not None and not is_utc:
                if wall is not None and (minutes := _offset_minutes(wall, origin)) != _zone_minutes(ctx.tz, origin):
                    offsets[minutes] += 1
                ts = origin
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
                     body=_joined(rec.get("outer", []), rec["body"] or ""))
        for minutes, count in sorted(offsets.items()):
            ctx.issues.note(source, "DateOrigin", f"note, no message lost: {count} message(s) timed by DateOrigin "
                           f"(absolute UTC); their phone-local Date: lines were {_utc_label(minutes)}, not the "
                           f"{ctx.tz} of --tz, so the phone's clock was set to another zone")
        return cols.frame()

    @staticmethod
    def _counterpart(cards: list[dict], direction: str) -> tuple[str, str]:
        """Incoming: the originator card (outside VENV); outgoing: a recipient card (inside VENV) when it has
        a number, else the only card (OPPO writes the counterpart there for both directions)."""
        originators = [c for c in cards if c["env"] == 0 and c["tel"]]
        recipients = [c for c in cards if c["env"] > 0 and c["tel"]]
        order = originators + recipients if direction == "in" else recipients + originators
        return (order[0]["tel"], order[0]["name"]) if order else ("", "")


def _origin_ms(value: str) -> int | None:
    """OPPO's DateOrigin: epoch milliseconds (13 digits), or seconds (10)."""
    value = value.strip()
    if not value.isdigit() or len(value) > 15:
        return None
    return int(value) if len(value) >= 12 else int(value) * 1000


def _offset_minutes(wall_as_utc_ms: int, utc_ms: int) -> int:
    """The UTC offset a local wall-clock time shows against the absolute time, to the quarter hour."""
    return round((wall_as_utc_ms - utc_ms) / 60000 / 15) * 15


def _zone_minutes(tz: str, utc_ms: int) -> int:
    offset = datetime.fromtimestamp(utc_ms / 1000, timezone.utc).astimezone(ZoneInfo(tz)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _utc_label(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _joined(outer: list[str], body: str) -> str:
    """Text found outside VBODY (a Subject) and the body, each once."""
    parts = [t for t in outer if t.strip() and t.strip() != body.strip()]
    return "\n".join([*parts, body] if body else parts)
