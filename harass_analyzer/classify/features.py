"""Readable features of one normalized message, for the learned classifier (model.py).

Every feature is a string a person can read back from the text:
  w:词      a jieba token of the normalized text (the classifier's own tokenizer)
  n:词      a token inside the scope of a negation ("不会上门" → n:上门, "无任何逾期" → n:逾期)
  c:字串    a character 2- or 3-gram (robust to words jieba has never seen and to split-up spellings)
  l:术语    a lexicon term found on jieba word boundaries, literally or as a homophone ("渝期" → l:逾期)
  t:标签    how much lexicon weight the message has for a tag (lexicons/collection.txt), capped
  p:视角    who speaks to whom: addressed to the recipient, about a third person's debt, reporting or
            asking about collection, a brand header, a question
  x:标签|视角 a lexicon tag together with the frame it is said in (report or direct) and with whether a debt
            is named (debt or nodebt): "威胁上门" is a threat when said to the recipient, not when a news item
            or a worried wife quotes it; "已逾期" of a loan is collection, of a library book it is not
Inside quotation marks (“…”, 「…」) tokens become q:词 and lexicon terms ql:术语 / tq:标签 (quoted speech
is reported, not said), and no character n-grams are taken.
  k:        the hand-weighted keyword rule of lexicons/collection.txt (its verdict and capped score)
Values are 1.0 (presence) except t:/tq:/k:score, which carry capped weight sums.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

TOKEN_SKIP = re.compile(r"^[\W_]+$")
_RUNS = re.compile(r"[^\W_]+")  # runs of word characters: n-grams do not cross punctuation
_QUOTED = re.compile(r"“[^“”]{1,120}”|\"[^\"]{1,120}\"|「[^「」]{1,120}」|『[^『』]{1,120}』")
NEGATION_CUES = frozenset({"不会", "不得", "不再", "从不", "从未", "绝不", "绝不会", "无", "无任何", "没有", "并未", "并非",
                           "不存在", "承诺不", "决不", "不曾", "未曾", "不用", "无需", "不必"})
_CLAUSE_END = frozenset(",;:!?。\n、()【】《》“”\"' ")
NEGATION_SPAN = 4  # tokens a negation reaches within its clause
LEXICON_CAP = 4.0

# Perspective: plain regular expressions over the normalized text (digits are 0, names are 某).
PERSPECTIVE = {
    "p:you": re.compile(r"[你您]"),
    "p:third_debt": re.compile(r"(?:[他她其]|ta)(?:在[^,。!?]{0,8}(?:借|欠|贷|账|款)|欠|的(?:借款|欠款|贷款|账单|网贷)|借的)"),
    "p:relay": re.compile(r"转告|转达|告知其|通知其|督促(?:他|她|其)|提醒(?:他|她|其|ta)|[让叫劝](?:他|她)|紧急联系人|联系人"),
    "p:report": re.compile(r"记者|新闻|报道|警方|据悉|市民|消费者|投诉|举报|律师您好|律师你好|请问|咨询|合法吗|违法吗|"
                           r"算违法|怎么办|被催收|催收(?:打|给|说|发|威胁)|“[^”]{2,}”|冒充|谨防|警惕|不法分子"),
    "p:brand": re.compile(r"^【[^】]{1,16}】|【[^】]{1,16}】$"),
    "p:question": re.compile(r"[?？吗]\W*$"),
    "p:we": re.compile(r"我们|我司|本平台|我平台|我方"),
    # an amount of money, a deadline, the recipient's family, "we know / we have been there"
    "p:amount": re.compile(r"0(?:\.0)?(?:元|块|万)|[一二两三四五六七八九十百千万]+(?:元|块)|[两三五六七八]千[一二三四五六七八九]?"),
    "p:deadline": re.compile(r"今[天晚日]|明[天早日]|[之以]前|马上|立即|立刻|尽快|最后|限你|底线"),
    "p:your_family": re.compile(r"[你您](?:的|家)?(?:家人|父母|爸妈|爸|妈|老婆|媳妇|老公|儿子|女儿|孩子|家里人|老丈人)"),
    "p:we_know": re.compile(r"我们(?:都|也|早就?|已经)?(?:知道|清楚|查到|打听|认得|看着|去过|有你|盯着)"),
}


class Featurizer:
    """Turns a normalized text into {feature: value}; `cut` gives jieba tokens of one run of text and
    `lexicon_hits` the (tag, term, weight, span) of lexicon terms found in it."""

    def __init__(self, cut: Callable[[str], list[str]],
                 lexicon_hits: Callable[[str], Iterable[tuple[str, str, float, int]]]) -> None:
        self._cut = cut
        self._lexicon_hits = lexicon_hits

    def features(self, text: str) -> dict[str, float]:
        found: dict[str, float] = {}
        quoted = [m.span() for m in _QUOTED.finditer(text)]

        def in_quotes(position: int) -> bool:
            return any(a < position < b for a, b in quoted)

        negated, position = 0, 0
        for token in self._cut(text):
            start, position = position, position + len(token)
            if quoted and in_quotes(start) and not TOKEN_SKIP.match(token):
                found["q:" + token] = 1.0
                continue
            if token in NEGATION_CUES:
                negated = NEGATION_SPAN
                found["w:" + token] = 1.0
                continue
            if token.strip() == "" or TOKEN_SKIP.match(token):
                if any(ch in _CLAUSE_END for ch in token):
                    negated = 0
                continue
            if negated:
                found["n:" + token] = 1.0
                negated -= 1
            else:
                found["w:" + token] = 1.0
        unquoted = text
        for a, b in reversed(quoted):
            unquoted = unquoted[:a] + "。" + unquoted[b:]
        for run in _RUNS.findall(unquoted):
            for size in (2, 3):
                for i in range(len(run) - size + 1):
                    found["c:" + run[i:i + size]] = 1.0
        by_tag: dict[str, float] = {}
        hits = list(self._lexicon_hits(text))
        _keyword_rule(hits, found)
        for tag, term, weight, start in hits:
            prefix = "q" if quoted and in_quotes(start) else ""
            found[prefix + "l:" + term] = 1.0
            key = "t" + prefix + ":" + tag
            by_tag[key] = by_tag.get(key, 0.0) + weight
        for key, total in by_tag.items():
            found[key] = max(-LEXICON_CAP, min(LEXICON_CAP, total)) / 2
        for name, pattern in PERSPECTIVE.items():
            if pattern.search(text):
                found[name] = 1.0
        frame = "report" if "p:report" in found else "direct"
        debt = "debt" if by_tag.get("t:debt", 0.0) > 0 else "nodebt"
        for key, total in by_tag.items():
            if total > 0 and key.startswith("t:") and key != "t:debt":
                found[f"x:{key[2:]}|{frame}"] = 1.0
                found[f"x:{key[2:]}|{debt}"] = 1.0
        return found


def _keyword_rule(hits: list[tuple[str, str, float, int]], found: dict[str, float]) -> None:
    """k: the hand-weighted keyword sum the classifier used before it was learned (a tag reaching 1 and a
    total of 2, the strongest debt term counted once): general knowledge no template carries."""
    tags: dict[str, float] = {}
    debt, other = 0.0, 0.0
    for tag, _, weight, _ in hits:
        if tag == "debt":
            debt = max(debt, weight)
        elif tag == "none":
            other += weight
        else:
            tags[tag] = tags.get(tag, 0.0) + weight
    total = sum(tags.values()) + debt + other
    if total:
        found["k:score"] = max(-2.0, min(2.0, total / 3))
    if total >= 2 and any(v >= 1 for v in tags.values()):
        found["k:collection"] = 1.0


def readable(feature: str) -> str:
    """How a feature is shown in matched_terms (the text it stands for)."""
    kind, _, body = feature.partition(":")
    if kind == "n":
        return "不…" + body
    if kind == "x":
        return ""
    return body
