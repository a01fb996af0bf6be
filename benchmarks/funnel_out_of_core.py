"""Benchmark: the DuckDB funnel engine on a log larger than the memory DuckDB may use.

``mk.funnel(path, steps, window="7D", engine="duckdb", con=con)`` on the 10-million-event log
of ``benchmarks/funnel.py`` (5 steps, 7 days), once per ``memory_limit`` given to the
connection (``threads`` 2, a fresh ``temp_directory``), each in its own process. For each it
reports the time of the call, the process's peak resident memory (``VmHWM``: Python, pandas,
numba and DuckDB together), and the most bytes DuckDB held in its temporary directory at once
(the directory is polled every 10 ms), so the spilling is seen, not assumed.

All limits must give the users per step of the unlimited run, or the benchmark fails. A limit
that is too small for DuckDB even with spilling is reported with the kit's message (an
``InputError`` naming the limits and the fix), not as a crash.

Usage::

    python benchmarks/funnel_out_of_core.py                       # 10M-event sample log
    python benchmarks/funnel_out_of_core.py --limits 2GB,250MB,100MB,50MB
    python benchmarks/funnel_out_of_core.py --parquet events.parquet
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from funnel import STEPS, WINDOW_DAYS, make_log, peak_rss_mb


def child(path: str, limit: str) -> None:
    """One call under ``limit`` (``"none"``: DuckDB's default, 80% of RAM); prints JSON."""
    import duckdb

    import mktkit as mk

    with tempfile.TemporaryDirectory(prefix="mk-spill-") as spill:
        con = duckdb.connect()
        if limit != "none":
            con.execute(f"SET memory_limit = '{limit}'")
        con.execute("SET threads = 2")
        con.execute(f"SET temp_directory = '{spill}'")
        peak = [0]
        done = threading.Event()

        def poll() -> None:  # the temporary files exist only while the query runs
            while not done.is_set():
                try:
                    size = sum(e.stat().st_size for e in os.scandir(spill))
                except OSError:  # a file removed while we looked
                    continue
                peak[0] = max(peak[0], size)
                time.sleep(0.01)

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        t0 = time.perf_counter()
        try:
            res = mk.funnel(path, STEPS, window=f"{WINDOW_DAYS}D", engine="duckdb", con=con)
            users, error = [int(u) for u in res["users"]], None
        except mk.InputError as err:
            users, error = None, str(err).split(". Fix:")[0]
        seconds = time.perf_counter() - t0
        done.set()
        watcher.join()
    out = {"seconds": seconds, "users": users, "error": error}
    out |= {"peak_mb": peak_rss_mb(), "spill_mb": peak[0] / 2**20}
    print(json.dumps(out))


def measure(path: Path, limit: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", limit, "--parquet", str(path)],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"memory_limit {limit}: the process failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def arrow_mb(path: Path) -> float:
    """The size of the columns the funnel reads (user_id, ts, event) once read into memory as
    Arrow: what a reader must hold to have the log in memory."""
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=["user_id", "ts", "event"]).nbytes / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parquet", help="an existing events log (Parquet)")
    parser.add_argument("--events", type=int, default=10_000_000, help="events to generate")
    parser.add_argument("--out", default="/tmp/mktkit_bench", help="where to generate the log")
    parser.add_argument(
        "--limits", default="none,1GB,250MB,100MB,50MB", help="memory_limit values, comma-separated"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.parquet, args.child)
        return
    path = Path(args.parquet) if args.parquet else make_log(args.events, Path(args.out))
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(path).metadata.num_rows
    print(
        f"log: {path} ({rows:,} events; user_id, ts and event in memory: {arrow_mb(path):.0f} MB)"
    )
    limits = args.limits.split(",")
    results = {limit: measure(path, limit) for limit in limits}
    print(f"\n{'memory_limit':<13} {'s':>6} {'peak MB':>8} {'spilled MB':>11}  users per step")
    reference = None
    for limit, r in results.items():
        if r["error"]:
            print(f"{limit:<13} {r['seconds']:>6.2f} {r['peak_mb']:>8.0f} {r['spill_mb']:>11.0f}")
            print(f"{'':<13} refused: {r['error']}")
            continue
        reference = reference or r["users"]
        print(
            f"{limit:<13} {r['seconds']:>6.2f} {r['peak_mb']:>8.0f} {r['spill_mb']:>11.0f}  "
            f"{r['users']}"
        )
        if r["users"] != reference:
            raise SystemExit(f"memory_limit {limit} gave {r['users']}, not {reference}")


if __name__ == "__main__":
    main()
