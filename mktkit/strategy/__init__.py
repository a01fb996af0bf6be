"""Strategy frameworks: SWOT and TOWS, IFE/EFE, the IE and SPACE matrices, the 4P/7P marketing
mix, and the evidence behind SWOT claims computed from the data."""

from mktkit.strategy.evidence import evidence_values
from mktkit.strategy.mix import MarketingMix, load_mix
from mktkit.strategy.swot import SWOT, SWOTWarning, ie_matrix, load_swot, space_matrix

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
