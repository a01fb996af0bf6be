"""Evidence from the data: the number behind a SWOT claim, computed by the kit.

A SWOT item may name a metric with the rows and the period it is about::

    evidence: {metric: roas, where: {channel: display}, period: 2026-10}

:func:`evidence_values` computes every such number from the tables (``mk.load_sample()`` or a
user's folder), so the strategy workshop shows the figure of the data beside the claim rather
than a number typed into a slide. Metrics the kit cannot compute (say ``checkout_complaints``,
read from comments by a person) keep the value written in the file.

Definitions (docs/methods.md, "SWOT, TOWS, IFE/EFE, IE, SPACE"): ``roas`` = channel_daily
revenue / spend; ``revenue_share`` = order revenue of the rows matching ``where`` / all order
revenue; ``repurchase_rate`` = customers with 2+ orders / customers with 1+ orders, counting
orders inside the period; ``aov`` = order revenue / orders; ``nps`` = 100 x (promoters -
detractors) / responses (9-10 promoters, 0-6 detractors). Periods are inclusive: ``2026-10``
is the whole month, ``2025-11..2026-10`` runs from 2025-11-01 to 2026-10-31, days may be given
as ``2026-10-09..2026-10-31``.

Examples
--------
>>> import mktkit as mk
>>> swot = mk.load_swot()                                          # doctest: +SKIP
>>> values = evidence_values(swot, mk.load_sample())               # doctest: +SKIP
>>> values["W1"]                                                   # doctest: +SKIP
(1.0988..., 'computed from channel_daily channel=display, 2026-10')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from mktkit.errors import InputError, require_columns


def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (inclusive) of ``"2026-10"``, ``"2025-11..2026-10"`` or day ranges.

    Examples
    --------
    >>> [str(d.date()) for d in period_bounds("2025-11..2026-10")]
    ['2025-11-01', '2026-10-31']
    """
    first, _, last = period.partition("..")
    last = last or first

    def day(text: str, end: bool) -> pd.Timestamp:
        if len(text) == 7:  # a month
            month = pd.Period(text, freq="M")
            return pd.Timestamp((month.end_time if end else month.start_time).date())
        return pd.Timestamp(text)

    try:
        start, stop = day(first, False), day(last, True)
    except ValueError as exc:
        raise InputError(
            f"{period!r} is not a period", column="period", fix="write 2026-10 or 2025-11..2026-10"
        ) from exc
    if stop < start:
        raise InputError(f"{period!r} ends before it starts", column="period")
    return start, stop


def _rows(df: pd.DataFrame, date: str, period: str, where: Mapping[str, str], table: str):
    require_columns(df, [date, *where], table=table)
    start, stop = period_bounds(period)
    keep = df[date].between(start, stop)
    for column, value in where.items():
        keep &= df[column] == value
    return df[keep], df[df[date].between(start, stop)]


def _ratio(num: float, den: float) -> float:
    return num / den if den else float("nan")


def _roas(data, period, where):
    rows, _ = _rows(data["channel_daily"], "date", period, where, "channel_daily")
    return _ratio(rows["revenue"].sum(), rows["spend"].sum()), "channel_daily"


def _revenue_share(data, period, where):
    rows, everything = _rows(data["orders"], "order_date", period, where, "orders")
    return _ratio(rows["amount"].sum(), everything["amount"].sum()), "orders"


def _repurchase_rate(data, period, where):
    rows, _ = _rows(data["orders"], "order_date", period, where, "orders")
    per_customer = rows.groupby("customer_id").size()
    return _ratio(int((per_customer >= 2).sum()), len(per_customer)), "orders"


def _aov(data, period, where):
    rows, _ = _rows(data["orders"], "order_date", period, where, "orders")
    return _ratio(rows["amount"].sum(), len(rows)), "orders"


def _nps(data, period, where):
    rows, _ = _rows(data["nps"], "date", period, where, "nps")
    score = rows["score"]
    return _ratio(100.0 * (int((score >= 9).sum()) - int((score <= 6).sum())), len(score)), "nps"


#: metric name -> (table it reads, function(data, period, where) -> (value, table)).
METRICS: dict[str, tuple[str, Callable[[Any, str, Mapping[str, str]], tuple[float, str]]]] = {
    "roas": ("channel_daily", _roas),
    "revenue_share": ("orders", _revenue_share),
    "repurchase_rate": ("orders", _repurchase_rate),
    "aov": ("orders", _aov),
    "nps": ("nps", _nps),
}


def _has(data: Mapping[str, Any], table: str) -> bool:
    """A table is there: a key of a dict, or an existing file of ``mk.load_sample(path)``."""
    files = getattr(data, "files", None)
    return files[table].is_file() if files is not None and table in files else table in data


def evidence_values(swot: Any, data: Mapping[str, pd.DataFrame]) -> dict[str, tuple[float, str]]:
    """Compute the evidence of every item whose metric the kit knows and whose period is given.

    Parameters
    ----------
    swot : mktkit.SWOT
        Items with :class:`mktkit.strategy.swot_items.Evidence` (``metric``, ``where``,
        ``period``).
    data : mapping
        The validated tables (``mk.load_sample(path)``).

    Returns
    -------
    dict
        item id -> (value, source), ready for ``swot.with_evidence``. Items without a period,
        with a metric not in :data:`METRICS` or whose table is missing are left out (they keep
        their written value).
    """
    out: dict[str, tuple[float, str]] = {}
    for item in swot.items:
        ev = item.evidence
        if ev is None or ev.period is None or ev.metric not in METRICS:
            continue
        table, compute = METRICS[ev.metric]
        if not _has(data, table):
            continue
        where = dict(ev.where or {})
        value, table = compute(data, ev.period, where)
        scope = " ".join(f"{k}={v}" for k, v in where.items())
        out[item.id] = (
            float(value),
            f"computed from {table}{' ' + scope if scope else ''}, {ev.period}",
        )
    return out
