"""Schemas of the data contract: every rule refuses a small bad table with a precise message.

Row numbers in errors are 1-based data rows (docs/data.md), so the first row of a frame is 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandera.typing import Series

from mktkit.data.io import validate
from mktkit.errors import InputError
from mktkit.schemas import SCHEMAS, Orders, describe_schema, fix_hint

CONTRACT_COLUMNS = {  # docs/data.md, in order
    "channel_daily": [
        "date",
        "region",
        "channel",
        "spend",
        "impressions",
        "clicks",
        "leads",
        "orders",
        "new_customers",
        "revenue",
    ],
    "events": ["user_id", "ts", "event", "channel", "device", "region"],
    "customers": ["customer_id", "signup_date", "region", "acquisition_channel"],
    "orders": ["order_id", "customer_id", "order_date", "region", "channel", "amount"],
    "kpi_targets": ["month", "region", "metric", "target", "direction"],
    "nps": ["response_id", "date", "region", "score", "comment"],
    "experiments": [
        "experiment",
        "variant",
        "users",
        "conversions",
        "planned_share",
        "planned_users",
    ],
    "campaigns": [
        "campaign_id",
        "name",
        "channel",
        "start",
        "end",
        "budget",
        "goal_metric",
        "goal_value",
    ],
}


def refuse(df: pd.DataFrame, table: str) -> InputError:
    with pytest.raises(InputError) as info:
        validate(df, table)
    return info.value


def only_problem(err: InputError) -> InputError:
    assert len(err.problems) == 1, str(err)
    return err.problems[0]


def with_value(df: pd.DataFrame, row: int, column: str, value: object) -> pd.DataFrame:
    """Copy of ``df`` with ``value`` at 1-based ``row`` (the column becomes object if needed)."""
    out = df.copy()
    out[column] = out[column].astype(object)
    out.loc[out.index[row - 1], column] = value
    return out


# ---------------------------------------------------------------------------------------------
# the contract itself


def test_schemas_cover_the_contract_tables_and_columns():
    assert list(SCHEMAS) == list(CONTRACT_COLUMNS)
    for table, columns in CONTRACT_COLUMNS.items():
        assert list(SCHEMAS[table].to_schema().columns) == columns
        assert SCHEMAS[table].to_schema().name == table


def test_every_column_is_described_and_every_check_has_its_own_fix():
    short = {"greater_than_or_equal_to": "ge", "greater_than": "gt", "less_than_or_equal_to": "le"}
    for table, model in SCHEMAS.items():
        assert describe_schema(table)["description"].str.len().min() > 10, table
        schema = model.to_schema()
        for name, col in schema.columns.items():
            for kind in ["type", "empty"] + [short.get(c.name, c.name) for c in col.checks]:
                hint = fix_hint(table, name, kind)
                assert hint and hint != f"correct {name} on these rows", (table, name, kind)
        for check in model.Config.__dict__.get("metadata", {}).get("checks", {}):
            assert not fix_hint(table, None, check).startswith("see the data contract")
        if schema.unique:
            assert "may appear once" in fix_hint(table, None, "unique")


def test_only_nps_comment_and_an_open_campaign_end_may_be_empty():
    nullable = [
        (t, c)
        for t, m in SCHEMAS.items()
        for c, col in m.to_schema().columns.items()
        if col.nullable
    ]
    assert nullable == [("nps", "comment"), ("campaigns", "end")]


# ---------------------------------------------------------------------------------------------
# valid tables pass unchanged


EXPECTED_DTYPES = {
    "channel_daily": [
        "datetime64[ns]",
        "str",
        "str",
        "float64",
        "int64",
        "int64",
        "int64",
        "int64",
        "int64",
        "float64",
    ],
    "events": ["int64", "datetime64[ns]", "str", "str", "str", "str"],
    "customers": ["str", "datetime64[ns]", "str", "str"],
    "orders": ["str", "str", "datetime64[ns]", "str", "str", "float64"],
    "kpi_targets": ["str", "str", "str", "float64", "str"],
    "nps": ["str", "datetime64[ns]", "str", "int64", "str"],
    "experiments": ["str", "str", "int64", "int64", "float64", "int64"],
    "campaigns": [
        "str",
        "str",
        "str",
        "datetime64[ns]",
        "datetime64[ns]",
        "float64",
        "str",
        "float64",
    ],
}


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_valid_table_passes_with_documented_dtypes(valid_tables, table):
    df = valid_tables[table]
    out = validate(df, table)
    assert [str(t) for t in out.dtypes] == EXPECTED_DTYPES[table]
    assert out.index.equals(df.index)
    assert list(out.columns) == list(df.columns)
    # same values: compare as text after the documented conversions of the input
    for column in df.columns:
        if str(out[column].dtype).startswith("datetime64"):
            expected = pd.to_datetime(df[column], format="ISO8601").astype("datetime64[ns]")
            pd.testing.assert_series_equal(out[column], expected, check_names=False)
        else:
            assert out[column].tolist() == df[column].tolist() or (
                out[column].fillna("<NA>").tolist() == df[column].fillna("<NA>").tolist()
            ), column


def test_validate_keeps_extra_columns_index_and_text_ids(valid_tables):
    df = valid_tables["orders"].assign(coupon=["A", None, "B"])
    df.index = [10, 5, 7]  # a user's own index survives
    out = validate(df, "orders")
    assert list(out.columns) == [*CONTRACT_COLUMNS["orders"], "coupon"]
    assert out.index.tolist() == [10, 5, 7]
    assert out["order_id"].tolist() == ["000001", "000002", "000003"]
    assert out["coupon"].iloc[0] == "A"


def test_text_numbers_are_read_exactly():
    df = pd.DataFrame(
        {
            "experiment": ["e", "e"],
            "variant": ["a", "b"],
            "users": ["12", " 7 "],  # spaces around a number are fine
            "conversions": ["12.0", "1e0"],  # whole numbers written as decimals
            "planned_share": ["0.4", ".6"],
            "planned_users": [10, 10.0],
        }
    )
    out = validate(df, "experiments")
    assert out["users"].tolist() == [12, 7]
    assert out["conversions"].tolist() == [12, 1]
    assert out["planned_share"].tolist() == [0.4, 0.6]
    assert out["planned_users"].dtype == np.int64


_decimal_text = st.from_regex(r"\A([0-9]{1,15}|[0-9]{0,7}\.[0-9]{1,7}|[0-9]{1,7}\.)\Z").filter(
    lambda t: len(t) <= 15
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_decimal_text, st.none()), min_size=1, max_size=50))
def test_plain_decimal_text_is_parsed_as_pandas_parses_it(texts):
    # short plain decimals are parsed by pyarrow: each float must be pandas' own, to the bit
    from mktkit.schemas import _as_numbers, _plain_decimals

    s = pd.Series(texts, dtype="str")
    want = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy()
    got = _plain_decimals(s)
    assert got is not None
    np.testing.assert_array_equal(got.to_numpy().view(np.int64), want.view(np.int64))
    np.testing.assert_array_equal(_as_numbers(s).to_numpy().view(np.int64), want.view(np.int64))


@pytest.mark.parametrize(
    "text", ["-1", "+1", "1e3", "1234567890123456", "0x1F", "nan", "inf", "1,5"]
)
def test_other_number_text_is_left_to_pandas(text):
    from mktkit.schemas import _plain_decimals

    assert _plain_decimals(pd.Series(["1.5", text], dtype="str")) is None


def test_mixed_iso_forms_parse_and_keep_microseconds(valid_tables):
    df = valid_tables["events"].astype({"ts": "str"})
    df["ts"] = ["2026-10-01", "2026-10-01T09:00:00.250000", "2026-10-01 09:05:00", "2026-10-02"]
    out = validate(df, "events")
    assert out["ts"].tolist() == [
        pd.Timestamp("2026-10-01 00:00:00"),
        pd.Timestamp("2026-10-01 09:00:00.250000"),
        pd.Timestamp("2026-10-01 09:05:00"),
        pd.Timestamp("2026-10-02 00:00:00"),
    ]


# ---------------------------------------------------------------------------------------------
# one rule at a time: (table, column, 1-based row, bad value, words in the problem, shown value)

NEGATIVE = [
    ("channel_daily", c, -1) for c in ["impressions", "clicks", "leads", "orders", "new_customers"]
] + [
    ("channel_daily", "spend", -1.0),
    ("channel_daily", "revenue", -0.5),
    ("orders", "amount", -0.01),
    ("kpi_targets", "target", -5.0),
    ("nps", "score", -1),
    ("experiments", "users", -1),
    ("experiments", "conversions", -1),
    ("experiments", "planned_users", -10),
    ("campaigns", "budget", -100.0),
    ("campaigns", "goal_value", -1.0),
]


@pytest.mark.parametrize(("table", "column", "value"), NEGATIVE)
def test_negative_values_are_refused(valid_tables, table, column, value):
    # every table has at least 2 rows: put the bad value on row 2
    bad = with_value(valid_tables[table], 2, column, value)
    if (table, column) == ("channel_daily", "impressions"):
        bad = with_value(bad, 2, "clicks", -1)  # keep clicks <= impressions out of the way
        err = refuse(bad, table)
        problems = {p.column: p for p in err.problems}
        assert problems["impressions"].rows == {2: -1}
        return
    if (table, column) == ("channel_daily", "orders"):
        bad = with_value(bad, 2, "new_customers", -1)
        err = refuse(bad, table)
        assert {p.column: p.rows for p in err.problems}["orders"] == {2: -1}
        return
    if (table, column) == ("experiments", "users"):
        bad = with_value(bad, 2, "conversions", -1)
        err = refuse(bad, table)
        assert {p.column: p.rows for p in err.problems}["users"] == {2: -1}
        return
    err = refuse(bad, table)
    problem = only_problem(err)
    assert problem.table == table and problem.column == column
    assert problem.rows == {2: value}
    assert "negative" in problem.problem
    assert f"{table}.{column}" in str(err) and f"2 ({value!r})" in str(err)
    assert "Fix:" in str(err)


@pytest.mark.parametrize(
    ("table", "column", "value", "what"),
    [
        ("channel_daily", "spend", "abc", "number"),
        ("channel_daily", "spend", "1,234", "number"),
        ("channel_daily", "clicks", "many", "whole number"),
        ("channel_daily", "date", "2026-13-45", "ISO date"),
        ("channel_daily", "date", "10/01/2026", "ISO date"),
        ("events", "ts", "yesterday", "ISO timestamp"),
        ("customers", "signup_date", "2025-02-30", "ISO date"),
        ("orders", "amount", "¥199", "number"),
        ("orders", "order_date", "06.01.2025", "ISO date"),
        ("kpi_targets", "target", "1e", "number"),
        ("nps", "score", "7.5", "whole number"),
        ("nps", "score", 7.5, "whole number"),
        ("nps", "date", "2026-10-32", "ISO date"),
        ("experiments", "planned_share", "50%", "number"),
        ("campaigns", "start", "Nov 1", "ISO date"),
    ],
)
def test_values_of_the_wrong_type_name_row_and_value(valid_tables, table, column, value, what):
    bad = with_value(valid_tables[table], 2, column, value)
    err = refuse(bad, table)
    problem = only_problem(err)
    assert (problem.table, problem.column, problem.rows) == (table, column, {2: value})
    assert f"cannot be read as a{'n' if what.startswith('I') else ''} {what}" in str(err)
    assert f"rows: 2 ({value!r})" in str(err)


def test_a_float_score_is_refused_not_cut_to_an_integer(valid_tables):
    df = valid_tables["nps"].assign(score=[0.0, 10.0, 7.5, 9.0])
    problem = only_problem(refuse(df, "nps"))
    assert problem.column == "score" and problem.rows == {3: 7.5}
    # whole floats are fine and become int64
    assert validate(df.assign(score=[0.0, 10.0, 7.0, 9.0]), "nps")["score"].tolist() == [
        0,
        10,
        7,
        9,
    ]


@pytest.mark.parametrize(
    ("table", "column", "value", "words"),
    [
        ("nps", "score", 11, "at most 10"),
        ("experiments", "planned_share", 0.0, "above 0"),
        ("kpi_targets", "direction", "up", "one of 'higher', 'lower'"),
        ("kpi_targets", "direction", "Higher", "one of 'higher', 'lower'"),
        ("kpi_targets", "month", "2026-13", "matches"),
        ("kpi_targets", "month", "2026-1", "matches"),
        ("kpi_targets", "month", "2026/10", "matches"),
        ("kpi_targets", "month", "2026-10-01", "matches"),
    ],
)
def test_out_of_range_values(valid_tables, table, column, value, words):
    bad = with_value(valid_tables[table], 2, column, value)
    err = refuse(bad, table)
    if column == "planned_share":  # the shares of that experiment no longer sum to 1 either
        problems = {p.problem: p for p in err.problems}
        share = next(p for p in err.problems if words in p.problem)
        assert share.rows == {2: 0.0}
        assert problems["the planned_share values of one experiment do not sum to 1"].rows == {
            1: {"experiment": "checkout_button", "planned_share": 0.5},
            2: {"experiment": "checkout_button", "planned_share": 0.0},
        }
        return
    problem = only_problem(err)
    assert (problem.column, problem.rows) == (column, {2: value})
    assert words in problem.problem


def test_planned_share_above_one_is_refused(valid_tables):
    # 1.5 and -0.5 sum to 1, so only the range rules fire
    df = valid_tables["experiments"]
    df["planned_share"] = [1.5, -0.5, 0.25, 0.75]
    err = refuse(df, "experiments")
    rows = {p.problem: p.rows for p in err.problems}
    assert rows == {"must be at most 1": {1: 1.5}, "must be above 0": {2: -0.5}}
    assert "50% is 0.5" in str(err)


def test_shares_of_one_experiment_sum_to_one(valid_tables):
    df = valid_tables["experiments"]
    df["planned_share"] = [0.5, 0.5, 0.25, 0.5]  # banner: 0.25 + 0.5 = 0.75
    problem = only_problem(refuse(df, "experiments"))
    assert problem.column == "planned_share"
    assert list(problem.rows) == [3, 4]


@pytest.mark.parametrize(
    ("table", "column", "other", "row", "changes"),
    [
        ("channel_daily", "clicks", "impressions", 1, {"clicks": 10001}),
        ("channel_daily", "new_customers", "orders", 2, {"new_customers": 5}),
        ("experiments", "conversions", "users", 2, {"conversions": 1001}),
    ],
)
def test_subset_counts_may_not_exceed_their_total(valid_tables, table, column, other, row, changes):
    df = valid_tables[table]
    for col, value in changes.items():
        df = with_value(df, row, col, value)
    problem = only_problem(refuse(df, table))
    assert problem.column == column
    assert list(problem.rows) == [row]
    assert problem.rows[row][column] == changes[column]
    assert problem.rows[row][other] == valid_tables[table][other].iloc[row - 1]
    assert f"{column} exceed {other}" in problem.problem


def test_campaign_end_before_start(valid_tables):
    df = with_value(valid_tables["campaigns"], 2, "end", "2026-06-17")
    problem = only_problem(refuse(df, "campaigns"))
    assert problem.column == "end"
    assert problem.rows == {2: {"start": "2026-06-18", "end": "2026-06-17"}}
    assert "swapped" in problem.fix


@pytest.mark.parametrize(
    ("table", "keys", "row", "copy_of"),
    [
        ("channel_daily", ["date", "region", "channel"], 3, 1),
        ("customers", ["customer_id"], 3, 1),
        ("orders", ["order_id"], 2, 3),
        ("kpi_targets", ["month", "region", "metric"], 3, 1),
        ("nps", ["response_id"], 4, 2),
        ("experiments", ["experiment", "variant"], 4, 3),
        ("campaigns", ["campaign_id"], 2, 1),
    ],
)
def test_duplicate_keys_name_both_rows(valid_tables, table, keys, row, copy_of):
    df = valid_tables[table]
    for key in keys:
        df = with_value(df, row, key, df[key].iloc[copy_of - 1])
    err = refuse(df, table)
    dup = next(p for p in err.problems if "duplicate" in p.problem)
    assert dup.column == ", ".join(keys)
    assert sorted(dup.rows) == sorted([row, copy_of])
    key_text = ", ".join(str(df[k].iloc[copy_of - 1]) for k in keys)
    assert dup.rows[row] == key_text
    assert "may appear once" in dup.fix


def test_events_have_no_key(valid_tables):
    df = pd.concat([valid_tables["events"]] * 2, ignore_index=True)
    assert len(validate(df, "events")) == 8


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("channel_daily", "region"),
        ("channel_daily", "clicks"),
        ("events", "event"),
        ("events", "ts"),
        ("customers", "customer_id"),
        ("orders", "amount"),
        ("kpi_targets", "direction"),
        ("nps", "score"),
        ("campaigns", "start"),
    ],
)
def test_empty_cells_are_refused(valid_tables, table, column):
    bad = with_value(valid_tables[table], 2, column, None)
    problem = only_problem(refuse(bad, table))
    assert (problem.column, problem.rows, problem.problem) == (column, [2], "is empty")
    assert f"fill in {column}" in problem.fix


def test_empty_comment_is_allowed(valid_tables):
    out = validate(valid_tables["nps"], "nps")
    assert out["comment"].isna().tolist() == [False, True, False, False]


def test_missing_columns_are_one_problem(valid_tables):
    df = valid_tables["customers"].drop(columns=["signup_date", "region"]).assign(total=1.0)
    err = refuse(df, "customers")
    problem = only_problem(err)
    text = str(err)
    assert "missing column(s) 'signup_date', 'region'" in text
    assert "the table has 'customer_id', 'acquisition_channel', 'total'" in text
    assert problem.table == "customers"


def test_optional_columns_are_filled_and_said(valid_tables):
    # docs/data.md: orders may lack order_id (numbered by row), region (one region, "main")
    # and channel ("unknown"); events may lack channel, device and region ("unknown")
    orders = valid_tables["orders"].drop(columns=["order_id", "region", "channel"])
    out = validate(orders, "orders")
    assert out["order_id"].tolist() == ["1", "2", "3"]
    assert set(out["region"]) == {"main"} and set(out["channel"]) == {"unknown"}
    assert len(out.attrs["notes"]) == 3 and "numbered by its row" in out.attrs["notes"][0]
    events = validate(
        valid_tables["events"].drop(columns=["channel", "device", "region"]), "events"
    )
    assert (events[["channel", "device", "region"]] == "unknown").all().all()
    assert validate(valid_tables["orders"], "orders").attrs["notes"] == []


# ---------------------------------------------------------------------------------------------
# several problems at once


def test_several_problems_are_all_listed(valid_tables):
    df = valid_tables["channel_daily"].astype(str)
    df.loc[0, "spend"] = "abc"  # row 1: not a number
    df.loc[1, "date"] = "2026-13-45"  # row 2: not a date
    df.loc[2, "clicks"] = "-4"  # row 3: negative
    df.loc[3, "region"] = None  # row 4: empty
    df.loc[1, "new_customers"] = "9"  # row 2: more than its 4 orders
    err = refuse(df, "channel_daily")
    found = {(p.column, p.problem): p.rows for p in err.problems}
    assert found == {
        ("spend", "cannot be read as a number"): {1: "abc"},
        ("date", "cannot be read as an ISO date"): {2: "2026-13-45"},
        ("region", "is empty"): [4],
        ("clicks", "is negative"): {3: -4},
        ("new_customers", "new_customers exceed orders"): {2: {"new_customers": 9, "orders": 4}},
    }
    text = str(err)
    assert text.startswith("channel_daily: 5 problems")
    assert text.count("\n  - channel_daily.") == 5


def test_value_checks_still_run_next_to_an_unreadable_cell():
    # 'abc' stops pandera from checking the column; the rows after it are checked anyway
    df = pd.DataFrame(
        {
            "response_id": ["a", "b", "c", "d"],
            "date": ["2026-10-01"] * 4,
            "region": ["east"] * 4,
            "score": ["abc", "11", "7.5", "-2"],
            "comment": [None] * 4,
        }
    )
    err = refuse(df, "nps")
    found = {p.problem: p.rows for p in err.problems}
    assert found == {
        "cannot be read as a whole number": {1: "abc", 3: "7.5"},
        "must be at most 10": {2: 11},
        "is negative": {4: -2},
    }


def test_only_five_rows_are_shown_with_a_count_of_the_rest(valid_tables):
    df = pd.concat([valid_tables["orders"]] * 4, ignore_index=True)
    df["order_id"] = [f"{i:03d}" for i in range(12)]
    df["amount"] = [-1.0] * 12
    err = refuse(df, "orders")
    assert len(err.rows) == 12  # all rows are kept on the exception
    assert "rows: 1 (-1.0), 2 (-1.0), 3 (-1.0), 4 (-1.0), 5 (-1.0) and 7 more" in str(err)


def test_unknown_schema_and_non_frame_are_input_errors(valid_tables):
    with pytest.raises(InputError, match="unknown schema 'order'"):
        validate(valid_tables["orders"], "order")
    with pytest.raises(InputError, match="expected a pandas DataFrame"):
        validate([1, 2], "orders")


# ---------------------------------------------------------------------------------------------
# property: valid random rows always validate, with row count and order kept

_day = st.dates(
    min_value=pd.Timestamp("2024-11-01").date(), max_value=pd.Timestamp("2026-10-31").date()
)


@st.composite
def channel_rows(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    rows = []
    for i in range(n):
        impressions = draw(st.integers(0, 10**7))
        orders = draw(st.integers(0, 10**4))
        rows.append(
            {
                # the key is unique by construction: channel carries the row number
                "date": draw(_day).isoformat(),
                "region": draw(st.sampled_from(["east", "south", "north", "west"])),
                "channel": f"ch{i:03d}",
                "spend": draw(st.floats(0, 1e7, allow_nan=False)),
                "impressions": impressions,
                "clicks": draw(st.integers(0, impressions)),
                "leads": draw(st.integers(0, 10**5)),
                "orders": orders,
                "new_customers": draw(st.integers(0, orders)),
                "revenue": draw(st.floats(0, 1e8, allow_nan=False)),
            }
        )
    as_text = draw(st.booleans())  # as a CSV would deliver it, or already typed
    df = pd.DataFrame(rows)
    return df.astype(str) if as_text else df


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(channel_rows())
def test_any_valid_channel_table_validates_keeping_rows_and_order(df):
    out = validate(df, "channel_daily")
    assert len(out) == len(df)
    assert out["channel"].tolist() == df["channel"].tolist()
    assert out["clicks"].tolist() == [int(v) for v in df["clicks"]]
    assert (out["clicks"] <= out["impressions"]).all()


def test_group_rule_is_not_judged_on_a_partial_group(valid_tables):
    # row 2 is left out of the second pass (users empty); its experiment's shares still sum to
    # 0.5 + 0.5 = 1 over the whole table, so no share problem may be reported
    df = valid_tables["experiments"].astype({"users": "Int64"})
    df.loc[1, "users"] = pd.NA
    problem = only_problem(refuse(df, "experiments"))
    assert (problem.column, problem.rows) == ("users", [2])


def test_time_zone_aware_dates_are_converted_to_the_business_day(valid_tables):
    # 2025-01-05 17:00 UTC is 2025-01-06 01:00 in Shanghai; in Berlin, still the 5th
    dates = pd.to_datetime(["2025-01-05 17:00", "2026-10-01 00:00", "2025-02-11 00:00"])
    dates = dates.tz_localize("UTC")
    orders = valid_tables["orders"].assign(order_date=dates)
    shanghai = validate(orders, "orders")["order_date"]
    assert shanghai.tolist()[0] == pd.Timestamp("2025-01-06 01:00")
    berlin = validate(orders, "orders", timezone="Europe/Berlin")["order_date"]
    assert berlin.tolist()[0] == pd.Timestamp("2025-01-05 18:00")
    assert "converted to Asia/Shanghai" in validate(orders, "orders").attrs["notes"][0]


@pytest.mark.parametrize(
    "stamps",
    [
        ["2026-10-01T02:00:00Z", "2026-10-01 10:00:00+08:00", "2026-10-01T04:00:00+02:00"],
        ["2026-10-01T02:00:00.000Z", "2026-10-01T10:00:00+0800", "2026-10-01 10:00:00"],
    ],
)
def test_mixed_offsets_in_text_are_each_converted(valid_tables, stamps):
    # the same instant written three ways (a naive time is already the business day's)
    events = valid_tables["events"].iloc[:3].assign(ts=stamps)
    out = validate(events, "events")["ts"]
    assert out.tolist() == [pd.Timestamp("2026-10-01 10:00:00")] * 3


@pytest.mark.parametrize(
    ("values", "words", "declare"),
    [
        ([19970101, 19970102, 19970103], "look like yyyymmdd", "formats: order_date: yyyymmdd"),
        (["19970101", "19970102", "19970103"], "look like yyyymmdd", "order_date: yyyymmdd"),
        ([45566, 45567, 45600], "look like excel_serial", "order_date: excel_serial"),
        ([1727740800, 1727740801, 1727740900], "look like epoch_s", "order_date: epoch_s"),
        ([1727740800000000, 1727740800000001, 1727740800000002], "epoch_us", "epoch_us"),
        (["2026", "2025", "2026"], "holds years, not dates", "full dates YYYY-MM-DD"),
    ],
)
def test_numbers_in_a_date_column_are_refused_with_the_format_to_declare(
    valid_tables, values, words, declare
):
    err = refuse(valid_tables["orders"].assign(order_date=values), "orders")
    assert err.column == "order_date" and words in str(err) and declare in str(err)
    assert list(err.rows)[:3] == [1, 2, 3]


@pytest.mark.parametrize("partial", ["2026-10", "2026-10-1x", "10/2026"])
def test_a_partial_date_is_refused_not_read_as_the_first_day(valid_tables, partial):
    problem = only_problem(
        refuse(
            valid_tables["orders"].assign(order_date=["2025-01-06", partial, "2025-02-11"]),
            "orders",
        )  # fmt: skip
    )
    assert problem.column == "order_date" and problem.rows == {2: partial}


@pytest.mark.parametrize(
    ("ids", "dtype", "first"),
    [
        (["9007199255808339", "9007199255808340", "1"], "int64", 9007199255808339),
        ([2**62, 2**62 + 1, 3], "int64", 2**62),
        (["1234567890.1700000000", "1234567890.1700000001", "x"], "str", "1234567890.1700000000"),
        (["99999999999999999999", "1", "2"], "str", "99999999999999999999"),  # beyond int64
        (["7d8a9c1e-0000-4c5a-9c1e-1f2e3d4c5b6a", "u2", "u3"], "str", None),
    ],
)
def test_ids_are_kept_exact(valid_tables, ids, dtype, first):
    events = validate(valid_tables["events"].iloc[:3].assign(user_id=ids), "events")
    assert events["user_id"].dtype == dtype
    assert events["user_id"].tolist() == (ids if dtype == "str" else [int(i) for i in ids])
    if first is not None:
        assert events["user_id"].iloc[0] == first


def test_whole_numbers_beyond_a_floats_digits_stay_exact(valid_tables):
    cd = valid_tables["channel_daily"].astype(str)
    cd.loc[0, "impressions"] = str(2**53 + 1)
    assert validate(cd, "channel_daily")["impressions"].iloc[0] == 2**53 + 1
    cd.loc[0, "impressions"] = "9007199254740993.0"  # a float cannot hold it: refused
    problem = only_problem(refuse(cd, "channel_daily"))
    assert problem.column == "impressions" and problem.rows == {1: "9007199254740993.0"}


class MyOrders(Orders):
    """A user's own schema built on a contract table: extra columns with their own rules."""

    coupon: Series[str] = pa.Field(isin=["A", "B"])
    items: Series[int] = pa.Field(coerce=True, ge=1)


def test_a_users_own_model_gets_the_same_messages(valid_tables):
    df = valid_tables["orders"].assign(coupon=["A", "C", "B"], items=["2", "x", "0"])
    err = refuse(df, MyOrders)
    found = {(p.column, p.problem): p.rows for p in err.problems}
    # pandera's own int coercion stops at 'x', so 0 on row 3 is found by the second pass
    assert found == {
        ("coupon", "must be one of 'A', 'B'"): {2: "C"},
        ("items", "cannot be read as int64"): {2: "x"},
        ("items", "must be at least 1"): {3: 0},
    }
    assert "write items as int64 values" in str(err)


def test_a_table_of_repeats_keeps_the_first_rows_and_counts_them_all():
    # 3,000 rows that all repeat one of 1,500 order ids; the error keeps 100 rows, counts 3,000
    n = 3000
    df = pd.DataFrame(
        {
            "order_id": [f"O{i // 2:05d}" for i in range(n)],
            "customer_id": "C1",
            "order_date": "2026-10-01",
            "region": "east",
            "channel": "search",
            "amount": "10.00",
        }
    )
    err = refuse(df, "orders")
    assert err.column == "order_id"
    assert err.total_rows == n
    assert list(err.rows) == list(range(1, 101))
    assert err.rows[99] == "O00049"  # row 99 is the 98th from 0: id 49
    assert "and 2995 more" in str(err)


def test_unreadable_rows_beyond_the_kept_ones_are_left_out_of_the_second_pass():
    # 300 unreadable scores, then one score of 11: found once, not hidden by the cap on rows
    scores = ["abc"] * 300 + ["11", "5"]
    df = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(len(scores))],
            "date": "2026-10-01",
            "region": "east",
            "score": scores,
            "comment": None,
        }
    )
    err = refuse(df, "nps")
    found = {p.problem: p for p in err.problems}
    assert set(found) == {"cannot be read as a whole number", "must be at most 10"}
    assert found["cannot be read as a whole number"].total_rows == 300
    assert len(found["cannot be read as a whole number"].rows) == 100
    assert found["must be at most 10"].rows == {301: 11}
    assert found["must be at most 10"].total_rows == 1


def test_empty_keys_are_reported_as_empty_not_as_repeats(valid_tables):
    df = valid_tables["orders"].copy()
    df["order_id"] = [None, None, "x"]
    err = refuse(df, "orders")
    assert [(p.column, p.problem, p.rows) for p in err.problems] == [
        ("order_id", "is empty", [1, 2])
    ]
