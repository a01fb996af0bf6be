"""Agreement with ClickHouse ``windowFunnel`` (the embedded ``chdb``), user by user, on random
logs full of ties and repeated events; and two published worked examples.

The random logs are small (1-3 users, up to 20 events on a 15-second clock, so many events share
a timestamp) and batched: 20 logs share one configuration of steps and window and run as one
table (user ids are unique per log), so one chdb query and one engine call check 20 logs.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mktkit.funnel import FunnelWarning, funnel_levels
from mktkit.funnel import scan as funnel_scan
from mktkit.funnel.spec import FunnelSpec

chdb = pytest.importorskip("chdb")

ALPHABET = ["a", "b", "c", "d", "x"]  # x never appears in a step: the "other" event
N_CONFIGS, LOGS_PER_CONFIG = 12, 20
# mode, strict_increase -> ClickHouse windowFunnel options
CLICKHOUSE = {
    ("ordered", False): "'strict_once'",
    ("ordered", True): "'strict_increase', 'strict_once'",
    ("strict", False): "'strict_order', 'strict_once'",
    ("strict", True): "'strict_order', 'strict_increase', 'strict_once'",
}
T0 = pd.Timestamp("2025-01-01")


def random_config(rng: np.random.Generator, distinct: bool = False):
    steps = []
    if distinct:  # every step its own event (the usual funnel)
        steps = [str(s) for s in rng.permutation(ALPHABET[:4])[: int(rng.integers(2, 5))]]
    for _ in range(0 if distinct else int(rng.integers(2, 6))):
        if rng.random() < 0.25:  # a list of names; names often repeat across steps
            steps.append([str(s) for s in rng.choice(ALPHABET[:4], size=2, replace=False)])
        else:
            steps.append(str(rng.choice(ALPHABET[:4])))
    window = int(rng.integers(1, 8)) if rng.random() < 0.85 else None  # seconds, or no limit
    rows = []
    for log in range(LOGS_PER_CONFIG):
        for user in range(int(rng.integers(1, 4))):
            n = int(rng.integers(1, 21))
            seconds = rng.integers(0, 15, n)
            names = rng.choice(ALPHABET, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
            rows += [(log * 10 + user, int(s), str(e)) for s, e in zip(seconds, names, strict=True)]
    df = pd.DataFrame(rows, columns=["user_id", "second", "event"])
    df["ts"] = T0 + pd.to_timedelta(df["second"], unit="s")
    df["t_us"] = (df["second"] * 1_000_000).astype("uint64")
    return steps, window, df


def clickhouse_levels(df: pd.DataFrame, steps, window, options: str) -> pd.Series:
    def cond(step):
        names = [step] if isinstance(step, str) else step
        return "event IN (" + ", ".join(f"'{n}'" for n in names) + ")"

    # ClickHouse needs a finite window: 10^15 us (31 years) is "no limit" for these logs
    w = window * 1_000_000 if window is not None else 10**15
    conds = ", ".join(cond(s) for s in steps)
    frame = df[["user_id", "t_us", "event"]]  # noqa: F841 - read by chdb's Python() table
    out = chdb.query(
        f"SELECT user_id, windowFunnel({w}, {options})(t_us, {conds}) AS level "
        "FROM Python(frame) GROUP BY user_id",
        "DataFrame",
    )
    return out.set_index("user_id")["level"].astype(int).sort_index()


def our_levels(df, steps, window, mode, strict_increase, engine) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FunnelWarning)
        lv = funnel_levels(
            df[["user_id", "ts", "event"]],
            steps,
            window=f"{window}s" if window else None,
            mode=mode,
            strict_increase=strict_increase,
            engine=engine,
        )
    return lv.set_index("user_id")["level"]


def test_levels_agree_with_clickhouse_user_by_user():
    rng = np.random.default_rng(20251123)
    logs = users = 0
    for config in range(N_CONFIGS):
        steps, window, df = random_config(rng, distinct=config % 2 == 0)
        logs += LOGS_PER_CONFIG
        for (mode, strict_increase), options in CLICKHOUSE.items():
            expected = clickhouse_levels(df, steps, window, options)
            spec = FunnelSpec.build(steps, window=None, mode=mode, strict_increase=strict_increase)
            scan = ("scan",) if funnel_scan.supports(spec) is None else ()
            for engine in ("duckdb", "pandas", *scan):
                got = our_levels(df, steps, window, mode, strict_increase, engine)
                # users at level 0 have no row of ours
                got = got.reindex(expected.index, fill_value=0).astype(int)
                diff = expected.index[got != expected]
                assert diff.empty, (
                    f"{engine} {mode} strict_increase={strict_increase} steps={steps} "
                    f"window={window}: user {diff[0]} ClickHouse {expected[diff[0]]}, "
                    f"ours {got[diff[0]]}\n"
                    + df[df.user_id == diff[0]].sort_values("second").to_string()
                )
            users += len(expected)
    assert logs >= 200
    assert users > 1500  # users x 4 modes x 2 engines compared


def disjoint_config(rng: np.random.Generator):
    """A funnel the scan engine computes (no name in two steps, some steps lists of names) and
    a batch of random logs, as :func:`random_config` makes them: unsorted, full of ties."""
    names = [str(x) for x in rng.permutation(ALPHABET[:4])]
    cut = sorted(rng.choice(np.arange(1, 4), size=int(rng.integers(1, 4)), replace=False))
    groups = [names[a:b] for a, b in zip([0, *cut], [*cut, 4], strict=True)]
    steps = [g[0] if len(g) == 1 or rng.random() < 0.5 else g for g in groups]
    if len(steps) < 2:
        steps = [names[0], names[1:]]
    _, window, df = random_config(rng)
    return steps, window, df


def test_the_scan_engine_agrees_with_clickhouse_user_by_user():
    # ClickHouse's own pass, compiled: compared on 240 more logs of funnels it computes
    rng = np.random.default_rng(20261203)
    logs = users = 0
    for _ in range(N_CONFIGS):
        steps, window, df = disjoint_config(rng)
        assert funnel_scan.supports(FunnelSpec.build(steps, window=None)) is None
        expected = clickhouse_levels(df, steps, window, CLICKHOUSE[("ordered", False)])
        got = our_levels(df, steps, window, "ordered", False, "scan")
        got = got.reindex(expected.index, fill_value=0).astype(int)
        diff = expected.index[got != expected]
        assert diff.empty, (
            f"scan steps={steps} window={window}: user {diff[0]} ClickHouse "
            f"{expected[diff[0]]}, ours {got[diff[0]]}\n"
            + df[df.user_id == diff[0]].sort_values("second").to_string()
        )
        logs += LOGS_PER_CONFIG
        users += len(expected)
    assert logs >= 200
    assert users > 300


def _unordered_oracle(df: pd.DataFrame, steps, window) -> dict:
    """Brute force: the largest k such that steps 1..k get distinct rows inside one window."""
    sets = [{s} if isinstance(s, str) else set(s) for s in steps]

    def fill(rows, k, used=()):
        if k == 0:
            return True
        return any(
            i not in used and rows[i] in sets[k - 1] and fill(rows, k - 1, (*used, i))
            for i in range(len(rows))
        )

    out = {}
    for user, g in df.groupby("user_id"):
        best = 0
        for start in g["second"]:
            end = np.inf if window is None else start + window  # the boundary counts
            rows = g.loc[g["second"].between(start, end), "event"].tolist()
            k = best
            while k < len(steps) and fill(rows, k + 1):
                k += 1
            best = k
        if best:
            out[user] = best
    return out


def test_unordered_mode_matches_a_brute_force_search():
    rng = np.random.default_rng(7)
    for _ in range(4):
        steps, window, df = random_config(rng)
        expected = _unordered_oracle(df, steps, window)
        for engine in ("duckdb", "pandas"):
            got = our_levels(df, steps, window, "unordered", False, engine)
            assert got.to_dict() == expected, (engine, steps, window)


def test_clickhouse_documentation_example():
    # ClickHouse docs, "Parametric aggregate functions", windowFunnel example
    # (https://clickhouse.com/docs/sql-reference/aggregate-functions/parametric-functions):
    # events 1003 (Jan 29), 1009 (Jan 30), 1007 (Jan 31), 1010 (Feb 1) of user 1, chain
    # 1003 -> 1009 -> 1007 -> 1010: the documented result is level 4.
    ev = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 1],
            "ts": pd.to_datetime(
                [
                    "2019-01-29 10:00:00",
                    "2019-01-31 09:00:00",
                    "2019-01-30 08:00:00",
                    "2019-02-01 08:00:00",
                ]
            ),
            "event": ["1003", "1007", "1009", "1010"],
        }
    )
    steps = ["1003", "1009", "1007", "1010"]
    for engine in ("duckdb", "pandas"):
        assert funnel_levels(ev, steps, window=None, engine=engine)["level"].tolist() == [4]
    # with a 2-day window the chain stops at 1007 (Jan 31 09:00 is within 2 days of Jan 29
    # 10:00; Feb 1 08:00 is not): 3
    assert funnel_levels(ev, steps, window="2D")["level"].tolist() == [3]


def _simple_shop_csv() -> Path | None:
    path = os.environ.get("MKTKIT_SIMPLE_SHOP_CSV")
    if path and Path(path).exists():
        return Path(path)
    spec = importlib.util.find_spec("retentioneering")
    if spec and spec.origin:
        found = Path(spec.origin).parent / "datasets" / "data" / "simple-onlineshop.csv"
        return found if found.exists() else None
    return None


@pytest.mark.skipif(
    _simple_shop_csv() is None,
    reason=(
        "Retentioneering's simple_shop data is not installed (its licence does not let us commit a "
        "copy): pip download retentioneering==3.3.0 --no-deps, unzip, and set "
        "MKTKIT_SIMPLE_SHOP_CSV=.../retentioneering/datasets/data/simple-onlineshop.csv"
    ),
)
def test_retentioneering_simple_shop_closed_funnel():
    # Retentioneering user guide, "Funnel" (doc.retentioneering.com/stable/doc/user_guides/
    # funnel.html): stream.funnel(stages=['catalog', 'cart', 'payment_done']) on simple_shop
    # (a closed funnel: each stage after the previous one, no time limit) shows 3611, 1924
    # and 653 users.
    ev = pd.read_csv(_simple_shop_csv())
    res = __import__("mktkit").funnel(
        ev, ["catalog", "cart", "payment_done"], window=None, time="timestamp"
    )
    assert res["users"].tolist() == [3611, 1924, 653]
