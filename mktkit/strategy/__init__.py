"""Strategy frameworks: SWOT and TOWS, IFE/EFE, the IE and SPACE matrices, the 4P/7P marketing
mix, and the evidence behind SWOT claims computed from the data.

The package, one job a module:

- :mod:`~mktkit.strategy.records`: reading YAML, mappings and table rows into validated values,
  every problem collected and reported at once;
- :mod:`~mktkit.strategy.swot_items`: the parts of a SWOT (quadrants, TOWS, evidence, items,
  strategies) and the parsing of one item or strategy;
- :mod:`~mktkit.strategy.swot`: :class:`SWOT`, its rules across items, TOWS and the
  conversions (dict, YAML, DataFrame), and :func:`load_swot`;
- :mod:`~mktkit.strategy.matrices`: IFE/EFE scoring, :func:`ie_matrix` and
  :func:`space_matrix` (Fred R. David);
- :mod:`~mktkit.strategy.mix_items` and :mod:`~mktkit.strategy.mix`: the 4P/7P elements and
  :class:`MarketingMix` (scorecard, completeness, actions), and :func:`load_mix`;
- :mod:`~mktkit.strategy.display`: HTML and Markdown of all of them, user text escaped;
- :mod:`~mktkit.strategy.evidence`: :func:`evidence_values`, the SWOT's numbers from the data.
"""

from mktkit.strategy.evidence import evidence_values
from mktkit.strategy.matrices import ie_matrix, space_matrix
from mktkit.strategy.mix import MarketingMix, load_mix
from mktkit.strategy.swot import SWOT, load_swot
from mktkit.strategy.swot_items import SWOTWarning

__all__ = [
    "SWOT",
    "MarketingMix",
    "SWOTWarning",
    "evidence_values",
    "ie_matrix",
    "load_mix",
    "load_swot",
    "space_matrix",
]
