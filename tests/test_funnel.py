"""Event funnels on hand-built logs: each expected level is derived in a comment from the rules
of docs/methods.md, "Funnels and AARRR" (ClickHouse ``windowFunnel`` semantics). Every case runs
on the DuckDB and pandas engines; the cases of the plain ordered funnel also run on the scan
engine.
"""

from __future__ import annotations

import warnings

import duckdb
import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mktkit as mk
from mktkit.errors import InputError
from mktkit.funnel import (
    AARRR_STAGES,
    FunnelResult,
    FunnelWarning,
    aarrr,
    funnel_levels,
    funnel_trend,
)

matplotlib.use("Agg")
# steps missing from a small log are expected here; the warning has its own test
pytestmark = pytest.mark.filterwarnings("ignore::mktkit.funnel.FunnelWarning")

T0 = pd.Timestamp("2025-03-01 09:00:00")
STEPS = ["visit", "view_product", "add_to_cart"]


@pytest.fixture(params=["duckdb", "pandas"])
def engine(request):
    return request.param


@pytest.fixture(params=["duckdb", "pandas", "scan"])
def ordered_engine(request):
    """Every engine, for the cases the scan engine computes (mktkit.funnel.scan.supports)."""
    return request.param


def log(*rows, attr: str = "channel") -> pd.DataFrame:
    """Rows (user, minutes after T0, event[, attribute]) as an event table."""
    users, ts, events, attrs = [], [], [], []
    for row in rows:
        users.append(row[0])
        ts.append(T0 + pd.Timedelta(minutes=row[1]))
        events.append(row[2])
        attrs.append(row[3] if len(row) > 3 else "none")
    return pd.DataFrame({"user_id": users, "ts": ts, "event": events, attr: attrs})


def levels(events, steps=STEPS, engine="duckdb", **kw) -> dict:
    lv = funnel_levels(events, steps, engine=engine, **kw)
    return dict(zip(lv["user_id"], lv["level"], strict=True))


# ---------------------------------------------------------------------------------------------
# the ordered funnel, rule by rule
# ---------------------------------------------------------------------------------------------


def test_basic_order_and_window(ordered_engine):
    ev = log(
        (1, 0, "visit"),
        (1, 60, "view_product"),
        (1, 120, "add_to_cart"),  # all three: 3
        (2, 0, "visit"),
        (2, 60, "add_to_cart"),  # no view: stops at 1
        (3, 0, "view_product"),
        (3, 60, "visit"),  # view before the visit does not count: 1
        (4, 0, "view_product"),  # never visits: level 0, no row
    )
    assert levels(ev, engine=ordered_engine) == {1: 3, 2: 1, 3: 1}
    res = mk.funnel(ev, STEPS, engine=ordered_engine)
    # users at step k = users with level >= k: 3, 1, 1
    assert res["users"].tolist() == [3, 1, 1]
    np.testing.assert_allclose(res["conversion_from_first"], [1, 1 / 3, 1 / 3])


def test_a_later_step_one_starts_a_new_chain(ordered_engine):
    # window 1h. visit@0 cannot reach view@150 (too late); visit@120 can: level 2.
    ev = log((1, 0, "visit"), (1, 120, "visit"), (1, 150, "view_product"))
    assert levels(ev, window="1h", engine=ordered_engine) == {1: 2}
    # the longest chain wins, not the first: visit@0 -> view@10 (2), later visit@300 ->
    # view@310 -> cart@320 (3)
    ev = log(
        (1, 0, "visit"),
        (1, 10, "view_product"),
        (1, 300, "visit"),
        (1, 310, "view_product"),
        (1, 320, "add_to_cart"),
    )
    assert levels(ev, window="1h", engine=ordered_engine) == {1: 3}


def test_ties_at_one_instant_count_in_step_order(ordered_engine):
    # visit and view at the same instant: the view fills step 2 whatever the row order
    ev = log((1, 0, "view_product"), (1, 0, "visit"), (2, 0, "visit"), (2, 0, "view_product"))
    assert levels(ev, engine=ordered_engine) == {1: 2, 2: 2}


def test_ties_under_strict_increase_do_not_count(engine):
    # strict_increase wants a strictly later view: 1
    ev = log((1, 0, "view_product"), (1, 0, "visit"), (2, 0, "visit"), (2, 0, "view_product"))
    assert levels(ev, engine=engine, strict_increase=True) == {1: 1, 2: 1}


def test_strict_increase_is_the_exact_longest_chain(engine):
    # docs/methods.md: step1@0s, step1@1s, step2@1s. The chain visit@0s -> view@1s is strictly
    # increasing, so the answer is 2 (ClickHouse's 'strict_increase' alone answers 1).
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 1],
            "ts": [T0, T0 + pd.Timedelta(seconds=1), T0 + pd.Timedelta(seconds=1)],
            "event": ["visit", "visit", "view_product"],
        }
    )
    assert levels(ev, ["visit", "view_product"], engine=engine, strict_increase=True) == {1: 2}


def test_the_window_boundary_counts(ordered_engine):
    # 7 days exactly after the visit is inside; one microsecond later is outside
    week = pd.Timedelta(days=7)
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 2],
            "ts": [T0, T0 + week, T0, T0 + week + pd.Timedelta(microseconds=1)],
            "event": ["visit", "view_product"] * 2,
        }
    )
    assert levels(ev, ["visit", "view_product"], window="7D", engine=ordered_engine) == {1: 2, 2: 1}
    # no window: both convert
    assert levels(ev, ["visit", "view_product"], window=None, engine=ordered_engine) == {1: 2, 2: 2}


def test_one_event_row_fills_at_most_one_step(engine):
    steps = ["visit", "view_product", "visit"]
    ev = log(
        (1, 0, "visit"),
        (1, 5, "view_product"),  # the one visit cannot also be step 3: 2
        (2, 0, "visit"),
        (2, 5, "view_product"),
        (2, 9, "visit"),  # a second visit: 3
        (3, 0, "visit"),
        (3, 0, "view_product"),
        (3, 0, "visit"),  # all at one instant: 3
    )
    assert levels(ev, steps, engine=engine) == {1: 2, 2: 3, 3: 3}
    # [visit, visit]: one visit is 1, two visits (even at the same instant) are 2
    ev = log((1, 0, "visit"), (2, 0, "visit"), (2, 0, "visit"))
    assert levels(ev, ["visit", "visit"], engine=engine) == {1: 1, 2: 2}


def test_steps_as_lists_of_names(ordered_engine):
    steps = ["visit", ["view_product", "search"], "add_to_cart"]
    ev = log(
        (1, 0, "visit"),
        (1, 1, "search"),
        (1, 2, "add_to_cart"),
        (2, 0, "visit"),
        (2, 1, "view_product"),
        (3, 0, "visit"),
        (3, 1, "signup"),
    )
    assert levels(ev, steps, engine=ordered_engine) == {1: 3, 2: 2, 3: 1}
    res = mk.funnel(ev, steps, engine=ordered_engine)
    assert res["step"].tolist() == ["visit", "view_product | search", "add_to_cart"]
    # labels from a dict
    res = mk.funnel(
        ev,
        {"Visit": "visit", "Browse": ["view_product", "search"], "Cart": "add_to_cart"},
        engine=ordered_engine,
    )
    assert res["step"].tolist() == ["Visit", "Browse", "Cart"]


def test_overlapping_lists_at_one_instant_need_the_matching(engine):
    # steps [a, b|c, b] with a@0 and b, c at one instant: c must take step 2 so that b can
    # take step 3 -> 3 (taking b for step 2 would leave 2). ClickHouse agrees (chdb tests).
    ev = log((1, 0, "a"), (1, 1, "b"), (1, 1, "c"))
    assert levels(ev, ["a", ["b", "c"], "b"], engine=engine) == {1: 3}
    # only b at that instant: it can fill step 2 or step 3, not both -> 2
    ev = log((1, 0, "a"), (1, 1, "b"))
    assert levels(ev, ["a", ["b", "c"], "b"], engine=engine) == {1: 2}


# ---------------------------------------------------------------------------------------------
# strict and unordered modes
# ---------------------------------------------------------------------------------------------


def test_strict_mode_follows_clickhouse_strict_order(engine):
    ev = log(
        (1, 0, "visit"),
        (1, 1, "view_product"),
        (1, 2, "add_to_cart"),  # clean: 3
        (2, 0, "visit"),
        (2, 1, "search"),
        (2, 2, "view_product"),  # another event between: 1
        (3, 0, "search"),
        (3, 1, "visit"),
        (3, 2, "view_product"),  # before step 1 is fine: 2
        (4, 0, "visit"),
        (4, 1, "add_to_cart"),
        (4, 2, "view_product"),  # step 3 too early: 1
        (5, 0, "visit"),
        (5, 1, "search"),
        (5, 2, "visit"),
        (5, 3, "view_product"),  # stops: 1
        (6, 0, "visit"),
        (6, 1, "view_product"),
        (6, 2, "view_product"),
        (6, 3, "add_to_cart"),
    )  # user 6: a repeated step is a step, not another event: 3
    assert levels(ev, engine=engine, mode="strict") == {1: 3, 2: 1, 3: 2, 4: 1, 5: 1, 6: 3}
    # the ordered mode ignores the other events (user 4: visit -> view = 2): 3, 2, 2, 2, 2, 3
    assert levels(ev, engine=engine) == {1: 3, 2: 2, 3: 2, 4: 2, 5: 2, 6: 3}


def test_unordered_mode(engine):
    ev = log(
        (1, 0, "view_product"),
        (1, 10, "visit"),  # any order within the hour: 2
        (2, 0, "add_to_cart"),
        (2, 10, "visit"),  # cart without a view counts only step 1: 1
        (3, 0, "visit"),
        (3, 120, "view_product"),  # two hours apart: 1
        (4, 0, "add_to_cart"),
        (4, 30, "view_product"),
        (4, 50, "visit"),  # all three: 3
    )
    assert levels(ev, engine=engine, mode="unordered", window="1h") == {1: 2, 2: 1, 3: 1, 4: 3}
    assert levels(ev, engine=engine, mode="unordered", window=None) == {1: 2, 2: 1, 3: 2, 4: 3}


# ---------------------------------------------------------------------------------------------
# segments, users, times, trend
# ---------------------------------------------------------------------------------------------


def test_by_takes_the_first_touch_of_the_longest_chain(engine):
    ev = log(
        # both visits start a chain to the view: the earliest (search) is the first touch
        (1, 0, "visit", "search"),
        (1, 10, "visit", "social"),
        (1, 20, "view_product", "x"),
        # the search visit's chain misses the window; only the social visit reaches step 2
        (2, 0, "visit", "search"),
        (2, 2000, "visit", "social"),
        (2, 2010, "view_product", "x"),
        # two visits at one instant: the smallest value
        (3, 0, "visit", "video"),
        (3, 0, "visit", "email"),
    )
    lv = funnel_levels(ev, STEPS, window="1D", by="channel", engine=engine)
    assert dict(zip(lv.user_id, lv.channel, strict=True)) == {1: "search", 2: "social", 3: "email"}
    assert lv["entered_at"].tolist() == [T0, T0 + pd.Timedelta(minutes=2000), T0]
    res = mk.funnel(ev, STEPS, window="1D", by="channel", engine=engine)
    users = {(r.channel, r.step): r.users for r in res.itertuples()}
    assert users[("search", "visit")] == 1 and users[("search", "view_product")] == 1
    assert users[("social", "view_product")] == 1 and users[("email", "view_product")] == 0
    assert res.groupby("channel")["step"].count().tolist() == [3, 3, 3]  # every step per segment


def test_users_at_and_dropped(ordered_engine):
    ev = log(
        (1, 0, "visit"),
        (1, 1, "view_product"),
        (2, 0, "visit"),
        (3, 0, "visit"),
        (3, 1, "view_product"),
        (3, 2, "add_to_cart"),
    )
    res = mk.funnel(ev, STEPS, engine=ordered_engine)
    assert isinstance(res, FunnelResult)
    assert res.users_at("view_product").tolist() == [1, 3]
    assert res.users_at(2, dropped=True).tolist() == [2]  # reached 1, not 2
    assert res.users_at("add_to_cart", dropped=True).tolist() == [1]
    assert len(res.users_at(3, dropped=True)) == res["drop_off_count"].iloc[2]
    with pytest.raises(InputError, match="never entered"):
        res.users_at(1, dropped=True)
    with pytest.raises(InputError, match="not a step"):
        res.users_at("purchase")


def test_times_to_convert(engine):
    # visit -> view gaps of 10, 20 and 40 minutes: median 20 min; p90 by linear interpolation
    # at position 0.9 * 2 = 1.8: 20 + 0.8 * (40 - 20) = 36 min. One user reaches the cart,
    # 5 minutes after the view.
    ev = log(
        (1, 0, "visit"),
        (1, 10, "view_product"),
        (2, 0, "visit"),
        (2, 20, "view_product"),
        (3, 0, "visit"),
        (3, 40, "view_product"),
        (3, 45, "add_to_cart"),
    )
    res = mk.funnel(ev, STEPS, times=True, engine=engine)
    assert pd.isna(res["median_time_to_convert"].iloc[0])
    assert res["median_time_to_convert"].iloc[1] == pd.Timedelta(minutes=20)
    assert res["p90_time_to_convert"].iloc[1] == pd.Timedelta(minutes=36)
    assert res["median_time_to_convert"].iloc[2] == pd.Timedelta(minutes=5)


def test_funnel_trend_by_entry_week(engine):
    # user 1 enters on Monday 2025-03-03 and converts; users 2 and 3 enter the next week and
    # one of them converts
    mon = pd.Timestamp("2025-03-03 10:00")
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 2, 3],
            "ts": [
                mon,
                mon + pd.Timedelta(hours=1),
                mon + pd.Timedelta(days=7),
                mon + pd.Timedelta(days=8),
                mon + pd.Timedelta(days=9),
            ],
            "event": ["visit", "view_product", "visit", "view_product", "visit"],
        }
    )
    t = funnel_trend(ev, ["visit", "view_product"], freq="W", engine=engine)
    assert t["period"].drop_duplicates().tolist() == [
        pd.Timestamp("2025-03-03"),
        pd.Timestamp("2025-03-10"),
    ]
    assert t["users"].tolist() == [1, 1, 2, 1]
    assert t["conversion_from_first"].tolist() == [1.0, 1.0, 1.0, 0.5]
    # the log ends Wednesday 2025-03-12 10:00. With a 7-day window the week of 03-03 (last
    # instant Sunday 03-09 23:59:59.999999999) is complete only at 03-16 23:59:59.999999999
    assert t["complete"].tolist() == [False] * 4
    last = pd.Timestamp("2025-03-16 23:59:59.999999999")
    for as_of, first_week in ((last, True), (last - pd.Timedelta(1, "ns"), False)):
        t = funnel_trend(ev, ["visit", "view_product"], freq="W", engine=engine, as_of=as_of)
        assert t["complete"].tolist() == [first_week, first_week, False, False]
    # a 1-day window of the week of 03-03 ends 03-10 23:59:59.999999999: inside the log
    t = funnel_trend(ev, ["visit", "view_product"], freq="W", window="1D", engine=engine)
    assert t["complete"].tolist() == [True, True, False, False]
    with pytest.raises(InputError, match="freq"):
        funnel_trend(ev, ["visit", "view_product"], freq="fortnight", engine=engine)
    with pytest.raises(InputError, match="as_of"):
        funnel_trend(ev, ["visit", "view_product"], freq="W", engine=engine, as_of="soon")


def test_trend_periods_are_complete_by_the_last_event_of_any_input(tmp_path):
    # visits on 03-01 and 03-02, then only an unrelated event at 03-05 12:00+08:00, 04:00 UTC,
    # when the log ends. The day 03-02 is complete with a 2-day window (at 03-04
    # 23:59:59.999999999), not with 2 days 6 hours (03-05 05:59:59.999999999)
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 3],
            "ts": [
                "2025-03-01 10:00",
                "2025-03-01 11:00",
                "2025-03-02 09:00",
                "2025-03-05 12:00+08:00",
            ],  # fmt: skip
            "event": ["visit", "view_product", "visit", "logout"],
        }
    )
    path = tmp_path / "events.parquet"
    ev.to_parquet(path)
    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT * FROM ev")
    inputs = {
        "frame": {"events": ev},
        "parquet": {"events": str(path)},
        "relation": {"events": con.table("events"), "con": con},
    }
    for name, kwargs in inputs.items():
        t = funnel_trend(steps=["visit", "view_product"], freq="D", window="2D", **kwargs)
        assert t["period"].drop_duplicates().astype(str).tolist() == ["2025-03-01", "2025-03-02"]
        assert t["complete"].tolist() == [True] * 4, name
        t = funnel_trend(steps=["visit", "view_product"], freq="D", window="2D6h", **kwargs)
        assert t["complete"].tolist() == [True, True, False, False], name
    # no window: a period is complete once it has ended (March has not, by 03-05)
    t = funnel_trend(ev, ["visit", "view_product"], freq="M", window=None)
    assert t["complete"].tolist() == [False, False]
    t = funnel_trend(ev, ["visit", "view_product"], freq="D", window=None)
    assert t["complete"].tolist() == [True] * 4


# ---------------------------------------------------------------------------------------------
# inputs: parquet, globs, relations, text and zoned times
# ---------------------------------------------------------------------------------------------


def test_parquet_glob_and_relation_give_the_same_levels(tmp_path):
    ev = log(
        (1, 0, "visit"),
        (1, 1, "view_product"),
        (2, 0, "visit"),
        (3, 0, "visit"),
        (3, 5, "view_product"),
        (3, 6, "add_to_cart"),
    )
    expected = {1: 2, 2: 1, 3: 3}
    path = tmp_path / "events.parquet"
    ev.to_parquet(path)
    assert levels(str(path)) == expected
    assert levels(path, engine="pandas") == expected
    ev.iloc[:3].to_parquet(tmp_path / "part-1.parquet")
    ev.iloc[3:].to_parquet(tmp_path / "part-2.parquet")
    assert levels(str(tmp_path / "part-*.parquet")) == expected
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{path}')")
    assert levels(rel) == expected
    # a relation of the connection the funnel runs in is read in place (streaming it from its
    # own connection would leave a result open there, and DuckDB refuses the next query)
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_parquet('{path}')")
    assert levels(con.table("events"), con=con) == expected
    assert levels(con.sql("SELECT * FROM events"), con=con, by="channel") == expected
    # a caller's connection keeps no temporary tables of ours
    mk.funnel(ev, STEPS, con=con, by="channel")
    left = con.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'mk_%'").fetchall()
    assert left == [(0,)]


def random_log(n: int, seed: int = 3) -> pd.DataFrame:
    """``n`` events of ``n // 25`` users over 30 days: names a-d (the steps) and x (noise)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "user_id": rng.integers(0, n // 25, n),
            "ts": pd.Timestamp("2025-01-01")
            + pd.to_timedelta(rng.integers(0, 30 * 86400, n), unit="s"),
            "event": np.array(["a", "b", "c", "d", "x"])[rng.integers(0, 5, n)],
        }
    )


def small_duckdb(memory_limit: str, temp_directory: str):
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET threads = 1")
    con.execute(f"SET temp_directory = '{temp_directory}'")
    return con


def test_a_log_larger_than_duckdbs_memory_spills_to_disk(tmp_path):
    # 300,000 events do not fit in 8 MB: with spilling off DuckDB runs out of memory (below),
    # with a temporary directory it spills and gives the levels of the pandas engine
    ev = random_log(300_000)
    path = tmp_path / "events.parquet"
    ev.to_parquet(path)
    steps = ["a", "b", "c", "d"]
    expected = funnel_levels(ev, steps, window="3D", engine="pandas")
    assert (expected["level"] == 4).sum() > 500  # a funnel with users at every step
    con = small_duckdb("8MB", str(tmp_path / "spill"))
    spilled = funnel_levels(str(path), steps, window="3D", engine="duckdb", con=con)
    pd.testing.assert_frame_equal(spilled, expected, check_dtype=False)
    # DuckDB refuses to move a temporary directory it has written to: it did spill
    with pytest.raises(duckdb.NotImplementedException, match="has been used"):
        con.execute("SET temp_directory = ''")
    # without room to spill: the message names the limits and the fix
    con = small_duckdb("8MB", "")
    with pytest.raises(InputError, match="ran out of memory computing the funnel") as err:
        funnel_levels(str(path), steps, window="3D", engine="duckdb", con=con)
    assert "memory_limit 7.6 MiB, threads 1, spilling to disk off" in str(err.value)
    assert "SET temp_directory" in err.value.fix
    # the connection stays usable and keeps none of our tables
    assert con.sql(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'mk_%'"
    ).fetchall() == [(0,)]
    stages = {
        "acquisition": "a",
        "activation": "b",
        "retention": "c",
        "referral": "x",
        "revenue": "d",
    }
    with pytest.raises(InputError, match="ran out of memory computing the stages"):
        aarrr(ev, stages, con=con)


def test_text_and_zoned_times(ordered_engine):
    ev = pd.DataFrame(
        {
            "user_id": [1, 1],
            "event": ["visit", "view_product"],
            "ts": ["2025-03-01 10:00:00", "2025-03-01T10:30:00"],
        }
    )
    assert levels(ev, engine=ordered_engine) == {1: 2}
    zoned = ev.assign(ts=pd.to_datetime(ev["ts"], format="ISO8601").dt.tz_localize("Asia/Shanghai"))
    assert levels(zoned, engine=ordered_engine) == {1: 2}


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


def test_missing_columns(ordered_engine):
    ev = log((1, 0, "visit")).drop(columns="ts")
    with pytest.raises(InputError, match="missing column"):
        mk.funnel(ev, STEPS, engine=ordered_engine)


def test_unparseable_and_null_times_name_the_rows(ordered_engine):
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 2],
            "event": ["visit", "search", "visit"],
            "ts": ["2025-03-01 10:00", "yesterday", None],
        }
    )
    with pytest.raises(InputError) as err:
        mk.funnel(ev, STEPS, engine=ordered_engine)
    msg = str(err.value)
    assert "events.ts" in msg and "2 row(s)" in msg and "2 ('yesterday')" in msg and "3 (" in msg


def test_bad_rows_of_a_relation_are_named_in_its_own_connection_and_in_ours():
    ev = log((1, 0, "visit"), (1, 1, "view_product"), (2, 0, "visit"))
    ev.loc[2, "ts"] = pd.NaT
    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT * FROM ev")
    for kwargs in ({"con": con}, {}):  # in place, and streamed into a connection of ours
        with pytest.raises(InputError) as err:
            funnel_levels(con.table("events"), STEPS, **kwargs)
        assert err.value.column == "ts"
        assert list(err.value.rows) == [3] and pd.isna(err.value.rows[3])


def test_integer_event_codes_match_as_their_text(ordered_engine):
    # the ClickHouse documentation's codes as an integer column: 1003 -> 1009 -> 1007 within
    # 2 days is level 3 for user 1; user 2 has 1003 only
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 2],
            "ts": pd.to_datetime(
                ["2019-01-29 10:00", "2019-01-30 08:00", "2019-01-31 09:00", "2019-01-29 12:00"]
            ),
            "event": np.array([1003, 1009, 1007, 1003], dtype="int64"),
        }
    )
    steps = [1003, np.int64(1009), [1007, 1008]]
    assert levels(ev, steps, engine=ordered_engine, window="2D") == {1: 3, 2: 1}
    assert mk.funnel(ev, steps, window="2D")["step"].tolist() == ["1003", "1009", "1007 | 1008"]
    with pytest.raises(InputError, match="not an event name"):
        funnel_levels(ev, [True, 1009])


def test_null_users_and_events_name_the_rows(ordered_engine):
    ev = log((1, 0, "visit"), (2, 1, "visit"), (3, 2, "visit"))
    ev["user_id"] = ev["user_id"].astype("Int64")
    ev.loc[1, "user_id"] = pd.NA
    ev.loc[2, "event"] = None
    with pytest.raises(InputError) as err:
        mk.funnel(ev, STEPS, engine=ordered_engine)
    msg = str(err.value)
    assert "events.user_id" in msg and "rows: 2" in msg
    assert "events.event" in msg and "rows: 3" in msg


def test_null_times_in_a_parquet_file_name_the_file_row(tmp_path):
    ev = log((1, 0, "visit"), (1, 1, "view_product"), (2, 2, "visit"))
    ev.loc[2, "ts"] = pd.NaT
    path = tmp_path / "ev.parquet"
    ev.to_parquet(path)
    with pytest.raises(InputError, match=r"events\.ts: 1 row\(s\).*rows: 3"):
        mk.funnel(str(path), STEPS)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"steps": ["visit"]}, "at least 2 steps"),
        ({"steps": "visit"}, "list of steps"),
        ({"steps": ["visit", []]}, "non-empty event names"),
        ({"window": "0D"}, "not a positive duration"),
        ({"window": "-1h"}, "not a positive duration"),
        ({"window": 7}, "has no unit"),
        ({"window": "a week"}, "not a duration"),
        ({"mode": "loose"}, "'loose' is not allowed"),
        ({"engine": "spark"}, "'spark' is not allowed"),
        ({"mode": "unordered", "strict_increase": True}, "strict_increase"),
        ({"mode": "unordered", "times": True}, "unordered"),
    ],
)
def test_bad_arguments(kwargs, needle):
    ev = log((1, 0, "visit"))
    kwargs = {"steps": STEPS, **kwargs}
    with pytest.raises(InputError) as err:
        mk.funnel(ev, **kwargs)
    assert needle in str(err.value)


def test_unknown_event_name_warns_and_counts_zero(ordered_engine):
    ev = log((1, 0, "visit"), (1, 1, "view_product"))
    with pytest.warns(FunnelWarning, match="'add_to_crat'.*0 users reach step"):
        res = mk.funnel(ev, ["visit", "view_product", "add_to_crat"], engine=ordered_engine)
    assert res["users"].tolist() == [1, 1, 0]


def test_an_empty_funnel_is_nan_not_an_error(ordered_engine):
    ev = log((1, 0, "search"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FunnelWarning)
        res = mk.funnel(ev, STEPS, engine=ordered_engine)
    assert res["users"].tolist() == [0, 0, 0]
    assert res["conversion_from_first"].isna().all()


# ---------------------------------------------------------------------------------------------
# AARRR
# ---------------------------------------------------------------------------------------------


def test_aarrr_stages_by_events_and_conditions():
    ev = log(
        (1, 0, "visit", "kol"),
        (1, 1, "signup", "kol"),
        (1, 2000, "visit", "kol"),
        (1, 2001, "purchase", "kol"),  # all five: acquired, activated, back on day 2, kol, paid
        (2, 0, "visit", "search"),
        (2, 1, "signup", "search"),
        (2, 2000, "visit", "search"),
        # user 2: back on another day, but not referred: 3
        (3, 0, "visit", "kol"),
        (3, 1, "signup", "kol"),  # one day only: 2
        (4, 0, "signup", "kol"),  # never visits: not acquired, no row
    )
    stages = {
        "acquisition": "visit",
        "activation": ["signup"],
        "retention": {"events": "visit", "min_days": 2},
        "referral": {"where": "channel IN ('kol', 'affiliate')"},
        "revenue": {"events": "purchase", "min_count": 1},
    }
    res = aarrr(ev, stages, by="channel")
    lv = res.levels.set_index("user_id")
    assert lv["level"].to_dict() == {1: 5, 2: 3, 3: 2}
    total = aarrr(ev, stages)
    assert total["step"].tolist() == list(AARRR_STAGES)
    assert total["users"].tolist() == [3, 3, 2, 1, 1]
    assert res.users_at("revenue").tolist() == [1]
    with pytest.raises(InputError, match="do not match the order"):
        aarrr(ev, {"acquisition": "visit", "revenue": "purchase"})
    short = aarrr(
        ev, {"acquisition": "visit", "revenue": "purchase"}, order=["acquisition", "revenue"]
    )
    assert short["users"].tolist() == [3, 1]
    with pytest.raises(InputError, match="stage condition failed"):
        aarrr(ev, {**stages, "referral": {"where": "no_such_column = 1"}})
    with pytest.raises(InputError, match="not a stage definition"):
        aarrr(ev, {**stages, "referral": {"when": "x"}})


# ---------------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------------


def test_plot_funnel_bars_and_labels():
    ev = log((1, 0, "visit", "a"), (1, 1, "view_product", "a"), (2, 0, "visit", "b"))
    ax = mk.plot_funnel(mk.funnel(ev, STEPS))
    assert [round(p.get_height()) for p in ax.patches] == [2, 1, 0]
    texts = [t.get_text() for t in ax.texts]
    assert "100.0%" in texts and "50.0%" in texts
    ax = mk.plot_funnel(mk.funnel(ev, STEPS, by="channel"))
    assert len(ax.patches) == 6  # 3 steps x 2 segments side by side
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    matplotlib.pyplot.close("all")


def test_plot_funnel_trend_lines():
    ev = log((1, 0, "visit"), (1, 1, "view_product"), (2, 9000, "visit"))
    t = funnel_trend(ev, ["visit", "view_product"], freq="D", as_of="2025-04-01")
    ax = mk.plot_funnel_trend(t)
    (line,) = ax.get_lines()
    assert line.get_ydata().tolist() == [1.0, 0.0]
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["View product"]
    # as of 03-09 09:00 the window of 03-01 has passed (03-08 23:59:59.999999999), not that of
    # 03-07: its point is dashed and hollow, joined to the last complete one, and the legend
    # says why
    t = funnel_trend(ev, ["visit", "view_product"], freq="D", as_of="2025-03-09 09:00")
    ax = mk.plot_funnel_trend(t, lang="zh")
    solid, dashed = ax.get_lines()
    assert solid.get_ydata().tolist() == [1.0] and solid.get_linestyle() == "-"
    assert dashed.get_ydata().tolist() == [1.0, 0.0] and dashed.get_linestyle() == "--"
    assert dashed.get_markerfacecolor() == "white" and dashed.get_color() == solid.get_color()
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert legend == ["浏览商品", "转化窗口未结束"]
    matplotlib.pyplot.close("all")


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------

NAMES = ["visit", "view_product", "add_to_cart", "search"]
event_rows = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 40), st.sampled_from(NAMES)),
    min_size=1,
    max_size=30,
)
funnel_steps = st.lists(
    st.one_of(
        st.sampled_from(NAMES[:3]),
        st.lists(st.sampled_from(NAMES[:3]), min_size=1, max_size=2, unique=True),
    ),
    min_size=2,
    max_size=4,
)
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _frame(rows):
    return pd.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "ts": [T0 + pd.Timedelta(minutes=r[1]) for r in rows],
            "event": [r[2] for r in rows],
        }
    )


@PROPS
@given(
    rows=event_rows, steps=funnel_steps, mode=st.sampled_from(["ordered", "strict", "unordered"])
)
def test_a_funnel_never_widens(rows, steps, mode):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FunnelWarning)
        users = mk.funnel(_frame(rows), steps, window="15min", mode=mode)["users"].tolist()
    assert users == sorted(users, reverse=True)


@PROPS
@given(
    rows=event_rows,
    steps=funnel_steps,
    mode=st.sampled_from(["ordered", "strict", "unordered"]),
    seed=st.integers(0, 2**16),
)
def test_row_order_does_not_matter(rows, steps, mode, seed):
    ev = _frame(rows)
    shuffled = ev.sample(frac=1, random_state=seed).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FunnelWarning)
        a = funnel_levels(ev, steps, window="15min", mode=mode, by="event")
        b = funnel_levels(shuffled, steps, window="15min", mode=mode, by="event")
    pd.testing.assert_frame_equal(a, b)


@PROPS
@given(
    rows=event_rows,
    steps=funnel_steps,
    extra=st.lists(st.tuples(st.integers(1, 4), st.integers(0, 40)), min_size=1, max_size=5),
)
def test_an_unrelated_event_changes_nothing(rows, steps, extra):
    ev = _frame(rows)
    noise = _frame([(u, m, "add_to_wishlist") for u, m in extra])
    more = pd.concat([ev, noise], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FunnelWarning)
        for mode in ("ordered", "unordered"):
            a = funnel_levels(ev, steps, window="15min", mode=mode)
            b = funnel_levels(more, steps, window="15min", mode=mode)
            pd.testing.assert_frame_equal(a, b)
        # in strict mode another event may only stop a chain earlier, never lengthen it
        a = funnel_levels(ev, steps, window="15min", mode="strict").set_index("user_id")["level"]
        b = funnel_levels(more, steps, window="15min", mode="strict").set_index("user_id")["level"]
        assert (b.reindex(a.index, fill_value=0) <= a).all()


def test_text_times_with_an_offset_are_instants(ordered_engine):
    # User 1: a at 10:00+08:00 = 02:00 UTC, b at 03:00 (naive text keeps its wall clock): one
    # hour later, inside the 2 h window. Read without its offset, a would be at 10:00, after b,
    # and user 1 would stop at a. User 2: a at 10:00Z, b at 12:00: the boundary counts.
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 2],
            "event": ["a", "b", "a", "b"],
            "ts": ["2025-03-01T10:00:00+08:00", "2025-03-01 03:00:00",
                   "2025-03-01 10:00:00Z", "2025-03-01T12:00:00"],
        }
    )  # fmt: skip
    assert mk.funnel(ev, ["a", "b"], window="2h", engine=ordered_engine)["users"].tolist() == [2, 2]
