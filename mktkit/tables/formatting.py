"""Tables as a report shows them: a DataFrame formatted cell by cell, with translated headers,
and the CSS of status cells and of changes.

The numbers are written by :mod:`mktkit.formats` (rounding half away from zero, U+2212 minus
signs, the em dash for a missing value); money in the current currency
(:func:`mktkit.formats.use_currency`) or the table's ``currency=``.

Examples
--------
>>> df = pd.DataFrame({"region": ["east"], "revenue": [1234567.5]})
>>> format_table(df, {"region": "label", "revenue": "money"}, "zh").iloc[0].tolist()
['华东', '¥1,234,568']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from mktkit.errors import InputError, check_argument, require_columns
from mktkit.formats import (
    MISSING,
    as_decimal,
    fmt_change,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_number,
    fmt_p_value,
    fmt_percent,
    fmt_pp,
    fmt_text,
    use_currency,
)
from mktkit.i18n import LANGS, label
from mktkit.style import status_color, tint


def status_code(x: Any) -> Any:
    """KPI status code as :data:`mktkit.style.STATUS_COLORS` spells it; missing is grey."""
    if fmt_text(x) == MISSING:
        return "grey"
    return str(x).strip().lower().replace("_", " ") if isinstance(x, str) else x


# a band of amounts as the analysis writes it: "<24.9855", "24.9855-60", "60+" (Python's :g)
_NUMBER = r"\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_BAND = re.compile(rf"(?P<below><)?(?P<a>{_NUMBER})(?:-(?P<b>{_NUMBER})|(?P<above>\+))?")


def money_band(band: Any, lang: str = "en") -> str:
    """A band of amounts (``"<24.9855"``, ``"24.9855-60"``, ``"60+"``, as
    :func:`mktkit.customers.customer_layers` writes them) with each edge in the current
    currency, to the cent as order values are shown. Text that is not a band is shown as it is.

    Examples
    --------
    >>> money_band("<24.9855"), money_band("24.9855-60"), money_band("1e+06+")
    ('<¥24.99', '¥24.99-¥60.00', '¥1,000,000.00+')
    >>> money_band("VIP")
    'VIP'
    """
    text = fmt_text(band)
    m = _BAND.fullmatch(text.strip())
    if m is None:
        return text
    edges = [float(e) for e in (m["a"], m["b"]) if e is not None]

    def money(x: float) -> str:
        return fmt_money(x, lang, digits=2)

    if m["below"]:
        return "<" + money(edges[0])
    if m["above"]:
        return money(edges[0]) + "+"
    return "-".join(money(e) for e in edges)


def _formatter(kind: str | Callable[[Any], str], lang: str) -> Callable[[Any], str]:
    if callable(kind):
        return kind
    check_argument("format", FORMAT_KINDS, kind)
    return {
        "money": lambda x: fmt_money(x, lang),
        "money_cents": lambda x: fmt_money(x, lang, digits=2),
        "money_compact": lambda x: fmt_money(x, lang, compact=True),
        "money_band": lambda x: money_band(x, lang),
        "int": lambda x: fmt_int(x, lang),
        "int_compact": lambda x: fmt_int(x, lang, compact=True),
        "number": fmt_number,
        "percent": fmt_percent,
        "change": fmt_change,
        "pp": lambda x: fmt_pp(x, lang),
        "p_value": fmt_p_value,
        "label": lambda x: fmt_text(label(x, lang)),
        "status": lambda x: label(status_code(x), lang, "status"),
        "date": fmt_date,
        "text": fmt_text,
    }[kind]


#: Kinds accepted by :func:`format_table` (or pass any callable value -> str).
FORMAT_KINDS: tuple[str, ...] = ("money", "money_cents", "money_compact", "money_band", "int",
                                 "int_compact", "number", "percent", "change", "pp", "p_value",
                                 "label", "status", "date", "text")  # fmt: skip


def format_table(
    df: pd.DataFrame,
    formats: Mapping[str, str | Callable[[Any], str]],
    lang: str = "en",
    *,
    currency: str | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` as display strings, with column headers translated to ``lang``.

    Parameters
    ----------
    df : DataFrame
    formats : mapping of column -> kind
        Kinds: ``"money"`` (whole units), ``"money_cents"``, ``"money_compact"``,
        ``"money_band"`` (bands of amounts such as ``"<24.9855"``, each edge rounded:
        :func:`money_band`), ``"int"``, ``"int_compact"``, ``"number"`` (2 decimals, e.g.
        ROAS), ``"percent"`` (fractions), ``"change"`` (relative change), ``"pp"`` (difference
        of fractions), ``"p_value"`` (``"<0.001"`` or 3 decimals), ``"label"`` (translate
        codes such as regions and channels, the user's labels first), ``"status"`` (KPI
        status words), ``"date"``, ``"text"``; or a callable. Columns not named are shown as
        text.
    lang : {"en", "zh"}
    currency : str, optional
        ISO 4217 code of the money columns and of headers that name a currency; default the
        current one (:func:`mktkit.formats.use_currency`, CNY unless set).

    Returns
    -------
    DataFrame
        Same rows and index, every cell a string, headers from :func:`mktkit.i18n.label`.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["east"], "revenue": [1234567.5], "ctr": [0.0125]})
    >>> shown = format_table(df, {"region": "label", "revenue": "money", "ctr": "percent"}, "zh")
    >>> list(shown.columns), shown.iloc[0].tolist()
    (['区域', '销售额', '点击率'], ['华东', '¥1,234,568', '1.3%'])
    >>> format_table(df, {"revenue": "money"}, "en", currency="USD").iloc[0, 1]
    '$1,234,568'
    """
    check_argument("lang", LANGS, lang)
    require_columns(df, list(formats), table="format_table")
    out = {}
    with use_currency(currency):
        for col in df.columns:
            fmt = _formatter(formats.get(col, "text"), lang)
            out[label(col, lang)] = [fmt(v) for v in df[col].tolist()]
    if len(out) != df.shape[1]:
        raise InputError("two columns get the same translated header", table="format_table",
                         fix="rename one of the columns")  # fmt: skip
    return pd.DataFrame(out, index=df.index, dtype="str")


def status_css(statuses: pd.Series) -> list[str]:
    """CSS for cells showing these status codes: a light tint of the status colour, dark text.

    A tint (not the full colour) keeps dark text above 4.5:1 contrast (WCAG AA); use with
    :meth:`pandas.io.formats.style.Styler.apply` on the formatted table.

    Examples
    --------
    >>> status_css(pd.Series(["green", None]))
    ['background-color: #BFE7DC; color: #222222', 'background-color: #EEEEEE; color: #222222']
    """
    return [
        f"background-color: {tint(status_color(status_code(s)), 0.25)}; color: #222222"
        for s in statuses
    ]


def change_class(change: Any, direction: str) -> str:
    """CSS class of a change: ``good``, ``bad`` or ``neutral``, given the metric's direction.

    Examples
    --------
    >>> change_class(0.1, "higher"), change_class(0.1, "lower"), change_class(float("nan"), "higher")
    ('good', 'bad', 'neutral')
    """
    if as_decimal(change) is None or change == 0:
        return "neutral"
    return "good" if (change > 0) == (direction == "higher") else "bad"
