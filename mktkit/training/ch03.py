"""Exercises of notebook 03, channels and budget: the CTR-to-ROAS chain, average against
marginal ROAS, response curves and budget reallocation.

Each function is the model solution of one exercise of ``notebooks/03_channels_and_budget.ipynb``
(and its Chinese twin), written as a learner writes it in the notebook.

Examples
--------
>>> from mktkit import training
>>> training.check("03.2", "ctr").ok
False
"""

import numpy as np  # noqa: F401  (the solutions may use np, as the notebook can)
import pandas as pd  # noqa: F401

import mktkit as mk
from mktkit.training.core import exercise


@exercise(
    "03.1",
    hint="Keep the channel_daily rows of 2026-10, pass them to mk.channel_performance and read "
    "the roas of the display row (revenue / spend of that month only).",
    hint_zh="保留 2026-10 的 channel_daily 行，传给 mk.channel_performance，读 display 行的 "
    "roas（只算这一个月的销售额 / 花费）。",
)
def _ex_03_1(data):
    cd = data["channel_daily"]
    october = cd[cd["date"].dt.strftime("%Y-%m") == "2026-10"]
    perf = mk.channel_performance(october)
    answer = perf.set_index("channel").loc["display", "roas"]
    return answer


@exercise(
    "03.2",
    hint="Compute each link (click-through, cost per click, click-to-order, order value) for "
    "display in both months and divide 2026-10 by 2025-10; a cost that rises is a worsening, "
    "so turn the cost ratio round before you pick the worst link.",
    hint_zh="分别算出 display 两个月的每一环（点击率、单次点击成本、点击到下单的转化率、"
    "客单价），用 2026-10 除以 2025-10；成本上升是变差，比较前先把成本的比值倒过来。",
    kind="text",
)
def _ex_03_2(data):
    cd = data["channel_daily"]
    monthly = mk.channel_performance(
        cd.assign(month=cd["date"].dt.strftime("%Y-%m")), by=["month", "channel"]
    )
    display = monthly[monthly["channel"] == "display"].set_index("month")
    display["aov"] = display["revenue"] / display["orders"]
    links = ["ctr", "cpc", "cvr", "aov"]
    ratio = display.loc["2026-10", links] / display.loc["2025-10", links]
    ratio["cpc"] = 1 / ratio["cpc"]  # a cost: below 1 now means it got more expensive
    answer = ratio.astype(float).idxmin()
    return answer


@exercise(
    "03.3",
    hint="mk.marginal_roas(channel_daily, before='2025-10', after='2026-10') compares revenue "
    "and spend per day; pick the channel with the largest marginal_roas (NaN means the spend "
    "hardly moved).",
    hint_zh="mk.marginal_roas(channel_daily, before='2025-10', after='2026-10') 按日均比较"
    "销售额和花费；选 marginal_roas 最大的渠道（NaN 表示花费几乎没变）。",
    kind="text",
)
def _ex_03_3(data):
    marginal = mk.marginal_roas(data["channel_daily"], before="2025-10", after="2026-10")
    answer = marginal.loc[marginal["marginal_roas"].idxmax(), "channel"]
    return answer


@exercise(
    "03.4",
    hint="Fit the curves with mk.response_curves(cd) and keep the channels whose fit_note is "
    "'spend_flat' (their spend_cv is below 10 %).",
    hint_zh="用 mk.response_curves(cd) 拟合曲线，保留 fit_note 为 'spend_flat' 的渠道"
    "（spend_cv 低于 10 %）。",
    kind="set",
)
def _ex_03_4(data):
    curves = mk.response_curves(data["channel_daily"])
    answer = set(curves.loc[curves["fit_note"] == "spend_flat", "channel"])
    return answer
