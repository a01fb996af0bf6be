"""A file's table mapped onto the data contract: its columns renamed, its dates and amounts
parsed as mktkit.yaml declares, its codes translated.

Each step refuses what it cannot do exactly, naming the table, the column, the rows and the
line of mktkit.yaml that asked for it: a mapped column the file does not have (with the
nearest names it does have), a value that does not parse with the declared format, a value
outside a ``values`` map. What it converts, it converts exactly: ``yyyymmdd`` and epoch numbers
are parsed as integers (never through floats), epoch times are converted from UTC to the
folder's time zone.

Examples
--------
>>> import pandas as pd
>>> from mktkit.data.config import TableSource
>>> raw = pd.DataFrame({"单号": ["A1"], "日期": ["2026/10/31"], "金额": ["¥1,234.50"]})
>>> source = TableSource("orders", file=None, columns={"order_id": "单号",
...     "order_date": "日期", "amount": "金额"},
...     formats={"order_date": "%Y/%m/%d", "amount": "thousands"})
>>> to_contract(raw, source, "Asia/Shanghai").to_dict("list")
{'order_id': ['A1'], 'order_date': [Timestamp('2026-10-31 00:00:00')], 'amount': [1234.5]}
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import numpy as np
import pandas as pd

from mktkit.data.config import TableSource, column_kind
from mktkit.errors import InputError, offending

#: Currency signs a ``thousands`` amount may start with.
CURRENCY_SIGNS = "¥￥$€£"
_THOUSANDS = re.compile(r"^[+-]?[" + CURRENCY_SIGNS + r"]?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
#: Epoch units -> nanoseconds per unit.
EPOCH_UNITS = {"epoch_s": 10**9, "epoch_ms": 10**6, "epoch_us": 10**3, "epoch_ns": 1}
#: Excel's day 0 (it counts 1900 as a leap year, so serials from March 1900 on land here).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _where(source: TableSource, key: str) -> str:
    line = source.line(key)
    return f" (mktkit.yaml line {line})" if line else ""


def to_contract(df: pd.DataFrame, source: TableSource, timezone: str) -> pd.DataFrame:
    """``df`` as read from ``source.file``, with contract column names, parsed formats and
    translated values (not yet validated).

    Raises
    ------
    InputError
        A mapped column the file lacks; values that do not parse with their declared format;
        values outside a ``values`` map.
    """
    out = _rename(df, source)
    for column, spec in source.formats.items():
        if column in out:
            out[column] = _parse(out[column], source, column, spec, timezone)
    for column, table in source.values.items():
        if column in out:
            out[column] = _translate(out[column], source, column, table)
    return out


def _rename(df: pd.DataFrame, source: TableSource) -> pd.DataFrame:
    have = list(df.columns)
    renames: dict[Any, str] = {}
    for contract, given in source.columns.items():
        if isinstance(given, int) and not isinstance(given, bool) and given not in have:
            if not 0 <= given < len(have):
                raise InputError(
                    f"column position {given} is beyond the file's {len(have)} columns"
                    + _where(source, f"columns.{contract}"),
                    table=source.name,
                    column=contract,
                    fix=f"positions count from 0 to {len(have) - 1}",
                )
            given = have[given]
        if given not in have:
            names = [str(c) for c in have]
            near = difflib.get_close_matches(str(given), names, n=3, cutoff=0.4)
            raise InputError(
                f"{source.file.name if source.file else 'the file'} has no column "
                f"{given!r}" + _where(source, f"columns.{contract}"),
                table=source.name,
                column=contract,
                fix=("did you mean " + " or ".join(map(repr, near)) + "? " if near else "")
                + "its columns are "
                + ", ".join(map(repr, names[:20]))
                + (" ..." if len(names) > 20 else ""),
            )
        renames[given] = contract
    # a column of the file that already has a mapped contract name yields to the mapped one
    taken = set(renames.values()) - set(renames)
    out = df.drop(columns=[c for c in have if c in taken])
    return out.rename(columns=renames)


def _bad(values: pd.Series, mask: np.ndarray, source: TableSource, column: str, problem: str,
         fix: str, key: str) -> InputError:  # fmt: skip
    rows = offending(values.reset_index(drop=True), mask)
    return InputError(
        f"{problem}{_where(source, key)}",
        table=source.name,
        column=column,
        rows=rows,
        fix=fix,
    )


def _parse(values: pd.Series, source: TableSource, column: str, spec: str, timezone: str) -> Any:
    kind = column_kind(source.name, column)
    present = values.notna().to_numpy()
    key = f"formats.{column}"
    if kind in ("number", "whole number"):
        if spec == "plain":
            return values
        parsed = per_distinct(values, _thousands)
        bad = parsed.isna().to_numpy() & present
        if bad.any():
            raise _bad(values, bad, source, column, f"cannot be read as {spec} amounts",
                       "write amounts like 1,234.50 or ¥99.90 (one currency sign in front, "
                       "commas between thousands)", key)  # fmt: skip
        return parsed
    if spec == "iso":
        return values
    if spec in EPOCH_UNITS:  # stamps rarely repeat: parsed as they come
        parsed = _epoch(values, EPOCH_UNITS[spec], timezone)
    else:
        parsed = per_distinct(values, lambda v: _date(v, spec, timezone))
    bad = parsed.isna().to_numpy() & present
    if bad.any():
        raise _bad(values, bad, source, column, f"cannot be read with the format {spec!r}",
                   f"correct these values, or the format in mktkit.yaml ({source.name}: "
                   f"formats: {column})", key)  # fmt: skip
    return parsed.astype("datetime64[ns]")


def _thousands(values: pd.Series) -> pd.Series:
    """Amounts written with thousands separators and a currency sign as floats (NaN where the
    text is not such an amount); the same floats as the plain decimal text would give."""
    text = values.astype("str").str.strip()
    ok = text.str.fullmatch(_THOUSANDS.pattern).fillna(False)
    cleaned = text.where(ok).str.replace(r"[,\s" + CURRENCY_SIGNS + "]", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce").astype("float64")


def _date(values: pd.Series, spec: str, timezone: str) -> pd.Series:
    """Dates of a named format or strftime pattern (NaT where a value does not parse)."""
    if spec == "yyyymmdd":
        text = values.astype("str").str.strip().str.removesuffix(".0")
        return pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    if spec == "excel_serial":
        number = pd.to_numeric(values, errors="coerce")
        days = np.floor(number)
        parsed = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
        parsed = parsed + pd.to_timedelta(np.round((number - days) * 86_400_000), unit="ms")
        return parsed.where((number >= 1) & (number < 2_958_466))  # 1900-01-01..9999-12-31
    parsed = pd.to_datetime(values.astype("str").str.strip(), format=spec, errors="coerce")
    if getattr(parsed.dtype, "tz", None) is not None:  # %z in the pattern: to the business day
        parsed = parsed.dt.tz_convert(timezone).dt.tz_localize(None)
    return parsed


def per_distinct(values: pd.Series, fn: Any) -> pd.Series:
    """``fn(values)``, computed once per distinct value when the values repeat.

    Exports repeat their dates, amounts and codes: ten million orders hold a few hundred days.
    ``fn`` maps a Series to a Series of the same length (missing where a value fails); its
    results are spread back to every row, missing rows staying missing.

    Examples
    --------
    >>> s = pd.Series(["2026/10/01", "2026/10/01", None, "2026/10/02"] * 3000)
    >>> out = per_distinct(s, lambda v: pd.to_datetime(v, format="%Y/%m/%d"))
    >>> [str(d.date()) if pd.notna(d) else None for d in out.iloc[:4]]
    ['2026-10-01', '2026-10-01', None, '2026-10-02']
    """
    if len(values) < 10_000 or not (
        pd.api.types.is_string_dtype(values.dtype) or values.dtype == object
    ):
        return fn(values)
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(_arrow_text(values))
    if len(encoded.dictionary) > len(values) // 2:
        return fn(values)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    uniques = pd.Series(encoded.dictionary.to_pylist(), dtype="str")
    results = fn(uniques)
    if pd.api.types.is_string_dtype(results.dtype) or results.dtype == object:
        import pyarrow as pa

        taken = pc.take(pa.array(results.tolist(), pa.string(), from_pandas=True), encoded.indices)
        text_type = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str"
        return taken.to_pandas(types_mapper={pa.string(): text_type}.get).set_axis(values.index)
    spread = results.to_numpy()[np.where(codes >= 0, codes, 0)]
    out = pd.Series(spread, index=values.index)
    return out.where(codes >= 0)


def _arrow_text(values: pd.Series) -> Any:
    """The column as one pyarrow string array (pandas keeps its text in pyarrow already)."""
    import pyarrow as pa

    text = values.astype("str").where(values.notna())
    chunked = getattr(text.array, "_pa_array", None)
    if chunked is not None:
        return chunked.combine_chunks().cast(pa.string())
    return pa.array(text.to_numpy(dtype=object), pa.string(), from_pandas=True)


def _epoch(values: pd.Series, unit_ns: int, timezone: str) -> pd.Series:
    """Epoch numbers (UTC) as naive times of ``timezone``, exact to the nanosecond: parsed as
    integers, never through floats (a microsecond stamp has 16 digits, past float64's 15)."""
    text = values.astype("str").str.strip().str.removesuffix(".0")
    whole = text.str.fullmatch(r"[+-]?\d{1,19}").fillna(False).to_numpy(bool)
    ints = np.zeros(len(values), dtype="int64")
    if whole.any():
        ints[whole] = text[whole].astype("int64").to_numpy()
    limit = np.iinfo("int64").max // unit_ns
    ok = whole & (np.abs(ints) <= limit)
    stamps = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if ok.any():
        ns = ints[ok] * unit_ns
        stamps[ok] = pd.to_datetime(ns, unit="ns", utc=True)
    return stamps.dt.tz_convert(timezone).dt.tz_localize(None)


def _translate(values: pd.Series, source: TableSource, column: str, table: dict) -> pd.Series:
    keys = {str(k): str(v) for k, v in table.items()}
    targets = set(keys.values())

    def translate(text: pd.Series) -> pd.Series:
        return text.astype("str").map(lambda v: keys.get(v, v if v in targets else None))

    mapped = per_distinct(values, translate)
    known = mapped.notna().to_numpy() | values.isna().to_numpy()
    if not known.all():
        outside = sorted(set(values.astype("str")[~known]))
        raise _bad(values, ~known, source, column,
                   f"{len(outside)} value(s) outside the values map: "
                   + ", ".join(map(repr, outside[:5])) + (" ..." if len(outside) > 5 else ""),
                   f"add them to values: {column} in mktkit.yaml", f"values.{column}")  # fmt: skip
    return mapped.astype("str").where(values.notna())
