"""The report templates: each declares its parameters (type, default, allowed values, help)
and a ``prepare`` step that checks the values against the data before a kernel starts.

To add a template, put ``<name>.ipynb`` (a cell tagged ``parameters``) in
``mktkit/report/templates/`` beside the others and register a :class:`Template` in :data:`TEMPLATES`; ``mktkit params <name>`` then
lists its parameters and ``mktkit render <name>`` validates and renders it.

Examples
--------
>>> from mktkit.report.specs import TEMPLATES
>>> [p.name for p in TEMPLATES["monthly_review"].params]
['month', 'region', 'lang', 'data_dir', 'spark_events', 'funnel_steps']
>>> TEMPLATES["monthly_review"].folder_name({"month": "2026-10", "region": "all", "lang": "zh"})
'monthly_review-2026-10-all-zh'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.data.config import CONFIG_FILE as CONFIG
from mktkit.data.folder import DAY_COLUMNS, data_until, has_table
from mktkit.data.sample import load_sample, open_data
from mktkit.errors import InputError
from mktkit.kpi import data_span
from mktkit.periods import MONTH_RE, WEEK_RE, iso_week, week_days
from mktkit.strategy.mix import MarketingMix
from mktkit.strategy.swot import SWOT

#: The template notebooks, shipped inside the package.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


_UNSAFE_IN_FOLDER = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Parameters that name files or folders: their content is hashed into the manifest, and their
#: place on this machine is named nowhere in the report.
PATH_PARAMS = ("data_dir", "swot", "mix")


def safe_part(value: Any) -> str:
    """``value`` as a part of a report folder's name: as it is when it is safe there, else with
    each unsafe character (path separators, ``: * ? " < > |``, blanks, a leading dot) replaced
    by ``_`` and a short hash of the value added, so that two values never share a folder.

    Examples
    --------
    >>> safe_part("east"), safe_part("华东"), safe_part("a/b")
    ('east', '华东', 'a_b-3ec69c')
    """
    text = str(value)
    if not _UNSAFE_IN_FOLDER.search(text) and not text.startswith(".") and text:
        return text
    cleaned = _UNSAFE_IN_FOLDER.sub("_", text).lstrip(".") or "_"
    return f"{cleaned}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}"


def data_part(data_dir: Any) -> str:
    """A data folder as a part of a report folder's name: its own name and the first six hex
    digits of the SHA-1 of its absolute path."""
    path = Path(data_dir).absolute()
    name = _UNSAFE_IN_FOLDER.sub("_", path.name).lstrip(".") or "data"
    return f"{name}-{hashlib.sha1(str(path).encode('utf-8')).hexdigest()[:6]}"


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
        if isinstance(value, str) and _CONTROL.search(value):
            raise InputError(
                f"{value!r} holds a line break or another control character",
                column=self.name,
                fix="give the value on one line, without control characters",
            )
        if self.pattern is not None and not self.pattern.fullmatch(value):
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
    # False when the report reads something the manifest cannot hash (a Spark table that may
    # change): such a report is rendered again every time instead of reused
    reusable: bool = True
    # table -> hash of the rows the report reads, where that is less than the file (a past
    # period's report reads its file up to the period's end); the others count by their file
    digests: dict[str, str] = field(default_factory=dict)


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
        """The report folder's name: the template and the values of ``name_parts``, each made
        safe in a file name (:func:`safe_part`), then, for a data folder of your own, its name
        and a short hash of where it is: two data folders never share a report folder.

        Examples
        --------
        >>> spec = TEMPLATES["monthly_review"]
        >>> spec.folder_name({"month": "2026-10", "region": "all", "lang": "en",
        ...                   "data_dir": "/srv/data/shop"})
        'monthly_review-2026-10-all-en-shop-365cc8'
        """
        parts = [self.name, *(safe_part(values[p]) for p in self.name_parts)]
        if values.get("data_dir"):
            parts.append(data_part(values["data_dir"]))
        return "-".join(parts)


_MONTHLY_TABLES = ("orders",)  # required; every other table adds its sections


def _span(data: Any) -> tuple[Any, Any, list[str]]:
    """The first and last day of the data (:func:`mktkit.kpi.data_span`) and the regions of the
    orders and the ad spend (where present)."""
    first, last = data_span(data)
    regions = set(data["orders"]["region"].dropna().unique())
    if has_table(data, "channel_daily"):
        regions |= set(data["channel_daily"]["region"].dropna().unique())
    return first, last, sorted(map(str, regions))


def _digests(data: Any, until: Any, files: dict[str, Path]) -> dict[str, str]:
    """What a report of a period that ends on ``until`` reads of each dated table, hashed: its
    rows up to that day (:func:`mktkit.data_until`), so that later rows added to a file leave a
    past period's fingerprint, and its report, as they were."""
    cut = data_until(data, until)
    out = {}
    for name in DAY_COLUMNS:
        if name in files:
            table = cut[name]
            rows = pd.util.hash_pandas_object(table, index=False).to_numpy()
            head = json.dumps([list(map(str, table.columns)), list(map(str, table.dtypes))])
            out[name] = hashlib.sha256(head.encode() + rows.tobytes()).hexdigest()
    return out


def _check_region(region: str, regions: list[str]) -> None:
    if region != "all" and region not in regions:
        raise InputError(
            f"{region!r} is not a region of the data",
            column="region",
            fix="use one of all, " + ", ".join(regions),
        )


def _check_steps(values: dict[str, Any]) -> None:
    steps = values.get("funnel_steps")
    if steps is not None and len([s for s in steps.split(",") if s.strip()]) < 2:
        raise InputError(
            f"{steps!r} names fewer than two steps",
            column="funnel_steps",
            fix="name two or more events separated by commas, e.g. visit,add_to_cart,purchase",
        )


def _prepare_monthly(values: dict[str, Any]) -> Inputs:
    """The orders must be there, and the month and the region must exist in the data."""

    data = _open_tables(values, _MONTHLY_TABLES, "monthly_review")
    first, end, regions = _span(data)
    month = values["month"]
    if not f"{first:%Y-%m}" <= month <= f"{end:%Y-%m}":
        raise InputError(
            f"{month!r} is not in the data, which cover {first:%Y-%m} to {end:%Y-%m}",
            column="month",
            fix=f"choose a month from {first:%Y-%m} to {end:%Y-%m}",
        )
    _check_region(values["region"], regions)
    _check_steps(values)
    month_end = pd.Period(month, "M").end_time.normalize()
    present = dict(data.inputs)
    if values.get("spark_events"):
        import importlib.util

        if importlib.util.find_spec("pyspark") is None:
            raise InputError(
                "spark_events needs PySpark, which is not installed",
                column="spark_events",
                fix="pip install 'mktkit[spark]' (and Java 17+), or leave spark_events out",
            )
        present.pop("events", None)  # the funnel reads Spark, not the folder's events file
    return Inputs(
        files=present,
        data_end=str(min(end, month_end).date()),
        reusable=not values.get("spark_events"),
        digests=_digests(data, month_end, present),
    )


def _yaml_param(name: str, what: str) -> Param:
    return Param(name, str, None, f"path of a {what} (default: the sample company's)")


def _prepare_strategy(values: dict[str, Any]) -> Inputs:
    """Both YAML files must exist and pass the SWOT / marketing-mix validation."""

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
    # The tables the evidence is computed from (mktkit.strategy.evidence), where present.
    inputs = open_data(values.get("data_dir")).inputs
    files |= {t: p for t, p in inputs.items() if t in ("channel_daily", "orders", "nps", CONFIG)}
    return Inputs(files=files)


# ---------------------------------------------------------------------------------------------
# weekly_brief and campaign_review


def _open_tables(values: dict[str, Any], tables: tuple[str, ...], template: str) -> Any:
    """The data folder of ``values``, refused when a table the template needs is missing."""

    data = open_data(values.get("data_dir"))
    missing = [data.files[t].name for t in tables if not data.files[t].is_file()]
    if missing:
        raise InputError(
            f"{data.path} lacks " + ", ".join(missing),
            column="data_dir",
            fix=f"{template} reads these tables: add them, named and shaped as in "
            "data/sample/README.md",
        )
    return data


def _prepare_weekly(values: dict[str, Any]) -> Inputs:
    """The orders must be there, the week must overlap the data and the region exist."""
    data = _open_tables(values, _MONTHLY_TABLES, "weekly_brief")
    first, end, regions = _span(data)
    monday, sunday = week_days(values["week"])
    if sunday < first.date() or monday > end.date():
        raise InputError(
            f"{values['week']!r} ({monday} .. {sunday}) is not in the data, which cover "
            f"{first.date()} to {end.date()}",
            column="week",
            fix=f"choose a week from {iso_week(first.date())} to {iso_week(end.date())}",
        )
    _check_region(values["region"], regions)
    present = dict(data.inputs)
    as_of = min(end.date(), sunday)
    # the brief reads the data as they stood at the week's end (mk.data_until)
    return Inputs(
        files=present, data_end=str(as_of), digests=_digests(data, pd.Timestamp(sunday), present)
    )


def _prepare_campaign(values: dict[str, Any]) -> Inputs:
    """campaigns and channel_daily (or orders) must be there; the campaign must exist and have
    started inside the data."""
    data = _open_tables(values, ("campaigns",), "campaign_review")
    daily = "channel_daily" if has_table(data, "channel_daily") else "orders"
    _open_tables(values, (daily,), "campaign_review")
    camps = data["campaigns"]
    if daily == "channel_daily":
        cd = data["channel_daily"]
        days, channels = cd["date"], cd["channel"]
    else:
        days, channels = data["orders"]["order_date"].dt.normalize(), data["orders"]["channel"]
    ids = [str(i) for i in camps["campaign_id"]]
    wanted = values["campaign"]
    if wanted not in ids:
        raise InputError(
            f"{wanted!r} is not a campaign_id of {data.files['campaigns'].name}",
            column="campaign",
            fix="use one of " + ", ".join(ids),
        )
    row = camps[camps["campaign_id"].astype(str) == wanted].iloc[0]
    first, last = days.min(), days.max()
    if not first <= row["start"] <= last:
        started = [i for i, s in zip(ids, camps["start"], strict=True) if first <= s <= last]
        raise InputError(
            f"{wanted!r} starts on {row['start'].date()}, outside the data "
            f"({first.date()} to {last.date()}): there is nothing to review",
            column="campaign",
            fix="choose a campaign that starts inside the data: " + ", ".join(started),
        )
    known = sorted(map(str, channels.dropna().unique()))
    if row["channel"] not in known:
        raise InputError(
            f"{wanted!r} runs on channel {row['channel']!r}, which {daily} lacks",
            table="campaigns",
            column="channel",
            fix="use one of " + ", ".join(known),
        )
    files = {t: p for t, p in data.inputs.items() if t in ("campaigns", daily, CONFIG)}
    return Inputs(files=files, data_end=str(last.date()))


_LANG = Param("lang", str, "zh", "report language", choices=("zh", "en"))
_DATA = Param(
    "data_dir",
    str,
    None,
    "a folder holding the tables of data/sample/README.md (default: the sample company); "
    "the strategy workshop computes its evidence from them",
)

_TABLES = Param(
    "data_dir",
    str,
    None,
    "a folder holding the tables of data/sample/README.md (default: the sample company)",
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
            Param(
                "spark_events",
                str,
                None,
                "the event log in Spark, for the funnel: a table of the session's catalog "
                "or a Parquet path/glob, read through the SparkSession your environment "
                "configures (default: events.parquet of data_dir)",
                pattern=re.compile(r"^[\w.:/*?=\-\[\]]+$"),
                pattern_hint="a table name such as lake.events, or a path such as "
                "s3a://bucket/events/*.parquet",
            ),
            Param(
                "funnel_steps",
                str,
                None,
                "the funnel's events in order, separated by commas, e.g. "
                "visit,add_to_cart,purchase (default: funnel: in the data folder's "
                "mktkit.yaml, else visit,view_product,add_to_cart,checkout,purchase)",
            ),
        ),
        name_parts=("month", "region", "lang"),
        prepare=_prepare_monthly,
    ),
    "weekly_brief": Template(
        name="weekly_brief",
        params=(
            Param(
                "week",
                str,
                "2026-W42",
                "the ISO week to brief, YYYY-Www (Monday to Sunday)",
                pattern=WEEK_RE,
                pattern_hint="write the week as YYYY-Www (ISO 8601), e.g. 2026-W42",
            ),
            Param("region", str, "all", "a region of the data, or 'all'"),
            _LANG,
            _TABLES,
        ),
        name_parts=("week", "region", "lang"),
        prepare=_prepare_weekly,
    ),
    "campaign_review": Template(
        name="campaign_review",
        params=(
            Param("campaign", str, "CMP07", "a campaign_id of campaigns.csv, e.g. CMP07"),
            _LANG,
            _TABLES,
        ),
        name_parts=("campaign", "lang"),
        prepare=_prepare_campaign,
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


#: template -> (tables it needs, {section: the further tables it needs}). A section whose
#: tables a folder lacks is left out of the report; a template whose tables it lacks is refused.
COVERAGE: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "monthly_review": (
        _MONTHLY_TABLES,
        {
            "headline": (),
            "revenue chart": (),
            "KPIs": ("kpi_targets",),
            "funnel": ("events",),
            "channels": ("channel_daily",),
            "budget": ("channel_daily",),
            "customers": (),
            "NPS": ("nps",),
            "experiments": ("experiments",),
            "anomalies": (),
            "findings": (),
        },
    ),
    "weekly_brief": (
        _MONTHLY_TABLES,
        {"pace": ("kpi_targets",), "anomalies": (), "charts": (), "findings": ()},
    ),
    "campaign_review": (
        ("campaigns", "orders"),
        {"goal": (), "before and after": (), "split": (), "lessons": ()},
    ),
    # the folder's swot.yaml and marketing_mix.yaml, else the sample company's
    "strategy_workshop": ((), {"SWOT": (), "TOWS": (), "IFE, EFE, IE": (), "SPACE": (), "mix": ()}),
}


def coverage(present: set[str]) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """What each template can show from the tables ``present``: (the tables it lacks to render
    at all, the sections it shows, the sections left out with the tables that would add them).

    Examples
    --------
    >>> lacks, shown, left_out = coverage({"orders", "channel_daily"})["monthly_review"]
    >>> lacks, "funnel" in shown, left_out[:2]
    ([], False, ['KPIs: no kpi_targets', 'funnel: no events'])
    """
    out = {}
    for name, (needs, sections) in COVERAGE.items():
        lacks = [t for t in needs if t not in present]
        shown = [s for s, tables in sections.items() if not lacks and set(tables) <= present]
        left_out = [
            f"{s}: no " + ", ".join(t for t in tables if t not in present)
            for s, tables in sections.items()
            if not set(tables) <= present
        ]
        out[name] = (lacks, shown, left_out)
    return out
