"""Each user's level on the engine that suits the log: pandas, DuckDB or the compiled scan.

:func:`engine_levels` checks the column arguments, picks the engine (``engine="auto"``: pandas
for a small DataFrame, the scan for a large log it computes exactly and that fits in memory,
DuckDB otherwise) and returns the same per-user levels whichever engine ran. The Spark engine
(:mod:`mktkit.funnel.spark_engine`) calls it on each group of users, with the pandas engine.

Examples
--------
>>> import pandas as pd
>>> from mktkit.funnel.spec import FunnelSpec
>>> ev = pd.DataFrame({"user_id": [1, 1], "event": ["visit", "buy"],
...                    "ts": pd.to_datetime(["2025-01-01", "2025-01-02"])})
>>> spec = FunnelSpec.build(["visit", "buy"], window="7D")
>>> engine_levels(ev, spec, user="user_id", time="ts", event="event", by=[], detail=False,
...               engine="pandas", con=None)["level"].tolist()
[2]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, check_argument
from mktkit.funnel import pandas_engine, scan
from mktkit.funnel.spec import FunnelSpec, FunnelWarning

ENGINES = ("auto", "duckdb", "pandas", "scan")


def engine_levels(
    events: Any,
    spec: FunnelSpec,
    *,
    user: str,
    time: str,
    event: str,
    by: list[str],
    detail: bool,
    engine: str,
    con: Any,
) -> pd.DataFrame:
    check_argument("engine", ENGINES, engine)
    for name, value in (("user", user), ("time", time), ("event", event)):
        if not isinstance(value, str):
            raise InputError(f"{name} must be a column name, got {value!r}", column=name)
    if engine == "auto":
        engine = _auto_engine(events, spec, by=by, detail=detail, con=con)
    if engine == "scan":
        if con is not None:
            raise InputError("con= is for engine='duckdb'", column="con")
        lv = scan.levels(events, spec, user=user, time=time, event=event, by=by, detail=detail)
    elif engine == "duckdb":
        # imported when it computes: importing DuckDB costs more than a small funnel
        from mktkit.funnel import duckdb_engine

        lv = duckdb_engine.levels(
            events, spec, user=user, time=time, event=event, by=by, detail=detail, con=con
        )
    else:
        if con is not None:
            raise InputError("con= is for engine='duckdb'", column="con")
        lv = pandas_engine.levels(
            events, spec, user=user, time=time, event=event, by=by, detail=detail
        )
    warn_missing_names(lv.attrs.get("missing_names", []), spec, event, stacklevel=4)
    if detail:
        for col in ["entered_at", *(f"time_{k}" for k in range(1, spec.n_steps + 1))]:
            lv[col] = _ns_to_datetime(lv[col])
    lv.attrs = {}
    return lv


#: ``engine="auto"`` computes a DataFrame of fewer rows than this with the pandas engine: on a
#: month of a region's events it answers before DuckDB has started (its import and SQL round
#: trips cost more than the work). Not for ``mode="unordered"``, where DuckDB is faster.
AUTO_PANDAS_MAX_ROWS = 200_000


def _auto_engine(events: Any, spec: FunnelSpec, *, by: list[str], detail: bool, con: Any) -> str:
    """``"pandas"`` for a small DataFrame, ``"scan"`` for a large log the compiled pass answers
    exactly and that fits in memory, else ``"duckdb"`` (every funnel, any size: it spills to
    disk). All three give the same numbers; this only picks the fastest."""
    if con is not None or isinstance(events, duckdb_relation_types()):
        return "duckdb"
    if (
        isinstance(events, pd.DataFrame)
        and len(events) < AUTO_PANDAS_MAX_ROWS
        and spec.mode != "unordered"
    ):
        return "pandas"
    if scan.supports(spec, by=by, detail=detail) is not None:
        return "duckdb"
    rows = scan.row_count(events)
    if rows is None or rows < scan.AUTO_MIN_ROWS or not scan.fits_in_memory(rows):
        return "duckdb"
    return "scan" if scan.available() else "duckdb"


def duckdb_relation_types() -> tuple[type, ...]:
    """DuckDB's relation type, without importing duckdb for a DataFrame or a path."""
    import sys

    mod = sys.modules.get("duckdb")
    return (mod.DuckDBPyRelation,) if mod is not None else ()


def warn_missing_names(
    missing: Sequence[str], spec: FunnelSpec, event: str, stacklevel: int
) -> None:
    """Warn (:class:`FunnelWarning`) about funnel event names that never occur in the data."""
    if not missing:
        return
    empty = [
        label
        for label, names in zip(spec.labels, spec.step_names, strict=True)
        if all(n in missing for n in names)
    ]
    msg = "event name(s) " + ", ".join(map(repr, missing)) + f" do not occur in column {event!r}"
    if empty:
        msg += "; so 0 users reach step(s) " + ", ".join(map(repr, empty))
    warnings.warn(msg + ". Check the spelling of the steps.", FunnelWarning, stacklevel=stacklevel)


def _ns_to_datetime(values: pd.Series) -> pd.Series:
    ints = values.astype("Int64").to_numpy("int64", na_value=np.iinfo("int64").min)
    return pd.Series(ints.view("datetime64[ns]"), index=values.index)  # int64 min is NaT
