"""The marketing mix (mktkit/strategy/mix.py): scorecard, completeness, actions, validation, escaping."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from mktkit.errors import InputError
from mktkit.strategy.mix import ELEMENTS_4P, ELEMENTS_7P, MarketingMix, load_mix

XSS = "<img src=x onerror=alert(1)>"


def test_sample_is_7p_with_physical_evidence_not_assessed():
    mix = load_mix()
    assert mix.model == "7P"
    card = mix.scorecard()
    assert card["element"].tolist() == list(ELEMENTS_7P)
    pe = card.set_index("element").loc["physical_evidence"]
    assert pe["status"] == "not_assessed"
    assert math.isnan(pe["score"]) and math.isnan(pe["weighted"])  # never 0
    assert card.attrs["not_assessed"] == ["physical_evidence"]
    # by hand from marketing_mix.yaml: .25*4 + .15*3 + .15*3 + .25*3 + .10*3 + .10*2 = 3.15
    assert card.attrs["mix_score"] == pytest.approx(3.15, abs=1e-12)
    assert card.attrs["heuristic"] is True
    # gap = target (default 5, the top of the scale) - rating
    assert card.set_index("element")["gap"].loc[["product", "process"]].tolist() == [1.0, 3.0]
    assert card["issues"].tolist()[:6] == [1] * 6


def test_sample_completeness_and_actions():
    mix = load_mix()
    gaps = mix.completeness()
    assert gaps.to_dict("records") == [{"element": "physical_evidence", "missing": "element"}]
    assert gaps.attrs["complete"] is False
    acts = mix.actions("en", as_of="2026-11-10")
    assert acts["element"].tolist() == [
        "people",
        "process",
        "product",
        "price",
        "promotion",
        "place",
    ]
    assert acts["due"].iloc[0] == pd.Timestamp("2026-11-01")
    assert acts["owner"].iloc[0] == "Service"
    assert acts["overdue"].tolist() == [True, False, False, False, False, False]
    assert (
        acts.loc[acts["element"] == "place", "action"].item()
        == "Open a forward stock point in Chengdu"
    )
    assert mix.actions("zh").loc[0, "action"] == "双11增加临时客服"


def test_4p_when_no_service_element_and_absent_is_not_assessed():
    mix = MarketingMix(
        {
            "product": {"rating": 4, "weight": 0.5},
            "price": {"rating": 2, "weight": 0.5},
            "promotion": {"decision": "TV"},
        }
    )
    assert mix.model == "4P"
    card = mix.scorecard().set_index("element")
    assert list(card.index) == list(ELEMENTS_4P)
    assert card.loc["place", "status"] == "not_assessed"
    assert card.loc["promotion", "status"] == "not_rated"
    assert math.isnan(card.loc["promotion", "score"])
    assert card.attrs["mix_score"] == pytest.approx(3.0)  # .5*4 + .5*2
    gaps = mix.completeness()
    assert ("place", "element") in set(map(tuple, gaps.to_numpy().tolist()))
    assert ("promotion", "rating") in set(map(tuple, gaps.to_numpy().tolist()))


def test_mix_score_is_nan_without_weights_and_targets_override():
    mix = MarketingMix({"product": {"rating": 3, "target": 4}})
    card = mix.scorecard()
    assert math.isnan(card.attrs["mix_score"])
    assert card.loc[0, ["score", "target", "gap"]].tolist() == [3.0, 4.0, 1.0]


def test_action_without_owner_or_due_is_incomplete():
    mix = MarketingMix(
        {
            "product": {
                "actions": [{"text": "A"}, {"text": "B", "owner": "Ann", "due": "2027-01-31"}]
            }
        }
    )
    missing = mix.completeness()["missing"].tolist()
    assert "actions[1].owner" in missing and "actions[1].due" in missing
    assert "actions[2].owner" not in missing
    assert mix.actions()["due"].tolist()[0] == pd.Timestamp("2027-01-31")  # dated first


@pytest.mark.parametrize(
    ("elements", "match"),
    [
        (
            {"physical evidence": {}},
            "unknown element 'physical evidence'. Fix: write physical_evidence",
        ),
        ({"packaging": {}}, "unknown element 'packaging'"),
        ({"price": {"decison": "x"}}, "unknown key.*'decison'"),
        ({"price": {"rating": 6}}, "price: rating 6 is outside 1-5"),
        ({"price": {"rating": 0}}, "price: rating 0 is outside 1-5"),
        ({"price": {"rating": 3.5}}, "price: rating 3.5 is not a whole number"),
        ({"price": {"rating": 3, "weight": 1.5}}, "price: weight 1.5 is outside 0-1"),
        ({"price": {"weight": 1.0}}, "price has a weight but no rating"),
        (
            {"price": {"rating": 3, "weight": 0.5}, "place": {"rating": 3, "weight": 0.4}},
            "weights of the rated elements sum to 0.9, not 1",
        ),
        (
            {"price": {"rating": 3, "weight": 1.0}, "place": {"rating": 3}},
            "rated element.* without a weight.*rows: place",
        ),
        (
            {"price": {"actions": [{"text": "x", "due": "31/12/2026"}]}},
            "due '31/12/2026' is not a date",
        ),
        ({"price": {"actions": [{"owner": "Ann"}]}}, "price action 1 has no text"),
        ({"price": {"kpis": [1, 2]}}, "kpis must be a list of metric names"),
        ({"price": {"issues": "too expensive"}}, "price issues must be a list"),
        ({"price": "cheap"}, "price is str, not a mapping"),
    ],
)
def test_validation_rules(elements, match):
    with pytest.raises(InputError, match=match):
        MarketingMix(elements)


def test_yaml_and_frame_round_trips(tmp_path):
    mix = load_mix()
    path = tmp_path / "mix.yaml"
    mix.to_yaml(path)
    assert MarketingMix.from_yaml(path) == mix
    assert isinstance(MarketingMix.from_yaml(path)["people"].actions[0].due, dt.date)
    en, zh = mix.actions("en"), mix.actions("zh")
    actions = en.drop(columns="action").assign(text_en=en["action"], text_zh=zh["action"])
    again = MarketingMix.from_frame(mix.to_frame(), actions, mix.issues_frame())
    assert again == mix


def test_unknown_top_level_key(tmp_path):
    path = tmp_path / "mix.yaml"
    path.write_text("element:\n  product: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown key.*'element'"):
        MarketingMix.from_yaml(path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_and_markdown_escape_user_text(lang):
    mix = MarketingMix(
        {
            "product": {
                "decision": XSS,
                "issues": [XSS],
                "owner": XSS,
                "actions": [{"text": XSS, "owner": XSS}],
                "rating": 3,
            }
        }
    )
    out = mix.to_html(lang)
    assert "<img" not in out
    assert out.count("&lt;img src=x onerror=alert(1)&gt;") == 5  # decision, issue, action, 2 owners
    md = mix.to_markdown(lang)
    assert "<img" not in md and "&lt;img" in md
    mix.lang = lang
    assert mix._repr_html_() == out


def test_sample_renders_not_assessed_in_both_languages():
    mix = load_mix()
    assert "Not assessed" in mix.to_html("en") and "未评估" in mix.to_html("zh")
    assert "heuristic" in mix.to_markdown("en") and "经验性指标" in mix.to_markdown("zh")


def test_action_and_completeness_html_escape_and_translate():
    mix = MarketingMix({"price": {"actions": [{"text": XSS, "owner": XSS, "due": "2026-12-31"}]}})
    acts = mix.actions_html("zh", as_of="2027-01-01")
    assert "<img" not in acts and acts.count("&lt;img") == 2
    assert "已逾期" in acts and "2026-12-31" in acts
    gaps = mix.completeness_html("en")
    assert "Product: Not assessed" in gaps and "Price: Current decision" in gaps
