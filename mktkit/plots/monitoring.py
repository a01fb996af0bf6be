"""Monitoring figures of the reviews: monthly totals, KPI attainment and pacing, channel
efficiency and response curves, anomalies.

- :func:`plot_monthly_totals`: a metric by month, the reviewed month and the same month last
  year marked (:func:`mktkit.kpi.monthly_totals`);
- :func:`plot_kpi_bullets`, :func:`plot_pacing`: KPI attainment on status bands, and a
  period's pacing (:mod:`mktkit.kpi`);
- :func:`plot_channel_efficiency`, :func:`plot_response_curves`: spend against ROAS, and the
  fitted response curves with the suggested spend (:mod:`mktkit.channels`);
- :func:`plot_anomalies`: one series with its expected value and flags
  (:mod:`mktkit.anomalies`).

Money axes and amounts carry the symbol of the current currency
(:func:`mktkit.formats.use_currency`). The methods are in docs/methods.md, "KPIs",
"Channels and budget" and "Anomalies".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from mktkit.errors import InputError
from mktkit.formats import MONEY_METRICS
from mktkit.i18n import label
from mktkit.plots.axes import money_text, ready_axes, title_y, value_ticks
from mktkit.plots.docstrings import fill_doc
from mktkit.style import PALETTE, STATUS_COLORS, status_color, tint


def _mon_label(key, lang: str):
    return label(key, lang)


@fill_doc
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
    {ax}
    {lang}

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_monthly_totals(mk.monthly_totals(mk.load_sample()), highlight="2026-10")  # doctest: +SKIP
    """
    own, ax = ax is None, ready_axes(ax)
    months = totals["month"].astype(str).tolist()
    last_year = f"{int(highlight[:4]) - 1}{highlight[4:]}" if highlight else None
    colors = [
        "#1f5f99" if m == highlight else "#7b8794" if m == last_year else "#c5ccd3" for m in months
    ]
    ax.bar(range(len(months)), totals[metric].to_numpy(dtype=float), color=colors, width=0.8)
    step = max(1, len(months) // 12)
    ax.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
    ax.yaxis.set_major_formatter(value_ticks(metric))
    ax.set_title(
        f"{label(metric, lang)} · {label('by_month', lang)}", loc="left", y=title_y(ax, own)
    )
    ax.set_xlabel("")
    ax.grid(axis="x", visible=False)
    if highlight:
        keys = {"#1f5f99": "this_month", "#7b8794": "same_month_last_year"}
        handles = [Patch(color=c, label=label(k, lang)) for c, k in keys.items() if c in colors]
        ax.legend(handles=handles, loc="upper left", frameon=False, ncols=len(handles))
        ax.set_ylim(top=ax.get_ylim()[1] * 1.1)  # room for the legend above the tallest bar
    return ax


@fill_doc
def plot_kpi_bullets(
    att: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    green: float = 1.0,
    amber: float = 0.90,
) -> Axes:
    """Bullet chart of KPI attainment: one bar per KPI on red/amber/green bands, target at 1.

    The bar is the attainment the status was judged on (the projection while a period runs),
    coloured by status, with the status word at its end so colour is never the only cue.

    Parameters
    ----------
    att : DataFrame
        Output of :func:`mktkit.kpi_attainment` or :func:`mktkit.kpi_review`.
    {ax}
    {lang}
    green, amber : float
        The thresholds used for the status (drawn as bands).

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_kpi_bullets(mk.kpi_review(mk.load_sample(), "2026-10"))  # doctest: +SKIP
    """
    rows = att.reset_index(drop=True)
    height = max(2.4, 0.32 * len(rows) + 1.0)
    own, ax = ax is None, ready_axes(ax, (8, height))
    judged = rows["attainment"].astype(float)
    if "status_basis" in rows:
        judged = rows["projected_attainment"].where(rows["status_basis"] == "projection", judged)
    values = judged.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    right = max(1.2, float(finite.max()) * 1.08 if finite.size else 1.2)
    y = np.arange(len(rows))[::-1]
    for lo, hi, key in ((0, amber, "red"), (amber, green, "amber"), (green, right, "green")):
        ax.axvspan(lo, hi, color=tint(STATUS_COLORS[key], 0.18), zorder=0, lw=0)
    colors = [status_color(s) for s in rows["status"]]
    ax.barh(y, np.nan_to_num(values), height=0.45, color=colors, zorder=2)
    ax.axvline(1.0, color="#222222", lw=1.2, zorder=3)
    for yi, v, s in zip(y, values, rows["status"], strict=True):
        text = label(s, lang, "status") + ("" if not np.isfinite(v) else f"  {v:.0%}")
        ax.text((v if np.isfinite(v) else 0) + right * 0.01, yi, text, va="center",
                fontsize="small", zorder=4)  # fmt: skip
    names = [
        " · ".join(str(_mon_label(r[k], lang)) for k in ("region", "metric") if k in rows)
        for r in rows.to_dict("records")
    ]
    ax.set_yticks(y, names)
    ax.set_xlim(0, right * 1.15)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel(label("attainment", lang))
    ax.set_title(label("kpi_attainment", lang), loc="left", y=title_y(ax, own))
    ax.grid(axis="y", visible=False)
    return ax


@fill_doc
def plot_pacing(
    curve: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    metric: str | None = None,
) -> Axes:
    """Pacing line: cumulative actual, the straight line to the target, and the projection.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`mktkit.kpi.pacing_curve` (date, actual, expected, projected).
    {ax}
    {lang}
    metric : str, optional
        Metric name for the title.

    {returns}

    Examples
    --------
    >>> from mktkit.kpi import pacing_curve
    >>> ax = mk.plot_pacing(pacing_curve(daily, 31_000, "2026-10-01", "2026-10-31"))  # doctest: +SKIP
    """
    ax = ready_axes(ax)
    ax.plot(curve["date"], curve["expected"], color="#7b8794", lw=1.2, ls="--",
            label=_mon_label("straight_line_to_target", lang))  # fmt: skip
    ax.plot(curve["date"], curve["actual"], color="#1f5f99", lw=2.2,
            label=_mon_label("cumulative_actual", lang))  # fmt: skip
    if curve["projected"].notna().any():
        ax.plot(curve["date"], curve["projected"], color="#1f5f99", lw=1.4, ls=":",
                label=_mon_label("run_rate_projection", lang))  # fmt: skip
    target = curve.attrs.get("target", float(curve["expected"].iloc[-1]))
    ax.axhline(target, color="#222222", lw=0.8)
    shown = money_text(metric, target, lang) if metric else f"{target:,.0f}"
    ax.annotate(f"{label('target', lang)} {shown}", (curve["date"].iloc[0], target),
                xytext=(2, 3), textcoords="offset points", fontsize="small")  # fmt: skip
    ax.yaxis.set_major_formatter(value_ticks(metric))
    title = _mon_label("kpi_pacing", lang)
    ax.set_title(f"{label(metric, lang)} · {title}" if metric else title, loc="left")
    ax.legend(frameon=False, loc="lower right")
    ax.figure.autofmt_xdate()
    return ax


@fill_doc
def plot_channel_efficiency(
    perf: pd.DataFrame,
    ax: Axes | None = None,
    *,
    x: str = "spend",
    y: str = "roas",
    size: str = "revenue",
    lang: str = "en",
) -> Axes:
    """Channel efficiency: spend against ROAS, bubble area proportional to revenue.

    A dashed line marks break-even (ROAS 1). Read with the marginal returns of
    :func:`mktkit.response_curves`: a channel high on this chart may still earn little on the
    next yuan.

    Parameters
    ----------
    perf : DataFrame
        Output of :func:`mktkit.channel_performance` (by channel).
    {ax}
    x, y : str
        Columns on the horizontal and vertical axes; with ``y`` a ROAS the break-even line
        is drawn.
    size : str
        Column the bubble area follows.
    {lang}

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_channel_efficiency(mk.channel_performance(cd))  # doctest: +SKIP
    """
    own, ax = ax is None, ready_axes(ax, (8, 4.5))
    key = [c for c in ("region", "channel") if c in perf]
    sizes = perf[size].to_numpy(dtype=float)
    area = 2000 * sizes / np.nanmax(sizes) if np.nanmax(sizes) > 0 else np.full(len(sizes), 80)
    xs, ys = perf[x].to_numpy(dtype=float), perf[y].to_numpy(dtype=float)
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(perf))]
    ax.scatter(xs, ys, s=area, c=colors, alpha=0.55, edgecolors="#222222", linewidths=0.6)
    for xi, yi, r in zip(xs, ys, perf[key].to_dict("records"), strict=True):
        name = " · ".join(str(label(r[k], lang)) for k in key)
        ax.annotate(name, (xi, yi), ha="center", va="center", fontsize="small")
    if y in ("roas", "marginal_roas"):
        ax.axhline(1.0, color="#B2182B", lw=1, ls="--", label=_mon_label("break_even", lang))
        highest = float(np.nanmax(ys)) if np.isfinite(ys).any() else 0.0  # no spend: no ROAS
        ax.set_ylim(bottom=0, top=max(highest * 1.2, 1.5))
        ax.legend(frameon=False, loc="lower right")
    ax.xaxis.set_major_formatter(value_ticks(x))
    if y in MONEY_METRICS:
        ax.yaxis.set_major_formatter(value_ticks(y))
    ax.set_xlabel(label(x, lang))
    ax.set_ylabel(label(y, lang))
    ax.set_title(
        f"{_mon_label('channel_efficiency', lang)} ({_mon_label('bubble_revenue', lang)})",
        loc="left",
        y=title_y(ax, own),
    )
    return ax


@fill_doc
def plot_response_curves(
    curves: pd.DataFrame,
    allocation: pd.DataFrame | None = None,
    ax: Axes | None = None,
    *,
    lang: str = "en",
) -> Axes:
    """Fitted response curves per channel, with current (circle) and suggested (triangle) spend.

    Curves that fit badly are dashed and labelled so; a trusted curve carries the band of its
    bootstrap draws (``curves.attrs["draws"]``, at ``attrs["level"]``, 90 %); money is per
    day, as fitted.

    Parameters
    ----------
    curves : DataFrame
        Output of :func:`mktkit.response_curves`.
    allocation : DataFrame, optional
        Output of :func:`mktkit.budget_reallocation` for these curves (its spend is per
        ``attrs["days"]`` days and is drawn per day).
    {ax}
    {lang}

    {returns}

    Examples
    --------
    >>> c = mk.response_curves(cd)                                         # doctest: +SKIP
    >>> ax = mk.plot_response_curves(c, mk.budget_reallocation(c))         # doctest: +SKIP
    """
    own, ax = ax is None, ready_axes(ax, (8, 4.8))
    key = [c for c in ("region", "channel") if c in curves]
    suggested = {}
    if allocation is not None:
        days = allocation.attrs.get("days", 1)
        for r in allocation.to_dict("records"):
            suggested[tuple(r[k] for k in key)] = r["suggested_spend"] / days
    top = float(np.nanmax(np.r_[curves["spend_max"].to_numpy(float),
                                1.6 * curves["current_spend"].to_numpy(float)]))  # fmt: skip
    grid = np.linspace(0, top, 200)
    draws, level = curves.attrs.get("draws") or {}, float(curves.attrs.get("level", 0.9))
    for i, r in enumerate(curves.to_dict("records")):
        color = PALETTE[i % len(PALETTE)]
        name = " · ".join(str(label(r[k], lang)) for k in key)
        a, b = float(r["a"]), float(r["b"])
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        ok = bool(r["fit_ok"])
        if not ok:
            name += f" ({_mon_label('poor_fit', lang)})"
        ax.plot(grid, a * np.log1p(grid / b), color=color, lw=1.8, ls="-" if ok else "--",
                label=name)  # fmt: skip
        d = draws.get(" / ".join(str(r[k]) for k in key)) if ok else None
        if d is not None and len(d):  # the curves of the bootstrap draws: where the truth lies
            with np.errstate(divide="ignore", invalid="ignore"):
                band = d[:, :1] * np.log1p(grid[None, :] / d[:, 1:2])
            low, high = np.nanpercentile(band, [(1 - level) / 2 * 100, (1 + level) / 2 * 100], 0)
            ax.fill_between(grid, low, high, color=color, alpha=0.15, lw=0)
        cur = float(r["current_spend"])
        ax.plot([cur], [a * np.log1p(cur / b)], "o", color=color, ms=7, mec="#222222")
        sug = suggested.get(tuple(r[k] for k in key))
        if sug is not None and ok:
            ax.plot([sug], [a * np.log1p(sug / b)], "^", color=color, ms=8, mec="#222222")
    handles, names = ax.get_legend_handles_labels()
    handles += [Line2D([], [], marker="o", ls="", color="#7b8794", mec="#222222"),
                Line2D([], [], marker="^", ls="", color="#7b8794", mec="#222222")]  # fmt: skip
    names += [str(label("current", lang)), str(_mon_label("suggested", lang))]
    ax.legend(handles, names, frameon=False, loc="upper left", fontsize="small", ncols=2)
    ax.xaxis.set_major_formatter(value_ticks("spend"))
    ax.yaxis.set_major_formatter(value_ticks("revenue"))
    ax.set_xlabel(_mon_label("spend_per_day", lang))
    ax.set_ylabel(_mon_label("revenue_per_day", lang))
    ax.set_xlim(0, top)
    ax.set_ylim(bottom=0)
    ax.set_title(_mon_label("response_curves", lang), loc="left", y=title_y(ax, own))
    return ax


@fill_doc
def plot_anomalies(
    result: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    **where: object,
) -> Axes:
    """A metric's daily line with its expected value and the anomalies marked.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`mktkit.detect_anomalies` with ``flags_only=False``.
    {ax}
    {lang}
    **where
        Column filters down to one series, e.g. ``region="south", metric="clicks"``.

    {returns}

    Raises
    ------
    InputError
        A filter names no column, the filters leave other than one series, or ``result``
        holds only the flags.

    Examples
    --------
    >>> r = mk.detect_anomalies(daily, value="clicks", by="region", flags_only=False)  # doctest: +SKIP
    >>> ax = mk.plot_anomalies(r, region="south", metric="clicks")                     # doctest: +SKIP
    """
    part = result
    for col, val in where.items():
        if col not in part:
            raise InputError(f"no column {col!r} to filter on", table="anomalies", column=col)
        part = part[part[col] == val]
    keys = [c for c in result.columns if c in ("region", "channel", "metric")]
    if part.empty or (keys and len(part.drop_duplicates(keys)) > 1):
        raise InputError(
            "the plot needs exactly one series",
            table="anomalies",
            fix="filter with keyword arguments, e.g. region='south', metric='clicks'",
        )
    if "anomaly" not in part:
        raise InputError("the result holds only flags", table="anomalies",
                         fix="call detect_anomalies(..., flags_only=False)")  # fmt: skip
    part = part.sort_values("date")
    own, ax = ax is None, ready_axes(ax)
    ax.plot(part["date"], part["value"], color="#1f5f99", lw=1.3, label=label("value", lang))
    ax.plot(part["date"], part["expected"], color="#7b8794", lw=1, ls="--",
            label=label("expected", lang))  # fmt: skip
    for direction, marker, color in (("up", "^", "#E69F00"), ("down", "v", "#B2182B")):
        hit = part[part["anomaly"] & (part["direction"] == direction)]
        if len(hit):
            ax.scatter(hit["date"], hit["value"], marker=marker, s=60, color=color, zorder=3,
                       edgecolors="#222222", linewidths=0.5,
                       label=_mon_label(direction, lang))  # fmt: skip
    metric = part["metric"].iloc[0] if "metric" in part else ""
    where_text = " · ".join(str(label(part[k].iloc[0], lang)) for k in keys if k != "metric")
    title = " · ".join(t for t in (where_text, str(label(metric, lang))) if t)
    ax.yaxis.set_major_formatter(value_ticks(str(metric), ",.4g"))
    ax.set_title(f"{title} · {label('anomalies', lang)}", loc="left", y=title_y(ax, own))
    ax.legend(frameon=False, loc="best")
    ax.figure.autofmt_xdate()
    return ax
