"""What each report template computes and shows, one method per section.

A template is a thin notebook: its first cell opens a review, and every other cell calls one
method and shows the :class:`~mktkit.review.section.Section` it returns. The same methods work
in a notebook of your own, where a section's ``tables`` hold the numbers behind it.

- :class:`~mktkit.review.monthly.MonthlyReview` (``monthly_review``)
- :class:`~mktkit.review.weekly.WeeklyBrief` (``weekly_brief``)
- :class:`~mktkit.review.campaign.CampaignReview` (``campaign_review``)
- :class:`~mktkit.review.strategy.StrategyWorkshop` (``strategy_workshop``)

Examples
--------
>>> from mktkit.review import MonthlyReview
>>> review = MonthlyReview("2026-10", "east", "en")                 # doctest: +SKIP
>>> review.funnel()                                                  # doctest: +SKIP
"""

from mktkit.review.campaign import CampaignReview
from mktkit.review.monthly import MonthlyReview
from mktkit.review.section import Section
from mktkit.review.strategy import StrategyWorkshop
from mktkit.review.weekly import WeeklyBrief

__all__ = ["CampaignReview", "MonthlyReview", "Section", "StrategyWorkshop", "WeeklyBrief"]
