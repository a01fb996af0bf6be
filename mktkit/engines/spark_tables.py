"""The orders and daily channel tables validated in Spark, and the views the shared SQL reads.

The customer and channel reductions are one SQL text each (:mod:`mktkit.customers`,
:mod:`mktkit.channels`) that DuckDB runs on pandas input and Spark SQL runs here. Only
validation, which must name offending rows, is written per engine: here the checks of
:func:`mktkit.customers.customer_orders` and :func:`mktkit.channels.check_channel_table` are
counted in one Spark job, then at most five offending rows are fetched.

Examples
--------
>>> from mktkit.engines.spark import local_session                  # doctest: +SKIP
>>> orders = local_session().read.csv("orders.csv", header=True)     # doctest: +SKIP
>>> view, last = order_view(orders, "customer_id", "order_date", "amount")  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import pandas as pd

from mktkit.engines.spark import (
    Checks,
    as_spark,
    date_column,
    first_rows,
    functions,
    number_column,
    numbered,
    quiet,
    raise_first,
)
from mktkit.errors import InputError, require_columns
from mktkit.errors import date_column as pandas_dates


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
    F = functions()
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
    raise_first(checks, order)
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
    F = functions()
    spark = sdf.sparkSession
    if isinstance(customers, pd.DataFrame):
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
        raise_first(checks, [("signup", "is not a date", "write dates as YYYY-MM-DD")])
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


def channel_view(
    sdf: Any,
    by: list[str],
    *,
    required: Sequence[str],
    volumes: Sequence[str],
    day_keys: Sequence[str],
    table: str = "channel_daily",
) -> tuple[Any, list, list]:
    """Validate a daily channel table in Spark (the checks of
    :func:`mktkit.channels.check_channel_table`: the ``required`` columns, the ``volumes``
    present as non-negative numbers, clicks within impressions, new customers within orders,
    one row per ``day_keys`` and ``by``) and return the view :func:`mktkit.channels.channel_sql`
    reads (volumes as DOUBLE, the ``by`` columns as ``g0, g1, ...``), the volumes present and
    the group column names."""
    F = functions()
    require_columns(sdf, [*required, *by], table=table)
    present = [v for v in volumes if v in sdf.columns]
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
    raise_first(checks, order)
    keys = list(dict.fromkeys([k for k in day_keys if k in sdf.columns] + list(by)))
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
