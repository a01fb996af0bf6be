"""A/B tests: conversion per arm, lift with intervals, p-values, sample-ratio checks, planning.

Conventions (docs/methods.md, "Experiments"):

- p-value: pooled two-proportion z-test (``statsmodels.stats.proportion.proportions_ztest``).
- Interval of the difference of rates: Newcombe's hybrid score interval; interval of the
  relative lift: log of the ratio of rates (both ``confint_proportions_2indep``).
- Sample-ratio mismatch (SRM): ``scipy.stats.chisquare`` of the users per arm against the planned
  split; flagged below p = 0.001 (GrowthBook's threshold), "not enough traffic" when an arm has
  fewer than 8 users. A test with an SRM is never reported as a win.
- "interim" when an arm has not reached its planned sample size.
- Revenue per user: Welch's t-test (``scipy.stats.ttest_ind(equal_var=False)``).
- Several comparisons in one test (three or more arms, or several metrics of one test:
  :func:`adjust_tests`): Holm's step-down correction of the p-values
  (``statsmodels.stats.multitest.multipletests(method="holm")``), which keeps the chance of any
  false win at ``alpha``; ``significant`` and the verdict follow ``p_adjusted``. With one
  treatment and one metric there is nothing to correct (``p_adjusted`` = ``p_value``).

Every result names the test and interval methods it used.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"variant": ["control", "treatment"], "users": [1000, 1000],
...                    "conversions": [100, 130]})
>>> r = ab_test(df)
>>> float(r.loc[1, "conversion_rate"]), round(float(r.loc[1, "diff"]), 4), r.loc[1, "verdict"]
(0.13, 0.03, 'win')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, check_argument, numeric_column, offending, require_columns

__all__ = ["ab_test", "adjust_tests", "holm", "mde", "revenue_test", "sample_size"]

#: GrowthBook's SRM threshold and minimum traffic per arm.
SRM_P_THRESHOLD = 0.001
SRM_MIN_USERS = 8

#: Method names written into the results.
Z_TEST = "pooled two-proportion z-test (statsmodels proportions_ztest)"
DIFF_CI = "newcombe"
LIFT_CI = "log ratio"
SRM_TEST = "chi-square goodness of fit (scipy chisquare)"
WELCH = "Welch t-test (scipy ttest_ind, equal_var=False)"
HOLM = "holm"


def holm(p_values: Any) -> np.ndarray:
    """Holm-adjusted p-values (NaN stays NaN and is not counted as a test).

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, float("nan")]).round(2).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        out[tested] = multipletests(p[tested], method="holm")[1]
    return out


def _counts(
    df: pd.DataFrame, variant: str, users: str, conversions: str, table: str
) -> tuple[pd.Series, pd.Series]:
    """Users and conversions as floats, refusing negatives, fractions and conversions > users."""
    n = numeric_column(df, users, table=table, allow_empty=False, allow_negative=False)
    x = numeric_column(df, conversions, table=table, allow_empty=False, allow_negative=False)
    for col, v in ((users, n), (conversions, x)):
        frac = v != np.floor(v)
        if frac.any():
            raise InputError(
                "is not a whole number",
                table=table,
                column=col,
                rows=offending(v, frac),
                fix=f"{col} counts users: write whole numbers",
            )
    over = x > n
    if over.any():
        raise InputError(
            "conversions exceed users",
            table=table,
            column=conversions,
            rows={
                r: {conversions: int(a), users: int(b)}
                for r, a, b in zip(
                    offending(x, over), x[over.to_numpy()], n[over.to_numpy()], strict=True
                )
            },
            fix="conversions counts converting users, a subset of users: check the two columns",
        )
    return n, x


def _select(
    df: pd.DataFrame, experiment: str | None, experiment_col: str, table: str
) -> pd.DataFrame:
    """One experiment's rows, keeping the 1-based row numbers of the input in ``_row``."""
    work = df.reset_index(drop=True).assign(_row=np.arange(1, len(df) + 1))
    if experiment_col not in work.columns:
        if experiment is not None:
            require_columns(df, [experiment_col], table=table)
        return work
    names = list(dict.fromkeys(work[experiment_col].astype(str)))
    if experiment is None:
        if len(names) > 1:
            raise InputError(
                "the table holds several experiments: " + ", ".join(repr(n) for n in names),
                table=table,
                column=experiment_col,
                fix="pass experiment='<name>' or the rows of one experiment",
            )
        return work
    check_argument("experiment", names, experiment)
    return work[work[experiment_col].astype(str) == experiment]


def ab_test(
    df: pd.DataFrame,
    variant: str = "variant",
    users: str = "users",
    conversions: str = "conversions",
    control: str | None = None,
    *,
    experiment: str | None = None,
    experiment_col: str = "experiment",
    planned_share: str = "planned_share",
    planned_users: str = "planned_users",
    alpha: float = 0.05,
    table: str = "experiments",
) -> pd.DataFrame:
    """Compare each arm of one A/B test with its control.

    Parameters
    ----------
    df : DataFrame
        One row per arm (the ``experiments`` table of the data contract, or one experiment's
        rows of it): ``variant``, ``users``, ``conversions`` and optionally ``planned_share``
        (planned fraction of traffic; equal split assumed when absent) and ``planned_users``
        (planned sample size per arm).
    variant, users, conversions : str
        Column names.
    control : str, optional
        The control arm; default the arm named ``"control"``.
    experiment : str, optional
        Keep only this experiment's rows (column ``experiment_col``); required when ``df``
        holds several experiments.
    alpha : float
        Significance level of the z-test and 1 - confidence of the intervals.

    Returns
    -------
    DataFrame
        One row per arm, control first: experiment, variant, is_control, users, conversions,
        conversion_rate, planned_share, expected_users (under the plan), diff (treatment minus
        control rate), diff_low, diff_high, lift (relative), lift_low, lift_high, z, p_value,
        p_adjusted (Holm over the treatment arms; = p_value with one treatment), p_adjust
        (``holm`` or ``none``), significant (p_adjusted below alpha), srm_chi2, srm_p, srm_status (``ok``, ``srm``, ``not_enough_traffic``),
        stage (``final`` or ``interim``), verdict (``control``, ``win``, ``loss``,
        ``no_difference``, ``srm``: not interpretable, ``interim``), and the methods: test,
        diff_ci_method, lift_ci_method, srm_test, confidence.

    Raises
    ------
    InputError
        Negative or fractional counts, conversions above users, one arm only, an unknown or
        missing control, duplicated arms, planned shares not summing to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"variant": ["control", "b"], "users": [500, 480],
    ...                    "conversions": [40, 41], "planned_share": [0.5, 0.5]})
    >>> ab_test(df)["srm_status"].tolist()
    ['ok', 'ok']
    """
    from scipy.stats import chisquare
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    require_columns(df, [variant, users, conversions], table=table)
    if not 0 < alpha < 1:
        raise InputError(f"alpha={alpha!r} is outside (0, 1)", column="alpha", fix="e.g. 0.05")
    work = _select(df, experiment, experiment_col, table)
    n, x = _counts(work, variant, users, conversions, table)
    rows = work["_row"].to_numpy()
    names = work[variant].astype(str).to_numpy()
    exp_name = (
        experiment
        if experiment is not None
        else (str(work[experiment_col].iloc[0]) if experiment_col in work and len(work) else None)
    )
    dup = pd.Series(names).duplicated(keep=False).to_numpy()
    if dup.any():
        raise InputError(
            "an arm appears more than once",
            table=table,
            column=variant,
            rows=dict(zip(rows[dup].tolist(), names[dup].tolist(), strict=True)),
            fix="give one row per arm (sum the users and conversions of repeated rows)",
        )
    if len(names) < 2:
        raise InputError(
            f"only one arm ({', '.join(names) or 'none'}); a test needs a control and a treatment",
            table=table,
            column=variant,
            rows=dict(zip(rows.tolist(), names.tolist(), strict=True)),
            fix="add the rows of the other arm(s)",
        )
    if control is None:
        if "control" not in names:
            raise InputError(
                "no arm is named 'control'",
                table=table,
                column=variant,
                fix="pass control='<name of the control arm>'; arms: " + ", ".join(names),
            )
        control = "control"
    check_argument("control", names.tolist(), control)

    # plan: shares from the table, else an equal split
    if planned_share in work.columns:
        share = numeric_column(work, planned_share, table=table, allow_empty=False).to_numpy()
        bad = (share <= 0) | (share > 1)
        if bad.any() or abs(share.sum() - 1) > 1e-6:
            raise InputError(
                f"planned shares must be in (0, 1] and sum to 1 (they sum to {share.sum():.6g})",
                table=table,
                column=planned_share,
                rows=dict(zip(rows.tolist(), share.tolist(), strict=True)),
                fix="give every arm its planned fraction of traffic, e.g. 0.5 and 0.5",
            )
    else:
        share = np.full(len(names), 1 / len(names))
    total = n.sum()
    expected = share * total
    if (n < SRM_MIN_USERS).any():
        srm_chi2, srm_p, srm_status = np.nan, np.nan, "not_enough_traffic"
    else:
        res = chisquare(n.to_numpy(), f_exp=expected)
        srm_chi2, srm_p = float(res.statistic), float(res.pvalue)
        srm_status = "srm" if srm_p < SRM_P_THRESHOLD else "ok"
    if planned_users in work.columns:
        plan_n = numeric_column(work, planned_users, table=table, allow_negative=False)
        interim = bool((n.to_numpy() < plan_n.to_numpy()).any())
    else:
        interim = False

    order = [names.tolist().index(control)] + [i for i in range(len(names)) if names[i] != control]
    i0 = order[0]
    n0, x0 = float(n.iloc[i0]), float(x.iloc[i0])
    out = []
    for i in order:
        ni, xi = float(n.iloc[i]), float(x.iloc[i])
        rec: dict[str, Any] = {
            "experiment": exp_name,
            "variant": names[i],
            "is_control": i == i0,
            "users": int(ni),
            "conversions": int(xi),
            "conversion_rate": xi / ni if ni else np.nan,
            "planned_share": float(share[i]),
            "expected_users": float(expected[i]),
        }
        stats = dict.fromkeys(
            ["diff", "diff_low", "diff_high", "lift", "lift_low", "lift_high", "z", "p_value"],
            np.nan,
        )
        if i != i0 and ni > 0 and n0 > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                z, p = proportions_ztest([xi, x0], [ni, n0])
                lo, hi = confint_proportions_2indep(
                    xi, ni, x0, n0, method="newcomb", compare="diff", alpha=alpha
                )
                stats.update(diff=xi / ni - x0 / n0, diff_low=lo, diff_high=hi, z=z, p_value=p)
                if x0 > 0 and xi > 0:
                    rlo, rhi = confint_proportions_2indep(
                        xi, ni, x0, n0, method="log", compare="ratio", alpha=alpha
                    )
                    stats.update(
                        lift=(xi / ni) / (x0 / n0) - 1, lift_low=rlo - 1, lift_high=rhi - 1
                    )
        rec.update({k: float(v) for k, v in stats.items()})
        rec["srm_chi2"], rec["srm_p"], rec["srm_status"] = srm_chi2, srm_p, srm_status
        rec["stage"] = "interim" if interim else "final"
        rec.update(
            test=Z_TEST,
            diff_ci_method=DIFF_CI,
            lift_ci_method=LIFT_CI,
            srm_test=SRM_TEST,
            confidence=1 - alpha,
        )
        out.append(rec)
    # three or more arms: each treatment is one more chance of a false win (Holm)
    return _adjust(pd.DataFrame(out), alpha, "holm" if len(names) > 2 else "none")


def _verdict(rec: Any) -> str:
    if rec["is_control"]:
        return "control"
    if rec["srm_status"] == "srm":
        return "srm"  # the split is broken: no lift is reported as a win
    if rec["stage"] == "interim":
        return "interim"
    if rec["significant"]:
        return "win" if rec["diff"] > 0 else "loss"
    return "no_difference"


def _adjust(result: pd.DataFrame, alpha: float, method: str) -> pd.DataFrame:
    """``result`` with ``p_adjusted`` and ``p_adjust`` after ``p_value``, and ``significant``
    (and, for :func:`ab_test`'s tables, the verdict) judged on ``p_adjusted``."""
    out = result.drop(columns=["p_adjusted", "p_adjust"], errors="ignore")
    p = out["p_value"].to_numpy(dtype=float)
    at = list(out.columns).index("p_value") + 1
    out.insert(at, "p_adjusted", holm(p) if method == "holm" else p)
    out.insert(at + 1, "p_adjust", method)
    out["significant"] = (out["p_adjusted"] < alpha).fillna(False).astype(bool)
    if "srm_status" in out:
        out["verdict"] = [_verdict(r) for _, r in out.iterrows()]
    return out


def _check_rate(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise InputError(
            f"{name}={value!r} is not a rate in (0, 1)",
            column=name,
            fix=f"write {name} as a fraction, e.g. 0.05 for 5%",
        )


def _z(alpha: float, power: float) -> tuple[float, float]:
    from scipy.stats import norm

    _check_rate("alpha", alpha)
    _check_rate("power", power)
    return float(norm.ppf(1 - alpha / 2)), float(norm.ppf(power))


def _n_raw(baseline: float, diff: float, alpha: float, power: float, method: str) -> float:
    """Users per arm (not rounded) for a two-sided test of ``baseline`` vs ``baseline + diff``."""
    p1, p2 = baseline, baseline + diff
    za, zb = _z(alpha, power)
    alt = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    if method == "pooled":
        from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

        return float(
            samplesize_proportions_2indep_onetail(
                diff, baseline, power, ratio=1, alpha=alpha, alternative="two-sided"
            )
        )
    # Evan Miller's calculator: the null variance is the baseline's, 2 p1 (1 - p1)
    null = math.sqrt(2 * p1 * (1 - p1))
    return (za * null + zb * alt) ** 2 / diff**2


def sample_size(
    baseline: float,
    mde: float,
    alpha: float = 0.05,
    power: float = 0.8,
    *,
    relative: bool = False,
    method: str = "pooled",
) -> int:
    """Users per arm for a two-sided two-proportion test, rounded up.

    Parameters
    ----------
    baseline : float
        Control conversion rate (fraction).
    mde : float
        Minimum detectable effect: absolute difference of rates (0.05 = 5 points), or relative
        to ``baseline`` when ``relative=True``.
    alpha, power : float
        Two-sided significance level and power.
    method : {"pooled", "evan_miller"}
        ``"pooled"`` (default): null variance at the pooled rate, alternative variance at the two
        rates (Fleiss' formula without continuity correction), computed by statsmodels
        ``samplesize_proportions_2indep_onetail(..., alternative="two-sided")``.
        ``"evan_miller"``: null variance 2 p1 (1 - p1) at the baseline, as in Evan Miller's
        online calculator (which rounds to the nearest user; we round up).

    Examples
    --------
    >>> sample_size(0.20, 0.05)                 # 20% -> 25%
    1094
    >>> sample_size(0.20, 0.05, method="evan_miller")
    1031
    """
    check_argument("method", ["pooled", "evan_miller"], method)
    _check_rate("baseline", baseline)
    diff = mde * baseline if relative else mde
    if diff <= 0 or not 0 < baseline + diff < 1:
        raise InputError(
            f"mde={mde!r} gives a target rate {baseline + diff!r} outside (0, 1) or no change",
            column="mde",
            fix="give a positive effect that keeps the rate below 1",
        )
    return math.ceil(_n_raw(baseline, diff, alpha, power, method) - 1e-9)


def mde(
    baseline: float,
    users: float,
    alpha: float = 0.05,
    power: float = 0.8,
    *,
    relative: bool = False,
    method: str = "pooled",
) -> float:
    """Smallest upward change of the rate that ``users`` per arm detect (inverse of sample_size).

    Returns the absolute difference, or the relative one when ``relative=True``.

    Examples
    --------
    >>> round(mde(0.20, 1094), 4)
    0.05
    """
    from scipy.optimize import brentq

    check_argument("method", ["pooled", "evan_miller"], method)
    _check_rate("baseline", baseline)
    if not users > 0:
        raise InputError(f"users={users!r} must be above 0", column="users", fix="users per arm")
    _z(alpha, power)
    top = 1 - baseline - 1e-9

    def gap(d: float) -> float:
        return _n_raw(baseline, d, alpha, power, method) - users

    if gap(top) > 0:
        return np.nan  # not even a jump to 100% is detectable with so few users
    d = brentq(gap, 1e-9, top, xtol=1e-12)
    return d / baseline if relative else d


def revenue_test(
    df: pd.DataFrame,
    variant: str = "variant",
    value: str = "revenue",
    control: str | None = None,
    *,
    alpha: float = 0.05,
    table: str = "users",
) -> pd.DataFrame:
    """Compare the mean of a continuous metric per user (revenue per user) with Welch's t-test.

    Parameters
    ----------
    df : DataFrame
        One row per user: ``variant`` and ``value`` (0 for users who bought nothing).
    control : str, optional
        Default the arm named ``"control"``.

    Returns
    -------
    DataFrame
        One row per arm, control first: variant, users, mean, std, diff (arm minus control),
        diff_low, diff_high (Welch interval), lift (relative), t, df, p_value, significant, test.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"variant": ["control"] * 4 + ["b"] * 5,
    ...                   "revenue": [1, 2, 3, 4, 2, 5, 7, 9, 11]})
    >>> round(float(revenue_test(d).loc[1, "p_value"]), 4)
    0.0491
    """
    from scipy.stats import ttest_ind

    require_columns(df, [variant, value], table=table)
    v = numeric_column(df, value, table=table, allow_empty=False)
    arms = df[variant].astype(str).reset_index(drop=True)
    names = list(dict.fromkeys(arms))
    if len(names) < 2:
        raise InputError(
            f"only one arm ({', '.join(names) or 'none'}); a test needs two",
            table=table,
            column=variant,
            fix="add the users of the other arm",
        )
    control = control if control is not None else "control"
    if control not in names:
        raise InputError(
            f"no arm is named {control!r}",
            table=table,
            column=variant,
            fix="pass control='<name of the control arm>'; arms: " + ", ".join(names),
        )
    base = v[arms == control].to_numpy()
    out = []
    for name in [control] + [a for a in names if a != control]:
        y = v[arms == name].to_numpy()
        rec: dict[str, Any] = {
            "variant": name,
            "is_control": name == control,
            "users": len(y),
            "mean": float(y.mean()),
            "std": float(y.std(ddof=1)) if len(y) > 1 else np.nan,
        }
        stats = dict.fromkeys(
            ["diff", "diff_low", "diff_high", "lift", "t", "df", "p_value"], np.nan
        )
        if name != control and len(y) > 1 and len(base) > 1:
            r = ttest_ind(y, base, equal_var=False)
            ci = r.confidence_interval(confidence_level=1 - alpha)
            m0 = base.mean()
            stats.update(
                diff=y.mean() - m0,
                diff_low=ci.low,
                diff_high=ci.high,
                lift=(y.mean() - m0) / abs(m0) if m0 else np.nan,
                t=r.statistic,
                df=r.df,
                p_value=r.pvalue,
            )
        rec.update({k: float(s) for k, s in stats.items()})
        rec["test"] = WELCH
        rec["confidence"] = 1 - alpha
        out.append(rec)
    return _adjust(pd.DataFrame(out), alpha, "holm" if len(names) > 2 else "none")


def adjust_tests(results: Mapping[str, pd.DataFrame], *, alpha: float = 0.05) -> pd.DataFrame:
    """Several metrics of one test judged together: Holm's correction over every treatment arm
    of every metric, so that looking at conversion and revenue (and more) does not double the
    chance of a false win.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Metric name -> the result of :func:`ab_test` or :func:`revenue_test` for that metric
        (one experiment).
    alpha : float
        The level of the whole family of comparisons.

    Returns
    -------
    DataFrame
        The results one below the other with a ``metric`` column first; ``p_adjusted`` is
        Holm's over all their treatment rows (``p_adjust`` = ``holm``), ``significant`` and the
        verdicts follow it.

    Examples
    --------
    >>> import pandas as pd
    >>> conv = ab_test(pd.DataFrame({"variant": ["control", "b"], "users": [2000, 2000],
    ...                              "conversions": [200, 236]}))
    >>> rev = revenue_test(pd.DataFrame({"variant": ["control"] * 4 + ["b"] * 5,
    ...                                  "revenue": [1, 2, 3, 4, 2, 5, 7, 9, 11]}))
    >>> both = adjust_tests({"conversion": conv, "revenue": rev})
    >>> both.loc[~both["is_control"], ["metric", "p_value", "p_adjusted"]].round(4).to_numpy().tolist()
    [['conversion', 0.0678, 0.0983], ['revenue', 0.0491, 0.0983]]
    """
    if not results:
        raise InputError("no results to adjust", fix="pass {metric: ab_test(...) result, ...}")
    tables = []
    for metric, table in results.items():
        require_columns(table, ["variant", "is_control", "p_value"], table=f"{metric} result")
        tables.append(table.drop(columns=["p_adjusted", "p_adjust"], errors="ignore")
                      .assign(metric=metric))  # fmt: skip
    both = pd.concat(tables, ignore_index=True)
    both = both[["metric", *[c for c in both.columns if c != "metric"]]]
    return _adjust(both, alpha, "holm")
