"""Exercises of notebook 06, strategy: SWOT to TOWS, IFE/EFE, the IE matrix, 4P/7P.

Each function is the model solution of one exercise of ``notebooks/06_strategy.ipynb``; its
body is what the ``--solutions`` build shows, so it is written as notebook code using only
``mk``, ``pd``, ``np`` and ``data`` (the sample's swot.yaml is ``data.files["swot"]``).

Examples
--------
>>> from mktkit import training
>>> bool(training.check("06.2", "I"))
False
"""

import numpy as np  # noqa: F401  (the notebooks' namespace: solutions may use it)
import pandas as pd  # noqa: F401

import mktkit as mk
from mktkit.training.core import exercise


@exercise(
    "06.1",
    hint="swot.ife() scores each strength and weakness (weight x rating); the total is in "
    ".attrs['total'] (or the sum of the score column).",
    hint_zh="swot.ife() 为每个优势和劣势打分（权重 × 评分）；总分在 .attrs['total']"
    "（或 score 列之和）。",
)
def _ex_06_1(data):
    swot = mk.SWOT.from_yaml(data.files["swot"])
    answer = swot.ife().attrs["total"]
    return answer


@exercise(
    "06.2",
    hint="mk.ie_matrix(swot.ife(), swot.efe()) places the two totals; its .cell is the roman "
    "numeral.",
    hint_zh="mk.ie_matrix(swot.ife(), swot.efe()) 根据两个总分定位；.cell 是罗马数字。",
    kind="text",
)
def _ex_06_2(data):
    swot = mk.SWOT.from_yaml(data.files["swot"])
    answer = mk.ie_matrix(swot.ife(), swot.efe()).cell
    return answer


@exercise(
    "06.3",
    hint="swot.tows() lists each strategy with the factor ids in uses; collect the ids used "
    "and keep the SWOT ids that are not among them (or read .attrs['uncited']).",
    hint_zh="swot.tows() 的 uses 列出每条策略用到的因素编号；收集这些编号，"
    "找出没有出现的 SWOT 编号（或读 .attrs['uncited']）。",
    kind="set",
)
def _ex_06_3(data):
    swot = mk.SWOT.from_yaml(data.files["swot"])
    used = {factor for uses in swot.tows()["uses"] for factor in uses}
    answer = [item.id for item in swot.items if item.id not in used]
    return answer


@exercise(
    "06.4",
    hint="mix.actions(as_of=...) lists every action with its due date and an overdue column; "
    "keep the elements of the overdue rows.",
    hint_zh="mix.actions(as_of=...) 列出每项行动的截止日期和 overdue 列；取逾期行的要素。",
    kind="set",
)
def _ex_06_4(data):
    mix = mk.MarketingMix.from_yaml(data.files["marketing_mix"])
    actions = mix.actions(as_of="2026-11-20")
    answer = sorted(actions.loc[actions["overdue"], "element"])
    return answer


@exercise(
    "06.5",
    hint="In mix.scorecard(), multiply each element's weight by its gap (target - score) and "
    "take the element with the largest product.",
    hint_zh="在 mix.scorecard() 里，把每个要素的权重乘以差距（目标 - 得分），取乘积最大的要素。",
    kind="text",
)
def _ex_06_5(data):
    mix = mk.MarketingMix.from_yaml(data.files["marketing_mix"])
    card = mix.scorecard().set_index("element")
    answer = (card["weight"] * card["gap"]).idxmax()
    return answer
