"""Colours of the strategy figures.

The quadrant, TOWS and IE colours are Okabe & Ito's (the palette of :mod:`mktkit.style`),
so the four quadrants stay apart under the common colour-vision deficiencies.

Examples
--------
>>> QUADRANT_COLORS["strengths"], TOWS_COLORS["WT"]
('#009E73', '#D55E00')
"""

from __future__ import annotations

QUADRANT_COLORS = {
    "strengths": "#009E73",
    "weaknesses": "#D55E00",
    "opportunities": "#0072B2",
    "threats": "#E69F00",
}
TOWS_COLORS = {"SO": "#009E73", "WO": "#0072B2", "ST": "#E69F00", "WT": "#D55E00"}
IE_COLORS = {
    "grow_and_build": "#009E73",
    "hold_and_maintain": "#0072B2",
    "harvest_or_divest": "#D55E00",
}
MUTED = "#555555"
INK = "#222222"

#: The share of a colour in the light background of a strategy cell.
CELL_TINT = 0.14
