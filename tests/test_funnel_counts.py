"""Stage-count funnels and funnel comparison: every expected number is worked out in a comment."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import mktkit as mk
from mktkit.errors import InputError
from mktkit.funnel import FunnelWarning, compare_funnels, funnel_from_counts

COLUMNS = [
    "step",
    "step_index",
    "users",
    "conversion_from_previous",
    "conversion_from_first",
    "drop_off",
    "drop_off_count",
    "biggest_leak",
]


def counts(stages, values, **extra):
    return pd.DataFrame({"stage": stages, "count": values, **extra})


def test_rates_drop_offs_and_leak_by_hand():
    # 1000 -> 400 -> 100 -> 80
    # from previous: -, 0.4, 0.25, 0.8 ; from first: 1, 0.4, 0.1, 0.08
    # drop-off: -, 0.6, 0.75, 0.2 ; counts: -, 600, 300, 20 ; leak: step 3 (0.25)
    res = funnel_from_counts(
        counts(["visit", "cart", "checkout", "purchase"], [1000, 400, 100, 80])
    )
    assert list(res.columns) == COLUMNS
    assert res["step"].tolist() == ["visit", "cart", "checkout", "purchase"]
    assert res["step_index"].tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(res["conversion_from_previous"], [np.nan, 0.4, 0.25, 0.8])
    np.testing.assert_allclose(res["conversion_from_first"], [1.0, 0.4, 0.1, 0.08])
    np.testing.assert_allclose(res["drop_off"], [np.nan, 0.6, 0.75, 0.2])
    assert res["drop_off_count"].tolist()[1:] == [600, 300, 20]
    assert res["drop_off_count"].isna().tolist() == [True, False, False, False]
    assert res["biggest_leak"].tolist() == [False, False, True, False]


def test_tied_leaks_are_all_marked():
    # 800 -> 400 (0.5) -> 200 (0.5) -> 180 (0.9): steps 2 and 3 tie at 0.5
    res = funnel_from_counts(counts(["a", "b", "c", "d"], [800, 400, 200, 180]))
    assert res["biggest_leak"].tolist() == [False, True, True, False]


def test_zero_over_zero_is_nan_not_zero():
    # 10 -> 0 -> 0: step 3 is 0/0 (undefined), step 2 is 0/10 = 0
    res = funnel_from_counts(counts(["a", "b", "c"], [10, 0, 0]))
    assert res["conversion_from_previous"].iloc[1] == 0.0
    assert math.isnan(res["conversion_from_previous"].iloc[2])
    assert res["conversion_from_first"].tolist() == [1.0, 0.0, 0.0]
    # an empty first stage: every rate is undefined
    res = funnel_from_counts(counts(["a", "b"], [0, 0]))
    assert res[["conversion_from_previous", "conversion_from_first"]].isna().all().all()
    assert res["biggest_leak"].tolist() == [False, False]


def test_segments_with_by():
    # app: 100 -> 50 -> 10 ; web: 200 -> 20 -> 10
    df = counts(["v", "c", "p"] * 2, [100, 50, 10, 200, 20, 10], device=["app"] * 3 + ["web"] * 3)
    res = funnel_from_counts(df, by="device")
    assert list(res.columns) == ["device", *COLUMNS]
    app = res[res.device == "app"]
    web = res[res.device == "web"]
    np.testing.assert_allclose(app["conversion_from_previous"], [np.nan, 0.5, 0.2])
    np.testing.assert_allclose(web["conversion_from_previous"], [np.nan, 0.1, 0.5])
    assert app["biggest_leak"].tolist() == [False, False, True]  # 0.2 < 0.5
    assert web["biggest_leak"].tolist() == [False, True, False]  # 0.1 < 0.5
    np.testing.assert_allclose(web["conversion_from_first"], [1.0, 0.1, 0.05])


def test_strict_refuses_a_widening_funnel_and_names_the_row():
    with pytest.raises(InputError) as err:
        funnel_from_counts(counts(["visit", "cart", "buy"], [100, 120, 10]))
    msg = str(err.value)
    assert "counts.count" in msg and "'cart'" in msg and "rows: 2 (120)" in msg


def test_non_strict_warns_and_keeps_the_ratio():
    with pytest.warns(FunnelWarning, match="'cart'"):
        res = funnel_from_counts(counts(["visit", "cart"], [100, 120]), strict=False)
    assert res["conversion_from_previous"].iloc[1] == pytest.approx(1.2)
    assert res["drop_off_count"].iloc[1] == -20


@pytest.mark.parametrize(
    ("df", "kwargs", "needle"),
    [
        (counts(["a", "b"], [10, -1]), {}, "rows: 2 (-1)"),
        (counts(["a", "b"], [10, 2.5]), {}, "whole numbers"),
        (counts(["a", "b"], [10, None]), {}, "rows: 2"),
        (counts(["a"], [10]), {}, "at least 2 stages"),
        (counts(["a", "b", "a"], [10, 5, 3]), {}, "more than once"),
        (counts(["a", "b"], [10, 5]), {"count": "n"}, "missing column(s) 'n'"),
        (counts(["a", "b", "a"], [10, 5, 8], seg=["x", "x", "y"]), {"by": "seg"}, "lack"),
    ],
)
def test_bad_counts_are_refused(df, kwargs, needle):
    with pytest.raises(InputError, match=None) as err:
        funnel_from_counts(df, **kwargs)
    assert needle in str(err.value)


def test_compare_funnels_two_proportion_test_by_hand():
    # a: 1000 -> 100 (p_a = 0.10); b: 1000 -> 150 (p_b = 0.15)
    # pooled p = 250/2000 = 0.125; se = sqrt(0.125 * 0.875 * (1/1000 + 1/1000)) = 0.0147902
    # z = (0.15 - 0.10) / 0.0147902 = 3.38062; two-sided p = 2 * (1 - Phi(3.38062)) = 0.000723
    # Newcombe hybrid score interval of p_b - p_a (Newcombe 1998, method 10). Wilson 95%
    # bounds: b [0.129210, 0.173469], a [0.082909, 0.120152]; lower = 0.05 -
    # sqrt((0.15 - 0.129210)^2 + (0.120152 - 0.10)^2) = 0.021046; upper = 0.05 +
    # sqrt((0.173469 - 0.15)^2 + (0.10 - 0.082909)^2) = 0.079032
    fa = funnel_from_counts(counts(["v", "b"], [1000, 100]))
    fb = funnel_from_counts(counts(["v", "b"], [1000, 150]))
    cmp = compare_funnels(fa, fb)
    row = cmp.iloc[1]
    assert row["difference"] == pytest.approx(0.05)
    assert row["z"] == pytest.approx(3.38062, abs=1e-4)
    assert row["p_value"] == pytest.approx(0.000723, abs=2e-6)
    assert row["ci_low"] == pytest.approx(0.021046, abs=2e-6)
    assert row["ci_high"] == pytest.approx(0.079032, abs=2e-6)
    assert row["test"] == "two-proportion z-test" and row["ci_method"] == "newcomb"
    # step 1 converts 1.0 in both: no test
    assert np.isnan(cmp.iloc[0]["p_value"]) and cmp.iloc[0]["difference"] == 0


def test_compare_funnels_segments_and_mismatches():
    df = counts(["v", "b"] * 2, [100, 10, 100, 30], seg=["x", "x", "y", "y"])
    a = funnel_from_counts(df, by="seg")
    b = funnel_from_counts(df.assign(count=[100, 20, 100, 30]), by="seg")
    cmp = compare_funnels(a, b)
    assert cmp["seg"].tolist() == ["x", "x", "y", "y"]
    # x: 0.10 -> 0.20 ; y: 0.30 -> 0.30 (no change, p = 1)
    assert cmp["difference"].tolist()[1] == pytest.approx(0.10)
    assert cmp["p_value"].iloc[3] == pytest.approx(1.0)
    other = funnel_from_counts(counts(["v", "c"], [100, 10]))
    with pytest.raises(InputError, match="segmented differently"):
        compare_funnels(a, other)
    with pytest.raises(InputError, match="different steps"):
        compare_funnels(funnel_from_counts(counts(["v", "b"], [1, 1])), other)


def test_public_names():
    assert mk.funnel_from_counts is funnel_from_counts
    assert mk.compare_funnels is compare_funnels
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean funnel warns about nothing
        funnel_from_counts(counts(["a", "b"], [2, 1]))


def test_compare_steps_locates_the_step_that_leaks():
    import math

    from mktkit.funnel import compare_steps

    a = funnel_from_counts(
        pd.DataFrame({"stage": ["view", "cart", "pay"], "count": [400, 200, 120]})
    )
    b = funnel_from_counts(
        pd.DataFrame({"stage": ["view", "cart", "pay"], "count": [400, 200, 70]})
    )
    c = compare_steps(a, b)
    # cart: 200/400 in both -> no change. pay: 120/200 = 0.60 -> 70/200 = 0.35.
    # Pooled p = 190/400 = 0.475, se = sqrt(0.475 * 0.525 * (1/200 + 1/200)) = 0.0499375,
    # z = (0.35 - 0.60) / se = -5.00626.
    se = math.sqrt(0.475 * 0.525 * (2 / 200))
    assert c["z"].iloc[2] == pytest.approx((0.35 - 0.60) / se, rel=1e-9)
    assert c["difference"].iloc[2] == pytest.approx(-0.25)
    assert c["difference"].iloc[1] == pytest.approx(0.0)
    assert c["new_leak"].tolist() == [False, False, True]
    assert c["entered_b"].iloc[2] == 200 and c["users_b"].iloc[2] == 70
    # the other way round nothing leaks: the funnel got better
    assert not compare_steps(b, a)["new_leak"].any()


def test_month_funnels_cut_each_month_at_its_end():
    from mktkit.funnel import month_funnels

    ts = pd.to_datetime(
        [
            "2026-09-10 10:00", "2026-09-10 10:05",  # user 1: both steps in September
            "2026-09-30 23:50", "2026-10-01 00:10",  # user 2: crosses the month end
            "2026-10-05 09:00", "2026-10-05 09:30",  # user 3: both steps in October
        ]
    )  # fmt: skip
    ev = pd.DataFrame(
        {"user_id": [1, 1, 2, 2, 3, 3], "ts": ts, "event": ["a", "b"] * 3, "region": "east"}
    )
    prev, cur = month_funnels(ev, ["a", "b"], "2026-10")
    assert prev["users"].tolist() == [2, 1]  # users 1 and 2 enter; user 2's b is in October
    assert cur["users"].tolist() == [1, 1]  # user 3 only (user 2's October b has no a)
    with pytest.warns(FunnelWarning, match="do not occur"):  # no east events at all
        _, west = month_funnels(ev.assign(region="west"), ["a", "b"], "2026-10", region="east")
    assert west["users"].tolist() == [0, 0]
