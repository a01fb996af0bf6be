"""Export an executed report notebook as one self-contained HTML page.

nbconvert's ``basic`` template renders the outputs (no code cells, no prompts, no stderr);
the page around them is ours: inline CSS, figures as data URIs, the Chinese font embedded as
a subset of the characters the page shows, no script and no request to any host, so it opens
offline and prints on A4. Every figure gets an alternative text from its section's heading.

Examples
--------
>>> describe_images('<h2>Funnel</h2><img src="x.png">', "en")
'<h2>Funnel</h2><img alt="Chart: Funnel" src="x.png">'
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from mktkit.i18n import label, labels
from mktkit.report.specs import PATH_PARAMS, Template
from mktkit.style import EMBEDDED_FAMILY, font_face_css, open_cjk_font


def strip_for_report(nb: Any) -> Any:
    """Keep what a reader sees, and only that, in a form that does not vary between runs.

    Moves the cell tagged ``findings`` to the top, drops stderr streams (warnings, progress
    bars) and code cells left without output (the parameter cells among them), and numbers
    cells by position: papermill gives the injected
    parameter cell a random id, which would otherwise change the HTML at every run.
    """
    kept = []
    # Findings open the report: a template computes them last (from the sections' results)
    # and tags that cell `findings`; the reader sees it first.
    first = [c for c in nb.cells if "findings" in c.get("metadata", {}).get("tags", [])]
    for cell in first + [c for c in nb.cells if c not in first]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            if not cell["outputs"]:
                continue
        kept.append(cell)
    for i, cell in enumerate(kept):
        cell["id"] = f"c{i}"
    nb.cells = kept
    return nb


CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9dee3; --accent:#1f5f99; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font-family: var(--fonts);
  font-size: 15px; line-height: 1.55; }
main, header.report, footer.report { max-width: 960px; margin: 0 auto; padding: 0 24px; }
header.report { padding-top: 28px; border-bottom: 2px solid var(--accent); }
header.report h1 { margin: 0 0 4px; font-size: 26px; }
dl.params { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 8px 0 14px; color: var(--muted); }
dl.params div { display: flex; gap: 6px; } dl.params dt { font-weight: 600; } dl.params dd { margin: 0; }
h1, h2, h3 { line-height: 1.25; } h2 { margin-top: 32px; border-bottom: 1px solid var(--line); }
table { border-collapse: collapse; margin: 12px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
img { max-width: 100%; height: auto; }
.good { color: #1b7f3b; } .bad { color: #b42318; } .neutral { color: var(--muted); }
ol.findings { padding-left: 22px; } ol.findings li { margin: 10px 0; }
ol.findings p { margin: 0; color: var(--ink); } ol.findings li.bad::marker { color: #b42318; }
ol.findings li.good::marker { color: #1b7f3b; } ol.findings p.finding { font-weight: 600; }
ol.findings p.source { color: var(--muted); font-size: 12px; }
footer.report { margin-top: 40px; padding-bottom: 28px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 12px; }
.jp-OutputArea-output pre { white-space: pre-wrap; }
@page { size: A4; margin: 16mm 14mm; }
/* the weekly brief is one A4 page: tighter type and spacing in print */
@media print { body.weekly_brief { font-size: 8.5pt; line-height: 1.3; }
  body.weekly_brief h1 { font-size: 15pt; } body.weekly_brief h2 { font-size: 11pt; margin: 8px 0 2px; }
  body.weekly_brief header.report { padding-top: 0; } body.weekly_brief dl.params { margin: 2px 0 4px; }
  body.weekly_brief table { margin: 3px 0; } body.weekly_brief th, body.weekly_brief td { padding: 1px 6px; }
  body.weekly_brief ol.findings li { margin: 2px 0; } body.weekly_brief p { margin: 1px 0; }
  body.weekly_brief img { max-height: 42mm; width: auto; }
  body.weekly_brief footer.report { margin-top: 6px; padding-bottom: 0; font-size: 7pt; } }
@media print { body { font-size: 11pt; } main, header.report, footer.report { max-width: none; padding: 0; }
  img, table { page-break-inside: avoid; } h2 { page-break-after: avoid; } }
"""


# Chinese reads best in the embedded CJK font throughout; English keeps a Latin face and falls
# back to the embedded font for any Chinese in user text (names, comments).
_FONTS = {
    "zh": f'"{EMBEDDED_FAMILY}", sans-serif',
    "en": f'"Helvetica Neue", Arial, "DejaVu Sans", "{EMBEDDED_FAMILY}", sans-serif',
}


def _page(
    body: str,
    spec: Template,
    values: dict[str, Any],
    manifest: dict,
    data_end: str | None,
    font: Any = None,
) -> str:
    lang = values.get("lang", "en")
    lab = labels(lang)
    esc = html.escape
    title = lab.get(spec.name, spec.name)
    # Names and values in the reader's language (codes such as regions are translated). A
    # file is named by its name, a data folder not at all: where the data lie on this machine
    # is no part of the report (the footer's fingerprint identifies them by content).
    shown = {
        k: (Path(v).name if k in PATH_PARAMS else v)
        for k, v in values.items()
        if v is not None and k not in ("lang", "data_dir")
    }
    params = "".join(
        f"<div><dt>{esc(str(label(k, lang)))}</dt><dd>{esc(str(label(v, lang)))}</dd></div>"
        for k, v in shown.items()
    )
    versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in manifest["versions"].items())
    html_lang = "zh-CN" if lang == "zh" else "en"
    dated = f"{esc(lab['data_through'])}: {esc(data_end)} · " if data_end else ""
    page = (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # the title names the report, not the data folder (the same data give the same page)
        f"<title>{esc(title)} · {esc(spec.folder_name({**values, 'data_dir': None}))}</title>\n"
        "<style>/*fonts*/" + CSS + "</style>\n</head>\n"
        f'<body class="{esc(spec.name)}">\n'
        f'<header class="report"><h1>{esc(title)}</h1>'
        f'<dl class="params" aria-label="{esc(lab["parameters"])}">{params}</dl></header>\n'
        f"<main>\n{body}\n</main>\n"
        f'<footer class="report"><p>{dated}'
        f"{esc(lab['fingerprint'])}: <code>{manifest['fingerprint'][:16]}</code></p>"
        f"<p>{esc(lab['versions'])}: {versions}</p></footer>\n</body>\n</html>\n"
    )
    # Embed the font cut to the characters the page shows (markup included: it is ASCII;
    # unescaped, so that a character written as an entity is covered too).
    fonts = font_face_css(html.unescape(page), font)
    fonts += f":root{{--fonts:{_FONTS.get(lang, _FONTS['en'])};}}"
    return page.replace("/*fonts*/", fonts, 1)


class ExportParts:
    """What the export needs that the notebook's outputs do not decide, made ahead.

    nbconvert's exporter with its templates compiled and the CJK font opened for the subset
    (:func:`mktkit.style.open_cjk_font`) take some 0.3 s, and far more in a fresh process (the
    imports): :func:`render` makes them in a thread while the kernel runs, when the process
    has nothing else to do. Each is for one export; :meth:`close` releases the font.
    """

    def __init__(self) -> None:
        import nbformat

        self.exporter = _exporter()
        # An empty notebook loads and compiles every Jinja template the page is made from
        # (the first conversion of an exporter costs some 0.08 s more than the next ones);
        # it leaves nothing that changes the next conversion's output.
        self.exporter.from_notebook_node(nbformat.v4.new_notebook())
        self.font: Any = open_cjk_font()

    def take_font(self) -> Any:
        font, self.font = self.font, None
        return font

    def close(self) -> None:
        if self.font is not None:
            self.take_font().close()


def _exporter() -> Any:
    """nbconvert's HTML exporter, basic template (no code, no prompts), without its last pass.

    ``HTMLExporter.from_notebook_node`` re-parses the page it rendered with BeautifulSoup only
    to mark images that lack an alt text and to make JupyterLab-template cells focusable; the
    basic template has no such cells and :func:`describe_images` gives every image its alt
    text, so that parse and re-serialisation of a megabyte of HTML is skipped. Should a later
    nbconvert lack the pieces this relies on, its own method runs (the page is then the same
    but for whitespace).
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            try:
                from nbconvert.filters.highlight import Highlight2HTML
                from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

                init_resources, nb_metadata = self._init_resources, self._nb_metadata
            except (ImportError, AttributeError):
                return super().from_notebook_node(nb, resources, **kw)
            # what HTMLExporter.from_notebook_node does before rendering (nbconvert 7.16+)
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            highlight = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = init_resources(resources)
            data_type = WidgetsDataTypeFilter(
                notebook_metadata=nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def export_html(
    nb: Any,
    spec: Template,
    values: dict[str, Any],
    manifest: dict,
    *,
    parts: ExportParts | None = None,
) -> str:
    """The executed notebook as one self-contained HTML page (no code, no scripts).

    ``parts``: the exporter and font made ahead (:class:`ExportParts`); made here if None.
    """
    parts = ExportParts() if parts is None else parts
    try:
        body, _ = parts.exporter.from_notebook_node(strip_for_report(nb))
        body = describe_images(body, values.get("lang", "en"))
        return _page(body, spec, values, manifest, manifest["data_end"], parts.take_font())
    finally:
        parts.close()


_NO_ALT = "No description has been provided for this image"


# A heading (its inner HTML) or an image tag, in page order. The page is nbconvert's rendering
# of outputs and Markdown: tags are well formed and attribute values hold no ">", so a scan
# replaces an HTML parser here (parsing a megabyte of figures costs a tenth of a second).
_HEADING_OR_IMG = re.compile(r"<(h[1-4])\b[^>]*>(.*?)</\1\s*>|<img\b[^>]*>", re.S | re.I)


_ALT = re.compile(r"""\salt\s*=\s*("[^"]*"|'[^']*'|[^\s>]*)""", re.I)


_TAG = re.compile(r"<[^>]*>")


def describe_images(body: str, lang: str) -> str:
    """Give every figure an alternative text: "Chart: <the section it belongs to>".

    nbconvert labels each image "No description has been provided"; a screen reader (or a mail
    client that blocks images) should say what the figure is. The section's heading is the best
    description the page has. An alt text the notebook chose is kept.
    """
    chart = label("chart", lang)
    section, pieces, done = "", [], 0
    for match in _HEADING_OR_IMG.finditer(body):
        if match.group(1):
            # its text as the reader sees it: text between tags, each piece stripped, joined
            # by a space, without the anchor link "¶" nbconvert appends to Markdown headings
            words = (html.unescape(t).strip() for t in _TAG.split(match.group(2)))
            section = " ".join(w for w in words if w).rstrip("¶").strip()
            continue
        tag = match.group(0)
        alt = _ALT.search(tag)
        given = html.unescape(alt.group(1).strip("\"'")) if alt else ""
        if given and given != _NO_ALT:
            continue
        text = html.escape(f"{chart}: {section}" if section else chart)
        new = (
            tag[: alt.start()] + f' alt="{text}"' + tag[alt.end() :]
            if alt
            else f'<img alt="{text}"' + tag[4:]
        )
        pieces += [body[done : match.start()], new]
        done = match.end()
    return "".join([*pieces, body[done:]])
