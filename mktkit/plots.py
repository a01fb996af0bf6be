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


def _step_label(step: str, lang: str) -> str:
    # event names have labels; "a | b" lists and custom labels come back as they are
    return " | ".join(str(label(s, lang, kind="event")) for s in str(step).split(" | "))


def _segments(result: pd.DataFrame, fixed: set[str]) -> list[str]:
    return [c for c in result.columns if c not in fixed]


_FUNNEL_COLUMNS = {
    "step",
    "step_index",
    "users",
    "conversion_from_previous",
    "conversion_from_first",
    "drop_off",
    "drop_off_count",
    "biggest_leak",
    "median_time_to_convert",
    "p90_time_to_convert",
}


def plot_funnel(
    result: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en", show_leak: bool = True
) -> Axes:
    """Bars of users per step, labelled with the conversion from the first step.

    Segments (the ``by`` columns of the funnel) are drawn side by side in each step; the
    biggest leak is marked with its conversion from the previous step.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`mktkit.funnel`, :func:`mktkit.funnel_from_counts` or
        :func:`mktkit.aarrr`.
    show_leak : bool
        Mark the step(s) with the lowest conversion from the previous step.

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_funnel(mk.funnel(mk.load_sample()["events"], ["visit", "purchase"]))  # doctest: +SKIP
    """
    import numpy as np

    ax = _axes(ax)
    by = _segments(result, _FUNNEL_COLUMNS)
    steps = result.drop_duplicates("step_index").sort_values("step_index")
    groups = list(result.groupby(by, sort=True, dropna=False)) if by else [((), result)]
    width = 0.8 / len(groups)
    for g, (key, part) in enumerate(groups):
        part = part.sort_values("step_index")
        x = part["step_index"].to_numpy() - 1 + (g - (len(groups) - 1) / 2) * width
        name = " · ".join(str(label(k, lang)) for k in (key if isinstance(key, tuple) else (key,)))
        bars = ax.bar(
            x, part["users"].to_numpy(dtype=float), width=width * 0.95, label=name or None
        )
        texts = [
            "" if np.isnan(c) else f"{c:.1%}" for c in part["conversion_from_first"].to_numpy(float)
        ]
        ax.bar_label(bars, labels=texts, padding=2, fontsize="small")
        if show_leak and "biggest_leak" in part:
            for xi, (leak, conv, users) in zip(
                x,
                part[["biggest_leak", "conversion_from_previous", "users"]].to_numpy(),
                strict=True,
            ):
                if leak:
                    ax.annotate(
                        f"▼ {conv:.1%}",
                        (xi, users),
                        xytext=(0, 14),
                        textcoords="offset points",
                        ha="center",
                        fontsize="small",
                        color="#b3261e",
                    )
    ax.set_xticks(range(len(steps)), [_step_label(s, lang) for s in steps["step"]])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylabel(label("users", lang))
    ax.set_title(label("funnel", lang), loc="left")
    ax.grid(axis="x", visible=False)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.15)  # room for the labels above the bars
    if by:
        ax.legend(frameon=False, ncols=min(len(groups), 4), loc="upper right")
    return ax


def plot_funnel_trend(
    trend: pd.DataFrame,
    ax: Axes | None = None,
    *,
    step: str | int | None = None,
    lang: str = "en",
) -> Axes:
    """Conversion from the first step by the period users entered the funnel.

    Without segments one line per step after the first; with segments one line per segment
    for ``step`` (default: the last step).

    Parameters
    ----------
    trend : DataFrame
        Output of :func:`mktkit.funnel_trend` (column ``period``).
    step : str or int, optional
        The step (label or ``step_index``) to draw when the trend has segments, or to draw
        alone.

    Examples
    --------
    >>> import mktkit as mk
    >>> t = mk.funnel_trend(mk.load_sample()["events"], ["visit", "purchase"], freq="M")  # doctest: +SKIP
    >>> ax = mk.plot_funnel_trend(t)                                                   # doctest: +SKIP
    """
    ax = _axes(ax)
    by = _segments(trend, _FUNNEL_COLUMNS | {"period"})
    steps = trend.drop_duplicates("step_index").sort_values("step_index")
    if step is None:
        chosen = [int(steps["step_index"].max())] if by else steps["step_index"].tolist()[1:]
    else:
        hit = steps[(steps["step"] == step) | (steps["step_index"] == step)]
        if hit.empty:
            from mktkit.errors import InputError

            raise InputError(f"{step!r} is not a step of this trend", column="step")
        chosen = [int(hit["step_index"].iloc[0])]
    data = trend[trend["step_index"].isin(chosen)].sort_values("period")
    keys = ["step_index", *by]
    for key, part in data.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        name = _step_label(steps.loc[steps["step_index"] == key[0], "step"].iloc[0], lang)
        if by:
            name = " · ".join(str(label(k, lang)) for k in key[1:])
        ax.plot(part["period"], part["conversion_from_first"], marker="o", markersize=3, label=name)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_ylabel(label("conversion_from_first", lang))
    ax.set_xlabel(label("period", lang))
    ax.set_title(f"{label('funnel', lang)} · {label('conversion_from_first', lang)}", loc="left")
    ax.legend(frameon=False, loc="best")
    return ax
