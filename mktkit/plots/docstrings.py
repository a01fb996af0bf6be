"""Docstring pieces every plot function shares, written once (as seaborn's ``_docstrings``).

A plot function's docstring holds a placeholder line such as ``{ax}`` where the piece goes;
:func:`fill_doc` replaces it with the text of :data:`PIECES`, indented as the placeholder
was, so ``help()`` shows plain numpydoc. Only a line holding nothing but ``{name}`` is a
placeholder: braces elsewhere (``lang : {"en", "zh"}``, a doctest's dict) stay as written.

Examples
--------
>>> @fill_doc
... def plot_example(ax=None, *, lang="en"):
...     '''Draw an example.
...
...     Parameters
...     ----------
...     {lang}
...     '''
>>> print(plot_example.__doc__.splitlines()[4])
    lang : {"en", "zh"}
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

_F = TypeVar("_F", bound=Callable)

# name -> text, its first line at column 0 and continuation lines indented by four spaces
PIECES: dict[str, str] = {
    "ax": """\
ax : matplotlib.axes.Axes, optional
    The Axes to draw on. By default a new figure sized for the plot. A caller's Axes gets
    the CJK font as the last fallback of its texts, so Chinese draws without the theme.""",
    "ax_canvas": """\
ax : matplotlib.axes.Axes, optional
    Drawn on as a blank canvas (axis off). By default a new figure sized to the text. A
    caller's Axes gets the CJK font as the last fallback of its texts.""",
    "lang": """\
lang : {"en", "zh"}
    Language of the figure's words: title, axis labels, legend, the names it knows in the
    data (regions, channels, metrics, events, statuses) and, for bilingual input such as a
    SWOT, the text shown.""",
    "returns": """\
Returns
-------
matplotlib.axes.Axes
    The Axes drawn on (``ax`` when given), so the figure composes with anything else
    drawn on it.""",
}

_PLACEHOLDER = re.compile(r"^([ \t]*)\{(\w+)\}[ \t]*$", re.MULTILINE)


def fill_doc(func: _F) -> _F:
    """Replace the ``{name}`` placeholder lines of ``func``'s docstring with :data:`PIECES`.

    Parameters
    ----------
    func : callable
        A function whose docstring holds placeholder lines (each indented as the lines around
        it).

    Returns
    -------
    callable
        ``func`` itself, its ``__doc__`` filled.

    Raises
    ------
    KeyError
        A placeholder names no piece: a typo fails on import, not in a reader's ``help()``.

    Examples
    --------
    >>> def f(ax=None):
    ...     '''Draw.
    ...
    ...     Parameters
    ...     ----------
    ...     {ax}
    ...     '''
    >>> fill_doc(f).__doc__.splitlines()[4]
    '    ax : matplotlib.axes.Axes, optional'
    """

    def piece(match: re.Match) -> str:
        indent, name = match.groups()
        return "\n".join(indent + line if line else line for line in PIECES[name].splitlines())

    if func.__doc__:
        func.__doc__ = _PLACEHOLDER.sub(piece, func.__doc__)
    return func
