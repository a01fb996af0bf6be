"""Customer figures: RFM segments (:func:`plot_rfm_segments`) and the cohort retention
heatmap (:func:`plot_cohort_heatmap`), from the tables of :mod:`mktkit.customers`.

The methods are in docs/methods.md, "Customers".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from mktkit.i18n import label
from mktkit.plots.axes import ready_axes
from mktkit.plots.docstrings import fill_doc


@fill_doc
def plot_rfm_segments(summary: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """Share of customers and of revenue per RFM segment (paired horizontal bars).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`mktkit.customers.rfm_summary` (segment, customer_share,
        revenue_share); drawn in its order, first on top.
    {ax}
    {lang}

    {returns}

    Examples
    --------
    >>> from mktkit.customers import rfm, rfm_summary
    >>> ax = plot_rfm_segments(rfm_summary(rfm(mk.load_sample()["orders"])))  # doctest: +SKIP
    """
    rows = summary.reset_index(drop=True)
    ax = ready_axes(ax, (8, max(2.6, 0.42 * len(rows) + 1.0)))
    y = np.arange(len(rows))[::-1]
    h = 0.38
    for offset, col, color in ((h / 2, "customer_share", "#9db4cc"),
                               (-h / 2, "revenue_share", "#1f5f99")):  # fmt: skip
        values = rows[col].to_numpy(dtype=float)
        ax.barh(y + offset, values, height=h, color=color, label=label(col, lang))
        for yi, v in zip(y + offset, values, strict=True):
            ax.text(v, yi, f" {v:.0%}", va="center", fontsize="x-small")
    ax.set_yticks(y, [str(label(s, lang)) for s in rows["segment"]])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(str(label("segment", lang)), loc="left")
    ax.legend(frameon=False, loc="lower right")
    ax.grid(axis="y", visible=False)
    return ax


@fill_doc
def plot_cohort_heatmap(
    triangle: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    annotate: bool | None = None,
) -> Axes:
    """Heatmap of a cohort retention triangle; cells not observed yet stay blank.

    Parameters
    ----------
    triangle : DataFrame
        Output of :func:`mktkit.customers.cohort_retention` (index cohort, columns k).
    {ax}
    {lang}
    annotate : bool, optional
        Write the percentage in each cell; default when the triangle has at most 16 columns.
        Column 0 (always 100 %) is left out of the colour scale so that the later periods are
        readable.

    {returns}

    Examples
    --------
    >>> from mktkit.customers import cohort_retention
    >>> ax = plot_cohort_heatmap(cohort_retention(mk.load_sample()["orders"]))  # doctest: +SKIP
    """
    values = triangle.to_numpy(dtype=float)
    ax = ready_axes(ax, (max(6, 0.45 * values.shape[1] + 2), max(3, 0.3 * values.shape[0] + 1.2)))
    later = values[:, 1:] if values.shape[1] > 1 else values
    top = float(np.nanmax(later)) if np.isfinite(later).any() else 1.0
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, aspect="auto", cmap="Blues", vmin=0, vmax=top or 1.0)
    if annotate is None:
        annotate = values.shape[1] <= 16
    if annotate:
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize="xx-small",
                        color="white" if min(v, top) > 0.6 * top else "#222222")  # fmt: skip
    step = max(1, values.shape[0] // 24)
    ax.set_yticks(range(0, values.shape[0], step), [str(c) for c in triangle.index[::step]])
    ax.set_xticks(range(values.shape[1]), [str(k) for k in triangle.columns])
    ax.set_ylabel(str(label("cohort", lang)))
    ax.set_title(str(label("retention", lang)), loc="left")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, format=FuncFormatter(lambda v, _: f"{v:.0%}"))
    return ax
