"""The SWOT: items, evidence and TOWS strategies as a validated, scored record.

A :class:`SWOT` holds items with ids (``S1``, ``W2``, ``O1``, ``T3``), bilingual text, optional
evidence (a metric, its value and a source), a weight and a rating; and TOWS strategies that
cite item ids. It is built from Python, a swot.yaml file (format in docs/data.md) or a
DataFrame, and every rule of docs/methods.md ("SWOT, TOWS, IFE/EFE, IE, SPACE") is checked when
it is built: each broken rule is an :class:`~mktkit.errors.InputError` naming the item, all of
them reported at once.

Scoring follows Fred R. David, *Strategic Management* (chapters "The External Assessment",
"The Internal Assessment", "Strategy Analysis and Choice"), in
:mod:`~mktkit.strategy.matrices`:

- IFE over strengths + weaknesses, EFE over opportunities + threats: weights 0-1 summing to 1.0
  (or percentages summing to 100 with ``weight_scale: 100``), integer ratings 1-4, score =
  weight x rating, total 1.0-4.0 read against the 2.5 average. IFE ratings follow the
  ``"strength_weakness"`` convention (strengths 3-4, weaknesses 1-2) unless the SWOT says
  ``rating_convention: response`` (any 1-4). Sums are computed in exact decimal arithmetic on
  the numbers as written, so a textbook total of 2.50 is 2.5 and reads "average", not
  "below average" by a rounding error.
- :func:`~mktkit.strategy.matrices.ie_matrix`: the nine-cell Internal-External matrix.
- :func:`~mktkit.strategy.matrices.space_matrix`: the SPACE matrix (Rowe, Mason and Dickel
  1982, as in David).

Evidence links: an item's ``evidence: {metric: ..., value: ..., source: ...}`` puts a number
beside the claim. :meth:`SWOT.with_evidence` fills or refreshes values from numbers the kit
computed (a mapping ``metric -> value`` or a callable), so the strategy workshop shows the
current figure, not the one typed into the slide months ago.

Computation only: no matplotlib here (the figures are in :mod:`mktkit.plots`). Objects render
to Markdown and HTML (``_repr_html_`` for notebooks) with every user text HTML-escaped
(:mod:`~mktkit.strategy.display`). The items and their parsing are in
:mod:`~mktkit.strategy.swot_items`.

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

import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mktkit.errors import InputError, check_argument, require_columns
from mktkit.i18n import LANGS
from mktkit.strategy.display import (
    heading_html,
    note_html,
    strategy_label,
    swot_html,
    swot_markdown,
)
from mktkit.strategy.matrices import (
    IE_CELLS,
    IE_STRATEGY,
    IEResult,
    SpaceResult,
    factor_evaluation,
    ie_matrix,
    space_matrix,
)
from mktkit.strategy.records import (
    WEIGHT_TOLERANCE,
    Problems,
    as_list,
    exact,
    is_missing,
    is_number,
    parse_text,
    pick_text,
    read_yaml,
    sample_file,
)
from mktkit.strategy.swot_items import (
    ID_LETTER,
    QUADRANTS,
    TOWS,
    Evidence,
    Strategy,
    SWOTItem,
    SWOTWarning,
    parse_item,
    parse_strategy,
)

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
    # drawn by mktkit.plots, which imports them from here
    "IE_CELLS",
    "IE_STRATEGY",
    "QUADRANTS",
]

RATING_CONVENTIONS: tuple[str, ...] = ("strength_weakness", "response")
WEIGHT_SCALES: tuple[int, ...] = (1, 100)

_TOP_KEYS = ("company", "rating_convention", "weight_scale", *QUADRANTS, "strategies", "space")
_ID_RE = re.compile(r"^([SWOT])(\d+)$")


# ---------------------------------------------------------------------------------------------
# the SWOT


class SWOT:
    """A validated SWOT with TOWS strategies, scored as IFE and EFE matrices.

    Parameters
    ----------
    strengths, weaknesses, opportunities, threats : sequence of mapping or SWOTItem
        Items as in swot.yaml (docs/data.md): ``{"id": "S1", "text": {"en": ..., "zh": ...},
        "evidence": {"metric": ..., "value": ..., "source": ...}, "weight": 0.12,
        "rating": 4}``; text may be a plain string; evidence, weight and rating are optional,
        but within the IFE (strengths + weaknesses) or the EFE (opportunities + threats) either
        every factor has a weight (and a rating) or none does.
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
        problems = Problems(source)
        self.source = source
        if rating_convention not in RATING_CONVENTIONS:
            problems.add(
                f"rating_convention {rating_convention!r} is not known",
                column="rating_convention",
                fix="use 'strength_weakness' or 'response'",
            )
        if not is_number(weight_scale) or weight_scale not in WEIGHT_SCALES:
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
            raw_items = as_list(given[quadrant], problems, quadrant)
            parsed[quadrant] = tuple(
                it
                for i, raw in enumerate(raw_items, 1)
                if (it := parse_item(raw, quadrant, i, problems, weight_scale=self.weight_scale))
                is not None
            )
        self.strengths = parsed["strengths"]
        self.weaknesses = parsed["weaknesses"]
        self.opportunities = parsed["opportunities"]
        self.threats = parsed["threats"]
        self._check_ids(problems)
        self._check_ratings(problems)
        for matrix in ("ife", "efe"):
            self._check_weights(matrix, problems)
        raw_strategies = as_list(strategies, problems, "strategies")
        self.strategies = tuple(
            st
            for i, raw in enumerate(raw_strategies, 1)
            if (st := parse_strategy(raw, i, problems)) is not None
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

    # -- rules across items (each item is parsed by mktkit.strategy.swot_items) -------------

    def _check_ids(self, problems: Problems) -> None:
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

    def _check_ratings(self, problems: Problems) -> None:
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
                    fix="with rating_convention strength_weakness, see docs/methods.md "
                    '("SWOT, TOWS, IFE/EFE, IE, SPACE"): '
                    f"{it.quadrant} are rated {low}-{high}; or set rating_convention: response",
                )

    def _check_weights(self, matrix: str, problems: Problems) -> None:
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

    def _check_strategies(self, problems: Problems) -> None:
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
        """Build from a mapping in the swot.yaml format (docs/data.md).

        Examples
        --------
        >>> import mktkit as mk
        >>> s = SWOT.from_dict(mk.load_sample()["swot"])      # doctest: +SKIP
        """
        if not isinstance(data, Mapping):
            raise InputError(
                f"a SWOT is a mapping, not {type(data).__name__}",
                table=source,
                fix="see the swot.yaml format in docs/data.md",
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
        """Read a swot.yaml file (format in docs/data.md).

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
        source = options.pop("source", "swot")
        require_columns(items, ["id", "quadrant"], table=source)
        problems = Problems(source)
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
            if not is_missing(row.get("evidence_metric")):
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
                if not is_missing(row.get(key)):
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
        """The Internal Factor Evaluation matrix over strengths and weaknesses
        (:func:`~mktkit.strategy.matrices.factor_evaluation`).

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
        # stacklevel 4: the warnings point at the caller of ife() / efe()
        return factor_evaluation(
            self._factors(matrix),
            matrix,
            lang,
            weight_scale=self.weight_scale,
            source=self.source,
            stacklevel=4,
        )

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
                ev["value"] = float(value) if is_number(value) else value
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
        return swot_markdown(self, lang)

    def to_html(self, lang: str = "en") -> str:
        """The SWOT (a 2x2 grid) and TOWS as an HTML fragment; all user text escaped."""
        return swot_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html(getattr(self, "lang", "en"))

    def _repr_markdown_(self) -> str:
        return self.to_markdown(getattr(self, "lang", "en"))


# ---------------------------------------------------------------------------------------------
# files and helpers


def load_swot(path: str | os.PathLike[str] | None = None) -> SWOT:
    """Read a swot.yaml; ``None`` reads the sample company's.

    Examples
    --------
    >>> load_swot().company_name("zh")
    '拾光家居'
    """
    return SWOT.from_yaml(sample_file("swot") if path is None else path)


def _letter_name(letter: str) -> str:
    return {"S": "strength", "W": "weakness", "O": "opportunity", "T": "threat"}[letter]


def _none(x: Any) -> Any:
    return None if is_missing(x) else x


def _frame_text(row: Mapping[str, Any], plain: str = "text") -> Any:
    text = {k: row.get(f"text_{k}") for k in LANGS if not is_missing(row.get(f"text_{k}"))}
    if text:
        return text
    return _none(row.get(plain, row.get("text")))
