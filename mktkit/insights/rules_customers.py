"""Findings on the customers (kind ``customers``): formerly frequent customers gone dormant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError
from mktkit.formats import fmt_int, fmt_money, fmt_percent
from mktkit.insights.records import check_input, finding_record
from mktkit.insights.text import phrase

__all__ = ["DORMANT_REVENUE_SHARE", "customer_findings"]

#: Dormant customers are a "bad" finding when they hold at least this share of revenue.
DORMANT_REVENUE_SHARE = 0.05


def customer_findings(customers: Any, month: str, region: str, lang: str) -> list[dict]:
    """The dormant customers of the customer review in one finding.

    Parameters
    ----------
    customers : dict
        :func:`mktkit.customers.customer_review`: its ``dormant`` table (``days_since_last``,
        ``orders``, ``revenue``) and, for the share of revenue, its ``layers``.
    month : str
        ``YYYY-MM``, named in the source.
    region : str
        Named in the source.
    lang : {"en", "zh"}
        Language of the sentences.

    Returns
    -------
    list of dict
        :func:`~mktkit.insights.records.finding_record` records of kind ``customers``.

    Raises
    ------
    InputError
        ``customers`` is not a dict with a ``dormant`` table.
    """
    if not isinstance(customers, Mapping) or "dormant" not in customers:
        raise InputError(
            "expected a dict with a 'dormant' table",
            table="customers",
            fix="pass the output of mktkit.customers.customer_review(data, month, region)",
        )
    dormant = customers["dormant"]
    check_input(
        dormant,
        ["days_since_last", "orders", "revenue"],
        "customers['dormant']",
        "mktkit.customers.customer_review(data, month, region)",
    )
    if dormant.empty:
        return []
    revenue = float(dormant["revenue"].sum())
    layers = customers.get("layers")
    all_revenue = (
        float(layers["revenue"].sum())
        if isinstance(layers, pd.DataFrame) and "revenue" in layers
        else float("nan")
    )
    share = revenue / all_revenue if all_revenue else float("nan")
    n10 = int((dormant["orders"] >= 10).sum())
    vals = {
        "n": fmt_int(len(dormant), lang),
        "min_orders": int(dormant["orders"].min()),
        "min_days": int(dormant["days_since_last"].min()),
        "revenue": fmt_money(revenue, lang),
        "share": phrase("dormant_share", lang, share=fmt_percent(share, 1))
        if np.isfinite(share)
        else "",
        "n10": fmt_int(n10, lang),
    }
    bad = not np.isfinite(share) or share >= DORMANT_REVENUE_SHARE
    return [
        finding_record(
            "customers",
            "bad" if bad else "info",
            share if np.isfinite(share) else 0.0,
            phrase("dormant", lang, **vals),
            phrase("act_dormant", lang, **vals),
            len(dormant),
            "dormant_customers",
            f"orders, {vals['min_orders']}+ orders and none for {vals['min_days']}+ days, "
            f"as of the end of {month}, {region}",
            lang,
        )
    ]
