"""Render a grid of parameters in parallel processes, with an index page linking every report.

Each worker keeps one warm Jupyter kernel and resets it between reports (a report rendered
there is byte-identical to one rendered alone); the languages of one report go to one worker,
whose kernel then computes the numbers once. A failing combination is recorded and the others
go on; ``index.html`` lists every report with its status.

Examples
--------
>>> expand_grid({"month": ["2026-09", "2026-10"], "lang": ["zh", "en"]})[1]
{'month': '2026-09', 'lang': 'en'}
"""

from __future__ import annotations

import html
import itertools
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mktkit.errors import InputError
from mktkit.report.execute import RenderError
from mktkit.report.export import CSS
from mktkit.report.render import REPORTS_DIR, render_one, validate_params
from mktkit.report.specs import TEMPLATES


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
        path, reused = render_one(template, out_dir, None, 600, force, params, km=km)
    except Exception as exc:  # one item's failure, whatever it is, never stops the batch
        if not isinstance(exc, InputError) and km.has_kernel:
            # A failed or stuck cell may leave the kernel busy or odd: start the next afresh.
            km.shutdown_kernel(now=True)
            _WORKER_KERNEL = None
        message = (
            str(exc)
            if isinstance(exc, InputError | RenderError)
            else (f"unexpected {type(exc).__name__}: {exc}")
        )
        return BatchItem(params, "failed", None, message, time.perf_counter() - started)
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
    # computes the numbers once (mktkit.data.memo) and only words and figures are redone.
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


def _data_used(folder: Path | None) -> str:
    """Which data a report read, from its manifest: the data folder's name (the sample
    company's when none was given), with the last day of data it read."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (TypeError, OSError, ValueError):
        return ""
    data_dir = manifest.get("sources", {}).get("data_dir")
    name = Path(data_dir).name if data_dir else "sample"
    end = manifest.get("data_end")
    return f"{name} (to {end})" if end else name


def write_index(out_dir: Path, template: str, items: Sequence[BatchItem]) -> Path:
    """``out_dir/index.html``: one row per report with its parameters, the data it read (the
    data folder's name and last day), its status and link."""
    esc = html.escape
    names = [n for n in (items[0].params if items else []) if n != "data_dir"]
    rows = []
    for it in items:
        cells = "".join(f"<td>{esc(str(it.params[n]))}</td>" for n in names)
        given = it.params.get("data_dir")
        used = _data_used(it.path) or (Path(given).name if given else "sample")
        cells += f"<td>{esc(used)}</td>"
        link = (
            f'<a href="{esc(it.path.name)}/report.html">report.html</a>'
            if it.path is not None
            else esc(it.error)
        )
        rows.append(
            f'<tr class="{esc(it.status)}">{cells}<td>{esc(it.status)}</td><td>{link}</td></tr>'
        )
    head = "".join(f"<th>{esc(n)}</th>" for n in [*names, "data", "status", "report"])
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(template)} · reports</title>\n<style>{CSS}"
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
