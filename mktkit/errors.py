"""Errors that a user can act on.

Every check of user input in the kit ends in :class:`InputError`. Its message names the table,
the column, up to five offending rows with their values, and the fix, so that nobody has to read
a traceback from inside pandas.

Examples
--------
>>> from mktkit.errors import InputError
>>> err = InputError("spend is negative", table="channel_daily", column="spend",
...                  rows={4: -10.0}, fix="spend is money paid, never below 0")
>>> print(err)
channel_daily.spend: spend is negative; rows: 4 (-10.0). Fix: spend is money paid, never below 0
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

MAX_ROWS_SHOWN = 5
#: Offending rows an error keeps at most (it counts all of them); a file with a million bad
#: rows is reported as fast as one with five.
MAX_ROWS_KEPT = 100


class RowSample(dict):
    """The first offending rows (row -> value) of ``total`` rows in all."""

    def __init__(self, items: Any = (), total: int | None = None) -> None:
        super().__init__(items)
        self.total = len(self) if total is None else int(total)


class RowList(list):
    """The first offending rows (without values) of ``total`` rows in all."""

    def __init__(self, items: Any = (), total: int | None = None) -> None:
        super().__init__(items)
        self.total = len(self) if total is None else int(total)


class InputError(ValueError):
    """Bad input that the user can fix: names the table, column, rows and the fix.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence.
    table, column : str, optional
        Where it is wrong.
    rows : mapping of row label to offending value, or iterable of row labels, optional
        The offending rows; at most five are shown, with how many more there are.
    fix : str, optional
        What to do about it.
    problems : list of InputError, optional
        Several problems found at once (a lazily validated table); each is shown on its line.
    """

    def __init__(
        self,
        problem: str,
        *,
        table: str | None = None,
        column: str | None = None,
        rows: Mapping[Any, Any] | Iterable[Any] | None = None,
        fix: str | None = None,
        problems: list[InputError] | None = None,
    ) -> None:
        self.problem = problem
        self.table = table
        self.column = column
        #: how many rows are offending (``rows`` may keep only the first of them)
        self.total_rows = max(getattr(rows, "total", 0), len(rows) if rows else 0)
        self.rows: dict[Any, Any] | list[Any] = (
            RowSample(rows, total=self.total_rows)
            if isinstance(rows, Mapping)
            else RowList(rows or [], total=self.total_rows)
        )
        self.fix = fix
        self.problems = list(problems or [])
        super().__init__(self._message())

    def _where(self) -> str:
        if self.table and self.column:
            return f"{self.table}.{self.column}"
        return self.table or self.column or ""

    def _rows_text(self) -> str:
        if not self.rows:
            return ""
        if isinstance(self.rows, dict):
            items = list(self.rows.items())
            shown = ", ".join(f"{k} ({v!r})" for k, v in items[:MAX_ROWS_SHOWN])
        else:
            items = self.rows
            shown = ", ".join(str(k) for k in items[:MAX_ROWS_SHOWN])
        more = max(len(items), self.total_rows) - MAX_ROWS_SHOWN
        return f"; rows: {shown}" + (f" and {more} more" if more > 0 else "")

    def _message(self) -> str:
        where = self._where()
        head = f"{where}: {self.problem}" if where else self.problem
        text = head + self._rows_text()
        if self.fix:
            text += f". Fix: {self.fix}"
        for p in self.problems:
            text += "\n  - " + str(p).replace("\n", "\n    ")
        return text


def check_argument(name: str, choices: Iterable[Any], value: Any) -> None:
    """Refuse ``value`` for parameter ``name`` unless it is one of ``choices``.

    Examples
    --------
    >>> check_argument("mode", ["ordered", "strict"], "ordered")
    >>> check_argument("mode", ["ordered", "strict"], "loose")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: mode: 'loose' is not allowed. Fix: use one of 'ordered', 'strict'
    """
    choices = list(choices)
    if value not in choices:
        raise InputError(
            f"{value!r} is not allowed",
            column=name,
            fix="use one of " + ", ".join(repr(c) for c in choices),
        )


def require_columns(df: Any, columns: Iterable[str], *, table: str = "table") -> None:
    """Raise :class:`InputError` naming every column of ``columns`` missing from ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], table="orders")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: orders: missing column(s) 'b'; the table has 'a'. Fix: rename or add the column(s) 'b'
    """
    have = list(df.columns)
    missing = [c for c in columns if c not in have]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise InputError(
            f"missing column(s) {names}; the table has " + ", ".join(repr(c) for c in have),
            table=table,
            fix=f"rename or add the column(s) {names}",
        )


def data_rows(index: Iterable[Any]) -> list[int]:
    """1-based data-row numbers (the first row under the header is 1) of positional labels.

    Examples
    --------
    >>> data_rows([0, 4])
    [1, 5]
    """
    return [int(i) + 1 for i in index]


def offending(values: Any, mask: Any) -> RowSample:
    """Data row -> value for the rows of a Series where ``mask`` holds (positions, not labels):
    the first :data:`MAX_ROWS_KEPT` of them, and how many there are (``.total``).

    Examples
    --------
    >>> import pandas as pd
    >>> offending(pd.Series([3, -1, 5], index=[10, 11, 12]), pd.Series([False, True, False]))
    {2: -1}
    """
    import numpy as np

    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    hit = values.reset_index(drop=True).iloc[positions[:MAX_ROWS_KEPT]]
    rows = zip(data_rows(positions[:MAX_ROWS_KEPT]), hit.tolist(), strict=True)
    return RowSample(rows, total=len(positions))


def numeric_column(
    df: Any,
    column: str,
    *,
    table: str,
    allow_empty: bool = True,
    allow_negative: bool = True,
    negative_fix: str | None = None,
) -> Any:
    """``df[column]`` as floats (positional index), refusing text, and optionally gaps and signs.

    Raises :class:`InputError` naming the rows: text that is not a number always; empty cells
    unless ``allow_empty``; values below 0 unless ``allow_negative`` (with ``negative_fix``).

    Examples
    --------
    >>> import pandas as pd
    >>> numeric_column(pd.DataFrame({"spend": ["1.5", "abc"]}), "spend", table="t")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: t.spend: is not a number; rows: 2 ('abc'). Fix: write spend as a plain number (no units or thousands separators)
    """
    import pandas as pd

    raw = df[column].reset_index(drop=True)
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = values.isna() if not allow_empty else values.isna() & raw.notna()
    if bad.any():
        raise InputError(
            "is not a number" if allow_empty else "is empty or not a number",
            table=table,
            column=column,
            rows=offending(raw, bad),
            fix=f"write {column} as a plain number (no units or thousands separators)"
            + ("" if allow_empty else "; 0 when nothing happened"),
        )
    negative = values < 0
    if not allow_negative and negative.any():
        raise InputError(
            "is negative",
            table=table,
            column=column,
            rows=offending(values, negative),
            fix=negative_fix or f"{column} is never below 0: correct the rows",
        )
    return values


def date_column(df: Any, column: str, *, table: str) -> Any:
    """``df[column]`` parsed as datetimes (positional index); unparseable or empty is refused.

    Examples
    --------
    >>> import pandas as pd
    >>> date_column(pd.DataFrame({"date": ["2026-10-01", "soon"]}), "date", table="t")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: t.date: is not a date; rows: 2 ('soon'). Fix: write dates as YYYY-MM-DD
    """
    import pandas as pd

    raw = df[column].reset_index(drop=True)
    with warnings.catch_warnings():
        # a first value that is no date leaves pandas no format to infer: it parses each value
        # on its own, as wanted here (the ones it cannot parse are named below), and warns
        warnings.filterwarnings("ignore", "Could not infer format", UserWarning)
        when = pd.to_datetime(raw, errors="coerce")
    bad = when.isna()
    if bad.any():
        raise InputError(
            "is not a date",
            table=table,
            column=column,
            rows=offending(raw, bad),
            fix="write dates as YYYY-MM-DD",
        )
    return when


def select_region(df: Any, region: str, *, table: str) -> Any:
    """The rows of ``region`` (``"all"``: every row); a region the table lacks is refused.

    Examples
    --------
    >>> import pandas as pd
    >>> select_region(pd.DataFrame({"region": ["east", "west"]}), "south", table="orders")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: orders.region: region 'south' is not in the data. Fix: use 'all' or one of east, west
    """
    if region == "all":
        return df
    known = sorted(df["region"].unique())
    if region not in known:
        raise InputError(
            f"region {region!r} is not in the data",
            table=table,
            column="region",
            fix="use 'all' or one of " + ", ".join(map(str, known)),
        )
    return df[df["region"] == region]
