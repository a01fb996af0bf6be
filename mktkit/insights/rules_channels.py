"""Findings on the channels and the budget (kinds ``channel``, ``budget``): cut, grow, move.

A channel is cut when its ROAS is far below the blended ROAS or has fallen for months; the
channel to grow is the one whose next yuan returns most (marginal ROAS of its response
curve). The budget finding sums up :func:`mktkit.channels.budget_reallocation`: the money
moved and the revenue it is expected to bring. Both read the same reallocation, so they live
together, and neither advises more than it supports: a channel the reallocation keeps (its
curve cannot tell what a change would do) gets "test a cut first" rather than "cut", and no
channel is proposed to grow that the reallocation does not raise.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mktkit.formats import fmt_change, fmt_money, fmt_number, fmt_percent
from mktkit.insights.records import check_input, finding_record, to_float
from mktkit.insights.text import display_name, natural_list, phrase

#: A change of spend smaller than this is the solver's rounding, not a move.
HALF_CENT = 0.005

__all__ = ["FALLING_MONTHS", "WEAK_ROAS_SHARE", "budget_findings", "channel_findings"]

#: A channel is "cut" when its ROAS is below this share of the blended ROAS of all channels
#: (or it fell this many months in a row and is below the blended ROAS).
WEAK_ROAS_SHARE = 0.5
FALLING_MONTHS = 3


def _falling_streak(trend: pd.DataFrame, channel: str, month: str) -> tuple[int, str, float]:
    """Months in a row that the channel's ROAS fell up to ``month``; (0, "", nan) if none."""
    t = trend[(trend["channel"] == channel) & (trend["month"].astype(str) <= month)]
    t = t.sort_values("month", kind="stable")
    roas = t["roas"].to_numpy(float)
    months = t["month"].astype(str).tolist()
    if not months or months[-1] != month:
        return 0, "", float("nan")
    k = 0
    while k + 1 < len(roas) and roas[-1 - k] < roas[-2 - k]:
        k += 1
    if k == 0:
        return 0, "", float("nan")
    return k, months[-1 - k], float(roas[-1 - k])


def channel_findings(
    channels: pd.DataFrame,
    budget: pd.DataFrame | None,
    trend: pd.DataFrame | None,
    month: str,
    region: str,
    lang: str,
) -> list[dict[str, Any]]:
    """Findings of the channel review: the channels to cut and the one to grow.

    Parameters
    ----------
    channels : DataFrame
        :func:`mktkit.channels.channel_review`: ``channel``, ``spend``, ``revenue``, ``roas``,
        ``marginal_roas``, ``fit_ok`` (``attrs["window"]``: the response curves' span).
    budget : DataFrame or None
        :func:`mktkit.channels.budget_reallocation`: the suggested spend the actions quote.
    trend : DataFrame or None
        :func:`mktkit.channels.channel_performance` by month and channel, for "ROAS fell N
        months in a row".
    month : str
        ``YYYY-MM``.
    region : str
        Named in the source.
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``channel``.
    """
    check_input(
        channels,
        ["channel", "spend", "revenue", "roas", "marginal_roas", "fit_ok"],
        "channels",
        "mk.channel_review(data, month, region)",
    )
    if trend is not None:
        check_input(
            trend,
            ["month", "channel", "roas"],
            "channel_trend",
            "mk.channel_performance(channel_daily, by=['month', 'channel'])",
        )
    if channels.empty:
        return []
    ch = channels.sort_values("channel", kind="stable")
    spend, revenue = ch["spend"].sum(), ch["revenue"].sum()
    blended = revenue / spend if spend else float("nan")
    fitted = ch[ch["fit_ok"].astype(bool) & ch["marginal_roas"].notna()]
    best = (
        fitted.sort_values(
            ["marginal_roas", "channel"], ascending=[False, True], kind="stable"
        ).iloc[0]
        if len(fitted)
        else None
    )
    plan = budget.set_index("channel") if budget is not None and "channel" in budget else None
    days = int(budget.attrs.get("days", 30)) if budget is not None else 30
    # where cut money goes: the channel the budget raises most, else the best marginal channel
    target = str(best["channel"]) if best is not None else None
    if plan is not None and (plan["change"] > HALF_CENT).any():
        raised = plan[plan["change"] > HALF_CENT].reset_index()
        target = str(
            raised.sort_values(["change", "channel"], ascending=[False, True]).iloc[0]["channel"]
        )
    rows = []
    for r in ch.to_dict("records"):
        name = str(r["channel"])
        if best is not None and name == str(best["channel"]):
            continue
        k, month0, roas0 = (
            _falling_streak(trend, name, month) if trend is not None else (0, "", float("nan"))
        )
        roas = to_float(r["roas"])
        falling = k >= FALLING_MONTHS and roas < blended
        weak = roas < WEAK_ROAS_SHARE * blended
        if not (falling or weak):
            continue
        vals = {
            "channel": display_name(name, lang, "channel"),
            "roas": fmt_number(roas, 2),
            "month": month,
            "revenue": fmt_money(r["revenue"], lang),
            "spend": fmt_money(r["spend"], lang),
            "blended": fmt_number(blended, 2),
            "streak": phrase("channel_streak", lang, k=k, roas0=fmt_number(roas0, 2), month0=month0)
            if falling
            else "",
            "best": display_name(target, lang, "channel") if target is not None else "—",
            "days": days,
        }
        size = 1 - roas / roas0 if falling else 1 - roas / blended
        if plan is not None and name in plan.index and plan.loc[name, "change"] < -HALF_CENT:
            vals["suggested"] = fmt_money(plan.loc[name, "suggested_spend"], lang)
            vals["change"] = fmt_change(plan.loc[name, "change_share"])
            action = phrase("act_channel_cut_budget", lang, **vals)
        elif plan is not None:
            # the reallocation keeps it: its curve cannot tell what a cut would lose
            action = phrase("act_channel_cut_test", lang, **vals)
        else:
            action = phrase("act_channel_cut", lang, **vals)
        period = f"{month0}..{month}" if falling else month
        rows.append(
            finding_record(
                "channel",
                "bad",
                size,
                phrase("channel_cut", lang, **vals),
                action,
                roas,
                "roas",
                f"channel_daily, {name}, {period}, {region}",
                lang,
            )
        )
    if best is not None:
        name = str(best["channel"])
        vals = {
            "channel": display_name(name, lang, "channel"),
            "marginal": fmt_number(best["marginal_roas"], 2),
            "roas": fmt_number(best["roas"], 2),
            "month": month,
            "days": days,
        }
        if plan is not None and name in plan.index and plan.loc[name, "change"] > HALF_CENT:
            vals["suggested"] = fmt_money(plan.loc[name, "suggested_spend"], lang)
            vals["common"] = fmt_number(budget.attrs.get("common_marginal_roas"), 2)
            action = phrase("act_channel_grow_budget", lang, **vals)
        elif plan is not None:
            return rows  # the reallocation does not raise it: growing it is not supported
        else:
            action = phrase("act_channel_grow", lang, **vals)
        window = channels.attrs.get("window")
        span = f"{window[0]}..{window[1]}" if window else month
        rows.append(
            finding_record(
                "channel",
                "good",
                to_float(best["marginal_roas"]) / blended - 1,
                phrase("channel_grow", lang, **vals),
                action,
                best["marginal_roas"],
                "marginal_roas",
                f"channel_daily, {name}, response curve {span}, {region}",
                lang,
            )
        )
    return rows


def _range(values: pd.Series, fmt: Any) -> str:
    """``x`` or ``x–y``: the spread of one piece of evidence over the channels."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return "—"
    lo, hi = fmt(v.min()), fmt(v.max())
    return lo if lo == hi else f"{lo}–{hi}"


def budget_findings(budget: pd.DataFrame, region: str, lang: str) -> list[dict[str, Any]]:
    """The budget reallocation in one finding, with its evidence, or why nothing moves.

    - Money moved: from and to, the expected revenue with its bootstrap interval, and the
      evidence (days, R², day-to-day spend variation of the channels that move).
    - Nothing moved because spend never varied enough (or the curves are not identified):
      says so in plain words and proposes the spend test of
      :func:`mktkit.channels.spend_test_plan` (``attrs["spend_test"]``) for the largest
      such channel.
    - Nothing moved because the gain's interval includes 0: says so, with the interval.
    - Every trusted channel already at the common marginal return: "balanced".

    Parameters
    ----------
    budget : DataFrame
        :func:`mktkit.channels.budget_reallocation` (``attrs``: ``total_budget``, ``days``,
        ``common_marginal_roas``, ``expected_revenue_change`` and its ``_low``/``_high``,
        ``proposed_revenue_change*``, ``gain_uncertain``, ``level``, ``spend_test``,
        ``window``).
    region : str
        Named in the source.
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``budget``.
    """
    check_input(
        budget,
        ["channel", "current_spend", "suggested_spend", "change", "expected_revenue_change"],
        "budget",
        "mk.budget_reallocation(channels)",
    )
    if budget.empty:
        return []
    b = budget.sort_values(["change", "channel"], kind="stable")
    total = to_float(budget.attrs.get("total_budget", b["current_spend"].sum()))
    days = int(budget.attrs.get("days", 30))
    common = budget.attrs.get("common_marginal_roas")
    gain = to_float(budget.attrs.get("expected_revenue_change", b["expected_revenue_change"].sum()))
    level = fmt_percent(to_float(budget.attrs.get("level", 0.9)), 0)
    tol = 0.005 * total
    window = budget.attrs.get("window")
    span = f"{window[0]}..{window[1]}" if window else ""
    source = f"channel_daily response curves {span}, {region}, {days}-day budget".replace("  ", " ")
    reasons = b["reason"].astype(str) if "reason" in b else pd.Series("", index=b.index)
    unseen = b[reasons == "kept_not_identified"]
    tests = budget.attrs.get("spend_test") or []

    def money(v: Any) -> str:
        return fmt_money(v, lang)

    def evidence(rows: pd.DataFrame) -> dict[str, Any]:
        return {
            "n_days": _range(rows["n_days"], lambda v: f"{int(v)}") if "n_days" in rows else "—",
            "r2": _range(rows["r2"], lambda v: fmt_number(v, 2)) if "r2" in rows else "—",
            "cv": _range(rows["spend_cv"], lambda v: fmt_percent(v, 0))
            if "spend_cv" in rows
            else "—",
        }

    def names(rows: pd.DataFrame) -> str:
        return natural_list([display_name(c, lang, "channel") for c in rows["channel"]], lang)

    def test_action() -> str:
        t = tests[0]
        return phrase(
            "act_spend_test",
            lang,
            channel=display_name(t["channel"], lang, "channel"),
            change=fmt_percent(to_float(t["spend_high"]) / to_float(t["current_spend"]) - 1, 0),
            high=money(t["spend_high"]),
            low=money(t["spend_low"]),
            test_days=t["test_days"],
            days_per_arm=t["days_per_arm"],
            delta=money(t["expected_difference"]),
            power=fmt_percent(t["power"], 0),
            noise=money(t["noise_sd"]),
        )

    if budget.attrs.get("gain_uncertain") and "proposed_spend" in b:
        step = b["proposed_spend"] - b["current_spend"]
        vals = {
            "moved": money(step[step > tol].sum()),
            "total": money(total),
            "days": days,
            "cut": names(b[step < -tol]),
            "raised": names(b[step > tol]),
            "level": level,
            "low": money(budget.attrs.get("proposed_revenue_change_low")),
            "high": money(budget.attrs.get("proposed_revenue_change_high")),
        }
        return [
            finding_record(
                "budget",
                "info",
                0.0,
                phrase("budget_uncertain", lang, **vals),
                test_action() if tests else phrase("act_budget_keep", lang),
                0.0,
                "expected_revenue_change",
                source,
                lang,
            )
        ]
    cut = b[b["change"] < -tol]
    raised = b[b["change"] > tol].sort_values(["change", "channel"], ascending=[False, True])
    if cut.empty or raised.empty:
        if len(unseen):
            ev = evidence(unseen)
            return [
                finding_record(
                    "budget",
                    "info",
                    0.0,
                    phrase("budget_flat", lang, who=names(unseen), **ev),
                    test_action() if tests else phrase("act_budget_keep", lang),
                    0.0,
                    "expected_revenue_change",
                    source,
                    lang,
                )
            ]
        return [
            finding_record(
                "budget",
                "info",
                0.0,
                phrase("budget_balanced", lang, common=fmt_number(common, 2)),
                phrase("act_budget_balanced", lang),
                0.0,
                "expected_revenue_change",
                source,
                lang,
            )
        ]
    moved = float(raised["change"].sum())
    vals = {
        "moved": money(moved),
        "total": money(total),
        "days": days,
        "share": fmt_percent(moved / total if total else float("nan"), 1),
        "cut": names(cut),
        "raised": names(raised),
        "gain": money(gain),
        "level": level,
        "low": money(budget.attrs.get("expected_revenue_change_low")),
        "high": money(budget.attrs.get("expected_revenue_change_high")),
        **evidence(pd.concat([cut, raised])),
    }
    return [
        finding_record(
            "budget",
            "good" if gain > 0 else "info",
            gain / total if total else 0.0,
            phrase("budget_move", lang, **vals),
            phrase("act_budget_move", lang, **vals),
            gain,
            "expected_revenue_change",
            source,
            lang,
        )
    ]
