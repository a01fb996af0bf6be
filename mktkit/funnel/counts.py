"""A funnel from counts per stage: the stage counts a dashboard or an ad platform exports.

Examples
--------
>>> import pandas as pd
>>> counts = pd.DataFrame({"stage": ["visit", "cart", "purchase"], "count": [1000, 300, 120]})
>>> funnel_from_counts(counts)[["step", "users", "conversion_from_previous", "biggest_leak"]]
       step  users  conversion_from_previous  biggest_leak
0     visit   1000                       NaN         False
1      cart    300                       0.3          True
2  purchase    120                       0.4         False
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mktkit.errors import InputError, require_columns
from mktkit.funnel.result import by_list, py_value, summarize
from mktkit.funnel.spec import FunnelWarning


def funnel_from_counts(
    df: pd.DataFrame,
    stage: str = "stage",
    count: str = "count",
    by: str | Sequence[str] | None = None,
    strict: bool = True,
) -> pd.DataFrame:
    """A funnel from counts per stage (rows in funnel order).

    Parameters
    ----------
    df : DataFrame
        One row per stage (and segment), in funnel order: the order of first appearance.
    stage, count : str
        Column names of the stage label and of its count (a non-negative whole number).
    by : str or list of str, optional
        Segment columns; every segment must list every stage once.
    strict : bool
        True (a funnel of the same users): a stage larger than the stage before it is an
        :class:`~mktkit.errors.InputError`. False (independent counts, e.g. daily totals of
        each stage): a :class:`FunnelWarning`, and the conversion may exceed 1.

    Returns
    -------
    DataFrame
        ``[by...], step, step_index, users, conversion_from_previous, conversion_from_first,
        drop_off, drop_off_count, biggest_leak``.

    Examples
    --------
    >>> df = pd.DataFrame({"stage": ["visit", "cart"], "count": [200, 50]})
    >>> funnel_from_counts(df)["drop_off"].tolist()
    [nan, 0.75]
    """
    by = by_list(by)
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a DataFrame, got {type(df).__name__}", table="counts")
    require_columns(df, [stage, count, *by], table="counts")
    if not isinstance(strict, bool):
        raise InputError(f"strict must be True or False, got {strict!r}", column="strict")
    values = pd.to_numeric(df[count], errors="coerce")
    bad = values.isna() | (values < 0) | (values % 1 != 0)
    if bad.any():
        rows = {i + 1: py_value(df[count].iloc[i]) for i in np.flatnonzero(bad.to_numpy())}
        raise InputError(
            "counts must be whole numbers >= 0",
            table="counts",
            column=count,
            rows=rows,
            fix="give each stage the number of users (or sessions) that reached it",
        )
    if df[stage].isna().any():
        rows = {i + 1: None for i in np.flatnonzero(df[stage].isna().to_numpy())}
        raise InputError("stage without a name", table="counts", column=stage, rows=rows)
    labels = list(dict.fromkeys(df[stage].astype(str)))
    if len(labels) < 2:
        raise InputError(
            f"a funnel needs at least 2 stages, got {len(labels)}",
            table="counts",
            column=stage,
            fix="give one row per stage, in funnel order",
        )
    work = df[[*by]].copy()
    work["step_index"] = df[stage].astype(str).map({s: i for i, s in enumerate(labels, 1)})
    work["users"] = values.astype("int64")
    work["row"] = np.arange(1, len(df) + 1)
    dup = work.duplicated([*by, "step_index"], keep=False)
    if dup.any():
        raise InputError(
            "a stage appears more than once" + (" in a segment" if by else ""),
            table="counts",
            column=stage,
            rows={int(r): py_value(df[stage].iloc[r - 1]) for r in work.loc[dup, "row"]},
            fix="give one row per stage" + (" and segment" if by else ""),
        )
    if by:
        sizes = work.groupby(by, dropna=False).size()
        short = sizes[sizes != len(labels)]
        if len(short):
            raise InputError(
                f"segment(s) {list(short.index)!r} lack some of the stages {labels!r}",
                table="counts",
                fix="give every segment every stage (0 when nobody got there)",
            )
    work = work.sort_values([*by, "step_index"], kind="stable")
    prev = work.groupby(by, dropna=False)["users"].shift(1) if by else work["users"].shift(1)
    wider = work[work["users"] > prev]
    if len(wider):
        rows = {int(r): int(u) for r, u in zip(wider["row"], wider["users"], strict=True)}
        labels_wide = ", ".join(repr(labels[i - 1]) for i in wider["step_index"].unique())
        msg = f"stage(s) {labels_wide} are larger than the stage before"
        if strict:
            raise InputError(
                msg,
                table="counts",
                column=count,
                rows=rows,
                fix="a funnel of one group of users never widens; check the counts or pass "
                "strict=False for independent counts (e.g. daily totals)",
            )
        warnings.warn(
            f"{msg} (strict=False: conversions above 1 are kept)", FunnelWarning, stacklevel=2
        )
    return summarize(work[[*by, "step_index", "users"]], labels, by)
