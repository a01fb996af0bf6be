"""How findings are ranked: severity from status, kind and size, and the ranked frame.

``severity = STATUS_WEIGHT[status] x KIND_WEIGHT[kind] x (1 + size)``, rounded to 6 decimals,
where ``size`` in [0, 1] is the finding's relative size (:data:`SIZE_RULES`). Ties are broken
by the order of :data:`KINDS`, then ``source``, then ``finding``, so the same inputs always
give the same frame.

Examples
--------
>>> rows = [{"kind": "nps", "status": "info", "size": 0.0, "finding": "b", "action": "",
...          "value": 1.0, "metric": "nps", "source": "nps"},
...         {"kind": "target", "status": "red", "size": 0.2, "finding": "a", "action": "",
...          "value": 0.8, "metric": "attainment", "source": "kpi_targets"}]
>>> rank_findings(rows)[["rank", "kind", "severity"]].to_numpy().tolist()
[[1, 'target', 3.6], [2, 'nps', 0.7]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "COLUMNS",
    "KINDS",
    "KIND_WEIGHT",
    "SEVERITY_RULE",
    "SIZE_RULES",
    "STATUS_WEIGHT",
    "rank_findings",
]

#: Output columns, in order.
COLUMNS: tuple[str, ...] = (
    "rank",
    "kind",
    "severity",
    "status",
    "finding",
    "action",
    "value",
    "metric",
    "source",
)

#: Kinds of finding; their order breaks severity ties.
KINDS: tuple[str, ...] = (
    "target",
    "funnel",
    "anomaly",
    "channel",
    "budget",
    "customers",
    "experiment",
    "nps",
)

#: How much a status weighs: a miss or a problem before a warning before good news.
STATUS_WEIGHT: dict[str, float] = {
    "red": 3.0,
    "bad": 3.0,
    "amber": 2.0,
    "good": 1.5,
    "green": 1.0,
    "info": 1.0,
}

#: How much a kind weighs: the month's targets and funnel first; a single odd day last.
KIND_WEIGHT: dict[str, float] = {
    "target": 1.0,
    "funnel": 1.0,
    "channel": 0.9,
    "budget": 0.8,
    "customers": 0.8,
    "experiment": 0.8,
    "nps": 0.7,
    "anomaly": 0.5,
}

#: The ``size`` of each kind (clipped to [0, 1]) that enters the severity.
SIZE_RULES: dict[str, str] = {
    "target": "|1 - attainment| (projected attainment while the month runs)",
    "funnel": "relative fall of the step conversion, -difference / conversion_a (0 for info)",
    "anomaly": "largest |relative_deviation| of the flagged days",
    "channel": "cut: relative fall of ROAS over its falling streak, else 1 - ROAS / blended "
    "ROAS; grow: marginal ROAS / blended ROAS - 1",
    "budget": "expected revenue change / total budget",
    "customers": "dormant customers' revenue / all revenue to date",
    "experiment": "|lift| (win, loss); |users share - planned share| / planned share (SRM)",
    "nps": "|difference| / 100 (change); gap to the next-lowest region / 100 (regions)",
}

#: The severity rule in one line (``attrs["severity"]`` of the ranked findings).
SEVERITY_RULE = (
    "STATUS_WEIGHT[status] x KIND_WEIGHT[kind] x (1 + size), size in [0, 1]; "
    "ties: kind order, source, finding"
)


def rank_findings(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The findings ranked: :data:`COLUMNS`, ``rank`` 1 = highest severity.

    Parameters
    ----------
    rows : list of dict
        :func:`mktkit.insights.records.finding_record` records (with ``size``).

    Returns
    -------
    DataFrame
        One row per finding in rank order; an empty frame with the same columns and dtypes
        when there is none.
    """
    if not rows:
        out = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
        return out.astype({"rank": "int64", "severity": "float64", "value": "float64"})
    f = pd.DataFrame(rows)
    f["severity"] = [
        round(STATUS_WEIGHT[s] * KIND_WEIGHT[k] * (1 + z), 6)
        for s, k, z in zip(f["status"], f["kind"], f["size"], strict=True)
    ]
    f["_kind"] = f["kind"].map({k: i for i, k in enumerate(KINDS)})
    f = f.sort_values(
        ["severity", "_kind", "source", "finding"],
        ascending=[False, True, True, True],
        kind="stable",
    ).reset_index(drop=True)
    f["rank"] = np.arange(1, len(f) + 1, dtype="int64")
    return f[list(COLUMNS)]
