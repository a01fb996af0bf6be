"""One finding as a record, and the check that an input is the table a rule expects.

Every rule set (the ``rules_*`` modules) returns a list of :func:`finding_record` dicts; the
ranking (:mod:`mktkit.insights.ranking`) turns them into the ranked frame.

Examples
--------
>>> r = finding_record("budget", "info", 1.7, "keep the split", "keep it", "0.0",
...                    "expected_revenue_change", "channel_daily", "en")
>>> r["size"], r["finding"], r["value"]
(1.0, 'Keep the split.', 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError
from mktkit.insights.text import sentence

__all__ = ["check_input", "finding_record", "to_float"]


def to_float(x: Any) -> float:
    """``x`` as a float; NaN when it is not a number.

    Examples
    --------
    >>> to_float("0.25"), to_float(None)
    (0.25, nan)
    """
    try:
        value = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return value


def check_input(df: Any, columns: Sequence[str], arg: str, made_by: str) -> None:
    """``df`` must be a DataFrame with ``columns``; else an InputError naming ``arg``.

    Parameters
    ----------
    df : Any
        The input a caller passed.
    columns : sequence of str
        The columns the rule reads.
    arg : str
        The argument's name in :func:`mktkit.insights.insights`, named in the error.
    made_by : str
        The call that makes the table, named in the error's fix.

    Raises
    ------
    InputError
        ``df`` is not a DataFrame or lacks some of ``columns``.
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"expected a DataFrame, got {type(df).__name__}",
            table=arg,
            fix=f"pass the output of {made_by}",
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise InputError(
            f"missing column(s) {names}",
            table=arg,
            fix=f"pass the output of {made_by} (it has these columns)",
        )


def finding_record(
    kind: str,
    status: str,
    size: float,
    finding: str,
    action: str,
    value: Any,
    metric: str,
    source: str,
    lang: str,
) -> dict[str, Any]:
    """One finding: its ``size`` clipped to [0, 1] (0 when undefined), its texts as sentences.

    The fields are the output columns of :func:`mktkit.insights.insights` but ``rank`` and
    ``severity``, which :func:`mktkit.insights.ranking.rank_findings` adds, plus ``size``
    (see :data:`mktkit.insights.ranking.SIZE_RULES`).
    """
    return {
        "kind": kind,
        "status": status,
        "size": float(min(max(size, 0.0), 1.0)) if np.isfinite(size) else 0.0,
        "finding": sentence(finding, lang),
        "action": sentence(action, lang),
        "value": to_float(value),
        "metric": metric,
        "source": source,
    }
