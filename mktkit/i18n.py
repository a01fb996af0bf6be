"""Labels in English and Chinese for everything a report shows, and what decides them: the
currency of the figures shown and the user's own labels of their codes.

Computation never carries display text: tables hold codes (``"east"``, ``"new_customers"``,
``"amber"``) and the presentation layer turns them into words with :func:`label`. The labels
are grouped by kind (table column, event, region, channel, device, metric, status, direction,
report vocabulary, strategy frameworks); :func:`label` searches all groups, or one with ``kind=``.

One code has two meanings: ``"search"`` is a paid channel (search ads, 搜索广告) and an event
(on-site search, 站内搜索). Without ``kind=`` it is the channel, because channel tables and
legends are where it is shown; ask for ``kind="event"`` for the event. Every other code means
the same thing in every group it appears in (``tests/test_i18n.py`` checks that).

Chinese terms are the standard ones of Chinese marketing and e-commerce reporting: 投放花费,
展示量, 点击量, 点击率, 转化率, 客单价, 新客数, 环比, 同比; ROI is 投资回报率 and ROAS is
广告支出回报率, never mixed up (docs/methods.md: never call ROAS "ROI"). Latin letters and
digits in a Chinese label stand apart from the Chinese characters (``"KPI 达成情况"``,
``"广告支出回报率 (ROAS)"``); :func:`glued_text` finds where they do not.

What is shown follows the data (a review sets both from its data folder):

- :func:`use_currency`: the currency of every amount shown (:func:`mktkit.formats.fmt_money`)
  and of the labels that name it (``"Average order value (USD)"``);
- :func:`use_labels`: the user's names for their own codes (``labels:`` of ``mktkit.yaml``,
  docs/data.md), which override the kit's;
- :func:`term`: a code's name for a sentence; in Chinese, a name that begins or ends in Latin
  letters or digits (an unlabelled code such as ``online``) is quoted, “online”, so that it is
  never glued to the Chinese words around it.

Both are applied at once and hold for the rest of the process (like a plot theme), or, used
as ``with`` blocks, until the block ends.

Examples
--------
>>> label("new_customers", "zh")
'新客数'
>>> label("search", "zh"), label("search", "zh", kind="event")
('搜索广告', '站内搜索')
>>> label("my_custom_metric", "zh")      # unknown codes come back unchanged
'my_custom_metric'
>>> with use_currency("USD"), use_labels({"online": {"zh": "线上商城", "en": "Online store"}}):
...     label("value_band", "en"), term("online", "zh"), term("test", "zh")
('Average order value (USD)', '线上商城', '“test”')
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from mktkit.errors import InputError, check_argument

#: Report languages: English and Simplified Chinese.
LANGS: tuple[str, ...] = ("en", "zh")

# kind -> code -> (en, zh). Codes are the values the data and the analysis functions use.
_GROUPS: dict[str, dict[str, tuple[str, str]]] = {
    # every column of every table in the data contract (docs/data.md), plus analysis outputs
    "column": {
        "date": ("Date", "日期"),
        "region": ("Region", "区域"),
        "channel": ("Channel", "渠道"),
        "spend": ("Spend", "投放花费"),
        "impressions": ("Impressions", "展示量"),
        "clicks": ("Clicks", "点击量"),
        "leads": ("Leads", "线索数"),
        "orders": ("Orders", "订单数"),
        "new_customers": ("New customers", "新客数"),
        "revenue": ("Revenue", "销售额"),
        "user_id": ("User ID", "用户 ID"),
        "ts": ("Time", "时间"),
        "event": ("Event", "事件"),
        "device": ("Device", "设备"),
        "customer_id": ("Customer ID", "客户 ID"),
        "signup_date": ("Sign-up date", "注册日期"),
        "acquisition_channel": ("Acquisition channel", "获客渠道"),
        "order_id": ("Order ID", "订单号"),
        "order_date": ("Order date", "下单日期"),
        "amount": ("Amount", "订单金额"),
        "month": ("Month", "月份"),
        "metric": ("Metric", "指标"),
        "target": ("Target", "目标值"),
        "direction": ("Direction", "方向"),
        "response_id": ("Response ID", "答卷 ID"),
        "score": ("Score", "得分"),
        "comment": ("Comment", "评价内容"),
        "experiment": ("Experiment", "实验"),
        "variant": ("Variant", "实验组"),
        "users": ("Users", "用户数"),
        "conversions": ("Conversions", "转化数"),
        "planned_share": ("Planned share", "计划流量占比"),
        "planned_users": ("Planned users", "计划样本量"),
        "campaign_id": ("Campaign ID", "活动 ID"),
        "name": ("Name", "名称"),
        "start": ("Start", "开始日期"),
        "end": ("End", "结束日期"),
        "budget": ("Budget", "预算"),
        "goal_metric": ("Goal metric", "目标指标"),
        "goal_value": ("Goal value", "目标值"),
        # outputs of the analysis functions (docs/methods.md)
        "actual": ("Actual", "实际值"),
        "attainment": ("Attainment", "达成率"),
        "pace": ("Pace", "进度"),
        "status": ("Status", "状态"),
        "step": ("Step", "步骤"),
        "step_index": ("Step no.", "步骤序号"),
        "conversion_from_previous": ("Conversion from previous step", "上一步转化率"),
        "conversion_from_first": ("Conversion from first step", "整体转化率"),
        "drop_off": ("Drop-off", "流失率"),
        "share": ("Share", "占比"),
        "value": ("Value", "数值"),
        "current": ("Current", "本期"),
        "previous": ("Previous", "上期"),
        "change": ("Change", "变化"),
        "change_pp": ("Change (pp)", "变化（百分点）"),
        "lift": ("Lift", "提升幅度"),
        "p_value": ("p-value", "p 值"),
        "p_adjusted": ("p-value (Holm-adjusted)", "p 值（Holm 校正）"),
        "ci_low": ("CI low", "置信区间下限"),
        "ci_high": ("CI high", "置信区间上限"),
        "expected": ("Expected", "预期值"),
        "deviation": ("Deviation", "偏差"),
        "reason": ("Reason", "原因"),
        "weight": ("Weight", "权重"),
        "rating": ("Rating", "评分"),
        "factor": ("Factor", "因素"),
        "quadrant": ("Quadrant", "象限"),
        "strategy": ("Strategy", "策略"),
        "uses": ("Uses", "依据因素"),
        "element": ("Element", "要素"),
        "gap": ("Gap", "差距"),
        "issues": ("Issues", "问题"),
        "owner": ("Owner", "负责人"),
        "due": ("Due", "截止日期"),
        "segment": ("Segment", "细分人群"),
        "recency": ("Recency (days)", "最近一次消费（天）"),
        "frequency": ("Frequency", "消费频次"),
        "monetary": ("Monetary", "消费金额"),
        "cohort": ("Cohort", "同期群"),
        "period": ("Period", "周期"),
        "complete": ("Complete", "完整"),
        "incomplete_period": ("Window still open", "转化窗口未结束"),
    },
    # event names, funnel order first, then the noise events
    "event": {
        "visit": ("Visit", "访问"),
        "view_product": ("View product", "浏览商品"),
        "add_to_cart": ("Add to cart", "加入购物车"),
        "checkout": ("Checkout", "提交订单"),
        "purchase": ("Purchase", "支付成功"),
        "search": ("Search", "站内搜索"),
        "signup": ("Sign-up", "注册"),
        "add_to_wishlist": ("Add to wishlist", "加入收藏"),
    },
    "region": {
        "east": ("East", "华东"),
        "south": ("South", "华南"),
        "north": ("North", "华北"),
        "west": ("West", "华西"),
        # kpi_targets uses region "all" for company-wide targets
        "all": ("All regions", "全部区域"),
    },
    "channel": {
        "search": ("Search", "搜索广告"),
        "social": ("Social", "社交媒体"),
        "video": ("Video", "视频广告"),
        "display": ("Display", "展示广告"),
        "kol": ("KOL", "达人营销"),
        "email": ("Email", "邮件营销"),
        "affiliate": ("Affiliate", "联盟营销"),
        "direct": ("Direct", "直接访问"),
    },
    "device": {
        "mobile": ("Mobile web", "移动网页端"),
        "desktop": ("Desktop", "PC 端"),
        "app": ("App", "App 端"),
    },
    # KPI metrics of kpi_targets and the channel/customer metrics of docs/methods.md
    "metric": {
        "revenue": ("Revenue", "销售额"),
        "orders": ("Orders", "订单数"),
        "new_customers": ("New customers", "新客数"),
        "spend": ("Spend", "投放花费"),
        "roas": ("ROAS", "广告支出回报率 (ROAS)"),
        "cac": ("CAC", "获客成本 (CAC)"),
        "conversion_rate": ("Conversion rate", "转化率"),
        "impressions": ("Impressions", "展示量"),
        "clicks": ("Clicks", "点击量"),
        "leads": ("Leads", "线索数"),
        "ctr": ("CTR", "点击率"),
        "cpc": ("CPC", "单次点击成本 (CPC)"),
        "cpm": ("CPM", "千次展示成本 (CPM)"),
        "cvr": ("Conversion rate", "转化率"),
        "cpa": ("CPA", "单次转化成本 (CPA)"),
        "roi": ("ROI", "投资回报率 (ROI)"),
        "aov": ("Average order value", "客单价"),
        "repurchase_rate": ("Repurchase rate", "复购率"),
        "retention": ("Retention", "留存率"),
        "nps": ("NPS", "净推荐值 (NPS)"),
        "promoters": ("Promoters", "推荐者"),
        "passives": ("Passives", "中立者"),
        "detractors": ("Detractors", "贬损者"),
        "moe": ("Margin of error", "误差范围"),
    },
    # RAG status of KPI attainment (docs/methods.md, "KPIs")
    "status": {
        "green": ("On track", "达标"),
        "amber": ("At risk", "预警"),
        "red": ("Off track", "未达标"),
        "grey": ("No data", "无数据"),
        "no target": ("No target", "无目标"),
    },
    "direction": {
        "higher": ("Higher is better", "越高越好"),
        "lower": ("Lower is better", "越低越好"),
    },
    # words of the report pages and chart titles
    "report": {
        "monthly_review": ("Monthly marketing review", "月度营销复盘"),
        "weekly_brief": ("Weekly brief", "营销周报"),
        "campaign_review": ("Campaign review", "活动复盘"),
        "strategy_workshop": ("Strategy workshop", "战略研讨会"),
        "headline_figures": ("Headline figures", "核心指标"),
        "headline": ("Headline figures", "核心指标"),
        "by_month": ("By month", "按月"),
        "by_region": ("By region", "按区域"),
        "by_channel": ("By channel", "按渠道"),
        "mom": ("Month over month", "环比"),
        "yoy": ("Year over year", "同比"),
        "wow": ("Week over week", "周环比"),
        "previous_month": ("Previous month", "上月"),
        "same_month_last_year": ("Same month last year", "去年同月"),
        "this_month": ("This month", "本月"),
        "month_to_date": ("Month to date", "本月至今"),
        "data_through": ("Data through", "数据截至"),
        "generated": ("Generated", "生成时间"),
        "parameters": ("Parameters", "参数"),
        "fingerprint": ("Report fingerprint", "报告指纹"),
        "versions": ("Versions", "版本"),
        "chart": ("Chart", "图表"),
        "all_regions": ("All regions", "全部区域"),
        "all_channels": ("All channels", "全部渠道"),
        "total": ("Total", "合计"),
        "average": ("Average", "平均值"),
        "median": ("Median", "中位数"),
        "day": ("Day", "日"),
        "week": ("Week", "周"),
        "year": ("Year", "年"),
        "weekday": ("Weekday", "工作日"),
        "weekend": ("Weekend", "周末"),
        "trend": ("Trend", "趋势"),
        "kpi_attainment": ("KPI attainment", "KPI 达成情况"),
        "channel_performance": ("Channel performance", "渠道表现"),
        "budget_reallocation": ("Budget reallocation", "预算再分配"),
        "suggested_share": ("Suggested share", "建议占比"),
        "current_share": ("Current share", "当前占比"),
        "funnel": ("Conversion funnel", "转化漏斗"),
        "biggest_leak": ("Biggest leak", "最大流失环节"),
        "new_leak": ("New leak", "新增流失"),
        "checkout_funnel": ("Checkout funnel", "购买转化漏斗"),
        "conversion_previous": ("Step conversion, previous month", "上月步骤转化率"),
        "conversion_this": ("Step conversion, this month", "本月步骤转化率"),
        "customers": ("Customers", "客户"),
        "cohort_retention": ("Cohort retention", "同期群留存"),
        "dormant_customers": ("Dormant customers", "沉睡客户"),
        "experiments": ("Experiments", "实验"),
        "control": ("Control", "对照组"),
        "treatment": ("Treatment", "实验组"),
        "significant": ("Significant", "显著"),
        "not_significant": ("Not significant", "不显著"),
        "interim": ("Interim", "中期结果"),
        "sample_ratio_mismatch": ("Sample-ratio mismatch", "样本比例失衡 (SRM)"),
        "confidence_interval": ("Confidence interval", "置信区间"),
        "anomalies": ("Anomalies", "异常"),
        "tracking_outage": ("Tracking outage", "埋点数据中断"),
        "survey": ("Customer survey", "客户调研"),
        "findings": ("Key findings", "主要发现"),
        "recommendations": ("Recommendations", "建议"),
        "actions": ("Actions", "行动项"),
        "notes": ("Notes", "备注"),
        "no_data": ("No data", "无数据"),
        "not_assessed": ("Not assessed", "未评估"),
        # weekly brief and campaign review (templates/weekly_brief, campaign_review;
        # mktkit.campaigns); lesson_* are sentence templates filled by campaign_lessons
        "week_pace": ("Month-to-date pace", "本月至今进度"),
        "anomalies_of_the_week": ("Anomalies of the week", "本周异常"),
        "no_anomalies_week": ("No anomalies this week", "本周无异常"),
        "as_of": ("As of", "截至"),
        "campaign": ("Campaign", "活动"),
        "goal": ("Goal", "目标"),
        "goal_and_result": ("Goal and result", "目标与结果"),
        "before_after": ("Before and after", "活动前后对比"),
        "channel_split": ("Channel split", "渠道结构"),
        "region_split": ("Split by region", "区域分布"),
        "lessons_learned": ("Lessons learned", "经验教训"),
        "before": ("Before", "活动前"),
        "during": ("During", "活动期间"),
        "after": ("After", "活动后"),
        "change_during": ("During vs before", "期间较活动前"),
        "change_after": ("After vs before", "活动后较活动前"),
        "met": ("Goal met", "已达成"),
        "missed": ("Goal missed", "未达成"),
        "running": ("Running", "进行中"),
        "not_started": ("Not started", "未开始"),
        "before_data": ("Starts before the data", "早于数据起始日"),
        "elapsed_days": ("Days elapsed", "已进行天数"),
        "no_end_date": ("no end date", "未设结束日期"),
        "no_nps_answers": ("No survey answers", "没有问卷回答"),
        "no_spend_month": (
            "No spend in this period: there is no return on spend to show",
            "本期没有投放花费，无法计算投放回报",
        ),
        "known_events_moves": (
            "Known events, kept out of the anomalies (against the expected value without "
            "them): {events}",
            "已知事件，不计入异常（相对于无该事件时的预期值）：{events}",
        ),
        "funnel_nobody_past_step_1": (
            "No one got past the funnel's first step in either month: its steps are likely "
            "not the data's event names (name them under funnel: in mktkit.yaml)",
            "两个月都没有用户走过漏斗的第一步：漏斗步骤很可能不是数据中的事件名"
            "（请在 mktkit.yaml 的 funnel: 中写明）",
        ),
        "total_days": ("Days planned", "计划天数"),
        "budget_to_date": ("Budget to date", "截至目前预算"),
        "budget_used": ("Budget used", "预算使用率"),
        "per_day": ("per day", "日均"),
        "window_mean": ("Mean of the window", "时段均值"),
        "spend_before": ("Spend per day, before", "活动前日均花费"),
        "spend_during": ("Spend per day, during", "活动期间日均花费"),
        "spend_change": ("Spend per day, change", "日均花费变化"),
        "revenue_before": ("Revenue per day, before", "活动前日均销售额"),
        "revenue_during": ("Revenue per day, during", "活动期间日均销售额"),
        "revenue_change": ("Revenue per day, change", "日均销售额变化"),
        "spend_share_before": ("Share of spend, before", "活动前花费占比"),
        "spend_share_during": ("Share of spend, during", "活动期间花费占比"),
        "revenue_share_before": ("Share of revenue, before", "活动前销售额占比"),
        "revenue_share_during": ("Share of revenue, during", "活动期间销售额占比"),
        "revenue_share_change_pp": ("Share of revenue, change", "销售额占比变化"),
        "roas_before": ("ROAS before", "活动前 ROAS"),
        "roas_during": ("ROAS during", "活动期间 ROAS"),
        "lesson_goal_met": (
            "Goal met: {metric} {actual} against a goal of {goal} ({attainment} attained).",
            "目标达成：{metric} {actual}，目标 {goal}（达成率 {attainment}）。",
        ),
        "lesson_goal_missed": (
            "Goal missed by {gap}: {metric} {actual} against a goal of {goal} "
            "({attainment} attained).",
            "目标未达成，差距 {gap}：{metric} {actual}，目标 {goal}（达成率 {attainment}）。",
        ),
        "lesson_running": (
            "Still running, day {elapsed} of {total}: {metric} {actual} so far, {pace} of the "
            "pace the goal of {goal} needs; at this rate it ends at {projected} "
            "({projected_attainment} of the goal).",
            "活动进行中（第 {elapsed}/{total} 天）：{metric}累计 {actual}，为目标 {goal} "
            "应达进度的 {pace}；按当前速度预计期末 {projected}（目标的 {projected_attainment}）。",
        ),
        "lesson_running_ratio": (
            "Still running, day {elapsed} of {total}: {metric} {actual} so far against a goal "
            "of {goal} ({attainment}).",
            "活动进行中（第 {elapsed}/{total} 天）：{metric} 目前为 {actual}，目标 {goal}"
            "（达成率 {attainment}）。",
        ),
        "lesson_roas_up": (
            "{channel} ROAS rose from {before} in the {days} days before to {during} during "
            "the campaign ({change}).",
            "{channel}的 ROAS 从活动前 {days} 天的 {before} 升至活动期间的 {during}（{change}）。",
        ),
        "lesson_roas_down": (
            "{channel} ROAS fell from {before} in the {days} days before to {during} during "
            "the campaign ({change}).",
            "{channel}的 ROAS 从活动前 {days} 天的 {before} 降至活动期间的 {during}（{change}）。",
        ),
        "lesson_no_before": (
            "The data begin with the campaign: there is no window before it to compare with.",
            "数据从活动开始时才有记录，无法与活动前对比。",
        ),
        "lesson_others_cannibal": (
            "Other channels' revenue per day fell {others} while {channel} rose {own}: part of "
            "the campaign's revenue may have come from them (cannibalisation).",
            "其他渠道日均销售额下降 {others}，而{channel}上升 {own}：活动的部分销售额可能来自"
            "其他渠道（蚕食效应）。",
        ),
        "lesson_others_fell": (
            "Other channels' revenue per day fell {others}, and {channel} changed {own_change}: "
            "a weak period for every channel.",
            "其他渠道日均销售额下降 {others}，{channel}变化 {own_change}：各渠道同处淡季。",
        ),
        "lesson_others_rose": (
            "Other channels' revenue per day rose {others} too ({channel}: {own_change}): part "
            "of the lift is the season or a wider promotion, not the campaign alone.",
            "其他渠道日均销售额同样上升 {others}（{channel}：{own_change}）：部分增长来自季节或"
            "整体促销，而非活动本身。",
        ),
        "lesson_others_rose_own_fell": (
            "Other channels' revenue per day rose {others} while {channel} changed "
            "{own_change}: the campaign channel lost ground to the others.",
            "其他渠道日均销售额上升 {others}，而{channel}变化 {own_change}：活动渠道相对其他"
            "渠道失去份额。",
        ),
        "lesson_others_steady": (
            "Other channels' revenue per day held steady ({others_change}) while {channel} "
            "changed {own_change}: the change is the campaign's own.",
            "其他渠道日均销售额基本持平（{others_change}），{channel}变化 {own_change}："
            "这一变化来自活动本身。",
        ),
        "lesson_cost_up": (
            "{cost} rose from {before} before to {during} during the campaign ({change}).",
            "{cost}从活动前的 {before} 升至活动期间的 {during}（{change}）。",
        ),
        "lesson_cost_down": (
            "{cost} fell from {before} before to {during} during the campaign ({change}).",
            "{cost}从活动前的 {before} 降至活动期间的 {during}（{change}）。",
        ),
        "lesson_after_lasting": (
            "In the {days} days after the end, {channel} revenue per day was {change} against "
            "the level before: a lasting lift.",
            "活动结束后 {days} 天，{channel}日均销售额较活动前 {change}：效果得以延续。",
        ),
        "lesson_after_faded": (
            "In the {days} days after the end, {channel} revenue per day was {change} against "
            "the level before: no lasting lift.",
            "活动结束后 {days} 天，{channel}日均销售额较活动前 {change}：效果未能延续。",
        ),
        "lesson_budget": (
            "Spent {spend} of the {budget} budget ({used}).",
            "花费 {spend}，预算 {budget}（使用 {used}）。",
        ),
        "lesson_budget_running": (
            "Spent {spend} of the {budget} budget to date ({used}).",
            "花费 {spend}，截至目前预算 {budget}（使用 {used}）。",
        ),
        "kept_not_identified": (
            "Spend kept: the data cannot show where its returns diminish ({note}); test it first",
            "维持花费：数据无法显示其收益从何处递减（{note}），请先做投放测试",
        ),
        "kept_gain_uncertain": (
            "Spend kept: the gain of moving money is within the noise (its interval includes 0)",
            "维持花费：调整预算的收益在噪声范围内（区间包含 0）",
        ),
        "not_identified": ("marginal return not identified", "边际回报无法识别"),
        "gain_interval": ("Interval", "区间"),
    },
    # strategy frameworks (SWOT/TOWS, IFE/EFE, 4P/7P); quadrant codes SO/ST/WO/WT stay codes
    "strategy": {
        "swot": ("SWOT analysis", "SWOT 分析"),
        "tows": ("TOWS matrix", "TOWS 矩阵"),
        "strengths": ("Strengths", "优势"),
        "weaknesses": ("Weaknesses", "劣势"),
        "opportunities": ("Opportunities", "机会"),
        "threats": ("Threats", "威胁"),
        "ife": ("Internal factor evaluation (IFE)", "内部因素评价矩阵 (IFE)"),
        "efe": ("External factor evaluation (EFE)", "外部因素评价矩阵 (EFE)"),
        "marketing_mix": ("Marketing mix", "营销组合"),
        "product": ("Product", "产品"),
        "price": ("Price", "价格"),
        "place": ("Place", "渠道"),
        "promotion": ("Promotion", "促销"),
        "people": ("People", "人员"),
        "process": ("Process", "流程"),
        "physical_evidence": ("Physical evidence", "有形展示"),
        # SWOT, TOWS, IFE/EFE, IE and SPACE (mktkit.strategy.swot)
        "evidence": ("Evidence", "证据"),
        "id": ("ID", "编号"),
        "source": ("Source", "来源"),
        "weighted_score": ("Weighted score", "加权得分"),
        "ie_matrix": ("Internal-External (IE) matrix", "内部-外部矩阵 (IE)"),
        "space_matrix": ("SPACE matrix", "战略地位与行动评价矩阵 (SPACE)"),
        "ife_total": ("IFE total", "IFE 总分"),
        "efe_total": ("EFE total", "EFE 总分"),
        "cell": ("Cell", "区域"),
        "below_average": ("below the 2.5 average", "低于平均水平 2.5"),
        "above_average": ("above the 2.5 average", "高于平均水平 2.5"),
        "at_average": ("at the 2.5 average", "等于平均水平 2.5"),
        "grow_and_build": ("Grow and build", "增长与建立"),
        "hold_and_maintain": ("Hold and maintain", "坚持与保持"),
        "harvest_or_divest": ("Harvest or divest", "收获或剥离"),
        "strong": ("Strong", "强"),
        "weak": ("Weak", "弱"),
        "high": ("High", "高"),
        "medium": ("Medium", "中"),
        "low": ("Low", "低"),
        "financial_strength": ("Financial strength (FS)", "财务优势 (FS)"),
        "industry_strength": ("Industry strength (IS)", "产业优势 (IS)"),
        "environmental_stability": ("Environmental stability (ES)", "环境稳定性 (ES)"),
        "competitive_advantage": ("Competitive advantage (CA)", "竞争优势 (CA)"),
        "aggressive": ("Aggressive", "进取型"),
        "conservative": ("Conservative", "保守型"),
        "defensive": ("Defensive", "防御型"),
        "competitive": ("Competitive", "竞争型"),
        "on_axis": ("On an axis", "位于坐标轴上"),
        "recommended_strategies": ("Strategies to consider", "可考虑的战略"),
        "posture_aggressive": (
            "Use internal strengths to seize external opportunities, overcome weaknesses and avoid threats",
            "利用内部优势把握外部机会，克服劣势、规避威胁",
        ),
        "posture_conservative": (
            "Stay close to basic competencies and do not take excessive risks",
            "立足核心能力，避免过度冒险",
        ),
        "posture_defensive": (
            "Rectify internal weaknesses and avoid external threats",
            "弥补内部劣势，规避外部威胁",
        ),
        "posture_competitive": (
            "Compete: strengthen the position in an attractive but unstable industry",
            "在有吸引力但不稳定的产业中巩固竞争地位",
        ),
        "posture_on_axis": (
            "On the boundary between postures: read the neighbouring quadrants",
            "位于态势分界线上：需参考相邻象限",
        ),
        "market_penetration": ("Market penetration", "市场渗透"),
        "market_development": ("Market development", "市场开发"),
        "product_development": ("Product development", "产品开发"),
        "backward_integration": ("Backward integration", "后向一体化"),
        "forward_integration": ("Forward integration", "前向一体化"),
        "horizontal_integration": ("Horizontal integration", "横向一体化"),
        "related_diversification": ("Related diversification", "相关多元化"),
        "unrelated_diversification": ("Unrelated diversification", "非相关多元化"),
        "retrenchment": ("Retrenchment", "收缩"),
        "divestiture": ("Divestiture", "剥离"),
        "liquidation": ("Liquidation", "清算"),
        "SO": ("SO: use strengths to seize opportunities", "SO：利用优势，把握机会"),
        "ST": ("ST: use strengths against threats", "ST：利用优势，应对威胁"),
        "WO": ("WO: fix weaknesses through opportunities", "WO：借助机会，弥补劣势"),
        "WT": ("WT: defend against threats, cut weaknesses", "WT：减少劣势，规避威胁"),
        "uncited_factors": ("Factors no strategy uses", "未被任何策略引用的因素"),
        "no_strategies": ("No strategies yet", "暂无策略"),
        "heuristic": ("heuristic", "经验性指标"),
        "decision": ("Current decision", "当前决策"),
        "kpis": ("Evidence KPIs", "佐证指标"),
        "mix_score": ("Weighted mix score", "营销组合加权得分"),
        "rated": ("Rated", "已评分"),
        "not_rated": ("Not rated", "未评分"),
        "completeness": ("Completeness", "完整性"),
        "missing": ("Missing", "缺失项"),
        "overdue": ("Overdue", "已逾期"),
    },
    "customers": {  # RFM, cohorts, NPS and experiments (customers, surveys, experiments)
        "repeat_customers": ("Repeat customers", "复购客户数"),
        "first_order": ("First order", "首次下单"),
        "last_order": ("Last order", "最近下单"),
        "days_since_last": ("Days since last order", "距上次下单天数"),
        "frequency_band": ("Orders per customer", "每客订单数"),
        "value_band": ("Average order value ({currency})", "客单价（{currency}）"),
        "srm_status": ("Sample ratio", "样本比例检查"),
        "verdict": ("Verdict", "结论"),
        "ok": ("OK", "正常"),
        "recency_days": ("Days since last order", "距上次购买天数"),
        "customer_share": ("Share of customers", "客户占比"),
        "Champions": ("Champions", "重要价值客户"),
        "Potential Loyalist": ("Potential loyalists", "潜在忠诚客户"),
        "Loyal Customers": ("Loyal customers", "忠诚客户"),
        "Promising": ("Promising", "有潜力客户"),
        "New Customers": ("New customers", "新客户"),
        "Can't Lose Them": ("Can't lose them", "重要挽留客户"),
        "At Risk": ("At risk", "流失风险客户"),
        "Need Attention": ("Need attention", "需关注客户"),
        "About To Sleep": ("About to sleep", "即将沉睡客户"),
        "Lost": ("Lost", "已流失客户"),
        "Others": ("Others", "其他"),
        "dormant": ("Dormant customers", "沉睡客户"),
        "reactivation_rate": ("Reactivation rate", "唤醒率"),
        "small_sample": ("Fewer than 30 answers", "样本少于 30 份"),
        "diff": ("Difference", "差值"),
        "srm": ("Sample-ratio mismatch", "样本比例失衡"),
        "not_enough_traffic": ("Not enough traffic", "流量不足"),
        "win": ("Win", "胜出"),
        "loss": ("Loss", "落后"),
        "no_difference": ("No significant difference", "无显著差异"),
    },
    "monitoring": {  # KPI, channel, budget and anomaly tables (mktkit.tables.monitoring)
        "expected_to_date": ("Expected to date", "应达进度"),
        "projected": ("Projected", "预计期末值"),
        "projected_attainment": ("Projected attainment", "预计达成率"),
        "required_daily": ("Required per day", "每日所需"),
        "judged_on_projection": ("status judged on the projection", "状态按预计期末值判断"),
        "kpi_pacing": ("Pacing to target", "目标进度"),
        "cumulative_actual": ("Actual to date", "累计实际值"),
        "straight_line_to_target": ("Straight line to target", "目标线性进度"),
        "run_rate_projection": ("Run-rate projection", "按当前速度预计"),
        "spend_share": ("Share of spend", "花费占比"),
        "revenue_share": ("Share of revenue", "销售额占比"),
        "marginal_roas": ("Marginal ROAS", "边际 ROAS"),
        "average_roas": ("Average ROAS", "平均 ROAS"),
        "current_spend": ("Current spend", "当前花费"),
        "daily_spend_now": ("Daily spend now", "当前日花费"),
        "spend_high": ("Daily spend, test weeks up", "测试加投周日花费"),
        "spend_low": ("Daily spend, test weeks down", "测试减投周日花费"),
        "expected_difference": ("Revenue difference to see, per day", "需识别的日销售额差异"),
        "noise_sd": ("Day-to-day noise of revenue", "日销售额波动（标准差）"),
        "days_per_arm": ("Days per arm", "每组天数"),
        "test_days": ("Days of the test", "测试总天数"),
        "spend_test": ("Spend test to run", "建议开展的投放测试"),
        "suggested_spend": ("Suggested spend", "建议花费"),
        "change_share": ("Change", "变化"),
        "expected_revenue_change": ("Expected revenue change", "预计销售额变化"),
        "channel_efficiency": ("Channel efficiency", "渠道效率"),
        "response_curves": ("Response curves", "响应曲线"),
        "break_even": ("Break-even (ROAS 1)", "盈亏平衡 (ROAS=1)"),
        "bubble_revenue": ("bubble size: revenue", "气泡大小：销售额"),
        "suggested": ("Suggested", "建议"),
        "spend_per_day": ("Spend per day", "日均花费"),
        "revenue_per_day": ("Revenue per day", "日均销售额"),
        "poor_fit": ("poor fit", "拟合不佳"),
        "kept_poor_fit": (
            "Spend kept: the response curve fits badly ({note}), so it cannot guide a move",
            "维持花费：响应曲线拟合不佳（{note}），无法据此调整",
        ),
        "raised_to_cap": (
            "Raised to the cap: the next {currency_unit} still returns {s} here, above the common level {lam}",
            "提高至上限：此处下一{currency_unit}仍带来 {s}，高于共同水平 {lam}",
        ),
        "cut_to_floor": (
            "Cut to the floor: the next {currency_unit} returns only {m}, below the common level {lam}",
            "降至下限：下一{currency_unit}仅带来 {m}，低于共同水平 {lam}",
        ),
        "raised_to_equal_margin": (
            "Raised until the next {currency_unit} returns {s}, as elsewhere",
            "提高至下一{currency_unit}回报 {s}，与其他渠道持平",
        ),
        "cut_to_equal_margin": (
            "Cut until the next {currency_unit} returns {s}, as elsewhere",
            "降低至下一{currency_unit}回报 {s}，与其他渠道持平",
        ),
        "unchanged": (
            "Unchanged: already at the common marginal return",
            "不变：边际回报已与其他渠道持平",
        ),
        "too_few_days": ("too few days", "天数太少"),
        "spend_flat": ("spend barely varied", "花费几乎无变化"),
        "no_convergence": ("the fit did not converge", "拟合未收敛"),
        "no_response": ("revenue does not rise with spend", "销售额未随花费上升"),
        "low_r2": ("low R²", "R² 过低"),
        "up": ("Spike", "异常升高"),
        "down": ("Drop", "异常下降"),
        "z": ("Robust z", "稳健 Z 值"),
        "relative_deviation": ("vs expected", "相对预期"),
        "no_anomalies": ("No anomalies in this month", "本月无异常"),
        "no_findings": ("Nothing stands out this period", "本期没有需要关注的发现"),
        "anomaly": ("Anomaly", "异常点"),
    },
}

#: Kinds of label, for ``kind=`` in :func:`label` and :func:`labels`.
KINDS: tuple[str, ...] = tuple(_GROUPS)

# Without kind=, the first group that has a code wins; "channel" comes before "event" so that
# the ambiguous "search" is the channel (see the module docstring).
_SEARCH_ORDER = ("column", "channel", "region", "device", "metric", "status", "direction",
                 "report", "strategy", "monitoring", "customers", "event")  # fmt: skip


def _flat(lang_index: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind in reversed(_SEARCH_ORDER):  # earlier groups overwrite later ones
        out.update({code: pair[lang_index] for code, pair in _GROUPS[kind].items()})
    return out


_FLAT = {lang: _flat(i) for i, lang in enumerate(LANGS)}


# ---------------------------------------------------------------------------------------------
# what is shown: the currency and the user's labels (module state, like matplotlib's rcParams:
# a review sets them once for the report; batch workers reset them with each review)

#: Currency code -> its name in labels and sentences: (en unit, zh name). The zh name is also
#: what a label's ``{currency}`` says in Chinese (``客单价（美元）``); other codes are written
#: as they are.
CURRENCY_NAMES: dict[str, tuple[str, str]] = {
    "CNY": ("yuan", "元"),
    "USD": ("dollar", "美元"),
    "EUR": ("euro", "欧元"),
    "GBP": ("pound", "英镑"),
    "HKD": ("Hong Kong dollar", "港元"),
    "JPY": ("yen", "日元"),
}

_SHOWN: dict[str, Any] = {"currency": "CNY", "labels": {}}


class Shown:
    """A setting of what is shown, already applied; a ``with`` block undoes it at its end.

    Returned by :func:`use_currency` and :func:`use_labels`, so that either works as a plain
    call (for the rest of the session) and as a context manager (for a block).
    """

    def __init__(self, key: str, value: Any) -> None:
        self.key, self.value, self.previous = key, value, _SHOWN[key]
        _SHOWN[key] = value

    def __enter__(self) -> Shown:
        return self

    def __exit__(self, *exc: object) -> None:
        _SHOWN[self.key] = self.previous

    def __repr__(self) -> str:
        shown = self.value if self.key == "currency" else f"{len(self.value)} label(s)"
        return f"<{self.key}: {shown}>"


def check_currency(code: Any) -> str:
    """``code`` as an ISO 4217 code in capitals, or :class:`~mktkit.errors.InputError`.

    Examples
    --------
    >>> check_currency("usd")
    'USD'
    """
    if code == "RMB":  # the common name, not the code
        raise InputError("RMB is not the ISO 4217 code of the yuan", column="currency",
                         fix="use 'CNY'")  # fmt: skip
    if not (isinstance(code, str) and re.fullmatch(r"[A-Za-z]{3}", code)):
        raise InputError(f"currency {code!r} is not an ISO 4217 code", column="currency",
                         fix="use a three-letter code such as 'CNY' or 'USD'")  # fmt: skip
    return code.upper()


def use_currency(code: str | None) -> Shown:
    """Show every amount, money axis and currency label in ``code`` from now on (or, as a
    ``with`` block, inside the block).

    Parameters
    ----------
    code : str or None
        ISO 4217 code (``"USD"``; lower case is accepted). None keeps the current currency, so
        a function can pass its own ``currency=None`` argument through.

    Returns
    -------
    Shown
        Already applied; a context manager that restores the previous currency.

    Raises
    ------
    InputError
        ``code`` is not a three-letter code (``"RMB"``: the code is CNY).

    Examples
    --------
    >>> with use_currency("USD"):
    ...     current_currency(), label("value_band", "zh")
    ('USD', '客单价（美元）')
    >>> current_currency()
    'CNY'
    """
    return Shown("currency", _SHOWN["currency"] if code is None else check_currency(code))


def current_currency() -> str:
    """The ISO 4217 code amounts are shown in (default CNY; :func:`use_currency`)."""
    return _SHOWN["currency"]


def currency_words(lang: str = "en", code: str | None = None) -> dict[str, str]:
    """The words that fill ``{currency}`` and ``{currency_unit}`` in labels and sentences.

    ``currency`` names the currency in a label (``"USD"`` in English, ``"美元"`` in Chinese);
    ``currency_unit`` is one unit of it in a sentence ("the next dollar", "下一美元"). A code
    without a name of its own is written as it is (set apart by spaces in Chinese).

    Examples
    --------
    >>> currency_words("en", "USD"), currency_words("zh")
    ({'currency': 'USD', 'currency_unit': 'dollar'}, {'currency': '元', 'currency_unit': '元'})
    >>> currency_words("zh", "SGD")["currency_unit"]
    ' SGD '
    """
    check_argument("lang", LANGS, lang)
    code = current_currency() if code is None else check_currency(code)
    unit, name = CURRENCY_NAMES.get(code, (code, f" {code} "))
    if lang == "en":
        return {"currency": code, "currency_unit": unit}
    return {"currency": name.strip(), "currency_unit": name}


_LABEL_LANGS = ("zh", "en")


def _label_error(mapping: Any, key: Any, problem: str, fix: str) -> InputError:
    line = getattr(mapping, "line_of", None)
    at = f"line {line(key)}: " if line is not None and line(key) else ""
    return InputError(at + problem, column=f"labels.{key}", fix=fix)


def _label_text(mapping: Any, code: str, value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _label_error(
            mapping,
            code,
            f"the label{where} is {value!r}, not text",
            "write the name as text, e.g. online: 线上商城 (quote a name YAML reads as a "
            "number or yes/no)",
        )
    return value.strip()


def check_labels(mapping: Mapping[Any, Any] | None) -> dict[str, tuple[str, str]]:
    """The ``labels:`` of a ``mktkit.yaml`` checked: code -> (en, zh).

    Each code (as spelled in the data) has either one text for both languages or a mapping
    with ``zh`` and/or ``en``; a language left out shows the other's text.

    Parameters
    ----------
    mapping : mapping or None
        ``{code: "name"}`` or ``{code: {"zh": ..., "en": ...}}``; None is no labels.

    Returns
    -------
    dict of str to (str, str)

    Raises
    ------
    InputError
        Naming the code and the fix: a code that is not text (YAML reads ``618`` as a number
        and ``no`` as false: quote them), a label that is empty or not text, a language other
        than ``zh`` and ``en``, a mapping with neither.

    Examples
    --------
    >>> check_labels({"online": {"zh": "线上商城", "en": "Online store"}, "tmall": "天猫"})
    {'online': ('Online store', '线上商城'), 'tmall': ('天猫', '天猫')}
    >>> check_labels({"online": {"cn": "线上"}})
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: labels.online: 'cn' is not a language of the reports. Fix: write the names under zh: and en:, e.g. online: {zh: 线上商城, en: Online store}
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise InputError(
            f"labels must map each code to its name, got {type(mapping).__name__}",
            column="labels",
            fix="write one code a line: online: {zh: 线上商城, en: Online store}",
        )
    out: dict[str, tuple[str, str]] = {}
    for code, value in mapping.items():
        if not isinstance(code, str) or not code.strip():
            raise _label_error(
                mapping,
                code,
                f"the code {code!r} is not text",
                f"write the code in quotes as the data spell it, e.g. '{code}': 名称",
            )
        if isinstance(value, Mapping):
            unknown = [k for k in value if k not in _LABEL_LANGS]
            if unknown or not value:
                raise _label_error(
                    mapping,
                    code,
                    f"{unknown[0]!r} is not a language of the reports"
                    if unknown
                    else "the label names no language",
                    f"write the names under zh: and en:, e.g. {code}: {{zh: 线上商城, en: "
                    "Online store}",
                )
            named = {k: _label_text(mapping, code, v, f" in {k}") for k, v in value.items()}
            en = named.get("en", named.get("zh"))
            zh = named.get("zh", named.get("en"))
            out[code] = (str(en), str(zh))
        else:
            text = _label_text(mapping, code, value, "")
            out[code] = (text, text)
    return out


def use_labels(mapping: Mapping[Any, Any] | None) -> Shown:
    """Show the user's names of their codes from now on (or inside a ``with`` block).

    They override the kit's labels for the codes they name, in every table, chart and
    sentence; the kit's labels hold for the rest. Another call replaces them (None or ``{}``:
    the kit's labels only).

    Parameters
    ----------
    mapping : mapping or None
        The ``labels:`` block of ``mktkit.yaml`` (:func:`check_labels` gives its format).

    Returns
    -------
    Shown
        Already applied; a context manager that restores the previous labels.

    Examples
    --------
    >>> with use_labels({"east": "华东大区", "online": {"en": "Online store"}}):
    ...     label("east", "zh"), label("online", "en"), label("online", "zh")
    ('华东大区', 'Online store', 'Online store')
    >>> label("east", "zh")
    '华东'
    """
    return Shown("labels", check_labels(mapping))


def user_labels() -> dict[str, tuple[str, str]]:
    """The user's labels in use (code -> (en, zh)), a copy."""
    return dict(_SHOWN["labels"])


def _check(lang: str, kind: str | None) -> None:
    check_argument("lang", LANGS, lang)
    if kind is not None:
        check_argument("kind", KINDS, kind)


def _filled(text: str, lang: str) -> str:
    if "{currency" not in text:
        return text
    words = currency_words(lang)
    return text.replace("{currency}", words["currency"]).replace(
        "{currency_unit}", words["currency_unit"]
    )


def label(key: Any, lang: str = "en", kind: str | None = None) -> Any:
    """The display label of ``key`` in ``lang``; ``key`` itself when it has none.

    Parameters
    ----------
    key : str
        A code from the data or the analysis output (``"new_customers"``, ``"east"``).
        Codes without a label (user-defined metrics, campaign names) come back unchanged,
        and so does anything that is not a string (NaN, numbers). The user's labels
        (:func:`use_labels`) come first.
    lang : {"en", "zh"}
        Language; anything else is an :class:`~mktkit.errors.InputError`.
    kind : str, optional
        Look only in one group (one of :data:`KINDS`), e.g. ``kind="event"`` for the event
        ``"search"``.

    Returns
    -------
    str or the unchanged key
        A label that names the currency names the current one (:func:`use_currency`).

    Examples
    --------
    >>> label("roas", "zh")
    '广告支出回报率 (ROAS)'
    >>> label("east", "en"), label("value_band", "en")
    ('East', 'Average order value (CNY)')
    """
    _check(lang, kind)
    if not isinstance(key, str):
        return key
    i = LANGS.index(lang)
    mine = _SHOWN["labels"].get(key)
    if mine is not None:
        return mine[i]
    if kind is None:
        return _filled(_FLAT[lang].get(key, key), lang)
    pair = _GROUPS[kind].get(key)
    return key if pair is None else _filled(pair[i], lang)


def labels(lang: str = "en", kind: str | None = None) -> dict[str, str]:
    """Every label in ``lang`` (a fresh dict, code -> label), or those of one ``kind``.

    The user's labels (:func:`use_labels`) are in it too (without ``kind``), or override the
    kit's of the group.

    Examples
    --------
    >>> labels("zh", kind="region")["south"]
    '华南'
    >>> len(labels("en")) > 100
    True
    """
    _check(lang, kind)
    codes = list(_FLAT[lang]) if kind is None else list(_GROUPS[kind])
    if kind is None:
        codes += [c for c in _SHOWN["labels"] if c not in _FLAT[lang]]
    return {code: label(code, lang, kind) for code in codes}


# Latin letters and digits at either end of a name: in Chinese such a name is quoted by term()
_LATIN_EDGE = re.compile(r"^[A-Za-z0-9]|[A-Za-z0-9]$")


def term(code: Any, lang: str = "en", kind: str | None = None) -> str:
    """A code's name as it stands in a sentence, next to other words.

    In Chinese, a name that begins or ends in a Latin letter or digit (an unlabelled code,
    ``online``; a brand, ``Tmall``) is quoted as a code, “online”, so that it never runs into
    the Chinese words around it ("“online”新客数", not "online新客数"). English keeps the name
    as it is; its sentences put spaces between words.

    Parameters
    ----------
    code : Any
        A code of the data or the kit (region, channel, event, variant, metric).
    lang : {"en", "zh"}
    kind : str, optional
        As in :func:`label`.

    Returns
    -------
    str

    Examples
    --------
    >>> term("east", "zh"), term("online", "zh"), term("online", "en")
    ('华东', '“online”', 'online')
    """
    text = str(label(code, lang, kind))
    if lang == "zh" and _LATIN_EDGE.search(text):
        return f"“{text}”"
    return text


_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_GLUED = re.compile(f"[A-Za-z0-9]+[{_HAN}]|[{_HAN}][A-Za-z0-9]+")

#: Where a digit may touch a Chinese character: the number units 万 and 亿 (``"¥1.23亿"``) and
#: 个百分点 (``"+1.2个百分点"``), written without a space by Chinese convention (GB/T 15835).
ACCEPTED_UNITS: tuple[str, ...] = ("万", "亿", "个百分点")

_ACCEPTED = re.compile(r"[0-9.]*[0-9](?:" + "|".join(ACCEPTED_UNITS) + ")")

# HTML to the text a reader sees: what no one sees goes, an inline tag joins the words around
# it (<strong>12</strong>位 reads "12位"), any other tag (a cell, a paragraph) parts them
_UNSEEN = re.compile(r"<(style|script|svg|head)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_INLINE = re.compile(r"</?(a|abbr|b|code|em|i|small|span|strong|sub|sup|u)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def glued_text(text: str, *, markup: bool = False) -> list[str]:
    """Where Latin letters or digits directly touch Chinese characters in ``text``.

    The check of a Chinese page: ``"online新客数"`` reads as one word; ``"“online”新客数"`` and
    ``"KPI 达成情况"`` do not. A number before one of :data:`ACCEPTED_UNITS` is accepted.

    Parameters
    ----------
    text : str
        A label, a sentence, or with ``markup`` a page's HTML.
    markup : bool
        Read ``text`` as HTML: styles, scripts and SVG are left out, inline tags (``strong``,
        ``span`` ...) join the text around them as a browser shows it, other tags (cells,
        paragraphs) part it, entities are decoded.

    Returns
    -------
    list of str
        Each glued place: the run of Latin letters or digits and the character it touches;
        empty when there is none.

    Examples
    --------
    >>> glued_text("online新客数，test转化率 12.3%")
    ['online新', 'test转']
    >>> glued_text("“online”新客数 ¥1.23亿，+1.2个百分点，KPI 达成情况")
    []
    >>> glued_text("<td>online</td><td>新客数</td><p><b>12</b>位</p>", markup=True)
    ['12位']
    """
    if markup:
        text = _TAG.sub(" ", _INLINE.sub("", _UNSEEN.sub(" ", text)))
        text = html.unescape(text)
    kept = _ACCEPTED.sub(lambda m: " " * len(m.group(0)), text)
    return [m.group(0) for m in _GLUED.finditer(kept)]
