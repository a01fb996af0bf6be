"""Surveys: Net Promoter Score with its margin of error, and the difference of two NPS.

Conventions (docs/methods.md, "Surveys"): promoters answer 9-10, passives 7-8, detractors 0-6;
NPS = 100 x (promoters - detractors) / n, in points from -100 to 100. Treating each answer as
+1 / 0 / -1, NPS / 100 is their mean, whose variance is p + d - (p - d)^2 (p, d the promoter and
detractor shares), so the margin of error is z x 100 x sqrt((p + d - (p - d)^2) / n). Scores must
be whole numbers 0-10; fewer than 30 answers give a :class:`SmallSampleWarning`.

Examples
--------
>>> import pandas as pd
>>> r = nps(pd.DataFrame({"score": [10, 9, 9, 8, 7, 6, 3, 10, 9, 0] * 3}))
>>> float(r.loc[0, "nps"])
20.0
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mktkit.errors import InputError, numeric_column, offending, require_columns

__all__ = ["SmallSampleWarning", "compare_nps", "nps", "nps_groups"]

#: below this many answers an NPS is flagged as unreliable
MIN_ANSWERS = 30

NPS_MOE = "normal approximation, variance p + d - (p - d)^2"
NPS_TEST = "two-sample z-test on NPS (normal approximation, unpooled variances)"


class SmallSampleWarning(UserWarning):
    """An NPS computed from fewer than 30 answers."""


def _scores(responses: pd.DataFrame | pd.Series | Sequence[int], score: str, table: str):
    """The table and its scores as floats, refusing text, gaps, fractions and values off 0-10."""
    if not isinstance(responses, pd.DataFrame):
        responses = pd.DataFrame({score: pd.Series(responses)})
    require_columns(responses, [score], table=table)
    s = numeric_column(responses, score, table=table, allow_empty=False)
    raw = responses[score].reset_index(drop=True)  # shown as the user wrote it
    frac = s != np.floor(s)
    if frac.any():
        raise InputError(
            "is not a whole number",
            table=table,
            column=score,
            rows=offending(raw, frac),
            fix="scores are whole numbers 0 to 10: correct or drop averaged answers",
        )
    off = (s < 0) | (s > 10)
    if off.any():
        raise InputError(
            "is outside 0-10",
            table=table,
            column=score,
            rows=offending(raw, off),
            fix="scores run from 0 to 10: correct the value (a 1-5 or 1-100 scale needs "
            "converting first)",
        )
    return responses.reset_index(drop=True), s


def _summary(s: pd.Series, z: float) -> dict[str, float]:
    n = len(s)
    if n == 0:
        nan = float("nan")
        return dict.fromkeys(["promoters", "passives", "detractors", "nps", "moe"], nan) | {"n": 0}
    p = float((s >= 9).mean())
    d = float((s <= 6).mean())
    moe = z * 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    return {
        "n": n,
        "promoters": p,
        "passives": 1 - p - d,
        "detractors": d,
        "nps": 100 * (p - d),
        "moe": moe,
    }


def nps(
    responses: pd.DataFrame | pd.Series | Sequence[int],
    score: str = "score",
    by: str | list[str] | None = None,
    *,
    confidence: float = 0.95,
    table: str = "nps",
) -> pd.DataFrame:
    """Net Promoter Score, the shares of each group and the margin of error.

    Parameters
    ----------
    responses : DataFrame, Series or list of int
        One row per answer (the ``nps`` table of the data contract).
    score : str
        Column of the 0-10 answers.
    by : str or list of str, optional
        Break down by these columns (e.g. ``"region"``); groups in sorted order.
    confidence : float
        Confidence of the interval (z from the normal distribution; 0.95 gives 1.96).

    Returns
    -------
    DataFrame
        [by...], n, promoters, passives, detractors (shares, fractions), nps (points), moe
        (points), nps_low, nps_high, small_sample (n < 30), method. With ``by`` and no
        answers, no rows; without ``by``, one row of n = 0 and empty scores.

    Raises
    ------
    InputError
        A score that is empty, text, not a whole number, or outside 0-10, naming the rows.

    Warns
    -----
    SmallSampleWarning
        When a row has fewer than 30 answers.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [10, 9, 6, 8] * 10, "region": ["east", "west"] * 20})
    >>> nps(df)[["n", "nps"]].to_dict("records")
    [{'n': 40, 'nps': 25.0}]
    """
    from scipy.stats import norm

    if not 0 < confidence < 1:
        raise InputError(
            f"confidence={confidence!r} is outside (0, 1)", column="confidence", fix="e.g. 0.95"
        )
    z = float(norm.ppf(0.5 + confidence / 2))
    df, s = _scores(responses, score, table)
    keys = [by] if isinstance(by, str) else list(by or [])
    require_columns(df, keys, table=table)
    if keys:
        groups = s.groupby([df[k] for k in keys], sort=True, dropna=False)
        rows = [
            dict(zip(keys, k if isinstance(k, tuple) else (k,), strict=True)) | _summary(g, z)
            for k, g in groups
        ]
    else:
        rows = [_summary(s, z)]
    # no answers (a region silent in the month) is a frame without rows, not a KeyError
    summary = ["n", "promoters", "passives", "detractors", "nps", "moe"]
    out = pd.DataFrame(rows, columns=[*keys, *summary])
    out["nps_low"] = out["nps"] - out["moe"]
    out["nps_high"] = out["nps"] + out["moe"]
    out["small_sample"] = out["n"] < MIN_ANSWERS
    out["method"] = NPS_MOE
    if out["small_sample"].any():
        few = out.loc[out["small_sample"], "n"].tolist()
        warnings.warn(
            f"NPS from fewer than {MIN_ANSWERS} answers (n = {few}): the margin of error is wide "
            "and the score unstable",
            SmallSampleWarning,
            stacklevel=2,
        )
    return out


def nps_groups(score: pd.Series) -> pd.Series:
    """Group code of each score: ``promoter`` (9-10), ``passive`` (7-8), ``detractor`` (0-6).

    Examples
    --------
    >>> nps_groups(pd.Series([10, 7, 6])).tolist()
    ['promoter', 'passive', 'detractor']
    """
    _, s = _scores(score, "score", "nps")
    return pd.Series(
        np.select([s >= 9, s >= 7], ["promoter", "passive"], "detractor"), index=score.index
    )


def compare_nps(
    a: pd.DataFrame | pd.Series | Sequence[int],
    b: pd.DataFrame | pd.Series | Sequence[int],
    score: str = "score",
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Difference b - a of two independent NPS with its interval and a two-sided z-test.

    The variance of each NPS / 100 is (p + d - (p - d)^2) / n; the difference's standard error
    adds the two variances (independent samples).

    Returns
    -------
    DataFrame
        One row: n_a, nps_a, n_b, nps_b, diff (points), diff_low, diff_high, z, p_value, test.

    Examples
    --------
    >>> out = compare_nps([10] * 50 + [0] * 50, [10] * 70 + [0] * 30)
    >>> float(out.loc[0, "diff"])
    40.0
    """
    from scipy.stats import norm

    if not 0 < confidence < 1:
        raise InputError(
            f"confidence={confidence!r} is outside (0, 1)", column="confidence", fix="e.g. 0.95"
        )
    _, sa = _scores(a, score, "a")
    _, sb = _scores(b, score, "b")
    ra, rb = _summary(sa, 1.0), _summary(sb, 1.0)  # moe at z = 1 is the standard error
    diff = rb["nps"] - ra["nps"]
    se = math.hypot(ra["moe"], rb["moe"])
    zq = float(norm.ppf(0.5 + confidence / 2))
    zs = diff / se if se > 0 else float("nan")
    return pd.DataFrame(
        [
            {
                "n_a": ra["n"],
                "nps_a": ra["nps"],
                "n_b": rb["n"],
                "nps_b": rb["nps"],
                "diff": diff,
                "diff_low": diff - zq * se,
                "diff_high": diff + zq * se,
                "z": zs,
                "p_value": float(2 * norm.sf(abs(zs))) if not math.isnan(zs) else float("nan"),
                "test": NPS_TEST,
            }
        ]
    )
