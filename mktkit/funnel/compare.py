"""Two funnels compared: the change in conversion per step with its test, and the step that
newly leaks.

Examples
--------
>>> import pandas as pd
>>> from mktkit.funnel.counts import funnel_from_counts
>>> fa = funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 120]}))
>>> fb = funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 70]}))
>>> bool(compare_steps(fa, fb)["new_leak"].iloc[1])
True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, check_argument, require_columns
from mktkit.funnel.events import funnel
from mktkit.funnel.result import RATE_COLUMNS, FunnelResult


def compare_funnels(
    a: pd.DataFrame, b: pd.DataFrame, *, alpha: float = 0.05, ci_method: str = "newcomb"
) -> pd.DataFrame:
    """Per step, the change in conversion from the first step from funnel ``a`` to ``b``.

    The test is the two-proportion z-test (statsmodels ``proportions_ztest``, pooled variance,
    two-sided) on ``users_k / users_1`` of each funnel; the confidence interval of the
    difference ``b - a`` is statsmodels ``confint_proportions_2indep`` (``compare="diff"``,
    ``method=ci_method``). Step 1 (conversion 1 in both) and steps where a rate is undefined
    get NaN.

    Parameters
    ----------
    a, b : DataFrame
        Two results of :func:`funnel` / :func:`funnel_from_counts` with the same steps (and the
        same ``by`` columns: segments are matched by value).
    alpha : float
        1 - confidence level of the interval.
    ci_method : str
        A ``confint_proportions_2indep`` method: ``"newcomb"``, ``"wald"``, ``"agresti-caffo"``,
        ``"score"``.

    Returns
    -------
    DataFrame
        ``[by...], step, step_index, users_a, users_b, conversion_a, conversion_b, difference,
        ci_low, ci_high, z, p_value, test, ci_method``.

    Examples
    --------
    >>> from mktkit.funnel import funnel_from_counts
    >>> fa = funnel_from_counts(pd.DataFrame({"stage": ["v", "b"], "count": [1000, 100]}))
    >>> fb = funnel_from_counts(pd.DataFrame({"stage": ["v", "b"], "count": [1000, 150]}))
    >>> round(float(compare_funnels(fa, fb)["difference"].iloc[1]), 3)
    0.05
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    check_argument("ci_method", ["newcomb", "wald", "agresti-caffo", "score"], ci_method)
    if not (isinstance(alpha, float | int) and 0 < alpha < 1):
        raise InputError(f"alpha must be in (0, 1), got {alpha!r}", column="alpha")
    need = ["step", "step_index", "users"]
    require_columns(a, need, table="a")
    require_columns(b, need, table="b")
    base = (
        set(need)
        | set(RATE_COLUMNS)
        | {"drop_off_count", "biggest_leak", "median_time_to_convert", "p90_time_to_convert"}
        | {"complete"}  # a trend's: its periods are matched by value as segments
    )
    by_a = [c for c in a.columns if c not in base]
    by_b = [c for c in b.columns if c not in base]
    if by_a != by_b:
        raise InputError(
            f"the funnels are segmented differently: {by_a!r} and {by_b!r}",
            table="b",
            fix="compare funnels built with the same by=",
        )
    by = by_a
    if list(a.drop_duplicates("step_index")["step"]) != list(
        b.drop_duplicates("step_index")["step"]
    ):
        raise InputError(
            "the funnels have different steps", table="b", fix="compare funnels of the same steps"
        )
    keys = [*by, "step_index"]
    m = a[[*keys, "step", "users"]].merge(b[[*keys, "users"]], on=keys, suffixes=("_a", "_b"))
    grp = [
        m.groupby(by, dropna=False)[c].transform("first")
        if by
        else pd.Series(m.loc[m["step_index"] == 1, c].iloc[0], index=m.index)
        for c in ("users_a", "users_b")
    ]
    m["first_a"], m["first_b"] = grp
    rows = []
    for r in m.itertuples(index=False):  # one test per step and segment (a few rows)
        ka, na, kb, nb = int(r.users_a), int(r.first_a), int(r.users_b), int(r.first_b)
        pa = ka / na if na else np.nan
        pb = kb / nb if nb else np.nan
        z = p = lo = hi = np.nan
        pooled = (ka + kb) / (na + nb) if na and nb else np.nan
        if r.step_index > 1 and na and nb and 0 < pooled < 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                z, p = proportions_ztest([kb, ka], [nb, na], alternative="two-sided")
                lo, hi = confint_proportions_2indep(
                    kb, nb, ka, na, method=ci_method, compare="diff", alpha=alpha
                )
        rows.append((pa, pb, pb - pa, lo, hi, z, p))
    stats = pd.DataFrame(
        rows,
        columns=["conversion_a", "conversion_b", "difference", "ci_low", "ci_high", "z", "p_value"],
        index=m.index,
    )
    out = pd.concat([m[[*by, "step", "step_index", "users_a", "users_b"]], stats], axis=1)
    out["test"] = "two-proportion z-test"
    out["ci_method"] = ci_method
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def month_funnels(
    events: pd.DataFrame,
    steps: Sequence[Any],
    month: str,
    *,
    region: str = "all",
    window: Any = "7D",
    time: str = "ts",
    **kwargs: Any,
) -> tuple[FunnelResult, FunnelResult]:
    """The funnels of the previous month and of ``month``, for a monthly comparison.

    Each month's funnel counts the chains whose events all fall inside that calendar month
    (``[first day 00:00, next month's first day)``), so both months are measured alike; a
    chain that starts late in a month and ends in the next one is cut at the month end.

    Parameters
    ----------
    events : DataFrame
        The event log (``time`` column of datetimes; a ``region`` column when ``region`` is
        not ``"all"``).
    steps, window, time, **kwargs
        As in :func:`funnel`.
    month : str
        ``YYYY-MM``.
    region : str
        A value of ``events["region"]``, or ``"all"``.

    Returns
    -------
    (previous, current) : two :class:`FunnelResult`

    Examples
    --------
    >>> import mktkit as mk
    >>> prev, cur = month_funnels(mk.load_sample()["events"],
    ...                           ["add_to_cart", "checkout", "purchase"], "2026-10")  # doctest: +SKIP
    """
    require_columns(events, [time], table="events")
    start = pd.Period(month, freq="M").start_time
    if region != "all":
        require_columns(events, ["region"], table="events")
        events = events[events["region"] == region]
    out = []
    for first in (start - pd.DateOffset(months=1), start):
        last = first + pd.DateOffset(months=1)
        part = events[(events[time] >= first) & (events[time] < last)]
        out.append(funnel(part, steps, window=window, time=time, **kwargs))
    return out[0], out[1]


def compare_steps(
    a: pd.DataFrame, b: pd.DataFrame, *, alpha: float = 0.05, ci_method: str = "newcomb"
) -> pd.DataFrame:
    """Where a funnel leaks more in ``b`` than in ``a``: step conversion compared step by step.

    For each step k >= 2 the step conversion ``users_k / users_(k-1)`` of the two funnels is
    compared with the pooled two-proportion z-test (statsmodels ``proportions_ztest``,
    two-sided) and the confidence interval of ``b - a`` (``confint_proportions_2indep``,
    ``method=ci_method``). ``new_leak`` marks the step whose conversion fell the most among
    the falls significant at ``alpha`` (all tied steps); a funnel that got no worse marks none.

    Unlike :func:`compare_funnels` (conversion from the first step), this locates the step
    where users are lost: a checkout problem shows at checkout -> purchase, not upstream.

    Parameters
    ----------
    a, b : DataFrame
        Two unsegmented results of :func:`funnel` / :func:`funnel_from_counts` with the same
        steps (``a`` the baseline, e.g. the previous month).

    Returns
    -------
    DataFrame
        ``step, step_index, entered_a, users_a, entered_b, users_b, conversion_a,
        conversion_b, difference, ci_low, ci_high, z, p_value, new_leak, test, ci_method``;
        step 1 has NaN statistics.

    Examples
    --------
    >>> from mktkit.funnel import funnel_from_counts
    >>> fa = funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 120]}))
    >>> fb = funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 70]}))
    >>> c = compare_steps(fa, fb)
    >>> round(float(c["difference"].iloc[1]), 2), bool(c["new_leak"].iloc[1])
    (-0.25, True)
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    check_argument("ci_method", ["newcomb", "wald", "agresti-caffo", "score"], ci_method)
    need = ["step", "step_index", "users"]
    require_columns(a, need, table="a")
    require_columns(b, need, table="b")
    if list(a["step"]) != list(b["step"]) or a["step_index"].duplicated().any():
        raise InputError(
            "the funnels must have the same steps and no segments",
            table="b",
            fix="compare two unsegmented funnels of the same steps",
        )
    out = a[["step", "step_index"]].reset_index(drop=True)
    out["users_a"] = a["users"].to_numpy(dtype="int64")
    out["users_b"] = b["users"].to_numpy(dtype="int64")
    out["entered_a"] = out["users_a"].shift(1)
    out["entered_b"] = out["users_b"].shift(1)
    rows = []
    for r in out.itertuples(index=False):  # one test per step (a handful of rows)
        z = p = lo = hi = np.nan
        pa = pb = np.nan
        if r.step_index > 1:
            ka, na, kb, nb = int(r.users_a), int(r.entered_a), int(r.users_b), int(r.entered_b)
            pa = ka / na if na else np.nan
            pb = kb / nb if nb else np.nan
            pooled = (ka + kb) / (na + nb) if na and nb else np.nan
            if na and nb and 0 < pooled < 1:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    z, p = proportions_ztest([kb, ka], [nb, na], alternative="two-sided")
                    lo, hi = confint_proportions_2indep(
                        kb, nb, ka, na, method=ci_method, compare="diff", alpha=alpha
                    )
        rows.append((pa, pb, pb - pa, lo, hi, z, p))
    stats = pd.DataFrame(
        rows,
        columns=["conversion_a", "conversion_b", "difference", "ci_low", "ci_high", "z", "p_value"],
    )
    out = pd.concat([out, stats], axis=1)
    falls = out["difference"].where((out["p_value"] < alpha) & (out["difference"] < 0))
    out["new_leak"] = falls.notna() & (falls == falls.min())
    out["test"] = "two-proportion z-test (step conversion)"
    out["ci_method"] = ci_method
    order = ["step", "step_index", "entered_a", "users_a", "entered_b", "users_b"]
    return out[order + [c for c in out.columns if c not in order]]
