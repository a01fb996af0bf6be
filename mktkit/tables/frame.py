"""Numbers as a report shows them: money, counts, percentages, changes, percentage points.

Every formatter returns a string and shows a missing or undefined value (None, NaN, pd.NA,
NaT, and the infinities a division by zero leaves) as an em dash "—".

Rounding convention: half away from zero on the shortest decimal form of the number (its
``repr``), computed with :mod:`decimal` (``ROUND_HALF_UP``). That is the number a person
reads, rounded the way they were taught: ``2.675`` gives ``"2.68"`` (Python's ``f"{2.675:.2f}"``
gives ``"2.67"`` because the binary float is 2.67499999...), ``0.0125`` gives ``"1.3%"``
(not the banker's ``"1.2%"``), ``-2.5`` gives ``"−3"``.

Negative numbers carry the typographic minus sign U+2212 ("−"), the same sign matplotlib
draws on the charts; positive changes carry "+"; a value that rounds to zero has no sign.

Examples
--------
>>> fmt_money(1234567.5)
'¥1,234,568'
>>> fmt_money(123456789, "zh", compact=True)
'¥1.23亿'
>>> fmt_percent(0.1234), fmt_change(-0.04), fmt_pp(0.012, "zh")
('12.3%', '−4.0%', '+1.2个百分点')
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from numbers import Number
from typing import Any

import pandas as pd

from mktkit.errors import InputError, check_argument, require_columns
from mktkit.i18n import LANGS, label
from mktkit.style import STATUS_COLORS, status_color

#: What a missing or undefined value looks like.
MISSING = "—"
MINUS = "\u2212"

#: Currency code -> symbol; other ISO codes are written as a prefix, e.g. "SGD 1,234".
CURRENCY_SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "HKD": "HK$",
    "JPY": "JP¥",
}

# compact units, largest first: en uses thousands/millions/billions, zh uses 万 and 亿
_COMPACT: dict[str, tuple[tuple[int, str], ...]] = {
    "en": ((10**9, "B"), (10**6, "M"), (10**3, "K")),
    "zh": ((10**8, "亿"), (10**4, "万")),
}


def _decimal(x: Any) -> Decimal | None:
    """``x`` as an exact Decimal of its shortest repr, or None when missing or not finite."""
    if x is None or x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, bool) or not isinstance(x, Number):
        raise InputError(
            f"{x!r} is not a number", fix="format numbers only; pass text columns as 'text'"
        )
    if isinstance(x, int) or (hasattr(x, "dtype") and x.dtype.kind in "iu"):
        return Decimal(int(x))
    f = float(x)  # numpy scalars too; repr(np.float64) would read "np.float64(...)"
    if not math.isfinite(f):
        return None
    return Decimal(repr(f))


def _round(d: Decimal, digits: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = max(50, d.adjusted() + digits + 5)  # never lose integer digits
        return d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _number(d: Decimal, digits: int, *, plus: bool = False, grouping: bool = True) -> str:
    """Round and write ``d`` with thousands separators and a U+2212 minus sign."""
    r = _round(d, digits)
    if r.is_zero():
        sign = ""
    elif r < 0:
        sign = MINUS
    else:
        sign = "+" if plus else ""
    return sign + format(abs(r), ",f" if grouping else "f")


def _check_digits(digits: int) -> None:
    if not isinstance(digits, int) or isinstance(digits, bool) or digits < 0:
        raise InputError(f"digits={digits!r} is not a whole number >= 0", column="digits")


def _compact(d: Decimal, lang: str, digits: int) -> tuple[Decimal, str]:
    for size, suffix in _COMPACT[lang]:
        if abs(_round(d / size, digits)) >= 1:  # 9,999.996 in 万 rounds to 1.00万: use 万
            return d / size, suffix
    return d, ""


def fmt_number(x: Any, digits: int = 2) -> str:
    """A plain number with thousands separators, e.g. a ROAS of ``3.456`` -> ``"3.46"``.

    Examples
    --------
    >>> fmt_number(2.675), fmt_number(-1234.5, 0)
    ('2.68', '−1,235')
    """
    _check_digits(digits)
    d = _decimal(x)
    return MISSING if d is None else _number(d, digits)


def fmt_int(x: Any, lang: str = "en", *, compact: bool = False) -> str:
    """A count, rounded to a whole number: ``1234567.5`` -> ``"1,234,568"``.

    Parameters
    ----------
    compact : bool
        Large counts in units: ``"1.23M"`` (en), ``"123.46万"`` / ``"1.23亿"`` (zh),
        with two decimals.

    Examples
    --------
    >>> fmt_int(1234567.5), fmt_int(45678, "zh", compact=True)
    ('1,234,568', '4.57万')
    """
    check_argument("lang", LANGS, lang)
    d = _decimal(x)
    if d is None:
        return MISSING
    if compact:
        value, suffix = _compact(d, lang, 2)
        if suffix:
            return _number(value, 2) + suffix
    return _number(d, 0)


def fmt_money(
    x: Any,
    lang: str = "en",
    currency: str = "CNY",
    *,
    digits: int | None = None,
    compact: bool = False,
) -> str:
    """An amount of money with its currency symbol: ``1234567.5`` -> ``"¥1,234,568"``.

    Parameters
    ----------
    x : number
    lang : {"en", "zh"}
        The same digits in both languages; only ``compact`` units differ.
    currency : str
        ISO 4217 code; CNY, USD, EUR, GBP, HKD and JPY have symbols, others are a prefix.
    digits : int, optional
        Decimals. By default 0, and 2 for an amount shown in a compact unit.
    compact : bool
        Large amounts in units: ``"¥1.23M"`` (en: K, M, B), ``"¥123.46万"``, ``"¥1.23亿"``
        (zh: 万 and 亿). A unit is used as soon as the amount rounds to at least 1 of it, so
        99,999,999 is "¥1.00亿" (not "¥10,000.00万") and 9,999.5 is "¥1.00万"; smaller
        amounts are shown as without ``compact``.

    Examples
    --------
    >>> fmt_money(-2.675, digits=2), fmt_money(1234567, "zh", compact=True)
    ('−¥2.68', '¥123.46万')
    >>> fmt_money(1500, "en", "SGD")
    'SGD 1,500'
    """
    check_argument("lang", LANGS, lang)
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise InputError(f"currency {currency!r} is not an ISO 4217 code", column="currency",
                         fix="use a three-letter code such as 'CNY' or 'USD'")  # fmt: skip
    unit_digits = 2 if digits is None else digits
    _check_digits(unit_digits)
    d = _decimal(x)
    if d is None:
        return MISSING
    suffix = ""
    if compact:
        d, suffix = _compact(d, lang, unit_digits)
    # whole yuan unless asked: "¥9,999", not "¥9,999.00", below the first compact unit too
    text = _number(d, unit_digits if suffix or digits is not None else 0)
    sign = MINUS if text.startswith(MINUS) else ""
    symbol = CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")
    return sign + symbol + text.removeprefix(MINUS) + suffix


def fmt_percent(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.1234`` -> ``"12.3%"``.

    Examples
    --------
    >>> fmt_percent(0.0125), fmt_percent(0.125, digits=0), fmt_percent(float("nan"))
    ('1.3%', '13%', '—')
    """
    _check_digits(digits)
    d = _decimal(x)
    return MISSING if d is None else _number(d * 100, digits) + "%"


def fmt_change(x: Any, digits: int = 1) -> str:
    """A relative change (a fraction) with its sign: ``0.123`` -> ``"+12.3%"``.

    Examples
    --------
    >>> fmt_change(0.123), fmt_change(-0.04), fmt_change(0.0)
    ('+12.3%', '−4.0%', '0.0%')
    """
    _check_digits(digits)
    d = _decimal(x)
    return MISSING if d is None else _number(d * 100, digits, plus=True) + "%"


# How each metric reads in a report: money, money to the cent, a rate, a count, else a number.
_MONEY = ("revenue", "spend", "budget")
_MONEY_CENTS = ("cac", "cpa", "cpc", "cpm", "aov")
_RATES = ("conversion_rate", "ctr", "cvr")
_COUNTS = ("orders", "new_customers", "clicks", "impressions", "leads")


def fmt_metric(metric: str, x: Any, lang: str = "en") -> str:
    """A metric's value as every table and sentence of the reports shows it.

    Examples
    --------
    >>> fmt_metric("revenue", 223886.83, "zh"), fmt_metric("cac", 147.756, "en")
    ('¥223,887', '¥147.76')
    >>> fmt_metric("ctr", 0.01234), fmt_metric("orders", 2180.0), fmt_metric("roas", 1.104)
    ('1.23%', '2,180', '1.10')
    """
    if metric in _MONEY:
        return fmt_money(x, lang)
    if metric in _MONEY_CENTS:
        return fmt_money(x, lang, digits=2)
    if metric in _RATES:
        return fmt_percent(x, 2)
    if metric in _COUNTS:
        return fmt_int(x, lang)
    return fmt_number(x, 2)


def fmt_pp(x: Any, lang: str = "en", digits: int = 1) -> str:
    """A change of a rate in percentage points; ``x`` is the difference of two fractions.

    A conversion rate going from 0.100 to 0.112 is ``fmt_pp(0.012)`` -> ``"+1.2 pp"``
    (``"+1.2个百分点"`` in Chinese).

    Examples
    --------
    >>> fmt_pp(0.012), fmt_pp(-0.0345, "zh")
    ('+1.2 pp', '−3.5个百分点')
    """
    check_argument("lang", LANGS, lang)
    _check_digits(digits)
    d = _decimal(x)
    if d is None:
        return MISSING
    return _number(d * 100, digits, plus=True) + (" pp" if lang == "en" else "个百分点")


def _fmt_text(x: Any) -> str:
    if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    return str(x)


def _fmt_date(x: Any) -> str:
    if x is None or x is pd.NA or pd.isna(x):
        return MISSING
    ts = pd.Timestamp(x)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")


def _status_code(x: Any) -> Any:
    """KPI status code as :data:`mktkit.style.STATUS_COLORS` spells it; missing is grey."""
    if _fmt_text(x) == MISSING:
        return "grey"
    return str(x).strip().lower().replace("_", " ") if isinstance(x, str) else x


def _formatter(kind: str | Callable[[Any], str], lang: str) -> Callable[[Any], str]:
    if callable(kind):
        return kind
    check_argument("format", FORMAT_KINDS, kind)
    return {
        "money": lambda x: fmt_money(x, lang),
        "money_compact": lambda x: fmt_money(x, lang, compact=True),
        "int": lambda x: fmt_int(x, lang),
        "int_compact": lambda x: fmt_int(x, lang, compact=True),
        "number": fmt_number,
        "percent": fmt_percent,
        "change": fmt_change,
        "pp": lambda x: fmt_pp(x, lang),
        "label": lambda x: _fmt_text(label(x, lang)),
        "status": lambda x: label(_status_code(x), lang, "status"),
        "date": _fmt_date,
        "text": _fmt_text,
    }[kind]


#: Kinds accepted by :func:`format_table` (or pass any callable value -> str).
FORMAT_KINDS: tuple[str, ...] = ("money", "money_compact", "int", "int_compact", "number",
                                 "percent", "change", "pp", "label", "status", "date", "text")  # fmt: skip


def format_table(
    df: pd.DataFrame,
    formats: Mapping[str, str | Callable[[Any], str]],
    lang: str = "en",
) -> pd.DataFrame:
    """A copy of ``df`` as display strings, with column headers translated to ``lang``.

    Parameters
    ----------
    df : DataFrame
    formats : mapping of column -> kind
        Kinds: ``"money"``, ``"money_compact"``, ``"int"``, ``"int_compact"``, ``"number"``
        (2 decimals, e.g. ROAS), ``"percent"`` (fractions), ``"change"`` (relative change),
        ``"pp"`` (difference of fractions), ``"label"`` (translate codes such as regions and
        channels), ``"status"`` (KPI status words), ``"date"``, ``"text"``; or a callable.
        Columns not named are shown as text.
    lang : {"en", "zh"}

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
    """
    check_argument("lang", LANGS, lang)
    require_columns(df, list(formats), table="format_table")
    out = {}
    for col in df.columns:
        fmt = _formatter(formats.get(col, "text"), lang)
        out[label(col, lang)] = [fmt(v) for v in df[col].tolist()]
    if len(out) != df.shape[1]:
        raise InputError("two columns get the same translated header", table="format_table",
                         fix="rename one of the columns")  # fmt: skip
    return pd.DataFrame(out, index=df.index, dtype="str")


def _tint(hex_color: str, share: float = 0.25) -> str:
    """``hex_color`` mixed with white (``share`` of the colour): a light cell background."""
    rgb = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)


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
        f"background-color: {_tint(status_color(_status_code(s)))}; color: #222222"
        for s in statuses
    ]


#: How each headline metric is shown.
HEADLINE_FORMATS: dict[str, Callable[[Any, str], str]] = {
    "revenue": lambda x, lang: fmt_money(x, lang),
    "orders": lambda x, lang: fmt_int(x, lang),
    "new_customers": lambda x, lang: fmt_int(x, lang),
    "spend": lambda x, lang: fmt_money(x, lang),
    "aov": lambda x, lang: fmt_money(x, lang, digits=2),
    "roas": lambda x, lang: fmt_number(x, 2),
}


def change_class(change: Any, direction: str) -> str:
    """CSS class of a change: ``good``, ``bad`` or ``neutral``, given the metric's direction.

    Examples
    --------
    >>> change_class(0.1, "higher"), change_class(0.1, "lower"), change_class(float("nan"), "higher")
    ('good', 'bad', 'neutral')
    """
    if _decimal(change) is None or change == 0:
        return "neutral"
    return "good" if (change > 0) == (direction == "higher") else "bad"


def headline_table(h: pd.DataFrame, lang: str = "en") -> str:
    """The headline figures of :func:`mktkit.kpi.headline` as an HTML table.

    Changes are coloured by the metric's direction (a fall in spend is good). Every text is
    HTML-escaped; a like-for-like comparison of a partial month is said in the caption.

    Examples
    --------
    >>> import mktkit as mk
    >>> html = headline_table(mk.headline(mk.load_sample(), "2026-10"), "en")  # doctest: +SKIP
    """
    check_argument("lang", LANGS, lang)
    esc = html.escape
    heads = ["metric", "this_month", "previous_month", "mom", "same_month_last_year", "yoy"]
    rows = []
    for r in h.itertuples(index=False):
        fmt = HEADLINE_FORMATS.get(r.metric, lambda x, lang: fmt_number(x, 2))
        cells = [
            f'<th scope="row">{esc(label(r.metric, lang))}</th>',
            f"<td>{esc(fmt(r.current, lang))}</td>",
            f"<td>{esc(fmt(r.previous, lang))}</td>",
            f'<td class="{change_class(r.change_vs_previous, r.direction)}">'
            f"{esc(fmt_change(r.change_vs_previous))}</td>",
            f"<td>{esc(fmt(r.last_year, lang))}</td>",
            f'<td class="{change_class(r.change_vs_last_year, r.direction)}">'
            f"{esc(fmt_change(r.change_vs_last_year))}</td>",
        ]
        rows.append(f'<tr data-metric="{esc(r.metric)}">{"".join(cells)}</tr>')
    caption = ""
    windows = h.attrs.get("windows")
    if windows:
        start, end = windows["current"]
        caption = f"{start} – {end}"
        if h.attrs.get("like_for_like"):
            caption += f" ({label('month_to_date', lang)})"
        caption = f"<caption>{esc(caption)}</caption>"
    head = "".join(f'<th scope="col">{esc(label(k, lang))}</th>' for k in heads)
    return (
        f'<table class="headline">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def funnel_change_table(change: pd.DataFrame, lang: str = "en") -> str:
    """:func:`mktkit.funnel.compare_steps` as an HTML table: the step that newly leaks marked.

    Examples
    --------
    >>> import mktkit as mk
    >>> a = mk.funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 120]}))
    >>> b = mk.funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 70]}))
    >>> "new_leak" in funnel_change_table(mk.compare_steps(a, b))
    True
    """
    check_argument("lang", LANGS, lang)
    esc = html.escape
    heads = ["step", "previous_month", "this_month", "conversion_previous", "conversion_this",
             "change_pp", "p_value"]  # fmt: skip
    rows = []
    for r in change.itertuples(index=False):
        leak = bool(r.new_leak)
        p = (
            "—"
            if _decimal(r.p_value) is None
            else ("<0.001" if r.p_value < 0.001 else f"{r.p_value:.3f}")
        )
        # Colour only what the test says is more than noise.
        significant = _decimal(r.p_value) is not None and r.p_value < 0.05
        cls = change_class(r.difference, "higher") if significant else "neutral"
        mark = f' <strong class="bad">▼ {esc(label("new_leak", lang))}</strong>' if leak else ""
        cells = [
            f'<th scope="row">{esc(str(label(r.step, lang)))}{mark}</th>',
            f"<td>{esc(fmt_int(r.users_a, lang))}</td>",
            f"<td>{esc(fmt_int(r.users_b, lang))}</td>",
            f"<td>{esc(fmt_percent(r.conversion_a))}</td>",
            f"<td>{esc(fmt_percent(r.conversion_b))}</td>",
            f'<td class="{cls}">{esc(fmt_pp(r.difference, lang))}</td>',
            f"<td>{esc(p)}</td>",
        ]
        css = ' class="new_leak"' if leak else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    head = "".join(f'<th scope="col">{esc(label(k, lang))}</th>' for k in heads)
    return (
        f'<table class="funnel-change"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


__all__ = ["CURRENCY_SYMBOLS", "FORMAT_KINDS", "HEADLINE_FORMATS", "MISSING", "STATUS_COLORS",
           "change_class", "fmt_change", "fmt_int", "fmt_metric", "fmt_money", "fmt_number", "fmt_percent",
           "fmt_pp", "format_table", "funnel_change_table", "headline_table", "status_css"]  # fmt: skip
