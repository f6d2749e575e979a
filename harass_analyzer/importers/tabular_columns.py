"""Column and cell interpretation for spreadsheet-like exports (formats.md §4.7–§4.9).

Header synonyms (Chinese and English) → canonical fields; cell parsers for local date-time strings
(`2020年11月17日 下午8:56`, `17.09.2018 21:58:22`, `2013.4.3.23.5.9`, Excel serials), durations
(`65`, `00:01:05`, `1分5秒`), Excel-mangled numbers (`1.37E+10`, `="138…"`, `138…0.0`) and the
values of a 类型 column (呼入/呼出/主叫/被叫/接收/发送/未接…). Also used by vmessage and 超级备份.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import charset_normalizer
import pandas as pd

from ..timeconv import parse_local_strings

# Canonical fields a table may map. caller/callee: carrier sheets with 主叫号码 and 被叫号码 columns.
FIELDS = ("number", "name", "body", "time", "date", "type", "duration", "caller", "callee")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("号码", "手机号码", "电话号码", "对方号码", "联系人号码", "发件人", "收件人", "发送方", "接收方",
               "对端号码", "通信号码", "对方", "对方手机号", "联系电话", "手机号", "电话", "发件人号码",
               "收件人号码", "对方电话", "number", "phone", "phonenumber", "address", "tel", "from/to"),
    "name": ("姓名", "联系人", "名称", "联系人姓名", "联系人名称", "备注名", "name", "contact", "contactname"),
    "body": ("内容", "短信内容", "信息内容", "正文", "消息内容", "短信正文", "content", "body", "message",
             "text", "msg"),
    "time": ("时间", "日期时间", "发送时间", "接收时间", "通话时间", "开始时间", "起始时间", "通话起始时间",
             "通话开始时间", "通信时间", "呼叫时间", "收发时间", "短信时间", "datetime", "timestamp",
             "date/time", "time", "starttime"),
    "date": ("日期", "通话日期", "发送日期", "date"),
    "type": ("类型", "收发类型", "状态", "通话类型", "呼叫类型", "通信类型", "收/发", "收发", "通话状态",
             "短信类型", "呼叫方式", "通信方式", "通话方式", "方向", "呼叫状态", "type", "direction", "status"),
    "duration": ("时长", "通话时长", "通信时长", "持续时间", "通话秒数", "duration", "length"),
    "caller": ("主叫", "主叫号码", "caller"),
    "callee": ("被叫", "被叫号码", "callee"),
}
_EXACT = {syn: field for field, syns in SYNONYMS.items() for syn in syns}
# Columns that hold the phone owner's own number or fees: never the counterpart.
_NOT_NUMBER = ("本机", "本方", "我的", "计费", "费用", "金额")
_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")


def normalize_header(cell: object) -> str:
    text = "" if cell is None else str(cell)
    text = _BRACKETS.sub("", text.replace("\ufeff", ""))
    return re.sub(r"[\s\"'：:]", "", text).lower()


def header_field(cell: object) -> str | None:
    """The field a header cell names: exact synonym first, then a containment rule."""
    key = normalize_header(cell)
    if not key or len(key) > 20:
        return None
    if key in _EXACT:
        return _EXACT[key]
    if any(bad in key for bad in _NOT_NUMBER):
        return None
    if "时长" in key or "秒数" in key:
        return "duration"
    if "主叫" in key:
        return "caller"
    if "被叫" in key:
        return "callee"
    if "号码" in key or "电话" in key:
        return "number"
    if "时间" in key:
        return "time"
    if "日期" in key:
        return "date"
    if "内容" in key:
        return "body"
    if "类型" in key or "方式" in key:
        return "type"
    return None


HEADER_SCAN = 15  # a header row is looked for in the first rows only


def find_header(rows: list[list[object]], column_map: dict[str, str]) -> tuple[int, dict[str, list[int]]] | None:
    """(header row index, field → candidate column indexes) for the best header in the first rows."""
    wanted = {f: normalize_header(c) for f, c in column_map.items()}
    best: tuple[int, int, dict[str, list[int]]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN]):
        keys = [normalize_header(c) for c in row]
        fields: dict[str, list[int]] = {}
        if wanted:
            if not all(w in keys for w in wanted.values()):
                continue
            for field, key in wanted.items():
                fields[field] = [keys.index(key)]
        for j, cell in enumerate(row):
            field = header_field(cell)
            if field and field not in wanted and j not in [c for cs in fields.values() for c in cs]:
                fields.setdefault(field, []).append(j)
        has_time = "time" in fields or "date" in fields
        has_number = bool({"number", "caller", "callee"} & fields.keys())
        if not wanted and (len(fields) < 2 or not has_time or not has_number):
            continue
        score = len(fields) + (100 if wanted else 0)
        if best is None or score > best[0]:
            best = (score, i, fields)
    return (best[1], best[2]) if best else None


# ---------------------------------------------------------------- local date-time strings
_AMPM = r"上午|下午|凌晨|早上|中午|晚上|AM|PM|am|pm|a\.m\.|p\.m\."
_TIME = (rf"(?:[\sT,.]*(?P<ap1>{_AMPM})?\s*(?P<H>\d{{1,2}})\s*[:.时点]\s*(?P<M>\d{{1,2}})"
         rf"(?:\s*[:.分]\s*(?P<S>\d{{1,2}})(?:[.,](?P<f>\d{{1,6}}))?\s*秒?)?\s*分?\s*(?P<ap2>{_AMPM})?)?\s*$")
_YMD = re.compile(r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?" + _TIME)
_DMY = re.compile(r"^\s*(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})" + _TIME)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DMONY = re.compile(r"^\s*(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3})[a-z]*\.?,?\s+(?P<y>\d{4})" + _TIME)
_MONDY = re.compile(r"^\s*(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + _TIME)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})(Z?)\s*$")
_CLOCK_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2})?\s*$")
_PM = ("下午", "晚上", "PM", "pm", "p.m.")
_AM = ("上午", "凌晨", "早上", "AM", "am", "a.m.")
CANONICAL_FMT = "%Y-%m-%d %H:%M:%S.%f"


def _canonical(y: int, mo: int, d: int, m: re.Match[str]) -> str | None:
    hour = int(m.group("H") or 0)
    minute = int(m.group("M") or 0)
    sec = int(m.group("S") or 0)
    frac = (m.group("f") or "").ljust(6, "0")
    ap = m.group("ap1") or m.group("ap2")
    if ap in _PM and hour < 12 or ap == "中午" and hour < 11:
        hour += 12
    elif ap in _AM and hour == 12:
        hour = 0
    try:
        return dt.datetime(y, mo, d, hour, minute, sec, int(frac)).strftime(CANONICAL_FMT)
    except ValueError:
        return None


def canonical_local(value: object) -> tuple[str | None, bool]:
    """A cell → ("YYYY-MM-DD HH:MM:SS.ffffff", is_utc); (None, False) when it is not a date-time.

    Numbers between 20000 and 80000 are taken as Excel serial days (1954–2119)."""
    if value is None:
        return None, False
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc).replace(tzinfo=None).strftime(CANONICAL_FMT), True
        return value.strftime(CANONICAL_FMT), False
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day).strftime(CANONICAL_FMT), False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:
            return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).strftime(CANONICAL_FMT), False
        return None, False
    text = str(value).strip()
    if not text:
        return None, False
    if m := _COMPACT.match(text):
        y, mo, d, hh, mi, ss = (int(g) for g in m.groups()[:6])
        try:
            return dt.datetime(y, mo, d, hh, mi, ss).strftime(CANONICAL_FMT), m.group(7) == "Z"
        except ValueError:
            return None, False
    if m := _YMD.match(text):
        return _canonical(int(m["y"]), int(m["m"]), int(m["d"]), m), False
    if m := _DMY.match(text):
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        y = y + 2000 if y < 100 else y
        # Dots and dashes: day first (European, 超级备份 `17.09.2018`); slashes: month first unless impossible.
        day, month = (a, b) if m["sep"] != "/" or a > 12 else (b, a)
        return _canonical(y, month, day, m), False
    for pattern in (_DMONY, _MONDY):
        if (m := pattern.match(text)) and m["mon"].lower() in _MONTHS:
            return _canonical(int(m["y"]), _MONTHS[m["mon"].lower()], int(m["d"]), m), False
    return None, False


def is_clock_only(value: object) -> bool:
    return isinstance(value, dt.time) or isinstance(value, str) and bool(_CLOCK_ONLY.match(value))


def local_to_epoch_ms(texts: list[str | None], utc_flags: list[bool], tz: str) -> list[int | None]:
    """Canonical strings (from canonical_local) → epoch ms UTC; None where missing or non-existent in tz."""
    if not texts:
        return []
    series = pd.Series([t if t is not None else None for t in texts], dtype="object")
    local = parse_local_strings(series, tz, fmt=CANONICAL_FMT)
    utc = parse_local_strings(series, "UTC", fmt=CANONICAL_FMT)
    out: list[int | None] = []
    for is_utc, a, b in zip(utc_flags, local.tolist(), utc.tolist()):
        value = b if is_utc else a
        out.append(None if value is None or pd.isna(value) else int(value))
    return out


# ---------------------------------------------------------------- durations
_HMS_WORDS = re.compile(r"^(?:(?P<h>\d+)\s*(?:小时|时|h|hr|hours?)\s*)?(?:(?P<m>\d+)\s*(?:分钟|分|m|min|mins|minutes?|')\s*)?"
                        r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs|seconds?|\")?)?$")
_COLONS = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def parse_duration(value: object) -> float | None:
    """Seconds from `65`, `65.0`, `00:01:05`, `1:05`, `1分5秒`, `1小时2分3秒`, time/timedelta cells.

    NaN for an empty cell; None when the text is not a duration."""
    if value is None:
        return float("nan")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if value >= 0 else None
    text = str(value).strip().lower()
    if not text or text in ("-", "--"):
        return float("nan")
    if m := _COLONS.match(text):
        return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    m = _HMS_WORDS.match(text)
    if m and any(m.group(g) for g in ("h", "m", "s")):
        return int(m["h"] or 0) * 3600 + int(m["m"] or 0) * 60 + float(m["s"] or 0)
    return None


# ---------------------------------------------------------------- numbers Excel touched
_SCIENTIFIC = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?[eE]\+?(\d+)$")
_FLOAT_TAIL = re.compile(r"^(\+?\d{5,})\.0+$")


def clean_number(value: object) -> tuple[str, str | None]:
    """A number cell → (text as the source wrote it, minus Excel artefacts; problem or None).

    `1.38E+10` keeps its text and reports the lost digits unless the mantissa holds them all;
    `="13800138000"`, a leading apostrophe or tab, and `13800138000.0` are unwrapped."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if value != value:
            return "", None
        return (str(int(value)), None) if value.is_integer() else (repr(value), "number is not an integer")
    text = str(value).strip().lstrip("'\t")
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    if m := _FLOAT_TAIL.match(text):
        return m.group(1), None
    if m := _SCIENTIFIC.match(text):
        digits = (m.group(1) + (m.group(2) or "")).lstrip("0")
        try:
            whole = Decimal(text)
        except InvalidOperation:
            return text, None
        if not whole.is_finite() or whole.adjusted() > 20:  # 1E+999999999 would be a billion-digit int
            return text, f"number {text!r} is in scientific notation and too large for a phone number"
        if whole == whole.to_integral_value() and len(digits) >= len(str(int(whole))):
            return str(int(whole)), None
        return text, f"number {text!r} is in scientific notation: Excel dropped its last digits (not guessed)"
    return text, None


# ---------------------------------------------------------------- 类型 values
# (marker, kind or "", direction or "", status or ""); the first marker contained in the value wins.
_TYPE_MARKERS: tuple[tuple[str, str, str, str], ...] = (
    ("草稿", "sms", "out", "draft"), ("draft", "sms", "out", "draft"),
    ("发送失败", "sms", "out", "failed"), ("失败", "sms", "out", "failed"), ("failed", "sms", "out", "failed"),
    ("待发送", "sms", "out", "queued"), ("发件箱", "sms", "out", "outbox"), ("outbox", "sms", "out", "outbox"),
    ("拦截", "call", "in", "blocked"), ("黑名单", "call", "in", "blocked"), ("blocked", "call", "in", "blocked"),
    ("语音信箱", "call", "in", "voicemail"), ("voicemail", "call", "in", "voicemail"),
    ("呼出", "call", "out", ""), ("去电", "call", "out", ""), ("主叫", "call", "out", ""),
    ("已拨", "call", "out", ""), ("拨出", "call", "out", ""), ("outgoing", "call", "out", ""),
    ("dialed", "call", "out", ""),
    ("未接", "call", "in", "missed"), ("响一声", "call", "in", "missed"), ("missed", "call", "in", "missed"),
    ("拒接", "call", "in", "rejected"), ("挂断", "call", "in", "rejected"), ("rejected", "call", "in", "rejected"),
    ("declined", "call", "in", "rejected"),
    ("呼入", "call", "in", ""), ("来电", "call", "in", ""), ("被叫", "call", "in", ""), ("已接", "call", "in", "answered"),
    ("接听", "call", "in", "answered"), ("incoming", "call", "in", ""),
    ("发送", "sms", "out", "sent"), ("发出", "sms", "out", "sent"), ("已发", "sms", "out", "sent"),
    ("sent", "sms", "out", "sent"), ("submit", "sms", "out", "sent"),
    ("接收", "sms", "in", "received"), ("收到", "sms", "in", "received"), ("收件箱", "sms", "in", "received"),
    ("received", "sms", "in", "received"), ("inbox", "sms", "in", "received"), ("deliver", "sms", "in", "received"),
)
_TYPE_EXACT = {"收": ("sms", "in", "received"), "发": ("sms", "out", "sent"), "in": ("", "in", ""),
               "out": ("", "out", ""), "入": ("", "in", ""), "出": ("", "out", "")}


def parse_type(value: object) -> tuple[str, str, str] | None:
    """A 类型 value → (kind hint, direction, status) with "" where the value does not say; None if unknown."""
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return None
    if text in _TYPE_EXACT:
        return _TYPE_EXACT[text]
    for marker, kind, direction, status in _TYPE_MARKERS:
        if marker in text:
            if direction == "out" and kind == "call" and ("未接" in text or "挂断" in text):
                return kind, "out", ""  # 呼出未接 / 呼出挂断: our call, not answered
            return kind, direction, status
    return None


def call_status_for(direction: str, status: str, duration: float) -> str:
    """Explicit status wins; otherwise incoming >0 s = answered, 0 s = missed; outgoing >0 s = answered."""
    if status:
        return status
    if duration == duration and duration > 0:
        return "answered"
    if direction == "in" and duration == 0:
        return "missed"
    return "unknown"


# ---------------------------------------------------------------- text encodings
def _utf16_without_bom(data: bytes) -> str | None:
    """'Unicode text' from Excel without a BOM: every other byte of ASCII text is NUL."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nul = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def detect_encoding(data: bytes) -> str | None:
    """BOM, then UTF-16 without BOM, strict UTF-8, strict GB18030 (⊃ GBK/GB2312), then charset-normalizer."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if enc := _utf16_without_bom(data):
        return enc
    for enc in ("utf-8", "gb18030"):
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    return best.encoding if best is not None else None


def decode_head(head: bytes) -> str:
    """Best-effort text of a file's first bytes for sniffing (a multi-byte character cut at the end is dropped)."""
    enc = detect_encoding(head)
    if enc in (None, "utf-8", "gb18030") or enc.startswith("utf-16"):
        for cut in range(0, 4):  # a UTF-8 or UTF-16 character cut in two at the end of the head
            try:
                return head[:len(head) - cut].decode(enc if enc and enc.startswith("utf-16") else "utf-8")
            except UnicodeDecodeError:
                continue
    return head.decode(enc or "gb18030", errors="ignore")


def split_lines(text: str) -> list[str]:
    """Lines on CRLF, LF or CR only (str.splitlines would also split on U+2028 inside message text)."""
    return re.split(r"\r\n|\n|\r", text)
