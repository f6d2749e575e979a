"""Each tag: messages that must carry it and near-miss messages that must not (own examples)."""
from __future__ import annotations

import pytest

from .conftest import predict_one

POSITIVE = {
    "reminder": [
        "【闪贷宝】您的贷款已逾期12天，请今天之内还清，避免产生更多罚息。",
        "你在我们平台的分期拖欠两个月了，赶紧还钱。",
        "贷后提醒：您的账单已超过还款期，仍未还款，请立即还款。",
    ],
    "legal_threat": [
        "你的借款逾期未还，我们已准备起诉材料，下周提交法院，到时候你就是失信被执行人。",
        "欠款再不结清就上报征信，以后你坐不了高铁。",
        "你已严重逾期，我方律师将向你发送律师函并追究法律责任。",
    ],
    "visit_threat": [
        "你欠的钱今天不处理，我们的外访同事明天去你单位找你。",
        "逾期不还，催收人员已经在你家楼下等你了。",
        "欠款再拖，我们就派人上门到你老家核实。",
    ],
    "third_party": [
        "您好，您被张某填为紧急联系人，其借款已逾期，请转告他联系我们。",
        "你是王某的同事吧？他欠我们平台的钱一直不还，麻烦让他回电。",
        "请通知您的亲属赵某尽快处理其在我司的欠款，逾期已经三十天。",
    ],
    "exposure": [
        "再不还钱就把你的欠款信息发到你所有联系人和朋友圈。",
        "明天开始爆你通讯录，让你身边的人都知道你欠钱不还。",
        "你逾期的事我们会通报你的工作单位和村委会。",
    ],
    "insult": [
        "欠钱不还的老赖，你还要不要脸？",
        "你这个骗子，借钱的时候说得好听，现在逾期了就装死。",
    ],
    "impersonation": [
        "我是市公安局经侦支队的民警，你的网贷逾期已涉嫌诈骗，请配合调查。",
        "法院传票：你因借款逾期被起诉，请今日内联系承办法官。",
    ],
    "violence": [
        "欠款今天不还，后果自负。",
        "不还钱是吧？出门小心点，注意你家人的安全。",
        "再拖着不还，找人打断你的腿。",
    ],
}

NEAR_MISSES = {
    "reminder": "您的账单将于3天后到期，请按时还款，避免逾期。",
    "legal_threat": "【12368】您好，您的案件已立案，请登录诉讼服务网查看进度。",
    "visit_threat": "您预约的上门取件已安排，快递员下午到您小区门口。",
    "third_party": "你的朋友圈我看了，照片拍得真好。",
    "exposure": "我把你的电话存到通讯录了。",
    "insult": "【国家反诈中心】自称客服索要验证码的都是骗子，请提高警惕。",
    "impersonation": "【国家反诈中心】提醒：公检法不会通过电话要求转账，谨防诈骗。",
    "violence": "路上注意安全，到家说一声。",
}


@pytest.mark.parametrize(("tag", "text"), [(t, x) for t, texts in POSITIVE.items() for x in texts])
def test_tag_present(clf, tag, text):
    result = predict_one(clf, text)
    assert result["category"] == "collection", result
    assert tag in result["tags"], result
    # every reported tag is explained by at least one matched term
    for reported in result["tags"]:
        assert f"{reported}:" in result["terms"], result


@pytest.mark.parametrize(("tag", "text"), sorted(NEAR_MISSES.items()))
def test_near_miss_not_collection(clf, tag, text):
    result = predict_one(clf, text)
    assert result["category"] == "other", result
    assert result["tags"] == set()


def test_third_party_replaces_reminder(clf):
    result = predict_one(clf, "您好，您的朋友李某借款已逾期，请督促他尽快还款。")
    assert result["tags"] == {"third_party"}


def test_word_boundaries_from_jieba(clf):
    # 上门 is a substring of 马上门口 but not a word there: neither the jieba word nor the lexicon term is a
    # feature of it (only the character bigram, which every text containing the characters has). Whether
    # "meet at the door about the debt" is a visit threat is the model's call, so it is not asserted here.
    def words(text: str) -> set[str]:
        return {name for name in clf.features(clf.template(text)) if name.startswith(("w:", "l:"))}

    assert not {"w:上门", "l:上门"} & words("欠款的事马上门口见面谈")
    assert {"w:上门", "l:上门"} <= words("欠款不还，我们马上上门")
    assert "visit_threat" in predict_one(clf, "欠款不还，我们马上上门")["tags"]
