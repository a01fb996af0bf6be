"""SWOT, TOWS, IFE/EFE, IE and SPACE: strategy workshop inputs as validated, scored records.

A :class:`SWOT` holds items with ids (``S1``, ``W2``, ``O1``, ``T3``), bilingual text, optional
evidence (a metric, its value and a source), a weight and a rating; and TOWS strategies that
cite item ids. It is built from Python, a YAML file (the format of CONTRACT.md) or a DataFrame,
and every rule of METHODS.md ("SWOT, TOWS, IFE/EFE, IE, SPACE") is checked when it is built:
each broken rule is an :class:`~mktkit.errors.InputError` naming the item, all of them reported
at once.

Scoring follows Fred R. David, *Strategic Management* (chapters "The External Assessment",
"The Internal Assessment", "Strategy Analysis and Choice"):

- IFE over strengths + weaknesses, EFE over opportunities + threats: weights 0-1 summing to 1.0
  (or percentages summing to 100 with ``weight_scale: 100``), integer ratings 1-4, score =
  weight x rating, total 1.0-4.0 read against the 2.5 average. IFE ratings follow the
  ``"strength_weakness"`` convention (strengths 3-4, weaknesses 1-2) unless the SWOT says
  ``rating_convention: response`` (any 1-4). Sums are computed in exact decimal arithmetic on
  the numbers as written, so a textbook total of 2.50 is 2.5 and reads "average", not
  "below average" by a rounding error.
- :func:`ie_matrix`: the nine-cell Internal-External matrix.
- :func:`space_matrix`: the SPACE matrix (Rowe, Mason and Dickel 1982, as in David).

Evidence links: an item's ``evidence: {metric: ..., value: ..., source: ...}`` puts a number
beside the claim. :meth:`SWOT.with_evidence` fills or refreshes values from numbers the kit
computed (a mapping ``metric -> value`` or a callable), so the strategy workshop shows the
current figure, not the one typed into the slide months ago.

Computation only: no matplotlib here (the figures are in :mod:`mktkit.plots`). Objects render
to Markdown and HTML (``_repr_html_`` for notebooks) with every user text HTML-escaped.

Examples
--------
>>> from mktkit.strategy.swot import ie_matrix, load_swot
>>> swot = load_swot()                      # the sample company's swot.yaml
>>> ife = swot.ife()
>>> round(ife.attrs["total"], 2), ife.attrs["reading"]
(2.61, 'above_average')
>>> ie_matrix(ife, swot.efe()).cell
'V'
"""

from __future__ import annotations

import html
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.errors import InputError, check_argument
from mktkit.i18n import LANGS, label

__all__ = [
    "IEResult",
    "SWOT",
    "SWOTItem",
    "SWOTWarning",
    "SpaceResult",
    "Evidence",
    "Strategy",
    "ie_matrix",
    "heading_html",
    "load_swot",
    "note_html",
    "space_matrix",
    "strategy_label",
]

#: SWOT quadrants in display order and the id letter of each.
QUADRANTS: tuple[str, ...] = ("strengths", "weaknesses", "opportunities", "threats")
ID_LETTER: dict[str, str] = {
    "strengths": "S",
    "weaknesses": "W",
    "opportunities": "O",
    "threats": "T",
}
#: TOWS quadrants (Weihrich 1982) and the two factor letters each must cite.
TOWS: dict[str, tuple[str, str]] = {
    "SO": ("S", "O"),
    "ST": ("S", "T"),
    "WO": ("W", "O"),
    "WT": ("W", "T"),
}
RATING_CONVENTIONS: tuple[str, ...] = ("strength_weakness", "response")
WEIGHT_SCALES: tuple[int, ...] = (1, 100)
#: David's average total weighted score.
AVERAGE_TOTAL = 2.5
#: David: "Include a total of 10 to 20 factors"; a weight this large dominates the total.
FACTOR_RANGE = (10, 20)
MAX_WEIGHT = 0.30
#: |sum of weights - 1| allowed (DESIGN.md section 5).
WEIGHT_TOLERANCE = 1e-9

_ITEM_KEYS = ("id", "text", "evidence", "weight", "rating")
_EVIDENCE_KEYS = ("metric", "value", "source", "where", "period")
#: An evidence period: a month, a range of months, or a range of days (inclusive).
_PERIOD = re.compile(r"^\d{4}-\d{2}(-\d{2})?(\.\.\d{4}-\d{2}(-\d{2})?)?$")
_STRATEGY_KEYS = ("id", "quadrant", "text", "uses")
_TOP_KEYS = ("company", "rating_convention", "weight_scale", *QUADRANTS, "strategies", "space")
_ID_RE = re.compile(r"^([SWOT])(\d+)$")


class SWOTWarning(UserWarning):
    """A SWOT that is valid but departs from the textbook's advice (too few factors, a weight
    of 0.30 or more, an evidence metric no item names). Filter it like any warning."""


def strategy_label(key: Any, lang: str = "en") -> Any:
    """The label of ``key`` for the strategy frameworks (:func:`mktkit.i18n.label`).

    Examples
    --------
    >>> strategy_label("grow_and_build", "zh"), strategy_label("strengths", "zh")
    ('增长与建立', '优势')
    """
    return label(key, lang)


# ---------------------------------------------------------------------------------------------
# small records


@dataclass(frozen=True)
class Evidence:
    """The fact behind a claim: a metric name, its value and where it comes from.

    ``where`` (e.g. ``{"channel": "display"}``) and ``period`` (``"2026-10"``,
    ``"2025-11..2026-10"``) say exactly which number is meant, so that the kit can compute it
    from the data (:func:`mktkit.strategy.evidence.evidence_values`) instead of trusting a typed value.
    """

    metric: str
    value: float | None = None
    source: str | None = None
    where: Mapping[str, str] | None = None
    period: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metric": self.metric}
        for key in ("value", "source", "where", "period"):
            value = getattr(self, key)
            if value is not None:
                out[key] = dict(value) if key == "where" else value
        return out

    def describe(self, lang: str | None = None) -> str:
        """``"metric value (source)"``, e.g. ``"roas 4.51 (channel_daily search)"``; with
        ``lang`` the metric is named by its label (``"广告支出回报率 (ROAS) 4.51 (...)"``)."""
        name = self.metric if lang is None else str(strategy_label(self.metric, lang))
        text = name if self.value is None else f"{name} {_fmt_value(self.value)}"
        return f"{text} ({self.source})" if self.source else text


@dataclass(frozen=True)
class SWOTItem:
    """One SWOT factor. ``text`` maps language (``"en"``, ``"zh"``) to text."""

    id: str
    quadrant: str
    text: Mapping[str, str]
    evidence: Evidence | None = None
    weight: float | None = None
    rating: int | None = None

    def label(self, lang: str = "en") -> str:
        """The text in ``lang``, or in the other language when that one is missing."""
        return pick_text(self.text, lang)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": dict(self.text)}
        if self.evidence is not None:
            out["evidence"] = self.evidence.to_dict()
        if self.weight is not None:
            out["weight"] = self.weight
        if self.rating is not None:
            out["rating"] = self.rating
        return out


@dataclass(frozen=True)
class Strategy:
    """A TOWS strategy: its quadrant (SO, ST, WO, WT), text and the factor ids it uses."""

    id: str
    quadrant: str
    text: Mapping[str, str]
    uses: tuple[str, ...]

    def label(self, lang: str = "en") -> str:
        return pick_text(self.text, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "quadrant": self.quadrant,
            "text": dict(self.text),
            "uses": list(self.uses),
        }


def pick_text(text: Mapping[str, str] | None, lang: str) -> str:
    """``text[lang]``, else the other language's text, else ``""``.

    Examples
    --------
    >>> pick_text({"en": "Loyal buyers"}, "zh")
    'Loyal buyers'
    """
    if not text:
        return ""
    other = [k for k in LANGS if k != lang]
    for key in (lang, *other):
        if text.get(key):
            return text[key]
    return ""


# ---------------------------------------------------------------------------------------------
# parsing helpers shared with mktkit.strategy.mix


class _Problems:
    """Collects every problem found, so the user fixes them all in one go."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.items: list[InputError] = []

    def add(
        self, problem: str, *, column: str | None = None, rows: Any = None, fix: str | None = None
    ) -> None:
        self.items.append(InputError(problem, table=self.table, column=column, rows=rows, fix=fix))

    def raise_if_any(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise InputError(f"{len(self.items)} problems", table=self.table, problems=self.items)


def _is_number(x: Any) -> bool:
    """A real number, bools excluded (numpy scalars included)."""
    if isinstance(x, bool):
        return False
    if isinstance(x, int | float | Decimal):
        return True
    return hasattr(x, "dtype") and getattr(x.dtype, "kind", "") in ("i", "u", "f")


def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def exact(x: Any) -> Fraction:
    """``x`` as an exact fraction of the number as written (its shortest repr): 0.1 is 1/10.

    Examples
    --------
    >>> exact(0.1) * 3 == Fraction(3, 10)
    True
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int) or (hasattr(x, "dtype") and x.dtype.kind in "iu"):
        return Fraction(int(x))
    return Fraction(Decimal(repr(float(x))))


def parse_text(
    value: Any, problems: _Problems, where: str, *, required: bool = True, column: str = "text"
) -> dict[str, str] | None:
    """A bilingual text: ``{"en": ..., "zh": ...}`` (either may be missing) or a plain string,
    which stands for both languages."""
    if _is_missing(value) or value == {} or value == "":
        if required:
            problems.add(
                f"{where} has no text", column=column, fix="write the text as {en: ..., zh: ...}"
            )
        return None
    if isinstance(value, str):
        return {"en": value, "zh": value} if value.strip() else None
    if not isinstance(value, Mapping):
        problems.add(
            f"{where}: text must be a mapping {{en: ..., zh: ...}} or a string, "
            f"not {type(value).__name__}",
            column=column,
        )
        return None
    unknown = [k for k in value if k not in LANGS]
    if unknown:
        problems.add(
            f"{where}: unknown language key(s) " + ", ".join(map(repr, unknown)),
            column=column,
            fix="use the keys 'en' and 'zh'",
        )
    out = {}
    for k in LANGS:
        v = value.get(k)
        if _is_missing(v) or v == "":
            continue
        if not isinstance(v, str):
            problems.add(f"{where}: the {k} text is {type(v).__name__}, not text", column=column)
            continue
        out[k] = v
    if not out and required:
        problems.add(
            f"{where} has no text", column=column, fix="write the text as {en: ..., zh: ...}"
        )
    return out or None


def check_keys(
    raw: Mapping[str, Any],
    allowed: Sequence[str],
    problems: _Problems,
    where: str,
    column: str | None = None,
) -> None:
    unknown = [k for k in raw if k not in allowed]
    if unknown:
        problems.add(
            f"{where}: unknown key(s) " + ", ".join(map(repr, unknown)),
            column=column,
            fix="the keys are " + ", ".join(allowed),
        )


# ---------------------------------------------------------------------------------------------
# the SWOT


class SWOT:
    """A validated SWOT with TOWS strategies, scored as IFE and EFE matrices.

    Parameters
    ----------
    strengths, weaknesses, opportunities, threats : sequence of mapping or SWOTItem
        Items as in CONTRACT.md: ``{"id": "S1", "text": {"en": ..., "zh": ...}, "evidence":
        {"metric": ..., "value": ..., "source": ...}, "weight": 0.12, "rating": 4}``; text may
        be a plain string; evidence, weight and rating are optional, but within the IFE
        (strengths + weaknesses) or the EFE (opportunities + threats) either every factor has a
        weight (and a rating) or none does.
    strategies : sequence of mapping or Strategy
        TOWS strategies: ``{"id": "SO1", "quadrant": "SO", "text": ..., "uses": ["S1", "O2"]}``.
    company : mapping or str, optional
        The company name, bilingual.
    rating_convention : {"strength_weakness", "response"}
        IFE ratings: strengths 3-4 and weaknesses 1-2 (David's convention, the default), or any
        1-4 ("how well current strategies respond").
    weight_scale : {1, 100}
        Weights are fractions summing to 1, or percentages summing to 100.
    space : mapping, optional
        SPACE ratings ``{"fs": [...], "is": [...], "es": [...], "ca": [...], "scale": 7}``
        for :meth:`space`.
    source : str
        Name used in error messages (the file name when read from YAML).

    Raises
    ------
    InputError
        Listing every broken rule, each naming the item.

    Examples
    --------
    >>> s = SWOT(strengths=[{"id": "S1", "text": "Loyal buyers"}],
    ...          opportunities=[{"id": "O1", "text": "Live commerce"}],
    ...          strategies=[{"id": "SO1", "quadrant": "SO", "text": "Live shows for members",
    ...                       "uses": ["S1", "O1"]}])
    >>> s.tows()[["quadrant", "id", "uses"]].to_dict("records")
    [{'quadrant': 'SO', 'id': 'SO1', 'uses': ('S1', 'O1')}]
    """

    def __init__(
        self,
        strengths: Iterable[Any] = (),
        weaknesses: Iterable[Any] = (),
        opportunities: Iterable[Any] = (),
        threats: Iterable[Any] = (),
        strategies: Iterable[Any] = (),
        *,
        company: Any = None,
        rating_convention: str = "strength_weakness",
        weight_scale: int | float = 1,
        space: Mapping[str, Any] | None = None,
        source: str = "swot",
    ) -> None:
        problems = _Problems(source)
        self.source = source
        if rating_convention not in RATING_CONVENTIONS:
            problems.add(
                f"rating_convention {rating_convention!r} is not known",
                column="rating_convention",
                fix="use 'strength_weakness' or 'response'",
            )
        if not _is_number(weight_scale) or weight_scale not in WEIGHT_SCALES:
            problems.add(
                f"weight_scale {weight_scale!r} is not 1 or 100",
                column="weight_scale",
                fix="write weight_scale: 1 for fractions, 100 for percentages",
            )
        self.rating_convention = rating_convention
        self.weight_scale = int(weight_scale) if weight_scale in WEIGHT_SCALES else 1
        self.company = parse_text(company, problems, "company", required=False, column="company")
        given = {
            "strengths": strengths,
            "weaknesses": weaknesses,
            "opportunities": opportunities,
            "threats": threats,
        }
        parsed: dict[str, tuple[SWOTItem, ...]] = {}
        for quadrant in QUADRANTS:
            raw_items = _as_list(given[quadrant], problems, quadrant)
            parsed[quadrant] = tuple(
                it
                for i, raw in enumerate(raw_items, 1)
                if (it := self._parse_item(raw, quadrant, i, problems)) is not None
            )
        self.strengths = parsed["strengths"]
        self.weaknesses = parsed["weaknesses"]
        self.opportunities = parsed["opportunities"]
        self.threats = parsed["threats"]
        self._check_ids(problems)
        self._check_ratings(problems)
        for matrix in ("ife", "efe"):
            self._check_weights(matrix, problems)
        raw_strategies = _as_list(strategies, problems, "strategies")
        self.strategies = tuple(
            st
            for i, raw in enumerate(raw_strategies, 1)
            if (st := self._parse_strategy(raw, i, problems)) is not None
        )
        self._check_strategies(problems)
        self.space_input = None if space is None else dict(space)
        if space is not None:
            try:
                self.space()
            except InputError as exc:
                problems.items.append(exc)
        problems.raise_if_any()
        #: Language of ``_repr_html_`` in notebooks; set ``swot.lang = "zh"`` to change it.
        self.lang = "en"

    # -- construction ---------------------------------------------------------------------

    def _parse_item(
        self, raw: Any, quadrant: str, position: int, problems: _Problems
    ) -> SWOTItem | None:
        if isinstance(raw, SWOTItem):
            raw = raw.to_dict()  # the list it is passed in decides its quadrant
        if not isinstance(raw, Mapping):
            problems.add(
                f"{quadrant} item {position} is {type(raw).__name__}, not a mapping",
                column=quadrant,
                fix="write each item as {id: ..., text: ...}",
            )
            return None
        item_id = raw.get("id")
        where = f"{quadrant} item {position}" + (f" ({item_id})" if item_id else "")
        check_keys(raw, _ITEM_KEYS, problems, where, quadrant)
        if not isinstance(item_id, str) or not item_id.strip():
            problems.add(
                f"{where} has no id",
                column=quadrant,
                fix=f"give it an id such as {ID_LETTER[quadrant]}{position}",
            )
            item_id = f"{ID_LETTER[quadrant]}?{position}"
        text = parse_text(raw.get("text"), problems, item_id, column=quadrant) or {}
        evidence = self._parse_evidence(raw.get("evidence"), item_id, quadrant, problems)
        weight = raw.get("weight")
        if _is_missing(weight):
            weight = None
        elif not _is_number(weight) or not math.isfinite(float(weight)):
            problems.add(
                f"{item_id}: weight {weight!r} is not a number",
                column=quadrant,
                rows={item_id: weight},
                fix="write the weight as a number",
            )
            weight = None
        else:
            high = self.weight_scale
            if not 0 <= float(weight) <= high:
                problems.add(
                    f"{item_id}: weight {weight!r} is outside 0-{high}",
                    column=quadrant,
                    rows={item_id: weight},
                    fix=f"weights are between 0 and {high} (weight_scale {high})",
                )
            weight = float(weight) if not isinstance(weight, int) else weight
        rating = raw.get("rating")
        if _is_missing(rating):
            rating = None
        elif not _is_number(rating) or not float(rating).is_integer():
            problems.add(
                f"{item_id}: rating {rating!r} is not a whole number",
                column=quadrant,
                rows={item_id: rating},
                fix="ratings are whole numbers 1-4",
            )
            rating = None
        else:
            rating = int(rating)
            if not 1 <= rating <= 4:
                problems.add(
                    f"{item_id}: rating {rating} is outside 1-4",
                    column=quadrant,
                    rows={item_id: rating},
                    fix="ratings are whole numbers 1-4",
                )
        return SWOTItem(item_id, quadrant, text, evidence, weight, rating)

    @staticmethod
    def _parse_evidence(
        raw: Any, item_id: str, quadrant: str, problems: _Problems
    ) -> Evidence | None:
        if _is_missing(raw):
            return None
        if isinstance(raw, Evidence):
            return raw
        if not isinstance(raw, Mapping):
            problems.add(
                f"{item_id}: evidence must be a mapping {{metric, value, source}}", column=quadrant
            )
            return None
        check_keys(raw, _EVIDENCE_KEYS, problems, f"{item_id} evidence", quadrant)
        metric, value, source = raw.get("metric"), raw.get("value"), raw.get("source")
        if not isinstance(metric, str) or not metric.strip():
            problems.add(
                f"{item_id}: evidence has no metric name",
                column=quadrant,
                fix="name the metric, e.g. metric: roas",
            )
            return None
        if _is_missing(value):
            value = None
        elif not _is_number(value) or not math.isfinite(float(value)):
            problems.add(
                f"{item_id}: evidence value {value!r} is not a number",
                column=quadrant,
                rows={item_id: value},
                fix="write the value as a number (a rate as a fraction: 0.18)",
            )
            value = None
        if source is not None and not isinstance(source, str):
            source = str(source)
        where, period = raw.get("where"), raw.get("period")
        if where is not None and not (
            isinstance(where, Mapping) and all(isinstance(v, str) for v in where.values())
        ):
            problems.add(
                f"{item_id}: evidence 'where' must map column names to values",
                column=quadrant,
                rows={item_id: where},
                fix="write e.g. where: {channel: display}",
            )
            where = None
        if period is not None and not _PERIOD.match(str(period)):
            problems.add(
                f"{item_id}: evidence period {period!r} is not a month or a range",
                column=quadrant,
                rows={item_id: period},
                fix="write 2026-10, 2025-11..2026-10 or 2026-10-09..2026-10-31",
            )
            period = None
        return Evidence(metric, value, source, where, None if period is None else str(period))

    def _parse_strategy(self, raw: Any, position: int, problems: _Problems) -> Strategy | None:
        if isinstance(raw, Strategy):
            raw = raw.to_dict()
        if not isinstance(raw, Mapping):
            problems.add(
                f"strategy {position} is {type(raw).__name__}, not a mapping", column="strategies"
            )
            return None
        sid = raw.get("id")
        where = f"strategy {position}" + (f" ({sid})" if sid else "")
        check_keys(raw, _STRATEGY_KEYS, problems, where, "strategies")
        if not isinstance(sid, str) or not sid.strip():
            problems.add(f"{where} has no id", column="strategies", fix="give it an id such as SO1")
            sid = f"strategy {position}"
        quadrant = raw.get("quadrant")
        if quadrant not in TOWS:
            problems.add(
                f"{sid}: quadrant {quadrant!r} is not SO, ST, WO or WT",
                column="strategies",
                rows={sid: quadrant},
                fix="use one of SO, ST, WO, WT",
            )
            quadrant = None
        elif sid[:2] in TOWS and sid[:2] != quadrant:
            problems.add(
                f"{sid} is filed under {quadrant}",
                column="strategies",
                rows={sid: quadrant},
                fix=f"move it to {sid[:2]} or rename it",
            )
        text = parse_text(raw.get("text"), problems, sid, column="strategies") or {}
        uses = raw.get("uses")
        if isinstance(uses, str):
            uses = [u.strip() for u in uses.split(",") if u.strip()]
        if _is_missing(uses) or not isinstance(uses, Sequence) or not uses:
            problems.add(
                f"{sid} cites no factor",
                column="strategies",
                fix="list the factor ids it uses, e.g. uses: [S1, O2]",
            )
            uses = []
        return Strategy(sid, quadrant or "", text, tuple(str(u) for u in uses))

    def _check_ids(self, problems: _Problems) -> None:
        seen: dict[str, str] = {}
        for it in self.items:
            m = _ID_RE.match(it.id)
            letter = ID_LETTER[it.quadrant]
            if "?" in it.id:
                continue
            if not m:
                problems.add(
                    f"{it.id}: the id is not a letter and a number",
                    column=it.quadrant,
                    rows={it.id: it.quadrant},
                    fix=f"ids of {it.quadrant} look like {letter}1, {letter}2",
                )
            elif m.group(1) != letter:
                problems.add(
                    f"{it.id} is listed under {it.quadrant}",
                    column=it.quadrant,
                    rows={it.id: it.quadrant},
                    fix=f"ids of {it.quadrant} start with {letter}; move the item or rename it",
                )
            if it.id in seen:
                problems.add(
                    f"id {it.id} is used twice",
                    column=it.quadrant,
                    rows={it.id: f"{seen[it.id]} and {it.quadrant}"},
                    fix="give every item its own id",
                )
            seen[it.id] = it.quadrant

    def _check_ratings(self, problems: _Problems) -> None:
        if self.rating_convention != "strength_weakness":
            return
        allowed = {"strengths": (3, 4), "weaknesses": (1, 2)}
        for it in (*self.strengths, *self.weaknesses):
            low, high = allowed[it.quadrant]
            if it.rating is not None and 1 <= it.rating <= 4 and not low <= it.rating <= high:
                kind = "strength" if it.quadrant == "strengths" else "weakness"
                problems.add(
                    f"{it.id}: a {kind} rated {it.rating}",
                    column=it.quadrant,
                    rows={it.id: it.rating},
                    fix=f"with rating_convention strength_weakness (METHODS.md) {it.quadrant} "
                    f"are rated {low}-{high}; or set rating_convention: response",
                )

    def _check_weights(self, matrix: str, problems: _Problems) -> None:
        factors = self._factors(matrix)
        name = (
            "IFE (strengths + weaknesses)" if matrix == "ife" else "EFE (opportunities + threats)"
        )
        for attr in ("weight", "rating"):
            have = [f for f in factors if getattr(f, attr) is not None]
            if have and len(have) < len(factors):
                missing = [f.id for f in factors if getattr(f, attr) is None]
                problems.add(
                    f"{len(missing)} {name} factor(s) have no {attr} while others do",
                    column=attr,
                    rows=missing,
                    fix=f"give every {name} factor a {attr}, or none",
                )
        weights = [f.weight for f in factors if f.weight is not None]
        if weights and len(weights) == len(factors):
            total = sum((exact(w) for w in weights), Fraction(0)) / self.weight_scale
            if abs(float(total) - 1) > WEIGHT_TOLERANCE:
                shown = f"{float(total * self.weight_scale):.6g}"
                problems.add(
                    f"the {name} weights sum to {shown}, not {self.weight_scale}",
                    column="weight",
                    rows={f.id: f.weight for f in factors},
                    fix=f"make the {name} weights sum to {self.weight_scale}"
                    + (
                        ""
                        if self.weight_scale == 100
                        else " (or write percentages summing to 100 with weight_scale: 100)"
                    ),
                )

    def _check_strategies(self, problems: _Problems) -> None:
        factor_ids = {it.id for it in self.items}
        seen: set[str] = set()
        for st in self.strategies:
            if st.id in seen or st.id in factor_ids:
                problems.add(
                    f"id {st.id} is used twice",
                    column="strategies",
                    rows={st.id: st.quadrant},
                    fix="give every strategy its own id",
                )
            seen.add(st.id)
            dupes = sorted({u for u in st.uses if st.uses.count(u) > 1})
            if dupes:
                problems.add(
                    f"{st.id} cites {', '.join(dupes)} twice",
                    column="strategies",
                    rows={st.id: list(st.uses)},
                    fix="cite each factor once",
                )
            unknown = [u for u in st.uses if u not in factor_ids]
            if unknown:
                problems.add(
                    f"{st.id} cites unknown factor(s) " + ", ".join(unknown),
                    column="strategies",
                    rows={st.id: list(st.uses)},
                    fix="cite ids of the SWOT items, e.g. S1, O2",
                )
            if st.quadrant not in TOWS or not st.uses:
                continue
            need = TOWS[st.quadrant]
            letters = [u[0] for u in st.uses if u in factor_ids]
            wrong = [u for u in st.uses if u in factor_ids and u[0] not in need]
            lacking = [x for x in need if x not in letters]
            if wrong or lacking:
                parts = []
                if lacking:
                    parts.append("cites no " + " and no ".join(_letter_name(x) for x in lacking))
                if wrong:
                    parts.append("cites " + ", ".join(wrong) + " outside its quadrant")
                problems.add(
                    f"{st.id} ({st.quadrant}) " + "; ".join(parts),
                    column="strategies",
                    rows={st.id: list(st.uses)},
                    fix=f"an {st.quadrant} strategy cites at least one {_letter_name(need[0])} "
                    f"and one {_letter_name(need[1])} and nothing else",
                )

    # -- alternative constructors ---------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "swot") -> SWOT:
        """Build from a mapping in the YAML format of CONTRACT.md.

        Examples
        --------
        >>> import mktkit as mk
        >>> s = SWOT.from_dict(mk.load_sample()["swot"])      # doctest: +SKIP
        """
        if not isinstance(data, Mapping):
            raise InputError(
                f"a SWOT is a mapping, not {type(data).__name__}",
                table=source,
                fix="see the swot.yaml format in CONTRACT.md",
            )
        unknown = [k for k in data if k not in _TOP_KEYS]
        if unknown:
            raise InputError(
                "unknown key(s) " + ", ".join(map(repr, unknown)),
                table=source,
                fix="the keys are " + ", ".join(_TOP_KEYS),
            )
        return cls(
            *(data.get(q) or () for q in QUADRANTS),
            strategies=data.get("strategies") or (),
            company=data.get("company"),
            rating_convention=data.get("rating_convention", "strength_weakness"),
            weight_scale=data.get("weight_scale", 1),
            space=data.get("space"),
            source=source,
        )

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str]) -> SWOT:
        """Read a swot.yaml file (format in CONTRACT.md).

        Examples
        --------
        >>> s = SWOT.from_yaml("data/sample/swot.yaml")          # doctest: +SKIP
        """
        path = Path(path)
        return cls.from_dict(read_yaml(path), source=path.name)

    @classmethod
    def from_frame(
        cls,
        items: pd.DataFrame,
        strategies: pd.DataFrame | None = None,
        **options: Any,
    ) -> SWOT:
        """Build from a table of items (and optionally one of strategies).

        ``items`` columns: ``id``, ``quadrant`` (strengths/weaknesses/opportunities/threats, or
        S/W/O/T), ``text_en`` and/or ``text_zh`` (or ``text``), and optionally ``weight``,
        ``rating``, ``evidence_metric``, ``evidence_value``, ``evidence_source``,
        ``evidence_where``, ``evidence_period`` (the columns of
        :meth:`to_frame`). ``strategies`` columns: ``id``, ``quadrant``, ``text_en``/``text_zh``
        (or ``text``), ``uses`` (a list or ``"S1, O2"``). Other keyword arguments go to
        :class:`SWOT`. Errors name 1-based data rows.
        """
        from mktkit.errors import require_columns

        source = options.pop("source", "swot")
        require_columns(items, ["id", "quadrant"], table=source)
        problems = _Problems(source)
        by_quadrant: dict[str, list[dict[str, Any]]] = {q: [] for q in QUADRANTS}
        letters = {v: k for k, v in ID_LETTER.items()}
        for row_no, row in enumerate(items.to_dict("records"), 1):
            q = row.get("quadrant")
            q = letters.get(q, q)
            if q not in QUADRANTS:
                problems.add(
                    f"quadrant {row.get('quadrant')!r} is not known",
                    column="quadrant",
                    rows={row_no: row.get("quadrant")},
                    fix="use strengths, weaknesses, opportunities, threats",
                )
                continue
            raw: dict[str, Any] = {"id": row.get("id"), "text": _frame_text(row)}
            if not _is_missing(row.get("evidence_metric")):
                raw["evidence"] = {
                    "metric": row["evidence_metric"],
                    "value": row.get("evidence_value"),
                    "source": _none(row.get("evidence_source")),
                }
                where = _none(row.get("evidence_where"))
                if where:  # "channel=display, region=west"
                    raw["evidence"]["where"] = dict(
                        part.strip().split("=", 1) for part in str(where).split(",")
                    )
                if _none(row.get("evidence_period")):
                    raw["evidence"]["period"] = str(row["evidence_period"])
            for key in ("weight", "rating"):
                if not _is_missing(row.get(key)):
                    raw[key] = row[key]
            by_quadrant[q].append(raw)
        raw_strategies = []
        if strategies is not None:
            require_columns(strategies, ["id", "quadrant", "uses"], table=f"{source} strategies")
            for row in strategies.to_dict("records"):
                raw_strategies.append(
                    {
                        "id": row["id"],
                        "quadrant": row["quadrant"],
                        "text": _frame_text(row, "strategy"),
                        "uses": row["uses"],
                    }
                )
        problems.raise_if_any()
        return cls(
            *(by_quadrant[q] for q in QUADRANTS),
            strategies=raw_strategies,
            source=source,
            **options,
        )

    # -- access ---------------------------------------------------------------------------

    @property
    def items(self) -> tuple[SWOTItem, ...]:
        """Every item, strengths first, then weaknesses, opportunities, threats."""
        return (*self.strengths, *self.weaknesses, *self.opportunities, *self.threats)

    def item(self, item_id: str) -> SWOTItem:
        """The item with this id."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise InputError(
            f"no item {item_id!r}",
            table=self.source,
            fix="ids are " + ", ".join(it.id for it in self.items),
        )

    def quadrant(self, name: str) -> tuple[SWOTItem, ...]:
        check_argument("quadrant", QUADRANTS, name)
        return getattr(self, name)

    def _factors(self, matrix: str) -> tuple[SWOTItem, ...]:
        return (
            (*self.strengths, *self.weaknesses)
            if matrix == "ife"
            else (*self.opportunities, *self.threats)
        )

    def company_name(self, lang: str = "en") -> str:
        return pick_text(self.company, lang)

    # -- scoring --------------------------------------------------------------------------

    def ife(self, lang: str = "en") -> pd.DataFrame:
        """The Internal Factor Evaluation matrix over strengths and weaknesses.

        Returns
        -------
        DataFrame
            Columns ``id``, ``quadrant``, ``factor`` (text in ``lang``), ``weight`` (a fraction,
            whatever the weight_scale), ``rating``, ``score`` (weight x rating). ``attrs``:
            ``total`` (1.0-4.0), ``reading`` (``"below_average"``, ``"at_average"``,
            ``"above_average"`` against 2.5), ``matrix`` ("ife"), ``n_factors``, ``warnings``.

        Warns
        -----
        SWOTWarning
            Fewer than 10 or more than 20 factors; a single weight of 0.30 or more.
        """
        return self._evaluate("ife", lang)

    def efe(self, lang: str = "en") -> pd.DataFrame:
        """The External Factor Evaluation matrix over opportunities and threats; see
        :meth:`ife` for the columns, attrs and warnings."""
        return self._evaluate("efe", lang)

    def _evaluate(self, matrix: str, lang: str) -> pd.DataFrame:
        check_argument("lang", LANGS, lang)
        factors = self._factors(matrix)
        name = matrix.upper()
        if not factors:
            raise InputError(
                f"the SWOT has no {name} factors",
                table=self.source,
                fix="add "
                + ("strengths and weaknesses" if matrix == "ife" else "opportunities and threats"),
            )
        if any(f.weight is None or f.rating is None for f in factors):
            raise InputError(
                f"the {name} factors have no weights and ratings",
                table=self.source,
                fix="give every factor a weight and a rating (METHODS.md)",
            )
        weights = [exact(f.weight) / self.weight_scale for f in factors]
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
            warnings.warn(message, SWOTWarning, stacklevel=3)
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

    def tows(self, lang: str = "en") -> pd.DataFrame:
        """The TOWS matrix: one row per strategy, in SO, ST, WO, WT order.

        Returns
        -------
        DataFrame
            Columns ``quadrant``, ``id``, ``strategy`` (text in ``lang``), ``uses`` (a tuple of
            factor ids). ``attrs["uncited"]``: ids of factors no strategy uses;
            ``attrs["empty_quadrants"]``: TOWS quadrants without a strategy.
        """
        check_argument("lang", LANGS, lang)
        order = list(TOWS)
        rows = sorted(self.strategies, key=lambda s: order.index(s.quadrant))
        out = pd.DataFrame(
            {
                "quadrant": [s.quadrant for s in rows],
                "id": [s.id for s in rows],
                "strategy": [s.label(lang) for s in rows],
                "uses": pd.Series([s.uses for s in rows], dtype=object),
            }
        )
        cited = {u for s in self.strategies for u in s.uses}
        out.attrs["uncited"] = [it.id for it in self.items if it.id not in cited]
        out.attrs["empty_quadrants"] = [q for q in order if q not in set(out["quadrant"])]
        return out

    def uncited(self) -> list[str]:
        """Ids of factors that no TOWS strategy uses."""
        return self.tows().attrs["uncited"]

    def space(self) -> SpaceResult | None:
        """The SPACE matrix from the ``space`` section, or None when there is none."""
        if self.space_input is None:
            return None
        raw = dict(self.space_input)
        unknown = [k for k in raw if k not in ("fs", "is", "es", "ca", "scale")]
        if unknown:
            raise InputError(
                "unknown key(s) " + ", ".join(map(repr, unknown)),
                table=self.source,
                column="space",
                fix="the keys are fs, is, es, ca, scale",
            )
        missing = [k for k in ("fs", "is", "es", "ca") if k not in raw]
        if missing:
            raise InputError(
                "the space section lacks " + ", ".join(missing),
                table=self.source,
                column="space",
                fix="rate all four dimensions",
            )
        return space_matrix(
            fs=raw["fs"], is_=raw["is"], es=raw["es"], ca=raw["ca"], scale=raw.get("scale", 7)
        )

    # -- evidence -------------------------------------------------------------------------

    def evidence(self, lang: str = "en") -> pd.DataFrame:
        """The claims with their evidence: ``id``, ``quadrant``, ``factor``, ``metric``,
        ``value``, ``source`` (one row per item that has evidence)."""
        check_argument("lang", LANGS, lang)
        rows = [
            {
                "id": it.id,
                "quadrant": it.quadrant,
                "factor": it.label(lang),
                "metric": it.evidence.metric,
                "value": math.nan if it.evidence.value is None else float(it.evidence.value),
                "source": it.evidence.source,
            }
            for it in self.items
            if it.evidence is not None
        ]
        cols = ["id", "quadrant", "factor", "metric", "value", "source"]
        return pd.DataFrame(rows, columns=cols)

    def with_evidence(
        self,
        values: Mapping[str, Any] | Callable[[SWOTItem], Any],
        *,
        source: str | None = None,
    ) -> SWOT:
        """A copy whose evidence values are filled from numbers computed elsewhere.

        This is the link between a claim and the kit's numbers: the workshop computes a metric
        (say the display channel's ROAS in the last month) and the SWOT shows it beside the
        claim, instead of a number typed into a slide.

        Parameters
        ----------
        values : mapping or callable
            A mapping whose keys are item ids (``"W1"``) or evidence metric names
            (``"display_roas_trend"``) and whose values are a number or ``(number, source)``;
            an item id wins over a metric name. Or a callable taking each :class:`SWOTItem`
            that has evidence and returning a number, ``(number, source)`` or None (keep).
        source : str, optional
            Source text for the values filled in (e.g. ``"channel_daily, 2026-10"``).

        Warns
        -----
        SWOTWarning
            A key of the mapping that is neither an item id with evidence nor a metric any
            item names (a typo would otherwise change nothing).

        Examples
        --------
        >>> s = SWOT(weaknesses=[{"id": "W1", "text": "Display ROAS falls",
        ...                       "evidence": {"metric": "display_roas"}}])
        >>> s.with_evidence({"display_roas": 1.10}).item("W1").evidence.value
        1.1
        >>> s.with_evidence({"W1": (1.05, "channel_daily, 2026-10")}).item("W1").evidence
        Evidence(metric='display_roas', value=1.05, source='channel_daily, 2026-10', where=None, period=None)
        """
        with_ev = [it for it in self.items if it.evidence is not None]
        if isinstance(values, Mapping):
            known = {it.id for it in with_ev} | {it.evidence.metric for it in with_ev}
            for key in values:
                if key not in known:
                    warnings.warn(
                        f"no SWOT item has the id or evidence metric {key!r}; items with "
                        "evidence: " + (", ".join(sorted(known)) or "none"),
                        SWOTWarning,
                        stacklevel=2,
                    )

            def lookup(it: SWOTItem) -> Any:
                return values.get(it.id, values.get(it.evidence.metric))

        elif callable(values):
            lookup = values
        else:
            raise InputError(
                "values must be a mapping (id or metric -> value) or a callable",
                column="values",
            )
        data = self.to_dict()
        by_id = {it.id: it for it in with_ev}
        for quadrant in QUADRANTS:
            for raw in data.get(quadrant, []):
                if raw["id"] not in by_id:
                    continue
                got = lookup(by_id[raw["id"]])
                if got is None:
                    continue
                value, new_source = got if isinstance(got, tuple) else (got, source)
                ev = raw["evidence"]
                ev["value"] = float(value) if _is_number(value) else value
                if new_source is not None:
                    ev["source"] = new_source
        out = SWOT.from_dict(data, source=self.source)
        out.lang = self.lang
        return out

    # -- export ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The SWOT as a mapping in the YAML format (inverse of :meth:`from_dict`)."""
        out: dict[str, Any] = {}
        if self.company:
            out["company"] = dict(self.company)
        out["rating_convention"] = self.rating_convention
        out["weight_scale"] = self.weight_scale
        for quadrant in QUADRANTS:
            out[quadrant] = [it.to_dict() for it in getattr(self, quadrant)]
        out["strategies"] = [s.to_dict() for s in self.strategies]
        if self.space_input is not None:
            out["space"] = dict(self.space_input)
        return out

    def to_yaml(self, path: str | os.PathLike[str] | None = None) -> str:
        """The SWOT as YAML text; also written to ``path`` when given."""
        import yaml

        text = yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_frame(self) -> pd.DataFrame:
        """One row per item: ``id``, ``quadrant``, ``text_en``, ``text_zh``, ``weight``,
        ``rating``, ``evidence_metric``, ``evidence_value``, ``evidence_source``,
        ``evidence_where`` (``"channel=display, region=west"``), ``evidence_period``."""
        rows = []
        for it in self.items:
            ev = it.evidence
            rows.append(
                {
                    "id": it.id,
                    "quadrant": it.quadrant,
                    "text_en": it.text.get("en"),
                    "text_zh": it.text.get("zh"),
                    "weight": math.nan if it.weight is None else float(it.weight),
                    "rating": pd.NA if it.rating is None else it.rating,
                    "evidence_metric": None if ev is None else ev.metric,
                    "evidence_value": math.nan
                    if ev is None or ev.value is None
                    else float(ev.value),
                    "evidence_source": None if ev is None else ev.source,
                    "evidence_where": None
                    if ev is None or not ev.where
                    else ", ".join(f"{k}={v}" for k, v in ev.where.items()),
                    "evidence_period": None if ev is None else ev.period,
                }
            )
        cols = [
            "id",
            "quadrant",
            "text_en",
            "text_zh",
            "weight",
            "rating",
            "evidence_metric",
            "evidence_value",
            "evidence_source",
            "evidence_where",
            "evidence_period",
        ]
        out = pd.DataFrame(rows, columns=cols)
        out["rating"] = out["rating"].astype("Int64")
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SWOT) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(getattr(self, q))} {q}" for q in QUADRANTS)
        name = self.company_name("en")
        return f"SWOT({name + ': ' if name else ''}{counts}, {len(self.strategies)} strategies)"

    # -- rendering ------------------------------------------------------------------------

    def to_markdown(self, lang: str = "en") -> str:
        """The SWOT and TOWS as Markdown; user text is HTML-escaped and Markdown-escaped."""
        check_argument("lang", LANGS, lang)
        lab = lambda k: strategy_label(k, lang)  # noqa: E731
        lines = [
            f"## {md(self.company_name(lang)) + ' · ' if self.company else ''}{lab('swot')}",
            "",
        ]
        for quadrant in QUADRANTS:
            lines.append(f"### {lab(quadrant)}")
            lines.append("")
            for it in getattr(self, quadrant):
                lines.append(f"- **{md(it.id)}** {md(it.label(lang))}" + _md_extra(it, lang))
            if not getattr(self, quadrant):
                lines.append("- —")
            lines.append("")
        lines += [f"## {lab('tows')}", ""]
        tows = self.tows(lang)
        for q in TOWS:
            part = tows[tows["quadrant"] == q]
            lines.append(f"### {md(lab(q))}")
            lines.append("")
            for r in part.itertuples(index=False):
                lines.append(f"- **{md(r.id)}** {md(r.strategy)} ({md(', '.join(r.uses))})")
            if part.empty:
                lines.append(f"- {lab('no_strategies')}")
            lines.append("")
        if tows.attrs["uncited"]:
            lines.append(f"{lab('uncited_factors')}: {md(', '.join(tows.attrs['uncited']))}")
        return "\n".join(lines).rstrip() + "\n"

    def to_html(self, lang: str = "en") -> str:
        """The SWOT (a 2x2 grid) and TOWS as an HTML fragment; all user text escaped."""
        check_argument("lang", LANGS, lang)
        lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
        colors = {
            "strengths": "#E6F4EF",
            "weaknesses": "#FBEAE3",
            "opportunities": "#E6F0F8",
            "threats": "#FDF3E1",
        }

        def cell(quadrant: str) -> str:
            entries = "".join(
                f"<li><b>{esc(it.id)}</b> {esc(it.label(lang))}"
                + (
                    f'<br><small class="evidence">{esc(it.evidence.describe(lang))}</small>'
                    if it.evidence
                    else ""
                )
                + "</li>"
                for it in getattr(self, quadrant)
            )
            return (
                f'<td style="vertical-align:top;text-align:left;width:50%;'
                f'background:{colors[quadrant]}"><h4>{lab(quadrant)}</h4>'
                f'<ul style="margin:0;padding-left:1.2em">{entries}</ul></td>'
            )

        title = esc(self.company_name(lang))
        grid = (
            f'<table class="mktkit-swot" style="width:100%;table-layout:fixed">'
            f"<caption>{title + ' · ' if title else ''}{lab('swot')}</caption>"
            f"<tr>{cell('strengths')}{cell('weaknesses')}</tr>"
            f"<tr>{cell('opportunities')}{cell('threats')}</tr></table>"
        )
        tows = self.tows(lang)
        rows = "".join(
            f'<tr><td style="text-align:left">{esc(r.quadrant)}</td>'
            f'<td style="text-align:left">{esc(r.id)}</td>'
            f'<td style="text-align:left">{esc(r.strategy)}</td>'
            f'<td style="text-align:left">{esc(", ".join(r.uses))}</td></tr>'
            for r in tows.itertuples(index=False)
        )
        heads = "".join(
            f'<th style="text-align:left">{lab(k)}</th>'
            for k in ("quadrant", "id", "strategy", "uses")
        )
        table = (
            f'<table class="mktkit-tows"><caption>{lab("tows")}</caption>'
            f"<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"
        )
        note = ""
        if tows.attrs["uncited"]:
            note = (
                f'<p class="uncited">{lab("uncited_factors")}: '
                f"{esc(', '.join(tows.attrs['uncited']))}</p>"
            )
        return f'<div class="mktkit-strategy">{grid}{table}{note}</div>'

    def _repr_html_(self) -> str:
        return self.to_html(getattr(self, "lang", "en"))

    def _repr_markdown_(self) -> str:
        return self.to_markdown(getattr(self, "lang", "en"))


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
        lab = lambda k: strategy_label(k, lang)  # noqa: E731
        return (
            f"**{lab('ie_matrix')}**: {lab('ife_total')} {self.ife_total:.2f}, "
            f"{lab('efe_total')} {self.efe_total:.2f} → {lab('cell')} {self.cell}: "
            f"{lab(self.strategy)}\n"
        )

    def to_html(self, lang: str = "en") -> str:
        lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
        return (
            f'<p class="mktkit-ie"><b>{lab("ie_matrix")}</b>: {lab("ife_total")} '
            f"{self.ife_total:.2f}, {lab('efe_total')} {self.efe_total:.2f} → "
            f"{lab('cell')} {esc(self.cell)}: <b>{lab(self.strategy)}</b></p>"
        )

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
    if not _is_number(x) or not math.isfinite(float(x)):
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
        Totals in 1-4, or the tables of :meth:`SWOT.ife` / :meth:`SWOT.efe`.

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
        lab = lambda k: strategy_label(k, lang)  # noqa: E731
        dims = ", ".join(f"{lab(k)} {v:+.2f}" for k, v in self._dims())
        strategies = ", ".join(lab(s) for s in self.strategies) or "—"
        return (
            f"**{lab('space_matrix')}**: {dims}; x = {self.x:+.2f}, y = {self.y:+.2f} → "
            f"{lab(self.quadrant)} ({lab(self.posture)}). "
            f"{lab('recommended_strategies')}: {strategies}\n"
        )

    def to_html(self, lang: str = "en") -> str:
        lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
        rows = "".join(
            f'<tr><td style="text-align:left">{lab(k)}</td><td>{v:+.2f}</td></tr>'
            for k, v in self._dims()
        )
        strategies = ", ".join(lab(s) for s in self.strategies) or "—"
        return (
            f'<div class="mktkit-space"><table><caption>{lab("space_matrix")}</caption>'
            f'{rows}<tr><td style="text-align:left">x, y</td>'
            f"<td>({self.x:+.2f}, {self.y:+.2f})</td></tr></table>"
            f"<p><b>{lab(self.quadrant)}</b>: {lab(self.posture)}. "
            f"{lab('recommended_strategies')}: {strategies}</p></div>"
        )

    def _dims(self) -> list[tuple[str, float]]:
        return [
            ("financial_strength", self.fs),
            ("industry_strength", self.is_),
            ("environmental_stability", self.es),
            ("competitive_advantage", self.ca),
        ]

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
        if not _is_number(r) or not math.isfinite(float(r)) or not low <= float(r) <= high
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


# ---------------------------------------------------------------------------------------------
# files and helpers


def heading_html(key: str, lang: str = "en", level: int = 2) -> str:
    """An HTML heading with the label of ``key`` (for report notebooks), escaped.

    Examples
    --------
    >>> heading_html("tows", "zh")
    '<h2>TOWS矩阵</h2>'
    """
    check_argument("level", range(1, 7), level)
    return f"<h{level}>{esc(strategy_label(key, lang))}</h{level}>"


def note_html(key: str, lang: str = "en") -> str:
    """A short HTML paragraph with the label of ``key``, e.g. "Not assessed"."""
    return f'<p class="note"><i>{esc(strategy_label(key, lang))}</i></p>'


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a missing file or a syntax error is an :class:`InputError`."""
    import yaml

    if not path.is_file():
        raise InputError(f"file not found: {path}", fix="check the path")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise InputError(
            f"{path.name} is not valid YAML{at}: {getattr(exc, 'problem', exc)}",
            table=path.name,
            fix="fix the YAML syntax there",
        ) from None


def sample_file(key: str) -> Path:
    """Path of the sample company's ``swot.yaml`` or ``marketing_mix.yaml``."""
    from mktkit.data.folder import SAMPLE_FILES
    from mktkit.data.sample import sample_dir

    return sample_dir() / SAMPLE_FILES[key]


def load_swot(path: str | os.PathLike[str] | None = None) -> SWOT:
    """Read a swot.yaml; ``None`` reads the sample company's.

    Examples
    --------
    >>> load_swot().company_name("zh")
    '拾光家居'
    """
    return SWOT.from_yaml(sample_file("swot") if path is None else path)


def _as_list(value: Any, problems: _Problems, where: str) -> list[Any]:
    if _is_missing(value):
        return []
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        problems.add(
            f"{where} must be a list, not {type(value).__name__}",
            column=where,
            fix=f"write {where} as a list of items (- id: ...)",
        )
        return []
    return list(value)


def _letter_name(letter: str) -> str:
    return {"S": "strength", "W": "weakness", "O": "opportunity", "T": "threat"}[letter]


def _reading(total: Fraction) -> str:
    if total < Fraction(5, 2):
        return "below_average"
    return "above_average" if total > Fraction(5, 2) else "at_average"


def _none(x: Any) -> Any:
    return None if _is_missing(x) else x


def _frame_text(row: Mapping[str, Any], plain: str = "text") -> Any:
    text = {k: row.get(f"text_{k}") for k in LANGS if not _is_missing(row.get(f"text_{k}"))}
    if text:
        return text
    return _none(row.get(plain, row.get("text")))


def _fmt_value(v: float) -> str:
    """Evidence as a person quotes it: 3 significant digits, at least the units for large values
    (0.184777 -> 0.185, 4.67122 -> 4.67, 27.2549 -> 27.3, 1234.5 -> 1,235)."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def esc(text: Any) -> str:
    """HTML-escape user text (``&``, ``<``, ``>``, quotes)."""
    return html.escape(str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md(text: Any) -> str:
    """User text made safe for Markdown: HTML-escaped, Markdown specials backslash-escaped.

    Examples
    --------
    >>> md("R&D <pilot> *now*")
    'R&amp;D &lt;pilot&gt; \\\\*now\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def _md_extra(it: SWOTItem, lang: str) -> str:
    parts = []
    if it.evidence is not None:
        parts.append(md(it.evidence.describe(lang)))
    if it.weight is not None and it.rating is not None:
        parts.append(
            f"{strategy_label('weight', lang)} {it.weight:g}, "
            f"{strategy_label('rating', lang)} {it.rating}"
        )
    return f" — {'; '.join(parts)}" if parts else ""
