"""Since when a funnel step leaks: the day its conversion dropped, as a binomial change point.

The method and its sources are in :func:`leak_onset`'s docstring and in docs/methods.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.engines.spark import is_spark_dataframe
from mktkit.errors import InputError, check_argument, require_columns, select_region
from mktkit.funnel.events import funnel_trend
from mktkit.funnel.spec import FunnelSpec
from mktkit.periods import check_month


def leak_onset(
    events: pd.DataFrame,
    steps: Sequence[Any] | Mapping[str, Any],
    from_step: str,
    to_step: str,
    month: str,
    *,
    region: str = "all",
    window: Any = "7D",
    months_before: int = 2,
    min_days: int = 3,
    alpha: float = 0.05,
    user: str = "user_id",
    time: str = "ts",
    event: str = "event",
) -> pd.DataFrame:
    """The day a step's conversion dropped: a single binomial change point in daily conversion.

    Daily series: users whose chain enters ``from_step`` on a day (each user once, on the day of
    the chain :func:`mktkit.funnel_trend` reports) and how many of them reach ``to_step``
    within ``window``, from ``months_before`` months before ``month`` to the month's end. Days
    whose window runs past the last event of the log are left out (their conversions are cut
    off by the end of the data, which would fake a drop).

    Method: the maximum likelihood change point of a sequence of binomial counts (Hinkley &
    Hinkley 1970, Biometrika 57(3); Worsley 1983, Biometrika 70(2); Chen & Gupta, *Parametric
    Statistical Change Point Analysis*, 2012, section 8.2): for every split day ``t`` with at
    least ``min_days`` days on each side, the likelihood ratio statistic
    ``2 [l(k1, n1) + l(k2, n2) - l(k, n)]``, ``l(k, n) = k log(k/n) + (n-k) log(1-k/n)``, is
    computed at once from cumulative sums (numpy); the onset is the split with the largest
    statistic among those where the rate falls (earliest on ties). The p-value is a Bonferroni
    bound over the candidate splits, ``min(1, m x P(chi2_1 > statistic))``: conservative,
    since the statistic is a maximum over ``m`` splits. Users are treated as independent
    trials (day-to-day overdispersion is ignored).

    Parameters
    ----------
    events : DataFrame
        The event log (``user``, ``time``, ``event`` and, for a region, ``region``).
    steps : list or dict
        The funnel's steps as for :func:`mktkit.funnel` (a dict maps labels to events).
    from_step, to_step : str
        Labels of two steps of ``steps``, ``to_step`` after ``from_step`` (e.g. the step of
        :func:`mktkit.compare_steps` marked ``new_leak`` and the one before it).
    month : str
        ``YYYY-MM``: the last month searched.
    region : str
        A value of ``events["region"]`` or ``"all"``.
    window : str or None
        The funnel window (as in :func:`mktkit.funnel`).
    months_before : int
        Months before ``month`` that the series starts (the baseline).
    min_days : int
        Fewest days on each side of the split.
    alpha : float
        ``significant`` when the p-value is below ``alpha``.

    Returns
    -------
    DataFrame
        One row: step (``"from → to"``), from_step, to_step, since (first day of the lower
        rate; NaT when no split lowers it), rate_before, rate_after, n_before, n_after
        (users entering), converted_before, converted_after, lr (the statistic), p_value,
        significant, first_day, last_day (the days searched), candidates (m), method.
        ``attrs["daily"]``: day, entered, converted, rate.

    Examples
    --------
    Twenty users a day check out; 12 of them pay on days 1-10, 6 from day 11 on:

    >>> days = pd.date_range("2026-10-01", periods=20)
    >>> rows = []
    >>> for d, day in enumerate(days):
    ...     for u in range(20):
    ...         uid = d * 100 + u
    ...         rows.append((uid, day + pd.Timedelta(hours=10), "checkout"))
    ...         if u < (12 if d < 10 else 6):
    ...             rows.append((uid, day + pd.Timedelta(hours=11), "purchase"))
    >>> ev = pd.DataFrame(rows, columns=["user_id", "ts", "event"])
    >>> ev = pd.concat([ev, pd.DataFrame({"user_id": [0], "ts": [pd.Timestamp("2026-11-30")],
    ...                                   "event": ["visit"]})])
    >>> r = leak_onset(ev, ["checkout", "purchase"], "checkout", "purchase", "2026-10",
    ...                months_before=0)
    >>> str(r.loc[0, "since"].date()), float(r.loc[0, "rate_before"]), float(r.loc[0, "rate_after"])
    ('2026-10-11', 0.6, 0.3)
    """
    from scipy.special import xlogy
    from scipy.stats import chi2

    start = check_month(month)
    for name, value, low in (("months_before", months_before, 0), ("min_days", min_days, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InputError(
                f"{name}={value!r} is not a whole number >= {low}",
                column=name,
                fix=f"pass e.g. {name}={max(low, 2)}",
            )
    if not 0 < alpha < 1:
        raise InputError(f"alpha={alpha!r} is outside (0, 1)", column="alpha", fix="e.g. 0.05")
    spec = FunnelSpec.build(steps, window=window)
    labels = list(spec.labels)
    check_argument("from_step", labels, from_step)
    check_argument("to_step", labels, to_step)
    i, j = labels.index(from_step), labels.index(to_step)
    if j <= i:
        raise InputError(
            f"to_step {to_step!r} does not come after from_step {from_step!r}",
            column="to_step",
            fix="name a later step of the funnel as to_step",
        )
    require_columns(events, [user, time, event], table="events")
    on_spark = is_spark_dataframe(events)  # then the daily funnel runs in Spark
    if on_spark:
        data_end = pd.Timestamp(events.agg({time: "max"}).first()[0])
        ev = events if region == "all" else events[events["region"] == region]
    else:
        if not pd.api.types.is_datetime64_any_dtype(events[time]):
            raise InputError(
                "is not a date-time column",
                table="events",
                column=time,
                fix="parse it first, e.g. events[time] = pd.to_datetime(events[time])",
            )
        data_end = events[time].max()
        ev = select_region(events, region, table="events") if region != "all" else events
    first = start - pd.DateOffset(months=months_before)
    last = start + pd.offsets.MonthEnd(0)
    wnd = None if window is None else pd.Timedelta(window)
    horizon = last + pd.Timedelta(days=1) + (wnd if wnd is not None else pd.Timedelta(days=3660))
    part = ev[(ev[time] >= first) & (ev[time] < horizon)]
    sub = {labels[k]: list(spec.step_names[k]) for k in range(i, j + 1)}
    every_day = pd.date_range(first, last, freq="D")
    if on_spark or len(part):
        trend = funnel_trend(part, sub, freq="D", window=window, user=user, time=time, event=event)
        wide = trend.pivot(index="period", columns="step_index", values="users")
        entered = wide[1].reindex(every_day, fill_value=0).to_numpy("int64")
        converted = wide[len(sub)].reindex(every_day, fill_value=0).to_numpy("int64")
    else:
        entered = converted = np.zeros(len(every_day), dtype="int64")
    if wnd is not None and pd.notna(data_end):
        # a day counts only if its whole window lies inside the data
        complete = every_day + pd.Timedelta(days=1) + wnd <= data_end + pd.Timedelta(1, "us")
        keep = int(complete.sum())
        every_day, entered, converted = every_day[:keep], entered[:keep], converted[:keep]
    daily = pd.DataFrame({"day": every_day, "entered": entered, "converted": converted})
    daily["rate"] = daily["converted"] / daily["entered"].where(daily["entered"] > 0)

    # split after position t: before = days[0..t], after = days[t+1..]
    n1 = np.cumsum(entered)[:-1].astype(float)
    k1 = np.cumsum(converted)[:-1].astype(float)
    n, k = float(entered.sum()), float(converted.sum())
    n2, k2 = n - n1, k - k1
    t = np.arange(len(n1))
    valid = (t >= min_days - 1) & (t <= len(entered) - min_days - 1)
    candidates = int(valid.sum())

    def loglik(kk: np.ndarray, nn: np.ndarray) -> np.ndarray:
        p = np.divide(kk, nn, out=np.zeros_like(kk), where=nn > 0)
        return xlogy(kk, p) + xlogy(nn - kk, 1 - p)

    with np.errstate(invalid="ignore", divide="ignore"):
        r1 = np.where(n1 > 0, k1 / np.where(n1 > 0, n1, 1), np.nan)
        r2 = np.where(n2 > 0, k2 / np.where(n2 > 0, n2, 1), np.nan)
        lr = 2 * (loglik(k1, n1) + loglik(k2, n2) - loglik(np.array([k]), np.array([n]))[0])
    drop = valid & (n1 > 0) & (n2 > 0) & (r2 < r1)
    rec: dict[str, Any] = {
        "step": f"{from_step} → {to_step}",
        "from_step": from_step,
        "to_step": to_step,
        "since": pd.NaT,
        "rate_before": np.nan,
        "rate_after": np.nan,
        "n_before": 0,
        "n_after": 0,
        "converted_before": 0,
        "converted_after": 0,
        "lr": np.nan,
        "p_value": np.nan,
        "significant": False,
        "first_day": every_day[0] if len(every_day) else pd.NaT,
        "last_day": every_day[-1] if len(every_day) else pd.NaT,
        "candidates": candidates,
        "method": "binomial likelihood-ratio change point (max over split days), "
        "Bonferroni p-value",
    }
    if drop.any():
        best = int(np.flatnonzero(drop)[np.argmax(lr[drop])])  # argmax: earliest on ties
        p_value = min(1.0, candidates * float(chi2.sf(lr[best], 1)))
        rec.update(
            since=every_day[best + 1],
            rate_before=float(r1[best]),
            rate_after=float(r2[best]),
            n_before=int(n1[best]),
            n_after=int(n2[best]),
            converted_before=int(k1[best]),
            converted_after=int(k2[best]),
            lr=float(lr[best]),
            p_value=p_value,
            significant=bool(p_value < alpha),
        )
    out = pd.DataFrame([rec])
    out.attrs.update(daily=daily, month=month, region=region, window=window)
    return out
