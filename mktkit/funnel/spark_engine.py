"""Funnels computed in Spark, where the event log is, with the kit's own pandas engine.

Spark has no ASOF join, and writing the greedy-chain algorithm a third time would make three
copies to keep in step. So Spark runs the pandas engine itself: the funnel rows are shuffled
into groups by a hash of the user (``groupBy(pmod(xxhash64(user), n))``), every user's events
land in one group, and ``applyInPandas`` calls :func:`mktkit.funnel.levels.engine_levels`
(with the pandas engine) on each group in the executors. Spark then counts users per level
and segment; that small table and the ranked times to convert go through the same finishing
code as the local engines (:func:`~mktkit.funnel.result.counts_from_levels`,
:func:`~mktkit.funnel.times.times_from_ranks`, :func:`~mktkit.funnel.result.summarize`). The
quantiles of the times to convert are exact order statistics interpolated in integer
arithmetic, so every engine gives the same nanosecond (Spark ranks each step's times with one
window per step and segment: one task sorts the converters of a step). A group holds about
:data:`ROWS_PER_GROUP` events (the session setting ``mktkit.funnel.rowsPerGroup`` changes it);
one user's events must fit in an executor. ``result.levels`` stays persisted for
``users_at``: call ``result.levels.unpersist()`` when done.

Examples
--------
>>> import mktkit as mk
>>> from mktkit.engines.spark import local_session                     # doctest: +SKIP
>>> events = local_session().read.parquet("data/sample/events.parquet")  # doctest: +SKIP
>>> mk.funnel(events, ["visit", "view_product", "purchase"], window="7D")  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.engines.spark import (
    Checks,
    as_local,
    functions,
    quiet,
    time_column,
    type_name,
)
from mktkit.errors import InputError, require_columns
from mktkit.funnel.levels import engine_levels, warn_missing_names
from mktkit.funnel.result import FunnelResult, assemble, counts_from_levels, segment_values
from mktkit.funnel.spec import FunnelWarning
from mktkit.funnel.times import (
    TIME_QUANTILES,
    quantile_rank_needed,
    time_gaps,
    times_from_ranks,
)
from mktkit.periods import period_start

#: About this many funnel events go to one ``applyInPandas`` group (one pandas call).
ROWS_PER_GROUP = 500_000


def _bucket_levels(
    pdf: pd.DataFrame,
    *,
    spec: Any,
    n_by: int,
    detail: bool,
    gaps: bool,
    freq: str | None,
    names: dict[str, str],
    columns: list[str],
) -> pd.DataFrame:
    """One ``applyInPandas`` group: the pandas engine's levels of every user in it."""
    bcols = [f"b{i}" for i in range(n_by)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FunnelWarning)  # the driver warns once, for the log
        lv = engine_levels(
            pdf,
            spec,
            user="u",
            time="t",
            event="e",
            by=bcols,
            detail=detail,
            engine="pandas",
            con=None,
        )
    if freq is not None:
        lv["period"] = period_start(lv["entered_at"], freq)
    if gaps:
        g = time_gaps(lv, spec.n_steps)
        lv = pd.concat([lv, g.rename(columns=lambda c: "_" + c)], axis=1)
    return lv.rename(columns=names)[columns]


def _prepare_events(
    sdf: Any, spec: Any, *, user: str, time: str, event: str, by: list[str]
) -> tuple[Any, int, list[str]]:
    """Validate the log in one Spark job; return the compact rows ``u, t, e, b0..`` (funnel
    rows only, all rows in strict mode), their number, and the funnel names that never occur.
    """
    F = functions()
    for name, value in (("user", user), ("time", time), ("event", event)):
        if not isinstance(value, str):
            raise InputError(f"{name} must be a column name, got {value!r}", column=name)
    require_columns(sdf, list(dict.fromkeys([user, time, event, *by])), table="events")
    t = time_column(sdf, time, table="events")
    e = F.col(event).cast("string")
    names = list(spec.names)
    checks = Checks(sdf, "events")
    checks.add("user", user, F.col(user).isNull(), F.col(user))
    checks.add("time", time, t.isNull(), F.col(time))
    checks.add("event", event, F.col(event).isNull(), F.col(event))
    in_funnel = e.isin(names)
    counts = checks.count(
        _rows=F.count(F.lit(1)),
        _funnel_rows=F.count(F.when(in_funnel, 1)),
        **{f"_has{i}": F.max(F.when(e == n, 1)) for i, n in enumerate(names)},
    )
    problems = [
        checks.error(name, "{n} row(s) " + what, fix)
        for name, what, fix in (
            ("user", "have no user", "drop or fill rows without a user id"),
            (
                "time",
                "have a missing or unparseable time",
                "give every event a date-time such as '2025-11-11 20:00:00'",
            ),
            ("event", "have no event name", "drop or name the events without a name"),
        )
        if checks.failed(name)
    ]
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputError("the events cannot be used", table="events", problems=problems)
    missing = [n for i, n in enumerate(names) if not counts[f"_has{i}"]]
    cols = [F.col(user).alias("u"), t.alias("t")]
    if spec.mode == "strict":  # other events break a chain: keep them, nameless
        rows = sdf.select(*cols, F.when(in_funnel, e).otherwise(F.lit("")).alias("e"), *_bys(by))
        n = counts["_rows"]
    else:
        rows = sdf.where(in_funnel).select(*cols, e.alias("e"), *_bys(by))
        n = counts["_funnel_rows"]
    return rows, int(n), missing


def _bys(by: Sequence[str]) -> list[Any]:
    F = functions()
    return [F.col(b).alias(f"b{i}") for i, b in enumerate(by)]


def _n_groups(spark: Any, n_rows: int) -> int:
    per_group = int(spark.conf.get("mktkit.funnel.rowsPerGroup", str(ROWS_PER_GROUP)))
    try:
        partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
    except (TypeError, ValueError):
        partitions = 200
    return max(1, partitions, math.ceil(n_rows / max(per_group, 1)))


def _levels(
    sdf: Any,
    spec: Any,
    *,
    user: str,
    time: str,
    event: str,
    by: list[str],
    detail: bool,
    gaps: bool = False,
    freq: str | None = None,
) -> tuple[Any, list[str]]:
    """Per-user levels as a Spark DataFrame (with ``_gap_k`` columns when ``gaps``), and the
    funnel names missing from the log."""
    from pyspark.sql import types as T

    F = functions()
    rows, n_rows, missing = _prepare_events(sdf, spec, user=user, time=time, event=event, by=by)
    ts_type = T.TimestampType() if type_name(sdf, time) == "timestamp" else T.TimestampNTZType()
    fields = [T.StructField(user, sdf.schema[user].dataType), T.StructField("level", T.LongType())]
    if detail:
        fields.append(T.StructField("entered_at", ts_type))
        fields += [T.StructField(f"time_{k}", ts_type) for k in range(1, spec.n_steps + 1)]
    fields += [T.StructField(b, sdf.schema[b].dataType) for b in by]
    if freq is not None:
        fields.append(T.StructField("period", ts_type))
    if gaps:
        fields += [T.StructField(f"_gap_{k}", T.LongType()) for k in range(2, spec.n_steps + 1)]
    schema = T.StructType(fields)
    spark = sdf.sparkSession
    if n_rows == 0:
        return spark.createDataFrame([], schema), missing
    names = {"u": user, **{f"b{i}": b for i, b in enumerate(by)}}
    columns = [f.name for f in fields]

    def fn(pdf):  # a plain function: Spark reads its (absent) type hints
        return _bucket_levels(
            pdf,
            spec=spec,
            n_by=len(by),
            detail=detail,
            gaps=gaps,
            freq=freq,
            names=names,
            columns=columns,
        )

    groups = _n_groups(spark, n_rows)
    bucket = F.pmod(F.xxhash64(F.col("u")), F.lit(groups)).alias("_bucket")
    lv = rows.groupBy(bucket).applyInPandas(fn, schema)
    return lv, missing


def funnel_levels(
    sdf: Any, spec: Any, *, user: str, time: str, event: str, by: list[str], detail: bool
) -> Any:
    """:func:`mktkit.funnel_levels` on Spark: a lazy Spark DataFrame of per-user levels."""
    lv, missing = _levels(sdf, spec, user=user, time=time, event=event, by=by, detail=detail)
    warn_missing_names(missing, spec, event, stacklevel=4)
    return lv


def funnel(
    sdf: Any,
    spec: Any,
    *,
    user: str,
    time: str,
    event: str,
    by: list[str],
    times: bool,
    freq: str | None = None,
) -> Any:
    """:func:`mktkit.funnel` (and, with ``freq``, :func:`mktkit.funnel_trend`) on Spark."""
    from pyspark import StorageLevel

    F = functions()
    detail = times or bool(by) or freq is not None
    lv, missing = _levels(
        sdf, spec, user=user, time=time, event=event, by=by, detail=detail, gaps=times, freq=freq
    )
    warn_missing_names(missing, spec, event, stacklevel=4)
    lv = lv.persist(StorageLevel.MEMORY_AND_DISK)
    seg = (["period"] if freq is not None else []) + by
    with quiet():
        per = lv.groupBy(*seg, "level").agg(F.count(F.lit(1)).alias("n")).toPandas()
    per = _local_types(per, seg, freq)
    counts = counts_from_levels(per, spec.n_steps, seg)
    time_table = None
    if times:
        from pyspark.sql import Window

        parts = [
            lv.where(F.col("level") >= k).select(
                *seg, F.lit(k).alias("step_index"), F.col(f"_gap_{k}").alias("gap")
            )
            for k in range(2, spec.n_steps + 1)
        ]
        long = functools.reduce(lambda a, b: a.unionByName(b), parts)
        w = Window.partitionBy(*seg, "step_index")
        long = long.withColumn("size", F.count(F.lit(1)).over(w)).withColumn(
            "rank", F.row_number().over(w.orderBy("gap")) - 1
        )
        need = functools.reduce(
            lambda a, b: a | b,
            [
                quantile_rank_needed(F.col("rank"), F.col("size"), q)
                for q in TIME_QUANTILES.values()
            ],
        )
        with quiet():
            ranked = long.where(need).toPandas()
        time_table = times_from_ranks(_local_types(ranked, seg, freq), seg)
        # the levels kept for users_at, without the gaps: cached from the cache, which goes
        levels = lv.drop(*[f"_gap_{k}" for k in range(2, spec.n_steps + 1)])
        levels.persist(StorageLevel.MEMORY_AND_DISK).count()
        lv.unpersist()
        lv = levels
    return assemble(counts, time_table, lv, spec, seg, user, SparkFunnelResult)


def _local_types(frame: pd.DataFrame, seg: list[str], freq: str | None) -> pd.DataFrame:
    """Small funnel results typed as the local engines type them (``period`` in the unit of
    :func:`mktkit.periods.period_start`)."""
    unit = None
    if freq is not None:
        start = period_start(pd.Series(pd.to_datetime(["2025-01-01"])), freq)
        unit = np.datetime_data(start.dtype)[0]
    return as_local(frame, unit)


class SparkFunnelResult(FunnelResult):
    """A :class:`~mktkit.funnel.result.FunnelResult` whose per-user levels stay in Spark:
    ``levels`` is a persisted Spark DataFrame and :meth:`users_at` a one-column Spark
    DataFrame of ids (unordered), ready to join or to write out."""

    def _users(self, k: int, *, dropped: bool, segment: Any) -> Any:
        F = functions()
        lv = self.levels
        if segment is not None:
            for col, value in segment_values(self.by_columns, segment).items():
                lv = lv.where(F.col(col).isNull() if pd.isna(value) else F.col(col) == value)
        lv = lv.where(F.col("level") == k - 1) if dropped else lv.where(F.col("level") >= k)
        return lv.select(self.user_column)
