"""Exercises of notebook 05, experiments and NPS: lift, confidence, SRM, sample size, NPS.

Each function is the model solution of one exercise of
``notebooks/05_experiments_and_nps.ipynb``; its body is what the ``--solutions`` build shows,
so it is written as notebook code using only ``mk``, ``pd``, ``np`` and ``data``.

Examples
--------
>>> from mktkit import training
>>> bool(training.check("05.2", "homepage_hero"))   # that test's split is fine
False
"""

import numpy as np  # noqa: F401  (the notebooks' namespace: solutions may use it)
import pandas as pd

import mktkit as mk
from mktkit.training.core import exercise


@exercise(
    "05.1",
    hint="mk.ab_test(data['experiments'], experiment='checkout_button'); the relative lift of "
    "the treatment row is in the lift column.",
    hint_zh="mk.ab_test(data['experiments'], experiment='checkout_button')；"
    "实验组那一行的 lift 列就是相对提升。",
)
def _ex_05_1(data):
    result = mk.ab_test(data["experiments"], experiment="checkout_button")
    answer = result.loc[~result["is_control"], "lift"].item()
    return answer


@exercise(
    "05.2",
    hint="Run mk.ab_test for each experiment and look at srm_status (a chi-square test of the "
    "users per arm against the planned split).",
    hint_zh="对每个实验运行 mk.ab_test，看 srm_status（各组用户数与计划分流比例的卡方检验）。",
    kind="text",
)
def _ex_05_2(data):
    tests = data["experiments"]
    results = pd.concat([mk.ab_test(tests, experiment=x) for x in tests["experiment"].unique()])
    answer = results.loc[results["srm_status"] == "srm", "experiment"].iloc[0]
    return answer


@exercise(
    "05.3",
    hint="Baseline = the control arm's conversions / users (not rounded); then "
    "mk.sample_size(baseline, 0.10, relative=True).",
    hint_zh="基线 = 对照组的转化数 / 用户数（不要四舍五入）；"
    "再用 mk.sample_size(baseline, 0.10, relative=True)。",
)
def _ex_05_3(data):
    tests = data["experiments"]
    control = tests[(tests["experiment"] == "homepage_hero") & (tests["variant"] == "control")]
    baseline = control["conversions"].item() / control["users"].item()
    answer = mk.sample_size(baseline, 0.10, relative=True)
    return answer


@exercise(
    "05.4",
    hint="mk.nps(data['nps'], by='region') gives one row per region; read the nps column of west.",
    hint_zh="mk.nps(data['nps'], by='region') 每个区域一行；读 west 的 nps 列。",
)
def _ex_05_4(data):
    scores = mk.nps(data["nps"], by="region").set_index("region")
    answer = scores.loc["west", "nps"]
    return answer


@exercise(
    "05.5",
    hint="Select the answers of each period by date (both ends included) and pass them to "
    "mk.compare_nps(before, after); read p_value.",
    hint_zh="按日期（首尾都包含）选出两个时期的答卷，传给 mk.compare_nps(before, after)；"
    "读 p_value。",
)
def _ex_05_5(data):
    answers = data["nps"]
    before = answers[answers["date"].between("2026-10-01", "2026-10-08")]
    after = answers[answers["date"].between("2026-10-09", "2026-10-31")]
    answer = mk.compare_nps(before, after).loc[0, "p_value"]
    return answer
