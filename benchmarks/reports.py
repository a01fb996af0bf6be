"""How fast reports render, against papermill's own floor and against a serial papermill loop.

Two measures, each in one run so the ratios compare like with like on a shared machine:

1. **One monthly review** (``mk.render("monthly_review", force=True)``: validation, papermill,
   HTML export with the embedded font, manifest) against **papermill's floor**: an empty
   notebook whose only cell imports pandas, matplotlib and seaborn, executed with papermill and
   exported to HTML with nbconvert. Median of ``--repeat`` runs each, alternating. Target: the
   review within 1.5x of the floor.
2. **A 24-report grid** (3 months x 4 regions x 2 languages) with ``mktkit.report.batch``
   (``-j`` workers, ``force=True`` so nothing is reused) against the same 24 rendered
   **serially with papermill and nbconvert** (execute the template with the parameters, export
   with nbconvert's default HTML exporter). Target: the batch at least 3x faster.

The script exits 1 when a target is missed.

Usage::

    .venv/bin/python benchmarks/reports.py                 # both measures
    .venv/bin/python benchmarks/reports.py --only single --repeat 5
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from mktkit.report.specs import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = TEMPLATES_DIR / "monthly_review.ipynb"
GRID = {
    "month": ["2026-08", "2026-09", "2026-10"],
    "region": ["east", "south", "north", "west"],
    "lang": ["zh", "en"],
}
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def _floor_notebook(folder: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[new_code_cell("import pandas\nimport matplotlib.pyplot\nimport seaborn")]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def papermill_and_export(src: Path, out: Path, parameters: dict | None = None) -> float:
    """papermill execute + nbconvert HTML export, the plain way; returns seconds."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    start = time.perf_counter()
    papermill.execute_notebook(
        str(src),
        str(out),
        parameters=parameters or {},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(out.parent),
        extra_arguments=KERNEL_ARGS,
    )
    body, _ = HTMLExporter().from_notebook_node(nbformat.read(out, as_version=4))
    out.with_suffix(".html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def _floor_template(folder: Path) -> Path:
    """The floor notebook as a ``monthly_review`` template (its parameters cell added), to time
    mktkit's own machinery (validation, manifest, embedded font, atomic publish) on it."""
    import nbformat
    from nbformat.v4 import new_code_cell

    nb = nbformat.read(_floor_notebook(folder), as_version=4)
    params = 'month = "2026-10"\nregion = "all"\nlang = "zh"\ndata_dir = None\nspark_events = None'
    nb.cells.insert(0, new_code_cell(params, metadata={"tags": ["parameters"]}))
    (folder / "tpl").mkdir(exist_ok=True)
    nbformat.write(nb, folder / "tpl" / "monthly_review.ipynb")
    return folder / "tpl"


def single(repeat: int, work: Path) -> dict:
    from mktkit.report import render

    floor_nb = _floor_notebook(work)
    floor_tpl = _floor_template(work)
    floor, review, machinery = [], [], []
    for i in range(repeat):
        floor.append(papermill_and_export(floor_nb, work / f"floor-{i}.ipynb"))
        start = time.perf_counter()
        render("monthly_review", out_dir=work / "single", force=True)
        review.append(time.perf_counter() - start)
        start = time.perf_counter()
        render("monthly_review", out_dir=work / "machinery", templates_dir=floor_tpl, force=True)
        machinery.append(time.perf_counter() - start)
    f, r, m = (statistics.median(x) for x in (floor, review, machinery))
    return {
        "floor_s": round(f, 2),
        "review_s": round(r, 2),
        "ratio": round(r / f, 2),
        "target": "<= 1.5",
        "met": r / f <= 1.5,
        # not a target: mk.render of the floor notebook itself, i.e. what the kit's pipeline
        # adds to papermill + nbconvert when the notebook does no work
        "machinery_on_floor_s": round(m, 2),
        "machinery_ratio": round(m / f, 2),
        "runs": {
            "floor": [round(x, 2) for x in floor],
            "review": [round(x, 2) for x in review],
            "machinery": [round(x, 2) for x in machinery],
        },
    }


def grid(jobs: int, work: Path) -> dict:
    from mktkit.report import batch

    combos = [dict(zip(GRID, c, strict=True)) for c in itertools.product(*GRID.values())]
    start = time.perf_counter()
    items = batch("monthly_review", GRID, jobs=jobs, force=True, out_dir=work / "batch")
    batched = time.perf_counter() - start
    failed = [i.params for i in items if i.status != "rendered"]
    start = time.perf_counter()
    for n, params in enumerate(combos):
        papermill_and_export(TEMPLATE, work / "serial" / f"r{n}.ipynb", params)
    serial = time.perf_counter() - start
    return {
        "reports": len(combos),
        "jobs": jobs,
        "batch_s": round(batched, 1),
        "serial_papermill_s": round(serial, 1),
        "speedup": round(serial / batched, 2),
        "target": ">= 3",
        "met": serial / batched >= 3 and not failed,
        "failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["single", "grid"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="mktkit-bench-") as tmp:
        work = Path(tmp)
        (work / "serial").mkdir()
        if args.only in (None, "single"):
            results["single"] = single(args.repeat, work)
        if args.only in (None, "grid"):
            results["grid"] = grid(args.jobs, work)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        if "single" in results:
            s = results["single"]
            print(
                f"one monthly review {s['review_s']} s vs papermill floor {s['floor_s']} s: "
                f"{s['ratio']}x (target <= 1.5); mk.render of the floor notebook "
                f"{s['machinery_on_floor_s']} s ({s['machinery_ratio']}x)"
            )
        if "grid" in results:
            g = results["grid"]
            print(
                f"{g['reports']} reports: batch -j{g['jobs']} {g['batch_s']} s vs serial "
                f"papermill+nbconvert {g['serial_papermill_s']} s: {g['speedup']}x (target >= 3)"
            )
    sys.exit(0 if all(r["met"] for r in results.values()) else 1)


if __name__ == "__main__":
    main()
