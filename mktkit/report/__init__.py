"""Reports: render a template notebook into a self-contained HTML page, one or a grid of them.

- :mod:`~mktkit.report.specs`: each template's parameters and the checks made before a kernel
  starts; the notebooks themselves are in ``mktkit/report/templates/``;
- :mod:`~mktkit.report.render`: :func:`render`, the pipeline of named steps
  (:mod:`~mktkit.report.execute`, :mod:`~mktkit.report.export`,
  :mod:`~mktkit.report.manifest`, :mod:`~mktkit.report.publish`);
- :mod:`~mktkit.report.batch`: :func:`batch`, a grid in parallel with an index page;
- :mod:`~mktkit.report.pdf`: the A4 PDF printed by a headless Chromium.

Examples
--------
>>> from mktkit.report import TEMPLATES
>>> sorted(TEMPLATES)
['campaign_review', 'monthly_review', 'strategy_workshop', 'weekly_brief']
"""

from mktkit.report.batch import BatchItem, batch, expand_grid, write_index
from mktkit.report.execute import RenderError
from mktkit.report.export import ExportParts, export_html
from mktkit.report.render import REPORTS_DIR, render, validate_params
from mktkit.report.specs import TEMPLATES, TEMPLATES_DIR, Template

__all__ = [
    "REPORTS_DIR",
    "TEMPLATES",
    "TEMPLATES_DIR",
    "BatchItem",
    "ExportParts",
    "RenderError",
    "Template",
    "batch",
    "expand_grid",
    "export_html",
    "render",
    "validate_params",
    "write_index",
]
