"""Classifier speed on many message bodies (not a pytest file: run it by hand).

    .venv/bin/python tests/classify/bench_classify.py [N]

Generates N bodies (default 1,000,000) from ~25,000 synthetic templates, each filled with varying
names, amounts, days and times (so most bodies are distinct exact strings), and times
KeywordClassifier.predict on a list (including the jieba tokenizer's start-up), then classify_events
on an event table whose body column is Arrow-backed `str`, as the pipeline passes it.
"""
from __future__ import annotations

import random
import sys
import time

import pandas as pd

from harass_analyzer.classify import KeywordClassifier, classify_events

LENDERS = [f"{a}{b}" for a in "速易鑫快安恒宏信" for b in ("借", "贷花", "金融", "分期", "钱包", "资产")]
CORES = [
    "{name}您好，您的借款已逾期{d}天，欠款{a}元，请于今日{h}点前还款，以免影响个人征信。",
    "{name}，您的欠款{a}元已严重逾期，我司将于{d}日内向法院提起诉讼。",
    "您的朋友{name}在我司借款{a}元逾期未还，请转告其尽快还款。",
    "已安排外访人员近日上门核实情况，欠款{a}元请尽快处理。",
    "{name}再不还钱就把你的事发给你通讯录所有人。",
    "验证码{a}，{d}分钟内有效，请勿泄露。",
    "您尾号{d}的信用卡本期账单{a}元，到期还款日{h}日。",
    "您的快件已到驿站，取件码{d}-{h}-{a}。",
    "{name}，晚上{h}点一起吃饭吗？",
    "您的账户于{h}:{d}支出人民币{a}元，余额{a}元。",
]
SUFFIXES = ["", "回T退订", "详询客服。", "【{lender}】", "如已还款请忽略。", "感谢配合！", "客服电话4008{d}{d}"]
NAMES = [s + g for s in "王李张刘陈杨赵黄周吴" for g in "伟芳娜敏静丽强磊军洋"]


def bodies(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    templates = [f"【{lender}】{core}{suffix}" for lender in LENDERS for core in CORES for suffix in SUFFIXES]
    out = []
    for _ in range(n):
        t = rng.choice(templates)
        lender = rng.choice(LENDERS)
        out.append(t.format(name=rng.choice(NAMES), a=rng.randint(100, 99999), d=rng.randint(1, 90),
                            h=rng.randint(8, 23), lender=lender))
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    texts = bodies(n)
    t0 = time.perf_counter()
    classifier = KeywordClassifier().fit()
    t1 = time.perf_counter()
    result = classifier.predict(texts)
    t2 = time.perf_counter()
    events = pd.DataFrame({"kind": "sms", "body": pd.Series(texts, dtype="str"), "counterpart": "10690001"})
    t3 = time.perf_counter()
    classified = classify_events(events, classifier)
    t4 = time.perf_counter()
    assert classified["category"].tolist() == result["category"].tolist()
    distinct = len(set(texts))
    print(f"bodies={n} distinct_exact={distinct} fit={t1 - t0:.2f}s predict={t2 - t1:.2f}s "
          f"classify_events={t4 - t3:.2f}s collection={int((result['category'] == 'collection').sum())}")


if __name__ == "__main__":
    main()
