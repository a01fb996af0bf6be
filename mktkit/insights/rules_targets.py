"""Findings on the month's KPI targets (kind ``target``): what is off track, by how much.

Each red or amber KPI of :func:`mktkit.kpi.kpi_review` is one finding with the gap to close;
when every judged KPI is green, one finding says so. While the month runs, a KPI judged on its
projection (``status_basis == "projection"``) is said as a projection. Statuses and their
thresholds: docs/methods.md, "KPIs".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mktkit.formats import fmt_metric, fmt_percent, fmt_pp
from mktkit.insights.records import check_input, finding_record, to_float
from mktkit.insights.text import display_name, phrase, region_name

__all__ = ["kpi_findings"]


def kpi_findings(kpis: pd.DataFrame, month: str, lang: str) -> list[dict[str, Any]]:
    """Findings of the KPI review: every red or amber KPI, else one "all targets met".

    Parameters
    ----------
    kpis : DataFrame
        :func:`mktkit.kpi.kpi_review`: ``metric``, ``actual``, ``target``, ``attainment``,
        ``status``, and when present ``region``, ``direction``, ``month``, ``status_basis``,
        ``projected``, ``projected_attainment``.
    month : str
        ``YYYY-MM``, named in the sentence and the source.
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``target``.
    """
    check_input(
        kpis,
        ["metric", "actual", "target", "attainment", "status"],
        "kpis",
        "mk.kpi_review(data, month, region)",
    )
    rows = []
    judged = kpis[kpis["status"].isin(["green", "amber", "red"])]
    for r in judged.to_dict("records"):
        if r["status"] == "green":
            continue
        metric, region = str(r["metric"]), r.get("region", "all")
        direction = r.get("direction") or ("lower" if metric in ("spend", "cac") else "higher")
        projected = r.get("status_basis") == "projection"
        actual = r["projected"] if projected else r["actual"]
        att = r["projected_attainment"] if projected else r["attainment"]
        lower = direction == "lower"
        key = "kpi_lower" if lower else "kpi_higher"
        vals = {
            "who": region_name(region, lang),
            "metric": display_name(metric, lang, "metric", lower=True),
            "att": fmt_percent(att, 1),
            "actual": fmt_metric(metric, actual, lang),
            "target": fmt_metric(metric, r["target"], lang),
            "status": display_name(r["status"], lang, "status", lower=True),
        }
        gap = abs(to_float(actual) - to_float(r["target"]))
        rate = metric in ("conversion_rate", "ctr", "cvr")  # a gap in a rate: points
        vals["gap"] = fmt_pp(gap, lang, 2).lstrip("+") if rate else fmt_metric(metric, gap, lang)
        table = "orders" if metric in ("revenue", "orders", "new_customers") else "channel_daily"
        rows.append(
            finding_record(
                "target",
                r["status"],
                abs(1 - to_float(att)),
                phrase(key + ("_projected" if projected else ""), lang, **vals),
                phrase("act_" + key, lang, **vals),
                att,
                "attainment",
                f"kpi_targets × {table}, {region}, {metric}, {r.get('month', month)}",
                lang,
            )
        )
    if not rows and len(judged):
        low = judged.sort_values(["attainment", "metric"], kind="stable").iloc[0]
        region = low.get("region", "all")
        vals = {
            "n": len(judged),
            "month": month,
            "att": fmt_percent(low["attainment"], 1),
            "who": region_name(region, lang),
            "metric": display_name(low["metric"], lang, "metric", lower=True),
        }
        rows.append(
            finding_record(
                "target",
                "green",
                0.0,
                phrase("kpi_all_met", lang, **vals),
                phrase("act_kpi_all_met", lang),
                low["attainment"],
                "attainment",
                f"kpi_targets × orders, channel_daily, {month}",
                lang,
            )
        )
    return rows
