"""What a table goes through before its schema checks it: ids kept exact, optional columns
filled, times with an offset moved to the business time zone, and dates written as numbers
refused with the format to declare.

Each step is a decision written down in docs/data.md ("How values are read"); each conversion
is recorded in ``attrs["notes"]`` of the result, which ``mktkit check`` prints, so nothing
changes without a word:

- **Optional columns** (:data:`OPTIONAL`): an orders table without ``order_id`` gets one per
  row (its row number); without ``region``, the one region ``main``; without ``channel``,
  ``unknown``. An event log without ``channel``, ``device`` or ``region`` gets ``unknown``.
- **Ids** (:data:`IDS`): a user id column stays whole numbers (``int64``) when every id is a
  whole number that int64 holds exactly, and is text otherwise (UUIDs, GA4's
  ``1234567890.1700000000``); an id never goes through a float, so no digit is lost.
- **Offsets**: ``2026-10-01T10:00:00Z`` or ``+08:00``, and time-zone-aware columns, are
  converted to the folder's time zone (``timezone`` of mktkit.yaml, default Asia/Shanghai) and
  kept as its wall-clock time: the business day.
- **Numbers in a date column** (``19970101``, Excel's ``45566``, epoch seconds or
  microseconds) and bare years are refused, naming the ``formats`` value to declare: read as
  nanoseconds they would land in 1970.
- **Text** (every text column of the contract but free text, :data:`FREE_TEXT`): spaces
  around a value are trimmed
  (``"O0000004 "`` is ``"O0000004"``, so it repeats that order id); a control character (a
  NUL byte, an escape) is refused with its rows: it is a broken export, not a value.
- **Codes** (:data:`CODES`: regions, channels, devices, event names): spellings that differ
  only in case (``East``, ``east``) are one value, written as the most frequent of them.
- **Open ends** (:data:`OPEN_ENDS`): a campaign ``end`` of ``9999-12-31`` is read as empty: a
  campaign that runs with no end date.

Examples
--------
>>> import pandas as pd
>>> orders = pd.DataFrame({"customer_id": ["c1"], "order_date": ["2026-10-01T02:00:00Z"],
...                        "amount": ["10"]})
>>> out = normalize(orders, "orders", "Asia/Shanghai")
>>> out[["order_id", "region", "channel"]].iloc[0].tolist(), out["order_date"].iloc[0]
(['1', 'main', 'unknown'], Timestamp('2026-10-01 10:00:00'))
>>> out.attrs["notes"][0]
'order_id: the file has none; each order is numbered by its row'
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError, offending
from mktkit.schemas import SCHEMAS

#: Columns a table may lack, and what fills them: "row" numbers the rows (1, 2, ...).
OPTIONAL: dict[str, dict[str, str]] = {
    "orders": {"order_id": "row", "region": "main", "channel": "unknown"},
    "events": {"channel": "unknown", "device": "unknown", "region": "unknown"},
}
#: Id columns kept as exact whole numbers or as text.
IDS: dict[str, tuple[str, ...]] = {"events": ("user_id",)}
#: Columns of codes whose spellings in other case are one value.
CODES: dict[str, tuple[str, ...]] = {
    "channel_daily": ("region", "channel"),
    "events": ("event", "channel", "device", "region"),
    "customers": ("region", "acquisition_channel"),
    "orders": ("region", "channel"),
    "kpi_targets": ("region",),
    "nps": ("region",),
    "campaigns": ("channel",),
}
#: Free text, kept exactly as written (spaces and all): a survey comment, a campaign's name.
FREE_TEXT: dict[str, tuple[str, ...]] = {"nps": ("comment",), "campaigns": ("name",)}
#: Date columns where ``9999-12-31`` (or an empty cell) means "no end yet".
OPEN_ENDS: dict[str, tuple[str, ...]] = {"campaigns": ("end",)}
# C0 controls but tab, line feed and carriage return (text of a comment may hold those), DEL
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
#: The business time zone when a folder does not name one.
DEFAULT_TIMEZONE = "Asia/Shanghai"

# a time of day, then Z or an offset: "10:00:00Z", "10:00+08:00" (a date alone has none)
# (ASCII classes only: pandas hands such a pattern to pyarrow, not to Python's re row by row)
_OFFSET = re.compile(
    r"[0-9]:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?[ ]*(?:[zZ]|[+-][0-9]{2}(?::?[0-9]{2})?)$"
)
_DIGITS = r"[+-]?[0-9]+(\.0*)?"
_INT64 = np.iinfo("int64")


def _date_columns(table: str) -> list[str]:
    model = SCHEMAS[table]
    return [
        n for n, c in model.to_schema().columns.items() if str(c.dtype) in ("date", "timestamp")
    ]


def normalize(df: pd.DataFrame, table: str, timezone: str = DEFAULT_TIMEZONE) -> pd.DataFrame:
    """``df`` ready for the schema of ``table`` (a copy; ``attrs["notes"]`` says what changed).

    Raises
    ------
    InputError
        Numbers or bare years in a date column, with the ``formats`` value to declare.
    """
    out = df.copy(deep=False)
    notes: list[str] = []
    for column, fill in OPTIONAL.get(table, {}).items():
        if column not in out:
            if fill == "row":
                out[column] = pd.Series(np.arange(1, len(out) + 1).astype(str), index=out.index)
                notes.append(f"{column}: the file has none; each order is numbered by its row")
            else:
                out[column] = fill
                notes.append(f"{column}: the file has none; every row is {fill!r}")
    for column in IDS.get(table, ()):
        if column in out:
            out[column] = exact_ids(out[column])
    codes = CODES.get(table, ())
    for column in _text_columns(table):
        if column in out:
            out[column] = _text(out[column], table, column, column in codes, notes)
    for column in OPEN_ENDS.get(table, ()):
        if column in out:
            out[column] = _open_ends(out[column], column, notes)
    for column in _date_columns(table):
        if column in out:
            out[column] = _dates(out[column], table, column, timezone, notes)
    out.attrs["notes"] = notes
    return out


def _text_columns(table: str) -> list[str]:
    model = SCHEMAS[table]
    free = FREE_TEXT.get(table, ())
    return [
        n
        for n, c in model.to_schema().columns.items()
        if str(c.dtype).startswith(("str", "string")) and n not in free
    ]


def _text(values: pd.Series, table: str, column: str, code: bool, notes: list[str]) -> pd.Series:
    """Text trimmed, refused with a control character, codes unified across case."""
    if isinstance(values.dtype, pd.StringDtype):  # as read from a file: pyarrow's kernels
        text, is_text = values, None
    elif values.dtype == object:  # a frame made by hand: only its str cells are text
        is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            return values
        text = values[is_text].astype("str")
    else:
        return values
    control = (
        text.str.contains(_CONTROL, regex=True, na=False).to_numpy(dtype=bool)
        if _may_hold_control(text)
        else np.zeros(len(text), dtype=bool)
    )
    if control.any():  # the message shows the values with repr(): '\x00' is visible
        mask = np.zeros(len(values), dtype=bool)
        mask[control if is_text is None else np.flatnonzero(is_text)[control]] = True
        raise InputError(
            "holds a control character (a NUL byte or another invisible code)",
            table=table,
            column=column,
            rows=offending(values, mask),
            fix="export the file again from its source (such characters are the trace of a "
            "broken export), or remove them",
        )
    trimmed = text.str.strip()
    changed = int((trimmed != text).sum())
    if changed:
        notes.append(f"{column}: spaces around {changed} value(s) trimmed")
    if code:
        trimmed = _one_case(trimmed, column, notes)
    elif not changed:
        return values
    if is_text is None:
        return trimmed
    out = values.copy()
    out[is_text] = trimmed.to_numpy()
    return out


# the bytes of a control character in UTF-8 (those of _CONTROL: never part of another character)
_CONTROL_BYTES = np.zeros(256, dtype=bool)
_CONTROL_BYTES[[*range(0, 9), 11, 12, *range(14, 32), 127]] = True
_BLOCK = 1 << 24


def _may_hold_control(text: pd.Series) -> bool:
    """Whether any value may hold a control character: a scan of the bytes of pyarrow's string
    buffers, about 30 times faster than a regular expression per value; True when unsure (text
    not backed by pyarrow), so the exact test runs."""
    arr = getattr(text.array, "_pa_array", None)
    if arr is None:
        return True
    for chunk in getattr(arr, "chunks", [arr]):
        buffers = chunk.buffers()
        data = buffers[2] if len(buffers) > 2 else None
        if data is None:
            continue
        raw = np.frombuffer(data, dtype=np.uint8)  # bytes of sliced-off values too: unsure
        for at in range(0, len(raw), _BLOCK):
            if _CONTROL_BYTES[raw[at : at + _BLOCK]].any():
                return True
    return False


def _one_case(text: pd.Series, column: str, notes: list[str]) -> pd.Series:
    """Spellings that differ only in case as the most frequent of them (ties: sorted first)."""
    counts = text.value_counts(sort=False)
    folded = counts.index.str.casefold()
    if folded.nunique() == len(counts):
        return text
    frame = pd.DataFrame({"value": counts.index, "n": counts.to_numpy(), "key": folded})
    frame = frame.sort_values(["key", "n", "value"], ascending=[True, False, True])
    keep = frame.groupby("key", sort=False)["value"].first()
    to = dict(zip(frame["value"], keep.loc[frame["key"]].to_numpy(), strict=True))
    merged = sorted(v for v, k in to.items() if v != k)
    notes.append(
        f"{column}: " + ", ".join(f"{v!r} read as {to[v]!r}" for v in merged[:5])
        + (f" and {len(merged) - 5} more" if len(merged) > 5 else "")
        + " (the same code in another case)"
    )  # fmt: skip
    return text.map(to)


def _open_ends(values: pd.Series, column: str, notes: list[str]) -> pd.Series:
    """``9999-12-31`` (as text or as a date) read as empty: no end date yet."""
    if isinstance(values.dtype, pd.StringDtype) or values.dtype == object:
        text = values.map(lambda v: v.strip() if isinstance(v, str) else v)
        is_open = text.isin(["9999-12-31", "9999-12-31 00:00:00", "9999-12-31T00:00:00"])
        is_open |= values.map(lambda v: isinstance(v, dt.date) and _same_day(v)).astype(bool)
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        is_open = (values.dt.year == 9999) & (values.dt.month == 12) & (values.dt.day == 31)
    else:
        return values
    n = int(is_open.sum())
    if not n:
        return values
    notes.append(f"{column}: {n} end(s) of 9999-12-31 read as open (running, no end date)")
    return values.mask(is_open)


def _same_day(value: dt.date) -> bool:
    return (value.year, value.month, value.day) == (9999, 12, 31)


def exact_ids(values: pd.Series) -> pd.Series:
    """Ids as ``int64`` when every present one is a whole number int64 holds, else as text.

    Examples
    --------
    >>> exact_ids(pd.Series(["9007199255808339", "7"])).tolist()
    [9007199255808339, 7]
    >>> exact_ids(pd.Series(["1234567890.1700000000", "a-1"])).tolist()
    ['1234567890.1700000000', 'a-1']
    """
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.astype("int64") if not values.hasnans else values
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.dropna()
        if (whole == np.floor(whole)).all() and (whole.abs() < 2**53).all():
            return values.astype("Int64").astype("int64") if not values.hasnans else values
        return values.astype("str").where(values.notna())
    text = values.astype("str").str.strip().where(values.notna())
    present = text.dropna()
    if len(present) and present.str.fullmatch(r"[+-]?\d{1,19}").all():
        try:
            import pyarrow as pa
            import pyarrow.compute as pc

            ints = pc.cast(pa.array(present.to_numpy(dtype=object)), pa.int64())
        except (pa.ArrowInvalid, OverflowError):  # beyond int64: keep the digits as text
            return text
        if not values.hasnans:
            return pd.Series(ints.to_numpy(), index=values.index, dtype="int64")
    return text


def guess_number_format(numbers: pd.Series) -> str | None:
    """The ``formats`` value whole numbers in a date column most likely are, or None.

    Examples
    --------
    >>> guess_number_format(pd.Series([19970101, 19971231])), guess_number_format(pd.Series([45566]))
    ('yyyymmdd', 'excel_serial')
    """
    v = numbers.dropna().astype("float64")
    if v.empty:
        return None
    lo, hi = float(v.min()), float(v.max())
    if 19000101 <= lo and hi <= 21001231:
        return "yyyymmdd"
    if 1 <= lo and hi < 100_000:
        return "excel_serial"
    for spec, low, high in (("epoch_s", 1e8, 1e10), ("epoch_ms", 1e11, 1e13),
                            ("epoch_us", 1e14, 1e16), ("epoch_ns", 1e17, 1e19)):  # fmt: skip
        if low <= lo and hi < high:
            return spec
    return None


def _dates(values: pd.Series, table: str, column: str, timezone: str, notes: list[str]) -> Any:
    tz = getattr(values.dtype, "tz", None)
    if tz is not None:
        notes.append(f"{column}: times in {tz} converted to {timezone}")
        return values.dt.tz_convert(timezone).dt.tz_localize(None)
    if pd.api.types.is_bool_dtype(values.dtype):
        return values
    if pd.api.types.is_numeric_dtype(values.dtype):
        raise _numbers_as_dates(values, values.notna().to_numpy(), table, column)
    if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
        return values
    if isinstance(values.dtype, pd.StringDtype):  # text as read: pyarrow's string kernels
        text = values.str.strip()
    else:
        text = values.where(values.map(lambda v: isinstance(v, str)), None)
        text = text.astype("str").str.strip().where(text.notna())
    digits = text.str.fullmatch(_DIGITS).fillna(False).to_numpy(bool)
    if digits.any():
        raise _numbers_as_dates(pd.to_numeric(text.where(digits), errors="coerce"), digits,
                                table, column)  # fmt: skip
    with_offset = text.str.contains(_OFFSET.pattern, regex=True, na=False).to_numpy(bool)
    if not with_offset.any():
        return values
    stamps = pd.to_datetime(text[with_offset], format="ISO8601", utc=True, errors="coerce")
    local = stamps.dt.tz_convert(timezone).dt.tz_localize(None)
    out = values.astype(object).copy()
    ok = local.notna()
    out[local.index[ok]] = pd.Series(list(local[ok]), index=local.index[ok], dtype=object)
    notes.append(f"{column}: {int(ok.sum())} time(s) with an offset converted to {timezone}")
    return out


def _numbers_as_dates(values: pd.Series, mask: np.ndarray, table: str, column: str) -> InputError:
    present = values[mask].dropna()
    if len(present) and present.between(1900, 2100).all() and (present % 1 == 0).all():
        return InputError(
            "holds years, not dates",
            table=table,
            column=column,
            rows=offending(values, mask),
            fix=f"write {column} as full dates YYYY-MM-DD (a year alone is no day)",
        )
    guess = guess_number_format(values[mask])
    declare = (
        f"declare the format in mktkit.yaml: tables: {table}: formats: {column}: {guess}"
        if guess
        else f"declare the format in mktkit.yaml (tables: {table}: formats: {column}), one of "
        "yyyymmdd, excel_serial, epoch_s, epoch_ms, epoch_us, epoch_ns or a strftime pattern"
    )
    looks = f" (they look like {guess})" if guess else ""
    return InputError(
        f"holds numbers, not dates{looks}: read as they are they would be days of 1970",
        table=table,
        column=column,
        rows=offending(values, mask),
        fix=declare + ", or write the dates as YYYY-MM-DD",
    )
