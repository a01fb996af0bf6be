"""A section of a review: what it shows (headings, HTML tables, figures, in order) and the
tables behind it.

Every review function returns a :class:`Section`. In a notebook, a section that is a cell's
last value shows itself: each HTML part as one output and each figure as one PNG, drawn only
then (nothing reaches pyplot before), and closed after it is shown. Outside a notebook its
``tables`` hold the numbers and :meth:`Section.figures` draws the figures for saving.

Examples
--------
>>> import pandas as pd
>>> sec = Section("en").heading("channel_performance").html("<p>2 channels</p>")
>>> sec.tables["channels"] = pd.DataFrame({"channel": ["kol", "search"]})
>>> sec.parts
['<h2>Channel performance</h2>', '<p>2 channels</p>']
>>> sec
Section(2 HTML part(s), 0 figure(s), tables: ['channels'])
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from mktkit.i18n import label

#: A figure part: called when the section is shown, it draws and returns an Axes or a Figure.
Draw = Callable[[], Any]

#: The line of a section the data cannot support (the table is the contract's name).
_LACKING = {
    "en": "{section}: not shown, the data have no {table} table (add {table}.csv to the data "
    "folder, or describe the file in its mktkit.yaml under tables: {table}:).",
    "zh": "{section}：未显示，数据中没有 {table} 表（在数据文件夹中加入 {table}.csv，"
    "或在其 mktkit.yaml 的 tables: 下登记 {table}）。",
}


class Section:
    """Parts shown in order (HTML text or figures drawn on demand) and the tables behind them.

    Parameters
    ----------
    lang : {"en", "zh"}
        The language of headings added with :meth:`heading`.

    Attributes
    ----------
    parts : list
        HTML strings and drawing callables, in display order.
    tables : dict of str to DataFrame (or any result)
        What the section computed, for a reader who wants the numbers.
    """

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.parts: list[str | Draw] = []
        self.tables: dict[str, Any] = {}

    def heading(self, key: str, level: int = 2) -> Section:
        """Add the heading labelled ``key`` (:func:`mktkit.i18n.label`), escaped."""
        self.parts.append(f"<h{level}>{html.escape(label(key, self.lang))}</h{level}>")
        return self

    def html(self, markup: str) -> Section:
        """Add HTML made by the kit's table functions (already escaped where it holds text)."""
        self.parts.append(markup)
        return self

    def lacking(self, key: str, table: str) -> Section:
        """Add the one line that says the section labelled ``key`` is not shown because the
        data have no ``table``, and how to add it.

        Examples
        --------
        >>> Section("en").lacking("nps", "nps").parts[0]
        '<p class="lacking">NPS: not shown, the data have no nps table (add nps.csv to the data folder, or describe the file in its mktkit.yaml under tables: nps:).</p>'
        """
        text = _LACKING[self.lang].format(section=label(key, self.lang), table=table)
        self.parts.append(f'<p class="lacking">{html.escape(text)}</p>')
        return self

    def figure(self, draw: Draw) -> Section:
        """Add a figure: ``draw()`` returns the Axes (or Figure) it drew, when shown."""
        self.parts.append(draw)
        return self

    def figures(self) -> list[Any]:
        """Draw every figure of the section and return the matplotlib Figures (left open)."""
        return [_figure_of(part()) for part in self.parts if callable(part)]

    def _ipython_display_(self) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import HTML, display

        for part in self.parts:
            if isinstance(part, str):
                display(HTML(part))
            else:
                fig = _figure_of(part())
                display(fig)  # as the inline backend's plt.show() does: one PNG output
                plt.close(fig)

    def __repr__(self) -> str:
        shown = sum(isinstance(p, str) for p in self.parts)
        drawn = len(self.parts) - shown
        return f"Section({shown} HTML part(s), {drawn} figure(s), tables: {list(self.tables)})"


def _figure_of(drawn: Any) -> Any:
    """The Figure of what a drawing callable returned (an Axes or a Figure)."""
    return getattr(drawn, "figure", drawn)
