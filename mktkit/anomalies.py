"""Anomalies: what moved abnormally in daily metrics, with its expected value and size.

Method (docs/methods.md, "Anomalies"): each daily series is decomposed with STL (Cleveland et al.
1990; period 7, robust), and the remainder r is scored with a robust z-score
``(r - median(r)) / (1.4826 x MAD)``; a day is flagged when |z| > 3.5. Every flag carries the
expected value (trend + seasonal + median remainder), the deviation from it, its direction and
its size. Series shorter than 14 days are scored on their raw values instead; a series whose
MAD is 0 (flat) gets no flags and a warning; missing days are an error unless a fill rule is
given, and a filled day is never flagged.

STL is statsmodels' (``STL(robust=True)``: seasonal 7, trend and low-pass lengths from the
period, 2 inner and 15 robustness iterations). Every metric of the sample's channel table per
region and channel (224 series of 730 days) takes about 5 s here (benchmarks/monitoring.py).

Examples
--------
>>> import mktkit as mk
>>> cd = mk.load_sample()["channel_daily"]                                    # doctest: +SKIP
>>> flags = mk.detect_anomalies(cd, value=["clicks", "spend"], by=["region", "channel"])  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mktkit.channels import channel_performance, orders_daily
from mktkit.data.folder import has_table
from mktkit.data.memo import memoized
from mktkit.errors import (
    InputError,
    check_argument,
    date_column,
    numeric_column,
    offending,
    require_columns,
    select_region,
)
from mktkit.known_events import event_days, known_events
from mktkit.periods import check_month

#: Scale that makes the MAD a consistent estimator of the standard deviation (normal data).
MAD_SCALE = 1.4826

DIRECTIONS = ("both", "up", "down")
FILLS = ("zero", "interpolate")


class AnomalyWarning(UserWarning):
    """Anomalies were computed, but some series could not be judged (flat: MAD = 0)."""


def stl_decompose(
    y: np.ndarray,
    period: int = 7,
    *,
    seasonal: int = 7,
    trend: int | None = None,
    low_pass: int | None = None,
    robust: bool = True,
    inner_iter: int | None = None,
    outer_iter: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """STL of every column of ``y``: (trend, seasonal, remainder), each shaped like ``y``.

    ``statsmodels.tsa.seasonal.STL`` (Cleveland et al. 1990) with its defaults, one column (one
    series) at a time; ``outer_iter`` sets the number of robustness iterations (statsmodels:
    15 when robust).

    Examples
    --------
    >>> t = np.arange(28.0)
    >>> y = 10 + 0.5 * t + np.tile([0, 1, 2, 3, 2, 1, -9.0], 4)
    >>> trend, season, resid = stl_decompose(y)
    >>> bool(np.abs(resid).max() < 1e-6), np.round(season[:7], 2).tolist()
    (True, [0.0, 1.0, 2.0, 3.0, 2.0, 1.0, -9.0])
    """
    from statsmodels.tsa.seasonal import STL

    y = np.asarray(y, dtype=float)
    one = y.ndim == 1
    y = y.reshape(len(y), -1) if one else y
    out = np.empty((3, *y.shape))
    for j in range(y.shape[1]):  # one STL per series (a few hundred at most)
        fit = STL(
            y[:, j], period=period, seasonal=seasonal, trend=trend, low_pass=low_pass,
            robust=robust,
        ).fit(inner_iter=inner_iter, outer_iter=outer_iter)  # fmt: skip
        out[:, :, j] = fit.trend, fit.seasonal, fit.resid
    if one:
        return out[0, :, 0], out[1, :, 0], out[2, :, 0]
    return out[0], out[1], out[2]


# ---------------------------------------------------------------------------------------------
# detect_anomalies


def _robust_z(resid: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns' robust z-scores, medians and MADs; z is NaN where the MAD is 0.

    A MAD below 1e-9 of the series' typical size is rounding noise (STL on exactly two periods
    interpolates the data), so it counts as 0.
    """
    med = np.median(resid, axis=0)
    mad = np.median(np.abs(resid - med), axis=0)
    flat = mad <= 1e-9 * np.max(np.abs(y), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (resid - med) / (MAD_SCALE * mad)
    z[:, flat] = np.nan
    return z, med, mad


def _prepare(df: pd.DataFrame, date: str, values: list[str], by: list[str]) -> pd.DataFrame:
    table = "detect_anomalies"
    out = df[[*by, date]].reset_index(drop=True).copy()
    when = date_column(out, date, table=table)
    if (when != when.dt.normalize()).any():
        raise InputError(
            "holds times of day: the method is for daily series",
            table=table,
            column=date,
            fix="add the values up per day first",
        )
    out[date] = when
    for c in values:
        out[c] = numeric_column(df, c, table=table)
    dup = out.duplicated([*by, date], keep=False)
    if dup.any():
        raise InputError(
            "has the same day more than once for " + ", ".join([*by, date]),
            table=table,
            rows=offending(out[date].dt.strftime("%Y-%m-%d"), dup),
            fix="keep one row per day and series (add the duplicates up first)",
        )
    return out


def detect_anomalies(
    df: pd.DataFrame,
    date: str = "date",
    value: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    direction: str | Mapping[str, str] = "both",
    *,
    threshold: float = 3.5,
    period: int = 7,
    fill: str | None = None,
    min_days: int = 14,
    flags_only: bool = True,
    outer_iter: int | None = None,
    window: tuple[object, object] | None = None,
) -> pd.DataFrame:
    """Flag abnormal days in one or many daily series: STL (period 7, robust) + robust z.

    Parameters
    ----------
    df : DataFrame
        One row per day and series: a date column, the value column(s), the ``by`` columns.
    date : str
        Date column (whole days).
    value : str or list of str, optional
        Metric column(s); default every numeric column except ``by`` and ``date``. Each is a
        series per ``by`` group: ``value=[...7 metrics], by=["region", "channel"]`` judges
        4 x 7 x 7 series in one call.
    by : str or list of str, optional
        Grouping columns.
    direction : {"both", "up", "down"} or mapping of metric -> direction
        Which deviations count (a drop in clicks, a spike in CPA).
    threshold : float
        Flag when |z| > threshold (default 3.5).
    period : int
        Seasonal period in days (7: weekly).
    fill : {None, "zero", "interpolate"}
        Missing days (absent dates between a series' first and last day, or empty values) are
        an error unless filled: with 0 (no activity) or linearly. Filled days are not flagged.
    min_days : int
        Series shorter than this (default 14) are scored on their raw values (no STL).
    flags_only : bool
        True: only the flagged days, largest first. False: every day of every series with
        the column ``anomaly``, for plotting.
    outer_iter : int, optional
        Robustness iterations of STL; default statsmodels' 15 (see Notes).
    window : (start, end), optional
        Return only the days from ``start`` to ``end`` (both included); the decomposition and
        the robust z still use every day of each series, so the rows are those of the whole
        result that fall in the window.

    Returns
    -------
    DataFrame
        [by...], metric, date, value, expected, deviation (value - expected),
        relative_deviation (deviation / |expected|, NaN when expected is 0), z, size (|z|),
        direction ("up" or "down"), reason ("spike_vs_expected", "drop_vs_expected", or
        "..._vs_median" for raw z), method ("stl" or "robust_z_raw"); with flags_only=False
        also filled and anomaly. ``attrs``: method, threshold, series (count), flat_series
        (series with MAD = 0, not judged), filled_days.

    Raises
    ------
    InputError
        Missing columns, dates or values that cannot be read, the same day twice in a series,
        missing days without a fill rule.

    Notes
    -----
    Robustness iterations make STL ignore outliers when it estimates trend and season (so an
    outage does not bend the expected line), but they also fit the ordinary days more tightly,
    which shrinks the MAD of the remainder: on Gaussian white noise of 730 days, |z| > 3.5 flags
    about 5.7 % of days with the default 15 iterations, 0.9 % with ``outer_iter=1`` and 0.05 %
    without robustness (``outer_iter=0``); a true 8-sigma outlier scores about 14, 11 and 7.
    Shorter series flag more (about 7.7 % at 91 days, 12.5 % at 42). Rank by ``size``: the
    planted events of the sample score 20 to 50. A series whose robust STL fits it exactly
    (a few weeks of data) falls back to the raw robust z (``method``).

    Warns
    -----
    AnomalyWarning
        When some series are flat (MAD = 0) and get no flags.

    Examples
    --------
    >>> days = pd.date_range("2026-09-01", periods=56)
    >>> clicks = np.tile([100.0, 102, 98, 101, 99, 130, 128], 8) + np.arange(56) % 3
    >>> clicks[50] = 3.0                                        # tracking outage
    >>> f = detect_anomalies(pd.DataFrame({"date": days, "clicks": clicks}), value="clicks")
    >>> f[["date", "direction"]].astype(str).to_numpy().tolist()
    [['2026-10-21', 'down']]
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"expected a DataFrame, got {type(df).__name__}",
            table="detect_anomalies",
            fix="pass a daily table",
        )
    by = [by] if isinstance(by, str) else list(by or [])
    require_columns(df, [date, *by], table="detect_anomalies")
    if value is None:
        values = [
            c
            for c in df.columns
            if c not in (date, *by)
            and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])
        ]
        if not values:
            raise InputError(
                "has no numeric column to judge",
                table="detect_anomalies",
                fix="name the metric(s) with value=",
            )
    else:
        values = [value] if isinstance(value, str) else list(value)
    require_columns(df, values, table="detect_anomalies")
    directions = {v: direction for v in values} if isinstance(direction, str) else dict(direction)
    for v in values:
        directions.setdefault(v, "both")
        check_argument("direction", DIRECTIONS, directions[v])
    if fill is not None:
        check_argument("fill", FILLS, fill)
    if not threshold > 0:
        raise InputError(f"threshold={threshold} must be > 0", column="threshold")
    if len(df) == 0:
        raise InputError("has no rows", table="detect_anomalies", fix="pass a daily table")
    data = _prepare(df, date, values, by)

    # one column per (group, metric), each over its own first..last day
    series: list[tuple[tuple, str, pd.DatetimeIndex, np.ndarray, np.ndarray]] = []
    gaps: list[str] = []
    groups = data.groupby(by, sort=True, dropna=False) if by else [((), data)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        part = part.set_index(date).sort_index()
        days = pd.date_range(part.index.min(), part.index.max(), freq="D")
        full = part[values].reindex(days)
        for v in values:
            y = full[v].to_numpy(dtype=float)
            missing = np.isnan(y)
            if missing.any():
                if fill is None:
                    where = " / ".join(map(str, key)) + f" {v}" if key else v
                    first = days[missing][:3].strftime("%Y-%m-%d").tolist()
                    gaps.append(f"{where}: {int(missing.sum())} day(s) from {', '.join(first)}")
                    continue
                if fill == "zero":
                    y = np.where(missing, 0.0, y)
                else:
                    s = pd.Series(y).interpolate(limit_direction="both")
                    y = s.fillna(0.0).to_numpy()
            series.append((key, v, days, y, missing))
    if gaps:
        raise InputError(
            "has missing days: "
            + "; ".join(gaps[:5])
            + (f" and {len(gaps) - 5} more series" if len(gaps) > 5 else ""),
            table="detect_anomalies",
            column=date,
            fix="pass fill='zero' (no activity on those days) or fill='interpolate', or add "
            "the missing rows",
        )

    # decompose series of equal length together
    expected = [np.empty(0)] * len(series)
    zs = [np.empty(0)] * len(series)
    method = [""] * len(series)
    flat: list[str] = []
    too_short: list[str] = []
    by_length: dict[int, list[int]] = {}
    for i, s in enumerate(series):
        by_length.setdefault(len(s[3]), []).append(i)
    for n, members in by_length.items():
        y = np.column_stack([series[i][3] for i in members])
        raw_z, raw_med, raw_mad = _robust_z(y, y)
        raw_exp = np.broadcast_to(raw_med, y.shape)
        how = np.full(len(members), "robust_z_raw", dtype=object)
        if n >= max(min_days, 2 * period):
            tr, season, resid = stl_decompose(y, period, robust=True, outer_iter=outer_iter)
            z, med, mad = _robust_z(resid, y)
            exp = tr + season + med
            # A robust STL of a few weeks can fit the data exactly (remainder = rounding noise):
            # its z-scores would be meaningless, so such series use the raw robust z.
            exact = (mad < 1e-6 * raw_mad) & (raw_mad > 0)
            z = np.where(exact, raw_z, z)
            exp = np.where(exact, raw_exp, exp)
            how[:] = np.where(exact, "robust_z_raw", "stl")
            too_short += [
                " / ".join(map(str, (*series[i][0], series[i][1])))
                for i in np.asarray(members)[exact]
            ]
        else:
            z, exp = raw_z, raw_exp
        for col, i in enumerate(members):
            expected[i], zs[i], method[i] = exp[:, col], z[:, col], how[col]
            if np.isnan(z[:, col]).all():
                key, v = series[i][0], series[i][1]
                flat.append(" / ".join(map(str, (*key, v))))
    if flat:
        warnings.warn(
            f"{len(flat)} series are flat (MAD = 0) and get no flags: "
            + ", ".join(flat[:5])
            + (" ..." if len(flat) > 5 else ""),
            AnomalyWarning,
            stacklevel=2,
        )

    if window is not None:
        lo, hi = (pd.Timestamp(w) for w in window)
    frames = []
    for i, (key, v, days, y, missing) in enumerate(series):
        z = zs[i]
        dev = y - expected[i]
        want = directions[v]
        hit = np.abs(z) > threshold
        if want == "up":
            hit &= z > 0
        elif want == "down":
            hit &= z < 0
        hit &= ~missing
        keep = hit if flags_only else np.ones(len(y), dtype=bool)
        if window is not None:
            keep &= (days >= lo) & (days <= hi)
        if not keep.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(expected[i] != 0, dev / np.abs(expected[i]), np.nan)
        part = {c: key[j] for j, c in enumerate(by)}
        part.update(
            metric=v,
            date=days[keep],
            value=y[keep],
            expected=expected[i][keep],
            deviation=dev[keep],
            relative_deviation=rel[keep],
            z=z[keep],
            size=np.abs(z[keep]),
            direction=np.where(dev[keep] >= 0, "up", "down"),
            reason=np.where(dev[keep] >= 0, "spike", "drop")
            + ("_vs_expected" if method[i] == "stl" else "_vs_median"),
            method=method[i],
        )
        if not flags_only:
            part.update(filled=missing[keep], anomaly=hit[keep])
        frames.append(pd.DataFrame(part))
    cols = [
        *by,
        "metric",
        "date",
        "value",
        "expected",
        "deviation",
        "relative_deviation",
        "z",
        "size",
        "direction",
        "reason",
        "method",
    ] + ([] if flags_only else ["filled", "anomaly"])
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    out = out[cols]
    if flags_only:
        out = out.sort_values(
            ["size", *by, "metric", "date"],
            ascending=[False] + [True] * (len(by) + 2),
            kind="stable",
        )
    else:
        out = out.sort_values([*by, "metric", "date"], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(
        method=f"STL(period={period}, robust=True) remainder, robust z = (r - median) / "
        f"({MAD_SCALE} x MAD); raw robust z below {min_days} days",
        threshold=threshold,
        series=len(series),
        flat_series=flat,
        filled_days=int(sum(s[4].sum() for s in series)),
        raw_fallback=too_short,
        direction=directions,
    )
    return out


# ---------------------------------------------------------------------------------------------
# The month's anomaly list (for the monthly review)

#: Metrics judged by :func:`anomaly_review`: the volumes and two rates whose moves mean
#: something on their own (CVR and CPC would echo every click outage as a spike).
REVIEW_METRICS: tuple[str, ...] = (
    "spend",
    "impressions",
    "clicks",
    "orders",
    "new_customers",
    "revenue",
    "ctr",
    "roas",
)


@memoized
def anomaly_review(
    data: Mapping[str, pd.DataFrame],
    month: str,
    region: str = "all",
    *,
    metrics: Sequence[str] = REVIEW_METRICS,
    top: int | None = 10,
    flags_only: bool = True,
    context_days: int = 56,
) -> pd.DataFrame:
    """The month's anomalies, largest first: one line for a report.

    For ``region="all"`` each region's daily totals (over channels) are judged; for one region,
    each of its channels. The whole history feeds STL; only the month's flags are returned
    (the ``top`` largest). With ``flags_only=False``: every day of every series from
    ``context_days`` before the month to its end, with the column ``anomaly``, for
    :func:`mktkit.plot_anomalies`. ``attrs["level"]`` names the grouping column and
    ``attrs["table"]`` the table: ``channel_daily``, or ``orders`` when the data have no ad
    spend (the series are then orders, new customers and revenue, :func:`orders_daily`).

    Examples
    --------
    >>> import mktkit as mk
    >>> a = mk.anomaly_review(mk.load_sample(), "2026-10")             # doctest: +SKIP
    >>> a[["region", "metric", "date", "direction"]].head(1)            # doctest: +SKIP
    """
    start = check_month(month)
    group = "region" if region == "all" else "channel"
    if has_table(data, "channel_daily"):
        cd = select_region(data["channel_daily"], region, table="channel_daily")
        daily = channel_performance(cd, by=["date", group])
    else:  # orders only: the series the orders give (orders, new customers, revenue)
        daily = orders_daily(select_region(data["orders"], region, table="orders"), group)
        metrics = [m for m in metrics if m in daily.columns]
    month_end = start + pd.offsets.MonthEnd(0)
    first = start - pd.Timedelta(days=context_days) if not flags_only else start
    daily = daily[daily["date"] <= month_end]
    # Known events (campaigns, the folder's events, holidays, festivals): their days are left
    # out of the decomposition (filled in, so the expected line does not learn from them) and
    # never flagged; with flags_only=False they come back with their real value and name.
    events = known_events(data, daily["date"].min() if len(daily) else start, month_end)
    channels = daily["channel"] if group == "channel" else None
    event = event_days(events, pd.DatetimeIndex(daily["date"]), channels).to_numpy()
    masked = daily.copy()
    masked.loc[event >= 0, list(metrics)] = np.nan
    # only the days shown are assembled (the decomposition still reads every day)
    flags = detect_anomalies(
        masked,
        value=list(metrics),
        by=group,
        fill="interpolate",
        flags_only=flags_only,
        window=(first, month_end),
    )
    out = flags[flags["date"].between(first, month_end)].reset_index(drop=True)
    if not flags_only:
        out = _with_known_events(out, daily, group, events)
    if top is not None and flags_only:
        out = out.head(top)
    table = "channel_daily" if has_table(data, "channel_daily") else "orders"
    out.attrs.update(flags.attrs, month=month, region=region, level=group, table=table,
                     known_events=events.to_dict("records"))  # fmt: skip
    return out


def _with_known_events(
    days: pd.DataFrame, daily: pd.DataFrame, group: str, events: pd.DataFrame
) -> pd.DataFrame:
    """``days`` with the real value of the known events' days (the decomposition saw them
    filled in) and the name of their event (``known_event``, else None)."""
    real = daily.melt(["date", group], var_name="metric", value_name="_real")
    out = days.merge(real, on=["date", group, "metric"], how="left")
    channels = out["channel"] if group == "channel" else None
    event = event_days(events, pd.DatetimeIndex(out["date"]), channels).to_numpy()
    inside = event >= 0
    out["known_event"] = None
    out.loc[inside, "known_event"] = events["name"].to_numpy()[event[inside]]
    out.loc[inside, "value"] = out.loc[inside, "_real"]
    out["deviation"] = out["value"] - out["expected"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_deviation"] = np.where(
            out["expected"] != 0, out["deviation"] / out["expected"].abs(), np.nan
        )
    return out.drop(columns="_real")


def known_event_moves(days: pd.DataFrame) -> pd.DataFrame:
    """How each known event of the month moved each metric: the event's days summed against
    their expected values (what the decomposition would have expected without the event).

    Parameters
    ----------
    days : DataFrame
        :func:`anomaly_review` with ``flags_only=False``.

    Returns
    -------
    DataFrame with columns known_event, start, end, metric, value (sum over the event's days in
    the month, all groups), expected, change (value / expected - 1), days; largest |change|
    first within each event.
    """
    require_columns(days, ["date", "metric", "value", "expected", "known_event"], table="days")
    month = days.attrs.get("month")
    inside = days["known_event"].notna()
    if month is not None:
        inside &= days["date"].dt.strftime("%Y-%m") == month
    part = days[inside & ~days["metric"].isin(["ctr", "roas"])]  # volumes add up, ratios not
    if part.empty:
        return pd.DataFrame(
            columns=["known_event", "start", "end", "metric", "value", "expected", "change", "days"]
        )
    g = part.groupby(["known_event", "metric"], sort=False).agg(
        start=("date", "min"),
        end=("date", "max"),
        value=("value", "sum"),
        expected=("expected", "sum"),
        days=("date", "nunique"),
    )
    g["change"] = (g["value"] / g["expected"] - 1).where(g["expected"] > 0)
    g = g.reset_index()
    g["_size"] = -g["change"].abs()
    g = g.sort_values(["start", "known_event", "_size"], kind="stable").drop(columns="_size")
    return g[["known_event", "start", "end", "metric", "value", "expected", "change", "days"]]


def anomaly_flags(days: pd.DataFrame, top: int | None = 10) -> pd.DataFrame:
    """The month's flags from the days of ``anomaly_review(..., flags_only=False)``.

    The same table as ``anomaly_review(..., flags_only=True)``, without a second STL pass: a
    report that draws the days and lists the flags decomposes every series once.

    Examples
    --------
    >>> import mktkit as mk
    >>> data = mk.load_sample()                                            # doctest: +SKIP
    >>> days = mk.anomaly_review(data, "2026-10", flags_only=False)        # doctest: +SKIP
    >>> anomaly_flags(days).equals(mk.anomaly_review(data, "2026-10"))     # doctest: +SKIP
    True
    """
    require_columns(days, ["date", "metric", "size", "anomaly"], table="anomaly days")
    level = days.attrs.get("level")
    if level is None or "month" not in days.attrs:
        raise InputError(
            "the table does not come from anomaly_review(..., flags_only=False)",
            table="anomaly days",
            fix="pass the days table anomaly_review returns, unchanged",
        )
    start = pd.Timestamp(days.attrs["month"] + "-01")
    out = days[days["anomaly"] & (days["date"] >= start)].drop(
        columns=["filled", "anomaly", "known_event"], errors="ignore"
    )
    out = out.sort_values(
        ["size", level, "metric", "date"], ascending=[False, True, True, True], kind="stable"
    ).reset_index(drop=True)
    if top is not None:
        out = out.head(top)
    out.attrs.update(days.attrs)
    return out


__all__ = [
    "AnomalyWarning",
    "known_event_moves",
    "REVIEW_METRICS",
    "anomaly_review",
    "anomaly_flags",
    "detect_anomalies",
    "stl_decompose",
]
