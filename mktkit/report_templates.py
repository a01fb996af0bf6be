"""The report templates: each declares its parameters (type, default, allowed values, help)
and a ``prepare`` step that checks the values against the data before a kernel starts.

To add a template, put ``templates/<name>.ipynb`` (a cell tagged ``parameters``) beside the
others and register a :class:`Template` in :data:`TEMPLATES`; ``mktkit params <name>`` then
lists its parameters and ``mktkit render <name>`` validates and renders it.

Examples
--------
>>> from mktkit.report_templates import TEMPLATES
>>> [p.name for p in TEMPLATES["monthly_review"].params]
['month', 'region', 'lang', 'data_dir']
>>> TEMPLATES["monthly_review"].folder_name({"month": "2026-10", "region": "all", "lang": "zh"})
'monthly_review-2026-10-all-zh'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mktkit.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = ROOT / "templates"
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Param:
    """One template parameter: its type, default, allowed values and help text."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""

    def check(self, value: Any) -> Any:
        """Return ``value`` if it is acceptable, else raise a one-line :class:`InputError`."""
        if value is None and self.default is None:
            return None
        if not isinstance(value, self.type) or isinstance(value, bool) and self.type is not bool:
            raise InputError(
                f"{value!r} has type {type(value).__name__}, expected {self.type.__name__}",
                column=self.name,
                fix=self.help,
            )
        if self.pattern is not None and not self.pattern.match(value):
            raise InputError(f"{value!r} is not valid", column=self.name, fix=self.pattern_hint)
        if self.choices is not None and value not in self.choices:
            raise InputError(
                f"{value!r} is not allowed",
                column=self.name,
                fix="use one of " + ", ".join(map(str, self.choices)),
            )
        return value


@dataclass(frozen=True)
class Inputs:
    """What a template will read, found and checked before a kernel starts."""

    files: dict[str, Path]  # name -> file, hashed into the manifest
    data_end: str | None = None  # last day of data, shown in the footer


@dataclass(frozen=True)
class Template:
    """A report template: its parameters, which of them name the output folder, and ``prepare``.

    ``prepare(values)`` checks the values against the data (a month in range, a region that
    exists, input files that parse) and returns the :class:`Inputs`; it raises
    :class:`InputError` for anything a kernel would trip over.
    """

    name: str
    params: tuple[Param, ...]
    name_parts: tuple[str, ...]
    prepare: Callable[[dict[str, Any]], Inputs]

    def path(self, templates_dir: Path = TEMPLATES_DIR) -> Path:
        return templates_dir / f"{self.name}.ipynb"

    def folder_name(self, values: Mapping[str, Any]) -> str:
        return "-".join([self.name, *(str(values[p]) for p in self.name_parts)])


_MONTHLY_TABLES = ("orders", "channel_daily")  # required; events (the funnel) is optional


def _prepare_monthly(values: dict[str, Any]) -> Inputs:
    """The tables must be there, and the month and the region must exist in them."""
    from mktkit.io import load_sample

    data = load_sample(values.get("data_dir"))
    missing = [data.files[t].name for t in _MONTHLY_TABLES if not data.files[t].is_file()]
    if missing:
        raise InputError(
            f"{data.path} lacks " + ", ".join(missing),
            column="data_dir",
            fix="monthly_review reads these tables: add them, named and shaped as in "
            "data/sample/README.md",
        )
    cd = data["channel_daily"]
    months = cd["date"].dt.strftime("%Y-%m")
    first, last = months.min(), months.max()
    if not first <= values["month"] <= last:
        raise InputError(
            f"{values['month']!r} is not in the data, which cover {first} to {last}",
            column="month",
            fix=f"choose a month from {first} to {last}",
        )
    regions = sorted(cd["region"].unique())
    if values["region"] != "all" and values["region"] not in regions:
        raise InputError(
            f"{values['region']!r} is not a region of the data",
            column="region",
            fix="use one of all, " + ", ".join(regions),
        )
    end = max(data["orders"]["order_date"].max(), cd["date"].max())
    present = {name: p for name, p in data.files.items() if p.is_file()}
    return Inputs(files=present, data_end=str(end.date()))


def _yaml_param(name: str, what: str) -> Param:
    return Param(name, str, None, f"path of a {what} (default: the sample company's)")


def _prepare_strategy(values: dict[str, Any]) -> Inputs:
    """Both YAML files must exist and pass the SWOT / marketing-mix validation."""
    from mktkit.io import load_sample
    from mktkit.mix import MarketingMix
    from mktkit.swot import SWOT

    sample = load_sample().files
    files = {
        "swot": Path(values["swot"]) if values["swot"] else sample["swot"],
        "marketing_mix": Path(values["mix"]) if values["mix"] else sample["marketing_mix"],
    }
    for path, param in zip(files.values(), ("swot", "mix"), strict=True):
        if not path.is_file():
            raise InputError(f"{path} does not exist", column=param, fix="give the path of a file")
        values[param] = str(path)  # absolute: the kernel runs in another folder
    SWOT.from_yaml(files["swot"])
    MarketingMix.from_yaml(files["marketing_mix"])
    # The tables the evidence is computed from (mktkit.evidence), where present.
    data = load_sample(values.get("data_dir")).files
    files |= {t: data[t] for t in ("channel_daily", "orders", "nps") if data[t].is_file()}
    return Inputs(files=files)


_LANG = Param("lang", str, "zh", "report language", choices=("zh", "en"))
_DATA = Param(
    "data_dir",
    str,
    None,
    "a folder holding the tables of data/sample/README.md (default: the sample company); "
    "the strategy workshop computes its evidence from them",
)

TEMPLATES: dict[str, Template] = {
    "monthly_review": Template(
        name="monthly_review",
        params=(
            Param(
                "month",
                str,
                "2026-10",
                "the month to review, YYYY-MM",
                pattern=MONTH_RE,
                pattern_hint="write the month as YYYY-MM, e.g. 2026-10",
            ),
            Param("region", str, "all", "a region of the data, or 'all'"),
            _LANG,
            _DATA,
        ),
        name_parts=("month", "region", "lang"),
        prepare=_prepare_monthly,
    ),
    "strategy_workshop": Template(
        name="strategy_workshop",
        params=(
            _yaml_param("swot", "swot.yaml"),
            _yaml_param("mix", "marketing_mix.yaml"),
            _LANG,
            _DATA,
        ),
        name_parts=("lang",),
        prepare=_prepare_strategy,
    ),
}
