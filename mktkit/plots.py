"""Every figure of the kit.

Each function takes the output of an analysis function (a tidy DataFrame), an optional ``ax=``
and ``lang=``, draws on that Axes and returns it, so that a figure composes with anything else
the user draws. No computation happens here beyond what drawing needs.

This module is shared by several areas (headline, funnels, ...): add functions, never rewrite it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from mktkit.i18n import label


def _axes(ax: Axes | None, size: tuple[float, float] = (9, 3.6)) -> Axes:
    return ax if ax is not None else plt.subplots(figsize=size, layout="constrained")[1]


def plot_monthly_totals(
    totals: pd.DataFrame,
    metric: str = "revenue",
    *,
    highlight: str | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Bars of a metric by month, the reviewed month and the same month last year marked.

    Parameters
    ----------
    totals : DataFrame
        Output of :func:`mktkit.kpi.monthly_totals` (columns month, ``metric``).
    metric : str
        Column to draw.
    highlight : str, optional
        ``YYYY-MM`` of the reviewed month: drawn in the accent colour; the same month a year
        earlier is drawn darker grey, so the year-over-year comparison is visible at a glance.

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_monthly_totals(mk.monthly_totals(mk.load_sample()), highlight="2026-10")  # doctest: +SKIP
    """
    ax = _axes(ax)
    months = totals["month"].astype(str).tolist()
    last_year = f"{int(highlight[:4]) - 1}{highlight[4:]}" if highlight else None
    colors = [
        "#1f5f99" if m == highlight else "#7b8794" if m == last_year else "#c5ccd3" for m in months
    ]
    ax.bar(range(len(months)), totals[metric].to_numpy(dtype=float), color=colors, width=0.8)
    step = max(1, len(months) // 12)
    ax.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title(f"{label(metric, lang)} · {label('by_month', lang)}", loc="left")
    ax.set_xlabel("")
    ax.grid(axis="x", visible=False)
    if highlight:
        keys = {"#1f5f99": "this_month", "#7b8794": "same_month_last_year"}
        handles = [Patch(color=c, label=label(k, lang)) for c, k in keys.items() if c in colors]
        ax.legend(handles=handles, loc="upper left", frameon=False, ncols=len(handles))
        ax.set_ylim(top=ax.get_ylim()[1] * 1.1)  # room for the legend above the tallest bar
    return ax
