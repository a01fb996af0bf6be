"""Render a report template: validate parameters, execute with papermill, export HTML, manifest.

The pipeline, for ``render("monthly_review", month="2026-10", region="all", lang="zh")``:

1. **Validate before a kernel starts.** Unknown names, wrong types and bad values (a month that
   is not ``YYYY-MM`` or not in the data, a region not in the data) raise
   :class:`~mktkit.errors.InputError` with one line saying what to do.
2. **Execute** the template notebook (``mktkit/report/templates/<template>.ipynb``) with papermill in a staging folder: the executed
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

Each step is a function of its own module: :mod:`~mktkit.report.specs` (parameters and
``prepare``), :mod:`~mktkit.report.execute`, :mod:`~mktkit.report.export`,
:mod:`~mktkit.report.manifest` and :mod:`~mktkit.report.publish`; :func:`render_one` calls them
in turn.

Examples
--------
>>> from mktkit.report import render
>>> out = render("monthly_review", month="2026-10", region="all", lang="zh")   # doctest: +SKIP
>>> sorted(p.name for p in out.iterdir())                                      # doctest: +SKIP
['manifest.json', 'report.html', 'report.ipynb']
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mktkit.errors import InputError
from mktkit.report.execute import RenderError, execute
from mktkit.report.export import ExportParts, export_html
from mktkit.report.manifest import build_manifest, published_fingerprint
from mktkit.report.pdf import print_pdf, require_chromium
from mktkit.report.publish import clean_stale, make_staging, publish, report_lock
from mktkit.report.specs import TEMPLATES, TEMPLATES_DIR, Template

REPORTS_DIR = Path("reports")


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
        Where the template notebooks are (default: the package's, :data:`TEMPLATES_DIR`).
    timeout : int
        Seconds a cell may run before the render fails.
    force : bool
        Render even when an identical report exists.
    pdf : bool
        Also print ``report.pdf`` (A4) with a headless Chromium found on the machine
        (:mod:`mktkit.report.pdf`); refused before any kernel starts when there is none.
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
    return render_one(template, out_dir, templates_dir, timeout, force, params, pdf)[0]


def render_one(
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

    The steps: validate the parameters and prepare the inputs (no kernel yet); reuse a
    published report with the same fingerprint; execute in a staging folder; export the HTML
    (and PDF); write the manifest; publish. ``km``: a kernel manager to execute in instead of a
    fresh kernel (the batch's warm kernels).
    """
    started = time.perf_counter()
    spec, values = validate_params(template, params, with_data=False)
    if pdf:
        require_chromium()
    found = spec.prepare(values)
    nb_in = spec.path(Path(templates_dir) if templates_dir else TEMPLATES_DIR)
    if not nb_in.exists():
        raise InputError(f"template notebook {nb_in} is missing", fix="reinstall the templates")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = spec.folder_name(values)
    final, failed = out / name, out / f"{name}.failed.ipynb"
    with report_lock(out, name):  # a second render of this report waits, then reuses
        clean_stale(out, name)  # what a killed render of it left
        manifest = build_manifest(spec, values, nb_in, found)
        if (
            not force
            and found.reusable
            and published_fingerprint(final) == manifest["fingerprint"]
            and (not pdf or (final / "report.pdf").is_file())
        ):
            return final, True
        _run(nb_in, out, final, failed, spec, values, manifest, timeout, pdf, km, started)
        return final, False


def _run(
    nb_in: Path,
    out: Path,
    final: Path,
    failed: Path,
    spec: Template,
    values: dict[str, Any],
    manifest: dict,
    timeout: int,
    pdf: bool,
    km: Any,
    started: float,
) -> None:
    """Execute, export, write the manifest and publish, in a staging folder."""
    staging = make_staging(out, final.name)
    ahead = _export_parts_ahead()
    try:
        t0 = time.perf_counter()
        nb = execute(nb_in, staging / "report.ipynb", values, timeout=timeout, failed=failed, km=km)
        t1 = time.perf_counter()
        # for the command line, not the page (the export drops the notebook's stderr)
        manifest["warnings"] = kit_warnings(nb)
        _export(nb, staging, spec, values, manifest, ahead.result(), pdf)
        manifest["timings_s"] = {
            "execute": round(t1 - t0, 3),
            "export": round(time.perf_counter() - t1, 3),
            "total": round(time.perf_counter() - started, 3),
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        publish(staging, final)
        failed.unlink(missing_ok=True)
    finally:
        # after a failure: the font is closed once the thread is done (export_html closes it)
        ahead.add_done_callback(lambda done: done.exception() or done.result().close())
        shutil.rmtree(staging, ignore_errors=True)


#: The kit's warnings: a report that raised one renders, and the command line says why.
_KIT_WARNING = re.compile(
    r"\b(FunnelWarning|AnomalyWarning|SmallSampleWarning|SWOTWarning): (.+)$", re.M
)


def kit_warnings(nb: Any) -> list[str]:
    r"""The kit's warnings in an executed notebook's stderr, once each, in order.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
    ...     "stream", name="stderr", text="/x.py:3: FunnelWarning: no one reached step 2\n")])
    >>> kit_warnings(nbformat.v4.new_notebook(cells=[cell]))
    ['FunnelWarning: no one reached step 2']
    """
    found: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                for kind, text in _KIT_WARNING.findall(output.get("text", "")):
                    line = f"{kind}: {text.strip()}"
                    if line not in found:
                        found.append(line)
    return found


def _export_parts_ahead() -> Future:
    """The export's exporter and font, made in a thread while the kernel starts and runs: this
    process only waits for them then."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mktkit-export")
    ahead = pool.submit(ExportParts)
    pool.shutdown(wait=False)
    return ahead


def _export(
    nb: Any,
    staging: Path,
    spec: Template,
    values: dict[str, Any],
    manifest: dict,
    parts: ExportParts,
    pdf: bool,
) -> None:
    """``report.html`` (and ``report.pdf``) of the executed notebook, in the staging folder."""
    page = export_html(nb, spec, values, manifest, parts=parts)
    (staging / "report.html").write_text(page, encoding="utf-8")
    if pdf:
        try:
            print_pdf(staging / "report.html", staging / "report.pdf")
        except (RuntimeError, OSError) as exc:  # includes a Chromium that hangs
            raise RenderError(f"the PDF could not be printed: {exc}") from exc
