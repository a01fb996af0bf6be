"""The ``mktkit`` command: parses arguments and calls the library, nothing more.

Examples
--------
.. code-block:: console

    $ mktkit render monthly_review --month 2026-10 --region all --lang zh
    $ mktkit params monthly_review
    $ mktkit sample --out data/sample --seed 20261031
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mktkit.bench import ENGINES, make_log, run_bench
from mktkit.data.check import check_folder, describe
from mktkit.data.config import CONFIG_FILE
from mktkit.data.generate import generate_sample
from mktkit.data.guess import draft_config
from mktkit.errors import InputError, check_argument
from mktkit.report import TEMPLATES, RenderError, expand_grid
from mktkit.report import batch as run_batch
from mktkit.report import render as render_report
from mktkit.report.specs import coverage
from mktkit.training import build_solutions
from mktkit.training.core import NOTEBOOKS_DIR

app = typer.Typer(
    help="mktkit: marketing-operations analysis kit (reports, sample data).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

#: Exit codes: 2 = refused input (nothing was run), 1 = the run failed.
EXIT_BAD_INPUT, EXIT_FAILED = 2, 1


def _refuse(exc: InputError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command()
def render(
    template: Annotated[str, typer.Argument(help="template name, e.g. monthly_review")],
    month: Annotated[str | None, typer.Option(help="month to review, YYYY-MM")] = None,
    region: Annotated[str | None, typer.Option(help="a region of the data, or 'all'")] = None,
    lang: Annotated[str | None, typer.Option(help="report language: zh or en")] = None,
    week: Annotated[str | None, typer.Option(help="weekly_brief: ISO week, YYYY-Www")] = None,
    campaign: Annotated[
        str | None, typer.Option(help="campaign_review: a campaign_id of campaigns.csv")
    ] = None,
    data: Annotated[
        Path | None, typer.Option(help="folder with your own tables (default: sample company)")
    ] = None,
    swot: Annotated[Path | None, typer.Option(help="strategy_workshop: a swot.yaml")] = None,
    mix: Annotated[
        Path | None, typer.Option(help="strategy_workshop: a marketing_mix.yaml")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="any other parameter as NAME=VALUE (repeat)"),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="where report folders go")] = Path(
        "reports"
    ),
    force: Annotated[bool, typer.Option(help="render even if an identical report exists")] = False,
    pdf: Annotated[
        bool, typer.Option(help="also print report.pdf (A4) with a headless Chromium")
    ] = False,
    timeout: Annotated[int, typer.Option(help="seconds a notebook cell may run")] = 600,
) -> None:
    """Render a report template to reports/<template>-<parameters>/report.html."""

    given = {"month": month, "region": region, "lang": lang, "week": week, "campaign": campaign}
    params = {k: v for k, v in given.items() if v is not None}
    files = {"data_dir": data, "swot": swot, "mix": mix}
    params |= {k: str(v) for k, v in files.items() if v is not None}
    try:
        for name, values in _parse_grid(param or []).items():
            if len(values) != 1:
                raise InputError(
                    f"{name} is given {len(values)} values: {', '.join(map(repr, values))}",
                    column=name,
                    fix="render takes one value per parameter; for several, use mktkit batch",
                )
            params[name] = values[0]
        folder = render_report(
            template, out_dir=out_dir, force=force, pdf=pdf, timeout=timeout, **params
        )
    except InputError as exc:
        raise _refuse(exc) from None
    except RenderError as exc:
        err.print(f"[bold red]render failed:[/] {exc}", markup=True, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED) from None
    for text in _warnings_of(folder):
        err.print(f"[bold yellow]warning:[/] {escape(text)}", markup=True, soft_wrap=True)
    out.print(str(folder / "report.html"), soft_wrap=True)
    if pdf:
        out.print(str(folder / "report.pdf"), soft_wrap=True)


#: Parameters whose one value is a comma-separated list.
LIST_PARAMS = ("funnel_steps",)


def _parse_grid(items: list[str]) -> dict[str, list[str]]:
    """``["month=2026-09,2026-10", "lang=zh"]`` -> ``{"month": [...], "lang": ["zh"]}``."""
    grid: dict[str, list[str]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name or not values:
            raise InputError(
                f"{item!r} is not NAME=VALUE[,VALUE...]",
                column="grid",
                fix="write e.g. month=2026-09,2026-10 region=all,east lang=zh,en",
            )
        # a parameter that is itself a list (the funnel's steps) is one value, commas and all
        parts = [values] if name in LIST_PARAMS else values.split(",")
        if any(not v.strip() for v in parts):
            raise InputError(
                f"{item!r} has an empty value",
                column="grid",
                fix="write the values without empty ones between commas, e.g. region=all,east",
            )
        grid[name] = parts
    return grid


def _warnings_of(folder: Path) -> list[str]:
    """The kit's warnings the report's notebook raised (its manifest keeps them)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return list(manifest.get("warnings", []))


@app.command()
def batch(
    template: Annotated[str, typer.Argument(help="template name, e.g. monthly_review")],
    items: Annotated[
        list[str] | None, typer.Argument(help="more NAME=V1,V2 grid entries", show_default=False)
    ] = None,
    grid: Annotated[
        list[str] | None, typer.Option(help="NAME=V1,V2,... (repeat, or list after it)")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="reports rendered at once")] = 2,
    force: Annotated[bool, typer.Option(help="render even unchanged reports")] = False,
    out_dir: Annotated[Path, typer.Option("--out", help="where report folders go")] = Path(
        "reports"
    ),
) -> None:
    """Render a grid of parameters in parallel; write reports/index.html."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    try:
        parsed = _parse_grid([*(grid or []), *(items or [])])
        total = len(expand_grid(parsed))
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err
        ) as bar:
            task = bar.add_task(template, total=total)
            results = run_batch(
                template,
                parsed,
                jobs=jobs,
                force=force,
                out_dir=out_dir,
                on_done=lambda _: bar.advance(task),
            )
    except InputError as exc:
        raise _refuse(exc) from None
    table = Table(title=f"{template}: {total} reports")
    names = list(parsed)
    for col in [*names, "status", "seconds", "report or error"]:
        table.add_column(col)
    for r in results:
        where = str(r.path / "report.html") if r.path else r.error
        table.add_row(*(str(r.params[n]) for n in names), r.status, f"{r.seconds:.1f}", where)
    out.print(table)
    out.print(str(Path(out_dir) / "index.html"), soft_wrap=True)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(EXIT_FAILED)


@app.command()
def params(template: Annotated[str, typer.Argument(help="template name")]) -> None:
    """List a template's parameters with type, default, allowed values and help."""

    if template not in TEMPLATES:
        raise _refuse(
            InputError(
                f"unknown template {template!r}",
                column="template",
                fix="use one of " + ", ".join(sorted(TEMPLATES)),
            )
        )
    table = Table(title=template)
    for col in ("parameter", "type", "default", "allowed", "help"):
        table.add_column(col)
    for p in TEMPLATES[template].params:
        allowed = ", ".join(map(str, p.choices)) if p.choices else p.pattern_hint or "-"
        table.add_row(p.name, p.type.__name__, repr(p.default), allowed, p.help)
    out.print(table)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="the folder of your exports")],
    force: Annotated[bool, typer.Option(help="replace an existing mktkit.yaml")] = False,
    currency: Annotated[str, typer.Option(help="ISO 4217 code of the money columns")] = "CNY",
    timezone: Annotated[str, typer.Option(help="the business time zone")] = "Asia/Shanghai",
) -> None:
    """Draft FOLDER/mktkit.yaml: which file is which table, its columns, formats and codes."""
    target = folder / CONFIG_FILE
    if target.exists() and not force:
        raise _refuse(
            InputError(f"{target} exists", fix="edit it, or pass --force to draft it again")
        )
    try:
        text = draft_config(folder, currency=currency, timezone=timezone)
    except InputError as exc:
        raise _refuse(exc) from None
    target.write_text(text, encoding="utf-8")
    out.print(text, markup=False, highlight=False, soft_wrap=True)
    out.print(f"written: {target}; next: mktkit check {folder}", soft_wrap=True)


@app.command()
def check(folder: Annotated[Path, typer.Argument(help="the folder of your tables")]) -> None:
    """Read every table of FOLDER through its mktkit.yaml and say what each report can show."""
    result = check_folder(folder)
    if result.problem is not None:
        raise _refuse(result.problem)
    where = f"{result.config}" if result.config else "no mktkit.yaml: contract names, ISO dates"
    out.print(f"{folder} ({where}; {result.currency}, {result.timezone})", soft_wrap=True)
    table = Table(title="tables")
    for column in ("table", "file", "rows", "dates", "repeated rows", "status"):
        table.add_column(column)
    for check_ in result.tables.values():
        row = describe(check_)
        table.add_row(*(str(row[c]) for c in row))
    out.print(table)
    for check_ in result.tables.values():
        for note in check_.notes:
            out.print(f"note: {check_.table}.{note}", soft_wrap=True)
        if check_.problem is not None:
            err.print(f"[bold red]problem:[/] {check_.problem}", markup=True, soft_wrap=True)
    for path in result.unmatched:
        out.print(f"not read: {path.name} (no table; name it in mktkit.yaml)", soft_wrap=True)
    for template, (lacks, shown, left_out) in coverage(result.present).items():
        if lacks:
            out.print(f"{template}: cannot render, needs {', '.join(lacks)}", soft_wrap=True)
        else:
            tail = ("; " + "; ".join(left_out)) if left_out else ""
            out.print(f"{template}: {', '.join(shown)}{tail}", soft_wrap=True)
    if any(not c.ok for c in result.tables.values()):
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def sample(
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write")] = Path("data/sample"),
    seed: Annotated[
        int | None, typer.Option(help="random seed (default: the committed sample's seed)")
    ] = None,
    events: Annotated[
        int | None, typer.Option(help="rows of the events log (default: committed size)")
    ] = None,
) -> None:
    """Generate the sample company (deterministic: the same seed gives identical files)."""

    kwargs = {k: v for k, v in {"seed": seed, "events": events}.items() if v is not None}
    try:
        files = generate_sample(out_dir, **kwargs)
    except InputError as exc:
        raise _refuse(exc) from None
    for name, path in files.items():
        out.print(f"{name:15} {path}", soft_wrap=True)


@app.command()
def course(
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write the notebooks to")] = Path(
        "course"
    ),
    solutions: Annotated[
        bool, typer.Option(help="fill in every exercise with its model solution")
    ] = False,
) -> None:
    """Copy the training course's notebooks to work in (or, with --solutions, solved)."""
    import shutil

    notebooks = sorted(NOTEBOOKS_DIR.glob("0[1-9]_*.ipynb"))
    if not notebooks:
        raise _refuse(InputError(f"no course notebooks in {NOTEBOOKS_DIR}", fix="reinstall"))
    if solutions:
        written = build_solutions(out_dir, notebooks)
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = [Path(shutil.copy2(nb, out_dir / nb.name)) for nb in notebooks]
    for path in written:
        out.print(str(path), soft_wrap=True)


@app.command()
def bench(
    engine: Annotated[str, typer.Option(help="pandas, duckdb, scan or spark")] = "duckdb",
    events: Annotated[int, typer.Option(help="rows of the generated events log")] = 1_000_000,
    out_dir: Annotated[
        Path, typer.Option("--out", help="folder of the generated logs (reused)")
    ] = Path("/tmp/mktkit_bench"),
    parquet: Annotated[
        Path | None, typer.Option(help="an existing events log instead of a generated one")
    ] = None,
    master: Annotated[str, typer.Option(help="spark: the local master")] = "local[2]",
) -> None:
    """Time the 5-step, 7-day funnel on a generated events log with one engine."""

    try:
        check_argument("engine", ENGINES, engine)  # before generating a log for nothing
        path = parquet if parquet is not None else make_log(events, out_dir)
        result = run_bench(engine, path, master=master)
    except InputError as exc:
        raise _refuse(exc) from None
    out.print(f"log: {path} ({result['events']:,} events)", soft_wrap=True)
    out.print(
        f"engine: {engine}  seconds: {result['seconds']:.2f}  users per step: {result['users']}"
    )


if __name__ == "__main__":  # pragma: no cover
    app()
