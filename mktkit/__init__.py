"""mktkit: a Jupyter analysis kit for marketing-operations teams.

``import mktkit as mk`` is cheap: names are resolved lazily (PEP 562), so pandas, pandera,
duckdb, statsmodels and papermill are imported only when a function that needs them is used.

Examples
--------
>>> import mktkit as mk
>>> data = mk.load_sample()          # doctest: +SKIP
>>> sorted(data)[:3]                 # doctest: +SKIP
['campaigns', 'channel_daily', 'customers']
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from typing import Any

from mktkit.errors import InputError

# With the spark extra installed, pandera imports pyspark.pandas (on import and while building
# schemas) and PySpark warns that it does not fully support pandas 3. The kit never uses
# pyspark.pandas and tests its Spark backend on pandas 3 (tests/test_spark.py), so learners and
# reports should not see that warning: this one message is silenced, nothing else.
warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)

__version__ = "0.1.0"

# public name -> module that defines it. Add a line here when a module gains a public function.
_LAZY: dict[str, str] = {
    # foundation
    "read_table": "mktkit.data.io",
    "load_sample": "mktkit.data.sample",
    "load_data": "mktkit.data.folder",
    "data_until": "mktkit.data.folder",
    "validate": "mktkit.data.io",
    "SCHEMAS": "mktkit.schemas",
    "label": "mktkit.i18n",
    "labels": "mktkit.i18n",
    "use_theme": "mktkit.style",
    "theme_context": "mktkit.style",
    "status_color": "mktkit.style",
    "format_table": "mktkit.tables",
    "use_currency": "mktkit.formats",
    "use_labels": "mktkit.i18n",
    "headline_table": "mktkit.tables",
    # analysis
    "funnel_from_counts": "mktkit.funnel",
    "funnel": "mktkit.funnel",
    "funnel_trend": "mktkit.funnel",
    "compare_funnels": "mktkit.funnel",
    "compare_steps": "mktkit.funnel",
    "month_funnels": "mktkit.funnel",
    "funnel_change_table": "mktkit.tables",
    "aarrr": "mktkit.funnel",
    "funnel_levels": "mktkit.funnel",
    "FunnelResult": "mktkit.funnel",
    "headline": "mktkit.kpi",
    "monthly_totals": "mktkit.kpi",
    "kpi_attainment": "mktkit.kpi",
    "kpi_actuals": "mktkit.kpi",
    "kpi_review": "mktkit.kpi",
    "period_change": "mktkit.kpi",
    "smart_check": "mktkit.kpi",
    "pacing_curve": "mktkit.kpi",
    "channel_performance": "mktkit.channels",
    "channel_review": "mktkit.channels",
    "marginal_roas": "mktkit.channels",
    "response_curves": "mktkit.channels",
    "budget_reallocation": "mktkit.channels",
    "spend_test_plan": "mktkit.channels",
    "adstock": "mktkit.channels",
    "detect_anomalies": "mktkit.anomalies",
    "anomaly_review": "mktkit.anomalies",
    "anomaly_flags": "mktkit.anomalies",
    "customer_review": "mktkit.customers",
    "insights": "mktkit.insights",
    "campaign_results": "mktkit.campaigns",
    "campaign_before_after": "mktkit.campaigns",
    "campaign_daily": "mktkit.campaigns",
    "campaign_split": "mktkit.campaigns",
    "campaign_lessons": "mktkit.campaigns",
    "insights_for": "mktkit.insights",
    "leak_onset": "mktkit.funnel",
    "stl_decompose": "mktkit.anomalies",
    "SWOT": "mktkit.strategy",
    "SWOTWarning": "mktkit.strategy",
    "load_swot": "mktkit.strategy",
    "ie_matrix": "mktkit.strategy",
    "space_matrix": "mktkit.strategy",
    "MarketingMix": "mktkit.strategy",
    "load_mix": "mktkit.strategy",
    "evidence_values": "mktkit.strategy",
    "rfm": "mktkit.customers",
    "rfm_summary": "mktkit.customers",
    "RFM_SEGMENTS": "mktkit.customers",
    "customer_layers": "mktkit.customers",
    "cohort_retention": "mktkit.customers",
    "repurchase_rate": "mktkit.customers",
    "dormant_customers": "mktkit.customers",
    "reactivation": "mktkit.customers",
    "nps": "mktkit.surveys",
    "compare_nps": "mktkit.surveys",
    "nps_groups": "mktkit.surveys",
    "SmallSampleWarning": "mktkit.surveys",
    "ab_test": "mktkit.experiments",
    "adjust_tests": "mktkit.experiments",
    "sample_size": "mktkit.experiments",
    "mde": "mktkit.experiments",
    "revenue_test": "mktkit.experiments",
    # presentation
    "plot_funnel": "mktkit.plots",
    "plot_funnel_trend": "mktkit.plots",
    "plot_monthly_totals": "mktkit.plots",
    "plot_kpi_bullets": "mktkit.plots",
    "plot_pacing": "mktkit.plots",
    "plot_channel_efficiency": "mktkit.plots",
    "plot_response_curves": "mktkit.plots",
    "plot_anomalies": "mktkit.plots",
    "kpi_table": "mktkit.tables",
    "channel_table": "mktkit.tables",
    "budget_table": "mktkit.tables",
    "anomaly_table": "mktkit.tables",
    "findings_list": "mktkit.tables",
    "plot_rfm_segments": "mktkit.plots",
    "plot_cohort_heatmap": "mktkit.plots",
    "plot_nps": "mktkit.plots",
    "plot_experiment": "mktkit.plots",
    "plot_swot": "mktkit.plots",
    "plot_tows": "mktkit.plots",
    "plot_factor_evaluation": "mktkit.plots",
    "plot_ie_matrix": "mktkit.plots",
    "plot_space": "mktkit.plots",
    "plot_mix_scorecard": "mktkit.plots",
    "plot_campaign_timeline": "mktkit.plots",
    # delivery
    "render": "mktkit.report",
    "generate_sample": "mktkit.data.generate",
}

# subpackages reached as attributes, e.g. mk.training.check("02.3", answer)
_SUBPACKAGES = ("training",)

__all__ = ["InputError", "__version__", *sorted(_LAZY), *_SUBPACKAGES]


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"mktkit.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mktkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # cache: the next access is a plain attribute lookup
    return value


def __dir__() -> list[str]:
    # Tab completion offers the kit, not the helpers this file imports (sys, importlib) nor
    # submodules bound on first use (mk.io, mk.schemas): those are reached by import.
    return sorted(set(__all__) | {n for n in globals() if n.startswith("__")})


class _Kit(types.ModuleType):
    """The package object: a public function keeps its name over a submodule of that name.

    Importing ``mktkit.funnel`` makes Python bind the *module* to ``mktkit.funnel``, which would
    hide the function ``mk.funnel``. The module stays reachable through ``sys.modules`` and
    ``from mktkit.funnel import ...``; the attribute stays the function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == value.__name__:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Kit
