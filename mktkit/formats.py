"""Numbers and dates as text, the way every report, table and sentence of the kit shows them:
money, counts, percentages, changes, percentage points, p-values.

Every formatter returns a string and shows a missing or undefined value (None, NaN, pd.NA,
NaT, and the infinities a division by zero leaves) as an em dash "—".

Rounding convention: half away from zero on the shortest decimal form of the number (its
``repr``), computed with :mod:`decimal` (``ROUND_HALF_UP``). That is the number a person
reads, rounded the way they were taught: ``2.675`` gives ``"2.68"`` (Python's ``f"{2.675:.2f}"``
gives ``"2.67"`` because the binary float is 2.67499999...), ``0.0125`` gives ``"1.3%"``
(not the banker's ``"1.2%"``), ``-2.5`` gives ``"−3"``.

Negative numbers carry the typographic minus sign U+2212 ("−"), the same sign matplotlib
draws on the charts; positive changes carry "+"; a value that rounds to zero has no sign.

Money is shown in the current currency: CNY unless :func:`use_currency` says otherwise (a
review sets it from its data folder's ``mktkit.yaml``; ``with use_currency("USD"):`` sets it
for a block). ``fmt_money(x, currency="USD")`` overrides it for one figure.

Examples
--------
>>> fmt_money(1234567.5)
'¥1,234,568'
>>> fmt_money(123456789, "zh", compact=True)
'¥1.23亿'
>>> fmt_percent(0.1234), fmt_change(-0.04), fmt_pp(0.012, "zh")
('12.3%', '−4.0%', '+1.2个百分点')
>>> with use_currency("USD"):
...     fmt_money(76109), fmt_metric("cac", 147.756)
('$76,109', '$147.76')
>>> fmt_p_value(6.7e-4), fmt_p_value(0.0421)
('<0.001', '0.042')
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from numbers import Number
from typing import Any

import pandas as pd

from mktkit.errors import InputError, check_argument
from mktkit.i18n import LANGS, check_currency, current_currency, use_currency

__all__ = [
    "CURRENCY_SYMBOLS",
    "MISSING",
    "MONEY_METRICS",
    "P_FLOOR",
    "as_decimal",
    "currency_symbol",
    "current_currency",
    "fmt_change",
    "fmt_date",
    "fmt_int",
    "fmt_metric",
    "fmt_money",
    "fmt_number",
    "fmt_p_value",
    "fmt_percent",
    "fmt_pp",
    "fmt_text",
    "use_currency",
]

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


def currency_symbol(currency: str | None = None) -> str:
    """What is written before an amount: the symbol of ``currency`` (default: the current one,
    :func:`use_currency`), or its code and a space.

    Examples
    --------
    >>> currency_symbol(), currency_symbol("usd"), currency_symbol("SGD")
    ('¥', '$', 'SGD ')
    """
    code = current_currency() if currency is None else check_currency(currency)
    return CURRENCY_SYMBOLS.get(code, code + " ")


# compact units, largest first: en uses thousands/millions/billions, zh uses 万 and 亿
_COMPACT: dict[str, tuple[tuple[int, str], ...]] = {
    "en": ((10**9, "B"), (10**6, "M"), (10**3, "K")),
    "zh": ((10**8, "亿"), (10**4, "万")),
}


def as_decimal(x: Any) -> Decimal | None:
    """``x`` as an exact Decimal of its shortest repr, or None when missing or not finite.

    Examples
    --------
    >>> as_decimal(2.675), as_decimal(float("nan"))
    (Decimal('2.675'), None)
    """
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
    d = as_decimal(x)
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
    d = as_decimal(x)
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
    currency: str | None = None,
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
    currency : str, optional
        ISO 4217 code; CNY, USD, EUR, GBP, HKD and JPY have symbols, others are a prefix.
        Default: the current currency (:func:`use_currency`, CNY unless set).
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
    symbol = currency_symbol(currency)
    unit_digits = 2 if digits is None else digits
    _check_digits(unit_digits)
    d = as_decimal(x)
    if d is None:
        return MISSING
    suffix = ""
    if compact:
        d, suffix = _compact(d, lang, unit_digits)
    # whole units unless asked: "¥9,999", not "¥9,999.00", below the first compact unit too
    text = _number(d, unit_digits if suffix or digits is not None else 0)
    sign = MINUS if text.startswith(MINUS) else ""
    return sign + symbol + text.removeprefix(MINUS) + suffix


def fmt_percent(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.1234`` -> ``"12.3%"``.

    Examples
    --------
    >>> fmt_percent(0.0125), fmt_percent(0.125, digits=0), fmt_percent(float("nan"))
    ('1.3%', '13%', '—')
    """
    _check_digits(digits)
    d = as_decimal(x)
    return MISSING if d is None else _number(d * 100, digits) + "%"


def fmt_change(x: Any, digits: int = 1) -> str:
    """A relative change (a fraction) with its sign: ``0.123`` -> ``"+12.3%"``.

    Examples
    --------
    >>> fmt_change(0.123), fmt_change(-0.04), fmt_change(0.0)
    ('+12.3%', '−4.0%', '0.0%')
    """
    _check_digits(digits)
    d = as_decimal(x)
    return MISSING if d is None else _number(d * 100, digits, plus=True) + "%"


# How each metric reads in a report: money, money to the cent, a rate, a count, else a number.
_MONEY = ("revenue", "spend", "budget")


_MONEY_CENTS = ("cac", "cpa", "cpc", "cpm", "aov")

#: The metrics that are amounts of money (shown with the currency, on money axes).
MONEY_METRICS: frozenset[str] = frozenset(_MONEY + _MONEY_CENTS)


_RATES = ("conversion_rate", "ctr", "cvr")


_COUNTS = ("orders", "new_customers", "clicks", "impressions", "leads")


def fmt_metric(metric: str, x: Any, lang: str = "en", currency: str | None = None) -> str:
    """A metric's value as every table and sentence of the reports shows it.

    Money metrics (:data:`MONEY_METRICS`) are in ``currency``, by default the current one.

    Examples
    --------
    >>> fmt_metric("revenue", 223886.83, "zh"), fmt_metric("cac", 147.756, "en")
    ('¥223,887', '¥147.76')
    >>> fmt_metric("ctr", 0.01234), fmt_metric("orders", 2180.0), fmt_metric("roas", 1.104)
    ('1.23%', '2,180', '1.10')
    """
    if metric in _MONEY:
        return fmt_money(x, lang, currency)
    if metric in _MONEY_CENTS:
        return fmt_money(x, lang, currency, digits=2)
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
    d = as_decimal(x)
    if d is None:
        return MISSING
    return _number(d * 100, digits, plus=True) + (" pp" if lang == "en" else "个百分点")


#: Below this a p-value is written as a bound, ``"<0.001"``: more digits claim a precision
#: the test's approximations do not have, and ``"0.00"`` would read as impossible.
P_FLOOR = 0.001


def fmt_p_value(p: Any) -> str:
    """A p-value: ``"<0.001"`` below :data:`P_FLOOR`, else three decimals; missing: the dash.

    Sentences write it ``"p < 0.001"`` / ``"p = 0.042"``
    (:func:`mktkit.insights.text.p_text`).

    Examples
    --------
    >>> fmt_p_value(6.7e-4), fmt_p_value(0.0421), fmt_p_value(0.001), fmt_p_value(None)
    ('<0.001', '0.042', '0.001', '—')
    """
    d = as_decimal(p)
    if d is None:
        return MISSING
    return f"<{P_FLOOR}" if d < Decimal(repr(P_FLOOR)) else _number(d, 3)


def fmt_text(x: Any) -> str:
    """Text as shown; a missing value is the em dash.

    Examples
    --------
    >>> fmt_text("east"), fmt_text(None)
    ('east', '—')
    """
    if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    return str(x)


def fmt_date(x: Any) -> str:
    """A day as ``YYYY-MM-DD`` (with the time when it is not midnight); missing is the em dash.

    Examples
    --------
    >>> fmt_date(pd.Timestamp("2026-10-31")), fmt_date(pd.Timestamp("2026-10-31 09:30"))
    ('2026-10-31', '2026-10-31 09:30')
    """
    if x is None or x is pd.NA or pd.isna(x):
        return MISSING
    ts = pd.Timestamp(x)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")
