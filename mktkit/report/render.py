"""Render a report template: validate parameters, execute with papermill, export HTML, manifest.

The pipeline, for ``render("monthly_review", month="2026-10", region="all", lang="zh")``:

1. **Validate before a kernel starts.** Unknown names, wrong types and bad values (a month that
   is not ``YYYY-MM`` or not in the data, a region not in the data) raise
   :class:`~mktkit.errors.InputError` with one line saying what to do.
2. **Execute** ``templates/<template>.ipynb`` with papermill in a staging folder: the executed
   notebook is written once, when execution ends (however it ends), and the kernel is stopped
   at once when it is done.
3. **Export** ``report.html`` with nbconvert's ``basic`` template (no code cells, no prompts,
   no stderr) wrapped in our own page: inline CSS, figures as data URIs, no script and no
   request to any host, so it opens offline and prints on A4. What the export needs that the
   outputs do not decide (the exporter, the opened font) is made while the kernel runs.
4. **Manifest** ``manifest.json``: parameters, SHA-256 of every input file and of the template,
   package versions, timings, and a *fingerprint*: the hash of everything that determines the
   report (not the timings), shown in the report's footer. The same inputs give the same
   fingerprint and a byte-identical ``report.html``.
5. **Publish atomically.** The staging folder replaces ``reports/<name>/`` by renames only when
   every step succeeded. A failure leaves the last good report untouched, keeps the failed
   notebook beside it as ``reports/<name>.failed.ipynb`` and raises :class:`RenderError`
   naming the failing cell and its error.

Examples
--------
>>> from mktkit.report import render
>>> out = render("monthly_review", month="2026-10", region="all", lang="zh")   # doctest: +SKIP
>>> sorted(p.name for p in out.iterdir())                                      # doctest: +SKIP
['manifest.json', 'report.html', 'report.ipynb']
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from mktkit.errors import InputError
from mktkit.report_templates import TEMPLATES, TEMPLATES_DIR, Inputs, Template
from mktkit.style import EMBEDDED_FAMILY, font_face_css

REPORTS_DIR = Path("reports")
VERSIONED = (
    "mktkit",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "pandera",
    "papermill",
    "nbconvert",
    "statsmodels",
    "duckdb",
    "mplfonts",
)


class RenderError(RuntimeError):
    """A template failed to execute or export; the last good report was kept.

    Attributes
    ----------
    cell : int or None
        Execution count of the failing cell, when a cell failed.
    ename, evalue : str
        The error's name and value as the kernel reported them.
    failed_notebook : Path or None
        The executed notebook up to the failure, kept for debugging.
    """

    def __init__(self, message: str, *, cell=None, ename="", evalue="", failed_notebook=None):
        super().__init__(message)
        self.cell, self.ename, self.evalue = cell, ename, evalue
        self.failed_notebook = failed_notebook


def validate_params(
    template: str, params: Mapping[str, Any], *, with_data: bool = True
) -> tuple[Template, dict[str, Any]]:
    """Check a template name and its parameters without starting a kernel.

    Names, types and formats are checked first; then the values that must exist in the data
    (a month, a region, input files) through the template's ``prepare``, unless
    ``with_data=False``.
    Returns the template and the complete parameter dict (defaults filled in).

    Examples
    --------
    >>> validate_params("monthly_review", {"month": "2026-13"})
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: month: '2026-13' is not valid. Fix: write the month as YYYY-MM, e.g. 2026-10
    """
    if template not in TEMPLATES:
        raise InputError(
            f"unknown template {template!r}",
            column="template",
            fix="use one of " + ", ".join(sorted(TEMPLATES)),
        )
    spec = TEMPLATES[template]
    known = {p.name: p for p in spec.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise InputError(
            "unknown parameter(s) " + ", ".join(map(repr, unknown)),
            column="parameters",
            fix=f"{template} takes " + ", ".join(known),
        )
    values = {name: p.check(params.get(name, p.default)) for name, p in known.items()}
    if values.get("data_dir"):
        # The kernel runs in a staging folder: a relative path must not change meaning there.
        values["data_dir"] = str(Path(values["data_dir"]).resolve())
    if with_data:
        spec.prepare(values)
    return spec, values


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _manifest(
    spec: Template, values: dict[str, Any], template_path: Path, found: Inputs
) -> dict[str, Any]:
    inputs = {
        name: {"path": str(p), "sha256": _sha256(p)} for name, p in sorted(found.files.items())
    }
    determined = {
        "template": spec.name,
        "template_sha256": _sha256(template_path),
        "parameters": values,
        "inputs": {k: v["sha256"] for k, v in inputs.items()},
        "versions": _versions(),
        "data_end": found.data_end,
    }
    canonical = json.dumps(determined, sort_keys=True, ensure_ascii=False).encode()
    return {
        **determined,
        "inputs": inputs,
        "fingerprint": hashlib.sha256(canonical).hexdigest(),
    }


def _strip_for_report(nb: Any) -> Any:
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


_CSS = """
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
    from mktkit.i18n import label, labels

    lang = values.get("lang", "en")
    lab = labels(lang)
    esc = html.escape
    title = lab.get(spec.name, spec.name)
    # Names and values in the reader's language (codes such as regions are translated).
    params = "".join(
        f"<div><dt>{esc(str(label(k, lang)))}</dt><dd>{esc(str(label(v, lang)))}</dd></div>"
        for k, v in values.items()
        if v is not None and k != "lang"
    )
    versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in manifest["versions"].items())
    html_lang = "zh-CN" if lang == "zh" else "en"
    dated = f"{esc(lab['data_through'])}: {esc(data_end)} · " if data_end else ""
    page = (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · {esc(spec.folder_name(values))}</title>\n"
        "<style>/*fonts*/" + _CSS + "</style>\n</head>\n"
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

        from mktkit.style import open_cjk_font

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
    basic template has no such cells and :func:`_describe_images` gives every image its alt
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
        body, _ = parts.exporter.from_notebook_node(_strip_for_report(nb))
        body = _describe_images(body, values.get("lang", "en"))
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


def _describe_images(body: str, lang: str) -> str:
    """Give every figure an alternative text: "Chart: <the section it belongs to>".

    nbconvert labels each image "No description has been provided"; a screen reader (or a mail
    client that blocks images) should say what the figure is. The section's heading is the best
    description the page has. An alt text the notebook chose is kept.
    """
    from mktkit.i18n import label

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


def _stuck_cell(nb_path: Path) -> tuple[int | None, str]:
    """The cell that timed out: its number among the template's code cells and its first line.

    nbclient reports a timeout without a cell, and papermill marks that cell "completed"
    without an exception; it is the last cell that started (the ones after it are "pending").
    """
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4)
    except (OSError, ValueError):
        return None, ""
    code = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    started = [
        i for i, c in enumerate(code, start=1) if c.metadata.get("papermill", {}).get("start_time")
    ]
    if not started:
        return None, ""
    return started[-1], (code[started[-1] - 1].source.strip().splitlines() or [""])[0]


def _cell_error(nb_path: Path, exc: Exception, timeout: int | None = None) -> RenderError:
    from nbclient.exceptions import CellTimeoutError

    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "exec_count", None)
    where = f"cell {cell}" if cell is not None else "the notebook"
    if isinstance(exc, CellTimeoutError | TimeoutError):
        ename = "CellTimeoutError"
        number, first = _stuck_cell(nb_path)
        cell = number
        where = f"cell {number} ({first!r})" if number else "a cell"
        evalue = f"ran longer than the {timeout} s a cell may take (--timeout)"
    return RenderError(
        f"{where} failed: {ename}: {evalue} (failed notebook kept at {nb_path})",
        cell=cell,
        ename=ename,
        evalue=evalue,
        failed_notebook=nb_path,
    )


def render(
    template: str,
    *,
    out_dir: str | os.PathLike = REPORTS_DIR,
    templates_dir: str | os.PathLike | None = None,
    timeout: int = 600,
    force: bool = False,
    pdf: bool = False,
    **params: Any,
) -> Path:
    """Render ``template`` with ``params`` into ``out_dir/<template>-<params>/``.

    When the folder already holds a report whose manifest has the same fingerprint (same
    template, parameters, input files and package versions), that report is kept and nothing is
    run, unless ``force``.

    Parameters
    ----------
    template : str
        A name of :data:`TEMPLATES`.
    out_dir : path
        Where report folders go (default ``reports/``).
    templates_dir : path, optional
        Where the template notebooks are (default: the repository's ``templates/``).
    timeout : int
        Seconds a cell may run before the render fails.
    force : bool
        Render even when an identical report exists.
    pdf : bool
        Also print ``report.pdf`` (A4) with a headless Chromium found on the machine
        (:mod:`mktkit.pdf`); refused before any kernel starts when there is none.
    **params
        The template's parameters (see :data:`TEMPLATES`), validated before any kernel starts.

    Returns
    -------
    Path of the published report folder.

    Raises
    ------
    InputError
        A bad template name or parameter; nothing was run or written.
    RenderError
        The notebook failed; the previous report is kept, the failed notebook is beside it.
    """
    return _render(template, out_dir, templates_dir, timeout, force, params, pdf)[0]


def _render(
    template: str,
    out_dir: str | os.PathLike,
    templates_dir: str | os.PathLike | None,
    timeout: int,
    force: bool,
    params: Mapping[str, Any],
    pdf: bool = False,
    km: Any = None,
) -> tuple[Path, bool]:
    """:func:`render`, also saying whether an identical existing report was reused.

    ``km``: a kernel manager to execute in instead of a fresh kernel (the batch's warm
    kernels); its namespace and matplotlib settings are reset first (:data:`_RESET`).
    """
    import nbformat
    import papermill

    started = time.perf_counter()
    spec, values = validate_params(template, params, with_data=False)
    if pdf:
        from mktkit.pdf import require_chromium

        require_chromium()
    found = spec.prepare(values)
    nb_in = spec.path(Path(templates_dir) if templates_dir else TEMPLATES_DIR)
    if not nb_in.exists():
        raise InputError(f"template notebook {nb_in} is missing", fix="reinstall the templates")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = spec.folder_name(values)
    final, failed = out_dir / name, out_dir / f"{name}.failed.ipynb"
    manifest = _manifest(spec, values, nb_in, found)
    if (
        not force
        and found.reusable
        and _fingerprint(final) == manifest["fingerprint"]
        and (not pdf or (final / "report.pdf").is_file())
    ):
        return final, True
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out_dir))
    staging.chmod(0o755)  # mkdtemp makes it private; a published report is readable as usual
    # The export's exporter and font are made in a thread while the kernel starts and runs:
    # this process only waits for it then.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mktkit-export")
    ahead = pool.submit(ExportParts)
    pool.shutdown(wait=False)
    try:
        nb_out = staging / "report.ipynb"
        t0 = time.perf_counter()
        source: Any = str(nb_in)
        if km is not None:
            source = nbformat.read(nb_in, as_version=4)
            source.cells.insert(0, nbformat.v4.new_code_cell(_RESET, metadata={"tags": ["reset"]}))
        run = dict(
            parameters=values,
            kernel_name="python3",
            progress_bar=False,
            # the engine writes the notebook when execution ends however it ends, so a cell
            # that fails or times out is found in the kept notebook (_save_at_end_engine)
            engine_name=_save_at_end_engine(),
            request_save_on_cell_execute=True,
            cwd=str(staging),
            execution_timeout=timeout,
            # The kernel's start-up chatter (a TCP notice on every start) is not for the
            # reader of the command line; errors still come through.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            # Stop the kernel at once when the notebook is done: all its output is in, and a
            # polite shutdown request waits some 0.4 s for the kernel to wind itself down
            # (the whole 5 s grace time when a cell is stuck). A batch's warm kernel is not
            # papermill's to stop and stays up.
            shutdown_kernel="immediate",
            **({"km": km} if km is not None else {"kernel_manager_class": _kernel_manager()}),
        )
        try:
            for attempt in range(3):
                try:
                    papermill.execute_notebook(source, str(nb_out), **run)
                    break
                except RuntimeError as exc:
                    # jupyter_client picks free TCP ports before the kernel binds them; on a
                    # busy machine another process can take one first and the kernel dies at
                    # start. Nothing ran yet, so starting again is safe.
                    if attempt == 2 or "Kernel died before replying" not in str(exc):
                        raise
        except Exception as exc:  # papermill raises its own error or nbclient's timeout
            if nb_out.exists():
                shutil.copyfile(nb_out, failed)
            raise _cell_error(failed, exc, timeout) from exc
        t1 = time.perf_counter()
        nb = nbformat.read(nb_out, as_version=4)
        page = export_html(nb, spec, values, manifest, parts=ahead.result())
        (staging / "report.html").write_text(page, encoding="utf-8")
        if pdf:
            from mktkit.pdf import print_pdf

            try:
                print_pdf(staging / "report.html", staging / "report.pdf")
            except (RuntimeError, OSError) as exc:  # includes a Chromium that hangs
                raise RenderError(f"the PDF could not be printed: {exc}") from exc
        manifest["timings_s"] = {
            "execute": round(t1 - t0, 3),
            "export": round(time.perf_counter() - t1, 3),
            "total": round(time.perf_counter() - started, 3),
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _publish(staging, final)
        failed.unlink(missing_ok=True)
        return final, False
    finally:
        # after a failure: the font is closed once the thread is done (export_html closes it)
        ahead.add_done_callback(lambda done: done.exception() or done.result().close())
        shutil.rmtree(staging, ignore_errors=True)


@functools.cache
def _kernel_manager() -> type:
    """jupyter_client's kernel manager, checking every 10 ms (not 100 ms) that a killed kernel
    is gone.

    A killed kernel exits within milliseconds; the stock manager looks only after a 0.1 s
    sleep, which every report then waits for. Should jupyter_client stop calling the method
    overridden here, the stock interval applies.
    """
    from jupyter_client.manager import AsyncKernelManager

    class KernelManager(AsyncKernelManager):
        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    return KernelManager


_ENGINE = "mktkit-save-at-end"


def _save_at_end_engine() -> str:
    """Name of papermill's nbclient engine writing the notebook once, when execution ends.

    papermill writes the whole notebook, figures included, when the run starts and when each
    cell starts and completes: some 30 writes of a growing megabyte for a monthly review, 0.1 s
    in all, each between two cells while the kernel waits. This engine writes it once, in
    ``notebook_complete``, which papermill runs however the execution ends (a failing cell, a
    timeout, a dead kernel), so the kept notebook still holds every output up to the failure
    and the start time of the stuck cell. Registered on first use.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(_ENGINE)
        return _ENGINE
    except PapermillException:
        pass

    class SaveAtEnd(NotebookExecutionManager):
        def save(self, **kwargs):
            if self.end_time is not None:  # set by notebook_complete before its save
                super().save(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb,
            kernel_name,
            output_path=None,
            progress_bar=True,
            log_output=False,
            autosave_cell_every=30,
            **kwargs,
        ):
            # papermill's Engine.execute_notebook with the manager above
            nb_man = SaveAtEnd(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(_ENGINE, Engine)
    return _ENGINE


def _fingerprint(folder: Path) -> str | None:
    """The fingerprint of a complete published report in ``folder``, else None."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("fingerprint") if (folder / "report.html").is_file() else None


def _publish(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with renames, so a reader never sees half a report."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# batch: a grid of parameters, rendered in parallel, with an index page


@dataclass(frozen=True)
class BatchItem:
    """The outcome of one report of a batch: ``status`` is rendered, reused or failed."""

    params: dict[str, Any]
    status: str
    path: Path | None
    error: str = ""
    seconds: float = 0.0


def expand_grid(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the first parameter varying slowest.

    Examples
    --------
    >>> expand_grid({"month": ["2026-09", "2026-10"], "lang": ["zh", "en"]})[1]
    {'month': '2026-09', 'lang': 'en'}
    """
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


# Run before each report in a warm kernel: it then starts from what a fresh kernel has (the
# template imports what it needs again; modules stay loaded, which is the point). The byte-
# identical test of tests/test_batch.py holds the two paths together.
_RESET = """\
%reset -f
import matplotlib as _mpl
import matplotlib.pyplot as _plt
import matplotlib.style.core as _style

_plt.close("all")
# rcParams as matplotlib loaded them, as in a fresh kernel (the backend is left alone)
_mpl.rcParams.update({k: v for k, v in _mpl.rcParamsOrig.items() if k not in _style.STYLE_BLACKLIST})
del _mpl, _plt, _style
"""

_WORKER_KERNEL: Any = None  # this batch worker's kernel manager, started on first use


def _worker_kernel() -> Any:
    """The batch worker's warm kernel: started once, restarted if it died or timed out."""
    global _WORKER_KERNEL
    from jupyter_client.manager import KernelManager

    if _WORKER_KERNEL is None:
        _WORKER_KERNEL = KernelManager(kernel_name="python3")
    elif _WORKER_KERNEL.has_kernel and not _WORKER_KERNEL.is_alive():
        _WORKER_KERNEL.shutdown_kernel(now=True)
    return _WORKER_KERNEL


def _batch_one(template: str, params: dict[str, Any], out_dir: str, force: bool) -> BatchItem:
    """One report of a batch; every failure becomes a failed item, never an exception."""
    global _WORKER_KERNEL
    started = time.perf_counter()
    km = _worker_kernel()
    try:
        path, reused = _render(template, out_dir, None, 600, force, params, km=km)
    except (InputError, RenderError) as exc:
        if isinstance(exc, RenderError) and km.has_kernel:
            # A failed or stuck cell may leave the kernel busy or odd: start the next afresh.
            km.shutdown_kernel(now=True)
            _WORKER_KERNEL = None
        return BatchItem(params, "failed", None, str(exc), time.perf_counter() - started)
    status = "reused" if reused else "rendered"
    return BatchItem(params, status, path, "", time.perf_counter() - started)


def _batch_group(
    template: str, combos: list[dict[str, Any]], out_dir: str, force: bool
) -> list[BatchItem]:
    """Reports that differ only in language, rendered in turn by one worker."""
    return [_batch_one(template, c, out_dir, force) for c in combos]


def batch(
    template: str,
    grid: Mapping[str, Sequence[Any]],
    *,
    jobs: int = 2,
    force: bool = False,
    out_dir: str | os.PathLike = REPORTS_DIR,
    on_done: Callable[[BatchItem], None] | None = None,
) -> list[BatchItem]:
    """Render every combination of ``grid`` in ``jobs`` parallel processes; write an index.

    A combination that fails (bad parameters, a failing cell) is recorded and the others go
    on. Reports whose inputs and parameters did not change since the last run are reused
    (their manifest's fingerprint decides) unless ``force``. ``out_dir/index.html`` links every
    report with its status.

    Returns
    -------
    list of :class:`BatchItem`, in grid order.

    Examples
    --------
    >>> items = batch("monthly_review", {"region": ["east", "west"], "lang": ["zh"]})  # doctest: +SKIP
    >>> [i.status for i in items]                                                      # doctest: +SKIP
    ['rendered', 'rendered']
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if template not in TEMPLATES:
        validate_params(template, {})  # raises the one-line "unknown template" error
    combos = expand_grid(grid)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # The languages of one report go to one worker, one after the other: its warm kernel then
    # computes the numbers once (mktkit.memo) and only words and figures are redone.
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for c in combos:
        groups.setdefault(tuple((k, v) for k, v in c.items() if k != "lang"), []).append(c)
    # "spawn": every worker is a fresh interpreter (no forked locks or threads of the caller)
    context = multiprocessing.get_context("spawn")
    done: dict[int, BatchItem] = {}
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = [pool.submit(_batch_group, template, g, str(out), force) for g in groups.values()]
        for future in as_completed(futures):
            for item in future.result():
                done[id(item)] = item
                if on_done is not None:
                    on_done(item)
    by_params = {json.dumps(i.params, sort_keys=True): i for i in done.values()}
    items = [by_params[json.dumps(c, sort_keys=True)] for c in combos]
    write_index(out, template, items)
    return items


def write_index(out_dir: Path, template: str, items: Sequence[BatchItem]) -> Path:
    """``out_dir/index.html``: one row per report with its parameters, status and link."""
    esc = html.escape
    names = list(items[0].params) if items else []
    rows = []
    for it in items:
        cells = "".join(f"<td>{esc(str(it.params[n]))}</td>" for n in names)
        link = (
            f'<a href="{esc(it.path.name)}/report.html">report.html</a>'
            if it.path is not None
            else esc(it.error)
        )
        rows.append(
            f'<tr class="{esc(it.status)}">{cells}<td>{esc(it.status)}</td><td>{link}</td></tr>'
        )
    head = "".join(f"<th>{esc(n)}</th>" for n in [*names, "status", "report"])
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(template)} · reports</title>\n<style>{_CSS}"
        " .failed td { color: #b42318; }</style>\n</head>\n<body>\n"
        f'<header class="report"><h1>{esc(template)}</h1></header>\n<main>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</main>\n</body>\n</html>\n"
    )
    index = out_dir / "index.html"
    tmp = index.with_name(".index.html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(index)  # atomic: a reader sees the old index or the new one
    return index
