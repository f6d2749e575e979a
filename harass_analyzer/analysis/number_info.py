"""What each number is, offline: kind, region (归属地) and carrier, once per distinct number.

Kinds (the `number_kind` column of senders.csv):
  mobile          mainland mobile (1[3-9]…, 11 digits)
  virtual_mobile  a virtual operator's range (162, 165, 167, 170, 171): resold lines, favoured by callers
                  who want fresh numbers
  landline        mainland fixed line (area code + local number)
  400 / 800       nationwide business numbers (400 caller-pays, 800 toll-free)
  bulk_sms        106… bulk-SMS channels (texts only, sent on behalf of a company)
  service_95      95xxx national service numbers (banks, insurers, carriers' customer service)
  service_96      96xxx regional service numbers
  carrier_service 100xx (10086, 10010, 10000 …)
  public_service  12xxx (12321, 12345, 12378 …)
  short_code      another short code (≤ 8 digits)
  foreign         a number outside mainland China
  withheld        caller ID withheld
  text            an alphanumeric sender or an e-mail address
  other           anything else

Region and carrier come from the phonenumbers package's own data (the geocoder in Chinese and the carrier
prefix tables); both describe where and with whom the range was first allocated, so a number ported to
another carrier (携号转网) still shows its original carrier. Ranges the data lacks stay empty (many
virtual-operator ranges only know their country: "中国" is left out).
"""
from __future__ import annotations

import re

import pandas as pd
import phonenumbers
from phonenumbers import carrier as pn_carrier
from phonenumbers import geocoder

from ..schema import WITHHELD

NUMBER_INFO_COLUMNS = ["number_kind", "region", "carrier"]
VIRTUAL_PREFIXES = ("162", "165", "167", "170", "171")
SERVICE_KINDS = ("service_95", "service_96", "carrier_service", "public_service", "bulk_sms", "short_code")
KIND_LABELS = {
    "mobile": ("手机", "mobile"), "virtual_mobile": ("虚拟运营商手机", "virtual-operator mobile"),
    "landline": ("固话", "landline"), "400": ("400号码", "400 number"), "800": ("800号码", "800 number"),
    "bulk_sms": ("106短信通道", "106 bulk SMS"), "service_95": ("95服务号", "95 service number"),
    "service_96": ("96服务号", "96 service number"), "carrier_service": ("运营商服务号", "carrier service"),
    "public_service": ("12公共服务号", "12 public service"), "short_code": ("短号码", "short code"),
    "foreign": ("境外号码", "foreign"), "withheld": ("隐藏号码", "withheld"), "text": ("字母/邮件", "text sender"),
    "other": ("其他", "other"),
}
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def kind_label(kind: str, lang: str = "zh") -> str:
    pair = KIND_LABELS.get(kind)
    return kind if pair is None else pair[0 if lang == "zh" else 1]


def _digits_kind(digits: str) -> str:
    """Kind of a number kept as bare digits by numbers.normalize_number (short and service codes)."""
    if digits.startswith("106"):
        return "bulk_sms"
    if digits.startswith("95"):
        return "service_95"
    if digits.startswith("96"):
        return "service_96"
    if digits.startswith("100"):
        return "carrier_service"
    if digits.startswith("12") and len(digits) <= 6:
        return "public_service"
    if digits.startswith(("400", "800")) and len(digits) == 10:
        return digits[:3]
    if _MOBILE.match(digits):
        return "virtual_mobile" if digits.startswith(VIRTUAL_PREFIXES) else "mobile"
    return "short_code" if len(digits) <= 8 else "other"


def describe_number(number: str) -> tuple[str, str, str]:
    """(kind, region, carrier) of one normalized counterpart.

    >>> describe_number("+8613800138000")
    ('mobile', '北京市', '中国移动')
    """
    text = "" if number is None or (isinstance(number, float) and number != number) else str(number)
    if text == WITHHELD:
        return "withheld", "", ""
    body = text[1:] if text.startswith("+") else text
    if not body.isdigit():
        return ("text" if text else "other"), "", ""
    if not text.startswith("+"):
        return _digits_kind(body), "", ""
    if not text.startswith("+86"):
        return "foreign", _region(text), _carrier(text)
    national = body[2:]
    if _MOBILE.match(national):
        kind = "virtual_mobile" if national.startswith(VIRTUAL_PREFIXES) else "mobile"
    elif national.startswith(("400", "800")) and len(national) == 10:
        return national[:3], "", ""
    elif national.startswith("10") and len(national) == 10:
        kind = "landline"  # Beijing: area code 10, eight-digit local number
    elif national.startswith("1") or len(national) <= 8:
        return _digits_kind(national), "", ""  # a service code written with +86
    else:
        kind = "landline"
    return kind, _region(text), _carrier(text)


def _parsed(text: str):
    try:
        return phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None


def _region(text: str) -> str:
    parsed = _parsed(text)
    if parsed is None:
        return ""
    place = geocoder.description_for_number(parsed, "zh")
    return "" if place == "中国" and parsed.country_code == 86 else place


def _carrier(text: str) -> str:
    parsed = _parsed(text)
    return "" if parsed is None else pn_carrier.name_for_number(parsed, "zh")


def number_info(numbers: pd.Series) -> pd.DataFrame:
    """number_kind, region, carrier for each of `numbers` (each distinct number looked up once),
    indexed like `numbers`."""
    distinct = pd.unique(numbers.astype("object"))
    table = {n: describe_number(n) for n in distinct}
    rows = [table[n] for n in numbers.astype("object")]
    return pd.DataFrame(rows, columns=NUMBER_INFO_COLUMNS, index=numbers.index)


def with_number_info(senders: pd.DataFrame) -> pd.DataFrame:
    """senders.csv with the number_kind, region and carrier columns appended."""
    if len(senders) == 0:
        return senders.reindex(columns=list(senders.columns) + NUMBER_INFO_COLUMNS)
    return pd.concat([senders, number_info(senders["counterpart"])], axis=1)
