"""KPI attainment, pacing, period change and the SMART check, against worked examples computed
by hand (each in a comment) and the planted KPI misses documented in data/sample/README.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mktkit as mk
from mktkit.errors import InputError
from mktkit.kpi import (
    headline,
    kpi_actuals,
    kpi_attainment,
    kpi_review,
    monthly_totals,
    pacing_curve,
    period_change,
    smart_check,
)


@pytest.fixture(scope="module")
def sample():
    return mk.load_sample()


def _one(df: pd.DataFrame, **where) -> pd.Series:
    hit = df
    for k, v in where.items():
        hit = hit[hit[k] == v]
    assert len(hit) == 1, where
    return hit.iloc[0]


# ---------------------------------------------------------------------------------------------
# attainment and pacing: worked examples


def test_pacing_ahead_of_target():
    # October: 31 days. Data through 2026-10-10 = 10 completed days.
    # expected to date = 31,000 x 10 / 31 = 10,000; pace = 12,000 / 10,000 = 1.2
    # projected = 12,000 / 10 x 31 = 37,200 -> projected attainment 1.2 -> green
    # required daily = (31,000 - 12,000) / 21 remaining days = 904.7619...
    a = pd.DataFrame({"month": ["2026-10"], "metric": ["revenue"], "actual": [12_000.0]})
    t = pd.DataFrame({"month": ["2026-10"], "metric": ["revenue"], "target": [31_000.0]})
    r = _one(kpi_attainment(a, t, as_of="2026-10-10"), metric="revenue")
    assert (r.elapsed_days, r.total_days) == (10, 31)
    assert r.expected_to_date == pytest.approx(10_000)
    assert r.pace == pytest.approx(1.2)
    assert r.projected == pytest.approx(37_200)
    assert r.projected_attainment == pytest.approx(1.2)
    assert r.required_daily == pytest.approx(19_000 / 21)
    assert r.attainment == pytest.approx(12_000 / 31_000)  # to date, not what decides
    assert (r.status, r.status_basis, r.direction) == ("green", "projection", "higher")


def test_pacing_behind_target_is_red_on_the_projection():
    # 8,000 after 10 days: pace 0.8, projected 24,800 = 0.8 of target -> red
    # required daily = (31,000 - 8,000) / 21 = 1,095.238...
    a = pd.DataFrame({"month": ["2026-10"], "metric": ["orders"], "actual": [8_000.0]})
    t = pd.DataFrame({"month": ["2026-10"], "metric": ["orders"], "target": [31_000.0]})
    r = _one(kpi_attainment(a, t, as_of="2026-10-10"), metric="orders")
    assert r.pace == pytest.approx(0.8)
    assert r.projected == pytest.approx(24_800)
    assert r.required_daily == pytest.approx(23_000 / 21)
    assert r.status == "red"


def test_lower_is_better_budget_pacing():
    # Spend budget 62,000 for October, 33,000 spent after 15 days (lower is better).
    # expected = 62,000 x 15 / 31 = 30,000; pace = 1.1 (over budget pace)
    # projected = 33,000 / 15 x 31 = 68,200; projected attainment = 62,000 / 68,200 = 0.90909
    # -> amber; required daily = (62,000 - 33,000) / 16 = 1,812.5 (the spend still allowed)
    a = pd.DataFrame({"month": ["2026-10"], "metric": ["spend"], "actual": [33_000.0]})
    t = pd.DataFrame(
        {"month": ["2026-10"], "metric": ["spend"], "target": [62_000.0], "direction": ["lower"]}
    )
    r = _one(kpi_attainment(a, t, as_of="2026-10-15"), metric="spend")
    assert r.pace == pytest.approx(1.1)
    assert r.projected == pytest.approx(68_200)
    assert r.projected_attainment == pytest.approx(62_000 / 68_200)
    assert r.required_daily == pytest.approx(1_812.5)
    assert r.status == "amber"


def test_ratio_metrics_are_not_extrapolated():
    # CAC to date 125 against a target of 100 (lower is better): the value to date is the
    # projection; attainment 100 / 125 = 0.8 -> red; no required daily rate for a ratio.
    a = pd.DataFrame({"month": ["2026-10"], "metric": ["cac"], "actual": [125.0]})
    t = pd.DataFrame({"month": ["2026-10"], "metric": ["cac"], "target": [100.0]})
    r = _one(kpi_attainment(a, t, as_of="2026-10-10"), metric="cac")
    assert r.projected == 125.0
    assert r.expected_to_date == 100.0 and r.pace == pytest.approx(1.25)
    assert r.projected_attainment == pytest.approx(0.8)
    assert np.isnan(r.required_daily)
    assert (r.direction, r.status) == ("lower", "red")


def test_attainment_is_direction_aware_and_thresholds_are_configurable():
    # complete periods (no as_of): revenue 90 of 100 -> 0.90 exactly -> amber (>= 0.90);
    # 89.9 -> 0.899 red; CAC 118.21 target vs 147.76 actual -> 118.21 / 147.76 = 0.80002 red;
    # spend 95 against a budget of 100 -> 100 / 95 = 1.0526 green.
    a = pd.DataFrame(
        {
            "region": ["a", "b", "c", "d"],
            "metric": ["revenue", "revenue", "cac", "spend"],
            "actual": [90.0, 89.9, 147.76, 95.0],
        }
    )
    t = a.drop(columns="actual").assign(target=[100.0, 100.0, 118.21, 100.0])
    r = kpi_attainment(a, t).set_index("region")
    assert r["attainment"].tolist() == pytest.approx([0.9, 0.899, 118.21 / 147.76, 100 / 95])
    assert r["status"].tolist() == ["amber", "red", "red", "green"]
    assert (r["status_basis"] == "actual").all()
    stricter = kpi_attainment(a, t, amber=0.95, green=1.05).set_index("region")
    assert stricter["status"].tolist() == ["red", "red", "red", "green"]  # 1.0526 >= 1.05
    looser = kpi_attainment(a, t, amber=0.85).set_index("region")
    assert looser["status"].tolist() == ["amber", "amber", "red", "green"]


def test_daily_weight_profile():
    # A 4-day period with weights 1, 1, 2, 4 (sum 8); after 2 days 2/8 = 25 % is expected.
    # target 800 -> expected 200; actual 250 -> pace 1.25; projected 250 / 0.25 = 1,000
    a = pd.DataFrame({"campaign": ["x"], "metric": ["orders"], "actual": [250.0]})
    t = pd.DataFrame(
        {
            "campaign": ["x"],
            "metric": ["orders"],
            "target": [800.0],
            "start": ["2026-10-01"],
            "end": ["2026-10-04"],
        }
    )
    profile = pd.Series([1.0, 1, 2, 4], index=pd.date_range("2026-10-01", periods=4))
    r = _one(kpi_attainment(a, t, as_of="2026-10-02", profile=profile), campaign="x")
    assert r.expected_to_date == pytest.approx(200)
    assert r.pace == pytest.approx(1.25)
    assert r.projected == pytest.approx(1_000)
    assert r.required_daily == pytest.approx((800 - 250) / 2)


def test_missing_and_zero_targets_and_actuals_get_a_stated_status():
    a = pd.DataFrame(
        {"metric": ["revenue", "orders", "cac", "leads"], "actual": [100.0, 50.0, 0.0, 7.0]}
    )
    t = pd.DataFrame(
        {
            "metric": ["revenue", "orders", "cac", "new_customers"],
            "target": [0.0, np.nan, 80.0, 10.0],
        }
    )
    r = kpi_attainment(a, t).set_index("metric")
    assert r.loc["revenue", "status"] == "no target"  # target 0: attainment undefined
    assert np.isnan(r.loc["revenue", "attainment"])
    assert "target is 0" in r.loc["revenue", "note"]
    assert r.loc["orders", "status"] == "no target"  # empty target
    assert r.loc["leads", "status"] == "no target"  # an actual without a target row
    assert r.loc["new_customers", "status"] == "grey"  # a target without an actual
    assert r.loc["cac", "status"] == "grey"  # CAC 0: target / 0 is undefined, not infinite
    assert np.isnan(r.loc["cac", "attainment"])


@pytest.mark.parametrize(
    ("actuals", "targets", "words"),
    [
        (
            {"metric": ["revenue", "revenue"], "actual": [1.0, 2.0]},
            {"metric": ["revenue"], "target": [1.0]},
            ["actuals", "rows: 1", "2"],
        ),
        (
            {"metric": ["revenue"], "actual": [1.0]},
            {"metric": ["revenue"], "target": [-5.0]},
            ["targets.target", "negative", "-5.0"],
        ),
        (
            {"metric": ["revenue"], "actual": ["12k"]},
            {"metric": ["revenue"], "target": [5.0]},
            ["actuals.actual", "not a number", "12k"],
        ),
        (
            {"metric": ["revenue"], "actual": [1.0]},
            {"metric": ["revenue"], "target": [5.0], "direction": ["up"]},
            ["direction", "'up'"],
        ),
        (
            {"metric": ["mystery"], "actual": [1.0]},
            {"metric": ["mystery"], "target": [5.0]},
            ["no direction", "mystery"],
        ),
        (
            {"m": ["revenue"], "actual": [1.0]},
            {"metric": ["revenue"], "target": [5.0]},
            ["share no key column"],
        ),
    ],
)
def test_bad_kpi_input_is_an_input_error(actuals, targets, words):
    with pytest.raises(InputError) as err:
        kpi_attainment(pd.DataFrame(actuals), pd.DataFrame(targets))
    for w in words:
        assert w in str(err.value)


def test_pacing_needs_a_period():
    a = pd.DataFrame({"metric": ["revenue"], "actual": [1.0]})
    t = pd.DataFrame({"metric": ["revenue"], "target": [5.0]})
    with pytest.raises(InputError, match="period"):
        kpi_attainment(a, t, as_of="2026-10-10")
    bad = pd.DataFrame({"month": ["Oct"], "metric": ["revenue"], "target": [5.0]})
    with pytest.raises(InputError, match="'Oct' is not a period"):
        kpi_attainment(a.assign(month="Oct"), bad, as_of="2026-10-10")


def test_result_does_not_depend_on_row_order():
    a = pd.DataFrame({"region": ["e", "n", "w"], "metric": "revenue", "actual": [1.0, 2.0, 3.0]})
    t = a.drop(columns="actual").assign(target=[2.0, 2.0, 2.0])
    one = kpi_attainment(a, t)
    two = kpi_attainment(a.iloc[::-1], t.iloc[[1, 2, 0]])
    pd.testing.assert_frame_equal(one, two)


def test_pacing_curve_worked_example():
    # 1,200 a day for 10 days against 31,000 in October: the straight line reaches 10,000 on
    # day 10; the run rate 1,200 x 31 = 37,200 at month end.
    days = pd.date_range("2026-10-01", "2026-10-10")
    p = pacing_curve(
        pd.DataFrame({"date": days, "revenue": 1200.0}), 31_000, "2026-10-01", "2026-10-31"
    )
    assert len(p) == 31
    assert p["actual"].iloc[9] == pytest.approx(12_000) and p["actual"].iloc[10:].isna().all()
    assert p["expected"].iloc[9] == pytest.approx(10_000)
    assert p["projected"].iloc[-1] == pytest.approx(37_200) == p.attrs["projected_end"]


# ---------------------------------------------------------------------------------------------
# the sample company: planted facts (data/sample/README.md, "Planted facts" 9)


def test_planted_kpi_misses_of_2026_10(sample):
    k = kpi_review(sample, "2026-10")
    assert len(k) == 35  # 7 metrics x (4 regions + all)
    north = _one(k, region="north", metric="revenue")
    assert north.actual == pytest.approx(223_886.83, abs=0.005)
    assert north.target == 263_400
    assert north.attainment == pytest.approx(0.850, abs=0.0005)
    assert north.status == "red"
    west = _one(k, region="west", metric="new_customers")
    assert (west.actual, west.target) == (349, 367)
    assert west.attainment == pytest.approx(0.951, abs=0.0005) and west.status == "amber"
    east = _one(k, region="east", metric="cac")
    assert east.actual == pytest.approx(147.76, abs=0.005) and east.target == 118.21
    assert east.attainment == pytest.approx(0.800, abs=0.0005) and east.status == "red"
    others = k.drop(index=k.index[k.status.isin(["red", "amber"])])
    assert len(others) == 32 and (others.status == "green").all()
    # "every other 2026-10 row is attained (1.022 to 1.098)"
    assert others.attainment.min() == pytest.approx(1.022, abs=0.0005)
    assert others.attainment.max() == pytest.approx(1.098, abs=0.0005)
    assert (k.status_basis == "actual").all()  # October is complete in the sample


def test_misses_across_the_history_match_the_readme(sample):
    # "Across 2024-11 .. 2026-09, 124 of the 805 rows are misses (40 of them below 0.90)"
    r = kpi_attainment(kpi_actuals(sample), sample["kpi_targets"])
    past = r[r["month"] < "2026-10"]
    assert len(past) == 805
    assert past["status"].isin(["amber", "red"]).sum() == 124
    assert (past["status"] == "red").sum() == 40


def test_one_region_and_month_to_date(sample):
    data = {
        "orders": sample["orders"][sample["orders"]["order_date"] <= "2026-10-20"],
        "channel_daily": sample["channel_daily"][sample["channel_daily"]["date"] <= "2026-10-20"],
        "kpi_targets": sample["kpi_targets"],
    }
    k = kpi_review(data, "2026-10", "north")
    assert set(k["region"]) == {"north"} and len(k) == 7
    rev = _one(k, metric="revenue")
    assert (rev.elapsed_days, rev.total_days, rev.status_basis) == (20, 31, "projection")
    assert rev.projected == pytest.approx(rev.actual / 20 * 31)
    assert rev.expected_to_date == pytest.approx(263_400 * 20 / 31)
    with pytest.raises(InputError, match="region 'nowhere'"):
        kpi_review(sample, "2026-10", "nowhere")


def test_actuals_agree_with_the_leads_headline(sample):
    # headline() and kpi_actuals() implement the README definitions independently
    h = headline(sample, "2026-10", "north").set_index("metric")["current"]
    a = kpi_actuals(sample, "2026-10", "north").set_index("metric")["actual"]
    for m in ("revenue", "orders", "new_customers", "spend", "roas"):
        assert a[m] == pytest.approx(h[m]), m
    totals = monthly_totals(sample, "north").set_index("month")
    assert totals.loc["2026-10", "revenue"] == pytest.approx(a["revenue"])


# ---------------------------------------------------------------------------------------------
# period change


def _two_years() -> pd.DataFrame:
    # 1 a day through 2025, 2 a day in 2026, data ending 2026-03-10
    days = pd.date_range("2025-01-01", "2026-03-10")
    return pd.DataFrame({"date": days, "revenue": np.where(days.year == 2025, 1.0, 2.0)})


def test_month_over_month_and_year_over_year():
    r = period_change(_two_years(), value="revenue", freq="M").set_index("period")
    # 2026-02 (28 days x 2 = 56) against 2026-01 (31 x 2 = 62): -6/62; YoY against 28 x 1
    assert r.loc["2026-02", "current"] == 56
    assert r.loc["2026-02", "change_vs_previous"] == pytest.approx(-6 / 62)
    assert r.loc["2026-02", "change_vs_last_year"] == pytest.approx(1.0)
    # 2026-03 has 10 days: like for like against 1..10 Feb (20) and 1..10 Mar 2025 (10)
    mar = r.loc["2026-03"]
    assert (mar.days, mar.current, mar.previous, mar.last_year) == (10, 20, 20, 10)
    assert bool(mar.like_for_like) and mar.change_vs_last_year == pytest.approx(1.0)
    # the first year has no previous year: NaN, not 0
    assert np.isnan(r.loc["2025-06", "change_vs_last_year"])
    assert r.attrs["comparisons"] == {"previous": "MoM", "last_year": "YoY"}


def test_zero_base_is_nan_and_rates_get_percentage_points():
    days = pd.date_range("2026-01-01", "2026-03-31")
    df = pd.DataFrame(
        {
            "date": days,
            "clicks": 100.0,
            "orders": np.select([days.month == 1, days.month == 2], [0.0, 3.0], 4.0),
        }
    )
    r = period_change(df, value="orders").set_index("period")
    assert np.isnan(r.loc["2026-02", "change_vs_previous"])  # January had 0 orders
    rate = period_change(df, value=("orders", "clicks")).set_index("period")
    # Feb 0.03 -> Mar 0.04: +33.3 % relative, +1 percentage point (0.01)
    assert rate.loc["2026-03", "current"] == pytest.approx(0.04)
    assert rate.loc["2026-03", "change_vs_previous"] == pytest.approx(1 / 3)
    assert rate.loc["2026-03", "change_vs_previous_pp"] == pytest.approx(0.01)
    assert rate.loc["2026-02", "change_vs_previous_pp"] == pytest.approx(0.03)


def test_week_over_week_with_a_partial_week_and_groups():
    # Mondays 2026-10-05 and 2026-10-12; data end Wednesday 2026-10-14 (3 days of that week).
    days = pd.date_range("2026-10-05", "2026-10-14")
    df = pd.concat(
        [
            pd.DataFrame({"date": days, "region": r, "clicks": v * np.arange(1, 11)})
            for r, v in (("east", 1.0), ("west", 10.0))
        ]
    )
    r = period_change(df, value="clicks", freq="W", by="region").set_index(["region", "period"])
    east = r.loc["east"].iloc[1]
    # this week Mon..Wed: 8 + 9 + 10 = 27; last week Mon..Wed: 1 + 2 + 3 = 6
    assert (east.days, east.current, east.previous) == (3, 27, 6)
    assert east.change_vs_previous == pytest.approx(21 / 6)
    assert r.loc["west"].iloc[1]["current"] == 270
    assert r.attrs["comparisons"]["previous"] == "WoW"


def test_period_change_bad_input():
    df = pd.DataFrame({"date": ["2026-10-01", "soon"], "revenue": [1.0, 2.0]})
    with pytest.raises(InputError, match="rows: 2 \\('soon'\\)"):
        period_change(df, value="revenue")
    with pytest.raises(InputError, match="freq"):
        period_change(df.iloc[:1], value="revenue", freq="Q")
    with pytest.raises(InputError, match="revenue"):
        period_change(pd.DataFrame({"date": ["2026-10-01"], "revenue": [None]}), value="revenue")


# ---------------------------------------------------------------------------------------------
# SMART


def test_smart_check_names_the_missing_elements():
    goals = pd.DataFrame(
        [
            # complete: +10 % in the right direction, dates in order
            {
                "goal": "G1",
                "metric": "revenue",
                "direction": "higher",
                "target": 110.0,
                "baseline": 100.0,
                "owner": "Li",
                "start": "2026-01-01",
                "end": "2026-03-31",
            },
            # no owner, end before start
            {
                "goal": "G2",
                "metric": "cac",
                "direction": "lower",
                "target": 80.0,
                "baseline": 100.0,
                "owner": None,
                "start": "2026-03-01",
                "end": "2026-01-31",
            },
            # CAC target above the baseline: not an improvement for a lower-is-better metric
            {
                "goal": "G3",
                "metric": "cac",
                "direction": "lower",
                "target": 120.0,
                "baseline": 100.0,
                "owner": "Wang",
                "start": "2026-01-01",
                "end": "2026-06-30",
            },
            # tripling revenue (+200 %) is above the default 50 % realism bound; no baseline
            # would make it unmeasurable
            {
                "goal": "G4",
                "metric": "revenue",
                "direction": "higher",
                "target": 300.0,
                "baseline": 100.0,
                "owner": "Zhao",
                "start": "2026-01-01",
                "end": "2026-12-31",
            },
        ]
    )
    r = smart_check(goals).set_index("goal")
    assert r.loc["G1", "smart"] and r.loc["G1", "missing"] == ""
    assert r.loc["G2", "missing"] == "assignable, time_related"
    assert "end_not_after_start" in r.loc["G2", "problems"] and "owner" in r.loc["G2", "problems"]
    assert r.loc["G3", "missing"] == "realistic"
    assert "target_not_better_than_baseline" in r.loc["G3", "problems"]
    assert r.loc["G4", "missing"] == "realistic"
    assert smart_check(goals, max_change=2.5).set_index("goal").loc["G4", "smart"]


def test_smart_check_missing_columns_are_missing_fields():
    r = smart_check([{"metric": "revenue"}])
    assert r.loc[0, "goal"] == 1
    assert r.loc[0, "missing"] == "specific, measurable, assignable, realistic, time_related"
    with pytest.raises(InputError):
        smart_check("revenue up")  # type: ignore[arg-type]


def test_a_period_not_started_is_grey_and_bad_months_are_refused(sample):
    a = pd.DataFrame({"month": ["2026-10"], "metric": ["revenue"], "actual": [5.0]})
    t = pd.DataFrame({"month": ["2026-10"], "metric": ["revenue"], "target": [10.0]})
    r = kpi_attainment(a, t, as_of="2026-09-20").iloc[0]
    assert (r.status, r.elapsed_days) == ("grey", 0) and "not started" in r.note
    for bad in ("Oct", "2026/10", "2026-10-01"):
        with pytest.raises(InputError, match="is not a month"):
            kpi_review(sample, bad)
    with pytest.raises(InputError, match="no data and no targets for 2024-10"):
        kpi_review(sample, "2024-10")  # the sample starts in 2024-11


def test_month_labels_are_strftime():
    from mktkit.kpi import month_labels

    days = pd.Series(
        pd.to_datetime(["2026-10-05", None, "2025-01-31", "2026-10-05 13:00"], format="ISO8601"),
        index=[7, 3, 9, 1],
        name="order_date",
    )
    for s in (days, days.dropna(), days.iloc[:0]):
        pd.testing.assert_series_equal(month_labels(s), s.dt.strftime("%Y-%m"))
