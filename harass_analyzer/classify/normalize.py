"""Text normalization for the collection-message classifier.

Two steps, both run only on distinct texts:
  mask_digits / mask_names  make template instances identical ("逾期15天" and "逾期3天" → "逾期0天"),
                            so each template is classified once;
  Normalizer.normalize      undoes the tricks collectors use against keyword filters: 全角 (NFKC), case,
                            繁體 (OpenCC t2s), separators between CJK characters ("逾 期", "催*收", emoji),
                            pinyin and abbreviations ("yu期", "cs" → 催收), listed in lexicons/variants.txt.
"""
from __future__ import annotations

import re
import unicodedata
from functools import partial
from itertools import product
from pathlib import Path

import opencc

from ..errors import ConfigError

# Digits outside a 【…】 signature start, so 【12368】 (the courts' platform) survives masking.
_DIGITS = re.compile(r"(?<!【)[0-9０-９]+")
mask_digits = partial(_DIGITS.sub, "0")

# Salutation names: "尊敬的王先生", "，张三女士", "您好: 张三，" → 某.
_NAMES = re.compile(
    r"(?:(?<=尊敬的)|(?<=亲爱的)|(?<=[,，:：\s]))[\u4e00-\u9fff]{1,3}(?=先生|女士|小姐)"
    r"|(?<=您好)([:：]\s*)[\u4e00-\u9fff]{2,3}(?=[,，])"
)


def _name_repl(m: re.Match[str]) -> str:
    return (m.group(1) or "") + "某"


mask_names = partial(_NAMES.sub, _name_repl)

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_IS_CJK = re.compile(f"[{CJK}]")
# A run of non-word characters (or "_") between two word characters.
_GAP_RUN = re.compile(r"(?<=[^\W_])(?:[^\w]|_)+(?=[^\W_])")
# Clause punctuation (after NFKC) that is kept: it separates sentences, it does not hide words.
_KEEP = set(",!?;:。、()[]【】《》「」『』\n")
_LETTERS = re.compile(r"[a-z]")


def _strip_between_cjk(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1], text[m.end()]
        if not (_IS_CJK.match(before) or _IS_CJK.match(after)):
            return m.group(0)
        if any(ch in _KEEP for ch in m.group(0)):
            return m.group(0)
        return ""

    return _GAP_RUN.sub(repl, text)


class Normalizer:
    """NFKC → lower case → Traditional→Simplified → strip separators → pinyin/abbreviation variants."""

    def __init__(self, variant_files: list[Path]) -> None:
        self._t2s = opencc.OpenCC("t2s")
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
        text = unicodedata.normalize("NFKC", text).lower()
        text = self._t2s.convert(text)
        text = _strip_between_cjk(text)
        if _LETTERS.search(text):
            if self._variant_rx is not None:
                text = self._variant_rx.sub(lambda m: self._replacements[m.group(0)], text)
            if self._abbr_rx is not None:
                text = self._abbr_rx.sub(lambda m: self._abbreviations[m.group(0)], text)
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
