"""The findings' words: the zh/en sentence table and the helpers that fill and join it.

Every sentence of :func:`mktkit.insights.insights` is a :data:`TEXT` template filled with
numbers already formatted by :mod:`mktkit.formats`; the helpers here name codes (regions,
metrics, channels, funnel steps) in the reader's language, join lists, and finish a sentence.

Names come from :func:`mktkit.i18n.term`: the user's labels first, then the kit's; in Chinese
a name that begins or ends in Latin letters or digits (an unlabelled code) is quoted, so that
“online”新客数 never reads as one word. A sentence that speaks of one unit of money ("the next
yuan") names the current currency (:func:`mktkit.formats.use_currency`). p-values read
``p = 0.042`` or ``p < 0.001`` (:func:`p_text`).

Examples
--------
>>> print(sentence(phrase("budget_balanced", "en", common="1.85"), "en"))
The budget is balanced: every channel's next yuan returns about 1.85.
>>> natural_list(["Search", "Social", "Display"], "en"), natural_list(["搜索", "社交"], "zh")
('Search, Social and Display', '搜索、社交')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from mktkit.formats import P_FLOOR, fmt_p_value
from mktkit.i18n import LANGS, currency_words, term

__all__ = [
    "TEXT",
    "and_list",
    "dates_text",
    "day_text",
    "display_name",
    "join_list",
    "natural_list",
    "p_text",
    "phrase",
    "region_name",
    "sentence",
]

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
        "({pp}, {p})",
        "{a_step}→{b_step}转化率从 {prev} 的 {rate_a} 降至 {month} 的 {rate_b}（{pp}，{p}）",
    ),
    "funnel_since": (
        "; it dropped on {since}: {rate_before} before, {rate_after} since",
        "；自 {since} 起下降：此前 {rate_before}，此后 {rate_after}",
    ),
    "funnel_since_only": (
        "{a_step} → {b_step} conversion dropped on {since}: {rate_before} before, "
        "{rate_after} since ({p})",
        "{a_step}→{b_step}转化率自 {since} 起下降：此前 {rate_before}，此后 {rate_after}（{p}）",
    ),
    "act_funnel_leak": (
        "Find what changed at the {b_step} step{around} (releases, payment provider, error "
        "logs), fix it and follow the daily {a_low} → {b_step} conversion until it is back "
        "near {rate_back}",
        "排查{around}{b_step}环节的变更（版本发布、支付渠道、错误日志）并修复，"
        "每日跟踪{a_step}→{b_step}转化率直至恢复到 {rate_back} 左右",
    ),
    "around": (" around {since}", " {since} 前后"),
    "funnel_empty": (
        "No one in {month} went from {a_step} to {b_step} ({users} at {a_step}): the funnel's "
        "steps ({steps}) are likely not the event names of the data",
        "{month} 没有任何用户从{a_step}进入{b_step}（{a_step} {users} 人）：漏斗步骤（{steps}）"
        "很可能不是数据中的事件名",
    ),
    "act_funnel_empty": (
        "Name the data's own events as the funnel's steps (funnel: in mktkit.yaml, or "
        "-p funnel_steps=...) before reading the funnel",
        "先在 mktkit.yaml 的 funnel: 中（或用 -p funnel_steps=...）写明数据自己的事件名，再解读漏斗",
    ),
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
        "{channel} {month} 的 ROAS 为 {roas}（花费 {spend}，带来销售额 {revenue}），"
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
    "act_channel_cut_test": (
        "Test a cut of {channel} before making it: its spend never varied enough to show what "
        "less spend would lose (the budget section's spend test says how)",
        "先测试削减{channel}再做决定：其花费从未有足够变化，看不出少投会损失多少（预算部分的投放测试"
        "给出了做法）",
    ),
    "act_channel_cut": (
        "Cut {channel} spend and move it to {best}, whose next {currency_unit} returns most",
        "削减{channel}的花费，转投下一{currency_unit}回报最高的{best}",
    ),
    "channel_grow": (
        "{channel}'s next {currency_unit} returns {marginal} (marginal ROAS on its response "
        "curve), the most of all channels; its average ROAS was {roas} in {month}",
        "{channel}的边际 ROAS 为 {marginal}（响应曲线上下一{currency_unit}的回报），为各渠道最高；"
        "{month} 平均 ROAS 为 {roas}",
    ),
    "act_channel_grow_budget": (
        "Grow {channel} towards {suggested} per {days} days and check that its marginal ROAS "
        "stays above {common}",
        "将{channel}逐步提高至每 {days} 天 {suggested}，并确认其边际 ROAS 保持在 {common} 以上",
    ),
    "act_channel_grow": (
        "Grow {channel} step by step and check its marginal ROAS each month",
        "逐步加大{channel}的投放，并每月复核其边际 ROAS",
    ),
    "budget_move": (
        "Moving {moved} of the {total} budget per {days} days ({share}) from {cut} to {raised} "
        "is expected to add {gain} revenue ({level} interval {low} to {high}), from response "
        "curves fitted on {n_days} days (R² {r2}) in which spend varied by {cv} day to day",
        "将每 {days} 天预算 {total} 中的 {moved}（{share}）从{cut}转向{raised}，"
        "预计可增加销售额 {gain}（{level} 区间 {low} 至 {high}）；依据为 {n_days} 天数据拟合的"
        "响应曲线（R² {r2}），期间日花费波动 {cv}",
    ),
    "act_budget_move": (
        "Shift the budget in steps over the next month and re-fit the response curves after "
        "four weeks",
        "在下个月分步调整预算，四周后重新拟合响应曲线复核效果",
    ),
    "budget_flat": (
        "Spend never varied enough to see where extra spend stops paying: over {n_days} days "
        "{who} moved by only {cv} day to day, so no budget move is recommended",
        "投放花费变化太小，看不出追加花费从何处开始收益递减：{n_days} 天内{who}的日花费"
        "仅波动 {cv}，因此不建议调整预算",
    ),
    "budget_uncertain": (
        "The response curves would move {moved} of the {total} budget per {days} days from "
        "{cut} to {raised}, but the gain's {level} interval ({low} to {high}) includes zero: "
        "the data cannot tell it from no move, so the split stays",
        "响应曲线建议将每 {days} 天预算 {total} 中的 {moved} 从{cut}转向{raised}，但收益的 "
        "{level} 区间（{low} 至 {high}）包含零，无法与不调整区分，因此维持当前分配",
    ),
    "act_spend_test": (
        "Run a spend test on {channel}: alternate weeks at +{change} and −{change} of its "
        "spend ({high} and {low} a day) for {test_days} days ({days_per_arm} counted days per "
        "arm), enough to see the expected difference of {delta} revenue a day with {power} "
        "power at the observed day-to-day noise of {noise}",
        "对{channel}做投放测试：按周交替将花费提高 {change} 和降低 {change}（每天 {high} 与 "
        "{low}），共 {test_days} 天（每组计入 {days_per_arm} 天），足以在当前日波动 {noise} 下"
        "以 {power} 的把握看出预计每天 {delta} 的销售额差异",
    ),
    "act_budget_keep": (
        "Keep the split until a spend test or wider spend swings show the response",
        "维持当前预算分配，待投放测试或更大的花费波动显示响应后再调整",
    ),
    "budget_balanced": (
        "The budget is balanced: every channel's next {currency_unit} returns about {common}",
        "预算分配已均衡：各渠道下一{currency_unit}的回报均约为 {common}",
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
        "({lift} lift, {p}): a win",
        "实验 {experiment}：{variant}转化率 {rate_t}，对照组 {rate_c}（提升 {lift}，{p}），胜出",
    ),
    "act_exp_win": (
        "Roll {variant} of {experiment} out to all users and keep measuring conversion",
        "将 {experiment} 的{variant}方案推广至全部用户，并持续跟踪转化率",
    ),
    "exp_loss": (
        "Experiment {experiment}: {variant} converted {rate_t} against {rate_c} for control "
        "({lift}, {p}): worse than control",
        "实验 {experiment}：{variant}转化率 {rate_t}，对照组 {rate_c}（{lift}，{p}），不如对照组",
    ),
    "act_exp_loss": (
        "Keep control in {experiment} and drop {variant}",
        "{experiment} 保留对照方案，放弃{variant}方案",
    ),
    "exp_srm": (
        "Experiment {experiment} has a sample-ratio mismatch: {arms} users against a planned "
        "{plan} split (chi-square test, {p}), so its result ({lift} lift) cannot be trusted",
        "实验 {experiment} 存在样本比例失衡（SRM）：{arms}，计划比例 {plan}"
        "（卡方检验，{p}），其结果（提升 {lift}）不可信",
    ),
    "act_exp_srm": (
        "Do not ship on {experiment}: find why the split is off (assignment, redirects, bot "
        "filters), fix it and run the test again",
        "不要据 {experiment} 的结果上线：查明分流失衡的原因（分组逻辑、跳转、机器人过滤），"
        "修复后重新实验",
    ),
    "exp_none": (
        "Experiment {experiment}: no significant difference ({variant} {rate_t} against "
        "{rate_c} for control, {lift}, {p})",
        "实验 {experiment}：无显著差异（{variant} {rate_t}，对照组 {rate_c}，{lift}，{p}）",
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
        "{diff} points, {p}",
        "净推荐值 (NPS) 从 {nps_a}（{period_a}，n = {n_a}）{moved}至 {nps_b}（{period_b}，"
        "n = {n_b}），变化 {diff} 分，{p}",
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


def phrase(key: str, lang: str, **values: Any) -> str:
    """The :data:`TEXT` template ``key`` in ``lang``, filled with ``values``.

    Parameters
    ----------
    key : str
        A key of :data:`TEXT`.
    lang : {"en", "zh"}
        The language.
    **values
        The template's placeholders, already formatted. ``{currency_unit}`` is filled with
        one unit of the current currency ("yuan", "dollar"; 元, 美元) unless given.

    Returns
    -------
    str

    Examples
    --------
    >>> phrase("nps_overlap", "en")
    '; the intervals overlap, so the gap may be noise'
    >>> phrase("budget_balanced", "zh", common="1.85")
    '预算分配已均衡：各渠道下一元的回报均约为 1.85'
    """
    return TEXT[key][LANGS.index(lang)].format(**{**currency_words(lang), **values})


def sentence(text: str, lang: str) -> str:
    """First letter up (en) and the full stop of the language.

    Examples
    --------
    >>> sentence("keep the split", "en"), sentence("保持当前预算分配", "zh")
    ('Keep the split.', '保持当前预算分配。')
    """
    if lang == "en":
        text = text[:1].upper() + text[1:]
        return text if text.endswith(".") else text + "."
    return text if text.endswith("。") else text + "。"


def display_name(code: Any, lang: str, kind: str | None = None, *, lower: bool = False) -> str:
    """Display name of a code for a sentence; in English a common noun (``lower``) starts
    lower case, in Chinese a name that begins or ends in Latin letters or digits is quoted
    (:func:`mktkit.i18n.term`).

    Parameters
    ----------
    code : Any
        A code the kit labels (:func:`mktkit.i18n.label`): a region, metric, channel, step.
    lang : {"en", "zh"}
        The language.
    kind : str, optional
        The kind of code (``"region"``, ``"metric"``, ``"channel"``, ``"event"`` ...).
    lower : bool
        Start an English name with a small letter, unless it is an acronym (``CAC``).

    Returns
    -------
    str

    Examples
    --------
    >>> display_name("revenue", "en", "metric", lower=True)
    'revenue'
    >>> display_name("cac", "en", "metric", lower=True), display_name("east", "zh", "region")
    ('CAC', '华东')
    >>> display_name("online", "zh", "region") + display_name("new_customers", "zh", "metric")
    '“online”新客数'
    """
    text = term(code, lang, kind)
    if lang == "en" and lower and text[:1].isupper() and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    return text


def region_name(region: Any, lang: str) -> str:
    """Who a sentence is about: the company for ``"all"``, else the region's name.

    Examples
    --------
    >>> region_name("all", "en"), region_name("east", "zh")
    ('Company', '华东')
    """
    return phrase("company", lang) if region == "all" else display_name(region, lang, "region")


def join_list(items: Sequence[str], lang: str) -> str:
    """The items joined by the language's list separator (``a, b`` or ``a、b``)."""
    return phrase("list_sep", lang).join(items)


def and_list(items: Sequence[str], lang: str) -> str:
    """``a, b and c`` (en) or ``a、b 和 c`` (zh)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return phrase("list_sep", lang).join(items[:-1]) + phrase("and", lang) + items[-1]


def natural_list(items: Sequence[str], lang: str) -> str:
    """``a, b and c`` in English, ``a、b、c`` in Chinese."""
    return and_list(items, lang) if lang == "en" else join_list(items, lang)


def p_text(p: Any) -> str:
    """A p-value in a sentence: ``p = 0.042`` (three decimals), or ``p < 0.001`` below
    :data:`~mktkit.formats.P_FLOOR` (never ``p = 0.00``); a missing one ``p = —``.

    Examples
    --------
    >>> p_text(0.0421), p_text(6.7e-04), p_text(None)
    ('p = 0.042', 'p < 0.001', 'p = —')
    """
    shown = fmt_p_value(p)
    return f"p < {P_FLOOR}" if shown.startswith("<") else f"p = {shown}"


def day_text(x: Any) -> str:
    """A day as ``YYYY-MM-DD``."""
    return str(pd.Timestamp(x).date())


def dates_text(days: Sequence[pd.Timestamp], lang: str) -> str:
    """Up to three days listed (``a, b and c``); more as the span ``first..last``.

    Examples
    --------
    >>> days = pd.to_datetime(["2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06"])
    >>> dates_text(days[:2], "en"), dates_text(days, "en")
    ('2026-10-03 and 2026-10-04', '2026-10-03..2026-10-06')
    """
    shown = [day_text(d) for d in days]
    if len(shown) <= 3:
        return and_list(shown, lang)
    return f"{shown[0]}..{shown[-1]}"
