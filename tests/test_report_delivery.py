"""Delivery details of a report: a cell that runs too long fails the render, the PDF is A4 and
is refused up front without a browser, every figure has an alternative text, findings open the
page. Small throw-away templates keep these tests fast."""

from __future__ import annotations

import re
import shutil
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mktkit.errors import InputError
from mktkit.report import RenderError, render
from mktkit.report.export import describe_images, strip_for_report

PARAMS = 'month = "2026-10"\nregion = "all"\nlang = "zh"\ndata_dir = None'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _template(folder: Path, *cells) -> Path:
    """A stand-in ``monthly_review.ipynb`` (same parameters, other cells) in ``folder``."""
    nb = new_notebook(cells=[new_code_cell(PARAMS, metadata={"tags": ["parameters"]}), *cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / "monthly_review.ipynb")
    return folder


@pytest.mark.slow
def test_a_cell_that_runs_too_long_fails_the_render(tmp_path):
    # papermill alone marks a timed-out cell "completed"; the render must fail, name the cell
    # (the 3rd code cell of the template) and keep the notebook up to it.
    templates = _template(
        tmp_path / "t", new_code_cell("print('fine')"), new_code_cell("import time\ntime.sleep(60)")
    )
    out = tmp_path / "reports"
    with pytest.raises(RenderError) as info:
        render("monthly_review", out_dir=out, templates_dir=templates, timeout=4)
    err = info.value
    assert err.ename == "CellTimeoutError" and err.cell == 3
    assert "cell 3 ('import time')" in str(err) and "4 s" in str(err)
    assert err.failed_notebook.exists()
    assert sorted(p.name for p in out.iterdir() if p.name[0] != ".") == [err.failed_notebook.name]


def test_pdf_without_a_browser_is_refused_before_any_kernel(tmp_path, monkeypatch):
    import papermill

    monkeypatch.setenv("MKTKIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: pytest.fail("ran"))
    with pytest.raises(InputError, match="needs a headless Chromium") as info:
        render("monthly_review", out_dir=tmp_path / "out", pdf=True)
    assert "apt-get install chromium" in str(info.value)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def _pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page object of a PDF (streams inflated)."""
    text = data.decode("latin-1")
    for stream in re.findall(r"stream\r?\n(.*?)endstream", text, flags=re.S):
        try:
            text += zlib.decompress(stream.encode("latin-1")).decode("latin-1")
        except zlib.error:
            pass
    boxes = re.findall(r"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", text)
    pages = len(re.findall(r"/Type\s*/Page(?!s)", text))
    return [tuple(map(float, b)) for b in boxes][:pages] if boxes else []


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: `make test` installs Debian's chromium")
def test_pdf_is_printed_on_a4_beside_the_html(tmp_path):
    rows = "pd.DataFrame({'区域': ['华东', '华南'] * 60, 'revenue': range(120)})"
    templates = _template(
        tmp_path / "t",
        new_markdown_cell("## 测试报告 / Test report"),
        new_code_cell(
            f"import pandas as pd\nfrom IPython.display import HTML\nHTML({rows}.to_html())"
        ),
    )
    folder = render("monthly_review", out_dir=tmp_path / "r", templates_dir=templates, pdf=True)
    pdf = (folder / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = _pdf_pages(pdf)
    # A4 is 595.28 x 841.89 points; 120 table rows do not fit on one page.
    assert len(pages) >= 2
    assert all(abs(w - 595.28) < 1 and abs(h - 841.89) < 1 for w, h in pages), pages
    # Asking again with unchanged inputs reuses the report, its PDF included.
    again = render("monthly_review", out_dir=tmp_path / "r", templates_dir=templates, pdf=True)
    assert (again / "report.pdf").read_bytes() == pdf


def test_figures_get_the_heading_of_their_section_as_alt_text():
    body = (
        '<h2 id="x">转化漏斗<a class="anchor-link" href="#x">¶</a></h2>'
        '<img alt="No description has been provided for this image" src="data:image/png;base64,AA">'
        '<h3>渠道</h3><img src="data:image/png;base64,BB">'
        '<img alt="A chosen description" src="data:image/png;base64,CC">'
    )
    out = describe_images(body, "zh")
    alts = re.findall(r'alt="([^"]*)"', out)
    assert alts == ["图表: 转化漏斗", "图表: 渠道", "A chosen description"]
    assert re.findall(r'alt="([^"]*)"', describe_images("<img src='x'>", "en")) == ["Chart"]


def test_the_export_is_the_same_with_its_parts_made_ahead():
    # render() builds the exporter and opens the font in a thread while the kernel runs
    # (ExportParts); the page must not depend on it.
    import base64
    import copy

    from mktkit.report import ExportParts, export_html
    from mktkit.report.specs import TEMPLATES

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    nb = new_notebook(
        cells=[
            new_code_cell("a", outputs=[_display({"text/html": "<h2>渠道 &amp; 预算</h2>"})]),
            new_code_cell("b", outputs=[_display({"image/png": png, "text/plain": "<Figure>"})]),
        ]
    )
    manifest = {"versions": {"python": "3.11"}, "fingerprint": "0" * 64, "data_end": None}
    values = {"month": "2026-10", "region": "all", "lang": "zh"}
    spec = TEMPLATES["monthly_review"]
    made_here = export_html(copy.deepcopy(nb), spec, values, manifest)
    ahead = export_html(copy.deepcopy(nb), spec, values, manifest, parts=ExportParts())
    assert made_here == ahead
    assert '<img alt="图表: 渠道 &amp; 预算" src="data:image/png;base64,' in made_here


def _display(data: dict):
    return nbformat.v4.new_output("display_data", data=data)


def test_the_findings_cell_opens_the_report():
    nb = new_notebook(
        cells=[
            new_code_cell("a", outputs=[_out("section one")]),
            new_code_cell("b", outputs=[_out("section two")]),
            new_code_cell("c", outputs=[_out("findings")], metadata={"tags": ["findings"]}),
        ]
    )
    kept = strip_for_report(nb)
    assert [c.outputs[0]["text"] for c in kept.cells] == ["findings", "section one", "section two"]
    assert [c["id"] for c in kept.cells] == ["c0", "c1", "c2"]


def _out(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)
