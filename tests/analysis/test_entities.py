"""Collector entity grouping (analysis.entities) on hand-made event tables."""
from __future__ import annotations

import pytest

from harass_analyzer.analysis.entities import ENTITY_COLUMNS, assign_entities, extract_keys
from tests.handmade_events import make_events
from harass_analyzer.errors import ConfigError
from harass_analyzer.numbers import normalize_number

A, B, C, D = "+8617000000001", "+8617000000002", "+8617100000003", "+8613900000004"


def entity_of(events, number):
    values = set(events.loc[events["counterpart"].eq(number), "entity"])
    assert len(values) == 1
    return values.pop()


def test_two_numbers_with_one_signature_are_one_entity():
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "【XX金融】您的借款已逾期，请尽快还款"),
        ("2026-03-01 10:00:00", "sms", "in", B, "received", "【XX金融】您的账单已逾期3天"),
        ("2026-03-01 11:00:00", "call", "in", B, "missed", 0),
    ])
    out, entities = assign_entities(ev)
    assert list(entities.columns) == ENTITY_COLUMNS
    assert entities["entity"].tolist() == ["XX金融"]
    assert entities["numbers"].tolist() == [f"{A};{B}"]
    assert "signature 【XX金融】" in entities.loc[0, "evidence"]
    assert f"{A} (E0001)" in entities.loc[0, "evidence"] and f"{B} (E0002)" in entities.loc[0, "evidence"]
    assert out["entity"].tolist() == ["XX金融"] * 3
    assert len(out) == len(ev) and list(out.columns) == list(ev.columns) + ["entity"]


def test_unrelated_numbers_stay_apart():
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "【XX金融】您的借款已逾期"),
        ("2026-03-01 09:10:00", "sms", "in", B, "received", "【YY贷】您的借款已逾期"),
        ("2026-03-01 09:20:00", "sms", "in", C, "received", "【温馨提示】您的借款已逾期"),
        ("2026-03-01 09:30:00", "sms", "in", D, "received", "【温馨提示】您的欠款已逾期"),
        ("2026-03-01 09:40:00", "call", "in", "withheld", "missed", 0),
        ("2026-03-01 09:50:00", "sms", "in", "95555", "received", "【XX金融】验证码 1234", "", "other"),
    ])
    out, entities = assign_entities(ev)
    assert entity_of(out, A) == "XX金融"
    assert entity_of(out, B) == "YY贷"
    # generic signatures link nothing; a number without collection evidence keeps its own number
    assert entity_of(out, C) == C and entity_of(out, D) == D
    assert entity_of(out, "withheld") == "withheld"
    assert entity_of(out, "95555") == "95555"
    assert entities["entity"].tolist() == sorted(["XX金融", "YY贷", C, D])


def test_callback_number_joins_the_line_that_calls():
    hotline = normalize_number("4001234567")
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "您的借款已逾期，请回电400-123-4567处理"),
        ("2026-03-01 10:00:00", "call", "in", hotline, "missed", 0),
        ("2026-03-01 11:00:00", "sms", "in", B, "received", "逾期未还，速致电4001234567"),
        ("2026-03-01 12:00:00", "sms", "in", C, "received", "已通知您的紧急联系人13900000004，尽快还款"),
        ("2026-03-01 12:30:00", "sms", "out", D, "sent", "妈，我没事"),
    ])
    out, entities = assign_entities(ev)
    assert entity_of(out, A) == entity_of(out, hotline) == entity_of(out, B)
    assert entities.loc[entities["entity"].eq(entity_of(out, A)), "numbers"].item() == ";".join(
        sorted([A, B, hotline]))
    # 联系人 + number is a third party, never a callback line
    assert entity_of(out, D) == D and entity_of(out, C) == C


def test_contract_number_and_named_platform():
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "您在花花钱包的借款已逾期 合同编号：HT2026030101"),
        ("2026-03-01 10:00:00", "sms", "in", B, "received", "还款提醒 合同号HT2026030101 仍未结清"),
        ("2026-03-01 11:00:00", "sms", "in", C, "received", "您在本月的账单已逾期"),
        ("2026-03-01 12:00:00", "sms", "in", D, "received", "您在本月的账单已逾期"),
    ])
    out, entities = assign_entities(ev)
    assert entity_of(out, A) == entity_of(out, B) == "花花钱包"
    assert "contract number HT2026030101" in entities.loc[entities["entity"].eq("花花钱包"), "evidence"].item()
    assert entity_of(out, C) == C and entity_of(out, D) == D  # "本月" is not a platform


def test_platform_named_by_two_numbers_or_matching_a_signature_links():
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "【快贷】您的借款已逾期"),
        ("2026-03-01 10:00:00", "sms", "in", B, "received", "你在快贷的欠款再不还就上门"),
        ("2026-03-01 11:00:00", "sms", "in", C, "received", "您在闪借平台的借款已逾期"),
        ("2026-03-01 12:00:00", "sms", "in", D, "received", "您在闪借的借款已逾期"),
    ])
    out, _ = assign_entities(ev)
    assert entity_of(out, A) == entity_of(out, B) == "快贷"
    assert entity_of(out, C) == entity_of(out, D) == "闪借"


def test_amounts_link_only_when_exact_and_large():
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "您已逾期，应还3,256.78元"),
        ("2026-03-01 10:00:00", "sms", "in", B, "received", "逾期金额 3256.78 元，今日处理"),
        ("2026-03-01 11:00:00", "sms", "in", C, "received", "逾期罚息50.00元"),
        ("2026-03-01 12:00:00", "sms", "in", D, "received", "逾期罚息50.00元"),
    ])
    out, _ = assign_entities(ev)
    assert entity_of(out, A) == entity_of(out, B) == min(A, B)
    assert entity_of(out, C) == C and entity_of(out, D) == D


def test_user_mapping_file_groups_and_names(tmp_path):
    mapping = tmp_path / "entities.csv"
    mapping.write_text("number,entity\n171 0000 0003,速借催收\n+8617000000001,速借催收\n15000000000,不在记录中\n",
                       encoding="utf-8")
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "【XX金融】您的借款已逾期"),
        ("2026-03-01 10:00:00", "call", "in", C, "missed", 0),
        ("2026-03-01 11:00:00", "sms", "in", B, "received", "【XX金融】您的借款已逾期"),
    ])
    out, entities = assign_entities(ev, mapping)
    assert entity_of(out, A) == entity_of(out, B) == entity_of(out, C) == "速借催收"
    row = entities.loc[entities["entity"].eq("速借催收")]
    assert row["numbers"].item() == ";".join(sorted([A, B, C]))
    assert "user mapping 速借催收" in row["evidence"].item()
    assert len(entities) == 1


@pytest.mark.parametrize("content", ["", "foo,bar\n1,2\n", "number,entity\n,x\n"])
def test_bad_mapping_file_is_a_config_error(tmp_path, content):
    mapping = tmp_path / "bad.csv"
    mapping.write_text(content, encoding="utf-8")
    ev = make_events([("2026-03-01 09:00:00", "sms", "in", A, "received", "【XX金融】逾期")])
    with pytest.raises(ConfigError, match="bad.csv"):
        assign_entities(ev, mapping)
    with pytest.raises(ConfigError, match="missing.csv"):
        assign_entities(ev, tmp_path / "missing.csv")


def test_grouping_is_deterministic_under_input_order():
    rows = [
        ("2026-03-01 09:00:00", "sms", "in", B, "received", "【XX金融】您的借款已逾期"),
        ("2026-03-01 10:00:00", "sms", "in", A, "received", "【YY贷】逾期 请回电17100000003"),
        ("2026-03-01 11:00:00", "sms", "in", C, "received", "【XX金融】您的借款已逾期"),
        ("2026-03-02 11:00:00", "sms", "in", C, "received", "【XX金融】您的借款已逾期"),
    ]
    first = assign_entities(make_events(rows))
    second = assign_entities(make_events(list(reversed(rows))))
    assert first[1].equals(second[1])
    # YY贷 quotes C, which signs 【XX金融】: a weak key never merges two differently signed groups
    table = first[1].set_index("entity")
    assert table.index.tolist() == ["XX金融", "YY贷"]
    assert table.loc["XX金融", "numbers"] == f"{B};{C}" and table.loc["YY贷", "numbers"] == A
    assert "not used" in table.loc["XX金融", "evidence"]


def test_weak_keys_attach_unsigned_numbers_but_never_bridge_signatures():
    ev = make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "【XX金融】逾期应还3,256.78元"),
        ("2026-03-01 10:00:00", "sms", "in", B, "received", "【YY贷】逾期应还3256.78元"),
        ("2026-03-01 11:00:00", "sms", "in", C, "received", "逾期金额3256.78元 今天处理"),
    ])
    out, entities = assign_entities(ev)
    assert entity_of(out, A) == "XX金融" and entity_of(out, B) == "YY贷"
    assert entity_of(out, C) == C  # the amount is ambiguous: it links nothing
    assert "not used, also quoted for another signature: amount 3256.78" in entities.set_index("entity").loc[
        "XX金融", "evidence"]
    one_lender, _ = assign_entities(ev.loc[ev["counterpart"].ne(B)])
    assert entity_of(one_lender, C) == "XX金融"  # the same amount attaches an unsigned number


def test_extraction_runs_on_distinct_bodies():
    keys = extract_keys(make_events([
        ("2026-03-01 09:00:00", "sms", "in", A, "received", "【XX金融】逾期 请致电95188"),
        ("2026-03-01 09:01:00", "sms", "in", B, "received", "【XX金融】逾期 请致电95188"),
    ])["body"])
    assert sorted(map(tuple, keys[["key_kind", "value"]].to_numpy())) == [("callback", "95188"), ("sig", "XX金融")]
