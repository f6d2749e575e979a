"""Text normalization for the collection-message classifier.

Two steps, both run only on distinct texts:
  digit_keys / mask_names   make template instances identical ("逾期15天" and "逾期3天" → "逾期0天",
                            "王伟您好" → "某您好"), so each template is classified once;
  Normalizer.normalize      undoes the tricks collectors use against keyword filters: 全角 (NFKC), case,
                            繁體 (OpenCC t2s), separators between CJK characters ("逾 期", "催*收", emoji),
                            pinyin and abbreviations ("yu期", "cs" → 催收), listed in lexicons/variants.txt.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import product
from pathlib import Path
from typing import Callable, Iterable

import opencc
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ConfigError

# Digits → "0", on UTF-8 bytes with C-level translate: this runs once per body of a possibly huge
# export. Runs of zeros are collapsed later, on the (far fewer) distinct keys.
_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0000000000")
_ZERO_RUNS = re.compile(r"0+")
_DIGIT_RUNS = re.compile(r"[0-9]+")


def digit_keys(bodies: Iterable[object], max_chars: int) -> list[bytes]:
    """Bodies differing only in their digits get the same key; anything not a string gets b"".

    Only the first `max_chars` characters count (slicing a shorter str returns it unchanged, no copy).
    """
    table = _DIGITS_TO_ZERO
    return [b[:max_chars].encode("utf-8", "surrogatepass").translate(table) if type(b) is str else b""
            for b in bodies]


def from_digit_key(key: bytes) -> str:
    """`b"逾期00天，欠0000.00元"` → `"逾期0天，欠0.0元"`."""
    return _ZERO_RUNS.sub("0", key.decode("utf-8", "surrogatepass"))


# Names in salutations ("【X贷】王伟您好", "尊敬的张三先生", "您的朋友李娜在我司", "提示：王伟您的") → 某,
# found by common surname.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
             "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤")
_NAME = rf"[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}"
_LEADING = r"((?:【[^】]{1,12}】)?)"
_LEADING_AFTER = r"您好|你好|[,，:：(（\s]|先生|女士|小姐|再|你个"
_ANCHORS = "尊敬的|亲爱的|朋友|同事|亲属|家人|联系人|通知|转告|告知"
_INNER_AFTER = r"您好|你好|[,，:：(（\s]|先生|女士|小姐|在我|在本|在贵|欠|的借款|的欠款"
_CLAUSE_BEFORE = "】:：,，。!！?？\n"  # a name opening a clause: "温馨提示：王伟您的账单", "【X贷】王伟您的借款"
_LEADING_NAME = re.compile(rf"{_LEADING}{_NAME}(?={_LEADING_AFTER})")
_ANCHOR = re.compile(rf"(?:{_ANCHORS})[{_SURNAMES}]")
_INNER_NAME = re.compile(rf"({_ANCHORS}){_NAME}(?={_INNER_AFTER})")
_CLAUSE_NAME = re.compile(rf"(?<=[{_CLAUSE_BEFORE}]){_NAME}(?=您)")


def mask_names(text: str) -> str:
    """Cheap on texts without a name: an anchored match, then a full scan only behind a quick search."""
    leading = _LEADING_NAME.match(text)
    if leading:
        text = leading.group(1) + "某" + text[leading.end():]
    if _ANCHOR.search(text):
        text = _INNER_NAME.sub(r"\1某", text)
    if "您" in text:
        text = _CLAUSE_NAME.sub("某", text)
    return text


def _re2(pattern: str) -> str:
    """The pattern for RE2: Python's Unicode \\s spelled out (RE2's is ASCII), \\uXXXX as \\x{XXXX}."""
    spaces = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())  # none above U+3000
    return re.sub(r"\\u([0-9a-f]{4})", r"\\x{\1}", pattern.replace(r"\s", spaces))


# mask_names for Arrow (RE2 has no look-around: the context is captured and written back; no match can
# start inside the captured context, so the global replacements find the same names).
_RE2_MASKS = [(_re2(pattern), r"\1某\3") for pattern in (
    rf"^{_LEADING}({_NAME})({_LEADING_AFTER})",
    rf"({_ANCHORS})({_NAME})({_INNER_AFTER})",
    rf"([{_CLAUSE_BEFORE}])({_NAME})(您)")]


def mask_names_arrow(texts: pa.Array) -> pa.Array:
    """`mask_names` on every string of an Arrow array, in C++ (RE2)."""
    for pattern, replacement in _RE2_MASKS:
        texts = pc.replace_substring_regex(texts, pattern, replacement)
    return texts


CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_IS_CJK = re.compile(f"[{CJK}]")
# A run of non-word characters (or "_") between two word characters.
_GAP_RUN = re.compile(r"(?<=[^\W_])(?:[^\w]|_)+(?=[^\W_])")
# Clause punctuation (after NFKC) that is kept: it separates sentences, it does not hide words.
_KEEP = set(",!?;:。、()[]【】《》「」『』“”\"\n")
# A character that a gap run could lose; most texts have none (only clause punctuation between words).
_STRIPPABLE = re.compile(f"[^\\w{re.escape(''.join(sorted(_KEEP)))}]|_")
_LETTERS = re.compile(r"[a-z]")


def _strip_between_cjk(text: str) -> str:
    if not _STRIPPABLE.search(text):
        return text

    def repl(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1], text[m.end()]
        if not (_IS_CJK.match(before) or _IS_CJK.match(after)):
            return m.group(0)
        if any(ch in _KEEP for ch in m.group(0)):
            return m.group(0)
        return ""

    return _GAP_RUN.sub(repl, text)


# Look-alike characters written instead of common ones (after NFKC and lower case): variant forms of 你,
# Cyrillic and Greek letters that look Latin.
CONFUSABLES = str.maketrans({
    "伱": "你", "妳": "你", "祢": "你", "沵": "你", "鉨": "你", "銭": "钱", "欵": "款", "芡": "欠", "濑": "赖",
    "籁": "赖", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "к": "k",
    "м": "m", "н": "h", "т": "t", "в": "b", "ѕ": "s", "ј": "j", "ο": "o", "α": "a", "ν": "v", "κ": "k",
    "ρ": "p", "τ": "t", "χ": "x", "ι": "i",
})
# Every character of a word wrapped in brackets: "【逾】【期】", "(催)(收)" (two or more in a row).
_WRAPPED = re.compile(r"(?:[\[(【〔「『<《{]\s*[^\W_]\s*[\])】〕」』>》}]){2,}")
_WRAPPED_CHAR = re.compile(r"[^\W_]")
# Single Latin letters spaced apart: "c s", "y.u.q.i", "t-x-l".
_SPACED_LATIN = re.compile(r"(?<![a-z])[a-z](?:[\s.\-_*·/]{1,2}[a-z](?![a-z])){1,}")


def _unwrap(text: str) -> str:
    if not _WRAPPED.search(text):
        return text
    return _WRAPPED.sub(lambda m: "".join(_WRAPPED_CHAR.findall(m.group(0))), text)


def _join_letters(text: str) -> str:
    return _SPACED_LATIN.sub(lambda m: re.sub(r"[^a-z]", "", m.group(0)), text)


class Normalizer:
    """NFKC → lower case → look-alikes → bracket wrappers → Traditional→Simplified → spaced letters joined →
    strip separators → pinyin/abbreviation variants."""

    def __init__(self, variant_files: list[Path], spellings: Callable[[str], str] | None = None) -> None:
        self._t2s = opencc.OpenCC("t2s")
        self._spellings = spellings  # pinyin spellings of every lexicon term (homophones.Spellings.replace)
        replacements: dict[str, str] = {}
        abbreviations: dict[str, str] = {}
        for path in variant_files:
            _read_variants(path, replacements, abbreviations)
        self._replacements = replacements
        self._abbreviations = abbreviations
        self._variant_rx = _compile(replacements, "(?<![a-z])(?:{alt})(?![a-z])")
        # An abbreviation counts only as a whole latin run touching a CJK character ("你的hk已逾期").
        self._abbr_rx = _compile(abbreviations, f"(?<=[{CJK}])(?:{{alt}})(?![a-z])|(?<![a-z])(?:{{alt}})(?=[{CJK}])")

    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).lower().translate(CONFUSABLES)
        text = self._t2s.convert(_unwrap(text))
        has_letters = _LETTERS.search(text) is not None
        if has_letters:
            text = _join_letters(text)
        text = _DIGIT_RUNS.sub("0", _strip_between_cjk(text))
        if has_letters:
            if self._variant_rx is not None:
                text = self._variant_rx.sub(lambda m: self._replacements[m.group(0)], text)
            if self._abbr_rx is not None:
                text = self._abbr_rx.sub(lambda m: self._abbreviations[m.group(0)], text)
            if self._spellings is not None:
                text = self._spellings(text)
        return text


def _compile(table: dict[str, str], template: str) -> re.Pattern[str] | None:
    if not table:
        return None
    alt = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(template.format(alt=alt))


def _read_variants(path: Path, replacements: dict[str, str], abbreviations: dict[str, str]) -> None:
    """Lines: `词语  pin yin  [| abbr, abbr]` or `变体 => 词语` (homophone, written form)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read variants file ({exc})") from exc
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            variant, _, word = (part.strip() for part in line.partition("=>"))
            if not variant or not word:
                raise ConfigError(f"{path}:{number}: expected 'variant => word'")
            replacements[variant.lower()] = word
            continue
        spelled, _, abbrs = line.partition("|")
        parts = spelled.split()
        word, syllables = parts[0], [s.lower() for s in parts[1:]]
        if len(syllables) != len(word):
            raise ConfigError(f"{path}:{number}: '{word}' needs one pinyin syllable per character")
        for choice in product((False, True), repeat=len(word)):
            if any(choice):  # at least one character spelled in pinyin
                replacements["".join(s if c else ch for ch, s, c in zip(word, syllables, choice))] = word
        for abbr in abbrs.replace(",", " ").split():
            abbreviations[abbr.lower()] = word
