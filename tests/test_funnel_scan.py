"""The scan engine (mktkit.funnel.scan): what it refuses, when ``engine="auto"`` takes it, and the
inputs it reads itself (Parquet files, user ids, time units). Its semantics are held to the other
engines by tests/test_funnel.py (every ordered case runs on it) and to ClickHouse user by user by
tests/test_funnel_chdb.py.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import mktkit as mk
from mktkit.errors import InputError
from mktkit.funnel import FunnelWarning, funnel_levels, levels
from mktkit.funnel import scan as funnel_scan
from mktkit.funnel.spec import FunnelSpec

# mktkit.funnel is also the name of the function mktkit exports: take the module itself
pytestmark = pytest.mark.filterwarnings("ignore::mktkit.funnel.FunnelWarning")

T0 = pd.Timestamp("2025-03-01 09:00:00")
STEPS = ["visit", "view_product", "add_to_cart"]
SAMPLE_EVENTS = Path(__file__).resolve().parents[1] / "data" / "sample" / "events.parquet"
CHECKOUT = ["visit", "view_product", "add_to_cart", "checkout", "purchase"]


def log(*rows) -> pd.DataFrame:
    """Rows (user, seconds after T0, event) as an event table."""
    return pd.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "ts": [T0 + pd.Timedelta(seconds=r[1]) for r in rows],
            "event": [r[2] for r in rows],
        }
    )


def as_dict(lv: pd.DataFrame) -> dict:
    return dict(zip(lv["user_id"], lv["level"], strict=True))


# user 1 reaches the cart, user 2 views, user 3 only visits, user 4 never visits
SMALL = log(
    (1, 0, "visit"),
    (1, 5, "view_product"),
    (1, 9, "add_to_cart"),
    (2, 1, "visit"),
    (2, 2, "view_product"),
    (3, 3, "visit"),
    (4, 4, "add_to_cart"),
)
SMALL_LEVELS = {1: 3, 2: 2, 3: 1}


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"mode": "strict"}, "mode='strict'"),
        ({"mode": "unordered"}, "mode='unordered'"),
        ({"strict_increase": True}, "strict_increase=True"),
        ({"steps": ["visit", "view_product", "visit"]}, "an event name in two steps"),
        ({"by": "event"}, "by="),
        ({"detail": True}, "times to convert"),
    ],
)
def test_what_the_scan_does_not_compute_is_refused_by_name(kwargs, why):
    kwargs = {"steps": STEPS, **kwargs}
    with pytest.raises(InputError, match=f"scan engine does not compute funnels with {why}"):
        funnel_levels(SMALL, engine="scan", **kwargs)
    # the same funnel on the default engine is computed (here by the pandas engine)
    assert not funnel_levels(SMALL, **kwargs).empty


def test_auto_takes_the_scan_for_large_logs_it_computes(monkeypatch):
    spec = FunnelSpec.build(STEPS, window="7D")
    # a small DataFrame: pandas (DuckDB for unordered); a small file: DuckDB
    assert levels._auto_engine(SMALL, spec, by=[], detail=False, con=None) == "pandas"
    unordered = FunnelSpec.build(STEPS, window="7D", mode="unordered")
    assert levels._auto_engine(SMALL, unordered, by=[], detail=False, con=None) == "duckdb"
    assert levels._auto_engine(str(SAMPLE_EVENTS), spec, by=[], detail=False, con=None) == "duckdb"
    monkeypatch.setattr(levels, "AUTO_PANDAS_MAX_ROWS", 0)
    assert levels._auto_engine(SMALL, spec, by=[], detail=False, con=None) == "duckdb"
    monkeypatch.setattr(funnel_scan, "AUTO_MIN_ROWS", 5)
    assert levels._auto_engine(SMALL, spec, by=[], detail=False, con=None) == "scan"
    assert levels._auto_engine(str(SAMPLE_EVENTS), spec, by=[], detail=False, con=None) == "scan"
    assert levels._auto_engine(SMALL, spec, by=["event"], detail=False, con=None) == "duckdb"
    assert levels._auto_engine(SMALL, spec, by=[], detail=True, con=None) == "duckdb"
    strict = FunnelSpec.build(STEPS, window="7D", mode="strict")
    assert levels._auto_engine(SMALL, strict, by=[], detail=False, con=None) == "duckdb"
    # a log too large for memory goes to DuckDB, which spills to disk
    monkeypatch.setattr(funnel_scan, "BYTES_PER_ROW", 2**60)
    assert levels._auto_engine(SMALL, spec, by=[], detail=False, con=None) == "duckdb"


def test_the_sample_log_gives_the_same_levels_as_duckdb_user_by_user():
    path = str(SAMPLE_EVENTS)
    scan = funnel_levels(path, CHECKOUT, window="7D", engine="scan")
    duck = funnel_levels(path, CHECKOUT, window="7D", engine="duckdb")
    assert len(scan) > 50_000
    pd.testing.assert_frame_equal(scan, duck, check_dtype=False)
    # the same rows in another order (not by time): the pass sorts them first
    ev = pd.read_parquet(path, columns=["user_id", "ts", "event"])
    shuffled = ev.sample(frac=1, random_state=7).reset_index(drop=True)
    again = funnel_levels(shuffled, CHECKOUT, window="7D", engine="scan")
    pd.testing.assert_frame_equal(again, duck, check_dtype=False)


def test_parquet_files_and_globs(tmp_path):
    path = tmp_path / "events.parquet"
    SMALL.to_parquet(path)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == SMALL_LEVELS
    # two files whose rows interleave in time: read together, then put in time order
    SMALL.iloc[[0, 2, 4, 6]].to_parquet(tmp_path / "part-1.parquet")
    SMALL.iloc[[1, 3, 5]].to_parquet(tmp_path / "part-2.parquet")
    glob = str(tmp_path / "part-*.parquet")
    assert as_dict(funnel_levels(glob, STEPS, engine="scan")) == SMALL_LEVELS
    with pytest.raises(InputError, match="no such file"):
        funnel_levels(str(tmp_path / "nope.parquet"), STEPS, engine="scan")
    with pytest.raises(InputError, match="missing column"):
        funnel_levels(str(path), STEPS, engine="scan", user="customer_id")


def timed(*rows) -> pa.Table:
    """Rows (user, microseconds, event) as an Arrow table in microseconds."""
    return pa.table(
        {
            "user_id": [r[0] for r in rows],
            "ts": pa.array([r[1] for r in rows], type=pa.timestamp("us")),
            "event": [r[2] for r in rows],
        }
    )


def test_row_groups_with_their_own_dictionaries_in_time_order(tmp_path):
    # each row group of 3 rows has its own dictionary of names, in another order:
    # [search, visit, add_to_cart], [visit, view_product], [add_to_cart, view_product]
    table = timed(
        (1, 0, "search"),
        (1, 1, "visit"),
        (2, 2, "add_to_cart"),  # before user 2's visit: no chain
        (2, 3, "visit"),
        (1, 4, "view_product"),
        (2, 5, "view_product"),
        (1, 6, "add_to_cart"),
        (3, 7, "view_product"),  # user 3 never visits: not in the funnel
    )
    path = tmp_path / "groups.parquet"
    pq.write_table(table, path, row_group_size=3)
    assert pq.ParquetFile(path).metadata.num_rows == 8
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == {1: 3, 2: 2}


def test_row_groups_out_of_time_order_are_put_in_order(tmp_path):
    # each row group is in time order, but the second is earlier than the first: read as
    # stored, user 1's view and cart would come before the visit (level 1); in time order the
    # visit comes first (level 3)
    table = timed((1, 10, "view_product"), (1, 11, "add_to_cart"), (1, 0, "visit"), (2, 1, "visit"))
    path = tmp_path / "late.parquet"
    pq.write_table(table, path, row_group_size=2)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == {1: 3, 2: 1}


def test_a_time_at_the_smallest_int64_is_refused_by_name(tmp_path):
    # not null in Arrow, but NaT to pandas and the scan's mark of "no chain"
    table = timed((1, np.iinfo(np.int64).min, "visit"), (1, 5, "view_product"))
    pq.write_table(table, tmp_path / "nat.parquet")
    with pytest.raises(
        InputError, match=r"events\.ts: a time is the smallest the type holds.*rows: 1\b"
    ):
        funnel_levels(str(tmp_path / "nat.parquet"), STEPS, engine="scan")


def test_a_pyarrow_without_jemalloc_reads_into_its_default_pool(tmp_path, monkeypatch):
    def no_jemalloc():
        raise pa.ArrowNotImplementedError("jemalloc is not built")

    monkeypatch.setattr(pa, "jemalloc_memory_pool", no_jemalloc)
    assert funnel_scan._read_pool().backend_name == pa.default_memory_pool().backend_name
    path = tmp_path / "events.parquet"
    SMALL.to_parquet(path)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == SMALL_LEVELS


def test_parquet_that_needs_checks_is_read_by_duckdb_which_names_the_file_row(tmp_path):
    bad = SMALL.copy()
    bad.loc[2, "ts"] = pd.NaT
    path = tmp_path / "ev.parquet"
    bad.to_parquet(path)
    with pytest.raises(InputError, match=r"events\.ts: 1 row\(s\).*rows: 3"):
        funnel_levels(str(path), STEPS, engine="scan")
    # text times in the file: parsed in DuckDB, the same levels
    text = SMALL.assign(ts=SMALL["ts"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    text.to_parquet(path)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == SMALL_LEVELS


@pytest.mark.parametrize(
    "ids",
    [
        [7, 7, 7, 3, 3, 11, 2],  # compact integers: used as they are
        [10**15, 10**15, 10**15, 5, 5, 2**40, 1],  # sparse integers: factorized
        ["u7", "u7", "u7", "u3", "u3", "u11", "u2"],  # text
    ],
)
def test_user_ids_of_every_kind_come_back_sorted(ids, tmp_path):
    ev = SMALL.assign(user_id=ids)
    expected = {ids[0]: 3, ids[3]: 2, ids[5]: 1}
    lv = funnel_levels(ev, STEPS, engine="scan")
    assert as_dict(lv) == expected
    assert lv["user_id"].tolist() == sorted(expected)
    ev.to_parquet(tmp_path / "ev.parquet")
    assert as_dict(funnel_levels(str(tmp_path / "ev.parquet"), STEPS, engine="scan")) == expected


def test_unsigned_ids_and_categorical_names():
    ev = SMALL.assign(
        user_id=SMALL["user_id"].astype("uint64"), event=SMALL["event"].astype("category")
    )
    lv = funnel_levels(ev, STEPS, engine="scan")
    assert as_dict(lv) == SMALL_LEVELS
    assert lv["user_id"].dtype == np.dtype("uint64")


def test_a_window_finer_than_the_time_unit_is_exact(tmp_path):
    # microsecond times. The view 1 us after the visit is 1000 ns <= 1500 ns: inside; the view
    # 2 us after is 2000 ns > 1500 ns: outside. (Floored to 1 us, the window keeps the same
    # answer: 1 <= 1 and 2 > 1.)
    t = pa.array([0, 1, 0, 2], type=pa.timestamp("us"))
    table = pa.table({"user_id": [1, 1, 2, 2], "ts": t, "event": ["visit", "view_product"] * 2})
    pq.write_table(table, tmp_path / "us.parquet")
    got = funnel_levels(str(tmp_path / "us.parquet"), STEPS[:2], window="1500ns", engine="scan")
    assert as_dict(got) == {1: 2, 2: 1}
    duck = funnel_levels(str(tmp_path / "us.parquet"), STEPS[:2], window="1500ns", engine="duckdb")
    assert as_dict(duck) == {1: 2, 2: 1}


def test_zoned_parquet_times_are_instants(tmp_path):
    # 10:00+08:00 is 02:00 UTC; the view at 02:30 UTC is 30 minutes later, inside 1 h
    t = pa.array(
        [pd.Timestamp("2025-03-01 10:00", tz="Asia/Shanghai"), pd.Timestamp("2025-03-01 02:30Z")],
        type=pa.timestamp("ns", tz="UTC"),
    )
    pq.write_table(
        pa.table({"user_id": [1, 1], "ts": t, "event": ["visit", "view_product"]}),
        tmp_path / "z.parquet",
    )
    got = funnel_levels(str(tmp_path / "z.parquet"), STEPS[:2], window="1h", engine="scan")
    assert as_dict(got) == {1: 2}


def test_absent_names_warn_as_on_every_engine():
    with pytest.warns(FunnelWarning, match="'add_to_crat'.*0 users reach step"):
        res = mk.funnel(SMALL, ["visit", "view_product", "add_to_crat"], engine="scan")
    assert res["users"].tolist() == [3, 2, 0]
    # a name of a list step that never occurs is named, and its step still counts the others
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", FunnelWarning)
        res = mk.funnel(SMALL, ["visit", ["view_product", "search"]], engine="scan")
    assert res["users"].tolist() == [3, 2]
    assert any("'search'" in str(w.message) for w in seen)


def test_an_empty_log_has_no_users():
    empty = SMALL.iloc[:0]
    assert funnel_levels(empty, STEPS, engine="scan").empty
    assert mk.funnel(empty, STEPS, engine="scan")["users"].tolist() == [0, 0, 0]


def test_a_relation_is_not_for_the_scan():
    duckdb = pytest.importorskip("duckdb")
    rel = duckdb.connect().sql("SELECT 1 AS user_id")
    with pytest.raises(InputError, match="DataFrame or Parquet files"):
        funnel_levels(rel, STEPS, engine="scan")


def passes(monkeypatch) -> list:
    """Records each call of the whole-log pass (the fallback of the scan while reading)."""
    calls: list = []
    whole = funnel_scan._pass

    def spy(*args, **kwargs):
        calls.append(args)
        return whole(*args, **kwargs)

    monkeypatch.setattr(funnel_scan, "_pass", spy)
    return calls


GROUPED = timed(
    (1, 0, "search"),
    (1, 1, "visit"),
    (2, 2, "add_to_cart"),
    (2, 3, "visit"),
    (1, 4, "view_product"),
    (2, 5, "view_product"),
    (1, 6, "add_to_cart"),
    (3, 7, "view_product"),
)
GROUPED_LEVELS = {1: 3, 2: 2}


def test_a_file_in_time_order_is_scanned_while_it_is_read(tmp_path, monkeypatch):
    # three row groups, so three batches: chains carry over from batch to batch
    path = tmp_path / "groups.parquet"
    pq.write_table(GROUPED, path, row_group_size=3)
    calls = passes(monkeypatch)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == GROUPED_LEVELS
    assert calls == []
    # out of time order across row groups: the scan stops and the whole log is sorted
    late = timed((1, 10, "view_product"), (1, 11, "add_to_cart"), (1, 0, "visit"), (2, 1, "visit"))
    pq.write_table(late, tmp_path / "late.parquet", row_group_size=2)
    assert as_dict(funnel_levels(str(tmp_path / "late.parquet"), STEPS, engine="scan")) == {
        1: 3,
        2: 1,
    }
    assert len(calls) == 1


def test_without_id_statistics_the_whole_log_is_read(tmp_path, monkeypatch):
    path = tmp_path / "nostats.parquet"
    pq.write_table(GROUPED, path, row_group_size=3, write_statistics=False)
    assert (
        funnel_scan._id_range(
            funnel_scan._dataset(str(path), ["user_id"], event="event", table="events"), "user_id"
        )
        is None
    )
    calls = passes(monkeypatch)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == GROUPED_LEVELS
    assert len(calls) == 1


def test_ids_beyond_the_statistics_are_not_dropped(tmp_path, monkeypatch):
    # footers claiming ids 1..1 while user 2 is in the file (a writer's wrong statistics):
    # user 2's rows are outside the state, so the scan stops and the whole log is read
    path = tmp_path / "groups.parquet"
    pq.write_table(GROUPED, path, row_group_size=3)
    monkeypatch.setattr(funnel_scan, "_id_range", lambda dataset, user: (1, 1, 8))
    calls = passes(monkeypatch)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == GROUPED_LEVELS
    assert len(calls) == 1


def test_sparse_ids_are_numbered_by_the_whole_log_pass(tmp_path, monkeypatch):
    sparse = GROUPED.set_column(0, "user_id", pa.array([1, 1, 10**12, 10**12, 1, 10**12, 1, 7]))
    path = tmp_path / "sparse.parquet"
    pq.write_table(sparse, path, row_group_size=3)
    calls = passes(monkeypatch)
    assert as_dict(funnel_levels(str(path), STEPS, engine="scan")) == {1: 3, 10**12: 2}
    assert len(calls) == 1
