"""Bilingual labels: complete for the data contract, both languages, real Chinese words."""

from __future__ import annotations

import math
import unicodedata

import pytest

from mktkit.errors import InputError
from mktkit.i18n import _GROUPS, KINDS, LANGS, label, labels

# Copied from docs/data.md (the data contract), table by table.
CONTRACT_COLUMNS = {
    "channel_daily": ["date", "region", "channel", "spend", "impressions", "clicks", "leads",
                      "orders", "new_customers", "revenue"],
    "events": ["user_id", "ts", "event", "channel", "device", "region"],
    "customers": ["customer_id", "signup_date", "region", "acquisition_channel"],
    "orders": ["order_id", "customer_id", "order_date", "region", "channel", "amount"],
    "kpi_targets": ["month", "region", "metric", "target", "direction"],
    "nps": ["response_id", "date", "region", "score", "comment"],
    "experiments": ["experiment", "variant", "users", "conversions", "planned_share",
                    "planned_users"],
    "campaigns": ["campaign_id", "name", "channel", "start", "end", "budget", "goal_metric",
                  "goal_value"],
}  # fmt: skip
EVENTS = ["visit", "view_product", "add_to_cart", "checkout", "purchase", "search", "signup",
          "add_to_wishlist"]  # fmt: skip
REGIONS = ["east", "south", "north", "west", "all"]
CHANNELS = ["search", "social", "video", "display", "kol", "email", "affiliate", "direct"]
DEVICES = ["mobile", "desktop", "app"]
KPI_METRICS = ["revenue", "orders", "new_customers", "spend", "roas", "cac", "conversion_rate"]
STATUSES = ["green", "amber", "red", "grey", "no target"]  # docs/methods.md, "KPIs"
DIRECTIONS = ["higher", "lower"]
# The monthly review's vocabulary, as the brief of this module lists it (English wording).
VOCABULARY = {
    "revenue": "Revenue",
    "mom": "Month over month",
    "yoy": "Year over year",
    "same_month_last_year": "Same month last year",
    "headline_figures": "Headline figures",
    "spend": "Spend",
    "new_customers": "New customers",
    "orders": "Orders",
    "change": "Change",
    "previous_month": "Previous month",
    "data_through": "Data through",
    "generated": "Generated",
    "parameters": "Parameters",
    "region": "Region",
    "all_regions": "All regions",
}


def _has_han(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH") for ch in text)


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("column", sorted({c for cols in CONTRACT_COLUMNS.values() for c in cols})),
        ("event", EVENTS),
        ("region", REGIONS),
        ("channel", CHANNELS),
        ("device", DEVICES),
        ("metric", KPI_METRICS),
        ("status", STATUSES),
        ("direction", DIRECTIONS),
    ],
)
def test_every_code_of_the_contract_has_a_label(kind, codes):
    for lang in LANGS:
        missing = [c for c in codes if c not in labels(lang, kind=kind)]
        assert not missing, (kind, lang, missing)


def test_report_vocabulary():
    for key, english in VOCABULARY.items():
        assert label(key, "en") == english
        assert _has_han(label(key, "zh")), key


def test_both_languages_have_the_same_keys_and_non_empty_labels():
    for kind in KINDS:
        en, zh = labels("en", kind=kind), labels("zh", kind=kind)
        assert en.keys() == zh.keys(), kind
        for key in en:
            assert en[key].strip() and zh[key].strip(), (kind, key)
            assert en[key] == en[key].strip() and zh[key] == zh[key].strip()


def test_chinese_differs_from_english_and_is_written_in_chinese():
    # Codes such as ROAS keep the code in Chinese too, next to the Chinese term ("广告支出回报率
    # (ROAS)"); so every Chinese label contains Han characters and no label is left in English.
    en, zh = labels("en"), labels("zh")
    for key in en:
        assert zh[key] != en[key], key
        assert _has_han(zh[key]), (key, zh[key])
        assert not _has_han(en[key]), (key, en[key])


def test_standard_chinese_marketing_terms():
    expected = {
        "spend": "投放花费",
        "impressions": "展示量",
        "clicks": "点击量",
        "ctr": "点击率",
        "conversion_rate": "转化率",
        "aov": "客单价",
        "new_customers": "新客数",
        "mom": "环比",
        "yoy": "同比",
    }
    for key, zh in expected.items():
        assert label(key, "zh") == zh
    # docs/methods.md: never call ROAS "ROI"
    assert "广告支出回报率" in label("roas", "zh") and "投资回报率" not in label("roas", "zh")
    assert "投资回报率" in label("roi", "zh")
    assert "获客成本" in label("cac", "zh")


def test_a_code_in_several_groups_means_one_thing_except_search():
    seen: dict[str, tuple[str, tuple[str, str]]] = {}
    clashes = []
    for kind, group in _GROUPS.items():
        for code, pair in group.items():
            if code in seen and seen[code][1] != pair:
                clashes.append(code)
            seen.setdefault(code, (kind, pair))
    assert clashes == ["search"]
    # without kind= the channel wins; the event is one argument away
    assert label("search", "zh") == "搜索广告"
    assert label("search", "zh", kind="event") == "站内搜索"
    assert label("search", "en", kind="event") == "Search"


def test_unknown_keys_come_back_unchanged():
    assert label("my_custom_metric", "zh") == "my_custom_metric"
    assert label("Double 11 gala", "en") == "Double 11 gala"
    assert label("east", "zh", kind="channel") == "east"  # a region is no channel
    nan = float("nan")
    assert math.isnan(label(nan, "zh"))
    assert label(3, "en") == 3


def test_labels_is_a_copy():
    zh = labels("zh")
    zh["east"] = "changed"
    assert label("east", "zh") == "华东"


@pytest.mark.parametrize("bad", ["fr", "ZH", "zh-CN", None])
def test_unknown_language_is_refused(bad):
    with pytest.raises(InputError, match=r"lang: .* is not allowed. Fix: use one of 'en', 'zh'"):
        label("revenue", bad)
    with pytest.raises(InputError, match="lang"):
        labels(bad)


def test_unknown_kind_is_refused():
    with pytest.raises(InputError, match="kind: 'regions'"):
        label("east", "en", kind="regions")
