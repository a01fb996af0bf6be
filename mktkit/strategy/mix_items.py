"""The parts of a marketing mix: the 4P/7P elements, actions, and their parsing.

Elements: product, price, place, promotion (McCarthy's 4P); people, process and physical
evidence (Booms and Bitner) make it 7P. :func:`parse_element` and :func:`parse_action` turn
one raw record of marketing_mix.yaml (format in docs/data.md) into a :class:`MixElement` or a
:class:`MixAction`, adding each broken rule to a :class:`~mktkit.strategy.records.Problems`.
The rule across elements (weights summing to 1) is checked by
:class:`mktkit.strategy.mix.MarketingMix`.

Examples
--------
>>> from mktkit.strategy.records import Problems
>>> el = parse_element("price", {"rating": 3, "weight": 0.4, "kpis": "aov"}, Problems("mix"))
>>> el.rating, el.weight, el.kpis
(3, 0.4, ('aov',))
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mktkit.strategy.records import (
    Problems,
    check_keys,
    is_missing,
    is_number,
    listed,
    parse_text,
    pick_text,
)

__all__ = [
    "ELEMENTS_4P",
    "ELEMENTS_7P",
    "EXTRA_7P",
    "RATING_RANGE",
    "REQUIRED_FIELDS",
    "MixAction",
    "MixElement",
    "parse_action",
    "parse_element",
]

ELEMENTS_4P: tuple[str, ...] = ("product", "price", "place", "promotion")
EXTRA_7P: tuple[str, ...] = ("people", "process", "physical_evidence")
ELEMENTS_7P: tuple[str, ...] = ELEMENTS_4P + EXTRA_7P
#: Ratings run 1 (poor) to 5 (excellent); an element's default target is the top of the scale.
RATING_RANGE = (1, 5)
_ELEMENT_KEYS = (
    "decision",
    "segment",
    "kpis",
    "issues",
    "actions",
    "owner",
    "rating",
    "weight",
    "target",
)
_ACTION_KEYS = ("text", "owner", "due")
#: Fields of a present element that completeness() expects to be filled in.
REQUIRED_FIELDS: tuple[str, ...] = ("decision", "segment", "kpis", "actions", "owner", "rating")


@dataclass(frozen=True)
class MixAction:
    """An action: bilingual text, an owner and a due date.

    Examples
    --------
    >>> MixAction({"en": "Double the linen stock"}, "Supply chain").label("zh")
    'Double the linen stock'
    """

    text: Mapping[str, str]
    owner: str | None = None
    due: dt.date | None = None

    def label(self, lang: str = "en") -> str:
        return pick_text(self.text, lang)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": dict(self.text)}
        if self.owner is not None:
            out["owner"] = self.owner
        if self.due is not None:
            out["due"] = self.due
        return out


@dataclass(frozen=True)
class MixElement:
    """One element of the mix (``name`` is one of :data:`ELEMENTS_7P`).

    Examples
    --------
    >>> MixElement("product", rating=4, weight=0.25).to_dict()
    {'rating': 4, 'weight': 0.25}
    """

    name: str
    decision: Mapping[str, str] | None = None
    segment: Mapping[str, str] | None = None
    kpis: tuple[str, ...] = ()
    issues: tuple[Mapping[str, str], ...] = ()
    actions: tuple[MixAction, ...] = ()
    owner: str | None = None
    rating: int | None = None
    weight: float | None = None
    target: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("decision", "segment"):
            if getattr(self, key):
                out[key] = dict(getattr(self, key))
        if self.kpis:
            out["kpis"] = list(self.kpis)
        if self.issues:
            out["issues"] = [dict(i) for i in self.issues]
        if self.actions:
            out["actions"] = [a.to_dict() for a in self.actions]
        for key in ("owner", "rating", "weight", "target"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


def parse_element(name: str, raw: Any, problems: Problems) -> MixElement | None:
    """One element of the mix from its record, or None when it is not a mapping.

    Parameters
    ----------
    name : str
        The element (one of :data:`ELEMENTS_7P`).
    raw : mapping, MixElement or None
        ``{"decision": ..., "segment": ..., "kpis": [...], "issues": [...], "actions": [...],
        "owner": ..., "rating": 4, "weight": 0.25, "target": 5}``; every field is optional.
    problems : Problems
        Where each broken rule goes.

    Examples
    --------
    >>> from mktkit.strategy.records import Problems
    >>> problems = Problems("marketing_mix")
    >>> parse_element("place", {"weight": 0.2}, problems).weight
    0.2
    >>> problems.items[0].problem
    'place has a weight but no rating'
    """
    if isinstance(raw, MixElement):
        raw = raw.to_dict()
    if is_missing(raw):
        raw = {}
    if not isinstance(raw, Mapping):
        problems.add(f"{name} is {type(raw).__name__}, not a mapping", column=name)
        return None
    check_keys(raw, _ELEMENT_KEYS, problems, name, name)
    decision = parse_text(
        raw.get("decision"), problems, f"{name} decision", required=False, column=name
    )
    segment = parse_text(
        raw.get("segment"), problems, f"{name} segment", required=False, column=name
    )
    kpis = raw.get("kpis")
    kpis = [] if is_missing(kpis) else [kpis] if isinstance(kpis, str) else kpis
    if not isinstance(kpis, list | tuple) or not all(
        isinstance(k, str) and k.strip() for k in kpis
    ):
        problems.add(
            f"{name}: kpis must be a list of metric names",
            column=name,
            fix="write kpis: [repurchase_rate, nps]",
        )
        kpis = []
    issues = []
    for i, issue in enumerate(listed(raw.get("issues"), problems, f"{name} issues"), 1):
        text = parse_text(issue, problems, f"{name} issue {i}", column=name)
        if text:
            issues.append(text)
    actions = []
    for i, action in enumerate(listed(raw.get("actions"), problems, f"{name} actions"), 1):
        parsed = parse_action(name, i, action, problems)
        if parsed is not None:
            actions.append(parsed)
    owner = raw.get("owner")
    if is_missing(owner) or owner == "":
        owner = None
    elif not isinstance(owner, str):
        problems.add(f"{name}: owner {owner!r} is not text", column=name)
        owner = None
    rating = _scale_value(raw.get("rating"), name, "rating", problems, whole=True)
    target = _scale_value(raw.get("target"), name, "target", problems, whole=False)
    weight = raw.get("weight")
    if is_missing(weight):
        weight = None
    elif not is_number(weight) or not math.isfinite(float(weight)):
        problems.add(f"{name}: weight {weight!r} is not a number", column=name, rows={name: weight})
        weight = None
    elif not 0 <= float(weight) <= 1:
        problems.add(
            f"{name}: weight {weight!r} is outside 0-1",
            column=name,
            rows={name: weight},
            fix="weights are fractions summing to 1",
        )
        weight = None
    if weight is not None and rating is None and is_missing(raw.get("rating")):
        problems.add(
            f"{name} has a weight but no rating",
            column=name,
            fix="rate the element 1-5, or drop its weight",
        )
    return MixElement(
        name=name,
        decision=decision,
        segment=segment,
        kpis=tuple(kpis),
        issues=tuple(issues),
        actions=tuple(actions),
        owner=owner,
        rating=rating,
        weight=None if weight is None else float(weight),
        target=target,
    )


def parse_action(name: str, i: int, raw: Any, problems: Problems) -> MixAction | None:
    """Action ``i`` (1-based) of element ``name`` from ``{text, owner, due}`` or a plain text;
    ``due`` is a date or ``"YYYY-MM-DD"``. None when it has no text or is not a mapping.

    Examples
    --------
    >>> from mktkit.strategy.records import Problems
    >>> parse_action("product", 1, {"text": "Double the linen stock", "due": "2026-12-31"},
    ...              Problems("marketing_mix")).due
    datetime.date(2026, 12, 31)
    """
    where = f"{name} action {i}"
    if isinstance(raw, MixAction):
        return raw
    if isinstance(raw, str):
        raw = {"text": raw}
    if not isinstance(raw, Mapping):
        problems.add(
            f"{where} is {type(raw).__name__}, not a mapping",
            column=name,
            fix="write actions as {text: ..., owner: ..., due: YYYY-MM-DD}",
        )
        return None
    check_keys(raw, _ACTION_KEYS, problems, where, name)
    text = parse_text(raw.get("text"), problems, where, column=name)
    owner = raw.get("owner")
    owner = None if is_missing(owner) or owner == "" else str(owner)
    due = raw.get("due")
    if is_missing(due) or due == "":
        due = None
    elif isinstance(due, dt.datetime):
        due = due.date()
    elif isinstance(due, dt.date):
        pass
    elif isinstance(due, pd.Timestamp):
        due = due.date()
    elif isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due.strip())
        except ValueError:
            problems.add(
                f"{where}: due {due!r} is not a date",
                column=name,
                rows={where: due},
                fix="write the date as YYYY-MM-DD",
            )
            due = None
    else:
        problems.add(
            f"{where}: due {due!r} is not a date",
            column=name,
            rows={where: due},
            fix="write the date as YYYY-MM-DD",
        )
        due = None
    return None if text is None else MixAction(text, owner, due)


def _scale_value(value: Any, name: str, key: str, problems: Problems, whole: bool) -> Any:
    low, high = RATING_RANGE
    if is_missing(value):
        return None
    if (
        not is_number(value)
        or not math.isfinite(float(value))
        or (whole and not float(value).is_integer())
    ):
        kind = "a whole number" if whole else "a number"
        problems.add(
            f"{name}: {key} {value!r} is not {kind}",
            column=name,
            rows={name: value},
            fix=f"{key}s are {kind}s {low}-{high}",
        )
        return None
    if not low <= float(value) <= high:
        problems.add(
            f"{name}: {key} {value!r} is outside {low}-{high}",
            column=name,
            rows={name: value},
            fix=f"{key}s run {low} (poor) to {high} (excellent)",
        )
        return None
    return int(value) if whole else float(value)
