"""A/B tests: published intervals and sample sizes, the planted experiments, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mktkit.errors import InputError
from mktkit.experiments import ab_test, adjust_tests, mde, revenue_test, sample_size


def _two_arms(users=(1000, 1000), conv=(100, 130), **extra) -> pd.DataFrame:
    return pd.DataFrame(
        {"variant": ["control", "treatment"], "users": list(users), "conversions": list(conv)}
        | extra
    )


# --- published and hand-computed values --------------------------------------------------------


def test_newcombe_interval_matches_newcombe_1998():
    # Newcombe R.G. (1998) "Interval estimation for the difference between independent
    # proportions", Statistics in Medicine 17:873-890, Table II, example (a): 56/70 vs 48/80,
    # method 10 (score, no continuity correction): 0.0524 to 0.3339.
    df = pd.DataFrame({"variant": ["control", "new"], "users": [80, 70], "conversions": [48, 56]})
    row = ab_test(df).iloc[1]
    assert row["diff"] == pytest.approx(56 / 70 - 48 / 80)
    assert row["diff_low"] == pytest.approx(0.0524, abs=5e-5)
    assert row["diff_high"] == pytest.approx(0.3339, abs=5e-5)
    assert row["diff_ci_method"] == "newcombe"


def test_z_test_and_log_ratio_interval_by_hand():
    r = ab_test(_two_arms()).iloc[1]
    # pooled z: p = 230/2000 = 0.115; se = sqrt(0.115 * 0.885 * (2/1000)) = 0.0142671
    se = math.sqrt(0.115 * 0.885 * 2 / 1000)
    assert r["z"] == pytest.approx(0.03 / se, rel=1e-9)
    assert r["p_value"] == pytest.approx(math.erfc(0.03 / se / math.sqrt(2)), rel=1e-9)
    # Katz log interval of the ratio: exp(log(1.3) +- 1.959964 sqrt(1/130 - 1/1000 + 1/100 - 1/1000))
    half = 1.959964 * math.sqrt(1 / 130 - 1 / 1000 + 1 / 100 - 1 / 1000)
    assert r["lift"] == pytest.approx(0.3)
    assert r["lift_low"] == pytest.approx(1.3 * math.exp(-half) - 1, rel=1e-5)
    assert r["lift_high"] == pytest.approx(1.3 * math.exp(half) - 1, rel=1e-5)
    assert "z-test" in r["test"] and r["lift_ci_method"] == "log ratio"
    assert ab_test(_two_arms()).iloc[0]["verdict"] == "control"


def test_sample_size_matches_evan_miller_calculator():
    # Evan Miller's calculator (https://www.evanmiller.org/ab-testing/sample-size.html), its
    # defaults: baseline 20%, MDE 5% absolute, alpha 0.05 two-sided, power 0.8 -> "1,030 per
    # variation". Its source computes (1.96 sqrt(2*.2*.8) + 0.8416 sqrt(.2*.8 + .25*.75))^2 / .05^2
    # = 1030.2 and rounds to the nearest user; we round up (docs/methods.md): 1031.
    assert sample_size(0.20, 0.05, method="evan_miller") == 1031
    assert sample_size(0.20, 0.25, relative=True, method="evan_miller") == 1031


def test_sample_size_pooled_is_fleiss_formula():
    # Fleiss (no continuity correction), pooled null rate 0.225:
    # (1.959964 sqrt(2*.225*.775) + 0.841621 sqrt(.2*.8 + .25*.75))^2 / .05^2 = 1093.74 -> 1094
    n = (1.959964 * math.sqrt(2 * 0.225 * 0.775) + 0.841621 * math.sqrt(0.16 + 0.1875)) ** 2
    assert n / 0.0025 == pytest.approx(1093.74, abs=0.01)
    assert sample_size(0.20, 0.05) == 1094
    # more power or a smaller effect never needs fewer users
    assert sample_size(0.20, 0.05, power=0.9) > 1094
    assert sample_size(0.20, 0.03) > 1094


def test_mde_inverts_sample_size():
    assert mde(0.20, 1093.74) == pytest.approx(0.05, abs=1e-4)
    assert mde(0.20, 1030.2, method="evan_miller") == pytest.approx(0.05, abs=1e-4)
    assert mde(0.20, 1093.74, relative=True) == pytest.approx(0.25, abs=5e-4)
    assert math.isnan(mde(0.2, 1))  # one user per arm detects nothing


def test_welch_matches_statsmodels():
    from statsmodels.stats.weightstats import ttest_ind as sm_ttest

    rng = np.random.default_rng(1)
    a, b = rng.exponential(50, 200), rng.exponential(60, 150)
    df = pd.DataFrame({"variant": ["control"] * 200 + ["b"] * 150, "revenue": [*a, *b]})
    r = revenue_test(df).iloc[1]
    t, p, dof = sm_ttest(b, a, usevar="unequal")
    assert (r["t"], r["p_value"], r["df"]) == pytest.approx((t, p, dof), rel=1e-9)
    assert r["diff"] == pytest.approx(b.mean() - a.mean())
    assert r["diff_low"] < r["diff"] < r["diff_high"]
    assert "Welch" in r["test"]


# --- planted facts (data/sample/README.md, planted fact 8) -------------------------------------


@pytest.fixture(scope="module")
def experiments():
    import mktkit as mk

    return mk.load_sample()["experiments"]


def test_checkout_button_is_a_significant_win(experiments):
    r = ab_test(experiments, experiment="checkout_button").set_index("variant")
    t = r.loc["treatment"]
    assert t["verdict"] == "win" and t["significant"]
    assert t["z"] == pytest.approx(5.00, abs=0.005)  # README: z 5.00, p 5.9e-07
    assert t["p_value"] == pytest.approx(5.9e-07, rel=0.02)
    assert t["lift"] == pytest.approx(0.187, abs=0.0005)  # README: +18.7 %
    assert t["srm_status"] == "ok" and t["stage"] == "final"


def test_free_shipping_banner_srm_is_flagged_and_not_a_win(experiments):
    r = ab_test(experiments, experiment="free_shipping_banner").iloc[1]
    assert r["srm_status"] == "srm"
    assert r["srm_chi2"] == pytest.approx(38.16, abs=0.005)  # README: 38.16 (p 6.5e-10)
    assert r["srm_p"] == pytest.approx(6.5e-10, rel=0.01)
    assert r["verdict"] == "srm"


def test_homepage_hero_has_no_effect(experiments):
    r = ab_test(experiments, experiment="homepage_hero").iloc[1]
    assert r["verdict"] == "no_difference"
    assert r["p_value"] == pytest.approx(0.45, abs=0.005)  # README: p 0.45
    assert r["diff_low"] < 0 < r["diff_high"]


def test_row_order_does_not_matter(experiments):
    one = experiments[experiments["experiment"] == "checkout_button"]
    a = ab_test(one)
    b = ab_test(one.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)


# --- stages and SRM edge cases -----------------------------------------------------------------


def test_interim_when_planned_sample_not_reached():
    df = _two_arms(planned_users=[5000, 5000])
    r = ab_test(df)
    assert (r["stage"] == "interim").all()
    assert r.iloc[1]["verdict"] == "interim"


def test_not_enough_traffic_below_eight_users():
    r = ab_test(_two_arms(users=(7, 9), conv=(1, 2)))
    assert r.iloc[1]["srm_status"] == "not_enough_traffic"
    assert math.isnan(r.iloc[1]["srm_p"])


def test_srm_against_an_uneven_plan():
    # 900/100 is exactly a 90/10 plan: chi-square 0
    r = ab_test(_two_arms(users=(900, 100), conv=(90, 12), planned_share=[0.9, 0.1]))
    assert r.iloc[1]["srm_chi2"] == pytest.approx(0.0) and r.iloc[1]["srm_status"] == "ok"
    r = ab_test(_two_arms(users=(900, 100), conv=(90, 12)))  # no plan: 50/50 assumed
    assert r.iloc[1]["srm_status"] == "srm"


def test_zero_conversions_give_nan_lift_not_error():
    r = ab_test(_two_arms(conv=(0, 5))).iloc[1]
    assert math.isnan(r["lift"]) and r["diff"] == pytest.approx(0.005)


# --- bad input -----------------------------------------------------------------------------------


def test_conversions_above_users_names_the_row():
    with pytest.raises(InputError, match=r"conversions exceed users; rows: 2") as e:
        ab_test(_two_arms(conv=(100, 1200)))
    assert "1200" in str(e.value)


def test_one_arm_only():
    with pytest.raises(InputError, match="only one arm"):
        ab_test(_two_arms().iloc[:1])


def test_negative_and_fractional_users():
    with pytest.raises(InputError, match=r"users: is negative; rows: 1"):
        ab_test(_two_arms(users=(-5, 1000)))
    with pytest.raises(InputError, match=r"not a whole number; rows: 2"):
        ab_test(_two_arms(users=(1000, 999.5)))


def test_missing_control_and_several_experiments(experiments):
    df = _two_arms().assign(variant=["a", "b"])
    with pytest.raises(InputError, match="no arm is named 'control'"):
        ab_test(df)
    assert ab_test(df, control="a").iloc[0]["variant"] == "a"
    with pytest.raises(InputError, match="several experiments"):
        ab_test(experiments)
    with pytest.raises(InputError, match="planned shares"):
        ab_test(_two_arms(planned_share=[0.5, 0.6]))


def test_plot_experiment_marks_srm(experiments):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mktkit.plots import plot_experiment

    r = pd.concat([ab_test(experiments, experiment=x) for x in experiments["experiment"].unique()])
    ax = plot_experiment(r)
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].startswith("+18.7%") and "[" not in texts[0]
    assert "Sample-ratio mismatch" in texts[1]
    points = [line.get_xdata()[0] for line in ax.lines if line.get_marker() == "o"]
    assert points == pytest.approx(r.loc[~r["is_control"], "lift"].tolist())
    plt.close(ax.figure)


def test_planning_refuses_impossible_inputs():
    with pytest.raises(InputError, match="baseline=5"):
        sample_size(5, 0.01)  # a percentage, not a fraction
    with pytest.raises(InputError, match="mde"):
        sample_size(0.9, 0.2)  # 110 %
    with pytest.raises(InputError, match="method"):
        sample_size(0.1, 0.01, method="exact")
    with pytest.raises(InputError, match="users"):
        mde(0.1, 0)


def test_three_arms_are_judged_on_holm_adjusted_p_values():
    """Each treatment arm is one more chance of a false win: the p-values the verdicts use are
    statsmodels' Holm adjustment of the raw ones, computed here independently."""
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import proportions_ztest

    df = pd.DataFrame({"variant": ["control", "a", "b", "c"], "users": [5000] * 4,
                       "conversions": [500, 570, 548, 530]})  # fmt: skip
    r = ab_test(df)
    raw = [proportions_ztest([x, 500], [5000, 5000])[1] for x in (570, 548, 530)]
    holm = multipletests(raw, method="holm")[1]
    treated = r[~r["is_control"]]
    np.testing.assert_allclose(treated["p_value"], raw, rtol=1e-12)
    np.testing.assert_allclose(treated["p_adjusted"], holm, rtol=1e-12)
    assert (treated["p_adjust"] == "holm").all()
    # a is significant on its own (p 0.024) but not once three arms are counted (0.071)
    assert raw[0] < 0.05 < holm[0]
    assert treated["verdict"].tolist() == ["no_difference"] * 3
    # two arms: nothing to correct
    two = ab_test(df.iloc[:2])
    assert two.loc[1, "p_adjusted"] == two.loc[1, "p_value"] and two.loc[1, "p_adjust"] == "none"


def test_several_metrics_of_one_test_are_adjusted_together():
    from statsmodels.stats.multitest import multipletests

    conv = ab_test(pd.DataFrame({"variant": ["control", "b"], "users": [4000, 4000],
                                 "conversions": [400, 452]}))  # fmt: skip
    rng = np.random.default_rng(7)
    users = pd.DataFrame({"variant": ["control"] * 300 + ["b"] * 300,
                          "revenue": np.r_[rng.gamma(2, 50, 300), rng.gamma(2, 56, 300)]})  # fmt: skip
    rev = revenue_test(users)
    both = adjust_tests({"conversion": conv, "revenue": rev})
    treated = both[~both["is_control"]]
    raw = [conv.loc[1, "p_value"], rev.loc[1, "p_value"]]
    np.testing.assert_allclose(treated["p_adjusted"], multipletests(raw, method="holm")[1])
    assert treated["metric"].tolist() == ["conversion", "revenue"]
    assert (treated["significant"] == (treated["p_adjusted"] < 0.05)).all()
