"""The AARRR lifecycle funnel (McClure 2007): users who meet each stage's condition, in turn.

Examples
--------
>>> AARRR_STAGES
('acquisition', 'activation', 'retention', 'referral', 'revenue')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mktkit.engines.duckdb import connect, engine_error, qi, ql
from mktkit.errors import InputError
from mktkit.funnel.result import FunnelResult, by_list, level_counts, summarize

#: McClure's pirate metrics, in their usual order.
AARRR_STAGES = ("acquisition", "activation", "retention", "referral", "revenue")


def _stage_sql(name: str, definition: Any, event: str) -> tuple[str, int, int]:
    fix = (
        'define a stage as an event name, a list of names, or a dict with "events" and/or '
        '"where" (an SQL condition on the event columns) and optional "min_days", '
        '"min_count"'
    )
    if isinstance(definition, str) or (
        isinstance(definition, Sequence) and not isinstance(definition, Mapping)
    ):
        definition = {"events": definition}
    if not isinstance(definition, Mapping):
        raise InputError(
            f"stage {name!r}: {definition!r} is not a stage definition", column="stages", fix=fix
        )
    unknown = set(definition) - {"events", "where", "min_days", "min_count"}
    if unknown or not ({"events", "where"} & set(definition)):
        raise InputError(
            f"stage {name!r}: {dict(definition)!r} is not a stage definition",
            column="stages",
            fix=fix,
        )
    parts = []
    if "events" in definition:
        names = definition["events"]
        names = [names] if isinstance(names, str) else list(names)
        if not names or not all(isinstance(n, str) for n in names):
            raise InputError(f"stage {name!r}: events must be names", column="stages", fix=fix)
        parts.append(f"CAST({qi(event)} AS VARCHAR) IN (" + ", ".join(map(ql, names)) + ")")
    if "where" in definition:
        if not isinstance(definition["where"], str) or not definition["where"].strip():
            raise InputError(f"stage {name!r}: where must be an SQL condition", column="stages")
        parts.append(f"({definition['where']})")
    limits = []
    for key in ("min_days", "min_count"):
        value = definition.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise InputError(f"stage {name!r}: {key} must be a whole number >= 1", column="stages")
        limits.append(int(value))
    return " AND ".join(parts), limits[0], limits[1]


def aarrr(
    events: Any,
    stages: Mapping[str, Any],
    order: Sequence[str] | None = None,
    user: str = "user_id",
    time: str = "ts",
    event: str = "event",
    by: str | Sequence[str] | None = None,
    *,
    con: Any = None,
) -> FunnelResult:
    """The AARRR funnel (McClure 2007): acquisition, activation, retention, referral, revenue.

    Each stage is a condition on a user's events; a user is at stage k when they meet stages
    1..k (in any time order: AARRR describes users, not event sequences; for an ordered
    version use :func:`funnel` with the same events).

    Parameters
    ----------
    stages : mapping stage name -> definition
        A definition is an event name, a list of names, or a dict with ``"events"`` (names)
        and/or ``"where"`` (an SQL boolean expression on the event columns, run by DuckDB,
        e.g. ``"channel IN ('kol', 'affiliate')"``), and optionally ``"min_days"`` (the user
        meets it on at least that many distinct days, e.g. 2 for a returning user) and
        ``"min_count"`` (at least that many events).
    order : list of str, optional
        Stage order; default :data:`AARRR_STAGES` (then ``stages`` must define those five).
    by : str or list of str, optional
        Segment by the value on the user's first acquisition event (smallest value on ties).

    Returns
    -------
    FunnelResult
        The columns of :func:`funnel` with ``step`` = stage name.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"user_id": [1, 1, 1, 2], "event": ["visit", "signup", "purchase",
    ...     "visit"], "ts": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-03",
    ...     "2025-01-02"]), "channel": ["kol", "kol", "kol", "search"]})
    >>> res = aarrr(ev, {"acquisition": "visit", "activation": "signup",
    ...     "retention": {"events": "visit", "min_days": 1},
    ...     "referral": {"where": "channel = 'kol'"}, "revenue": "purchase"})
    >>> res["users"].tolist()
    [2, 1, 1, 1, 1]
    """
    import duckdb

    # DuckDB runs the stage conditions; it is imported when a stage funnel is computed
    from mktkit.funnel.duckdb_engine import Source

    if not isinstance(stages, Mapping):
        raise InputError("stages must map stage names to definitions", column="stages")
    order = list(AARRR_STAGES if order is None else order)
    missing = [s for s in order if s not in stages]
    extra = [s for s in stages if s not in order]
    if missing or extra or len(order) < 2 or len(set(order)) != len(order):
        raise InputError(
            f"stages {list(stages)!r} do not match the order {order!r}",
            column="stages",
            fix="define every stage of the order once (default: "
            + ", ".join(AARRR_STAGES)
            + "), or pass order=",
        )
    by = by_list(by)
    defs = [_stage_sql(name, stages[name], event) for name in order]
    own = con is None
    con = connect() if own else con
    try:
        # read every column: "where" conditions may use any of them
        cols = list(getattr(events, "columns", []))
        if not cols and isinstance(events, str | Path):
            cols = list(con.sql(f"SELECT * FROM read_parquet({ql(str(events))})").columns)
        src = Source(con, events, list(dict.fromkeys([user, time, event, *by, *cols])))
        texpr = src.time_expr(time)
        (bad,) = con.sql(
            f"SELECT count(*) FROM mk_src WHERE {qi(user)} IS NULL OR ({texpr}) IS NULL"
        ).fetchall()[0]
        if bad:
            for col, cond in ((user, f"{qi(user)} IS NULL"), (time, f"({texpr}) IS NULL")):
                rows, n = src.bad_rows(col, cond)
                if n:
                    raise InputError(
                        f"{n} row(s) have a missing or unparseable value",
                        table="events",
                        column=col,
                        rows=rows,
                        fix="drop or fill those rows",
                    )
        meets = []
        for i, (cond, min_days, min_count) in enumerate(defs):
            day = f"(({texpr}) // 86400000000000)"  # the calendar day of the (naive) time
            meets.append(
                f"(count(DISTINCT {day}) FILTER (WHERE {cond}) >= {min_days} AND "
                f"count(*) FILTER (WHERE {cond}) >= {min_count}) AS s{i}"
            )
        level = " + ".join(
            "(" + " AND ".join(f"s{j}" for j in range(i + 1)) + ")::INTEGER"
            for i in range(len(order))
        )
        firsts = "".join(
            f", first({qi(b)} ORDER BY {texpr}, "
            + ", ".join(qi(c) for c in by)
            + f") FILTER (WHERE {defs[0][0]}) AS {qi(b)}"
            for b in by
        )
        try:
            lv = con.sql(
                f"SELECT u AS {qi(user)}, ({level}) AS level{''.join(f', {qi(b)}' for b in by)} "
                f"FROM (SELECT {qi(user)} AS u, {', '.join(meets)}{firsts} FROM mk_src "
                f"GROUP BY {qi(user)}) WHERE s0 ORDER BY u"
            ).df()
        except duckdb.OutOfMemoryException as err:
            raise engine_error(con, err, table="events", what="the stages") from None
        except duckdb.Error as err:
            raise InputError(
                f"a stage condition failed in DuckDB: {str(err).splitlines()[0]}",
                column="stages",
                fix="check the where= expressions against the event columns",
            ) from None
    finally:
        if own:
            con.close()
    table = summarize(level_counts(lv, len(order), by), order, by)
    res = FunnelResult(table)
    res.levels = lv
    res.user_column = user
    res.by_columns = by
    return res
