"""The funnel benchmark behind ``mktkit bench``: one engine, one generated log, one timing.

The log is the sample company's events log at the size asked (``mktkit sample --events N``),
written once as ``events_<N>.parquet`` in the output folder (the file name
benchmarks/funnel.py uses, so both share the cache). The funnel is the sample's five steps,
ordered, 7-day window. The clock runs around the funnel call, reading the file included;
starting Python, importing and starting Spark are not timed.

Examples
--------
>>> from mktkit.bench import run_bench, make_log                     # doctest: +SKIP
>>> path = make_log(1_000_000, "/tmp/mktkit_bench")                 # doctest: +SKIP
>>> run_bench("duckdb", path)["users"]                               # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from mktkit.data.generate import generate_sample
from mktkit.engines.spark import local_session
from mktkit.errors import InputError, check_argument
from mktkit.funnel import funnel

ENGINES = ("pandas", "duckdb", "scan", "spark")
STEPS = ["visit", "view_product", "add_to_cart", "checkout", "purchase"]
WINDOW = "7D"


def make_log(n_events: int, out: str | Path) -> Path:
    """The sample company's events log with about ``n_events`` rows, generated once into
    ``out/events_<n_events>.parquet`` (an existing file is reused)."""
    if isinstance(n_events, bool) or not isinstance(n_events, int) or n_events < 1:
        raise InputError(f"events={n_events!r} is not a whole number >= 1", column="events")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"events_{n_events}.parquet"
    if path.exists():
        return path
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        files = generate_sample(Path(tmp) / "sample", events=n_events)
        shutil.move(str(files["events"]), path)
    return path


def run_bench(
    engine: str, path: str | Path, *, spark: Any = None, master: str = "local[2]"
) -> dict[str, Any]:
    """Time the benchmark funnel on the Parquet log ``path`` with one engine.

    Parameters
    ----------
    engine : {"pandas", "duckdb", "scan", "spark"}
        ``"pandas"``, ``"duckdb"`` and ``"scan"`` are :func:`mktkit.funnel` engines on the
        file; ``"spark"`` reads the file with ``spark.read.parquet`` and computes in Spark.
    spark : SparkSession, optional
        The session for ``"spark"``; default a local session (:func:`mktkit.engines.spark.local_session`
        with ``master``), started before the clock.

    Returns
    -------
    dict
        ``engine``, ``seconds``, ``users`` (per step), ``events`` (rows of the log).
    """
    import pyarrow.parquet as pq

    check_argument("engine", ENGINES, engine)
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file {str(path)!r}", column="parquet")
    events = pq.ParquetFile(path).metadata.num_rows
    if engine == "spark":
        if spark is None:
            spark = local_session(master, conf={"spark.driver.memory": "4g"})
        t0 = time.perf_counter()
        res = funnel(spark.read.parquet(str(path)), STEPS, window=WINDOW)
        seconds = time.perf_counter() - t0
        res.levels.unpersist()
    else:
        t0 = time.perf_counter()
        res = funnel(str(path), STEPS, window=WINDOW, engine=engine)
        seconds = time.perf_counter() - t0
    return {
        "engine": engine,
        "seconds": seconds,
        "users": [int(u) for u in res["users"]],
        "events": events,
    }
