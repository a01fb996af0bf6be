"""Findings: the analysis results ranked and said in plain words (en, zh), each with its number.

:func:`insights` reads the tables the kit's analysis functions already returned (KPI review,
funnel comparison, channel review, budget reallocation, customers, experiments, anomalies, NPS)
and turns what deserves attention into one sentence each, with the next action and the source
of the number. Nothing is recomputed: a report passes what it has shown. :func:`insights_for`
computes every input with the same calls as the monthly review and calls :func:`insights`.
:func:`leak_onset` dates the start of a funnel leak ("since when").

Output columns
--------------
rank : int
    1 = most important; ``severity`` descending.
kind : str
    ``target``, ``funnel``, ``anomaly``, ``channel``, ``budget``, ``customers``,
    ``experiment`` or ``nps``.
severity : float
    ``STATUS_WEIGHT[status] x KIND_WEIGHT[kind] x (1 + size)`` rounded to 6 decimals, where
    ``size`` in [0, 1] is the finding's relative size (see :data:`SIZE_RULES`). Ties are broken
    by the order of :data:`KINDS`, then ``source``, then ``finding``, so the same inputs always
    give the same frame.
status : str
    ``red`` / ``amber`` / ``green`` (KPI targets, METHODS.md thresholds) or ``bad`` / ``good``
    / ``info`` (everything else).
finding : str
    One sentence in ``lang`` with its number, formatted by :mod:`mktkit.formats` exactly as the
    report's tables show it.
action : str
    What to do next, one sentence in ``lang``.
value : float
    The headline number of the sentence (an attainment, a rate, a ROAS, a count ...).
metric : str
    What ``value`` measures (``attainment``, ``step_conversion``, ``roas``, ``lift`` ...).
source : str
    Where the number comes from: table(s), rows and period.

The sentences are plain text; a report escapes them when it shows them.

Examples
--------
>>> import pandas as pd
>>> kpis = pd.DataFrame({"region": ["north", "east"], "metric": ["revenue", "orders"],
...                      "actual": [850.0, 120.0], "target": [1000.0, 100.0],
...                      "attainment": [0.85, 1.2], "status": ["red", "green"]})
>>> f = insights(month="2026-10", lang="en", kpis=kpis)
>>> print(f.loc[0, "finding"])
North revenue reached 85.0% of target (¥850 against ¥1,000): off track.
>>> f.attrs["skipped"][:3]
['funnel', 'leak_since', 'channels']
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, check_argument
from mktkit.formats import (
    fmt_change,
    fmt_int,
    fmt_metric,
    fmt_money,
    fmt_number,
    fmt_percent,
    fmt_pp,
)
from mktkit.funnel.leak import leak_onset
from mktkit.i18n import LANGS, label
from mktkit.periods import check_month, month_labels

__all__ = [
    "COLUMNS",
    "KINDS",
    "KIND_WEIGHT",
    "SIZE_RULES",
    "STATUS_WEIGHT",
    "insights",
    "insights_for",
]

#: Output columns, in order.
COLUMNS: tuple[str, ...] = (
    "rank",
    "kind",
    "severity",
    "status",
    "finding",
    "action",
    "value",
    "metric",
    "source",
)

#: Kinds of finding; their order breaks severity ties.
KINDS: tuple[str, ...] = (
    "target",
    "funnel",
    "anomaly",
    "channel",
    "budget",
    "customers",
    "experiment",
    "nps",
)

#: How much a status weighs: a miss or a problem before a warning before good news.
STATUS_WEIGHT: dict[str, float] = {
    "red": 3.0,
    "bad": 3.0,
    "amber": 2.0,
    "good": 1.5,
    "green": 1.0,
    "info": 1.0,
}

#: How much a kind weighs: the month's targets and funnel first; a single odd day last.
KIND_WEIGHT: dict[str, float] = {
    "target": 1.0,
    "funnel": 1.0,
    "channel": 0.9,
    "budget": 0.8,
    "customers": 0.8,
    "experiment": 0.8,
    "nps": 0.7,
    "anomaly": 0.5,
}

#: The ``size`` of each kind (clipped to [0, 1]) that enters the severity.
SIZE_RULES: dict[str, str] = {
    "target": "|1 - attainment| (projected attainment while the month runs)",
    "funnel": "relative fall of the step conversion, -difference / conversion_a (0 for info)",
    "anomaly": "largest |relative_deviation| of the flagged days",
    "channel": "cut: relative fall of ROAS over its falling streak, else 1 - ROAS / blended "
    "ROAS; grow: marginal ROAS / blended ROAS - 1",
    "budget": "expected revenue change / total budget",
    "customers": "dormant customers' revenue / all revenue to date",
    "experiment": "|lift| (win, loss); |users share - planned share| / planned share (SRM)",
    "nps": "|difference| / 100 (change); gap to the next-lowest region / 100 (regions)",
}

#: Funnel steps of the monthly review (templates/monthly_review.ipynb).
REVIEW_STEPS: tuple[str, ...] = ("visit", "view_product", "add_to_cart", "checkout", "purchase")

#: A click drop to at most this share of the expected value, with spend and orders normal,
#: reads as a tracking outage rather than lost traffic.
OUTAGE_SHARE = 0.2
#: A channel is "cut" when its ROAS is below this share of the blended ROAS of all channels
#: (or it fell this many months in a row and is below the blended ROAS).
WEAK_ROAS_SHARE = 0.5
FALLING_MONTHS = 3
#: Dormant customers are a "bad" finding when they hold at least this share of revenue.
DORMANT_REVENUE_SHARE = 0.05

# ---------------------------------------------------------------------------------------------
# sentence templates: key -> (en, zh); {placeholders} are filled with formatted numbers

TEXT: dict[str, tuple[str, str]] = {
    # targets
    "kpi_higher": (
        "{who} {metric} reached {att} of target ({actual} against {target}): {status}",
        "{who}{metric}完成目标的 {att}（实际 {actual}，目标 {target}），{status}",
    ),
    "kpi_lower": (
        "{who} {metric} was {actual} against a ceiling of {target}: {att} attainment, {status}",
        "{who}{metric}为 {actual}，目标上限 {target}，达成率 {att}，{status}",
    ),
    "kpi_higher_projected": (
        "{who} {metric} is projected at {actual} by the month's end against {target}: "
        "{att} of target, {status}",
        "{who}{metric}预计月末为 {actual}，目标 {target}，预计达成 {att}，{status}",
    ),
    "kpi_lower_projected": (
        "{who} {metric} runs at {actual} against a ceiling of {target}: {att} attainment, {status}",
        "{who}{metric}当前为 {actual}，目标上限 {target}，预计达成率 {att}，{status}",
    ),
    "kpi_all_met": (
        "All {n} KPI targets of {month} are met (lowest attainment {att}, {who} {metric})",
        "{month} 全部 {n} 项 KPI 目标均已达成（最低达成率 {att}，{who}{metric}）",
    ),
    "act_kpi_higher": (
        "Close the gap of {gap} in {who} {metric}: find which channels fell short there and "
        "plan the catch-up",
        "补齐{who}{metric}的缺口 {gap}：找出未达预期的渠道并制定追赶计划",
    ),
    "act_kpi_lower": (
        "Bring {who} {metric} down by {gap}: cut the spend that brings the fewest results first",
        "将{who}{metric}降低 {gap}：优先削减产出最低的投放",
    ),
    "act_kpi_all_met": (
        "Keep the plan; raise the targets where attainment is well above 100%",
        "保持当前计划；对远超目标的指标可适当上调目标",
    ),
    # funnel
    "funnel_leak": (
        "{a_step} → {b_step} conversion fell from {rate_a} in {prev} to {rate_b} in {month} "
        "({pp}, p = {p})",
        "{a_step}→{b_step}转化率从 {prev} 的 {rate_a} 降至 {month} 的 {rate_b}（{pp}，p = {p}）",
    ),
    "funnel_since": (
        "; it dropped on {since}: {rate_before} before, {rate_after} since",
        "；自 {since} 起下降：此前 {rate_before}，此后 {rate_after}",
    ),
    "funnel_since_only": (
        "{a_step} → {b_step} conversion dropped on {since}: {rate_before} before, "
        "{rate_after} since (p = {p})",
        "{a_step}→{b_step}转化率自 {since} 起下降：此前 {rate_before}，此后 {rate_after}"
        "（p = {p}）",
    ),
    "act_funnel_leak": (
        "Find what changed at the {b_step} step{around} (releases, payment provider, error "
        "logs), fix it and follow the daily {a_low} → {b_step} conversion until it is back "
        "near {rate_back}",
        "排查{around}{b_step}环节的变更（版本发布、支付渠道、错误日志）并修复，"
        "每日跟踪{a_step}→{b_step}转化率直至恢复到 {rate_back} 左右",
    ),
    "around": (" around {since}", " {since} 前后"),
    "funnel_ok": (
        "No funnel step got significantly worse than in {prev}; the funnel leaks most at "
        "{a_low} → {b_step}, where {rate_b} go on ({rate_a} in {prev})",
        "与 {prev} 相比没有环节显著变差；流失最大的环节是{a_step}→{b_step}，"
        "仅 {rate_b} 的用户继续（{prev} 为 {rate_a}）",
    ),
    "act_funnel_ok": (
        "Work on the {a_low} → {b_step} step: it lifts the whole funnel most",
        "优化{a_step}→{b_step}环节，对整体转化的提升最大",
    ),
    # anomalies
    "anomaly": (
        "{who} {metric} {moved} on {dates}: {values} against {expected} expected ({rel}){also}",
        "{who}{metric}在 {dates} {moved}：实际 {values}，预期 {expected}（{rel}）{also}",
    ),
    "anomaly_also": ("; also flagged: {metrics}", "；同时异常：{metrics}"),
    "act_anomaly": (
        "Check what happened to {who} {metric} on {dates} (campaign, stock, site or data "
        "problem) before reading the month's totals",
        "核查 {dates} {who}{metric}异常的原因（活动、库存、网站或数据问题），再解读本月汇总",
    ),
    "outage": (
        "{who} {metric} collapsed on {dates} ({values} against about {expected} expected, {rel}) "
        "while spend and orders were not abnormal: a tracking outage, not lost traffic",
        "{who}{metric}在 {dates} 骤降（实际 {values}，预期约 {expected}，{rel}），"
        "而花费和订单无异常：这是埋点数据中断，并非流量流失",
    ),
    "act_outage": (
        "Fix the click tracking in {who} and leave {dates} out of CTR, CPC and click-based bidding",
        "修复{who}的点击埋点，并在计算点击率、点击成本和按点击出价时剔除 {dates} 的数据",
    ),
    "up": ("rose", "异常升高"),
    "down": ("dropped", "异常下降"),
    # channels and budget
    "channel_cut": (
        "{channel} ROAS was {roas} in {month} ({revenue} revenue on {spend} spend) against "
        "{blended} for all channels{streak}",
        "{channel} {month} 的ROAS为 {roas}（花费 {spend}，带来销售额 {revenue}），"
        "全部渠道为 {blended}{streak}",
    ),
    "channel_streak": (
        "; it has fallen {k} months in a row, from {roas0} in {month0}",
        "；已连续 {k} 个月下降，{month0} 时为 {roas0}",
    ),
    "act_channel_cut_budget": (
        "Cut {channel} to {suggested} per {days} days ({change}) as the budget reallocation "
        "suggests and move the money to {best}",
        "按预算再分配建议将{channel}降至每 {days} 天 {suggested}（{change}），并把预算转向{best}",
    ),
    "act_channel_cut": (
        "Cut {channel} spend and move it to {best}, whose next yuan returns most",
        "削减{channel}的花费，转投下一元回报最高的{best}",
    ),
    "channel_grow": (
        "{channel}'s next yuan returns {marginal} (marginal ROAS on its response curve), the "
        "most of all channels; its average ROAS was {roas} in {month}",
        "{channel}的边际ROAS为 {marginal}（响应曲线上下一元的回报），为各渠道最高；"
        "{month} 平均ROAS为 {roas}",
    ),
    "act_channel_grow_budget": (
        "Grow {channel} towards {suggested} per {days} days and check that its marginal ROAS "
        "stays above {common}",
        "将{channel}逐步提高至每 {days} 天 {suggested}，并确认其边际ROAS保持在 {common} 以上",
    ),
    "act_channel_grow": (
        "Grow {channel} step by step and check its marginal ROAS each month",
        "逐步加大{channel}的投放，并每月复核其边际ROAS",
    ),
    "budget_move": (
        "Moving {moved} of the {total} budget per {days} days ({share}) from {cut} to {raised} "
        "is expected to add {gain} revenue",
        "将每 {days} 天预算 {total} 中的 {moved}（{share}）从{cut}转向{raised}，"
        "预计可增加销售额 {gain}",
    ),
    "act_budget_move": (
        "Shift the budget in steps over the next month and re-fit the response curves after "
        "four weeks",
        "在下个月分步调整预算，四周后重新拟合响应曲线复核效果",
    ),
    "budget_balanced": (
        "The budget is balanced: every channel's next yuan returns about {common}",
        "预算分配已均衡：各渠道下一元的回报均约为 {common}",
    ),
    "act_budget_balanced": ("Keep the split", "保持当前预算分配"),
    # customers
    "dormant": (
        "{n} formerly frequent customers ({min_orders}+ orders) have not ordered for "
        "{min_days}+ days; they had spent {revenue}{share}, and {n10} of them had 10+ orders",
        "{n} 位曾经的高频客户（至少 {min_orders} 单）已超过 {min_days} 天未下单；"
        "他们累计消费 {revenue}{share}，其中 {n10} 位曾下单 10 次以上",
    ),
    "dormant_share": (" ({share} of all revenue to date)", "（占至今总销售额的 {share}）"),
    "act_dormant": (
        "Start a win-back offer for them, the {n10} with 10+ orders first, and measure "
        "reactivation within 30 days",
        "对他们发起唤醒活动（优先 {n10} 位下单 10 次以上的客户），并统计 30 天内的唤醒率",
    ),
    # experiments
    "exp_win": (
        "Experiment {experiment}: {variant} converted {rate_t} against {rate_c} for control "
        "({lift} lift, p = {p}): a win",
        "实验 {experiment}：{variant}转化率 {rate_t}，对照组 {rate_c}（提升 {lift}，p = {p}），"
        "胜出",
    ),
    "act_exp_win": (
        "Roll {variant} of {experiment} out to all users and keep measuring conversion",
        "将 {experiment} 的{variant}方案推广至全部用户，并持续跟踪转化率",
    ),
    "exp_loss": (
        "Experiment {experiment}: {variant} converted {rate_t} against {rate_c} for control "
        "({lift}, p = {p}): worse than control",
        "实验 {experiment}：{variant}转化率 {rate_t}，对照组 {rate_c}（{lift}，p = {p}），"
        "不如对照组",
    ),
    "act_exp_loss": (
        "Keep control in {experiment} and drop {variant}",
        "{experiment} 保留对照方案，放弃{variant}方案",
    ),
    "exp_srm": (
        "Experiment {experiment} has a sample-ratio mismatch: {arms} users against a planned "
        "{plan} split (chi-square p = {p}), so its result ({lift} lift) cannot be trusted",
        "实验 {experiment} 存在样本比例失衡（SRM）：{arms}，计划比例 {plan}"
        "（卡方检验 p = {p}），其结果（提升 {lift}）不可信",
    ),
    "act_exp_srm": (
        "Do not ship on {experiment}: find why the split is off (assignment, redirects, bot "
        "filters), fix it and run the test again",
        "不要据 {experiment} 的结果上线：查明分流失衡的原因（分组逻辑、跳转、机器人过滤），"
        "修复后重新实验",
    ),
    "exp_none": (
        "Experiment {experiment}: no significant difference ({variant} {rate_t} against "
        "{rate_c} for control, {lift}, p = {p})",
        "实验 {experiment}：无显著差异（{variant} {rate_t}，对照组 {rate_c}，{lift}，p = {p}）",
    ),
    "act_exp_none": (
        "Stop {experiment}, keep control and test a bolder change",
        "结束 {experiment}，保留对照方案，并尝试更大幅度的改动",
    ),
    "exp_interim": (
        "Experiment {experiment} is interim: {users} users so far, below the planned sample",
        "实验 {experiment} 尚为中期结果：目前用户数 {users}，未达计划样本量",
    ),
    "act_exp_interim": (
        "Wait for the planned sample before deciding on {experiment}",
        "待 {experiment} 达到计划样本量后再做决定",
    ),
    # NPS
    "nps_low": (
        "{region} has the lowest NPS in {period}: {nps} (±{moe}, n = {n}) against {lo} to {hi} "
        "in the other regions{overlap}",
        "{period} {region}的净推荐值 (NPS) 最低：{nps}（±{moe}，n = {n}），其他区域为 {lo} 至 "
        "{hi}{overlap}",
    ),
    "nps_overlap": (
        "; the intervals overlap, so the gap may be noise",
        "；置信区间重叠，差距可能来自随机波动",
    ),
    "act_nps_low": (
        "Read {region}'s detractor comments and fix its most common complaint first",
        "阅读{region}贬损者的评价，优先解决最集中的问题",
    ),
    "act_nps_low_info": (
        "Keep collecting answers and look again if the gap persists",
        "继续收集答卷，差距持续时再深入分析",
    ),
    "nps_change": (
        "NPS {moved} from {nps_a} ({period_a}, n = {n_a}) to {nps_b} ({period_b}, n = {n_b}): "
        "{diff} points, p = {p}",
        "净推荐值 (NPS) 从 {nps_a}（{period_a}，n = {n_a}）{moved}至 {nps_b}（{period_b}，"
        "n = {n_b}），变化 {diff} 分，p = {p}",
    ),
    "nps_fell": ("fell", "降"),
    "nps_rose": ("rose", "升"),
    "nps_moved": ("moved", "变"),
    "act_nps_leak": (
        "The fall starts with the {b_step} leak of {since}: read the comments since then and "
        "fix the leak first",
        "NPS 下降与 {since} 起的{b_step}环节流失同时出现：阅读此后的评价，并优先修复该流失",
    ),
    "act_nps_fell": (
        "Read the detractors' comments of {period_b} and fix the most common complaint",
        "阅读 {period_b} 贬损者的评价，解决最集中的问题",
    ),
    "act_nps_other": (
        "Keep collecting answers and watch the trend",
        "继续收集答卷并关注趋势",
    ),
    # shared words
    "company": ("Company", "全公司"),
    "and": (" and ", " 和 "),
    "list_sep": (", ", "、"),
}


def _t(key: str, lang: str, **values: Any) -> str:
    return TEXT[key][LANGS.index(lang)].format(**values)


def _sentence(text: str, lang: str) -> str:
    """First letter up (en) and the full stop of the language."""
    if lang == "en":
        text = text[:1].upper() + text[1:]
        return text if text.endswith(".") else text + "."
    return text if text.endswith("。") else text + "。"


def _name(code: Any, lang: str, kind: str | None = None, *, lower: bool = False) -> str:
    """Display name of a code; in English a common noun (``lower``) starts lower case."""
    text = str(label(code, lang, kind))
    if lang == "en" and lower and text[:1].isupper() and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    return text


def _who(region: Any, lang: str) -> str:
    return _t("company", lang) if region == "all" else _name(region, lang, "region")


def _join(items: Sequence[str], lang: str) -> str:
    return _t("list_sep", lang).join(items)


def _and(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return _t("list_sep", lang).join(items[:-1]) + _t("and", lang) + items[-1]


def _list(items: Sequence[str], lang: str) -> str:
    """``a, b and c`` in English, ``a、b、c`` in Chinese."""
    return _and(items, lang) if lang == "en" else _join(items, lang)


def _fmt_p(p: Any) -> str:
    """A p-value: three decimals, or its order of magnitude below 0.001 (``5.8e-07``)."""
    if p is None or not np.isfinite(p):
        return "—"
    return f"{p:.1e}" if p < 0.001 else fmt_number(p, 3)


def _num(x: Any) -> float:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return value


def _day(x: Any) -> str:
    return str(pd.Timestamp(x).date())


def _need(df: Any, columns: Sequence[str], arg: str, made_by: str) -> None:
    """``df`` must be a DataFrame with ``columns``; else an InputError naming ``arg``."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"expected a DataFrame, got {type(df).__name__}",
            table=arg,
            fix=f"pass the output of {made_by}",
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise InputError(
            f"missing column(s) {names}",
            table=arg,
            fix=f"pass the output of {made_by} (it has these columns)",
        )


def _row(
    kind: str,
    status: str,
    size: float,
    finding: str,
    action: str,
    value: Any,
    metric: str,
    source: str,
    lang: str,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "status": status,
        "size": float(min(max(size, 0.0), 1.0)) if np.isfinite(size) else 0.0,
        "finding": _sentence(finding, lang),
        "action": _sentence(action, lang),
        "value": _num(value),
        "metric": metric,
        "source": source,
    }


# ---------------------------------------------------------------------------------------------
# findings per input


def _kpi_findings(kpis: pd.DataFrame, month: str, lang: str) -> list[dict[str, Any]]:
    _need(
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
            "who": _who(region, lang),
            "metric": _name(metric, lang, "metric", lower=True),
            "att": fmt_percent(att, 1),
            "actual": fmt_metric(metric, actual, lang),
            "target": fmt_metric(metric, r["target"], lang),
            "status": _name(r["status"], lang, "status", lower=True),
        }
        gap = abs(_num(actual) - _num(r["target"]))
        rate = metric in ("conversion_rate", "ctr", "cvr")  # a gap in a rate: points
        vals["gap"] = fmt_pp(gap, lang, 2).lstrip("+") if rate else fmt_metric(metric, gap, lang)
        table = "orders" if metric in ("revenue", "orders", "new_customers") else "channel_daily"
        rows.append(
            _row(
                "target",
                r["status"],
                abs(1 - _num(att)),
                _t(key + ("_projected" if projected else ""), lang, **vals),
                _t("act_" + key, lang, **vals),
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
            "who": _who(region, lang),
            "metric": _name(low["metric"], lang, "metric", lower=True),
        }
        rows.append(
            _row(
                "target",
                "green",
                0.0,
                _t("kpi_all_met", lang, **vals),
                _t("act_kpi_all_met", lang),
                low["attainment"],
                "attainment",
                f"kpi_targets × orders, channel_daily, {month}",
                lang,
            )
        )
    return rows


def _leak_record(leak_since: pd.DataFrame | None) -> dict[str, Any] | None:
    if leak_since is None or leak_since.empty:
        return None
    rec = leak_since.iloc[0].to_dict()
    if not bool(rec.get("significant")) or pd.isna(rec.get("since")):
        return None
    return rec


def _funnel_findings(
    funnel: pd.DataFrame | None,
    leak: dict[str, Any] | None,
    leak_p: float,
    month: str,
    region: str,
    lang: str,
) -> list[dict[str, Any]]:
    prev = str(pd.Period(month, freq="M") - 1)
    ev = "event"
    if funnel is None:
        if leak is None:
            return []
        vals = {
            "a_step": _name(leak["from_step"], lang, ev),
            "a_low": _name(leak["from_step"], lang, ev, lower=True),
            "b_step": _name(leak["to_step"], lang, ev, lower=True),
            "since": _day(leak["since"]),
            "rate_before": fmt_percent(leak["rate_before"], 1),
            "rate_after": fmt_percent(leak["rate_after"], 1),
            "rate_back": fmt_percent(leak["rate_before"], 1),
            "p": _fmt_p(leak_p),
        }
        vals["around"] = _t("around", lang, since=vals["since"])
        size = 1 - _num(leak["rate_after"]) / _num(leak["rate_before"])
        return [
            _row(
                "funnel",
                "bad",
                size,
                _t("funnel_since_only", lang, **vals),
                _t("act_funnel_leak", lang, **vals),
                leak["rate_after"],
                "step_conversion",
                f"events, {leak['from_step']} → {leak['to_step']} by day, "
                f"{_day(leak['first_day'])}..{_day(leak['last_day'])}, {region}",
                lang,
            )
        ]
    _need(
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
    leaks = f.index[f["new_leak"].astype(bool)].tolist()
    rows = []
    for i in leaks:
        r = f.loc[i]
        a_code, b_code = steps[i - 1], steps[i]
        vals = {
            "a_step": _name(a_code, lang, ev),
            "a_low": _name(a_code, lang, ev, lower=True),
            "b_step": _name(b_code, lang, ev, lower=True),
            "rate_a": fmt_percent(r["conversion_a"], 1),
            "rate_b": fmt_percent(r["conversion_b"], 1),
            "pp": fmt_pp(r["difference"], lang),
            "p": _fmt_p(r["p_value"]),
            "prev": prev,
            "month": month,
            "rate_back": fmt_percent(r["conversion_a"], 1),
            "around": "",
        }
        text = _t("funnel_leak", lang, **vals)
        src = source
        if leak is not None and (leak["from_step"], leak["to_step"]) == (a_code, b_code):
            since = _day(leak["since"])
            text += _t(
                "funnel_since",
                lang,
                since=since,
                rate_before=fmt_percent(leak["rate_before"], 1),
                rate_after=fmt_percent(leak["rate_after"], 1),
            )
            vals["around"] = _t("around", lang, since=since)
            vals["rate_back"] = fmt_percent(leak["rate_before"], 1)
            src += (
                f"; onset: daily {a_code} → {b_code} conversion, "
                f"{_day(leak['first_day'])}..{_day(leak['last_day'])} (binomial change point)"
            )
        size = -_num(r["difference"]) / _num(r["conversion_a"])
        rows.append(
            _row(
                "funnel",
                "bad",
                size,
                text,
                _t("act_funnel_leak", lang, **vals),
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
            "a_step": _name(steps[i - 1], lang, ev),
            "a_low": _name(steps[i - 1], lang, ev, lower=True),
            "b_step": _name(steps[i], lang, ev, lower=True),
            "rate_a": fmt_percent(r["conversion_a"], 1),
            "rate_b": fmt_percent(r["conversion_b"], 1),
            "prev": prev,
        }
        rows.append(
            _row(
                "funnel",
                "info",
                0.0,
                _t("funnel_ok", lang, **vals),
                _t("act_funnel_ok", lang, **vals),
                r["conversion_b"],
                "step_conversion",
                source,
                lang,
            )
        )
    return rows


def _dates_text(days: Sequence[pd.Timestamp], lang: str) -> str:
    shown = [_day(d) for d in days]
    if len(shown) <= 3:
        return _and(shown, lang)
    return f"{shown[0]}..{shown[-1]}"


def _anomaly_findings(flags: pd.DataFrame, region: str, lang: str) -> list[dict[str, Any]]:
    need = ["metric", "date", "value", "expected", "relative_deviation", "size", "direction"]
    _need(flags, need, "anomalies", "mk.anomaly_review(data, month, region)")
    level = flags.attrs.get("level") or next(
        (c for c in ("region", "channel") if c in flags.columns), None
    )
    if flags.empty:
        return []
    f = flags.copy()
    f["date"] = pd.to_datetime(f["date"]).dt.normalize()
    f["_group"] = f[level].astype(str) if level else "all"
    from mktkit.kpi import DIRECTIONS

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
            who = _who(group, lang) if level == "region" else _name(group, lang, "channel")
            where = group if level else region
            direction = str(lead["direction"].iloc[0])
            dates = _dates_text(list(lead["date"]), lang)
            many = len(lead) <= 3
            top = lead.loc[lead["size"].idxmax()]
            vals = {
                "who": who,
                "metric": _name(lead_metric, lang, "metric", lower=True),
                "moved": _t(direction, lang),
                "dates": dates,
                "values": _and([fmt_metric(lead_metric, v, lang) for v in lead["value"]], lang)
                if many
                else fmt_metric(lead_metric, top["value"], lang),
                "expected": _and([fmt_metric(lead_metric, v, lang) for v in lead["expected"]], lang)
                if many
                else fmt_metric(lead_metric, top["expected"], lang),
                "rel": _and([fmt_change(v) for v in lead["relative_deviation"]], lang)
                if many
                else fmt_change(top["relative_deviation"]),
                "also": "",
            }
            others = sorted(metrics - {lead_metric})
            if others and not outage:
                vals["also"] = _t(
                    "anomaly_also",
                    lang,
                    metrics=_join([_name(m, lang, "metric", lower=True) for m in others], lang),
                )
            # a fall of an outcome is bad; spikes and moves of spend are for a look (info)
            bad = outage or (direction == "down" and DIRECTIONS.get(lead_metric) == "higher")
            key = "outage" if outage else "anomaly"
            span = _day(run[0]) + ("" if len(run) == 1 else f"..{_day(run[-1])}")
            rows.append(
                _row(
                    "anomaly",
                    "bad" if bad else "info",
                    float(part["relative_deviation"].abs().max()),
                    _t(key, lang, **vals),
                    _t("act_" + key, lang, **vals),
                    top["value"],
                    lead_metric,
                    f"channel_daily, {where}, {'+'.join(sorted(metrics))}, {span} (STL + robust z)",
                    lang,
                )
            )
    return rows


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


def _channel_findings(
    channels: pd.DataFrame,
    budget: pd.DataFrame | None,
    trend: pd.DataFrame | None,
    month: str,
    region: str,
    lang: str,
) -> list[dict[str, Any]]:
    _need(
        channels,
        ["channel", "spend", "revenue", "roas", "marginal_roas", "fit_ok"],
        "channels",
        "mk.channel_review(data, month, region)",
    )
    if trend is not None:
        _need(
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
    if plan is not None and (plan["change"] > 0).any():
        raised = plan[plan["change"] > 0].reset_index()
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
        roas = _num(r["roas"])
        falling = k >= FALLING_MONTHS and roas < blended
        weak = roas < WEAK_ROAS_SHARE * blended
        if not (falling or weak):
            continue
        vals = {
            "channel": _name(name, lang, "channel"),
            "roas": fmt_number(roas, 2),
            "month": month,
            "revenue": fmt_money(r["revenue"], lang),
            "spend": fmt_money(r["spend"], lang),
            "blended": fmt_number(blended, 2),
            "streak": _t("channel_streak", lang, k=k, roas0=fmt_number(roas0, 2), month0=month0)
            if falling
            else "",
            "best": _name(target, lang, "channel") if target is not None else "—",
            "days": days,
        }
        size = 1 - roas / roas0 if falling else 1 - roas / blended
        if plan is not None and name in plan.index and plan.loc[name, "change"] < 0:
            vals["suggested"] = fmt_money(plan.loc[name, "suggested_spend"], lang)
            vals["change"] = fmt_change(plan.loc[name, "change_share"])
            action = _t("act_channel_cut_budget", lang, **vals)
        else:
            action = _t("act_channel_cut", lang, **vals)
        period = f"{month0}..{month}" if falling else month
        rows.append(
            _row(
                "channel",
                "bad",
                size,
                _t("channel_cut", lang, **vals),
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
            "channel": _name(name, lang, "channel"),
            "marginal": fmt_number(best["marginal_roas"], 2),
            "roas": fmt_number(best["roas"], 2),
            "month": month,
            "days": days,
        }
        if plan is not None and name in plan.index and plan.loc[name, "change"] > 0:
            vals["suggested"] = fmt_money(plan.loc[name, "suggested_spend"], lang)
            vals["common"] = fmt_number(budget.attrs.get("common_marginal_roas"), 2)
            action = _t("act_channel_grow_budget", lang, **vals)
        else:
            action = _t("act_channel_grow", lang, **vals)
        window = channels.attrs.get("window")
        span = f"{window[0]}..{window[1]}" if window else month
        rows.append(
            _row(
                "channel",
                "good",
                _num(best["marginal_roas"]) / blended - 1,
                _t("channel_grow", lang, **vals),
                action,
                best["marginal_roas"],
                "marginal_roas",
                f"channel_daily, {name}, response curve {span}, {region}",
                lang,
            )
        )
    return rows


def _budget_findings(budget: pd.DataFrame, region: str, lang: str) -> list[dict[str, Any]]:
    _need(
        budget,
        ["channel", "current_spend", "suggested_spend", "change", "expected_revenue_change"],
        "budget",
        "mk.budget_reallocation(channels)",
    )
    if budget.empty:
        return []
    b = budget.sort_values(["change", "channel"], kind="stable")
    total = _num(budget.attrs.get("total_budget", b["current_spend"].sum()))
    days = int(budget.attrs.get("days", 30))
    common = budget.attrs.get("common_marginal_roas")
    gain = _num(budget.attrs.get("expected_revenue_change", b["expected_revenue_change"].sum()))
    tol = 0.005 * total
    cut = b[b["change"] < -tol]
    raised = b[b["change"] > tol].sort_values(["change", "channel"], ascending=[False, True])
    window = budget.attrs.get("window")
    span = f"{window[0]}..{window[1]}" if window else ""
    source = f"channel_daily response curves {span}, {region}, {days}-day budget".replace("  ", " ")
    if cut.empty or raised.empty:
        return [
            _row(
                "budget",
                "info",
                0.0,
                _t("budget_balanced", lang, common=fmt_number(common, 2)),
                _t("act_budget_balanced", lang),
                0.0,
                "expected_revenue_change",
                source,
                lang,
            )
        ]
    moved = float(raised["change"].sum())
    vals = {
        "moved": fmt_money(moved, lang),
        "total": fmt_money(total, lang),
        "days": days,
        "share": fmt_percent(moved / total if total else float("nan"), 1),
        "cut": _list([_name(c, lang, "channel") for c in cut["channel"]], lang),
        "raised": _list([_name(c, lang, "channel") for c in raised["channel"]], lang),
        "gain": fmt_money(gain, lang),
    }
    return [
        _row(
            "budget",
            "good" if gain > 0 else "info",
            gain / total if total else 0.0,
            _t("budget_move", lang, **vals),
            _t("act_budget_move", lang, **vals),
            gain,
            "expected_revenue_change",
            source,
            lang,
        )
    ]


def _customer_findings(customers: Any, month: str, region: str, lang: str) -> list[dict]:
    if not isinstance(customers, Mapping) or "dormant" not in customers:
        raise InputError(
            "expected a dict with a 'dormant' table",
            table="customers",
            fix="pass the output of mktkit.customers.customer_review(data, month, region)",
        )
    dormant = customers["dormant"]
    _need(
        dormant,
        ["days_since_last", "orders", "revenue"],
        "customers['dormant']",
        "mktkit.customers.customer_review(data, month, region)",
    )
    if dormant.empty:
        return []
    revenue = float(dormant["revenue"].sum())
    layers = customers.get("layers")
    all_revenue = (
        float(layers["revenue"].sum())
        if isinstance(layers, pd.DataFrame) and "revenue" in layers
        else float("nan")
    )
    share = revenue / all_revenue if all_revenue else float("nan")
    n10 = int((dormant["orders"] >= 10).sum())
    vals = {
        "n": fmt_int(len(dormant), lang),
        "min_orders": int(dormant["orders"].min()),
        "min_days": int(dormant["days_since_last"].min()),
        "revenue": fmt_money(revenue, lang),
        "share": _t("dormant_share", lang, share=fmt_percent(share, 1))
        if np.isfinite(share)
        else "",
        "n10": fmt_int(n10, lang),
    }
    bad = not np.isfinite(share) or share >= DORMANT_REVENUE_SHARE
    return [
        _row(
            "customers",
            "bad" if bad else "info",
            share if np.isfinite(share) else 0.0,
            _t("dormant", lang, **vals),
            _t("act_dormant", lang, **vals),
            len(dormant),
            "dormant_customers",
            f"orders, {vals['min_orders']}+ orders and none for {vals['min_days']}+ days, "
            f"as of the end of {month}, {region}",
            lang,
        )
    ]


def _experiment_findings(experiments: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    _need(
        experiments,
        [
            "experiment",
            "variant",
            "is_control",
            "users",
            "conversion_rate",
            "lift",
            "p_value",
            "srm_p",
            "verdict",
        ],
        "experiments",
        "pd.concat([mk.ab_test(tests, experiment=x) for x in names])",
    )
    rows = []
    e = experiments.reset_index(drop=True)
    for name in sorted(e["experiment"].astype(str).unique()):
        arms = e[e["experiment"].astype(str) == name]
        control = arms[arms["is_control"].astype(bool)]
        if control.empty:
            continue
        c = control.iloc[0]
        for t in arms[~arms["is_control"].astype(bool)].to_dict("records"):
            verdict = str(t["verdict"])
            vals = {
                "experiment": name,
                "variant": _name(t["variant"], lang, lower=True),
                "rate_t": fmt_percent(t["conversion_rate"], 2),
                "rate_c": fmt_percent(c["conversion_rate"], 2),
                "lift": fmt_change(t["lift"]),
                "p": _fmt_p(t["p_value"]),
                "users": _join([fmt_int(u, lang) for u in arms["users"]], lang),
            }
            lift = _num(t["lift"])
            src = f"experiments, {name}: two-proportion z-test"
            if verdict == "srm":
                users = arms["users"].to_numpy(float)
                planned = (
                    arms["planned_share"].to_numpy(float)
                    if "planned_share" in arms
                    else np.full(len(arms), 1 / len(arms))
                )
                vals["plan"] = "/".join(fmt_number(s * 100, 0) for s in planned)
                unit = "" if lang == "en" else " 人"
                arm_text = [
                    f"{_name(v, lang, lower=True)} {fmt_int(u, lang)}{unit}"
                    for v, u in zip(arms["variant"], arms["users"], strict=True)
                ]
                vals["arms"] = _list(arm_text, lang)
                vals["p"] = _fmt_p(t["srm_p"])
                size = float(np.max(np.abs(users / users.sum() - planned) / planned))
                rows.append(
                    _row(
                        "experiment",
                        "bad",
                        size,
                        _t("exp_srm", lang, **vals),
                        _t("act_exp_srm", lang, **vals),
                        t["srm_p"],
                        "srm_p",
                        f"experiments, {name}: chi-square against the planned split",
                        lang,
                    )
                )
            elif verdict in ("win", "loss"):
                rows.append(
                    _row(
                        "experiment",
                        "good" if verdict == "win" else "bad",
                        abs(lift),
                        _t("exp_" + verdict, lang, **vals),
                        _t("act_exp_" + verdict, lang, **vals),
                        lift,
                        "lift",
                        src,
                        lang,
                    )
                )
            elif verdict == "interim":
                vals["users"] = fmt_int(arms["users"].sum(), lang)
                rows.append(
                    _row(
                        "experiment",
                        "info",
                        0.0,
                        _t("exp_interim", lang, **vals),
                        _t("act_exp_interim", lang, **vals),
                        arms["users"].sum(),
                        "users",
                        src,
                        lang,
                    )
                )
            else:
                rows.append(
                    _row(
                        "experiment",
                        "info",
                        0.0,
                        _t("exp_none", lang, **vals),
                        _t("act_exp_none", lang, **vals),
                        lift,
                        "lift",
                        src,
                        lang,
                    )
                )
    return rows


def _nps_findings(
    nps: pd.DataFrame | None,
    change: pd.DataFrame | None,
    leak: dict[str, Any] | None,
    month: str,
    lang: str,
) -> list[dict[str, Any]]:
    rows = []
    if nps is not None:
        _need(nps, ["region", "n", "nps", "moe"], "nps", 'mk.nps(responses, by="region")')
        t = nps.dropna(subset=["nps"]).sort_values(["nps", "region"], kind="stable")
        if len(t) >= 2:
            low, others = t.iloc[0], t.iloc[1:]
            period = nps.attrs.get("period", month)
            high = _num(low["nps"]) + _num(low["moe"])
            clear = bool(high < others["nps"].min())
            vals = {
                "region": _name(low["region"], lang, "region"),
                "period": period,
                "nps": fmt_number(low["nps"], 1),
                "moe": fmt_number(low["moe"], 1),
                "n": fmt_int(low["n"], lang),
                "lo": fmt_number(others["nps"].min(), 1),
                "hi": fmt_number(others["nps"].max(), 1),
                "overlap": "" if clear else _t("nps_overlap", lang),
            }
            rows.append(
                _row(
                    "nps",
                    "bad" if clear else "info",
                    (others["nps"].min() - low["nps"]) / 100,
                    _t("nps_low", lang, **vals),
                    _t("act_nps_low" if clear else "act_nps_low_info", lang, **vals),
                    low["nps"],
                    "nps",
                    f"nps, {period}, by region (margin of error at 95%)",
                    lang,
                )
            )
    if change is not None:
        _need(
            change,
            ["n_a", "nps_a", "n_b", "nps_b", "diff", "p_value"],
            "nps_change",
            "mk.compare_nps(before, after)",
        )
        if not change.empty:
            c = change.iloc[0]
            diff, p = _num(c["diff"]), _num(c["p_value"])
            significant = np.isfinite(p) and p < 0.05
            status = "info" if not significant else ("bad" if diff < 0 else "good")
            moved = "nps_moved" if not significant else ("nps_fell" if diff < 0 else "nps_rose")
            period_a = change.attrs.get("period_a", "a")
            period_b = change.attrs.get("period_b", "b")
            vals = {
                "moved": _t(moved, lang),
                "nps_a": fmt_number(c["nps_a"], 1),
                "nps_b": fmt_number(c["nps_b"], 1),
                "n_a": fmt_int(c["n_a"], lang),
                "n_b": fmt_int(c["n_b"], lang),
                "period_a": period_a,
                "period_b": period_b,
                "diff": fmt_number(diff, 1) if diff <= 0 else "+" + fmt_number(diff, 1),
                "p": _fmt_p(p),
            }
            if status == "bad" and leak is not None and period_b.startswith(_day(leak["since"])):
                action = _t(
                    "act_nps_leak",
                    lang,
                    since=_day(leak["since"]),
                    b_step=_name(leak["to_step"], lang, "event", lower=True),
                )
            elif status == "bad":
                action = _t("act_nps_fell", lang, **vals)
            else:
                action = _t("act_nps_other", lang)
            rows.append(
                _row(
                    "nps",
                    status,
                    abs(diff) / 100,
                    _t("nps_change", lang, **vals),
                    action,
                    c["nps_b"],
                    "nps",
                    f"nps, {period_a} vs {period_b}",
                    lang,
                )
            )
    return rows


def _rank(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        out = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
        return out.astype({"rank": "int64", "severity": "float64", "value": "float64"})
    f = pd.DataFrame(rows)
    f["severity"] = [
        round(STATUS_WEIGHT[s] * KIND_WEIGHT[k] * (1 + z), 6)
        for s, k, z in zip(f["status"], f["kind"], f["size"], strict=True)
    ]
    f["_kind"] = f["kind"].map({k: i for i, k in enumerate(KINDS)})
    f = f.sort_values(
        ["severity", "_kind", "source", "finding"],
        ascending=[False, True, True, True],
        kind="stable",
    ).reset_index(drop=True)
    f["rank"] = np.arange(1, len(f) + 1, dtype="int64")
    return f[list(COLUMNS)]


# ---------------------------------------------------------------------------------------------
# public API


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
        The columns of :data:`COLUMNS` (module docstring), one row per finding, ``rank``
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
        rows += _kpi_findings(kpis, month, lang)
    leak = None
    leak_p = float("nan")
    if leak_since is not None:
        _need(
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
        leak_p = _num(leak_since["p_value"].iloc[0]) if len(leak_since) else float("nan")
    if funnel is not None or leak is not None:
        rows += _funnel_findings(funnel, leak, leak_p, month, region, lang)
    if anomalies is not None:
        rows += _anomaly_findings(anomalies, region, lang)
    if channels is not None:
        rows += _channel_findings(channels, budget, channel_trend, month, region, lang)
    if budget is not None:
        rows += _budget_findings(budget, region, lang)
    if customers is not None:
        rows += _customer_findings(customers, month, region, lang)
    if experiments is not None:
        rows += _experiment_findings(experiments, lang)
    if nps is not None or nps_change is not None:
        rows += _nps_findings(nps, nps_change, leak, month, lang)
    out = _rank(rows)
    if top is not None:
        out = out.head(top)
    out.attrs.update(
        month=month,
        region=region,
        lang=lang,
        skipped=skipped,
        severity="STATUS_WEIGHT[status] x KIND_WEIGHT[kind] x (1 + size), size in [0, 1]; "
        "ties: kind order, source, finding",
    )
    return out


def _has(data: Any, key: str) -> bool:
    files = getattr(data, "files", None)
    if isinstance(files, Mapping) and key in files:
        return files[key].is_file()
    return key in data


def _period(first: pd.Timestamp, last: pd.Timestamp) -> str:
    return f"{_day(first)}..{_day(last)}"


def insights_for(
    data: Mapping[str, Any],
    month: str,
    region: str = "all",
    lang: str = "zh",
    top: int | None = None,
    events: Any = None,
    **computed: Any,
) -> pd.DataFrame:
    """Compute every input with the kit (as the monthly review does) and call :func:`insights`.

    ``events``: the event log to use instead of ``data["events"]``, e.g. a Spark DataFrame
    of a data lake's events (the funnel's leak onset then runs in Spark).
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
    folder without events, targets, NPS or experiments) are skipped.

    Examples
    --------
    >>> import mktkit as mk
    >>> f = insights_for(mk.load_sample(), "2026-10", lang="en", top=3)     # doctest: +SKIP
    >>> f["kind"].tolist()                                                 # doctest: +SKIP
    """
    import mktkit as mk
    from mktkit.customers import customer_review
    from mktkit.errors import select_region

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
    if "kpis" not in kw and _has(data, "kpi_targets"):
        kw["kpis"] = mk.kpi_review(data, month, region)
    leak = None
    if events is not None or _has(data, "events"):
        events = data["events"] if events is None else events
        steps = list(REVIEW_STEPS)
        if "funnel" not in kw:
            previous, current = mk.month_funnels(events, steps, month, region=region)
            kw["funnel"] = mk.compare_steps(previous, current)
        leaking = kw["funnel"].index[kw["funnel"]["new_leak"]].tolist()
        if leaking and "leak_since" not in kw:
            i = leaking[0]
            kw["leak_since"] = leak_onset(
                events, steps, steps[i - 1], steps[i], month, region=region
            )
        if kw.get("leak_since") is not None:
            leak = _leak_record(kw["leak_since"])
    if "channels" not in kw:
        kw["channels"] = mk.channel_review(data, month, region)
    if "budget" not in kw:
        kw["budget"] = mk.budget_reallocation(kw["channels"])
    cd = select_region(data["channel_daily"], region, table="channel_daily")
    months = month_labels(cd["date"])
    first_month = str(pd.Period(month, freq="M") - 12)
    recent = cd[(months >= first_month) & (months <= month)].assign(month=months)
    if "channel_trend" not in kw:
        kw["channel_trend"] = mk.channel_performance(recent, by=["month", "channel"])
    if "customers" not in kw:
        kw["customers"] = customer_review(data, month, region)
    if "experiments" not in kw and _has(data, "experiments"):
        tests = data["experiments"]
        kw["experiments"] = pd.concat(
            [mk.ab_test(tests, experiment=x) for x in tests["experiment"].unique()],
            ignore_index=True,
        )
    if "anomalies" not in kw:
        kw["anomalies"] = mk.anomaly_review(data, month, region)
    if _has(data, "nps") and not {"nps", "nps_change"} <= set(kw):
        answers = data["nps"]
        if region != "all":
            answers = answers[answers["region"] == region]
        year_start = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        year = answers[answers["date"].between(year_start, end)]
        if "nps" not in kw and year["region"].nunique() >= 2:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # small regions: the margin of error says it
                kw["nps"] = mk.nps(year, by="region")
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
            kw["nps_change"] = mk.compare_nps(a, b)
            kw["nps_change"].attrs.update(period_a=_period(*a_span), period_b=_period(*b_span))
    return insights(month=month, lang=lang, region=region, top=top, **kw)
