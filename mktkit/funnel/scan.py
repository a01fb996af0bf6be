"""The scan engine of event funnels: ClickHouse's own ``windowFunnel`` pass, compiled.

ClickHouse computes ``windowFunnel(w, 'strict_once')`` by reading each user's events in time
order and keeping, for every level ``k``, the step-1 time of the chain that stands at level
``k`` with the *latest* anchor. That chain dominates every other chain at level ``k``: all later
events are at or after its last step (the pass runs in time order), so the only thing that
still tells chains apart is how long their window stays open, and the latest anchor's stays
open longest. An event of step ``k`` therefore extends the level ``k - 1`` chain when it lies
within ``window`` of that chain's anchor (the boundary counts), and a user's level is the
highest level reached. Ties at one instant are read in step order, so equal timestamps count.

This engine runs that pass over the whole log at once, with one state row per user, in a loop
compiled by numba: one read of the log, no sort when the log is already in time order (event
logs usually are), no join. A Parquet log with integer user ids is scanned batch by batch
while pyarrow decodes the next batches (the footers' statistics give the id range, so the
state exists before the first row); a log out of time order, with nulls or with ids beyond
those statistics is read whole instead and sorted or handed to DuckDB. On the
10-million-event sample log it is several times faster than the DuckDB engine and ClickHouse
itself (``benchmarks/funnel.py``).

It answers the common question only, where that pass is exact: ``mode="ordered"``, no event
name in two steps (lists of names are fine) and no ``strict_increase`` (where the latest anchor
no longer dominates: docs/methods.md, "Funnels and AARRR"), and per-user levels without
``by=`` or times to convert (which need the earliest longest chain, not the latest).
:func:`supports` says whether a funnel qualifies; ``engine="auto"`` uses this engine for large
logs that do and DuckDB for the rest. The tests hold it to the other engines and to ClickHouse
user by user.

Examples
--------
>>> import pandas as pd
>>> from mktkit.funnel.spec import FunnelSpec
>>> ev = pd.DataFrame({"user_id": [1, 1, 2], "event": ["visit", "purchase", "visit"],
...                    "ts": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 11:00",
...                                          "2025-01-02 09:00"])})
>>> spec = FunnelSpec.build(["visit", "purchase"], window="1D")
>>> levels(ev, spec, user="user_id", time="ts", event="event")
   user_id  level
0        1      2
1        2      1
"""

from __future__ import annotations

import glob as globbing
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, data_rows, require_columns
from mktkit.funnel import pandas_engine
from mktkit.funnel.spec import FunnelSpec

#: ``engine="auto"`` scans logs from this many rows on; below it DuckDB answers as fast and the
#: compiled loop's import (about 0.3 s for numba) would cost more than it saves.
AUTO_MIN_ROWS = 1_000_000
#: Bytes of memory a log row needs while scanned (the three columns read, the compact copy and
#: the per-user state); ``auto`` leaves larger logs to DuckDB, which spills to disk.
BYTES_PER_ROW = 48
#: The pass splits the users between this many threads (the compiled loop holds no GIL).
THREADS = max(1, min(2, os.cpu_count() or 1))
_UNITS_NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def supports(spec: FunnelSpec, *, by: Any = (), detail: bool = False) -> str | None:
    """None when the scan engine computes this funnel exactly, else why it does not.

    Examples
    --------
    >>> supports(FunnelSpec.build(["visit", "buy"], window="7D")) is None
    True
    >>> supports(FunnelSpec.build(["visit", "buy"], window="7D", mode="strict"))
    "mode='strict'"
    """
    if spec.mode != "ordered":
        return f"mode={spec.mode!r}"
    if spec.strict_increase:
        return "strict_increase=True"
    if spec.overlapping:
        return "an event name in two steps"
    if by:
        return "by="
    if detail:
        return "times to convert or entry times"
    return None


@cache
def available() -> bool:
    """Whether numba can be imported (it has wheels for the usual platforms)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _parquet_files(path: str | Path) -> list[str] | None:
    text = str(path)
    if any(ch in text for ch in "*?["):
        files = sorted(globbing.glob(text))
        return files or None
    return [text] if Path(text).is_file() else None


def row_count(events: Any) -> int | None:
    """Rows of a DataFrame or of Parquet files (from their footers), else None."""
    if isinstance(events, pd.DataFrame):
        return len(events)
    if isinstance(events, str | Path):
        files = _parquet_files(events)
        if not files:
            return None
        import pyarrow.parquet as pq

        try:
            return sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        except (OSError, ValueError):  # not Parquet: the DuckDB engine says so
            return None
    return None


def fits_in_memory(rows: int) -> bool:
    """Whether a log of ``rows`` rows can be scanned in a quarter of the available memory."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: assume a laptop's
        free = 4 * 2**30
    return rows * BYTES_PER_ROW <= free // 4


# ---------------------------------------------------------------------------------------------
# reading the log into three arrays
# ---------------------------------------------------------------------------------------------


def _step_of_name(spec: FunnelSpec) -> dict[str, int]:
    """The step (1-based) each funnel name fills; one step each in a funnel this engine takes."""
    return {n: spec.steps_of_sig(sig)[0] for n, sig in zip(spec.names, spec.name_sigs, strict=True)}


@dataclass(frozen=True)
class Chunk:
    """One piece of the log as the pass reads it: a row group of a Parquet file, or a whole
    DataFrame. ``codes`` number the event names of this chunk (``names``); ``lut`` gives the
    step each code fills (0: none)."""

    users: np.ndarray
    t: np.ndarray  # int64, in the log's time unit
    codes: np.ndarray
    lut: np.ndarray
    names: list[Any]


#: ``chunks in log order, ns per time unit``
Log = tuple[list[Chunk], int]


def _fast_unit(schema: Any, *, user: str, time: str, event: str) -> int | None:
    """ns per unit of the time column when the columns' Arrow types are ones the pass reads
    as they are (a timestamp, text or dictionary names; integer users are used as they are,
    others factorized), else None (the general loader parses and checks them)."""
    import pyarrow as pa

    ttype, etype = schema.field(time).type, schema.field(event).type
    if not pa.types.is_timestamp(ttype) or ttype.unit not in _UNITS_NS:
        return None
    if pa.types.is_dictionary(etype):
        etype = etype.value_type
    if not (pa.types.is_string(etype) or pa.types.is_large_string(etype)):
        return None
    return _UNITS_NS[ttype.unit]


def _chunk(batch: Any, step: dict[str, int]) -> Chunk | None:
    """A record batch of ``user, time, event`` (types accepted by :func:`_fast_unit`) as a
    chunk of views of its buffers; None when a column has nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if any(col.null_count for col in batch.columns):
        return None
    u, ev = batch.column(0), batch.column(2)
    if not pa.types.is_dictionary(ev.type):
        ev = pc.dictionary_encode(ev)
    names = ev.dictionary.to_pylist()
    return Chunk(
        users=u.to_numpy(zero_copy_only=pa.types.is_integer(u.type)),
        t=batch.column(1).to_numpy().view("int64"),
        codes=ev.indices.to_numpy(),
        lut=np.asarray([step.get(n, 0) for n in names], dtype=np.uint8),
        names=names,
    )


def _arrow_fast(table: Any, spec: FunnelSpec, *, user: str, time: str, event: str) -> Log | None:
    """The log's chunks straight from an Arrow table, one a record batch (no copy: the arrays
    are views of Arrow's buffers, and each batch keeps its own dictionary of names), or None
    when a column needs the checks and parsing of the general loader (nulls, text times, an
    unusual type)."""
    unit = _fast_unit(table.schema, user=user, time=time, event=event)
    if unit is None:
        return None
    step = _step_of_name(spec)
    chunks = []
    for batch in table.select([user, time, event]).to_batches():
        if not batch.num_rows:
            continue
        chunk = _chunk(batch, step)
        if chunk is None:
            return None
        chunks.append(chunk)
    return chunks, unit


def _read_pool() -> Any:
    """pyarrow's jemalloc pool where the wheel has it, else its default pool.

    The first read of a 10M-event log into the default pool (mimalloc in Linux wheels) took
    1.55 s against 0.81 s with jemalloc: medians of 6 alternating fresh processes each
    (``ARROW_DEFAULT_MEMORY_POOL``, pyarrow 26, 2 cores). Only this read's buffers use it.
    """
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc (ArrowNotImplementedError)
        return pa.default_memory_pool()


def _dataset(events: str | Path, cols: list[str], *, event: str, table: str) -> Any:
    """The Parquet files of a path or glob as a pyarrow dataset that reads the event names
    dictionary-encoded (one number a row, no string decoded); InputError for no file, files
    that are not Parquet and missing columns."""
    import pyarrow.dataset as ds

    files = _parquet_files(events)
    if not files:
        raise InputError(
            f"no such file {str(events)!r}",
            table=table,
            fix="give a Parquet file, a glob such as 'events/*.parquet' or a DataFrame",
        )
    fmt = ds.ParquetFileFormat(read_options={"dictionary_columns": [event]})
    try:
        dataset = ds.dataset(files, format=fmt)
    except Exception as err:  # pyarrow's errors vary by version: name the file instead
        raise InputError(
            f"cannot read {str(events)!r} as Parquet ({err})".split("\n")[0],
            table=table,
            fix="give Parquet files; read CSV or Excel with mk.read_table first",
        ) from None
    require_columns(pd.DataFrame(columns=dataset.schema.names), cols, table=table)
    return dataset


def _read(
    events: Any, spec: FunnelSpec, *, user: str, time: str, event: str, table: str
) -> Log | None:
    """The log's chunks (see :data:`Log`), with the same checks as the other engines: missing
    columns, null users, times and names, unparseable times, each naming its rows. None for
    Parquet files that need parsing or checking (text times, nulls): DuckDB reads those in
    its engine and names the offending file rows."""
    cols = list(dict.fromkeys([user, time, event]))
    if isinstance(events, str | Path):
        dataset = _dataset(events, cols, event=event, table=table)
        log = dataset.to_table(columns=cols, memory_pool=_read_pool())
        return _arrow_fast(log, spec, user=user, time=time, event=event)
    if not isinstance(events, pd.DataFrame):
        raise InputError(
            f"the scan engine takes a DataFrame or Parquet files, not {type(events).__name__}",
            table=table,
            fix="use engine='duckdb' for DuckDB relations",
        )
    ev = pandas_engine.load(
        events, spec, user=user, time=time, event=event, by=(), keep_all=False, table=table
    )
    step = _step_of_name(spec)
    lut = np.asarray([0, *(step[n] for n in spec.names)], dtype=np.uint8)
    chunk = Chunk(
        users=ev["u"].to_numpy(),
        t=ev["t"].to_numpy("int64"),
        codes=ev["nid"].to_numpy(),
        lut=lut,
        names=[None, *spec.names],
    )
    return [chunk] if len(ev) else [], 1


def _user_numbers(users: list[np.ndarray]) -> tuple[list[np.ndarray], int, int, Any]:
    """``ids, offset, how many, decode``: the pass's user number is ``ids[c][i] - offset`` for
    row i of chunk c, in sorted order of the ids, and ``decode(numbers)`` gives the ids back.
    Integer ids in a compact range are used as they are (no hashing, no copy); others are
    factorized."""
    rows = sum(len(u) for u in users)
    if not rows:
        return [np.empty(0, np.int64) for _ in users], 0, 0, lambda x: x
    if all(u.dtype.kind in "iu" for u in users):
        lo, hi = min(int(u.min()) for u in users), max(int(u.max()) for u in users)
        if hi - lo <= 2 * rows + 1024 and hi < 2**63:  # (the pass reads them as int64)
            dtype = np.result_type(*users)
            return users, lo, hi - lo + 1, lambda x: (x + lo).astype(dtype)
    codes, uniques = pd.factorize(np.concatenate(users), sort=True)
    parts = np.split(codes.astype(np.int64), np.cumsum([len(u) for u in users])[:-1])
    return parts, 0, len(uniques), lambda x: np.asarray(uniques)[x]


#: The smallest int64 (NaT): the state stores an anchor ``a`` as ``a ^ EMPTY``, which is 0, the
#: mark of "no chain" in the zeroed state, only for this one time, which the pass reports.
EMPTY = np.iinfo(np.int64).min
#: Bits of a pass's ``carry[2]``: its rows were out of time order / a time was :data:`EMPTY` /
#: a user id was outside the state.
UNORDERED, EMPTY_TIME, OUT_OF_RANGE = 1, 2, 4


@cache
def _kernels() -> tuple[Any, Any]:
    """The compiled loops (numba; cached on disk next to this module after the first call)."""
    import numba

    @numba.njit(cache=True, nogil=True)
    def scan(
        rows, codes, lut, u, lo, t, window, limited, state, x_from, x_to, carry, used
    ):  # pragma: no cover - compiled
        """ClickHouse's windowFunnel pass over one chunk, for the users numbered
        ``x_from <= x < x_to``; ``rows`` gives the order to read the rows in (empty: as they
        are).

        ``state[x, k - 1]`` is the anchor of user x's level-k chain as ``anchor ^ EMPTY``
        (0: no chain): one row of the state per user, so an event touches one cache line, and
        the state starts as zeroed pages. Threads given disjoint users share the arrays.
        ``carry`` holds the last funnel row's time and step, from chunk to chunk, and the flags
        (:data:`UNORDERED`: a row earlier than the one before, so the caller sorts and starts
        again; :data:`EMPTY_TIME`; :data:`OUT_OF_RANGE`). ``used[c]`` is set for every funnel
        name code read."""
        last_t, last_s, flags = carry[0], carry[1], carry[2]
        every_row = len(rows) == 0
        for j in range(len(codes) if every_row else len(rows)):
            i = j if every_row else rows[j]
            k = lut[codes[i]]
            if k == 0:
                continue
            x = u[i] - lo
            if x < x_from or x >= x_to:
                if x < 0 or x >= state.shape[0]:  # (ids beyond a file's statistics)
                    flags |= OUT_OF_RANGE
                continue
            ti = t[i]
            # this thread's rows in time order (ties in step order) put every user's in order
            if ti < last_t or (ti == last_t and k < last_s):
                flags |= UNORDERED
            last_t, last_s = ti, k
            if not used[codes[i]]:  # (written once: the threads share its cache line)
                used[codes[i]] = True
            if k == 1:
                state[x, 0] = ti ^ EMPTY  # a later step 1 re-anchors the level-1 chain
                if ti == EMPTY:
                    flags |= EMPTY_TIME
            else:
                a = state[x, k - 2]
                if a != 0 and (not limited or ti - (a ^ EMPTY) <= window):
                    state[x, k - 1] = a
        carry[0], carry[1], carry[2] = last_t, last_s, flags

    @numba.njit(cache=True, nogil=True)
    def finish(state, level, x_from, x_to):  # pragma: no cover - compiled
        """Each user's level: a chain at level k implies one at k - 1, so it is the count of
        leading chains."""
        n_steps = state.shape[1]
        for x in range(x_from, x_to):
            k = 0
            while k < n_steps and state[x, k] != 0:
                k += 1
            level[x] = k

    return scan, finish


def _frozen(values: np.ndarray, dtype: Any) -> np.ndarray:
    """A read-only contiguous view (a copy only when the type differs): every input reaches
    the compiled loops with one signature, so one cached compilation serves them all."""
    out = np.ascontiguousarray(values, dtype=dtype).view()
    out.flags.writeable = False
    return out


def _warm_up() -> None:
    """Load the compiled loops (about a quarter of a second: numba starts its code generator)
    on a tiny log, so that a thread can do it while the log is read."""
    scan, finish = _kernels()
    one = _frozen(np.zeros(1), np.int64)
    codes, lut = _frozen(np.zeros(1), np.int32), _frozen(np.zeros(1), np.uint8)
    state, level = np.zeros((1, 2), np.int64), np.zeros(1, np.uint8)
    carry, used = np.zeros(3, np.int64), np.zeros(1, np.bool_)
    scan(one[:0], codes, lut, one, 0, one, 0, False, state, 0, 1, carry, used)
    finish(state, level, 0, 1)


def _sorted(chunks: list[Chunk], ids: list[np.ndarray]) -> tuple[Chunk, np.ndarray, np.ndarray]:
    """The log as one chunk, the order to read its funnel rows in (by time, ties in step
    order) and its user numbers; each chunk's codes are shifted past the earlier chunks'."""
    shift = np.cumsum([0] + [len(c.lut) for c in chunks])[:-1].astype(np.int32)
    one = Chunk(
        users=np.empty(0),
        t=np.concatenate([c.t for c in chunks]),
        codes=np.concatenate(
            [c.codes.astype(np.int32) + s for c, s in zip(chunks, shift, strict=True)]
        ),
        lut=np.concatenate([c.lut for c in chunks]),
        names=[n for c in chunks for n in c.names],
    )
    steps = one.lut[one.codes]
    rows = np.flatnonzero(steps)
    return one, rows[np.lexsort((steps[rows], one.t[rows]))], np.concatenate(ids)


def _pass(
    log: Log, spec: FunnelSpec, pool: ThreadPoolExecutor, *, table: str, time: str
) -> tuple[np.ndarray, Any, set]:
    """``level`` of every user number, ``decode`` (numbers to ids) and the funnel names read.

    The chunks are read in their order, each split between the threads by user; when a
    thread finds its rows out of time order, the log is put in order and read again."""
    chunks, unit_ns = log
    ids, lo, n_users, decode = _user_numbers([c.users for c in chunks])
    scan, finish = _kernels()
    limited = spec.window_ns is not None
    # t - anchor <= window in the data's unit is exact with the window floored to that unit:
    # both sides of the comparison are whole numbers of units
    window = spec.window_ns // unit_ns if limited else 0
    n = max(n_users, 1)
    cuts = np.linspace(0, n, THREADS + 1).astype(np.int64)  # contiguous users per thread
    parts = list(zip(cuts[:-1], cuts[1:], strict=True))

    def run(pieces: list[tuple[Chunk, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, list, int]:
        state = np.zeros((n, spec.n_steps), np.int64)
        carry = np.zeros((len(parts), 3), np.int64)
        carry[:, 0] = EMPTY
        used = [np.zeros(len(c.lut), np.bool_) for c, _, _ in pieces]
        for (c, rows, x), seen in zip(pieces, used, strict=True):
            args = (
                _frozen(rows, np.int64),
                _frozen(c.codes, np.int32),
                _frozen(c.lut, np.uint8),
                _frozen(x, np.int64),
                lo,
                _frozen(c.t, np.int64),
                window,
                limited,
                state,
            )
            jobs = [
                pool.submit(scan, *args, a, b, carry[p], seen) for p, (a, b) in enumerate(parts)
            ]
            for job in jobs:
                job.result()
        flags = int(np.bitwise_or.reduce(carry[:, 2]))
        return state, used, flags

    no_rows = np.empty(0, np.int64)
    pieces = [(c, no_rows, x) for c, x in zip(chunks, ids, strict=True)]
    state, used, flags = run(pieces)
    if flags & UNORDERED:  # the pass reads the funnel rows by time, ties in step order
        pieces = [_sorted(chunks, ids)]
        state, used, flags = run(pieces)
    if flags & EMPTY_TIME:
        at = np.flatnonzero(np.concatenate([c.t for c in chunks]) == EMPTY)
        raise InputError(
            "a time is the smallest the type holds (it reads as NaT)",
            table=table,
            column=time,
            rows=data_rows(at),
            fix="drop or correct the rows with that time",
        )
    level = np.zeros(n, np.uint8)
    jobs = [pool.submit(finish, state, level, a, b) for a, b in parts]
    for job in jobs:
        job.result()
    names = {
        c.names[k]
        for (c, _, _), seen in zip(pieces, used, strict=True)
        for k in np.flatnonzero(seen)
    }
    return level, decode, names


def _id_range(dataset: Any, user: str) -> tuple[int, int, int] | None:
    """``smallest id, largest id, rows`` of integer user ids from the files' row-group
    statistics (Parquet footers: nothing is decoded), or None when the ids are not integers or
    a row group has no statistics."""
    import pyarrow as pa

    if not pa.types.is_integer(dataset.schema.field(user).type):
        return None
    lo, hi, rows = None, None, 0
    for fragment in dataset.get_fragments():
        meta = fragment.metadata
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            if not group.num_rows:
                continue
            col = next(
                (
                    group.column(j)
                    for j in range(group.num_columns)
                    if group.column(j).path_in_schema == user
                ),
                None,
            )
            stats = col.statistics if col is not None else None
            if stats is None or not stats.has_min_max:
                return None
            lo = stats.min if lo is None else min(lo, stats.min)
            hi = stats.max if hi is None else max(hi, stats.max)
            rows += group.num_rows
    return None if lo is None else (int(lo), int(hi), rows)


def _scan_reading(
    dataset: Any,
    spec: FunnelSpec,
    warm: Any,
    pool: ThreadPoolExecutor,
    *,
    user: str,
    time: str,
    event: str,
) -> tuple[np.ndarray, Any, set] | None:
    """The pass run on each record batch as pyarrow decodes the next ones: what
    :func:`_pass` returns, or None when it cannot be done so (the caller then reads the whole
    log and runs :func:`_pass`).

    That needs integer user ids in a compact range known before the first batch, which the
    Parquet footers' statistics give; the kernel flags any id outside them. It stops at the
    first batch that shows rows out of time order, a null, an id beyond the statistics or the
    int64-min time: :func:`_pass` sorts, or the general loader names the rows. The batches
    are dropped once scanned, so only the state stays in memory."""
    unit = _fast_unit(dataset.schema, user=user, time=time, event=event)
    ids = _id_range(dataset, user) if unit is not None else None
    if ids is None:
        return None
    lo, hi, rows = ids
    if hi - lo > 2 * rows + 1024 or hi >= 2**63:  # sparse ids: _pass factorizes them
        return None
    n = hi - lo + 1
    scan, finish = _kernels()
    limited = spec.window_ns is not None
    window = spec.window_ns // unit if limited else 0  # (exact: see _pass)
    state = np.zeros((n, spec.n_steps), np.int64)
    carry = np.zeros(3, np.int64)
    carry[0] = EMPTY
    step, present, no_rows = _step_of_name(spec), set(), _frozen(np.empty(0), np.int64)
    # read ahead without bound: while numba loads its code, pyarrow keeps decoding
    batches = dataset.to_batches(
        columns=[user, time, event], memory_pool=_read_pool(), batch_readahead=1 << 16
    )
    for batch in batches:
        if not batch.num_rows:
            continue
        chunk = _chunk(batch, step)
        if chunk is None:
            return None
        warm.result()
        seen = np.zeros(len(chunk.lut), np.bool_)
        scan(
            no_rows,
            _frozen(chunk.codes, np.int32),
            _frozen(chunk.lut, np.uint8),
            _frozen(chunk.users, np.int64),
            lo,
            _frozen(chunk.t, np.int64),
            window,
            limited,
            state,
            0,
            n,
            carry,
            seen,
        )
        if carry[2]:
            return None
        present.update(chunk.names[k] for k in np.flatnonzero(seen))
    level = np.zeros(n, np.uint8)
    cuts = np.linspace(0, n, THREADS + 1).astype(np.int64)
    jobs = [
        pool.submit(finish, state, level, a, b) for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    for job in jobs:
        job.result()
    dtype = np.dtype(dataset.schema.field(user).type.to_pandas_dtype())
    return level, lambda x: (x + lo).astype(dtype), present


def levels(
    events: Any,
    spec: FunnelSpec,
    *,
    user: str,
    time: str,
    event: str,
    by: Any = (),
    detail: bool = False,
    table: str = "events",
) -> pd.DataFrame:
    """Per-user levels by the compiled pass; the same output as
    :func:`mktkit.funnel.duckdb_engine.levels` (``by`` and ``detail`` are refused: see :func:`supports`).

    Returns a DataFrame with the user column and ``level`` for every user who entered the
    funnel, sorted by user, with ``attrs["missing_names"]`` (funnel names absent from the data).
    Raises :class:`~mktkit.errors.InputError` for a funnel the pass does not answer exactly
    (see :func:`supports`) and for bad input, as the other engines do.
    """
    why = supports(spec, by=by, detail=detail)
    if why is not None:
        raise InputError(
            f"the scan engine does not compute funnels with {why}",
            column="engine",
            fix="use engine='auto' or engine='duckdb'",
        )
    if not available():
        raise InputError(
            "the scan engine needs numba, which is not installed",
            column="engine",
            fix="pip install numba, or use engine='auto' or engine='duckdb'",
        )
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        warm = pool.submit(_warm_up)  # numba loads its code while pyarrow reads (no GIL held)
        done = None
        if isinstance(events, str | Path):
            cols = list(dict.fromkeys([user, time, event]))
            dataset = _dataset(events, cols, event=event, table=table)
            done = _scan_reading(dataset, spec, warm, pool, user=user, time=time, event=event)
        if done is None:
            log = _read(events, spec, user=user, time=time, event=event, table=table)
            warm.result()
            if log is None:
                # DuckDB is imported only for this fallback
                from mktkit.funnel import duckdb_engine as funnel_sql

                return funnel_sql.levels(
                    events, spec, user=user, time=time, event=event, table=table
                )
            done = _pass(log, spec, pool, table=table, time=time)
        level, decode, present = done
    entered = np.flatnonzero(level)
    # (fresh arrays: no copy into one block, which took longer than counting the levels)
    out = pd.DataFrame(
        {user: decode(entered), "level": level[entered].astype(np.int64)}, copy=False
    )
    out.attrs["missing_names"] = [name for name in spec.names if name not in present]
    return out
