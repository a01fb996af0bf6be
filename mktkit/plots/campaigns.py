"""Campaign figures: a campaign channel's daily metric before, during and after the campaign
(:func:`plot_campaign_timeline`), from :func:`mktkit.campaigns.campaign_daily`. Amounts carry
the symbol of the current currency (:func:`mktkit.formats.use_currency`)."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from mktkit.errors import InputError
from mktkit.i18n import label
from mktkit.plots.axes import money_text, ready_axes, value_ticks
from mktkit.plots.docstrings import fill_doc


@fill_doc
def plot_campaign_timeline(
    daily: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    metric: str = "revenue",
) -> Axes:
    """A campaign channel's daily metric before, during and after, with each window's mean.

    The campaign's days are shaded; a flat segment over each window marks its daily mean, so
    the before/during/after comparison of :func:`mktkit.campaigns.campaign_before_after`
    reads at a glance.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`mktkit.campaigns.campaign_daily` (date, window, the volumes, roas).
    {ax}
    {lang}
    metric : str
        Column to draw (a volume per day, or ``roas``: the window's ratio of sums).

    {returns}

    Raises
    ------
    InputError
        ``daily`` has no column ``metric`` or no ``window``.

    Examples
    --------
    >>> from mktkit.campaigns import campaign_daily
    >>> ax = plot_campaign_timeline(campaign_daily(mk.load_sample(), "CMP07"))  # doctest: +SKIP
    """
    if metric not in daily or "window" not in daily:
        raise InputError(f"no column {metric!r} or window", table="campaign_daily",
                         column=metric, fix="pass the output of campaign_daily")  # fmt: skip
    ax = ready_axes(ax)
    d = daily.sort_values("date")
    ax.plot(d["date"], d[metric], color="#1f5f99", lw=0.9, alpha=0.8, label=label(metric, lang))
    colors = {"before": "#7b8794", "during": "#D55E00", "after": "#009E73"}
    digits = 2 if metric == "roas" else 0
    for name, part in d.groupby("window", sort=False):
        if metric == "roas":  # the window's ROAS is its ratio of sums, not a mean of days
            level = part["revenue"].sum() / part["spend"].sum() if part["spend"].sum() else None
        else:
            level = part[metric].mean()
        if level is None:
            continue
        first, last = part["date"].min(), part["date"].max()
        ax.hlines(level, first, last, color=colors.get(name, "#222222"), lw=2.4,
                  label=f"{label(name, lang)}: {money_text(metric, level, lang)}")  # fmt: skip
        if name == "during":
            ax.axvspan(first, last, color="#D55E00", alpha=0.08, lw=0)
    ax.yaxis.set_major_formatter(value_ticks(metric, f",.{digits}f"))
    ax.set_ylim(bottom=0)
    channel = daily.attrs.get("channel")
    parts = (label(channel, lang) if channel else None, label("before_after", lang))
    ax.set_title(" · ".join(str(t) for t in parts if t), loc="left")
    ax.legend(frameon=False, loc="best", fontsize="small")
    ax.figure.autofmt_xdate()
    return ax
