"""The funnel table every engine ends in, and :class:`FunnelResult`, the table that also knows
its users.

Every engine reduces its per-user levels to users per step (and segment); :func:`summarize`
turns that small table into the published columns (rates are fractions, 0/0 is NaN), so the
rates are computed once, here.

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"step_index": [1, 2], "users": [10, 4]})
>>> summarize(c, ["visit", "buy"], [])[["step", "users", "conversion_from_previous"]]
    step  users  conversion_from_previous
0  visit     10                       NaN
1    buy      4                       0.4
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError
from mktkit.funnel.spec import FunnelSpec
from mktkit.funnel.times import times_to_convert

RATE_COLUMNS = ["conversion_from_previous", "conversion_from_first", "drop_off"]


class FunnelResult(pd.DataFrame):
    """A funnel table (one row per step and segment) that also knows its users.

    Attributes
    ----------
    levels : DataFrame
        One row per user who entered the funnel: the user column, ``level`` (the last step
        reached), the ``by`` columns and, when computed, ``entered_at`` and ``time_1..``.
        For a funnel computed in Spark, a Spark DataFrame, persisted: call
        ``result.levels.unpersist()`` when done with it.
    user_column : str
        Name of the user column in ``levels``.

    Derived frames (``result.head()``, ``result[...]``) are plain DataFrames.
    """

    _metadata = ["levels", "user_column", "by_columns"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def users_at(self, step: int | str, *, dropped: bool = False, segment: Any = None) -> pd.Series:
        """User ids that reached ``step`` (or, with ``dropped=True``, reached the step before
        it and stopped there).

        For a funnel computed in Spark the ids stay there: a one-column Spark DataFrame
        (unordered), ready to join or to write out
        (:class:`mktkit.funnel.spark_engine.SparkFunnelResult`).

        Parameters
        ----------
        step : int or str
            ``step_index`` (1-based) or the step label.
        dropped : bool
            False: users with level >= step. True: users with level == step - 1, the
            ``drop_off_count`` of that step.
        segment : scalar, tuple or mapping, optional
            Restrict to one segment of ``by``: a value (one ``by`` column), a tuple in ``by``
            order, or a mapping column -> value.

        Examples
        --------
        >>> import pandas as pd, mktkit as mk
        >>> ev = pd.DataFrame({"user_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
        ...                    "ts": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:30",
        ...                                          "2025-01-01 11:00"])})
        >>> res = mk.funnel(ev, ["visit", "buy"])
        >>> res.users_at("buy").tolist(), res.users_at("buy", dropped=True).tolist()
        ([1], [2])
        """
        k = _step_index(self, step)
        if dropped and k == 1:
            raise InputError(
                "users who dropped before step 1 never entered the funnel and are unknown",
                column="step",
                fix="ask for dropped users at step 2 or later",
            )
        return self._users(k, dropped=dropped, segment=segment)

    def _users(self, k: int, *, dropped: bool, segment: Any) -> pd.Series:
        """The ids of :meth:`users_at` (step ``k``, checked); a Spark result overrides it."""
        lv = self.levels
        if segment is not None:
            lv = lv[_segment_mask(lv, self.by_columns, segment)]
        lv = lv[lv["level"] == k - 1] if dropped else lv[lv["level"] >= k]
        return lv[self.user_column].sort_values(kind="stable").reset_index(drop=True)


def _step_index(result: pd.DataFrame, step: int | str) -> int:
    steps = result.drop_duplicates("step_index")[["step_index", "step"]]
    if isinstance(step, bool) or not isinstance(step, int | str | np.integer):
        raise InputError(f"step {step!r} is neither a step number nor a label", column="step")
    if isinstance(step, str):
        hits = steps.loc[steps["step"] == step, "step_index"].tolist()
        if len(hits) == 1:
            return int(hits[0])
        why = "is not a step" if not hits else "names several steps"
        raise InputError(
            f"{step!r} {why}",
            column="step",
            fix="give the step_index (1-based) or one of " + ", ".join(map(repr, steps["step"])),
        )
    if not 1 <= int(step) <= len(steps):
        raise InputError(f"step {step} is out of range 1..{len(steps)}", column="step")
    return int(step)


def segment_values(by: list[str], segment: Any) -> dict[str, Any]:
    """``segment`` (a value, a tuple in ``by`` order or a mapping) as ``{by column: value}``."""
    if not by:
        raise InputError("this funnel has no segments (by=None)", column="segment")
    if isinstance(segment, Mapping):
        wanted = dict(segment)
    elif isinstance(segment, tuple):
        wanted = dict(zip(by, segment, strict=False))
    else:
        wanted = {by[0]: segment}
    unknown = [c for c in wanted if c not in by]
    if unknown or len(wanted) != len(by):
        raise InputError(
            f"segment {segment!r} does not name one value per by column {by!r}", column="segment"
        )
    return wanted


def _segment_mask(lv: pd.DataFrame, by: list[str], segment: Any) -> np.ndarray:
    mask = np.ones(len(lv), dtype=bool)
    for col, value in segment_values(by, segment).items():
        mask &= (lv[col].isna() if pd.isna(value) else lv[col] == value).to_numpy(bool)
    return mask


def py_value(value: Any) -> Any:
    """A numpy scalar as the plain Python value (for readable error messages)."""
    return value.item() if isinstance(value, np.generic) else value


def by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def summarize(counts: pd.DataFrame, labels: Sequence[str], by: list[str]) -> pd.DataFrame:
    """Rates, drop-offs and the biggest leak from ``[by...], step_index, users``.

    Examples
    --------
    >>> c = pd.DataFrame({"step_index": [1, 2, 3], "users": [10, 4, 2]})
    >>> summarize(c, ["a", "b", "c"], [])["conversion_from_first"].tolist()
    [1.0, 0.4, 0.2]
    """
    out = counts.sort_values([*by, "step_index"], kind="stable").reset_index(drop=True)
    out.insert(len(by), "step", [labels[i - 1] for i in out["step_index"]])
    out["users"] = out["users"].astype("int64")
    users = out["users"].astype("float64")
    if by:
        grp = out.groupby(by, sort=False, dropna=False)["users"]
        prev, first = grp.shift(1).astype("float64"), grp.transform("first").astype("float64")
    else:
        prev = users.shift(1)
        first = pd.Series(users.iloc[0] if len(users) else np.nan, index=out.index)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 is NaN, never 0
        cfp = np.where(prev > 0, users / prev, np.nan)
        cff = np.where(first > 0, users / first, np.nan)
    out["conversion_from_previous"] = cfp
    out["conversion_from_first"] = cff
    out["drop_off"] = 1.0 - out["conversion_from_previous"]
    out["drop_off_count"] = (prev - users).astype("Int64")  # NA at step 1
    # the biggest leak: the lowest conversion from the previous step, every tied step
    low = (
        out.groupby(by, sort=False, dropna=False)["conversion_from_previous"].transform("min")
        if by
        else pd.Series(np.nanmin(cfp) if np.isfinite(cfp).any() else np.nan, index=out.index)
    )
    out["biggest_leak"] = (out["conversion_from_previous"] == low).to_numpy(bool)
    return out[
        [*by, "step", "step_index", "users", *RATE_COLUMNS, "drop_off_count", "biggest_leak"]
    ]


def level_counts(lv: pd.DataFrame, n: int, by: list[str]) -> pd.DataFrame:
    """Users at each step: users whose level is at least the step's index."""
    if not by:  # users per level, counted (a group-by of millions of users takes 10x longer)
        per_level = np.bincount(lv["level"].to_numpy(np.int64), minlength=n + 1)
        at_least = per_level[::-1].cumsum()[::-1]  # users at level k or beyond
        return pd.DataFrame({"step_index": range(1, n + 1), "users": at_least[1 : n + 1]})
    per = lv.groupby([*by, "level"], dropna=False).size().rename("n").reset_index()
    return counts_from_levels(per, n, by)


def counts_from_levels(per: pd.DataFrame, n: int, by: list[str]) -> pd.DataFrame:
    """``[by...], step_index, users`` from ``[by...], level, n`` (users per level and segment):
    the small table every engine reduces its per-user levels to."""
    segments = per[by].drop_duplicates().reset_index(drop=True) if by else pd.DataFrame(index=[0])
    grid = segments.merge(pd.DataFrame({"step_index": range(1, n + 1)}), how="cross")
    if per.empty:
        grid["users"] = 0
        return grid if by else grid[["step_index", "users"]]
    rows = []
    for k in range(1, n + 1):  # a loop over steps
        at = per[per["level"] >= k].groupby(by, dropna=False)["n"].sum() if by else None
        if by:
            part = segments.merge(at.rename("users").reset_index(), on=by, how="left")
        else:
            part = pd.DataFrame({"users": [per.loc[per["level"] >= k, "n"].sum()]})
        part["step_index"] = k
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["users"] = out["users"].fillna(0).astype("int64")
    return out[[*by, "step_index", "users"]]


def result_from_levels(
    lv: pd.DataFrame, spec: FunnelSpec, by: list[str], user: str, times: bool
) -> FunnelResult:
    counts = level_counts(lv, spec.n_steps, by)
    return assemble(
        counts, times_to_convert(lv, spec.n_steps, by) if times else None, lv, spec, by, user
    )


def assemble(
    counts: pd.DataFrame,
    time_table: pd.DataFrame | None,
    lv: Any,
    spec: FunnelSpec,
    by: list[str],
    user: str,
    result_type: type[FunnelResult] | None = None,
) -> FunnelResult:
    """The :class:`FunnelResult` (or ``result_type``, a subclass) from the small tables every
    engine reduces to."""
    table = summarize(counts, spec.labels, by)
    if time_table is not None:
        table = table.merge(time_table, on=[*by, "step_index"], how="left")
    res = (result_type or FunnelResult)(table)
    res.levels = lv
    res.user_column = user
    res.by_columns = by
    return res
