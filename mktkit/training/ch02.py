"""Exercises of notebook 02, funnels and AARRR: the journey funnel, its window, leaks, AARRR.

Each function is the model solution of one exercise of ``notebooks/02_funnels_and_aarrr.ipynb``
(and its Chinese twin), written as a learner writes it in the notebook; ``STEPS``, ``STAGES``
and ``ORDER`` are defined by the notebook with the same values.

Examples
--------
>>> STEPS[0], STEPS[-1]
('visit', 'purchase')
"""

import numpy as np  # noqa: F401  (the solutions may use np, as the notebook can)
import pandas as pd  # noqa: F401

import mktkit as mk
from mktkit.training.core import exercise

#: The web store's journey, in order (the notebook's ``STEPS``).
STEPS = ["visit", "view_product", "add_to_cart", "checkout", "purchase"]

#: The AARRR stages of the notebook: each is a condition on a visitor's events.
STAGES = {
    "acquisition": "visit",
    "activation": ["signup", "add_to_cart"],
    "retention": {"events": "visit", "min_days": 2},
    "referral": {"where": "channel IN ('kol', 'affiliate')"},
    "revenue": "purchase",
}

#: Revenue before referral: the order many shops use (the notebook's ``ORDER``).
ORDER = ["acquisition", "activation", "retention", "revenue", "referral"]


@exercise(
    "02.1",
    hint="Segment the 7-day funnel with by='channel' (the channel of the visit that starts "
    "each user's chain) and read the users of the last step in the search segment.",
    hint_zh="用 by='channel' 给 7 天窗口的漏斗分群（按每位用户链条起点那次访问的渠道），"
    "读 search 分群最后一步的用户数。",
)
def _ex_02_1(data):
    by_channel = mk.funnel(data["events"], STEPS, window="7D", by="channel")
    row = by_channel[(by_channel["channel"] == "search") & (by_channel["step"] == "purchase")]
    answer = row["users"].item()
    return answer


@exercise(
    "02.2",
    hint="mk.month_funnels(events, STEPS, '2026-10') returns the 2026-09 and 2026-10 funnels; "
    "the step conversion into the last step is its conversion_from_previous.",
    hint_zh="mk.month_funnels(events, STEPS, '2026-10') 返回 2026-09 和 2026-10 两个漏斗；"
    "进入最后一步的步骤转化率就是该行的 conversion_from_previous。",
    kind="mapping",
)
def _ex_02_2(data):
    previous, current = mk.month_funnels(data["events"], STEPS, "2026-10")
    answer = {
        "2026-09": previous.set_index("step").loc["purchase", "conversion_from_previous"],
        "2026-10": current.set_index("step").loc["purchase", "conversion_from_previous"],
    }
    return answer


@exercise(
    "02.3",
    hint="Pass the two month funnels to mk.compare_steps (September first) and read the step "
    "label of the row marked in the new_leak column; the biggest_leak column answers another "
    "question.",
    hint_zh="把两个月的漏斗传给 mk.compare_steps（九月在前），读 new_leak 列标记的那一行的"
    "步骤名；biggest_leak 列回答的是另一个问题。",
    kind="text",
)
def _ex_02_3(data):
    previous, current = mk.month_funnels(data["events"], STEPS, "2026-10")
    steps = mk.compare_steps(previous, current)
    answer = steps.loc[steps["new_leak"], "step"].item()
    return answer


@exercise(
    "02.4",
    hint="Pass order=ORDER to mk.aarrr and read conversion_from_first of the revenue stage.",
    hint_zh="给 mk.aarrr 传 order=ORDER，读 revenue 阶段的 conversion_from_first。",
)
def _ex_02_4(data):
    pirate = mk.aarrr(data["events"], STAGES, order=ORDER)
    answer = pirate.set_index("step").loc["revenue", "conversion_from_first"]
    return answer
