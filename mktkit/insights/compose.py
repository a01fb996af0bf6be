"""The orchestrators: :func:`insights` and :func:`insights_for`.

:func:`insights` ranks the findings of the tables a report computed: it checks its arguments,
hands each table to its rule set (the ``rules_*`` modules) and ranks what they found
(:mod:`mktkit.insights.ranking`). :func:`insights_for` computes those tables with the kit
first, with the calls of the monthly review. The output columns and an example: the
:mod:`mktkit.insights` docstring.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from mktkit.anomalies import anomaly_review
from mktkit.channels import budget_reallocation, channel_performance, channel_review
from mktkit.customers import customer_review
from mktkit.data.folder import has_table
from mktkit.errors import InputError, check_argument, select_region
from mktkit.experiments import ab_test
from mktkit.funnel import compare_steps, month_funnels
from mktkit.funnel.leak import leak_onset
from mktkit.i18n import LANGS
from mktkit.insights.ranking import SEVERITY_RULE, rank_findings
from mktkit.insights.records import check_input, to_float
from mktkit.insights.rules_anomalies import anomaly_findings
from mktkit.insights.rules_channels import budget_findings, channel_findings
from mktkit.insights.rules_customers import customer_findings
from mktkit.insights.rules_experiments import experiment_findings
from mktkit.insights.rules_funnel import funnel_findings
from mktkit.insights.rules_nps import nps_findings
from mktkit.insights.rules_targets import kpi_findings
from mktkit.insights.text import day_text
from mktkit.kpi import kpi_review
from mktkit.periods import check_month, month_labels
from mktkit.surveys import compare_nps, nps

__all__ = ["REVIEW_STEPS", "insights", "insights_for"]

#: Funnel steps of the monthly review (templates/monthly_review.ipynb).
REVIEW_STEPS: tuple[str, ...] = ("visit", "view_product", "add_to_cart", "checkout", "purchase")


def _leak_record(leak_since: pd.DataFrame | None) -> dict[str, Any] | None:
    """The onset's first row as a dict when its drop is significant and dated, else None."""
    if leak_since is None or leak_since.empty:
        return None
    rec = leak_since.iloc[0].to_dict()
    if not bool(rec.get("significant")) or pd.isna(rec.get("since")):
        return None
    return rec


def insights(
    *,
    month: str,
    lang: str = "zh",
    kpis: pd.DataFrame | None = None,
    funnel: pd.DataFrame | None = None,
    leak_since: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    budget: pd.DataFrame | None = None,
    customers: Mapping[str, pd.DataFrame] | None = None,
    experiments: pd.DataFrame | None = None,
    anomalies: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None,
    nps_change: pd.DataFrame | None = None,
    channel_trend: pd.DataFrame | None = None,
    region: str = "all",
    top: int | None = None,
) -> pd.DataFrame:
    """Ranked plain-language findings of a month from the analysis results a report computed.

    Every input is the output of a kit function; an input left ``None`` is skipped (its name is
    listed in ``attrs["skipped"]``). What becomes a finding:

    - ``kpis``: every red or amber KPI (one finding each); when none is, one green finding
      "all N targets met".
    - ``funnel`` (+ ``leak_since``): every step that :func:`mktkit.compare_steps` marks as a
      new leak, with the day it began when ``leak_since`` (:func:`leak_onset`) found a
      significant drop on that step; with no new leak, the step that leaks most (info).
    - ``anomalies``: one finding per group (region or channel) and run of consecutive flagged
      days; a click collapse (clicks at most 20 % of expected, spend, impressions and orders
      not flagged) is called a tracking outage.
    - ``channels`` (+ ``channel_trend``, ``budget``): a channel to cut when its ROAS is below
      half the blended ROAS of all channels, or it fell 3+ months in a row and is below the
      blended ROAS; the channel to grow is the fitted channel with the highest marginal ROAS.
    - ``budget``: the reallocation summary (money moved, from and to, expected revenue).
    - ``customers``: formerly frequent customers gone dormant.
    - ``experiments``: one finding per treatment arm by its verdict (win, loss, srm, interim,
      no difference).
    - ``nps``: the region with the lowest NPS (bad when its upper bound is below every other
      region's NPS); ``nps_change``: a significant change between two periods.

    Parameters
    ----------
    month : str
        ``YYYY-MM``, the month the findings are about.
    lang : {"zh", "en"}
        Language of ``finding`` and ``action``.
    kpis : DataFrame, optional
        ``mk.kpi_review(data, month, region)``.
    funnel : DataFrame, optional
        ``mk.compare_steps(previous, current)`` of ``mk.month_funnels``.
    leak_since : DataFrame, optional
        :func:`leak_onset` of the leaking step.
    channels : DataFrame, optional
        ``mk.channel_review(data, month, region)``.
    budget : DataFrame, optional
        ``mk.budget_reallocation(channels)``.
    customers : dict, optional
        ``mktkit.customers.customer_review(data, month, region)``.
    experiments : DataFrame, optional
        ``pd.concat`` of ``mk.ab_test(tests, experiment=x)`` over the experiments.
    anomalies : DataFrame, optional
        ``mk.anomaly_review(data, month, region)`` (``top=None`` lets the outage rule see every
        flag of the month).
    nps : DataFrame, optional
        ``mk.nps(responses, by="region")``; ``attrs["period"]`` names the answers' period
        (default ``month``).
    nps_change : DataFrame, optional
        ``mk.compare_nps(a, b)``; ``attrs["period_a"]``, ``attrs["period_b"]`` name the periods.
    channel_trend : DataFrame, optional
        ``mk.channel_performance(channel_daily, by=["month", "channel"])`` over the months up to
        ``month``, for "ROAS fell N months in a row".
    region : str
        The region the inputs were computed for (``"all"``), named in ``source``.
    top : int, optional
        Keep only the ``top`` highest-ranked findings.

    Returns
    -------
    DataFrame
        The columns of :data:`COLUMNS` (described in :mod:`mktkit.insights`), one row per
        finding, ``rank``
        ascending. ``attrs``: month, region, lang, skipped, severity (the rule).

    Raises
    ------
    InputError
        A month not ``YYYY-MM``, a language other than en/zh, ``top`` not a whole number >= 1,
        or an input that is not the expected table (names the argument and what to pass).

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"region": ["east"], "metric": ["cac"], "direction": ["lower"],
    ...                      "actual": [125.0], "target": [100.0], "attainment": [0.8],
    ...                      "status": ["red"]})
    >>> f = insights(month="2026-10", lang="zh", kpis=kpis)
    >>> print(f.loc[0, "finding"])
    华东获客成本 (CAC)为 ¥125.00，目标上限 ¥100.00，达成率 80.0%，未达标。
    >>> f[["rank", "kind", "severity", "status", "value"]].to_numpy().tolist()
    [[1, 'target', 3.6, 'red', 0.8]]
    """
    check_month(month)
    check_argument("lang", LANGS, lang)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise InputError(
            f"top={top!r} is not a whole number >= 1",
            column="top",
            fix="pass e.g. top=5, or None for every finding",
        )
    inputs = {
        "kpis": kpis,
        "funnel": funnel,
        "leak_since": leak_since,
        "channels": channels,
        "budget": budget,
        "customers": customers,
        "experiments": experiments,
        "anomalies": anomalies,
        "nps": nps,
        "nps_change": nps_change,
        "channel_trend": channel_trend,
    }
    skipped = [k for k, v in inputs.items() if v is None]
    rows: list[dict[str, Any]] = []
    if kpis is not None:
        rows += kpi_findings(kpis, month, lang)
    leak = None
    leak_p = float("nan")
    if leak_since is not None:
        check_input(
            leak_since,
            [
                "from_step",
                "to_step",
                "since",
                "rate_before",
                "rate_after",
                "significant",
                "p_value",
                "first_day",
                "last_day",
            ],
            "leak_since",
            "leak_onset(events, steps, from_step, to_step, month)",
        )
        leak = _leak_record(leak_since)
        leak_p = to_float(leak_since["p_value"].iloc[0]) if len(leak_since) else float("nan")
    if funnel is not None or leak is not None:
        rows += funnel_findings(funnel, leak, leak_p, month, region, lang)
    if anomalies is not None:
        rows += anomaly_findings(anomalies, region, lang)
    if channels is not None:
        rows += channel_findings(channels, budget, channel_trend, month, region, lang)
    if budget is not None:
        rows += budget_findings(budget, region, lang)
    if customers is not None:
        rows += customer_findings(customers, month, region, lang)
    if experiments is not None:
        rows += experiment_findings(experiments, lang)
    if nps is not None or nps_change is not None:
        rows += nps_findings(nps, nps_change, leak, month, lang)
    out = rank_findings(rows)
    if top is not None:
        out = out.head(top)
    out.attrs.update(
        month=month,
        region=region,
        lang=lang,
        skipped=skipped,
        severity=SEVERITY_RULE,
    )
    return out


def _period(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """A span of days as ``first..last``."""
    return f"{day_text(first)}..{day_text(last)}"


def insights_for(
    data: Mapping[str, Any],
    month: str,
    region: str = "all",
    lang: str = "zh",
    top: int | None = None,
    events: Any = None,
    steps: Any = None,
    **computed: Any,
) -> pd.DataFrame:
    """Compute every input with the kit (as the monthly review does) and call :func:`insights`.

    ``events``: the event log to use instead of ``data["events"]``, e.g. a Spark DataFrame
    of a data lake's events (the funnel's leak onset then runs in Spark).
    ``steps``: the funnel's steps (default :data:`REVIEW_STEPS`; a data folder names its own
    in mktkit.yaml, ``funnel:``).
    ``computed``: inputs of :func:`insights` a caller already has (the review passes the
    results its sections showed, e.g. ``kpis=``, ``funnel=``, ``anomalies=``); only the others
    are computed, so nothing is computed twice.

    The calls: ``kpi_review``; ``month_funnels`` + ``compare_steps`` over
    :data:`REVIEW_STEPS`, and :func:`leak_onset` for the step marked ``new_leak``;
    ``channel_review``, ``budget_reallocation`` and the monthly channel ROAS of the 13 months
    to ``month`` (``channel_trend``); ``customer_review``; ``ab_test`` of every experiment;
    ``anomaly_review`` (the month's 10 largest flags, as the review shows them); ``nps`` by region over the 12 months to the
    month's end (a month's answers per region are too few to rank regions), and
    ``compare_nps`` of the month's answers before and after the leak's first day (or of the
    previous month against this one when there is no leak). Tables the data lack (an own-data
    folder without channel_daily, events, targets, NPS or experiments) are skipped.

    Examples
    --------
    >>> import mktkit as mk
    >>> f = insights_for(mk.load_sample(), "2026-10", lang="en", top=3)     # doctest: +SKIP
    >>> f["kind"].tolist()                                                 # doctest: +SKIP
    """
    start = check_month(month)
    check_argument("lang", LANGS, lang)
    end = start + pd.offsets.MonthEnd(0)
    known = set(inspect.signature(insights).parameters) - {"month", "lang", "region", "top"}
    unknown = sorted(set(computed) - known)
    if unknown:
        raise InputError(
            "unknown input(s) " + ", ".join(unknown),
            column="computed",
            fix="pass results under the names insights() takes: " + ", ".join(sorted(known)),
        )
    kw: dict[str, Any] = dict(computed)
    if "kpis" not in kw and has_table(data, "kpi_targets"):
        kw["kpis"] = kpi_review(data, month, region)
    leak = None
    if events is not None or has_table(data, "events"):
        events = data["events"] if events is None else events
        steps = list(REVIEW_STEPS if steps is None else steps)
        if "funnel" not in kw:
            previous, current = month_funnels(events, steps, month, region=region)
            kw["funnel"] = compare_steps(previous, current)
        leaking = kw["funnel"].index[kw["funnel"]["new_leak"]].tolist()
        if leaking and "leak_since" not in kw:
            i = leaking[0]
            kw["leak_since"] = leak_onset(
                events, steps, steps[i - 1], steps[i], month, region=region
            )
        if kw.get("leak_since") is not None:
            leak = _leak_record(kw["leak_since"])
    if has_table(data, "channel_daily"):  # an own-data folder may have no ad spend
        if "channels" not in kw:
            kw["channels"] = channel_review(data, month, region)
        if "budget" not in kw:
            kw["budget"] = budget_reallocation(kw["channels"])
        cd = select_region(data["channel_daily"], region, table="channel_daily")
        months = month_labels(cd["date"])
        first_month = str(pd.Period(month, freq="M") - 12)
        recent = cd[(months >= first_month) & (months <= month)].assign(month=months)
        if "channel_trend" not in kw:
            kw["channel_trend"] = channel_performance(recent, by=["month", "channel"])
    if "customers" not in kw:
        kw["customers"] = customer_review(data, month, region)
    if "experiments" not in kw and has_table(data, "experiments"):
        tests = data["experiments"]
        kw["experiments"] = pd.concat(
            [ab_test(tests, experiment=x) for x in tests["experiment"].unique()],
            ignore_index=True,
        )
    if "anomalies" not in kw:
        kw["anomalies"] = anomaly_review(data, month, region)
    if has_table(data, "nps") and not {"nps", "nps_change"} <= set(kw):
        answers = data["nps"]
        if region != "all":
            answers = answers[answers["region"] == region]
        year_start = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        year = answers[answers["date"].between(year_start, end)]
        if "nps" not in kw and year["region"].nunique() >= 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # small regions: the margin of error says it
                kw["nps"] = nps(year, by="region")
            kw["nps"].attrs["period"] = _period(year_start, end)
        if leak is not None and start < leak["since"] <= end:
            a_span = (start, leak["since"] - pd.Timedelta(days=1))
            b_span = (leak["since"], end)
        else:
            a_span = (start - pd.DateOffset(months=1), start - pd.Timedelta(days=1))
            b_span = (start, end)
        a = answers[answers["date"].between(*a_span)]
        b = answers[answers["date"].between(*b_span)]
        if "nps_change" not in kw and len(a) and len(b):
            kw["nps_change"] = compare_nps(a, b)
            kw["nps_change"].attrs.update(period_a=_period(*a_span), period_b=_period(*b_span))
    return insights(month=month, lang=lang, region=region, top=top, **kw)
