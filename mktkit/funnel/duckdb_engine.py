"""The DuckDB engine of event funnels: every step is SQL, the event log never enters Python.

The source (a pandas DataFrame, a Parquet path or glob, a DuckDB relation) is scanned once into
a compact temporary table ``mk_ev`` (user, time in integer nanoseconds, event-name number and the
``by`` attributes), keeping only the rows whose event is a funnel step (all rows for
``mode="strict"``, where the others break a chain). DuckDB spills temporary tables to disk, so a
log larger than memory works.

The ordered algorithm (ClickHouse ``windowFunnel(w, 'strict_once')``)
-----------------------------------------------------------------------
For one anchor (a step-1 event) the best chain is greedy: each next step is the earliest event
that can fill it at or after the previous step. Exchange argument: a chain that reaches step
``k`` by time ``t`` can be replaced, step by step, by the greedy one, which is never later; only
rows at one timestamp compete for steps, and that is a matching solved per block
(:func:`mktkit.funnel.spec.block_reach`). So a user's level is the longest greedy chain over
their anchors, computed for all anchors at once:

1. *targets* ``T(u, j, t, e)``: every time ``t`` at which step ``j`` can be filled, and ``e``, the
   step the chain has reached after that timestamp. When no event name fills two steps, ``T`` is
   the rows themselves (``e = j``) and the next step is searched at or after the current time
   (``>=``: ties count, in step order). When names repeat, rows of one timestamp are grouped
   into blocks whose reach ``e`` comes from the matching, and the search is strictly later.
   ``strict_increase`` uses the rows with a strictly-later search (distinct times never share
   a row).
2. *anchors*: every step-1 target starts a chain.
3. *rounds*: at most ``n - 1`` ASOF joins move every chain to the earliest target of its next
   step while that target stays within ``window`` of the chain's anchor (the boundary counts);
   chains that cannot move leave the loop.
4. a user's level is their longest chain; the chain reported for ``by=`` and for the times is
   the one of the earliest anchor reaching that level ("first touch").

``mode="strict"`` (ClickHouse ``strict_order``) and ``mode="unordered"`` are built on the same
tables; see :func:`strict_levels` and :func:`unordered_levels`.

Examples
--------
>>> import pandas as pd
>>> from mktkit.funnel.spec import FunnelSpec
>>> ev = pd.DataFrame({"user_id": [1, 1, 2], "event": ["visit", "purchase", "visit"],
...                    "ts": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 11:00",
...                                          "2025-01-02 09:00"])})
>>> spec = FunnelSpec.build(["visit", "purchase"], window="1D")
>>> levels(ev, spec, user="user_id", time="ts", event="event").sort_values("user_id")
   user_id  level
0        1      2
1        2      1
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from mktkit.engines.duckdb import connect, engine_error, qi, ql
from mktkit.errors import InputError, require_columns
from mktkit.funnel.spec import FunnelSpec, reach_table

# ---------------------------------------------------------------------------------------------
# the source
# ---------------------------------------------------------------------------------------------


class Source:
    """A registered input: the view ``mk_src`` in ``con`` plus what is needed to report rows.

    Parameters
    ----------
    con : duckdb connection
    data : DataFrame, str or Path (Parquet file or glob), or DuckDB relation
    columns : list of str
        The columns the computation reads (checked to exist).
    table : str
        The table's name in error messages.
    """

    def __init__(self, con: Any, data: Any, columns: Sequence[str], table: str = "events"):
        self.con, self.data, self.table = con, data, table
        self.in_place = False  # a relation registered in ``con`` itself
        self.columns = list(dict.fromkeys(columns))
        self.kind = _kind(data)
        if self.kind == "pandas":
            require_columns(data, self.columns, table=table)
            con.register("mk_src", data[self.columns])
        elif self.kind == "parquet":
            self.pattern = str(data)
            if not any(ch in self.pattern for ch in "*?[") and not Path(self.pattern).exists():
                raise InputError(
                    f"no such file {self.pattern!r}",
                    table=table,
                    fix="give a Parquet file, a glob such as 'events/*.parquet', "
                    "a pandas DataFrame or a DuckDB relation",
                )
            try:
                rel = con.sql(f"SELECT * FROM read_parquet({ql(self.pattern)})")
                have = list(rel.columns)
            except duckdb.Error as err:
                raise InputError(
                    f"cannot read {self.pattern!r} as Parquet ({err})".split("\n")[0],
                    table=table,
                    fix="give Parquet files; read CSV or Excel with mk.read_table first",
                ) from None
            _require(have, self.columns, table)
            cols = ", ".join(qi(c) for c in self.columns)
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW mk_src AS SELECT {cols} "
                f"FROM read_parquet({ql(self.pattern)})"
            )
        else:
            _require(list(data.columns), self.columns, table)
            self._register_relation()
        self.types = {
            name: str(typ) for name, typ, *_ in con.sql("DESCRIBE SELECT * FROM mk_src").fetchall()
        }

    def _register_relation(self) -> None:
        """Register the relation as ``mk_src``.

        A relation of ``con`` itself (``con.table("events")`` passed with ``con=con``) is
        registered in place: DuckDB plans it like a view, so a log larger than memory stays on
        disk, and no open result blocks the next query (streaming it from its own connection
        would). DuckDB refuses that for a relation of another connection, whose rows are then
        streamed as Arrow batches into ours.
        """
        cols = ", ".join(qi(c) for c in self.columns)
        try:
            self.con.register("mk_src", self.data.project(cols))
            self.in_place = True
        except duckdb.InvalidInputException:  # a relation of another connection
            self.con.register("mk_src", self._reader())

    def _reader(self) -> Any:
        cols = ", ".join(qi(c) for c in self.columns)
        return self.data.query("mk_rel", f"SELECT {cols} FROM mk_rel").to_arrow_reader()

    def time_expr(self, column: str) -> str:
        """SQL turning ``column`` into integer nanoseconds; NULL where it does not parse."""
        typ = self.types[column].upper()
        col = qi(column)
        if typ.startswith("TIMESTAMP"):
            return f"epoch_ns({col})"
        if typ == "DATE":
            return f"epoch_ns(CAST({col} AS TIMESTAMP))"
        if typ in ("VARCHAR", "STRING") or typ.startswith("ENUM"):
            # as the pandas engine: text with an offset (or Z) is the instant in UTC, naive
            # text keeps its wall clock (a plain TIMESTAMP cast would drop the offset)
            text = f"trim(CAST({col} AS VARCHAR))"
            return (
                f"CASE WHEN regexp_matches({text}, '(Z|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$') "
                f"THEN epoch_ns(TRY_CAST({text} AS TIMESTAMPTZ)) "
                f"ELSE epoch_ns(TRY_CAST({text} AS TIMESTAMP)) END"
            )
        raise InputError(
            f"column holds {typ} values, not timestamps",
            table=self.table,
            column=column,
            fix="give date-times (or ISO 8601 text such as '2025-11-11 20:00:00')",
        )

    def bad_rows(self, column: str, condition: str) -> tuple[dict[Any, Any], int]:
        """Up to five offending rows ``{1-based row: value}`` where ``condition`` holds, and
        how many there are. Only called once something is known to be wrong."""
        if self.kind == "parquet":
            cols = ", ".join(qi(c) for c in self.columns)
            sql = (
                f"SELECT filename, file_row_number + 1 AS row, {qi(column)} AS value FROM ("
                f"SELECT {cols}, filename, file_row_number FROM read_parquet("
                f"{ql(self.pattern)}, filename = true, file_row_number = true)) WHERE {condition}"
            )
            n = self.con.sql(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
            rows = self.con.sql(f"{sql} ORDER BY filename, row LIMIT 5").fetchall()
            if any(ch in self.pattern for ch in "*?["):
                return {f"{Path(f).name}:{r}": v for f, r, v in rows}, n
            return {r: v for _, r, v in rows}, n
        # a DataFrame or a relation: DuckDB keeps the scan order of a plain projection
        # a stream is read once: a relation of another connection is streamed again into a
        # connection of its own
        con = self.con if self.kind == "pandas" or self.in_place else connect()
        if con is not self.con:
            con.register("mk_src", self._reader())
        frame = con.sql(f"SELECT {qi(column)} AS value, ({condition}) AS bad FROM mk_src").df()
        if con is not self.con:
            con.close()
        where = frame.index[frame["bad"].fillna(False).astype(bool)]
        values = (frame["value"].iloc[i] for i in where[:5])
        return {
            int(i) + 1: (v.item() if isinstance(v, np.generic) else v)
            for i, v in zip(where[:5], values, strict=True)
        }, len(where)


def _kind(data: Any) -> str:
    if isinstance(data, pd.DataFrame):
        return "pandas"
    if isinstance(data, str | Path):
        return "parquet"
    if isinstance(data, duckdb.DuckDBPyRelation):
        return "relation"
    raise InputError(
        f"events must be a pandas DataFrame, a Parquet path or a DuckDB relation, "
        f"not {type(data).__name__}",
        table="events",
    )


def _require(have: list[str], need: list[str], table: str) -> None:
    require_columns(pd.DataFrame(columns=have), need, table=table)


# ---------------------------------------------------------------------------------------------
# loading the compact table
# ---------------------------------------------------------------------------------------------


def _name_case(spec: FunnelSpec, event: str) -> str:
    col = f"CAST({qi(event)} AS VARCHAR)"
    whens = " ".join(f"WHEN {ql(n)} THEN {k}" for k, n in enumerate(spec.names, 1))
    return f"CASE WHEN {col} IS NULL THEN NULL ELSE (CASE {col} {whens} ELSE 0 END) END"


def load(
    src: Source,
    spec: FunnelSpec,
    *,
    user: str,
    time: str,
    event: str,
    by: Sequence[str],
    keep_all: bool,
) -> None:
    """Create ``mk_ev(u, t, nid, b0..)``: funnel rows (every row when ``keep_all``), checked.

    Null users, null or unparseable times and null event names are refused with the rows.
    """
    con = src.con
    texpr = src.time_expr(time)
    bys = "".join(f", {qi(b)} AS b{i}" for i, b in enumerate(by))
    keep = "TRUE" if keep_all else "nid <> 0 OR nid IS NULL OR u IS NULL OR t IS NULL"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE mk_ev AS SELECT * FROM ("
        f"SELECT {qi(user)} AS u, {texpr} AS t, ({_name_case(spec, event)})::USMALLINT AS nid"
        f"{bys} FROM mk_src) WHERE {keep}"
    )
    n_u, n_t, n_e = con.sql(
        "SELECT count(*) FILTER (u IS NULL), count(*) FILTER (t IS NULL), "
        "count(*) FILTER (nid IS NULL) FROM mk_ev"
    ).fetchall()[0]
    problems = []
    if n_u:
        rows, n = src.bad_rows(user, f"{qi(user)} IS NULL")
        problems.append(
            InputError(
                f"{n} row(s) have no user",
                table=src.table,
                column=user,
                rows=rows,
                fix="drop or fill rows without a user id",
            )
        )
    if n_t:
        rows, n = src.bad_rows(time, f"({texpr}) IS NULL")
        problems.append(
            InputError(
                f"{n} row(s) have a missing or unparseable time",
                table=src.table,
                column=time,
                rows=rows,
                fix="give every event a date-time such as '2025-11-11 20:00:00'",
            )
        )
    if n_e:
        rows, n = src.bad_rows(event, f"{qi(event)} IS NULL")
        problems.append(
            InputError(
                f"{n} row(s) have no event name",
                table=src.table,
                column=event,
                rows=rows,
                fix="drop or name the events without a name",
            )
        )
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputError("the events cannot be used", table=src.table, problems=problems)


def names_present(con: Any) -> set[int]:
    """Name numbers that occur in ``mk_ev`` (to warn about names absent from the data)."""
    return {r[0] for r in con.sql("SELECT DISTINCT nid FROM mk_ev WHERE nid > 0").fetchall()}


# ---------------------------------------------------------------------------------------------
# targets, with the per-block matching when names repeat
# ---------------------------------------------------------------------------------------------


def _sig_case(spec: FunnelSpec) -> str:
    whens = " ".join(f"WHEN {k} THEN {s}" for k, s in enumerate(spec.name_sigs, 1))
    return f"(CASE nid {whens} ELSE 0 END)"


def _in_names(nids: Sequence[int]) -> str:
    return "nid IN (" + ", ".join(str(k) for k in nids) + ")"


def make_targets(con: Any, spec: FunnelSpec, table: str) -> str:
    """Create the targets ``mk_t(u, j, t, e)`` from ``table``; return the comparison to use
    when searching the next target (``>=`` or ``>``)."""
    n = spec.n_steps
    if not spec.overlapping:
        case = " ".join(
            f"WHEN {k} THEN {spec.steps_of_sig(s)[0]}" for k, s in enumerate(spec.name_sigs, 1)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW mk_t AS SELECT u, j, t, j AS e FROM ("
            f"SELECT u, t, (CASE nid {case} END)::UTINYINT AS j FROM {table} WHERE nid > 0)"
        )
        return ">" if spec.strict_increase else ">="
    pairs = ", ".join(
        f"({k}, {j})" for k, s in enumerate(spec.name_sigs, 1) for j in spec.steps_of_sig(s)
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE mk_pairs AS FROM (VALUES {pairs}) v(nid, j)")
    if spec.strict_increase:  # strictly later times never share a row: the rows are the targets
        con.execute(
            "CREATE OR REPLACE TEMP VIEW mk_t AS SELECT e.u, p.j::UTINYINT AS j, e.t, "
            f"p.j::UTINYINT AS e FROM {table} e JOIN mk_pairs p USING (nid)"
        )
        return ">"
    classes = spec.sig_classes
    counts = ", ".join(
        f"count(*) FILTER (WHERE {_in_names(spec.names_of_sig(s))}) AS c{i}"
        for i, s in enumerate(classes)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE mk_blk AS SELECT u, t, count(*) AS n_rows, "
        f"bit_or({_sig_case(spec)}) AS m, {counts} FROM {table} WHERE nid > 0 GROUP BY u, t"
    )
    capped = [f"least(c{i}, {n}) AS c{i}" for i in range(len(classes))]
    patterns = con.sql(f"SELECT DISTINCT {', '.join(capped)} FROM mk_blk WHERE n_rows > 1").df()
    reach = reach_table(patterns, spec, range(1, n + 1))
    con.register("mk_reach", reach)
    on = " AND ".join(f"r.c{i} = least(b.c{i}, {n})" for i in range(len(classes)))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_t AS SELECT b.u, s.j::UTINYINT AS j, b.t, "
        "(CASE WHEN b.n_rows = 1 THEN s.j ELSE r.e END)::UTINYINT AS e "
        f"FROM mk_blk b JOIN range(1, {n + 1}) s(j) ON (b.m >> (s.j - 1)::INTEGER) & 1 = 1 "
        f"LEFT JOIN mk_reach r ON b.n_rows > 1 AND r.j = s.j AND {on} "
        "WHERE b.n_rows = 1 OR r.e IS NOT NULL"
    )
    return ">"


# ---------------------------------------------------------------------------------------------
# the ordered chains
# ---------------------------------------------------------------------------------------------


def _step(spec: FunnelSpec, *, detail: bool) -> str:
    """Select-list moving chain ``s`` to the target ``x`` found for its next step, if the
    target exists and lies within the window of the chain's anchor (the boundary counts)."""
    ok = "x.t IS NOT NULL"
    if spec.window_ns is not None:
        ok += f" AND x.t <= s.a + {spec.window_ns}"
    cols = [
        "s.u",
        "s.a",
        f"CASE WHEN {ok} THEN x.t ELSE s.c END AS c",
        f"(CASE WHEN {ok} THEN x.e ELSE s.r END)::UTINYINT AS r",
        f"({ok}) AS moved",
    ]
    if detail:  # when each step was reached; the steps filled in one block share its time
        cols.append("s.t1")
        cols += [
            f"CASE WHEN {ok} AND s.r < {k} AND {k} <= x.e THEN x.t ELSE s.t{k} END AS t{k}"
            for k in range(2, spec.n_steps + 1)
        ]
    return ", ".join(cols)


def chains(con: Any, spec: FunnelSpec, table: str, *, detail: bool) -> None:
    """Create ``mk_done(u, a, r[, t1..tn])``: the greedy chain of every anchor ``a`` (a
    step-1 time) of ``table``, with the level ``r`` it reaches and, with ``detail``, the time
    it reached each step (NULL beyond ``r``)."""
    n = spec.n_steps
    cmp = make_targets(con, spec, table)
    # without repeated names a target fills exactly one step, so all live chains of round i
    # stand at step i and the search needs no step key
    uniform = spec.strict_increase or not spec.overlapping
    times = ""
    if detail:
        times = ", t AS t1, " + ", ".join(
            f"CASE WHEN e >= {k} THEN t END AS t{k}" for k in range(2, n + 1)
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_s AS SELECT u, t AS a, t AS c, e::UTINYINT AS r, "
        f"TRUE AS moved{times} FROM mk_t WHERE j = 1"
    )
    keep = "u, a, r" + (", " + ", ".join(f"t{k}" for k in range(1, n + 1)) if detail else "")
    finished = f"NOT moved OR r >= {n}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE mk_done AS SELECT {keep} FROM mk_s WHERE {finished}")
    for i in range(1, n):  # live chains stand at step >= i: each round moves them >= 1 step
        con.execute(f"DELETE FROM mk_s WHERE {finished}")
        if con.sql("SELECT count(*) FROM mk_s").fetchall()[0][0] == 0:
            break
        if uniform:
            target = f"(SELECT u, t, e FROM mk_t WHERE j = {i + 1}) x ON s.u = x.u"
        else:
            target = f"(SELECT u, j, t, e FROM mk_t WHERE j > {i}) x ON s.u = x.u AND s.r + 1 = x.j"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE mk_s AS SELECT {_step(spec, detail=detail)} "
            f"FROM mk_s s ASOF LEFT JOIN {target} AND x.t {cmp} s.c"
        )
        con.execute(f"INSERT INTO mk_done SELECT {keep} FROM mk_s WHERE {finished}")
    con.execute(f"INSERT INTO mk_done SELECT {keep} FROM mk_s WHERE NOT ({finished})")


def first_touch(con: Any, spec: FunnelSpec, level_table: str) -> None:
    """Create ``mk_pick(u, level, f, time_1..time_n)``: for each user of ``level_table(u,
    level)`` with level >= 1, the earliest anchor ``f`` whose chain reaches ``level`` and the
    times that chain reached steps 1..level."""
    times = ", ".join(
        f"CASE WHEN {k} <= level THEN t{k} END AS time_{k}" for k in range(1, spec.n_steps + 1)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE mk_pick AS SELECT u, level, a AS f, {times} FROM ("
        "SELECT d.*, L.level, row_number() OVER (PARTITION BY d.u ORDER BY d.a) AS k "
        f"FROM mk_done d JOIN {level_table} L USING (u) WHERE L.level >= 1 AND d.r >= L.level"
        ") WHERE k = 1"
    )


def attach_attributes(con: Any, spec: FunnelSpec, table: str, n_by: int) -> None:
    """Create ``mk_attr(u, b0..)``: the ``by`` values of the step-1 row at each pick's anchor
    time (the smallest values when several step-1 rows share that instant)."""
    if not n_by:
        con.execute("CREATE OR REPLACE TEMP TABLE mk_attr AS SELECT u FROM mk_pick")
        return
    order = ", ".join(f"e.b{i}" for i in range(n_by))
    firsts = ", ".join(f"first(e.b{i} ORDER BY {order}) AS b{i}" for i in range(n_by))
    step1 = _in_names([k for k, s in enumerate(spec.name_sigs, 1) if s & 1])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE mk_attr AS SELECT p.u, {firsts} FROM mk_pick p "
        f"JOIN {table} e ON e.u = p.u AND e.t = p.f AND e.{step1} GROUP BY p.u"
    )


# ---------------------------------------------------------------------------------------------
# the three modes
# ---------------------------------------------------------------------------------------------


def ordered_levels(con: Any, spec: FunnelSpec, *, detail: bool, n_by: int) -> str:
    """Levels of ``mode="ordered"``; returns the name of the result table."""
    chains(con, spec, "mk_ev", detail=detail)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_lvl AS SELECT u, max(r)::INTEGER AS level "
        "FROM mk_done GROUP BY u"
    )
    if not detail:
        return "mk_lvl"
    first_touch(con, spec, "mk_lvl")
    attach_attributes(con, spec, "mk_ev", n_by)
    return "mk_pick"


def strict_levels(con: Any, spec: FunnelSpec, *, detail: bool, n_by: int) -> str:
    """Levels of ``mode="strict"``, ClickHouse ``windowFunnel(w, 'strict_order', 'strict_once')``.

    ClickHouse walks a user's events in time order (at one instant: events matching no step
    first, then by step number) and stops for good at the first of:

    * an event that matches no step, once a step-1 event has been seen;
    * an event for step ``k >= 3`` while no chain has reached step ``k - 1`` yet.

    The level is what the ordinary ordered chains had reached at that point. Set-based: the
    segment is the funnel rows from the first step-1 time ``F`` up to (excluding) the first
    other event after ``F``; on it the ordered chains give ``T_k``, the earliest time level
    ``k`` is reached; the stop is the first segment row for a step ``k >= 3`` earlier than
    ``T_(k-1)``; the level counts the ``T_k`` not after the stop.
    """
    n = spec.n_steps
    step1 = _in_names([k for k, s in enumerate(spec.name_sigs, 1) if s & 1])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_first AS SELECT u, min(t) AS tf FROM mk_ev "
        f"WHERE {step1} GROUP BY u"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_seg AS SELECT e.* FROM mk_ev e JOIN mk_first f "
        "USING (u) LEFT JOIN (SELECT e.u, min(e.t) AS tx FROM mk_ev e JOIN mk_first f USING (u) "
        "WHERE e.nid = 0 AND e.t > f.tf GROUP BY e.u) x USING (u) "
        "WHERE e.nid > 0 AND e.t >= f.tf AND (x.tx IS NULL OR e.t < x.tx)"
    )
    chains(con, spec, "mk_seg", detail=True)
    reached = ", ".join(f"min(t{k}) AS T{k}" for k in range(1, n + 1))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE mk_reached AS SELECT u, {reached} FROM mk_done GROUP BY u"
    )
    pairs = ", ".join(
        f"({k}, {j})"
        for k, s in enumerate(spec.name_sigs, 1)
        for j in spec.steps_of_sig(s)
        if j >= 3
    )
    if pairs:  # rows for a step k >= 3 seen before any chain reached step k - 1 stop the walk
        before = "CASE p.j " + " ".join(f"WHEN {j} THEN R.T{j - 1}" for j in range(3, n + 1))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE mk_stop AS SELECT e.u, min(e.t) AS tb FROM mk_seg e "
            f"JOIN (VALUES {pairs}) p(nid, j) USING (nid) JOIN mk_reached R USING (u) "
            f"WHERE ({before} END) IS NULL OR e.t < ({before} END) GROUP BY e.u"
        )
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE mk_stop AS SELECT u, t AS tb FROM mk_ev LIMIT 0")
    count = " + ".join(
        f"(R.T{k} IS NOT NULL AND (s.tb IS NULL OR R.T{k} <= s.tb))::INTEGER"
        for k in range(1, n + 1)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE mk_lvl AS SELECT R.u, ({count}) AS level "
        "FROM mk_reached R LEFT JOIN mk_stop s USING (u)"
    )
    if not detail:
        return "mk_lvl"
    first_touch(con, spec, "mk_lvl")
    attach_attributes(con, spec, "mk_seg", n_by)
    return "mk_pick"


def unordered_levels(con: Any, spec: FunnelSpec, *, detail: bool, n_by: int) -> str:
    """Levels of ``mode="unordered"``: the largest ``k`` such that steps 1..k are each filled
    by a different event inside one window (any order; without a window, anywhere).

    For every event as window start, the rows of each signature class in ``[t, t + window]``
    are counted with a window function; the distinct count patterns are matched once each
    (:func:`mktkit.funnel.spec.block_reach` from step 1). The pick for ``by=`` is the earliest step-1 event of the
    earliest best window.
    """
    n = spec.n_steps
    classes = spec.sig_classes
    k = len(classes)
    if spec.window_ns is None:
        cnt = ", ".join(
            f"least(count(*) FILTER (WHERE {_in_names(spec.names_of_sig(s))}), {n}) AS c{i}"
            for i, s in enumerate(classes)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE mk_win AS SELECT u, min(t) AS t, {cnt} FROM mk_ev "
            "GROUP BY u"
        )
    else:
        cnt = ", ".join(
            f"least(count(*) FILTER (WHERE {_in_names(spec.names_of_sig(s))}) OVER w, {n}) AS c{i}"
            for i, s in enumerate(classes)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE mk_win AS SELECT u, t, {cnt} FROM mk_ev WINDOW w AS "
            f"(PARTITION BY u ORDER BY t RANGE BETWEEN CURRENT ROW AND {spec.window_ns} "
            "FOLLOWING)"
        )
    cols = [f"c{i}" for i in range(k)]
    patterns = con.sql(f"SELECT DISTINCT {', '.join(cols)} FROM mk_win").df()
    reach = reach_table(patterns, spec, [1])
    con.register("mk_reach", reach)
    on = " AND ".join(f"r.{c} = w.{c}" for c in cols)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_wl AS SELECT w.u, w.t, coalesce(r.e, 0) AS level "
        f"FROM mk_win w LEFT JOIN mk_reach r ON {on}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_lvl AS SELECT u, max(level)::INTEGER AS level, "
        "arg_min(t, (-level, t)) AS s FROM mk_wl GROUP BY u"
    )
    if not detail:
        return "mk_lvl"
    step1 = _in_names([k for k, s in enumerate(spec.name_sigs, 1) if s & 1])
    nulls = ", ".join(f"NULL::BIGINT AS time_{j}" for j in range(2, n + 1))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mk_pick AS SELECT L.u, L.level, x.t AS f, "
        f"x.t AS time_1, {nulls} FROM mk_lvl L ASOF LEFT JOIN "
        f"(SELECT DISTINCT u, t FROM mk_ev WHERE {step1}) x ON L.u = x.u AND x.t >= L.s "
        "WHERE L.level >= 1"
    )
    attach_attributes(con, spec, "mk_ev", n_by)
    return "mk_pick"


_MODES = {"ordered": ordered_levels, "strict": strict_levels, "unordered": unordered_levels}


def levels(
    events: Any,
    spec: FunnelSpec,
    *,
    user: str,
    time: str,
    event: str,
    by: Sequence[str] = (),
    detail: bool = False,
    con: Any = None,
    table: str = "events",
) -> pd.DataFrame:
    """Per-user levels computed in DuckDB.

    Returns a DataFrame with the user column and ``level`` for every user who entered the
    funnel (level >= 1; a user without a qualifying step-1 event has level 0 and no row); with
    ``detail`` also ``entered_at`` (the picked step-1 time, integer ns),
    ``time_1..time_n`` (integer ns, NA beyond the level) and the ``by`` columns. The frame
    carries ``attrs["missing_names"]``: funnel names absent from the data.
    """
    own = con is None
    con = connect() if own else con
    try:
        cols = [user, time, event, *by]
        src = Source(con, events, cols, table=table)
        load(src, spec, user=user, time=time, event=event, by=by, keep_all=spec.mode == "strict")
        present = names_present(con)
        result = _MODES[spec.mode](con, spec, detail=detail, n_by=len(by))
        if detail:
            times = ", ".join(f"p.time_{k}" for k in range(1, spec.n_steps + 1))
            attrs = "".join(f", a.b{i} AS {qi(b)}" for i, b in enumerate(by))
            out = con.sql(
                f"SELECT p.u AS {qi(user)}, p.level, p.f AS entered_at, {times}{attrs} "
                f"FROM {result} p LEFT JOIN mk_attr a USING (u) ORDER BY p.u"
            ).df()
        else:
            out = con.sql(
                f"SELECT u AS {qi(user)}, level FROM {result} WHERE level >= 1 ORDER BY u"
            ).df()
        out.attrs["missing_names"] = [
            name for k, name in enumerate(spec.names, 1) if k not in present
        ]
        return out
    except duckdb.Error as err:  # an engine failure the checks above did not foresee
        raise engine_error(con, err, table=table, what="the funnel") from err
    finally:
        _release(con, own)


def last_time(events: Any, time: str, *, con: Any = None, table: str = "events") -> int | None:
    """The latest time of the log (any event) in integer nanoseconds, read as the funnel reads
    times (:meth:`Source.time_expr`); None when the log is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"ts": ["2026-10-30 23:00", "2026-10-31 06:00+08:00"]})
    >>> pd.Timestamp(last_time(ev, "ts"))   # 06:00 at +08:00 is 22:00 UTC, before 23:00
    Timestamp('2026-10-30 23:00:00')
    """
    own = con is None
    con = connect() if own else con
    try:
        src = Source(con, events, [time], table=table)
        return con.sql(f"SELECT max({src.time_expr(time)}) FROM mk_src").fetchall()[0][0]
    except duckdb.Error as err:
        raise engine_error(con, err, table=table, what="the last time of the log") from err
    finally:
        _release(con, own)


def _release(con: Any, own: bool) -> None:
    """Close a connection of ours; in a caller's, drop what we registered and created."""
    if own:
        con.close()
        return
    for name in ("mk_src", "mk_reach"):
        try:
            con.unregister(name)
        except Exception:  # nothing registered under that name
            pass
    for row in con.sql(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_name LIKE 'mk\\_%' ESCAPE '\\' AND table_schema = 'main' "
        "AND table_catalog = 'temp'"
    ).fetchall():
        kind = "VIEW" if "VIEW" in row[1] else "TABLE"
        con.execute(f"DROP {kind} IF EXISTS {qi(row[0])}")
