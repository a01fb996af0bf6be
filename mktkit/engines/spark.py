"""The Spark backend: the kit's event-level analyses on logs that live in a Spark cluster.

:func:`mktkit.funnel` (every mode, OR-steps, ``by=``, ``times=True``), :func:`mktkit.funnel_trend`,
:func:`mktkit.funnel_levels`, :func:`mktkit.rfm`, :func:`mktkit.cohort_retention`,
:func:`mktkit.repurchase_rate` and :func:`mktkit.channel_performance` accept a Spark DataFrame
(or, with ``spark=session``, a table name of the session's catalog or a pandas DataFrame to
upload). They compute in Spark and return the kit's usual small pandas tables; raw rows never
reach the driver (no ``collect`` or ``toPandas`` of the input: only aggregates, at most one row
per customer for :func:`~mktkit.rfm`, and at most five offending rows for an error message).

One definition per computation
------------------------------
*Funnels.* Spark has no ASOF join, and writing the greedy-chain algorithm a third time would
make three copies to keep in step. So Spark runs the pandas engine itself: the funnel rows are
shuffled into groups by a hash of the user (``groupBy(pmod(xxhash64(user), n))``), every user's
events land in one group, and ``applyInPandas`` calls :func:`mktkit.funnel.pandas_engine.levels` (through
the same ``engine_levels`` the local engines use) on each group in the executors. Spark then
counts users per level and segment; that small table and the ranked times to convert go
through the same finishing code as the local engines (:func:`mktkit.funnel.counts_from_levels`,
:func:`mktkit.funnel.times_from_ranks`, :func:`mktkit.funnel.summarize`). The quantiles of the
times to convert are exact order statistics interpolated in integer arithmetic, so every engine
gives the same nanosecond (Spark ranks each step's times with one window per step and
segment: one task sorts the converters of a step). A group holds about :data:`ROWS_PER_GROUP`
events (the session setting ``mktkit.funnel.rowsPerGroup`` changes it); one user's events must
fit in an executor. ``result.levels`` stays persisted for ``users_at``: call
``result.levels.unpersist()`` when done.

*Customers and channels.* Each method is a reduction to a small table (per customer, per
cohort and period, per channel) followed by a pandas finish. The reduction is one SQL text
(in :mod:`mktkit.customers` and :mod:`mktkit.channels`) run by DuckDB for pandas input and by
Spark SQL here; money is summed as ``DECIMAL(38, 9)`` in both, so the sums are exact and do not
depend on the order of the rows; the finish is the same pandas code. Only validation, which
must name offending rows, is written per engine (here: counts in one Spark job, then at most
five rows).

Times
-----
``TIMESTAMP_NTZ`` columns are wall-clock times, ``TIMESTAMP`` columns are read as wall-clock
time in the session time zone (``spark.sql.session.timeZone``, as Spark shows them), ``DATE``
is midnight, and text is parsed by Spark (ISO 8601; text with an offset such as ``+08:00`` or
``Z`` is converted to UTC, as the pandas engine does). Row numbers in error messages count rows
in the DataFrame's partition order: the row order of an uploaded pandas frame, the read order
of a file.

Running it
----------
Executors need Python with mktkit and pyarrow installed (``pip install 'mktkit[spark]'`` on every
node) and Java 17 or later. :func:`local_session` starts a local session for notebooks and tests.

Examples
--------
>>> import mktkit as mk
>>> from mktkit.engines.spark import local_session                              # doctest: +SKIP
>>> spark = local_session()                                            # doctest: +SKIP
>>> events = spark.read.parquet("data/sample/events.parquet")          # doctest: +SKIP
>>> mk.funnel(events, ["visit", "view_product", "purchase"], window="7D")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.errors import InputError

#: Offending rows shown in an error message.
SHOWN = 5
_INSTALL = "install the Spark extra: pip install 'mktkit[spark]' (Java 17+ is needed)"


# ---------------------------------------------------------------------------------------------
# sessions and inputs
# ---------------------------------------------------------------------------------------------


def is_spark_dataframe(obj: Any) -> bool:
    """True for a PySpark DataFrame (classic or Spark Connect), without importing pyspark.

    Examples
    --------
    >>> import pandas as pd
    >>> is_spark_dataframe(pd.DataFrame())
    False
    """
    return any(
        c.__name__ == "DataFrame" and c.__module__.startswith("pyspark.sql")
        for c in type(obj).__mro__
    )


def _is_session(obj: Any) -> bool:
    return any(
        c.__name__ == "SparkSession" and c.__module__.startswith("pyspark.sql")
        for c in type(obj).__mro__
    )


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence PySpark's warning that pandas 3 is "not fully supported" for the conversions
    this module makes (uploads, small results); their behaviour is tested in tests/test_spark."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas")
        yield


def as_spark(data: Any, spark: Any = None, *, table: str) -> Any:
    """The Spark DataFrame behind ``data``, or None when ``data`` is local and no session given.

    ``data`` may be a Spark DataFrame; with ``spark`` (a SparkSession) also a table name of the
    session's catalog or a pandas DataFrame, which is uploaded.
    """
    if is_spark_dataframe(data):
        return data
    if spark is None:
        return None
    if not _is_session(spark):
        raise InputError(
            f"spark= must be a SparkSession, got {type(spark).__name__}",
            column="spark",
            fix="pass the session, e.g. spark=SparkSession.builder.getOrCreate()",
        )
    if isinstance(data, str):
        from pyspark.errors import AnalysisException

        try:
            return spark.table(data)
        except AnalysisException:
            raise InputError(
                f"no table or view {data!r} in the Spark catalog",
                table=table,
                fix="give a table name that spark.table() knows, or a Spark DataFrame",
            ) from None
    if isinstance(data, pd.DataFrame):
        try:
            with quiet():
                return spark.createDataFrame(data)
        except Exception as err:  # PySpark raises several kinds when it cannot type a column
            raise InputError(
                f"Spark cannot read this pandas table: {str(err).splitlines()[0]}",
                table=table,
                fix="give columns of one type each, or create the Spark DataFrame with a schema",
            ) from None
    raise InputError(
        f"with spark= give a table name, a Spark DataFrame or a pandas DataFrame, "
        f"not {type(data).__name__}",
        table=table,
    )


def local_session(
    master: str = "local[2]",
    *,
    app_name: str = "mktkit",
    shuffle_partitions: int = 4,
    log_level: str = "ERROR",
    conf: dict[str, str] | None = None,
) -> Any:
    """A local SparkSession whose Python workers run this interpreter (so they find mktkit and
    pyarrow), with the web UI off, few shuffle partitions and quiet logs.

    Parameters
    ----------
    master : str
        ``"local[N]"``: N worker threads.
    conf : dict, optional
        More settings, e.g. ``{"spark.driver.memory": "4g"}``.

    Examples
    --------
    >>> spark = local_session("local[1]")                  # doctest: +SKIP
    >>> spark.range(3).count()                             # doctest: +SKIP
    3
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("PySpark is not installed", fix=_INSTALL) from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.pyspark.python", sys.executable)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    with quiet():
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(log_level)
    return spark


def _master_configured() -> bool:
    """Whether the environment names a Spark master (a cluster or an explicit local one)."""
    if os.environ.get("MASTER") or "--master" in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        return True
    for folder in (os.environ.get("SPARK_CONF_DIR"), os.environ.get("SPARK_HOME")):
        if not folder:
            continue
        for conf in (
            Path(folder) / "spark-defaults.conf",
            Path(folder) / "conf/spark-defaults.conf",
        ):
            if conf.is_file() and any(
                line.split()[:1] == ["spark.master"] for line in conf.read_text().splitlines()
            ):
                return True
    return False


def environment_session() -> Any:
    """The SparkSession the user's environment configures (``SparkSession.builder.getOrCreate()``).

    An active session is reused (a notebook on a cluster already has one). Otherwise the
    environment decides the master (``spark-defaults.conf``, ``MASTER``,
    ``PYSPARK_SUBMIT_ARGS``); when it names none, Spark runs locally and its Python workers
    use this interpreter, so they find mktkit and pyarrow (unless ``PYSPARK_PYTHON`` says
    otherwise). This is what ``monthly_review``'s ``spark_events`` parameter reads through.

    Examples
    --------
    >>> spark = environment_session()                      # doctest: +SKIP
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("PySpark is not installed", fix=_INSTALL) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if not _master_configured():
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with quiet():
        spark = SparkSession.builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()
    return spark


def read_events(source: str, spark: Any = None) -> Any:
    """A Spark DataFrame of events: a table of the session's catalog, or a Parquet path or glob
    (anything with a ``/`` or ending in ``.parquet``).

    Examples
    --------
    >>> events = read_events("lake.events")                            # doctest: +SKIP
    >>> events = read_events("s3a://bucket/events/2026/*.parquet")    # doctest: +SKIP
    """
    spark = spark if spark is not None else environment_session()
    if "/" in source or source.endswith(".parquet"):
        return spark.read.parquet(source)
    return spark.table(source)


def functions() -> Any:
    from pyspark.sql import functions

    return functions


# ---------------------------------------------------------------------------------------------
# validation: counts in one job, then at most five rows
# ---------------------------------------------------------------------------------------------


def numbered(sdf: Any) -> Any:
    """``sdf`` with ``_row``: the 1-based row number in the DataFrame's partition order.

    One aggregation counts the rows of each partition; the number is then the partition's
    offset plus the position that ``monotonically_increasing_id`` encodes (partition << 33 |
    position). Used only to name offending rows, after a check failed.
    """
    F = functions()
    x = sdf.select(
        "*", F.spark_partition_id().alias("_p"), F.monotonically_increasing_id().alias("_m")
    )
    with quiet():
        sizes = x.groupBy("_p").count().toPandas().sort_values("_p")
    starts = (sizes["count"].cumsum() - sizes["count"]).astype("int64")
    offsets = F.create_map(
        *[
            F.lit(v)
            for pair in zip(sizes["_p"].tolist(), starts.tolist(), strict=True)
            for v in pair
        ]
    )
    low = (1 << 33) - 1
    return x.withColumn("_row", offsets[F.col("_p")] + F.col("_m").bitwiseAND(F.lit(low)) + 1)


def first_rows(frame: Any, bad: Any, value: Any) -> tuple[dict[int, Any], int]:
    """``{row: value}`` of the first five rows of a :func:`numbered` frame where ``bad``
    holds, and how many such rows there are."""
    F = functions()
    hits = frame.where(F.coalesce(bad, F.lit(False)))
    n = hits.count()
    top = hits.orderBy("_row").limit(SHOWN).select("_row", value.alias("_v")).collect()
    return {int(r["_row"]): _plain(r["_v"]) for r in top}, int(n)


def _plain(value: Any) -> Any:
    """A collected value as plain Python (a struct as a dict)."""
    return value.asDict() if hasattr(value, "asDict") else value


def bad_rows(sdf: Any, bad: Any, value: Any) -> tuple[dict[int, Any], int]:
    """Up to five rows of ``sdf`` where the boolean column ``bad`` holds, as ``{1-based row:
    value}`` (see :func:`numbered`), and how many there are."""
    return first_rows(numbered(sdf), bad, value)


class Checks:
    """Named boolean conditions on one table, counted together in one Spark job.

    ``add(name, column, condition, value)`` registers a check; :meth:`count` runs one
    aggregation for all of them (plus any extra aggregates); :meth:`error` builds the
    :class:`InputError` of a failed check with its first rows.
    """

    def __init__(self, sdf: Any, table: str) -> None:
        self.sdf, self.table = sdf, table
        self.checks: dict[str, tuple[str, Any, Any]] = {}
        self.counts: dict[str, Any] = {}

    def add(self, name: str, column: str, condition: Any, value: Any = None) -> None:
        """A check; ``value`` is shown with each offending row (None: the row numbers only)."""
        self.checks[name] = (column, condition, value)

    def count(self, **extra: Any) -> dict[str, Any]:
        F = functions()
        aggs = [F.count(F.when(cond, 1)).alias(name) for name, (_, cond, _) in self.checks.items()]
        aggs += [agg.alias(name) for name, agg in extra.items()]
        if not aggs:
            return {}
        row = self.sdf.agg(*aggs).collect()[0]
        self.counts = row.asDict()
        return self.counts

    def failed(self, name: str) -> bool:
        return bool(self.counts.get(name))

    def error(self, name: str, problem: str, fix: str) -> InputError:
        column, cond, value = self.checks[name]
        rows, n = bad_rows(self.sdf, cond, functions().lit(None) if value is None else value)
        shown = rows if value is not None else list(rows)
        text = problem.format(n=n)
        if n > SHOWN and "{n}" not in problem:  # only five rows were fetched: say how many
            text += f" ({n} rows)"
        return InputError(text, table=self.table, column=column, rows=shown, fix=fix)


def type_name(sdf: Any, column: str) -> str:
    return sdf.schema[column].dataType.typeName()


def raise_first(checks: Checks, order: Sequence[tuple[str, str, str]]) -> None:
    """Raise the error of the first failed check of ``order`` (name, problem, fix)."""
    for name, problem, fix in order:
        if checks.failed(name):
            raise checks.error(name, problem, fix)


def date_column(sdf: Any, column: str, *, table: str) -> Any:
    """``column`` as a DATE column (NULL where missing or unparseable, checked by the caller):
    dates, date-times (their day) or ISO text."""
    F = functions()
    kind = type_name(sdf, column)
    if kind == "date":
        return F.col(column)
    if kind in ("timestamp", "timestamp_ntz", "string"):
        return F.expr(f"try_cast(trim(CAST(`{column}` AS STRING)) AS DATE)")
    raise InputError(
        f"column holds {kind} values, not dates",
        table=table,
        column=column,
        fix="write dates as YYYY-MM-DD",
    )


def number_column(sdf: Any, column: str) -> Any:
    """``column`` as DOUBLE: numbers as they are, text parsed; NULL where empty or not a number
    (NaN counts as empty, as in pandas)."""
    F = functions()
    kind = type_name(sdf, column)
    if kind in ("string",):
        num = F.expr(f"try_cast(trim(`{column}`) AS DOUBLE)")
    elif kind in ("byte", "short", "integer", "long", "float", "double", "decimal"):
        num = F.col(column).cast("double")
    else:
        num = F.lit(None).cast("double")  # booleans, dates...: not a number
    return F.when(F.isnan(num), F.lit(None).cast("double")).otherwise(num)


#: The unit of dates in results computed in Spark (the sample tables' unit).
DATE_UNIT = "ns"


def run_sql(sql: str, **tables: Any) -> pd.DataFrame:
    """Run a reduction of :mod:`mktkit.customers` / :mod:`mktkit.channels` in Spark SQL:
    ``{name}`` in ``sql`` reads the Spark DataFrame ``tables[name]``. The (small) result comes
    back typed as pandas would type it: ``str`` text, nanosecond times."""
    spark = next(iter(tables.values())).sparkSession
    with quiet():
        out = spark.sql(sql, **tables).toPandas()
    return as_local(out, DATE_UNIT)


_OFFSET = r"\d:\d\d(:\d\d(\.\d*)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$"


def time_column(sdf: Any, column: str, *, table: str, what: str = "timestamps") -> Any:
    """``column`` as a wall-clock time (TIMESTAMP_NTZ or TIMESTAMP) column; NULL where missing
    or unparseable (checked by the caller). Numbers are refused: their unit would be a guess."""
    F = functions()
    kind = type_name(sdf, column)
    col = F.col(column)
    if kind in ("timestamp", "timestamp_ntz"):
        return col
    if kind == "date":
        return col.cast("timestamp_ntz")
    if kind == "string":
        text = F.trim(col)
        utc = F.expr(
            f"timestampadd(MICROSECOND, unix_micros(try_cast(trim(`{column}`) AS TIMESTAMP)), "
            "TIMESTAMP_NTZ'1970-01-01 00:00:00')"
        )
        return F.when(text.rlike(_OFFSET), utc).otherwise(
            F.expr(f"try_cast(trim(`{column}`) AS TIMESTAMP_NTZ)")
        )
    raise InputError(
        f"column holds {kind} values, not {what}",
        table=table,
        column=column,
        fix="give date-times (or ISO 8601 text such as '2025-11-11 20:00:00')",
    )


def last_time(sdf: Any, column: str, *, table: str = "events") -> pd.Timestamp:
    """The latest time of ``column`` (any event), as a wall-clock time like the funnel's times
    (:func:`time_column`; a TIMESTAMP in the session time zone); NaT for an empty table."""
    F = functions()
    latest = F.max(time_column(sdf, column, table=table).cast("timestamp_ntz"))
    with quiet():
        value = sdf.select(latest).first()[0]
    return pd.NaT if value is None else pd.Timestamp(value)


# ---------------------------------------------------------------------------------------------
# funnels
# ---------------------------------------------------------------------------------------------


def as_local(frame: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    """A small Spark result typed as pandas types a table: text as ``str``, times in ``unit``."""
    for col in frame.columns:
        if unit and pd.api.types.is_datetime64_dtype(frame[col].dtype):
            frame[col] = frame[col].astype(f"datetime64[{unit}]")
        elif frame[col].dtype == object and all(
            v is None or isinstance(v, str) for v in frame[col].tolist()
        ):
            frame[col] = frame[col].astype("str")
    return frame
