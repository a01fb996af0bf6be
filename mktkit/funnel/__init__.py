"""Funnels: from stage counts, from event logs (ClickHouse ``windowFunnel`` semantics), over
time, compared, since when a step leaks, and the AARRR lifecycle funnel.

Every function returns one tidy table: ``[by...]``, ``step``, ``step_index``, ``users``,
``conversion_from_previous``, ``conversion_from_first``, ``drop_off`` (rates are fractions,
0/0 is NaN), plus ``drop_off_count`` (``n_(i-1) - n_i``, NA at step 1) and ``biggest_leak``
(True on the step(s) with the lowest conversion from the previous step, every tied step
marked). Event funnels can add ``median_time_to_convert`` and ``p90_time_to_convert`` (time
from the previous step of each user's chain). The event funnels return a
:class:`FunnelResult`, which also holds the per-user levels:
``result.users_at("purchase", dropped=True)`` lists who to follow up with.

The package, one job a module:

- :mod:`~mktkit.funnel.spec`: what a funnel asks (steps, window, mode), engine-independent;
- :mod:`~mktkit.funnel.events`: :func:`funnel`, :func:`funnel_levels`, :func:`funnel_trend`;
- :mod:`~mktkit.funnel.levels`: each user's level on the engine that suits the log;
  the engines are :mod:`~mktkit.funnel.pandas_engine`, :mod:`~mktkit.funnel.duckdb_engine`,
  :mod:`~mktkit.funnel.scan` (compiled with numba) and :mod:`~mktkit.funnel.spark_engine`;
- :mod:`~mktkit.funnel.result` and :mod:`~mktkit.funnel.times`: the table every engine ends in;
- :mod:`~mktkit.funnel.counts`: :func:`funnel_from_counts`;
- :mod:`~mktkit.funnel.compare`: :func:`compare_funnels`, :func:`compare_steps`,
  :func:`month_funnels`;
- :mod:`~mktkit.funnel.leak`: :func:`leak_onset`, the day a step began to leak;
- :mod:`~mktkit.funnel.aarrr`: :func:`aarrr`.

Examples
--------
>>> import pandas as pd
>>> import mktkit as mk
>>> counts = pd.DataFrame({"stage": ["visit", "cart", "purchase"], "count": [1000, 300, 120]})
>>> mk.funnel_from_counts(counts)[["step", "users", "conversion_from_previous", "biggest_leak"]]
       step  users  conversion_from_previous  biggest_leak
0     visit   1000                       NaN         False
1      cart    300                       0.3          True
2  purchase    120                       0.4         False
"""

from mktkit.funnel.aarrr import AARRR_STAGES, aarrr
from mktkit.funnel.compare import compare_funnels, compare_steps, month_funnels
from mktkit.funnel.counts import funnel_from_counts
from mktkit.funnel.events import funnel, funnel_levels, funnel_trend, period_complete
from mktkit.funnel.leak import leak_onset
from mktkit.funnel.levels import ENGINES
from mktkit.funnel.result import RATE_COLUMNS, FunnelResult, summarize
from mktkit.funnel.spec import FunnelSpec, FunnelWarning

__all__ = [
    "AARRR_STAGES",
    "ENGINES",
    "RATE_COLUMNS",
    "FunnelResult",
    "FunnelSpec",
    "FunnelWarning",
    "aarrr",
    "compare_funnels",
    "compare_steps",
    "funnel",
    "funnel_from_counts",
    "funnel_levels",
    "funnel_trend",
    "leak_onset",
    "month_funnels",
    "period_complete",
    "summarize",
]
