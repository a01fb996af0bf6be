"""The strategy workshop: what the ``strategy_workshop`` template computes and shows, one
method per framework.

SWOT with the evidence behind its claims computed from the data (a claim that names a metric,
its rows and period is recomputed, not trusted), TOWS, IFE and EFE (Fred R. David), the IE
and SPACE positions, and the 4P/7P marketing mix with its gaps and actions.

Examples
--------
>>> from mktkit.review.strategy import StrategyWorkshop
>>> workshop = StrategyWorkshop(lang="en")                         # doctest: +SKIP
>>> workshop.ife().tables["ife"].attrs["total"]                     # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from mktkit.plots import (
    plot_factor_evaluation,
    plot_ie_matrix,
    plot_mix_scorecard,
    plot_space,
    plot_swot,
    plot_tows,
)
from mktkit.review.base import Review
from mktkit.review.section import Section
from mktkit.strategy import evidence_values, ie_matrix, load_mix, load_swot
from mktkit.strategy.swot import note_html


class StrategyWorkshop(Review):
    """The workshop of a SWOT file and a marketing-mix file, in ``lang``.

    Parameters
    ----------
    swot, mix : path, optional
        A ``swot.yaml`` and a ``marketing_mix.yaml`` (default: the sample company's).
    lang : {"zh", "en"}
        The report language; the report theme is applied for it.
    data_dir : path, optional
        The folder of tables the SWOT's evidence is computed from (default: the sample's).
    data : mapping, optional
        Tables already opened (instead of ``data_dir``).
    """

    def __init__(
        self,
        swot: Any = None,
        mix: Any = None,
        lang: str = "zh",
        *,
        data_dir: Any = None,
        data: Any = None,
    ) -> None:
        super().__init__(lang, data_dir=data_dir, data=data)
        swot_ = load_swot(swot)
        # Evidence that names a metric, its rows and period is computed from the data.
        self.swot = swot_.with_evidence(evidence_values(swot_, self.data))
        self.mix = load_mix(mix)
        self.swot.lang = self.mix.lang = lang
        self._ife: Any = None
        self._efe: Any = None

    def _titled(self, key: str) -> Section:
        return self.section().heading(key)

    def swot_matrix(self) -> Section:
        """The four quadrants, then every item with its evidence."""
        sec = self._titled("swot").figure(lambda: plot_swot(self.swot, lang=self.lang))
        return sec.html(self.swot.to_html(self.lang))

    def tows(self) -> Section:
        """The TOWS strategies (Weihrich) and the factors each uses."""
        sec = self._titled("tows").figure(lambda: plot_tows(self.swot, lang=self.lang))
        sec.tables["tows"] = self.swot.tows(self.lang)
        return sec

    def ife(self) -> Section:
        """The internal factor evaluation: weight x rating per strength and weakness."""
        if self._ife is None:
            self._ife = self.swot.ife(self.lang)
        ife = self._ife
        sec = self._titled("ife").figure(lambda: plot_factor_evaluation(ife, lang=self.lang))
        sec.tables["ife"] = ife
        return sec

    def efe(self) -> Section:
        """The external factor evaluation: weight x rating per opportunity and threat."""
        if self._efe is None:
            self._efe = self.swot.efe(self.lang)
        efe = self._efe
        sec = self._titled("efe").figure(lambda: plot_factor_evaluation(efe, lang=self.lang))
        sec.tables["efe"] = efe
        return sec

    def ie(self) -> Section:
        """The IE matrix position of the IFE and EFE totals, and the strategy its cell calls
        for."""
        ife = self._ife if self._ife is not None else self.swot.ife(self.lang)
        efe = self._efe if self._efe is not None else self.swot.efe(self.lang)
        position = ie_matrix(ife, efe)
        sec = self._titled("ie_matrix").figure(lambda: plot_ie_matrix(position, lang=self.lang))
        sec.html(position.to_html(self.lang))
        sec.tables["ie"] = position
        return sec

    def space(self) -> Section:
        """The SPACE matrix, from the optional ``space:`` section of the SWOT file."""
        space = self.swot.space()
        sec = self._titled("space_matrix")
        if space is None:
            return sec.html(note_html("not_assessed", self.lang))
        sec.figure(lambda: plot_space(space, lang=self.lang)).html(space.to_html(self.lang))
        sec.tables["space"] = space
        return sec

    def mix_scorecard(self) -> Section:
        """The 4P/7P scorecard (a heuristic) and every element's decision, KPIs and issues."""
        scorecard = self.mix.scorecard()
        sec = self._titled("marketing_mix")
        sec.figure(lambda: plot_mix_scorecard(scorecard, lang=self.lang))
        sec.html(self.mix.to_html(self.lang))
        sec.tables["scorecard"] = scorecard
        return sec

    def completeness(self) -> Section:
        """What the mix leaves unassessed: no blind spots."""
        return self._titled("completeness").html(self.mix.completeness_html(self.lang))

    def actions(self) -> Section:
        """The mix's actions with owner and due date."""
        return self._titled("actions").html(self.mix.actions_html(self.lang))
