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


#: Carry-over is searched between 0 (none) and this share of a day's effect kept the next day.
CARRYOVER_MAX = 0.9
#: Saturation ``b`` is searched between these multiples of the median daily spend (low) and of
#: the largest daily spend (high); at the high end the curve is a straight line.
_B_RANGE = (1e-2, 100.0)


def adstock(spend: Sequence[float] | np.ndarray, carryover: float) -> np.ndarray:
    """Geometric adstock scaled to the spend: ``s_t = (1 - c) * x_t + c * s_(t-1)``.

    A yuan spent today keeps working on later days with weight ``c``, ``c**2``, ...; the
    factor ``(1 - c)`` makes the weights add up to 1, so a constant spend has an adstock equal
    to itself and the saturation curve reads in money per day whatever the carry-over. The
    series starts in steady state at its first value.

    Examples
    --------
    >>> adstock([100.0, 0.0, 0.0, 100.0], 0.5).tolist()
    [100.0, 50.0, 25.0, 62.5]
    """
    from scipy.signal import lfilter

    x = np.asarray(spend, dtype=float)
    if x.size == 0:
        return x
    c = float(carryover)
    return lfilter([1.0 - c], [1.0, -c], x, zi=[c * x[0]])[0]


def _adstock_many(u: np.ndarray, carry: np.ndarray) -> np.ndarray:
    """:func:`adstock` of one series ``u`` (n) for an array of carry-overs: shape + (n,)."""
    c = np.asarray(carry, dtype=float)
    out = np.empty((*c.shape, u.size))
    prev = np.full(c.shape, u[0])
    for t, v in enumerate(u):  # n steps, each vectorised over every carry-over at once
        prev = (1.0 - c) * v + c * prev
        out[..., t] = prev
    return out


def _profile(y: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares ``a >= 0`` of ``y ~ a * g`` in closed form, and the sum of squared
    residuals; ``y`` and ``g`` broadcast, days on the last axis."""
    gy, gg = (y * g).sum(-1), (g * g).sum(-1)
    a = np.maximum(gy / np.where(gg > 0, gg, 1.0), 0.0)
    return a, (y * y).sum(-1) - 2 * a * gy + a * a * gg


def _fit_grid(u: np.ndarray, Y: np.ndarray, hi: float) -> tuple[np.ndarray, ...]:
    """Least squares of each row of ``Y`` (B x n: the last n days; the data, or bootstrap
    series) on ``a * ln(1 + adstock(u, c) / beta)``, ``a >= 0``, by search: ``a`` in closed
    form for each (c, beta), a 19 x 49 grid over c in [0, CARRYOVER_MAX] and log beta in
    [_B_RANGE[0], hi], then four zooms of 5 x 5 points around each row's best (each 2x finer).

    A grid and not a local optimiser: every bootstrap row is fitted at once (one matrix
    product, then small per-row arrays), the same way for all rows, and no start can trap it
    in a local minimum of the flat likelihood that barely-varied spend gives.
    """
    B, n = Y.shape
    cs = np.linspace(0.0, CARRYOVER_MAX, 19)
    lb = np.linspace(np.log(_B_RANGE[0]), np.log(hi), 49)
    A = _adstock_many(u, cs)[:, -n:]  # (19, n)
    G = np.log1p(A[:, :, None] / np.exp(lb)[None, None, :]).transpose(1, 0, 2).reshape(n, -1)
    gy, gg = Y @ G, (G * G).sum(0)
    a = np.maximum(gy / np.where(gg > 0, gg, 1.0), 0.0)
    sse = (Y * Y).sum(1)[:, None] - 2 * a * gy + a * a * gg
    i, j = np.divmod(sse.argmin(1), lb.size)
    c, lbeta = cs[i], lb[j]
    dc, dl = cs[1] - cs[0], lb[1] - lb[0]
    rows = np.arange(B)
    steps = np.linspace(-1.0, 1.0, 5)
    for _ in range(4):
        cc = np.clip(c[:, None] + dc * steps, 0.0, CARRYOVER_MAX)  # (B, 5)
        ll = np.clip(lbeta[:, None] + dl * steps, lb[0], lb[-1])  # (B, 5)
        A = _adstock_many(u, cc)[..., -n:]  # (B, 5, n)
        g = np.log1p(A[:, :, None, :] / np.exp(ll)[:, None, :, None])  # (B, 5, 5, n)
        a, sse = _profile(Y[:, None, None, :], g)
        i, j = np.divmod(sse.reshape(B, -1).argmin(1), 5)
        c, lbeta, a, sse = cc[rows, i], ll[rows, j], a[rows, i, j], sse[rows, i, j]
        dc, dl = dc / 2, dl / 2
    return a, c, np.exp(lbeta), sse


def _polish(
    u: np.ndarray, y: np.ndarray, a: float, c: float, beta: float, hi: float
) -> tuple[float, float, float]:
    """The grid's optimum refined by ``scipy.optimize.least_squares`` (the point estimate only;
    bootstrap rows keep the grid's 1.2 % resolution, far inside their intervals)."""
    from scipy.optimize import least_squares

    n = y.size

    def resid(p: np.ndarray) -> np.ndarray:
        return p[0] * np.log1p(adstock(u, p[1])[-n:] / np.exp(p[2])) - y

    lo = np.array([0.0, 0.0, np.log(_B_RANGE[0])])
    up = np.array([np.inf, CARRYOVER_MAX, np.log(hi)])
    start = np.clip([a, c, np.log(beta)], lo, up)
    try:
        res = least_squares(resid, start, bounds=(lo, up), x_scale="jac", method="trf")
    except (ValueError, np.linalg.LinAlgError):
        return a, c, beta
    if not (res.success and res.cost <= 0.5 * float(resid(start) @ resid(start))):
        return a, c, beta
    return float(res.x[0]), float(res.x[1]), float(np.exp(res.x[2]))


def _block_indices(n: int, n_boot: int, block: int, seed: int) -> np.ndarray:
    """Moving-block bootstrap (Kunsch 1989): ``n_boot`` rows of day positions, each made of
    blocks of ``block`` consecutive days starting at random, cut to ``n``."""
    rng = np.random.default_rng(seed)
    block = max(1, min(block, n))
    k = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, k))
    return (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]


def _fit_channel(
    x_all: np.ndarray, y: np.ndarray, *, n_boot: int, block: int, seed: int
) -> dict[str, Any]:
    """Point fit and moving-block residual bootstrap of one channel (docs/methods.md).

    ``x_all`` is the spend of the warm-up days followed by the ``len(y)`` fitted days, so the
    adstock of the first fitted day already carries the spend before it.
    """
    n = y.size
    pos = x_all[x_all > 0]
    scale = float(np.median(pos)) if pos.size else 1.0
    u = x_all / scale
    hi = _B_RANGE[1] * max(float(u[-n:].max()), 1.0)
    a, c, beta, _ = _fit_grid(u, y[None, :], hi)
    a, c, beta = _polish(u, y, float(a[0]), float(c[0]), float(beta[0]), hi)
    fitted = a * np.log1p(_adstock_many(u, np.array(c))[-n:] / beta)
    resid = y - fitted
    draws = np.full((0, 3), np.nan)
    if n_boot > 0:
        # the curve plus its residuals resampled in blocks of days (so runs of good and bad
        # days stay together), centred and scaled by sqrt(n / (n - 3)) because fitted
        # residuals are smaller than the noise; the spend (and its adstock) stays as it was
        idx = _block_indices(n, n_boot, block, seed)
        e = (resid - resid.mean()) * np.sqrt(n / max(n - 3, 1))
        ab, cb, bb, _ = _fit_grid(u, fitted[None, :] + e[idx], hi)
        draws = np.column_stack([ab, bb * scale, cb])
    lo_b, hi_b = _B_RANGE[0], hi
    shape = (
        "near_linear" if beta >= hi_b * 0.999 else "flat" if beta <= lo_b * 1.001 else "saturating"
    )
    return {"a": a, "b": beta * scale, "carryover": c, "shape": shape, "resid": resid,
            "draws": draws}  # fmt: skip


class _Draws(dict):
    """Bootstrap rows per group (``attrs["draws"]``): read-only arrays, shared, not copied.

    pandas deep-copies ``attrs`` on every operation; these arrays never change, so a copy
    is the same object (without this the budget section was 0.9 s slower)."""

    def __deepcopy__(self, memo: dict) -> _Draws:
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, dict)
            and self.keys() == other.keys()
            and all(np.array_equal(v, other[k], equal_nan=True) for k, v in self.items())
        )

    __hash__ = None  # type: ignore[assignment]


def _window(end: str | pd.Timestamp | None, last: pd.Timestamp) -> pd.Timestamp:
    if end is None:
        return last
    text = str(end)
    if len(text) == 7 and text[4] == "-":  # YYYY-MM: the month's last day
        return pd.Period(text, freq="M").end_time.normalize()
    return pd.Timestamp(end).normalize()


def _interval(values: np.ndarray, point: float, level: float) -> tuple[float, float]:
    """Bias-corrected percentile interval (Efron & Tibshirani 1993, ch. 14): the percentiles
    shift by how far the point estimate sits off the middle of the bootstrap draws, which
    corrects the pull of the curve's bounds and of its nonlinearity."""
    from scipy.stats import norm

    v = values[np.isfinite(values)]
    if v.size == 0 or not np.isfinite(point):
        return np.nan, np.nan
    below = (np.mean(v < point) + np.mean(v <= point)) / 2  # ties (a bound) count half
    z0 = float(norm.ppf(np.clip(below, 1 / (v.size + 1), v.size / (v.size + 1))))
    z = norm.ppf([(1 - level) / 2, (1 + level) / 2])
    q = np.quantile(v, norm.cdf(2 * z0 + z))
    return float(q[0]), float(q[1])


def response_curves(
    channel_daily: pd.DataFrame,
    by: str | Sequence[str] = "channel",
    *,
    window: int | None = 91,
    end: str | pd.Timestamp | None = None,
    current_days: int = 28,
    min_days: int = 28,
    min_spend_cv: float = 0.10,
    alpha: float = 0.05,
    min_r2: float = 0.02,
    max_marginal_width: float = 0.5,
    n_boot: int = 200,
    level: float = 0.9,
    block_days: int = 7,
    warmup_days: int = 28,
    seed: int = 0,
) -> pd.DataFrame:
    """Fit ``revenue = a * ln(1 + adstock(spend, c) / b)`` per channel, with bootstrap intervals.

    Each channel's days are added up over the other columns (regions) and the last ``window``
    days up to ``end`` are fitted by least squares. Spend works on later days too: the curve
    reads the geometric :func:`adstock` with carry-over ``c`` (0 to 0.9, fitted), started on
    the ``warmup_days`` before the window. At a steady spend ``x`` the adstock equals ``x``,
    so ``a * ln(1 + x / b)`` is the revenue per day a lasting budget of ``x`` a day brings,
    and ``a / (b + x)`` is the marginal ROAS of a lasting change (:class:`LogCurve`).

    Uncertainty: the fit is repeated on ``n_boot`` moving-block bootstrap series (residuals
    resampled in blocks of ``block_days`` consecutive days around the fitted curve, the same
    days for every channel, fixed ``seed``), giving ``level`` percentile intervals of ``a``,
    ``b``, ``carryover`` and the marginal ROAS at the current spend.

    A curve is trusted (``fit_ok``) only when every rule holds, else ``fit_note`` names the
    first that fails: at least ``min_days`` days ("too_few_days"); spend varied, coefficient of
    variation >= ``min_spend_cv`` ("spend_flat": a nearly flat budget cannot show where
    returns diminish); revenue rises with spend (one-sided slope test of a straight line,
    ``scipy.stats.linregress``, p < ``alpha``: "no_response"); R² >= ``min_r2`` ("low_r2");
    the marginal ROAS identified: its interval no wider than ``max_marginal_width`` times its
    value ("not_identified"). :func:`budget_reallocation` keeps untrusted channels' spend.

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
    n_boot : int
        Bootstrap series (0: no intervals, and the marginal ROAS is not checked).
    level : float
        Coverage of the intervals (default 90 %).

    Returns
    -------
    DataFrame
        [by...], a, b, carryover, shape (saturating, near_linear, flat), n_days, r2, rmse
        (day-to-day noise around the curve), slope_p_value, spend_cv, spend_min, spend_max,
        current_spend, current_revenue, average_roas (current revenue / spend),
        fitted_revenue (curve at current spend), marginal_roas (a / (b + current spend)),
        a_low, a_high, b_low, b_high, carryover_low, carryover_high, marginal_roas_low,
        marginal_roas_high, fit_ok, fit_note ("", "too_few_days", "spend_flat", "no_response",
        "low_r2", "not_identified"). Money is per day. ``attrs``: method, quality rule,
        window, unit, level, n_boot and ``draws`` (per group: bootstrap (a, b, carryover)
        rows, for :func:`budget_reallocation` and the plot's band).

    Examples
    --------
    >>> days = pd.date_range("2026-08-01", periods=60)
    >>> spend = 1000 + 400 * np.sin(np.arange(60))
    >>> cd = pd.DataFrame({"date": days, "channel": "search", "spend": spend,
    ...                    "impressions": 10_000, "clicks": 100, "orders": 10,
    ...                    "revenue": 3000 * np.log1p(adstock(spend, 0.3) / 800)})
    >>> c = response_curves(cd, n_boot=20)
    >>> c[["a", "b", "carryover"]].round(2).to_numpy().tolist(), bool(c["fit_ok"].iloc[0])
    ([[3000.0, 800.0, 0.3]], True)
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
    if not 0 < level < 1 or n_boot < 0:
        raise InputError(f"level={level} must be in (0, 1) and n_boot >= 0", column="level")
    last = _window(end, df["date"].max())
    first = df["date"].min() if window is None else last - pd.Timedelta(days=window - 1)
    warm = first - pd.Timedelta(days=max(warmup_days, 0))
    df = df[df["date"].between(warm, last)]
    if not df["date"].between(first, last).any():
        raise InputError(
            f"no rows between {first.date()} and {last.date()}",
            table="channel_daily",
            fix="choose an end date and window that the data cover",
        )
    daily = df.groupby([*by, "date"], sort=True)[["spend", "revenue"]].sum().reset_index()
    rows, draws = [], _Draws()
    for key, whole in daily.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        part = whole[whole["date"] >= first]
        x, y = part["spend"].to_numpy(float), part["revenue"].to_numpy(float)
        recent = part[part["date"] > last - pd.Timedelta(days=current_days)]
        cur_x, cur_y = recent["spend"].mean(), recent["revenue"].mean()
        row = dict(zip(by, key, strict=True))
        row.update(
            n_days=len(x),
            spend_cv=float(x.std() / x.mean()) if len(x) and x.mean() > 0 else np.nan,
            spend_min=float(x.min()) if len(x) else np.nan,
            spend_max=float(x.max()) if len(x) else np.nan,
            current_spend=float(cur_x),
            current_revenue=float(cur_y),
            average_roas=float(cur_y / cur_x) if cur_x > 0 else np.nan,
            rmse=float(y.std()) if len(y) else np.nan,  # no curve: the noise is all of it
        )
        fit = None
        if len(x) >= 3 and x.std() > 0:  # a constant spend has no curve to fit
            fit = _fit_channel(
                whole["spend"].to_numpy(float), y, n_boot=n_boot, block=block_days, seed=seed
            )
        a = b = c = r2 = p = np.nan
        shape = ""
        m_lo = m_hi = np.nan
        bounds: dict[str, float] = {}
        if fit is not None:
            a, b, c, shape = fit["a"], fit["b"], fit["carryover"], fit["shape"]
            resid = fit["resid"]
            sst = float(((y - y.mean()) ** 2).sum())
            r2 = 1 - float(resid @ resid) / sst if sst > 0 else np.nan
            row["rmse"] = float(np.sqrt(np.mean(resid**2)))
            p = float(linregress(x, y, alternative="greater").pvalue)
            d = fit["draws"]
            d.setflags(write=False)
            draws[" / ".join(map(str, key))] = d
            for name, col, point in (("a", 0, a), ("b", 1, b), ("carryover", 2, c)):
                lo_hi = _interval(d[:, col], point, level)
                bounds[f"{name}_low"], bounds[f"{name}_high"] = lo_hi
        m = a / (b + cur_x) if fit is not None else np.nan
        if fit is not None:
            m_lo, m_hi = _interval(d[:, 0] / (d[:, 1] + cur_x), m, level)
        if len(x) < min_days:
            note = "too_few_days"
        elif not row["spend_cv"] >= min_spend_cv:
            note = "spend_flat"
        elif not p < alpha:
            note = "no_response"
        elif not r2 >= min_r2:
            note = "low_r2"
        elif n_boot > 0 and not (m_hi - m_lo) <= max_marginal_width * m:
            note = "not_identified"
        else:
            note = ""
        row.update(
            a=a,
            b=b,
            carryover=c,
            shape=shape,
            r2=r2,
            slope_p_value=p,
            fitted_revenue=float(LogCurve(a, b).value(cur_x)) if fit is not None else np.nan,
            marginal_roas=float(m),
            marginal_roas_low=m_lo,
            marginal_roas_high=m_hi,
            fit_ok=note == "",
            fit_note=note,
        )
        for name in ("a", "b", "carryover"):
            row[f"{name}_low"] = bounds.get(f"{name}_low", np.nan)
            row[f"{name}_high"] = bounds.get(f"{name}_high", np.nan)
        rows.append(row)
    out = pd.DataFrame(rows)[[*by, *_CURVE_COLUMNS]]
    out.attrs.update(
        kind="response_curves",
        by=by,
        method="revenue = a * ln(1 + adstock(spend, c) / b), geometric adstock scaled to "
        "the spend; least squares by grid search (a in closed form), daily totals",
        quality=f"fit_ok: n_days >= {min_days}, spend_cv >= {min_spend_cv}, linregress slope "
        f"p < {alpha} (one-sided), r2 >= {min_r2}, {level:.0%} interval of the marginal ROAS "
        f"no wider than {max_marginal_width} x its value",
        window=(str(first.date()), str(last.date())),
        current_days=current_days,
        unit="per day, in the data's currency",
        level=level,
        n_boot=n_boot,
        bootstrap=f"moving-block residual bootstrap, blocks of {block_days} days, seed {seed}",
        draws=draws,
    )
    return out


_CURVE_COLUMNS = (
    "a",
    "b",
    "carryover",
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
    "a_low",
    "a_high",
    "b_low",
    "b_high",
    "carryover_low",
    "carryover_high",
    "marginal_roas_low",
    "marginal_roas_high",
    "fit_ok",
    "fit_note",
)


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

#: fit notes that mean "the data cannot show the curve" (not "the curve is wrong"): a test helps
_UNIDENTIFIED = ("spend_flat", "too_few_days", "not_identified")
#: evidence carried from the curves to each row of :func:`budget_reallocation`
_EVIDENCE = (
    "n_days",
    "r2",
    "spend_cv",
    "carryover",
    "marginal_roas_low",
    "marginal_roas_high",
)


def _draw_gains(
    curves: pd.DataFrame,
    keys: pd.Series,
    ok: np.ndarray,
    cur: np.ndarray,
    sug: np.ndarray,
) -> np.ndarray:
    """Revenue change per day of moving from ``cur`` to ``sug`` on every bootstrap draw of each
    trusted curve (draws x channels; 0 for untrusted channels). Draw ``k`` of every channel
    comes from the same resampled days, so the channels' errors stay as correlated as the
    days made them. Empty when the curves carry no draws."""
    draws = curves.attrs.get("draws") or {}
    if not draws or not all(k in draws for k, o in zip(keys, ok, strict=True) if o):
        return np.zeros((0, len(keys)))
    n = min(len(draws[k]) for k, o in zip(keys, ok, strict=True) if o) if ok.any() else 0
    out = np.zeros((n, len(keys)))
    for i, (k, o) in enumerate(zip(keys, ok, strict=True)):
        if o:
            d = np.asarray(draws[k], dtype=float)[:n]
            out[:, i] = d[:, 0] * (np.log1p(sug[i] / d[:, 1]) - np.log1p(cur[i] / d[:, 1]))
    return out


def spend_test_plan(
    curves: pd.DataFrame,
    channels: Sequence[str] | None = None,
    *,
    change: float = 0.25,
    alpha: float = 0.05,
    power: float = 0.8,
    block_days: int = 7,
) -> pd.DataFrame:
    """A spend test for channels whose response the data cannot show: how much, how long.

    Design (docs/methods.md, "Channels and budget", spend tests): alternate blocks of ``block_days`` days at
    ``1 + change`` and ``1 - change`` times the current spend (whole weeks, so weekdays
    balance), leaving out the first days of each block while the carry-over of the previous
    block fades (below 10 % of it: ``ln 0.1 / ln c`` days). The difference to see between the
    two arms is what the planning marginal ROAS ``m`` predicts, ``delta = m * 2 * change *
    x`` per day (``m``: the curve's marginal ROAS when fitted, else the average ROAS, i.e.
    no diminishing returns; a smaller true ``m`` needs ``1 / m**2`` times more days); the
    noise is the day-to-day standard deviation ``rmse`` of revenue around the curve. Days per
    arm: ``n = 2 * (z(1 - alpha/2) + z(power))**2 * rmse**2 / delta**2`` (the two-sample
    normal approximation, as ``statsmodels.stats.power.NormalIndPower`` without its
    negligible far tail), then whole blocks.

    Parameters
    ----------
    curves : DataFrame
        :func:`response_curves` (or :func:`channel_review`): per day.
    channels : list of str, optional
        Channels to plan for; default every channel with spend whose curve is not trusted
        because the data cannot show it (fit_note "spend_flat", "too_few_days",
        "not_identified"), largest spend first.
    change : float
        Share of the current spend up and down (0.25: +25 % and -25 %).

    Returns
    -------
    DataFrame
        channel, reason (the fit note), current_spend, spend_high, spend_low, planning_roas,
        planning_basis ("marginal_roas" or "average_roas"), expected_difference (revenue per
        day between the arms), noise_sd, days_per_arm (counted days), washout_days (per
        block, not counted), block_days, test_days (calendar days), alpha, power.
        ``attrs``: method, formula.

    Examples
    --------
    >>> c = pd.DataFrame({"channel": ["search"], "a": [np.nan], "b": [np.nan],
    ...     "carryover": [np.nan], "current_spend": [1000.0], "average_roas": [3.0],
    ...     "marginal_roas": [np.nan], "rmse": [900.0], "fit_ok": [False],
    ...     "fit_note": ["spend_flat"]})
    >>> p = spend_test_plan(c)
    >>> p[["expected_difference", "days_per_arm", "test_days"]].to_numpy().tolist()
    [[1500.0, 7, 14]]
    """
    from scipy.stats import norm

    if not 0 < change < 1 or not 0 < alpha < 1 or not 0 < power < 1 or block_days < 1:
        raise InputError(
            "change, alpha and power must be in (0, 1) and block_days >= 1", column="change"
        )
    key = "channel" if "channel" in curves else curves.attrs.get("by", ["channel"])[0]
    c = curves.reset_index(drop=True)
    if channels is None:
        pick = ~c["fit_ok"].astype(bool) & c["fit_note"].isin(_UNIDENTIFIED)
        pick &= c["current_spend"] > 0
        c = c[pick]
    else:
        c = c[c[key].isin(list(channels))]
    c = c.sort_values(["current_spend", key], ascending=[False, True], kind="stable")
    rows = []
    for r in c.to_dict("records"):
        x = float(r["current_spend"])
        m = float(r.get("marginal_roas", np.nan))
        basis = "marginal_roas" if np.isfinite(m) and m > 0 else "average_roas"
        m = m if basis == "marginal_roas" else float(r.get("average_roas", np.nan))
        delta = m * 2 * change * x
        sd = float(r.get("rmse", np.nan))
        carry = float(r.get("carryover", np.nan))
        wash = int(np.ceil(np.log(0.1) / np.log(carry))) if 0 < carry < 1 else 0
        blk = block_days * max(1, -(-(wash + 1) // block_days))  # room for the washout
        z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
        if delta > 0 and sd > 0:
            per_arm = int(np.ceil(2 * (z * sd / delta) ** 2 - 1e-9))
        else:
            per_arm = 0 if sd == 0 else -1  # nothing to see (no return): no test can plan
        blocks = -(-per_arm // (blk - wash)) if per_arm > 0 else 0
        rows.append(
            {
                "channel": r[key],
                "reason": r.get("fit_note", ""),
                "current_spend": x,
                "spend_high": x * (1 + change),
                "spend_low": x * (1 - change),
                "planning_roas": m,
                "planning_basis": basis,
                "expected_difference": delta,
                "noise_sd": sd,
                "days_per_arm": blocks * (blk - wash) if per_arm >= 0 else np.nan,
                "washout_days": wash,
                "block_days": blk,
                "test_days": 2 * blocks * blk if per_arm >= 0 else np.nan,
                "alpha": alpha,
                "power": power,
            }
        )
    cols = ["channel", "reason", "current_spend", "spend_high", "spend_low", "planning_roas",
            "planning_basis", "expected_difference", "noise_sd", "days_per_arm",
            "washout_days", "block_days", "test_days", "alpha", "power"]  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    for col in ("days_per_arm", "test_days"):
        out[col] = out[col].astype("Int64")
    out.attrs.update(
        method=f"alternate blocks of {block_days}+ days at +/-{change:.0%} of current spend; "
        "compare revenue per day between the arms (two-sample z test)",
        formula="n per arm = 2 (z(1-alpha/2) + z(power))^2 sd^2 / delta^2, "
        "delta = planning ROAS x 2 x change x spend",
        change=change,
    )
    return out


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
    notes = curves["fit_note"].astype(str).to_numpy() if "fit_note" in curves else np.array([""])
    unseen = np.isin(np.broadcast_to(notes, ok.shape), _UNIDENTIFIED)
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
    # the gain of the whole move on every bootstrap draw of the curves: its interval decides
    gains = _draw_gains(curves, keys, ok, per_day_cur, per_day_sug) * days
    level = float(curves.attrs.get("level", 0.9))
    total_gain = float(np.nansum(np.where(ok, (value_s - value) * days, 0.0)))
    g_lo, g_hi = _interval(gains.sum(1), total_gain, level) if gains.size else (np.nan, np.nan)
    moves = bool((np.abs(suggested - current) > tol).any())
    uncertain = moves and gains.size > 0 and not g_lo > 0
    proposed = suggested.copy()
    if uncertain:  # the data cannot tell the move from no move: nothing moves
        suggested = current.copy()
        per_day_sug = current / days
        value_s = value.copy()
    reason = np.select(
        [
            ~ok & unseen,
            ~ok,
            np.full(ok.shape, uncertain) & ok,
            np.abs(suggested - current) <= tol,
            suggested >= upper - tol,
            suggested <= lower + tol,
            suggested > current,
        ],
        [
            "kept_not_identified",
            "kept_poor_fit",
            "kept_gain_uncertain",
            "unchanged",
            "raised_to_cap",
            "cut_to_floor",
            "raised_to_equal_margin",
        ],
        default="cut_to_equal_margin",
    )
    out = curves[by].copy().reset_index(drop=True)
    out["current_spend"] = current
    out["suggested_spend"] = suggested
    out["proposed_spend"] = proposed
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
    lo_hi = [
        (np.nan, np.nan)  # hand-made curves without draws: no interval
        if not gains.size
        else _interval(gains[:, i], float(out["expected_revenue_change"].iloc[i]), level)
        if ok[i] and not uncertain
        else (0.0, 0.0)  # kept: no change, nothing uncertain
        for i in range(len(out))
    ]
    out["expected_revenue_change_low"] = [v[0] for v in lo_hi]
    out["expected_revenue_change_high"] = [v[1] for v in lo_hi]
    for col in _EVIDENCE:
        out[col] = curves[col].to_numpy() if col in curves else np.nan
    out["fit_ok"] = ok
    out["fit_note"] = curves["fit_note"].to_numpy() if "fit_note" in curves else ""
    out["reason"] = reason
    out.attrs.update(
        total_budget=total,
        days=days,
        bounds=bounds,
        common_marginal_roas=lam,
        expected_revenue_change=float(out["expected_revenue_change"].sum()),
        expected_revenue_change_low=0.0 if uncertain else g_lo,
        expected_revenue_change_high=0.0 if uncertain else g_hi,
        proposed_revenue_change=total_gain,
        proposed_revenue_change_low=g_lo,
        proposed_revenue_change_high=g_hi,
        level=level,
        moved=moves and not uncertain,
        gain_uncertain=uncertain,
        method="maximise sum a*ln(1+x/b) at a fixed total: equal marginal returns a/(b+x) "
        "under bounds (bisection on the Lagrange multiplier); untrusted curves keep their "
        "spend; no move when the interval of its gain over the bootstrap draws reaches 0",
        curves=curves.attrs.get("method", ""),
        window=curves.attrs.get("window"),
        spend_test=spend_test_plan(curves).to_dict("records")
        if not (moves and not uncertain) and _is_curves(curves)
        else [],
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
    "CARRYOVER_MAX",
    "METRIC_DIRECTIONS",
    "RATIOS",
    "VOLUMES",
    "LogCurve",
    "adstock",
    "budget_reallocation",
    "channel_performance",
    "channel_review",
    "check_channel_table",
    "marginal_roas",
    "response_curves",
    "spend_test_plan",
]
