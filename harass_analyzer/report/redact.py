"""--redact: a copy of the Analysis that can be shared (forum post, 黑猫投诉 screenshots, a helper)
without exposing people who are not collectors. Pure: the input Analysis is not changed.

Who is a third party: every counterpart that is not in a collector group (report/facts.py
`collector_groups`: the entities table's entities, or numbers that sent a collection message, plus any
entity a violation names) — the user's family, friends, other contacts, and also shops, banks' OTP
short codes and marketing senders. Collectors' numbers stay in full: they are the evidence.

What is masked, in every frame the bundle writes (events, senders, issues, entities, violations), so
events.csv, senders.csv, the charts' labels, report.*, complaint.md all come out masked:
- third-party numbers → `138****8000` (first 3 and last 4 national digits; +86 dropped); numbers under
  7 digits (95555, 10086) are public service codes and stay;
- any other mainland mobile number written inside a text (the debtor's own, an emergency contact's)
  unless it is a collector's;
- contact names of third parties → first character + `*`;
- person names inside texts (jieba's person-name tag with a common surname, plus greeting patterns such
  as "罗勇您好", plus every contact name) → `罗*`. Names inside 【…】 signatures and entity names stay;
- every message body that is not collection content (category ≠ collection: family, friends, shops,
  OTP codes) → MASKED_BODY: private texts are not evidence and have no place in a shared copy.
Name detection is heuristic: it can miss a rare name or mask a word that looks like one.
"""
from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

import pandas as pd

from ..schema import Analysis, WITHHELD
from .facts import collector_groups, group_column

SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
    "温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚"
    "岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑"
    "迟邝")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙", "宇文",
                     "司徒", "夏侯")
NOT_NAMES = {"温馨", "温馨提示", "高利", "安全", "王牌", "金融", "时间", "明天", "方便", "任何", "于是", "常常",
             "文件", "程序", "成功", "关于", "向您", "黄金", "白条", "万元", "余额", "全部", "全家", "龙头"}
_GREETING = re.compile(r"(?:尊敬的|亲爱的)?([\u4e00-\u9fff]{2,4}?)(?=您好|你好|先生|女士|，您|,您|您的|你个|：你|:你"
                       r"|再不还|同志)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?!\d)")
_SIGNATURE = re.compile(r"[【〖][^】〗]*[】〗]")
MASKED_BODY = "〔已隐去：非催收内容〕"


def national_digits(number: str) -> str:
    digits = re.sub(r"\D", "", str(number))
    return digits[2:] if str(number).startswith("+86") and len(digits) > 2 else digits


def mask_number(number: str) -> str:
    """`+8613800138000` → `138****8000`; fewer than 7 digits (service codes) or `withheld` unchanged."""
    digits = national_digits(number)
    if len(digits) < 7 or number == WITHHELD:
        return number
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str) -> str:
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * (len(name) - keep)


def _is_name(word: str) -> bool:
    return (2 <= len(word) <= 4 and word not in NOT_NAMES and (word[0] in SURNAMES or word[:2] in COMPOUND_SURNAMES)
            and all("\u4e00" <= c <= "\u9fff" for c in word))


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


def person_names(texts: pd.Series) -> set[str]:
    """Chinese person names in `texts` (signatures excluded)."""
    names: set[str] = set()
    seg = _posseg()
    for text in pd.unique(texts.astype(str)):
        if not text or not re.search(r"[\u4e00-\u9fff]", text):
            continue
        plain = _SIGNATURE.sub("，", text)
        names.update(w.word for w in seg.cut(plain) if w.flag == "nr" and _is_name(w.word))
        names.update(m for m in _GREETING.findall(plain) if _is_name(m))
    return names


class Masker:
    """Masks numbers and names in free text, given who the collectors are."""

    def __init__(self, collectors: set[str], third: set[str], names: set[str], keep_words: set[str]):
        self.collector_digits = {national_digits(n) for n in collectors}
        self.third_digits = {national_digits(n) for n in third if len(national_digits(n)) >= 7}
        names = {n for n in names if len(n) >= 2 and not any(n in k or k in n for k in keep_words if k)}
        self.names = re.compile("|".join(map(re.escape, sorted(names, key=lambda n: (-len(n), n))))) if names else None
        alternatives = "|".join(re.escape(d) for d in sorted(self.third_digits, key=len, reverse=True))
        self._third = re.compile(f"(?<!\\d)(?:{alternatives})(?!\\d)") if alternatives else None

    def _mobile(self, m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(1))
        return m.group(0) if digits in self.collector_digits else mask_number(digits)

    def text(self, value: object) -> object:
        if not isinstance(value, str) or not value:
            return value
        out = _MOBILE.sub(self._mobile, value)
        if self._third is not None:
            out = self._third.sub(lambda m: mask_number(m.group(0)), out)
        if self.names is not None:
            out = self.names.sub(lambda m: mask_name(m.group(0)), out)
        return out


def _mask_numbers(series: pd.Series, third: set[str]) -> pd.Series:
    return series.map(lambda v: mask_number(v) if v in third else v)


def redact(analysis: Analysis) -> Analysis:
    """A redacted copy of `analysis` (harass_analyzer.api.Analysis) with options.redact set."""
    events = analysis.events
    groups = group_column(events)
    collector_set = set(collector_groups(events, analysis.entities, analysis.violations))
    if getattr(analysis, "suspects", None) is not None:  # suspected collectors: listed in full, as collectors
        collector_set |= analysis.suspects.entities
    collectors = set(events.loc[groups.isin(collector_set), "counterpart"])
    if analysis.entities is not None:
        collectors |= {n for nums in analysis.entities["numbers"].astype(str) for n in nums.split(";") if n}
    third = set(events["counterpart"]) - collectors - {WITHHELD, ""}
    is_third = events["counterpart"].isin(third)
    contact_names = set(events.loc[is_third, "contact_name"].astype(str)) - {""}
    names = person_names(events.loc[events["category"].astype(str).eq("collection"), "body"]) | person_names(events.loc[~is_third, "contact_name"]) | contact_names
    masker = Masker(collectors, third, names, keep_words=collector_set)

    ev = events.copy(deep=False)  # copy-on-write (pandas 3)
    ev["counterpart_raw"] = ev["counterpart_raw"].where(~is_third, ev["counterpart"].map(mask_number))
    ev["counterpart"] = _mask_numbers(ev["counterpart"], third)
    ev["contact_name"] = ev["contact_name"].map(masker.text).where(~is_third, ev["contact_name"].map(
        lambda n: mask_name(n) if n else n))
    private = ev["category"].astype(str).ne("collection") & ev["body"].fillna("").astype(str).ne("")
    ev["body"] = ev["body"].map(masker.text).where(~private, MASKED_BODY)
    if "entity" in ev:
        ev["entity"] = _mask_numbers(ev["entity"], third)

    senders = analysis.senders.copy()
    s_third = senders["counterpart"].isin(third)
    senders["contact_name"] = senders["contact_name"].map(masker.text).where(
        ~s_third, senders["contact_name"].map(lambda n: mask_name(n) if n else n))
    senders["counterpart"] = _mask_numbers(senders["counterpart"], third)
    issues = analysis.issues.copy()
    issues["reason"] = issues["reason"].map(masker.text)
    entities = violations = None
    if analysis.entities is not None:
        entities = analysis.entities.copy()
        entities["evidence"] = entities["evidence"].map(masker.text)
    if analysis.violations is not None:
        violations = analysis.violations.copy()
        violations["counterpart"] = _mask_numbers(violations["counterpart"].astype(str), third)
    recordings = getattr(analysis, "recordings", None)
    # issue 20: recording file names hold numbers and contact names (a recording's need not be any event's)
    rec_names: dict[str, str] = {}
    if recordings is not None:
        others = recordings.loc[~recordings["counterpart"].isin(collectors), "contact_name"].astype(str)
        rec_names = {n: mask_name(n) for n in others if n}

    def rec_text(value: object) -> object:
        for name, masked in rec_names.items():
            value = value.replace(name, masked) if isinstance(value, str) else value
        return masker.text(value)

    if "recording" in ev:
        ev["recording"] = ev["recording"].map(rec_text)
    if recordings is not None:
        recordings = recordings.copy()
        for col in ("recording", "number", "counterpart", "contact_name", "reason"):
            recordings[col] = recordings[col].astype(str).map(rec_text)
    options = dataclasses.replace(analysis.options, redact=True)
    return dataclasses.replace(analysis, events=ev, senders=senders, issues=issues, entities=entities,
                               violations=violations, options=options,
                               **({"recordings": recordings} if recordings is not None else {}))
