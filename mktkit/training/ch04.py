"""Exercises of notebook 04, customers: RFM layering, cohorts, repurchase, dormancy, win-back.

Each function is the model solution of one exercise of ``notebooks/04_customers.ipynb``; its
body is what the ``--solutions`` build shows, so it is written as notebook code using only
``mk``, ``pd``, ``np`` and ``data`` (``data = mk.load_sample()``).

Examples
--------
>>> from mktkit import training
>>> bool(training.check("04.1", 0.5))          # far from the sample's repurchase rate
False
"""

import numpy as np  # noqa: F401  (the notebooks' namespace: solutions may use it)
import pandas as pd

import mktkit as mk
from mktkit.training.core import exercise


@exercise(
    "04.1",
    hint="Use mk.repurchase_rate on the orders with window=(first day, last day) of the twelve "
    "months; the rate is in the repurchase_rate column.",
    hint_zh="对订单表使用 mk.repurchase_rate，window=(十二个月的第一天, 最后一天)；"
    "复购率在 repurchase_rate 列。",
)
def _ex_04_1(data):
    result = mk.repurchase_rate(data["orders"], window=("2025-11-01", "2026-10-31"))
    answer = result.loc[0, "repurchase_rate"]
    return answer


@exercise(
    "04.2",
    hint="Score the customers with mk.rfm(orders, as_of=...) at that snapshot, summarise with "
    "mk.rfm_summary and compare the revenue column of the segments.",
    hint_zh="用 mk.rfm(orders, as_of=...) 按该快照日给客户打分，再用 mk.rfm_summary 汇总，"
    "比较各分群的 revenue 列。",
    kind="text",
)
def _ex_04_2(data):
    scores = mk.rfm(data["orders"], as_of="2025-10-31")
    summary = mk.rfm_summary(scores)
    answer = summary.loc[summary["revenue"].idxmax(), "segment"]
    return answer


@exercise(
    "04.3",
    hint="Build the triangle with mk.cohort_retention(orders): rows are first-order months, "
    "columns the months since; read row 2025-11, column 1.",
    hint_zh="用 mk.cohort_retention(orders) 生成留存三角：行是首单月份，列是之后第几个月；"
    "读 2025-11 行、第 1 列。",
)
def _ex_04_3(data):
    triangle = mk.cohort_retention(data["orders"])
    answer = triangle.loc["2025-11", 1]
    return answer


@exercise(
    "04.4",
    hint="mk.dormant_customers(orders, days=..., as_of='2026-10-31', min_orders=3): 'none "
    "after 2026-06-30' means at least as many days as lie between 2026-06-30 and 2026-10-31.",
    hint_zh="mk.dormant_customers(orders, days=..., as_of='2026-10-31', min_orders=3)："
    "“2026-06-30 之后没有下单”即沉睡天数不少于 2026-06-30 到 2026-10-31 之间的天数。",
)
def _ex_04_4(data):
    days = (pd.Timestamp("2026-10-31") - pd.Timestamp("2026-06-30")).days
    dormant = mk.dormant_customers(data["orders"], days=days, as_of="2026-10-31", min_orders=3)
    answer = len(dormant)
    return answer


@exercise(
    "04.5",
    hint="mk.reactivation(orders, campaign_start, window=number of campaign days, days=90); "
    "take the campaign's start and end from the campaigns table (both days count).",
    hint_zh="mk.reactivation(orders, campaign_start, window=活动天数, days=90)；"
    "活动起止日期见 campaigns 表（首尾两天都算）。",
)
def _ex_04_5(data):
    campaign = data["campaigns"].set_index("campaign_id").loc["CMP05"]
    days = (campaign["end"] - campaign["start"]).days + 1
    result = mk.reactivation(data["orders"], campaign["start"], window=days, days=90)
    answer = result.loc[0, "reactivation_rate"]
    return answer
