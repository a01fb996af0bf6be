"""The weekly brief: what the ``weekly_brief`` template computes and shows, one method per
section, on one A4 page.

The brief is "as of" the week's last day with data: every section reads the data as they
stood at the end of the week (:func:`mktkit.data_until`), so a past week's brief never quotes
a later day; month to date is that day's month.

Examples
--------
>>> from mktkit.review.weekly import WeeklyBrief
>>> brief = WeeklyBrief("2026-W42", "south", "en")                 # doctest: +SKIP
>>> brief.anomalies().tables["flags"][["date", "metric"]]           # doctest: +SKIP
"""

from __future__ import annotations

import html
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from mktkit.anomalies import anomaly_review
from mktkit.data.folder import data_until, has_table
from mktkit.i18n import label
from mktkit.insights import insights_for
from mktkit.kpi import KPI_METRICS, data_span, kpi_actuals, kpi_attainment, pacing_curve
from mktkit.periods import week_days
from mktkit.plots import plot_anomalies, plot_pacing
from mktkit.review.base import Review
from mktkit.review.section import Section
from mktkit.tables import anomaly_table, findings_list, kpi_table

#: Regional KPIs at risk shown under the brief's own, at most (the brief stays on one page).
AT_RISK_SHOWN = 5
#: Anomalies of the week shown, at most.
ANOMALIES_SHOWN = 5
#: Findings shown, at most.
FINDINGS_SHOWN = 3


class WeeklyBrief(Review):
    """The brief of the ISO week ``week`` (``YYYY-Www``) for ``region``, in ``lang``.

    Parameters
    ----------
    week : str
        ``YYYY-Www`` (ISO 8601: Monday to Sunday).
    region : str
        A region of the data, or ``"all"``.
    lang : {"zh", "en"}
        The report language; the report theme is applied for it.
    data_dir : path, optional
        A folder of tables (default: the sample company).
    data : mapping, optional
        Tables already opened (instead of ``data_dir``).
    """

    def __init__(
        self, week: str, region: str = "all", lang: str = "zh", *, data_dir: Any = None,
        data: Any = None,
    ) -> None:  # fmt: skip
        super().__init__(lang, data_dir=data_dir, data=data)
        self.week, self.region = week, region
        data = self.data
        monday, sunday = (pd.Timestamp(d) for d in week_days(week))
        first, data_end = data_span(data)
        self.first_day = max(monday, first)
        self.as_of = min(sunday, data_end)
        # Everything below sees the data as they stood at the end of the week, nothing later.
        self.data = data_until(data, self.as_of)
        self.month = self.as_of.strftime("%Y-%m")
        self.month_start = pd.Timestamp(f"{self.month}-01")
        self.computed: dict[str, Any] = {}  # the results the findings are drawn from
        self._curve: pd.DataFrame | None = None
        self._flags: pd.DataFrame | None = None

    def period(self) -> Section:
        """The week's days and the month to date the brief reads."""
        esc, lang = html.escape, self.lang
        return self.section().html(
            f"<p><strong>{esc(label('week', lang))} {esc(self.week)}</strong>: "
            f"{self.first_day:%Y-%m-%d} – {self.as_of:%Y-%m-%d} · "
            f"{esc(label('month_to_date', lang))}: {self.month_start:%Y-%m-%d} – "
            f"{self.as_of:%Y-%m-%d}</p>"
        )

    def pace(self) -> Section:
        """Month to date, as of the week's last day, against the month's targets: pace against
        the straight line to target, status judged on the run-rate projection. For all regions
        the company's KPIs, then every regional KPI at risk or off track (the worst
        :data:`AT_RISK_SHOWN`). The revenue pacing curve is drawn with the anomaly, by
        :meth:`charts`."""
        sec = self.section()
        if not has_table(self.data, "kpi_targets"):
            return sec.lacking("week_pace", "kpi_targets")
        region, as_of = self.region, self.as_of
        actuals = kpi_actuals(
            self.data, self.month, None if region == "all" else [region], as_of=as_of
        )
        kpis = kpi_attainment(actuals, self._month_targets(), as_of=as_of)
        order = {m: i for i, m in enumerate(KPI_METRICS)}
        kpis = (
            kpis.assign(_m=kpis["metric"].map(order))
            .sort_values(["region", "_m", "metric"], kind="stable")
            .drop(columns="_m")
        )
        self.computed["kpis"] = kpis
        own = kpis["region"] == region
        sec.heading("week_pace").html(kpi_table(kpis[own].drop(columns="region"), self.lang))
        at_risk = kpis[~own & kpis["status"].isin(["amber", "red"])]
        if len(at_risk):
            worst = at_risk.nsmallest(AT_RISK_SHOWN, "attainment").sort_index()
            sec.html(kpi_table(worst, self.lang))
        sec.tables.update(kpis=kpis, pacing=self._pacing())
        return sec

    def _month_targets(self) -> pd.DataFrame:
        """The targets of the brief's month (and region)."""
        targets = self.data["kpi_targets"]
        targets = targets[targets["month"] == self.month]
        if self.region != "all":
            targets = targets[targets["region"] == self.region]
        return targets

    def _pacing(self) -> pd.DataFrame | None:
        """Revenue month to date against the straight line to the month's revenue target, or
        None without a target."""
        if self._curve is None and has_table(self.data, "kpi_targets"):
            targets = self._month_targets()
            revenue_target = targets.loc[
                (targets["region"] == self.region) & (targets["metric"] == "revenue"), "target"
            ]
            if len(revenue_target):
                orders = self.data["orders"]
                sold = orders if self.region == "all" else orders[orders["region"] == self.region]
                daily = sold.groupby("order_date", as_index=False)["amount"].sum()
                daily = daily.rename(columns={"order_date": "date", "amount": "revenue"})
                self._curve = pacing_curve(
                    daily,
                    float(revenue_target.iloc[0]),
                    self.month_start,
                    self.month_start + pd.offsets.MonthEnd(0),
                    as_of=self.as_of,
                )
        return self._curve

    def _week_flags(self) -> pd.DataFrame:
        """The anomaly review (STL on the whole history, robust z) of each month the week
        touches, kept to the week's days, largest first."""
        if self._flags is None:
            days = pd.date_range(self.first_day, self.as_of)
            months = sorted({d.strftime("%Y-%m") for d in days})
            parts = [anomaly_review(self.data, m, self.region, top=None) for m in months]
            level = parts[0].attrs["level"]
            flags = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
            flags = flags[flags["date"].between(self.first_day, self.as_of)].sort_values(
                ["size", level, "metric", "date"],
                ascending=[False, True, True, True],
                kind="stable",
            )
            flags.attrs["level"] = level
            self._flags = flags
        return self._flags

    def anomalies(self) -> Section:
        """The week's anomalies, the :data:`ANOMALIES_SHOWN` largest."""
        flags = self._week_flags()
        self.computed["anomalies"] = flags
        shown = flags.head(ANOMALIES_SHOWN)
        sec = self.section().heading("anomalies_of_the_week")
        if len(shown):
            sec.html(anomaly_table(shown, self.lang))
        else:
            sec.html(f"<p>{html.escape(label('no_anomalies_week', self.lang))}</p>")
        sec.tables["flags"] = flags
        return sec

    def charts(self) -> Section:
        """One row of charts, to keep the brief on one page: revenue pacing to the month's
        target, and the week's largest anomaly in its context (the six weeks to the brief's
        day)."""
        curve, flags = self._pacing(), self._week_flags().head(ANOMALIES_SHOWN)
        sec = self.section()
        if curve is None and not len(flags):
            return sec
        days = None
        if len(flags):
            top = flags.iloc[0]
            days = anomaly_review(self.data, top["date"].strftime("%Y-%m"), self.region,
                                  flags_only=False)  # fmt: skip
            days = days[days["date"].between(self.as_of - pd.Timedelta(days=41), self.as_of)]

        def draw() -> Any:
            charts = [curve is not None, days is not None]
            fig, axes = plt.subplots(
                1, sum(charts), figsize=(10, 2.8), layout="constrained", squeeze=False
            )
            axes = list(axes[0])
            if curve is not None:
                plot_pacing(curve, ax=axes.pop(0), lang=self.lang, metric="revenue")
            if days is not None:
                level = flags.attrs["level"]
                plot_anomalies(days, ax=axes.pop(0), lang=self.lang, metric=top["metric"],
                               **{level: top[level]})  # fmt: skip
            return fig

        return sec.figure(draw)

    def findings(self) -> Section:
        """The :data:`FINDINGS_SHOWN` findings that matter most, ranked from this week's KPI
        pace and anomalies and the month so far; "info" findings are left out."""
        found = insights_for(self.data, self.month, self.region, self.lang, **self.computed)
        top = found[found["status"] != "info"].sort_values("rank", kind="stable")
        top = top.head(FINDINGS_SHOWN)
        sec = self.section().heading("findings").html(findings_list(top, self.lang))
        sec.tables["findings"] = found
        return sec
