"""The monthly review: what the ``monthly_review`` template computes and shows, one method per
section.

A :class:`MonthlyReview` opens the data once and remembers what its sections computed, so the
findings (which open the report) are ranked from the same results the sections show and
nothing is computed twice. Each method returns a :class:`~mktkit.review.section.Section`.

The review reads the data as they stood at the month's end (:func:`mktkit.data_until`): a
past month's review says the same whenever it is rendered, and changes only when that
month's data (or earlier) change. It needs only ``orders``: a section whose table the data
lack (``channel_daily`` for channels and budget, ``events`` for the funnel, ``kpi_targets``,
``nps``, ``experiments``) is one line naming the table that would add it.

Examples
--------
>>> from mktkit.review.monthly import MonthlyReview
>>> review = MonthlyReview("2026-10", "all", "en")                 # doctest: +SKIP
>>> review.channels().tables["channels"][["channel", "roas"]]      # doctest: +SKIP
"""

from __future__ import annotations

import html
import warnings
from typing import Any

import pandas as pd

from mktkit.anomalies import anomaly_flags, anomaly_review, known_event_moves
from mktkit.channels import budget_reallocation, channel_review
from mktkit.customers import customer_review
from mktkit.data.folder import data_until, has_table
from mktkit.engines.spark import read_events
from mktkit.experiments import ab_test
from mktkit.formats import fmt_change, fmt_money
from mktkit.funnel import FunnelWarning, compare_steps, month_funnels
from mktkit.i18n import label
from mktkit.insights import insights_for
from mktkit.insights.compose import REVIEW_STEPS
from mktkit.kpi import headline, kpi_review, monthly_totals
from mktkit.plots import (
    plot_anomalies,
    plot_channel_efficiency,
    plot_funnel,
    plot_kpi_bullets,
    plot_monthly_totals,
    plot_nps,
    plot_response_curves,
)
from mktkit.review.base import Review
from mktkit.review.section import Section
from mktkit.surveys import nps
from mktkit.tables import (
    anomaly_table,
    budget_table,
    channel_table,
    findings_list,
    format_table,
    funnel_change_table,
    headline_table,
    kpi_table,
)

#: The checkout funnel the review compares month on month, unless the data name their own
#: (the findings' default too).
FUNNEL_STEPS = REVIEW_STEPS


def review_steps(given: Any, data: Any) -> list[Any]:
    """The funnel steps of a review: ``given`` (a list, or names separated by commas), else the
    data folder's mktkit.yaml ``funnel:``, else :data:`FUNNEL_STEPS`.

    Examples
    --------
    >>> review_steps("visit, signup ,purchase", {})
    ['visit', 'signup', 'purchase']
    >>> review_steps(None, {})[-1]
    'purchase'
    """
    if isinstance(given, str):
        given = [step.strip() for step in given.split(",") if step.strip()]
    if given:
        return list(given)
    config = getattr(data, "config", None)
    return list(getattr(config, "funnel", None) or FUNNEL_STEPS)


def warn_if_empty(current: pd.DataFrame, month: str) -> None:
    """A :class:`~mktkit.funnel.FunnelWarning` when no one reached the funnel's second step in
    the month (the command line shows it): its event names rarely match the data's."""
    users = current.sort_values("step_index")["users"].tolist()
    if len(users) >= 2 and not users[1] > 0:
        steps = current.sort_values("step_index")["step"].astype(str).tolist()
        warnings.warn(
            f"no one reached the funnel's step 2 ({steps[1]!r}) in {month} ({users[0]:,} at "
            f"{steps[0]!r}): name the data's events in mktkit.yaml (funnel: [...]) or with "
            "-p funnel_steps=a,b,c",
            FunnelWarning,
            stacklevel=3,
        )


class MonthlyReview(Review):
    """The monthly review of ``month`` for ``region``, in ``lang``.

    Parameters
    ----------
    month : str
        ``YYYY-MM``.
    region : str
        A region of the data, or ``"all"``.
    lang : {"zh", "en"}
        The report language; the report theme (fonts, colours) is applied for it.
    data_dir : path, optional
        A folder of tables (default: the sample company).
    spark_events : str, optional
        The event log in Spark (a table name or a Parquet path) for the funnel, read through
        the SparkSession the environment configures; default: the folder's events file.
    data : mapping, optional
        Tables already opened (instead of ``data_dir``).
    funnel_steps : str or list, optional
        The funnel's steps, as a list or one comma-separated string; default: the folder's
        mktkit.yaml ``funnel:``, else :data:`FUNNEL_STEPS`.
    """

    def __init__(
        self,
        month: str,
        region: str = "all",
        lang: str = "zh",
        *,
        data_dir: Any = None,
        spark_events: str | None = None,
        data: Any = None,
        funnel_steps: Any = None,
    ) -> None:
        super().__init__(lang, data_dir=data_dir, data=data)
        self.month, self.region = month, region
        self.month_end = pd.Period(month, "M").end_time.normalize()
        # nothing after the month's end: a past month's review never changes with later data
        self.data = data_until(self.data, self.month_end)
        self.steps = review_steps(funnel_steps, self.data)
        self.spark_events = spark_events
        self._events: Any = None
        # the results the sections showed, under the names mktkit.insights takes
        self.computed: dict[str, Any] = {}

    @property
    def events(self) -> Any:
        """The event log: from Spark when ``spark_events`` names it, else the folder's events
        table, else None (an own-data folder may have none)."""
        if self._events is None:
            if self.spark_events:
                self._events = read_events(self.spark_events)
            elif has_table(self.data, "events"):
                self._events = self.data["events"]
        return self._events

    def headline(self) -> Section:
        """Revenue, orders, new customers, spend, AOV and ROAS against the previous month and
        the same month last year (like for like when the month is not over)."""
        table = headline(self.data, self.month, self.region)
        sec = self.section().heading("headline_figures").html(headline_table(table, self.lang))
        sec.tables["headline"] = table
        return sec

    def revenue_chart(self) -> Section:
        """Monthly revenue over the data's history, the month highlighted."""
        totals = monthly_totals(self.data, self.region)
        sec = self.section().figure(
            lambda: plot_monthly_totals(totals, "revenue", highlight=self.month, lang=self.lang)
        )
        sec.tables["monthly_totals"] = totals
        return sec

    def kpis(self) -> Section:
        """KPIs against the month's targets: attainment, pace and RAG status."""
        sec = self.section()
        if not has_table(self.data, "kpi_targets"):
            return sec.lacking("kpi_attainment", "kpi_targets")
        kpis = kpi_review(self.data, self.month, self.region)
        self.computed["kpis"] = kpis
        sec.heading("kpi_attainment").html(kpi_table(kpis, self.lang))
        sec.figure(lambda: plot_kpi_bullets(kpis, lang=self.lang))
        sec.tables["kpis"] = kpis
        return sec

    def funnel(self) -> Section:
        """The month's checkout funnel against the previous month; the step that newly leaks is
        marked, and the two months are drawn side by side (the leaking step's bar falls)."""
        events = self.events
        if events is None:
            return self.section().lacking("checkout_funnel", "events")
        sec = self.section()
        previous, current = month_funnels(events, self.steps, self.month, region=self.region)
        change = compare_steps(previous, current)
        warn_if_empty(current, self.month)
        self.computed["funnel"] = change
        last_month = str(pd.Period(self.month, "M") - 1)
        both = pd.concat([previous.assign(month=last_month), current.assign(month=self.month)])
        sec.heading("checkout_funnel").html(funnel_change_table(change, lang=self.lang))
        if (both.loc[both["step_index"] > 1, "users"] > 0).any():
            sec.figure(lambda: plot_funnel(both, lang=self.lang, show_leak=False))
        else:  # a funnel of zeros is no figure: the line says why (and the findings)
            note = label("funnel_nobody_past_step_1", self.lang)
            sec.html(f'<p class="note">{html.escape(note)}</p>')
        sec.tables.update(funnel_change=change, funnels=both)
        return sec

    def channels(self) -> Section:
        """The month's channel efficiency next to the marginal return of the next yuan."""
        if not has_table(self.data, "channel_daily"):
            return self.section().lacking("channel_performance", "channel_daily")
        channels = self._channels()
        sec = self.section().heading("channel_performance")
        sec.html(channel_table(channels, self.lang))
        if channels["roas"].notna().any():
            sec.figure(lambda: plot_channel_efficiency(channels, lang=self.lang))
        else:  # no channel spent anything: there is no return on spend to draw
            sec.html(f'<p class="note">{html.escape(label("no_spend_month", self.lang))}</p>')
        sec.tables["channels"] = channels
        return sec

    def _channels(self) -> Any:
        if "channels" not in self.computed:
            self.computed["channels"] = channel_review(self.data, self.month, self.region)
        return self.computed["channels"]

    def budget(self) -> Section:
        """The same total moved to where the next yuan earns most (0.7x to 1.5x of current
        spend), with the response curves."""
        if not has_table(self.data, "channel_daily"):
            return self.section().lacking("budget_reallocation", "channel_daily")
        channels = self._channels()
        if not channels["spend"].sum() > 0:  # nothing spent, nothing to move
            sec = self.section().heading("budget_reallocation")
            return sec.html(
                f'<p class="note">{html.escape(label("no_spend_month", self.lang))}</p>'
            )
        budget = budget_reallocation(channels)
        self.computed["budget"] = budget
        sec = self.section().heading("budget_reallocation").html(budget_table(budget, self.lang))
        sec.figure(lambda: plot_response_curves(channels, budget, lang=self.lang))
        sec.tables["budget"] = budget
        plan = pd.DataFrame(budget.attrs.get("spend_test", []))
        if len(plan):  # what the data cannot tell, a test can: which channel, how much, how long
            plan = plan.rename(columns={"current_spend": "daily_spend_now"})
            shown = {
                "channel": "label",
                "daily_spend_now": "money",
                "spend_high": "money",
                "spend_low": "money",
                "expected_difference": "money",
                "noise_sd": "money",
                "days_per_arm": "int",
                "test_days": "int",
            }
            sec.heading("spend_test", level=3)
            sec.html(format_table(plan[list(shown)], shown, self.lang).to_html(index=False))
            sec.tables["spend_test"] = plan
        return sec

    def customers(self) -> Section:
        """Repurchase over the 12 months to the month's end, formerly frequent buyers who went
        quiet (3+ orders, none for 90+ days), and the frequency x order-value layers."""
        review = customer_review(self.data, self.month, self.region)
        self.computed["customers"] = review
        lang = self.lang
        repurchase = review["repurchase"][
            ["region", "customers", "repeat_customers", "repurchase_rate"]
        ]
        shown = {
            "region": "label",
            "customers": "int",
            "repeat_customers": "int",
            "repurchase_rate": "percent",
        }
        dormant = review["dormant"]
        dormant_shown = {
            "revenue": "money",
            "orders": "int",
            "days_since_last": "int",
            "first_order": "date",
            "last_order": "date",
        }
        layers_shown = {
            "value_band": "money_band",
            "customers": "int",
            "customer_share": "percent",
            "orders": "int",
            "revenue": "money",
            "revenue_share": "percent",
        }
        sec = self.section().heading("customers")
        sec.html(format_table(repurchase, shown, lang).to_html(index=False))
        sec.heading("dormant_customers", level=3)
        sec.html(
            f"<p><strong>{len(dormant):,}</strong> · "
            f"{fmt_money(dormant['revenue'].sum(), lang)}</p>"
        )
        sec.html(format_table(dormant.head(10), dormant_shown, lang).to_html(index=False))
        sec.html(format_table(review["layers"], layers_shown, lang).to_html(index=False))
        sec.tables.update(review)
        return sec

    def nps(self) -> Section:
        """The month's NPS by region with its margin of error (responses are few per region)."""
        sec = self.section()
        if not has_table(self.data, "nps"):
            return sec.lacking("nps", "nps")
        responses = self.data["nps"]
        responses = responses[responses["date"].dt.strftime("%Y-%m") == self.month]
        if self.region != "all":
            responses = responses[responses["region"] == self.region]
        scores = nps(responses, by="region")
        sec.heading("nps")
        if scores.empty:  # a region without answers this month: said, not drawn
            note = f"{label('no_nps_answers', self.lang)}: {self.month}, {label(self.region, self.lang)}"
            sec.html(f'<p class="note">{html.escape(note)}</p>')
        else:
            sec.figure(lambda: plot_nps(scores, lang=self.lang))
        sec.tables["nps"] = scores
        return sec

    def experiments(self) -> Section:
        """Each experiment's verdict; a sample-ratio mismatch is never reported as a win."""
        sec = self.section()
        if not has_table(self.data, "experiments"):
            return sec.lacking("experiments", "experiments")
        tests = self.data["experiments"]
        results = pd.concat([ab_test(tests, experiment=x) for x in tests["experiment"].unique()])
        self.computed["experiments"] = results.reset_index(drop=True)
        columns = {
            "experiment": "label",
            "variant": "label",
            "users": "int",
            "conversion_rate": "percent",
            "lift": "change",
            "p_value": "p_value",
            "p_adjusted": "p_value",
            "srm_status": "label",
            "verdict": "label",
        }
        if not (results["p_adjust"] == "holm").any():  # no test with three or more arms
            columns.pop("p_adjusted")
        shown = format_table(results[list(columns)], columns, self.lang)
        sec.heading("experiments").html(shown.to_html(index=False))
        sec.tables["experiments"] = results
        return sec

    def anomalies(self) -> Section:
        """The month's anomalies (STL + robust z), largest first; the largest drawn in its
        context. The days of known events (campaigns, holidays, festivals) are no anomalies:
        one line says how each moved the volumes against what was expected without it."""
        days = anomaly_review(self.data, self.month, self.region, flags_only=False)
        flags = anomaly_flags(days)  # the month's flags from the same decomposition
        self.computed["anomalies"] = flags
        sec = self.section().heading("anomalies").html(anomaly_table(flags, self.lang))
        moves = known_event_moves(days)
        if len(moves):
            sec.html(f'<p class="note">{html.escape(self._known_line(moves, days))}</p>')
        if len(flags):
            level, top = flags.attrs["level"], flags.iloc[0]
            sec.figure(
                lambda: plot_anomalies(
                    days, lang=self.lang, metric=top["metric"], **{level: top[level]}
                )
            )
        sec.tables.update(days=days, flags=flags)
        return sec

    def _known_line(self, moves: pd.DataFrame, days: pd.DataFrame) -> str:
        """ "Known events: 11.11 (2025-11-01 – 2025-11-11): revenue +136.0 %, orders +122.0 %
        against expected", the two largest moves of each event."""
        zh = {e["name"]: e["name_zh"] for e in days.attrs.get("known_events", [])}
        parts = []
        for name, rows in moves.groupby("known_event", sort=False):
            shown = name if self.lang == "en" else zh.get(name, name)
            top = ", ".join(
                f"{label(r.metric, self.lang)} {fmt_change(r.change)}"
                for r in rows.head(2).itertuples()
            )
            first, last = rows["start"].min(), rows["end"].max()
            parts.append(f"{shown} ({first:%Y-%m-%d} – {last:%Y-%m-%d}): {top}")
        return label("known_events_moves", self.lang).format(events="; ".join(parts))

    def findings(self) -> Section:
        """The findings, ranked from what the sections above computed (what they did not
        compute is computed here); "info" findings stay in their sections."""
        found = insights_for(
            self.data,
            self.month,
            self.region,
            self.lang,
            events=self.events,
            steps=self.steps,
            **self.computed,
        )
        sec = self.section().heading("findings")
        sec.html(findings_list(found[found["status"] != "info"], self.lang))
        sec.tables["findings"] = found
        return sec
