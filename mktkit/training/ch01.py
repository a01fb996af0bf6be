"""Exercises of notebook 01, goals and KPIs: SMART goals, attainment, RAG status, pacing.

Each function is the model solution of one exercise of ``notebooks/01_goals_and_kpis.ipynb``
(and its Chinese twin), written as a learner writes it in the notebook; ``GOALS`` is the list
of goal records the notebook defines before exercise 01.1.

Examples
--------
>>> from mktkit import training
>>> training.check("01.1", {"G0"}).ok
False
"""

import numpy as np  # noqa: F401  (the solutions may use np, as the notebook can)
import pandas as pd  # noqa: F401

import mktkit as mk
from mktkit.training.core import exercise

#: The goal records of exercise 01.1 (the notebook defines the same list).
GOALS = [
    {
        "goal": "G1",
        "text": "Grow November revenue to 1.15 M CNY",
        "metric": "revenue",
        "direction": "higher",
        "target": 1_150_000,
        "baseline": 1_082_000,
        "owner": "E-commerce lead",
        "start": "2026-11-01",
        "end": "2026-11-30",
    },
    {
        "goal": "G2",
        "text": "Improve brand awareness",
        "metric": "brand_awareness",
        "direction": "higher",
        "owner": "Brand team",
    },
    {
        "goal": "G3",
        "text": "Cut east CAC to 120 CNY by the end of the year",
        "metric": "cac",
        "direction": "lower",
        "target": 120,
        "baseline": 148,
        "owner": "",
        "start": "2026-11-01",
        "end": "2026-12-31",
    },
    {
        "goal": "G4",
        "text": "Double new customers next month",
        "metric": "new_customers",
        "direction": "higher",
        "target": 4_500,
        "baseline": 2_224,
        "owner": "Growth team",
        "start": "2026-11-01",
        "end": "2026-11-30",
    },
    {
        "goal": "G5",
        "text": "Lift ROAS to 3.2",
        "metric": "roas",
        "direction": "higher",
        "target": 3.2,
        "baseline": 2.91,
        "owner": "Performance team",
        "start": "2026-12-31",
        "end": "2026-11-01",
    },
    {
        "goal": "G6",
        "text": "Raise the paid-traffic conversion rate to 1.6 %",
        "metric": "conversion_rate",
        "direction": "higher",
        "target": 0.016,
        "baseline": 0.0146,
        "owner": "CRO team",
        "start": "2026-11-01",
        "end": "2027-01-31",
    },
]


@exercise(
    "01.1",
    hint="Run mk.smart_check on GOALS and keep the goals whose smart column is False.",
    hint_zh="对 GOALS 运行 mk.smart_check，保留 smart 列为 False 的目标。",
    kind="set",
)
def _ex_01_1(data):
    check = mk.smart_check(GOALS)
    answer = set(check.loc[~check["smart"], "goal"])
    return answer


@exercise(
    "01.2",
    hint="Sum the north orders of 2026-10 (all channels, direct included) and divide by the "
    "north revenue target of kpi_targets; revenue is higher-is-better.",
    hint_zh="把 2026-10 北区的订单金额加总（所有渠道，含直接访问），除以 kpi_targets 中北区的"
    "销售额目标；销售额越高越好。",
)
def _ex_01_2(data):
    orders = data["orders"]
    in_month = orders["order_date"].dt.strftime("%Y-%m") == "2026-10"
    actual = orders.loc[in_month & (orders["region"] == "north"), "amount"].sum()
    targets = data["kpi_targets"]
    target = targets.query("month == '2026-10' and region == 'north' and metric == 'revenue'")
    answer = actual / target["target"].item()
    return answer


@exercise(
    "01.3",
    hint="CAC = channel_daily spend / channel_daily new_customers for east in 2026-10. CAC is "
    "lower-is-better, so attainment is target / actual, not actual / target.",
    hint_zh="获客成本 CAC = 2026-10 东区 channel_daily 的花费 / 新客数。CAC 越低越好，"
    "所以达成率是 目标 / 实际，而不是 实际 / 目标。",
)
def _ex_01_3(data):
    cd = data["channel_daily"]
    east = cd[(cd["date"].dt.strftime("%Y-%m") == "2026-10") & (cd["region"] == "east")]
    actual = east["spend"].sum() / east["new_customers"].sum()
    targets = data["kpi_targets"]
    target = targets.query("month == '2026-10' and region == 'east' and metric == 'cac'")
    answer = target["target"].item() / actual  # lower is better: target / actual
    return answer


@exercise(
    "01.4",
    hint="mk.kpi_review(data, '2026-10') lists the company and every region; keep the rows "
    "whose status is red and pair their region with their metric.",
    hint_zh="mk.kpi_review(data, '2026-10') 列出公司整体和每个区域；保留状态为红色的行，"
    "把它们的区域和指标配成一对。",
    kind="set",
)
def _ex_01_4(data):
    review = mk.kpi_review(data, "2026-10")
    red = review[review["status"] == "red"]
    answer = set(zip(red["region"], red["metric"], strict=True))
    return answer


@exercise(
    "01.5",
    hint="Month-to-date actuals: mk.kpi_actuals(..., as_of='2026-10-15'); then "
    "mk.kpi_attainment(actuals, targets, as_of='2026-10-15') and read the pace column.",
    hint_zh="截至当日的实际值：mk.kpi_actuals(..., as_of='2026-10-15')；再用 "
    "mk.kpi_attainment(actuals, targets, as_of='2026-10-15')，读 pace 列。",
)
def _ex_01_5(data):
    as_of = "2026-10-15"
    actuals = mk.kpi_actuals(data, "2026-10", "north", as_of=as_of)
    targets = data["kpi_targets"].query("month == '2026-10' and region == 'north'")
    pacing = mk.kpi_attainment(actuals, targets, as_of=as_of)
    answer = pacing.set_index("metric").loc["revenue", "pace"]
    return answer
