"""Benchmark: the 5-step, 7-day funnel in Spark local mode against DuckDB, at 1M, 10M and 30M
events, and where Spark would overtake one machine.

Both engines read the same Parquet file (the sample company's events log at that size,
``mktkit sample --events N``, generated once by benchmarks/funnel.py's ``make_log``) and must
agree on the users per step:

* ``duckdb``: ``mk.funnel(path, steps, window="7D")`` (the default engine, every core);
* ``spark``: ``mk.funnel(spark.read.parquet(path), ...)`` in a ``local[2]`` session (two worker
  threads, 4 GB driver): validation scan, shuffle of the funnel rows by user, the pandas engine
  in ``applyInPandas``, counts.

Each engine runs in its own process and computes the funnel twice: the first run is "cold"
(Spark also warms its JVM and starts its Python workers), the second "warm". Times include
reading the file; starting Python and Spark does not.

The scaling fit ``t = a + b * n`` per engine gives a fixed cost ``a`` and a cost per million
events ``b``. On this 2-core machine both engines use the same two cores, so ``b_spark /
b_duckdb`` is how much more work Spark spends per event; a Spark cluster with ``C`` cores (and
near-linear scaling, which a shuffle-and-map job like this has) beats one machine of ``M``
cores running DuckDB (assumed to scale with its cores too) once ``C / M > b_spark / b_duckdb``,
on logs large enough to hide the cluster's fixed cost (``OVERHEAD``, an assumption: the local
session's is far smaller). The estimate is printed for a few cluster and machine sizes; it
ignores that one machine also slows down, or stops, once the log outgrows its memory and disk.

Usage::

    python benchmarks/spark.py                    # 1M, 10M and 30M events
    python benchmarks/spark.py --sizes 1000000 10000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from funnel import STEPS, WINDOW_DAYS, make_log  # noqa: E402  (benchmarks/funnel.py)

SIZES = [1_000_000, 10_000_000, 30_000_000]
CORES = 2  # local[2], and this machine's cores
OVERHEAD = 15.0  # seconds a cluster job spends starting and scheduling (assumed)


def child(engine: str, path: str) -> None:
    import mktkit as mk

    if engine == "spark":
        from mktkit.engines.spark import local_session

        spark = local_session(f"local[{CORES}]", conf={"spark.driver.memory": "4g"})

        def run():
            res = mk.funnel(spark.read.parquet(path), STEPS, window=f"{WINDOW_DAYS}D")
            res.levels.unpersist()
            return res
    else:
        import duckdb  # noqa: F401  (imported before the clock)

        def run():
            return mk.funnel(path, STEPS, window=f"{WINDOW_DAYS}D")

    seconds = []
    for _ in range(2):
        t0 = time.perf_counter()
        res = run()
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": seconds, "users": [int(u) for u in res["users"]]}))


def measure(engine: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--parquet", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fit(ns: list[float], ts: list[float]) -> tuple[float, float]:
    """Least-squares ``t = a + b * n`` (n in millions of events)."""
    import numpy as np

    b, a = np.polyfit(np.asarray(ns), np.asarray(ts), 1)
    return float(a), float(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="events per log")
    parser.add_argument("--out", default="/tmp/mktkit_bench", help="where the logs are kept")
    parser.add_argument("--child", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--parquet", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.parquet)
        return
    import pyarrow.parquet as pq

    rows = []
    for n in args.sizes:
        path = make_log(n, Path(args.out))
        events = pq.ParquetFile(path).metadata.num_rows
        print(f"log: {path} ({events:,} events)", flush=True)
        duck, spark = measure("duckdb", path), measure("spark", path)
        if duck["users"] != spark["users"]:
            raise SystemExit(f"the engines disagree: {duck['users']} vs {spark['users']}")
        rows.append((events, duck["seconds"], spark["seconds"], duck["users"]))
    print(f"\nfunnel: {' > '.join(STEPS)}, window {WINDOW_DAYS} days; seconds (cold / warm)")
    print(f"{'events':>12} {'duckdb':>15} {'spark local[2]':>17} {'spark/duckdb':>13}  users")
    for events, d, s, users in rows:
        print(
            f"{events:>12,} {d[0]:>7.2f} / {d[1]:<6.2f} {s[0]:>8.2f} / {s[1]:<7.2f}"
            f" {s[1] / d[1]:>12.1f}x  {users}"
        )
    print("both engines agree on the users per step at every size")
    if len(rows) < 2:
        return
    millions = [r[0] / 1e6 for r in rows]
    a_d, b_d = fit(millions, [r[1][1] for r in rows])
    a_s, b_s = fit(millions, [r[2][1] for r in rows])
    (_, d1, s1, _), (_, d2, s2, _) = rows[-2], rows[-1]
    marginal = (s2[1] - s1[1]) / (d2[1] - d1[1])
    ratio = b_s / b_d
    print(
        f"\nscaling (warm runs, t = a + b * millions of events): duckdb a = {a_d:.2f} s, "
        f"b = {b_d:.3f} s/M; spark a = {a_s:.2f} s, b = {b_s:.3f} s/M"
    )
    print(
        f"per event, on the same {CORES} cores, Spark spends {b_s / b_d:.1f}x DuckDB's time "
        f"({marginal:.1f}x between the two largest logs); taking {ratio:.1f}x, a cluster with "
        f"C cores (this job scales near-linearly: a shuffle, then independent groups) runs "
        f"C / ({CORES} x {ratio:.1f}) times faster per event than DuckDB here"
    )
    print(f"assuming {OVERHEAD:.0f} s of cluster start-up and scheduling per funnel:")
    for machine in (CORES, 16):
        per_event = b_d * CORES / machine  # DuckDB also scales with cores
        for cores in (16, 64, 256):
            gain = per_event - b_s * CORES / cores
            if gain <= 0:
                print(f"  {cores:>3} Spark cores never beat DuckDB on {machine} cores")
                continue
            n_star = (OVERHEAD - a_d) / gain
            print(
                f"  {cores:>3} Spark cores beat DuckDB on {machine} cores from about "
                f"{n_star:,.0f}M events ({a_d + per_event * n_star:,.0f} s)"
            )


if __name__ == "__main__":
    main()
