"""The ``mktkit`` command: parses arguments and calls the library, nothing more.

Examples
--------
.. code-block:: console

    $ mktkit render monthly_review --month 2026-10 --region all --lang zh
    $ mktkit params monthly_review
    $ mktkit sample --out data/sample --seed 20261031
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mktkit.errors import InputError

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
    data: Annotated[
        Path | None, typer.Option(help="folder with your own tables (default: sample company)")
    ] = None,
    swot: Annotated[Path | None, typer.Option(help="strategy_workshop: a swot.yaml")] = None,
    mix: Annotated[
        Path | None, typer.Option(help="strategy_workshop: a marketing_mix.yaml")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="where report folders go")] = Path(
        "reports"
    ),
) -> None:
    """Render a report template to reports/<template>-<parameters>/report.html."""
    from mktkit.report import RenderError
    from mktkit.report import render as render_report

    given = {"month": month, "region": region, "lang": lang}
    params = {k: v for k, v in given.items() if v is not None}
    files = {"data_dir": data, "swot": swot, "mix": mix}
    params |= {k: str(v) for k, v in files.items() if v is not None}
    try:
        folder = render_report(template, out_dir=out_dir, **params)
    except InputError as exc:
        raise _refuse(exc) from None
    except RenderError as exc:
        err.print(f"[bold red]render failed:[/] {exc}", markup=True, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED) from None
    out.print(str(folder / "report.html"), soft_wrap=True)


@app.command()
def params(template: Annotated[str, typer.Argument(help="template name")]) -> None:
    """List a template's parameters with type, default, allowed values and help."""
    from mktkit.report import TEMPLATES

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
    from mktkit.sample import generate_sample

    kwargs = {k: v for k, v in {"seed": seed, "events": events}.items() if v is not None}
    try:
        files = generate_sample(out_dir, **kwargs)
    except InputError as exc:
        raise _refuse(exc) from None
    for name, path in files.items():
        out.print(f"{name:15} {path}", soft_wrap=True)


if __name__ == "__main__":  # pragma: no cover
    app()
