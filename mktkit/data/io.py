"""Read tables from files and validate them against the data contract.

:func:`read_table` reads CSV, Parquet, Excel and DuckDB files; :func:`validate` checks a frame
against a schema of :mod:`mktkit.schemas`; :func:`read_yaml` reads a YAML file of mappings. Every
failure is an :class:`~mktkit.errors.InputError` naming file or table, column, rows (1-based
data rows: the first row after the header is 1) and the fix, never a pandas traceback, and no
row is ever dropped.

Examples
--------
>>> import pandas as pd
>>> from mktkit.data.io import validate
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

import difflib
import os
from pathlib import Path
from typing import Any

import pandas as pd

from mktkit.data.config import TableSource
from mktkit.data.normalize import DEFAULT_TIMEZONE, normalize
from mktkit.data.sources import excel_sheets, read_source
from mktkit.data.yamlfile import load_yaml
from mktkit.errors import InputError
from mktkit.schemas import (
    SCHEMAS,
    ProblemList,
    add_duplicate_keys,
    build_error,
    collect_problems,
    pa,
    schema_model,
    table_meta,
    table_name,
    without_key,
)

__all__ = ["read_table", "read_yaml", "validate"]

#: file suffix -> format name
FORMATS: dict[str, str] = {
    ".csv": "CSV",
    ".tsv": "text",
    ".txt": "text",
    ".xls": "Excel",
    ".json": "JSON",
    ".jsonl": "JSON",
    ".parquet": "Parquet",
    ".pq": "Parquet",
    ".xlsx": "Excel",
    ".xlsm": "Excel",
    ".duckdb": "DuckDB",
    ".db": "DuckDB",
}


# ---------------------------------------------------------------------------------------------
# validate


def validate(
    df: pd.DataFrame,
    schema: str | type[pa.DataFrameModel],
    *,
    timezone: str = DEFAULT_TIMEZONE,
) -> pd.DataFrame:
    """Coerce and check a table against a schema; return it or raise one :class:`InputError`.

    Before the checks, a contract table is normalized (:mod:`mktkit.data.normalize`): optional
    columns filled, ids kept exact, times with an offset converted to ``timezone``, numbers in a
    date column refused with the format to declare. ``attrs["notes"]`` of the result says what
    was converted.

    Parameters
    ----------
    df : pandas.DataFrame
        The table. Text cells are read exactly (``"00123"`` stays ``"00123"`` in a text column;
        ``"12"`` becomes 12 in a count column).
    schema : str or pandera.DataFrameModel
        A table name of :data:`mktkit.schemas.SCHEMAS` (``"orders"``) or a model.
    timezone : str
        The business time zone (IANA name) that times with an offset are converted to.

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
    model = schema_model(schema)
    table = table_name(model)
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
    notes: list[str] = []
    if table in SCHEMAS and model is SCHEMAS[table]:
        df = normalize(df, table, timezone)
        notes = df.attrs.get("notes", [])
    # row labels 1..n so that pandera's failure cases carry the row numbers users see
    work = df.set_axis(pd.RangeIndex(1, len(df) + 1), axis=0)
    schema, keys = without_key(model)  # keys are checked below, on the coerced table
    try:
        out = schema.validate(work, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _error(exc, model, work, keys) from None
    found = ProblemList(table)
    if add_duplicate_keys(found, model, out, keys):
        raise build_error(found)
    out = out.set_axis(df.index, axis=0)
    out.attrs["notes"] = notes
    return out


def _error(
    exc: pa.errors.SchemaErrors,
    model: type[pa.DataFrameModel],
    work: pd.DataFrame,
    keys: list[str],
) -> InputError:
    """Every problem: a second pass without the unreadable rows finds the value problems that
    pandera cannot check on a column that did not convert (e.g. a score of 11 next to 'abc')."""
    schema, _ = without_key(model)
    found = collect_problems(exc, model, work)
    unreadable = found.rows_with(("type", "empty"))
    missing = any(check == "missing" for _, check in found.found)
    if not missing:
        coerced = exc.data if isinstance(exc.data, pd.DataFrame) else work
        add_duplicate_keys(found, model, coerced, keys)
    if len(unreadable) and not missing and len(unreadable) < len(work):
        try:
            schema.validate(work.drop(index=unreadable), lazy=True)
        except pa.errors.SchemaErrors as exc2:
            rest = collect_problems(exc2, model, work)
            # checks over groups of rows (shares summing to 1) are void once rows are left out
            checks = table_meta(model).get("checks", {})
            whole = {name for name, info in checks.items() if info.get("whole_table")}
            for (column, check), e in rest.found.items():
                if check not in whole:
                    found.add(column or "", check, e["problem"], e["rows"], e["fix"], e["total"])
    return build_error(found)


# ---------------------------------------------------------------------------------------------
# read_table


def read_table(
    path: str | os.PathLike[str],
    schema: str | type[pa.DataFrameModel] | None = None,
    *,
    sheet: str | int | None = None,
    table: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
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
    timezone : str
        The business time zone that times with an offset are converted to (see
        :func:`validate`).

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
    label = schema_model(schema).to_schema().name if schema is not None else None
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file", table=label, fix="name a file in it")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"cannot read {path.name}: "
            + (f"unsupported file type {path.suffix!r}" if path.suffix else "no file extension"),
            table=label,
            fix="save the table as " + ", ".join(sorted(set(FORMATS))),
        )
    _require_file(path, label)
    as_text = schema is not None
    if kind in ("text", "JSON") or (as_text and kind in ("CSV", "Excel")):
        # cells as written, the encoding and delimiter found (mktkit.data.sources)
        df = read_source(path, TableSource(label or path.stem, path, sheet=sheet or 0))
    elif kind == "CSV":
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
    return validate(df, schema, timezone=timezone) if schema is not None else df


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
        sheets = excel_sheets(path)
        if sheets is not None and sheet is not None:
            raise InputError(
                f"{path.name} has no sheet {sheet!r}",
                table=label,
                fix="use one of " + ", ".join(repr(s) for s in sheets),
            ) from None
        raise _unreadable(path, label, "Excel", exc, "save the workbook again as .xlsx") from None
    except Exception as exc:  # a zip or XML error from a damaged workbook
        raise _unreadable(path, label, "Excel", exc, "save the workbook again as .xlsx") from None


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
            wanted = schema_model(schema).to_schema().name if schema is not None else None
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


def read_yaml(path: Path, label: str | None) -> dict[str, Any]:
    """A YAML file of mappings (``swot.yaml``, ``marketing_mix.yaml``), read with the limits
    of :func:`mktkit.data.yamlfile.load_yaml`.

    Examples
    --------
    >>> from mktkit.data.sample import sample_dir
    >>> sorted(read_yaml(sample_dir() / "swot.yaml", "swot"))[:2]
    ['company', 'opportunities']
    """
    _require_file(path, label)
    data = load_yaml(path, table=label)
    if not isinstance(data, dict):
        raise InputError(
            f"{path.name} does not hold a mapping (got {type(data).__name__})",
            table=label,
            fix="the file must have top-level keys, see docs/data.md",
        )
    return data
