"""KPIs: the month's headline figures and their change against comparable periods.

Headline figures answer "how did the month go": revenue, orders, new customers and spend, with
the change against the previous month and against the same month last year (docs/methods.md,
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

from mktkit.data.folder import has_table
from mktkit.data.memo import memoized
from mktkit.errors import (
    InputError,
    check_argument,
    data_rows,
    date_column,
    numeric_column,
    offending,
    require_columns,
    select_region,
)
from mktkit.periods import check_month, month_labels, month_start

#: Headline metrics in display order, with the direction in which they are good.
HEADLINE_METRICS: dict[str, str] = {
    "revenue": "higher",
    "orders": "higher",
    "new_customers": "higher",
    "spend": "lower",
    "aov": "higher",
    "roas": "higher",
}

#: The figures that need ``channel_daily`` (spend and what is computed from it).
SPEND_METRICS: frozenset[str] = frozenset({"spend", "roas", "cac", "conversion_rate"})


@dataclass(frozen=True)
class Window:
    """A closed date interval [start, end] (whole days)."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


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
    start = month_start(month)
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


def _figures(
    orders: pd.DataFrame,
    channel_daily: pd.DataFrame | None,
    first_order: pd.Series,
    w: Window,
    starts: tuple[pd.Timestamp, pd.Timestamp | None] | None,
) -> dict[str, float]:
    """The headline figures of one window; NaN (no data, never 0) where the window begins
    before a table's first day (``starts``: orders, channel_daily; None: no such check) or the
    table is absent."""
    orders_start, spend_start = starts or (w.start, w.start)
    figures = dict.fromkeys(HEADLINE_METRICS, np.nan)
    if w.start >= orders_start:
        in_w = orders["order_date"].between(w.start, w.end)
        # Amounts are in cents: rounding the float sums to 2 decimals gives the exact cent total.
        revenue = round(float(orders.loc[in_w, "amount"].sum()), 2)
        n_orders = int(in_w.sum())
        figures.update(
            revenue=revenue,
            orders=n_orders,
            new_customers=int(first_order.between(w.start, w.end).sum()),
            aov=revenue / n_orders if n_orders else np.nan,
        )
    if channel_daily is not None and spend_start is not None and w.start >= spend_start:
        cd = channel_daily[channel_daily["date"].between(w.start, w.end)]
        spend = round(float(cd["spend"].sum()), 2)
        paid_revenue = round(float(cd["revenue"].sum()), 2)
        figures.update(spend=spend, roas=paid_revenue / spend if spend else np.nan)
    return figures


def spend_table(data: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """The ``channel_daily`` table of ``data``, or None when the data have none (an own-data
    folder may have orders only: the figures built on spend are then left out)."""
    return data["channel_daily"] if has_table(data, "channel_daily") else None


def data_span(data: Mapping[str, pd.DataFrame]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of ``orders`` and ``channel_daily`` (where present) together.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_date": pd.to_datetime(["2026-10-02", "2026-10-05"])})
    >>> [str(d.date()) for d in data_span({"orders": orders})]
    ['2026-10-02', '2026-10-05']
    """
    days = [data["orders"]["order_date"]]
    cd = spend_table(data)
    if cd is not None:
        days.append(cd["date"])
    days = [d for d in days if len(d)]
    if not days:
        raise InputError("has no rows", table="orders", fix="give a file with orders")
    return min(d.min() for d in days).normalize(), max(d.max() for d in days)


@memoized
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
    orders, channel_daily = data["orders"], spend_table(data)
    o = select_region(orders, region, table="orders")
    cd = (
        None
        if channel_daily is None
        else select_region(channel_daily, region, table="channel_daily")
    )
    data_end = data_span(data)[1]
    windows = comparison_windows(month, data_end)
    starts = (
        orders["order_date"].min().normalize(),
        None if channel_daily is None or channel_daily.empty else channel_daily["date"].min(),
    )
    first_order = orders.groupby("customer_id", sort=True)["order_date"].min()
    if region != "all":
        # A customer's region is that of their first order (rows ordered by date, then id).
        first_rows = orders.sort_values(["order_date", "order_id"], kind="stable")
        first_region = first_rows.drop_duplicates("customer_id").set_index("customer_id")["region"]
        first_order = first_order[first_region.reindex(first_order.index) == region]
    # the month itself is shown from its first day (a shop's first days may have no orders);
    # a comparison period that begins before the data do has no data (a part would mislead)
    figures = {
        name: _figures(o, cd, first_order, w, None if name == "current" else starts)
        for name, w in windows.items()
    }
    shown = [m for m in HEADLINE_METRICS if cd is not None or m not in SPEND_METRICS]
    out = pd.DataFrame(
        {
            "metric": shown,
            "current": [figures["current"][m] for m in shown],
            "previous": [figures["previous"][m] for m in shown],
            "last_year": [figures["last_year"][m] for m in shown],
            "direction": [HEADLINE_METRICS[m] for m in shown],
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


@memoized
def monthly_totals(data: Mapping[str, pd.DataFrame], region: str = "all") -> pd.DataFrame:
    """Revenue, orders, spend and ROAS for every calendar month of the data.

    Returns
    -------
    DataFrame with columns month (``YYYY-MM``), revenue, orders, spend, roas, days (days with
    data in that month, so a partial month can be told apart). Without ``channel_daily``,
    spend and roas are NaN (no data).

    Examples
    --------
    >>> import mktkit as mk
    >>> mk.monthly_totals(mk.load_sample()).tail(1)["month"].item()     # doctest: +SKIP
    '2026-10'
    """
    orders = select_region(data["orders"], region, table="orders")
    o = orders.assign(month=month_labels(orders["order_date"]))
    by_o = o.groupby("month", sort=True).agg(
        revenue=("amount", "sum"), orders=("order_id", "size"), days=("order_date", "nunique")
    )
    cd = spend_table(data)
    if cd is None:  # orders only: no spend, no ROAS (NaN: no data, not zero)
        by_c = pd.DataFrame({"spend": np.nan, "paid_revenue": np.nan}, index=by_o.index)
    else:
        cd = select_region(cd, region, table="channel_daily")
        c = cd.assign(month=month_labels(cd["date"]))
        by_c = c.groupby("month", sort=True).agg(
            spend=("spend", "sum"), paid_revenue=("revenue", "sum")
        )
    out = by_o.join(by_c, how="outer").fillna({"revenue": 0.0, "orders": 0})
    if cd is not None:
        out = out.fillna({"spend": 0.0})
    out["roas"] = (out["paid_revenue"] / out["spend"]).where(out["spend"] != 0)
    return out.drop(columns="paid_revenue").reset_index()


# ---------------------------------------------------------------------------------------------
# Targets: attainment, pacing, status (docs/methods.md, "KPIs")

#: Direction in which each known metric is good (docs/methods.md, "Cross-cutting").
DIRECTIONS: dict[str, str] = {
    "revenue": "higher",
    "orders": "higher",
    "new_customers": "higher",
    "spend": "lower",
    "roas": "higher",
    "cac": "lower",
    "conversion_rate": "higher",
    "aov": "higher",
    "impressions": "higher",
    "clicks": "higher",
    "leads": "higher",
    "ctr": "higher",
    "cpc": "lower",
    "cpm": "lower",
    "cvr": "higher",
    "cpa": "lower",
    "roi": "higher",
    "churn": "lower",
    "repurchase_rate": "higher",
    "nps": "higher",
}

#: Ratios are not additive over days: their value to date is their projection, never
#: extrapolated, and they have no required daily rate.
RATIO_METRICS: frozenset[str] = frozenset(
    {
        "roas",
        "cac",
        "conversion_rate",
        "aov",
        "ctr",
        "cpc",
        "cpm",
        "cvr",
        "cpa",
        "roi",
        "churn",
        "repurchase_rate",
        "nps",
    }
)

#: The seven metrics of ``kpi_targets`` (docs/data.md), in display order.
KPI_METRICS: tuple[str, ...] = (
    "revenue",
    "orders",
    "new_customers",
    "spend",
    "roas",
    "cac",
    "conversion_rate",
)

STATUSES: tuple[str, ...] = ("green", "amber", "red", "grey", "no target")

_VALUE_COLUMNS = {"actual", "target", "direction"}


def _numbers(df: pd.DataFrame, column: str, table: str) -> pd.Series:
    """``df[column]`` as floats; text that is not a number is an InputError naming its rows."""
    return numeric_column(
        df,
        column,
        table=table,
        allow_negative=False,
        negative_fix="check the sign; for a metric that can be negative (profit, ROI) compare "
        "differences instead of attainment",
    )


def _check_unique(df: pd.DataFrame, keys: list[str], table: str) -> None:
    dup = df.reset_index(drop=True).duplicated(keys, keep=False)
    if dup.any():
        first = df.reset_index(drop=True)[dup]
        raise InputError(
            "has more than one row for the same " + ", ".join(keys),
            table=table,
            rows={
                r: tuple(first.loc[i, keys])
                for r, i in zip(data_rows(first.index), first.index, strict=True)
            },
            fix="keep one row per " + ", ".join(keys) + " (sum or drop the duplicates)",
        )


def _directions(merged: pd.DataFrame, keys: list[str]) -> pd.Series:
    given = pd.Series(np.nan, index=merged.index, dtype=object)
    for col in ("direction_t", "direction_a"):
        if col in merged:
            given = given.where(given.notna(), merged[col])
    if "metric" in merged:
        default = merged["metric"].map(DIRECTIONS)
        given = given.where(given.notna(), default)
    missing = given.isna()
    if missing.any():
        what = merged.loc[missing, "metric"] if "metric" in merged else merged.loc[missing, keys]
        raise InputError(
            "no direction known for " + ", ".join(sorted({str(v) for v in what.to_numpy()}))[:200],
            table="targets",
            column="direction",
            fix="add a column direction with 'higher' or 'lower' (which way is good)",
        )
    return given.astype(str)


def _check_directions(df: pd.DataFrame, table: str) -> None:
    if "direction" not in df:
        return
    d = df["direction"].reset_index(drop=True)
    bad = d.notna() & ~d.isin(["higher", "lower"])
    if bad.any():
        raise InputError(
            "must be 'higher' or 'lower'",
            table=table,
            column="direction",
            rows=offending(d, bad),
            fix="write 'higher' when more is better (revenue) and 'lower' when less is (CAC)",
        )


def _periods(merged: pd.DataFrame, period: str) -> tuple[pd.Series, pd.Series]:
    """First and last day of each row's period: from start/end columns or a period column."""
    if "start" in merged and "end" in merged:
        start = pd.to_datetime(merged["start"], errors="coerce")
        end = pd.to_datetime(merged["end"], errors="coerce")
        bad = start.isna() | end.isna() | (end < start)
        if bad.any():
            raise InputError(
                "start and end must be dates with end on or after start",
                table="targets",
                rows=data_rows(merged.index[bad]),
                fix="write both as YYYY-MM-DD",
            )
        return start.dt.normalize(), end.dt.normalize()
    if period not in merged:
        raise InputError(
            f"pacing needs the period of each target: no column {period!r} and no start/end",
            table="targets",
            fix=f"add a column {period!r} (e.g. '2026-10') or columns start and end, or leave "
            "as_of=None for complete periods",
        )
    spans = {}
    for value in merged[period].dropna().unique():
        try:
            p = pd.Period(str(value))
        except (ValueError, TypeError):
            p = None
        # pandas reads "Oct" as October of year 1: a period needs its year
        if p is None or p.year < 1900 or p.freqstr.startswith(("h", "min", "s", "ms", "us", "ns")):
            rows = data_rows(merged.index[merged[period] == value])
            raise InputError(
                f"{value!r} is not a period",
                table="targets",
                column=period,
                rows=rows,
                fix="write months as YYYY-MM, quarters as YYYYQn, years as YYYY",
            )
        spans[value] = (p.start_time.normalize(), p.end_time.normalize())
    start = merged[period].map(lambda v: spans.get(v, (pd.NaT, pd.NaT))[0])
    end = merged[period].map(lambda v: spans.get(v, (pd.NaT, pd.NaT))[1])
    return pd.to_datetime(start), pd.to_datetime(end)


def _share_elapsed(
    start: pd.Series, end: pd.Series, as_of: pd.Timestamp, profile: pd.Series | None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Elapsed (completed) days, total days and the share of the period's weight elapsed."""
    total = (end - start).dt.days + 1
    elapsed = ((as_of - start).dt.days + 1).clip(lower=0)
    elapsed = np.minimum(elapsed, total)
    if profile is None:
        return elapsed, total, elapsed / total
    weights = pd.Series(profile, dtype=float)
    weights.index = pd.to_datetime(weights.index).normalize()
    if (weights < 0).any() or weights.index.duplicated().any():
        raise InputError(
            "profile weights must be >= 0, one per day",
            column="profile",
            fix="pass a Series of daily weights indexed by date",
        )
    share = []
    for s, e in zip(start, end, strict=True):
        days = pd.date_range(s, e, freq="D")
        w = weights.reindex(days)
        if w.isna().any():
            raise InputError(
                f"profile has no weight for {w.index[w.isna()][0].date()} (period {s.date()} .. "
                f"{e.date()})",
                column="profile",
                fix="give a weight for every day of every period",
            )
        share.append(w[w.index <= as_of].sum() / w.sum() if w.sum() > 0 else np.nan)
    return elapsed, total, pd.Series(share, index=start.index, dtype=float)


def _attain(actual: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    higher = actual / target.where(target != 0)
    lower = target / actual.where(actual != 0)
    return higher.where(direction == "higher", lower)


def kpi_attainment(
    actuals: pd.DataFrame,
    targets: pd.DataFrame,
    as_of: str | pd.Timestamp | None = None,
    *,
    on: list[str] | None = None,
    period: str = "month",
    green: float = 1.0,
    amber: float = 0.90,
    ratios: set[str] | frozenset[str] | None = None,
    profile: pd.Series | None = None,
) -> pd.DataFrame:
    """Direction-aware attainment, pacing, projection and RAG status of KPIs against targets.

    Follows docs/methods.md, "KPIs": attainment = actual / target when higher is better and
    target / actual when lower is better; pacing against the share of the period elapsed;
    status green at attainment >= ``green``, amber at >= ``amber``, red below; grey without an
    actual; "no target" without a (usable) target.

    Parameters
    ----------
    actuals : DataFrame
        Key columns (e.g. month, region, metric; any grouping such as channel works) and
        ``actual``. Values to date when ``as_of`` is inside the period.
    targets : DataFrame
        The same key columns, ``target`` and optionally ``direction`` (``higher``/``lower``;
        otherwise taken from the actuals or from :data:`DIRECTIONS` by metric name). The period
        of each row comes from ``start``/``end`` columns, else from the ``period`` column
        (``"2026-10"``, ``"2026Q4"``, ``"2026"``).
    as_of : date, optional
        Last completed day that the actuals include. ``None``: the periods are complete.
    on : list of str, optional
        Key columns; default every column the two tables share except actual, target and
        direction.
    period : str
        Name of the period column (default ``"month"``).
    green, amber : float
        Status thresholds on attainment (``0 < amber <= green``).
    ratios : set of str, optional
        Metrics that are ratios (default :data:`RATIO_METRICS`): their value to date is their
        projection and their expected value to date is the target itself.
    profile : Series, optional
        Daily weights indexed by date (e.g. last year's daily share of the month) for the
        expected value to date; default every day weighs the same.

    Returns
    -------
    DataFrame
        Key columns, then direction, actual, target, attainment, elapsed_days, total_days,
        expected_to_date, pace (actual / expected to date; for lower-is-better metrics above 1
        means over target), projected (end of period), projected_attainment, required_daily
        ((target - actual) / remaining days; additive metrics only), status, status_basis
        (``"actual"`` for complete periods, ``"projection"`` while one runs) and note (why a
        row is grey or has no target). Rows are the union of both tables (a target without
        an actual is grey, an actual without a target has "no target"), sorted by the keys.
        ``attrs``: as_of, thresholds, method.

    Raises
    ------
    InputError
        Missing columns, duplicated keys, values that are not numbers or are negative, a
        direction other than higher/lower, a period that cannot be read.

    Examples
    --------
    >>> a = pd.DataFrame({"month": ["2026-10"] * 2, "metric": ["revenue", "cac"],
    ...                   "actual": [12_000.0, 125.0]})
    >>> t = pd.DataFrame({"month": ["2026-10"] * 2, "metric": ["revenue", "cac"],
    ...                   "target": [31_000.0, 100.0], "direction": ["higher", "lower"]})
    >>> r = kpi_attainment(a, t, as_of="2026-10-10")
    >>> r[["metric", "pace", "projected", "required_daily", "status"]].round(2).to_numpy().tolist()
    [['cac', 1.25, 125.0, nan, 'red'], ['revenue', 1.2, 37200.0, 904.76, 'green']]
    """
    for df, name in ((actuals, "actuals"), (targets, "targets")):
        if not isinstance(df, pd.DataFrame):
            raise InputError(
                f"expected a DataFrame, got {type(df).__name__}",
                table=name,
                fix="pass a pandas DataFrame",
            )
    require_columns(actuals, ["actual"], table="actuals")
    require_columns(targets, ["target"], table="targets")
    if not (0 < amber <= green):
        raise InputError(
            f"thresholds amber={amber} and green={green} are not in order",
            column="amber",
            fix="use 0 < amber <= green, e.g. amber=0.9, green=1.0",
        )
    keys = (
        on
        if on is not None
        else [c for c in actuals.columns if c in targets.columns and c not in _VALUE_COLUMNS]
    )
    if not keys:
        raise InputError(
            "actuals and targets share no key column",
            table="targets",
            fix="give both tables the same key columns (e.g. month, region, metric)",
        )
    require_columns(actuals, keys, table="actuals")
    require_columns(targets, keys, table="targets")
    _check_directions(actuals, "actuals")
    _check_directions(targets, "targets")
    _check_unique(actuals, keys, "actuals")
    _check_unique(targets, keys, "targets")
    a = actuals.reset_index(drop=True).assign(actual=_numbers(actuals, "actual", "actuals"))
    t = targets.reset_index(drop=True).assign(target=_numbers(targets, "target", "targets"))
    a = a[keys + ["actual"] + (["direction"] if "direction" in a else [])]
    extra = [c for c in ("start", "end") if c in t and c not in keys]
    t = t[keys + ["target"] + (["direction"] if "direction" in t else []) + extra]
    merged = t.merge(a, on=keys, how="outer", suffixes=("_t", "_a"), sort=False)
    if "direction" in t and "direction" in a:
        both = merged["direction_t"].notna() & merged["direction_a"].notna()
        clash = both & (merged["direction_t"] != merged["direction_a"])
        if clash.any():
            raise InputError(
                "actuals and targets disagree on the direction of "
                + ", ".join(sorted({str(v) for v in merged.loc[clash, keys[-1]]})),
                table="targets",
                column="direction",
                fix="give each metric one direction",
            )
    elif "direction" in merged:
        merged = merged.rename(
            columns={"direction": "direction_t" if "direction" in t else "direction_a"}
        )
    direction = _directions(merged, keys)
    ratio_set = RATIO_METRICS if ratios is None else frozenset(ratios)
    is_ratio = (
        merged["metric"].isin(ratio_set)
        if "metric" in merged
        else pd.Series(False, index=merged.index)
    )
    actual, target = merged["actual"], merged["target"]
    out = merged[keys].copy()
    out["direction"] = direction
    out["actual"] = actual
    out["target"] = target
    out["attainment"] = _attain(actual, target, direction)

    has_period = ("start" in merged and "end" in merged) or period in merged
    if as_of is not None or has_period:
        start, end = _periods(merged, period)  # refuses as_of without a period
    if as_of is not None:
        when = pd.Timestamp(as_of).normalize()
        elapsed, total, share = _share_elapsed(start, end, when, profile)
    elif has_period:
        total = (end - start).dt.days + 1
        elapsed, share = total, pd.Series(1.0, index=merged.index)
    else:
        total = elapsed = pd.Series(np.nan, index=merged.index)
        share = pd.Series(1.0, index=merged.index)
    out["elapsed_days"] = elapsed
    out["total_days"] = total
    expected = (target * share).where(~is_ratio, target)
    out["expected_to_date"] = expected
    out["pace"] = actual / expected.where(expected != 0)
    projected = (actual / share.where(share > 0)).where(~is_ratio, actual)
    out["projected"] = projected
    out["projected_attainment"] = _attain(projected, target, direction)
    remaining = total - elapsed
    out["required_daily"] = ((target - actual) / remaining.where(remaining > 0)).where(~is_ratio)
    running = (elapsed < total).fillna(False)
    basis = out["projected_attainment"].where(running, out["attainment"])
    status = np.select(
        [basis >= green, basis >= amber, basis < amber], ["green", "amber", "red"], default="grey"
    )
    status = pd.Series(status, index=merged.index, dtype=object)
    note = pd.Series("", index=merged.index, dtype=object)
    no_actual = actual.isna()
    not_started = (elapsed == 0).fillna(False) & ~no_actual
    zero_actual = actual.eq(0) & direction.eq("lower") & target.gt(0)
    status[no_actual | not_started | zero_actual] = "grey"
    note[zero_actual] = "actual is 0: target / actual is undefined"
    note[not_started] = "the period has not started by as_of"
    note[no_actual] = "no actual"
    zero_target = target.eq(0)
    status[target.isna() | zero_target] = "no target"
    note[zero_target] = "target is 0: attainment is undefined; set a positive target"
    note[target.isna()] = "no target"
    out["status"] = status.astype(str)
    out["status_basis"] = np.where(running, "projection", "actual")
    out["note"] = note.astype(str)
    out.attrs.update(
        as_of=None if as_of is None else str(pd.Timestamp(as_of).date()),
        thresholds={"green": green, "amber": amber},
        method="attainment = actual/target (higher is better) or target/actual (lower); "
        "status on projected attainment while a period runs",
    )
    return out


# ---------------------------------------------------------------------------------------------
# Actuals of the sample's KPI definitions (data/sample/README.md)


def _first_orders(orders: pd.DataFrame) -> pd.Series:
    """True for each customer's first-ever order (by date, then order id)."""
    ordered = orders.sort_values(["order_date", "order_id"], kind="stable")
    return ~ordered.duplicated("customer_id").reindex(orders.index)


def kpi_actuals(
    data: Mapping[str, pd.DataFrame],
    months: str | list[str] | None = None,
    regions: str | list[str] | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Monthly actuals of the seven KPI metrics, per region and for ``"all"``.

    The definitions behind ``kpi_targets`` (data/sample/README.md, the same as
    :func:`headline`): revenue, orders and new_customers from the orders table (all channels,
    including direct; a new customer is a customer's first-ever order); spend from
    channel_daily; roas = channel_daily revenue / spend; cac = channel_daily spend /
    channel_daily new_customers (paid and owned channels only); conversion_rate =
    channel_daily orders / clicks. A ratio with a zero denominator is NaN.

    Parameters
    ----------
    data : mapping
        ``orders`` and ``channel_daily`` (validated, see ``mk.load_sample``).
    months : str or list of str, optional
        ``YYYY-MM`` months to return; default all months of the data.
    regions : str or list of str, optional
        Regions (and/or ``"all"``); default every region and ``"all"``.
    as_of : date, optional
        Count only days up to and including ``as_of`` (month to date).

    Returns
    -------
    DataFrame with columns month, region, metric, actual (the shape of ``kpi_targets``).

    Examples
    --------
    >>> import mktkit as mk
    >>> a = mk.kpi_actuals(mk.load_sample(), "2026-10", "north")     # doctest: +SKIP
    >>> a.set_index("metric").loc["revenue", "actual"]               # doctest: +SKIP
    223886.83
    """
    orders, cd = data["orders"], spend_table(data)
    require_columns(
        orders, ["order_id", "customer_id", "order_date", "region", "amount"], table="orders"
    )
    spend_columns = ["date", "region", "spend", "revenue", "new_customers", "orders", "clicks"]
    if cd is None:  # orders only: the spend metrics are NaN (no data)
        cd = pd.DataFrame({c: pd.Series(dtype=float) for c in spend_columns})
        cd = cd.astype({"date": "datetime64[ns]", "region": object})
    require_columns(cd, spend_columns, table="channel_daily")
    o = orders.assign(new=_first_orders(orders), month=month_labels(orders["order_date"]))
    c = cd.assign(month=month_labels(cd["date"]))
    if as_of is not None:
        when = pd.Timestamp(as_of)
        o, c = o[o["order_date"] <= when], c[c["date"] <= when]
    known = sorted(set(orders["region"].unique()) | set(cd["region"].unique()))
    wanted = [regions] if isinstance(regions, str) else regions
    for r in wanted or []:
        if r != "all" and r not in known:
            raise InputError(
                f"region {r!r} is not in the data",
                table="orders",
                column="region",
                fix="use 'all' or one of " + ", ".join(known),
            )
    if months is not None:
        wanted_months = [months] if isinstance(months, str) else list(months)
        for m in wanted_months:
            check_month(m)
        o, c = o[o["month"].isin(wanted_months)], c[c["month"].isin(wanted_months)]

    def table(oo: pd.DataFrame, cc: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        g = oo.groupby(keys, sort=True).agg(
            revenue=("amount", "sum"), orders=("order_id", "size"), new_customers=("new", "sum")
        )
        h = cc.groupby(keys, sort=True).agg(
            spend=("spend", "sum"),
            paid_revenue=("revenue", "sum"),
            paid_new=("new_customers", "sum"),
            paid_orders=("orders", "sum"),
            clicks=("clicks", "sum"),
        )
        m = g.join(h, how="outer")
        m[["revenue", "spend"]] = m[["revenue", "spend"]].round(2)  # cents: exact totals
        m["roas"] = m["paid_revenue"] / m["spend"].where(m["spend"] != 0)
        m["cac"] = m["spend"] / m["paid_new"].where(m["paid_new"] != 0)
        m["conversion_rate"] = m["paid_orders"] / m["clicks"].where(m["clicks"] != 0)
        return m[list(KPI_METRICS)].astype(float)

    by_region = table(o, c, ["month", "region"]).reset_index()
    overall = table(o, c, ["month"]).reset_index().assign(region="all")
    wide = pd.concat([overall, by_region], ignore_index=True)
    if wanted is not None:
        wide = wide[wide["region"].isin(wanted)]
    long = wide.melt(["month", "region"], var_name="metric", value_name="actual")
    order = {m: i for i, m in enumerate(KPI_METRICS)}
    long = long.assign(_r=long["region"].ne("all"), _m=long["metric"].map(order)).sort_values(
        ["month", "_r", "region", "_m"], kind="stable"
    )
    out = long.drop(columns=["_r", "_m"]).reset_index(drop=True)
    out.attrs["as_of"] = None if as_of is None else str(pd.Timestamp(as_of).date())
    return out


@memoized
def kpi_review(
    data: Mapping[str, pd.DataFrame],
    month: str,
    region: str = "all",
    *,
    green: float = 1.0,
    amber: float = 0.90,
) -> pd.DataFrame:
    """The month's KPI table: actuals against ``kpi_targets`` with attainment, pace and status.

    One line for a report: :func:`kpi_actuals` joined to the month's targets and passed
    through :func:`kpi_attainment`. For ``region="all"`` the company rows come first, then
    every region's (the regional misses must show in the company review); otherwise the
    region's rows. When the data end inside the month the actuals are month to date and the
    status is judged on the projection (``as_of`` = the last day of data).

    Examples
    --------
    >>> import mktkit as mk
    >>> k = mk.kpi_review(mk.load_sample(), "2026-10")                      # doctest: +SKIP
    >>> k.query("status == 'red'")[["region", "metric"]].to_numpy().tolist() # doctest: +SKIP
    [['east', 'cac'], ['north', 'revenue']]
    """
    start = check_month(month)
    data_end = data_span(data)[1]
    if data_end < start:
        raise InputError(
            f"the data end on {data_end.date()}, before {month} begins",
            column="month",
            fix="choose a month that the data cover",
        )
    as_of = data_end if data_end < start + pd.offsets.MonthEnd(0) else None
    regions = None if region == "all" else [region]
    actuals = kpi_actuals(data, month, regions, as_of=as_of)
    targets = data["kpi_targets"]
    targets = targets[targets["month"] == month]
    if regions is not None:
        targets = targets[targets["region"].isin(regions)]
    if actuals.empty and targets.empty:
        raise InputError(
            f"no data and no targets for {month}" + ("" if region == "all" else f" in {region}"),
            column="month",
            fix="choose a month that the data cover",
        )
    out = kpi_attainment(actuals, targets, as_of=as_of, green=green, amber=amber)
    order = {m: i for i, m in enumerate(KPI_METRICS)}
    out = (
        out.assign(_r=out["region"].ne("all"), _m=out["metric"].map(order).fillna(len(order)))
        .sort_values(["_r", "region", "_m", "metric"], kind="stable")
        .drop(columns=["_r", "_m"])
        .reset_index(drop=True)
    )
    out.attrs.update(month=month, region=region, data_end=str(data_end.date()))
    return out


# ---------------------------------------------------------------------------------------------
# Period change: MoM / WoW and YoY, like for like


def _daily_frame(
    df: pd.DataFrame, date: str, columns: list[str], by: list[str], table: str
) -> pd.DataFrame:
    """Validated copy with parsed dates and numeric value columns; no row is dropped."""
    require_columns(df, [date, *columns, *by], table=table)
    out = df[[date, *by]].reset_index(drop=True).copy()
    out[date] = date_column(out, date, table=table).dt.normalize()
    for c in columns:
        out[c] = numeric_column(df, c, table=table, allow_empty=False)
    return out


def period_change(
    df: pd.DataFrame,
    date: str = "date",
    value: str | tuple[str, str] = "revenue",
    freq: str = "M",
    *,
    by: str | list[str] | None = None,
    agg: str = "sum",
) -> pd.DataFrame:
    """Change of a metric against the previous period (MoM or WoW) and the same period a year
    earlier (YoY), like for like.

    Change = (current - previous) / \\|previous\\|, NaN on a zero base (docs/methods.md,
    "Cross-cutting"). When the data end inside the last period, that period is compared with
    the same number of days at the start of each comparison period. A comparison whose base the
    data do not cover entirely is NaN (the first periods have no previous year).

    Parameters
    ----------
    df : DataFrame
        Daily (or finer) rows: a date column and the value column(s). Days without rows count
        as zero.
    date : str
        Date column.
    value : str or (numerator, denominator)
        A column to add up, or two columns whose sums make a rate (``("orders", "clicks")`` is
        the conversion rate); rates also get the change in percentage points (a fraction:
        0.012 is 1.2 pp).
    freq : {"M", "W"}
        Calendar months, or weeks Monday to Sunday. YoY compares with the period 12 months
        (``"M"``) or 52 weeks (``"W"``, same weekdays) earlier.
    by : str or list of str, optional
        Grouping columns (region, channel): one series each.
    agg : {"sum", "mean"}
        For a single value column: the period's sum, or its mean per calendar day.

    Returns
    -------
    DataFrame
        [by...], period, start, end (the current window), days, current, previous,
        change_vs_previous, last_year, change_vs_last_year, like_for_like; for rates also
        change_vs_previous_pp and change_vs_last_year_pp. ``attrs["comparisons"]`` names them
        (``{"previous": "MoM", "last_year": "YoY"}``).

    Examples
    --------
    >>> days = pd.date_range("2026-01-01", "2026-03-10")
    >>> df = pd.DataFrame({"date": days, "revenue": 1.0})
    >>> r = period_change(df, value="revenue")
    >>> r[["period", "days", "current", "previous", "change_vs_previous"]].to_numpy().tolist()
    [['2026-01', 31, 31.0, nan, nan], ['2026-02', 28, 28.0, 31.0, -0.0967741935483871], ['2026-03', 10, 10.0, 10.0, 0.0]]
    """
    check_argument("freq", ["M", "W"], freq)
    check_argument("agg", ["sum", "mean"], agg)
    by = [by] if isinstance(by, str) else list(by or [])
    is_rate = isinstance(value, tuple | list)
    if is_rate:
        if len(value) != 2:
            raise InputError(
                f"value={value!r} is neither a column nor a (numerator, denominator) pair",
                column="value",
                fix="pass e.g. value=('orders', 'clicks')",
            )
        columns = list(value)
    else:
        columns = [value]
    d = _daily_frame(df, date, columns, by, "period_change")
    if d.empty:
        raise InputError("has no rows", table="period_change", fix="pass the daily table")
    first, last = d[date].min(), d[date].max()
    days = pd.date_range(first, last, freq="D")
    groups = d.groupby(by, sort=True, dropna=False) if by else [((), d)]
    p_freq = "M" if freq == "M" else "W-SUN"
    year_back = 12 if freq == "M" else 52
    periods = pd.period_range(first.to_period(p_freq), last.to_period(p_freq), freq=p_freq)
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        daily = part.groupby(date)[columns].sum().reindex(days, fill_value=0.0)
        cum = {c: np.concatenate([[0.0], daily[c].cumsum().to_numpy()]) for c in columns}

        def total(c: str, a: pd.Timestamp, b: pd.Timestamp, cum=cum) -> float:
            """Sum of column c over [a, b]; NaN unless the data cover the window entirely."""
            if a < first or b > last:
                return np.nan
            i, j = (a - first).days, (b - first).days + 1
            return float(cum[c][j] - cum[c][i])

        def figure(a: pd.Timestamp, b: pd.Timestamp) -> float:
            if is_rate:
                num, den = total(columns[0], a, b), total(columns[1], a, b)
                return num / den if den else np.nan
            s = total(columns[0], a, b)
            return s / ((b - a).days + 1) if agg == "mean" else s

        for p in periods:
            start, end = p.start_time.normalize(), p.end_time.normalize()
            cut = min(end, last)
            partial = cut < end
            n = (cut - start).days + 1

            def base(q: pd.Period, partial=partial, n=n) -> float:
                a, b = q.start_time.normalize(), q.end_time.normalize()
                if partial:
                    b = min(b, a + pd.Timedelta(days=n - 1))
                return figure(a, b)

            rows.append(
                (
                    *key,
                    str(p),
                    start,
                    cut,
                    n,
                    figure(start, cut),
                    base(p - 1),
                    base(p - year_back),
                    partial,
                )
            )
    out = pd.DataFrame(
        rows,
        columns=[
            *by,
            "period",
            "start",
            "end",
            "days",
            "current",
            "previous",
            "last_year",
            "like_for_like",
        ],
    )
    out["change_vs_previous"] = _relative_change(out["current"], out["previous"])
    out["change_vs_last_year"] = _relative_change(out["current"], out["last_year"])
    cols = [
        *by,
        "period",
        "start",
        "end",
        "days",
        "current",
        "previous",
        "change_vs_previous",
        "last_year",
        "change_vs_last_year",
    ]
    if is_rate:
        out["change_vs_previous_pp"] = out["current"] - out["previous"]
        out["change_vs_last_year_pp"] = out["current"] - out["last_year"]
        cols += ["change_vs_previous_pp", "change_vs_last_year_pp"]
    out = out[[*cols, "like_for_like"]]
    out.attrs.update(
        freq=freq,
        value=value,
        kind="rate" if is_rate else agg,
        comparisons={"previous": "MoM" if freq == "M" else "WoW", "last_year": "YoY"},
        data_end=str(last.date()),
    )
    return out


# ---------------------------------------------------------------------------------------------
# SMART check of goal records

#: SMART elements (Doran 1981, "There's a S.M.A.R.T. way to write management's goals and
#: objectives", Management Review 70(11)): specific, measurable, assignable, realistic,
#: time-related; each with the goal fields it needs.
SMART_ELEMENTS: dict[str, tuple[str, ...]] = {
    "specific": ("metric", "direction"),
    "measurable": ("target", "baseline"),
    "assignable": ("owner",),
    "realistic": ("baseline", "target", "direction"),
    "time_related": ("start", "end"),
}


def _present(values: pd.Series) -> pd.Series:
    text = values.astype(object).map(lambda v: "" if v is None else str(v).strip())
    return values.notna() & text.ne("") & text.str.lower().ne("nan")


def smart_check(
    goals: pd.DataFrame | list[Mapping[str, object]], *, max_change: float = 0.5
) -> pd.DataFrame:
    """Which goals miss which SMART element.

    Checks each goal record (docs/methods.md, "KPIs"): metric and direction present (specific);
    a numeric target and baseline (measurable); an owner (assignable, Doran 1981); the target
    better than the baseline in the goal's direction by at most ``max_change`` (realistic: a
    stated heuristic, not a law); start and end dates with end after start (time-related).
    A missing column counts as a missing field in every goal, never as an error.

    Parameters
    ----------
    goals : DataFrame or list of dict
        Goal records with (some of) metric, direction, target, baseline, owner, start, end;
        a ``goal`` (or ``name``) column names them, else the 1-based row number does.
    max_change : float
        Largest relative improvement over the baseline still called realistic (0.5: +50 % for
        higher-is-better, -50 % for lower-is-better).

    Returns
    -------
    DataFrame
        goal, one boolean column per element (specific, measurable, assignable, realistic,
        time_related), smart (all five), missing (the failed elements, comma-separated) and
        problems (the fields or rules behind them, comma-separated codes).

    Examples
    --------
    >>> g = [{"goal": "G1", "metric": "revenue", "direction": "higher", "target": 110,
    ...       "baseline": 100, "owner": "Li", "start": "2026-01-01", "end": "2026-03-31"},
    ...      {"goal": "G2", "metric": "cac", "target": 80}]
    >>> smart_check(g)[["goal", "smart", "missing"]].to_numpy().tolist()
    [['G1', True, ''], ['G2', False, 'specific, measurable, assignable, realistic, time_related']]
    """
    if isinstance(goals, list):
        goals = pd.DataFrame(goals)
    if not isinstance(goals, pd.DataFrame):
        raise InputError(
            f"expected a DataFrame or a list of dicts, got {type(goals).__name__}",
            table="goals",
            fix="pass one record per goal",
        )
    if max_change <= 0:
        raise InputError(f"max_change={max_change} must be > 0", column="max_change")
    g = goals.reset_index(drop=True)
    n = len(g)
    blank = pd.Series([None] * n, dtype=object)

    def col(name: str) -> pd.Series:
        return g[name] if name in g else blank

    has = {f: _present(col(f)) for f in ("metric", "direction", "owner", "start", "end")}
    numbers = {
        f: pd.to_numeric(col(f), errors="coerce").astype(float) for f in ("target", "baseline")
    }
    for f in ("target", "baseline"):
        has[f] = numbers[f].notna()
    direction = (
        col("direction")
        .astype(object)
        .map(lambda v: str(v).strip().lower() if v is not None else "")
    )
    good_direction = direction.isin(["higher", "lower"])
    start = pd.to_datetime(col("start"), errors="coerce")
    end = pd.to_datetime(col("end"), errors="coerce")
    problems: list[list[str]] = [[] for _ in range(n)]
    for f in ("metric", "direction", "target", "baseline", "owner", "start", "end"):
        for i in np.flatnonzero(~has[f].to_numpy()):
            problems[i].append(f)
    for i in np.flatnonzero((has["direction"] & ~good_direction).to_numpy()):
        problems[i].append("direction_not_higher_or_lower")
    dates_ok = start.notna() & end.notna()
    for i in np.flatnonzero((has["start"] & start.isna()).to_numpy()):
        problems[i].append("start_not_a_date")
    for i in np.flatnonzero((has["end"] & end.isna()).to_numpy()):
        problems[i].append("end_not_a_date")
    for i in np.flatnonzero((dates_ok & (end <= start)).to_numpy()):
        problems[i].append("end_not_after_start")
    base, target = numbers["baseline"], numbers["target"]
    gain = (target - base) / base.abs().where(base != 0)
    gain = gain.where(direction == "higher", -gain)
    judged = has["target"] & has["baseline"] & good_direction & gain.notna()
    for i in np.flatnonzero((judged & (gain <= 0)).to_numpy()):
        problems[i].append("target_not_better_than_baseline")
    for i in np.flatnonzero((judged & (gain > max_change)).to_numpy()):
        problems[i].append("change_above_max_change")
    out = pd.DataFrame(
        {
            "goal": g["goal"] if "goal" in g else g["name"] if "name" in g else range(1, n + 1),
            "specific": has["metric"] & has["direction"] & good_direction,
            "measurable": has["target"] & has["baseline"],
            "assignable": has["owner"],
            "realistic": judged & (gain > 0) & (gain <= max_change),
            "time_related": dates_ok & (end > start),
        }
    )
    elements = list(SMART_ELEMENTS)
    out["smart"] = out[elements].all(axis=1)
    out["missing"] = [", ".join(e for e in elements if not row[e]) for _, row in out.iterrows()]
    out["problems"] = [", ".join(p) for p in problems]
    out.attrs.update(
        convention="Doran 1981: specific, measurable, assignable, realistic, time-related",
        max_change=max_change,
    )
    return out


# ---------------------------------------------------------------------------------------------
# Pacing curve (for the pacing chart)


def pacing_curve(
    df: pd.DataFrame,
    target: float,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    *,
    date: str = "date",
    value: str = "revenue",
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Cumulative actual against the straight line to the target, and the run-rate projection.

    Parameters
    ----------
    df : DataFrame
        Daily rows (summed per day) of an additive metric.
    target : float
        Target for the whole period [start, end].
    as_of : date, optional
        Last completed day with data; default the last date of ``df`` inside the period.

    Returns
    -------
    DataFrame
        One row per day of the period: date, actual (cumulative; NaN after as_of), expected
        (target x elapsed / total days), projected (actual to date plus the run rate to date,
        from as_of on). ``attrs``: target, as_of, projected_end.

    Examples
    --------
    >>> days = pd.date_range("2026-10-01", "2026-10-10")
    >>> p = pacing_curve(pd.DataFrame({"date": days, "revenue": 1200.0}), 31_000,
    ...                  "2026-10-01", "2026-10-31")
    >>> p.attrs["projected_end"], float(p["expected"].iloc[9])
    (37200.0, 10000.0)
    """
    a, b = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if b < a:
        raise InputError("end is before start", column="end", fix="swap start and end")
    d = _daily_frame(df, date, [value], [], "pacing_curve")
    days = pd.date_range(a, b, freq="D")
    daily = d.groupby(date)[value].sum().reindex(days)
    inside = daily.dropna()
    when = (
        pd.Timestamp(as_of).normalize()
        if as_of is not None
        else (inside.index.max() if len(inside) else a - pd.Timedelta(days=1))
    )
    total = len(days)
    elapsed = int(np.clip((when - a).days + 1, 0, total))
    actual = daily.fillna(0.0).cumsum()
    actual[days > when] = np.nan
    to_date = float(actual.iloc[elapsed - 1]) if elapsed else 0.0
    rate = to_date / elapsed if elapsed else np.nan
    step = np.arange(1, total + 1)
    projected = pd.Series(to_date + rate * (step - elapsed), index=days)
    projected[days < when] = np.nan
    out = pd.DataFrame(
        {
            "date": days,
            "actual": actual.to_numpy(),
            "expected": target * step / total,
            "projected": projected.to_numpy(),
        }
    )
    out.attrs.update(
        target=float(target),
        as_of=str(when.date()),
        projected_end=float(to_date + rate * (total - elapsed)),
    )
    return out
