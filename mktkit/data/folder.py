"""A data folder as a mapping of table name to validated table, and the data as of a day.

A folder holds one file per table, named as :data:`SAMPLE_FILES` says (``orders.csv``,
``events.parquet``, ...). :class:`SampleData` reads and validates a table on first access and
hands out copies; :func:`data_until` cuts the dated tables at the end of a day.

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

from mktkit.data.io import read_table, read_yaml
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


class SampleData(Mapping):
    """The sample company: a read-only mapping of table name to validated table.

    Tables load and validate on first access and are kept; each access returns a copy
    (copy-on-write, so it costs nothing until changed), so changing it never changes the
    sample for the next reader.

    Attributes
    ----------
    path : pathlib.Path
        The sample directory.
    files : dict of str to pathlib.Path
        Table name -> file, e.g. for hashing in report manifests.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.files: dict[str, Path] = {k: self.path / f for k, f in SAMPLE_FILES.items()}
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self.files:
            raise KeyError(f"{key!r}: the sample has " + ", ".join(self.files))
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
        return f"SampleData({str(self.path)!r}; tables: {', '.join(self.files)}; loaded: {loaded})"

    def _load(self, key: str) -> Any:
        file = self.files[key]
        # A process keeps the validated tables it read (a warm report kernel renders many
        # reports from the same files); a file whose size or time stamp changed is read anew.
        try:
            st = file.stat()
        except OSError:
            st = None
        ident = (key, str(file.resolve()), st.st_size, st.st_mtime_ns) if st else None
        if ident is not None and ident in _VALIDATED:
            return _VALIDATED[ident]
        value = read_table(file, schema=key) if key in SCHEMAS else read_yaml(file, key)
        if ident is not None:
            _VALIDATED[ident] = value
        return value


# (table, file, size, mtime) -> the validated table; SampleData hands out copies only
_VALIDATED: dict[tuple[str, str, int, int], Any] = {}


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
