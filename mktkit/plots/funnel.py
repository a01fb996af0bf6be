"""Funnel figures: users per step (:func:`plot_funnel`) and conversion over time
(:func:`plot_funnel_trend`), from the tables of :mod:`mktkit.funnel`.

The method is in docs/methods.md, "Funnels and AARRR".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from mktkit.errors import InputError
from mktkit.i18n import label
from mktkit.plots.axes import ready_axes, title_y
from mktkit.plots.docstrings import fill_doc


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


@fill_doc
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
    {ax}
    {lang}
    show_leak : bool
        Mark the step(s) with the lowest conversion from the previous step.

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_funnel(mk.funnel(mk.load_sample()["events"], ["visit", "purchase"]))  # doctest: +SKIP
    """
    own, ax = ax is None, ready_axes(ax)
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
    ax.set_title(label("funnel", lang), loc="left", y=title_y(ax, own))
    ax.grid(axis="x", visible=False)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.15)  # room for the labels above the bars
    if by:
        ax.legend(frameon=False, ncols=min(len(groups), 4), loc="upper right")
    return ax


@fill_doc
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
    {ax}
    step : str or int, optional
        The step (label or ``step_index``) to draw when the trend has segments, or to draw
        alone.
    {lang}

    {returns}

    Raises
    ------
    InputError
        ``step`` is not a step of the trend.

    Examples
    --------
    >>> import mktkit as mk
    >>> t = mk.funnel_trend(mk.load_sample()["events"], ["visit", "purchase"], freq="M")  # doctest: +SKIP
    >>> ax = mk.plot_funnel_trend(t)                                                   # doctest: +SKIP
    """
    ax = ready_axes(ax)
    by = _segments(trend, _FUNNEL_COLUMNS | {"period", "complete"})
    steps = trend.drop_duplicates("step_index").sort_values("step_index")
    if step is None:
        chosen = [int(steps["step_index"].max())] if by else steps["step_index"].tolist()[1:]
    else:
        hit = steps[(steps["step"] == step) | (steps["step_index"] == step)]
        if hit.empty:
            raise InputError(f"{step!r} is not a step of this trend", column="step")
        chosen = [int(hit["step_index"].iloc[0])]
    data = trend[trend["step_index"].isin(chosen)].sort_values("period")
    keys = ["step_index", *by]
    open_window = False
    for key, part in data.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        name = _step_label(steps.loc[steps["step_index"] == key[0], "step"].iloc[0], lang)
        if by:
            name = " · ".join(str(label(k, lang)) for k in key[1:])
        x, y = part["period"], part["conversion_from_first"]
        done = part["complete"].to_numpy(bool) if "complete" in part else np.ones(len(x), bool)
        (line,) = ax.plot(x[done], y[done], marker="o", markersize=3, label=name)
        if not done.all():  # the last periods, cut short by the end of the data: dashed
            tail = slice(max(int(done.sum()) - 1, 0), None)  # joined to the last complete one
            ax.plot(x.iloc[tail], y.iloc[tail], linestyle="--", marker="o", markersize=3,
                    markerfacecolor="white", color=line.get_color())  # fmt: skip
            open_window = True
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_ylabel(label("conversion_from_first", lang))
    ax.set_xlabel(label("period", lang))
    ax.set_title(f"{label('funnel', lang)} · {label('conversion_from_first', lang)}", loc="left")
    handles, names = ax.get_legend_handles_labels()
    if open_window:
        handles.append(Line2D([], [], color="#7b8794", linestyle="--", marker="o", markersize=3,
                              markerfacecolor="white"))  # fmt: skip
        names.append(label("incomplete_period", lang))
    ax.legend(handles, names, frameon=False, loc="best")
    return ax
