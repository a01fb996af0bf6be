"""The marketing mix (4P, 7P) as a validated record: scorecard, completeness and actions.

Elements: product, price, place, promotion (McCarthy's 4P); people, process and physical
evidence (Booms and Bitner) make it 7P, which the mix becomes as soon as one of those three is
present. Each element records the current decision, the target segment, evidence KPIs, issues,
actions (text, owner, due date), an owner, and an optional rating 1-5 and weight
(docs/methods.md, "Marketing mix (4P, 7P)"). The elements and their parsing are in
:mod:`~mktkit.strategy.mix_items`.

- :meth:`MarketingMix.scorecard`: one row per element of the model; an element that is absent
  is ``"not_assessed"`` with no score, never a 0. The weighted mix score (sum of weight x rating
  over rated elements, weights summing to 1) is a heuristic and says so in ``attrs``.
- :meth:`MarketingMix.completeness`: what is missing (the purpose of the 4P: no blind spots).
- :meth:`MarketingMix.actions`: the actions with owner and due date.

Computation only (no matplotlib); renders to Markdown and HTML with user text escaped
(:mod:`~mktkit.strategy.display`).

Examples
--------
>>> from mktkit.strategy.mix import load_mix
>>> mix = load_mix()                        # the sample company's marketing_mix.yaml
>>> mix.model
'7P'
>>> card = mix.scorecard()
>>> card.loc[card["element"] == "physical_evidence", "status"].item()
'not_assessed'
>>> round(card.attrs["mix_score"], 2), card.attrs["heuristic"]
(3.15, True)
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mktkit.errors import InputError, check_argument, require_columns
from mktkit.i18n import LANGS
from mktkit.strategy.display import (
    mix_actions_html,
    mix_completeness_html,
    mix_html,
    mix_markdown,
)
from mktkit.strategy.mix_items import (
    ELEMENTS_4P,
    ELEMENTS_7P,
    EXTRA_7P,
    RATING_RANGE,
    REQUIRED_FIELDS,
    MixAction,
    MixElement,
    parse_element,
)
from mktkit.strategy.records import (
    WEIGHT_TOLERANCE,
    Problems,
    exact,
    is_missing,
    parse_text,
    pick_text,
    read_yaml,
    sample_file,
)

__all__ = ["ELEMENTS_4P", "ELEMENTS_7P", "MarketingMix", "MixAction", "MixElement", "load_mix"]


class MarketingMix:
    """A validated 4P/7P marketing mix.

    Parameters
    ----------
    elements : mapping of element name -> mapping or MixElement
        As in marketing_mix.yaml (docs/data.md): ``{"product": {"decision": {...}, "segment":
        {...}, "kpis": [...], "issues": [{...}], "actions": [{"text": {...}, "owner": ...,
        "due": 2026-12-31}], "owner": ..., "rating": 4, "weight": 0.25}}``. Every field is
        optional; ``target`` (1-5) sets the rating the element aims at (default 5).
    company : mapping or str, optional
    source : str
        Name used in error messages (the file name when read from YAML).

    Raises
    ------
    InputError
        Listing every broken rule, each naming the element: unknown element or field names,
        ratings that are not whole numbers 1-5, weights outside 0-1, a weight without a rating,
        weights of rated elements that do not sum to 1, dates that are not dates.

    Examples
    --------
    >>> mix = MarketingMix({"product": {"rating": 4, "weight": 0.6},
    ...                     "price": {"rating": 3, "weight": 0.4}})
    >>> mix.model, round(mix.scorecard().attrs["mix_score"], 2)
    ('4P', 3.6)
    """

    def __init__(
        self,
        elements: Mapping[str, Any] | None = None,
        *,
        company: Any = None,
        source: str = "marketing_mix",
    ) -> None:
        problems = Problems(source)
        self.source = source
        self.company = parse_text(company, problems, "company", required=False, column="company")
        elements = {} if elements is None else elements
        if not isinstance(elements, Mapping):
            raise InputError(
                f"elements must be a mapping name -> element, not {type(elements).__name__}",
                table=source,
                fix="write elements: {product: {...}, price: {...}}",
            )
        parsed: dict[str, MixElement] = {}
        for name, raw in elements.items():
            if name not in ELEMENTS_7P:
                guess = str(name).strip().lower().replace(" ", "_").replace("-", "_")
                hint = f"write {guess}" if guess in ELEMENTS_7P else "use " + ", ".join(ELEMENTS_7P)
                problems.add(f"unknown element {name!r}", column="elements", fix=hint)
                continue
            element = parse_element(name, raw, problems)
            if element is not None:
                parsed[name] = element
        # keep the canonical order whatever the input order
        self.elements: dict[str, MixElement] = {n: parsed[n] for n in ELEMENTS_7P if n in parsed}
        self._check_weights(problems)
        problems.raise_if_any()
        #: Language of ``_repr_html_`` in notebooks.
        self.lang = "en"

    # -- rules across elements (each element is parsed by mktkit.strategy.mix_items) ------

    def _check_weights(self, problems: Problems) -> None:
        rated = [e for e in self.elements.values() if e.rating is not None]
        weighted = [e for e in rated if e.weight is not None]
        if weighted and len(weighted) < len(rated):
            problems.add(
                "rated element(s) without a weight while others have one",
                column="weight",
                rows=[e.name for e in rated if e.weight is None],
                fix="give every rated element a weight, or none",
            )
        elif weighted:
            total = sum((exact(e.weight) for e in weighted), Fraction(0))
            if abs(float(total) - 1) > WEIGHT_TOLERANCE:
                problems.add(
                    f"the weights of the rated elements sum to {float(total):.6g}, not 1",
                    column="weight",
                    rows={e.name: e.weight for e in weighted},
                    fix="make the weights of the rated elements sum to 1",
                )

    # -- alternative constructors ---------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "marketing_mix") -> MarketingMix:
        """Build from a mapping in the marketing_mix.yaml format (``elements:``, ``company:``)."""
        if not isinstance(data, Mapping):
            raise InputError(
                f"a marketing mix is a mapping, not {type(data).__name__}",
                table=source,
                fix="see the marketing_mix.yaml format in docs/data.md",
            )
        unknown = [k for k in data if k not in ("elements", "company")]
        if unknown:
            raise InputError(
                "unknown key(s) " + ", ".join(map(repr, unknown)),
                table=source,
                fix="the keys are elements and company",
            )
        return cls(data.get("elements") or {}, company=data.get("company"), source=source)

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str]) -> MarketingMix:
        """Read a marketing_mix.yaml file (format in docs/data.md)."""
        path = Path(path)
        return cls.from_dict(read_yaml(path), source=path.name)

    @classmethod
    def from_frame(
        cls,
        elements: pd.DataFrame,
        actions: pd.DataFrame | None = None,
        issues: pd.DataFrame | None = None,
        **options: Any,
    ) -> MarketingMix:
        """Build from tables: ``elements`` (one row per element: ``element``, and optionally
        ``decision_en``, ``decision_zh``, ``segment_en``, ``segment_zh``, ``kpis`` (a list or
        ``"a, b"``), ``owner``, ``rating``, ``weight``, ``target``: the columns of
        :meth:`to_frame`), ``actions`` (``element``, ``text_en``/``text_zh``, ``owner``,
        ``due``) and ``issues`` (``element``, ``text_en``/``text_zh``)."""
        source = options.pop("source", "marketing_mix")
        require_columns(elements, ["element"], table=source)
        raw: dict[str, dict[str, Any]] = {}
        for row in elements.to_dict("records"):
            el: dict[str, Any] = {}
            for key in ("decision", "segment"):
                text = {
                    k: row.get(f"{key}_{k}") for k in LANGS if not is_missing(row.get(f"{key}_{k}"))
                }
                if text:
                    el[key] = text
            kpis = row.get("kpis")
            if isinstance(kpis, str):
                kpis = [k.strip() for k in kpis.split(",") if k.strip()]
            if kpis is not None and not is_missing(kpis) and len(kpis):
                el["kpis"] = list(kpis)
            for key in ("owner", "rating", "weight", "target"):
                if not is_missing(row.get(key)):
                    el[key] = row[key]
            raw[row["element"]] = el
        for frame, key in ((actions, "actions"), (issues, "issues")):
            if frame is None:
                continue
            require_columns(frame, ["element"], table=f"{source} {key}")
            for row in frame.to_dict("records"):
                text = {
                    k: row.get(f"text_{k}") for k in LANGS if not is_missing(row.get(f"text_{k}"))
                } or row.get("text")
                if key == "issues":
                    entry: Any = text
                else:
                    entry = {"text": text, "owner": row.get("owner"), "due": row.get("due")}
                    if isinstance(entry["due"], pd.Timestamp) and pd.isna(entry["due"]):
                        entry["due"] = None
                raw.setdefault(row["element"], {}).setdefault(key, []).append(entry)
        return cls(raw, source=source, **options)

    # -- access ---------------------------------------------------------------------------

    @property
    def model(self) -> str:
        """``"7P"`` when people, process or physical evidence is present, else ``"4P"``."""
        return "7P" if any(n in self.elements for n in EXTRA_7P) else "4P"

    @property
    def expected(self) -> tuple[str, ...]:
        """The elements of the model, in order."""
        return ELEMENTS_7P if self.model == "7P" else ELEMENTS_4P

    def __getitem__(self, name: str) -> MixElement:
        check_argument("element", ELEMENTS_7P, name)
        if name not in self.elements:
            raise InputError(
                f"{name} is not assessed", table=self.source, fix="add it to the marketing mix"
            )
        return self.elements[name]

    def company_name(self, lang: str = "en") -> str:
        return pick_text(self.company, lang)

    # -- analysis -------------------------------------------------------------------------

    def scorecard(self) -> pd.DataFrame:
        """One row per element of the model (4P or 7P), absent elements included.

        Returns
        -------
        DataFrame
            ``element``; ``status`` (``"rated"``, ``"not_rated"``, ``"not_assessed"``);
            ``score`` (the rating 1-5, NaN unless rated: an absent element is never 0);
            ``target`` (the element's target, default 5; NaN when not assessed); ``gap``
            (target - score); ``weight``; ``weighted`` (weight x score); ``issues`` and
            ``actions`` (counts, NA when not assessed). ``attrs``: ``model``, ``mix_score``
            (sum of weight x rating over rated elements; NaN without weights),
            ``heuristic`` (True: the mix score is a heuristic, not a measurement),
            ``not_assessed`` (list of element names), ``scale`` (1, 5).
        """
        rows = []
        for name in self.expected:
            el = self.elements.get(name)
            if el is None:
                rows.append(
                    {
                        "element": name,
                        "status": "not_assessed",
                        "score": math.nan,
                        "target": math.nan,
                        "weight": math.nan,
                        "issues": pd.NA,
                        "actions": pd.NA,
                    }
                )
                continue
            score = math.nan if el.rating is None else float(el.rating)
            rows.append(
                {
                    "element": name,
                    "status": "rated" if el.rating is not None else "not_rated",
                    "score": score,
                    "target": float(RATING_RANGE[1] if el.target is None else el.target),
                    "weight": math.nan if el.weight is None else el.weight,
                    "issues": len(el.issues),
                    "actions": len(el.actions),
                }
            )
        out = pd.DataFrame(rows)
        out["gap"] = out["target"] - out["score"]
        out["weighted"] = out["weight"] * out["score"]
        out["issues"] = out["issues"].astype("Int64")
        out["actions"] = out["actions"].astype("Int64")
        out = out[
            [
                "element",
                "status",
                "score",
                "target",
                "gap",
                "weight",
                "weighted",
                "issues",
                "actions",
            ]
        ]
        rated = [e for e in self.elements.values() if e.rating is not None and e.weight is not None]
        mix_score = (
            float(sum((exact(e.weight) * e.rating for e in rated), Fraction(0)))
            if rated
            else math.nan
        )
        out.attrs.update(
            model=self.model,
            mix_score=mix_score,
            heuristic=True,
            not_assessed=[n for n in self.expected if n not in self.elements],
            scale=RATING_RANGE,
        )
        return out

    def completeness(self) -> pd.DataFrame:
        """What is missing: one row per gap, ``element`` and ``missing``.

        ``missing`` is ``"element"`` for an element of the model that is absent, a field name
        (``decision``, ``segment``, ``kpis``, ``actions``, ``owner``, ``rating``) for a present
        element that lacks it, or ``"actions[2].owner"`` / ``"actions[2].due"`` for an action
        without owner or due date. ``attrs``: ``complete`` (bool), ``checked`` (number of
        things checked), ``share_complete`` (fraction of them present), ``model``.

        Examples
        --------
        >>> MarketingMix({"product": {"owner": "Chen"}}).completeness().head(3).to_dict("list")
        {'element': ['product', 'product', 'product'], 'missing': ['decision', 'segment', 'kpis']}
        """
        gaps: list[tuple[str, str]] = []
        checked = 0
        for name in self.expected:
            el = self.elements.get(name)
            checked += 1
            if el is None:
                gaps.append((name, "element"))
                continue
            for field in REQUIRED_FIELDS:
                checked += 1
                value = getattr(el, field)
                if value is None or value == () or value == {}:
                    gaps.append((name, field))
            for i, action in enumerate(el.actions, 1):
                for field in ("owner", "due"):
                    checked += 1
                    if getattr(action, field) is None:
                        gaps.append((name, f"actions[{i}].{field}"))
        out = pd.DataFrame(gaps, columns=["element", "missing"])
        out.attrs.update(
            complete=not gaps,
            checked=checked,
            share_complete=(checked - len(gaps)) / checked,
            model=self.model,
        )
        return out

    def actions(self, lang: str = "en", *, as_of: Any = None) -> pd.DataFrame:
        """The actions: ``element``, ``action`` (text in ``lang``), ``owner``, ``due``
        (datetime64; NaT when not set), sorted by due date (undated last), then element.
        With ``as_of`` (a date), an ``overdue`` column: due before ``as_of``."""
        check_argument("lang", LANGS, lang)
        rows = [
            {
                "element": el.name,
                "action": a.label(lang),
                "owner": a.owner,
                "due": pd.NaT if a.due is None else pd.Timestamp(a.due),
            }
            for el in self.elements.values()
            for a in el.actions
        ]
        out = pd.DataFrame(rows, columns=["element", "action", "owner", "due"])
        out["due"] = pd.to_datetime(out["due"])
        order = {n: i for i, n in enumerate(ELEMENTS_7P)}
        out = (
            out.assign(_o=out["element"].map(order))
            .sort_values(["due", "_o"], na_position="last", kind="stable")
            .drop(columns="_o")
            .reset_index(drop=True)
        )
        if as_of is not None:
            try:
                when = pd.Timestamp(as_of)
            except (TypeError, ValueError):
                raise InputError(
                    f"as_of {as_of!r} is not a date", column="as_of", fix="write it as YYYY-MM-DD"
                ) from None
            out["overdue"] = out["due"].lt(when) & out["due"].notna()
        return out

    # -- export ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.company:
            out["company"] = dict(self.company)
        out["elements"] = {n: e.to_dict() for n, e in self.elements.items()}
        return out

    def to_yaml(self, path: str | os.PathLike[str] | None = None) -> str:
        """The mix as YAML text (dates as YYYY-MM-DD); also written to ``path`` when given."""
        text = yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_frame(self) -> pd.DataFrame:
        """One row per present element: ``element``, ``decision_en``, ``decision_zh``,
        ``segment_en``, ``segment_zh``, ``kpis`` (comma-separated), ``owner``, ``rating``,
        ``weight``, ``target``. Issues and actions are in :meth:`actions` and
        :meth:`issues_frame`."""
        rows = []
        for el in self.elements.values():
            rows.append(
                {
                    "element": el.name,
                    **{f"decision_{k}": (el.decision or {}).get(k) for k in LANGS},
                    **{f"segment_{k}": (el.segment or {}).get(k) for k in LANGS},
                    "kpis": ", ".join(el.kpis) or None,
                    "owner": el.owner,
                    "rating": pd.NA if el.rating is None else el.rating,
                    "weight": math.nan if el.weight is None else el.weight,
                    "target": math.nan if el.target is None else el.target,
                }
            )
        cols = [
            "element",
            "decision_en",
            "decision_zh",
            "segment_en",
            "segment_zh",
            "kpis",
            "owner",
            "rating",
            "weight",
            "target",
        ]
        out = pd.DataFrame(rows, columns=cols)
        out["rating"] = out["rating"].astype("Int64")
        return out

    def issues_frame(self) -> pd.DataFrame:
        """One row per issue: ``element``, ``text_en``, ``text_zh``."""
        rows = [
            {"element": el.name, **{f"text_{k}": i.get(k) for k in LANGS}}
            for el in self.elements.values()
            for i in el.issues
        ]
        return pd.DataFrame(rows, columns=["element", "text_en", "text_zh"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MarketingMix) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"MarketingMix({self.model}: {', '.join(self.elements) or 'empty'})"

    # -- rendering ------------------------------------------------------------------------

    def to_markdown(self, lang: str = "en") -> str:
        """The mix as Markdown, one section per element; user text escaped."""
        return mix_markdown(self, lang)

    def to_html(self, lang: str = "en") -> str:
        """The mix as an HTML table (one row per element); user text escaped."""
        return mix_html(self, lang)

    def actions_html(self, lang: str = "en", *, as_of: Any = None) -> str:
        """:meth:`actions` as an HTML table with translated headers; text escaped."""
        return mix_actions_html(self, lang, as_of=as_of)

    def completeness_html(self, lang: str = "en") -> str:
        """:meth:`completeness` as HTML: what is missing, element by element."""
        return mix_completeness_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html(getattr(self, "lang", "en"))

    def _repr_markdown_(self) -> str:
        return self.to_markdown(getattr(self, "lang", "en"))


def load_mix(path: str | os.PathLike[str] | None = None) -> MarketingMix:
    """Read a marketing_mix.yaml; ``None`` reads the sample company's.

    Examples
    --------
    >>> load_mix().model
    '7P'
    """
    return MarketingMix.from_yaml(sample_file("marketing_mix") if path is None else path)
