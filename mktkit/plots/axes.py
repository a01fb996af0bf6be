"""The Axes a plot draws on: a new one or the caller's, ready for Chinese, its title placed.

- :func:`ready_axes`: a new figure's Axes of a given size, or the caller's made
  :func:`chinese_ready`;
- :func:`chinese_ready`: a caller's Axes, its texts given the CJK font as their last fallback;
- :func:`title_y`: where ``set_title`` puts the title in a figure the plot made;
- :func:`fixed_axes`: a figure with one Axes placed by hand, for the text layout of
  :mod:`mktkit.plots.textfit`;
- :func:`value_ticks`, :func:`money_text`: tick labels and texts of a metric, money with the
  symbol of the current currency (:func:`mktkit.formats.use_currency`, taken when the plot is
  made, so a figure drawn later keeps it).

Examples
--------
>>> import matplotlib.pyplot as plt
>>> ax = ready_axes(None, (4, 3))
>>> ax.figure.get_size_inches().tolist(), ax.figure.get_layout_engine() is not None
([4.0, 3.0], True)
>>> plt.close(ax.figure)
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from mktkit.formats import MINUS, MONEY_METRICS, currency_symbol, fmt_metric
from mktkit.style import CJK_FAMILY


def ready_axes(ax: Axes | None, size: tuple[float, float] = (9, 3.6)) -> Axes:
    """``ax`` made :func:`chinese_ready`, or a new figure's Axes of ``size`` inches.

    Parameters
    ----------
    ax : Axes or None
        The caller's Axes, if any.
    size : (float, float)
        Width and height (inches) of the new figure, laid out by matplotlib's constrained
        layout.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plt.subplots()[1]
    >>> ready_axes(ax) is ax
    True
    >>> plt.close(ax.figure)
    """
    if ax is None:
        return plt.subplots(figsize=size, layout="constrained")[1]
    return chinese_ready(ax)


def chinese_ready(ax: Axes) -> Axes:
    """A caller's Axes, its texts given the CJK font as their last fallback.

    Matplotlib fixes a text's font family when the text is made: an Axes from
    ``plt.subplots()`` made before :mod:`mktkit.plots` was imported (so before
    :func:`~mktkit.style.add_cjk_fallback`) would draw a Chinese title or tick label as empty
    boxes. Texts that already have the font (the theme's, or made after the import) are left
    alone.

    Parameters
    ----------
    ax : Axes

    Returns
    -------
    Axes
        ``ax`` itself.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mktkit.style import CJK_FAMILY
    >>> ax = chinese_ready(plt.subplots()[1])
    >>> CJK_FAMILY in ax.title.get_fontfamily()
    True
    >>> plt.close(ax.figure)
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


def title_y(ax: Axes, own: bool) -> float | None:
    """``y`` for ``set_title``: the top of the axes in a figure the plot function made, when
    nothing could rise above it there; else None (matplotlib places the title).

    At every draw (and constrained layout draws twice) matplotlib measures the whole y axis
    again to lift the title over x tick labels on top or a y offset text ("1e6"). A figure made
    here has its x ticks below, and when the y axis shows no offset either the title sits at
    the top of the axes anyway: pinned there, it is drawn at the same place in a fifth less
    time. Called once the y axis has its formatter and limits; an ``ax=`` of the caller's (or
    a ``axes.titley`` of the user's) keeps matplotlib's placement.

    Parameters
    ----------
    ax : Axes
    own : bool
        True when the plot function made the figure (no ``ax=`` was given).

    Returns
    -------
    float or None

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = plt.subplots()[1]
    >>> _ = ax.plot([0, 1], [1, 2])
    >>> title_y(ax, True), title_y(ax, False)
    (1.0, None)
    >>> plt.close(ax.figure)
    """
    if not own or mpl.rcParams["axes.titley"] is not None or mpl.rcParams["xtick.labeltop"]:
        return None
    if ax.xaxis.get_label_position() != "bottom":
        return None
    formatter = ax.yaxis.get_major_formatter()
    formatter.set_locs(ax.yaxis.get_majorticklocs())
    return None if formatter.get_offset() else 1.0


def fixed_axes(size: tuple[float, float]) -> Axes:
    """A figure with one axes placed by hand, room for a title above (no layout engine: the
    text layout measures the axes once and must not see it move afterwards).

    Parameters
    ----------
    size : (float, float)
        Width and height of the figure, inches.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = fixed_axes((8.0, 5.0))
    >>> ax.figure.get_layout_engine() is None
    True
    >>> plt.close(ax.figure)
    """
    fig = plt.figure(figsize=size, layout="none")
    top = 1 - 0.55 / size[1]
    return fig.add_axes((0.015, 0.015, 0.97, top - 0.015))


def value_ticks(metric: str | None, spec: str = ",.0f") -> FuncFormatter:
    """Tick labels of an axis of ``metric``: ``format(v, spec)``, after the current currency's
    symbol when the metric is money (:data:`mktkit.formats.MONEY_METRICS`), with the U+2212
    minus sign.

    The symbol is the one in use when the plot is made: a figure drawn after a ``with
    use_currency(...)`` block ends keeps it.

    Parameters
    ----------
    metric : str or None
        The metric on the axis (``"revenue"``, ``"roas"``); None: a plain number.
    spec : str
        Python format spec of the number.

    Returns
    -------
    FuncFormatter

    Examples
    --------
    >>> from mktkit.formats import use_currency
    >>> with use_currency("USD"):
    ...     ticks = value_ticks("revenue")
    >>> ticks(50000.0), ticks(-1200.0), value_ticks("orders")(1200.0)
    ('$50,000', '−$1,200', '1,200')
    """
    symbol = currency_symbol() if metric in MONEY_METRICS else ""

    def tick(v: float, _pos: object = None) -> str:
        text = format(abs(v), spec)
        sign = MINUS if v < 0 and any(c in "123456789" for c in text) else ""
        return f"{sign}{symbol}{text}"

    return FuncFormatter(tick)


def money_text(metric: str, value: object, lang: str = "en") -> str:
    """``value`` of ``metric`` as the tables show it (:func:`mktkit.formats.fmt_metric`), for a
    text of a figure: a "$" is escaped so that two amounts in one text never start mathtext.

    Examples
    --------
    >>> money_text("revenue", 1234.5, "en"), money_text("roas", 1.234)
    ('¥1,235', '1.23')
    >>> from mktkit.formats import use_currency
    >>> with use_currency("USD"):
    ...     print(money_text("revenue", 1234.5))
    \\$1,235
    """
    return fmt_metric(metric, value, lang).replace("$", r"\$")
