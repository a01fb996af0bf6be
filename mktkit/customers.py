"""Customers: RFM scores and segments, value layers, cohorts, repurchase, dormancy, win-back.

Conventions (docs/methods.md, "Customers"):

- RFM at a snapshot date ``as_of``: recency = days from the last order to ``as_of``, frequency =
  orders, monetary = total amount; only orders on or before ``as_of`` count. Each is scored 1-5 by
  quintiles of the customers, 5 best (most recent, most orders, most money), with dplyr's
  ``ntile`` rule ``floor(5 (rank - 1) / n) + 1``. Ties: ``ties="min"`` (default) gives equal
  values the same score (the rank of the first of them), ``ties="first"`` breaks ties by customer
  id; either way the scores do not depend on row order.
- Segments come from a rule table (score ranges per segment, first match wins, no match is
  ``"Others"``); the default :data:`RFM_SEGMENTS` is the table documented in the R package
  ``rfm`` (rsquaredacademy/rfm, ``R/rfm-segment.R``, ``rfm_segment_summary`` example).
- Cohort retention: cohort = period of the first order; cell (c, k) = active customers of cohort
  c in period c + k over the cohort size (revenue: revenue in c + k over the cohort's revenue in
  its first period); k = 0 is 1.0; periods after the data end are NaN.
- Repurchase rate = customers with 2+ orders / customers with 1+ orders, in a stated window.
  Dormant = at least ``min_orders`` orders and none in the ``days`` days up to ``as_of``
  (days since the last order >= ``days``). Reactivation rate = dormant customers at the campaign
  start who order within the window / dormant customers.

Engines: each of :func:`rfm`, :func:`cohort_retention` and :func:`repurchase_rate` is a
reduction to a small table (per customer; per cohort and period; per segment) written once as
SQL text (:func:`per_customer_sql`, :func:`cohort_sql`, :func:`repurchase_sql`), run by DuckDB
on a pandas table and by Spark SQL on a Spark DataFrame (:mod:`mktkit.engines.spark`), followed by the
same pandas finish. Money is summed exactly as ``DECIMAL(38, 9)`` (amounts are read to 9
decimal places), so totals never depend on the order of the rows or on the engine.

Examples
--------
>>> import pandas as pd
>>> orders = pd.DataFrame({"customer_id": ["a", "a", "b"],
...                        "order_date": ["2026-01-01", "2026-03-01", "2026-02-01"],
...                        "amount": [100.0, 50.0, 80.0]})
>>> rfm(orders, as_of="2026-03-31")[["customer_id", "recency_days", "frequency", "monetary"]]
  customer_id  recency_days  frequency  monetary
0           a            30          2     150.0
1           b            58          1      80.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.data.memo import memoized
from mktkit.engines import spark as on_spark
from mktkit.engines.duckdb import exact_floats, money_sql, run_sql
from mktkit.engines.spark_tables import order_view
from mktkit.errors import (
    InputError,
    check_argument,
    date_column,
    numeric_column,
    require_columns,
)
from mktkit.formats import fmt_number

__all__ = [
    "RFM_SEGMENTS",
    "cohort_retention",
    "customer_layers",
    "dormant_customers",
    "reactivation",
    "repurchase_rate",
    "rfm",
    "rfm_summary",
]

#: Segment rules of the R package rfm (score ranges, inclusive; first match wins).
RFM_SEGMENTS = pd.DataFrame(
    {
        "segment": [
            "Champions",
            "Potential Loyalist",
            "Loyal Customers",
            "Promising",
            "New Customers",
            "Can't Lose Them",
            "At Risk",
            "Need Attention",
            "About To Sleep",
            "Lost",
        ],
        "recency_low": [5, 3, 2, 3, 4, 1, 1, 1, 2, 1],
        "recency_high": [5, 5, 4, 4, 5, 2, 2, 3, 3, 1],
        "frequency_low": [5, 3, 2, 1, 1, 3, 2, 3, 1, 1],
        "frequency_high": [5, 5, 4, 3, 3, 4, 5, 5, 3, 5],
        "monetary_low": [5, 2, 2, 3, 1, 4, 4, 3, 1, 1],
        "monetary_high": [5, 5, 4, 5, 5, 5, 5, 5, 4, 5],
    }
)

_RULE_COLUMNS = [f"{m}_{b}" for m in ("recency", "frequency", "monetary") for b in ("low", "high")]

# ---------------------------------------------------------------------------------------------
# input


def _orders(
    orders: pd.DataFrame,
    customer: str,
    date: str,
    amount: str | None,
    *,
    table: str = "orders",
    customers: pd.DataFrame | None = None,
    signup: str = "signup_date",
) -> pd.DataFrame:
    """Columns ``cust``, ``date``, ``amount`` (positional index), every row checked.

    With ``customers``, also refuses orders of unknown customers and orders before sign-up.
    """
    if not isinstance(orders, pd.DataFrame):
        raise InputError(
            f"expected a pandas DataFrame, got {type(orders).__name__}",
            table=table,
            fix="pass the orders table, e.g. mk.load_sample()['orders']",
        )
    require_columns(orders, [customer, date] + ([amount] if amount else []), table=table)
    raw_id = orders[customer].reset_index(drop=True)
    empty = raw_id.isna() | (raw_id.astype(str).str.strip() == "")
    if empty.any():
        rows = (np.flatnonzero(empty.to_numpy()) + 1).tolist()
        raise InputError(
            "is empty", table=table, column=customer, rows=rows, fix="every order needs a buyer"
        )
    out = pd.DataFrame(
        {
            "cust": raw_id.astype(str),
            "date": date_column(orders, date, table=table).dt.normalize(),
        }
    )
    if amount:
        out["amount"] = numeric_column(
            orders,
            amount,
            table=table,
            allow_empty=False,
            allow_negative=False,
            negative_fix="amount can never be negative: record refunds in a separate table",
        )
    if customers is not None:
        _check_signup(out, customers, customer, signup, table)
    return out


def _check_signup(
    out: pd.DataFrame, customers: pd.DataFrame, customer: str, signup: str, table: str
) -> None:
    require_columns(customers, [customer, signup], table="customers")
    when = date_column(customers, signup, table="customers").dt.normalize()
    signed = pd.Series(when.to_numpy(), index=customers[customer].astype(str).to_numpy())
    signed = signed[~signed.index.duplicated()]
    known = out["cust"].isin(signed.index)
    if not known.all():
        bad = np.flatnonzero(~known.to_numpy())
        raise InputError(
            "orders of customers missing from the customers table",
            table=table,
            column=customer,
            rows=dict(zip((bad + 1).tolist(), out["cust"].iloc[bad].tolist(), strict=True)),
            fix="add the customers (with their sign-up date) or correct the ids",
        )
    early = out["date"].to_numpy() < signed.reindex(out["cust"]).to_numpy()
    if early.any():
        bad = np.flatnonzero(early)
        raise InputError(
            "order placed before the customer signed up",
            table=table,
            column="order_date",
            rows={
                int(i) + 1: {
                    customer: out["cust"].iat[i],
                    "order_date": str(out["date"].iat[i].date()),
                    signup: str(pd.Timestamp(signed[out["cust"].iat[i]]).date()),
                }
                for i in bad
            },
            fix="correct the order date or the sign-up date (a customer signs up on or before "
            "the first order)",
        )


def _as_of(value: Any, dates: pd.Series | pd.Timestamp | None) -> pd.Timestamp:
    """``value`` as a day; default the last order date (``dates``: the dates or their max)."""
    if value is None:
        last = dates.max() if isinstance(dates, pd.Series) else dates
        if last is None or pd.isna(last):
            raise InputError("the orders table is empty", table="orders", fix="pass some orders")
        return last
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise InputError(
            f"as_of={value!r} is not a date", column="as_of", fix="write it as YYYY-MM-DD"
        ) from None


# ---------------------------------------------------------------------------------------------
# the reductions: one SQL text each, for DuckDB (pandas input) and Spark SQL
#
# The table ``{orders}`` has: cust (text), day (days since 1970-01-01), d (the date), amount
# (when needed) and grp (the breakdown value, when needed). Only SQL that both engines read
# alike is used; ``{orders}`` is a DuckDB table name or a Spark DataFrame reference.


def per_customer_sql(as_of_day: int) -> str:
    """First and last order day, orders and exact money (as text) per customer up to a day."""
    return (
        "SELECT cust, min(day) AS first_day, max(day) AS last_day, count(*) AS frequency, "
        f"CAST(sum({money_sql('amount')}) AS STRING) AS monetary FROM {{orders}} "
        f"WHERE day <= {int(as_of_day)} GROUP BY cust"
    )


#: Period ordinals of pandas (``Period.ordinal``): months and quarters since 1970, weeks
#: (Monday to Sunday) numbered from the week of 1969-12-29 = 1.
PERIOD_SQL = {
    "M": "(year(d) - 1970) * 12 + month(d) - 1",
    "Q": "(year(d) - 1970) * 4 + quarter(d) - 1",
    "W": "CAST(floor((day + 3) / 7.0) AS BIGINT) + 1",
}


def cohort_sql(freq: str, revenue: bool) -> str:
    """Active customers and exact revenue (as text) per first-order cohort ``c`` and period
    offset ``k``."""
    money = money_sql("amount") if revenue else "CAST(0 AS DECIMAL(38, 9))"
    return (
        f"WITH o AS (SELECT cust, {PERIOD_SQL[freq]} AS p, {money} AS a FROM {{orders}}), "
        "c AS (SELECT cust, min(p) AS c FROM o GROUP BY cust) "
        "SELECT c.c AS c, o.p - c.c AS k, count(DISTINCT o.cust) AS customers, "
        "CAST(sum(o.a) AS STRING) AS revenue FROM o JOIN c ON o.cust = c.cust "
        "GROUP BY c.c, o.p - c.c"
    )


def repurchase_sql(window: tuple[int, int] | None, grouped: bool) -> str:
    """Customers with 1+ and 2+ orders in a window of days (and its first and last order
    day), per ``grp``: the smallest value on the customer's first order day in the window
    that has one."""
    where = f"WHERE day >= {int(window[0])} AND day <= {int(window[1])}" if window else ""
    if grouped:
        per = (
            "SELECT f.cust, f.n, f.first_day, f.last_day, min(w.grp) AS grp FROM ("
            "SELECT cust, count(*) AS n, min(day) AS first_day, max(day) AS last_day, "
            "min(CASE WHEN grp IS NOT NULL THEN day END) AS grp_day FROM w GROUP BY cust) f "
            "LEFT JOIN w ON w.cust = f.cust AND w.day = f.grp_day AND w.grp IS NOT NULL "
            "GROUP BY f.cust, f.n, f.first_day, f.last_day"
        )
    else:
        per = (
            "SELECT cust, count(*) AS n, min(day) AS first_day, max(day) AS last_day "
            "FROM w GROUP BY cust"
        )
    return (
        f"WITH w AS (SELECT * FROM {{orders}} {where}), per AS ({per}) "
        f"SELECT {'grp, ' if grouped else ''}count(*) AS customers, "
        "count(CASE WHEN n >= 2 THEN 1 END) AS repeat_customers, "
        "min(first_day) AS first_day, max(last_day) AS last_day FROM per"
        + (" GROUP BY grp" if grouped else "")
    )


def _order_view(o: pd.DataFrame, grp: Any = None) -> pd.DataFrame:
    """The validated orders as the reductions read them."""
    view = pd.DataFrame({"cust": o["cust"], "day": _day_numbers(o["date"]), "d": o["date"]})
    if "amount" in o:
        view["amount"] = o["amount"]
    if grp is not None:
        view["grp"] = grp
    return view


def _day_numbers(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy().astype("datetime64[D]").astype("int64")


def day_number(when: pd.Timestamp) -> int:
    """Days from 1970-01-01 to the day of ``when``."""
    return int(np.datetime64(when.normalize().to_datetime64(), "D").astype("int64"))


def _dates(days: pd.Series, unit: str) -> pd.Series:
    values = days.to_numpy("int64").astype("datetime64[D]").astype(f"datetime64[{unit}]")
    return pd.Series(values, index=days.index)


def per_customer_finish(red: pd.DataFrame, as_of: pd.Timestamp, unit: str) -> pd.DataFrame:
    """The reduction of :func:`per_customer_sql` as ``first_order, last_order, frequency,
    monetary, recency_days`` indexed by customer (sorted by id)."""
    red = red.assign(cust=red["cust"].astype(str)).sort_values("cust", kind="stable")
    per = pd.DataFrame(index=pd.Index(red["cust"].to_numpy(), name="cust", dtype="str"))
    per["first_order"] = _dates(red["first_day"], unit).to_numpy()
    per["last_order"] = _dates(red["last_day"], unit).to_numpy()
    per["frequency"] = red["frequency"].to_numpy("int64")
    per["monetary"] = exact_floats(red["monetary"]).to_numpy()
    per["recency_days"] = day_number(as_of) - red["last_day"].to_numpy("int64")
    return per


def _unit(dates: pd.Series) -> str:
    return np.datetime_data(dates.dtype)[0]


def _per_customer(o: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """first_order, last_order, frequency, monetary, recency_days per customer (sorted by id)."""
    red = run_sql(per_customer_sql(day_number(as_of)), orders=_order_view(o))
    return per_customer_finish(red, as_of, _unit(o["date"]))


# ---------------------------------------------------------------------------------------------
# RFM


def _quintile(values: pd.Series, ties: str) -> pd.Series:
    """Scores 1-5, 5 for the largest values: dplyr ntile on the rank (see module docstring)."""
    n = len(values)
    if n == 0:
        return values.astype("int64")
    # values arrive sorted by customer id, so "first" breaks ties by id
    r = values.rank(method="min" if ties == "min" else "first").to_numpy()
    return pd.Series((np.floor(5 * (r - 1) / n) + 1).astype("int64"), index=values.index)


def _check_rules(segments: pd.DataFrame) -> pd.DataFrame:
    require_columns(segments, ["segment", *_RULE_COLUMNS], table="segments")
    rules = segments.reset_index(drop=True)
    for col in _RULE_COLUMNS:
        v = numeric_column(rules, col, table="segments", allow_empty=False)
        off = (v < 1) | (v > 5) | (v != np.floor(v))
        if off.any():
            rows = (np.flatnonzero(off.to_numpy()) + 1).tolist()
            raise InputError(
                "score bounds are whole numbers 1-5",
                table="segments",
                column=col,
                rows=dict(zip(rows, v[off.to_numpy()].tolist(), strict=True)),
                fix="use score ranges between 1 and 5",
            )
    return rules


def rfm(
    orders: pd.DataFrame,
    as_of: Any = None,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    *,
    segments: pd.DataFrame | None = None,
    ties: str = "min",
    customers: pd.DataFrame | None = None,
    signup: str = "signup_date",
    spark: Any = None,
) -> pd.DataFrame:
    """Recency, frequency, monetary value, their 1-5 scores and the segment of every customer.

    Parameters
    ----------
    orders : DataFrame
        One row per order.
    as_of : date, optional
        Snapshot date; default the last order date. Orders after it are not counted.
    customer, date, amount : str
        Column names.
    segments : DataFrame, optional
        Rule table: ``segment`` and ``recency_low``, ``recency_high``, ``frequency_low``,
        ``frequency_high``, ``monetary_low``, ``monetary_high`` (inclusive score ranges); the
        first matching row wins, no match gives ``"Others"``. Default :data:`RFM_SEGMENTS`.
    ties : {"min", "first"}
        Equal values share a score (``"min"``) or are ordered by customer id (``"first"``).
    customers : DataFrame, optional
        When given, orders before the customer's ``signup`` date are refused.
    spark : SparkSession, optional
        Compute in Spark (see :mod:`mktkit.engines.spark`): ``orders`` is then a table name, a Spark
        DataFrame or a pandas DataFrame to upload. A Spark DataFrame needs no ``spark=``.
        One row per customer comes back to the driver (the result has one).

    Returns
    -------
    DataFrame
        One row per customer (sorted by id): ``customer``, first_order, last_order,
        recency_days, frequency, monetary, recency_score, frequency_score, monetary_score,
        rfm_score (100 R + 10 F + M), segment.

    Raises
    ------
    InputError
        A negative or missing amount, an unreadable date, an empty customer id, an order
        before sign-up, a malformed segment table.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"customer_id": list("abcdeab"),
    ...                   "order_date": ["2026-10-0" + d for d in "1234556"],
    ...                   "amount": [10, 20, 30, 40, 50, 60, 70]})
    >>> rfm(o)[["customer_id", "frequency", "rfm_score", "segment"]]
      customer_id  frequency  rfm_score             segment
    0           a          2        344  Potential Loyalist
    1           b          2        545  Potential Loyalist
    2           c          1        111                Lost
    3           d          1        212      About To Sleep
    4           e          1        313           Promising
    """
    check_argument("ties", ["min", "first"], ties)
    rules = _check_rules(RFM_SEGMENTS if segments is None else segments)
    sdf = _spark_orders(orders, spark)
    if sdf is not None:
        view, last = order_view(sdf, customer, date, amount, customers=customers, signup=signup)
        when = _as_of(as_of, last)
        red = on_spark.run_sql(per_customer_sql(day_number(when)), orders=view)
        per = per_customer_finish(red, when, on_spark.DATE_UNIT)
    else:
        o = _orders(orders, customer, date, amount, customers=customers, signup=signup)
        when = _as_of(as_of, o["date"])
        per = _per_customer(o, when)
    per["recency_score"] = _quintile(-per["recency_days"], ties)
    per["frequency_score"] = _quintile(per["frequency"], ties)
    per["monetary_score"] = _quintile(per["monetary"], ties)
    per["rfm_score"] = (
        100 * per["recency_score"] + 10 * per["frequency_score"] + per["monetary_score"]
    )
    segment = pd.Series("Others", index=per.index, dtype=object)
    free = np.ones(len(per), dtype=bool)
    for rule in rules.itertuples(index=False):
        hit = free.copy()
        for m in ("recency", "frequency", "monetary"):
            s = per[f"{m}_score"].to_numpy()
            hit &= (s >= getattr(rule, f"{m}_low")) & (s <= getattr(rule, f"{m}_high"))
        segment[hit] = rule.segment
        free &= ~hit
    per["segment"] = segment.astype(str)
    out = per.reset_index().rename(columns={"cust": customer})
    cols = [customer, "first_order", "last_order", "recency_days", "frequency", "monetary"]
    rest = ["recency_score", "frequency_score", "monetary_score", "rfm_score", "segment"]
    return out[cols + rest]


def rfm_summary(result: pd.DataFrame) -> pd.DataFrame:
    """Per segment: customers, customer_share, orders, revenue, revenue_share, aov,
    median_recency_days; segments ordered by revenue, largest first.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"segment": ["Lost", "Champions", "Lost"], "frequency": [1, 4, 1],
    ...                   "monetary": [10.0, 80.0, 10.0], "recency_days": [300, 3, 200]})
    >>> rfm_summary(r)[["segment", "customers", "revenue_share", "median_recency_days"]]
         segment  customers  revenue_share  median_recency_days
    0  Champions          1            0.8                  3.0
    1       Lost          2            0.2                250.0
    """
    require_columns(result, ["segment", "frequency", "monetary", "recency_days"], table="rfm")
    g = result.groupby("segment", sort=True)
    out = g.agg(
        customers=("segment", "size"),
        orders=("frequency", "sum"),
        revenue=("monetary", "sum"),
        median_recency_days=("recency_days", "median"),
    )
    out["customer_share"] = out["customers"] / out["customers"].sum()
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["aov"] = out["revenue"] / out["orders"]
    out["median_recency_days"] = out["median_recency_days"].astype(float)
    out = out.reset_index().sort_values(["revenue", "segment"], ascending=[False, True])
    cols = ["segment", "customers", "customer_share", "orders", "revenue", "revenue_share"]
    return out[[*cols, "aov", "median_recency_days"]].reset_index(drop=True)


def _band_labels(cuts: Sequence[float], unit: str = "") -> list[str]:
    """Bands between cut points, each written to the cent at most: (24.9855,) -> '<24.99',
    '24.99+' (a cut given with more decimals is shown rounded, like every figure)."""
    edges = [fmt_number(c, 2).rstrip("0").rstrip(".") for c in cuts]
    labels = [f"<{edges[0]}{unit}"]
    labels += [f"{a}-{b}{unit}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return labels + [f"{edges[-1]}+{unit}"]


def _count_labels(cuts: Sequence[float]) -> list[str]:
    """Bands of whole counts: (2, 4) -> '1', '2-3', '4+'."""
    lows = [1, *[int(c) for c in cuts]]
    labels = [
        str(a) if b - 1 == a else f"{a}-{b - 1}" for a, b in zip(lows[:-1], lows[1:], strict=True)
    ]
    return [*labels, f"{lows[-1]}+"]


def _check_cuts(name: str, cuts: Sequence[float]) -> list[float]:
    values = [float(c) for c in cuts]
    if not values or any(b <= a for a, b in zip(values[:-1], values[1:], strict=True)):
        raise InputError(
            f"{name}={list(cuts)!r} must be increasing and not empty",
            column=name,
            fix="give increasing cut points, e.g. (2, 4)",
        )
    return values


def customer_layers(
    orders: pd.DataFrame,
    frequency_cuts: Sequence[int] = (2, 4),
    value_cuts: Sequence[float] | None = None,
    *,
    as_of: Any = None,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
) -> pd.DataFrame:
    """The frequency x average-order-value grid of customers (value layers).

    Parameters
    ----------
    frequency_cuts : sequence of int
        Order-count cut points: ``(2, 4)`` gives bands ``1``, ``2-3`` and ``4+`` (a band
        starts at its cut).
    value_cuts : sequence of float, optional
        Average-order-value cut points; default the median of the customers' average order
        value rounded to the cent (two bands).

    Returns
    -------
    DataFrame
        Every cell of the grid (empty ones with 0): frequency_band, value_band, customers,
        customer_share, orders, revenue, revenue_share. The cut points are in
        ``.attrs["frequency_cuts"]`` and ``.attrs["value_cuts"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"customer_id": list("aabbbc"), "order_date": ["2026-01-01"] * 6,
    ...                   "amount": [10, 30, 100, 100, 100, 50]})
    >>> customer_layers(o, value_cuts=[60])[["frequency_band", "value_band", "customers"]]
      frequency_band value_band  customers
    0              1        <60          1
    1              1        60+          0
    2            2-3        <60          1
    3            2-3        60+          1
    4             4+        <60          0
    5             4+        60+          0
    """
    o = _orders(orders, customer, date, amount)
    per = _per_customer(o, _as_of(as_of, o["date"]))
    return _layers(per, frequency_cuts, value_cuts)


def _layers(
    per: pd.DataFrame, frequency_cuts: Sequence[int], value_cuts: Sequence[float] | None
) -> pd.DataFrame:
    """:func:`customer_layers` of the per-customer table of :func:`_per_customer`."""
    fcuts = _check_cuts("frequency_cuts", frequency_cuts)
    if any(c != int(c) or c < 2 for c in fcuts):
        raise InputError(
            f"frequency_cuts={list(frequency_cuts)!r} must be whole order counts >= 2",
            column="frequency_cuts",
            fix="e.g. (2, 4) for bands 1, 2-3, 4+",
        )
    aov = per["monetary"] / per["frequency"]
    # the default cut is the median rounded to the cent: the band's label is then its cut
    median = [round(float(aov.median()), 2)]
    vcuts = _check_cuts("value_cuts", median if value_cuts is None else value_cuts)
    f_labels, v_labels = _count_labels(fcuts), _band_labels(vcuts)
    per["frequency_band"] = pd.Categorical.from_codes(
        np.searchsorted(fcuts, per["frequency"].to_numpy(), side="right"), f_labels
    )
    per["value_band"] = pd.Categorical.from_codes(
        np.searchsorted(vcuts, aov.to_numpy(), side="right"), v_labels
    )
    out = per.groupby(["frequency_band", "value_band"], observed=False).agg(
        customers=("frequency", "size"), orders=("frequency", "sum"), revenue=("monetary", "sum")
    )
    out["customer_share"] = out["customers"] / max(len(per), 1)
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out = out.reset_index()
    for col in ("frequency_band", "value_band"):
        out[col] = out[col].astype(str)
    out = out[
        [
            "frequency_band",
            "value_band",
            "customers",
            "customer_share",
            "orders",
            "revenue",
            "revenue_share",
        ]
    ]
    out.attrs.update(frequency_cuts=fcuts, value_cuts=vcuts)
    return out


# ---------------------------------------------------------------------------------------------
# cohorts, repurchase, dormancy


def cohort_retention(
    orders: pd.DataFrame,
    freq: str = "M",
    metric: str = "customers",
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    tidy: bool = False,
    spark: Any = None,
) -> pd.DataFrame:
    """Retention triangle of first-order cohorts.

    Parameters
    ----------
    freq : {"M", "W", "Q"}
        Period length: month, week (Monday to Sunday) or quarter.
    metric : {"customers", "revenue"}
        Active customers over cohort size, or revenue over the cohort's first-period revenue.
    tidy : bool
        Return the long table (cohort, period, cohort_size, value, retention) instead of the
        triangle.
    spark : SparkSession, optional
        Compute in Spark, as in :func:`rfm`; only the cohort x period counts reach the driver.

    Returns
    -------
    DataFrame
        Index cohort (the first-order period, e.g. ``2026-01``), columns k = 0, 1, ... (periods
        since the first order), values the retention; column 0 is 1.0 and cells after the data's
        last period are NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...                   "order_date": ["2026-01-05", "2026-01-09", "2026-02-01", "2026-02-03"],
    ...                   "amount": [1, 1, 1, 1]})
    >>> cohort_retention(o).to_dict("index")
    {'2026-01': {0: 1.0, 1: 0.5}, '2026-02': {0: 1.0, 1: nan}}
    """
    check_argument("freq", ["M", "W", "Q"], freq)
    check_argument("metric", ["customers", "revenue"], metric)
    revenue = metric == "revenue"
    sdf = _spark_orders(orders, spark)
    if sdf is not None:
        view, last = order_view(sdf, customer, date, amount if revenue else None)
        if last is None:
            raise InputError("the orders table is empty", table="orders", fix="pass some orders")
        cells = on_spark.run_sql(cohort_sql(freq, revenue), orders=view)
    else:
        o = _orders(orders, customer, date, amount if revenue else None)
        if o.empty:
            raise InputError("the orders table is empty", table="orders", fix="pass some orders")
        cells = run_sql(cohort_sql(freq, revenue), orders=_order_view(o))
    return cohort_finish(cells, freq, metric, tidy)


def cohort_finish(cells: pd.DataFrame, freq: str, metric: str, tidy: bool) -> pd.DataFrame:
    """The triangle (or long table) from the reduction of :func:`cohort_sql`: ``c`` (cohort
    period ordinal), ``k`` (periods since), ``customers`` (active) and ``revenue`` (text)."""
    c_of = cells["c"].to_numpy("int64")
    k_of = cells["k"].to_numpy("int64")
    index = pd.MultiIndex.from_arrays([c_of, k_of], names=["c", "k"])
    active = pd.Series(cells["customers"].to_numpy("int64"), index=index).sort_index()
    size = active.xs(0, level="k")  # every customer orders in their cohort's period
    if metric == "customers":
        value = active
        base = size
    else:
        value = pd.Series(exact_floats(cells["revenue"]).to_numpy(), index=index).sort_index()
        base = value.xs(0, level="k")
    last, first = int((c_of + k_of).max()), int(c_of.min())
    ks = np.arange(last - first + 1)
    grid = pd.MultiIndex.from_product([size.index, ks], names=["c", "k"])
    cell = value.reindex(grid, fill_value=0).astype(float)
    c_ord = grid.get_level_values("c").to_numpy()
    k_ord = grid.get_level_values("k").to_numpy()
    cell[c_ord + k_ord > last] = np.nan  # not observed yet
    denom = base.reindex(c_ord).to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        retention = np.where(denom > 0, cell.to_numpy() / denom, np.nan)
    labels = pd.PeriodIndex.from_ordinals(size.index, freq=freq).astype(str)
    long = pd.DataFrame(
        {
            "cohort": np.repeat(labels, len(ks)),
            "period": k_ord,
            "cohort_size": size.reindex(c_ord).to_numpy(),
            "value": cell.to_numpy(),
            "retention": retention,
        }
    )
    if tidy:
        return long
    return long.pivot(index="cohort", columns="period", values="retention")


def _window(window: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    if window is None:
        return None, None
    try:
        start, end = window
        return pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    except (ValueError, TypeError):
        raise InputError(
            f"window={window!r} is not a (start, end) pair of dates",
            column="window",
            fix="e.g. window=('2025-11-01', '2026-10-31'), both ends included",
        ) from None


def repurchase_rate(
    orders: pd.DataFrame,
    window: tuple[Any, Any] | None = None,
    by: str | None = None,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    spark: Any = None,
) -> pd.DataFrame:
    """Share of buyers in a window who ordered at least twice in it.

    Parameters
    ----------
    window : (start, end), optional
        Dates, both included; default all orders.
    by : str, optional
        Column of orders to break down by; a customer counts under the value on their first
        order in the window (the smallest value when several orders share that day; a
        customer whose orders have no value is left out of the breakdown).
    spark : SparkSession, optional
        Compute in Spark, as in :func:`rfm`; only the per-segment counts reach the driver.

    Returns
    -------
    DataFrame
        [by], customers (1+ orders), repeat_customers (2+), repurchase_rate, window_start,
        window_end.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                   "order_date": ["2026-01-01", "2026-02-01", "2026-01-03", "2026-03-01"]})
    >>> float(repurchase_rate(o).loc[0, "repurchase_rate"])
    0.3333333333333333
    >>> float(repurchase_rate(o, window=("2026-01-01", "2026-01-31")).loc[0, "repurchase_rate"])
    0.0
    """
    start, end = _window(window)
    days = (day_number(start), day_number(end)) if start is not None else None
    sql = repurchase_sql(days, by is not None)
    sdf = _spark_orders(orders, spark)
    if sdf is not None:
        view, _ = order_view(sdf, customer, date, None, by=by)
        groups, unit, values = on_spark.run_sql(sql, orders=view), on_spark.DATE_UNIT, None
    else:
        o = _orders(orders, customer, date, None)
        grp = values = None
        if by is not None:
            require_columns(orders, [by], table="orders")
            # codes in sorted order, so that the smallest code is the smallest value
            codes, values = pd.factorize(orders[by].reset_index(drop=True), sort=True)
            grp = pd.array(np.where(codes < 0, pd.NA, codes), dtype="Int64")
        groups, unit = run_sql(sql, orders=_order_view(o, grp)), _unit(o["date"])
    return repurchase_finish(groups, by, start, end, unit, values)


def repurchase_finish(
    groups: pd.DataFrame,
    by: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    unit: str,
    values: Any = None,
) -> pd.DataFrame:
    """The table of :func:`repurchase_rate` from the reduction of :func:`repurchase_sql`
    (``values`` maps the pandas engine's group codes back to the ``by`` values)."""
    first = groups["first_day"].dropna()
    last = groups["last_day"].dropna()
    if by is not None:
        groups = groups[groups["grp"].notna()]
        keys = groups["grp"] if values is None else values.take(groups["grp"].astype("int64"))
        groups = groups.assign(grp=np.asarray(keys)).sort_values("grp", kind="stable")
    rows = []
    for g in groups.itertuples(index=False):  # one row per segment
        n, rep = int(g.customers), int(g.repeat_customers)
        rows.append(
            ({by: g.grp} if by else {})
            | {"customers": n, "repeat_customers": rep, "repurchase_rate": rep / n if n else np.nan}
        )
    out = pd.DataFrame(rows)
    if out.empty:
        out = pd.DataFrame([{"customers": 0, "repeat_customers": 0, "repurchase_rate": np.nan}])
    out["window_start"] = start if start is not None else _first_date(first.min(), unit)
    out["window_end"] = end if end is not None else _first_date(last.max(), unit)
    return out


def _first_date(day: Any, unit: str) -> pd.Timestamp:
    if pd.isna(day):
        return pd.NaT
    return pd.Timestamp(np.datetime64(int(day), "D").astype(f"datetime64[{unit}]"))


def _spark_orders(orders: Any, spark: Any) -> Any:
    """The Spark DataFrame of ``orders`` (Spark input or ``spark=``), or None for pandas."""
    if spark is None and not type(orders).__module__.startswith("pyspark"):
        return None
    return on_spark.as_spark(orders, spark, table="orders")


def dormant_customers(
    orders: pd.DataFrame,
    days: int = 90,
    as_of: Any = None,
    *,
    min_orders: int = 1,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
) -> pd.DataFrame:
    """Customers with ``min_orders`` or more orders and none in the ``days`` days up to ``as_of``.

    Returns
    -------
    DataFrame
        One row per dormant customer (sorted by id): ``customer``, first_order, last_order,
        days_since_last, orders, revenue. Orders after ``as_of`` are not counted.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                   "order_date": ["2026-01-01", "2026-03-01", "2026-09-30"],
    ...                   "amount": [10, 20, 30]})
    >>> dormant_customers(o, days=90, as_of="2026-10-31")[["customer_id", "days_since_last"]]
      customer_id  days_since_last
    0           a              244
    """
    _check_dormancy(days, min_orders)
    o = _orders(orders, customer, date, amount)
    per = _per_customer(o, _as_of(as_of, o["date"]))
    return _dormant(per, days, min_orders, customer)


def _check_dormancy(days: int, min_orders: int) -> None:
    if int(days) != days or days < 1 or int(min_orders) != min_orders or min_orders < 1:
        raise InputError(
            f"days={days!r}, min_orders={min_orders!r}: both must be whole numbers >= 1",
            column="days",
            fix="e.g. days=90, min_orders=1",
        )


def _dormant(per: pd.DataFrame, days: int, min_orders: int, customer: str) -> pd.DataFrame:
    """:func:`dormant_customers` of the per-customer table of :func:`_per_customer`."""
    hit = per[(per["recency_days"] >= days) & (per["frequency"] >= min_orders)]
    out = hit.reset_index().rename(
        columns={
            "cust": customer,
            "recency_days": "days_since_last",
            "frequency": "orders",
            "monetary": "revenue",
        }
    )
    return out[[customer, "first_order", "last_order", "days_since_last", "orders", "revenue"]]


def reactivation(
    orders: pd.DataFrame,
    campaign_start: Any,
    window: int = 30,
    *,
    days: int = 90,
    min_orders: int = 1,
    customer: str = "customer_id",
    date: str = "order_date",
) -> pd.DataFrame:
    """Share of customers dormant at a campaign's start who order again within ``window`` days.

    Dormant is judged the day before ``campaign_start`` on the orders before it (see
    :func:`dormant_customers`); reactivated = an order on ``campaign_start`` .. ``campaign_start
    + window - 1``.

    Returns
    -------
    DataFrame
        One row: campaign_start, window_days, dormant, reactivated, reactivation_rate.

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...                   "order_date": ["2026-01-01", "2026-01-02", "2026-08-10", "2026-08-01"],
    ...                   "amount": [1, 1, 1, 1]})
    >>> reactivation(o, "2026-08-04", window=30)[["dormant", "reactivated", "reactivation_rate"]]
       dormant  reactivated  reactivation_rate
    0        2            1                0.5
    """
    if int(window) != window or window < 1:
        raise InputError(
            f"window={window!r} must be a whole number of days >= 1", column="window", fix="30"
        )
    start = _as_of(campaign_start, pd.Series(dtype="datetime64[ns]"))
    o = _orders(orders, customer, date, None)
    before = o[o["date"] < start].assign(amount=0.0)
    day_before = start - pd.Timedelta(days=1)
    dormant = dormant_customers(
        before.rename(columns={"cust": customer, "date": date}),
        days=days,
        as_of=day_before,
        min_orders=min_orders,
        customer=customer,
        date=date,
    )[customer]
    end = start + pd.Timedelta(days=int(window))
    came_back = o.loc[(o["date"] >= start) & (o["date"] < end), "cust"].unique()
    n = len(dormant)
    k = int(dormant.isin(came_back).sum())
    return pd.DataFrame(
        [
            {
                "campaign_start": start,
                "window_days": int(window),
                "dormant": n,
                "reactivated": k,
                "reactivation_rate": k / n if n else np.nan,
            }
        ]
    )


@memoized
def customer_review(
    data: Any,
    month: str,
    region: str = "all",
    *,
    dormant_days: int = 90,
    dormant_min_orders: int = 3,
) -> dict[str, pd.DataFrame]:
    """The monthly review's customer section, as of the month's last day with data.

    Returns
    -------
    dict with
        ``repurchase``: repurchase rate by region over the 12 months to that day
        (:func:`repurchase_rate`);
        ``dormant``: formerly frequent buyers (``dormant_min_orders``+ orders) with no order for
        ``dormant_days``+ days (:func:`dormant_customers`), longest silent first;
        ``layers``: the frequency x order-value grid of all buyers (:func:`customer_layers`).

    Examples
    --------
    >>> import mktkit as mk
    >>> review = customer_review(mk.load_sample(), "2026-10")          # doctest: +SKIP
    >>> len(review["dormant"])                                         # doctest: +SKIP
    3489
    """
    orders = data["orders"]
    if region != "all":
        orders = orders[orders["region"] == region]
    end = pd.Period(month, freq="M").end_time.normalize()
    as_of = min(end, orders["order_date"].max())
    year = (as_of - pd.DateOffset(years=1) + pd.Timedelta(days=1), as_of)
    # dormancy and layers read the same per-customer table (the layers' snapshot, the last
    # order day, only changes recency, which they do not use): reduced once
    _check_dormancy(dormant_days, dormant_min_orders)
    o = _orders(orders[orders["order_date"] <= as_of], "customer_id", "order_date", "amount")
    _as_of(None, o["date"])  # no orders: refused as customer_layers refuses them
    per = _per_customer(o, _as_of(as_of, o["date"]))
    dormant = _dormant(per, dormant_days, dormant_min_orders, "customer_id")
    return {
        "repurchase": repurchase_rate(orders, window=year, by="region"),
        "dormant": dormant.sort_values(["days_since_last", "customer_id"], ascending=[False, True]),
        "layers": _layers(per, (2, 4), None),
    }
