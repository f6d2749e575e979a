"""Build the classifier's labelled corpus (data/classifier/corpus.tsv) from hand-written templates.

Every message is synthetic: invented names, platforms, amounts and dates filled into the templates of
data/classifier/templates/, then varied (punctuation, register, Traditional characters and the
filter-dodging tricks collectors use). The split into train and test is made per TEMPLATE (and per clause
for composed messages) before any message is generated, so a test message never shares its wording with a
training one. Deterministic: the same templates give the same file.

    python scripts/build_corpus.py            # writes data/classifier/corpus.tsv and sealed*.tsv
"""
from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import opencc
from pypinyin import lazy_pinyin

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "data" / "classifier" / "templates"
OUTPUT = ROOT / "data" / "classifier" / "corpus.tsv"
# Four sealed test splits, each with its own templates, slot values and file, written before a pass fitted
# anything (the second to fourth by hands that read no training template, corpus or lexicon); each is scored
# once per model meant to land, figures only (scripts/train_classifier.py --sealed/--sealed2/--sealed3/--sealed4).
SEALED_TEMPLATES = ROOT / "data" / "classifier" / "sealed"
SEALED_OUTPUT = ROOT / "data" / "classifier" / "sealed.tsv"
SEALED2_TEMPLATES = ROOT / "data" / "classifier" / "sealed2"
SEALED2_OUTPUT = ROOT / "data" / "classifier" / "sealed2.tsv"
SEALED3_TEMPLATES = ROOT / "data" / "classifier" / "sealed3"
SEALED3_OUTPUT = ROOT / "data" / "classifier" / "sealed3.tsv"
SEALED4_TEMPLATES = ROOT / "data" / "classifier" / "sealed4"
SEALED4_OUTPUT = ROOT / "data" / "classifier" / "sealed4.tsv"
TEST_EVERY = 5  # one template in five (per family) is held out
SPLIT_SALT = "split-2"  # changed once, after the first fits, so the test templates are ones no error was read on
PER_TEMPLATE = {1: 10, 0: 13}  # messages drawn per template (negatives: slot-less chat repeats more)
COMPOSED = {"train": 2200, "test": 500}
TAG_ORDER = ("reminder", "legal_threat", "visit_threat", "third_party", "exposure", "insult",
             "impersonation", "violence")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏宇浩凯晨欣怡子涵雨轩梓博文昊然佳琪思远志"
PLATFORMS = ["速融花", "金豆借", "闪银贷", "易分期", "花小呗", "小橙钱包", "安心借", "融360快贷", "星火分期", "乐享借",
             "随心贷", "众信金融", "月光宝", "极速贷", "好借呗", "鑫合金融", "天天有钱", "蓝鲸借款", "诚意分期", "万家贷",
             "青桔消费", "海豚钱包", "宜民贷", "百顺金融", "橙子快借"]
BANKS = ["华南银行", "东城银行", "中原商业银行", "江海银行", "北方农商行", "安和银行", "招商银行", "中国银行", "建设银行",
         "兴业银行", "平安银行", "民生银行"]
BRANDS = ["优选商城", "悦享生活", "每日鲜", "星光影城", "乐购超市", "美妆小铺", "云端会员", "快乐茶饮"]
SHOPS = ["某某超市", "街角咖啡", "老王面馆", "鲜果坊", "便民药房", "好运烘焙"]
COMPANIES = ["恒达科技", "远航物流", "新纪元传媒", "华信外包", "盛世咨询", "博远教育"]
SCHOOLS = ["阳光", "实验", "育才", "长安", "东湖"]
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "郑州", "长沙", "合肥", "昆明", "济南"]
PLACES = ["幸福里小区", "阳光花园", "锦绣家园", "翠湖苑", "东方明珠城", "金色港湾", "和平新村", "滨江一号"]
RELATIONS = ["朋友", "同事", "同学", "侄子", "女婿", "室友", "舅舅", "表哥", "表妹", "堂弟", "外甥", "老乡", "姐夫",
             "小姨子", "前同事", "邻居", "儿子", "女儿", "弟弟", "妹妹", "老公", "老婆", "客户", "员工"]
CHILD = ["儿子", "女儿"]
CARS = ["白色的大众", "黑色的轿车", "红色的比亚迪", "银色的丰田", "那辆电动车", "灰色的SUV"]
BOOKS = ["百年孤独", "活着", "围城", "平凡的世界", "三体", "红楼梦"]
TELCOS = ["移动", "联通", "电信"]
TIMES = ["18:00", "下午五点", "晚上八点", "中午12点", "今晚十点", "17:30", "明早九点"]

# Slot values of each sealed split: in neither the training lists nor any other split's (data, not code).
_SEALED_SLOTS = json.loads((ROOT / "data" / "classifier" / "sealed_slots.json").read_text(encoding="utf-8"))
SEALED_SLOTS, SEALED2_SLOTS, SEALED3_SLOTS, SEALED4_SLOTS = (_SEALED_SLOTS[name] for name in
                                                            ("sealed", "sealed2", "sealed3", "sealed4"))
_SLOT = re.compile(r"\{(\w+)\}")
_CHOICE = re.compile(r"<([^<>]*\|[^<>]*)>")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_T2S = None


@dataclass
class Template:
    ident: str
    family: str
    label: int
    tags: tuple[str, ...]
    text: str


def stable(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)


def read_templates(folder: Path = TEMPLATES) -> list[Template]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        if path.name == "clauses.txt":
            continue
        family, label = None, None
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@family"):
                _, family, label_text = line.split()
                label = int(label_text)
                continue
            if family is None:
                raise SystemExit(f"{path}:{number}: template before any @family")
            tags: tuple[str, ...] = ()
            if label == 1:
                tag_text, _, line = line.partition(" | ")
                tags = tuple(t.strip() for t in tag_text.split(",") if t.strip())
                unknown = set(tags) - set(TAG_ORDER)
                if unknown or not tags:
                    raise SystemExit(f"{path}:{number}: bad tags {tag_text!r}")
            prefix = {SEALED_TEMPLATES: "sealed/", SEALED2_TEMPLATES: "sealed2/",
                      SEALED3_TEMPLATES: "sealed3/", SEALED4_TEMPLATES: "sealed4/"}.get(folder, "")
            out.append(Template(f"{prefix}{path.stem}:{number}", family, label, tags, line))
    return out


def read_pools(section_of: dict[str, str]) -> dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]]:
    """Clause pools; `section_of` gets each clause's split group (a pool named again later in the file is
    extended, and its added clauses are split apart, so the clauses already there keep their side)."""
    pools: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]] = {}
    sections: dict[str, int] = {}
    name = None
    path = TEMPLATES / "clauses.txt"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@pool"):
            _, name, tag_text = line.split()
            pools.setdefault(name, (tuple(t for t in tag_text.split(",") if t != "-"), []))
            sections[name] = sections.get(name, -1) + 1
            continue
        pools[name][1].append((f"clauses:{number}", line))
        section_of[f"clauses:{number}"] = f"{name}#{sections[name]}" if sections[name] else name
    return pools


def assign_split(idents_by_group: dict[str, list[str]]) -> dict[str, str]:
    """Within each group (family or pool), every TEST_EVERY-th template in hash order is test."""
    split = {}
    for group, idents in idents_by_group.items():
        ordered = sorted(idents, key=lambda i: (stable(SPLIT_SALT + group + i), i))
        for position, ident in enumerate(ordered):
            split[ident] = "test" if position % TEST_EVERY == TEST_EVERY - 1 else "train"
    return split


# ------------------------------------------------------------------ slot filling
def amount(rng: random.Random) -> str:
    value = rng.choice([rng.randint(200, 9999), rng.randint(1000, 60000), rng.randint(100, 3000)])
    form = rng.random()
    if form < 0.35:
        return f"{value}.{rng.randint(0, 99):02d}"
    if form < 0.5:
        return f"{value:,}"
    if form < 0.6:
        return rng.choice(["两千五", "八千六", "三万二", "一万", "五千", "六百"])
    return str(value)


def fill(text: str, rng: random.Random, own_slots: dict | None = None) -> str:
    he = rng.choice(["他", "她"])
    slots = own_slots or {"surnames": SURNAMES, "given": GIVEN, "plat": PLATFORMS, "bank": BANKS, "city": CITIES,
                          "place": PLACES, "company": COMPANIES}
    xing = rng.choice(slots["surnames"])
    name = xing + "".join(rng.choice(slots["given"]) for _ in range(rng.choice([1, 2, 2])))
    values = {
        "name": name, "xing": xing, "he": he, "title": rng.choice(["先生", "女士"]),
        "plat": rng.choice(slots["plat"]), "bank": rng.choice(slots["bank"]), "brand": rng.choice(BRANDS),
        "shop": rng.choice(SHOPS), "company": rng.choice(slots["company"]), "school": rng.choice(SCHOOLS),
        "city": rng.choice(slots["city"]), "place": rng.choice(slots["place"]), "rel": rng.choice(RELATIONS),
        "child": rng.choice(CHILD), "car": rng.choice(CARS), "book": rng.choice(BOOKS), "telco": rng.choice(TELCOS),
        "time": rng.choice(TIMES), "amt": amount(rng), "amt2": amount(rng),
        "days": str(rng.choice([1, 3, 5, 7, 12, 15, 30, 45, 60, 90, 120, rng.randint(2, 200)])),
        "n": str(rng.randint(2, 9)), "n2": str(rng.randint(2, 9)), "d4": f"{rng.randint(0, 9999):04d}",
        "code": f"{rng.randint(0, 999999):06d}", "year": str(rng.randint(2019, 2025)),
        "date": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "case": f"{rng.choice('HXJAZ')}{rng.randint(2019, 2025)}-{rng.randint(100, 9999)}",
        "phone": f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
    }
    text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
    return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# ------------------------------------------------------------------ variation operators
KEYWORDS = ["逾期", "还款", "催收", "通讯录", "欠款", "征信", "起诉", "上门", "律师", "还钱", "借款", "法院", "老赖",
            "曝光", "联系人", "欠钱", "贷款", "拖欠", "传票", "家人"]
GAP_CHARS = [" ", "*", "-", "/", ".", "😡", "\u200b", "_", "~", "、", "|", "👉"]
BRACKETS = ["【】", "()", "[]", "〔〕", "「」", "（）"]
LOOKALIKE = {"你": "伱妳祢", "钱": "銭", "款": "欵", "欠": "芡"}
HOMOPHONE = {"逾": "渝鱼玉", "催": "崔摧", "债": "寨", "征": "蒸", "赖": "濑籁", "诉": "素", "欠": "芡",
             "曝": "爆暴", "款": "欵"}


def _t2s_inverse(text: str) -> str:
    global _T2S
    if _T2S is None:
        _T2S = opencc.OpenCC("s2t")
    return _T2S.convert(text)


def _cjk_positions(text: str) -> list[int]:
    return [i for i in range(len(text) - 1) if _CJK.match(text[i]) and _CJK.match(text[i + 1])]


def vary(text: str, rng: random.Random) -> str:
    if rng.random() < 0.3:  # punctuation habits
        text = text.replace("，", rng.choice(["，", ",", " ", "，"]))
        if text.endswith("。") and rng.random() < 0.5:
            text = text[:-1] + rng.choice(["", "!", "！！", "..."])
    if rng.random() < 0.1:
        text = rng.choice(["您好，", "你好，", "喂，", "打扰一下，", "在吗？"]) + text
    if rng.random() < 0.08:
        text = text + rng.choice(["谢谢。", "收到请回复。", "[微笑]", "勿回。"])
    if rng.random() < 0.1:
        text = _t2s_inverse(text)
    present = [w for w in KEYWORDS if w in text]
    if rng.random() < 0.12:  # separators inside words
        spots = _cjk_positions(text)
        for w in present[:2]:
            start = text.find(w)
            spots.append(start)
        for spot in sorted(set(rng.sample(spots, min(len(spots), rng.randint(1, 3)))), reverse=True):
            text = text[:spot + 1] + rng.choice(GAP_CHARS) * rng.choice([1, 1, 2]) + text[spot + 1:]
    if rng.random() < 0.05 and (present or _cjk_positions(text)):  # every character of a word in brackets
        word = rng.choice(present) if present else text[_cjk_positions(text)[0]:_cjk_positions(text)[0] + 2]
        pair = rng.choice(BRACKETS)
        text = text.replace(word, "".join(pair[0] + c + pair[1] for c in word), 1)
    if rng.random() < 0.06:
        for char, looks in LOOKALIKE.items():
            if char in text and rng.random() < 0.7:
                text = text.replace(char, rng.choice(looks))
    if rng.random() < 0.08 and present:  # pinyin: whole, mixed, initials, spaced letters
        word = rng.choice(present)
        syllables = lazy_pinyin(word)
        style = rng.random()
        if style < 0.3:
            spelled = "".join(syllables)
        elif style < 0.55:
            i = rng.randrange(len(word))
            spelled = "".join(s if j == i else c for j, (c, s) in enumerate(zip(word, syllables)))
        elif style < 0.8:
            spelled = " ".join("".join(syllables))
        else:
            spelled = rng.choice([" ", ".", "-"]).join(s[0] for s in syllables)
        if rng.random() < 0.3:
            spelled = spelled.upper()
        text = text.replace(word, spelled, 1)
    if rng.random() < 0.05:
        for char, sounds in HOMOPHONE.items():
            if char in text and rng.random() < 0.6:
                text = text.replace(char, rng.choice(sounds), 1)
    return text


# ------------------------------------------------------------------ composition
def compose(rng: random.Random, pools, side_of, side: str) -> tuple[str, int, tuple[str, ...], str, str]:
    def pick(name: str) -> tuple[str, tuple[str, ...], str]:
        tags, clauses = pools[name]
        choices = [c for c in clauses if side_of[c[0]] == side]
        ident, clause = rng.choice(choices)
        return fill(clause, rng), tags, ident

    kind = rng.random()
    threat_pools = ["legal", "visit", "exposure", "insult", "violence"]
    if kind < 0.22:  # someone talks about a threat: not collection
        frame, _, frame_id = pick("report_frame")
        clause, _, clause_id = pick(rng.choice(threat_pools + ["fact"]))
        return frame.replace("{clause}", clause), 0, (), "composed_report", f"{frame_id}+{clause_id}"
    parts, tags, idents = [], set(), []
    if kind < 0.45:  # to a third party
        for name in ["rel_intro", "rel_fact", "rel_ask"]:
            clause, t, ident = pick(name)
            parts.append(clause)
            tags |= set(t)
            idents.append(ident)
        family = "composed_third_party"
    else:
        if rng.random() < 0.6:
            parts.append(pick("opener")[0].rstrip("，,"))
        for name in ["fact", "demand"]:
            if rng.random() < 0.6:
                clause, t, ident = pick(name)
                parts.append(clause)
                tags |= set(t)
                idents.append(ident)
        family = "composed_debtor"
    for name in rng.sample(threat_pools, rng.choice([0, 1, 1, 2]) if parts else 1):
        clause, t, ident = pick(name)
        if rng.random() < 0.5 and name not in ("insult",):
            clause = rng.choice(["再不还钱，", "不还的话，", "今天不处理，", "再拖下去，"]) + clause
        parts.append(clause)
        tags |= set(t)
        idents.append(ident)
    if not tags:
        clause, t, ident = pick("fact")
        parts.append(clause)
        tags |= set(t)
        idents.append(ident)
    if "third_party" in tags:
        tags.discard("reminder")
    text = "，".join(p for p in parts if p) + pick("closing")[0]
    return text, 1, tuple(t for t in TAG_ORDER if t in tags), family, "+".join(idents)


def main() -> None:
    templates = read_templates()
    section_of: dict[str, str] = {}
    pools = read_pools(section_of)
    by_family: dict[str, list[str]] = {}
    for t in templates:
        by_family.setdefault(t.family, []).append(t.ident)
    side_of = assign_split(by_family)
    by_section: dict[str, list[str]] = {}
    for ident, section in section_of.items():
        by_section.setdefault(section, []).append(ident)
    side_of.update(assign_split(by_section))
    rows: dict[str, tuple] = {}
    for t in templates:
        rng = random.Random(stable(t.ident + t.text))
        for _ in range(PER_TEMPLATE[t.label]):
            text = vary(fill(t.text, rng), rng)
            rows.setdefault(text, (text, t.label, ",".join(t.tags), t.family, t.ident, side_of[t.ident]))
    for side, count in COMPOSED.items():
        rng = random.Random(f"composed-{side}")
        for _ in range(count):
            text, label, tags, family, ident = compose(rng, pools, side_of, side)
            text = vary(text, rng)
            rows.setdefault(text, (text, label, ",".join(tags), family, ident, side))
    write(OUTPUT, rows, len(templates))
    taken = [rows]
    for split, folder, output, slots in (("sealed", SEALED_TEMPLATES, SEALED_OUTPUT, SEALED_SLOTS),
                                         ("sealed2", SEALED2_TEMPLATES, SEALED2_OUTPUT, SEALED2_SLOTS),
                                         ("sealed3", SEALED3_TEMPLATES, SEALED3_OUTPUT, SEALED3_SLOTS),
                                         ("sealed4", SEALED4_TEMPLATES, SEALED4_OUTPUT, SEALED4_SLOTS)):
        split_templates = read_templates(folder)
        messages = sealed_split(split_templates, split, slots, list(taken))
        write(output, messages, len(split_templates))
        taken.append(messages)

def sealed_split(templates: list[Template], split: str, slots: dict, taken: list[dict]) -> dict[str, tuple]:
    """A sealed split's messages, from its own seed and slot values. A message equal to one already taken (the
    training corpus, an earlier sealed split) is left out: a short chat line may coincide, and it would not
    test wording the model has not seen."""
    out: dict[str, tuple] = {}
    for t in templates:
        rng = random.Random(stable(split + t.ident + t.text))
        for _ in range(PER_TEMPLATE[t.label]):
            text = vary(fill(t.text, rng, own_slots=slots), rng)
            if not any(text in seen for seen in taken):
                out.setdefault(text, (text, t.label, ",".join(t.tags), t.family, t.ident, split))
    return out


def write(path: Path, rows: dict[str, tuple], templates: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(["text", "is_collection", "tags", "family", "template", "split"])
        for row in rows.values():
            if "\t" in row[0] or "\n" in row[0]:
                raise SystemExit(f"template produced a tab or newline: {row[0]!r}")
            writer.writerow(row)
    labels = [r[1] for r in rows.values()]
    print(f"{path.relative_to(ROOT)}: {len(rows)} messages, {sum(labels)} collection, "
          f"{len(labels) - sum(labels)} not; {templates} templates", file=sys.stderr)


if __name__ == "__main__":
    main()
