"""Campaign review: results against data/sample/README.md, hand-derived windows, lessons."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from mktkit.campaigns import (
    campaign_before_after,
    campaign_daily,
    campaign_lessons,
    campaign_results,
    campaign_split,
)
from mktkit.errors import InputError

# data/sample/README.md, table of campaigns.csv: id -> (goal metric, actual, attainment).
# Actuals are to the cent (money), exact (counts) or to two decimals (ROAS, as published).
README = {
    "CMP01": ("revenue", 169_116.93, 1.08),
    "CMP02": ("orders", 395, 1.03),
    "CMP03": ("new_customers", 444, 0.88),
    "CMP04": ("revenue", 214_906.75, 1.05),
    "CMP05": ("orders", 388, 1.15),
    "CMP06": ("revenue", 174_315.86, 0.96),
    "CMP07": ("roas", 1.83, 0.62),
    "CMP08": ("orders", 453, 1.01),
    "CMP09": ("new_customers", 393, 1.10),
    "CMP10": ("revenue", 255_202.98, 1.04),
    "CMP11": ("roas", 4.07, 1.06),
}


@pytest.fixture(scope="module")
def sample():
    import mktkit as mk

    return mk.load_sample()


@pytest.fixture(scope="module")
def all_results(sample):
    return campaign_results(sample).set_index("campaign_id")


@pytest.mark.parametrize("cid", sorted(README))
def test_complete_campaigns_match_the_readme(all_results, cid):
    metric, actual, attainment = README[cid]
    r = all_results.loc[cid]
    assert r["goal_metric"] == metric
    assert round(float(r["actual"]), 2) == actual
    assert round(float(r["attainment"]), 2) == attainment
    assert r["status"] == ("met" if attainment >= 1 else "missed")
    assert r["elapsed_days"] == r["total_days"]


def test_running_campaign_is_paced_not_missed(all_results):
    # README: CMP12 social 2026-10-20 .. 2026-11-11, revenue goal 154,169, 73,600.79 so far,
    # "running (12 of 23 days)". docs/methods.md pacing: expected = goal x 12 / 23,
    # pace = actual / expected, projection = actual / 12 x 23.
    r = all_results.loc["CMP12"]
    assert r["status"] == "running"
    assert (r["elapsed_days"], r["total_days"]) == (12, 23)
    assert round(float(r["actual"]), 2) == 73_600.79
    assert r["pace"] == pytest.approx(73_600.79 / (154_169 * 12 / 23))
    assert r["projected"] == pytest.approx(73_600.79 / 12 * 23)
    assert r["required_daily"] == pytest.approx((154_169 - 73_600.79) / 11)
    assert round(float(r["pace"]), 3) == 0.915


def test_all_twelve_campaigns_in_start_order(all_results):
    assert list(all_results.index) == [f"CMP{i:02d}" for i in range(1, 13)]


# ---------------------------------------------------------------------------------------------
# A hand-made company: ten days, two channels (kol, search), two regions (east, west).
#
#              normal day                          kol campaign days (10-04 .. 10-06)
# kol east     spend 100, rev 300, ord 3, new 1   spend 200, rev 500, ord 5, new 2
# kol west     spend  50, rev 100, ord 1, new 1   spend 100, rev 200, ord 2, new 1
# search east  spend 200, rev 1000, ord 10, new 4 rev 900, ord 9 (the rest as normal)
# search west  spend 100, rev 500, ord 5, new 2   rev 450 (the rest as normal)
# clicks: kol east 30, kol west 10, search east 100, search west 50; impressions 1000.

DAYS = pd.date_range("2026-10-01", "2026-10-10")
CAMPAIGN_DAYS = pd.date_range("2026-10-04", "2026-10-06")


def _tiny_channel_daily() -> pd.DataFrame:
    rows = []
    for d in DAYS:
        on = d in CAMPAIGN_DAYS
        rows += [
            (d, "east", "kol", 200.0 if on else 100.0, 30, 5 if on else 3, 2 if on else 1,
             500.0 if on else 300.0),
            (d, "west", "kol", 100.0 if on else 50.0, 10, 2 if on else 1, 1,
             200.0 if on else 100.0),
            (d, "east", "search", 200.0, 100, 9 if on else 10, 4, 900.0 if on else 1000.0),
            (d, "west", "search", 100.0, 50, 5, 2, 450.0 if on else 500.0),
        ]  # fmt: skip
    cd = pd.DataFrame(
        rows,
        columns=["date", "region", "channel", "spend", "clicks", "orders", "new_customers",
                 "revenue"],
    )  # fmt: skip
    cd["impressions"] = 1000
    cd["leads"] = 0
    return cd


def _tiny(**extra: list) -> dict[str, pd.DataFrame]:
    camps = {
        "campaign_id": ["K1", "K2", "K3", "K4", "K5", "K6"],
        "name": ["KOL push", "Search sprint", "Later", "Earlier", "KOL CAC", "From day one"],
        "channel": ["kol", "search", "kol", "kol", "kol", "search"],
        "start": ["2026-10-04", "2026-10-08", "2026-10-20", "2026-09-25", "2026-10-04",
                  "2026-10-01"],
        "end": ["2026-10-06", "2026-10-12", "2026-10-25", "2026-10-02", "2026-10-06",
                "2026-10-02"],
        "budget": [900.0, 1000.0, 100.0, 100.0, 900.0, 600.0],
        "goal_metric": ["revenue", "orders", "revenue", "revenue", "cac", "revenue"],
        "goal_value": [2000.0, 80.0, 100.0, 100.0, 80.0, 3000.0],
    }  # fmt: skip
    camps.update(extra)
    return {"campaigns": pd.DataFrame(camps), "channel_daily": _tiny_channel_daily()}


@pytest.fixture
def tiny():
    return _tiny()


def test_complete_campaign_by_hand(tiny):
    r = campaign_results(tiny, "K1").iloc[0]
    # kol over 10-04..06: spend (200 + 100) x 3 = 900, revenue (500 + 200) x 3 = 2,100,
    # orders (5 + 2) x 3 = 21, new customers (2 + 1) x 3 = 9
    assert (r["spend"], r["revenue"], r["orders"], r["new_customers"]) == (900, 2100, 21, 9)
    assert r["actual"] == 2100 and r["attainment"] == pytest.approx(2100 / 2000)
    assert r["status"] == "met" and r["budget_used"] == pytest.approx(900 / 900)
    assert r["roas"] == pytest.approx(2100 / 900) and r["cpa"] == pytest.approx(900 / 21)


def test_running_campaign_by_hand(tiny):
    # K2: search 10-08 .. 10-12, data end 10-10: 3 of 5 days, 15 orders a day -> 45;
    # expected 80 x 3/5 = 48, pace 45/48, projected 45/3 x 5 = 75, required (80-45)/2 = 17.5;
    # budget to date 1,000 x 3/5 = 600 against spend 300 x 3 = 900
    r = campaign_results(tiny, "K2").iloc[0]
    assert r["status"] == "running" and (r["elapsed_days"], r["total_days"]) == (3, 5)
    assert r["actual"] == 45 and r["expected_to_date"] == pytest.approx(48)
    assert r["pace"] == pytest.approx(45 / 48) and r["projected"] == pytest.approx(75)
    assert r["projected_attainment"] == pytest.approx(75 / 80)
    assert r["required_daily"] == pytest.approx(17.5)
    assert r["budget_to_date"] == pytest.approx(600) and r["budget_used"] == pytest.approx(1.5)


def test_lower_is_better_goal_and_states_outside_the_data(tiny):
    r = campaign_results(tiny).set_index("campaign_id")
    # K5: CAC goal 80, actual 900 / 9 = 100; lower is better: attainment 80 / 100
    assert r.loc["K5", "actual"] == pytest.approx(100)
    assert r.loc["K5", "attainment"] == pytest.approx(0.8)
    assert r.loc["K5", "status"] == "missed"
    assert r.loc["K3", "status"] == "not_started" and pd.isna(r.loc["K3", "actual"])
    assert r.loc["K4", "status"] == "before_data" and pd.isna(r.loc["K4", "actual"])
    assert list(r.index) == ["K4", "K6", "K1", "K5", "K2", "K3"]  # by start, then id


def test_before_during_after_by_hand(tiny):
    ba = campaign_before_after(tiny, "K1").set_index("metric")
    # before 10-01..03, after 10-07..09: kol revenue 400 a day, spend 150, orders 4
    # during: revenue 700 a day, spend 300, orders 7
    assert ba.loc["revenue", ["before", "during", "after"]].tolist() == [400, 700, 400]
    assert ba.loc["revenue", "change_during"] == pytest.approx(0.75)
    assert ba.loc["revenue", "change_after"] == pytest.approx(0.0)
    assert ba.loc["roas", "before"] == pytest.approx(400 / 150)
    assert ba.loc["roas", "change_during"] == pytest.approx((700 / 300) / (400 / 150) - 1)
    assert ba.loc["cpa", "during"] == pytest.approx(300 / 7)
    assert ba.attrs["windows"] == {
        "before": {"start": "2026-10-01", "end": "2026-10-03", "days": 3},
        "during": {"start": "2026-10-04", "end": "2026-10-06", "days": 3},
        "after": {"start": "2026-10-07", "end": "2026-10-09", "days": 3},
    }


def test_windows_are_cut_to_the_data(tiny):
    # K6 starts on the data's first day: no before; K2 runs past the end: no after, and its
    # before window is as long as its 3 days with data (10-05..07)
    k6 = campaign_before_after(tiny, "K6")
    assert k6.attrs["windows"]["before"] == {"days": 0}
    assert k6["before"].isna().all() and k6["change_during"].isna().all()
    k2 = campaign_before_after(tiny, "K2")
    assert k2.attrs["windows"]["before"] == {"start": "2026-10-05", "end": "2026-10-07", "days": 3}
    assert k2.attrs["windows"]["after"] == {"days": 0} and k2["after"].isna().all()


def test_campaign_daily_labels_each_day(tiny):
    d = campaign_daily(tiny, "K1")
    assert d["window"].tolist() == ["before"] * 3 + ["during"] * 3 + ["after"] * 3
    assert d["revenue"].tolist() == [400.0] * 3 + [700.0] * 3 + [400.0] * 3


def test_channel_split_by_hand(tiny):
    s = campaign_split(tiny, "K1").set_index("channel")
    assert list(s.index) == ["kol", "search"] and s.loc["kol", "is_campaign_channel"]
    # revenue a day: before kol 400, search 1,500; during kol 700, search 1,350
    assert s.loc["kol", "revenue_share_before"] == pytest.approx(400 / 1900)
    assert s.loc["kol", "revenue_share_during"] == pytest.approx(700 / 2050)
    assert s.loc["search", "revenue_change"] == pytest.approx(-0.10)
    # spend a day: before kol 150 of 450, during 300 of 600
    assert s.loc["kol", "spend_share_before"] == pytest.approx(1 / 3)
    assert s.loc["kol", "spend_share_during"] == pytest.approx(0.5)
    assert s.attrs["others"]["revenue_change"] == pytest.approx(-0.10)


def test_region_split_by_hand(tiny):
    s = campaign_split(tiny, "K1", by="region").set_index("region")
    # kol east 300 -> 500 a day, west 100 -> 200
    assert s.loc["east", "revenue_change"] == pytest.approx(500 / 300 - 1)
    assert s.loc["west", "revenue_change"] == pytest.approx(1.0)
    assert s.loc["east", "revenue_share_during"] == pytest.approx(500 / 700)


def test_lessons_by_hand_in_english(tiny):
    les = campaign_lessons(tiny, "K1", "en").set_index("topic")
    assert list(les.index) == ["goal", "roas", "other_channels", "cost_per_result", "after",
                               "budget"]  # fmt: skip
    assert les.loc["goal", "text"] == (
        "Goal met: Revenue ¥2,100 against a goal of ¥2,000 (105.0% attained)."
    )
    # ROAS 2.67 -> 2.33 (-12.5 %); other channels -10 % while kol +75 %: cannibalisation;
    # CPA 150/4 = 37.50 -> 300/7 = 42.86 (+14.3 %); after = before (0.0 %): no lasting lift
    assert les.loc["roas", "text"] == (
        "KOL ROAS fell from 2.67 in the 3 days before to 2.33 during the campaign (−12.5%)."
    )
    assert "fell 10.0% while KOL rose 75.0%" in les.loc["other_channels", "text"]
    assert "CPA rose from ¥37.50 before to ¥42.86" in les.loc["cost_per_result", "text"]
    assert "no lasting lift" in les.loc["after", "text"]
    assert les["tone"].tolist() == ["good", "bad", "bad", "bad", "neutral", "neutral"]


def test_lessons_in_chinese_and_for_running_and_missed_goals(tiny):
    zh = campaign_lessons(tiny, "K1", "zh").set_index("topic")
    assert zh.loc["goal", "text"].startswith("目标达成：销售额 ¥2,100")
    assert "蚕食" in zh.loc["other_channels", "text"]
    running = campaign_lessons(tiny, "K2", "en").set_index("topic")
    assert running.loc["goal", "text"].startswith("Still running, day 3 of 5: Orders 45 so far")
    assert "93.8%" in running.loc["goal", "text"]  # pace 45 / 48
    assert running.loc["goal", "tone"] == "bad"  # projected 75 of 80
    missed = campaign_lessons(tiny, "K5", "en").set_index("topic")
    assert missed.loc["goal", "text"].startswith("Goal missed by 20.0%: CAC ¥100.00")
    # a CAC goal is judged on CAC: 450 / 6 = 75.00 before, 900 / 9 = 100.00 during
    assert "CAC rose from ¥75.00 before to ¥100.00" in missed.loc["cost_per_result", "text"]
    first_day = campaign_lessons(tiny, "K6", "en").set_index("topic")
    assert (
        first_day.loc["roas", "tone"] == "neutral"
        and "no window before" in (first_day.loc["roas", "text"])
    )


def test_sample_lessons_tell_the_display_story(sample):
    les = campaign_lessons(sample, "CMP07", "en").set_index("topic")
    assert les.loc["goal", "text"].startswith("Goal missed by 38.1%: ROAS 1.83")
    assert "Display ROAS fell from" in les.loc["roas", "text"]


# ---------------------------------------------------------------------------------------------
# Bad input


def test_unknown_campaign_lists_the_ids(tiny):
    with pytest.raises(InputError) as info:
        campaign_results(tiny, "K9")
    assert info.value.table == "campaigns" and info.value.column == "campaign_id"
    assert "use one of K1, K2, K3, K4, K5, K6" in str(info.value)


@pytest.mark.parametrize(
    ("column", "values", "rows", "words"),
    [
        ("goal_metric", ["revenue", "likes", "revenue", "revenue", "cac", "revenue"],
         {2: "likes"}, "use one of spend"),
        ("channel", ["kol", "tv", "kol", "kol", "kol", "search"], {2: "tv"},
         "use one of kol, search"),
        ("end", ["2026-10-03", "2026-10-12", "2026-10-25", "2026-10-02", "2026-10-06",
                 "2026-10-02"], {1: "2026-10-03"}, "swapped"),
        ("start", ["soon", "2026-10-08", "2026-10-20", "2026-09-25", "2026-10-04",
                   "2026-10-01"], {1: "soon"}, "YYYY-MM-DD"),
        ("campaign_id", ["K1", "K1", "K3", "K4", "K5", "K6"], {1: "K1", 2: "K1"}, "own id"),
        ("goal_value", [2000.0, -1.0, 100.0, 100.0, 80.0, 3000.0], {2: -1.0}, "below 0"),
    ],
)  # fmt: skip
def test_bad_campaign_rows_are_named(column, values, rows, words):
    data = _tiny(**{column: values})
    # the refusal is the only message: no warning from inside pandas on the way
    with pytest.raises(InputError) as info, warnings.catch_warnings():
        warnings.simplefilter("error")
        campaign_results(data)
    assert info.value.table == "campaigns" and info.value.column == column
    assert info.value.rows == rows
    assert words in str(info.value)


def test_a_campaign_outside_the_data_cannot_be_reviewed(tiny):
    with pytest.raises(InputError, match="starts on 2026-10-20, after the data end"):
        campaign_before_after(tiny, "K3")
    with pytest.raises(InputError, match="before the data begin"):
        campaign_lessons(tiny, "K4")


def test_bad_arguments(tiny):
    with pytest.raises(InputError, match="by: 'device' is not allowed"):
        campaign_split(tiny, "K1", by="device")
    with pytest.raises(InputError, match="lang"):
        campaign_lessons(tiny, "K1", "fr")
    bad = _tiny()
    bad["channel_daily"].loc[3, "spend"] = -5.0
    with pytest.raises(InputError) as info:
        campaign_results(bad)
    assert info.value.table == "channel_daily" and info.value.rows == {4: -5.0}
