"""The parts of a SWOT: quadrants and TOWS, evidence, items and strategies, and their parsing.

An item has an id (``S1``, ``W2``, ``O1``, ``T3``), bilingual text, optional evidence (a
metric, its value and a source), a weight and a rating; a TOWS strategy cites item ids.
:func:`parse_item`, :func:`parse_evidence` and :func:`parse_strategy` turn one raw record of
swot.yaml (format in docs/data.md) into one of these, adding each broken rule to a
:class:`~mktkit.strategy.records.Problems`. The rules across items (ids unique, weights summing
to 1, strategies citing the right quadrants) are checked by :class:`mktkit.strategy.swot.SWOT`.

Examples
--------
>>> from mktkit.strategy.records import Problems
>>> item = parse_item({"id": "S1", "text": "Loyal buyers", "weight": 0.12, "rating": 4},
...                   "strengths", 1, Problems("swot"))
>>> item.id, item.label("zh"), item.weight, item.rating
('S1', 'Loyal buyers', 0.12, 4)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mktkit.i18n import label
from mktkit.strategy.records import (
    Problems,
    check_keys,
    is_missing,
    is_number,
    parse_text,
    pick_text,
)

__all__ = [
    "ID_LETTER",
    "QUADRANTS",
    "TOWS",
    "Evidence",
    "SWOTItem",
    "SWOTWarning",
    "Strategy",
    "parse_evidence",
    "parse_item",
    "parse_strategy",
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

_ITEM_KEYS = ("id", "text", "evidence", "weight", "rating")
_EVIDENCE_KEYS = ("metric", "value", "source", "where", "period")
#: An evidence period: a month, a range of months, or a range of days (inclusive).
_PERIOD = re.compile(r"^\d{4}-\d{2}(-\d{2})?(\.\.\d{4}-\d{2}(-\d{2})?)?$")
_STRATEGY_KEYS = ("id", "quadrant", "text", "uses")


class SWOTWarning(UserWarning):
    """A SWOT that is valid but departs from the textbook's advice (too few factors, a weight
    of 0.30 or more, an evidence metric no item names). Filter it like any warning."""


# ---------------------------------------------------------------------------------------------
# small records


@dataclass(frozen=True)
class Evidence:
    """The fact behind a claim: a metric name, its value and where it comes from.

    ``where`` (e.g. ``{"channel": "display"}``) and ``period`` (``"2026-10"``,
    ``"2025-11..2026-10"``) say exactly which number is meant, so that the kit can compute it
    from the data (:func:`mktkit.strategy.evidence.evidence_values`) instead of trusting a typed value.

    Examples
    --------
    >>> Evidence("roas", 4.51234, "channel_daily search").describe()
    'roas 4.51 (channel_daily search)'
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
        # i18n's label, as display.strategy_label gives it: display imports this module, so
        # importing display here would close a cycle
        name = self.metric if lang is None else str(label(self.metric, lang))
        text = name if self.value is None else f"{name} {_fmt_value(self.value)}"
        return f"{text} ({self.source})" if self.source else text


@dataclass(frozen=True)
class SWOTItem:
    """One SWOT factor. ``text`` maps language (``"en"``, ``"zh"``) to text.

    Examples
    --------
    >>> SWOTItem("W1", "weaknesses", {"en": "Display ROAS falls"}).label("zh")
    'Display ROAS falls'
    """

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
    """A TOWS strategy: its quadrant (SO, ST, WO, WT), text and the factor ids it uses.

    Examples
    --------
    >>> Strategy("SO1", "SO", {"en": "Live shows for members"}, ("S1", "O1")).to_dict()["uses"]
    ['S1', 'O1']
    """

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


def _fmt_value(v: float) -> str:
    """Evidence as a person quotes it: 3 significant digits, at least the units for large values
    (0.184777 -> 0.185, 4.67122 -> 4.67, 27.2549 -> 27.3, 1234.5 -> 1,235)."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


# ---------------------------------------------------------------------------------------------
# parsing one record


def parse_item(
    raw: Any, quadrant: str, position: int, problems: Problems, *, weight_scale: int = 1
) -> SWOTItem | None:
    """One SWOT item from its record, or None when it is not a mapping.

    Parameters
    ----------
    raw : mapping or SWOTItem
        ``{"id": "S1", "text": ..., "evidence": {...}, "weight": 0.12, "rating": 4}``.
    quadrant : str
        The quadrant whose list holds it (one of :data:`QUADRANTS`).
    position : int
        1-based position in that list, for the messages.
    problems : Problems
        Where each broken rule goes; an item without an id gets ``S?1``-like one.
    weight_scale : {1, 100}
        Weights lie in 0-1 or 0-100.

    Examples
    --------
    >>> from mktkit.strategy.records import Problems
    >>> problems = Problems("swot")
    >>> parse_item({"id": "W1", "text": "Slow delivery", "rating": 5}, "weaknesses", 1,
    ...            problems).rating
    5
    >>> problems.items[0].problem
    'W1: rating 5 is outside 1-4'
    """
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
    evidence = parse_evidence(raw.get("evidence"), item_id, quadrant, problems)
    weight = raw.get("weight")
    if is_missing(weight):
        weight = None
    elif not is_number(weight) or not math.isfinite(float(weight)):
        problems.add(
            f"{item_id}: weight {weight!r} is not a number",
            column=quadrant,
            rows={item_id: weight},
            fix="write the weight as a number",
        )
        weight = None
    else:
        high = weight_scale
        if not 0 <= float(weight) <= high:
            problems.add(
                f"{item_id}: weight {weight!r} is outside 0-{high}",
                column=quadrant,
                rows={item_id: weight},
                fix=f"weights are between 0 and {high} (weight_scale {high})",
            )
        weight = float(weight) if not isinstance(weight, int) else weight
    rating = raw.get("rating")
    if is_missing(rating):
        rating = None
    elif not is_number(rating) or not float(rating).is_integer():
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


def parse_evidence(raw: Any, item_id: str, quadrant: str, problems: Problems) -> Evidence | None:
    """An item's evidence from ``{metric, value, source, where, period}``; None when absent
    or unusable (no metric name).

    Examples
    --------
    >>> from mktkit.strategy.records import Problems
    >>> parse_evidence({"metric": "roas", "where": {"channel": "display"}, "period": "2026-10"},
    ...                "W1", "weaknesses", Problems("swot")).period
    '2026-10'
    """
    if is_missing(raw):
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
    if is_missing(value):
        value = None
    elif not is_number(value) or not math.isfinite(float(value)):
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


def parse_strategy(raw: Any, position: int, problems: Problems) -> Strategy | None:
    """One TOWS strategy from ``{id, quadrant, text, uses}``; ``uses`` may be ``"S1, O2"``.
    Whether the ids it cites exist and fit its quadrant is the SWOT's check.

    Examples
    --------
    >>> from mktkit.strategy.records import Problems
    >>> parse_strategy({"id": "SO1", "quadrant": "SO", "text": "Live shows", "uses": "S1, O1"},
    ...                1, Problems("swot")).uses
    ('S1', 'O1')
    """
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
    if is_missing(uses) or not isinstance(uses, Sequence) or not uses:
        problems.add(
            f"{sid} cites no factor",
            column="strategies",
            fix="list the factor ids it uses, e.g. uses: [S1, O2]",
        )
        uses = []
    return Strategy(sid, quadrant or "", text, tuple(str(u) for u in uses))
