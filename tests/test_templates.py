"""The report templates are thin: a parameter cell, one cell that opens the review, then one
call of a review method per cell, whose section the cell shows. Everything a report computes
and shows lives in mktkit/review, where it is tested and reachable from Python."""

from __future__ import annotations

import ast

import nbformat
import pytest

from mktkit import review
from mktkit.report import TEMPLATES, TEMPLATES_DIR
from mktkit.review.section import Section

REVIEWS = {
    "monthly_review": review.MonthlyReview,
    "weekly_brief": review.WeeklyBrief,
    "campaign_review": review.CampaignReview,
    "strategy_workshop": review.StrategyWorkshop,
}


def _code_cells(name: str) -> list:
    nb = nbformat.read(TEMPLATES_DIR / f"{name}.ipynb", as_version=4)
    assert all(c.cell_type == "code" for c in nb.cells), name
    return nb.cells


def test_every_template_has_its_review():
    assert sorted(REVIEWS) == sorted(TEMPLATES)
    assert sorted(p.stem for p in TEMPLATES_DIR.glob("*.ipynb")) == sorted(TEMPLATES)


@pytest.mark.parametrize("name", sorted(REVIEWS))
def test_a_template_opens_its_review_and_calls_one_method_per_cell(name):
    params, setup, *sections = _code_cells(name)
    assert params.metadata.get("tags") == ["parameters"]
    declared = {p.name for p in TEMPLATES[name].params}
    assigned = {t.id for s in ast.parse(params.source).body for t in s.targets}
    assert assigned == declared

    imports, opened = ast.parse(setup.source).body
    cls = REVIEWS[name]
    assert isinstance(imports, ast.ImportFrom) and imports.module == "mktkit.review"
    assert [a.name for a in imports.names] == [cls.__name__]
    assert isinstance(opened, ast.Assign) and opened.targets[0].id == "review"
    assert opened.value.func.id == cls.__name__
    # every parameter reaches the review; no value is made up in the notebook
    passed = [a.id for a in opened.value.args] + [k.value.id for k in opened.value.keywords]
    assert sorted(passed) == sorted(declared)

    called = []
    for cell in sections:
        (statement,) = ast.parse(cell.source).body
        call = statement.value
        assert isinstance(statement, ast.Expr) and isinstance(call, ast.Call), cell.source
        assert not call.args and not call.keywords, cell.source
        assert call.func.value.id == "review", cell.source
        called.append(call.func.attr)
    public = {m for m in vars(cls) if not m.startswith("_") and callable(getattr(cls, m))}
    assert set(called) <= public, set(called) - public
    # the report opens with the findings the template computes last (monthly and weekly)
    tagged = [c.source for c in sections if "findings" in c.metadata.get("tags", [])]
    assert tagged == (["review.findings()"] if "findings" in called else [])


@pytest.mark.parametrize("name", sorted(REVIEWS))
def test_review_methods_return_sections(name):
    cls = REVIEWS[name]
    for method in [m for m in vars(cls) if not m.startswith("_")]:
        attr = getattr(cls, method)
        if callable(attr):
            assert attr.__annotations__.get("return") in ("Section", Section), method


def test_a_section_draws_its_figures_only_when_shown_and_closes_them():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()  # display() publishes through a shell, as in a kernel
    drawn = []

    def draw():
        fig, ax = plt.subplots()
        drawn.append(fig)
        return ax

    plt.close("all")
    sec = Section("zh").heading("funnel").figure(draw).html("<p>x</p>")
    assert drawn == [] and plt.get_fignums() == []  # nothing drawn while computing
    with capture_output() as shown:
        sec._ipython_display_()
    kinds = [sorted(o.data) for o in shown.outputs]
    assert kinds == [["text/html", "text/plain"], ["text/plain"], ["text/html", "text/plain"]]
    assert shown.outputs[0].data["text/html"] == "<h2>转化漏斗</h2>"  # i18n: funnel
    assert len(drawn) == 1 and plt.get_fignums() == []  # drawn once, then closed
