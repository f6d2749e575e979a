"""What each number is (issue 17): kind, region (归属地, phonenumbers' Chinese geocoder) and carrier for a
table of numbers of every kind, as the pipeline normalizes them; each distinct number looked up once."""
from __future__ import annotations

import pandas as pd
import pytest

from harass_analyzer.analysis import number_info
from harass_analyzer.analysis.number_info import describe_number, kind_label, with_number_info
from harass_analyzer.numbers import normalize_number

TABLE = [  # raw as an export writes it → (kind, region, carrier)
    ("13800138000", "mobile", "北京市", "中国移动"),
    ("138 0013 8000", "mobile", "北京市", "中国移动"),
    ("+86 139 1234 0001", "mobile", "江苏省常州市", "中国移动"),
    ("15812340021", "mobile", "广东省湛江市", "中国移动"),
    ("15001234567", "mobile", "北京市", "中国移动"),
    ("18612340011", "mobile", "北京市", "中国联通"),
    ("13001234567", "mobile", "北京市", "中国联通"),
    ("13301234567", "mobile", "北京市", "中国电信"),
    ("17301234567", "mobile", "北京市", "中国电信"),
    ("18001234567", "mobile", "北京市", "中国电信"),
    ("19212345678", "mobile", "", "中国广电"),
    ("16212345678", "virtual_mobile", "", ""),
    ("16512340012", "virtual_mobile", "", ""),
    ("16712345678", "virtual_mobile", "", "中国联通"),
    ("17012345678", "virtual_mobile", "", "中国电信"),
    ("17112345678", "virtual_mobile", "", "中国联通"),
    ("17055550101", "virtual_mobile", "河南省郑州市", "中国移动"),
    ("0755-86001234", "landline", "广东省深圳市", ""),
    ("010-62345678", "landline", "北京市", ""),
    ("02162345678", "landline", "上海市", ""),
    ("0571-87654321", "landline", "浙江省杭州市", ""),
    ("020-38001234", "landline", "广东省广州市", ""),
    ("023-63123456", "landline", "重庆市", ""),
    ("4001234567", "400", "", ""),
    ("400-820-8820", "400", "", ""),
    ("8008101234", "800", "", ""),
    ("95555", "service_95", "", ""),
    ("95588", "service_95", "", ""),
    ("96166", "service_96", "", ""),
    ("10086", "carrier_service", "", ""),
    ("10000", "carrier_service", "", ""),
    ("12321", "public_service", "", ""),
    ("12378", "public_service", "", ""),
    ("106550200001", "bulk_sms", "", ""),
    ("1069012345678", "bulk_sms", "", ""),
    ("114", "short_code", "", ""),
    ("+1 202 555 0123", "foreign", "美国", ""),
    ("+886912345678", "foreign", "台湾地区", ""),
    ("-1", "withheld", "", ""),
    ("招商银行", "text", "", ""),
    ("service@bank.example", "text", "", ""),
]


@pytest.mark.parametrize("raw, kind, region, carrier", TABLE)
def test_number_kind_region_carrier(raw: str, kind: str, region: str, carrier: str) -> None:
    assert describe_number(normalize_number(raw)) == (kind, region, carrier)


def test_table_covers_every_kind() -> None:
    assert len(TABLE) >= 30
    assert {k for _, k, _, _ in TABLE} == set(number_info.KIND_LABELS) - {"other"}
    assert kind_label("virtual_mobile") == "虚拟运营商手机" and kind_label("service_95", "en") == "95 service number"


def test_each_distinct_number_is_looked_up_once(monkeypatch) -> None:
    seen: list[str] = []
    real = number_info.describe_number
    monkeypatch.setattr(number_info, "describe_number", lambda n: seen.append(n) or real(n))
    numbers = pd.Series(["+8613800138000", "95555", "+8613800138000", "95555", "withheld"], index=[5, 6, 7, 8, 9])
    info = number_info.number_info(numbers)
    assert sorted(seen) == ["+8613800138000", "95555", "withheld"]
    assert info.index.tolist() == [5, 6, 7, 8, 9]
    assert info["number_kind"].tolist() == ["mobile", "service_95", "mobile", "service_95", "withheld"]


def test_senders_gain_three_columns() -> None:
    senders = pd.DataFrame({"counterpart": ["+8617012345678", "10086"], "total_in": [3, 1]})
    out = with_number_info(senders)
    assert out.columns.tolist() == ["counterpart", "total_in", "number_kind", "region", "carrier"]
    assert out.values.tolist() == [["+8617012345678", 3, "virtual_mobile", "", "中国电信"],
                                   ["10086", 1, "carrier_service", "", ""]]
    assert with_number_info(senders.iloc[:0]).columns.tolist()[-3:] == ["number_kind", "region", "carrier"]
