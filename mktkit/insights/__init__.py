"""Findings: the analysis results ranked and said in plain words (en, zh), each with its number.

:func:`insights` reads the tables the kit's analysis functions already returned (KPI review,
funnel comparison, channel review, budget reallocation, customers, experiments, anomalies, NPS)
and turns what deserves attention into one sentence each, with the next action and the source
of the number. Nothing is recomputed: a report passes what it has shown. :func:`insights_for`
computes every input with the same calls as the monthly review and calls :func:`insights`.
The day a funnel leak began comes from :func:`mktkit.funnel.leak_onset`.

The package, one job a module:

- :mod:`~mktkit.insights.compose`: :func:`insights` and :func:`insights_for`, the
  orchestrators, and :data:`~mktkit.insights.compose.REVIEW_STEPS`;
- the rule sets, one per kind of finding, each from analysis tables to finding records:
  :mod:`~mktkit.insights.rules_targets` (KPI targets), :mod:`~mktkit.insights.rules_funnel`,
  :mod:`~mktkit.insights.rules_anomalies`, :mod:`~mktkit.insights.rules_channels` (channels
  and the budget), :mod:`~mktkit.insights.rules_customers`,
  :mod:`~mktkit.insights.rules_experiments`, :mod:`~mktkit.insights.rules_nps`;
- :mod:`~mktkit.insights.records`: one finding as a record, and the check of an input table;
- :mod:`~mktkit.insights.ranking`: severity (:data:`STATUS_WEIGHT`, :data:`KIND_WEIGHT`,
  :data:`SIZE_RULES`), the tie order (:data:`KINDS`) and the ranked frame (:data:`COLUMNS`);
- :mod:`~mktkit.insights.text`: the zh/en sentence table and the helpers that fill it.

Output columns
--------------
rank : int
    1 = most important; ``severity`` descending.
kind : str
    ``target``, ``funnel``, ``anomaly``, ``channel``, ``budget``, ``customers``,
    ``experiment`` or ``nps``.
severity : float
    ``STATUS_WEIGHT[status] x KIND_WEIGHT[kind] x (1 + size)`` rounded to 6 decimals, where
    ``size`` in [0, 1] is the finding's relative size (see :data:`SIZE_RULES`). Ties are broken
    by the order of :data:`KINDS`, then ``source``, then ``finding``, so the same inputs always
    give the same frame.
status : str
    ``red`` / ``amber`` / ``green`` (KPI targets, thresholds in docs/methods.md, "KPIs") or
    ``bad`` / ``good`` / ``info`` (everything else).
finding : str
    One sentence in ``lang`` with its number, formatted by :mod:`mktkit.formats` exactly as the
    report's tables show it.
action : str
    What to do next, one sentence in ``lang``.
value : float
    The headline number of the sentence (an attainment, a rate, a ROAS, a count ...).
metric : str
    What ``value`` measures (``attainment``, ``step_conversion``, ``roas``, ``lift`` ...).
source : str
    Where the number comes from: table(s), rows and period.

The sentences are plain text; a report escapes them when it shows them.

Examples
--------
>>> import pandas as pd
>>> kpis = pd.DataFrame({"region": ["north", "east"], "metric": ["revenue", "orders"],
...                      "actual": [850.0, 120.0], "target": [1000.0, 100.0],
...                      "attainment": [0.85, 1.2], "status": ["red", "green"]})
>>> f = insights(month="2026-10", lang="en", kpis=kpis)
>>> print(f.loc[0, "finding"])
North revenue reached 85.0% of target (¥850 against ¥1,000): off track.
>>> f.attrs["skipped"][:3]
['funnel', 'leak_since', 'channels']
"""

from mktkit.insights.compose import insights, insights_for
from mktkit.insights.ranking import (
    COLUMNS,
    KIND_WEIGHT,
    KINDS,
    SIZE_RULES,
    STATUS_WEIGHT,
)

__all__ = [
    "COLUMNS",
    "KINDS",
    "KIND_WEIGHT",
    "SIZE_RULES",
    "STATUS_WEIGHT",
    "insights",
    "insights_for",
]
