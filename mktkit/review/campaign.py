"""The campaign review (复盘): what the ``campaign_review`` template computes and shows, one
method per section.

The goal against the result (a running campaign judged on its pace, never called a miss),
before / during / after, the channel's share of spend and revenue against the other channels
and by region, and the lessons the numbers support.

Examples
--------
>>> from mktkit.review.campaign import CampaignReview
>>> review = CampaignReview("CMP07", "en")                       # doctest: +SKIP
>>> review.goal().tables["result"]["status"]                       # doctest: +SKIP
"""

from __future__ import annotations

import html
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from mktkit.campaigns import (
    campaign_before_after,
    campaign_daily,
    campaign_lessons,
    campaign_results,
    campaign_split,
)
from mktkit.data.folder import has_table
from mktkit.formats import fmt_change, fmt_metric, fmt_money, fmt_number, fmt_percent
from mktkit.i18n import label
from mktkit.plots import plot_campaign_timeline
from mktkit.review.base import Review
from mktkit.review.section import Section
from mktkit.tables import change_class, format_table

esc = html.escape


class CampaignReview(Review):
    """The review of the campaign ``campaign`` (a ``campaign_id`` of ``campaigns.csv``).

    Parameters
    ----------
    campaign : str
        The campaign's id.
    lang : {"zh", "en"}
        The report language; the report theme is applied for it.
    data_dir : path, optional
        A folder of tables (default: the sample company).
    data : mapping, optional
        Tables already opened (instead of ``data_dir``).
    """

    def __init__(
        self, campaign: str, lang: str = "zh", *, data_dir: Any = None, data: Any = None
    ) -> None:
        super().__init__(lang, data_dir=data_dir, data=data)
        self.campaign = campaign
        self.result = campaign_results(self.data, campaign).iloc[0]

    def title(self) -> Section:
        """The campaign as planned: its name in the report's language (a bilingual name
        "中文 / English" is split), channel, days and budget."""
        res = self.result
        names = str(res["name"]).split(" / ")
        name = names[-1] if self.lang == "en" and len(names) == 2 else names[0]
        return self.section().html(
            f"<h2>{esc(self.campaign)} · {esc(name)}</h2>"
            f"<p>{esc(label(res['channel'], self.lang))} · "
            f"{res['start']:%Y-%m-%d} – {self._end()} · "
            f"{esc(label('budget', self.lang))} {esc(fmt_money(res['budget'], self.lang))}</p>"
        )

    def _end(self) -> str:
        end = self.result["end"]
        return esc(label("no_end_date", self.lang)) if pd.isna(end) else f"{end:%Y-%m-%d}"

    def goal(self) -> Section:
        """The goal metric on the channel's rows over the campaign's days, all regions. A
        running campaign is judged on its pace and projection, never called a miss."""
        res, lang = self.result, self.lang
        metric, running = res["goal_metric"], res["status"] == "running"
        rows = [
            ("goal", f"{label(metric, lang)} {fmt_metric(metric, res['goal_value'], lang)}"),
            ("actual", fmt_metric(metric, res["actual"], lang)),
            ("attainment", fmt_percent(res["attainment"], 1)),
        ]
        if running:
            rows += [
                (
                    "elapsed_days",
                    f"{res['elapsed_days']}"
                    + (f" / {res['total_days']}" if pd.notna(res["total_days"]) else ""),
                ),
            ]
            if pd.notna(res["total_days"]):  # a campaign with no end date has no pace
                rows += [
                    ("pace", fmt_percent(res["pace"], 1)),
                    ("projected", fmt_metric(metric, res["projected"], lang)),
                    ("projected_attainment", fmt_percent(res["projected_attainment"], 1)),
                ]
        rows += [
            ("spend", fmt_money(res["spend"], lang)),
            (
                "budget_to_date" if running and pd.notna(res["total_days"]) else "budget",
                fmt_money(res["budget_to_date"], lang),
            ),
            ("budget_used", fmt_percent(res["budget_used"], 1)),
            ("roas", fmt_number(res["roas"], 2)),
        ]
        spent = has_table(self.data, "channel_daily")
        if not spent:  # the sales side only: what needs ad spend is said once, below
            rows = [(k, v) for k, v in rows if k not in ("spend", "budget_used", "roas")]
        body = "".join(
            f'<tr><th scope="row">{esc(label(k, lang))}</th><td>{esc(v)}</td></tr>' for k, v in rows
        )
        tone = {"met": "good", "missed": "bad"}.get(res["status"], "neutral")
        sec = self.section().heading("goal_and_result")
        sec.html(
            f'<p class="{tone}"><strong>{esc(label(res["status"], lang))}</strong></p>'
            f'<table class="campaign-goal"><tbody>{body}</tbody></table>'
        )
        if not spent:
            sec.lacking("spend", "channel_daily")
        sec.tables["result"] = res
        return sec

    def before_after(self) -> Section:
        """The channel's daily means over windows as long as the campaign (cut to the data),
        with the change against before, and the daily revenue around the campaign."""
        lang = self.lang
        table = campaign_before_after(self.data, self.campaign)
        windows = table.attrs["windows"]
        rows = []
        # a metric the data cannot give (spend without ad data) is left out, not a row of dashes
        for r in table.dropna(subset=["before", "during", "after"], how="all").itertuples():
            unit = "" if r.kind == "ratio" else f" ({label('per_day', lang)})"
            cells = [f'<th scope="row">{esc(label(r.metric, lang) + unit)}</th>']
            cells += [
                f"<td>{esc(fmt_metric(r.metric, v, lang))}</td>"
                for v in (r.before, r.during, r.after)
            ]
            for change in (r.change_during, r.change_after):
                # more spend is the campaign's plan, not bad news: only results are coloured
                css = "neutral" if r.metric == "spend" else change_class(change, r.direction)
                cells.append(f'<td class="{css}">{esc(fmt_change(change))}</td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
        caption = " · ".join(
            f"{label(k, lang)}: {w['start']} – {w['end']} ({w['days']})"
            if w["days"]
            else f"{label(k, lang)}: —"
            for k, w in windows.items()
        )
        heads = ["metric", "before", "during", "after", "change_during", "change_after"]
        head = "".join(f'<th scope="col">{esc(label(h, lang))}</th>' for h in heads)
        daily = campaign_daily(self.data, self.campaign)

        def draw() -> Any:
            fig, ax = plt.subplots(figsize=(9, 3.2), layout="constrained")
            return plot_campaign_timeline(daily, ax=ax, lang=lang, metric="revenue")

        sec = self.section().heading("before_after")
        sec.html(
            f'<table class="before-after"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
        sec.figure(draw)
        sec.tables.update(before_after=table, daily=daily)
        return sec

    def split(self) -> Section:
        """Every channel's share of spend and revenue before and during (a campaign that takes
        revenue from the other channels, or rides a season, shows), then the campaign channel
        by region."""
        lang = self.lang
        channels = campaign_split(self.data, self.campaign, by="channel")
        by_channel = {
            "channel": "label",
            "spend_share_before": "percent",
            "spend_share_during": "percent",
            "revenue_share_before": "percent",
            "revenue_share_during": "percent",
            "revenue_share_change_pp": "pp",
            "revenue_change": "change",
            "roas_before": "number",
            "roas_during": "number",
        }
        regions = campaign_split(self.data, self.campaign, by="region")
        by_region = {
            "region": "label",
            "spend_during": "money",
            "revenue_during": "money",
            "revenue_share_during": "percent",
            "revenue_change": "change",
            "roas_before": "number",
            "roas_during": "number",
        }
        # columns the data cannot fill (spend and ROAS without ad data) are left out
        by_channel = {c: f for c, f in by_channel.items() if channels[c].notna().any()}
        by_region = {c: f for c, f in by_region.items() if regions[c].notna().any()}
        sec = self.section().heading("channel_split")
        sec.html(format_table(channels[list(by_channel)], by_channel, lang).to_html(index=False))
        sec.heading("region_split", level=3)
        sec.html(format_table(regions[list(by_region)], by_region, lang).to_html(index=False))
        sec.tables.update(channels=channels, regions=regions)
        return sec

    def lessons(self) -> Section:
        """The lessons the numbers support (:func:`mktkit.campaigns.campaign_lessons`)."""
        lessons = campaign_lessons(self.data, self.campaign, self.lang)
        items = "".join(
            f'<li class="{esc(r.tone)}">{esc(r.text)}</li>' for r in lessons.itertuples()
        )
        sec = self.section().heading("lessons_learned").html(f'<ul class="lessons">{items}</ul>')
        sec.tables["lessons"] = lessons
        return sec
