"""HTML and Markdown for the strategy frameworks: SWOT and TOWS, IE, SPACE and the marketing mix.

Every user text is escaped: :func:`esc` for HTML, :func:`md` for Markdown (HTML-escaped, then
Markdown specials backslash-escaped). Labels come in English or Chinese
(:func:`strategy_label`).

The classes keep their methods (``SWOT.to_html``, ``IEResult.to_markdown``,
``MarketingMix.actions_html``, ``_repr_html_`` for notebooks ...), each a one-line call of a
function here. This module reads the objects' attributes and never imports the modules of those
classes (:mod:`~mktkit.strategy.swot`, :mod:`~mktkit.strategy.matrices`,
:mod:`~mktkit.strategy.mix`), which import it.

Examples
--------
>>> from mktkit.strategy.swot import load_swot
>>> print(swot_markdown(load_swot(), "en").splitlines()[0])
## Lumi Home · SWOT analysis
>>> heading_html("marketing_mix", "zh")
'<h2>营销组合</h2>'
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import pandas as pd

from mktkit.errors import check_argument
from mktkit.i18n import LANGS, label
from mktkit.strategy.mix_items import RATING_RANGE
from mktkit.strategy.records import pick_text
from mktkit.strategy.swot_items import QUADRANTS, TOWS, SWOTItem

__all__ = [
    "esc",
    "heading_html",
    "ie_html",
    "ie_markdown",
    "md",
    "mix_actions_html",
    "mix_completeness_html",
    "mix_html",
    "mix_markdown",
    "note_html",
    "space_html",
    "space_markdown",
    "strategy_label",
    "swot_html",
    "swot_markdown",
]


def strategy_label(key: Any, lang: str = "en") -> Any:
    """The label of ``key`` for the strategy frameworks (:func:`mktkit.i18n.label`).

    Examples
    --------
    >>> strategy_label("grow_and_build", "zh"), strategy_label("strengths", "zh")
    ('增长与建立', '优势')
    """
    return label(key, lang)


def esc(text: Any) -> str:
    """HTML-escape user text (``&``, ``<``, ``>``, quotes).

    Examples
    --------
    >>> esc('<b>"R&D"</b>')
    '&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;'
    """
    return html.escape(str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md(text: Any) -> str:
    """User text made safe for Markdown: HTML-escaped, Markdown specials backslash-escaped.

    Examples
    --------
    >>> md("R&D <pilot> *now*")
    'R&amp;D &lt;pilot&gt; \\\\*now\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def heading_html(key: str, lang: str = "en", level: int = 2) -> str:
    """An HTML heading with the label of ``key`` (for report notebooks), escaped.

    Examples
    --------
    >>> heading_html("tows", "zh")
    '<h2>TOWS 矩阵</h2>'
    """
    check_argument("level", range(1, 7), level)
    return f"<h{level}>{esc(strategy_label(key, lang))}</h{level}>"


def note_html(key: str, lang: str = "en") -> str:
    """A short HTML paragraph with the label of ``key``, e.g. "Not assessed".

    Examples
    --------
    >>> note_html("not_assessed")
    '<p class="note"><i>Not assessed</i></p>'
    """
    return f'<p class="note"><i>{esc(strategy_label(key, lang))}</i></p>'


# ---------------------------------------------------------------------------------------------
# SWOT and TOWS


def swot_markdown(swot: Any, lang: str = "en") -> str:
    """The SWOT and TOWS as Markdown; user text is HTML-escaped and Markdown-escaped.

    Parameters
    ----------
    swot : mktkit.strategy.swot.SWOT
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.swot import SWOT
    >>> s = SWOT(strengths=[{"id": "S1", "text": "R&D *lead*"}])
    >>> print(swot_markdown(s).splitlines()[4])
    - **S1** R&amp;D \\*lead\\*
    """
    check_argument("lang", LANGS, lang)
    lab = lambda k: strategy_label(k, lang)  # noqa: E731
    lines = [
        f"## {md(swot.company_name(lang)) + ' · ' if swot.company else ''}{lab('swot')}",
        "",
    ]
    for quadrant in QUADRANTS:
        lines.append(f"### {lab(quadrant)}")
        lines.append("")
        for it in getattr(swot, quadrant):
            lines.append(f"- **{md(it.id)}** {md(it.label(lang))}" + _md_extra(it, lang))
        if not getattr(swot, quadrant):
            lines.append("- —")
        lines.append("")
    lines += [f"## {lab('tows')}", ""]
    tows = swot.tows(lang)
    for q in TOWS:
        part = tows[tows["quadrant"] == q]
        lines.append(f"### {md(lab(q))}")
        lines.append("")
        for r in part.itertuples(index=False):
            lines.append(f"- **{md(r.id)}** {md(r.strategy)} ({md(', '.join(r.uses))})")
        if part.empty:
            lines.append(f"- {lab('no_strategies')}")
        lines.append("")
    if tows.attrs["uncited"]:
        lines.append(f"{lab('uncited_factors')}: {md(', '.join(tows.attrs['uncited']))}")
    return "\n".join(lines).rstrip() + "\n"


def _md_extra(it: SWOTItem, lang: str) -> str:
    parts = []
    if it.evidence is not None:
        parts.append(md(it.evidence.describe(lang)))
    if it.weight is not None and it.rating is not None:
        parts.append(
            f"{strategy_label('weight', lang)} {it.weight:g}, "
            f"{strategy_label('rating', lang)} {it.rating}"
        )
    return f" — {'; '.join(parts)}" if parts else ""


def swot_html(swot: Any, lang: str = "en") -> str:
    """The SWOT (a 2x2 grid) and TOWS as an HTML fragment; all user text escaped.

    Parameters
    ----------
    swot : mktkit.strategy.swot.SWOT
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.swot import SWOT
    >>> "&lt;script&gt;" in swot_html(SWOT(threats=[{"id": "T1", "text": "<script>"}]))
    True
    """
    check_argument("lang", LANGS, lang)
    lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
    colors = {
        "strengths": "#E6F4EF",
        "weaknesses": "#FBEAE3",
        "opportunities": "#E6F0F8",
        "threats": "#FDF3E1",
    }

    def cell(quadrant: str) -> str:
        entries = "".join(
            f"<li><b>{esc(it.id)}</b> {esc(it.label(lang))}"
            + (
                f'<br><small class="evidence">{esc(it.evidence.describe(lang))}</small>'
                if it.evidence
                else ""
            )
            + "</li>"
            for it in getattr(swot, quadrant)
        )
        return (
            f'<td style="vertical-align:top;text-align:left;width:50%;'
            f'background:{colors[quadrant]}"><h4>{lab(quadrant)}</h4>'
            f'<ul style="margin:0;padding-left:1.2em">{entries}</ul></td>'
        )

    title = esc(swot.company_name(lang))
    grid = (
        f'<table class="mktkit-swot" style="width:100%;table-layout:fixed">'
        f"<caption>{title + ' · ' if title else ''}{lab('swot')}</caption>"
        f"<tr>{cell('strengths')}{cell('weaknesses')}</tr>"
        f"<tr>{cell('opportunities')}{cell('threats')}</tr></table>"
    )
    tows = swot.tows(lang)
    rows = "".join(
        f'<tr><td style="text-align:left">{esc(r.quadrant)}</td>'
        f'<td style="text-align:left">{esc(r.id)}</td>'
        f'<td style="text-align:left">{esc(r.strategy)}</td>'
        f'<td style="text-align:left">{esc(", ".join(r.uses))}</td></tr>'
        for r in tows.itertuples(index=False)
    )
    heads = "".join(
        f'<th style="text-align:left">{lab(k)}</th>' for k in ("quadrant", "id", "strategy", "uses")
    )
    table = (
        f'<table class="mktkit-tows"><caption>{lab("tows")}</caption>'
        f"<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"
    )
    note = ""
    if tows.attrs["uncited"]:
        note = (
            f'<p class="uncited">{lab("uncited_factors")}: '
            f"{esc(', '.join(tows.attrs['uncited']))}</p>"
        )
    return f'<div class="mktkit-strategy">{grid}{table}{note}</div>'


# ---------------------------------------------------------------------------------------------
# IE and SPACE matrices


def ie_markdown(ie: Any, lang: str = "en") -> str:
    """The IE position as a Markdown line.

    Parameters
    ----------
    ie : mktkit.strategy.matrices.IEResult
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.matrices import ie_matrix
    >>> ie_markdown(ie_matrix(3.2, 2.1))
    '**Internal-External (IE) matrix**: IFE total 3.20, EFE total 2.10 → Cell IV: Grow and build\\n'
    """
    lab = lambda k: strategy_label(k, lang)  # noqa: E731
    return (
        f"**{lab('ie_matrix')}**: {lab('ife_total')} {ie.ife_total:.2f}, "
        f"{lab('efe_total')} {ie.efe_total:.2f} → {lab('cell')} {ie.cell}: "
        f"{lab(ie.strategy)}\n"
    )


def ie_html(ie: Any, lang: str = "en") -> str:
    """The IE position as an HTML paragraph.

    Parameters
    ----------
    ie : mktkit.strategy.matrices.IEResult
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.matrices import ie_matrix
    >>> ie_html(ie_matrix(3.2, 2.1)).startswith('<p class="mktkit-ie">')
    True
    """
    lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
    return (
        f'<p class="mktkit-ie"><b>{lab("ie_matrix")}</b>: {lab("ife_total")} '
        f"{ie.ife_total:.2f}, {lab('efe_total')} {ie.efe_total:.2f} → "
        f"{lab('cell')} {esc(ie.cell)}: <b>{lab(ie.strategy)}</b></p>"
    )


def _space_dims(space: Any) -> list[tuple[str, float]]:
    return [
        ("financial_strength", space.fs),
        ("industry_strength", space.is_),
        ("environmental_stability", space.es),
        ("competitive_advantage", space.ca),
    ]


def space_markdown(space: Any, lang: str = "en") -> str:
    """The SPACE result as a Markdown paragraph: dimensions, vector, posture and strategies.

    Parameters
    ----------
    space : mktkit.strategy.matrices.SpaceResult
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.matrices import space_matrix
    >>> "x = -1.00, y = +2.00 → Conservative" in space_markdown(
    ...     space_matrix(fs=[5, 4], is_=[3, 4], es=[-2, -3], ca=[-5, -4]))
    True
    """
    lab = lambda k: strategy_label(k, lang)  # noqa: E731
    dims = ", ".join(f"{lab(k)} {v:+.2f}" for k, v in _space_dims(space))
    strategies = ", ".join(lab(s) for s in space.strategies) or "—"
    return (
        f"**{lab('space_matrix')}**: {dims}; x = {space.x:+.2f}, y = {space.y:+.2f} → "
        f"{lab(space.quadrant)} ({lab(space.posture)}). "
        f"{lab('recommended_strategies')}: {strategies}\n"
    )


def space_html(space: Any, lang: str = "en") -> str:
    """The SPACE result as HTML: a table of the dimensions, then posture and strategies.

    Parameters
    ----------
    space : mktkit.strategy.matrices.SpaceResult
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.matrices import space_matrix
    >>> space_html(space_matrix(fs=5, is_=4, es=-2, ca=-3)).startswith('<div class="mktkit-space">')
    True
    """
    lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
    rows = "".join(
        f'<tr><td style="text-align:left">{lab(k)}</td><td>{v:+.2f}</td></tr>'
        for k, v in _space_dims(space)
    )
    strategies = ", ".join(lab(s) for s in space.strategies) or "—"
    return (
        f'<div class="mktkit-space"><table><caption>{lab("space_matrix")}</caption>'
        f'{rows}<tr><td style="text-align:left">x, y</td>'
        f"<td>({space.x:+.2f}, {space.y:+.2f})</td></tr></table>"
        f"<p><b>{lab(space.quadrant)}</b>: {lab(space.posture)}. "
        f"{lab('recommended_strategies')}: {strategies}</p></div>"
    )


# ---------------------------------------------------------------------------------------------
# marketing mix


def _mix_cells(mix: Any, lang: str) -> list[dict[str, Any]]:
    """Per element of the model, the texts a renderer shows (raw, not yet escaped)."""
    out = []
    for name in mix.expected:
        el = mix.elements.get(name)
        if el is None:
            out.append({"name": name, "assessed": False})
            continue
        out.append(
            {
                "name": name,
                "assessed": True,
                "decision": pick_text(el.decision, lang),
                "segment": pick_text(el.segment, lang),
                "kpis": [str(strategy_label(k, lang)) for k in el.kpis],
                "issues": [pick_text(i, lang) for i in el.issues],
                "actions": [
                    (a.label(lang), a.owner or "", "" if a.due is None else a.due.isoformat())
                    for a in el.actions
                ],
                "owner": el.owner or "",
                "rating": "" if el.rating is None else f"{el.rating}/{RATING_RANGE[1]}",
            }
        )
    return out


def _mix_score_note(mix: Any, lang: str) -> str:
    card = mix.scorecard()
    score = card.attrs["mix_score"]
    shown = "—" if math.isnan(score) else f"{score:.2f}/{RATING_RANGE[1]}"
    return f"{strategy_label('mix_score', lang)}: {shown} ({strategy_label('heuristic', lang)})"


def mix_markdown(mix: Any, lang: str = "en") -> str:
    """The mix as Markdown, one section per element; user text escaped.

    Parameters
    ----------
    mix : mktkit.strategy.mix.MarketingMix
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.mix import MarketingMix
    >>> lines = mix_markdown(MarketingMix({"price": {"rating": 3, "weight": 1}})).splitlines()
    >>> lines[6], lines[8], lines[-1]
    ('### Price', '- Rating: 3/5', 'Weighted mix score: 3.00/5 (heuristic)')
    """
    check_argument("lang", LANGS, lang)
    lab = lambda k: md(strategy_label(k, lang))  # noqa: E731
    lines = [f"## {lab('marketing_mix')} ({mix.model})", ""]
    for c in _mix_cells(mix, lang):
        lines.append(f"### {lab(c['name'])}")
        lines.append("")
        if not c["assessed"]:
            lines += [f"*{lab('not_assessed')}*", ""]
            continue
        for key in ("decision", "segment", "owner", "rating"):
            if c[key]:
                lines.append(f"- {lab(key)}: {md(c[key])}")
        if c["kpis"]:
            lines.append(f"- {lab('kpis')}: {md(', '.join(c['kpis']))}")
        for issue in c["issues"]:
            lines.append(f"- {lab('issues')}: {md(issue)}")
        for text, owner, due in c["actions"]:
            extra = " · ".join(x for x in (owner, due) if x)
            lines.append(f"- {lab('actions')}: {md(text)}" + (f" ({md(extra)})" if extra else ""))
        lines.append("")
    lines.append(md(_mix_score_note(mix, lang)))
    return "\n".join(lines) + "\n"


def mix_html(mix: Any, lang: str = "en") -> str:
    """The mix as an HTML table (one row per element); user text escaped.

    Parameters
    ----------
    mix : mktkit.strategy.mix.MarketingMix
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.mix import load_mix
    >>> mix_html(load_mix(), "zh").count("<tr>")  # the header and the 7 elements
    8
    """
    check_argument("lang", LANGS, lang)
    lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
    left = 'style="text-align:left;vertical-align:top"'
    heads = ("element", "decision", "segment", "kpis", "issues", "actions", "owner", "rating")
    head = "".join(f"<th {left}>{lab(h)}</th>" for h in heads)
    body = []
    for c in _mix_cells(mix, lang):
        if not c["assessed"]:
            body.append(
                f"<tr><td {left}>{lab(c['name'])}</td>"
                f'<td {left} colspan="7"><i>{lab("not_assessed")}</i></td></tr>'
            )
            continue
        issues = "<br>".join(esc(i) for i in c["issues"])
        actions = "<br>".join(
            esc(t)
            + (f" <small>({esc(' · '.join(x for x in (o, d) if x))})</small>" if o or d else "")
            for t, o, d in c["actions"]
        )
        cells = [
            lab(c["name"]),
            esc(c["decision"]),
            esc(c["segment"]),
            esc(", ".join(c["kpis"])),
            issues,
            actions,
            esc(c["owner"]),
            esc(c["rating"]),
        ]
        body.append("<tr>" + "".join(f"<td {left}>{x}</td>" for x in cells) + "</tr>")
    title = esc(mix.company_name(lang))
    return (
        f'<div class="mktkit-mix"><table><caption>{title + " · " if title else ""}'
        f"{lab('marketing_mix')} ({mix.model})</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="heuristic">{esc(_mix_score_note(mix, lang))}</p></div>'
    )


def mix_actions_html(mix: Any, lang: str = "en", *, as_of: Any = None) -> str:
    """The mix's actions as an HTML table with translated headers; text escaped. With
    ``as_of`` (a date), an overdue column.

    Parameters
    ----------
    mix : mktkit.strategy.mix.MarketingMix
    lang : {"en", "zh"}
    as_of : date-like, optional

    Examples
    --------
    >>> from mktkit.strategy.mix import MarketingMix
    >>> mix = MarketingMix({"price": {"actions": [{"text": "Fewer coupons", "due": "2026-11-30"}]}})
    >>> "<td style=\\"text-align:left\\">2026-11-30</td>" in mix_actions_html(mix)
    True
    """
    acts = mix.actions(lang, as_of=as_of)
    lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
    cols = ["element", "action", "owner", "due"] + (["overdue"] if as_of is not None else [])
    left = 'style="text-align:left"'
    head = "".join(f"<th {left}>{lab('actions' if c == 'action' else c)}</th>" for c in cols)
    rows = []
    for r in acts.to_dict("records"):
        due = "—" if pd.isna(r["due"]) else r["due"].strftime("%Y-%m-%d")
        cells = [lab(r["element"]), esc(r["action"]), esc(r["owner"] or "—"), esc(due)]
        if as_of is not None:
            cells.append(lab("overdue") if r["overdue"] else "")
        rows.append("<tr>" + "".join(f"<td {left}>{c}</td>" for c in cells) + "</tr>")
    return (
        f'<table class="mktkit-actions"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def mix_completeness_html(mix: Any, lang: str = "en") -> str:
    """What the mix is missing, element by element, as HTML.

    Parameters
    ----------
    mix : mktkit.strategy.mix.MarketingMix
    lang : {"en", "zh"}

    Examples
    --------
    >>> from mktkit.strategy.mix import load_mix
    >>> print(mix_completeness_html(load_mix()))
    <p class="note">Completeness: 98%; Missing:</p><ul><li>Physical evidence: Not assessed</li></ul>
    """
    gaps = mix.completeness()
    lab = lambda k: esc(strategy_label(k, lang))  # noqa: E731
    if gaps.empty:
        return f'<p class="note">{lab("completeness")}: 100%</p>'
    items = "".join(
        f"<li>{lab(g['element'])}: "
        + (
            lab("not_assessed")
            if g["missing"] == "element"
            else esc(_field_label(g["missing"], lang))
        )
        + "</li>"
        for g in gaps.to_dict("records")
    )
    share = f"{gaps.attrs['share_complete']:.0%}"
    return (
        f'<p class="note">{lab("completeness")}: {esc(share)}; {lab("missing")}:</p>'
        f"<ul>{items}</ul>"
    )


def _field_label(field: str, lang: str) -> str:
    """``"actions[2].owner"`` -> "Actions 2 · Owner" in ``lang``; plain fields by label."""
    if "[" not in field:
        return str(strategy_label(field, lang))
    name, rest = field.split("[", 1)
    number, sub = rest.split("].", 1)
    return f"{strategy_label(name, lang)} {number} · {strategy_label(sub, lang)}"
