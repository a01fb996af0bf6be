"""Read a whole data folder through its mktkit.yaml and say what came of each table.

:func:`check_folder` reads every table a folder has (the ones its mktkit.yaml names, or the
files named like the tables) and returns, per table, the rows read, the date range, the rows
that repeat another row exactly, what the kit converted on the way (optional columns filled,
offsets converted), and every problem (the :class:`~mktkit.errors.InputError` that reading it
raised). It also lists the files that match no table. Nothing is raised: a check is for
reading, ``mktkit check FOLDER`` prints it.

Examples
--------
>>> result = check_folder("data/sample")                     # doctest: +SKIP
>>> result.tables["orders"].rows                             # doctest: +SKIP
95000
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.data.config import CONFIG_FILE, SUFFIXES
from mktkit.data.folder import DAY_COLUMNS, DataFolder, load_data
from mktkit.errors import InputError
from mktkit.schemas import SCHEMAS


@dataclass
class TableCheck:
    """What reading one table gave."""

    table: str
    file: Path
    rows: int = 0
    first_day: pd.Timestamp | None = None
    last_day: pd.Timestamp | None = None
    repeated_rows: int = 0
    notes: list[str] = field(default_factory=list)
    problem: InputError | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class FolderCheck:
    """What reading a whole folder gave."""

    path: Path
    config: Path | None
    currency: str
    timezone: str
    tables: dict[str, TableCheck]
    unmatched: list[Path]
    problem: InputError | None = None  # the folder or its mktkit.yaml could not be read

    @property
    def present(self) -> set[str]:
        """The tables that were read without a problem."""
        return {name for name, t in self.tables.items() if t.ok}


def _check_table(data: DataFolder, table: str) -> TableCheck:
    result = TableCheck(table, data.files[table])
    try:
        df = data[table]
    except InputError as exc:
        result.problem = exc
        return result
    if not isinstance(df, pd.DataFrame):  # swot.yaml, marketing_mix.yaml
        result.rows = 1
        return result
    result.rows = len(df)
    result.notes = list(df.attrs.get("notes", []))
    day = DAY_COLUMNS.get(table) or ("month" if table == "kpi_targets" else None)
    if day in df and len(df):
        values = df[day] if table != "kpi_targets" else pd.to_datetime(df[day] + "-01")
        result.first_day, result.last_day = values.min(), values.max()
    hashable = df.astype("str") if len(df) else df
    result.repeated_rows = int(hashable.duplicated().sum())
    return result


def check_folder(folder: str | Path) -> FolderCheck:
    """Read every table of ``folder``; see the module docstring."""
    folder = Path(folder)
    try:
        data = load_data(folder)
    except InputError as exc:
        return FolderCheck(folder, None, "CNY", "Asia/Shanghai", {}, [], problem=exc)
    tables = {name: _check_table(data, name) for name, path in data.files.items() if path.is_file()}
    used = {t.file.resolve() for t in tables.values()}
    unmatched = sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and p.name != CONFIG_FILE
        and p.resolve() not in used
    )
    return FolderCheck(
        path=folder,
        config=data.config.path if data.config else None,
        currency=data.currency,
        timezone=data.timezone,
        tables=tables,
        unmatched=unmatched,
    )


def contract_tables() -> list[str]:
    """The tables of the data contract, in the order of docs/data.md."""
    return list(SCHEMAS)


def describe(check: TableCheck) -> dict[str, Any]:
    """One table's check as plain values (for a printed table or JSON)."""
    day = "%Y-%m" if check.table == "kpi_targets" else "%Y-%m-%d"  # targets are monthly
    span = (
        f"{check.first_day:{day}} .. {check.last_day:{day}}"
        if check.first_day is not None and pd.notna(check.first_day)
        else ""
    )
    return {
        "table": check.table,
        "file": check.file.name,
        "rows": check.rows,
        "dates": span,
        "repeated rows": check.repeated_rows,
        "status": "ok" if check.ok else "problem",
    }
