"""Experiment figures: each treatment arm's lift with its confidence interval and verdict
(:func:`plot_experiment`), from :func:`mktkit.experiments.ab_test`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from mktkit.errors import check_argument
from mktkit.i18n import label
from mktkit.plots.axes import ready_axes
from mktkit.plots.docstrings import fill_doc


@fill_doc
def plot_experiment(
    result: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    metric: str = "lift",
) -> Axes:
    """Lift (or difference) of each treatment arm with its confidence interval.

    Points are coloured by verdict (win green, loss red, otherwise grey); a sample-ratio
    mismatch or an interim result is written next to the arm, so a flagged test never looks
    like a plain win.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`mktkit.experiments.ab_test` (one or several experiments concatenated).
    {ax}
    {lang}
    metric : {"lift", "diff"}
        Relative lift or difference of conversion rates.

    {returns}

    Examples
    --------
    >>> from mktkit.experiments import ab_test
    >>> e = mk.load_sample()["experiments"]  # doctest: +SKIP
    >>> ax = plot_experiment(ab_test(e, experiment="checkout_button"))  # doctest: +SKIP
    """
    check_argument("metric", ["lift", "diff"], metric)
    rows = result[~result["is_control"].astype(bool)].reset_index(drop=True)
    ax = ready_axes(ax, (8, max(2.2, 0.6 * len(rows) + 1.2)))
    y = np.arange(len(rows))[::-1]
    colors = {"win": "#1a9850", "loss": "#B2182B"}
    for yi, r in zip(y, rows.to_dict("records"), strict=True):
        v, lo, hi = r[metric], r[f"{metric}_low"], r[f"{metric}_high"]
        color = colors.get(r["verdict"], "#7b8794")
        ax.errorbar(v, yi, xerr=[[v - lo], [hi - v]], fmt="o", color=color, capsize=4, ms=7)
        note = label(r["verdict"], lang) if r["verdict"] in ("srm", "interim") else ""
        ax.annotate(f"{v:+.1%}" + (f"  [{note}]" if note else ""), (hi, yi), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize="small")  # fmt: skip
    ax.axvline(0, color="#222222", lw=0.8)
    # the user's labels of experiments and arms (mktkit.yaml labels:), else their codes
    names = [
        " · ".join(str(label(r[k], lang)) for k in ("experiment", "variant") if r.get(k))
        for r in rows.to_dict("records")
    ]
    ax.set_yticks(y, names)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+.0%}"))
    conf = float(rows["confidence"].iloc[0]) if len(rows) else 0.95
    ci = "CI" if lang == "en" else label("confidence_interval", lang)
    ax.set_title(f"{label(metric, lang)} ({conf:.0%} {ci})", loc="left")
    ax.grid(axis="y", visible=False)
    return ax
