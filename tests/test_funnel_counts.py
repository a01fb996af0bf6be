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
