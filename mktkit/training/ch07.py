"""Exercises of notebook 07, the monthly review: headline, KPIs, anomalies, the retrospective.

Each function is the model solution of one exercise of ``notebooks/07_monthly_review.ipynb``;
its body is what the ``--solutions`` build shows, so it is written as notebook code using only
``mk``, ``pd``, ``np`` and ``data``.

Examples
--------
>>> from mktkit import training
>>> bool(training.check("07.3", "west"))
False
"""

import numpy as np  # noqa: F401  (the notebooks' namespace: solutions may use it)
import pandas as pd  # noqa: F401

import mktkit as mk
from mktkit.training.core import exercise


@exercise(
    "07.1",
    hint="mk.headline(data, month, region) has one row per metric; read change_vs_last_year of "
    "the revenue row.",
    hint_zh="mk.headline(data, month, region) 每个指标一行；读 revenue 行的 change_vs_last_year。",
)
def _ex_07_1(data):
    headline = mk.headline(data, "2026-10", "west").set_index("metric")
    answer = headline.loc["revenue", "change_vs_last_year"]
    return answer


@exercise(
    "07.2",
    hint="mk.kpi_review(data, month) lists the company rows and every region's; count the rows "
    "whose status is not green (amber and red both count).",
    hint_zh="mk.kpi_review(data, month) 列出公司整体和每个区域的行；"
    "数一数 status 不是 green 的行（amber 和 red 都算）。",
)
def _ex_07_2(data):
    kpis = mk.kpi_review(data, "2026-08")
    answer = int((kpis["status"] != "green").sum())
    return answer


@exercise(
    "07.3",
    hint="mk.anomaly_review(data, month) returns the month's flags; the size column is the "
    "robust z-score without its sign: take the region of the largest.",
    hint_zh="mk.anomaly_review(data, month) 返回当月的异常；size 列是去掉正负号的稳健 z 分数："
    "取最大那一行的区域。",
    kind="text",
)
def _ex_07_3(data):
    flags = mk.anomaly_review(data, "2026-08")
    answer = flags.loc[flags["size"].idxmax(), "region"]
    return answer


@exercise(
    "07.4",
    hint="Take north's revenue target of 2026-10 from mk.kpi_review(data, '2026-10') and the "
    "revenue of the same month last year from mk.headline(data, '2026-10', 'north') "
    "(last_year column); answer target / last year - 1.",
    hint_zh="从 mk.kpi_review(data, '2026-10') 取 north 的收入目标，"
    "从 mk.headline(data, '2026-10', 'north') 的 last_year 列取去年同月收入；答案 = 目标 / 去年 - 1。",
)
def _ex_07_4(data):
    kpis = mk.kpi_review(data, "2026-10").set_index(["region", "metric"])
    target = kpis.loc[("north", "revenue"), "target"]
    headline = mk.headline(data, "2026-10", "north").set_index("metric")
    answer = target / headline.loc["revenue", "last_year"] - 1
    return answer
