"""How phones name call recordings (通话录音): the counterpart's number (or contact name) and the local time
the recording started, read from the file name. One table row per naming scheme; add a row to teach the
tool a new phone. The first row whose folder hint (if any) matches the file's path and whose pattern
matches the file name's stem wins; `common` is the catch-all.

`basis` says what each row rests on: "issue" = the layout as described in issue 20 (no real file at
hand), "public code" = seen in public code that parses or writes these names, "description" = vendor
descriptions only (unverified on a real file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NamingScheme:
    key: str
    vendor: str
    example: str
    pattern: re.Pattern  # groups: who (number or name) and/or name + number; stamp, or date + time
    time_format: str  # strptime format of stamp, or of date + time joined with no separator
    folder: re.Pattern | None = None  # the path must match this too (told apart by folder only)
    basis: str = "description"


def _p(text: str) -> re.Pattern:
    return re.compile(text, re.IGNORECASE)


_NUMBER = r"\+?\d[\d -]{2,}\d"
SCHEMES: tuple[NamingScheme, ...] = (
    NamingScheme("miui", "Xiaomi MIUI/HyperOS", "通话录音/张三(13800138000)_20260302103015.mp3",
                 _p(rf"^(?P<name>.*?)\((?P<number>{_NUMBER})\)_(?P<stamp>\d{{14}})$"), "%Y%m%d%H%M%S",
                 basis="issue"),
    NamingScheme("samsung", "Samsung One UI", "Recordings/Call/Call recording 张三_260302_103015.m4a",
                 _p(r"^Call recording (?P<who>.+?)_(?P<date>\d{6})_(?P<time>\d{6})$"), "%y%m%d%H%M%S",
                 basis="public code"),
    NamingScheme("samsung_legacy", "Samsung (before One UI 4)", "Call/张三_260302_103015.m4a",
                 _p(r"^(?P<who>.+?)_(?P<date>\d{6})_(?P<time>\d{6})$"), "%y%m%d%H%M%S",
                 folder=_p(r"(^|/)(Sounds/|Recordings/)?Call/"), basis="description"),
    NamingScheme("huawei", "Huawei/Honor EMUI", "Sounds/CallRecord/张三 13800138000_20260302103015.m4a",
                 _p(rf"^(?:(?P<name>.*?) )?(?P<number>{_NUMBER})_(?P<stamp>\d{{14}})$"), "%Y%m%d%H%M%S",
                 folder=_p(r"CallRecord"), basis="issue"),
    NamingScheme("oppo", "OPPO/OnePlus/realme ColorOS", "Music/Recordings/Call Recordings/张三_13800138000_20260302103015.mp3",
                 _p(rf"^(?:(?P<name>.*?)[_ ])?(?P<number>{_NUMBER})[_ ](?P<stamp>\d{{14}})$"), "%Y%m%d%H%M%S",
                 folder=_p(r"Call ?Recordings"), basis="description"),
    NamingScheme("vivo", "vivo/iQOO OriginOS", "Record/Call/张三_13800138000_20260302_103015.m4a",
                 _p(rf"^(?:(?P<name>.*?)[_ ])?(?P<number>{_NUMBER})_(?P<date>\d{{8}})_(?P<time>\d{{6}})$"),
                 "%Y%m%d%H%M%S", folder=_p(r"Record/Call"), basis="description"),
    NamingScheme("common", "common pattern (many recorders)", "+8613800138000_2026-03-02_10-30-15.amr",
                 _p(rf"^(?:(?P<name>.*?)[_ ])?(?P<number>{_NUMBER})[_ ](?P<date>\d{{4}}-\d{{2}}-\d{{2}})[_ T]"
                    r"(?P<time>\d{2}[-.:]\d{2}[-.:]\d{2})$"), "%Y-%m-%d%H-%M-%S", basis="issue"),
    NamingScheme("number_stamp", "number + 14-digit time (several vendors)", "13800138000_20260302103015.mp3",
                 _p(rf"^(?:(?P<name>.*?)[_ ])?(?P<number>{_NUMBER})[_ -](?P<stamp>\d{{14}})$"), "%Y%m%d%H%M%S",
                 basis="description"),
)


@dataclass(frozen=True)
class RecordingName:
    scheme: str
    number: str  # as written in the name ("" when the name holds a contact name only)
    name: str
    local_time: datetime  # the phone's wall clock, no zone


def _is_number(text: str) -> bool:
    return re.fullmatch(_NUMBER, text.strip()) is not None


def parse_recording_name(relative_path: str) -> RecordingName | None:
    """Scheme, number, contact name and local start time from a recording's path, or None."""
    path = relative_path.replace("\\", "/")
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    for scheme in SCHEMES:
        if scheme.folder is not None and not scheme.folder.search(path):
            continue
        m = scheme.pattern.match(stem)
        if m is None:
            continue
        groups = m.groupdict()
        stamp = groups.get("stamp") or re.sub(r"\D", "", groups.get("date") or "") + re.sub(r"\D", "", groups.get("time") or "")
        fmt = scheme.time_format.replace("-", "") if groups.get("date") else scheme.time_format
        try:
            when = datetime.strptime(stamp, fmt)
        except ValueError:
            continue  # 20261399… is not a time: try the next scheme
        who = (groups.get("who") or "").strip()
        number = (groups.get("number") or (who if _is_number(who) else "")).strip()
        name = (groups.get("name") or ("" if _is_number(who) else who)).strip(" _")
        return RecordingName(scheme.key, number, name, when)
    return None
