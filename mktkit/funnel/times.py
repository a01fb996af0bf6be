"""Times to convert: the median and 90th percentile of the time from one step to the next,
exact to the nanosecond on every engine.

Each engine ranks the gaps of each step's converters and keeps the few ranks a quantile
interpolates between (:func:`quantile_rank_needed`); :func:`times_from_ranks` interpolates them
in integer arithmetic (the linear rule of numpy and pandas), so every engine gives the same
nanosecond.

Examples
--------
>>> quantile_ranks(5, (1, 2))   # the median of 5 values is the value of rank 2
(2, 2, 0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: The time-to-convert columns and their quantile, as an exact fraction (numerator, denominator).
TIME_QUANTILES = {"median_time_to_convert": (1, 2), "p90_time_to_convert": (9, 10)}


def time_gaps(lv: pd.DataFrame, n: int) -> pd.DataFrame:
    """``gap_2..gap_n``: integer nanoseconds from step ``k - 1`` to step ``k`` of each user's
    reported chain (NA beyond the user's level)."""
    out = pd.DataFrame(index=lv.index)
    for k in range(2, n + 1):  # a loop over steps
        a = lv[f"time_{k - 1}"].to_numpy("datetime64[ns]").view("int64")
        b = lv[f"time_{k}"].to_numpy("datetime64[ns]").view("int64")
        gap = pd.array(b - a, dtype="Int64")
        gap[(lv["level"] < k).to_numpy()] = pd.NA
        out[f"gap_{k}"] = gap
    return out


def quantile_ranks(size: Any, q: tuple[int, int]) -> tuple[Any, Any, Any]:
    """The 0-based ranks ``lo, hi`` of the two values a quantile interpolates between, and the
    remainder ``rem``: the quantile is ``x[lo] + (x[hi] - x[lo]) * rem / den`` (the linear
    rule of numpy/pandas: position ``(size - 1) * q``), in exact integer arithmetic.

    Examples
    --------
    >>> quantile_ranks(3, (9, 10))   # position 1.8: between ranks 1 and 2, 8/10 of the way
    (1, 2, 8)
    """
    num, den = q
    pos = (size - 1) * num
    lo = pos // den
    rem = pos - lo * den
    return lo, lo + (rem > 0), rem


def quantile_rank_needed(rank: Any, size: Any, q: tuple[int, int]) -> Any:
    """Whether 0-based ``rank`` (of ``size`` values) is one the quantile ``q`` interpolates
    between: ``|rank * den - (size - 1) * num| < den``. Operators only, so the same expression
    filters numpy arrays and Spark columns."""
    num, den = q
    x = rank * den - (size - 1) * num
    return (x < den) & (x > -den)


def times_from_ranks(ranked: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Median and p90 time to convert per segment and step from the ranked gaps.

    ``ranked`` holds ``[by...], step_index, size, rank, gap``: for every segment and step
    ``size`` users converted, and the rows are the gaps (integer nanoseconds) at the ranks
    :func:`quantile_ranks` asks for (rank 0 = shortest). Each engine produces this small table;
    the interpolation (rounded half to even, to the nanosecond) is computed here, exactly.
    """
    keys = [*by, "step_index"]
    rows = []
    for key, g in ranked.groupby(keys, dropna=False, sort=False):  # a few rows per step
        size = int(g["size"].iloc[0])
        at = dict(zip(g["rank"].astype(int), g["gap"].astype(int), strict=True))
        values = []
        for q in TIME_QUANTILES.values():
            lo, hi, rem = quantile_ranks(size, q)
            whole, frac = divmod(at[lo] * q[1] + (at[hi] - at[lo]) * rem, q[1])
            if 2 * frac > q[1] or (2 * frac == q[1] and whole % 2):
                whole += 1
            values.append(whole)
        rows.append((*(key if isinstance(key, tuple) else (key,)), *values))
    cols = list(TIME_QUANTILES)
    out = pd.DataFrame(rows, columns=[*keys, *cols])
    for col in cols:
        out[col] = pd.to_timedelta(pd.array(out[col].tolist(), dtype="Int64"), unit="ns")
    out["step_index"] = out["step_index"].astype("int64")
    return out


def times_to_convert(lv: pd.DataFrame, n: int, by: list[str]) -> pd.DataFrame:
    gaps = time_gaps(lv, n)
    parts = []
    for k in range(2, n + 1):  # a loop over steps
        reached = (lv["level"] >= k).to_numpy()
        part = lv.loc[reached, by].assign(step_index=k, gap=gaps.loc[reached, f"gap_{k}"])
        parts.append(part)
    long = pd.concat(parts, ignore_index=True).sort_values([*by, "step_index", "gap"])
    grp = long.groupby([*by, "step_index"], dropna=False, sort=False)
    long["size"] = grp["gap"].transform("size")
    long["rank"] = grp.cumcount()
    need = np.zeros(len(long), dtype=bool)
    for q in TIME_QUANTILES.values():
        need |= quantile_rank_needed(long["rank"].to_numpy(), long["size"].to_numpy(), q)
    return times_from_ranks(long[need], by)
