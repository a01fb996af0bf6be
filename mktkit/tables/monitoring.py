"""Report tables for monitoring: headline figures, the funnel change, KPIs with RAG status,
channels, budget moves, anomalies and the findings.

Each function takes the output of an analysis function and returns one HTML ``<table>`` with
every text HTML-escaped and numbers formatted by :mod:`mktkit.formats`; status cells carry the
status word and a light tint of its colour (:func:`mktkit.tables.formatting.status_css`), so colour is never
the only cue. Codes in the analysis output (reasons, fit notes, directions) become sentences
here, in English or Chinese. Money is in the current currency
(:func:`mktkit.formats.use_currency`) or the function's ``currency=``; a headline figure of a
period the data do not cover reads "no data", never 0.

Its words (reasons, fit notes, column heads) are in :mod:`mktkit.i18n` (group "monitoring").

Examples
--------
>>> import mktkit as mk
>>> html = kpi_table(mk.kpi_review(mk.load_sample(), "2026-10"), "zh")   # doctest: +SKIP
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import check_argument, require_columns
from mktkit.formats import (
    MISSING,
    as_decimal,
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
from mktkit.i18n import LANGS, label, labels
from mktkit.kpi import DIRECTIONS
from mktkit.tables.formatting import change_class, status_css


def _esc(x: Any) -> str:
    return html.escape(str(x))


def _status_cell(status: Any, lang: str) -> str:
    css = status_css(pd.Series([status]))[0]
    code = "grey" if status is None or (isinstance(status, float) and np.isnan(status)) else status
    return f'<td class="status" style="{css}">{_esc(label(code, lang, "status"))}</td>'


def _table(cls: str, heads: list[str], rows: list[str], caption: str = "") -> str:
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in heads)
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="{cls}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


#: How each headline metric is shown.
HEADLINE_FORMATS: dict[str, Callable[[Any, str], str]] = {
    "revenue": lambda x, lang: fmt_money(x, lang),
    "orders": lambda x, lang: fmt_int(x, lang),
    "new_customers": lambda x, lang: fmt_int(x, lang),
    "spend": lambda x, lang: fmt_money(x, lang),
    "aov": lambda x, lang: fmt_money(x, lang, digits=2),
    "roas": lambda x, lang: fmt_number(x, 2),
}

# The table each headline figure is counted from, by the figure that is never undefined where
# that table has data (a sum): when it is missing, the period has no data; otherwise a missing
# ratio (ROAS on zero spend, AOV of no orders) is undefined and shows the dash.
_HEADLINE_BASE = {
    "revenue": "revenue",
    "orders": "revenue",
    "new_customers": "revenue",
    "aov": "revenue",
    "spend": "spend",
    "roas": "spend",
}


def _headline_value(h: pd.DataFrame, metric: str, value: Any, period: str, lang: str) -> str:
    if as_decimal(value) is not None:
        return HEADLINE_FORMATS.get(metric, lambda x, lang: fmt_number(x, 2))(value, lang)
    base = h.loc[h["metric"] == _HEADLINE_BASE.get(metric), period]
    no_data = not base.empty and as_decimal(base.iloc[0]) is None
    return str(label("no_data", lang)) if no_data else MISSING


def headline_table(h: pd.DataFrame, lang: str = "en", *, currency: str | None = None) -> str:
    """The headline figures of :func:`mktkit.kpi.headline` as an HTML table.

    Changes are coloured by the metric's direction (a fall in spend is good). Every text is
    HTML-escaped; a like-for-like comparison of a partial month is said in the caption. A
    figure missing because its period has no data (a comparison month before the data begin,
    spend without ``channel_daily``) reads "No data" (无数据); an undefined ratio (ROAS on zero
    spend) the dash.

    Parameters
    ----------
    h : DataFrame
        Output of :func:`mktkit.kpi.headline`.
    lang : {"en", "zh"}
    currency : str, optional
        ISO 4217 code of the amounts; default the current one
        (:func:`mktkit.formats.use_currency`).

    Examples
    --------
    >>> nan = float("nan")
    >>> h = pd.DataFrame({"metric": ["revenue", "spend", "roas"],
    ...                   "current": [76109.0, 30000.0, 2.5], "previous": [nan] * 3,
    ...                   "last_year": [5000.0, 0.0, nan], "direction": ["higher"] * 3,
    ...                   "change_vs_previous": [nan] * 3, "change_vs_last_year": [14.2, nan, nan]})
    >>> page = headline_table(h, "en", currency="USD")
    >>> "$76,109" in page, page.count("No data"), "¥" in page   # ROAS on no spend: "—"
    (True, 3, False)
    """
    check_argument("lang", LANGS, lang)
    esc = html.escape
    heads = ["metric", "this_month", "previous_month", "mom", "same_month_last_year", "yoy"]
    rows = []
    with use_currency(currency):
        for r in h.itertuples(index=False):
            cells = [
                f'<th scope="row">{esc(label(r.metric, lang))}</th>',
                f"<td>{esc(_headline_value(h, r.metric, r.current, 'current', lang))}</td>",
                f"<td>{esc(_headline_value(h, r.metric, r.previous, 'previous', lang))}</td>",
                f'<td class="{change_class(r.change_vs_previous, r.direction)}">'
                f"{esc(fmt_change(r.change_vs_previous))}</td>",
                f"<td>{esc(_headline_value(h, r.metric, r.last_year, 'last_year', lang))}</td>",
                f'<td class="{change_class(r.change_vs_last_year, r.direction)}">'
                f"{esc(fmt_change(r.change_vs_last_year))}</td>",
            ]
            rows.append(f'<tr data-metric="{esc(r.metric)}">{"".join(cells)}</tr>')
    caption = ""
    windows = h.attrs.get("windows")
    if windows:
        start, end = windows["current"]
        caption = f"{start} – {end}"
        if h.attrs.get("like_for_like"):
            caption += f" ({label('month_to_date', lang)})"
        caption = f"<caption>{esc(caption)}</caption>"
    head = "".join(f'<th scope="col">{esc(label(k, lang))}</th>' for k in heads)
    return (
        f'<table class="headline">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def funnel_change_table(change: pd.DataFrame, lang: str = "en") -> str:
    """:func:`mktkit.funnel.compare_steps` as an HTML table: the step that newly leaks marked.

    Examples
    --------
    >>> import mktkit as mk
    >>> a = mk.funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 120]}))
    >>> b = mk.funnel_from_counts(pd.DataFrame({"stage": ["cart", "pay"], "count": [200, 70]}))
    >>> "new_leak" in funnel_change_table(mk.compare_steps(a, b))
    True
    """
    check_argument("lang", LANGS, lang)
    esc = html.escape
    heads = ["step", "previous_month", "this_month", "conversion_previous", "conversion_this",
             "change_pp", "p_value"]  # fmt: skip
    rows = []
    for r in change.itertuples(index=False):
        leak = bool(r.new_leak)
        p = fmt_p_value(r.p_value)
        # Colour only what the test says is more than noise.
        significant = as_decimal(r.p_value) is not None and r.p_value < 0.05
        cls = change_class(r.difference, "higher") if significant else "neutral"
        mark = f' <strong class="bad">▼ {esc(label("new_leak", lang))}</strong>' if leak else ""
        cells = [
            f'<th scope="row">{esc(str(label(r.step, lang)))}{mark}</th>',
            f"<td>{esc(fmt_int(r.users_a, lang))}</td>",
            f"<td>{esc(fmt_int(r.users_b, lang))}</td>",
            f"<td>{esc(fmt_percent(r.conversion_a))}</td>",
            f"<td>{esc(fmt_percent(r.conversion_b))}</td>",
            f'<td class="{cls}">{esc(fmt_pp(r.difference, lang))}</td>',
            f"<td>{esc(p)}</td>",
        ]
        css = ' class="new_leak"' if leak else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    head = "".join(f'<th scope="col">{esc(label(k, lang))}</th>' for k in heads)
    return (
        f'<table class="funnel-change"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def kpi_table(att: pd.DataFrame, lang: str = "en", *, currency: str | None = None) -> str:
    """KPI attainment (:func:`mktkit.kpi_attainment` / :func:`mktkit.kpi_review`) as HTML.

    One row per KPI: region (when present), metric, actual, target, attainment and a status cell
    tinted with its RAG colour. While a period runs, pace and the projection are shown too and
    the caption says the status is judged on the projection. Money metrics are in
    ``currency`` (default: the current one, :func:`mktkit.formats.use_currency`).

    Examples
    --------
    >>> att = pd.DataFrame({"metric": ["cac"], "actual": [147.76], "target": [118.21],
    ...                     "attainment": [0.8], "status": ["red"],
    ...                     "status_basis": ["actual"]})
    >>> "Off track" in kpi_table(att) and "¥147.76" in kpi_table(att)
    True
    >>> "$147.76" in kpi_table(att, currency="USD")
    True
    """
    check_argument("lang", LANGS, lang)
    require_columns(att, ["metric", "actual", "target", "attainment", "status"], table="kpi")
    running = "status_basis" in att and (att["status_basis"] == "projection").any()
    has_region = "region" in att
    heads = (["region"] if has_region else []) + ["metric", "actual", "target", "attainment"]
    heads += ["pace", "projected"] if running else []
    heads += ["status"]
    rows = []
    for r in att.to_dict("records"):
        m = str(r["metric"])
        cells = [f"<td>{_esc(label(r['region'], lang))}</td>"] if has_region else []
        cells += [
            f'<th scope="row">{_esc(label(m, lang))}</th>',
            f"<td>{_esc(fmt_metric(m, r['actual'], lang, currency))}</td>",
            f"<td>{_esc(fmt_metric(m, r['target'], lang, currency))}</td>",
            f"<td>{_esc(fmt_percent(r['attainment'], 1))}</td>",
        ]
        if running:
            cells += [
                f"<td>{_esc(fmt_number(r.get('pace'), 2))}</td>",
                f"<td>{_esc(fmt_metric(m, r.get('projected'), lang, currency))}</td>",
            ]
        cells.append(_status_cell(r["status"], lang))
        rows.append(
            f'<tr data-metric="{_esc(m)}" data-status="{_esc(r["status"])}">{"".join(cells)}</tr>'
        )
    caption = ""
    if running:
        caption = f"{label('month_to_date', lang)}: {label('judged_on_projection', lang)}"
    return _table("kpi", [str(label(h, lang)) for h in heads], rows, caption)


_CHANNEL_FORMATS: dict[str, Callable[[Any, str], str]] = {
    "spend": lambda x, lang: fmt_money(x, lang),
    "revenue": lambda x, lang: fmt_money(x, lang),
    "orders": lambda x, lang: fmt_int(x, lang),
    "new_customers": lambda x, lang: fmt_int(x, lang),
    "clicks": lambda x, lang: fmt_int(x, lang),
    "impressions": lambda x, lang: fmt_int(x, lang, compact=True),
    "spend_share": lambda x, lang: fmt_percent(x, 1),
    "revenue_share": lambda x, lang: fmt_percent(x, 1),
    "ctr": lambda x, lang: fmt_percent(x, 2),
    "cvr": lambda x, lang: fmt_percent(x, 2),
    "cpc": lambda x, lang: fmt_money(x, lang, digits=2),
    "cpm": lambda x, lang: fmt_money(x, lang, digits=2),
    "cpa": lambda x, lang: fmt_money(x, lang, digits=2),
    "cac": lambda x, lang: fmt_money(x, lang, digits=2),
    "roas": lambda x, lang: fmt_number(x, 2),
    "roi": lambda x, lang: fmt_percent(x, 0),
    "marginal_roas": lambda x, lang: fmt_number(x, 2),
}

CHANNEL_COLUMNS = (
    "spend",
    "spend_share",
    "revenue",
    "roas",
    "marginal_roas",
    "ctr",
    "cpc",
    "cvr",
    "cac",
    "roi",
)


def channel_table(
    perf: pd.DataFrame,
    lang: str = "en",
    columns: tuple[str, ...] = CHANNEL_COLUMNS,
    *,
    currency: str | None = None,
) -> str:
    """Channel performance (:func:`mktkit.channel_performance`) as HTML, in the input order.

    ``marginal_roas`` is shown when the table has it (join :func:`mktkit.response_curves`
    or :func:`mktkit.marginal_roas`), so average ROAS never stands alone. Money is in
    ``currency`` (default: the current one, :func:`mktkit.formats.use_currency`).

    Examples
    --------
    >>> p = pd.DataFrame({"channel": ["search"], "spend": [1000.0], "revenue": [4500.0],
    ...                   "roas": [4.5]})
    >>> "4.50" in channel_table(p, columns=("spend", "revenue", "roas"))
    True
    >>> "$4,500" in channel_table(p, columns=("revenue",), currency="USD")
    True
    """
    check_argument("lang", LANGS, lang)
    key = [c for c in ("region", "channel") if c in perf]
    cols = [c for c in columns if c in perf]
    rows = []
    with use_currency(currency):
        for r in perf.to_dict("records"):
            cells = [f'<th scope="row">{_esc(label(r[k], lang))}</th>' for k in key]
            for c in cols:
                fmt = _CHANNEL_FORMATS.get(c, lambda x, lang: fmt_number(x, 2))
                cells.append(f"<td>{_esc(fmt(r[c], lang))}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table("channels", [str(label(h, lang)) for h in key + cols], rows)


def reason_text(
    row: dict[str, Any] | pd.Series, lang: str = "en", *, currency: str | None = None
) -> str:
    """The sentence behind a budget suggestion's reason code; it names one unit of
    ``currency`` (default: the current one, :func:`mktkit.formats.use_currency`).

    Examples
    --------
    >>> row = {"reason": "cut_to_floor", "marginal_roas_current": 1.148,
    ...        "common_marginal_roas": 3.214}
    >>> reason_text(row, "en")
    'Cut to the floor: the next yuan returns only 1.15, below the common level 3.21'
    >>> reason_text(row, "zh", currency="USD")
    '降至下限：下一美元仅带来 1.15，低于共同水平 3.21'
    """
    check_argument("lang", LANGS, lang)
    code = str(row.get("reason", ""))
    if code not in labels(lang, kind="monitoring") and code not in labels(lang, kind="report"):
        return code
    note = row.get("fit_note", "")
    with use_currency(currency):
        template = label(code, lang)
    return template.format(
        m=fmt_number(row.get("marginal_roas_current"), 2),
        s=fmt_number(row.get("marginal_roas_suggested"), 2),
        lam=fmt_number(row.get("common_marginal_roas"), 2),
        note=label(note, lang) if note else MISSING,
    )


def _gain_interval(r: dict[str, Any], lang: str, currency: str | None) -> str:
    """``low .. high`` of a budget row's expected revenue change; a dash without draws."""
    lo, hi = r.get("expected_revenue_change_low"), r.get("expected_revenue_change_high")
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return MISSING
    return f"{fmt_money(lo, lang, currency)} .. {fmt_money(hi, lang, currency)}"


def budget_table(alloc: pd.DataFrame, lang: str = "en", *, currency: str | None = None) -> str:
    """Budget suggestion (:func:`mktkit.budget_reallocation`) as HTML, with a reason per row;
    money in ``currency`` (default: the current one, :func:`mktkit.formats.use_currency`).

    Examples
    --------
    >>> a = pd.DataFrame({"channel": ["display"], "current_spend": [1000.0],
    ...                   "suggested_spend": [700.0], "change_share": [-0.3],
    ...                   "marginal_roas_current": [1.1], "marginal_roas_suggested": [1.2],
    ...                   "expected_revenue_change": [-330.0], "reason": ["cut_to_floor"]})
    >>> a.attrs["common_marginal_roas"] = 3.2
    >>> "below the common level 3.20" in budget_table(a)
    True
    """
    check_argument("lang", LANGS, lang)
    require_columns(alloc, ["current_spend", "suggested_spend", "reason"], table="budget")
    key = [c for c in ("region", "channel") if c in alloc]
    lam = alloc.attrs.get("common_marginal_roas", np.nan)
    heads = [
        *key,
        "current_spend",
        "suggested_spend",
        "change_share",
        "marginal_roas",
        "expected_revenue_change",
        "gain_interval",
        "reason",
    ]
    rows = []
    for r in alloc.to_dict("records"):
        r = {**r, "common_marginal_roas": lam}
        change = r.get("change_share", np.nan)
        cells = [f'<th scope="row">{_esc(label(r[k], lang))}</th>' for k in key]
        cells += [
            f"<td>{_esc(fmt_money(r['current_spend'], lang, currency))}</td>",
            f"<td>{_esc(fmt_money(r['suggested_spend'], lang, currency))}</td>",
            f"<td>{_esc(fmt_change(change))}</td>",  # a cut is not bad news here
            f"<td>{_esc(fmt_number(r.get('marginal_roas_current'), 2))}</td>",
            f"<td>{_esc(fmt_money(r.get('expected_revenue_change'), lang, currency))}</td>",
            f"<td>{_esc(_gain_interval(r, lang, currency))}</td>",
            f"<td>{_esc(reason_text(r, lang, currency=currency))}</td>",
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    total = alloc.attrs.get("expected_revenue_change")
    caption = ""
    if total is not None:
        caption = f"{label('expected_revenue_change', lang)}: {fmt_money(total, lang, currency)}"
        level = alloc.attrs.get("level")
        span = _gain_interval(
            {
                "expected_revenue_change_low": alloc.attrs.get("expected_revenue_change_low"),
                "expected_revenue_change_high": alloc.attrs.get("expected_revenue_change_high"),
            },
            lang,
            currency,
        )
        if level is not None and span != MISSING:
            caption += f" ({fmt_percent(level, 0)} {label('gain_interval', lang)} {span})"
    return _table("budget", [str(label(h, lang)) for h in heads], rows, caption)


def anomaly_table(flags: pd.DataFrame, lang: str = "en", *, currency: str | None = None) -> str:
    """Anomaly flags (:func:`mktkit.detect_anomalies`, :func:`mktkit.anomaly_review`) as HTML;
    money metrics in ``currency`` (default: the current one,
    :func:`mktkit.formats.use_currency`).

    Examples
    --------
    >>> f = pd.DataFrame({"region": ["south"], "metric": ["clicks"],
    ...                   "date": pd.to_datetime(["2026-10-14"]), "value": [21.0],
    ...                   "expected": [1825.3], "relative_deviation": [-0.988], "z": [-24.1],
    ...                   "direction": ["down"]})
    >>> "−98.8%" in anomaly_table(f)
    True
    """
    check_argument("lang", LANGS, lang)
    if flags.empty:
        return f'<p class="anomalies-none">{_esc(label("no_anomalies", lang))}</p>'
    require_columns(flags, ["metric", "date", "value", "expected", "direction"], table="anomalies")
    key = [c for c in ("region", "channel") if c in flags]
    heads = ["date", *key, "metric", "direction", "value", "expected", "relative_deviation", "z"]
    rows = []
    for r in flags.to_dict("records"):
        m = str(r["metric"])
        bad = change_class(1 if r["direction"] == "up" else -1, DIRECTIONS.get(m, "higher"))
        cells = [
            f"<td>{_esc(pd.Timestamp(r['date']).strftime('%Y-%m-%d'))}</td>",
            *[f"<td>{_esc(label(r[k], lang))}</td>" for k in key],
            f'<th scope="row">{_esc(label(m, lang))}</th>',
            f'<td class="{bad}">{_esc(label(r["direction"], lang))}</td>',
            f"<td>{_esc(fmt_metric(m, r['value'], lang, currency))}</td>",
            f"<td>{_esc(fmt_metric(m, r['expected'], lang, currency))}</td>",
            f"<td>{_esc(fmt_change(r.get('relative_deviation')))}</td>",
            f"<td>{_esc(fmt_number(r.get('z'), 1))}</td>",
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table("anomalies", [str(label(h, lang)) for h in heads], rows)


_STATUS_CLASS = {"red": "bad", "bad": "bad", "amber": "neutral", "green": "good", "good": "good"}


def findings_list(found: pd.DataFrame, lang: str = "en") -> str:
    """Ranked findings (:func:`mktkit.insights`) as an HTML ordered list: the finding, what to
    do next and where the number comes from. Every text is escaped.

    Examples
    --------
    >>> f = pd.DataFrame({"rank": [1], "status": ["red"], "finding": ["North <b>revenue</b> 85%"],
    ...                   "action": ["Review the plan"], "source": ["kpi_targets × orders"]})
    >>> print(findings_list(f))  # doctest: +NORMALIZE_WHITESPACE
    <ol class="findings"><li class="bad"><p class="finding">North &lt;b&gt;revenue&lt;/b&gt;
    85%</p><p class="action">→ Review the plan</p><p class="source">kpi_targets × orders</p></li></ol>
    """
    check_argument("lang", LANGS, lang)
    if found.empty:
        return f'<p class="findings-none">{_esc(label("no_findings", lang))}</p>'
    require_columns(found, ["rank", "status", "finding", "action", "source"], table="findings")
    items = []
    for r in found.sort_values("rank", kind="stable").to_dict("records"):
        css = _STATUS_CLASS.get(str(r["status"]), "neutral")
        items.append(
            f'<li class="{css}"><p class="finding">{_esc(r["finding"])}</p>'
            f'<p class="action">→ {_esc(r["action"])}</p>'
            f'<p class="source">{_esc(r["source"])}</p></li>'
        )
    return f'<ol class="findings">{"".join(items)}</ol>'


__all__ = [
    "HEADLINE_FORMATS",
    "anomaly_table",
    "budget_table",
    "channel_table",
    "findings_list",
    "funnel_change_table",
    "headline_table",
    "kpi_table",
    "reason_text",
]
