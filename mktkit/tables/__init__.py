"""Presentation tables: DataFrames formatted for a reader, and the review's HTML tables.

- :mod:`~mktkit.tables.formatting`: :func:`format_table` (every cell a display string, headers
  translated, money in the data's currency or ``currency=``), status and change CSS;
- :mod:`~mktkit.tables.monitoring`: the HTML tables of the reviews (headline, funnel change,
  KPIs, channels, budget, anomalies, findings).

The number formatters (:func:`~mktkit.formats.fmt_money` and the others) and
:func:`~mktkit.formats.use_currency` live in :mod:`mktkit.formats`, where the findings'
sentences use them too; they are re-exported here.

Examples
--------
>>> import pandas as pd
>>> from mktkit.tables import format_table
>>> format_table(pd.DataFrame({"ctr": [0.0125]}), {"ctr": "percent"}, "en").iloc[0, 0]
'1.3%'
>>> format_table(pd.DataFrame({"aov": [24.5]}), {"aov": "money_cents"}, currency="USD").iloc[0, 0]
'$24.50'
"""

from mktkit.formats import (
    CURRENCY_SYMBOLS,
    MISSING,
    fmt_change,
    fmt_int,
    fmt_metric,
    fmt_money,
    fmt_number,
    fmt_p_value,
    fmt_percent,
    fmt_pp,
    use_currency,
)
from mktkit.tables.formatting import (
    FORMAT_KINDS,
    change_class,
    format_table,
    money_band,
    status_css,
)
from mktkit.tables.monitoring import (
    HEADLINE_FORMATS,
    anomaly_table,
    budget_table,
    channel_table,
    findings_list,
    funnel_change_table,
    headline_table,
    kpi_table,
    reason_text,
)

__all__ = [
    "CURRENCY_SYMBOLS",
    "FORMAT_KINDS",
    "HEADLINE_FORMATS",
    "MISSING",
    "anomaly_table",
    "budget_table",
    "change_class",
    "channel_table",
    "findings_list",
    "fmt_change",
    "fmt_int",
    "fmt_metric",
    "fmt_money",
    "fmt_number",
    "fmt_p_value",
    "fmt_percent",
    "fmt_pp",
    "format_table",
    "funnel_change_table",
    "headline_table",
    "kpi_table",
    "money_band",
    "reason_text",
    "status_css",
    "use_currency",
]
