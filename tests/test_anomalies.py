"""Anomaly detection: STL against statsmodels, the robust z-score by hand, the rules of
docs/methods.md ("Anomalies") for short, flat and gappy series, and the planted outage and 11.11
peaks of the sample."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.seasonal import STL

import mktkit as mk
from mktkit.anomalies import AnomalyWarning, anomaly_review, detect_anomalies, stl_decompose
from mktkit.channels import channel_performance
from mktkit.errors import InputError


@pytest.fixture(scope="module")
def sample():
    return mk.load_sample()


@pytest.fixture(scope="module")
def daily_by_region(sample):
    return channel_performance(sample["channel_daily"], by=["date", "region"])


# ---------------------------------------------------------------------------------------------
# STL: the statsmodels result


def test_stl_decompose_is_statsmodels_column_by_column():
    # stl_decompose wraps statsmodels' STL: what it must get right is passing period and
    # robustness through and keeping the columns (series) apart. An outlier in column 0 only
    # must not move column 1, and robust=False must give the non-robust fit.
    rng = np.random.default_rng(7)
    week = np.array([0.0, 1, 2, 3, 2, 8, 9])
    y = 100 + 5 * week[np.arange(91) % 7][:, None] + rng.standard_normal((91, 2))
    y[45, 0] += 80
    for robust in (True, False):
        trend, season, resid = stl_decompose(y, 7, robust=robust)
        for j in range(2):
            ref = STL(y[:, j], period=7, robust=robust).fit()
            np.testing.assert_array_equal(trend[:, j], ref.trend)
            np.testing.assert_array_equal(season[:, j], ref.seasonal)
            np.testing.assert_array_equal(resid[:, j], ref.resid)
    alone, _, _ = stl_decompose(y[:, 1])
    np.testing.assert_array_equal(alone, stl_decompose(y)[0][:, 1])


def test_detect_anomalies_uses_the_stl_remainder(sample):
    # z of every day = (r - median r) / (1.4826 MAD r) with r the statsmodels remainder
    cd = sample["channel_daily"]
    one = cd[(cd["region"] == "east") & (cd["channel"] == "search")][["date", "revenue"]]
    r = detect_anomalies(one, value="revenue", flags_only=False)
    rem = STL(one["revenue"].to_numpy(float), period=7, robust=True).fit().resid
    med = np.median(rem)
    z = (rem - med) / (1.4826 * np.median(np.abs(rem - med)))
    np.testing.assert_allclose(r["z"].to_numpy(), z, atol=1e-8)
    np.testing.assert_allclose(r["value"] - r["expected"], r["deviation"], atol=1e-9)
    assert r["anomaly"].sum() == (np.abs(z) > 3.5).sum() > 0
    assert set(r["method"]) == {"stl"}


# ---------------------------------------------------------------------------------------------
# rules: short, flat, gaps, duplicates, direction


def test_short_series_use_the_raw_robust_z():
    # 10 days (< 14): median of (9, 9, 10, 10, 10, 11, 11, 12, 12, 30) = 10.5; absolute
    # deviations 0.5 x5, 1.5 x4, 19.5 -> MAD 1.0; z(30) = 19.5 / 1.4826 = 13.15 > 3.5;
    # z(12) = 1.5 / 1.4826 = 1.01
    y = [10.0, 12, 11, 9, 10, 30, 11, 10, 9, 12]
    df = pd.DataFrame({"date": pd.date_range("2026-10-01", periods=10), "orders": y})
    f = detect_anomalies(df, value="orders")
    assert len(f) == 1
    row = f.iloc[0]
    assert str(row.date.date()) == "2026-10-06" and row.method == "robust_z_raw"
    assert row.expected == 10.5 and row.deviation == 19.5
    assert row.z == pytest.approx(19.5 / 1.4826) and row.direction == "up"
    assert row.relative_deviation == pytest.approx(19.5 / 10.5)
    assert row.reason == "spike_vs_median"


def test_an_exact_stl_fit_falls_back_to_the_raw_z():
    # 14 days = two weeks: each weekday's cycle-subseries has 2 points, which the seasonal
    # LOESS (a line) fits exactly, so the remainder is rounding noise. The raw robust z is used:
    # median 10.5 and MAD 1.0 of the values below (as in the worked example above) plus 4 days.
    y = [10.0, 12, 11, 9, 10, 30, 11, 10, 9, 12, 10, 11, 10, 11]
    df = pd.DataFrame({"date": pd.date_range("2026-10-01", periods=14), "orders": y})
    f = detect_anomalies(df, value="orders", flags_only=False)
    assert set(f["method"]) == {"robust_z_raw"} and f.attrs["raw_fallback"] == ["orders"]
    med = np.median(y)
    mad = np.median(np.abs(np.array(y) - med))
    assert f["z"].to_numpy() == pytest.approx((np.array(y) - med) / (1.4826 * mad))
    assert f.loc[f["anomaly"], "value"].tolist() == [30.0]


def test_flat_series_get_no_flags_and_a_warning():
    clicks = np.tile([10.0, 11, 12, 11, 10, 20, 21], 9)[:60] + np.arange(60) % 3
    df = pd.DataFrame(
        {"date": pd.date_range("2026-09-01", periods=60), "spend": 500.0, "clicks": clicks}
    )
    df.loc[40, "clicks"] = 200.0
    with pytest.warns(AnomalyWarning, match="1 series are flat.*spend"):
        f = detect_anomalies(df)  # every numeric column: spend and clicks
    assert set(f["metric"]) == {"clicks"}
    assert f.attrs["flat_series"] == ["spend"] and f.attrs["series"] == 2


def test_gaps_are_an_error_unless_filled():
    days = pd.date_range("2026-09-01", periods=42)
    y = np.tile([100.0, 102, 98, 101, 99, 130, 128], 6) + np.arange(42) % 3
    df = pd.DataFrame({"date": days, "region": "east", "clicks": y}).drop(index=[10, 11])
    with pytest.raises(InputError, match="missing days: east clicks: 2 day.*2026-09-11") as err:
        detect_anomalies(df, value="clicks", by="region")
    assert "fill='zero'" in str(err.value)
    zero = detect_anomalies(df, value="clicks", by="region", fill="zero", flags_only=False)
    assert zero.attrs["filled_days"] == 2
    filled = zero[zero["filled"]]
    assert (filled["value"] == 0).all() and not filled["anomaly"].any()  # never flagged
    interp = detect_anomalies(df, value="clicks", by="region", fill="interpolate", flags_only=False)
    # linear between 2026-09-10 (y[9]) and 2026-09-13 (y[12])
    expect = y[9] + (y[12] - y[9]) * np.array([1, 2]) / 3
    assert interp.loc[interp["filled"], "value"].to_numpy() == pytest.approx(expect)
    nan = pd.DataFrame({"date": days, "clicks": np.where(np.arange(42) == 5, np.nan, y)})
    with pytest.raises(InputError, match="missing days"):
        detect_anomalies(nan, value="clicks")


def test_duplicated_days_and_bad_values_are_input_errors():
    days = pd.date_range("2026-09-01", periods=20)
    df = pd.DataFrame({"date": days, "clicks": 1.0})
    dup = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    with pytest.raises(InputError, match="same day more than once.*rows: 4.*21"):
        detect_anomalies(dup, value="clicks")
    with pytest.raises(InputError, match="not a number.*'n/a'"):
        detect_anomalies(df.assign(clicks=["n/a"] + [1.0] * 19), value="clicks")
    with pytest.raises(InputError, match="direction"):
        detect_anomalies(df, value="clicks", direction="sideways")
    with pytest.raises(InputError, match="missing column"):
        detect_anomalies(df, value="spend")


def test_direction_is_configurable_per_metric():
    days = pd.date_range("2026-09-01", periods=56)
    base = np.tile([100.0, 102, 98, 101, 99, 130, 128], 8) + np.arange(56) % 3
    df = pd.DataFrame({"date": days, "clicks": base, "cpa": base / 10})
    df.loc[20, "clicks"] = 300.0  # spike
    df.loc[30, "clicks"] = 5.0  # drop
    df.loc[40, "cpa"] = 40.0  # spike in a lower-is-better cost
    both = detect_anomalies(df)
    assert set(zip(both["metric"], both["direction"], strict=True)) == {
        ("clicks", "up"),
        ("clicks", "down"),
        ("cpa", "up"),
    }
    chosen = detect_anomalies(df, direction={"clicks": "down", "cpa": "up"})
    assert sorted(zip(chosen["metric"], chosen["direction"], strict=True)) == [
        ("clicks", "down"),
        ("cpa", "up"),
    ]
    assert chosen["size"].is_monotonic_decreasing


def test_result_does_not_depend_on_row_order(daily_by_region):
    part = daily_by_region[daily_by_region["date"] >= "2026-06-01"]
    one = detect_anomalies(part, value=["clicks", "orders"], by="region")
    two = detect_anomalies(
        part.sample(frac=1, random_state=3), value=["clicks", "orders"], by="region"
    )
    pd.testing.assert_frame_equal(one, two)


# ---------------------------------------------------------------------------------------------
# the sample company: planted facts 2 and 5


def test_every_metric_per_region_and_channel_in_one_call(sample):
    daily = channel_performance(sample["channel_daily"], by=["date", "region", "channel"])
    metrics = [
        "spend",
        "impressions",
        "clicks",
        "leads",
        "orders",
        "new_customers",
        "revenue",
        "ctr",
    ]
    flags = detect_anomalies(daily, value=metrics, by=["region", "channel"])
    assert flags.attrs["series"] == 4 * 7 * 8
    outage = flags[
        (flags["region"] == "south")
        & (flags["metric"] == "clicks")
        & flags["date"].isin(pd.to_datetime(["2026-10-14", "2026-10-15"]))
    ]
    # README: "every channel is hit" on both days
    assert len(outage) == 14 and (outage["direction"] == "down").all()
    spend = flags[
        (flags["region"] == "south")
        & (flags["metric"] == "spend")
        & flags["date"].isin(pd.to_datetime(["2026-10-14", "2026-10-15"]))
    ]
    assert spend.empty


def test_outage_is_the_top_anomaly_of_october_as_a_drop_in_clicks(sample):
    a = anomaly_review(sample, "2026-10", top=None)
    top = a.iloc[:4]
    # README 5: south clicks 21 and 34 against a median of 1,797 on the other October days
    assert (top["region"] == "south").all() and (top["direction"] == "down").all()
    assert set(top["metric"]) == {"clicks", "ctr"}
    assert set(top["date"].dt.strftime("%Y-%m-%d")) == {"2026-10-14", "2026-10-15"}
    clicks = a[(a["metric"] == "clicks") & (a["region"] == "south")].set_index("date")
    assert clicks.loc["2026-10-14", "value"] == 21 and clicks.loc["2026-10-15", "value"] == 34
    assert set(clicks.loc[["2026-10-14", "2026-10-15"], "reason"]) == {"drop_vs_expected"}
    outage = clicks.loc[["2026-10-14", "2026-10-15"]]
    assert (outage["relative_deviation"] < -0.95).all()  # about 98 % below expected
    outage_days = a["date"].isin(pd.to_datetime(["2026-10-14", "2026-10-15"]))
    south = a[outage_days & (a["region"] == "south")]
    assert not south["metric"].isin(["spend", "impressions", "orders"]).any()


@pytest.mark.parametrize("month", ["2024-11", "2025-11"])
def test_double_eleven_is_a_known_event_not_an_anomaly_of_november(sample, month):
    """campaigns.csv lists Double 11 (1-13 Nov) and 11.11 is a festival: its peak is reported
    as a known event with its size (tests/test_known_events.py), never as an anomaly."""
    a = anomaly_review(sample, month, top=None)
    assert not a["date"].between(f"{month}-01", f"{month}-13").any()
    days = anomaly_review(sample, month, flags_only=False)
    peak = days[(days["date"] == f"{month}-11") & (days["metric"] == "spend")]
    assert peak["known_event"].str.startswith("双11大促").all()
    assert (peak["relative_deviation"] > 1).all()  # spend more than doubled, as planned


def test_one_region_is_judged_per_channel(sample):
    a = anomaly_review(sample, "2026-10", "south", top=None)
    assert a.attrs["level"] == "channel"
    drops = a[(a["metric"] == "clicks") & (a["date"] == "2026-10-14")]
    assert set(drops["channel"]) == {
        "search",
        "social",
        "video",
        "display",
        "kol",
        "email",
        "affiliate",
    }
    with pytest.raises(InputError, match="region 'mars'"):
        anomaly_review(sample, "2026-10", "mars")


def test_review_context_for_the_plot(sample):
    days = anomaly_review(sample, "2026-10", flags_only=False, context_days=28)
    assert days["date"].min() == pd.Timestamp("2026-09-03")  # 28 days before 2026-10-01
    assert len(days) == 4 * 8 * (28 + 31)  # regions x metrics x days
    flagged = days[days["anomaly"]]
    top = anomaly_review(sample, "2026-10", top=None)
    assert len(flagged[flagged["date"] >= "2026-10-01"]) == len(top)


def test_no_warning_on_the_sample(daily_by_region):
    with warnings.catch_warnings():
        warnings.simplefilter("error", AnomalyWarning)
        detect_anomalies(daily_by_region, value=["spend", "clicks"], by="region")


@pytest.mark.parametrize(("month", "region"), [("2026-10", "all"), ("2026-10", "south")])
def test_flags_from_the_days_equal_a_second_stl_pass(month, region):
    # The report decomposes once and derives the list; it must be the list anomaly_review
    # gives on its own (same rows, order, columns and attrs).
    from mktkit.anomalies import anomaly_flags, anomaly_review
    from mktkit.data.sample import load_sample

    data = load_sample()
    days = anomaly_review(data, month, region, flags_only=False)
    direct = anomaly_review(data, month, region)
    derived = anomaly_flags(days)
    pd.testing.assert_frame_equal(derived, direct)
    assert derived.attrs == direct.attrs
    with pytest.raises(InputError, match="flags_only=False"):
        anomaly_flags(pd.DataFrame(days.to_dict("list")))  # a copy without the attrs


@pytest.mark.parametrize("flags_only", [True, False])
def test_a_window_returns_the_rows_of_the_whole_result_inside_it(daily_by_region, flags_only):
    # the window only limits the rows returned: decomposition and z use every day
    everything = detect_anomalies(
        daily_by_region, value=["clicks", "revenue"], by="region", flags_only=flags_only
    )
    window = (pd.Timestamp("2026-09-05"), pd.Timestamp("2026-10-31"))
    part = detect_anomalies(
        daily_by_region,
        value=["clicks", "revenue"],
        by="region",
        flags_only=flags_only,
        window=window,
    )
    inside = everything[everything["date"].between(*window)].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, inside, check_exact=True)
    assert part.attrs == everything.attrs and len(part) > 0
