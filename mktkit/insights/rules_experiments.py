"""Findings on the experiments (kind ``experiment``): one per treatment arm, by its verdict.

A win or a loss, a sample-ratio mismatch (the result cannot be trusted), an interim result,
or no significant difference; each with what to do with the test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mktkit.formats import fmt_change, fmt_int, fmt_number, fmt_percent
from mktkit.insights.records import check_input, finding_record, to_float
from mktkit.insights.text import display_name, join_list, natural_list, p_text, phrase

__all__ = ["experiment_findings"]


def experiment_findings(experiments: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Findings of the A/B tests: one per treatment arm, by its ``verdict``.

    Parameters
    ----------
    experiments : DataFrame
        ``pd.concat`` of :func:`mktkit.experiments.ab_test` over the experiments: ``experiment``,
        ``variant``, ``is_control``, ``users``, ``conversion_rate``, ``lift``, ``p_value``,
        ``srm_p``, ``verdict`` (and ``planned_share`` when the split is not even).
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``experiment``.
    """
    check_input(
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
                "variant": display_name(t["variant"], lang, lower=True),
                "rate_t": fmt_percent(t["conversion_rate"], 2),
                "rate_c": fmt_percent(c["conversion_rate"], 2),
                "lift": fmt_change(t["lift"]),
                # the p-value the verdict was judged on: Holm's with three or more arms
                "p": p_text(t.get("p_adjusted", t["p_value"])),
                "users": join_list([fmt_int(u, lang) for u in arms["users"]], lang),
            }
            lift = to_float(t["lift"])
            src = f"experiments, {name}: two-proportion z-test"
            if t.get("p_adjust") == "holm":
                src += f", Holm-adjusted over {len(arms) - 1} arms"
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
                    f"{display_name(v, lang, lower=True)} {fmt_int(u, lang)}{unit}"
                    for v, u in zip(arms["variant"], arms["users"], strict=True)
                ]
                vals["arms"] = natural_list(arm_text, lang)
                vals["p"] = p_text(t["srm_p"])
                size = float(np.max(np.abs(users / users.sum() - planned) / planned))
                rows.append(
                    finding_record(
                        "experiment",
                        "bad",
                        size,
                        phrase("exp_srm", lang, **vals),
                        phrase("act_exp_srm", lang, **vals),
                        t["srm_p"],
                        "srm_p",
                        f"experiments, {name}: chi-square against the planned split",
                        lang,
                    )
                )
            elif verdict in ("win", "loss"):
                rows.append(
                    finding_record(
                        "experiment",
                        "good" if verdict == "win" else "bad",
                        abs(lift),
                        phrase("exp_" + verdict, lang, **vals),
                        phrase("act_exp_" + verdict, lang, **vals),
                        lift,
                        "lift",
                        src,
                        lang,
                    )
                )
            elif verdict == "interim":
                vals["users"] = fmt_int(arms["users"].sum(), lang)
                rows.append(
                    finding_record(
                        "experiment",
                        "info",
                        0.0,
                        phrase("exp_interim", lang, **vals),
                        phrase("act_exp_interim", lang, **vals),
                        arms["users"].sum(),
                        "users",
                        src,
                        lang,
                    )
                )
            else:
                rows.append(
                    finding_record(
                        "experiment",
                        "info",
                        0.0,
                        phrase("exp_none", lang, **vals),
                        phrase("act_exp_none", lang, **vals),
                        lift,
                        "lift",
                        src,
                        lang,
                    )
                )
    return rows
