"""Channels: which channel earns its budget, and where the money should move.

Three questions, three tables (docs/methods.md, "Channels and budget"):

- :func:`channel_performance`: volumes and efficiency ratios per channel (or any grouping):
  CTR, CPC, CPM, CVR, CPA, CAC, ROAS and ROI with the return named. Nothing is ranked:
  average ROAS says what a channel earned on the money it had, not what the next yuan earns.
- :func:`marginal_roas`: what the extra (or the last) yuan earned, between two periods or
  between two spend levels of a fitted curve.
- :func:`response_curves` and :func:`budget_reallocation`: a concave response curve
  ``revenue = a * ln(1 + spend / b)`` per channel fitted to daily data, then the split of a fixed
  budget that maximises modelled revenue by equalising marginal returns under per-channel
  bounds. A channel whose curve fits badly keeps its spend, and says why.

Examples
--------
>>> import mktkit as mk
>>> cd = mk.load_sample()["channel_daily"]                          # doctest: +SKIP
>>> mk.channel_performance(cd, by="channel")[["channel", "roas"]]   # doctest: +SKIP
>>> mk.budget_reallocation(mk.response_curves(cd))                  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mktkit.data.memo import memoized
from mktkit.engines import spark as on_spark
from mktkit.engines.duckdb import exact_floats, money_sql, run_sql
from mktkit.engines.spark_tables import channel_view
from mktkit.errors import (
    InputError,
    data_rows,
    date_column,
    numeric_column,
    require_columns,
    select_region,
)
from mktkit.kpi import DIRECTIONS
from mktkit.periods import check_month

#: Volumes added up per group; ``leads`` and ``new_customers`` are optional in the input.
VOLUMES: tuple[str, ...] = (
    "spend",
    "impressions",
    "clicks",
    "leads",
    "orders",
    "new_customers",
    "revenue",
)
_REQUIRED = ("spend", "impressions", "clicks", "orders", "revenue")

#: ratio -> (numerator, denominator, scale). A zero denominator gives NaN.
RATIOS: dict[str, tuple[str, str, float]] = {
    "ctr": ("clicks", "impressions", 1.0),
    "cpc": ("spend", "clicks", 1.0),
    "cpm": ("spend", "impressions", 1000.0),
    "cvr": ("orders", "clicks", 1.0),
    "cpa": ("spend", "orders", 1.0),
    "cac": ("spend", "new_customers", 1.0),
    "roas": ("revenue", "spend", 1.0),
}

#: Direction of every column of :func:`channel_performance` (spend is a cost: lower).
METRIC_DIRECTIONS: dict[str, str] = {
    m: DIRECTIONS[m] for m in (*VOLUMES, *RATIOS, "roi") if m in DIRECTIONS
}

#: Key columns of a daily channel table, when present (docs/data.md: date, region, channel).
_DAY_KEYS = ("date", "region", "channel")


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    return [by] if isinstance(by, str) else list(by or [])


def orders_daily(orders: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Orders, new customers (a customer's first order in ``orders``) and revenue per day and
    ``by`` (one column or several), every day from the first order to the last and every
    value of ``by`` seen (a day without orders counts 0): the part of a daily channel table
    that orders alone give, for data without ``channel_daily``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["a", "b", "c"], "customer_id": ["x", "x", "y"],
    ...     "order_date": pd.to_datetime(["2026-10-01", "2026-10-03", "2026-10-03"]),
    ...     "region": ["east"] * 3, "amount": [10.0, 20.0, 5.0]})
    >>> orders_daily(orders, "region")[["orders", "new_customers", "revenue"]].to_numpy().tolist()
    [[1.0, 1.0, 10.0], [0.0, 0.0, 0.0], [2.0, 1.0, 25.0]]
    """
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(
        orders, ["order_id", "customer_id", "order_date", *keys, "amount"], table="orders"
    )
    first = ~orders.sort_values(["order_date", "order_id"], kind="stable").duplicated("customer_id")
    o = orders.assign(date=orders["order_date"].dt.normalize(), new=first.reindex(orders.index))
    per_day = o.groupby(["date", *keys], sort=True, observed=True).agg(
        orders=("order_id", "size"), new_customers=("new", "sum"), revenue=("amount", "sum")
    )
    if per_day.empty:
        return per_day.reset_index()
    days = pd.date_range(o["date"].min(), o["date"].max(), freq="D", name="date")
    seen = o[keys].drop_duplicates().sort_values(keys)
    grid = pd.MultiIndex.from_tuples(
        [(d, *k) for d in days for k in seen.itertuples(index=False)], names=["date", *keys]
    )
    out = per_day.reindex(grid, fill_value=0).astype(float).reset_index()
    out["revenue"] = out["revenue"].round(2)  # cents: exact sums
    return out


def check_channel_table(
    df: pd.DataFrame, by: Sequence[str] = (), *, table: str = "channel_daily"
) -> pd.DataFrame:
    """Validate a daily channel table: a copy with numeric volumes, or one :class:`InputError`.

    Refuses missing columns, empty or non-numeric cells, negative values, clicks above
    impressions, new customers above orders, and more than one row for the same day
    (date with region and channel when present, and the ``by`` columns). Rows are numbered
    1-based as in the file.

    Examples
    --------
    >>> bad = pd.DataFrame({"date": ["2026-10-01"], "channel": ["search"], "spend": [-5.0],
    ...                     "impressions": [100], "clicks": [3], "orders": [1],
    ...                     "revenue": [80.0]})
    >>> check_channel_table(bad)
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: channel_daily.spend: is negative; rows: 1 (-5.0). Fix: spend, counts and revenue are never below 0: correct the rows
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"expected a DataFrame, got {type(df).__name__}",
            table=table,
            fix="pass the daily channel table (date, region, channel, spend, ...)",
        )
    by = list(by)
    require_columns(df, [*_REQUIRED, *by], table=table)
    out = df.reset_index(drop=True).copy()
    for c in [v for v in VOLUMES if v in out]:
        out[c] = numeric_column(
            out,
            c,
            table=table,
            allow_empty=False,
            allow_negative=False,
            negative_fix="spend, counts and revenue are never below 0: correct the rows",
        )
    for part, whole, why in (
        ("clicks", "impressions", "a click needs an impression"),
        ("new_customers", "orders", "a new customer is one of the orders"),
    ):
        if part in out and whole in out:
            over = out[part] > out[whole]
            if over.any():
                raise InputError(
                    f"{part} exceed {whole}",
                    table=table,
                    column=part,
                    rows={
                        r: {part: float(out.loc[i, part]), whole: float(out.loc[i, whole])}
                        for r, i in zip(data_rows(out.index[over]), out.index[over], strict=True)
                    },
                    fix=f"{why}: check that the two columns are not swapped",
                )
    if "date" in out:
        out["date"] = date_column(out, "date", table=table).dt.normalize()
        keys = list(dict.fromkeys([k for k in _DAY_KEYS if k in out] + by))
        dup = out.duplicated(keys, keep=False)
        if dup.any():
            raise InputError(
                "has the same day more than once for " + ", ".join(keys),
                table=table,
                rows={
                    r: tuple(out.loc[i, keys].astype(str))
                    for r, i in zip(data_rows(out.index[dup]), out.index[dup], strict=True)
                },
                fix="keep one row per " + ", ".join(keys) + " (add the duplicates up first)",
            )
    return out


def _ratio(num: pd.Series, den: pd.Series, scale: float = 1.0) -> pd.Series:
    return (num / den.where(den != 0)) * scale


def channel_sql(groups: Sequence[str], volumes: Sequence[str]) -> str:
    """The reduction of :func:`channel_performance`, one SQL text for DuckDB (pandas input) and
    Spark SQL: exact sums (as text) of the volumes per group of ``{channel}``."""
    sums = ", ".join(f"CAST(sum({money_sql(v)}) AS STRING) AS {v}" for v in volumes)
    keys = ", ".join(groups)
    return f"SELECT {keys + ', ' if keys else ''}{sums} FROM {{channel}}" + (
        f" GROUP BY {keys}" if keys else ""
    )


def channel_performance(
    channel_daily: pd.DataFrame,
    by: str | Sequence[str] | None = "channel",
    *,
    gross_margin: float | None = None,
    spark: Any = None,
) -> pd.DataFrame:
    """Volumes and efficiency ratios per channel (or any grouping of a daily channel table).

    Volumes are summed exactly (as ``DECIMAL(38, 9)``, by DuckDB or by Spark SQL: one SQL
    text, :func:`channel_sql`), so the totals do not depend on the order of the rows.

    Definitions (docs/methods.md, "Channels and budget"): CTR = clicks / impressions; CPC = spend /
    clicks; CPM = spend / impressions x 1000; CVR = orders / clicks; CPA = spend / orders;
    CAC = spend / new customers (cost scope: the channel's own media spend over the customers
    whose first-ever order it brought; direct orders have no spend and are not in the table);
    ROAS = revenue / spend; ROI = (return - spend) / spend, where the return is revenue, or
    gross profit = revenue x ``gross_margin`` when a margin is given (``attrs["roi_return"]``
    says which). A zero denominator gives NaN.

    Parameters
    ----------
    channel_daily : DataFrame
        Daily rows with spend, impressions, clicks, orders, revenue and optionally leads and
        new_customers (validated with :func:`check_channel_table`).
    by : str or list of str or None
        Grouping columns; ``None`` for one total row. ``["date", "region"]`` gives a daily
        table with every ratio, e.g. for :func:`mktkit.detect_anomalies`.
    gross_margin : float, optional
        Share of revenue kept as gross profit (0..1); names the ROI return "gross_profit".
    spark : SparkSession, optional
        Compute in Spark (see :mod:`mktkit.engines.spark`): ``channel_daily`` is then a table name, a
        Spark DataFrame or a pandas DataFrame to upload. A Spark DataFrame needs no ``spark=``.

    Returns
    -------
    DataFrame
        [by...], spend, impressions, clicks, leads, orders, new_customers, revenue,
        spend_share, revenue_share, ctr, cpc, cpm, cvr, cpa, cac, roas, roi; sorted by the
        ``by`` columns, never ranked. ``attrs``: directions (metric -> higher/lower),
        roi_return, cac_scope, definitions.

    Examples
    --------
    >>> cd = pd.DataFrame({"channel": ["search", "email"], "spend": [100.0, 0.0],
    ...                    "impressions": [1000, 500], "clicks": [50, 10], "orders": [5, 1],
    ...                    "revenue": [450.0, 60.0]})
    >>> p = channel_performance(cd)
    >>> p[["channel", "ctr", "roas", "roi"]].to_numpy().tolist()
    [['email', 0.02, nan, nan], ['search', 0.05, 4.5, 3.5]]
    """
    by = _as_list(by)
    if gross_margin is not None and not (0 < gross_margin <= 1):
        raise InputError(
            f"gross_margin={gross_margin} is not a share of revenue",
            column="gross_margin",
            fix="pass a fraction in (0, 1], e.g. 0.4",
        )
    if spark is not None or type(channel_daily).__module__.startswith("pyspark"):
        sdf = on_spark.as_spark(channel_daily, spark, table="channel_daily")
        view, present, groups = channel_view(
            sdf, by, required=_REQUIRED, volumes=VOLUMES, day_keys=_DAY_KEYS
        )
        sums = on_spark.run_sql(channel_sql(groups, present), channel=view)
        keys = sums[groups].set_axis(by, axis=1)
        out = pd.concat([keys, sums[present]], axis=1).sort_values(
            by, kind="stable", na_position="last"
        )
    else:
        df = check_channel_table(channel_daily, by)
        present = [v for v in VOLUMES if v in df]
        view = df[present].assign(**{v: df[v].astype("float64") for v in present})
        if by:
            # sorted group numbers (NaN last): DuckDB sums by number, the keys keep their dtype
            code = df.groupby(by, sort=True, dropna=False).ngroup().to_numpy()
            view["g"] = code
            first = ~pd.Series(code).duplicated().to_numpy()
            keys = df.loc[first, by].set_axis(code[first]).sort_index()
            sums = run_sql(channel_sql(["g"], present), channel=view).sort_values("g")
            out = pd.concat(
                [keys.reset_index(drop=True), sums[present].reset_index(drop=True)], axis=1
            )
        else:
            out = run_sql(channel_sql([], present), channel=view)
    return _performance(out.reset_index(drop=True), by, present, gross_margin)


def _performance(
    sums: pd.DataFrame, by: list[str], present: list[str], gross_margin: float | None
) -> pd.DataFrame:
    """The finish of :func:`channel_performance` on the summed volumes (text or numbers)."""
    out = sums.copy()
    for v in present:
        out[v] = exact_floats(out[v]).fillna(0.0)  # a sum over no rows is 0
    for v in VOLUMES:
        if v not in out:
            out[v] = np.nan  # optional volume absent from the input: unknown, not 0
    total_spend, total_revenue = out["spend"].sum(), out["revenue"].sum()
    out["spend_share"] = out["spend"] / total_spend if total_spend else np.nan
    out["revenue_share"] = out["revenue"] / total_revenue if total_revenue else np.nan
    for name, (num, den, scale) in RATIOS.items():
        out[name] = _ratio(out[num], out[den], scale)
    returned = out["revenue"] * (gross_margin if gross_margin is not None else 1.0)
    out["roi"] = _ratio(returned - out["spend"], out["spend"])
    out = out[[*by, *VOLUMES, "spend_share", "revenue_share", *RATIOS, "roi"]]
    out.attrs.update(
        directions=dict(METRIC_DIRECTIONS),
        roi_return="revenue" if gross_margin is None else f"gross_profit (margin {gross_margin})",
        cac_scope="channel media spend / first-ever orders attributed to the channel; "
        "direct new customers excluded",
        definitions={
            k: f"{n} / {d}" + (f" x {s:g}" if s != 1 else "") for k, (n, d, s) in RATIOS.items()
        },
    )
    return out


# ---------------------------------------------------------------------------------------------
# Response curves


@dataclass(frozen=True)
class LogCurve:
    """``response(x) = a * ln(1 + x / b)``: concave, zero at zero, marginal ``a / (b + x)``.

    Examples
    --------
    >>> c = LogCurve(a=1000.0, b=500.0)
    >>> round(c.value(500.0), 2), c.marginal(500.0), c.spend_at_marginal(0.5)
    (693.15, 1.0, 1500.0)
    """

    a: float
    b: float

    def value(self, x: np.ndarray | float) -> np.ndarray | float:
        out = self.a * np.log1p(np.asarray(x, dtype=float) / self.b)
        return float(out) if out.ndim == 0 else out

    def marginal(self, x: np.ndarray | float) -> np.ndarray | float:
        out = self.a / (self.b + np.asarray(x, dtype=float))
        return float(out) if out.ndim == 0 else out

    def spend_at_marginal(self, lam: float) -> float:
        """The spend where the marginal return equals ``lam`` (may be negative)."""
        return self.a / lam - self.b


def _fit_log_curve(x: np.ndarray, y: np.ndarray) -> tuple[float, float, str]:
    """Least-squares ``a, b`` with ``b`` bounded to [1e-3, 100 x max] of the scaled spend.

    The start comes from a grid over ``b`` with ``a`` profiled out (closed form for fixed
    ``b``), so curve_fit starts near the optimum even when the curve is almost a straight line.
    Returns a, b and the shape: "saturating", "near_linear" (b at its upper bound: no
    saturation inside the observed spend) or "flat" (b at its lower bound: revenue does not
    grow with spend).
    """
    from scipy.optimize import curve_fit

    scale = float(np.median(x[x > 0])) if (x > 0).any() else 1.0
    u = x / scale
    lo, hi = 1e-3, 100.0 * max(float(u.max()), 1.0)

    def model(u: np.ndarray, a: float, beta: float) -> np.ndarray:
        return a * np.log1p(u / beta)

    best = (np.inf, 1.0, 1.0)
    for beta in np.geomspace(lo, hi, 41):
        g = np.log1p(u / beta)
        a = float(g @ y / (g @ g)) if g @ g > 0 else 0.0
        sse = float(((y - max(a, 0.0) * g) ** 2).sum())
        if sse < best[0]:
            best = (sse, max(a, 1e-12), beta)
    (a, beta), _ = curve_fit(
        model, u, y, p0=[best[1], best[2]], bounds=([0.0, lo], [np.inf, hi]), maxfev=20_000
    )
    shape = "near_linear" if beta >= hi * 0.999 else "flat" if beta <= lo * 1.001 else "saturating"
    return float(a), float(beta * scale), shape


def _window(end: str | pd.Timestamp | None, last: pd.Timestamp) -> pd.Timestamp:
    if end is None:
        return last
    text = str(end)
    if len(text) == 7 and text[4] == "-":  # YYYY-MM: the month's last day
        return pd.Period(text, freq="M").end_time.normalize()
    return pd.Timestamp(end).normalize()


def response_curves(
    channel_daily: pd.DataFrame,
    by: str | Sequence[str] = "channel",
    *,
    window: int | None = 91,
    end: str | pd.Timestamp | None = None,
    current_days: int = 28,
    min_days: int = 28,
    min_spend_cv: float = 0.05,
    alpha: float = 0.05,
    min_r2: float = 0.02,
) -> pd.DataFrame:
    """Fit ``revenue = a * ln(1 + spend / b)`` per channel on daily totals, with fit quality.

    Each channel's days are added up over the other columns (regions), the last ``window``
    days up to ``end`` are kept, and the curve is fitted by least squares
    (``scipy.optimize.curve_fit``). A curve is trusted (``fit_ok``) only when there are at
    least ``min_days`` days, spend varied (coefficient of variation >= ``min_spend_cv``: a flat
    budget says nothing about the response), the fit converged, revenue rises with spend (the
    one-sided test of the slope of a straight-line regression of revenue on spend,
    ``scipy.stats.linregress(alternative="greater")``, below ``alpha``) and R² >= ``min_r2``.
    Otherwise ``fit_note`` says why, and :func:`budget_reallocation` keeps that channel's spend.

    Daily revenue also moves with weekdays and promotions; the curve reads them as noise,
    which keeps R² low (0.08 to 0.18 for the sample's channels over 91 days), so the R² floor
    ``min_r2`` (0.02) only catches curves that explain nothing (a flat fit that passes the slope
    test on a few extreme days). Recent data describe the current response best (a decaying
    channel), hence the 91-day default window.

    Parameters
    ----------
    channel_daily : DataFrame
        Daily channel table (date, channel, spend, revenue, ...).
    by : str or list of str
        One curve per group (default per channel).
    window : int or None
        Days of history to fit on, ending at ``end``; None for all.
    end : date or ``YYYY-MM``, optional
        Last day used (a month means its last day); default the last date of the data.
    current_days : int
        The current spend and revenue are the daily means over the last ``current_days``.

    Returns
    -------
    DataFrame
        [by...], a, b, shape (saturating, near_linear, flat), n_days, r2, rmse, slope_p_value,
        spend_cv, spend_min, spend_max, current_spend, current_revenue, average_roas
        (current revenue / spend), fitted_revenue (curve at current spend), marginal_roas
        (a / (b + current spend): what the next yuan returns), fit_ok, fit_note (``""``,
        "too_few_days", "spend_flat", "no_convergence", "no_response", "low_r2"). Money is per
        day. ``attrs``: method, quality rule, window, unit.

    Examples
    --------
    >>> days = pd.date_range("2026-08-01", periods=60)
    >>> spend = 1000 + 400 * np.sin(np.arange(60))
    >>> cd = pd.DataFrame({"date": days, "channel": "search", "spend": spend,
    ...                    "impressions": 10_000, "clicks": 100, "orders": 10,
    ...                    "revenue": 3000 * np.log1p(spend / 800)})
    >>> c = response_curves(cd)
    >>> c[["a", "b"]].round(1).to_numpy().tolist(), bool(c["fit_ok"].iloc[0])
    ([[3000.0, 800.0]], True)
    """
    from scipy.stats import linregress

    by = _as_list(by)
    if not by:
        raise InputError("by is empty", column="by", fix="fit per channel: by='channel'")
    df = check_channel_table(channel_daily, by)
    require_columns(df, ["date"], table="channel_daily")
    if df.empty:
        raise InputError("has no rows", table="channel_daily", fix="pass the daily channel table")
    if current_days < 1 or min_days < 3:
        raise InputError("current_days must be >= 1 and min_days >= 3", column="current_days")
    last = _window(end, df["date"].max())
    first = df["date"].min() if window is None else last - pd.Timedelta(days=window - 1)
    df = df[df["date"].between(first, last)]
    if df.empty:
        raise InputError(
            f"no rows between {first.date()} and {last.date()}",
            table="channel_daily",
            fix="choose an end date and window that the data cover",
        )
    daily = df.groupby([*by, "date"], sort=True)[["spend", "revenue"]].sum().reset_index()
    rows = []
    for key, part in daily.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        x, y = part["spend"].to_numpy(float), part["revenue"].to_numpy(float)
        recent = part[part["date"] > last - pd.Timedelta(days=current_days)]
        cur_x, cur_y = recent["spend"].mean(), recent["revenue"].mean()
        row = dict(zip(by, key, strict=True))
        row.update(
            n_days=len(x),
            spend_cv=float(x.std() / x.mean()) if x.mean() > 0 else np.nan,
            spend_min=float(x.min()),
            spend_max=float(x.max()),
            current_spend=float(cur_x),
            current_revenue=float(cur_y),
            average_roas=float(cur_y / cur_x) if cur_x > 0 else np.nan,
        )
        a = b = r2 = rmse = p = np.nan
        shape, note = "", ""
        if len(x) < min_days:
            note = "too_few_days"
        elif not row["spend_cv"] >= min_spend_cv:
            note = "spend_flat"
        else:
            try:
                a, b, shape = _fit_log_curve(x, y)
            except (RuntimeError, ValueError):
                note = "no_convergence"
            else:
                resid = y - LogCurve(a, b).value(x)
                sst = float(((y - y.mean()) ** 2).sum())
                r2 = 1 - float(resid @ resid) / sst if sst > 0 else np.nan
                rmse = float(np.sqrt(np.mean(resid**2)))
                p = float(linregress(x, y, alternative="greater").pvalue)
                if not p < alpha:
                    note = "no_response"
                elif not r2 >= min_r2:
                    note = "low_r2"
        curve_ok = np.isfinite(a) and np.isfinite(b)
        row.update(
            a=a,
            b=b,
            shape=shape,
            r2=r2,
            rmse=rmse,
            slope_p_value=p,
            fitted_revenue=float(LogCurve(a, b).value(cur_x)) if curve_ok else np.nan,
            marginal_roas=float(LogCurve(a, b).marginal(cur_x)) if curve_ok else np.nan,
            fit_ok=note == "",
            fit_note=note,
        )
        rows.append(row)
    cols = [
        *by,
        "a",
        "b",
        "shape",
        "n_days",
        "r2",
        "rmse",
        "slope_p_value",
        "spend_cv",
        "spend_min",
        "spend_max",
        "current_spend",
        "current_revenue",
        "average_roas",
        "fitted_revenue",
        "marginal_roas",
        "fit_ok",
        "fit_note",
    ]
    out = pd.DataFrame(rows)[cols]
    out.attrs.update(
        kind="response_curves",
        by=by,
        method="scipy.optimize.curve_fit: revenue = a * ln(1 + spend / b), daily totals",
        quality=f"fit_ok: n_days >= {min_days}, spend_cv >= {min_spend_cv}, converged, "
        f"linregress slope p < {alpha} (one-sided), r2 >= {min_r2}",
        window=(str(first.date()), str(last.date())),
        current_days=current_days,
        unit="per day, in the data's currency",
    )
    return out


def _is_curves(df: pd.DataFrame) -> bool:
    return {"a", "b", "current_spend", "fit_ok"} <= set(df.columns)


# ---------------------------------------------------------------------------------------------
# Marginal ROAS


def _span(value: object, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A window from ``"YYYY-MM"``, a Period or a (start, end) pair."""
    try:
        if isinstance(value, tuple | list) and len(value) == 2:
            a, b = pd.Timestamp(value[0]).normalize(), pd.Timestamp(value[1]).normalize()
        else:
            p = value if isinstance(value, pd.Period) else pd.Period(str(value))
            a, b = p.start_time.normalize(), p.end_time.normalize()
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"{value!r} is not a period",
            column=name,
            fix="pass 'YYYY-MM' or a (start, end) pair of dates",
        ) from exc
    if b < a:
        raise InputError(f"{value!r} ends before it starts", column=name, fix="swap the dates")
    return a, b


def marginal_roas(
    data: pd.DataFrame,
    by: str | Sequence[str] = "channel",
    *,
    before: object = None,
    after: object = None,
    levels: tuple[float, float] = (1.0, 1.1),
    min_change: float = 0.02,
) -> pd.DataFrame:
    """Marginal ROAS = delta revenue / delta spend, between two periods or two spend levels.

    **Between periods** (``data`` a daily channel table, ``before`` and ``after`` given):
    per day, so periods of different lengths compare (a 30-day and a 31-day month). A spend
    change below ``min_change`` (share of the spend before) is too small to read: NaN.
    ``flag``: "negative_return" (spend and revenue moved in opposite directions),
    "below_break_even" (each extra yuan returned less than a yuan), "diminishing" (the extra
    yuan earned less than the average yuan before), or "".

    **Between spend levels** (``data`` the output of :func:`response_curves`): from
    ``levels[0]`` to ``levels[1]`` times the current spend on each fitted curve; equal levels
    give the derivative ``a / (b + x)``.

    Examples
    --------
    >>> cd = pd.DataFrame({"date": pd.to_datetime(["2026-09-01", "2026-10-01"]),
    ...                    "channel": "display", "spend": [100.0, 120.0],
    ...                    "impressions": 1000, "clicks": 10, "orders": 1,
    ...                    "revenue": [300.0, 280.0]})
    >>> m = marginal_roas(cd, before="2026-09-01", after="2026-10-01")
    >>> m[["marginal_roas", "flag"]].to_numpy().tolist()
    [[-1.0, 'negative_return']]
    """
    by = _as_list(by)
    if isinstance(data, pd.DataFrame) and _is_curves(data):
        lo, hi = (float(v) for v in levels)
        if lo < 0 or hi < 0:
            raise InputError("levels must be >= 0", column="levels", fix="e.g. (1.0, 1.1)")
        out = data[[c for c in by if c in data] + ["current_spend", "fit_ok"]].copy()
        x0, x1 = data["current_spend"] * lo, data["current_spend"] * hi
        va = data["a"] * np.log1p(x0 / data["b"])
        vb = data["a"] * np.log1p(x1 / data["b"])
        out["spend_from"], out["spend_to"] = x0, x1
        point = data["a"] / (data["b"] + x0)
        step = (vb - va) / (x1 - x0).where(x1 != x0)
        out["marginal_roas"] = point if lo == hi else step
        out["average_roas"] = data["a"] * np.log1p(x1 / data["b"]) / x1.where(x1 > 0)
        out.attrs.update(
            method="response curve: (f(spend_to) - f(spend_from)) / (spend_to - spend_from)",
            levels=(lo, hi),
        )
        return out.reset_index(drop=True)
    if before is None or after is None:
        raise InputError(
            "say which two periods to compare, or pass the output of response_curves",
            column="before",
            fix="e.g. marginal_roas(channel_daily, before='2025-10', after='2026-10')",
        )
    df = check_channel_table(data, by)
    require_columns(df, ["date"], table="channel_daily")
    spans = {"before": _span(before, "before"), "after": _span(after, "after")}
    parts = {}
    for name, (a, b) in spans.items():
        days = (b - a).days + 1
        win = df[df["date"].between(a, b)]
        g = win.groupby(by, sort=True)[["spend", "revenue"]].sum() / days
        parts[name] = g.add_suffix(f"_{name}")
    out = parts["before"].join(parts["after"], how="outer").fillna(0.0).reset_index()
    d_spend = out["spend_after"] - out["spend_before"]
    d_rev = out["revenue_after"] - out["revenue_before"]
    readable = (d_spend.abs() >= min_change * out["spend_before"]) & (d_spend != 0)
    out["delta_spend"] = d_spend
    out["delta_revenue"] = d_rev
    out["marginal_roas"] = (d_rev / d_spend.where(d_spend != 0)).where(readable)
    out["roas_before"] = _ratio(out["revenue_before"], out["spend_before"])
    out["roas_after"] = _ratio(out["revenue_after"], out["spend_after"])
    m = out["marginal_roas"]
    out["flag"] = np.select(
        [m < 0, m < 1, m < out["roas_before"]],
        ["negative_return", "below_break_even", "diminishing"],
        default="",
    )
    out.attrs.update(
        method="(revenue per day after - before) / (spend per day after - before)",
        before=tuple(str(t.date()) for t in spans["before"]),
        after=tuple(str(t.date()) for t in spans["after"]),
        unit="per day, in the data's currency",
    )
    return out


# ---------------------------------------------------------------------------------------------
# Budget reallocation


def _equalise(
    curves: list[LogCurve], lower: np.ndarray, upper: np.ndarray, total: float
) -> tuple[np.ndarray, float]:
    """Maximise sum f_i(x_i) subject to sum x_i = total and lower <= x <= upper.

    Concave f_i: at the optimum every channel strictly inside its bounds has the same marginal
    return lambda (the Lagrange multiplier); one at its upper bound has a marginal >= lambda,
    one at its lower bound <= lambda. x_i(lambda) = clip(f_i'^-1(lambda), lower, upper) falls
    as lambda grows, so bisection on lambda finds the total.
    """

    def spend(lam: float) -> np.ndarray:
        x = np.array([c.spend_at_marginal(lam) for c in curves], dtype=float)
        return np.clip(x, lower, upper)

    if len(curves) == 0:
        return np.zeros(0), np.nan
    hi_lam = max(float(c.marginal(lo)) for c, lo in zip(curves, lower, strict=True)) * 2 + 1e-12
    lo_lam = min(float(c.marginal(up)) for c, up in zip(curves, upper, strict=True)) / 2
    lo_lam = max(lo_lam, 1e-300)
    for _ in range(200):  # geometric bisection: lambda spans orders of magnitude
        mid = np.sqrt(lo_lam * hi_lam)
        if spend(mid).sum() > total:
            lo_lam = mid
        else:
            hi_lam = mid
        if hi_lam / lo_lam - 1 < 1e-13:
            break
    lam = float(np.sqrt(lo_lam * hi_lam))
    x = spend(lam)
    # close the last rounding gap on the channels strictly inside their bounds
    free = (x > lower + 1e-9) & (x < upper - 1e-9)
    if free.any():
        x[free] += (total - x.sum()) / free.sum()
    return x, lam


def budget_reallocation(
    perf_or_curves: pd.DataFrame,
    total_budget: float | None = None,
    bounds: tuple[float, float] | Mapping[str, tuple[float, float]] = (0.7, 1.5),
    *,
    days: int = 30,
    by: str | Sequence[str] = "channel",
    **curve_options: object,
) -> pd.DataFrame:
    """Split a fixed budget to maximise modelled revenue by equalising marginal returns.

    On each channel's concave curve (:func:`response_curves`) the money goes where the next
    yuan returns most, until marginal returns are equal (the Lagrange condition) or a channel
    reaches its bound: ``bounds`` are multiples of current spend (default 0.7x to 1.5x, per
    channel with a mapping). Solved by bisection on the common marginal return. Channels whose
    curve fits badly keep their current spend and are left out of the optimisation. Average
    ROAS never decides alone.

    Parameters
    ----------
    perf_or_curves : DataFrame
        The output of :func:`response_curves`, or a daily channel table (then curves are
        fitted first, with ``curve_options`` passed to :func:`response_curves`). A table of
        totals (e.g. :func:`channel_performance`) is refused: it only holds average ROAS.
    total_budget : float, optional
        Budget for the period of ``days`` days; default the current spend over that period.
    bounds : (low, high) or mapping of channel -> (low, high)
        Multiples of current spend.
    days : int
        Length of the budget period: spend and revenue columns are per ``days`` days.

    Returns
    -------
    DataFrame
        [by...], current_spend, suggested_spend, change, change_share, lower, upper,
        current_share, suggested_share, marginal_roas_current, marginal_roas_suggested,
        expected_revenue_change, fit_ok, fit_note, reason: "kept_poor_fit",
        "raised_to_cap", "cut_to_floor", "raised_to_equal_margin", "cut_to_equal_margin" or
        "unchanged". ``attrs``: total_budget, days, common_marginal_roas,
        expected_revenue_change, method.

    Examples
    --------
    >>> curves = pd.DataFrame({"channel": ["a", "b"], "a": [3000.0, 1000.0],
    ...                        "b": [1000.0, 1000.0], "current_spend": [1000.0, 1000.0],
    ...                        "fit_ok": [True, True], "fit_note": ["", ""]})
    >>> r = budget_reallocation(curves, days=1)
    >>> r[["channel", "suggested_spend", "reason"]].to_numpy().tolist()
    [['a', 1300.0, 'raised_to_equal_margin'], ['b', 700.0, 'cut_to_floor']]
    """
    by = _as_list(by)
    if not isinstance(perf_or_curves, pd.DataFrame):
        raise InputError(
            f"expected a DataFrame, got {type(perf_or_curves).__name__}",
            fix="pass response_curves(channel_daily) or the daily channel table",
        )
    if _is_curves(perf_or_curves):
        curves = perf_or_curves
        by = [c for c in curves.attrs.get("by", by) if c in curves] or [
            c for c in by if c in curves
        ]
    elif "date" in perf_or_curves:
        curves = response_curves(perf_or_curves, by, **curve_options)
    else:
        raise InputError(
            "a table of totals holds only average ROAS, which cannot say where the next yuan "
            "earns most",
            table="budget_reallocation",
            fix="pass response_curves(channel_daily) or the daily channel table itself",
        )
    if days < 1:
        raise InputError(f"days={days} must be >= 1", column="days")
    keys = curves[by].astype(str).agg(" / ".join, axis=1) if by else pd.Series(["all"])
    if isinstance(bounds, Mapping):
        missing = [k for k in keys if k not in bounds]
        if missing:
            raise InputError(
                "bounds missing for " + ", ".join(missing),
                column="bounds",
                fix="give (low, high) for every channel, or one pair for all",
            )
        pairs = np.array([bounds[k] for k in keys], dtype=float)
    else:
        pairs = np.tile(np.asarray(bounds, dtype=float), (len(curves), 1))
    if pairs.shape[1:] != (2,) or (pairs < 0).any() or (pairs[:, 0] > pairs[:, 1]).any():
        raise InputError(
            f"bounds {bounds!r} are not (low, high) multiples with 0 <= low <= high",
            column="bounds",
            fix="e.g. bounds=(0.7, 1.5)",
        )
    current = curves["current_spend"].to_numpy(float) * days
    if not np.isfinite(current).all() or (current < 0).any():
        raise InputError(
            "current_spend must be a number >= 0 for every channel", column="current_spend"
        )
    ok = curves["fit_ok"].to_numpy(bool) & np.isfinite(curves["a"].to_numpy(float))
    lower, upper = current * pairs[:, 0], current * pairs[:, 1]
    lower[~ok], upper[~ok] = current[~ok], current[~ok]  # a bad fit keeps its spend
    total = float(current.sum()) if total_budget is None else float(total_budget)
    if not (lower.sum() - 1e-6 <= total <= upper.sum() + 1e-6):
        raise InputError(
            f"total_budget {total:,.2f} is outside what the bounds allow "
            f"({lower.sum():,.2f} .. {upper.sum():,.2f})",
            column="total_budget",
            fix="widen the bounds or choose a total inside that range",
        )
    fits = [LogCurve(float(a), float(b)) for a, b in zip(curves["a"], curves["b"], strict=True)]
    suggested = current.copy()
    free = np.flatnonzero(ok)
    lam = np.nan
    if len(free):
        # optimise per day so the curves (fitted on daily data) apply as they are
        x, lam = _equalise(
            [fits[i] for i in free],
            lower[free] / days,
            upper[free] / days,
            (total - current[~ok].sum()) / days,
        )
        suggested[free] = x * days
    per_day_cur, per_day_sug = current / days, suggested / days
    value = np.array(
        [f.value(c) if o else np.nan for f, c, o in zip(fits, per_day_cur, ok, strict=True)]
    )
    value_s = np.array(
        [f.value(s) if o else np.nan for f, s, o in zip(fits, per_day_sug, ok, strict=True)]
    )
    tol = 1e-6 * np.maximum(current, 1.0)
    reason = np.select(
        [
            ~ok,
            np.abs(suggested - current) <= tol,
            suggested >= upper - tol,
            suggested <= lower + tol,
            suggested > current,
        ],
        ["kept_poor_fit", "unchanged", "raised_to_cap", "cut_to_floor", "raised_to_equal_margin"],
        default="cut_to_equal_margin",
    )
    out = curves[by].copy().reset_index(drop=True)
    out["current_spend"] = current
    out["suggested_spend"] = suggested
    out["change"] = suggested - current
    out["change_share"] = _ratio(pd.Series(suggested - current), pd.Series(current))
    out["lower"], out["upper"] = lower, upper
    out["current_share"] = current / current.sum() if current.sum() else np.nan
    out["suggested_share"] = suggested / suggested.sum() if suggested.sum() else np.nan
    out["marginal_roas_current"] = [
        float(f.marginal(c)) if o else np.nan for f, c, o in zip(fits, per_day_cur, ok, strict=True)
    ]
    out["marginal_roas_suggested"] = [
        float(f.marginal(s)) if o else np.nan for f, s, o in zip(fits, per_day_sug, ok, strict=True)
    ]
    out["expected_revenue_change"] = np.where(ok, (value_s - value) * days, 0.0)
    out["fit_ok"] = ok
    out["fit_note"] = curves["fit_note"].to_numpy() if "fit_note" in curves else ""
    out["reason"] = reason
    out.attrs.update(
        total_budget=total,
        days=days,
        bounds=bounds,
        common_marginal_roas=lam,
        expected_revenue_change=float(out["expected_revenue_change"].sum()),
        method="maximise sum a*ln(1+x/b) at a fixed total: equal marginal returns a/(b+x) "
        "under bounds (bisection on the Lagrange multiplier); poor fits keep their spend",
        curves=curves.attrs.get("method", ""),
        window=curves.attrs.get("window"),
    )
    return out


# ---------------------------------------------------------------------------------------------
# The month's channel table (for the monthly review)


@memoized
def channel_review(
    data: Mapping[str, pd.DataFrame], month: str, region: str = "all", **curve_options: object
) -> pd.DataFrame:
    """The month's channel table: performance, response curve and marginal returns per channel.

    One line for a report: :func:`channel_performance` of the month's rows (of ``region``, or
    all regions), joined to :func:`response_curves` fitted on the days up to the month's end
    (a, b, marginal_roas, fit_ok, fit_note, current_spend per day, ...) and to
    :func:`marginal_roas` against the previous month (``marginal_roas_vs_previous_month`` and
    its ``flag``). The result is also a curves table: pass it to :func:`budget_reallocation`
    and :func:`mktkit.plot_response_curves`.

    Examples
    --------
    >>> import mktkit as mk
    >>> ch = mk.channel_review(mk.load_sample(), "2026-10")                 # doctest: +SKIP
    >>> ch.set_index("channel").loc["display", "flag"]                     # doctest: +SKIP
    'negative_return'
    """
    start = check_month(month)
    end = start + pd.offsets.MonthEnd(0)
    cd = select_region(data["channel_daily"], region, table="channel_daily")
    in_month = cd[cd["date"].between(start, end)]
    if in_month.empty:
        raise InputError(
            f"no channel rows in {month}",
            table="channel_daily",
            fix="choose a month that the data cover",
        )
    perf = channel_performance(in_month, by="channel")
    curves = response_curves(cd, by="channel", end=min(end, cd["date"].max()), **curve_options)
    previous = (start - pd.DateOffset(months=1)).strftime("%Y-%m")
    out = perf.merge(curves, on="channel", how="left")
    if (cd["date"] < start).any():
        m = marginal_roas(cd, by="channel", before=previous, after=month)
        out = out.merge(
            m[["channel", "marginal_roas", "flag"]].rename(
                columns={"marginal_roas": "marginal_roas_vs_previous_month"}
            ),
            on="channel",
            how="left",
        )
    out.attrs.update(
        curves.attrs,
        month=month,
        region=region,
        roi_return=perf.attrs["roi_return"],
        cac_scope=perf.attrs["cac_scope"],
        directions=perf.attrs["directions"],
    )
    return out


__all__ = [
    "METRIC_DIRECTIONS",
    "RATIOS",
    "VOLUMES",
    "LogCurve",
    "budget_reallocation",
    "channel_performance",
    "channel_review",
    "check_channel_table",
    "marginal_roas",
    "response_curves",
]
