"""``mktkit.yaml``: how a data folder's files map to the tables of the data contract.

A folder of exports reads as the sample company's when a ``mktkit.yaml`` beside the files says
where each table is, how to read the file, which of its columns is which contract column, how
its dates and amounts are written and how its codes translate::

    currency: CNY              # ISO 4217 code of every money column (default CNY)
    timezone: Asia/Shanghai    # the business day: stamps with an offset are converted to it
    tables:
      orders:
        file: 订单导出.csv       # relative to this file
        encoding: auto          # or utf-8, gb18030, utf-16 ...
        delimiter: auto         # or "," ";" "\\t" "|" whitespace
        header: true            # false: columns are named by 0-based position
        sheet: 0                # Excel: name or position
        columns:                # contract column: the file's column (header text or position)
          order_id: 订单编号
        formats:                # where values are not ISO dates or plain numbers
          order_date: "%Y/%m/%d %H:%M:%S"
          amount: thousands
        values:                 # the file's value: the contract's value
          region: {华东: east}
    funnel: [visit, view_product, add_to_cart, checkout, purchase]

:func:`read_config` reads and checks it: an unknown table or key, a contract column the table
does not have, a format that is not one, a file that does not exist, each refused with its
line and the fix. The file's own columns are checked when the table is read
(:mod:`mktkit.data.mapping`). docs/data.md ("Your own folder") documents every key.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "o.csv").write_text("id,amt\\n1,2\\n")
>>> _ = (folder / "mktkit.yaml").write_text(
...     "currency: USD\\ntables:\\n  orders:\\n    file: o.csv\\n    columns: {order_id: id}\\n")
>>> config = read_config(folder)
>>> config.currency, config.tables["orders"].columns
('USD', {'order_id': 'id'})
>>> _ = (folder / "mktkit.yaml").write_text("tables:\\n  order:\\n    file: o.csv\\n")
>>> read_config(folder)
Traceback (most recent call last):
...
mktkit.errors.InputError: mktkit.yaml: line 2: unknown table 'order'. Fix: use one of the tables campaigns, channel_daily, customers, events, experiments, kpi_targets, marketing_mix, nps, orders, swot (did you mean 'orders'?)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktkit.data.yamlfile import YamlMap, load_yaml, shown
from mktkit.errors import InputError
from mktkit.i18n import check_labels
from mktkit.schemas import SCHEMAS

CONFIG_FILE = "mktkit.yaml"

#: Tables a folder may hold: the contract's, and the two strategy files.
TABLES: tuple[str, ...] = (*SCHEMAS, "swot", "marketing_mix")

#: File types read, by suffix.
SUFFIXES: tuple[str, ...] = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".parquet",
    ".pq",
    ".json",
    ".jsonl",
    ".duckdb",
    ".db",
    ".yaml",
    ".yml",
)

#: Named date formats; anything else in ``formats`` of a date column is a strftime pattern.
DATE_FORMATS: dict[str, str] = {
    "iso": "ISO 8601 text, e.g. 2026-10-31 or 2026-10-31 14:05:00 (the default)",
    "yyyymmdd": "eight digits, e.g. 20261031",
    "excel_serial": "days since 1899-12-30, as Excel stores dates, e.g. 46326",
    "epoch_s": "seconds since 1970-01-01 UTC",
    "epoch_ms": "milliseconds since 1970-01-01 UTC",
    "epoch_us": "microseconds since 1970-01-01 UTC (GA4's event_timestamp)",
    "epoch_ns": "nanoseconds since 1970-01-01 UTC",
}
#: Named number formats.
NUMBER_FORMATS: dict[str, str] = {
    "plain": "digits with a dot for decimals, e.g. 1234.5 (the default)",
    "thousands": "thousands separators and a leading currency sign allowed: 1,234.50, ¥99.90",
}

TABLE_KEYS = ("file", "encoding", "delimiter", "header", "sheet", "columns", "formats", "values")
TOP_KEYS = ("currency", "timezone", "tables", "funnel", "labels", "events")
DELIMITERS = {"auto": None, ",": ",", ";": ";", "\t": "\t", "tab": "\t", "|": "|"}
WHITESPACE = "whitespace"


@dataclass(frozen=True)
class TableSource:
    """Where one table comes from and how to read it (a ``tables:`` entry of mktkit.yaml)."""

    name: str
    file: Path
    encoding: str = "auto"
    delimiter: str = "auto"
    header: bool = True
    sheet: str | int = 0
    columns: dict[str, str | int] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[Any, Any]] = field(default_factory=dict)
    #: line of each key of the entry in mktkit.yaml ("columns.order_id" for nested ones)
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line(self, key: str) -> int:
        """The line of ``key`` (or of the table's entry) in mktkit.yaml, 0 without one."""
        return self.lines.get(key, self.lines.get("", 0))


@dataclass(frozen=True)
class FolderConfig:
    """A data folder's ``mktkit.yaml``, checked."""

    path: Path
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    tables: dict[str, TableSource] = field(default_factory=dict)
    funnel: tuple[str, ...] | None = None
    labels: dict[str, Any] = field(default_factory=dict)
    events: tuple[Any, ...] = ()


def _near(word: str, choices: Any) -> str:
    near = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


class _Reader:
    """Checks of one mktkit.yaml, each refusal with its line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, line: int, problem: str, fix: str, column: str | None = None) -> InputError:
        at = f"line {line}: " if line else ""
        return InputError(at + problem, table=CONFIG_FILE, column=column, fix=fix)

    def mapping(self, value: Any, line: int, what: str) -> YamlMap:
        if value is None:
            return YamlMap(line=line)
        if not isinstance(value, dict):
            raise self.error(
                line,
                f"{what} must be a mapping, got {shown(value)}",
                f"write {what} as key: value lines under it",
            )
        return value if isinstance(value, YamlMap) else YamlMap(value, line=line)

    def keys(self, given: YamlMap, allowed: tuple[str, ...], where: str) -> None:
        for key in given:
            if key not in allowed:
                raise self.error(
                    given.line_of(key),
                    f"unknown key {shown(key)} in {where}",
                    f"use one of {', '.join(allowed)}{_near(key, allowed)}",
                )


def read_config(folder: str | Path) -> FolderConfig | None:
    """The checked ``mktkit.yaml`` of ``folder``, or None when it has none.

    Raises
    ------
    InputError
        With the line and the fix: unknown keys or tables, a contract column the table does
        not have, a format that is not one, a file that does not exist, a currency that is not
        an ISO 4217 code, a time zone the system does not know.
    """
    folder = Path(folder)
    path = folder / CONFIG_FILE
    if not path.is_file():
        return None
    raw = load_yaml(path, table=CONFIG_FILE)
    r = _Reader(path)
    top = r.mapping(raw, 1, CONFIG_FILE)
    r.keys(top, TOP_KEYS, CONFIG_FILE)
    currency = top.get("currency", "CNY")
    if currency == "RMB":  # the common name, not the code
        raise r.error(
            top.line_of("currency"),
            "RMB is not the ISO 4217 code of the yuan",
            "write currency: CNY",
        )
    if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        raise r.error(
            top.line_of("currency"),
            f"currency {shown(currency)} is not an ISO 4217 code",
            "write three capital letters, e.g. CNY, USD, EUR",
        )
    timezone = top.get("timezone", "Asia/Shanghai")
    _check_timezone(r, timezone, top.line_of("timezone"))
    tables_raw = r.mapping(top.get("tables"), top.line_of("tables"), "tables")
    tables = {}
    for name, entry in tables_raw.items():
        line = tables_raw.line_of(name)
        if name not in TABLES:
            raise r.error(
                line,
                f"unknown table {shown(name)}",
                f"use one of the tables {', '.join(sorted(TABLES))}{_near(name, TABLES)}",
            )
        tables[name] = _table(r, folder, name, r.mapping(entry, line, f"tables.{name}"), line)
    funnel = top.get("funnel")
    if funnel is not None:
        if not (
            isinstance(funnel, list)
            and len(funnel) >= 2
            and all(isinstance(s, str | list) for s in funnel)
        ):
            raise r.error(
                top.line_of("funnel"),
                "funnel must list two or more event names",
                "write e.g. funnel: [visit, add_to_cart, purchase]",
            )
        funnel = tuple(funnel)
    labels = r.mapping(top.get("labels"), top.line_of("labels"), "labels")
    try:  # refused here, with its line, rather than when a report is drawn
        check_labels(labels)
    except InputError as exc:
        code = (exc.column or "").partition(".")[2]
        line = labels.line_of(code) if code in labels else top.line_of("labels")
        raise r.error(line, exc.problem, exc.fix or "", column=exc.column) from None
    events = top.get("events") or []
    if not isinstance(events, list):
        raise r.error(
            top.line_of("events"),
            "events must be a list of dated events",
            "write e.g. events: [{name: 11.11, start: 2026-11-01, end: 2026-11-11}]",
        )
    return FolderConfig(
        path=path,
        currency=currency,
        timezone=timezone,
        tables=tables,
        funnel=funnel,
        labels=dict(labels),
        events=tuple(events),
    )


def _check_timezone(r: _Reader, timezone: Any, line: int) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise r.error(
            line,
            f"timezone {shown(timezone)} is not a time zone",
            "write an IANA name such as Asia/Shanghai, Europe/Berlin or UTC",
        ) from None


def _table(r: _Reader, folder: Path, name: str, entry: YamlMap, line: int) -> TableSource:
    r.keys(entry, TABLE_KEYS, f"tables.{name}")
    lines = {"": line, **{k: entry.line_of(k) for k in entry}}
    file = entry.get("file")
    if not isinstance(file, str) or not file.strip():
        raise r.error(
            line,
            f"tables.{name} has no file",
            f"add file: the name of the {name} file, relative to mktkit.yaml",
        )
    path = (folder / file).resolve()
    if not path.is_file():
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
        raise r.error(
            lines["file"],
            f"file not found: {file}",
            "check the name" + _near(Path(file).name, names),
        )
    if path.suffix.lower() not in SUFFIXES:
        raise r.error(
            lines["file"],
            f"cannot read {file}: unsupported file type {path.suffix!r}",
            "save the table as CSV, Excel, Parquet or JSON",
        )
    encoding = entry.get("encoding", "auto")
    if not isinstance(encoding, str) or not _known_encoding(encoding):
        raise r.error(
            lines.get("encoding", line),
            f"encoding {shown(encoding)} is not one",
            "write auto, utf-8, gb18030 (GBK), utf-16 or another Python codec name",
        )
    delimiter = entry.get("delimiter", "auto")
    if delimiter not in DELIMITERS and delimiter != WHITESPACE:
        raise r.error(
            lines.get("delimiter", line),
            f"delimiter {shown(delimiter)} is not one",
            'write auto, ",", ";", "\\t", "|" or whitespace',
        )
    header = entry.get("header", True)
    if not isinstance(header, bool):
        raise r.error(
            lines.get("header", line),
            f"header {shown(header)} is not true or false",
            "write header: true (the first line names the columns) or false",
        )
    sheet = entry.get("sheet", 0)
    if isinstance(sheet, bool) or not isinstance(sheet, str | int):
        raise r.error(
            lines.get("sheet", line),
            f"sheet {shown(sheet)} is not a sheet",
            "write the sheet's name or its 0-based position",
        )
    contract = _contract_columns(name)
    columns = r.mapping(entry.get("columns"), lines.get("columns", line), "columns")
    for key, source in columns.items():
        lines[f"columns.{key}"] = columns.line_of(key)
        _contract_column(r, name, contract, key, columns.line_of(key), "map the contract's columns")
        if isinstance(source, bool) or not isinstance(source, str | int):
            raise r.error(
                columns.line_of(key),
                f"columns.{key}: {shown(source)} is not a column",
                "give the file's column name, or its 0-based position",
            )
        if header is False and not isinstance(source, int):
            raise r.error(
                columns.line_of(key),
                f"columns.{key}: {shown(source)} is a name, but the file has no header",
                "give the column's 0-based position",
            )
    formats = r.mapping(entry.get("formats"), lines.get("formats", line), "formats")
    for key, spec in formats.items():
        lines[f"formats.{key}"] = formats.line_of(key)
        _check_format(r, name, str(key), spec, formats.line_of(key))
    values = r.mapping(entry.get("values"), lines.get("values", line), "values")
    maps = {}
    for key, table in values.items():
        lines[f"values.{key}"] = values.line_of(key)
        maps[str(key)] = dict(r.mapping(table, values.line_of(key), f"values.{key}"))
        _contract_column(r, name, contract, key, values.line_of(key), "translate values of")
    return TableSource(
        name=name,
        file=path,
        encoding=encoding,
        delimiter="\t" if delimiter == "tab" else delimiter,
        header=header,
        sheet=sheet,
        columns={str(k): v for k, v in columns.items()},
        formats={str(k): str(v) for k, v in formats.items()},
        values=maps,
        lines=lines,
    )


def _contract_column(
    r: _Reader, table: str, contract: list[str] | None, key: Any, line: int, what: str
) -> None:
    """Refuse ``key`` when the table's contract has no such column, with the near names."""
    if contract is not None and key not in contract:
        raise r.error(
            line,
            f"{table} has no column {shown(key)}",
            f"{what}: {', '.join(contract)}{_near(key, contract)}",
            column=str(key),
        )


def _contract_columns(table: str) -> list[str] | None:
    """The columns of a contract table (None for the strategy files, which have no columns)."""
    model = SCHEMAS.get(table)
    return None if model is None else list(model.to_schema().columns)


def column_kind(table: str, column: str) -> str | None:
    """``"date"``, ``"timestamp"``, ``"number"``, ``"whole number"``, ``"text"`` or None (a
    column the contract does not define).

    Examples
    --------
    >>> column_kind("orders", "order_date"), column_kind("orders", "amount")
    ('date', 'number')
    """
    model = SCHEMAS.get(table)
    if model is None or column not in model.to_schema().columns:
        return None
    name = str(model.to_schema().columns[column].dtype)
    return name if name in ("date", "timestamp", "number", "whole number") else "text"


def _check_format(r: _Reader, table: str, column: str, spec: Any, line: int) -> None:
    kind = column_kind(table, column)
    if not isinstance(spec, str) or not spec.strip():
        raise r.error(
            line,
            f"formats.{column}: {shown(spec)} is not a format",
            "write a format name or a pattern",
            column=column,
        )
    if kind in ("date", "timestamp"):
        if spec not in DATE_FORMATS and "%" not in spec:
            raise r.error(
                line,
                f"formats.{column}: {shown(spec)} is not a date format",
                "write one of "
                + ", ".join(DATE_FORMATS)
                + ', or a strftime pattern such as "%Y/%m/%d %H:%M"',
                column=column,
            )
    elif kind in ("number", "whole number"):
        if spec not in NUMBER_FORMATS:
            raise r.error(
                line,
                f"formats.{column}: {shown(spec)} is not a number format",
                "write one of " + ", ".join(NUMBER_FORMATS),
                column=column,
            )
    else:
        raise r.error(
            line,
            f"formats.{column}: {table}.{column} is text, it takes no format",
            "give formats only to date and number columns",
            column=column,
        )


def _known_encoding(name: str) -> bool:
    import codecs

    if name == "auto":
        return True
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def table_line(config: FolderConfig | None, table: str, key: str = "") -> str:
    """``" (mktkit.yaml line N)"`` for a message about ``key`` of ``table``, or ``""``."""
    if config is None or table not in config.tables:
        return ""
    line = config.tables[table].line(key)
    return f" (mktkit.yaml line {line})" if line else ""


__all__ = [
    "CONFIG_FILE",
    "DATE_FORMATS",
    "NUMBER_FORMATS",
    "TABLES",
    "FolderConfig",
    "TableSource",
    "column_kind",
    "read_config",
    "table_line",
]
