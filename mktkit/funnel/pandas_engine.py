"""The pandas engine of event funnels: the algorithm of :mod:`mktkit.funnel.duckdb_engine`, vectorised.

Every step has its twin in the DuckDB engine, under the same name: the compact table
(:func:`load`), the targets (:func:`make_targets`), the greedy chains moved by one
``merge_asof`` per step (:func:`chains`), the first-touch pick and the three modes. There is no
Python loop over users or events; the loops run over steps (at most 32) and signature classes.
The tests run both engines on the same logs and compare them user by user with each other and
with ClickHouse.

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

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, require_columns
from mktkit.funnel.spec import FunnelSpec, reach_table


def _rows(mask: np.ndarray, values: pd.Series) -> tuple[dict[int, Any], int]:
    where = np.flatnonzero(mask)
    shown = (values.iloc[i] for i in where[:5])
    return {
        int(i) + 1: v.item() if isinstance(v, np.generic) else v
        for i, v in zip(where[:5], shown, strict=True)
    }, len(where)


def to_ns(values: pd.Series, *, table: str, column: str) -> pd.Series:
    """Times as int64 nanoseconds (NA where missing or unparseable: checked by the caller)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        parsed = values
    elif pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        # utc=True: text with an offset is converted to UTC, naive text keeps its wall clock,
        # and a mix of offsets (pandas refuses it otherwise) is fine
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    else:
        raise InputError(
            f"column holds {values.dtype} values, not timestamps",
            table=table,
            column=column,
            fix="give date-times (or ISO 8601 text such as '2025-11-11 20:00:00')",
        )
    ns = parsed.astype("datetime64[ns]")
    out = pd.Series(ns.to_numpy().view("int64"), index=values.index, dtype="Int64")
    out[ns.isna().to_numpy()] = pd.NA
    return out


def load(
    events: Any,
    spec: FunnelSpec,
    *,
    user: str,
    time: str,
    event: str,
    by: Sequence[str],
    keep_all: bool,
    table: str = "events",
) -> pd.DataFrame:
    """The compact table ``u, t, nid, b0..``: funnel rows (all rows when ``keep_all``).

    Null users, null or unparseable times and null event names are refused with the rows.
    """
    cols = list(dict.fromkeys([user, time, event, *by]))
    if isinstance(events, str | Path):
        if not Path(events).exists():
            raise InputError(
                f"no such file {str(events)!r}",
                table=table,
                fix="the pandas engine reads one Parquet file; use engine='duckdb' for globs",
            )
        events = pd.read_parquet(events, columns=cols)
    if not isinstance(events, pd.DataFrame):
        raise InputError(
            f"the pandas engine takes a DataFrame or a Parquet file, not {type(events).__name__}",
            table=table,
            fix="use engine='duckdb' for DuckDB relations",
        )
    require_columns(events, cols, table=table)
    t = to_ns(events[time], table=table, column=time)
    problems = []
    for column, mask, what, fix in (
        (
            user,
            events[user].isna().to_numpy(),
            "have no user",
            "drop or fill rows without a user id",
        ),
        (
            time,
            t.isna().to_numpy(),
            "have a missing or unparseable time",
            "give every event a date-time such as '2025-11-11 20:00:00'",
        ),
        (
            event,
            events[event].isna().to_numpy(),
            "have no event name",
            "drop or name the events without a name",
        ),
    ):
        if mask.any():
            rows, n = _rows(mask, events[column])
            problems.append(
                InputError(f"{n} row(s) {what}", table=table, column=column, rows=rows, fix=fix)
            )
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputError("the events cannot be used", table=table, problems=problems)
    nid = pd.Index(spec.names).get_indexer(events[event].astype(str)) + 1
    ev = pd.DataFrame({"u": events[user].to_numpy(), "t": t.to_numpy("int64"), "nid": nid})
    for i, b in enumerate(by):
        ev[f"b{i}"] = events[b].to_numpy()
    return ev if keep_all else ev[ev["nid"] > 0].reset_index(drop=True)


def _sig(spec: FunnelSpec, nid: pd.Series) -> np.ndarray:
    return np.asarray((0, *spec.name_sigs), dtype="int64")[nid.to_numpy()]


def make_targets(ev: pd.DataFrame, spec: FunnelSpec) -> tuple[pd.DataFrame, bool]:
    """Targets ``u, j, t, e`` and whether the next-step search may stay at the same time
    (the ``>=`` of the DuckDB engine)."""
    n = spec.n_steps
    ev = ev[ev["nid"] > 0]
    if not spec.overlapping:
        first = np.asarray((0, *(spec.steps_of_sig(s)[0] for s in spec.name_sigs)))
        j = first[ev["nid"].to_numpy()]
        return pd.DataFrame({"u": ev["u"].to_numpy(), "j": j, "t": ev["t"].to_numpy(), "e": j}), (
            not spec.strict_increase
        )
    pairs = pd.DataFrame(
        [(k, j) for k, s in enumerate(spec.name_sigs, 1) for j in spec.steps_of_sig(s)],
        columns=["nid", "j"],
    )
    if spec.strict_increase:  # strictly later times never share a row
        out = ev[["u", "t", "nid"]].merge(pairs, on="nid")
        return out.assign(e=out["j"])[["u", "j", "t", "e"]], False
    classes = spec.sig_classes
    cls = pd.Series(pd.Index(classes).get_indexer(_sig(spec, ev["nid"])), index=ev.index)
    counts = (
        pd.DataFrame({"u": ev["u"], "t": ev["t"], "cls": cls})
        .groupby(["u", "t", "cls"], sort=False)
        .size()
        .unstack("cls", fill_value=0)
        .reindex(columns=range(len(classes)), fill_value=0)
    )
    counts.columns = [f"c{i}" for i in range(len(classes))]
    blk = counts.reset_index()
    cols = list(counts.columns)
    blk["n_rows"] = blk[cols].sum(axis=1)
    blk["m"] = 0
    for i, sig in enumerate(classes):
        blk["m"] |= np.where(blk[f"c{i}"] > 0, sig, 0)
        blk[f"c{i}"] = blk[f"c{i}"].clip(upper=n)
    multi = blk["n_rows"] > 1
    reach = reach_table(blk.loc[multi, cols].drop_duplicates(), spec, range(1, n + 1))
    parts = []
    for j in range(1, n + 1):  # a loop over steps
        has = blk[(np.right_shift(blk["m"].to_numpy(), j - 1) & 1).astype(bool)]
        single = has[has["n_rows"] == 1]
        parts.append(pd.DataFrame({"u": single["u"], "j": j, "t": single["t"], "e": j}))
        tied = has[has["n_rows"] > 1].merge(reach[reach["j"] == j], on=cols)
        parts.append(tied[["u", "j", "t", "e"]])
    return pd.concat(parts, ignore_index=True), False


def chains(ev: pd.DataFrame, spec: FunnelSpec, *, detail: bool) -> pd.DataFrame:
    """The greedy chain of every anchor: ``u, a, r`` (and ``t1..tn`` with ``detail``)."""
    n = spec.n_steps
    targets, same_time = make_targets(ev, spec)
    targets = targets.sort_values("t", kind="stable")
    uniform = spec.strict_increase or not spec.overlapping
    first = targets[targets["j"] == 1]
    s = pd.DataFrame({"u": first["u"].to_numpy(), "a": first["t"].to_numpy()})
    s["c"] = s["a"]
    s["r"] = first["e"].to_numpy()
    s["moved"] = True
    tcols = [f"t{k}" for k in range(1, n + 1)] if detail else []
    if detail:
        s["t1"] = s["a"].astype("Int64")
        for k in range(2, n + 1):
            s[f"t{k}"] = s["a"].astype("Int64").where(s["r"] >= k)
    keep = ["u", "a", "r", *tcols]
    done = []
    for i in range(1, n):  # live chains stand at step >= i: each round moves them >= 1 step
        finished = ~s["moved"] | (s["r"] >= n)
        done.append(s.loc[finished, keep])
        s = s[~finished]
        if s.empty:
            break
        if uniform:
            x = targets.loc[targets["j"] == i + 1, ["u", "t", "e"]]
            keys: list[str] = ["u"]
        else:
            x = targets.loc[targets["j"] > i, ["u", "j", "t", "e"]]
            s = s.assign(j=s["r"] + 1)
            keys = ["u", "j"]
        # merge_asof turns a missing int match into float: fetch exact times by position
        x = x.assign(xi=np.arange(len(x)))
        m = pd.merge_asof(
            s.sort_values("c", kind="stable"),
            x[[*keys, "t", "xi"]].rename(columns={"t": "xt"}),
            left_on="c",
            right_on="xt",
            by=keys,
            direction="forward",
            allow_exact_matches=same_time,
        )
        xi = m["xi"].to_numpy("float64")
        found = ~np.isnan(xi)
        pos = np.where(found, xi, 0).astype("int64")
        xt_all, xe_all = x["t"].to_numpy("int64"), x["e"].to_numpy("int64")
        if not len(x):  # nobody has this step: nothing moves
            xt_all = xe_all = np.zeros(1, dtype="int64")
        xt = np.where(found, xt_all[pos], 0)
        xe = np.where(found, xe_all[pos], 0)
        ok = found
        if spec.window_ns is not None:  # the boundary counts, as in ClickHouse
            ok = ok & (xt <= m["a"].to_numpy() + spec.window_ns)
        r = m["r"].to_numpy()
        if detail:
            for k in range(2, n + 1):
                hit = ok & (r < k) & (k <= xe)
                m[f"t{k}"] = m[f"t{k}"].mask(hit, pd.array(xt, dtype="Int64"))
        m["c"] = np.where(ok, xt, m["c"].to_numpy())
        m["r"] = np.where(ok, xe, r)
        m["moved"] = ok
        s = m[["u", "a", "c", "r", "moved", *tcols]]
    done.append(s[keep])
    return pd.concat(done, ignore_index=True)


def first_touch(done: pd.DataFrame, lvl: pd.DataFrame, spec: FunnelSpec) -> pd.DataFrame:
    """For each user with level >= 1: the earliest anchor ``f`` whose chain reaches the level,
    and the times that chain reached steps 1..level."""
    d = done.merge(lvl, on="u")
    d = d[(d["level"] >= 1) & (d["r"] >= d["level"])]
    d = d.sort_values(["u", "a"], kind="stable").drop_duplicates("u")
    out = pd.DataFrame({"u": d["u"], "level": d["level"], "f": d["a"]})
    for k in range(1, spec.n_steps + 1):
        out[f"time_{k}"] = d[f"t{k}"].where(d["level"] >= k)
    return out.reset_index(drop=True)


def attributes(pick: pd.DataFrame, ev: pd.DataFrame, spec: FunnelSpec, n_by: int) -> pd.DataFrame:
    """The ``by`` values of the step-1 row at each pick's anchor time (smallest on ties)."""
    bcols = [f"b{i}" for i in range(n_by)]
    if not n_by:
        return pick
    step1 = [k for k, s in enumerate(spec.name_sigs, 1) if s & 1]
    rows = ev[ev["nid"].isin(step1)][["u", "t", *bcols]]
    hit = pick[["u", "f"]].merge(rows, left_on=["u", "f"], right_on=["u", "t"])
    hit = hit.sort_values(["u", *bcols], kind="stable", na_position="last").drop_duplicates("u")
    return pick.merge(hit[["u", *bcols]], on="u", how="left")


def ordered_levels(ev: pd.DataFrame, spec: FunnelSpec, *, detail: bool, n_by: int):
    done = chains(ev, spec, detail=detail)
    lvl = done.groupby("u", sort=False)["r"].max().rename("level").reset_index()
    if not detail:
        return lvl
    return attributes(first_touch(done, lvl, spec), ev, spec, n_by)


def strict_levels(ev: pd.DataFrame, spec: FunnelSpec, *, detail: bool, n_by: int):
    """``mode="strict"``: see :func:`mktkit.funnel.duckdb_engine.strict_levels` for the rule."""
    n = spec.n_steps
    step1 = [k for k, s in enumerate(spec.name_sigs, 1) if s & 1]
    tf = ev[ev["nid"].isin(step1)].groupby("u", sort=False)["t"].min().rename("tf")
    e = ev.merge(tf, left_on="u", right_index=True)
    tx = e[(e["nid"] == 0) & (e["t"] > e["tf"])].groupby("u", sort=False)["t"].min().rename("tx")
    e = e.merge(tx, left_on="u", right_index=True, how="left")
    seg = e[(e["nid"] > 0) & (e["t"] >= e["tf"]) & (e["tx"].isna() | (e["t"] < e["tx"]))]
    seg = seg.drop(columns=["tf", "tx"])
    done = chains(seg, spec, detail=True)
    reached = done.groupby("u", sort=False)[[f"t{k}" for k in range(1, n + 1)]].min()
    pairs = pd.DataFrame(
        [(k, j) for k, s in enumerate(spec.name_sigs, 1) for j in spec.steps_of_sig(s) if j >= 3],
        columns=["nid", "j"],
    )
    cand = seg[["u", "t", "nid"]].merge(pairs, on="nid").merge(reached.reset_index(), on="u")
    never = np.iinfo("int64").max  # a step never reached
    before = np.full(len(cand), never)
    for j in range(3, n + 1):  # T_(j-1) for rows of step j: a loop over steps
        sel = (cand["j"] == j).to_numpy()
        before[sel] = cand.loc[sel, f"t{j - 1}"].to_numpy("int64", na_value=never)
    stops = cand[cand["t"].to_numpy() < before]
    tb = stops.groupby("u", sort=False)["t"].min().astype("Int64").reindex(reached.index)
    limit = tb.to_numpy("int64", na_value=never)
    level = sum(
        (
            reached[f"t{k}"].notna().to_numpy()
            & (reached[f"t{k}"].to_numpy("int64", na_value=never) <= limit)
        ).astype(int)
        for k in range(1, n + 1)
    )
    lvl = pd.DataFrame({"u": reached.index, "level": level})
    if not detail:
        return lvl
    return attributes(first_touch(done, lvl, spec), seg, spec, n_by)


def _window_counts(ev: pd.DataFrame, spec: FunnelSpec) -> pd.DataFrame:
    """For every row as window start: rows of each signature class in ``[t, t + window]``,
    capped at the number of steps (two ``merge_asof`` per class: rows up to the end minus rows
    before the start)."""
    n = spec.n_steps
    sig = _sig(spec, ev["nid"])
    starts = ev[["u", "t"]].drop_duplicates().sort_values("t", kind="stable")
    starts["hi"] = starts["t"] + spec.window_ns
    for i, cls in enumerate(spec.sig_classes):  # a loop over signature classes
        rows = ev.loc[sig == cls, ["u", "t"]].sort_values(["u", "t"], kind="stable")
        rows["k"] = rows.groupby("u", sort=False).cumcount() + 1
        rows = rows.sort_values("t", kind="stable")
        up_to_end = pd.merge_asof(
            starts.sort_values("hi", kind="stable"),
            rows.rename(columns={"t": "rt"}),
            left_on="hi",
            right_on="rt",
            by="u",
            direction="backward",
        ).set_index(["u", "t"])["k"]
        before = pd.merge_asof(
            starts,
            rows.rename(columns={"t": "rt"}),
            left_on="t",
            right_on="rt",
            by="u",
            direction="backward",
            allow_exact_matches=False,
        ).set_index(["u", "t"])["k"]
        key = pd.MultiIndex.from_frame(starts[["u", "t"]])
        c = up_to_end.reindex(key).fillna(0).to_numpy() - before.reindex(key).fillna(0).to_numpy()
        starts[f"c{i}"] = np.minimum(c, n).astype("int64")
    return starts.drop(columns="hi")


def unordered_levels(ev: pd.DataFrame, spec: FunnelSpec, *, detail: bool, n_by: int):
    """``mode="unordered"``: see :func:`mktkit.funnel.duckdb_engine.unordered_levels` for the rule."""
    n = spec.n_steps
    cols = [f"c{i}" for i in range(len(spec.sig_classes))]
    if spec.window_ns is None:
        cls = pd.Index(spec.sig_classes).get_indexer(_sig(spec, ev["nid"]))
        win = (
            pd.DataFrame({"u": ev["u"], "cls": cls})
            .groupby(["u", "cls"])
            .size()
            .unstack("cls", fill_value=0)
            .reindex(columns=range(len(cols)), fill_value=0)
            .clip(upper=n)
        )
        win.columns = cols
        win = win.reset_index().merge(ev.groupby("u")["t"].min().reset_index(), on="u")
    else:
        win = _window_counts(ev, spec)
    reach = reach_table(win[cols].drop_duplicates(), spec, [1])
    win = win.merge(reach[[*cols, "e"]], on=cols, how="left")
    win["level"] = win["e"].fillna(0).astype("int64")
    best = win.sort_values(["u", "level", "t"], ascending=[True, False, True], kind="stable")
    best = best.drop_duplicates("u")[["u", "level", "t"]].rename(columns={"t": "s"})
    if not detail:
        return best[["u", "level"]]
    step1 = [k for k, s in enumerate(spec.name_sigs, 1) if s & 1]
    s1 = ev.loc[ev["nid"].isin(step1), ["u", "t"]].drop_duplicates().sort_values("t")
    best = best[best["level"] >= 1].sort_values("s", kind="stable")
    s1 = s1.assign(xi=np.arange(len(s1)))
    pick = pd.merge_asof(
        best, s1[["u", "t", "xi"]], left_on="s", right_on="t", by="u", direction="forward"
    )  # found: the best window holds a step-1 row
    f = s1["t"].to_numpy()[pick["xi"].to_numpy("int64")]
    out = pd.DataFrame({"u": pick["u"], "level": pick["level"], "f": f})
    out["time_1"] = out["f"]
    for k in range(2, n + 1):
        out[f"time_{k}"] = pd.NA
    return attributes(out.reset_index(drop=True), ev, spec, n_by)


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
    table: str = "events",
) -> pd.DataFrame:
    """Per-user levels computed in pandas; same output as :func:`mktkit.funnel.duckdb_engine.levels`."""
    ev = load(
        events,
        spec,
        user=user,
        time=time,
        event=event,
        by=by,
        keep_all=spec.mode == "strict",
        table=table,
    )
    present = set(np.unique(ev["nid"].to_numpy()).tolist())
    res = _MODES[spec.mode](ev, spec, detail=detail, n_by=len(by))
    res = res[res["level"] >= 1].sort_values("u", kind="stable").reset_index(drop=True)
    if detail:
        out = pd.DataFrame(
            {
                user: res["u"],
                "level": res["level"].astype("int64"),
                "entered_at": res["f"].astype("int64"),
            }
        )
        for k in range(1, spec.n_steps + 1):
            out[f"time_{k}"] = res[f"time_{k}"].astype("Int64")
        for i, b in enumerate(by):
            out[b] = res[f"b{i}"]
    else:
        out = pd.DataFrame({user: res["u"], "level": res["level"].astype("int64")})
    out.attrs["missing_names"] = [name for k, name in enumerate(spec.names, 1) if k not in present]
    return out
