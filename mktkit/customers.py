"""Customers: RFM scores and segments, value layers, cohorts, repurchase, dormancy, win-back.

Conventions (METHODS.md, "Customers"):

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

from mktkit.errors import (
    InputError,
    check_argument,
    date_column,
    numeric_column,
    require_columns,
)

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


def _as_of(value: Any, dates: pd.Series) -> pd.Timestamp:
    if value is None:
        if dates.empty:
            raise InputError("the orders table is empty", table="orders", fix="pass some orders")
        return dates.max()
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise InputError(
            f"as_of={value!r} is not a date", column="as_of", fix="write it as YYYY-MM-DD"
        ) from None


def _per_customer(o: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """first_order, last_order, frequency, monetary, recency_days per customer (sorted by id)."""
    g = o[o["date"] <= as_of].groupby("cust", sort=True)
    per = g.agg(
        first_order=("date", "min"),
        last_order=("date", "max"),
        frequency=("date", "size"),
        monetary=("amount", "sum"),
    )
    per["recency_days"] = (as_of - per["last_order"]).dt.days
    return per


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
    edges = list(cuts)
    labels = [f"<{edges[0]:g}{unit}"]
    labels += [f"{a:g}-{b:g}{unit}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return labels + [f"{edges[-1]:g}+{unit}"]


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
        value (two bands).

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
    fcuts = _check_cuts("frequency_cuts", frequency_cuts)
    if any(c != int(c) or c < 2 for c in fcuts):
        raise InputError(
            f"frequency_cuts={list(frequency_cuts)!r} must be whole order counts >= 2",
            column="frequency_cuts",
            fix="e.g. (2, 4) for bands 1, 2-3, 4+",
        )
    aov = per["monetary"] / per["frequency"]
    vcuts = _check_cuts("value_cuts", [float(aov.median())] if value_cuts is None else value_cuts)
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
    o = _orders(orders, customer, date, amount if metric == "revenue" else None)
    if o.empty:
        raise InputError("the orders table is empty", table="orders", fix="pass some orders")
    if metric == "customers":
        o["amount"] = 0.0
    periods = o["date"].dt.to_period(freq)
    o["p"] = periods.array.asi8  # period ordinals: consecutive integers
    o["c"] = o.groupby("cust")["p"].transform("min")
    o["k"] = o["p"] - o["c"]
    size = o.groupby("c")["cust"].nunique()
    if metric == "customers":
        value = o.groupby(["c", "k"])["cust"].nunique()
        base = size
    else:
        value = o.groupby(["c", "k"])["amount"].sum()
        base = value.xs(0, level="k")
    last, first = int(o["p"].max()), int(o["c"].min())
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
) -> pd.DataFrame:
    """Share of buyers in a window who ordered at least twice in it.

    Parameters
    ----------
    window : (start, end), optional
        Dates, both included; default all orders.
    by : str, optional
        Column of orders to break down by; a customer counts under the value on their first
        order in the window.

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
    o = _orders(orders, customer, date, None)
    if by is not None:
        require_columns(orders, [by], table="orders")
        o["by"] = orders[by].reset_index(drop=True)
    start, end = _window(window)
    keep = pd.Series(True, index=o.index)
    if start is not None:
        keep = (o["date"] >= start) & (o["date"] <= end)
    w = o[keep].sort_values(["cust", "date"], kind="stable")
    per = w.groupby("cust").agg(n=("date", "size"), **({"by": ("by", "first")} if by else {}))
    groups = per.groupby("by", sort=True) if by else [(None, per)]
    rows = []
    for key, g in groups:
        n, rep = len(g), int((g["n"] >= 2).sum())
        rows.append(
            ({by: key} if by else {})
            | {"customers": n, "repeat_customers": rep, "repurchase_rate": rep / n if n else np.nan}
        )
    out = pd.DataFrame(rows)
    if out.empty:
        out = pd.DataFrame([{"customers": 0, "repeat_customers": 0, "repurchase_rate": np.nan}])
    out["window_start"] = start if start is not None else (w["date"].min() if len(w) else pd.NaT)
    out["window_end"] = end if end is not None else (w["date"].max() if len(w) else pd.NaT)
    return out


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
    if int(days) != days or days < 1 or int(min_orders) != min_orders or min_orders < 1:
        raise InputError(
            f"days={days!r}, min_orders={min_orders!r}: both must be whole numbers >= 1",
            column="days",
            fix="e.g. days=90, min_orders=1",
        )
    o = _orders(orders, customer, date, amount)
    per = _per_customer(o, _as_of(as_of, o["date"]))
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
    dormant = dormant_customers(
        orders[orders["order_date"] <= as_of],
        days=dormant_days,
        as_of=as_of,
        min_orders=dormant_min_orders,
    )
    return {
        "repurchase": repurchase_rate(orders, window=year, by="region"),
        "dormant": dormant.sort_values(["days_since_last", "customer_id"], ascending=[False, True]),
        "layers": customer_layers(orders[orders["order_date"] <= as_of]),
    }
