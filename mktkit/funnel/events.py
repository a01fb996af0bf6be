"""Funnels: from stage counts, from event logs (ClickHouse ``windowFunnel`` semantics), over
time, compared, and the AARRR lifecycle funnel.

Every function returns one tidy table with the columns of DESIGN.md section 3: ``[by...]``,
``step``, ``step_index``, ``users``, ``conversion_from_previous``, ``conversion_from_first``,
``drop_off`` (rates are fractions, 0/0 is NaN), plus ``drop_off_count`` (``n_(i-1) - n_i``,
NA at step 1) and ``biggest_leak`` (True on the step(s) with the lowest conversion from the
previous step, every tied step marked). Event funnels can add ``median_time_to_convert`` and
``p90_time_to_convert`` (time from the previous step of each user's chain).

The event funnels return a :class:`FunnelResult`: a DataFrame that also holds the per-user
levels, so that ``result.users_at("purchase", dropped=True)`` lists who to follow up with.

The event-log semantics are in DESIGN.md section 5; the engines are :mod:`mktkit.funnel_sql`
(DuckDB: every funnel, logs larger than memory), :mod:`mktkit.funnel_pandas` (vectorised
pandas) and :mod:`mktkit.funnel_scan` (ClickHouse's one pass, compiled: the plain ordered
funnel of a large log). ``engine="auto"``, the default, takes pandas for a small DataFrame, the
scan for the large logs it suits and DuckDB otherwise; all give the same numbers.

Examples
--------
>>> import pandas as pd
>>> import mktkit as mk
>>> counts = pd.DataFrame({"stage": ["visit", "cart", "purchase"], "count": [1000, 300, 120]})
>>> mk.funnel_from_counts(counts)[["step", "users", "conversion_from_previous", "biggest_leak"]]
       step  users  conversion_from_previous  biggest_leak
0     visit   1000                       NaN         False
1      cart    300                       0.3          True
2  purchase    120                       0.4         False
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, check_argument, require_columns
from mktkit.funnel_spec import FunnelSpec

ENGINES = ("auto", "duckdb", "pandas", "scan")
#: McClure's pirate metrics, in their usual order.
AARRR_STAGES = ("acquisition", "activation", "retention", "referral", "revenue")
RATE_COLUMNS = ["conversion_from_previous", "conversion_from_first", "drop_off"]


class FunnelWarning(UserWarning):
    """A funnel was computed, but something in its input deserves a look."""


class FunnelResult(pd.DataFrame):
    """A funnel table (one row per step and segment) that also knows its users.

    Attributes
    ----------
    levels : DataFrame
        One row per user who entered the funnel: the user column, ``level`` (the last step
        reached), the ``by`` columns and, when computed, ``entered_at`` and ``time_1..``.
        For a funnel computed in Spark, a Spark DataFrame, persisted: call
        ``result.levels.unpersist()`` when done with it.
    user_column : str
        Name of the user column in ``levels``.

    Derived frames (``result.head()``, ``result[...]``) are plain DataFrames.
    """

    _metadata = ["levels", "user_column", "by_columns"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def users_at(self, step: int | str, *, dropped: bool = False, segment: Any = None) -> pd.Series:
        """User ids that reached ``step`` (or, with ``dropped=True``, reached the step before
        it and stopped there).

        For a funnel computed in Spark the ids stay there: a one-column Spark DataFrame
        (unordered), ready to join or to write out.

        Parameters
        ----------
        step : int or str
            ``step_index`` (1-based) or the step label.
        dropped : bool
            False: users with level >= step. True: users with level == step - 1, the
            ``drop_off_count`` of that step.
        segment : scalar, tuple or mapping, optional
            Restrict to one segment of ``by``: a value (one ``by`` column), a tuple in ``by``
            order, or a mapping column -> value.

        Examples
        --------
        >>> import pandas as pd, mktkit as mk
        >>> ev = pd.DataFrame({"user_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
        ...                    "ts": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:30",
        ...                                          "2025-01-01 11:00"])})
        >>> res = mk.funnel(ev, ["visit", "buy"])
        >>> res.users_at("buy").tolist(), res.users_at("buy", dropped=True).tolist()
        ([1], [2])
        """
        k = _step_index(self, step)
        lv = self.levels
        if not isinstance(lv, pd.DataFrame):  # levels kept in Spark
            from mktkit import spark

            return spark.users_at(self, k, dropped=dropped, segment=segment)
        if segment is not None:
            lv = lv[_segment_mask(lv, self.by_columns, segment)]
        if dropped:
            if k == 1:
                raise InputError(
                    "users who dropped before step 1 never entered the funnel and are unknown",
                    column="step",
                    fix="ask for dropped users at step 2 or later",
                )
            lv = lv[lv["level"] == k - 1]
        else:
            lv = lv[lv["level"] >= k]
        return lv[self.user_column].sort_values(kind="stable").reset_index(drop=True)


def _step_index(result: pd.DataFrame, step: int | str) -> int:
    steps = result.drop_duplicates("step_index")[["step_index", "step"]]
    if isinstance(step, bool) or not isinstance(step, int | str | np.integer):
        raise InputError(f"step {step!r} is neither a step number nor a label", column="step")
    if isinstance(step, str):
        hits = steps.loc[steps["step"] == step, "step_index"].tolist()
        if len(hits) == 1:
            return int(hits[0])
        why = "is not a step" if not hits else "names several steps"
        raise InputError(
            f"{step!r} {why}",
            column="step",
            fix="give the step_index (1-based) or one of " + ", ".join(map(repr, steps["step"])),
        )
    if not 1 <= int(step) <= len(steps):
        raise InputError(f"step {step} is out of range 1..{len(steps)}", column="step")
    return int(step)


def segment_values(by: list[str], segment: Any) -> dict[str, Any]:
    """``segment`` (a value, a tuple in ``by`` order or a mapping) as ``{by column: value}``."""
    if not by:
        raise InputError("this funnel has no segments (by=None)", column="segment")
    if isinstance(segment, Mapping):
        wanted = dict(segment)
    elif isinstance(segment, tuple):
        wanted = dict(zip(by, segment, strict=False))
    else:
        wanted = {by[0]: segment}
    unknown = [c for c in wanted if c not in by]
    if unknown or len(wanted) != len(by):
        raise InputError(
            f"segment {segment!r} does not name one value per by column {by!r}", column="segment"
        )
    return wanted


def _segment_mask(lv: pd.DataFrame, by: list[str], segment: Any) -> np.ndarray:
    mask = np.ones(len(lv), dtype=bool)
    for col, value in segment_values(by, segment).items():
        mask &= (lv[col].isna() if pd.isna(value) else lv[col] == value).to_numpy(bool)
    return mask


def _py(value: Any) -> Any:
    """A numpy scalar as the plain Python value (for readable error messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


# ---------------------------------------------------------------------------------------------
# the summary table shared by every funnel
# ---------------------------------------------------------------------------------------------


def summarize(counts: pd.DataFrame, labels: Sequence[str], by: list[str]) -> pd.DataFrame:
    """Rates, drop-offs and the biggest leak from ``[by...], step_index, users``.

    Examples
    --------
    >>> c = pd.DataFrame({"step_index": [1, 2, 3], "users": [10, 4, 2]})
    >>> summarize(c, ["a", "b", "c"], [])["conversion_from_first"].tolist()
    [1.0, 0.4, 0.2]
    """
    out = counts.sort_values([*by, "step_index"], kind="stable").reset_index(drop=True)
    out.insert(len(by), "step", [labels[i - 1] for i in out["step_index"]])
    out["users"] = out["users"].astype("int64")
    users = out["users"].astype("float64")
    if by:
        grp = out.groupby(by, sort=False, dropna=False)["users"]
        prev, first = grp.shift(1).astype("float64"), grp.transform("first").astype("float64")
    else:
        prev = users.shift(1)
        first = pd.Series(users.iloc[0] if len(users) else np.nan, index=out.index)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 is NaN, never 0
        cfp = np.where(prev > 0, users / prev, np.nan)
        cff = np.where(first > 0, users / first, np.nan)
    out["conversion_from_previous"] = cfp
    out["conversion_from_first"] = cff
    out["drop_off"] = 1.0 - out["conversion_from_previous"]
    out["drop_off_count"] = (prev - users).astype("Int64")  # NA at step 1
    # the biggest leak: the lowest conversion from the previous step, every tied step
    low = (
        out.groupby(by, sort=False, dropna=False)["conversion_from_previous"].transform("min")
        if by
        else pd.Series(np.nanmin(cfp) if np.isfinite(cfp).any() else np.nan, index=out.index)
    )
    out["biggest_leak"] = (out["conversion_from_previous"] == low).to_numpy(bool)
    return out[
        [*by, "step", "step_index", "users", *RATE_COLUMNS, "drop_off_count", "biggest_leak"]
    ]


# ---------------------------------------------------------------------------------------------
# stage counts
# ---------------------------------------------------------------------------------------------


def funnel_from_counts(
    df: pd.DataFrame,
    stage: str = "stage",
    count: str = "count",
    by: str | Sequence[str] | None = None,
    strict: bool = True,
) -> pd.DataFrame:
    """A funnel from counts per stage (rows in funnel order).

    Parameters
    ----------
    df : DataFrame
        One row per stage (and segment), in funnel order: the order of first appearance.
    stage, count : str
        Column names of the stage label and of its count (a non-negative whole number).
    by : str or list of str, optional
        Segment columns; every segment must list every stage once.
    strict : bool
        True (a funnel of the same users): a stage larger than the stage before it is an
        :class:`~mktkit.errors.InputError`. False (independent counts, e.g. daily totals of
        each stage): a :class:`FunnelWarning`, and the conversion may exceed 1.

    Returns
    -------
    DataFrame
        ``[by...], step, step_index, users, conversion_from_previous, conversion_from_first,
        drop_off, drop_off_count, biggest_leak``.

    Examples
    --------
    >>> df = pd.DataFrame({"stage": ["visit", "cart"], "count": [200, 50]})
    >>> funnel_from_counts(df)["drop_off"].tolist()
    [nan, 0.75]
    """
    by = _by_list(by)
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a DataFrame, got {type(df).__name__}", table="counts")
    require_columns(df, [stage, count, *by], table="counts")
    if not isinstance(strict, bool):
        raise InputError(f"strict must be True or False, got {strict!r}", column="strict")
    values = pd.to_numeric(df[count], errors="coerce")
    bad = values.isna() | (values < 0) | (values % 1 != 0)
    if bad.any():
        rows = {i + 1: _py(df[count].iloc[i]) for i in np.flatnonzero(bad.to_numpy())}
        raise InputError(
            "counts must be whole numbers >= 0",
            table="counts",
            column=count,
            rows=rows,
            fix="give each stage the number of users (or sessions) that reached it",
        )
    if df[stage].isna().any():
        rows = {i + 1: None for i in np.flatnonzero(df[stage].isna().to_numpy())}
        raise InputError("stage without a name", table="counts", column=stage, rows=rows)
    labels = list(dict.fromkeys(df[stage].astype(str)))
    if len(labels) < 2:
        raise InputError(
            f"a funnel needs at least 2 stages, got {len(labels)}",
            table="counts",
            column=stage,
            fix="give one row per stage, in funnel order",
        )
    work = df[[*by]].copy()
    work["step_index"] = df[stage].astype(str).map({s: i for i, s in enumerate(labels, 1)})
    work["users"] = values.astype("int64")
    work["row"] = np.arange(1, len(df) + 1)
    dup = work.duplicated([*by, "step_index"], keep=False)
    if dup.any():
        raise InputError(
            "a stage appears more than once" + (" in a segment" if by else ""),
            table="counts",
            column=stage,
            rows={int(r): _py(df[stage].iloc[r - 1]) for r in work.loc[dup, "row"]},
            fix="give one row per stage" + (" and segment" if by else ""),
        )
    if by:
        sizes = work.groupby(by, dropna=False).size()
        short = sizes[sizes != len(labels)]
        if len(short):
            raise InputError(
                f"segment(s) {list(short.index)!r} lack some of the stages {labels!r}",
                table="counts",
                fix="give every segment every stage (0 when nobody got there)",
            )
    work = work.sort_values([*by, "step_index"], kind="stable")
    prev = work.groupby(by, dropna=False)["users"].shift(1) if by else work["users"].shift(1)
    wider = work[work["users"] > prev]
    if len(wider):
        rows = {int(r): int(u) for r, u in zip(wider["row"], wider["users"], strict=True)}
        labels_wide = ", ".join(repr(labels[i - 1]) for i in wider["step_index"].unique())
        msg = f"stage(s) {labels_wide} are larger than the stage before"
        if strict:
            raise InputError(
                msg,
                table="counts",
                column=count,
                rows=rows,
                fix="a funnel of one group of users never widens; check the counts or pass "
                "strict=False for independent counts (e.g. daily totals)",
            )
        warnings.warn(
            f"{msg} (strict=False: conversions above 1 are kept)", FunnelWarning, stacklevel=2
        )
    return summarize(work[[*by, "step_index", "users"]], labels, by)


# ---------------------------------------------------------------------------------------------
# event funnels
# ---------------------------------------------------------------------------------------------


def _engine_levels(
    events: Any,
    spec: FunnelSpec,
    *,
    user: str,
    time: str,
    event: str,
    by: list[str],
    detail: bool,
    engine: str,
    con: Any,
) -> pd.DataFrame:
    check_argument("engine", ENGINES, engine)
    for name, value in (("user", user), ("time", time), ("event", event)):
        if not isinstance(value, str):
            raise InputError(f"{name} must be a column name, got {value!r}", column=name)
    if engine == "auto":
        engine = _auto_engine(events, spec, by=by, detail=detail, con=con)
    if engine == "scan":
        if con is not None:
            raise InputError("con= is for engine='duckdb'", column="con")
        from mktkit import funnel_scan

        lv = funnel_scan.levels(
            events, spec, user=user, time=time, event=event, by=by, detail=detail
        )
    elif engine == "duckdb":
        from mktkit import funnel_sql

        lv = funnel_sql.levels(
            events, spec, user=user, time=time, event=event, by=by, detail=detail, con=con
        )
    else:
        if con is not None:
            raise InputError("con= is for engine='duckdb'", column="con")
        from mktkit import funnel_pandas

        lv = funnel_pandas.levels(
            events, spec, user=user, time=time, event=event, by=by, detail=detail
        )
    warn_missing_names(lv.attrs.get("missing_names", []), spec, event, stacklevel=4)
    if detail:
        for col in ["entered_at", *(f"time_{k}" for k in range(1, spec.n_steps + 1))]:
            lv[col] = _ns_to_datetime(lv[col])
    lv.attrs = {}
    return lv


#: ``engine="auto"`` computes a DataFrame of fewer rows than this with the pandas engine: on a
#: month of a region's events it answers before DuckDB has started (its import and SQL round
#: trips cost more than the work). Not for ``mode="unordered"``, where DuckDB is faster.
AUTO_PANDAS_MAX_ROWS = 200_000


def _auto_engine(events: Any, spec: FunnelSpec, *, by: list[str], detail: bool, con: Any) -> str:
    """``"pandas"`` for a small DataFrame, ``"scan"`` for a large log the compiled pass answers
    exactly and that fits in memory, else ``"duckdb"`` (every funnel, any size: it spills to
    disk). All three give the same numbers; this only picks the fastest."""
    if con is not None or isinstance(events, duckdb_relation_types()):
        return "duckdb"
    if (
        isinstance(events, pd.DataFrame)
        and len(events) < AUTO_PANDAS_MAX_ROWS
        and spec.mode != "unordered"
    ):
        return "pandas"
    from mktkit import funnel_scan

    if funnel_scan.supports(spec, by=by, detail=detail) is not None:
        return "duckdb"
    rows = funnel_scan.row_count(events)
    if rows is None or rows < funnel_scan.AUTO_MIN_ROWS or not funnel_scan.fits_in_memory(rows):
        return "duckdb"
    return "scan" if funnel_scan.available() else "duckdb"


def duckdb_relation_types() -> tuple[type, ...]:
    """DuckDB's relation type, without importing duckdb for a DataFrame or a path."""
    import sys

    mod = sys.modules.get("duckdb")
    return (mod.DuckDBPyRelation,) if mod is not None else ()


def warn_missing_names(
    missing: Sequence[str], spec: FunnelSpec, event: str, stacklevel: int
) -> None:
    """Warn (:class:`FunnelWarning`) about funnel event names that never occur in the data."""
    if not missing:
        return
    empty = [
        label
        for label, names in zip(spec.labels, spec.step_names, strict=True)
        if all(n in missing for n in names)
    ]
    msg = "event name(s) " + ", ".join(map(repr, missing)) + f" do not occur in column {event!r}"
    if empty:
        msg += "; so 0 users reach step(s) " + ", ".join(map(repr, empty))
    warnings.warn(msg + ". Check the spelling of the steps.", FunnelWarning, stacklevel=stacklevel)


def _spark_input(events: Any, spark: Any, con: Any) -> Any:
    """The Spark DataFrame to compute on, or None for the local engines (checked by name, so
    that nothing imports pyspark unless the input comes from it)."""
    if spark is None and not type(events).__module__.startswith("pyspark"):
        return None
    from mktkit import spark as on_spark

    sdf = on_spark.as_spark(events, spark, table="events")
    if sdf is not None and con is not None:
        raise InputError("con= is a DuckDB connection; a Spark input runs in Spark", column="con")
    return sdf


def _ns_to_datetime(values: pd.Series) -> pd.Series:
    ints = values.astype("Int64").to_numpy("int64", na_value=np.iinfo("int64").min)
    return pd.Series(ints.view("datetime64[ns]"), index=values.index)  # int64 min is NaT


def _level_counts(lv: pd.DataFrame, n: int, by: list[str]) -> pd.DataFrame:
    """Users at each step: users whose level is at least the step's index."""
    if not by:  # users per level, counted (a group-by of millions of users takes 10x longer)
        per_level = np.bincount(lv["level"].to_numpy(np.int64), minlength=n + 1)
        at_least = per_level[::-1].cumsum()[::-1]  # users at level k or beyond
        return pd.DataFrame({"step_index": range(1, n + 1), "users": at_least[1 : n + 1]})
    per = lv.groupby([*by, "level"], dropna=False).size().rename("n").reset_index()
    return counts_from_levels(per, n, by)


def counts_from_levels(per: pd.DataFrame, n: int, by: list[str]) -> pd.DataFrame:
    """``[by...], step_index, users`` from ``[by...], level, n`` (users per level and segment):
    the small table every engine reduces its per-user levels to."""
    segments = per[by].drop_duplicates().reset_index(drop=True) if by else pd.DataFrame(index=[0])
    grid = segments.merge(pd.DataFrame({"step_index": range(1, n + 1)}), how="cross")
    if per.empty:
        grid["users"] = 0
        return grid if by else grid[["step_index", "users"]]
    rows = []
    for k in range(1, n + 1):  # a loop over steps
        at = per[per["level"] >= k].groupby(by, dropna=False)["n"].sum() if by else None
        if by:
            part = segments.merge(at.rename("users").reset_index(), on=by, how="left")
        else:
            part = pd.DataFrame({"users": [per.loc[per["level"] >= k, "n"].sum()]})
        part["step_index"] = k
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["users"] = out["users"].fillna(0).astype("int64")
    return out[[*by, "step_index", "users"]]


#: The time-to-convert columns and their quantile, as an exact fraction (numerator, denominator).
TIME_QUANTILES = {"median_time_to_convert": (1, 2), "p90_time_to_convert": (9, 10)}


def time_gaps(lv: pd.DataFrame, n: int) -> pd.DataFrame:
    """``gap_2..gap_n``: integer nanoseconds from step ``k - 1`` to step ``k`` of each user's
    reported chain (NA beyond the user's level)."""
    out = pd.DataFrame(index=lv.index)
    for k in range(2, n + 1):  # a loop over steps
        a = lv[f"time_{k - 1}"].to_numpy("datetime64[ns]").view("int64")
        b = lv[f"time_{k}"].to_numpy("datetime64[ns]").view("int64")
        gap = pd.array(b - a, dtype="Int64")
        gap[(lv["level"] < k).to_numpy()] = pd.NA
        out[f"gap_{k}"] = gap
    return out


def quantile_ranks(size: Any, q: tuple[int, int]) -> tuple[Any, Any, Any]:
    """The 0-based ranks ``lo, hi`` of the two values a quantile interpolates between, and the
    remainder ``rem``: the quantile is ``x[lo] + (x[hi] - x[lo]) * rem / den`` (the linear
    rule of numpy/pandas: position ``(size - 1) * q``), in exact integer arithmetic.

    Examples
    --------
    >>> quantile_ranks(3, (9, 10))   # position 1.8: between ranks 1 and 2, 8/10 of the way
    (1, 2, 8)
    """
    num, den = q
    pos = (size - 1) * num
    lo = pos // den
    rem = pos - lo * den
    return lo, lo + (rem > 0), rem


def quantile_rank_needed(rank: Any, size: Any, q: tuple[int, int]) -> Any:
    """Whether 0-based ``rank`` (of ``size`` values) is one the quantile ``q`` interpolates
    between: ``|rank * den - (size - 1) * num| < den``. Operators only, so the same expression
    filters numpy arrays and Spark columns."""
    num, den = q
    x = rank * den - (size - 1) * num
    return (x < den) & (x > -den)


def times_from_ranks(ranked: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Median and p90 time to convert per segment and step from the ranked gaps.

    ``ranked`` holds ``[by...], step_index, size, rank, gap``: for every segment and step
    ``size`` users converted, and the rows are the gaps (integer nanoseconds) at the ranks
    :func:`quantile_ranks` asks for (rank 0 = shortest). Each engine produces this small table;
    the interpolation (rounded half to even, to the nanosecond) is computed here, exactly.
    """
    keys = [*by, "step_index"]
    rows = []
    for key, g in ranked.groupby(keys, dropna=False, sort=False):  # a few rows per step
        size = int(g["size"].iloc[0])
        at = dict(zip(g["rank"].astype(int), g["gap"].astype(int), strict=True))
        values = []
        for q in TIME_QUANTILES.values():
            lo, hi, rem = quantile_ranks(size, q)
            whole, frac = divmod(at[lo] * q[1] + (at[hi] - at[lo]) * rem, q[1])
            if 2 * frac > q[1] or (2 * frac == q[1] and whole % 2):
                whole += 1
            values.append(whole)
        rows.append((*(key if isinstance(key, tuple) else (key,)), *values))
    cols = list(TIME_QUANTILES)
    out = pd.DataFrame(rows, columns=[*keys, *cols])
    for col in cols:
        out[col] = pd.to_timedelta(pd.array(out[col].tolist(), dtype="Int64"), unit="ns")
    out["step_index"] = out["step_index"].astype("int64")
    return out


def _times_to_convert(lv: pd.DataFrame, n: int, by: list[str]) -> pd.DataFrame:
    gaps = time_gaps(lv, n)
    parts = []
    for k in range(2, n + 1):  # a loop over steps
        reached = (lv["level"] >= k).to_numpy()
        part = lv.loc[reached, by].assign(step_index=k, gap=gaps.loc[reached, f"gap_{k}"])
        parts.append(part)
    long = pd.concat(parts, ignore_index=True).sort_values([*by, "step_index", "gap"])
    grp = long.groupby([*by, "step_index"], dropna=False, sort=False)
    long["size"] = grp["gap"].transform("size")
    long["rank"] = grp.cumcount()
    need = np.zeros(len(long), dtype=bool)
    for q in TIME_QUANTILES.values():
        need |= quantile_rank_needed(long["rank"].to_numpy(), long["size"].to_numpy(), q)
    return times_from_ranks(long[need], by)


def period_start(when: pd.Series, freq: str) -> pd.Series:
    """The start of the ``freq`` period holding each time (``funnel_trend``'s ``period``)."""
    return when.dt.to_period(freq).dt.start_time


def _result(
    lv: pd.DataFrame, spec: FunnelSpec, by: list[str], user: str, times: bool
) -> FunnelResult:
    counts = _level_counts(lv, spec.n_steps, by)
    return assemble(
        counts, _times_to_convert(lv, spec.n_steps, by) if times else None, lv, spec, by, user
    )


def assemble(
    counts: pd.DataFrame,
    time_table: pd.DataFrame | None,
    lv: Any,
    spec: FunnelSpec,
    by: list[str],
    user: str,
) -> FunnelResult:
    """The :class:`FunnelResult` from the small tables every engine reduces to."""
    table = summarize(counts, spec.labels, by)
    if time_table is not None:
        table = table.merge(time_table, on=[*by, "step_index"], how="left")
    res = FunnelResult(table)
    res.levels = lv
    res.user_column = user
    res.by_columns = by
    return res


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
    by = _by_list(by)
    sdf = _spark_input(events, spark, con)
    if sdf is not None:
        from mktkit import spark as on_spark

        return on_spark.funnel_levels(
            sdf, spec, user=user, time=time, event=event, by=by, detail=detail or bool(by)
        )
    return _engine_levels(
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
    """An event funnel with ClickHouse ``windowFunnel`` semantics (DESIGN.md section 5).

    Parameters
    ----------
    events : DataFrame, str or Path, duckdb relation, or Spark DataFrame
        The event log: a DataFrame, a Parquet file or glob (read by DuckDB without loading it
        into memory), a DuckDB relation, or a Spark DataFrame (computed in Spark, see
        :mod:`mktkit.spark`; then ``engine`` does not apply).
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
        (:mod:`mktkit.funnel_scan`, ClickHouse's one pass compiled with numba) computes the
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
    by = _by_list(by)
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
        from mktkit import spark as on_spark

        return on_spark.funnel(sdf, spec, user=user, time=time, event=event, by=by, times=times)
    lv = _engine_levels(
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
    return _result(lv, spec, by, user, times)


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
    by = _by_list(by)
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
        from mktkit import spark as on_spark

        res = on_spark.funnel(
            sdf, spec, user=user, time=time, event=event, by=by, times=False, freq=freq
        )
        if end is None:
            end = on_spark.last_time(sdf, time)
    else:
        lv = _engine_levels(
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
        res = _result(lv, spec, ["period", *by], user, times=False)
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
        from mktkit.funnel_pandas import to_ns

        ns = to_ns(events[time], table="events", column=time).max()
    else:
        from mktkit import funnel_sql

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


# ---------------------------------------------------------------------------------------------
# comparing two funnels
# ---------------------------------------------------------------------------------------------


def compare_funnels(
    a: pd.DataFrame, b: pd.DataFrame, *, alpha: float = 0.05, ci_method: str = "newcomb"
) -> pd.DataFrame:
    """Per step, the change in conversion from the first step from funnel ``a`` to ``b``.

    The test is the two-proportion z-test (statsmodels ``proportions_ztest``, pooled variance,
    two-sided) on ``users_k / users_1`` of each funnel; the confidence interval of the
    difference ``b - a`` is statsmodels ``confint_proportions_2indep`` (``compare="diff"``,
    ``method=ci_method``). Step 1 (conversion 1 in both) and steps where a rate is undefined
    get NaN.

    Parameters
    ----------
    a, b : DataFrame
        Two results of :func:`funnel` / :func:`funnel_from_counts` with the same steps (and the
        same ``by`` columns: segments are matched by value).
    alpha : float
        1 - confidence level of the interval.
    ci_method : str
        A ``confint_proportions_2indep`` method: ``"newcomb"``, ``"wald"``, ``"agresti-caffo"``,
        ``"score"``.

    Returns
    -------
    DataFrame
        ``[by...], step, step_index, users_a, users_b, conversion_a, conversion_b, difference,
        ci_low, ci_high, z, p_value, test, ci_method``.

    Examples
    --------
    >>> fa = funnel_from_counts(pd.DataFrame({"stage": ["v", "b"], "count": [1000, 100]}))
    >>> fb = funnel_from_counts(pd.DataFrame({"stage": ["v", "b"], "count": [1000, 150]}))
    >>> round(float(compare_funnels(fa, fb)["difference"].iloc[1]), 3)
    0.05
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    check_argument("ci_method", ["newcomb", "wald", "agresti-caffo", "score"], ci_method)
    if not (isinstance(alpha, float | int) and 0 < alpha < 1):
        raise InputError(f"alpha must be in (0, 1), got {alpha!r}", column="alpha")
    need = ["step", "step_index", "users"]
    require_columns(a, need, table="a")
    require_columns(b, need, table="b")
    base = (
        set(need)
        | set(RATE_COLUMNS)
        | {"drop_off_count", "biggest_leak", "median_time_to_convert", "p90_time_to_convert"}
        | {"complete"}  # a trend's: its periods are matched by value as segments
    )
    by_a = [c for c in a.columns if c not in base]
    by_b = [c for c in b.columns if c not in base]
    if by_a != by_b:
        raise InputError(
            f"the funnels are segmented differently: {by_a!r} and {by_b!r}",
            table="b",
            fix="compare funnels built with the same by=",
        )
    by = by_a
    if list(a.drop_duplicates("step_index")["step"]) != list(
        b.drop_duplicates("step_index")["step"]
    ):
        raise InputError(
            "the funnels have different steps", table="b", fix="compare funnels of the same steps"
        )
    keys = [*by, "step_index"]
    m = a[[*keys, "step", "users"]].merge(b[[*keys, "users"]], on=keys, suffixes=("_a", "_b"))
    grp = [
        m.groupby(by, dropna=False)[c].transform("first")
        if by
        else pd.Series(m.loc[m["step_index"] == 1, c].iloc[0], index=m.index)
        for c in ("users_a", "users_b")
    ]
    m["first_a"], m["first_b"] = grp
    rows = []
    for r in m.itertuples(index=False):  # one test per step and segment (a few rows)
        ka, na, kb, nb = int(r.users_a), int(r.first_a), int(r.users_b), int(r.first_b)
        pa = ka / na if na else np.nan
        pb = kb / nb if nb else np.nan
        z = p = lo = hi = np.nan
        pooled = (ka + kb) / (na + nb) if na and nb else np.nan
        if r.step_index > 1 and na and nb and 0 < pooled < 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                z, p = proportions_ztest([kb, ka], [nb, na], alternative="two-sided")
                lo, hi = confint_proportions_2indep(
                    kb, nb, ka, na, method=ci_method, compare="diff", alpha=alpha
                )
        rows.append((pa, pb, pb - pa, lo, hi, z, p))
    stats = pd.DataFrame(
        rows,
        columns=["conversion_a", "conversion_b", "difference", "ci_low", "ci_high", "z", "p_value"],
        index=m.index,
    )
    out = pd.concat([m[[*by, "step", "step_index", "users_a", "users_b"]], stats], axis=1)
    out["test"] = "two-proportion z-test"
    out["ci_method"] = ci_method
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def month_funnels(
    events: pd.DataFrame,
    steps: Sequence[Any],
    month: str,
    *,
    region: str = "all",
    window: Any = "7D",
    time: str = "ts",
    **kwargs: Any,
) -> tuple[FunnelResult, FunnelResult]:
    """The funnels of the previous month and of ``month``, for a monthly comparison.

    Each month's funnel counts the chains whose events all fall inside that calendar month
    (``[first day 00:00, next month's first day)``), so both months are measured alike; a
    chain that starts late in a month and ends in the next one is cut at the month end.

    Parameters
    ----------
    events : DataFrame
        The event log (``time`` column of datetimes; a ``region`` column when ``region`` is
        not ``"all"``).
    steps, window, time, **kwargs
        As in :func:`funnel`.
    month : str
        ``YYYY-MM``.
    region : str
        A value of ``events["region"]``, or ``"all"``.

    Returns
    -------
    (previous, current) : two :class:`FunnelResult`

    Examples
    --------
    >>> import mktkit as mk
    >>> prev, cur = month_funnels(mk.load_sample()["events"],
    ...                           ["add_to_cart", "checkout", "purchase"], "2026-10")  # doctest: +SKIP
    """
    require_columns(events, [time], table="events")
    start = pd.Period(month, freq="M").start_time
    if region != "all":
        require_columns(events, ["region"], table="events")
        events = events[events["region"] == region]
    out = []
    for first in (start - pd.DateOffset(months=1), start):
        last = first + pd.DateOffset(months=1)
        part = events[(events[time] >= first) & (events[time] < last)]
        out.append(funnel(part, steps, window=window, time=time, **kwargs))
    return out[0], out[1]


def compare_steps(
    a: pd.DataFrame, b: pd.DataFrame, *, alpha: float = 0.05, ci_method: str = "newcomb"
) -> pd.DataFrame:
    """Where a funnel leaks more in ``b`` than in ``a``: step conversion compared step by step.

    For each step k >= 2 the step conversion ``users_k / users_(k-1)`` of the two funnels is
    compared with the pooled two-proportion z-test (statsmodels ``proportions_ztest``,
    two-sided) and the confidence interval of ``b - a`` (``confint_proportions_2indep``,
    ``method=ci_method``). ``new_leak`` marks the step whose conversion fell the most among
    the falls significant at ``alpha`` (all tied steps); a funnel that got no worse marks none.

    Unlike :func:`compare_funnels` (conversion from the first step), this locates the step
    where users are lost: a checkout problem shows at checkout -> purchase, not upstream.

    Parameters
    ----------
    a, b : DataFrame
        Two unsegmented results of :func:`funnel` / :func:`funnel_from_counts` with the same
        steps (``a`` the baseline, e.g. the previous month).

    Returns
    -------
    DataFrame
        ``step, step_index, entered_a, users_a, entered_b, users_b, conversion_a,
        conversion_b, difference, ci_low, ci_high, z, p_value, new_leak, test, ci_method``;
        step 1 has NaN statistics.

    Examples
    --------
    >>> fa = funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 120]}))
    >>> fb = funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 70]}))
    >>> c = compare_steps(fa, fb)
    >>> round(float(c["difference"].iloc[1]), 2), bool(c["new_leak"].iloc[1])
    (-0.25, True)
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    check_argument("ci_method", ["newcomb", "wald", "agresti-caffo", "score"], ci_method)
    need = ["step", "step_index", "users"]
    require_columns(a, need, table="a")
    require_columns(b, need, table="b")
    if list(a["step"]) != list(b["step"]) or a["step_index"].duplicated().any():
        raise InputError(
            "the funnels must have the same steps and no segments",
            table="b",
            fix="compare two unsegmented funnels of the same steps",
        )
    out = a[["step", "step_index"]].reset_index(drop=True)
    out["users_a"] = a["users"].to_numpy(dtype="int64")
    out["users_b"] = b["users"].to_numpy(dtype="int64")
    out["entered_a"] = out["users_a"].shift(1)
    out["entered_b"] = out["users_b"].shift(1)
    rows = []
    for r in out.itertuples(index=False):  # one test per step (a handful of rows)
        z = p = lo = hi = np.nan
        pa = pb = np.nan
        if r.step_index > 1:
            ka, na, kb, nb = int(r.users_a), int(r.entered_a), int(r.users_b), int(r.entered_b)
            pa = ka / na if na else np.nan
            pb = kb / nb if nb else np.nan
            pooled = (ka + kb) / (na + nb) if na and nb else np.nan
            if na and nb and 0 < pooled < 1:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    z, p = proportions_ztest([kb, ka], [nb, na], alternative="two-sided")
                    lo, hi = confint_proportions_2indep(
                        kb, nb, ka, na, method=ci_method, compare="diff", alpha=alpha
                    )
        rows.append((pa, pb, pb - pa, lo, hi, z, p))
    stats = pd.DataFrame(
        rows,
        columns=["conversion_a", "conversion_b", "difference", "ci_low", "ci_high", "z", "p_value"],
    )
    out = pd.concat([out, stats], axis=1)
    falls = out["difference"].where((out["p_value"] < alpha) & (out["difference"] < 0))
    out["new_leak"] = falls.notna() & (falls == falls.min())
    out["test"] = "two-proportion z-test (step conversion)"
    out["ci_method"] = ci_method
    order = ["step", "step_index", "entered_a", "users_a", "entered_b", "users_b"]
    return out[order + [c for c in out.columns if c not in order]]


# ---------------------------------------------------------------------------------------------
# AARRR
# ---------------------------------------------------------------------------------------------


def _stage_sql(name: str, definition: Any, event: str) -> tuple[str, int, int]:
    from mktkit.funnel_sql import qi, ql

    fix = (
        'define a stage as an event name, a list of names, or a dict with "events" and/or '
        '"where" (an SQL condition on the event columns) and optional "min_days", '
        '"min_count"'
    )
    if isinstance(definition, str) or (
        isinstance(definition, Sequence) and not isinstance(definition, Mapping)
    ):
        definition = {"events": definition}
    if not isinstance(definition, Mapping):
        raise InputError(
            f"stage {name!r}: {definition!r} is not a stage definition", column="stages", fix=fix
        )
    unknown = set(definition) - {"events", "where", "min_days", "min_count"}
    if unknown or not ({"events", "where"} & set(definition)):
        raise InputError(
            f"stage {name!r}: {dict(definition)!r} is not a stage definition",
            column="stages",
            fix=fix,
        )
    parts = []
    if "events" in definition:
        names = definition["events"]
        names = [names] if isinstance(names, str) else list(names)
        if not names or not all(isinstance(n, str) for n in names):
            raise InputError(f"stage {name!r}: events must be names", column="stages", fix=fix)
        parts.append(f"CAST({qi(event)} AS VARCHAR) IN (" + ", ".join(map(ql, names)) + ")")
    if "where" in definition:
        if not isinstance(definition["where"], str) or not definition["where"].strip():
            raise InputError(f"stage {name!r}: where must be an SQL condition", column="stages")
        parts.append(f"({definition['where']})")
    limits = []
    for key in ("min_days", "min_count"):
        value = definition.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise InputError(f"stage {name!r}: {key} must be a whole number >= 1", column="stages")
        limits.append(int(value))
    return " AND ".join(parts), limits[0], limits[1]


def aarrr(
    events: Any,
    stages: Mapping[str, Any],
    order: Sequence[str] | None = None,
    user: str = "user_id",
    time: str = "ts",
    event: str = "event",
    by: str | Sequence[str] | None = None,
    *,
    con: Any = None,
) -> FunnelResult:
    """The AARRR funnel (McClure 2007): acquisition, activation, retention, referral, revenue.

    Each stage is a condition on a user's events; a user is at stage k when they meet stages
    1..k (in any time order: AARRR describes users, not event sequences; for an ordered
    version use :func:`funnel` with the same events).

    Parameters
    ----------
    stages : mapping stage name -> definition
        A definition is an event name, a list of names, or a dict with ``"events"`` (names)
        and/or ``"where"`` (an SQL boolean expression on the event columns, run by DuckDB,
        e.g. ``"channel IN ('kol', 'affiliate')"``), and optionally ``"min_days"`` (the user
        meets it on at least that many distinct days, e.g. 2 for a returning user) and
        ``"min_count"`` (at least that many events).
    order : list of str, optional
        Stage order; default :data:`AARRR_STAGES` (then ``stages`` must define those five).
    by : str or list of str, optional
        Segment by the value on the user's first acquisition event (smallest value on ties).

    Returns
    -------
    FunnelResult
        The columns of :func:`funnel` with ``step`` = stage name.

    Examples
    --------
    >>> ev = pd.DataFrame({"user_id": [1, 1, 1, 2], "event": ["visit", "signup", "purchase",
    ...     "visit"], "ts": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-03",
    ...     "2025-01-02"]), "channel": ["kol", "kol", "kol", "search"]})
    >>> res = aarrr(ev, {"acquisition": "visit", "activation": "signup",
    ...     "retention": {"events": "visit", "min_days": 1},
    ...     "referral": {"where": "channel = 'kol'"}, "revenue": "purchase"})
    >>> res["users"].tolist()
    [2, 1, 1, 1, 1]
    """
    import duckdb

    from mktkit import funnel_sql
    from mktkit.funnel_sql import qi

    if not isinstance(stages, Mapping):
        raise InputError("stages must map stage names to definitions", column="stages")
    order = list(AARRR_STAGES if order is None else order)
    missing = [s for s in order if s not in stages]
    extra = [s for s in stages if s not in order]
    if missing or extra or len(order) < 2 or len(set(order)) != len(order):
        raise InputError(
            f"stages {list(stages)!r} do not match the order {order!r}",
            column="stages",
            fix="define every stage of the order once (default: "
            + ", ".join(AARRR_STAGES)
            + "), or pass order=",
        )
    by = _by_list(by)
    defs = [_stage_sql(name, stages[name], event) for name in order]
    own = con is None
    con = funnel_sql.connect() if own else con
    try:
        # read every column: "where" conditions may use any of them
        cols = list(getattr(events, "columns", []))
        if not cols and isinstance(events, str | Path):
            cols = list(
                con.sql(f"SELECT * FROM read_parquet({funnel_sql.ql(str(events))})").columns
            )
        src = funnel_sql.Source(con, events, list(dict.fromkeys([user, time, event, *by, *cols])))
        texpr = src.time_expr(time)
        (bad,) = con.sql(
            f"SELECT count(*) FROM mk_src WHERE {qi(user)} IS NULL OR ({texpr}) IS NULL"
        ).fetchall()[0]
        if bad:
            for col, cond in ((user, f"{qi(user)} IS NULL"), (time, f"({texpr}) IS NULL")):
                rows, n = src.bad_rows(col, cond)
                if n:
                    raise InputError(
                        f"{n} row(s) have a missing or unparseable value",
                        table="events",
                        column=col,
                        rows=rows,
                        fix="drop or fill those rows",
                    )
        meets = []
        for i, (cond, min_days, min_count) in enumerate(defs):
            day = f"(({texpr}) // 86400000000000)"  # the calendar day of the (naive) time
            meets.append(
                f"(count(DISTINCT {day}) FILTER (WHERE {cond}) >= {min_days} AND "
                f"count(*) FILTER (WHERE {cond}) >= {min_count}) AS s{i}"
            )
        level = " + ".join(
            "(" + " AND ".join(f"s{j}" for j in range(i + 1)) + ")::INTEGER"
            for i in range(len(order))
        )
        firsts = "".join(
            f", first({qi(b)} ORDER BY {texpr}, "
            + ", ".join(qi(c) for c in by)
            + f") FILTER (WHERE {defs[0][0]}) AS {qi(b)}"
            for b in by
        )
        try:
            lv = con.sql(
                f"SELECT u AS {qi(user)}, ({level}) AS level{''.join(f', {qi(b)}' for b in by)} "
                f"FROM (SELECT {qi(user)} AS u, {', '.join(meets)}{firsts} FROM mk_src "
                f"GROUP BY {qi(user)}) WHERE s0 ORDER BY u"
            ).df()
        except duckdb.OutOfMemoryException as err:
            raise funnel_sql.engine_error(con, err, table="events", what="the stages") from None
        except duckdb.Error as err:
            raise InputError(
                f"a stage condition failed in DuckDB: {str(err).splitlines()[0]}",
                column="stages",
                fix="check the where= expressions against the event columns",
            ) from None
    finally:
        if own:
            con.close()
    table = summarize(_level_counts(lv, len(order), by), order, by)
    res = FunnelResult(table)
    res.levels = lv
    res.user_column = user
    res.by_columns = by
    return res
