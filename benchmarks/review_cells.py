"""Where a report's time goes beyond papermill's floor: each cell of a template, in one process.

``benchmarks/reports.py`` times a whole render against papermill's floor (kernel start, an
import of pandas, matplotlib and seaborn, the HTML export). This script answers the next
question: how much work the template's own cells do on top of that floor. It imports what the
floor imports first (not counted), then runs the template's cells one by one in an IPython shell
in this process, with the parameters given, and times each cell, the part of it spent drawing
the report's figures (the ``mk.plot_*`` calls) and the part spent saving them as PNG (what the
inline backend does when a cell shows a figure, with the template's settings). No kernel is
started and nothing is exported: the sum is a lower bound of what the template adds to the
floor.

Usage::

    .venv/bin/python benchmarks/review_cells.py
    .venv/bin/python benchmarks/review_cells.py --template weekly_brief --param region=east
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

from mktkit.report.specs import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="monthly_review")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter (string value); default month=2026-10 region=all lang=zh",
    )
    args = parser.parse_args(argv)
    params = {"month": "2026-10", "region": "all", "lang": "zh"}
    params.update(p.split("=", 1) for p in args.param)

    # the floor's imports: paid by papermill's floor too, so not counted
    import matplotlib.figure
    import matplotlib.pyplot as plt
    import pandas  # noqa: F401
    import seaborn  # noqa: F401
    from IPython.terminal.interactiveshell import TerminalInteractiveShell

    spent = {"plot": 0.0, "png": 0.0}

    def timed(key, func):
        def call(*a, **k):
            t = time.perf_counter()
            try:
                return func(*a, **k)
            finally:
                spent[key] += time.perf_counter() - t

        return call

    matplotlib.figure.Figure.savefig = timed("png", matplotlib.figure.Figure.savefig)

    def show(*_a, **_k):  # what the inline backend does with the template's settings
        for number in plt.get_fignums():
            plt.figure(number).savefig(
                io.BytesIO(), format="png", bbox_inches=None, pil_kwargs={"compress_level": 3}
            )
        plt.close("all")

    plt.show = show
    import mktkit as mk

    for name in [n for n in dir(mk) if n.startswith("plot_")]:
        setattr(mk, name, timed("plot", getattr(mk, name)))

    shell = TerminalInteractiveShell.instance()
    nb = json.loads((TEMPLATES_DIR / f"{args.template}.ipynb").read_text(encoding="utf-8"))
    rows, total = [], 0.0
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "parameters" in cell["metadata"].get("tags", []):
            source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
        before = dict(spent)
        t = time.perf_counter()
        result = shell.run_cell(source, silent=True)
        seconds = time.perf_counter() - t
        if not result.success:
            print(f"cell {index} failed: {result.error_in_exec!r}", file=sys.stderr)
            return 1
        total += seconds
        first = next((line for line in source.splitlines() if line.strip()), "")
        rows.append(
            (index, seconds, spent["plot"] - before["plot"], spent["png"] - before["png"], first)
        )
    print(f"{args.template} {params}: cells run in this process after the floor's imports")
    print(f"{'cell':>4} {'s':>6} {'plot s':>7} {'png s':>6}  first line")
    for index, seconds, plot, png, first in rows:
        print(f"{index:>4} {seconds:6.3f} {plot:7.3f} {png:6.3f}  {first[:60]}")
    print(f"all  {total:6.3f} {spent['plot']:7.3f} {spent['png']:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
