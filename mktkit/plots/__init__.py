"""Every figure of the kit.

Each function takes the output of an analysis function (a tidy DataFrame), an optional ``ax=``
and ``lang=``, draws on that Axes and returns it, so that a figure composes with anything else
the user draws. No computation happens here beyond what drawing needs.

The package, one job a module:

- :mod:`~mktkit.plots.funnel`: :func:`plot_funnel`, :func:`plot_funnel_trend`;
- :mod:`~mktkit.plots.monitoring`: :func:`plot_monthly_totals`, :func:`plot_kpi_bullets`,
  :func:`plot_pacing`, :func:`plot_channel_efficiency`, :func:`plot_response_curves`,
  :func:`plot_anomalies`;
- :mod:`~mktkit.plots.customers`: :func:`plot_rfm_segments`, :func:`plot_cohort_heatmap`;
- :mod:`~mktkit.plots.surveys`: :func:`plot_nps`;
- :mod:`~mktkit.plots.experiments`: :func:`plot_experiment`;
- :mod:`~mktkit.plots.strategy`: :func:`plot_swot`, :func:`plot_tows`,
  :func:`plot_factor_evaluation`, :func:`plot_ie_matrix`, :func:`plot_space`,
  :func:`plot_mix_scorecard`;
- :mod:`~mktkit.plots.campaigns`: :func:`plot_campaign_timeline`;

and what they share:

- :mod:`~mktkit.plots.axes`: the Axes a plot draws on (new or the caller's, ready for
  Chinese) and where its title goes;
- :mod:`~mktkit.plots.textfit`: long bilingual text wrapped, measured and fitted inside cells,
  and labels placed clear of other texts (the strategy figures);
- :mod:`~mktkit.plots.colors`: the strategy figures' colours and tints;
- :mod:`~mktkit.plots.docstrings`: the docstring text of the parameters every plot shares
  (``ax``, ``lang``).

Importing the package appends the CJK font to matplotlib's font fallback
(:func:`mktkit.style.add_cjk_fallback`), so a plot with ``lang="zh"`` (or a Chinese name in
the data) renders without :func:`mktkit.use_theme` first.

Examples
--------
>>> from mktkit import plots
>>> import mktkit as mk
>>> mk.plot_swot is plots.plot_swot is plots.strategy.plot_swot
True
"""

from mktkit.plots.campaigns import plot_campaign_timeline
from mktkit.plots.customers import plot_cohort_heatmap, plot_rfm_segments
from mktkit.plots.experiments import plot_experiment
from mktkit.plots.funnel import plot_funnel, plot_funnel_trend
from mktkit.plots.monitoring import (
    plot_anomalies,
    plot_channel_efficiency,
    plot_kpi_bullets,
    plot_monthly_totals,
    plot_pacing,
    plot_response_curves,
)
from mktkit.plots.strategy import (
    plot_factor_evaluation,
    plot_ie_matrix,
    plot_mix_scorecard,
    plot_space,
    plot_swot,
    plot_tows,
)
from mktkit.plots.surveys import plot_nps
from mktkit.style import add_cjk_fallback

# a plot with lang="zh" (or a Chinese name in the data) renders without mk.use_theme() first
add_cjk_fallback()

__all__ = [
    "plot_anomalies",
    "plot_campaign_timeline",
    "plot_channel_efficiency",
    "plot_cohort_heatmap",
    "plot_experiment",
    "plot_factor_evaluation",
    "plot_funnel",
    "plot_funnel_trend",
    "plot_ie_matrix",
    "plot_kpi_bullets",
    "plot_mix_scorecard",
    "plot_monthly_totals",
    "plot_nps",
    "plot_pacing",
    "plot_response_curves",
    "plot_rfm_segments",
    "plot_space",
    "plot_swot",
    "plot_tows",
]
