"""The Spark backend (mktkit.engines.spark) in local mode gives the numbers of the local engines.

* every hand-built funnel case of tests/test_funnel.py (each derives its expected levels from
  the rules of docs/methods.md, "Funnels and AARRR") runs again with the events uploaded to Spark;
* 200 random logs full of ties agree with ClickHouse ``windowFunnel`` (chdb) user by user in
  every ordered/strict mode, and the unordered mode agrees with the brute-force oracle of
  tests/test_funnel_chdb.py;
* on the sample company, funnels (by=, OR-steps, times, trend, every mode), RFM, cohorts,
  repurchase and channel performance computed in Spark equal the pandas results exactly;
* bad input raises the same InputError, naming the rows.

One local session (``local[2]``) serves the module; the logs of many checks are batched into
one Spark job where the public API allows it (lazy ``funnel_levels`` frames, unioned).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import shutil

import numpy as np
import pandas as pd
import pytest

pytest.importorskip(
    "pyspark", reason="the Spark extra is not installed: pip install 'mktkit[spark]'"
)
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("Spark needs Java 17+ (no java on PATH and no JAVA_HOME)", allow_module_level=True)

import test_funnel as tf
import test_funnel_chdb as tc

import mktkit as mk
from mktkit.errors import InputError
from mktkit.funnel import FunnelResult
from mktkit.funnel.spark_engine import SparkFunnelResult

fn = importlib.import_module("mktkit.funnel")  # the module (mk.funnel is the function)
pytestmark = [
    pytest.mark.filterwarnings("ignore::mktkit.funnel.FunnelWarning"),
    # PySpark 4.3 on pandas 3: its own conversions warn (tested here, they work)
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def spark():
    from mktkit.engines.spark import local_session

    session = local_session(
        "local[2]",
        shuffle_partitions=1,
        conf={
            "spark.sql.session.timeZone": "UTC",
            "spark.driver.memory": "1g",
            "spark.sql.adaptive.enabled": "false",
        },
    )
    yield session
    session.catalog.clearCache()


@pytest.fixture(scope="module")
def sample():
    return mk.load_sample()


def _levels_frame(lv, user: str = "user_id") -> pd.DataFrame:
    """Spark levels as the local engines return them (sorted by user, nanosecond times)."""
    out = lv.toPandas().sort_values(user, kind="stable").reset_index(drop=True)
    for col in out.columns:
        if col == "entered_at" or col.startswith("time_"):
            out[col] = out[col].astype("datetime64[ns]")
    return out


class _Collected(SparkFunnelResult):
    """A Spark FunnelResult whose users_at collects the (Spark) ids for the pandas asserts."""

    def users_at(self, *args, **kwargs):
        ids = super().users_at(*args, **kwargs)
        return ids.toPandas()[self.user_column].sort_values().reset_index(drop=True)


def _collected(res: FunnelResult) -> _Collected:
    out = _Collected(pd.DataFrame(res))
    out.levels, out.user_column, out.by_columns = res.levels, res.user_column, res.by_columns
    return out


@pytest.fixture
def on_spark(spark, monkeypatch):
    """Route the funnel calls of tests/test_funnel.py through Spark (engine= is dropped: a
    Spark input always runs in Spark)."""
    real = {name: getattr(fn, name) for name in ("funnel", "funnel_levels", "funnel_trend")}

    def funnel(events, *args, engine=None, **kwargs):
        return _collected(real["funnel"](events, *args, spark=spark, **kwargs))

    def funnel_levels(events, *args, engine=None, **kwargs):
        return _levels_frame(real["funnel_levels"](events, *args, spark=spark, **kwargs))

    def funnel_trend(events, *args, engine=None, **kwargs):
        return _collected(real["funnel_trend"](events, *args, spark=spark, **kwargs))

    monkeypatch.setattr(mk, "funnel", funnel)
    monkeypatch.setattr(tf, "funnel_levels", funnel_levels)
    monkeypatch.setattr(tf, "funnel_trend", funnel_trend)
    return "spark"


HAND_BUILT = [
    f
    for name, f in vars(tf).items()
    # every engine's cases and the ordered cases the scan engine also runs
    if name.startswith("test_")
    and list(inspect.signature(f).parameters) in (["engine"], ["ordered_engine"])
]


def test_the_hand_built_cases_are_found():
    # the cases of tests/test_funnel.py that take an engine (20 when this was written)
    assert len(HAND_BUILT) >= 20
    assert tf.test_strict_mode_follows_clickhouse_strict_order in HAND_BUILT


@pytest.mark.parametrize("case", HAND_BUILT, ids=lambda f: f.__name__.removeprefix("test_"))
def test_hand_built_funnel_case_on_spark(case, on_spark):
    case(on_spark)  # its one parameter: engine or ordered_engine


# ---------------------------------------------------------------------------------------------
# ClickHouse agreement on random logs
# ---------------------------------------------------------------------------------------------


def test_random_logs_agree_with_clickhouse_user_by_user(spark):
    from pyspark.sql import functions as F

    rng = np.random.default_rng(20251123)  # the seed of tests/test_funnel_chdb.py
    frames, expected, logs = [], {}, 0
    for config in range(10):
        steps, window, df = tc.random_config(rng, distinct=config % 2 == 0)
        logs += tc.LOGS_PER_CONFIG
        events = spark.createDataFrame(df[["user_id", "ts", "event"]])
        for j, ((mode, strict_increase), options) in enumerate(tc.CLICKHOUSE.items()):
            expected[config, j] = (
                tc.clickhouse_levels(df, steps, window, options),
                (steps, window, mode, strict_increase),
            )
            lv = mk.funnel_levels(
                events,
                steps,
                window=f"{window}s" if window else None,
                mode=mode,
                strict_increase=strict_increase,
            )
            frames.append(lv.select(F.lit(config).alias("c"), F.lit(j).alias("j"), "*"))
    got = functools.reduce(lambda a, b: a.unionByName(b), frames).toPandas()
    users = 0
    for (config, j), (want, what) in expected.items():
        mine = got[(got["c"] == config) & (got["j"] == j)].set_index("user_id")["level"]
        mine = mine.reindex(want.index, fill_value=0).astype(int)  # level 0 has no row
        diff = want.index[mine != want]
        assert diff.empty, (
            f"{what}: user {diff[0]} ClickHouse {want[diff[0]]}, Spark {mine[diff[0]]}"
        )
        users += len(want)
    assert logs >= 200
    assert users > 1500  # users x 4 modes compared


def test_unordered_mode_matches_the_brute_force_oracle(spark):
    rng = np.random.default_rng(7)  # the seed of tests/test_funnel_chdb.py
    for _ in range(3):
        steps, window, df = tc.random_config(rng)
        want = tc._unordered_oracle(df, steps, window)
        lv = mk.funnel_levels(
            df[["user_id", "ts", "event"]],
            steps,
            window=f"{window}s" if window else None,
            mode="unordered",
            spark=spark,
        )
        got = _levels_frame(lv)
        assert dict(zip(got["user_id"], got["level"], strict=True)) == want, (steps, window)


# ---------------------------------------------------------------------------------------------
# the sample company: Spark equals the local engines, table by table
# ---------------------------------------------------------------------------------------------

STEPS5 = ["visit", "view_product", "add_to_cart", "checkout", "purchase"]


@pytest.fixture(scope="module")
def recent(sample):
    """The sample's last two months of events (about 30,000 rows): weeks, months, ties."""
    ev = sample["events"]
    return ev[ev["ts"] >= "2026-09-01"].reset_index(drop=True)


def _same_table(spark_result, local_result):
    pd.testing.assert_frame_equal(pd.DataFrame(spark_result), pd.DataFrame(local_result))


def test_sample_funnels_equal_the_local_engines(spark, recent):
    events = spark.createDataFrame(recent)
    cases = [
        ({"steps": STEPS5, "by": ["channel", "device"], "times": True}, "pandas"),
        (
            {
                "steps": [
                    "visit",
                    ["view_product", "search"],
                    "add_to_cart",
                    ["checkout", "visit"],
                ],
                "window": "1D",
                "mode": "strict",
                "strict_increase": True,
                "by": "region",
                "times": True,
            },
            "duckdb",
        ),
        ({"steps": STEPS5, "window": "2h", "mode": "unordered"}, "pandas"),
    ]
    for kwargs, engine in cases:
        mine = mk.funnel(events, **kwargs)
        local = fn.funnel(recent, engine=engine, **kwargs)
        _same_table(mine, local)
        # user by user: the same levels, first touch and step times
        keep = list(local.levels.columns)
        got = _levels_frame(mine.levels)[keep]
        pd.testing.assert_frame_equal(got, local.levels.reset_index(drop=True), check_dtype=False)
        # the per-user levels stay cached for users_at until the caller drops them
        assert mine.levels.is_cached
        mine.levels.unpersist()
        assert not mine.levels.is_cached
    seg = {"channel": "kol", "device": "app"}
    res = mk.funnel(events, STEPS5, by=["channel", "device"])
    local = fn.funnel(recent, STEPS5, by=["channel", "device"])
    ids = res.users_at("add_to_cart", dropped=True, segment=seg)
    assert (
        sorted(ids.toPandas()["user_id"])
        == local.users_at("add_to_cart", dropped=True, segment=seg).tolist()
    )


def test_sample_trend_and_a_catalog_table(spark, recent):
    events = spark.createDataFrame(recent)
    for freq, by in (("W", "device"), ("M", None)):
        _same_table(
            mk.funnel_trend(events, STEPS5[:3], freq=freq, by=by),
            fn.funnel_trend(recent, STEPS5[:3], freq=freq, by=by),
        )
    events.createOrReplaceTempView("mk_test_events")
    _same_table(
        mk.funnel("mk_test_events", STEPS5, spark=spark), fn.funnel(recent, STEPS5, engine="pandas")
    )
    with pytest.raises(InputError, match="no table or view 'mk_no_such_table'"):
        mk.funnel("mk_no_such_table", STEPS5, spark=spark)


def test_timestamp_types_and_session_time_zone(spark, recent, tmp_path):
    # pandas writes naive times: Spark reads them as TIMESTAMP_NTZ (wall clock)
    path = tmp_path / "events.parquet"
    recent.to_parquet(path, coerce_timestamps="us")  # as the sample's file (Spark reads us)
    ntz = spark.read.parquet(str(path))
    assert ntz.schema["ts"].dataType.typeName() == "timestamp_ntz"
    local = fn.funnel_trend(recent, STEPS5[:2], freq="D", by="channel")
    _same_table(mk.funnel_trend(ntz, STEPS5[:2], freq="D", by="channel"), local)
    # an uploaded pandas frame becomes TIMESTAMP (an instant): it is read back as wall-clock time
    # in the session time zone, so a session in another zone gives the same days
    spark.conf.set("spark.sql.session.timeZone", "Asia/Shanghai")
    try:
        uploaded = spark.createDataFrame(recent)
        assert uploaded.schema["ts"].dataType.typeName() == "timestamp"
        _same_table(mk.funnel_trend(uploaded, STEPS5[:2], freq="D", by="channel"), local)
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    # text with an offset is an instant, converted to UTC as the pandas engine does: 10:00+08:00
    # is 02:00Z, so the view at 02:30Z is 30 minutes later (level 2); 10:00 and the next day's
    # 09:00 are naive text, 23 hours apart (level 1)
    offsets = ["2025-03-01T10:00:00+08:00", "2025-03-01T02:30:00Z"]
    for ts, level in ((offsets, 2), (["2025-03-01 10:00", "2025-03-02 09:00:00"], 1)):
        text = pd.DataFrame({"user_id": [1, 1], "event": STEPS5[:2], "ts": ts})
        lv = _levels_frame(
            mk.funnel_levels(text, STEPS5[:2], window="1h", detail=True, spark=spark)
        )
        want = fn.funnel_levels(text, STEPS5[:2], window="1h", detail=True, engine="pandas")
        pd.testing.assert_frame_equal(lv, want, check_dtype=False)
        assert lv["level"].tolist() == [level]


def test_spark_inputs_refuse_what_they_cannot_use(spark, recent):
    events = spark.createDataFrame(recent.head(50))
    with pytest.raises(InputError, match="con= is a DuckDB connection"):
        mk.funnel(events, STEPS5, con=object())
    with pytest.raises(InputError, match="must be a SparkSession"):
        mk.funnel(recent, STEPS5, spark="local")
    numeric = events.withColumn("ts", events["user_id"])
    with pytest.raises(InputError, match=r"events\.ts: column holds long values, not timestamps"):
        mk.funnel(numeric, STEPS5)
    with pytest.raises(InputError, match="missing column"):
        mk.funnel(events.drop("event"), STEPS5)


def test_rows_are_numbered_across_partitions(spark):
    # 2,000 rows upload as two partitions; nulls in both halves are named by their row
    ev = tf.log(*[(i % 40, i, "visit") for i in range(2000)])
    ev["user_id"] = ev["user_id"].astype("Int64")
    ev.loc[[9, 1499, 1998], "user_id"] = pd.NA  # rows 10, 1500 and 1999
    events = spark.createDataFrame(ev)
    assert events.rdd.getNumPartitions() >= 2
    with pytest.raises(InputError) as spark_err:
        mk.funnel(events, STEPS5)
    with pytest.raises(InputError) as local_err:
        fn.funnel(ev, STEPS5, engine="pandas")
    assert list(spark_err.value.rows) == list(local_err.value.rows) == [10, 1500, 1999]
    assert "3 row(s) have no user" in str(spark_err.value)


# ---------------------------------------------------------------------------------------------
# customers and channels: the same SQL in Spark, the same finish
# ---------------------------------------------------------------------------------------------


def test_customer_tables_equal_pandas(spark, sample):
    orders = sample["orders"]
    so = spark.createDataFrame(orders)
    pd.testing.assert_frame_equal(mk.rfm(so), mk.rfm(orders))
    kw = {"ties": "first", "as_of": "2026-06-30", "customers": sample["customers"]}
    pd.testing.assert_frame_equal(mk.rfm(so, **kw), mk.rfm(orders, **kw))
    for freq, metric, tidy in (
        ("M", "revenue", True),
        ("W", "customers", True),
        ("Q", "customers", False),
    ):
        pd.testing.assert_frame_equal(
            mk.cohort_retention(so, freq, metric, tidy=tidy),
            mk.cohort_retention(orders, freq, metric, tidy=tidy),
        )
    for window, by in (((("2025-11-01", "2026-10-31")), "channel"), (None, None)):
        pd.testing.assert_frame_equal(
            mk.repurchase_rate(so, window=window, by=by),
            mk.repurchase_rate(orders, window=window, by=by),
        )


def test_channel_performance_equals_pandas(spark, sample):
    cd = sample["channel_daily"]
    scd = spark.createDataFrame(cd)
    for by, margin in (("channel", 0.4), (["date", "region"], None), (None, None)):
        mine = mk.channel_performance(scd, by, gross_margin=margin)
        local = mk.channel_performance(cd, by, gross_margin=margin)
        pd.testing.assert_frame_equal(mine, local)
        assert mine.attrs == local.attrs


def _messages(call, frame, spark, **kwargs):
    out = []
    for extra in ({}, {"spark": spark}):
        with pytest.raises(InputError) as err:
            call(frame, **kwargs, **extra)
        out.append(str(err.value))
    return out


def test_bad_orders_and_channel_rows_are_named_alike(spark, sample):
    o = pd.DataFrame(
        {
            "customer_id": list("abcde"),
            "order_date": ["2026-01-01", "2026-01-02", "2026-01-03", "soon", "2026-01-05"],
            "amount": [1.0, -2.0, 3.0, 4.0, 5.0],
        }
    )
    pandas_msg, spark_msg = _messages(mk.rfm, o, spark)
    assert (
        pandas_msg
        == spark_msg
        == ("orders.order_date: is not a date; rows: 4 ('soon'). Fix: write dates as YYYY-MM-DD")
    )
    ok_dates = o.assign(order_date="2026-01-01")
    pandas_msg, spark_msg = _messages(mk.cohort_retention, ok_dates, spark, metric="revenue")
    assert pandas_msg == spark_msg and "rows: 2 (-2.0)" in spark_msg
    signups = pd.DataFrame({"customer_id": list("abcd"), "signup_date": ["2025-01-01"] * 4})
    pandas_msg, spark_msg = _messages(mk.rfm, ok_dates.assign(amount=1.0), spark, customers=signups)
    assert pandas_msg == spark_msg and "rows: 5 ('e')" in spark_msg
    cd = sample["channel_daily"].head(6).copy()
    cd["clicks"] = cd["impressions"] + 1
    pandas_msg, spark_msg = _messages(mk.channel_performance, cd, spark)
    assert "clicks exceed impressions" in spark_msg and "(6 rows)" in spark_msg
    # the five rows shown are the same; Spark says how many there are instead of "and 1 more"
    assert spark_msg.split("; rows: ")[1].split(". Fix")[0] in pandas_msg


# ---------------------------------------------------------------------------------------------
# mktkit bench
# ---------------------------------------------------------------------------------------------


def test_bench_command_gives_the_same_users_on_every_engine(spark, tmp_path):
    from typer.testing import CliRunner

    from mktkit.cli import app

    lines = {}
    for engine in ("pandas", "duckdb", "scan", "spark"):
        run = CliRunner().invoke(
            app, ["bench", "--engine", engine, "--events", "20000", "--out", str(tmp_path)]
        )
        assert run.exit_code == 0, run.output
        lines[engine] = run.output.split("users per step: ")[1].strip()
    assert lines["pandas"] == lines["duckdb"] == lines["scan"] == lines["spark"]
    assert [p.name for p in tmp_path.iterdir()] == ["events_20000.parquet"]  # generated once
    bad = CliRunner().invoke(app, ["bench", "--engine", "polars", "--events", "10"])
    assert bad.exit_code == 2 and "'polars' is not allowed" in bad.output
