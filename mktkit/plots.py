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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from mktkit.i18n import label
from mktkit.style import CJK_FAMILY, add_cjk_fallback

# a plot with lang="zh" (or a Chinese name in the data) renders without mk.use_theme() first
add_cjk_fallback()


def _axes(ax: Axes | None, size: tuple[float, float] = (9, 3.6)) -> Axes:
    if ax is None:
        return plt.subplots(figsize=size, layout="constrained")[1]
    return _chinese_ready(ax)


def _chinese_ready(ax: Axes) -> Axes:
    """A caller's Axes, its texts given the CJK font as their last fallback.

    Matplotlib fixes a text's font family when the text is made: an Axes from
    ``plt.subplots()`` made before this module was imported (so before :func:`add_cjk_fallback`)
    would draw a Chinese title or tick label as empty boxes. Texts that already have the font
    (the theme's, or made after the import) are left alone.
    """
    texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
    for text in texts:
        families = list(text.get_fontfamily())
        if CJK_FAMILY not in families:
            text.set_fontfamily([*families, CJK_FAMILY])
    # tick labels are made again at each draw: the family goes into the axes' tick settings
    lacking = [
        t
        for t in ax.get_xticklabels() + ax.get_yticklabels()
        if CJK_FAMILY not in t.get_fontfamily()
    ]
    if lacking:
        ax.tick_params(labelfontfamily=[*lacking[0].get_fontfamily(), CJK_FAMILY])
    return ax


def _title_y(ax: Axes, own: bool) -> float | None:
    """``y`` for ``set_title``: the top of the axes in a figure the plot function made, when
    nothing could rise above it there; else None (matplotlib places the title).

    At every draw (and constrained layout draws twice) matplotlib measures the whole y axis
    again to lift the title over x tick labels on top or a y offset text ("1e6"). A figure made
    here has its x ticks below, and when the y axis shows no offset either the title sits at
    the top of the axes anyway: pinned there, it is drawn at the same place in a fifth less
    time. Called once the y axis has its formatter and limits; an ``ax=`` of the caller's (or
    a ``axes.titley`` of the user's) keeps matplotlib's placement.
    """
    import matplotlib as mpl

    if not own or mpl.rcParams["axes.titley"] is not None or mpl.rcParams["xtick.labeltop"]:
        return None
    if ax.xaxis.get_label_position() != "bottom":
        return None
    formatter = ax.yaxis.get_major_formatter()
    formatter.set_locs(ax.yaxis.get_majorticklocs())
    return None if formatter.get_offset() else 1.0


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
    own, ax = ax is None, _axes(ax)
    months = totals["month"].astype(str).tolist()
    last_year = f"{int(highlight[:4]) - 1}{highlight[4:]}" if highlight else None
    colors = [
        "#1f5f99" if m == highlight else "#7b8794" if m == last_year else "#c5ccd3" for m in months
    ]
    ax.bar(range(len(months)), totals[metric].to_numpy(dtype=float), color=colors, width=0.8)
    step = max(1, len(months) // 12)
    ax.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title(
        f"{label(metric, lang)} · {label('by_month', lang)}", loc="left", y=_title_y(ax, own)
    )
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

    own, ax = ax is None, _axes(ax)
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
    ax.set_title(label("funnel", lang), loc="left", y=_title_y(ax, own))
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
    import numpy as np

    ax = _axes(ax)
    by = _segments(trend, _FUNNEL_COLUMNS | {"period", "complete"})
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


# --- strategy (SWOT, TOWS, IFE/EFE, IE, SPACE, marketing mix) ---
# Text-heavy figures: long bilingual text is wrapped by measured width (a CJK character may
# break anywhere, Latin text at spaces, closing punctuation stays with its character), then
# laid out top to bottom from the measured height of every text, shrinking the font until all
# of it fits inside its cell, so nothing overlaps and nothing spills out of the axes.
# User text is drawn with parse_math=False: a "$" in a SWOT item is a dollar, not mathtext.

_STRAT_QUADRANT_COLORS = {
    "strengths": "#009E73",
    "weaknesses": "#D55E00",
    "opportunities": "#0072B2",
    "threats": "#E69F00",
}
_STRAT_TOWS_COLORS = {"SO": "#009E73", "WO": "#0072B2", "ST": "#E69F00", "WT": "#D55E00"}
_STRAT_IE_COLORS = {
    "grow_and_build": "#009E73",
    "hold_and_maintain": "#0072B2",
    "harvest_or_divest": "#D55E00",
}
_STRAT_MUTED = "#555555"
_STRAT_INK = "#222222"
# characters that never start a line / never end one (Chinese line-breaking rules, kinsoku)
_STRAT_NO_START = set("，。、；：？！）》」』】〉’”…·%,.;:?!)]}")
_STRAT_NO_END = set("（《「『【〈‘“([{")


def _strat_tint(color: str, share: float = 0.14) -> str:
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)


def _strat_is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def _strat_tokens(text: str) -> list[str]:
    """Units a line may break between: a CJK character, or a Latin word with its spaces;
    punctuation that must not start (end) a line is glued to the unit before (after) it."""
    tokens: list[str] = []
    for ch in str(text):
        prev = tokens[-1] if tokens else ""
        if not prev:
            tokens.append(ch)
        elif ch in _STRAT_NO_START or prev[-1] in _STRAT_NO_END:
            tokens[-1] = prev + ch
        elif ch.isspace():
            tokens[-1] = prev + ch
        elif _strat_is_wide(ch) or _strat_is_wide(prev[-1]) or prev[-1].isspace():
            tokens.append(ch)
        else:
            tokens[-1] = prev + ch
    return tokens


def _strat_wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to lines of at most ``width`` display columns; a wide (CJK) character
    counts two columns and a combining mark none, as terminals and ``wcwidth`` count them, so
    Chinese and English wrap to the same visual width.

    Examples
    --------
    >>> _strat_wrap("复购客户忠诚度高 Loyal repeat buyers", 12)
    ['复购客户忠诚', '度高 Loyal', 'repeat', 'buyers']
    """
    import unicodedata

    def cols(s: str) -> int:
        return sum(0 if unicodedata.combining(ch) else 2 if _strat_is_wide(ch) else 1 for ch in s)

    return _strat_greedy(_strat_tokens(text), cols, width)


def _strat_greedy(tokens: list[str], measure, limit: float) -> list[str]:
    """Greedy line filling of ``tokens`` so that ``measure(line) <= limit``; a token longer
    than a line is cut by characters."""
    lines: list[str] = []
    line = ""
    for tok in tokens:
        candidate = line + tok
        if not line or measure(candidate.rstrip()) <= limit:
            line = candidate
        else:
            lines.append(line.rstrip())
            line = tok.lstrip()
        while measure(line.rstrip()) > limit and len(line.rstrip()) > 1:
            cut = len(line)
            while cut > 1 and measure(line[:cut]) > limit:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:].lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


class _StratMeasure:
    """Pixel widths and heights of strings at a font size, from the figure's renderer."""

    def __init__(self, fig) -> None:
        self.renderer = _strat_renderer(fig)
        self._cache: dict[tuple[str, float], float] = {}

    def width(self, s: str, size: float) -> float:
        from matplotlib.font_manager import FontProperties

        key = (s, size)
        if key not in self._cache:
            w, _, _ = self.renderer.get_text_width_height_descent(
                s, FontProperties(size=size), ismath=False
            )
            self._cache[key] = w
        return self._cache[key]

    def wrap(self, text: str, size: float, limit_px: float) -> list[str]:
        return _strat_greedy(_strat_tokens(text), lambda s: self.width(s, size), limit_px)


def _strat_renderer(fig):
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return fig._get_renderer()


def _strat_axes_box(ax, renderer):
    """The axes' extent in pixels after the layout engine has run."""
    fig = ax.figure
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    return ax.get_window_extent(renderer)


def _strat_new_axes(size: tuple[float, float]):
    """A figure with one axes placed by hand, room for a title above (no layout engine: the
    text layout measures the axes once and must not see it move afterwards)."""
    fig = plt.figure(figsize=size, layout="none")
    top = 1 - 0.55 / size[1]
    return fig.add_axes((0.015, 0.015, 0.97, top - 0.015))


def _strat_text(ax, x, y, s, **kw):
    kw.setdefault("parse_math", False)
    kw.setdefault("transform", ax.transAxes)
    t = ax.text(x, y, s, **kw)
    t.set_in_layout(False)
    return t


def _strat_fill_cells(ax, cells, *, sizes=(10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5)) -> float:
    """Draw cells of wrapped text inside ``ax`` (axes coordinates 0..1, axis off).

    ``cells``: list of dicts with ``rect`` (x0, y0, w, h in axes fractions), ``title``,
    ``color`` and ``entries`` (list of (text, note) pairs; note may be ""). Texts are stacked
    from their measured extents. Returns the font size used: the largest of ``sizes`` at which
    every cell holds all its entries; at the smallest size, entries that still do not fit are
    replaced by a "… (+n)" line, so no text ever leaves its cell.
    """
    from matplotlib.patches import Rectangle

    fig = ax.figure
    measure = _StratMeasure(fig)
    renderer = measure.renderer
    box = _strat_axes_box(ax, renderer)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    for c in cells:
        x0, y0, w, h = c["rect"]
        ax.add_patch(
            Rectangle(
                (x0, y0),
                w,
                h,
                transform=ax.transAxes,
                facecolor=_strat_tint(c["color"]),
                edgecolor=c["color"],
                linewidth=1.0,
                zorder=0,
            )
        )
    px_w, px_h = box.width, box.height
    pad_x, pad_y = 8 / px_w, 7 / px_h
    inv = ax.transAxes.inverted()

    def bottom(t) -> float:
        return inv.transform((0, t.get_window_extent(renderer).y0))[1]

    def fill(c, size: float, final: bool) -> tuple[list, bool]:
        x0, y0, w, h = c["rect"]
        limit = (w - 2 * pad_x) * px_w
        gap = size * fig.dpi / 72 * 0.45 / px_h
        floor = y0 + pad_y
        head = _strat_text(
            ax,
            x0 + pad_x,
            y0 + h - pad_y,
            "\n".join(measure.wrap(c["title"], size + 1, limit)),
            va="top",
            ha="left",
            fontsize=size + 1,
            color=c["color"],
            linespacing=1.15,
        )
        drawn, y = [head], bottom(head) - gap
        placed: list[tuple[float, list]] = []  # (y before the entry, its texts)
        for text, note in c["entries"]:
            top = y
            parts = [
                _strat_text(
                    ax,
                    x0 + pad_x,
                    y,
                    "\n".join(measure.wrap(text, size, limit)),
                    va="top",
                    ha="left",
                    fontsize=size,
                    color=_STRAT_INK,
                    linespacing=1.2,
                )
            ]
            y = bottom(parts[-1])
            if note:
                indent = 10 / px_w
                lines = measure.wrap(note, size - 1.5, limit - 10)
                parts.append(
                    _strat_text(
                        ax,
                        x0 + pad_x + indent,
                        y - gap * 0.25,
                        "\n".join(lines),
                        va="top",
                        ha="left",
                        fontsize=size - 1.5,
                        color=_STRAT_MUTED,
                        linespacing=1.2,
                    )
                )
                y = bottom(parts[-1])
            placed.append((top, parts))
            y -= gap
            if y + gap < floor:
                if not final:
                    return drawn + [t for _, ts in placed for t in ts], False
                break
        if final and placed and y + gap < floor:
            # drop entries from the end until a "… (+n)" line fits
            while placed:
                top, parts = placed.pop()
                for t in parts:
                    t.remove()
                hidden = len(c["entries"]) - len(placed)
                more = _strat_text(
                    ax,
                    x0 + pad_x,
                    top,
                    f"… (+{hidden})",
                    va="top",
                    ha="left",
                    fontsize=size,
                    color=_STRAT_MUTED,
                )
                if bottom(more) >= floor or not placed:
                    placed.append((top, [more]))
                    break
                more.remove()
        return drawn + [t for _, ts in placed for t in ts], True

    for i, size in enumerate(sizes):
        final = i == len(sizes) - 1
        drawn, ok = [], True
        for c in cells:
            texts, fits = fill(c, size, final)
            drawn += texts
            if not fits:
                ok = False
                break
        if ok or final:
            return size
        for t in drawn:
            t.remove()
    return sizes[-1]


def _strat_entry_lines(cell, cols: int) -> float:
    lines = 1.8  # the heading and the padding
    for text, note in cell["entries"]:
        lines += len(_strat_wrap(text, cols)) + 0.4
        lines += len(_strat_wrap(note, cols)) * 0.85 if note else 0
    return lines


def _strat_rows_layout(cells, width_in: float, size: float = 10.0, gap: float = 0.012):
    """Place ``cells`` in a 2-column grid whose row heights follow their text; returns the
    figure height (inches) that holds the text at ``size`` (an estimate: the layout shrinks
    the font when it was short)."""
    cols = max(8, int(width_in / 2 * 72 / size * 2 * 0.9) - 4)  # two columns per em
    line_in = size * 1.3 / 72
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    need = [max(_strat_entry_lines(c, cols) for c in row) * line_in for row in rows]
    total = sum(need)
    # every row keeps a share that holds its heading, even next to a very full row
    shares = [max(n / total, 0.22) for n in need]
    usable = 1 - gap * (len(rows) - 1)
    w = (1 - gap) / 2
    top = 1.0
    for row, share in zip(rows, shares, strict=True):
        h = usable * share / sum(shares)
        for col, c in enumerate(row):
            c["rect"] = (col * (w + gap), top - h, w, h)
        top -= h + gap
    return min(max(total + 0.75, 3.0), 16.0)


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
    ax : Axes, optional
        Drawn on as a blank canvas (axis off). By default a new figure sized to the text.
    lang : {"en", "zh"}

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_swot(mk.load_swot(), lang="zh")           # doctest: +SKIP
    """
    from mktkit.strategy.swot import QUADRANTS, strategy_label

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
                "color": _STRAT_QUADRANT_COLORS[quadrant],
            }
        )
    height = _strat_rows_layout(cells, 8.0)
    if ax is None:
        ax = _strat_new_axes((8.0, height))
    _chinese_ready(ax)
    name = swot.company_name(lang)
    ax.set_title((f"{name} · " if name else "") + strategy_label("swot", lang), loc="left")
    _strat_fill_cells(ax, cells)
    return ax


def plot_tows(swot, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """The TOWS matrix (Weihrich 1982) as a 2x2 grid: SO and WO above, ST and WT below; each
    strategy with its id, text and the factor ids it uses.

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_tows(mk.load_swot(), lang="en")            # doctest: +SKIP
    """
    from mktkit.strategy.swot import strategy_label

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
            {"title": strategy_label(q, lang), "entries": entries, "color": _STRAT_TOWS_COLORS[q]}
        )
    height = _strat_rows_layout(cells, 8.0)
    if ax is None:
        ax = _strat_new_axes((8.0, height))
    _chinese_ready(ax)
    name = swot.company_name(lang)
    ax.set_title((f"{name} · " if name else "") + strategy_label("tows", lang), loc="left")
    _strat_fill_cells(ax, cells)
    return ax


def _strat_legend_right(ax, handles) -> None:
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        borderaxespad=0.0,
    )


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

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_factor_evaluation(mk.load_swot().ife(lang="zh"), lang="zh")  # doctest: +SKIP
    """
    import numpy as np
    from matplotlib.patches import Patch

    from mktkit.strategy.swot import strategy_label

    labels = [
        "\n".join(_strat_wrap(f"{i}  {f}", 34))
        for i, f in zip(table["id"], table["factor"], strict=True)
    ]
    n_lines = [s.count("\n") + 1 for s in labels]
    if ax is None:
        height = sum(max(n, 1) * 0.2 + 0.16 for n in n_lines) + 1.3
        ax = plt.subplots(figsize=(8.0, max(3.0, height)), layout="constrained")[1]
    _chinese_ready(ax)
    y = np.arange(len(table))
    colors = [_STRAT_QUADRANT_COLORS.get(q, "#777777") for q in table["quadrant"]]
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
    _strat_legend_right(
        ax,
        [
            Patch(color=_STRAT_QUADRANT_COLORS[q], label=strategy_label(q, lang))
            for q in present
            if q in _STRAT_QUADRANT_COLORS
        ],
    )
    return ax


def _strat_place_label(ax, xy, text, avoid, *, offsets, **kw):
    """Annotate ``xy`` with ``text`` at the first offset (points) where it neither overlaps
    the texts in ``avoid`` nor leaves the axes."""
    renderer = _strat_renderer(ax.figure)
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in avoid if t.get_text()]
    chosen = None
    for dx, dy in offsets:
        ha = "left" if dx > 0 else "right" if dx < 0 else "center"
        va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
        t = ax.annotate(
            text,
            xy,
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            annotation_clip=False,
            **kw,
        )
        t.set_parse_math(False)
        t.set_in_layout(False)
        b = t.get_window_extent(renderer)
        inside = frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
        if inside and not any(b.overlaps(o) for o in boxes):
            return t
        chosen = chosen or (dx, dy)
        t.remove()
    dx, dy = chosen
    t = ax.annotate(
        text,
        xy,
        xytext=(dx, dy),
        textcoords="offset points",
        ha="left",
        va="bottom",
        annotation_clip=False,
        **kw,
    )
    t.set_parse_math(False)
    return t


_STRAT_OFFSETS = [
    (8, -8),
    (8, 8),
    (-8, -8),
    (-8, 8),
    (0, -14),
    (0, 14),
    (14, 0),
    (-14, 0),
    (24, -24),
    (-24, 24),
    (24, 24),
    (-24, -24),
]


def plot_ie_matrix(ie, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """The Internal-External matrix: nine cells shaded by strategy (grow and build, hold and
    maintain, harvest or divest), the position of the IFE and EFE totals marked.

    The IFE axis runs from strong (4, left) to weak (1, right), as in David.

    Parameters
    ----------
    ie : mktkit.strategy.swot.IEResult
        Output of :func:`mktkit.ie_matrix`.

    Examples
    --------
    >>> import mktkit as mk
    >>> s = mk.load_swot()
    >>> ax = mk.plot_ie_matrix(mk.ie_matrix(s.ife(), s.efe()), lang="zh")   # doctest: +SKIP
    """
    from matplotlib.patches import Patch, Rectangle

    from mktkit.strategy.swot import IE_CELLS, IE_STRATEGY, strategy_label

    if ax is None:
        ax = plt.subplots(figsize=(8.0, 5.6), layout="constrained")[1]
    _chinese_ready(ax)
    ax.set_xlim(4, 1)
    ax.set_ylim(1, 4)
    ax.grid(False)
    numerals = []
    for k, cell in enumerate(IE_CELLS):
        row, col = divmod(k, 3)
        left, top = 4 - col, 4 - row  # data coordinates of the cell's top-left corner
        color = _STRAT_IE_COLORS[IE_STRATEGY[cell]]
        active = cell == ie.cell
        ax.add_patch(
            Rectangle(
                (left - 1, top - 1),
                1,
                1,
                facecolor=_strat_tint(color, 0.45 if active else 0.16),
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
            color=color if not active else _STRAT_INK,
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
    ax.tick_params(which="minor", length=0, pad=14, labelsize=9, labelcolor=_STRAT_MUTED)
    ax.tick_params(axis="y", which="minor", pad=26)
    ax.set_xlabel(strategy_label("ife_total", lang))
    ax.set_ylabel(strategy_label("efe_total", lang))
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.scatter([ie.ife_total], [ie.efe_total], s=70, color=_STRAT_INK, zorder=3)
    text = f"IFE {ie.ife_total:.2f} · EFE {ie.efe_total:.2f} → {ie.cell}"
    ax.set_title(
        f"{strategy_label('ie_matrix', lang)} · {ie.cell}: {strategy_label(ie.strategy, lang)}",
        loc="left",
    )
    fig = ax.figure
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    _strat_place_label(
        ax,
        (ie.ife_total, ie.efe_total),
        text,
        numerals,
        offsets=_STRAT_OFFSETS,
        fontsize=10,
        color=_STRAT_INK,
    )
    _strat_legend_right(
        ax, [Patch(color=c, label=strategy_label(k, lang)) for k, c in _STRAT_IE_COLORS.items()]
    )
    return ax


def plot_space(space, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """The SPACE matrix: the four postures, the dimension axes (FS up, ES down, CA left, IS
    right) and the directional vector from the origin to (x, y).

    Parameters
    ----------
    space : mktkit.strategy.swot.SpaceResult
        Output of :func:`mktkit.space_matrix`.

    Examples
    --------
    >>> import mktkit as mk
    >>> r = mk.space_matrix(fs=[5, 4], is_=[3, 4], es=[-2, -3], ca=[-5, -4])
    >>> ax = mk.plot_space(r, lang="zh")                        # doctest: +SKIP
    """
    from mktkit.strategy.swot import strategy_label

    if ax is None:
        ax = _strat_new_axes((7.0, 6.6))
        ax.set_position((0.09, 0.07, 0.86, 0.85))
    _chinese_ready(ax)
    s = space.scale
    ax.set_xlim(-s, s)
    ax.set_ylim(-s, s)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(True, axis="both", color="#EEEEEE")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.axhline(0, color=_STRAT_MUTED, lw=1)
    ax.axvline(0, color=_STRAT_MUTED, lw=1)
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
            _strat_text(
                ax,
                x,
                y,
                strategy_label(q, lang),
                ha=ha,
                va=va,
                fontsize=12 if active else 10,
                color=_STRAT_INK if active else _STRAT_MUTED,
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
            _strat_text(
                ax,
                x,
                y,
                strategy_label(k, lang),
                ha=ha,
                va=va,
                rotation=rot,
                fontsize=9,
                color=_STRAT_MUTED,
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
    offsets = [(8 * sx, 8 * sy), (8 * sx, -8 * sy), (-8 * sx, 8 * sy), *_STRAT_OFFSETS]
    point = f"({space.x:+.2f}, {space.y:+.2f})".replace("-", "\u2212")
    _strat_place_label(
        ax, (space.x, space.y), point, fixed, offsets=offsets, fontsize=10, color="#0072B2"
    )
    return ax


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
    kind : {"bar", "radar"}
        Horizontal bars, or a radar chart (``ax`` must then be polar).

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_mix_scorecard(mk.load_mix().scorecard(), lang="zh")   # doctest: +SKIP
    """
    import math

    import numpy as np

    from mktkit.errors import InputError, check_argument
    from mktkit.strategy.swot import strategy_label

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
        _chinese_ready(ax)
        angles = np.linspace(0, 2 * np.pi, len(names), endpoint=False)
        closed = np.append(angles, angles[0])
        ax.plot(
            closed,
            np.append(targets, targets[0]),
            color=_STRAT_MUTED,
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
    _chinese_ready(ax)
    y = np.arange(len(names))
    rated = ~np.isnan(scores)
    bars = ax.barh(y[rated], scores[rated], color="#0072B2", height=0.58)
    ax.bar_label(
        bars, labels=[f"{s:.0f}/{high}" for s in scores[rated]], padding=3, fontsize="small"
    )
    for yi, st, tg in zip(y, status, targets, strict=True):
        if st == "rated" and not math.isnan(tg):
            ax.plot([tg, tg], [yi - 0.34, yi + 0.34], color=_STRAT_INK, lw=2)
        if st != "rated":
            ax.barh([yi], [high], color="none", edgecolor="#BBBBBB", hatch="///", height=0.58)
            t = ax.text(
                high / 2,
                yi,
                strategy_label(st, lang),
                ha="center",
                va="center",
                fontsize=9,
                color=_STRAT_MUTED,
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
        from matplotlib.lines import Line2D

        _strat_legend_right(
            ax,
            [
                Line2D(
                    [],
                    [],
                    color=_STRAT_INK,
                    lw=2,
                    marker="|",
                    markersize=12,
                    linestyle="none",
                    label=strategy_label("target", lang),
                )
            ],
        )
    return ax


# --- monitoring (KPIs, channels, anomalies) ---


def _mon_label(key, lang: str):
    return label(key, lang)


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
    green, amber : float
        The thresholds used for the status (drawn as bands).

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_kpi_bullets(mk.kpi_review(mk.load_sample(), "2026-10"))  # doctest: +SKIP
    """
    import numpy as np

    from mktkit.style import STATUS_COLORS, status_color
    from mktkit.tables.formatting import tint

    rows = att.reset_index(drop=True)
    height = max(2.4, 0.32 * len(rows) + 1.0)
    own, ax = ax is None, _axes(ax, (8, height))
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
    ax.set_title(label("kpi_attainment", lang), loc="left", y=_title_y(ax, own))
    ax.grid(axis="y", visible=False)
    return ax


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
    metric : str, optional
        Metric name for the title.

    Examples
    --------
    >>> from mktkit.kpi import pacing_curve
    >>> ax = mk.plot_pacing(pacing_curve(daily, 31_000, "2026-10-01", "2026-10-31"))  # doctest: +SKIP
    """
    ax = _axes(ax)
    ax.plot(curve["date"], curve["expected"], color="#7b8794", lw=1.2, ls="--",
            label=_mon_label("straight_line_to_target", lang))  # fmt: skip
    ax.plot(curve["date"], curve["actual"], color="#1f5f99", lw=2.2,
            label=_mon_label("cumulative_actual", lang))  # fmt: skip
    if curve["projected"].notna().any():
        ax.plot(curve["date"], curve["projected"], color="#1f5f99", lw=1.4, ls=":",
                label=_mon_label("run_rate_projection", lang))  # fmt: skip
    target = curve.attrs.get("target", float(curve["expected"].iloc[-1]))
    ax.axhline(target, color="#222222", lw=0.8)
    ax.annotate(f"{label('target', lang)} {target:,.0f}", (curve["date"].iloc[0], target),
                xytext=(2, 3), textcoords="offset points", fontsize="small")  # fmt: skip
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    title = _mon_label("kpi_pacing", lang)
    ax.set_title(f"{label(metric, lang)} · {title}" if metric else title, loc="left")
    ax.legend(frameon=False, loc="lower right")
    ax.figure.autofmt_xdate()
    return ax


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

    Examples
    --------
    >>> import mktkit as mk
    >>> ax = mk.plot_channel_efficiency(mk.channel_performance(cd))  # doctest: +SKIP
    """
    import numpy as np

    from mktkit.style import PALETTE

    own, ax = ax is None, _axes(ax, (8, 4.5))
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
        ax.set_ylim(bottom=0, top=max(float(np.nanmax(ys)) * 1.2, 1.5))
        ax.legend(frameon=False, loc="lower right")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(label(x, lang))
    ax.set_ylabel(label(y, lang))
    ax.set_title(
        f"{_mon_label('channel_efficiency', lang)} ({_mon_label('bubble_revenue', lang)})",
        loc="left",
        y=_title_y(ax, own),
    )
    return ax


def plot_response_curves(
    curves: pd.DataFrame,
    allocation: pd.DataFrame | None = None,
    ax: Axes | None = None,
    *,
    lang: str = "en",
) -> Axes:
    """Fitted response curves per channel, with current (circle) and suggested (triangle) spend.

    Curves that fit badly are dashed and labelled so; money is per day, as fitted.

    Parameters
    ----------
    curves : DataFrame
        Output of :func:`mktkit.response_curves`.
    allocation : DataFrame, optional
        Output of :func:`mktkit.budget_reallocation` for these curves (its spend is per
        ``attrs["days"]`` days and is drawn per day).

    Examples
    --------
    >>> c = mk.response_curves(cd)                                         # doctest: +SKIP
    >>> ax = mk.plot_response_curves(c, mk.budget_reallocation(c))         # doctest: +SKIP
    """
    import numpy as np

    from mktkit.style import PALETTE

    own, ax = ax is None, _axes(ax, (8, 4.8))
    key = [c for c in ("region", "channel") if c in curves]
    suggested = {}
    if allocation is not None:
        days = allocation.attrs.get("days", 1)
        for r in allocation.to_dict("records"):
            suggested[tuple(r[k] for k in key)] = r["suggested_spend"] / days
    top = float(np.nanmax(np.r_[curves["spend_max"].to_numpy(float),
                                1.6 * curves["current_spend"].to_numpy(float)]))  # fmt: skip
    grid = np.linspace(0, top, 200)
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
        cur = float(r["current_spend"])
        ax.plot([cur], [a * np.log1p(cur / b)], "o", color=color, ms=7, mec="#222222")
        sug = suggested.get(tuple(r[k] for k in key))
        if sug is not None and ok:
            ax.plot([sug], [a * np.log1p(sug / b)], "^", color=color, ms=8, mec="#222222")
    handles, names = ax.get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], marker="o", ls="", color="#7b8794", mec="#222222"),
                Line2D([], [], marker="^", ls="", color="#7b8794", mec="#222222")]  # fmt: skip
    names += [str(label("current", lang)), str(_mon_label("suggested", lang))]
    ax.legend(handles, names, frameon=False, loc="upper left", fontsize="small", ncols=2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(_mon_label("spend_per_day", lang))
    ax.set_ylabel(_mon_label("revenue_per_day", lang))
    ax.set_xlim(0, top)
    ax.set_ylim(bottom=0)
    ax.set_title(_mon_label("response_curves", lang), loc="left", y=_title_y(ax, own))
    return ax


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
    **where
        Column filters down to one series, e.g. ``region="south", metric="clicks"``.

    Examples
    --------
    >>> r = mk.detect_anomalies(daily, value="clicks", by="region", flags_only=False)  # doctest: +SKIP
    >>> ax = mk.plot_anomalies(r, region="south", metric="clicks")                     # doctest: +SKIP
    """
    from mktkit.errors import InputError

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
    own, ax = ax is None, _axes(ax)
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
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.4g}"))
    ax.set_title(f"{title} · {label('anomalies', lang)}", loc="left", y=_title_y(ax, own))
    ax.legend(frameon=False, loc="best")
    ax.figure.autofmt_xdate()
    return ax


# --- customers, surveys, experiments ---


def plot_rfm_segments(summary: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """Share of customers and of revenue per RFM segment (paired horizontal bars).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`mktkit.customers.rfm_summary` (segment, customer_share,
        revenue_share); drawn in its order, first on top.

    Examples
    --------
    >>> from mktkit.customers import rfm, rfm_summary
    >>> ax = plot_rfm_segments(rfm_summary(rfm(mk.load_sample()["orders"])))  # doctest: +SKIP
    """
    import numpy as np

    rows = summary.reset_index(drop=True)
    ax = _axes(ax, (8, max(2.6, 0.42 * len(rows) + 1.0)))
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
    annotate : bool, optional
        Write the percentage in each cell; default when the triangle has at most 16 columns.
        Column 0 (always 100 %) is left out of the colour scale so that the later periods are
        readable.

    Examples
    --------
    >>> from mktkit.customers import cohort_retention
    >>> ax = plot_cohort_heatmap(cohort_retention(mk.load_sample()["orders"]))  # doctest: +SKIP
    """
    import numpy as np

    values = triangle.to_numpy(dtype=float)
    ax = _axes(ax, (max(6, 0.45 * values.shape[1] + 2), max(3, 0.3 * values.shape[0] + 1.2)))
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


def plot_nps(result: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """NPS bars with their margin of error; groups with fewer than 30 answers are hatched.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`mktkit.surveys.nps` (with or without ``by=``).

    Examples
    --------
    >>> from mktkit.surveys import nps
    >>> ax = plot_nps(nps(mk.load_sample()["nps"], by="region"))  # doctest: +SKIP
    """
    import numpy as np

    known = {"n", "promoters", "passives", "detractors", "nps", "moe", "nps_low", "nps_high",
             "small_sample", "method"}  # fmt: skip
    keys = [c for c in result.columns if c not in known]
    rows = result.reset_index(drop=True)
    names = (
        [" · ".join(str(label(r[k], lang)) for k in keys) for r in rows.to_dict("records")]
        if keys
        else [str(label("nps", lang))]
    )
    own, ax = ax is None, _axes(ax, (max(4, 0.9 * len(rows) + 2), 3.6))
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
    ax.set_title(str(label("nps", lang)), loc="left", y=_title_y(ax, own))
    ax.grid(axis="x", visible=False)
    return ax


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
    metric : {"lift", "diff"}
        Relative lift or difference of conversion rates.

    Examples
    --------
    >>> from mktkit.experiments import ab_test
    >>> e = mk.load_sample()["experiments"]  # doctest: +SKIP
    >>> ax = plot_experiment(ab_test(e, experiment="checkout_button"))  # doctest: +SKIP
    """
    import numpy as np

    from mktkit.errors import check_argument

    check_argument("metric", ["lift", "diff"], metric)
    rows = result[~result["is_control"].astype(bool)].reset_index(drop=True)
    ax = _axes(ax, (8, max(2.2, 0.6 * len(rows) + 1.2)))
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
    names = [
        f"{r['experiment']} · {r['variant']}" if r.get("experiment") else str(r["variant"])
        for r in rows.to_dict("records")
    ]
    ax.set_yticks(y, names)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+.0%}"))
    conf = float(rows["confidence"].iloc[0]) if len(rows) else 0.95
    ax.set_title(f"{label(metric, lang)} ({conf:.0%} CI)", loc="left")
    ax.grid(axis="y", visible=False)
    return ax


# --- campaign review ---


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
    metric : str
        Column to draw (a volume per day, or ``roas``: the window's ratio of sums).

    Examples
    --------
    >>> from mktkit.campaigns import campaign_daily
    >>> ax = plot_campaign_timeline(campaign_daily(mk.load_sample(), "CMP07"))  # doctest: +SKIP
    """
    from mktkit.errors import InputError

    if metric not in daily or "window" not in daily:
        raise InputError(f"no column {metric!r} or window", table="campaign_daily",
                         column=metric, fix="pass the output of campaign_daily")  # fmt: skip
    ax = _axes(ax)
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
                  label=f"{label(name, lang)}: {level:,.{digits}f}")  # fmt: skip
        if name == "during":
            ax.axvspan(first, last, color="#D55E00", alpha=0.08, lw=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.{digits}f}"))
    ax.set_ylim(bottom=0)
    channel = daily.attrs.get("channel")
    parts = (label(channel, lang) if channel else None, label("before_after", lang))
    ax.set_title(" · ".join(str(t) for t in parts if t), loc="left")
    ax.legend(frameon=False, loc="best", fontsize="small")
    ax.figure.autofmt_xdate()
    return ax
