"""Campaign review: a campaign against its goal, before and after, channel split, lessons.

A retrospective (复盘) walks from the goal to the result, then to the causes and the lessons.
The functions here compute each step from ``campaigns`` and ``channel_daily``; the template
``templates/campaign_review.ipynb`` shows them.

Definitions (data/sample/README.md, campaigns.csv):

- A campaign's **results** are the ``channel_daily`` rows of its channel from ``start`` to
  ``end`` (both inclusive), all regions. Its goal metric is a volume summed over those rows
  (revenue, orders, new_customers, spend, impressions, clicks, leads) or a ratio of the sums
  (roas, cpa, cac, cpc, cpm, ctr, cvr / conversion_rate; docs/methods.md, "Channels and
  budget").
- **Attainment** is actual / goal when higher is better and goal / actual when lower is
  better (docs/methods.md, "KPIs"), through :func:`mktkit.kpi.kpi_attainment`.
- Without ``channel_daily``, the results are what the ``orders`` of the campaign's channel
  give (orders, new customers, revenue; :func:`mktkit.channels.orders_daily`); goals on
  spend, clicks or impressions then have no actual (NaN).
- A campaign whose end is after the last day of ``channel_daily`` is **running**: it is judged
  on its pace (actual to date against goal x elapsed / total days; ratios against the goal
  itself) and its run-rate projection, never called a miss.
- **Before** is the window of the same length as the campaign's days with data, just before its
  start; **after** the same length just after its end (complete campaigns only). Both are cut
  to the data, so volumes are compared per day; ``attrs["windows"]`` gives every window's days.

Examples
--------
>>> import mktkit as mk
>>> from mktkit.campaigns import campaign_results
>>> r = campaign_results(mk.load_sample(), "CMP07")                      # doctest: +SKIP
>>> r[["goal_metric", "goal_value", "actual", "status"]].round(2).to_numpy().tolist()  # doctest: +SKIP
[['roas', 2.95, 1.83, 'missed']]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mktkit.channels import RATIOS, VOLUMES, check_channel_table, orders_daily
from mktkit.data.folder import has_table
from mktkit.errors import (
    InputError,
    check_argument,
    date_column,
    numeric_column,
    offending,
    require_columns,
)
from mktkit.formats import fmt_change, fmt_metric, fmt_percent
from mktkit.i18n import LANGS, label, term
from mktkit.kpi import DIRECTIONS, kpi_attainment

#: ratio -> (numerator, denominator, scale); ``conversion_rate`` is the KPI name of CVR.
GOAL_RATIOS: dict[str, tuple[str, str, float]] = {
    **RATIOS,
    "conversion_rate": ("orders", "clicks", 1.0),
}

#: Goal metrics a campaign can be judged on, with the direction in which they are good.
GOAL_METRICS: dict[str, str] = {m: DIRECTIONS[m] for m in (*VOLUMES, *GOAL_RATIOS)}

#: Rows of :func:`campaign_before_after`: volumes per day, then ratios of the window's sums.
BEFORE_AFTER_METRICS: tuple[str, ...] = (
    "spend",
    "revenue",
    "orders",
    "new_customers",
    "clicks",
    "roas",
    "cpa",
    "cac",
    "cvr",
)

#: Statuses of :func:`campaign_results`.
STATUSES: tuple[str, ...] = ("met", "missed", "running", "not_started", "before_data", "no_data")

_CAMPAIGN_COLUMNS = (
    "campaign_id",
    "channel",
    "start",
    "end",
    "budget",
    "goal_metric",
    "goal_value",
)
_TABLE = "campaigns"


# ---------------------------------------------------------------------------------------------
# Inputs


def _campaigns(data: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The campaigns table checked row by row (dates, numbers, metric, key); positional index."""
    if "campaigns" not in data:
        raise InputError(
            "no campaigns table", table=_TABLE, fix="add campaigns.csv (data/sample/README.md)"
        )
    raw = data["campaigns"]
    require_columns(raw, list(_CAMPAIGN_COLUMNS), table=_TABLE)
    df = raw.reset_index(drop=True).copy()
    if "name" not in df:
        df["name"] = df["campaign_id"]
    df["campaign_id"] = df["campaign_id"].astype(str)
    dup = df["campaign_id"].duplicated(keep=False)
    if dup.any():
        raise InputError(
            "has the same campaign_id more than once",
            table=_TABLE,
            column="campaign_id",
            rows=offending(df["campaign_id"], dup),
            fix="give every campaign its own id",
        )
    df["start"] = date_column(df, "start", table=_TABLE).dt.normalize()
    df["open_end"] = _open_ends(df["end"])
    # open ends parse as their start (so rows keep their numbers in messages), then are NaT
    stand_in = df.assign(end=df["end"].where(~df["open_end"], df["start"]))
    ends = date_column(stand_in, "end", table=_TABLE).dt.normalize()
    df["end"] = ends.where(~df["open_end"]).astype("datetime64[ns]")
    swapped = df["end"] < df["start"]
    if swapped.any():
        raise InputError(
            "end is before start",
            table=_TABLE,
            column="end",
            rows=offending(df["end"].dt.strftime("%Y-%m-%d"), swapped),
            fix="end is the last day of the campaign: check whether start and end are swapped",
        )
    for col in ("budget", "goal_value"):
        df[col] = numeric_column(
            df, col, table=_TABLE, allow_empty=False, allow_negative=False
        ).to_numpy()
    unknown = ~df["goal_metric"].isin(list(GOAL_METRICS))
    if unknown.any():
        raise InputError(
            "is not a metric the kit can measure on channel_daily",
            table=_TABLE,
            column="goal_metric",
            rows=offending(df["goal_metric"], unknown),
            fix="use one of " + ", ".join(GOAL_METRICS),
        )
    return df


def _open_ends(end: pd.Series) -> pd.Series:
    """Which campaigns run with no end date: an empty ``end`` or ``9999-12-31``."""
    text = end.map(lambda v: str(v).strip()[:10] if pd.notna(v) else "")
    return (text.isin(["", "9999-12-31"]) | end.isna()).astype(bool)


def _channel_daily(data: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The daily channel table; without one, what the orders give of it (orders, new
    customers and revenue per day, region and channel: :func:`mktkit.channels.orders_daily`),
    so a campaign is reviewed on its sales when the data have no ad spend."""
    if not has_table(data, "channel_daily"):
        if not has_table(data, "orders"):
            raise InputError(
                "no channel_daily and no orders table",
                table="channel_daily",
                fix="add channel_daily.csv or orders.csv (docs/data.md)",
            )
        daily = orders_daily(data["orders"], ["region", "channel"])
        for volume in VOLUMES:  # what only ad data hold: no data (NaN), never 0
            if volume not in daily:
                daily[volume] = np.nan
        daily.attrs["table"] = "orders"
        return daily
    cd = data["channel_daily"]
    require_columns(cd, ["date", "region", "channel"], table="channel_daily")
    return check_channel_table(cd)


def _inputs(data: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Checked campaigns and channel_daily; every campaign's channel must be in channel_daily."""
    camps, cd = _campaigns(data), _channel_daily(data)
    known = sorted(cd["channel"].unique())
    missing = ~camps["channel"].isin(known)
    if missing.any():
        raise InputError(
            f"names a channel that {cd.attrs.get('table', 'channel_daily')} does not have",
            table=_TABLE,
            column="channel",
            rows=offending(camps["channel"], missing),
            fix="use one of " + ", ".join(map(str, known)),
        )
    return camps, cd


def _one(camps: pd.DataFrame, campaign_id: str) -> pd.Series:
    hit = camps.index[camps["campaign_id"] == str(campaign_id)]
    if len(hit) == 0:
        raise InputError(
            f"campaign {campaign_id!r} is not in the table",
            table=_TABLE,
            column="campaign_id",
            fix="use one of " + ", ".join(camps["campaign_id"]),
        )
    return camps.loc[hit[0]]


def _span(a: pd.Timestamp, b: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp, int]:
    return a, b, max(0, (b - a).days + 1)


def _windows(c: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> dict[str, tuple]:
    """Before, during and after of a campaign, each (start, end, days) cut to the data; a
    campaign with no end date runs to the data's last day and has no after."""
    day = pd.Timedelta(days=1)
    end = last if c["open_end"] else c["end"]
    during = _span(max(c["start"], first), min(end, last))
    n = during[2]
    before = _span(max(c["start"] - n * day, first), c["start"] - day)
    after = _span(end + day, min(end + n * day, last))
    return {"before": before, "during": during, "after": after}


def _sums(rows: pd.DataFrame) -> dict[str, float]:
    out = {v: float(rows[v].sum(min_count=1)) if v in rows else np.nan for v in VOLUMES}
    for money in ("spend", "revenue"):
        out[money] = round(out[money], 2)  # cents: the exact total of a 2-decimal column
    return out


def _value(sums: Mapping[str, float], metric: str) -> float:
    if metric in GOAL_RATIOS:
        num, den, scale = GOAL_RATIOS[metric]
        return sums[num] / sums[den] * scale if sums[den] else np.nan
    return sums[metric]


def _window_sums(cd: pd.DataFrame, window: tuple) -> dict[str, float]:
    a, b, days = window
    if not days:
        return dict.fromkeys(VOLUMES, np.nan)
    return _sums(cd[cd["date"].between(a, b)])


def _context(data: Mapping[str, pd.DataFrame], campaign_id: str) -> dict[str, Any]:
    """One campaign with its channel's rows, the data's span and the three windows."""
    camps, cd = _inputs(data)
    c = _one(camps, campaign_id)
    ctx = {"camps": camps}
    first, last = cd["date"].min(), cd["date"].max()
    if c["start"] > last or c["start"] < first:
        when = "after the data end" if c["start"] > last else "before the data begin"
        raise InputError(
            f"campaign {c['campaign_id']!r} starts on {c['start'].date()}, {when} "
            f"({first.date()} .. {last.date()})",
            table=_TABLE,
            column="start",
            rows={int(c.name) + 1: str(c["start"].date())},
            fix="review a campaign that the channel_daily rows cover from its first day",
        )
    return ctx | {
        "campaign": c,
        "cd": cd,
        "own": cd[cd["channel"] == c["channel"]],
        "first": first,
        "last": last,
        "windows": _windows(c, first, last),
    }


def _windows_attrs(windows: Mapping[str, tuple]) -> dict[str, dict[str, Any]]:
    return {
        k: {"start": str(a.date()), "end": str(b.date()), "days": n} if n else {"days": 0}
        for k, (a, b, n) in windows.items()
    }


# ---------------------------------------------------------------------------------------------
# Goal and result


def _stamp(out: pd.DataFrame, ctx: dict[str, Any]) -> None:
    """Name the campaign, its channel and its windows in ``out.attrs``."""
    c = ctx["campaign"]
    out.attrs.update(
        campaign_id=c["campaign_id"], channel=c["channel"], windows=_windows_attrs(ctx["windows"])
    )


def campaign_results(
    data: Mapping[str, pd.DataFrame], campaign_id: str | None = None
) -> pd.DataFrame:
    """Each campaign against its goal: actual, attainment, pace and status.

    Parameters
    ----------
    data : mapping
        ``campaigns`` (campaign_id, name, channel, start, end, budget, goal_metric,
        goal_value) and ``channel_daily`` (date, region, channel and the volumes), e.g.
        ``mk.load_sample()``.
    campaign_id : str, optional
        One campaign; default every campaign of the table.

    Returns
    -------
    DataFrame
        One row per campaign, sorted by start then id: campaign_id, name, channel, start, end,
        total_days, elapsed_days (days with data), status (``met``, ``missed``, ``running``,
        ``not_started``: starts after the data; ``before_data``: starts before the data begin;
        ``no_data``), goal_metric, direction, goal_value, actual (to date), attainment
        (to date), expected_to_date, pace (actual / expected to date), projected (end of
        campaign at the run rate; ratios: the value to date), projected_attainment,
        required_daily (additive goals of running campaigns), budget, budget_to_date (budget x
        elapsed / total), spend, budget_used (spend / budget to date), then the channel's
        revenue, orders, new_customers, roas, cpa and cac over the campaign's days.
        ``attrs``: data_start, data_end, definition.

        A campaign with no end date (``end`` empty or ``9999-12-31``) is ``running`` to the
        data's last day: its ``end`` and ``total_days`` are empty, and so are the figures that
        need an end (expected_to_date, pace, projected, projected_attainment,
        required_daily); its budget_to_date is the whole budget.

    Raises
    ------
    InputError
        An unknown ``campaign_id``; a campaigns row with a bad date, number, goal metric or a
        channel that channel_daily lacks; a bad channel_daily table.

    Examples
    --------
    >>> days = pd.date_range("2026-10-01", periods=4)
    >>> cd = pd.DataFrame({"date": days, "region": "east", "channel": "kol",
    ...                    "spend": 100.0, "impressions": 1000, "clicks": 50,
    ...                    "orders": [2, 3, 4, 5], "revenue": 300.0})
    >>> camps = pd.DataFrame({"campaign_id": ["K1"], "name": ["KOL push"], "channel": ["kol"],
    ...                       "start": ["2026-10-03"], "end": ["2026-10-06"],
    ...                       "budget": [400.0], "goal_metric": ["orders"],
    ...                       "goal_value": [20.0]})
    >>> r = campaign_results({"campaigns": camps, "channel_daily": cd}, "K1")
    >>> r[["status", "elapsed_days", "actual", "pace", "projected"]].to_numpy().tolist()
    [['running', 2, 9.0, 0.9, 18.0]]
    """
    camps, cd = _inputs(data)
    if campaign_id is not None:
        camps = camps.loc[[_one(camps, campaign_id).name]]
    return _results(camps, cd)


def _results(camps: pd.DataFrame, cd: pd.DataFrame) -> pd.DataFrame:
    first, last = cd["date"].min(), cd["date"].max()
    records = []
    for _, c in camps.iterrows():
        w = _windows(c, first, last)["during"]
        started, covered = c["start"] <= last, c["start"] >= first
        rows = cd[(cd["channel"] == c["channel"]) & cd["date"].between(w[0], w[1])]
        sums = _sums(rows) if started and covered else dict.fromkeys(VOLUMES, np.nan)
        records.append(
            {
                "campaign_id": c["campaign_id"],
                "metric": c["goal_metric"],
                "actual": _value(sums, c["goal_metric"]),
                "target": c["goal_value"],
                "direction": GOAL_METRICS[c["goal_metric"]],
                "start": c["start"],
                "end": c["end"],
                "_sums": sums,
                "_state": "ok" if started and covered else "not_started" if covered else "before",
            }
        )
    actuals = pd.DataFrame(
        [
            {k: r[k] for k in ("campaign_id", "metric", "actual", "direction")}
            for r in records
            if r["_state"] == "ok"
        ],
        columns=["campaign_id", "metric", "actual", "direction"],
    )
    targets = pd.DataFrame(
        [{k: r[k] for k in ("campaign_id", "metric", "target", "start", "end")} for r in records]
    )
    # an open end is measured to the data's last day: the pace needs an end and is left empty
    targets["end"] = targets["end"].fillna(last)
    targets["direction"] = [r["direction"] for r in records]
    ratios = frozenset(GOAL_RATIOS)
    att = kpi_attainment(
        actuals, targets, as_of=last, on=["campaign_id", "metric"], ratios=ratios
    ).set_index("campaign_id")
    out = []
    for r, (_, c) in zip(records, camps.iterrows(), strict=True):
        a = att.loc[c["campaign_id"]]
        s = r["_sums"]
        open_end = bool(c["open_end"])
        total = np.nan if open_end else (c["end"] - c["start"]).days + 1
        elapsed = int(a["elapsed_days"]) if r["_state"] == "ok" else 0
        running = r["_state"] == "ok" and (open_end or c["end"] > last)
        paced = elapsed and not open_end
        if r["_state"] == "not_started":
            status = "not_started"
        elif r["_state"] == "before":
            status = "before_data"
        elif running:
            status = "running"
        elif pd.isna(a["attainment"]):
            status = "no_data"
        else:
            status = "met" if a["attainment"] >= 1 else "missed"
        # no end, no share of the days: the whole budget is what may be spent so far
        budget_to_date = c["budget"] if open_end else c["budget"] * elapsed / total
        out.append(
            {
                "campaign_id": c["campaign_id"],
                "name": c["name"],
                "channel": c["channel"],
                "start": c["start"],
                "end": c["end"],
                "total_days": total,
                "elapsed_days": elapsed,
                "status": status,
                "goal_metric": c["goal_metric"],
                "direction": r["direction"],
                "goal_value": c["goal_value"],
                "actual": a["actual"],
                "attainment": a["attainment"],
                "expected_to_date": a["expected_to_date"] if paced else np.nan,
                "pace": a["pace"] if paced else np.nan,
                "projected": a["projected"] if paced else np.nan,
                "projected_attainment": a["projected_attainment"] if paced else np.nan,
                "required_daily": a["required_daily"] if running and not open_end else np.nan,
                "budget": c["budget"],
                "budget_to_date": budget_to_date,
                "spend": s["spend"],
                "budget_used": s["spend"] / budget_to_date if budget_to_date else np.nan,
                "revenue": s["revenue"],
                "orders": s["orders"],
                "new_customers": s["new_customers"],
                "roas": _value(s, "roas"),
                "cpa": _value(s, "cpa"),
                "cac": _value(s, "cac"),
            }
        )
    result = pd.DataFrame(out)
    result = result.sort_values(["start", "campaign_id"], kind="stable").reset_index(drop=True)
    result.attrs.update(
        data_start=str(first.date()),
        data_end=str(last.date()),
        definition="channel_daily rows of the campaign's channel from start to end, all "
        "regions; attainment = actual / goal (higher is better) or goal / actual (lower)",
    )
    return result


# ---------------------------------------------------------------------------------------------
# Before, during, after


def _change(current: float, base: float) -> float:
    """(current - base) / |base|; NaN when the base is 0 or missing (docs/methods.md)."""
    if base is None or not np.isfinite(base) or base == 0 or not np.isfinite(current):
        return np.nan
    return (current - base) / abs(base)


def _per_day(sums: Mapping[str, float], days: int, metric: str) -> float:
    if metric in GOAL_RATIOS:
        return _value(sums, metric)
    return sums[metric] / days if days else np.nan


def campaign_before_after(data: Mapping[str, pd.DataFrame], campaign_id: str) -> pd.DataFrame:
    """The campaign channel before, during and after the campaign, per day, with the change.

    The three windows have the campaign's length in days with data (running campaigns: the
    days so far): *before* ends the day before the start, *after* starts the day after the
    end (complete campaigns only); each is cut to the data, so volumes are daily means.

    Parameters
    ----------
    data : mapping
        ``campaigns`` and ``channel_daily`` (see :func:`campaign_results`).
    campaign_id : str
        The campaign.

    Returns
    -------
    DataFrame
        One row per metric of :data:`BEFORE_AFTER_METRICS`: metric, kind (``per_day`` for
        volumes, ``ratio`` for ratios of the window's sums), direction, before, during, after,
        change_during (during vs before), change_after (after vs before); NaN where a window
        has no days. ``attrs``: campaign_id, channel, windows ({before, during, after}:
        start, end, days).

    Examples
    --------
    >>> days = pd.date_range("2026-10-01", periods=6)
    >>> cd = pd.DataFrame({"date": days, "region": "east", "channel": "kol",
    ...                    "spend": [100.0, 100, 150, 150, 100, 100], "impressions": 1000,
    ...                    "clicks": 50, "orders": 2, "revenue": [300.0, 300, 600, 600, 400, 400]})
    >>> camps = pd.DataFrame({"campaign_id": ["K1"], "channel": ["kol"],
    ...                       "start": ["2026-10-03"], "end": ["2026-10-04"], "budget": [300.0],
    ...                       "goal_metric": ["revenue"], "goal_value": [1000.0]})
    >>> ba = campaign_before_after({"campaigns": camps, "channel_daily": cd}, "K1")
    >>> ba.set_index("metric").loc["revenue", ["before", "during", "after", "change_during"]].tolist()
    [300.0, 600.0, 400.0, 1.0]
    """
    return _before_after(_context(data, campaign_id))


def _before_after(ctx: Mapping[str, Any]) -> pd.DataFrame:
    sums = {k: _window_sums(ctx["own"], w) for k, w in ctx["windows"].items()}
    days = {k: w[2] for k, w in ctx["windows"].items()}
    rows = []
    for m in BEFORE_AFTER_METRICS:
        v = {k: _per_day(sums[k], days[k], m) for k in sums}
        rows.append(
            {
                "metric": m,
                "kind": "ratio" if m in GOAL_RATIOS else "per_day",
                "direction": GOAL_METRICS[m],
                "before": v["before"],
                "during": v["during"],
                "after": v["after"],
                "change_during": _change(v["during"], v["before"]),
                "change_after": _change(v["after"], v["before"]),
            }
        )
    out = pd.DataFrame(rows)
    _stamp(out, ctx)
    return out


def campaign_daily(data: Mapping[str, pd.DataFrame], campaign_id: str) -> pd.DataFrame:
    """The campaign channel's daily totals (all regions) over before, during and after.

    Returns
    -------
    DataFrame
        date, window (``before``, ``during``, ``after``), spend, impressions, clicks, leads,
        orders, new_customers, revenue, roas; one row per day with data, in date order (for
        :func:`mktkit.plots.plot_campaign_timeline`). ``attrs``: campaign_id, channel,
        windows.

    Examples
    --------
    >>> days = pd.date_range("2026-10-01", periods=3)
    >>> cd = pd.DataFrame({"date": days, "region": "east", "channel": "kol", "spend": 100.0,
    ...                    "impressions": 1000, "clicks": 50, "orders": 2,
    ...                    "revenue": [200.0, 500.0, 300.0]})
    >>> camps = pd.DataFrame({"campaign_id": ["K1"], "channel": ["kol"],
    ...                       "start": ["2026-10-02"], "end": ["2026-10-02"], "budget": [100.0],
    ...                       "goal_metric": ["revenue"], "goal_value": [400.0]})
    >>> d = campaign_daily({"campaigns": camps, "channel_daily": cd}, "K1")
    >>> d[["window", "roas"]].to_numpy().tolist()
    [['before', 2.0], ['during', 5.0], ['after', 3.0]]
    """
    ctx = _context(data, campaign_id)
    present = [v for v in VOLUMES if v in ctx["own"]]
    frames = []
    for name, (a, b, n) in ctx["windows"].items():
        if not n:
            continue
        part = ctx["own"][ctx["own"]["date"].between(a, b)]
        daily = part.groupby("date", sort=True)[present].sum(min_count=1).reset_index()
        frames.append(daily.assign(window=name))
    out = pd.concat(frames, ignore_index=True).sort_values("date", kind="stable")
    out["roas"] = out["revenue"] / out["spend"].where(out["spend"] != 0)
    out = out[["date", "window", *present, "roas"]].reset_index(drop=True)
    _stamp(out, ctx)
    return out


# ---------------------------------------------------------------------------------------------
# Channel and region split


def _split_rows(cd: pd.DataFrame, windows: Mapping[str, tuple], by: str) -> pd.DataFrame:
    rows = {}
    for k in ("before", "during"):
        a, b, n = windows[k]
        part = cd[cd["date"].between(a, b)] if n else cd.iloc[:0]
        g = part.groupby(by, sort=True)[["spend", "revenue"]].sum(min_count=1)
        rows[k] = g.reindex(sorted(cd[by].unique()), fill_value=0.0) / n if n else None
    keys = sorted(cd[by].unique())
    out = pd.DataFrame({by: keys})
    for k in ("before", "during"):
        g = rows[k]
        for v in ("spend", "revenue"):
            out[f"{v}_{k}"] = g[v].to_numpy() if g is not None else np.nan
    for v in ("spend", "revenue"):
        out[f"{v}_change"] = [
            _change(d, b) for d, b in zip(out[f"{v}_during"], out[f"{v}_before"], strict=True)
        ]
    for k in ("before", "during"):
        for v in ("spend", "revenue"):
            total = out[f"{v}_{k}"].sum()
            out[f"{v}_share_{k}"] = out[f"{v}_{k}"] / total if total else np.nan
        out[f"roas_{k}"] = out[f"revenue_{k}"] / out[f"spend_{k}"].where(out[f"spend_{k}"] != 0)
    out["revenue_share_change_pp"] = out["revenue_share_during"] - out["revenue_share_before"]
    return out


def campaign_split(
    data: Mapping[str, pd.DataFrame], campaign_id: str, by: str = "channel"
) -> pd.DataFrame:
    """Spend and revenue per day before and during the campaign, split by channel or region.

    ``by="channel"``: every channel of channel_daily (all regions), so a campaign that grew
    its channel's share while the others dipped shows as cannibalisation, and one whose
    channel grew with the others unchanged shows as lift. ``by="region"``: the campaign
    channel's figures per region. The windows are those of :func:`campaign_before_after`.

    Parameters
    ----------
    data : mapping
        ``campaigns`` and ``channel_daily`` (see :func:`campaign_results`).
    campaign_id : str
        The campaign.
    by : {"channel", "region"}
        The split.

    Returns
    -------
    DataFrame
        One row per channel (the campaign's first, then by name) or per region (by name):
        [by], spend_before, revenue_before, spend_during, revenue_during (per day),
        spend_change, revenue_change (during vs before), spend_share_before,
        revenue_share_before, roas_before, spend_share_during, revenue_share_during,
        roas_during, revenue_share_change_pp (a difference of fractions); for channels also
        is_campaign_channel. ``attrs``: campaign_id, channel, windows, and for channels
        ``others``: the other channels together (revenue_before, revenue_during,
        revenue_change per day).

    Examples
    --------
    >>> cd = pd.DataFrame({"date": pd.to_datetime(["2026-10-01"] * 2 + ["2026-10-02"] * 2),
    ...                    "region": "east", "channel": ["kol", "search"] * 2,
    ...                    "spend": 100.0, "impressions": 1000, "clicks": 50, "orders": 2,
    ...                    "revenue": [100.0, 300.0, 400.0, 200.0]})
    >>> camps = pd.DataFrame({"campaign_id": ["K1"], "channel": ["kol"],
    ...                       "start": ["2026-10-02"], "end": ["2026-10-02"], "budget": [100.0],
    ...                       "goal_metric": ["revenue"], "goal_value": [300.0]})
    >>> s = campaign_split({"campaigns": camps, "channel_daily": cd}, "K1")
    >>> s[["channel", "revenue_share_before", "revenue_share_during"]].to_numpy().tolist()
    [['kol', 0.25, 0.6666666666666666], ['search', 0.75, 0.3333333333333333]]
    >>> s.attrs["others"]["revenue_change"]
    -0.3333333333333333
    """
    check_argument("by", ["channel", "region"], by)
    return _split(_context(data, campaign_id), by)


def _split(ctx: Mapping[str, Any], by: str) -> pd.DataFrame:
    c, w = ctx["campaign"], ctx["windows"]
    if by == "region":
        out = _split_rows(ctx["own"], w, "region")
    else:
        out = _split_rows(ctx["cd"], w, "channel")
        out["is_campaign_channel"] = out["channel"] == c["channel"]
        out = out.sort_values(
            ["is_campaign_channel", "channel"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
        others = out[~out["is_campaign_channel"]]
        before, during = others["revenue_before"].sum(), others["revenue_during"].sum()
        before = before if w["before"][2] else np.nan
        out.attrs["others"] = {
            "revenue_before": float(before),
            "revenue_during": float(during),
            "revenue_change": float(_change(during, before)),
        }
    out.attrs.update(
        campaign_id=c["campaign_id"], channel=c["channel"], windows=_windows_attrs(w), by=by
    )
    return out


# ---------------------------------------------------------------------------------------------
# Lessons learned


def _tone(change: float, direction: str, threshold: float) -> str:
    """good / bad for a change beyond ``threshold`` in the metric's direction, else neutral."""
    if abs(change) < threshold:
        return "neutral"
    return "good" if (change > 0) == (direction == "higher") else "bad"


#: The cost per result that a goal metric's campaign is judged by in the lessons.
COST_PER_RESULT: dict[str, str] = {
    "new_customers": "cac",
    "cac": "cac",
    "clicks": "cpc",
    "cpc": "cpc",
    "ctr": "cpc",
    "impressions": "cpm",
    "cpm": "cpm",
}


def campaign_lessons(
    data: Mapping[str, pd.DataFrame],
    campaign_id: str,
    lang: str = "zh",
    *,
    threshold: float = 0.05,
) -> pd.DataFrame:
    """Lessons learned, as rule-based sentences drawn from the numbers of the review.

    The rules, in order (each gives at most one sentence):

    1. ``goal``: met, or missed by how much (1 - attainment); a running campaign gives its day,
       pace and run-rate projection instead, never a miss.
    2. ``roas``: the channel's ROAS during against the same number of days before.
    3. ``other_channels``: the other channels' revenue per day during against before. A fall
       of more than ``threshold`` while the campaign channel grew reads as possible
       cannibalisation (else a weak period for all); a rise of more than ``threshold`` as a
       wider (seasonal) lift the campaign shares when its channel grew too, and as the
       channel losing ground when it did not; otherwise the change is the campaign's own.
    4. ``cost_per_result``: cost per order (CPA), per new customer (CAC) for new-customer goals,
       per click or per thousand impressions for reach goals, during against before.
    5. ``after``: whether the channel's revenue per day stayed above the before level after the
       end (by more than ``threshold``): a lasting lift, or none.
    6. ``budget``: spend against the budget (to date while it runs).

    A tone is ``good`` or ``bad`` only for a move beyond ``threshold`` in the metric's
    direction (ROAS up, cost down); smaller moves are ``neutral``.

    Parameters
    ----------
    data : mapping
        ``campaigns`` and ``channel_daily`` (see :func:`campaign_results`).
    campaign_id : str
        The campaign.
    lang : {"zh", "en"}
        Language of the sentences (their templates are in :mod:`mktkit.i18n`).
    threshold : float
        Relative change treated as a real move (default 5 %).

    Returns
    -------
    DataFrame
        topic, tone (``good``, ``bad``, ``neutral``), text (plain text: escape it for HTML),
        value (the number the sentence turns on: attainment, a change, a ratio).

    Examples
    --------
    >>> days = pd.date_range("2026-10-01", periods=6)
    >>> cd = pd.DataFrame({"date": days, "region": "east", "channel": "kol",
    ...                    "spend": 100.0, "impressions": 1000, "clicks": 50, "orders": 2,
    ...                    "revenue": [300.0, 300, 600, 600, 300, 300]})
    >>> camps = pd.DataFrame({"campaign_id": ["K1"], "channel": ["kol"],
    ...                       "start": ["2026-10-03"], "end": ["2026-10-04"], "budget": [200.0],
    ...                       "goal_metric": ["revenue"], "goal_value": [1000.0]})
    >>> les = campaign_lessons({"campaigns": camps, "channel_daily": cd}, "K1", "en")
    >>> print(les.loc[0, "text"])
    Goal met: Revenue ¥1,200 against a goal of ¥1,000 (120.0% attained).
    """
    check_argument("lang", LANGS, lang)
    if not threshold > 0:
        raise InputError(f"threshold={threshold} must be > 0", column="threshold")
    ctx = _context(data, campaign_id)
    c = ctx["campaign"]
    res = _results(ctx["camps"].loc[[c.name]], ctx["cd"]).iloc[0]
    ba = _before_after(ctx).set_index("metric")
    split = _split(ctx, "channel")
    windows = ba.attrs["windows"]
    goal = res["goal_metric"]
    channel = term(res["channel"], lang, "channel")

    def say(key: str, **values: Any) -> str:
        return label(f"lesson_{key}", lang).format(channel=channel, **values)

    lessons: list[tuple[str, str, str, float]] = []
    # 1. the goal
    metric = term(goal, lang, "metric")
    shown = {
        "metric": metric,
        "actual": fmt_metric(goal, res["actual"], lang),
        "goal": fmt_metric(goal, res["goal_value"], lang),
        "attainment": fmt_percent(res["attainment"], 1),
    }
    if res["status"] == "running":
        key = "running_ratio" if goal in GOAL_RATIOS else "running"
        good = res["projected_attainment"] >= 1
        text = say(
            key,
            elapsed=res["elapsed_days"],
            total=res["total_days"],
            pace=fmt_percent(res["pace"], 1),
            projected=fmt_metric(goal, res["projected"], lang),
            projected_attainment=fmt_percent(res["projected_attainment"], 1),
            **shown,
        )
        lessons.append(("goal", "good" if good else "bad", text, res["pace"]))
    elif res["status"] in ("met", "missed"):
        met = res["status"] == "met"
        gap = fmt_percent(abs(1 - res["attainment"]), 1)
        text = say("goal_met" if met else "goal_missed", gap=gap, **shown)
        lessons.append(("goal", "good" if met else "bad", text, res["attainment"]))
    # 2. ROAS during against before (a move within the threshold is no news either way)
    n_before = windows["before"]["days"]
    before, during = ba.loc["roas", "before"], ba.loc["roas", "during"]
    change = ba.loc["roas", "change_during"]
    if n_before and np.isfinite(change):
        text = say(
            "roas_up" if change >= 0 else "roas_down",
            days=n_before,
            before=fmt_metric("roas", before, lang),
            during=fmt_metric("roas", during, lang),
            change=fmt_change(change),
        )
        lessons.append(("roas", _tone(change, "higher", threshold), text, change))
    elif not n_before:
        lessons.append(("roas", "neutral", say("no_before"), np.nan))
    # 3. the other channels: cannibalisation, a shared lift, or the campaign's own change
    others = split.attrs["others"]["revenue_change"]
    own = ba.loc["revenue", "change_during"]
    if np.isfinite(others) and np.isfinite(own):
        values = {
            "others": fmt_percent(abs(others), 1),
            "own": fmt_percent(abs(own), 1),
            "others_change": fmt_change(others),
            "own_change": fmt_change(own),
        }
        if others <= -threshold:
            key, tone = ("others_cannibal", "bad") if own > 0 else ("others_fell", "neutral")
        elif others >= threshold:
            key, tone = ("others_rose", "neutral") if own > 0 else ("others_rose_own_fell", "bad")
        else:
            key, tone = "others_steady", "good" if own > 0 else "neutral"
        lessons.append(("other_channels", tone, say(key, **values), others))
    # 4. cost per result
    cost = COST_PER_RESULT.get(goal, "cpa")
    cb, cdur = (
        _value(_window_sums(ctx["own"], ctx["windows"][k]), cost) for k in ("before", "during")
    )
    change = _change(cdur, cb)
    if np.isfinite(change):
        text = say(
            "cost_down" if change <= 0 else "cost_up",
            cost=term(cost, lang, "metric"),
            before=fmt_metric(cost, cb, lang),
            during=fmt_metric(cost, cdur, lang),
            change=fmt_change(change),
        )
        lessons.append(("cost_per_result", _tone(change, "lower", threshold), text, change))
    # 5. after the end
    after = ba.loc["revenue", "change_after"]
    if windows["after"]["days"] and np.isfinite(after):
        lasting = after >= threshold
        text = say(
            "after_lasting" if lasting else "after_faded",
            days=windows["after"]["days"],
            change=fmt_change(after),
        )
        lessons.append(("after", "good" if lasting else "neutral", text, after))
    # 6. budget
    used = res["budget_used"]
    if np.isfinite(used):
        key = "budget_running" if res["status"] == "running" else "budget"
        tone = "bad" if used > 1 + threshold else "neutral"
        text = say(
            key,
            spend=fmt_metric("spend", res["spend"], lang),
            budget=fmt_metric("budget", res["budget_to_date"], lang),
            used=fmt_percent(used, 1),
        )
        lessons.append(("budget", tone, text, used))
    out = pd.DataFrame(lessons, columns=["topic", "tone", "text", "value"])
    out.attrs.update(campaign_id=res["campaign_id"], lang=lang, threshold=threshold)
    return out


__all__ = [
    "BEFORE_AFTER_METRICS",
    "COST_PER_RESULT",
    "GOAL_METRICS",
    "GOAL_RATIOS",
    "STATUSES",
    "campaign_before_after",
    "campaign_daily",
    "campaign_lessons",
    "campaign_results",
    "campaign_split",
]
