"""Periods: months, ISO weeks and period starts, checked once for the whole kit.

A month is written ``YYYY-MM`` and a week ``YYYY-Www`` (ISO 8601: weeks start on Monday and
week 1 holds the year's first Thursday). Anything else is an :class:`~mktkit.errors.InputError`
that says how to write it.

Examples
--------
>>> check_month("2026-10")
Timestamp('2026-10-01 00:00:00')
>>> [str(d) for d in week_days("2026-W42")]
['2026-10-12', '2026-10-18']
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from mktkit.errors import InputError

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
WEEK_RE = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


def month_start(month: str) -> pd.Timestamp:
    """First day of ``month``, anything pandas reads as a month (``"2026-10"``, a Period).

    Examples
    --------
    >>> month_start("2026-02")
    Timestamp('2026-02-01 00:00:00')
    """
    try:
        return pd.Timestamp(pd.Period(month, freq="M").start_time.date())
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"month {month!r} is not a month", column="month", fix="write it as YYYY-MM"
        ) from exc


def check_month(month: str) -> pd.Timestamp:
    """First day of a ``YYYY-MM`` month; anything else (``"Oct"``, ``"2026-10-05"``) is refused.

    Examples
    --------
    >>> check_month("2026-10-05")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: month: month '2026-10-05' is not a month. Fix: write it as YYYY-MM
    """
    text = str(month)
    if not (len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()):
        raise InputError(
            f"month {month!r} is not a month", column="month", fix="write it as YYYY-MM"
        )
    return month_start(text)


def month_labels(dates: pd.Series) -> pd.Series:
    """``dates.dt.strftime("%Y-%m")``, formatting each distinct day once.

    A table has many rows per day (95 000 orders on 730 days): formatting every row in
    Python is most of what a monthly breakdown costs.

    Examples
    --------
    >>> month_labels(pd.Series(pd.to_datetime(["2026-10-05", None, "2026-10-05"]))).tolist()
    ['2026-10', nan, '2026-10']
    """
    codes, days = pd.factorize(dates)  # NaT: -1, which take() fills with NaN
    labels = pd.Index(days).strftime("%Y-%m")
    missing = bool((codes < 0).any())
    text = labels.take(codes, allow_fill=missing, fill_value=None)
    return pd.Series(text, index=dates.index, name=dates.name)


def period_start(when: pd.Series, freq: str) -> pd.Series:
    """The start of the ``freq`` period (a pandas period alias: ``"D"``, ``"W"``, ``"M"``...)
    holding each time.

    Examples
    --------
    >>> period_start(pd.Series(pd.to_datetime(["2026-10-14 09:30"])), "W").astype(str).tolist()
    ['2026-10-12']
    """
    return when.dt.to_period(freq).dt.start_time


def week_days(week: str) -> tuple[date, date]:
    """Monday and Sunday of the ISO 8601 week ``YYYY-Www`` (weeks start on Monday; week 1
    holds the year's first Thursday).

    Examples
    --------
    >>> [str(d) for d in week_days("2026-W42")]
    ['2026-10-12', '2026-10-18']
    >>> week_days("2025-W53")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: week: '2025-W53' is not a week: 2025 has 52 ISO weeks. Fix: choose a week from 2025-W01 to 2025-W52
    """
    if not isinstance(week, str) or not WEEK_RE.match(week):
        raise InputError(
            f"{week!r} is not valid",
            column="week",
            fix="write the week as YYYY-Www (ISO 8601), e.g. 2026-W42",
        )
    year, number = int(week[:4]), int(week[6:])
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        last = date(year, 12, 28).isocalendar().week  # Dec 28 is always in the last week
        raise InputError(
            f"{week!r} is not a week: {year} has {last} ISO weeks",
            column="week",
            fix=f"choose a week from {year}-W01 to {year}-W{last:02d}",
        ) from None
    return monday, monday + timedelta(days=6)


def iso_week(day: date) -> str:
    """The ISO 8601 week ``YYYY-Www`` holding ``day``.

    Examples
    --------
    >>> iso_week(date(2027, 1, 1))
    '2026-W53'
    """
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
