"""The data contract as code: one pandera ``DataFrameModel`` per table of the sample company.

Each model coerces its columns to the documented dtypes and checks values and keys; extra
columns are allowed and kept. Use :func:`mktkit.validate` (or :func:`mktkit.read_table` with
``schema=``) rather than ``Model.validate``: it turns pandera's failure cases into one
:class:`~mktkit.errors.InputError` that names table, column, rows and the fix.

Dtypes after validation:

- whole numbers (counts, ``score``, ``user_id``): ``int64``; ``7.5`` is refused, never cut to 7,
  while ``"12"``, ``12.0`` and ``" 12 "`` are read as 12;
- amounts and shares: ``float64``; text such as ``"1,234"`` or ``"¥12"`` is refused;
- dates and timestamps: ``datetime64[ns]``, parsed as ISO 8601 only (``2026-10-31``,
  ``2026-10-31 14:05:00``); ``10/31/2026`` or ``2026-13-45`` is refused, naming the row;
- text (ids, names, codes): pandas' ``str`` dtype; ids keep their leading zeros.

Every column carries a one-line ``description`` and the fix for each of its checks
(``metadata["fix"]``); table-wide checks and keys carry theirs in ``Config.metadata``.

Examples
--------
>>> from mktkit.schemas import SCHEMAS, describe_schema
>>> sorted(SCHEMAS)[:3]
['campaigns', 'channel_daily', 'customers']
>>> describe_schema("nps").loc[3, ["column", "dtype", "rules"]].tolist()
['score', 'whole number', 'at least 0; at most 10']
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera import dtypes
from pandera.engines import numpy_engine, pandas_engine
from pandera.errors import ParserError
from pandera.typing import Series

from mktkit.errors import MAX_ROWS_KEPT, InputError, RowList, RowSample

__all__ = [
    "SCHEMAS",
    "Campaigns",
    "ChannelDaily",
    "Customers",
    "Events",
    "Experiments",
    "KpiTargets",
    "Nps",
    "Orders",
    "describe_schema",
    "fix_hint",
    "input_error_from",
]

# ---------------------------------------------------------------------------------------------
# Exact coercion. pandera's built-in coercion cuts 7.5 to 7 (float -> int64), refuses "12.0" and
# guesses one date format from the first value; these types convert whole columns vectorized
# and refuse what does not convert exactly, so pandera's failure cases name every bad cell.
# ``check`` answers per element when the column is not converted yet: pandera then lists the
# bad cells from our vectorized parse instead of trying each of 300k values in Python.


def _as_numbers(s: pd.Series) -> pd.Series:
    """Floats from numbers or numeric text; anything else becomes NaN (found by the caller)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(np.nan, index=s.index)
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64")
    text = s.astype("str").str.strip()
    fast = _plain_decimals(text)
    if fast is not None:
        return fast
    return pd.to_numeric(text, errors="coerce").astype("float64")


# unsigned decimals of at most 15 characters, hence at most 15 digits
_PLAIN_DECIMAL = r"^(\d+(\.\d*)?|\.\d+)$"


def _plain_decimals(text: pd.Series) -> pd.Series | None:
    """``pd.to_numeric`` of text that is all plain decimals, by pyarrow, else None.

    For at most 15 digits and no exponent both parsers give the float nearest to the decimal
    (pandas scales the exact integer of the digits by an exact power of ten, once; pyarrow
    rounds correctly), so the numbers are the same, 20 times faster. Anything else (signs,
    exponents, long digit strings, words) is left to pandas.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = getattr(text.array, "_pa_array", None)  # pandas' str dtype keeps pyarrow strings
    if arr is None:
        return None
    try:
        present = arr.drop_null()
        plain = pc.and_(
            pc.match_substring_regex(present, _PLAIN_DECIMAL),
            pc.less_equal(pc.utf8_length(present), 15),
        )
        if len(present) and not pc.all(plain).as_py():
            return None
        values = pc.cast(arr, pa.float64()).to_numpy()  # nulls become NaN
    except (pa.ArrowException, TypeError, ValueError):
        return None
    return pd.Series(np.asarray(values, dtype="float64"), index=text.index)


def _whole_text(s: pd.Series) -> pd.Series | None:
    """Text that is all plain whole numbers (no sign but "-", no decimals), as exact int64 (no
    float on the way: 9007199254740993 stays 9007199254740993), else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_numeric_dtype(s.dtype) or s.hasnans:
        return None
    arr = getattr(s.array, "_pa_array", None)
    if arr is None:
        if s.dtype != object or not all(isinstance(v, str) for v in s.tolist()):
            return None
        arr = pa.chunked_array([pa.array(s.tolist(), pa.string())])
    try:
        trimmed = pc.utf8_trim_whitespace(arr)
        if len(trimmed) and not pc.all(pc.match_substring_regex(trimmed, r"^-?\d{1,19}$")).as_py():
            return None
        return pd.Series(pc.cast(trimmed, pa.int64()).to_numpy(), index=s.index, dtype="int64")
    except (pa.ArrowException, TypeError, ValueError):  # beyond int64: left to the float path
        return None


def _scalar_number(value: Any) -> float:
    """One value as a float, refusing booleans, non-numeric text and infinities."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"not a number: {value!r}")
    number = float(value.strip()) if isinstance(value, str) else float(value)
    if not np.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


class _Exact:
    """Mixin: ``coerce`` = vectorized parse that raises pandera's ParserError on bad cells."""

    what: ClassVar[str] = "values"

    def _parse(self, s: pd.Series) -> tuple[pd.Series, np.ndarray]:
        raise NotImplementedError

    def coerce(self, data_container: pd.Series) -> pd.Series:
        values, bad = self._parse(data_container)
        if bad.any():
            s = data_container
            cases = pd.DataFrame(
                {"index": s.index[bad], "failure_case": s.to_numpy(dtype=object)[bad]}
            )
            raise ParserError(f"cannot read {self.what}", failure_cases=cases)
        return values

    def try_coerce(self, data_container: pd.Series) -> pd.Series:
        return self.coerce(data_container)

    def check(self, pandera_dtype: Any, data_container: Any = None) -> Any:
        ok = self._base.check(pandera_dtype)
        if ok or data_container is None:
            return ok
        bad = self._parse(data_container)[1]
        return ~bad if bad.any() else False


@dtypes.immutable
class WholeNumber(_Exact, numpy_engine.Int64):
    """``int64`` that refuses non-integral values (7.5), text and empty cells."""

    what: ClassVar[str] = "whole numbers"
    _base: ClassVar[Any] = numpy_engine.Int64()

    def _parse(self, s: pd.Series) -> tuple[pd.Series, np.ndarray]:
        if pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans:
            return s.astype("int64"), np.zeros(len(s), dtype=bool)
        exact = _whole_text(s)
        if exact is not None:
            return exact, np.zeros(len(s), dtype=bool)
        num = _as_numbers(s)
        values = num.to_numpy()
        with np.errstate(invalid="ignore"):
            # beyond 2**53 a float no longer holds every whole number: the digits would change
            bad = ~np.isfinite(values) | (np.floor(values) != values) | (np.abs(values) >= 2**53)
        return (num if bad.any() else num.astype("int64")), bad

    def coerce_value(self, value: Any) -> Any:
        number = _scalar_number(value)
        if number != int(number):
            raise ValueError(f"not a whole number: {value!r}")
        return np.int64(number)

    def __str__(self) -> str:
        return "whole number"


#: The largest number (in size) of a :class:`Number` column. Sums of money stay exact to the
#: cent in float64 up to about 9e13 and in DuckDB's DECIMAL(38, 9) up to 1e29; a value of
#: 1e308 would be accepted and then overflow the exact sums.
LARGEST = 1e15


@dtypes.immutable
class Number(_Exact, numpy_engine.Float64):
    """``float64`` from numbers or numeric text; refuses other text, infinities and values
    beyond :data:`LARGEST` in size."""

    what: ClassVar[str] = "numbers"
    _base: ClassVar[Any] = numpy_engine.Float64()

    def _parse(self, s: pd.Series) -> tuple[pd.Series, np.ndarray]:
        num = _as_numbers(s)
        values = num.to_numpy()
        with np.errstate(invalid="ignore"):  # NaN of text that is no number: not <= LARGEST
            bad = s.notna().to_numpy() & ~(np.abs(values) <= LARGEST)
        return num, bad

    def coerce_value(self, value: Any) -> Any:
        number = _scalar_number(value)
        if abs(number) > LARGEST:
            raise ValueError(f"beyond 10^15 in size: {value!r}")
        return np.float64(number)

    def __str__(self) -> str:
        return "number"


#: The days a ``datetime64[ns]`` column holds (pandas' nanosecond range, 1677-09-21 to
#: 2262-04-11, cut to whole years); dates beyond are refused with their rows.
FIRST_DAY = pd.Timestamp("1678-01-01")
LAST_DAY = pd.Timestamp("2261-12-31 23:59:59.999999")


def _outside_ns(values: pd.Series) -> np.ndarray:
    """Which datetimes (any unit, naive) lie outside :data:`FIRST_DAY` .. :data:`LAST_DAY`."""
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        return np.zeros(len(values), dtype=bool)
    unit = np.datetime_data(values.dtype)[0]
    raw = values.to_numpy()
    lo = np.datetime64(FIRST_DAY.to_datetime64(), unit)
    hi = np.datetime64(LAST_DAY.to_datetime64(), unit)
    return ~np.isnat(raw) & ((raw < lo) | (raw > hi))


def _to_ns(values: pd.Series, outside: np.ndarray) -> pd.Series:
    """``values`` as ``datetime64[ns]``, the ``outside`` ones as NaT (they would overflow)."""
    if outside.any():
        values = values.mask(outside)
    return values.astype("datetime64[ns]")


@dtypes.immutable
class IsoDateTime(_Exact, pandas_engine.DateTime):
    """Naive ``datetime64[ns]`` parsed from ISO 8601 text only; refuses anything else."""

    what: ClassVar[str] = "ISO dates"
    _base: ClassVar[Any] = pandas_engine.DateTime()

    def _parse(self, s: pd.Series) -> tuple[pd.Series, np.ndarray]:
        present = s.notna().to_numpy()
        if pd.api.types.is_datetime64_dtype(s.dtype):  # naive already: only the unit changes
            outside = _outside_ns(s)
            return _to_ns(s, outside), outside
        if isinstance(s.dtype, pd.DatetimeTZDtype):  # an offset would be silently dropped
            return s, present
        if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
            is_text = present
        else:
            is_text = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        if is_text.any():
            text = s[is_text].astype("str").str.strip()
            # a whole day at least: ISO 8601 also reads "2026-10" and "2026" as their first day
            text = text.where(text.str.match(r"\d{4}-\d{2}-\d{2}"))
            got = pd.to_datetime(text, format="ISO8601", errors="coerce")
            parsed[is_text] = _to_ns(got, _outside_ns(got))  # years 1678..2261 only
        other = ~is_text & present
        if other.any():  # datetime / date objects, e.g. from Excel or DuckDB; never numbers
            values = s[other].astype(object)
            dated = values.map(lambda v: isinstance(v, dt.date)).to_numpy(dtype=bool)
            got = pd.to_datetime(values.where(dated), errors="coerce")
            if isinstance(got.dtype, pd.DatetimeTZDtype):
                parsed[other] = pd.NaT
            else:
                parsed[other] = _to_ns(got, _outside_ns(got))
        bad = parsed.isna().to_numpy() & present
        return parsed, bad

    def coerce_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return pd.Timestamp(dt.datetime.fromisoformat(value.strip()))
        if isinstance(value, dt.date) and getattr(value, "tzinfo", None) is None:
            return pd.Timestamp(value)
        raise ValueError(f"not an ISO date: {value!r}")

    def __str__(self) -> str:
        return "date"


@dtypes.immutable
class IsoTimestamp(IsoDateTime):
    """:class:`IsoDateTime` for columns that hold a time of day too (``events.ts``)."""

    what: ClassVar[str] = "ISO timestamps"

    def __str__(self) -> str:
        return "timestamp"


# ---------------------------------------------------------------------------------------------
# Fields. Every column: coerced, not null unless said, a description and one fix per check.

# default fixes by dtype (wrong type) and for empty cells; ``{column}`` is filled in
_TYPE_FIX = {
    "whole number": "write {column} as a whole number such as 12 (no decimals, units or "
    "thousands separators)",
    "number": "write {column} as a plain number such as 1234.5 (no currency signs, units or "
    "thousands separators)",
    "date": "write {column} as an ISO date YYYY-MM-DD, e.g. 2026-10-31, or declare its format "
    "in mktkit.yaml (formats: {column})",
    "timestamp": "write {column} as an ISO timestamp YYYY-MM-DD HH:MM:SS, e.g. "
    "2026-10-31 14:05:00, or declare its format in mktkit.yaml (formats: {column})",
    "text": "store {column} as text",
}
_EMPTY_FIX = "fill in {column} on these rows (it may not be empty) or remove the rows"


def _col(description: str, *, nullable: bool = False, **kwargs: Any) -> Any:
    """A coerced contract column; ``fix`` maps a check ('ge', 'le', ...) to its one-line fix."""
    fix = kwargs.pop("fix", {})
    return pa.Field(
        coerce=True,
        nullable=nullable,
        description=description,
        metadata={"fix": fix},
        **kwargs,
    )


def _never_negative(what: str) -> dict[str, str]:
    return {"ge": f"{what} can never be negative: correct the value at the source"}


def _key_fix(keys: list[str]) -> str:
    if len(keys) > 1:
        combo = ", ".join(keys)
        return f"each {combo} combination may appear once: merge or remove the duplicated rows"
    return f"each {keys[0]} may appear once: give these rows distinct ids or drop the repeats"


class _Table(pa.DataFrameModel):
    """Shared configuration: extra columns are kept, column order is free."""

    class Config:
        strict = False
        ordered = False


# ---------------------------------------------------------------------------------------------
# The tables of the data contract (docs/data.md)


class ChannelDaily(_Table):
    """Spend and results per day, region and paid/owned channel."""

    date: Series[IsoDateTime] = _col("day of the activity (local calendar date)")
    region: Series[str] = _col("sales region, e.g. east")
    channel: Series[str] = _col("paid or owned channel, e.g. search; 'direct' is not listed here")
    spend: Series[Number] = _col(
        "money spent that day, in the data's currency", ge=0, fix=_never_negative("spend")
    )
    impressions: Series[WholeNumber] = _col(
        "times an ad or message was shown", ge=0, fix=_never_negative("impressions")
    )
    clicks: Series[WholeNumber] = _col(
        "clicks on the ads or messages", ge=0, fix=_never_negative("clicks")
    )
    leads: Series[WholeNumber] = _col(
        "sign-ups or enquiries attributed to the channel", ge=0, fix=_never_negative("leads")
    )
    orders: Series[WholeNumber] = _col(
        "orders attributed to the channel", ge=0, fix=_never_negative("orders")
    )
    new_customers: Series[WholeNumber] = _col(
        "orders that were a customer's first order", ge=0, fix=_never_negative("new_customers")
    )
    revenue: Series[Number] = _col(
        "order value attributed to the channel, in the data's currency",
        ge=0,
        fix=_never_negative("revenue"),
    )

    class Config:
        name = "channel_daily"
        unique = ["date", "region", "channel"]
        metadata = {
            "unique_fix": _key_fix(["date", "region", "channel"]),
            "checks": {
                "clicks_within_impressions": {
                    "column": "clicks",
                    "columns": ["clicks", "impressions"],
                    "problem": "clicks exceed impressions",
                    "fix": "a click needs an impression: check that the two columns are not "
                    "swapped and that both count the same ads",
                },
                "new_customers_within_orders": {
                    "column": "new_customers",
                    "columns": ["new_customers", "orders"],
                    "problem": "new_customers exceed orders",
                    "fix": "new_customers counts first orders, a subset of orders: check the two "
                    "columns",
                },
            },
        }

    @pa.dataframe_check
    def clicks_within_impressions(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["clicks"] > df["impressions"])

    @pa.dataframe_check
    def new_customers_within_orders(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["new_customers"] > df["orders"])


class Events(_Table):
    """Web and app events, one row per event (the funnel input)."""

    user_id: Series[Any] = _col(
        "visitor or customer id: whole numbers (kept exact) or text, e.g. GA4's user_pseudo_id"
    )
    ts: Series[IsoTimestamp] = _col("time of the event, naive local time")
    event: Series[str] = _col("event name, e.g. visit, view_product, add_to_cart, purchase")
    channel: Series[str] = _col("channel the visit came from, e.g. search or direct")
    device: Series[str] = _col("device: mobile, desktop or app")
    region: Series[str] = _col("sales region of the visitor")

    class Config:
        name = "events"


class Customers(_Table):
    """One row per customer."""

    customer_id: Series[str] = _col("customer id (text; leading zeros are kept)")
    signup_date: Series[IsoDateTime] = _col("date the customer signed up")
    region: Series[str] = _col("sales region of the customer")
    acquisition_channel: Series[str] = _col("channel of the customer's first order")

    class Config:
        name = "customers"
        unique = ["customer_id"]
        metadata = {"unique_fix": _key_fix(["customer_id"])}


class Orders(_Table):
    """One row per order."""

    order_id: Series[str] = _col("order id (text; leading zeros are kept)")
    customer_id: Series[str] = _col("customer who placed the order, as in customers")
    order_date: Series[IsoDateTime] = _col("date the order was placed")
    region: Series[str] = _col("sales region of the order")
    channel: Series[str] = _col("channel the order is attributed to, or 'direct'")
    amount: Series[Number] = _col(
        "order value, in the data's currency",
        ge=0,
        fix={"ge": "amount can never be negative: record refunds in a separate table"},
    )

    class Config:
        name = "orders"
        unique = ["order_id"]
        metadata = {"unique_fix": _key_fix(["order_id"])}


class KpiTargets(_Table):
    """Monthly KPI targets per region (or 'all')."""

    month: Series[str] = _col(
        "target month, YYYY-MM",
        str_matches=r"^\d{4}-(0[1-9]|1[0-2])$",
        fix={"str_matches": "write month as YYYY-MM, e.g. 2026-10"},
    )
    region: Series[str] = _col("sales region, or 'all' for the whole company")
    metric: Series[str] = _col("KPI code, e.g. revenue, orders, cac, roas")
    target: Series[Number] = _col(
        "target value in the metric's unit", ge=0, fix=_never_negative("target")
    )
    direction: Series[str] = _col(
        "whether higher or lower is better: 'higher' or 'lower'",
        isin=["higher", "lower"],
        fix={"isin": "write 'higher' (more is better) or 'lower' (less is better), lower case"},
    )

    class Config:
        name = "kpi_targets"
        unique = ["month", "region", "metric"]
        metadata = {"unique_fix": _key_fix(["month", "region", "metric"])}


class Nps(_Table):
    """Net Promoter Score survey responses."""

    response_id: Series[str] = _col("survey response id")
    date: Series[IsoDateTime] = _col("date of the response")
    region: Series[str] = _col("sales region of the respondent")
    score: Series[WholeNumber] = _col(
        "answer to 'how likely are you to recommend us', whole number 0 to 10",
        ge=0,
        le=10,
        fix={
            "type": "scores are whole numbers 0 to 10: correct or drop averaged or text answers",
            "ge": "scores run from 0 to 10: correct the value",
            "le": "scores run from 0 to 10: correct the value (a 1-5 or 1-100 scale needs "
            "converting first)",
        },
    )
    comment: Series[str] = _col("free-text comment; may be empty", nullable=True)

    class Config:
        name = "nps"
        unique = ["response_id"]
        metadata = {"unique_fix": _key_fix(["response_id"])}


class Experiments(_Table):
    """A/B test results: one row per experiment arm."""

    experiment: Series[str] = _col("experiment name")
    variant: Series[str] = _col("arm name, e.g. control or treatment")
    users: Series[WholeNumber] = _col(
        "users assigned to the arm", ge=0, fix=_never_negative("users")
    )
    conversions: Series[WholeNumber] = _col(
        "users of the arm who converted", ge=0, fix=_never_negative("conversions")
    )
    planned_share: Series[Number] = _col(
        "planned fraction of traffic for the arm, in (0, 1]",
        gt=0,
        le=1,
        fix={
            "gt": "planned_share is a fraction above 0 (50% is 0.5)",
            "le": "planned_share is a fraction, at most 1 (50% is 0.5, not 50)",
        },
    )
    planned_users: Series[WholeNumber] = _col(
        "planned sample size of the arm", ge=0, fix=_never_negative("planned_users")
    )

    class Config:
        name = "experiments"
        unique = ["experiment", "variant"]
        metadata = {
            "unique_fix": _key_fix(["experiment", "variant"]),
            "checks": {
                "conversions_within_users": {
                    "column": "conversions",
                    "columns": ["conversions", "users"],
                    "problem": "conversions exceed users",
                    "fix": "conversions counts converting users, a subset of users: check the "
                    "two columns",
                },
                "planned_shares_sum_to_one": {
                    "column": "planned_share",
                    "columns": ["experiment", "planned_share"],
                    "problem": "the planned_share values of one experiment do not sum to 1",
                    "whole_table": True,  # judged over groups of rows, not row by row
                    "fix": "give every arm of the experiment its planned fraction so that they "
                    "add up to 1 (e.g. 0.5 and 0.5)",
                },
            },
        }

    @pa.dataframe_check
    def conversions_within_users(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["conversions"] > df["users"])

    @pa.dataframe_check
    def planned_shares_sum_to_one(cls, df: pd.DataFrame) -> pd.Series:
        total = df.groupby("experiment", sort=False)["planned_share"].transform("sum")
        return (total - 1.0).abs() <= 1e-6


class Campaigns(_Table):
    """Marketing campaigns: dates, budget and goal."""

    campaign_id: Series[str] = _col("campaign id")
    name: Series[str] = _col("campaign name")
    channel: Series[str] = _col("main channel of the campaign")
    start: Series[IsoDateTime] = _col("first day of the campaign")
    end: Series[IsoDateTime] = _col(
        "last day of the campaign (on or after start); empty or 9999-12-31 while it runs with "
        "no end date",
        nullable=True,
    )
    budget: Series[Number] = _col(
        "planned budget, in the data's currency", ge=0, fix=_never_negative("budget")
    )
    goal_metric: Series[str] = _col("metric the campaign is judged on, e.g. revenue")
    goal_value: Series[Number] = _col(
        "target value of goal_metric", ge=0, fix=_never_negative("goal_value")
    )

    class Config:
        name = "campaigns"
        unique = ["campaign_id"]
        metadata = {
            "unique_fix": _key_fix(["campaign_id"]),
            "checks": {
                "end_not_before_start": {
                    "column": "end",
                    "columns": ["start", "end"],
                    "problem": "end is before start",
                    "fix": "end is the last day of the campaign: check whether start and end are "
                    "swapped",
                },
            },
        }

    @pa.dataframe_check
    def end_not_before_start(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["end"] < df["start"])


#: table name -> model, in the order of docs/data.md
SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "channel_daily": ChannelDaily,
    "events": Events,
    "customers": Customers,
    "orders": Orders,
    "kpi_targets": KpiTargets,
    "nps": Nps,
    "experiments": Experiments,
    "campaigns": Campaigns,
}

# ---------------------------------------------------------------------------------------------
# Documentation and fixes

# pandera check name -> our short key in ``metadata["fix"]`` and the problem it states
_CHECK_KEYS = {
    "greater_than_or_equal_to": "ge",
    "greater_than": "gt",
    "less_than_or_equal_to": "le",
    "less_than": "lt",
    "str_matches": "str_matches",
    "isin": "isin",
}


def _dtype_name(column: pa.Column) -> str:
    """'whole number', 'number', 'date', 'timestamp', 'text', 'id', or pandera's name."""
    if column.dtype is None:
        return "id"  # whole numbers or text, kept exact (mktkit.data.normalize.exact_ids)
    name = str(column.dtype)
    if name in _TYPE_FIX:
        return name
    return "text" if name.startswith(("str", "string")) else name


_RANGE_PROBLEM = {
    "date": f"is outside the dates the kit can hold ({FIRST_DAY.date()} to {LAST_DAY.date()})",
    "timestamp": f"is outside the times the kit can hold ({FIRST_DAY.date()} to {LAST_DAY.date()})",
    "number": "is beyond 10^15 in size: too large to be summed exactly",
}


def _far_values(dtype: str, values: pd.Series) -> np.ndarray:
    """Which failure cases are readable values out of range rather than unreadable ones."""
    if dtype in ("date", "timestamp"):
        return _far_dates(values)
    if dtype == "number":
        with np.errstate(invalid="ignore"):
            num = _as_numbers(values.reset_index(drop=True)).to_numpy()
            return np.isfinite(num) & (np.abs(num) > LARGEST)
    return np.zeros(len(values), dtype=bool)


def _far_dates(values: pd.Series) -> np.ndarray:
    """Which failure cases of a date column are whole dates beyond :data:`FIRST_DAY` ..
    :data:`LAST_DAY` (``'9999-12-31'``, a datetime of 2300), not unreadable text."""
    values = values.reset_index(drop=True)
    text = values.map(lambda v: v.strip() if isinstance(v, str) else None)
    text = text.where(text.str.match(r"\d{4}-\d{2}-\d{2}", na=False))
    got = pd.to_datetime(text, format="ISO8601", errors="coerce")
    objects = values.map(lambda v: isinstance(v, dt.date | np.datetime64)).to_numpy(dtype=bool)
    if objects.any():
        got = got.where(~objects, pd.to_datetime(values.where(objects), errors="coerce"))
    return (
        _outside_ns(got) if pd.api.types.is_datetime64_dtype(got.dtype) else got.notna().to_numpy()
    )


def _type_problem(dtype: str) -> str:
    if dtype in ("date", "timestamp"):
        return f"cannot be read as an ISO {dtype}"
    if dtype in _TYPE_FIX:
        return f"cannot be read as a {dtype}"
    return f"cannot be read as {dtype}"


def _rule_text(check: pa.Check) -> str:
    stats = check.statistics or {}
    key = _CHECK_KEYS.get(check.name, check.name)
    if key == "ge":
        return f"at least {stats['min_value']}"
    if key == "gt":
        return f"above {stats['min_value']}"
    if key == "le":
        return f"at most {stats['max_value']}"
    if key == "lt":
        return f"below {stats['max_value']}"
    if key == "isin":
        return "one of " + ", ".join(repr(v) for v in stats["allowed_values"])
    if key == "str_matches":
        return f"matches {stats['pattern']}"
    return key


def describe_schema(table: str) -> pd.DataFrame:
    """Document one table: its columns, dtypes, whether empty cells are allowed, rules, meaning.

    Parameters
    ----------
    table : str
        A key of :data:`SCHEMAS`.

    Returns
    -------
    pandas.DataFrame
        One row per column: ``column``, ``dtype``, ``nullable``, ``rules``, ``description``.

    Examples
    --------
    >>> describe_schema("orders")["column"].tolist()
    ['order_id', 'customer_id', 'order_date', 'region', 'channel', 'amount']
    """
    schema = schema_model(table).to_schema()
    rows = [
        {
            "column": name,
            "dtype": _dtype_name(col),
            "nullable": bool(col.nullable),
            "rules": "; ".join(_rule_text(c) for c in col.checks),
            "description": col.description,
        }
        for name, col in schema.columns.items()
    ]
    return pd.DataFrame(rows)


def fix_hint(table: str | type[pa.DataFrameModel], column: str | None, check: str) -> str:
    """The one-line fix for a failed check.

    Parameters
    ----------
    table : str or pandera.DataFrameModel
        A key of :data:`SCHEMAS`, or a model.
    column : str or None
        The column, or None for a table-wide check.
    check : str
        ``"type"``, ``"empty"``, ``"unique"``, ``"range"`` (a date beyond what a column
        can hold), a column check (``"ge"``, ``"gt"``, ``"le"``,
        ``"lt"``, ``"isin"``, ``"str_matches"``) or the name of a table-wide check.

    Examples
    --------
    >>> fix_hint("channel_daily", "spend", "ge")
    'spend can never be negative: correct the value at the source'
    >>> fix_hint("orders", "order_date", "type")
    'write order_date as an ISO date YYYY-MM-DD, e.g. 2026-10-31, or declare its format in mktkit.yaml (formats: order_date)'
    """
    model = schema_model(table)
    schema = model.to_schema()
    meta = table_meta(model)
    if check == "unique":
        return meta.get("unique_fix", "remove the duplicated rows")
    if check in meta.get("checks", {}):
        return meta["checks"][check]["fix"]
    col = schema.columns.get(column) if column else None
    if col is None:
        return "see the data contract (docs/data.md) for this table"
    own = (col.metadata or {}).get("fix", {})
    if check in own:
        return own[check]
    if check == "type":
        dtype = _dtype_name(col)
        return _TYPE_FIX.get(dtype, f"write {{column}} as {dtype} values").format(column=column)
    if check == "empty":
        return _EMPTY_FIX.format(column=column)
    if check == "range" and _dtype_name(col) == "number":
        return (
            f"check {column} on these rows (a slip of the decimal point, or another unit?): "
            "numbers up to 10^15 in size are read, so that sums stay exact"
        )
    if check == "range":
        return (
            f"check the year of {column} on these rows (a typing slip?): dates from "
            f"{FIRST_DAY.year} to {LAST_DAY.year} can be read"
        )
    return f"correct {column} on these rows"


def table_name(model: type[pa.DataFrameModel]) -> str:
    """The table a model describes (``"orders"``), as error messages name it.

    Examples
    --------
    >>> table_name(SCHEMAS["orders"])
    'orders'
    """
    return model.to_schema().name or model.__name__


def table_meta(model: type[pa.DataFrameModel]) -> dict[str, Any]:
    """``Config.metadata`` of a model (fixes of its table-wide checks and key)."""
    return getattr(model.Config, "metadata", None) or {}


def schema_model(schema: str | type[pa.DataFrameModel]) -> type[pa.DataFrameModel]:
    """The model of ``schema``: a table name of :data:`SCHEMAS` or a pandera model itself.

    Examples
    --------
    >>> schema_model("nps").__name__
    'Nps'
    """
    if isinstance(schema, str):
        if schema not in SCHEMAS:
            raise InputError(
                f"unknown schema {schema!r}",
                fix="use one of " + ", ".join(repr(k) for k in SCHEMAS),
            )
        return SCHEMAS[schema]
    if isinstance(schema, type) and issubclass(schema, pa.DataFrameModel):
        return schema
    raise InputError(
        f"schema must be a table name or a pandera DataFrameModel, not {type(schema).__name__}",
        fix="use one of " + ", ".join(repr(k) for k in SCHEMAS),
    )


# ---------------------------------------------------------------------------------------------
# pandera SchemaErrors -> one InputError


def _plain(value: Any) -> Any:
    """A value as the user would write it: Python scalars, dates as ISO text."""
    if isinstance(value, pd.Timestamp):
        if value.tz is None and value == value.normalize():
            return value.date().isoformat()
        return value.isoformat(" ")
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _column_of(err: Any) -> str | None:
    """The column a SchemaError is about (coercion errors carry it on their Column schema)."""
    if err.column_name is not None:
        return err.column_name
    return err.schema.name if isinstance(err.schema, pa.Column) else None


def _cases(err: Any) -> pd.DataFrame:
    """Failure cases of one SchemaError as a frame with ``index`` and ``failure_case``."""
    cases = err.failure_cases
    if not isinstance(cases, pd.DataFrame) or "index" not in cases:
        return pd.DataFrame({"index": [], "failure_case": []})
    return cases[cases["index"].notna()]


class ProblemList:
    """Groups failures by (column, check), keeping rows in order and one entry per problem."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.found: dict[tuple[str, str], dict[str, Any]] = {}

    def add(
        self,
        column: str,
        check: str,
        problem: str,
        rows: dict[int, Any],
        fix: str,
        total: int | None = None,
        every: Any = None,
    ) -> None:
        """Record a problem's rows: at most :data:`MAX_ROWS_KEPT` are kept, all are counted
        (``total``, when ``rows`` holds only the first of them); ``every`` row label, when
        given, is kept too (the unreadable rows that a second pass leaves out)."""
        entry = self.found.setdefault(
            (column, check), {"problem": problem, "rows": {}, "fix": fix, "total": 0, "every": []}
        )
        if every is not None:
            entry["every"].append(np.asarray(every, dtype="int64"))
        before = len(entry["rows"])
        for row, value in rows.items():
            if len(entry["rows"]) >= MAX_ROWS_KEPT:
                break
            entry["rows"].setdefault(int(row), value)
        added = len(entry["rows"]) - before
        entry["total"] += max(total if total is not None else len(rows), added)

    def rows_with(self, checks: tuple[str, ...]) -> np.ndarray:
        """Every row label recorded (with ``every``) for the given checks, sorted."""
        parts = [a for (_, chk), e in self.found.items() if chk in checks for a in e["every"]]
        parts += [  # entries recorded without ``every`` keep all their rows
            np.fromiter(e["rows"], dtype="int64")
            for (_, chk), e in self.found.items()
            if chk in checks and not e["every"]
        ]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype="int64")

    def columns_with(self, check: str) -> set[str]:
        return {col for col, chk in self.found if chk == check}

    def errors(self) -> list[InputError]:
        out = []
        for (col, _), e in self.found.items():
            total = max(e["total"], len(e["rows"]))
            rows: Any = RowSample(sorted(e["rows"].items()), total=total)
            if all(v is None for v in rows.values()):  # empty cells: the rows alone
                rows = RowList(rows, total=total)
            out.append(
                InputError(
                    e["problem"], table=self.table, column=col or None, rows=rows, fix=e["fix"]
                )
            )
        return out


def collect_problems(
    exc: pa.errors.SchemaErrors,
    schema: str | type[pa.DataFrameModel],
    data: pd.DataFrame,
    into: ProblemList | None = None,
) -> ProblemList:
    """Sort pandera's lazy failure cases into one problem per column and check.

    ``schema`` is the table name or model that raised ``exc``; ``data`` is the frame as given
    (index = 1-based row numbers), used for the columns present when some are missing (values
    of table-wide checks and keys are shown as converted, from ``exc.data``). Failures that only follow
    from another one (a value check that could not run on a column that did not convert, the
    dtype mismatch after a failed conversion) are left out.
    """
    from pandera.errors import SchemaErrorReason as R

    model = schema_model(schema)
    table = table_name(model)
    found = into if into is not None else ProblemList(table)
    shown = exc.data if isinstance(exc.data, pd.DataFrame) else data  # coerced where it could be
    schema = model.to_schema()
    meta = table_meta(model)
    later: list[Any] = []
    for err in exc.schema_errors:
        reason = err.reason_code
        column = _column_of(err)
        if reason == R.DATATYPE_COERCION:
            cases = _cases(err)
            cases = cases[cases["failure_case"].notna()]  # empty cells: reported as empty
            if len(cases) and column is not None:
                dtype = _dtype_name(schema.columns[column])
                far = _far_values(dtype, cases["failure_case"])
                for part, check, problem, fix in (
                    (cases[~far], "type", _type_problem(dtype), fix_hint(model, column, "type")),
                    (cases[far], "range", _RANGE_PROBLEM.get(dtype, ""),
                     fix_hint(model, column, "range")),
                ):  # fmt: skip
                    if part.empty:
                        continue
                    kept = part.head(MAX_ROWS_KEPT)
                    found.add(
                        column,
                        check,
                        problem,
                        {
                            r: _plain(v)
                            for r, v in zip(kept["index"], kept["failure_case"], strict=True)
                        },
                        fix,
                        total=len(part),
                        every=part["index"],
                    )
        elif reason == R.SERIES_CONTAINS_NULLS:
            cases = _cases(err)
            found.add(
                column,
                "empty",
                "is empty",
                dict.fromkeys(cases["index"].head(MAX_ROWS_KEPT)),
                fix_hint(model, column, "empty"),
                total=len(cases),
                every=cases["index"],
            )
        elif reason == R.DUPLICATES:
            keys = list(schema.unique) if schema.unique else [column]
            rows = np.unique(_cases(err)["index"].to_numpy(dtype="int64"))  # sorted
            _add_duplicates(found, model, shown, keys, rows)
        elif reason == R.COLUMN_NOT_IN_DATAFRAME:
            later.append(err)  # reported once for all missing columns, below
        else:
            later.append(err)
    missing = [str(e.failure_cases) for e in later if e.reason_code == R.COLUMN_NOT_IN_DATAFRAME]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        found.add(
            "",
            "missing",
            f"missing column(s) {names}; the table has "
            + (", ".join(repr(c) for c in data.columns) or "no columns"),
            {},
            f"rename or add the column(s) {names} (see describe_schema({table!r}))",
        )
    unreadable = found.columns_with("type") | found.columns_with("empty") | set(missing)
    for err in later:
        _add_check_failure(found, err, model, schema, meta, shown, unreadable, missing)
    return found


def _add_duplicates(
    found: ProblemList,
    model: type[pa.DataFrameModel],
    data: pd.DataFrame,
    keys: list[str],
    rows: np.ndarray,
) -> None:
    """Record the rows (sorted labels) that repeat a key, with their key values."""
    first = rows[:MAX_ROWS_KEPT]  # a file of a million repeats is shown by its first rows
    text = data.loc[first, keys].map(lambda v: str(_plain(v))).agg(", ".join, axis=1)
    found.add(
        ", ".join(keys),
        "unique",
        "duplicate key: these rows repeat the same " + ", ".join(keys),
        dict(zip(first.tolist(), text.tolist(), strict=True)),
        fix_hint(model, None, "unique"),
        total=len(rows),
    )


def without_key(model: type[pa.DataFrameModel]) -> tuple[pa.DataFrameSchema, list[str]]:
    """The model's schema without its key check, and the key columns.

    pandera reports a duplicated key by reshaping one failure case per cell, which takes minutes
    for a file whose million rows all repeat; :func:`add_duplicate_keys` finds the same rows
    with one ``duplicated`` call on the coerced table.
    """
    cached = _WITHOUT_KEY.get(model)
    if cached is None:
        schema = model.to_schema()
        keys = list(schema.unique or [])
        bare = copy.copy(schema)
        bare.unique = None
        cached = _WITHOUT_KEY[model] = (bare, keys)
    return cached


_WITHOUT_KEY: dict[type, tuple[pa.DataFrameSchema, list[str]]] = {}


def add_duplicate_keys(
    found: ProblemList, model: type[pa.DataFrameModel], data: pd.DataFrame, keys: list[str]
) -> bool:
    """Record the rows of ``data`` (coerced, 1-based index) that repeat a key; True if any.

    Rows repeat a key when their key columns are equal (all their occurrences are reported, as
    pandera's ``unique`` does).
    """
    if not keys or not set(keys) <= set(data.columns):
        return False
    # rows with an empty key are reported as empty, not as repeats of each other
    repeated = (
        data.duplicated(subset=keys, keep=False) & data[keys].notna().all(axis=1)
    ).to_numpy()
    if not repeated.any():
        return False
    _add_duplicates(found, model, data, keys, data.index.to_numpy()[repeated].astype("int64"))
    return True


def _add_check_failure(
    found: ProblemList,
    err: Any,
    model: type[pa.DataFrameModel],
    schema: pa.DataFrameSchema,
    meta: dict[str, Any],
    data: pd.DataFrame,
    unreadable: set[str],
    missing: list[str],
) -> None:
    from pandera.errors import SchemaErrorReason as R

    reason = err.reason_code
    column = _column_of(err)
    check = err.check
    name = getattr(check, "name", None) or str(check)
    if reason == R.COLUMN_NOT_IN_DATAFRAME:
        return
    cases = _cases(err)
    if reason in (R.WRONG_DATATYPE, R.CHECK_ERROR) or cases.empty:
        if column in unreadable or found.found:
            return  # consequence of a column that did not convert (or is missing)
        found.add(
            column or "",
            name,
            f"could not be checked ({err.args[0] if err.args else name})",
            {},
            fix_hint(model, column, "type"),
        )
        return
    if name in meta.get("checks", {}):  # table-wide check: show the columns it compares
        info = meta["checks"][name]
        if set(info["columns"]) & (unreadable | set(missing)):
            return
        rows = sorted({int(i) for i in cases["index"]})
        found.add(
            info["column"],
            name,
            info["problem"],
            {r: {c: _plain(data.loc[r, c]) for c in info["columns"]} for r in rows[:MAX_ROWS_KEPT]},
            info["fix"],
            total=len(rows),
        )
        return
    key = _CHECK_KEYS.get(name, name)
    rule = _rule_text(check)
    problem = "is negative" if rule == "at least 0" else f"must be {rule}"
    kept = cases.head(MAX_ROWS_KEPT)
    found.add(
        column,
        key,
        problem,
        {r: _plain(v) for r, v in zip(kept["index"], kept["failure_case"], strict=True)},
        fix_hint(model, column, key),
        total=len(cases),
    )


def input_error_from(
    exc: pa.errors.SchemaErrors, schema: str | type[pa.DataFrameModel], data: pd.DataFrame
) -> InputError:
    """One :class:`InputError` listing every problem in pandera's lazy ``SchemaErrors``.

    Parameters
    ----------
    exc : pandera.errors.SchemaErrors
        From ``Model.validate(frame, lazy=True)`` where ``frame`` has a 1-based row index.
    schema : str or pandera.DataFrameModel
        The table name (a key of :data:`SCHEMAS`) or the model that raised ``exc``.
    data : pandas.DataFrame
        The frame that was validated, as given (1-based row index).

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"month": ["2026-10"], "region": ["east"], "metric": ["revenue"],
    ...                     "target": [-1.0], "direction": ["up"]}, index=[1])
    >>> try:
    ...     SCHEMAS["kpi_targets"].validate(bad, lazy=True)
    ... except pa.errors.SchemaErrors as exc:
    ...     print(input_error_from(exc, "kpi_targets", bad))
    kpi_targets: 2 problems
      - kpi_targets.target: is negative; rows: 1 (-1.0). Fix: target can never be negative: correct the value at the source
      - kpi_targets.direction: must be one of 'higher', 'lower'; rows: 1 ('up'). Fix: write 'higher' (more is better) or 'lower' (less is better), lower case
    """
    return build_error(collect_problems(exc, schema, data))


def build_error(found: ProblemList) -> InputError:
    """The single InputError for the problems collected (see :func:`input_error_from`).

    With one problem the error is that problem (its ``column``, ``rows`` and ``fix`` are set);
    with several, the error names the table and each problem is one line. Either way
    ``.problems`` lists every problem.
    """
    problems = found.errors()
    if len(problems) == 1:
        only = problems[0]
        err = InputError(
            only.problem, table=only.table, column=only.column, rows=only.rows, fix=only.fix
        )
        err.problems = problems  # same text, so the message is not repeated below it
        return err
    return InputError(f"{len(problems)} problems", table=found.table, problems=problems)
