"""Colours of the strategy figures, and light tints of a colour for backgrounds.

The quadrant, TOWS and IE colours are Okabe & Ito's (the palette of :mod:`mktkit.style`),
so the four quadrants stay apart under the common colour-vision deficiencies.

Examples
--------
>>> QUADRANT_COLORS["strengths"], tint(QUADRANT_COLORS["strengths"])
('#009E73', '#DBF1EB')
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


def tint(color: str, share: float = 0.14) -> str:
    """``color`` (``#RRGGBB``) mixed with white, ``share`` of the colour: a light background.

    Examples
    --------
    >>> tint("#D55E00"), tint("#D55E00", 0.45)
    ('#F9E8DB', '#ECB78C')
    """
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)
