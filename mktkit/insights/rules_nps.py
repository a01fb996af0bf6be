"""Findings on the NPS (kind ``nps``): the region that lags, and a change between two periods.

A fall of the NPS that starts with a funnel leak's first day says so in its action.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mktkit.formats import fmt_int, fmt_number
from mktkit.insights.records import check_input, finding_record, to_float
from mktkit.insights.text import day_text, display_name, p_text, phrase

__all__ = ["nps_findings"]


def nps_findings(
    nps: pd.DataFrame | None,
    change: pd.DataFrame | None,
    leak: dict[str, Any] | None,
    month: str,
    lang: str,
) -> list[dict[str, Any]]:
    """Findings of the NPS by region and of its change between two periods.

    Parameters
    ----------
    nps : DataFrame or None
        :func:`mktkit.surveys.nps` by region: ``region``, ``n``, ``nps``, ``moe``
        (``attrs["period"]``: the answers' period, default ``month``).
    change : DataFrame or None
        :func:`mktkit.surveys.compare_nps`: ``n_a``, ``nps_a``, ``n_b``, ``nps_b``, ``diff``,
        ``p_value`` (``attrs["period_a"]``, ``attrs["period_b"]``: the periods).
    leak : dict or None
        The funnel leak's significant onset (see
        :func:`mktkit.insights.rules_funnel.funnel_findings`), or None.
    month : str
        ``YYYY-MM``.
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``nps``.
    """
    rows = []
    if nps is not None:
        check_input(nps, ["region", "n", "nps", "moe"], "nps", 'mk.nps(responses, by="region")')
        t = nps.dropna(subset=["nps"]).sort_values(["nps", "region"], kind="stable")
        if len(t) >= 2:
            low, others = t.iloc[0], t.iloc[1:]
            period = nps.attrs.get("period", month)
            high = to_float(low["nps"]) + to_float(low["moe"])
            clear = bool(high < others["nps"].min())
            vals = {
                "region": display_name(low["region"], lang, "region"),
                "period": period,
                "nps": fmt_number(low["nps"], 1),
                "moe": fmt_number(low["moe"], 1),
                "n": fmt_int(low["n"], lang),
                "lo": fmt_number(others["nps"].min(), 1),
                "hi": fmt_number(others["nps"].max(), 1),
                "overlap": "" if clear else phrase("nps_overlap", lang),
            }
            rows.append(
                finding_record(
                    "nps",
                    "bad" if clear else "info",
                    (others["nps"].min() - low["nps"]) / 100,
                    phrase("nps_low", lang, **vals),
                    phrase("act_nps_low" if clear else "act_nps_low_info", lang, **vals),
                    low["nps"],
                    "nps",
                    f"nps, {period}, by region (margin of error at 95%)",
                    lang,
                )
            )
    if change is not None:
        check_input(
            change,
            ["n_a", "nps_a", "n_b", "nps_b", "diff", "p_value"],
            "nps_change",
            "mk.compare_nps(before, after)",
        )
        if not change.empty:
            c = change.iloc[0]
            diff, p = to_float(c["diff"]), to_float(c["p_value"])
            significant = np.isfinite(p) and p < 0.05
            status = "info" if not significant else ("bad" if diff < 0 else "good")
            moved = "nps_moved" if not significant else ("nps_fell" if diff < 0 else "nps_rose")
            period_a = change.attrs.get("period_a", "a")
            period_b = change.attrs.get("period_b", "b")
            vals = {
                "moved": phrase(moved, lang),
                "nps_a": fmt_number(c["nps_a"], 1),
                "nps_b": fmt_number(c["nps_b"], 1),
                "n_a": fmt_int(c["n_a"], lang),
                "n_b": fmt_int(c["n_b"], lang),
                "period_a": period_a,
                "period_b": period_b,
                "diff": fmt_number(diff, 1) if diff <= 0 else "+" + fmt_number(diff, 1),
                "p": p_text(p),
            }
            if (
                status == "bad"
                and leak is not None
                and period_b.startswith(day_text(leak["since"]))
            ):
                action = phrase(
                    "act_nps_leak",
                    lang,
                    since=day_text(leak["since"]),
                    b_step=display_name(leak["to_step"], lang, "event", lower=True),
                )
            elif status == "bad":
                action = phrase("act_nps_fell", lang, **vals)
            else:
                action = phrase("act_nps_other", lang)
            rows.append(
                finding_record(
                    "nps",
                    status,
                    abs(diff) / 100,
                    phrase("nps_change", lang, **vals),
                    action,
                    c["nps_b"],
                    "nps",
                    f"nps, {period_a} vs {period_b}",
                    lang,
                )
            )
    return rows
