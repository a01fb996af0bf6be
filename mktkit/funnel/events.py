"""Event funnels with ClickHouse ``windowFunnel`` semantics: per user, the longest chain of
steps within the window; the funnel, the levels behind it, and the trend by entry period.

The semantics (re-anchoring, ties, the inclusive boundary, one row per step, OR-steps, the
strict and unordered modes, ``by=`` on first touch) are written out in docs/methods.md and in
:func:`funnel`'s parameters. The engines are :mod:`mktkit.funnel.duckdb_engine` (every funnel,
logs larger than memory), :mod:`mktkit.funnel.pandas_engine` (vectorised pandas),
:mod:`mktkit.funnel.scan` (ClickHouse's one pass, compiled) and, for a Spark input,
:mod:`mktkit.funnel.spark_engine`; all give the same numbers.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"user_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
...                    "ts": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:30",
...                                          "2025-01-01 11:00"])})
>>> funnel(ev, ["visit", "buy"])["users"].tolist()
[2, 1]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from mktkit.engines.spark import as_spark
from mktkit.engines.spark import last_time as spark_last_time
from mktkit.errors import InputError
from mktkit.funnel import spark_engine
from mktkit.funnel.levels import engine_levels
from mktkit.funnel.pandas_engine import to_ns
from mktkit.funnel.result import FunnelResult, by_list, result_from_levels
from mktkit.funnel.spec import FunnelSpec
from mktkit.periods import period_start


def _spark_input(events: Any, spark: Any, con: Any) -> Any:
    """The Spark DataFrame to compute on, or None for the local engines (checked by name, so
    that nothing imports pyspark unless the input comes from it)."""
    if spark is None and not type(events).__module__.startswith("pyspark"):
        return None
    sdf = as_spark(events, spark, table="events")
    if sdf is not None and con is not None:
        raise InputError("con= is a DuckDB connection; a Spark input runs in Spark", column="con")
    return sdf


def funnel_levels(
    events: Any,
    steps: Sequence[Any] | Mapping[str, Any],
    window: Any = "7D",
    user: str = "user_id",
    time: str = "ts",
    event: str = "event",
    by: str | Sequence[str] | None = None,
    mode: str = "ordered",
    strict_increase: bool = False,
    *,
    detail: bool = False,
    engine: str = "auto",
    con: Any = None,
    spark: Any = None,
) -> pd.DataFrame:
    """Each user's level: the last step of their longest chain (see :func:`funnel`).

    With a Spark input (see :func:`funnel`) the levels are a lazy Spark DataFrame with the
    same columns, computed where the events are.

    Returns
    -------
    DataFrame
        The user column and ``level`` for every user who entered the funnel (level >= 1;
        users at level 0 have no row), sorted by user. With ``detail=True`` or ``by``, also
        ``entered_at`` (the step-1 time of the reported chain), ``time_1..time_n`` (when that
        chain reached each step, NaT beyond the level) and the ``by`` columns.

    Examples
    --------
    >>> ev = pd.DataFrame({"user_id": [7, 7], "event": ["visit", "buy"],
    ...                    "ts": pd.to_datetime(["2025-01-01", "2025-01-09"])})
    >>> funnel_levels(ev, ["visit", "buy"], window="7D")["level"].tolist()   # 8 days: too late
    [1]
    """
    spec = FunnelSpec.build(steps, window=window, mode=mode, strict_increase=strict_increase)
    by = by_list(by)
    sdf = _spark_input(events, spark, con)
    if sdf is not None:
        return spark_engine.funnel_levels(
            sdf, spec, user=user, time=time, event=event, by=by, detail=detail or bool(by)
        )
    return engine_levels(
        events,
        spec,
        user=user,
        time=time,
        event=event,
        by=by,
        detail=detail or bool(by),
        engine=engine,
        con=con,
    )


def funnel(
    events: Any,
    steps: Sequence[Any] | Mapping[str, Any],
    window: Any = "7D",
    user: str = "user_id",
    time: str = "ts",
    event: str = "event",
    by: str | Sequence[str] | None = None,
    mode: str = "ordered",
    strict_increase: bool = False,
    *,
    times: bool = False,
    engine: str = "auto",
    con: Any = None,
    spark: Any = None,
) -> FunnelResult:
    """An event funnel with ClickHouse ``windowFunnel`` semantics (docs/methods.md, "Funnels and
    AARRR").

    Parameters
    ----------
    events : DataFrame, str or Path, duckdb relation, or Spark DataFrame
        The event log: a DataFrame, a Parquet file or glob (read by DuckDB without loading it
        into memory), a DuckDB relation, or a Spark DataFrame (computed in Spark, see
        :mod:`mktkit.engines.spark`; then ``engine`` does not apply).
    steps : list or dict
        Two or more steps; a step is an event name or a list of names (any of them fills it).
        Names match the event column's text, so an integer event code may be given as an
        integer (``1003`` matches the code ``1003`` of an integer column).
        A dict maps display labels to steps. A step may repeat an earlier step's event: one
        event row fills at most one step.
    window : str, timedelta or None
        Longest time from a chain's step 1 to its last step (the boundary counts): ``"7D"``,
        ``"2h"``, ...; None for no limit.
    user, time, event : str
        Column names. ``time`` holds date-times (or ISO 8601 text).
    by : str or list of str, optional
        Segment by the value of these columns on the step-1 event of each user's reported
        chain: the earliest step-1 event among the user's longest chains (first touch; the
        smallest value when several step-1 events share that instant). Each user counts in
        one segment.
    mode : {"ordered", "strict", "unordered"}
        ``"ordered"``: ClickHouse ``windowFunnel(window, 'strict_once')``: each step at or
        after the previous one, ties at one instant taken in step order; a later step-1 event
        may start a new chain; the level is the longest chain. ``"strict"``: ClickHouse
        ``'strict_order'`` (with ``'strict_once'``): a user's events are read in time order
        and reading stops for good at the first event that matches no step once a step-1
        event was seen, or at an event for step k >= 3 before any chain reached step k - 1.
        ``"unordered"``: steps 1..k each filled by a different event within one window, in
        any order.
    strict_increase : bool
        Ordered and strict modes: each step strictly later than the previous one (the exact
        longest strictly increasing chain, ClickHouse ``'strict_increase', 'strict_once'``).
    times : bool
        Add ``median_time_to_convert`` and ``p90_time_to_convert`` (time from the previous
        step along each user's reported chain; ordered and strict modes).
    engine : {"auto", "duckdb", "pandas", "scan"}
        Where the computation runs; all give the same numbers. ``"scan"``
        (:mod:`mktkit.funnel.scan`, ClickHouse's one pass compiled with numba) computes the
        ordered funnel without ``by``, times, ``strict_increase`` or a name in two steps, in
        memory; ``"duckdb"`` computes every funnel, on logs larger than memory too. ``"auto"``
        takes pandas for a DataFrame of under 200,000 rows (not unordered), the scan for
        logs of a million rows or more that it computes, else DuckDB.
    con : duckdb connection, optional
        Run in this connection (its memory limit, temp directory, threads); its temporary
        ``mk_*`` tables are dropped afterwards.
    spark : SparkSession, optional
        Compute in Spark: ``events`` is then a table name of the session's catalog, a Spark
        DataFrame, or a pandas DataFrame that is uploaded first.

    Returns
    -------
    FunnelResult
        ``[by...], step, step_index, users, conversion_from_previous, conversion_from_first,
        drop_off, drop_off_count, biggest_leak`` [, ``median_time_to_convert``,
        ``p90_time_to_convert``]; ``result.levels`` and ``result.users_at(step)`` (Spark
        DataFrames when computed in Spark).

    Raises
    ------
    InputError
        Missing columns, null users or event names, null or unparseable times, fewer than two
        steps, a window that is not a positive duration.

    Warns
    -----
    FunnelWarning
        An event name of the steps does not occur in the data (its step has 0 users).

    Examples
    --------
    >>> ev = pd.DataFrame({
    ...     "user_id": [1, 1, 1, 2, 2],
    ...     "event": ["visit", "cart", "purchase", "visit", "cart"],
    ...     "ts": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-02 09:00",
    ...                           "2025-01-01 12:00", "2025-01-03 12:00"])})
    >>> res = funnel(ev, ["visit", "cart", "purchase"], window="1D")
    >>> res[["step", "users", "conversion_from_first"]]
           step  users  conversion_from_first
    0     visit      2                    1.0
    1      cart      1                    0.5
    2  purchase      1                    0.5
    """
    spec = FunnelSpec.build(steps, window=window, mode=mode, strict_increase=strict_increase)
    by = by_list(by)
    if not isinstance(times, bool):
        raise InputError(f"times must be True or False, got {times!r}", column="times")
    if times and mode == "unordered":
        raise InputError(
            "times to convert follow a chain in step order; mode='unordered' has none",
            column="times",
            fix="use mode='ordered' for times to convert",
        )
    sdf = _spark_input(events, spark, con)
    if sdf is not None:
        return spark_engine.funnel(sdf, spec, user=user, time=time, event=event, by=by, times=times)
    lv = engine_levels(
        events,
        spec,
        user=user,
        time=time,
        event=event,
        by=by,
        detail=times or bool(by),
        engine=engine,
        con=con,
    )
    return result_from_levels(lv, spec, by, user, times)


def funnel_trend(
    events: Any,
    steps: Sequence[Any] | Mapping[str, Any],
    freq: str = "W",
    window: Any = "7D",
    user: str = "user_id",
    time: str = "ts",
    event: str = "event",
    by: str | Sequence[str] | None = None,
    mode: str = "ordered",
    strict_increase: bool = False,
    *,
    as_of: Any = None,
    engine: str = "auto",
    con: Any = None,
    spark: Any = None,
) -> FunnelResult:
    """Conversion by the period in which users entered the funnel.

    Each user counts once, in the period of the step-1 event of their reported chain (the one
    ``by=`` uses in :func:`funnel`), with the level of that chain.

    A period is ``complete`` when the log covers the whole window of everyone who entered in
    it: its last instant plus ``window`` is at or before ``as_of``. The conversion of a later
    period is cut short by the end of the data (users who entered last have not had their
    window yet), so its fall is no leak: compare complete periods.

    Parameters
    ----------
    freq : str
        A pandas period alias: ``"D"``, ``"W"`` (weeks starting Monday), ``"M"``, ``"Q"``,
        ``"Y"``.
    as_of : str or Timestamp, optional
        The time up to which the log is complete (an instant with an offset is taken in UTC,
        as the event times are). Default: the latest event of the log, of any name.
    Other parameters
        As in :func:`funnel`.

    Returns
    -------
    FunnelResult
        ``period`` (start of the period), ``complete`` (bool; with ``window=None`` a period is
        complete once it has ended, though its users have had less time than earlier ones),
        ``[by...]`` and the columns of :func:`funnel`.

    Examples
    --------
    >>> ev = pd.DataFrame({"user_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
    ...     "ts": pd.to_datetime(["2025-01-06 10:00", "2025-01-06 11:00", "2025-01-13 09:00"])})
    >>> t = funnel_trend(ev, ["visit", "buy"], freq="W", window="1D", as_of="2025-01-15")
    >>> t[["period", "complete", "step", "users"]].astype({"period": str})
           period  complete   step  users
    0  2025-01-06      True  visit      1
    1  2025-01-06      True    buy      1
    2  2025-01-13     False  visit      1
    3  2025-01-13     False    buy      0
    """
    spec = FunnelSpec.build(steps, window=window, mode=mode, strict_increase=strict_increase)
    by = by_list(by)
    try:
        pd.Period("2025-01-01", freq=freq)
    except (ValueError, TypeError, AttributeError):
        raise InputError(
            f"freq {freq!r} is not a period",
            column="freq",
            fix='use "D", "W", "M", "Q" or "Y"',
        ) from None
    end = None if as_of is None else _instant(as_of, "as_of")
    sdf = _spark_input(events, spark, con)
    if sdf is not None:
        res = spark_engine.funnel(
            sdf, spec, user=user, time=time, event=event, by=by, times=False, freq=freq
        )
        if end is None:
            end = spark_last_time(sdf, time)
    else:
        lv = engine_levels(
            events,
            spec,
            user=user,
            time=time,
            event=event,
            by=by,
            detail=True,
            engine=engine,
            con=con,
        )
        lv.insert(1, "period", period_start(lv["entered_at"], freq))
        res = result_from_levels(lv, spec, ["period", *by], user, times=False)
        if end is None:  # after the levels: a bad time was refused there, by row
            end = _last_time(events, time, con)
    res.insert(1, "complete", period_complete(res["period"], freq, spec.window_ns, end))
    return res


def _instant(value: Any, name: str) -> pd.Timestamp:
    """A time argument as the engines read times: naive wall clock, or with an offset in UTC."""
    try:
        when = pd.Timestamp(value)
    except (ValueError, TypeError):
        when = pd.NaT
    if pd.isna(when):
        raise InputError(
            f"{name}={value!r} is not a date-time",
            column=name,
            fix=f"give e.g. {name}='2026-10-31 23:59:59'",
        )
    return when.tz_convert("UTC").tz_localize(None) if when.tzinfo is not None else when


def _last_time(events: Any, time: str, con: Any) -> pd.Timestamp:
    """The latest event time of a DataFrame, Parquet path or DuckDB relation (NaT if none)."""
    if isinstance(events, pd.DataFrame):
        ns = to_ns(events[time], table="events", column=time).max()
    else:
        # DuckDB reads a Parquet path or a relation; it is imported when one is given
        from mktkit.funnel import duckdb_engine as funnel_sql

        ns = funnel_sql.last_time(events, time, con=con)
    return pd.NaT if ns is None or pd.isna(ns) else pd.Timestamp(int(ns))


def period_complete(
    period: pd.Series, freq: str, window_ns: int | None, end: pd.Timestamp
) -> pd.Series:
    """Whether the log, up to ``end``, covers the window of every user who entered in each
    period: the period's last nanosecond plus the window is at or before ``end`` (the window's
    boundary counts, as in the funnel). False everywhere when ``end`` is NaT (an empty log).

    Examples
    --------
    >>> weeks = pd.Series(pd.to_datetime(["2026-10-19", "2026-10-26"]))
    >>> end = pd.Timestamp("2026-11-02")    # the week of 10-19 ends 10-25: + 7 days is in
    >>> period_complete(weeks, "W", pd.Timedelta("7D").value, end).tolist()
    [True, False]
    """
    following = (period.dt.to_period(freq) + 1).dt.start_time.astype("datetime64[ns]")
    reach = following - pd.Timedelta(1, "ns") + pd.Timedelta(window_ns or 0, "ns")
    return reach <= end  # (NaT compares False)
