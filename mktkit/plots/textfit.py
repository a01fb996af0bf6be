"""Fitting long bilingual text inside a figure: wrapping, measuring, filling cells, labels.

The strategy figures are text-heavy: long bilingual text is wrapped by measured width (a CJK
character may break anywhere, Latin text at spaces, closing punctuation stays with its
character), then laid out top to bottom from the measured height of every text, shrinking the
font until all of it fits inside its cell, so nothing overlaps and nothing spills out of the
axes. User text is drawn with ``parse_math=False``: a "$" in a SWOT item is a dollar, not
mathtext.

- breaking: :func:`tokens` (the units a line may break between), :func:`greedy` (line
  filling), :func:`wrap` (by display columns), :func:`is_wide`;
- measuring: :class:`Measure` (pixel widths from the figure's renderer, and wrapping by them),
  :func:`get_renderer`, :func:`axes_box`;
- drawing: :func:`draw_text`, :func:`fill_cells` (cells of wrapped text, the font shrunk until
  all fits), :func:`rows_layout` and :func:`entry_lines` (a 2-column grid whose rows follow
  their text), :func:`place_label` with :data:`LABEL_OFFSETS` (a label that avoids other
  texts).

Examples
--------
>>> wrap("复购客户忠诚度高 Loyal repeat buyers", 12)
['复购客户忠诚', '度高 Loyal', 'repeat', 'buyers']
"""

from __future__ import annotations

import unicodedata

from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

from mktkit.plots.colors import CELL_TINT, INK, MUTED
from mktkit.style import tint

# characters that never start a line / never end one (Chinese line-breaking rules, kinsoku)
NO_START = set("，。、；：？！）》」』】〉’”…·%,.;:?!)]}")
NO_END = set("（《「『【〈‘“([{")

# where place_label tries a label, in points from its point, first choice first
LABEL_OFFSETS = [
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


def is_wide(ch: str) -> bool:
    """Whether ``ch`` is a wide (CJK) character, two columns in a terminal.

    Examples
    --------
    >>> is_wide("复"), is_wide("A")
    (True, False)
    """
    return unicodedata.east_asian_width(ch) in ("W", "F")


def tokens(text: str) -> list[str]:
    """Units a line may break between: a CJK character, or a Latin word with its spaces;
    punctuation that must not start (end) a line is glued to the unit before (after) it.

    Examples
    --------
    >>> tokens("会员（企业微信） WeCom members")
    ['会', '员', '（企', '业', '微', '信） ', 'WeCom ', 'members']
    """
    tokens: list[str] = []
    for ch in str(text):
        prev = tokens[-1] if tokens else ""
        if not prev:
            tokens.append(ch)
        elif ch in NO_START or prev[-1] in NO_END:
            tokens[-1] = prev + ch
        elif ch.isspace():
            tokens[-1] = prev + ch
        elif is_wide(ch) or is_wide(prev[-1]) or prev[-1].isspace():
            tokens.append(ch)
        else:
            tokens[-1] = prev + ch
    return tokens


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to lines of at most ``width`` display columns; a wide (CJK) character
    counts two columns and a combining mark none, as terminals and ``wcwidth`` count them, so
    Chinese and English wrap to the same visual width.

    Examples
    --------
    >>> wrap("复购客户忠诚度高 Loyal repeat buyers", 12)
    ['复购客户忠诚', '度高 Loyal', 'repeat', 'buyers']
    """

    def cols(s: str) -> int:
        return sum(0 if unicodedata.combining(ch) else 2 if is_wide(ch) else 1 for ch in s)

    return greedy(tokens(text), cols, width)


def greedy(tokens: list[str], measure, limit: float) -> list[str]:
    """Greedy line filling of ``tokens`` so that ``measure(line) <= limit``; a token longer
    than a line is cut by characters.

    Examples
    --------
    >>> greedy(["Loyal ", "repeat ", "buyers"], len, 12)
    ['Loyal repeat', 'buyers']
    >>> greedy(["abcdefgh"], len, 3)
    ['abc', 'def', 'gh']
    """
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


class Measure:
    """Pixel widths and heights of strings at a font size, from the figure's renderer.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> m = Measure(fig)
    >>> m.width("ROAS", 10) < m.width("ROAS ROAS", 10)
    True
    >>> m.wrap("Loyal repeat buyers", 10, m.width("Loyal repeat", 10))
    ['Loyal repeat', 'buyers']
    >>> plt.close(fig)
    """

    def __init__(self, fig) -> None:
        self.renderer = get_renderer(fig)
        self._cache: dict[tuple[str, float], float] = {}

    def width(self, s: str, size: float) -> float:
        key = (s, size)
        if key not in self._cache:
            w, _, _ = self.renderer.get_text_width_height_descent(
                s, FontProperties(size=size), ismath=False
            )
            self._cache[key] = w
        return self._cache[key]

    def wrap(self, text: str, size: float, limit_px: float) -> list[str]:
        return greedy(tokens(text), lambda s: self.width(s, size), limit_px)


def get_renderer(fig):
    """The renderer of ``fig``'s canvas (texts are measured with it).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> get_renderer(fig) is not None
    True
    >>> plt.close(fig)
    """
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return fig._get_renderer()


def axes_box(ax, renderer):
    """The axes' extent in pixels after the layout engine has run.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3), dpi=100, layout="constrained")
    >>> bool(0 < axes_box(ax, get_renderer(fig)).width < 400)
    True
    >>> plt.close(fig)
    """
    fig = ax.figure
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
    return ax.get_window_extent(renderer)


def draw_text(ax, x, y, s, **kw):
    """``ax.text`` for user text: no mathtext, axes coordinates, left out of the layout.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plt.subplots()[1]
    >>> draw_text(ax, 0.1, 0.9, "$5 off").get_parse_math()
    False
    >>> plt.close(ax.figure)
    """
    kw.setdefault("parse_math", False)
    kw.setdefault("transform", ax.transAxes)
    t = ax.text(x, y, s, **kw)
    t.set_in_layout(False)
    return t


def fill_cells(ax, cells, *, sizes=(10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5)) -> float:
    """Draw cells of wrapped text inside ``ax`` (axes coordinates 0..1, axis off).

    ``cells``: list of dicts with ``rect`` (x0, y0, w, h in axes fractions), ``title``,
    ``color`` and ``entries`` (list of (text, note) pairs; note may be ""). Texts are stacked
    from their measured extents. Returns the font size used: the largest of ``sizes`` at which
    every cell holds all its entries; at the smallest size, entries that still do not fit are
    replaced by a "… (+n)" line, so no text ever leaves its cell.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mktkit.plots.axes import fixed_axes
    >>> ax = fixed_axes((4.0, 3.0))
    >>> cell = {"rect": (0, 0, 1, 1), "title": "Strengths", "color": "#009E73",
    ...         "entries": [("S1  Loyal repeat buyers", "repurchase rate 0.18")]}
    >>> fill_cells(ax, [cell])
    10.0
    >>> plt.close(ax.figure)
    """
    fig = ax.figure
    measure = Measure(fig)
    renderer = measure.renderer
    box = axes_box(ax, renderer)
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
                facecolor=tint(c["color"], CELL_TINT),
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
        head = draw_text(
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
                draw_text(
                    ax,
                    x0 + pad_x,
                    y,
                    "\n".join(measure.wrap(text, size, limit)),
                    va="top",
                    ha="left",
                    fontsize=size,
                    color=INK,
                    linespacing=1.2,
                )
            ]
            y = bottom(parts[-1])
            if note:
                indent = 10 / px_w
                lines = measure.wrap(note, size - 1.5, limit - 10)
                parts.append(
                    draw_text(
                        ax,
                        x0 + pad_x + indent,
                        y - gap * 0.25,
                        "\n".join(lines),
                        va="top",
                        ha="left",
                        fontsize=size - 1.5,
                        color=MUTED,
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
                more = draw_text(
                    ax,
                    x0 + pad_x,
                    top,
                    f"… (+{hidden})",
                    va="top",
                    ha="left",
                    fontsize=size,
                    color=MUTED,
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


def entry_lines(cell, cols: int) -> float:
    """Lines a cell's heading and entries take when wrapped to ``cols`` columns (an estimate:
    a note counts 0.85 of a line, the space between entries 0.4).

    Examples
    --------
    >>> entry_lines({"entries": [("S1  Loyal repeat buyers", "")]}, 12)
    5.2
    """
    lines = 1.8  # the heading and the padding
    for text, note in cell["entries"]:
        lines += len(wrap(text, cols)) + 0.4
        lines += len(wrap(note, cols)) * 0.85 if note else 0
    return lines


def rows_layout(cells, width_in: float, size: float = 10.0, gap: float = 0.012):
    """Place ``cells`` in a 2-column grid whose row heights follow their text; returns the
    figure height (inches) that holds the text at ``size`` (an estimate: the layout shrinks
    the font when it was short).

    Examples
    --------
    >>> cells = [{"entries": [("S1  Loyal repeat buyers", "")]} for _ in range(4)]
    >>> rows_layout(cells, 8.0)
    3.0
    >>> [round(v, 3) for v in cells[3]["rect"]]
    [0.506, 0.0, 0.494, 0.494]
    """
    cols = max(8, int(width_in / 2 * 72 / size * 2 * 0.9) - 4)  # two columns per em
    line_in = size * 1.3 / 72
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    need = [max(entry_lines(c, cols) for c in row) * line_in for row in rows]
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


def place_label(ax, xy, text, avoid, *, offsets, **kw):
    """Annotate ``xy`` with ``text`` at the first offset (points) where it neither overlaps
    the texts in ``avoid`` nor leaves the axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plt.subplots()[1]
    >>> corner = ax.text(0.5, 0.5, "III", ha="left", va="bottom")
    >>> place_label(ax, (0.5, 0.5), "here", [corner], offsets=LABEL_OFFSETS).get_text()
    'here'
    >>> plt.close(ax.figure)
    """
    renderer = get_renderer(ax.figure)
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
