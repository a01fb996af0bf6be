"""The notebooks are committed without outputs, and the exploration starter runs on a real
kernel.

Each notebook runs once where one run proves it: the course notebooks run in the solutions
build of tests/test_training.py (every exercise solved and checked, in both languages; a
committed notebook differs only in its ``answer = ...`` lines, whose check is tested there
too), and the report templates run in the renders of tests/test_report.py and
tests/test_templates_brief_campaign.py.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTERS = sorted(ROOT.glob("notebooks/*.ipynb"))
NOTEBOOKS = sorted(
    [
        *STARTERS,
        *ROOT.glob("mktkit/training/notebooks/*.ipynb"),
        *ROOT.glob("mktkit/report/templates/*.ipynb"),
    ]
)


def test_there_are_notebooks_to_run():
    assert STARTERS and any(p.parent.name == "templates" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", STARTERS, ids=lambda p: p.name)
def test_notebook_executes(path, tmp_path):
    from notebook_run import execute

    nb = execute(path, tmp_path / path.name, cwd=path.parent)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
