"""Strategy figures: SWOT, TOWS, IFE/EFE, the IE and SPACE matrices, the marketing mix.

- :func:`plot_swot`, :func:`plot_tows`: 2x2 grids of items or strategies, laid out by
  :mod:`mktkit.plots.textfit` so that long bilingual text fits its cell;
- :func:`plot_factor_evaluation`: the IFE or EFE matrix as weighted-score bars;
- :func:`plot_ie_matrix`, :func:`plot_space`: the two positioning matrices, the company's
  point labelled where it hides no other text;
- :func:`plot_mix_scorecard`: the 4P/7P scorecard, as bars or a radar.

Each takes an object or table of :mod:`mktkit.strategy`; user text is drawn with
``parse_math=False`` (a "$" in a SWOT item is a dollar, not mathtext). The methods are in
docs/methods.md, "SWOT, TOWS, IFE/EFE, IE, SPACE".
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from mktkit.errors import InputError, check_argument
from mktkit.plots.axes import chinese_ready, fixed_axes
from mktkit.plots.colors import IE_COLORS, INK, MUTED, QUADRANT_COLORS, TOWS_COLORS
from mktkit.plots.docstrings import fill_doc
from mktkit.plots.textfit import (
    LABEL_OFFSETS,
    draw_text,
    fill_cells,
    place_label,
    rows_layout,
    wrap,
)
from mktkit.strategy.swot import IE_CELLS, IE_STRATEGY, QUADRANTS, strategy_label
from mktkit.style import tint


@fill_doc
def plot_swot(
    swot,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    evidence: bool = True,
) -> Axes:
    """The 2x2 SWOT grid: strengths and weaknesses above, opportunities and threats below.

    Each item shows its id and text; with ``evidence=True`` its evidence (metric, value,
    source) beneath, in grey. Long bilingual text wraps by measured width and the font shrinks
    until every cell holds its items, so no text overlaps or leaves the axes.

    Parameters
    ----------
    swot : mktkit.strategy.swot.SWOT
        E.g. from :func:`mktkit.load_swot`.
    {ax_canvas}
    {lang}
    evidence : bool
        Show each item's evidence beneath it.

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_swot(mk.load_swot(), lang="zh")           # doctest: +SKIP
    """
    cells = []
    for quadrant in QUADRANTS:
        entries = [
            (
                f"{it.id}  {it.label(lang)}",
                it.evidence.describe(lang) if evidence and it.evidence is not None else "",
            )
            for it in swot.quadrant(quadrant)
        ]
        cells.append(
            {
                "title": strategy_label(quadrant, lang),
                "entries": entries,
                "color": QUADRANT_COLORS[quadrant],
            }
        )
    height = rows_layout(cells, 8.0)
    if ax is None:
        ax = fixed_axes((8.0, height))
    chinese_ready(ax)
    name = swot.company_name(lang)
    ax.set_title((f"{name} · " if name else "") + strategy_label("swot", lang), loc="left")
    fill_cells(ax, cells)
    return ax


@fill_doc
def plot_tows(swot, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """The TOWS matrix (Weihrich 1982) as a 2x2 grid: SO and WO above, ST and WT below; each
    strategy with its id, text and the factor ids it uses.

    Parameters
    ----------
    swot : mktkit.strategy.swot.SWOT
        E.g. from :func:`mktkit.load_swot`, with its strategies.
    {ax_canvas}
    {lang}

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_tows(mk.load_swot(), lang="en")            # doctest: +SKIP
    """
    tows = swot.tows(lang)
    cells = []
    for q in ("SO", "WO", "ST", "WT"):
        part = tows[tows["quadrant"] == q]
        entries = [
            (f"{r.id}  {r.strategy}", "← " + ", ".join(r.uses))
            for r in part.itertuples(index=False)
        ]
        if not entries:
            entries = [(strategy_label("no_strategies", lang), "")]
        cells.append(
            {"title": strategy_label(q, lang), "entries": entries, "color": TOWS_COLORS[q]}
        )
    height = rows_layout(cells, 8.0)
    if ax is None:
        ax = fixed_axes((8.0, height))
    chinese_ready(ax)
    name = swot.company_name(lang)
    ax.set_title((f"{name} · " if name else "") + strategy_label("tows", lang), loc="left")
    fill_cells(ax, cells)
    return ax


def _legend_right(ax, handles) -> None:
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        borderaxespad=0.0,
    )


@fill_doc
def plot_factor_evaluation(
    table: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en"
) -> Axes:
    """IFE or EFE matrix as bars of weighted score per factor, the total in the title.

    Each bar is labelled ``weight × rating = score``; bars are coloured by quadrant; the title
    gives the total and its reading against the 2.5 average.

    Parameters
    ----------
    table : DataFrame
        Output of :meth:`mktkit.SWOT.ife` or :meth:`mktkit.SWOT.efe`.
    {ax}
    {lang}

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_factor_evaluation(mk.load_swot().ife(lang="zh"), lang="zh")  # doctest: +SKIP
    """
    labels = [
        "\n".join(wrap(f"{i}  {f}", 34)) for i, f in zip(table["id"], table["factor"], strict=True)
    ]
    n_lines = [s.count("\n") + 1 for s in labels]
    if ax is None:
        height = sum(max(n, 1) * 0.2 + 0.16 for n in n_lines) + 1.3
        ax = plt.subplots(figsize=(8.0, max(3.0, height)), layout="constrained")[1]
    chinese_ready(ax)
    y = np.arange(len(table))
    colors = [QUADRANT_COLORS.get(q, "#777777") for q in table["quadrant"]]
    scores = table["score"].to_numpy(dtype=float)
    bars = ax.barh(y, scores, color=colors, height=0.62)
    texts = [
        f"{w:.2f} × {int(r)} = {s:.2f}"
        for w, r, s in zip(table["weight"], table["rating"], scores, strict=True)
    ]
    ax.bar_label(bars, labels=texts, padding=3, fontsize="small")
    ax.set_yticks(y, labels, fontsize=9)
    for t in ax.get_yticklabels():
        t.set_parse_math(False)
    ax.invert_yaxis()
    ax.set_xlim(0, max(scores.max(initial=0) * 1.45, 0.2))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel(strategy_label("weighted_score", lang))
    matrix = table.attrs.get("matrix", "ife")
    total = table.attrs.get("total", float(scores.sum()))
    reading = table.attrs.get("reading")
    # two lines: the matrix name, then the total (one line would outrun narrow figures)
    title = f"{strategy_label(matrix, lang)}\n{strategy_label('total', lang)} {total:.2f}"
    if reading:
        title += f" ({strategy_label(reading, lang)})"
    ax.set_title(title, loc="left")
    present = list(dict.fromkeys(table["quadrant"]))
    _legend_right(
        ax,
        [
            Patch(color=QUADRANT_COLORS[q], label=strategy_label(q, lang))
            for q in present
            if q in QUADRANT_COLORS
        ],
    )
    return ax


@fill_doc
def plot_ie_matrix(ie, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """The Internal-External matrix: nine cells shaded by strategy (grow and build, hold and
    maintain, harvest or divest), the position of the IFE and EFE totals marked.

    The IFE axis runs from strong (4, left) to weak (1, right), as in David.

    Parameters
    ----------
    ie : mktkit.strategy.swot.IEResult
        Output of :func:`mktkit.ie_matrix`.
    {ax}
    {lang}

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> s = mk.load_swot()
    >>> ax = mk.plot_ie_matrix(mk.ie_matrix(s.ife(), s.efe()), lang="zh")   # doctest: +SKIP
    """
    if ax is None:
        ax = plt.subplots(figsize=(8.0, 5.6), layout="constrained")[1]
    chinese_ready(ax)
    ax.set_xlim(4, 1)
    ax.set_ylim(1, 4)
    ax.grid(False)
    numerals = []
    for k, cell in enumerate(IE_CELLS):
        row, col = divmod(k, 3)
        left, top = 4 - col, 4 - row  # data coordinates of the cell's top-left corner
        color = IE_COLORS[IE_STRATEGY[cell]]
        active = cell == ie.cell
        ax.add_patch(
            Rectangle(
                (left - 1, top - 1),
                1,
                1,
                facecolor=tint(color, 0.45 if active else 0.16),
                edgecolor="white",
                linewidth=2,
                zorder=0,
            )
        )
        t = ax.text(
            left - 0.05,
            top - 0.05,
            cell,
            ha="left",
            va="top",
            fontsize=12,
            color=color if not active else INK,
        )
        numerals.append(t)
    ax.set_xticks([4, 3, 2, 1], ["4.0", "3.0", "2.0", "1.0"])
    ax.set_yticks([1, 2, 3, 4], ["1.0", "2.0", "3.0", "4.0"])
    ax.set_xticks(
        [3.5, 2.5, 1.5],
        [strategy_label(k, lang) for k in ("strong", "average", "weak")],
        minor=True,
    )
    ax.set_yticks(
        [1.5, 2.5, 3.5], [strategy_label(k, lang) for k in ("low", "medium", "high")], minor=True
    )
    ax.tick_params(which="minor", length=0, pad=14, labelsize=9, labelcolor=MUTED)
    ax.tick_params(axis="y", which="minor", pad=26)
    ax.set_xlabel(strategy_label("ife_total", lang))
    ax.set_ylabel(strategy_label("efe_total", lang))
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.scatter([ie.ife_total], [ie.efe_total], s=70, color=INK, zorder=3)
    text = f"IFE {ie.ife_total:.2f} · EFE {ie.efe_total:.2f} → {ie.cell}"
    ax.set_title(
        f"{strategy_label('ie_matrix', lang)} · {ie.cell}: {strategy_label(ie.strategy, lang)}",
        loc="left",
    )
    fig = ax.figure
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    place_label(
        ax,
        (ie.ife_total, ie.efe_total),
        text,
        numerals,
        offsets=LABEL_OFFSETS,
        fontsize=10,
        color=INK,
    )
    _legend_right(ax, [Patch(color=c, label=strategy_label(k, lang)) for k, c in IE_COLORS.items()])
    return ax


@fill_doc
def plot_space(space, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """The SPACE matrix: the four postures, the dimension axes (FS up, ES down, CA left, IS
    right) and the directional vector from the origin to (x, y).

    Parameters
    ----------
    space : mktkit.strategy.swot.SpaceResult
        Output of :func:`mktkit.space_matrix`.
    {ax}
    {lang}

    {returns}

    Examples
    --------
    >>> import mktkit as mk
    >>> r = mk.space_matrix(fs=[5, 4], is_=[3, 4], es=[-2, -3], ca=[-5, -4])
    >>> ax = mk.plot_space(r, lang="zh")                        # doctest: +SKIP
    """
    if ax is None:
        ax = fixed_axes((7.0, 6.6))
        ax.set_position((0.09, 0.07, 0.86, 0.85))
    chinese_ready(ax)
    s = space.scale
    ax.set_xlim(-s, s)
    ax.set_ylim(-s, s)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(True, axis="both", color="#EEEEEE")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.axhline(0, color=MUTED, lw=1)
    ax.axvline(0, color=MUTED, lw=1)
    ax.set_xticks(range(-s, s + 1))
    ax.set_yticks(range(-s, s + 1))
    ax.tick_params(labelsize=8)
    fixed = []
    corners = {
        "conservative": (0.02, 0.98, "left", "top"),
        "aggressive": (0.98, 0.98, "right", "top"),
        "defensive": (0.02, 0.02, "left", "bottom"),
        "competitive": (0.98, 0.02, "right", "bottom"),
    }
    for q, (x, y, ha, va) in corners.items():
        active = q == space.quadrant
        fixed.append(
            draw_text(
                ax,
                x,
                y,
                strategy_label(q, lang),
                ha=ha,
                va=va,
                fontsize=12 if active else 10,
                color=INK if active else MUTED,
            )
        )
    ends = {
        "financial_strength": (0.5, 0.985, "center", "top", 0),
        "environmental_stability": (0.5, 0.015, "center", "bottom", 0),
        "competitive_advantage": (0.015, 0.5, "left", "center", 90),
        "industry_strength": (0.985, 0.5, "right", "center", 90),
    }
    for k, (x, y, ha, va, rot) in ends.items():
        fixed.append(
            draw_text(
                ax,
                x,
                y,
                strategy_label(k, lang),
                ha=ha,
                va=va,
                rotation=rot,
                fontsize=9,
                color=MUTED,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
        )
    ax.annotate(
        "",
        xy=(space.x, space.y),
        xytext=(0, 0),
        arrowprops={"arrowstyle": "-|>", "lw": 2.2, "color": "#0072B2", "shrinkA": 0, "shrinkB": 0},
    )
    ax.scatter([space.x], [space.y], s=36, color="#0072B2", zorder=3)
    ax.set_title(
        f"{strategy_label('space_matrix', lang)} · {strategy_label(space.quadrant, lang)}",
        loc="left",
    )
    fig = ax.figure
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    sx = 1 if space.x >= 0 else -1
    sy = 1 if space.y >= 0 else -1
    offsets = [(8 * sx, 8 * sy), (8 * sx, -8 * sy), (-8 * sx, 8 * sy), *LABEL_OFFSETS]
    point = f"({space.x:+.2f}, {space.y:+.2f})".replace("-", "\u2212")
    place_label(ax, (space.x, space.y), point, fixed, offsets=offsets, fontsize=10, color="#0072B2")
    return ax


@fill_doc
def plot_mix_scorecard(
    card: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lang: str = "en",
    kind: str = "bar",
) -> Axes:
    """The 4P/7P scorecard: each element's rating (1-5) against its target; elements not
    assessed are shown as such, never as 0. The weighted mix score, a heuristic, is in the
    title.

    Parameters
    ----------
    card : DataFrame
        Output of :meth:`mktkit.MarketingMix.scorecard`.
    {ax}
    {lang}
    kind : {"bar", "radar"}
        Horizontal bars, or a radar chart (``ax`` must then be polar).

    {returns}

    Raises
    ------
    InputError
        ``kind="radar"`` with an ``ax`` that is not polar.

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_mix_scorecard(mk.load_mix().scorecard(), lang="zh")   # doctest: +SKIP
    """
    check_argument("kind", ["bar", "radar"], kind)
    high = card.attrs.get("scale", (1, 5))[1]
    names = [strategy_label(e, lang) for e in card["element"]]
    scores = card["score"].to_numpy(dtype=float)
    targets = card["target"].to_numpy(dtype=float)
    status = card["status"].tolist()
    mix_score = card.attrs.get("mix_score", math.nan)
    title = f"{strategy_label('marketing_mix', lang)} ({card.attrs.get('model', '')})"
    if not math.isnan(mix_score):
        title += (
            f"\n{strategy_label('mix_score', lang)} {mix_score:.2f}"
            f" ({strategy_label('heuristic', lang)})"
        )
    if kind == "radar":
        if ax is None:
            ax = plt.subplots(
                figsize=(6.4, 6.0), layout="constrained", subplot_kw={"projection": "polar"}
            )[1]
        elif ax.name != "polar":
            raise InputError(
                "a radar scorecard needs a polar axes",
                column="ax",
                fix="create it with subplot_kw={'projection': 'polar'}",
            )
        chinese_ready(ax)
        angles = np.linspace(0, 2 * np.pi, len(names), endpoint=False)
        closed = np.append(angles, angles[0])
        ax.plot(
            closed,
            np.append(targets, targets[0]),
            color=MUTED,
            lw=1,
            ls="--",
            label=strategy_label("target", lang),
        )
        ax.plot(
            closed,
            np.append(scores, scores[0]),
            color="#0072B2",
            lw=2,
            marker="o",
            label=strategy_label("score", lang),
        )
        ax.set_ylim(0, high)
        ax.set_yticks(range(1, high + 1))
        ax.set_rlabel_position(180 / len(names))  # the scale between two spokes, off the lines
        ticks = [
            n if st != "not_assessed" else f"{n}\n({strategy_label('not_assessed', lang)})"
            for n, st in zip(names, status, strict=True)
        ]
        ax.set_theta_zero_location("N")
        ax.set_theta_direction(-1)
        ax.set_xticks(angles, ticks, fontsize=9)
        ax.tick_params(axis="x", pad=10)
        ax.set_title(title, loc="left", pad=18)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        return ax
    if ax is None:
        ax = plt.subplots(figsize=(8.0, 0.42 * len(names) + 1.5), layout="constrained")[1]
    chinese_ready(ax)
    y = np.arange(len(names))
    rated = ~np.isnan(scores)
    bars = ax.barh(y[rated], scores[rated], color="#0072B2", height=0.58)
    ax.bar_label(
        bars, labels=[f"{s:.0f}/{high}" for s in scores[rated]], padding=3, fontsize="small"
    )
    for yi, st, tg in zip(y, status, targets, strict=True):
        if st == "rated" and not math.isnan(tg):
            ax.plot([tg, tg], [yi - 0.34, yi + 0.34], color=INK, lw=2)
        if st != "rated":
            ax.barh([yi], [high], color="none", edgecolor="#BBBBBB", hatch="///", height=0.58)
            t = ax.text(
                high / 2,
                yi,
                strategy_label(st, lang),
                ha="center",
                va="center",
                fontsize=9,
                color=MUTED,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            )
            t.set_in_layout(False)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, high + 0.75)
    ax.set_xticks(range(0, high + 1))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel(strategy_label("rating", lang) + f" (1-{high})")
    ax.set_title(title, loc="left")
    if any(st == "rated" for st in status):
        _legend_right(
            ax,
            [
                Line2D(
                    [],
                    [],
                    color=INK,
                    lw=2,
                    marker="|",
                    markersize=12,
                    linestyle="none",
                    label=strategy_label("target", lang),
                )
            ],
        )
    return ax
