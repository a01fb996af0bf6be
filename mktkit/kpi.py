"""KPIs: the month's headline figures and their change against comparable periods.

Headline figures answer "how did the month go": revenue, orders, new customers and spend, with
the change against the previous month and against the same month last year (METHODS.md,
"Cross-cutting"): change = (current - previous) / |previous|, NaN when the base is 0. Derived
ratios (average order value, ROAS) are compared in relative terms as well.

Like for like: when the data end inside the month (month to date), every comparison period is
cut to the same number of days, so that 20 days of October are compared with the first 20 days
of September and of October last year, never with whole months.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mktkit.errors import InputError

#: Headline metrics in display order, with the direction in which they are good.
HEADLINE_METRICS: dict[str, str] = {
    "revenue": "higher",
    "orders": "higher",
    "new_customers": "higher",
    "spend": "lower",
    "aov": "higher",
    "roas": "higher",
}


@dataclass(frozen=True)
class Window:
    """A closed date interval [start, end] (whole days)."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_start(month: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(pd.Period(month, freq="M").start_time.date())
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"month {month!r} is not a month", column="month", fix="write it as YYYY-MM"
        ) from exc


def comparison_windows(month: str, data_end: pd.Timestamp) -> dict[str, Window]:
    """The report month and its two comparison periods, cut like for like.

    Parameters
    ----------
    month : str
        ``YYYY-MM``.
    data_end : Timestamp
        The last day with data. When it falls inside ``month``, every window keeps only as many
        days as the month has so far (clipped to the length of the comparison month).

    Returns
    -------
    dict with keys ``current``, ``previous`` (previous month) and ``last_year`` (same month a
    year earlier).

    Examples
    --------
    >>> w = comparison_windows("2026-10", pd.Timestamp("2026-10-20"))
    >>> w["current"].days, str(w["previous"].end.date()), str(w["last_year"].start.date())
    (20, '2026-09-20', '2025-10-01')
    """
    start = _month_start(month)
    month_end = start + pd.offsets.MonthEnd(0)
    if data_end < start:
        raise InputError(
            f"the data end on {data_end.date()}, before {month} begins",
            column="month",
            fix="choose a month that the data cover",
        )
    end = min(month_end, data_end)
    days = (end - start).days + 1
    partial = end < month_end

    def cut(first: pd.Timestamp) -> Window:
        last = first + pd.offsets.MonthEnd(0)
        if partial:
            last = min(last, first + pd.Timedelta(days=days - 1))
        return Window(first, last)

    return {
        "current": Window(start, end),
        "previous": cut(start - pd.DateOffset(months=1)),
        "last_year": cut(start - pd.DateOffset(years=1)),
    }


def _relative_change(current: pd.Series, base: pd.Series) -> pd.Series:
    base = base.astype(float)
    change = (current.astype(float) - base) / base.abs()
    return change.where(base != 0)


def _figures(orders: pd.DataFrame, channel_daily: pd.DataFrame, first_order: pd.Series, w: Window):
    in_w = orders["order_date"].between(w.start, w.end)
    # Amounts are in cents: rounding the float sums to 2 decimals gives the exact cent total.
    revenue = round(float(orders.loc[in_w, "amount"].sum()), 2)
    n_orders = int(in_w.sum())
    new = int(first_order.between(w.start, w.end).sum())
    cd = channel_daily[channel_daily["date"].between(w.start, w.end)]
    spend = round(float(cd["spend"].sum()), 2)
    paid_revenue = round(float(cd["revenue"].sum()), 2)
    return {
        "revenue": revenue,
        "orders": n_orders,
        "new_customers": new,
        "spend": spend,
        "aov": revenue / n_orders if n_orders else np.nan,
        "roas": paid_revenue / spend if spend else np.nan,
    }


def _select_region(df: pd.DataFrame, region: str) -> pd.DataFrame:
    return df if region == "all" else df[df["region"] == region]


def headline(data: Mapping[str, pd.DataFrame], month: str, region: str = "all") -> pd.DataFrame:
    """Headline figures of a month with the change against the previous month and last year.

    Parameters
    ----------
    data : mapping
        At least ``orders`` (order_id, customer_id, order_date, region, channel, amount) and
        ``channel_daily`` (date, region, spend, revenue, ...), validated (see ``mk.load_sample``).
    month : str
        ``YYYY-MM``.
    region : str
        A region of the data, or ``"all"``.

    Returns
    -------
    DataFrame
        One row per metric (revenue, orders, new_customers, spend, aov, roas) with columns
        metric, current, previous, change_vs_previous, last_year, change_vs_last_year,
        direction. ``attrs`` holds the three windows, ``data_end`` and ``like_for_like`` (True
        when the month is incomplete and the comparisons were cut to the same days).

        - revenue: sum of order amounts (all channels, including direct);
        - orders: number of orders; aov = revenue / orders;
        - new_customers: customers whose first-ever order falls in the window (the first order is
          taken over the whole history, across regions);
        - spend: channel_daily spend; roas = channel_daily revenue / spend (paid and owned
          channels only, so direct orders do not flatter it).

    Examples
    --------
    >>> import mktkit as mk
    >>> h = mk.headline(mk.load_sample(), "2026-10")          # doctest: +SKIP
    >>> h.set_index("metric").loc["orders", "current"]        # doctest: +SKIP
    """
    orders, channel_daily = data["orders"], data["channel_daily"]
    regions = set(orders["region"].unique())
    if region != "all" and region not in regions:
        raise InputError(
            f"region {region!r} is not in the data",
            table="orders",
            column="region",
            fix="use 'all' or one of " + ", ".join(sorted(regions)),
        )
    data_end = max(orders["order_date"].max(), channel_daily["date"].max())
    windows = comparison_windows(month, data_end)
    first_order = orders.groupby("customer_id", sort=True)["order_date"].min()
    if region != "all":
        # A customer's region is that of their first order (rows ordered by date, then id).
        first_rows = orders.sort_values(["order_date", "order_id"], kind="stable")
        first_region = first_rows.drop_duplicates("customer_id").set_index("customer_id")["region"]
        first_order = first_order[first_region.reindex(first_order.index) == region]
    o, cd = _select_region(orders, region), _select_region(channel_daily, region)
    figures = {name: _figures(o, cd, first_order, w) for name, w in windows.items()}
    out = pd.DataFrame(
        {
            "metric": list(HEADLINE_METRICS),
            "current": [figures["current"][m] for m in HEADLINE_METRICS],
            "previous": [figures["previous"][m] for m in HEADLINE_METRICS],
            "last_year": [figures["last_year"][m] for m in HEADLINE_METRICS],
            "direction": list(HEADLINE_METRICS.values()),
        }
    )
    out["change_vs_previous"] = _relative_change(out["current"], out["previous"])
    out["change_vs_last_year"] = _relative_change(out["current"], out["last_year"])
    out = out[
        [
            "metric",
            "current",
            "previous",
            "change_vs_previous",
            "last_year",
            "change_vs_last_year",
            "direction",
        ]
    ]
    out.attrs.update(
        windows={k: (str(w.start.date()), str(w.end.date())) for k, w in windows.items()},
        data_end=str(data_end.date()),
        like_for_like=windows["current"].days < windows["current"].end.days_in_month,
        region=region,
        month=month,
    )
    return out


def monthly_totals(data: Mapping[str, pd.DataFrame], region: str = "all") -> pd.DataFrame:
    """Revenue, orders, spend and ROAS for every calendar month of the data.

    Returns
    -------
    DataFrame with columns month (``YYYY-MM``), revenue, orders, spend, roas, days (days with
    data in that month, so a partial month can be told apart).

    Examples
    --------
    >>> import mktkit as mk
    >>> mk.monthly_totals(mk.load_sample()).tail(1)["month"].item()     # doctest: +SKIP
    '2026-10'
    """
    orders = _select_region(data["orders"], region)
    cd = _select_region(data["channel_daily"], region)
    o = orders.assign(month=orders["order_date"].dt.strftime("%Y-%m"))
    c = cd.assign(month=cd["date"].dt.strftime("%Y-%m"))
    by_o = o.groupby("month", sort=True).agg(
        revenue=("amount", "sum"), orders=("order_id", "size"), days=("order_date", "nunique")
    )
    by_c = c.groupby("month", sort=True).agg(
        spend=("spend", "sum"), paid_revenue=("revenue", "sum")
    )
    out = by_o.join(by_c, how="outer").fillna({"revenue": 0.0, "orders": 0, "spend": 0.0})
    out["roas"] = (out["paid_revenue"] / out["spend"]).where(out["spend"] != 0)
    return out.drop(columns="paid_revenue").reset_index()
