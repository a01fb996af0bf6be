"""Findings on the odd days of the month (kind ``anomaly``), and tracking outages among them.

Consecutive flagged days of one region or channel are one event, said once. A click collapse
with spend, impressions and orders normal is a tracking outage, not lost traffic. How days are
flagged: docs/methods.md, "Anomalies".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mktkit.formats import fmt_change, fmt_metric
from mktkit.insights.records import check_input, finding_record
from mktkit.insights.text import (
    and_list,
    dates_text,
    day_text,
    display_name,
    join_list,
    phrase,
    region_name,
)
from mktkit.kpi import DIRECTIONS

__all__ = ["OUTAGE_SHARE", "anomaly_findings"]

#: A click drop to at most this share of the expected value, with spend and orders normal,
#: reads as a tracking outage rather than lost traffic.
OUTAGE_SHARE = 0.2


def anomaly_findings(flags: pd.DataFrame, region: str, lang: str) -> list[dict[str, Any]]:
    """Findings of the anomaly review: one per group (region or channel) and run of flagged days.

    Parameters
    ----------
    flags : DataFrame
        :func:`mktkit.anomalies.anomaly_review`: ``metric``, ``date``, ``value``, ``expected``,
        ``relative_deviation``, ``size``, ``direction`` and the group column named by
        ``attrs["level"]`` (else ``region`` or ``channel`` when present); ``attrs["table"]``
        names the table the series came from (default ``channel_daily``).
    region : str
        The region the flags were computed for, named in the source when they have no group.
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``anomaly``.
    """
    need = ["metric", "date", "value", "expected", "relative_deviation", "size", "direction"]
    check_input(flags, need, "anomalies", "mk.anomaly_review(data, month, region)")
    level = flags.attrs.get("level") or next(
        (c for c in ("region", "channel") if c in flags.columns), None
    )
    if flags.empty:
        return []
    table = flags.attrs.get("table", "channel_daily")
    f = flags.copy()
    f["date"] = pd.to_datetime(f["date"]).dt.normalize()
    f["_group"] = f[level].astype(str) if level else "all"
    rows = []
    for group, g in sorted(f.groupby("_group", sort=True), key=lambda kv: kv[0]):
        days = sorted(g["date"].unique())
        # consecutive days of one group form one event (an outage of two days is one finding)
        runs: list[list[pd.Timestamp]] = [[days[0]]]
        for d in days[1:]:
            if (d - runs[-1][-1]).days == 1:
                runs[-1].append(d)
            else:
                runs.append([d])
        for run in runs:
            part = g[g["date"].isin(run)]
            metrics = set(part["metric"])
            # clicks (or CTR, clicks over normal impressions) collapse while what was bought
            # and sold did not move: the counting broke, not the traffic
            clicks = part[part["metric"].isin(["clicks", "ctr"]) & (part["direction"] == "down")]
            outage = (
                len(clicks) > 0
                and bool((clicks["value"] <= OUTAGE_SHARE * clicks["expected"]).all())
                and not metrics & {"spend", "orders", "impressions"}
            )
            lead_metric = (
                ("clicks" if "clicks" in set(clicks["metric"]) else "ctr")
                if outage
                else str(
                    part.sort_values(
                        ["size", "metric"], ascending=[False, True], kind="stable"
                    ).iloc[0]["metric"]
                )
            )
            lead = part[part["metric"] == lead_metric].sort_values("date", kind="stable")
            who = (
                region_name(group, lang)
                if level == "region"
                else display_name(group, lang, "channel")
            )
            where = group if level else region
            direction = str(lead["direction"].iloc[0])
            dates = dates_text(list(lead["date"]), lang)
            many = len(lead) <= 3
            top = lead.loc[lead["size"].idxmax()]
            vals = {
                "who": who,
                "metric": display_name(lead_metric, lang, "metric", lower=True),
                "moved": phrase(direction, lang),
                "dates": dates,
                "values": and_list([fmt_metric(lead_metric, v, lang) for v in lead["value"]], lang)
                if many
                else fmt_metric(lead_metric, top["value"], lang),
                "expected": and_list(
                    [fmt_metric(lead_metric, v, lang) for v in lead["expected"]], lang
                )
                if many
                else fmt_metric(lead_metric, top["expected"], lang),
                "rel": and_list([fmt_change(v) for v in lead["relative_deviation"]], lang)
                if many
                else fmt_change(top["relative_deviation"]),
                "also": "",
            }
            others = sorted(metrics - {lead_metric})
            if others and not outage:
                vals["also"] = phrase(
                    "anomaly_also",
                    lang,
                    metrics=join_list(
                        [display_name(m, lang, "metric", lower=True) for m in others], lang
                    ),
                )
            # a fall of an outcome is bad; spikes and moves of spend are for a look (info)
            bad = outage or (direction == "down" and DIRECTIONS.get(lead_metric) == "higher")
            key = "outage" if outage else "anomaly"
            span = day_text(run[0]) + ("" if len(run) == 1 else f"..{day_text(run[-1])}")
            rows.append(
                finding_record(
                    "anomaly",
                    "bad" if bad else "info",
                    float(part["relative_deviation"].abs().max()),
                    phrase(key, lang, **vals),
                    phrase("act_" + key, lang, **vals),
                    top["value"],
                    lead_metric,
                    f"{table}, {where}, {'+'.join(sorted(metrics))}, {span} (STL + robust z)",
                    lang,
                )
            )
    return rows
