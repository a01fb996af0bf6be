"""Scoring: the IFE/EFE evaluation of weighted factors, the IE matrix and the SPACE matrix.

Scoring follows Fred R. David, *Strategic Management* (chapters "The External Assessment",
"The Internal Assessment", "Strategy Analysis and Choice"):

- :func:`factor_evaluation`: IFE over strengths + weaknesses, EFE over opportunities +
  threats: weights 0-1 summing to 1.0 (or percentages summing to 100 with ``weight_scale:
  100``), integer ratings 1-4, score = weight x rating, total 1.0-4.0 read against the 2.5
  average. Sums are computed in exact decimal arithmetic on the numbers as written, so a
  textbook total of 2.50 is 2.5 and reads "average", not "below average" by a rounding error.
- :func:`ie_matrix`: the nine-cell Internal-External matrix.
- :func:`space_matrix`: the SPACE matrix (Rowe, Mason and Dickel 1982, as in David).

The rules are in docs/methods.md, "SWOT, TOWS, IFE/EFE, IE, SPACE". Computation only: the
figures are in :mod:`mktkit.plots`, the HTML and Markdown in :mod:`mktkit.strategy.display`.

Examples
--------
>>> ie_matrix(2.61, 2.24).cell
'V'
>>> space_matrix(fs=[5, 4], is_=[3, 4], es=[-2, -3], ca=[-5, -4]).quadrant
'conservative'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from mktkit.errors import InputError, check_argument
from mktkit.i18n import LANGS
from mktkit.strategy.display import ie_html, ie_markdown, space_html, space_markdown
from mktkit.strategy.records import exact, is_number
from mktkit.strategy.swot_items import SWOTItem, SWOTWarning

__all__ = [
    "AVERAGE_TOTAL",
    "FACTOR_RANGE",
    "IE_CELLS",
    "IE_STRATEGY",
    "MAX_WEIGHT",
    "SPACE_STRATEGIES",
    "IEResult",
    "SpaceResult",
    "factor_evaluation",
    "ie_matrix",
    "space_matrix",
]

#: David's average total weighted score.
AVERAGE_TOTAL = 2.5
#: David: "Include a total of 10 to 20 factors"; a weight this large dominates the total.
FACTOR_RANGE = (10, 20)
MAX_WEIGHT = 0.30


# ---------------------------------------------------------------------------------------------
# IFE and EFE


def factor_evaluation(
    factors: Sequence[SWOTItem],
    matrix: str,
    lang: str = "en",
    *,
    weight_scale: int = 1,
    source: str = "swot",
    stacklevel: int = 2,
) -> pd.DataFrame:
    """The IFE or EFE matrix of weighted, rated factors (:meth:`SWOT.ife
    <mktkit.strategy.swot.SWOT.ife>` and :meth:`~mktkit.strategy.swot.SWOT.efe` call it).

    Parameters
    ----------
    factors : sequence of SWOTItem
        Strengths + weaknesses (IFE) or opportunities + threats (EFE), each with a weight and
        a rating.
    matrix : {"ife", "efe"}
    lang : {"en", "zh"}
        Language of the ``factor`` column.
    weight_scale : {1, 100}
        The weights are fractions, or percentages.
    source : str
        Name used in error messages.
    stacklevel : int
        Of the warnings: 2 points at the caller of this function.

    Returns
    -------
    DataFrame
        Columns ``id``, ``quadrant``, ``factor`` (text in ``lang``), ``weight`` (a fraction,
        whatever the weight_scale), ``rating``, ``score`` (weight x rating). ``attrs``:
        ``total`` (1.0-4.0), ``reading`` (``"below_average"``, ``"at_average"``,
        ``"above_average"`` against 2.5), ``matrix``, ``n_factors``, ``warnings``.

    Warns
    -----
    SWOTWarning
        Fewer than 10 or more than 20 factors; a single weight of 0.30 or more.

    Examples
    --------
    >>> from mktkit.strategy.swot import load_swot
    >>> s = load_swot()
    >>> ife = factor_evaluation((*s.strengths, *s.weaknesses), "ife")
    >>> round(ife.attrs["total"], 2), ife.attrs["reading"]
    (2.61, 'above_average')
    """
    check_argument("lang", LANGS, lang)
    check_argument("matrix", ("ife", "efe"), matrix)
    name = matrix.upper()
    if not factors:
        raise InputError(
            f"the SWOT has no {name} factors",
            table=source,
            fix="add "
            + ("strengths and weaknesses" if matrix == "ife" else "opportunities and threats"),
        )
    if any(f.weight is None or f.rating is None for f in factors):
        raise InputError(
            f"the {name} factors have no weights and ratings",
            table=source,
            fix="give every factor a weight and a rating "
            '(docs/methods.md, "SWOT, TOWS, IFE/EFE, IE, SPACE")',
        )
    weights = [exact(f.weight) / weight_scale for f in factors]
    scores = [w * f.rating for w, f in zip(weights, factors, strict=True)]
    total = sum(scores, Fraction(0))
    messages = []
    low, high = FACTOR_RANGE
    if not low <= len(factors) <= high:
        messages.append(f"the {name} has {len(factors)} factors; David advises {low} to {high}")
    heavy = [
        f"{f.id} ({float(w):.2f})"
        for f, w in zip(factors, weights, strict=True)
        if w >= exact(MAX_WEIGHT)
    ]
    if heavy:
        messages.append(
            f"{name} weight(s) of {MAX_WEIGHT:.2f} or more: "
            + ", ".join(heavy)
            + "; one factor dominates the total"
        )
    for message in messages:
        warnings.warn(message, SWOTWarning, stacklevel=stacklevel)
    out = pd.DataFrame(
        {
            "id": [f.id for f in factors],
            "quadrant": [f.quadrant for f in factors],
            "factor": [f.label(lang) for f in factors],
            "weight": [float(w) for w in weights],
            "rating": pd.array([f.rating for f in factors], dtype="int64"),
            "score": [float(s) for s in scores],
        }
    )
    out.attrs.update(
        matrix=matrix,
        total=float(total),
        reading=_reading(total),
        n_factors=len(factors),
        warnings=messages,
    )
    return out


def _reading(total: Fraction) -> str:
    if total < Fraction(5, 2):
        return "below_average"
    return "above_average" if total > Fraction(5, 2) else "at_average"


# ---------------------------------------------------------------------------------------------
# IE matrix

#: The nine cells of the IE matrix, row-wise from the top left (strong IFE, high EFE).
IE_CELLS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
#: The strategy each IE cell calls for (David): grow and build, hold and maintain, harvest.
IE_STRATEGY = {
    "I": "grow_and_build",
    "II": "grow_and_build",
    "IV": "grow_and_build",
    "III": "hold_and_maintain",
    "V": "hold_and_maintain",
    "VII": "hold_and_maintain",
    "VI": "harvest_or_divest",
    "VIII": "harvest_or_divest",
    "IX": "harvest_or_divest",
}


@dataclass(frozen=True)
class IEResult:
    """Position in the Internal-External matrix.

    Attributes
    ----------
    ife_total, efe_total : float
    cell : str
        Roman numeral I-IX, row-wise from the top left (strong IFE, high EFE).
    ife_level : {"strong", "average", "weak"}
    efe_level : {"high", "medium", "low"}
    strategy : {"grow_and_build", "hold_and_maintain", "harvest_or_divest"}
    """

    ife_total: float
    efe_total: float
    cell: str
    ife_level: str
    efe_level: str
    strategy: str

    @property
    def cell_number(self) -> int:
        return IE_CELLS.index(self.cell) + 1

    def to_markdown(self, lang: str = "en") -> str:
        return ie_markdown(self, lang)

    def to_html(self, lang: str = "en") -> str:
        return ie_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()


def _total_of(x: Any, name: str) -> float:
    if isinstance(x, pd.DataFrame):
        if "total" not in x.attrs:
            raise InputError(
                f"{name}: the table has no total",
                column=name,
                fix="pass swot.ife() / swot.efe() or a number",
            )
        x = x.attrs["total"]
    if not is_number(x) or not math.isfinite(float(x)):
        raise InputError(f"{name} {x!r} is not a number", column=name)
    if not 1 <= float(x) <= 4:
        raise InputError(
            f"{name} {float(x):g} is outside 1-4",
            column=name,
            fix="IFE and EFE totals lie between 1.0 and 4.0",
        )
    return float(x)


def _level(total: float) -> int:
    # bins [1, 2), [2, 3), [3, 4]: 0 is the lowest
    return 0 if total < 2 else 1 if total < 3 else 2


def ie_matrix(ife_total: float | pd.DataFrame, efe_total: float | pd.DataFrame) -> IEResult:
    """The Internal-External matrix cell and strategy for an IFE and an EFE total.

    x is the IFE total, y the EFE total; each is binned [1, 2) weak/low, [2, 3)
    average/medium, [3, 4] strong/high. Cells I-IX run row-wise from the top left (high EFE,
    strong IFE). Grow and build: I, II, IV; hold and maintain: III, V, VII; harvest or
    divest: VI, VIII, IX (David, "Strategy Analysis and Choice").

    Parameters
    ----------
    ife_total, efe_total : float or DataFrame
        Totals in 1-4, or the tables of :meth:`SWOT.ife <mktkit.strategy.swot.SWOT.ife>` /
        :meth:`SWOT.efe <mktkit.strategy.swot.SWOT.efe>`.

    Examples
    --------
    >>> r = ie_matrix(3.2, 2.1)
    >>> r.cell, r.strategy
    ('IV', 'grow_and_build')
    """
    x = _total_of(ife_total, "ife_total")
    y = _total_of(efe_total, "efe_total")
    col = 2 - _level(x)  # strong IFE is the left column
    row = 2 - _level(y)  # high EFE is the top row
    cell = IE_CELLS[row * 3 + col]
    return IEResult(
        ife_total=x,
        efe_total=y,
        cell=cell,
        ife_level=("weak", "average", "strong")[_level(x)],
        efe_level=("low", "medium", "high")[_level(y)],
        strategy=IE_STRATEGY[cell],
    )


# ---------------------------------------------------------------------------------------------
# SPACE matrix

#: Strategies David lists for each SPACE quadrant ("Strategy Analysis and Choice").
SPACE_STRATEGIES: dict[str, tuple[str, ...]] = {
    "aggressive": (
        "market_penetration",
        "market_development",
        "product_development",
        "backward_integration",
        "forward_integration",
        "horizontal_integration",
        "related_diversification",
        "unrelated_diversification",
    ),
    "conservative": (
        "market_penetration",
        "market_development",
        "product_development",
        "related_diversification",
    ),
    "defensive": ("retrenchment", "divestiture", "liquidation", "related_diversification"),
    "competitive": (
        "backward_integration",
        "forward_integration",
        "horizontal_integration",
        "market_penetration",
        "market_development",
        "product_development",
    ),
    "on_axis": (),
}


@dataclass(frozen=True)
class SpaceResult:
    """A SPACE matrix result.

    Attributes
    ----------
    fs, is_, es, ca : float
        Average rating of each dimension (FS and IS positive, ES and CA negative).
    x, y : float
        The directional vector: x = CA + IS, y = FS + ES.
    quadrant : {"aggressive", "conservative", "defensive", "competitive", "on_axis"}
    posture : str
        Label key of the posture's guidance (``"posture_aggressive"``, ...).
    strategies : tuple of str
        Strategy codes David lists for the quadrant.
    scale : int
        Ratings run 1..scale (FS, IS) and -scale..-1 (ES, CA).
    """

    fs: float
    is_: float
    es: float
    ca: float
    x: float
    y: float
    quadrant: str
    posture: str
    strategies: tuple[str, ...]
    scale: int

    @property
    def point(self) -> tuple[float, float]:
        return (self.x, self.y)

    def to_markdown(self, lang: str = "en") -> str:
        return space_markdown(self, lang)

    def to_html(self, lang: str = "en") -> str:
        return space_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()


def _space_average(value: Any, name: str, sign: int, scale: int) -> Fraction:
    if isinstance(value, Mapping):
        ratings = list(value.values())
    elif isinstance(value, str) or not isinstance(value, Iterable):
        ratings = [value]
    else:
        ratings = list(value)
    if not ratings:
        raise InputError(f"{name} has no ratings", column=name, fix="rate at least one variable")
    low, high = (1, scale) if sign > 0 else (-scale, -1)
    bad = {
        i: r
        for i, r in enumerate(ratings, 1)
        if not is_number(r) or not math.isfinite(float(r)) or not low <= float(r) <= high
    }
    if bad:
        raise InputError(
            f"{name} ratings outside {low:+d}..{high:+d}",
            column=name,
            rows=bad,
            fix=f"{name.upper()} is rated {'+1 (worst) to +' if sign > 0 else '-1 (best) to -'}"
            f"{scale} ({'best' if sign > 0 else 'worst'})",
        )
    return sum((exact(r) for r in ratings), Fraction(0)) / len(ratings)


def space_matrix(*, fs: Any, is_: Any, es: Any, ca: Any, scale: int = 7) -> SpaceResult:
    """The SPACE matrix: directional vector, quadrant and posture.

    Each dimension is a rating, a list of ratings or a mapping ``variable -> rating``; a list
    is averaged. Financial strength (FS) and industry strength (IS) are rated +1 (worst) to
    +``scale`` (best); environmental stability (ES) and competitive advantage (CA) -1 (best)
    to -``scale`` (worst). x = CA + IS, y = FS + ES (David, "Strategy Analysis and Choice";
    Rowe, Mason and Dickel 1982). Quadrants: aggressive (x > 0, y > 0), conservative (x < 0,
    y > 0), defensive (x < 0, y < 0), competitive (x > 0, y < 0); a vector on an axis is
    ``"on_axis"``. Averages and sums are exact, so "on an axis" is decided without rounding.

    Parameters
    ----------
    fs, is_, es, ca : number, sequence or mapping
    scale : int
        7 in David's later editions; 6 in earlier ones and many courses.

    Examples
    --------
    >>> r = space_matrix(fs=[5, 4], is_=[3, 4], es=[-2, -3], ca=[-5, -4])
    >>> r.x, r.y, r.quadrant
    (-1.0, 2.0, 'conservative')
    """
    if not isinstance(scale, int) or isinstance(scale, bool) or scale < 2:
        raise InputError(
            f"scale {scale!r} is not a whole number of 2 or more",
            column="scale",
            fix="use 7 (David) or 6",
        )
    avg = {
        "fs": _space_average(fs, "fs", +1, scale),
        "is": _space_average(is_, "is", +1, scale),
        "es": _space_average(es, "es", -1, scale),
        "ca": _space_average(ca, "ca", -1, scale),
    }
    x = avg["ca"] + avg["is"]
    y = avg["fs"] + avg["es"]
    if x == 0 or y == 0:
        quadrant = "on_axis"
    elif y > 0:
        quadrant = "aggressive" if x > 0 else "conservative"
    else:
        quadrant = "competitive" if x > 0 else "defensive"
    return SpaceResult(
        fs=float(avg["fs"]),
        is_=float(avg["is"]),
        es=float(avg["es"]),
        ca=float(avg["ca"]),
        x=float(x),
        y=float(y),
        quadrant=quadrant,
        posture=f"posture_{quadrant}",
        strategies=SPACE_STRATEGIES[quadrant],
        scale=scale,
    )
