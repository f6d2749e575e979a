"""Filter-dodging spellings and the not-collection list from the issue."""
from __future__ import annotations

import pytest

from harass_analyzer.classify.normalize import digit_keys, from_digit_key, mask_names

from .conftest import predict_one

PLAIN = "您的借款已逾期，再不还款就爆你通讯录"
OBFUSCATED = [
    "您的借款已逾 期，再不还款就爆你通 讯 录",            # spaces inside words
    "您的借款已yu期，再不还款就爆你txl",                  # pinyin and abbreviation
    "您的借款已YuQi，再不HK就爆你通讯录",                  # full pinyin, upper case
    "您的借款已逾*期，再不还-款就爆你通.讯/录",            # symbols between characters
    "您的借款已逾😡期，再不还💰款就爆你通👉讯录",          # emoji between characters
    "您的借款已逾\u200b期，再不还\u200d款就爆你通讯录",     # zero-width characters
    "您的借款已逾期，再不還款就爆你通訊錄",                # Traditional characters
    "您的借款已ｙｕ期，再不ＨＫ就爆你通讯\u3000录",    # full-width letters and space (NFKC)
]


@pytest.mark.parametrize("text", OBFUSCATED)
def test_obfuscated_forms_classify_like_plain(clf, text):
    plain, seen = predict_one(clf, PLAIN), predict_one(clf, text)
    assert seen["category"] == plain["category"] == "collection"
    assert seen["tags"] == plain["tags"] == {"reminder", "exposure"}


@pytest.mark.parametrize(("text", "normalized"), [
    ("Ｘ金融提醒：欠債還錢", "x金融提醒:欠债还钱"),
    ("催 收 部：你的zx要花了", "催收部:你的征信要花了"),
    ("我们是cs，请尽快hk", "我们是催收,请尽快还款"),
    ("please call cs at 10am", "please call cs at 0am"),   # latin words alone are not abbreviations
    ("逾期１５天", "逾期0天"),
])
def test_normalizer(clf, text, normalized):
    assert clf.normalizer_.normalize(text) == normalized


def test_cs_abbreviation(clf):
    result = predict_one(clf, "我是cs部门的，你的欠款必须今天处理，不然zx就花了")
    assert result["category"] == "collection"
    assert {"reminder", "legal_threat"} <= result["tags"]


def test_template_masking():
    bodies = ["【易借】王伟您好，您的借款已逾期15天，欠款1520.00元", "【易借】李娜您好，您的借款已逾期3天，欠款88.5元"]
    keys = [mask_names(from_digit_key(k)) for k in digit_keys(bodies, 1000)]
    assert keys[0] == keys[1] == "【易借】某您好，您的借款已逾期0天，欠款0.0元"
    assert digit_keys([None, float("nan")], 1000) == [b"", b""]
    assert digit_keys(["逾期12345"], 3) == ["逾期1".translate({ord("1"): "0"}).encode()]


NOT_COLLECTION = [
    "【某银行】您尾号1234的信用卡本期账单2,310.00元，最后还款日12月5日，请按时还款。",       # pre-due bill
    "【某消费金融】您本期应还款860元将于明日从尾号5678账户自动扣款，请保证余额充足。",      # auto-debit
    "【速易贷】最高可借20万，秒到账，不上征信，点击链接立即申请，回T退订。",               # loan advert
    "【某宝】验证码382910，用于登录，5分钟内有效，请勿泄露。",                          # verification code
    "【某某快递】您的快件已由驿站签收，取件码8-3-2217。",                              # delivery
    "上次借你的300块明天发工资了还你哈",                                          # friends, small debt
    "你还欠我一顿饭呢，什么时候请？",                                             # friends
    "【反诈提醒】冒充公检法要求转账到安全账户的都是诈骗，请勿相信。",                       # anti-fraud notice
    "【某银行】您的账户积分即将到期，逾期作废，请尽快兑换。",                             # 逾期作废
    "您的借款已还款成功，本期已结清，感谢您的支持。",                                   # paid
]


@pytest.mark.parametrize("text", NOT_COLLECTION)
def test_not_collection(clf, text):
    result = predict_one(clf, text)
    assert result["category"] == "other", result
    assert result["tags"] == set()


@pytest.mark.parametrize("sender", ["12368", "+8612368", "110", "12110"])
def test_official_senders_are_not_collection(clf, sender):
    # A court's wording that presses the debt: from an unknown number, impersonation
    text = "您在本院的借款合同纠纷案件已立案，限您今日还清欠款，逾期将缺席判决并强制执行。"
    assert predict_one(clf, text)["category"] == "collection"
    assert predict_one(clf, text, sender=sender)["category"] == "other"
