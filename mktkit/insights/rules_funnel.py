"""Findings on the funnel (kind ``funnel``): which step leaks more than last month, and since when.

A step that :func:`mktkit.funnel.compare_steps` marks ``new_leak`` is one finding; when the
leak's onset (:func:`mktkit.funnel.leak.leak_onset`) is significant on that step, the sentence
adds the day it began. With no new leak, the step where the funnel loses most (info). When
no one reaches the second step, that alone is the finding: the steps rarely match the data's
event names.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mktkit.formats import fmt_int, fmt_percent, fmt_pp
from mktkit.insights.records import check_input, finding_record, to_float
from mktkit.insights.text import day_text, display_name, p_text, phrase

__all__ = ["funnel_findings"]


def funnel_findings(
    funnel: pd.DataFrame | None,
    leak: dict[str, Any] | None,
    leak_p: float,
    month: str,
    region: str,
    lang: str,
) -> list[dict[str, Any]]:
    """Findings of the month's funnel against the previous month's, dated by the leak's onset.

    Parameters
    ----------
    funnel : DataFrame or None
        :func:`mktkit.funnel.compare_steps` of the previous month's funnel against ``month``'s;
        None when only the onset is known (then the onset alone is the finding).
    leak : dict or None
        The leak's onset when it is significant: a row of :func:`mktkit.funnel.leak.leak_onset`
        (``from_step``, ``to_step``, ``since``, ``rate_before``, ``rate_after``, ``first_day``,
        ``last_day``); None when there is none.
    leak_p : float
        The onset's p-value.
    month : str
        ``YYYY-MM``; compared with the month before.
    region : str
        Named in the source.
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``funnel``.
    """
    prev = str(pd.Period(month, freq="M") - 1)
    ev = "event"
    if funnel is None:
        if leak is None:
            return []
        vals = {
            "a_step": display_name(leak["from_step"], lang, ev),
            "a_low": display_name(leak["from_step"], lang, ev, lower=True),
            "b_step": display_name(leak["to_step"], lang, ev, lower=True),
            "since": day_text(leak["since"]),
            "rate_before": fmt_percent(leak["rate_before"], 1),
            "rate_after": fmt_percent(leak["rate_after"], 1),
            "rate_back": fmt_percent(leak["rate_before"], 1),
            "p": p_text(leak_p),
        }
        vals["around"] = phrase("around", lang, since=vals["since"])
        size = 1 - to_float(leak["rate_after"]) / to_float(leak["rate_before"])
        return [
            finding_record(
                "funnel",
                "bad",
                size,
                phrase("funnel_since_only", lang, **vals),
                phrase("act_funnel_leak", lang, **vals),
                leak["rate_after"],
                "step_conversion",
                f"events, {leak['from_step']} → {leak['to_step']} by day, "
                f"{day_text(leak['first_day'])}..{day_text(leak['last_day'])}, {region}",
                lang,
            )
        ]
    check_input(
        funnel,
        ["step", "step_index", "conversion_a", "conversion_b", "difference", "p_value", "new_leak"],
        "funnel",
        "mk.compare_steps(previous, current)",
    )
    f = funnel.sort_values("step_index", kind="stable").reset_index(drop=True)
    if len(f) < 2:
        return []
    steps = f["step"].astype(str).tolist()
    path = " → ".join(steps)
    source = f"events, funnel {path}, {prev} vs {month}, {region}"
    reached = pd.to_numeric(f["users_b"], errors="coerce") if "users_b" in f else None
    if reached is not None and not reached.iloc[1] > 0:
        # nobody at step 2: the event names rarely match the data, never a row of zeros
        vals = {
            "a_step": display_name(steps[0], lang, ev),
            "b_step": display_name(steps[1], lang, ev, lower=True),
            "users": fmt_int(reached.iloc[0], lang),
            "month": month,
            "steps": path,
        }
        return [
            finding_record(
                "funnel",
                "bad",
                1.0,
                phrase("funnel_empty", lang, **vals),
                phrase("act_funnel_empty", lang, **vals),
                reached.iloc[1],
                "users",
                source,
                lang,
            )
        ]
    leaks = f.index[f["new_leak"].astype(bool)].tolist()
    rows = []
    for i in leaks:
        r = f.loc[i]
        a_code, b_code = steps[i - 1], steps[i]
        vals = {
            "a_step": display_name(a_code, lang, ev),
            "a_low": display_name(a_code, lang, ev, lower=True),
            "b_step": display_name(b_code, lang, ev, lower=True),
            "rate_a": fmt_percent(r["conversion_a"], 1),
            "rate_b": fmt_percent(r["conversion_b"], 1),
            "pp": fmt_pp(r["difference"], lang),
            "p": p_text(r["p_value"]),
            "prev": prev,
            "month": month,
            "rate_back": fmt_percent(r["conversion_a"], 1),
            "around": "",
        }
        text = phrase("funnel_leak", lang, **vals)
        src = source
        if leak is not None and (leak["from_step"], leak["to_step"]) == (a_code, b_code):
            since = day_text(leak["since"])
            text += phrase(
                "funnel_since",
                lang,
                since=since,
                rate_before=fmt_percent(leak["rate_before"], 1),
                rate_after=fmt_percent(leak["rate_after"], 1),
            )
            vals["around"] = phrase("around", lang, since=since)
            vals["rate_back"] = fmt_percent(leak["rate_before"], 1)
            src += (
                f"; onset: daily {a_code} → {b_code} conversion, "
                f"{day_text(leak['first_day'])}..{day_text(leak['last_day'])} (binomial change point)"
            )
        size = -to_float(r["difference"]) / to_float(r["conversion_a"])
        rows.append(
            finding_record(
                "funnel",
                "bad",
                size,
                text,
                phrase("act_funnel_leak", lang, **vals),
                r["conversion_b"],
                "step_conversion",
                src,
                lang,
            )
        )
    if not leaks:
        rest = f.iloc[1:].dropna(subset=["conversion_b"])
        if rest.empty:
            return rows
        i = int(rest.sort_values(["conversion_b", "step_index"], kind="stable").index[0])
        r = f.loc[i]
        vals = {
            "a_step": display_name(steps[i - 1], lang, ev),
            "a_low": display_name(steps[i - 1], lang, ev, lower=True),
            "b_step": display_name(steps[i], lang, ev, lower=True),
            "rate_a": fmt_percent(r["conversion_a"], 1),
            "rate_b": fmt_percent(r["conversion_b"], 1),
            "prev": prev,
        }
        rows.append(
            finding_record(
                "funnel",
                "info",
                0.0,
                phrase("funnel_ok", lang, **vals),
                phrase("act_funnel_ok", lang, **vals),
                r["conversion_b"],
                "step_conversion",
                source,
                lang,
            )
        )
    return rows
