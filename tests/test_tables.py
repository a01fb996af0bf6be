"""Display formatting, against values worked by hand (each in a comment)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from mktkit.errors import InputError
from mktkit.tables import (
    MISSING,
    fmt_change,
    fmt_int,
    fmt_money,
    fmt_number,
    fmt_percent,
    fmt_pp,
    format_table,
    status_css,
)

MINUS = "\u2212"
UNDEFINED = [None, float("nan"), np.nan, pd.NA, pd.NaT, float("inf"), -np.inf]


@pytest.mark.parametrize("value", UNDEFINED)
def test_missing_and_undefined_values_show_a_dash(value):
    assert MISSING == "—"
    assert fmt_money(value) == MISSING
    assert fmt_money(value, "zh", compact=True) == MISSING
    assert fmt_int(value) == MISSING
    assert fmt_number(value) == MISSING
    assert fmt_percent(value) == MISSING
    assert fmt_change(value) == MISSING
    assert fmt_pp(value, "zh") == MISSING


def test_rounding_is_half_up_on_the_decimal_repr():
    # The binary float 2.675 is 2.67499999999999982236431605997495353221893310546875, so
    # Python's own formatting rounds it down; we round what the reader sees, "2.675", up.
    assert f"{2.675:.2f}" == "2.67"
    assert fmt_number(2.675) == "2.68"
    assert fmt_money(2.675, digits=2) == "¥2.68"
    # 1.25 is exact in binary and Python rounds half to even ("1.2"); half up gives 1.3.
    assert f"{1.25:.1f}" == "1.2"
    assert fmt_percent(0.0125) == "1.3%"  # 0.0125 x 100 = 1.25 -> 1.3
    assert fmt_percent(0.125, digits=0) == "13%"  # 12.5 -> 13 (half even: 12)
    assert fmt_int(2.5) == "3"  # half even: 2
    assert fmt_int(-2.5) == MINUS + "3"  # half away from zero
    assert fmt_pp(-0.0345, "zh") == MINUS + "3.5个百分点"  # 3.45 -> 3.5 (half even: 3.4)
    assert fmt_money(Decimal("2.675"), digits=2) == "¥2.68"


def test_fmt_money():
    assert fmt_money(1234567.5) == "¥1,234,568"  # .5 rounds up
    assert fmt_money(1234567.5, "zh") == "¥1,234,568"
    assert fmt_money(1234567.4) == "¥1,234,567"
    assert fmt_money(-2.675, digits=2) == MINUS + "¥2.68"
    assert fmt_money(-0.004, digits=2) == "¥0.00"  # rounds to zero: no sign
    assert fmt_money(0) == "¥0"
    assert fmt_money(1500, currency="USD") == "$1,500"
    assert fmt_money(1500, currency="SGD") == "SGD 1,500"
    assert fmt_money(np.float64(99.5)) == "¥100"
    assert fmt_money(10**20) == "¥100,000,000,000,000,000,000"  # no precision lost
    with pytest.raises(InputError, match="currency 'yuan'"):
        fmt_money(1, currency="yuan")


def test_fmt_money_compact():
    # 123,456,789 / 10^8 = 1.23456789 亿 -> 1.23; 1,234,567 / 10^4 = 123.4567 万 -> 123.46
    assert fmt_money(123456789, "zh", compact=True) == "¥1.23亿"
    assert fmt_money(1234567, "zh", compact=True) == "¥123.46万"
    assert fmt_money(-56789, "zh", compact=True) == MINUS + "¥5.68万"  # 5.6789 -> 5.68
    assert fmt_money(9876, "zh", compact=True) == "¥9,876"  # below 1 万: plain
    # 99,999,999 is 0.99999999 亿, which rounds to 1.00 亿, not to "10,000.00万"
    assert fmt_money(99999999, "zh", compact=True) == "¥1.00亿"
    assert fmt_money(1234567, "en", compact=True) == "¥1.23M"
    assert fmt_money(2.5e9, "en", compact=True) == "¥2.50B"
    assert fmt_money(45678, "en", compact=True, digits=1) == "¥45.7K"  # 45.678 -> 45.7
    assert fmt_money(994, "en", compact=True) == "¥994"


def test_fmt_int():
    assert fmt_int(1234567.5) == "1,234,568"
    assert fmt_int(np.int64(12345)) == "12,345"
    assert fmt_int(-1234) == MINUS + "1,234"
    assert fmt_int(45678, "zh", compact=True) == "4.57万"  # 4.5678 -> 4.57
    assert fmt_int(10**8, "zh", compact=True) == "1.00亿"
    assert fmt_int(3_400_000, "en", compact=True) == "3.40M"
    assert fmt_int(950, "zh", compact=True) == "950"


def test_fmt_percent_and_number():
    assert fmt_percent(0.1234) == "12.3%"
    assert fmt_percent(0.1 + 0.2) == "30.0%"  # 0.30000000000000004
    assert fmt_percent(1) == "100.0%"
    assert fmt_percent(-0.05) == MINUS + "5.0%"
    assert fmt_percent(0.12345, digits=2) == "12.35%"  # 12.345 -> 12.35
    assert fmt_number(3.456) == "3.46"
    assert fmt_number(-1234.5, 0) == MINUS + "1,235"


def test_fmt_change():
    assert fmt_change(0.123) == "+12.3%"
    assert fmt_change(-0.04) == MINUS + "4.0%"
    assert fmt_change(0.0) == "0.0%"
    assert fmt_change(-0.0004) == "0.0%"  # -0.04% rounds to 0.0: no "−0.0%"
    assert fmt_change(0.0005) == "+0.1%"  # 0.05 -> 0.1
    assert fmt_change(2.5, digits=0) == "+250%"


def test_fmt_pp():
    # a rate going from 0.100 to 0.112 is +1.2 percentage points (the float difference is
    # 0.012000000000000004)
    assert fmt_pp(0.112 - 0.100) == "+1.2 pp"
    assert fmt_pp(0.012, "zh") == "+1.2个百分点"
    assert fmt_pp(-0.005) == MINUS + "0.5 pp"
    assert fmt_pp(0.0) == "0.0 pp"


def test_bad_arguments_are_refused():
    with pytest.raises(InputError, match="'12%' is not a number"):
        fmt_percent("12%")
    with pytest.raises(InputError, match="not a number"):
        fmt_int(True)
    with pytest.raises(InputError, match="digits"):
        fmt_percent(0.1, digits=-1)
    with pytest.raises(InputError, match="lang"):
        fmt_money(1, "de")
    with pytest.raises(InputError, match="lang"):
        fmt_pp(0.01, "EN")


@pytest.fixture
def kpi_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["east", "north", "my_region"],
            "metric": ["cac", "revenue", "roas"],
            "date": pd.to_datetime(["2026-10-31", "2026-10-31", None]),
            "actual": [125.0, 8_500_000.0, np.nan],
            "attainment": [0.8, 0.85, np.nan],
            "change": [0.0125, -0.04, np.nan],
            "status": ["red", "RED", None],
            "note": ["R&D <pilot>", None, "ok"],
        },
        index=[10, 11, 12],
    )


FORMATS = {
    "region": "label",
    "metric": "label",
    "date": "date",
    "actual": "money_compact",
    "attainment": "percent",
    "change": "change",
    "status": "status",
}


def test_format_table_zh(kpi_rows):
    shown = format_table(kpi_rows, FORMATS, "zh")
    assert list(shown.columns) == ["区域", "指标", "日期", "实际值", "达成率", "变化", "状态",
                                   "note"]  # fmt: skip
    assert list(shown.index) == [10, 11, 12]
    assert all(str(dtype) == "str" for dtype in shown.dtypes)
    assert shown.loc[10].tolist() == ["华东", "获客成本 (CAC)", "2026-10-31", "¥125", "80.0%",
                                      "+1.3%", "未达标", "R&D <pilot>"]  # fmt: skip
    # 8,500,000 = 850 万; 0.85 -> 85.0%; -0.04 -> −4.0%; a missing note is a dash
    assert shown.loc[11].tolist() == ["华北", "销售额", "2026-10-31", "¥850.00万", "85.0%",
                                      MINUS + "4.0%", "未达标", "—"]  # fmt: skip
    # unknown codes pass through; missing date, numbers and status: dash, dash, "无数据"
    assert shown.loc[12].tolist() == ["my_region", "广告支出回报率 (ROAS)", "—", "—", "—", "—",
                                      "无数据", "ok"]  # fmt: skip


def test_format_table_en_and_callables(kpi_rows):
    shown = format_table(kpi_rows, {**FORMATS, "actual": lambda x: f"<{x}>"}, "en")
    assert list(shown.columns)[:3] == ["Region", "Metric", "Date"]
    assert shown["Region"].tolist() == ["East", "North", "my_region"]
    assert shown["Actual"].tolist() == ["<125.0>", "<8500000.0>", "<nan>"]
    assert shown["Status"].tolist() == ["Off track", "Off track", "No data"]
    assert kpi_rows["actual"].iloc[0] == 125.0  # the input is not changed


def test_format_table_refuses_bad_formats(kpi_rows):
    with pytest.raises(InputError, match="format_table: missing column.*'spend'"):
        format_table(kpi_rows, {"spend": "money"})
    with pytest.raises(InputError, match="format: 'currency'.*'money'"):
        format_table(kpi_rows, {"actual": "currency"})
    with pytest.raises(InputError, match="same translated header"):
        format_table(pd.DataFrame({"cvr": [0.1], "conversion_rate": [0.1]}), {}, "zh")


def test_status_css_tints():
    # green #009E73 mixed 25% with white: 255 - (255 - c) / 4 per channel
    # R 255 - 63.75 = 191.25 -> BF, G 255 - 24.25 = 230.75 -> E7, B 255 - 35 = 220 -> DC
    assert status_css(pd.Series(["green", "no_target", pd.NA])) == [
        "background-color: #BFE7DC; color: #222222",
        "background-color: #EEEEEE; color: #222222",  # #BBBBBB: 255 - 68 / 4 = 238
        "background-color: #EEEEEE; color: #222222",
    ]
