"""Survey figures: NPS by group with its margin of error (:func:`plot_nps`), from
:func:`mktkit.surveys.nps`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from mktkit.i18n import label
from mktkit.plots.axes import ready_axes, title_y
from mktkit.plots.docstrings import fill_doc


@fill_doc
def plot_nps(result: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """NPS bars with their margin of error; groups with fewer than 30 answers are hatched.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`mktkit.surveys.nps` (with or without ``by=``).
    {ax}
    {lang}

    {returns}

    Examples
    --------
    >>> from mktkit.surveys import nps
    >>> ax = plot_nps(nps(mk.load_sample()["nps"], by="region"))  # doctest: +SKIP
    """
    known = {"n", "promoters", "passives", "detractors", "nps", "moe", "nps_low", "nps_high",
             "small_sample", "method"}  # fmt: skip
    keys = [c for c in result.columns if c not in known]
    rows = result.reset_index(drop=True)
    names = (
        [" · ".join(str(label(r[k], lang)) for k in keys) for r in rows.to_dict("records")]
        if keys
        else [str(label("nps", lang))]
    )
    own, ax = ax is None, ready_axes(ax, (max(4, 0.9 * len(rows) + 2), 3.6))
    x = np.arange(len(rows))
    values = rows["nps"].to_numpy(dtype=float)
    colors = ["#1f5f99" if v >= 0 else "#B2182B" for v in values]
    bars = ax.bar(x, values, color=colors, width=0.6,
                  yerr=rows["moe"].to_numpy(dtype=float), capsize=4, ecolor="#222222")  # fmt: skip
    for bar, small in zip(bars, rows["small_sample"], strict=True):
        if small:
            bar.set_hatch("//")
            bar.set_alpha(0.6)
    for xi, v, n in zip(x, values, rows["n"], strict=True):
        ax.annotate(f"{v:.1f}\nn={n:,}", (xi, 0), xytext=(0, -4), textcoords="offset points",
                    ha="center", va="top", fontsize="x-small")  # fmt: skip
    ax.axhline(0, color="#222222", lw=0.8)
    ax.set_xticks(x, names)
    ax.set_ylim(min(-100, ax.get_ylim()[0]) if (values < 0).any() else -30, 100)
    ax.set_title(str(label("nps", lang)), loc="left", y=title_y(ax, own))
    ax.grid(axis="x", visible=False)
    return ax
