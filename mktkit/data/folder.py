"""A data folder as a mapping of table name to validated table, and the data as of a day.

A folder holds one file per table: named as :data:`SAMPLE_FILES` says (``orders.csv``,
``events.parquet``, ...), or as its ``mktkit.yaml`` says (:mod:`mktkit.data.config`).
:func:`load_data` opens one: a :class:`DataFolder` reads, maps and validates a table on first
access and hands out copies; :func:`data_until` cuts the dated tables at the end of a day.

Examples
--------
>>> import pandas as pd
>>> orders = pd.DataFrame({"order_date": pd.to_datetime(["2026-10-17", "2026-10-19"]),
...                        "amount": [10.0, 20.0]})
>>> data_until({"orders": orders}, "2026-10-18")["orders"]["amount"].tolist()
[10.0]
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.data.config import CONFIG_FILE, SUFFIXES, TableSource, read_config
from mktkit.data.io import read_table, read_yaml, validate
from mktkit.data.mapping import to_contract
from mktkit.data.normalize import DEFAULT_TIMEZONE
from mktkit.data.sources import read_source
from mktkit.errors import InputError
from mktkit.schemas import SCHEMAS

#: sample table -> file name in the sample directory (docs/data.md)
SAMPLE_FILES: dict[str, str] = {
    "channel_daily": "channel_daily.csv",
    "events": "events.parquet",
    "customers": "customers.csv",
    "orders": "orders.csv",
    "kpi_targets": "kpi_targets.csv",
    "nps": "nps.csv",
    "experiments": "experiments.csv",
    "campaigns": "campaigns.csv",
    "swot": "swot.yaml",
    "marketing_mix": "marketing_mix.yaml",
}


class DataFolder(Mapping):
    """A folder of tables: a read-only mapping of table name to validated table.

    With a ``mktkit.yaml`` (:mod:`mktkit.data.config`) each table is read from the file, with
    the encoding, delimiter, column names, formats and values it declares; without one, from
    the file named like the table (``orders.csv`` or another type the kit reads, e.g.
    ``orders.xlsx``), with the contract's column names and ISO dates. Tables load and validate
    on first access and are kept; each access returns a copy (copy-on-write, so it costs
    nothing until changed), so changing it never changes the data for the next reader.

    Attributes
    ----------
    path : pathlib.Path
        The folder.
    config : FolderConfig or None
        Its mktkit.yaml, checked; None without one.
    files : dict of str to pathlib.Path
        Table name -> file (which need not exist: a folder may lack optional tables), e.g. for
        hashing in report manifests.
    currency, timezone : str
        From mktkit.yaml: the money columns' ISO 4217 code (default CNY) and the business time
        zone (default Asia/Shanghai).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.config = read_config(self.path)
        self.files: dict[str, Path] = {
            name: self._file(name) for name in (*SAMPLE_FILES, *self._configured())
        }
        self.currency = self.config.currency if self.config else "CNY"
        self.timezone = self.config.timezone if self.config else DEFAULT_TIMEZONE
        self._loaded: dict[str, Any] = {}

    def _configured(self) -> list[str]:
        return [t for t in (self.config.tables if self.config else {}) if t not in SAMPLE_FILES]

    def _file(self, table: str) -> Path:
        """The file of ``table``: as mktkit.yaml says, else the one named like the table."""
        if self.config is not None and table in self.config.tables:
            return self.config.tables[table].file
        default = self.path / SAMPLE_FILES[table]
        if default.is_file():
            return default
        found = sorted(
            p for p in self.path.glob(f"{table}.*") if p.suffix.lower() in SUFFIXES and p.is_file()
        )
        if len(found) > 1:
            raise InputError(
                f"{len(found)} files could be the {table} table: "
                + ", ".join(p.name for p in found),
                table=table,
                fix=f"keep one of them, or name the one to read in mktkit.yaml (tables: {table}: "
                "file:)",
            )
        return found[0] if found else default

    @property
    def inputs(self) -> dict[str, Path]:
        """Every file the tables are read from, and mktkit.yaml: what a report depends on."""
        present = {name: p for name, p in self.files.items() if p.is_file()}
        if self.config is not None:
            present[CONFIG_FILE] = self.config.path
        return present

    def __getitem__(self, key: str) -> Any:
        if key not in self.files:
            raise KeyError(f"{key!r}: the folder has " + ", ".join(self.files))
        if key not in self._loaded:
            self._loaded[key] = self._load(key)
        value = self._loaded[key]
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else copy.deepcopy(value)

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __repr__(self) -> str:
        loaded = ", ".join(self._loaded) or "none yet"
        name = type(self).__name__
        return f"{name}({str(self.path)!r}; tables: {', '.join(self.files)}; loaded: {loaded})"

    def _identity(self, key: str) -> tuple | None:
        """What the table read from: its file's and mktkit.yaml's size and time stamp."""
        stats = []
        for file in (self.files[key], self.config.path if self.config else None):
            if file is None:
                continue
            try:
                st = file.stat()
            except OSError:
                return None
            stats.append((str(file.resolve()), st.st_size, st.st_mtime_ns))
        return (key, *stats)

    def _load(self, key: str) -> Any:
        # A process keeps the validated tables it read (a warm report kernel renders many
        # reports from the same files); a file whose size or time stamp changed is read anew.
        ident = self._identity(key)
        if ident is not None and ident in _VALIDATED:
            return _VALIDATED[ident]
        value = self._read(key)
        if ident is not None:
            _VALIDATED[ident] = value
        return value

    def _read(self, key: str) -> Any:
        file = self.files[key]
        if not file.is_file():
            raise InputError(
                f"{self.path} has no {key} table ({file.name} or another file named {key}.*)",
                table=key,
                fix=f"add the file, or name it in mktkit.yaml (tables: {key}: file:)",
            )
        if key not in SCHEMAS:
            return read_yaml(file, key)
        source = self.config.tables.get(key) if self.config else None
        if source is None and file.suffix.lower() in NATIVE_SUFFIXES:
            return read_table(file, schema=key, timezone=self.timezone)
        if source is None:
            source = TableSource(key, file)
        if file.suffix.lower() in NATIVE_SUFFIXES:
            raw = read_table(file)
        else:
            raw = read_source(file, source)
        if len(raw) == 0:
            raise InputError(
                f"{file.name} has no rows", table=key, fix="export the table again with its data"
            )
        return validate(to_contract(raw, source, self.timezone), key, timezone=self.timezone)


#: The sample company is a data folder without a mktkit.yaml (the name stays for its readers).
SampleData = DataFolder

#: File types read with their own column types (the others are read as text, then mapped).
NATIVE_SUFFIXES = (".parquet", ".pq", ".duckdb", ".db")

# (table, file stats...) -> the validated table; DataFolder hands out copies only
_VALIDATED: dict[tuple, Any] = {}


def load_data(folder: str | os.PathLike[str]) -> DataFolder:
    """Open a folder of your own tables, read through its ``mktkit.yaml`` when it has one.

    Every table is read on first access, mapped to the data contract (column names, formats,
    values) and validated: what comes back has the contract's names and types, like
    :func:`mktkit.load_sample`'s tables. docs/data.md ("Your own folder") says how to write
    mktkit.yaml; ``mktkit init FOLDER`` drafts one and ``mktkit check FOLDER`` reads
    everything through it.

    Raises
    ------
    InputError
        A folder that does not exist, or a mktkit.yaml that is not right (with its line).

    Examples
    --------
    >>> data = load_data("data/examples/shop")            # doctest: +SKIP
    >>> data["orders"].columns.tolist()                   # doctest: +SKIP
    ['order_id', 'customer_id', 'order_date', 'region', 'channel', 'amount']
    """
    path = Path(folder)
    if not path.is_dir():
        raise InputError(
            f"data folder not found: {path}",
            fix="give the folder that holds your tables (and its mktkit.yaml)",
        )
    return DataFolder(path)


# The day column of each dated table: what "the data as of a day" keeps.
DAY_COLUMNS = {
    "channel_daily": "date",
    "events": "ts",
    "customers": "signup_date",
    "orders": "order_date",
    "nps": "date",
}


class DataUntil(Mapping):
    """The tables of ``data`` as they stood at the end of ``day``: see :func:`data_until`."""

    def __init__(self, data: Mapping[str, Any], day: Any) -> None:
        self.data, self.day = data, pd.Timestamp(day).normalize()
        self.files = getattr(data, "files", {})
        self.path = getattr(data, "path", None)
        # what the folder's mktkit.yaml says holds for the data as of any day
        self.config = getattr(data, "config", None)
        self.currency = getattr(data, "currency", "CNY")

    def __getitem__(self, key: str) -> Any:
        table = self.data[key]
        column = DAY_COLUMNS.get(key)
        if column is None or not isinstance(table, pd.DataFrame) or column not in table:
            return table
        # everything before the next midnight: timestamps of the day itself are kept
        return table[table[column] < self.day + pd.Timedelta(days=1)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"DataUntil({self.data!r}, {self.day:%Y-%m-%d})"


def data_until(data: Mapping[str, Any], day: Any) -> DataUntil:
    """The data as they stood at the end of ``day``: rows dated later are left out.

    A weekly brief of a past week must not see what came after it (later orders would shift
    the anomaly baseline and the month's figures). Dated tables are cut on their day column
    (:data:`DAY_COLUMNS`); targets, experiments, campaigns and the strategy files are kept as
    they are. ``files`` and ``path`` are those of ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_date": pd.to_datetime(["2026-10-17", "2026-10-19"]),
    ...                        "amount": [10.0, 20.0]})
    >>> data_until({"orders": orders}, "2026-10-18")["orders"]["amount"].tolist()
    [10.0]
    """
    return DataUntil(data, day)


def has_table(data: Mapping[str, Any], key: str) -> bool:
    """Whether ``data`` has the table ``key``: its file exists in a data folder (a folder may
    lack the optional tables), or the key is in a plain mapping.

    Examples
    --------
    >>> has_table({"orders": None}, "orders"), has_table({"orders": None}, "nps")
    (True, False)
    """
    files = getattr(data, "files", None)
    if isinstance(files, Mapping) and key in files:
        return files[key].is_file()
    return key in data
