"""Rule packs: loading, validation, listing and the report's legal-weight text."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from harass_analyzer.errors import ConfigError
from harass_analyzer.rules import (LEGAL_WEIGHTS, builtin_profiles, describe_profile, format_profile,
                                   load_profile)
from harass_analyzer.rules.profile import CONFIDENCES, KIND_PARAMS


def test_builtin_profiles_load_and_are_complete():
    assert builtin_profiles() == ["au", "cn", "in", "us"]
    for name in builtin_profiles():
        profile = load_profile(name)
        assert profile.name == name and profile.default_tz and profile.title_en and profile.title_zh
        for rule in profile.rules:
            assert rule.title_zh and rule.title_en and rule.citations
            assert all(c.document and c.wording for c in rule.citations)
            assert rule.legal_weight in LEGAL_WEIGHTS and rule.confidence in CONFIDENCES
            assert rule.kind in KIND_PARAMS


def test_cn_profile_encodes_the_sourced_numbers_and_no_myths():
    cn = {r.id: r for r in load_profile("cn").rules}
    time_rule = cn["CN-GBT45251-TIME"]
    assert time_rule.params["allowed"] == [{"days": "all", "from": "08:00", "to": "22:00", "to_inclusive": False}]
    assert time_rule.legal_weight == "national_standard"
    assert (cn["CN-GBT45251-FREQ-INTERACTIVE"].params["threshold"], cn["CN-CBA2026-FREQ"].params["threshold"]) == (3, 6)
    assert cn["CN-CBA2026-FREQ"].legal_weight == "self_regulation"
    assert cn["CN-PSAPL-42"].legal_weight == "statute" and cn["CN-PSAPL-42"].params["threshold"] == 3
    heuristics = sorted(r.id for r in cn.values() if r.legal_weight == "heuristic")
    assert heuristics == ["CN-TOOL-CALLBOMB-BURST", "CN-TOOL-CALLBOMB-DAY"]
    text = json.dumps([r.citation_text() for r in cn.values()], ensure_ascii=False)
    assert "自律公约" not in text  # the 2018 convention has no verified hours or limits (rules.md ✗)
    assert "21:00" not in text and "9:00-17:00" not in text


def test_night_hours_and_exact_disallowed_masks():
    assert load_profile("cn").night_hours == (22, 8)
    assert load_profile("us").night_hours == (21, 8)
    assert load_profile("in").night_hours == (19, 8)
    times = pd.Series(pd.to_datetime(["2026-03-06 07:29:59", "2026-03-06 07:30:00", "2026-03-07 08:59:59",
                                      "2026-03-07 09:00:00", "2026-03-07 21:00:00", "2026-03-07 21:00:01"])
                      ).dt.tz_localize("Australia/Sydney")
    assert load_profile("au").is_disallowed(times).tolist() == [True, False, True, False, False, True]


def write(tmp_path, data) -> str:
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def base_rule(**changes):
    rule = {"id": "X-1", "title": {"zh": "测试", "en": "test"},
            "citations": [{"document": "Doc", "article": "1", "wording": "w"}],
            "legal_weight": "heuristic", "confidence": "V2", "kind": "daily_count",
            "params": {"count": "calls", "op": ">", "threshold": 2}}
    rule.update(changes)
    return rule


def test_user_pack_file_loads(tmp_path):
    profile = load_profile(write(tmp_path, {"profile": "mine", "rules": [base_rule()]}))
    assert profile.name == "mine" and profile.rules[0].threshold == 2
    assert profile.night_hours == (22, 8) and "X-1" in format_profile(profile)


@pytest.mark.parametrize("bad, message", [
    ({"legal_weight": "law"}, "legal_weight"),
    ({"confidence": "✗"}, "confidence"),
    ({"kind": "vibes"}, "unknown kind"),
    ({"params": {"count": "calls", "threshold": 2, "colour": 1}}, "params"),
    ({"params": {"count": "everything"}}, "count must be"),
    ({"citations": []}, "citations"),
    ({"roles": ["lawyer"]}, "roles"),
    ({"effective_from": "2026-13-01"}, "bad date"),
])
def test_invalid_rules_are_config_errors(tmp_path, bad, message):
    with pytest.raises(ConfigError, match=message):
        load_profile(write(tmp_path, {"rules": [base_rule(**bad)]}))


def test_unknown_profile_and_bad_json(tmp_path):
    with pytest.raises(ConfigError, match="not a built-in profile"):
        load_profile("xx")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.json"):
        load_profile(str(broken))
    with pytest.raises(ConfigError, match="duplicate"):
        load_profile(write(tmp_path, {"rules": [base_rule(), base_rule()]}))


def test_format_profile_lists_every_rule_with_weight_and_citation():
    for name in builtin_profiles():
        profile = load_profile(name)
        text = format_profile(profile)
        for rule in profile.rules:
            assert rule.id in text and rule.citations[0].document in text
    assert "this tool" not in format_profile(load_profile("us"))
    assert "heuristic" in format_profile(load_profile("cn"))


def test_describe_profile_states_profile_timezone_and_legal_weight():
    cn = load_profile("cn")
    zh = describe_profile(cn, "zh", "Asia/Shanghai")
    assert "cn" in zh and "Asia/Shanghai" in zh and "推荐性国家标准" in zh and "行业自律规范" in zh and "不是法律" in zh
    assert "CN-TOOL-CALLBOMB-DAY" in zh and "司法规范性文件" in zh
    en = describe_profile(cn, "en", "Asia/Shanghai")
    assert "not statutes" in en and "heuristics" in en and "Asia/Shanghai" in en
    us = describe_profile(load_profile("us"), "en", "America/Chicago")
    assert "America/Chicago" in us and "GB/T" not in us
