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
events land in one group, and ``applyInPandas`` calls :func:`mktkit.funnel_pandas.levels` (through
the same ``_engine_levels`` the local engines use) on each group in the executors. Spark then
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
>>> from mktkit.spark import local_session                              # doctest: +SKIP
>>> spark = local_session()                                            # doctest: +SKIP
>>> events = spark.read.parquet("data/sample/events.parquet")          # doctest: +SKIP
>>> mk.funnel(events, ["visit", "view_product", "purchase"], window="7D")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, require_columns

#: About this many funnel events go to one ``applyInPandas`` group (one pandas call).
ROWS_PER_GROUP = 500_000
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


def _functions() -> Any:
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
    F = _functions()
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
    F = _functions()
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
        F = _functions()
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
        rows, n = bad_rows(self.sdf, cond, _functions().lit(None) if value is None else value)
        shown = rows if value is not None else list(rows)
        text = problem.format(n=n)
        if n > SHOWN and "{n}" not in problem:  # only five rows were fetched: say how many
            text += f" ({n} rows)"
        return InputError(text, table=self.table, column=column, rows=shown, fix=fix)


def _type_name(sdf: Any, column: str) -> str:
    return sdf.schema[column].dataType.typeName()


def _raise_first(checks: Checks, order: Sequence[tuple[str, str, str]]) -> None:
    """Raise the error of the first failed check of ``order`` (name, problem, fix)."""
    for name, problem, fix in order:
        if checks.failed(name):
            raise checks.error(name, problem, fix)


def date_column(sdf: Any, column: str, *, table: str) -> Any:
    """``column`` as a DATE column (NULL where missing or unparseable, checked by the caller):
    dates, date-times (their day) or ISO text."""
    F = _functions()
    kind = _type_name(sdf, column)
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
    F = _functions()
    kind = _type_name(sdf, column)
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


def order_view(
    sdf: Any,
    customer: str,
    date: str,
    amount: str | None,
    *,
    customers: Any = None,
    signup: str = "signup_date",
    by: str | None = None,
    table: str = "orders",
) -> tuple[Any, pd.Timestamp | None]:
    """Validate an orders table in Spark (the checks of :func:`mktkit.customers._orders`) and
    return the view the reductions read (``cust, day, d[, amount][, grp]``) and the last
    order date (None when there are no orders)."""
    F = _functions()
    need = [customer, date] + ([amount] if amount else [])
    require_columns(sdf, need, table=table)
    if by is not None:
        require_columns(sdf, [by], table=table)
    d = date_column(sdf, date, table=table)
    cust = F.col(customer).cast("string")
    checks = Checks(sdf, table)
    checks.add("customer", customer, F.col(customer).isNull() | cust.rlike(r"^\s*$"))
    checks.add("date", date, d.isNull(), F.col(date))
    order = [
        ("customer", "is empty", "every order needs a buyer"),
        ("date", "is not a date", "write dates as YYYY-MM-DD"),
    ]
    if amount:
        a = number_column(sdf, amount)
        checks.add("amount", amount, a.isNull(), F.col(amount))
        checks.add("negative", amount, a < 0, a)
        order += [
            (
                "amount",
                "is empty or not a number",
                f"write {amount} as a plain number (no units or thousands separators); "
                "0 when nothing happened",
            ),
            (
                "negative",
                "is negative",
                "amount can never be negative: record refunds in a separate table",
            ),
        ]
    counts = checks.count(_last=F.max(d))
    _raise_first(checks, order)
    view = sdf.select(
        cust.alias("cust"),
        F.unix_date(d).alias("day"),
        d.alias("d"),
        *([a.alias("amount")] if amount else []),
        *([F.col(by).alias("grp")] if by is not None else []),
    )
    if customers is not None:
        _check_signup(sdf, view, customers, customer, date, signup, table)
    last = counts["_last"]
    return view, (None if last is None else pd.Timestamp(last))


def _check_signup(
    sdf: Any, view: Any, customers: Any, customer: str, date: str, signup: str, table: str
) -> None:
    """Orders of customers missing from ``customers``, and orders before sign-up, refused
    with their rows (as :func:`mktkit.customers._check_signup`)."""
    F = _functions()
    spark = sdf.sparkSession
    if isinstance(customers, pd.DataFrame):
        from mktkit.errors import date_column as pandas_dates

        require_columns(customers, [customer, signup], table="customers")
        when = pandas_dates(customers, signup, table="customers").dt.normalize()
        small = pd.DataFrame({"cid": customers[customer].astype(str).to_numpy(), "s": when})
        with quiet():
            known = spark.createDataFrame(small).select("cid", F.to_date("s").alias("s"))
    else:
        cust_df = as_spark(customers, spark, table="customers")
        require_columns(cust_df, [customer, signup], table="customers")
        s = date_column(cust_df, signup, table="customers")
        checks = Checks(cust_df, "customers")
        checks.add("signup", signup, s.isNull(), F.col(signup))
        checks.count()
        _raise_first(checks, [("signup", "is not a date", "write dates as YYYY-MM-DD")])
        known = cust_df.select(F.col(customer).cast("string").alias("cid"), s.alias("s"))
    known = known.groupBy("cid").agg(F.min("s").alias("s"))  # one sign-up date per id
    joined = view.join(known, view["cust"] == known["cid"], "left")
    unknown = F.col("cid").isNull()
    early = F.col("d") < F.col("s")
    row = joined.agg(
        F.count(F.when(unknown, 1)).alias("unknown"), F.count(F.when(early, 1)).alias("early")
    ).collect()[0]
    if not (row["unknown"] or row["early"]):
        return
    cols = [F.col(customer).cast("string").alias("cust"), F.col("_row")]
    numbered_view = numbered(sdf).select(*cols, date_column(sdf, date, table=table).alias("d"))
    joined = numbered_view.join(known, numbered_view["cust"] == known["cid"], "left")
    if row["unknown"]:
        rows, _ = first_rows(joined, unknown, F.col("cust"))
        raise InputError(
            "orders of customers missing from the customers table",
            table=table,
            column=customer,
            rows=rows,
            fix="add the customers (with their sign-up date) or correct the ids",
        )
    value = F.struct(
        F.col("cust").alias(customer),
        F.col("d").cast("string").alias("order_date"),
        F.col("s").cast("string").alias(signup),
    )
    rows, _ = first_rows(joined, early, value)
    raise InputError(
        "order placed before the customer signed up",
        table=table,
        column="order_date",
        rows=rows,
        fix="correct the order date or the sign-up date (a customer signs up on or before "
        "the first order)",
    )


def channel_view(sdf: Any, by: list[str], table: str = "channel_daily") -> tuple[Any, list, list]:
    """Validate a daily channel table in Spark (the checks of
    :func:`mktkit.channels.check_channel_table`) and return the view :func:`channel_sql`
    reads (volumes as DOUBLE, the ``by`` columns as ``g0, g1, ...``), the volumes present and
    the group column names."""
    from mktkit.channels import _DAY_KEYS, _REQUIRED, VOLUMES

    F = _functions()
    require_columns(sdf, [*_REQUIRED, *by], table=table)
    present = [v for v in VOLUMES if v in sdf.columns]
    nums = {v: number_column(sdf, v) for v in present}
    checks = Checks(sdf, table)
    order = []
    for v in present:
        checks.add(f"{v}:empty", v, nums[v].isNull(), F.col(v))
        checks.add(f"{v}:negative", v, nums[v] < 0, nums[v])
        order += [
            (
                f"{v}:empty",
                "is empty or not a number",
                f"write {v} as a plain number (no units or thousands separators); "
                "0 when nothing happened",
            ),
            (
                f"{v}:negative",
                "is negative",
                "spend, counts and revenue are never below 0: correct the rows",
            ),
        ]
    for part, whole, why in (
        ("clicks", "impressions", "a click needs an impression"),
        ("new_customers", "orders", "a new customer is one of the orders"),
    ):
        if part in nums and whole in nums:
            value = F.struct(nums[part].alias(part), nums[whole].alias(whole))
            checks.add(f"{part}>{whole}", part, nums[part] > nums[whole], value)
            order.append(
                (
                    f"{part}>{whole}",
                    f"{part} exceed {whole}",
                    f"{why}: check that the two columns are not swapped",
                )
            )
    cols = {v: nums[v].alias(v) for v in present}
    if "date" in sdf.columns:
        d = date_column(sdf, "date", table=table)
        checks.add("date", "date", d.isNull(), F.col("date"))
        order.append(("date", "is not a date", "write dates as YYYY-MM-DD"))
        cols["date"] = d.alias("date")
    checks.count()
    _raise_first(checks, order)
    keys = list(dict.fromkeys([k for k in _DAY_KEYS if k in sdf.columns] + list(by)))
    if "date" in sdf.columns:
        typed = sdf.select(*[cols.get(k, F.col(k)).alias(k) for k in keys])
        dups = typed.groupBy(*keys).count().where(F.col("count") > 1)
        (n_dup,) = dups.agg(F.sum("count")).collect()[0]
        if n_dup:
            frame = numbered(sdf)
            frame = frame.select(
                "_row", *[(cols[k] if k in cols else F.col(k)).alias(k) for k in keys]
            )
            dup_keys = dups.select(*[F.col(k).alias(f"_k_{k}") for k in keys])
            same = functools.reduce(
                lambda a, b: a & b, [F.col(k).eqNullSafe(F.col(f"_k_{k}")) for k in keys]
            )
            marked = frame.join(dup_keys.withColumn("_dup", F.lit(True)), same, "left")
            value = F.array(*[F.col(k).cast("string") for k in keys])
            rows, _ = first_rows(marked, F.col("_dup"), value)
            raise InputError(
                "has the same day more than once for " + ", ".join(keys),
                table=table,
                rows={r: tuple(v) for r, v in rows.items()},
                fix="keep one row per " + ", ".join(keys) + " (add the duplicates up first)",
            )
    groups = [f"g{i}" for i in range(len(by))]
    view = sdf.select(
        *[cols[v] for v in present],
        *[
            (cols["date"].cast("timestamp_ntz") if b == "date" else F.col(b)).alias(g)
            for b, g in zip(by, groups, strict=True)
        ],
    )
    return view, present, groups


_OFFSET = r"\d:\d\d(:\d\d(\.\d*)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$"


def time_column(sdf: Any, column: str, *, table: str, what: str = "timestamps") -> Any:
    """``column`` as a wall-clock time (TIMESTAMP_NTZ or TIMESTAMP) column; NULL where missing
    or unparseable (checked by the caller). Numbers are refused: their unit would be a guess."""
    F = _functions()
    kind = _type_name(sdf, column)
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
    F = _functions()
    latest = F.max(time_column(sdf, column, table=table).cast("timestamp_ntz"))
    with quiet():
        value = sdf.select(latest).first()[0]
    return pd.NaT if value is None else pd.Timestamp(value)


# ---------------------------------------------------------------------------------------------
# funnels
# ---------------------------------------------------------------------------------------------


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
    from mktkit.funnel import FunnelWarning, _engine_levels, period_start, time_gaps

    bcols = [f"b{i}" for i in range(n_by)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FunnelWarning)  # the driver warns once, for the log
        lv = _engine_levels(
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
    F = _functions()
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
    F = _functions()
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

    F = _functions()
    rows, n_rows, missing = _prepare_events(sdf, spec, user=user, time=time, event=event, by=by)
    ts_type = T.TimestampType() if _type_name(sdf, time) == "timestamp" else T.TimestampNTZType()
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
    from mktkit.funnel import warn_missing_names

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

    from mktkit.funnel import (
        TIME_QUANTILES,
        assemble,
        counts_from_levels,
        quantile_rank_needed,
        times_from_ranks,
        warn_missing_names,
    )

    F = _functions()
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
    return assemble(counts, time_table, lv, spec, seg, user)


def _local_types(frame: pd.DataFrame, seg: list[str], freq: str | None) -> pd.DataFrame:
    """Small funnel results typed as the local engines type them (``period`` in the unit of
    :func:`mktkit.funnel.period_start`)."""
    from mktkit.funnel import period_start

    unit = None
    if freq is not None:
        start = period_start(pd.Series(pd.to_datetime(["2025-01-01"])), freq)
        unit = np.datetime_data(start.dtype)[0]
    return as_local(frame, unit)


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


def users_at(result: Any, k: int, *, dropped: bool, segment: Any) -> Any:
    """:meth:`mktkit.funnel.FunnelResult.users_at` on Spark levels: a Spark DataFrame of ids."""
    from mktkit.funnel import segment_values

    F = _functions()
    lv = result.levels
    if segment is not None:
        for col, value in segment_values(result.by_columns, segment).items():
            lv = lv.where(F.col(col).isNull() if pd.isna(value) else F.col(col) == value)
    if dropped:
        if k == 1:
            raise InputError(
                "users who dropped before step 1 never entered the funnel and are unknown",
                column="step",
                fix="ask for dropped users at step 2 or later",
            )
        lv = lv.where(F.col("level") == k - 1)
    else:
        lv = lv.where(F.col("level") >= k)
    return lv.select(result.user_column)
