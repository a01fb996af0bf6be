"""DuckDB, where the kit computes on tables it does not load into pandas: connections, errors
that say how to give DuckDB more room, SQL quoting, and the shared reductions run on pandas
tables.

The customer and channel reductions are one SQL text each, run by DuckDB on pandas input and
by Spark SQL on Spark input (:mod:`mktkit.engines.spark`). Money is summed as
``DECIMAL(38, 9)`` from each amount's shortest decimal text (:func:`money_sql`), so the sums
are exact and do not depend on the order of the rows.

Examples
--------
>>> import pandas as pd
>>> sql = f"SELECT CAST(sum({money_sql('x')}) AS STRING) AS s FROM {{t}}"
>>> exact = run_sql(sql, t=pd.DataFrame({"x": [0.1, 0.2]}))["s"]
>>> exact.tolist(), exact_floats(exact).tolist()     # 0.1 + 0.2 in floats is 0.30000000000000004
(['0.300000000'], [0.3])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError


def connect() -> Any:
    """A private in-memory DuckDB connection (it spills to a temporary directory when the data
    outgrow memory). Pass your own connection as ``con=`` to set ``memory_limit``,
    ``temp_directory`` or ``threads``."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")  # no progress bars in notebooks' output
    except duckdb.Error:
        # Inside a Jupyter kernel without ipywidgets DuckDB refuses to touch the setting at
        # all; it then draws no widget bar either, which is what we want.
        pass
    return con


def engine_error(con: Any, err: Exception, *, table: str, what: str) -> InputError:
    """The :class:`InputError` for a DuckDB failure, with the fix for running out of memory.

    DuckDB spills to ``temp_directory`` and fails only when even that cannot hold the work (or
    spilling is off); the message then names the connection's limits and how to raise them,
    instead of DuckDB's bare "failed to pin block".

    Examples
    --------
    >>> import duckdb
    >>> err = duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")
    >>> msg = str(engine_error(connect(), err, table="events", what="the funnel"))
    >>> msg.startswith("events: DuckDB ran out of memory computing the funnel (memory_limit ")
    True
    >>> "SET temp_directory" in msg
    True
    """
    import duckdb

    first = str(err).splitlines()[0] if str(err) else type(err).__name__
    if not isinstance(err, duckdb.OutOfMemoryException):
        return InputError(f"DuckDB could not compute {what}: {first}", table=table)
    try:
        ((limit, threads, spill),) = con.sql(
            "SELECT current_setting('memory_limit'), current_setting('threads'), "
            "current_setting('temp_directory')"
        ).fetchall()
    except duckdb.Error:  # a connection too broken to answer: give the advice without figures
        limit, threads, spill = "?", "?", "?"
    where = f"temp_directory {spill!r}" if spill else "spilling to disk off (temp_directory '')"
    return InputError(
        f"DuckDB ran out of memory computing {what} "
        f"(memory_limit {limit}, threads {threads}, {where})",
        table=table,
        fix="pass a connection with room for it, e.g. con = duckdb.connect(); "
        "con.execute(\"SET temp_directory = '/a/disk/with/space'\"); "
        "con.execute(\"SET memory_limit = '8GB'\"); con.execute('SET threads = 1'); "
        "and call again with con=con (and engine='duckdb'); each thread needs its own buffers, "
        "see https://duckdb.org/docs/stable/guides/troubleshooting/oom_errors",
    )


def qi(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def ql(value: str) -> str:
    """Quote an SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def money_sql(column: str) -> str:
    """An exact sum term: the amount's shortest decimal text as DECIMAL(38, 9)."""
    return f"CAST(CAST({column} AS STRING) AS DECIMAL(38, 9))"


def run_sql(sql: str, **tables: pd.DataFrame) -> pd.DataFrame:
    """Run a reduction on pandas tables: ``{name}`` in ``sql`` reads ``tables[name]``."""
    con = connect()
    try:
        for name, frame in tables.items():
            con.register(f"mk_{name}", frame)
        return con.sql(sql.format(**{name: f"mk_{name}" for name in tables})).df()
    finally:
        con.close()


def exact_floats(text: pd.Series) -> pd.Series:
    """Exact decimal sums (as text) as the nearest floats; missing is NaN."""
    values = [np.nan if v is None or v is pd.NA else float(v) for v in text.astype(object)]
    return pd.Series(values, index=text.index, dtype="float64")
