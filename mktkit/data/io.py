"""Read tables from files and validate them against the data contract.

:func:`read_table` reads CSV, Parquet, Excel and DuckDB files; :func:`validate` checks a frame
against a schema of :mod:`mktkit.schemas`; :func:`load_sample` opens the sample company. Every
failure is an :class:`~mktkit.errors.InputError` naming file or table, column, rows (1-based
data rows: the first row after the header is 1) and the fix, never a pandas traceback, and no
row is ever dropped.

Examples
--------
>>> import pandas as pd
>>> from mktkit.io import validate
>>> nps = pd.DataFrame({"response_id": ["007"], "date": ["2026-10-31"], "region": ["east"],
...                     "score": ["9"], "comment": [None]})
>>> validate(nps, "nps").dtypes["score"]
dtype('int64')
>>> validate(nps.assign(score=["7.5"]), "nps")
Traceback (most recent call last):
...
mktkit.errors.InputError: nps.score: cannot be read as a whole number; rows: 1 ('7.5'). Fix: scores are whole numbers 0 to 10: correct or drop averaged or text answers
"""

from __future__ import annotations

import copy
import difflib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.errors import InputError
from mktkit.schemas import (
    SCHEMAS,
    _model,
    _table_meta,
    _table_name,
    build_error,
    collect_problems,
    pa,
)

__all__ = [
    "DataUntil",
    "SampleData",
    "data_until",
    "load_sample",
    "read_table",
    "sample_dir",
    "validate",
]

#: file suffix -> format name
FORMATS: dict[str, str] = {
    ".csv": "CSV",
    ".parquet": "Parquet",
    ".pq": "Parquet",
    ".xlsx": "Excel",
    ".xlsm": "Excel",
    ".duckdb": "DuckDB",
    ".db": "DuckDB",
}

#: sample table -> file name in the sample directory (CONTRACT.md)
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


# ---------------------------------------------------------------------------------------------
# validate


def validate(df: pd.DataFrame, schema: str | type[pa.DataFrameModel]) -> pd.DataFrame:
    """Coerce and check a table against a schema; return it or raise one :class:`InputError`.

    Parameters
    ----------
    df : pandas.DataFrame
        The table. Text cells are read exactly (``"00123"`` stays ``"00123"`` in a text column;
        ``"12"`` becomes 12 in a count column).
    schema : str or pandera.DataFrameModel
        A table name of :data:`mktkit.schemas.SCHEMAS` (``"orders"``) or a model.

    Returns
    -------
    pandas.DataFrame
        The same rows in the same order with the same index, columns coerced to the documented
        dtypes; extra columns kept.

    Raises
    ------
    InputError
        Listing every problem at once: missing columns, values of the wrong type, empty cells,
        values out of range, duplicated keys, with their rows and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"experiment": ["x", "x"], "variant": ["a", "b"],
    ...                     "users": [100, 100], "conversions": [10, 120],
    ...                     "planned_share": [0.5, 0.5], "planned_users": [100, 100]})
    >>> validate(bad, "experiments")
    Traceback (most recent call last):
    ...
    mktkit.errors.InputError: experiments.conversions: conversions exceed users; rows: 2 ({'conversions': 120, 'users': 100}). Fix: conversions counts converting users, a subset of users: check the two columns
    """
    model = _model(schema)
    table = _table_name(model)
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"expected a pandas DataFrame, got {type(df).__name__}",
            table=table,
            fix="pass a DataFrame, e.g. from mktkit.read_table(path)",
        )
    dup = df.columns[df.columns.duplicated()].unique().tolist()
    if dup:
        raise InputError(
            "column name(s) appear more than once: " + ", ".join(repr(c) for c in dup),
            table=table,
            fix="give every column a distinct name",
        )
    # row labels 1..n so that pandera's failure cases carry the row numbers users see
    work = df.set_axis(pd.RangeIndex(1, len(df) + 1), axis=0)
    try:
        out = model.validate(work, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _error(exc, model, work) from None
    return out.set_axis(df.index, axis=0)


def _error(
    exc: pa.errors.SchemaErrors, model: type[pa.DataFrameModel], work: pd.DataFrame
) -> InputError:
    """Every problem: a second pass without the unreadable rows finds the value problems that
    pandera cannot check on a column that did not convert (e.g. a score of 11 next to 'abc')."""
    found = collect_problems(exc, model, work)
    unreadable = sorted(
        {
            row
            for (_, check), e in found.found.items()
            if check in ("type", "empty")
            for row in e["rows"]
        }
    )
    missing = any(check == "missing" for _, check in found.found)
    if unreadable and not missing and len(unreadable) < len(work):
        try:
            model.validate(work.drop(index=unreadable), lazy=True)
        except pa.errors.SchemaErrors as exc2:
            rest = collect_problems(exc2, model, work)
            # checks over groups of rows (shares summing to 1) are void once rows are left out
            checks = _table_meta(model).get("checks", {})
            whole = {name for name, info in checks.items() if info.get("whole_table")}
            for (column, check), e in rest.found.items():
                if check not in whole:
                    found.add(column or "", check, e["problem"], e["rows"], e["fix"])
    return build_error(found)


# ---------------------------------------------------------------------------------------------
# read_table


def read_table(
    path: str | os.PathLike[str],
    schema: str | type[pa.DataFrameModel] | None = None,
    *,
    sheet: str | int | None = None,
    table: str | None = None,
) -> pd.DataFrame:
    """Read a CSV, Parquet, Excel or DuckDB table, validated when a schema is given.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (UTF-8, comma, header), ``.parquet``/``.pq``, ``.xlsx``/``.xlsm`` or
        ``.duckdb``/``.db``.
    schema : str or pandera.DataFrameModel, optional
        Validate against this schema (see :func:`validate`). With a schema, CSV and Excel cells
        are read as text first, so ids keep leading zeros and a value that does not convert is
        reported with its row.
    sheet : str or int, optional
        Excel sheet name or 0-based position; default the first sheet.
    table : str, optional
        DuckDB table or view; default the table named like the schema, or the only table.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InputError
        Missing file (with near matches in its folder), unsupported extension, unreadable or
        corrupt file, a table without rows, and every validation problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "kpi.csv").write_text("month,region,metric,target,direction\\n"
    ...                               "2026-10,east,revenue,1000,higher\\n")
    >>> read_table(d / "kpi.csv", schema="kpi_targets")["target"].tolist()
    [1000.0]
    """
    path = Path(path)
    label = _model(schema).to_schema().name if schema is not None else None
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file", table=label, fix="name a file in it")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"cannot read {path.name}: "
            + (f"unsupported file type {path.suffix!r}" if path.suffix else "no file extension"),
            table=label,
            fix="save the table as "
            + ", ".join(sorted(set(FORMATS)))
            + (
                " (an old .xls workbook: open it and save as .xlsx)"
                if path.suffix.lower() == ".xls"
                else ""
            ),
        )
    _require_file(path, label)
    as_text = schema is not None
    if kind == "CSV":
        df = _read_csv(path, label, as_text)
    elif kind == "Parquet":
        df = _read_parquet(path, label)
    elif kind == "Excel":
        df = _read_excel(path, label, as_text, sheet)
    else:
        df = _read_duckdb(path, label, table, schema)
    if len(df) == 0:
        raise InputError(
            f"{path.name} has no rows" + (" (only a header)" if len(df.columns) else ""),
            table=label,
            fix="export the table again with its data, or point to the right file",
        )
    return validate(df, schema) if schema is not None else df


def _require_file(path: Path, label: str | None) -> None:
    if path.is_file():
        return
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file", table=label, fix="name a file in it")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(
            f"file not found: {path} (the folder {folder} does not exist either)",
            table=label,
            fix="check the path; relative paths start from " + str(Path.cwd()),
        )
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    near = difflib.get_close_matches(path.name, names, n=5, cutoff=0.5)
    raise InputError(
        f"file not found: {path}",
        table=label,
        fix=(
            f"did you mean {', '.join(near)} (in {folder})?"
            if near
            else f"check the name; {folder} holds "
            + (", ".join(names[:10]) + (" ..." if len(names) > 10 else "") if names else "no files")
        ),
    )


def _unreadable(
    path: Path, label: str | None, kind: str, exc: BaseException, fix: str
) -> InputError:
    reason = " ".join(str(exc).split()).rstrip(".!") or type(exc).__name__
    if len(reason) > 200:
        reason = reason[:200] + "..."
    return InputError(f"cannot read {path.name} as {kind}: {reason}", table=label, fix=fix)


def _read_csv(path: Path, label: str | None, as_text: bool) -> pd.DataFrame:
    options: dict[str, Any] = {"encoding": "utf-8-sig"}  # a BOM from Excel's "CSV UTF-8" is fine
    if as_text:
        # every cell as written; only an empty cell is missing ("NA" may be a region code)
        options.update(dtype=str, keep_default_na=False, na_values=[""])
        try:
            # pyarrow's reader gives the same table of text several times faster; what it does
            # not read alike (ragged rows, a bad encoding) it refuses, and the C reader then
            # reads the file or says why it cannot
            return pd.read_csv(path, engine="pyarrow", **options)
        except Exception:
            pass
    try:
        return pd.read_csv(path, **options)
    except pd.errors.EmptyDataError as exc:
        raise InputError(
            f"{path.name} is empty (no header, no rows)",
            table=label,
            fix="export the table again with a header row and data",
        ) from exc
    except UnicodeDecodeError as exc:
        raise _unreadable(path, label, "CSV", exc, "save the file as CSV in UTF-8") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise _unreadable(
            path,
            label,
            "CSV",
            exc,
            "every line needs the same number of comma-separated fields "
            "as the header; quote text that contains commas",
        ) from None


def _read_parquet(path: Path, label: str | None) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for broken files
        raise _unreadable(
            path, label, "Parquet", exc, "the file is damaged or not Parquet: write it again"
        ) from None


def _read_excel(
    path: Path, label: str | None, as_text: bool, sheet: str | int | None
) -> pd.DataFrame:
    options: dict[str, Any] = {"sheet_name": 0 if sheet is None else sheet, "engine": "openpyxl"}
    if as_text:
        options.update(dtype=str, keep_default_na=False, na_values=[""])
    try:
        return pd.read_excel(path, **options)
    except (ValueError, IndexError, KeyError) as exc:
        sheets = _excel_sheets(path)
        if sheets is not None and sheet is not None:
            raise InputError(
                f"{path.name} has no sheet {sheet!r}",
                table=label,
                fix="use one of " + ", ".join(repr(s) for s in sheets),
            ) from None
        raise _unreadable(path, label, "Excel", exc, "save the workbook again as .xlsx") from None
    except Exception as exc:  # a zip or XML error from a damaged workbook
        raise _unreadable(path, label, "Excel", exc, "save the workbook again as .xlsx") from None


def _excel_sheets(path: Path) -> list[str] | None:
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return list(book.sheetnames)
        finally:
            book.close()
    except Exception:
        return None


def _read_duckdb(
    path: Path, label: str | None, table: str | None, schema: str | type[pa.DataFrameModel] | None
) -> pd.DataFrame:
    import duckdb  # lazily: `import mktkit` stays cheap

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise _unreadable(
            path, label, "DuckDB", exc, "the file is damaged or not a DuckDB database"
        ) from None
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name"
            ).fetchall()
        ]
        if table is None:
            wanted = _model(schema).to_schema().name if schema is not None else None
            if wanted in names:
                table = wanted
            elif len(names) == 1:
                table = names[0]
            else:
                raise InputError(
                    f"{path.name} holds "
                    + (f"{len(names)} tables" if names else "no tables")
                    + "; say which one to read",
                    table=label,
                    fix="pass table=" + (" or ".join(repr(n) for n in names) or "'...'"),
                )
        if table not in names:
            raise InputError(
                f"{path.name} has no table {table!r}",
                table=label,
                fix="use one of " + (", ".join(repr(n) for n in names) or "(none: it is empty)"),
            )
        quoted = '"' + table.replace('"', '""') + '"'
        return con.execute(f"SELECT * FROM {quoted}").df()
    except duckdb.Error as exc:
        raise _unreadable(path, label, "DuckDB", exc, "check the database file") from None
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# load_sample


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
        value = read_table(file, schema=key) if key in SCHEMAS else _read_yaml(file, key)
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


def _read_yaml(path: Path, label: str | None) -> dict[str, Any]:
    import yaml

    _require_file(path, label)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _unreadable(
            path, label, "YAML", exc, "fix the YAML syntax at the place named"
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f"{path.name} does not hold a mapping (got {type(data).__name__})",
            table=label,
            fix="the file must have top-level keys, see CONTRACT.md",
        )
    return data


def _complete(folder: Path) -> bool:
    return folder.is_dir() and all((folder / f).is_file() for f in SAMPLE_FILES.values())


def _repo_sample_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "sample"


def _cache_dir() -> Path:
    from mktkit import __version__

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mktkit" / f"sample-{__version__}"


def sample_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the sample company is: ``path``, else ``$MKTKIT_SAMPLE_DIR``, else the repository's
    ``data/sample``, else a user cache directory, generated there on first use."""
    for given, source in (
        (path, "path"),
        (os.environ.get("MKTKIT_SAMPLE_DIR"), "MKTKIT_SAMPLE_DIR"),
    ):
        if given:
            folder = Path(given)
            if not folder.is_dir():
                raise InputError(
                    f"sample directory not found: {folder} (from {source})",
                    fix="point it to a folder made by `mktkit sample`, or leave it unset to use "
                    "the bundled sample",
                )
            return folder
    repo = _repo_sample_dir()
    if _complete(repo):
        return repo
    cache = _cache_dir()
    if not _complete(cache):
        _generate_into(cache)
    return cache


def _generate_into(target: Path) -> None:
    """Generate the sample in a temporary sibling folder, then move it in place, so that an
    interrupted or concurrent run never leaves a half-written sample behind."""
    from mktkit.sample import generate_sample

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=target.parent))
    try:
        generate_sample(tmp)
        if target.exists():
            shutil.rmtree(target)
        try:
            os.replace(tmp, target)
        except OSError:
            if not _complete(target):  # another process won the race with a complete copy
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def load_sample(path: str | os.PathLike[str] | None = None) -> SampleData:
    """Open the sample company: a dict-like of validated tables, loaded on first access.

    Parameters
    ----------
    path : str or path-like, optional
        The sample directory. Default: ``$MKTKIT_SAMPLE_DIR``, else the repository's
        ``data/sample``, else a cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``, then
        ``mktkit/sample-<version>``) where it is generated on first use.

    Returns
    -------
    SampleData
        Keys: channel_daily, events, customers, orders, kpi_targets, nps, experiments,
        campaigns (validated DataFrames), swot, marketing_mix (dicts from the YAML files).

    Examples
    --------
    >>> data = load_sample()                              # doctest: +SKIP
    >>> data["orders"].dtypes["order_date"]               # doctest: +SKIP
    dtype('<M8[ns]')
    """
    return SampleData(sample_dir(path))
