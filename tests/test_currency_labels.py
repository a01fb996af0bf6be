"""What is shown fits the data: amounts in the data's currency, the user's labels of their
codes, codes never glued to Chinese words, p-values never "0.00", "no data" never 0.

Small frames built here; no report is rendered (the render tests do that)."""

from __future__ import annotations

import re
import string
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from mktkit.errors import InputError
from mktkit.formats import (
    current_currency,
    fmt_metric,
    fmt_money,
    fmt_p_value,
    use_currency,
)
from mktkit.i18n import (
    KINDS,
    check_labels,
    currency_words,
    glued_text,
    label,
    labels,
    term,
    use_labels,
    user_labels,
)
from mktkit.insights.text import TEXT, display_name, p_text, phrase, region_name
from mktkit.tables import (
    anomaly_table,
    budget_table,
    channel_table,
    format_table,
    funnel_change_table,
    headline_table,
    kpi_table,
    money_band,
    reason_text,
)

matplotlib.use("Agg")
NAN = float("nan")
# what must never appear on data in another currency; 元 alone is the yuan (美元 is the dollar)
CNY_WORDS = re.compile(r"¥|CNY|RMB|yuan|(?<!美)(?<!港)(?<!欧)(?<!日)元")


@pytest.fixture(autouse=True)
def _kit_defaults():
    """Every test starts from CNY and the kit's labels and leaves them so (a Review sets both
    for the rest of the process)."""
    with use_currency("CNY"), use_labels(None):
        yield


# ---------------------------------------------------------------------------------------------
# currency


def test_values_by_hand():
    # 76,109 dollars: "$" then the digits grouped by thousands, whole units
    assert fmt_money(76109, currency="USD") == "$76,109"
    assert fmt_money(76109.5, "zh", "USD") == "$76,110"  # .5 rounds away from zero
    assert fmt_money(24.9855, currency="EUR", digits=2) == "€24.99"
    assert fmt_money(1500, currency="SGD") == "SGD 1,500"  # no symbol: the code before
    assert fmt_money(1234567, "zh", "USD", compact=True) == "$123.46万"  # 123.4567 万


def test_use_currency_is_a_call_and_a_block():
    assert current_currency() == "CNY" and fmt_money(5) == "¥5"
    with use_currency("usd") as shown:  # lower case accepted, kept in capitals
        assert current_currency() == "USD" and repr(shown) == "<currency: USD>"
        assert fmt_money(5) == "$5" and fmt_metric("cac", 147.756) == "$147.76"
        with use_currency(None):  # None keeps the current one
            assert fmt_money(5) == "$5"
        assert fmt_money(5, currency="GBP") == "£5"  # one figure overrides it
    assert fmt_money(5) == "¥5"
    use_currency("JPY")  # a plain call holds on (the fixture restores CNY)
    assert fmt_money(5) == "JP¥5"


@pytest.mark.parametrize("bad", ["RMB", "US", "dollar", 840])
def test_bad_currency_refused(bad):
    with pytest.raises(InputError, match="currency"):
        use_currency(bad)
    with pytest.raises(InputError, match="currency"):
        fmt_money(1, currency=bad)


def _frames() -> dict[str, pd.DataFrame]:
    headline = pd.DataFrame(
        {
            "metric": ["revenue", "orders", "new_customers", "spend", "aov", "roas"],
            "current": [76109.0, 300, 120, 30000.0, 253.70, 2.54],
            "previous": [70000.0, 280, 100, 0.0, 250.0, NAN],  # zero spend: ROAS undefined
            "last_year": [NAN] * 6,  # before the data began: no data
            "direction": ["higher", "higher", "higher", "lower", "higher", "higher"],
        }
    )
    headline["change_vs_previous"] = headline["current"] / headline["previous"] - 1
    headline["change_vs_last_year"] = NAN
    kpis = pd.DataFrame(
        {
            "region": ["online", "east"],
            "metric": ["revenue", "cac"],
            "actual": [76109.0, 147.756],
            "target": [80000.0, 118.21],
            "attainment": [0.951, 0.8],
            "status": ["amber", "red"],
        }
    )
    channels = pd.DataFrame(
        {
            "channel": ["tmall", "search"],
            "spend": [1000.0, 2000.0],
            "revenue": [4500.0, 3000.0],
            "roas": [4.5, 1.5],
            "cpc": [1.234, 2.5],
            "cac": [25.0, 50.0],
        }
    )
    budget = pd.DataFrame(
        {
            "channel": ["tmall"],
            "current_spend": [1000.0],
            "suggested_spend": [700.0],
            "change_share": [-0.3],
            "marginal_roas_current": [1.1],
            "marginal_roas_suggested": [1.2],
            "expected_revenue_change": [-330.0],
            "reason": ["cut_to_floor"],
        }
    )
    budget.attrs.update(common_marginal_roas=3.2, expected_revenue_change=450.0)
    flags = pd.DataFrame(
        {
            "channel": ["tmall"],
            "metric": ["revenue"],
            "date": pd.to_datetime(["2026-10-14"]),
            "value": [21.0],
            "expected": [1825.3],
            "relative_deviation": [-0.988],
            "z": [-24.1],
            "direction": ["down"],
        }
    )
    return {"headline": headline, "kpis": kpis, "channels": channels, "budget": budget,
            "flags": flags}  # fmt: skip


def _pages(lang: str, currency: str | None = None) -> dict[str, str]:
    f = _frames()
    return {
        "headline": headline_table(f["headline"], lang, currency=currency),
        "kpi": kpi_table(f["kpis"], lang, currency=currency),
        "channel": channel_table(
            f["channels"], lang, ("spend", "revenue", "roas", "cpc", "cac"), currency=currency
        ),  # fmt: skip
        "budget": budget_table(f["budget"], lang, currency=currency),
        "anomaly": anomaly_table(f["flags"], lang, currency=currency),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_functions_show_usd(lang):
    for how in ("argument", "block"):
        if how == "argument":
            pages = _pages(lang, "USD")
        else:
            with use_currency("USD"):
                pages = _pages(lang)
        for name, page in pages.items():
            assert "$" in page, (how, name)
            assert not CNY_WORDS.search(page), (how, name, CNY_WORDS.search(page).group(0))
        assert "$76,109" in pages["headline"] and "$253.70" in pages["headline"]
        assert "$147.76" in pages["kpi"] and "$118.21" in pages["kpi"]
        assert "$1.23" in pages["channel"] and "$4,500" in pages["channel"]
        assert "$700" in pages["budget"] and "$450" in pages["budget"]  # the caption too
        assert "$1,825" in pages["anomaly"]
    # the currency argument was for that call only
    assert "¥76,109" in _pages(lang)["headline"]


def test_sentences_name_one_unit_of_the_currency():
    row = {"reason": "cut_to_floor", "marginal_roas_current": 1.148, "common_marginal_roas": 3.2}
    assert "the next dollar returns only 1.15" in reason_text(row, "en", currency="USD")
    assert "下一美元仅带来 1.15" in reason_text(row, "zh", currency="USD")
    assert "下一元仅带来" in reason_text(row, "zh")
    with use_currency("EUR"):
        assert "every channel's next euro returns" in phrase("budget_balanced", "en", common="2")
        assert "下一欧元的回报" in phrase("budget_balanced", "zh", common="2")
    with use_currency("SGD"):  # no name of its own: the code, apart from the Chinese words
        zh = phrase("budget_balanced", "zh", common="2")
        assert "下一 SGD 的回报" in zh and glued_text(zh) == []


def test_format_table_in_usd():
    df = pd.DataFrame(
        {
            "region": ["online"],
            "revenue": [1234567.5],
            "aov": [24.985],
            "spend": [123456789.0],
            "value_band": ["<24.9855"],
            "p_value": [6.7e-4],
        }
    )
    kinds = {"region": "label", "revenue": "money", "aov": "money_cents",
             "spend": "money_compact", "value_band": "money_band", "p_value": "p_value"}  # fmt: skip
    en = format_table(df, kinds, "en", currency="USD")
    assert en.iloc[0].tolist() == ["online", "$1,234,568", "$24.99", "$123.46M", "<$24.99",
                                   "<0.001"]  # fmt: skip
    assert "Average order value (USD)" in en.columns
    zh = format_table(df, kinds, "zh", currency="USD")
    assert zh.iloc[0].tolist()[1:4] == ["$1,234,568", "$24.99", "$1.23亿"]
    assert "客单价（美元）" in zh.columns
    for shown in (en, zh):
        text = " ".join([*shown.columns, *shown.iloc[0].tolist()])
        assert not CNY_WORDS.search(text), text
    # without currency=: the current one
    assert format_table(df, kinds, "zh").iloc[0, 1] == "¥1,234,568"
    assert "客单价（元）" in format_table(df, kinds, "zh").columns


def test_value_bands_are_rounded_like_the_figures():
    assert money_band("<24.9855") == "<¥24.99"
    assert money_band("24.9855-60") == "¥24.99-¥60.00"
    assert money_band("60+", "zh") == "¥60.00+"
    with use_currency("USD"):
        assert money_band("24.9855+") == "$24.99+"
    assert money_band("1-2 orders") == "1-2 orders"  # not a band of amounts: as it is


def test_money_axes_carry_the_symbol():
    from mktkit.plots import plot_monthly_totals, plot_response_curves

    totals = pd.DataFrame({"month": ["2026-09", "2026-10"], "revenue": [50000.0, 76109.0]})
    with use_currency("USD"):
        ax = plot_monthly_totals(totals, highlight="2026-10")
    ax.figure.canvas.draw()  # drawn after the block: the figure keeps its currency
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all(t.startswith("$") for t in ticks if t != "$0"), ticks
    plt.close(ax.figure)
    curves = pd.DataFrame({"channel": ["tmall"], "a": [1000.0], "b": [50.0], "spend_max": [300.0],
                           "current_spend": [100.0], "fit_ok": [True]})  # fmt: skip
    with use_currency("EUR"):
        ax = plot_response_curves(curves, lang="zh")
    ax.figure.canvas.draw()
    for axis in (ax.xaxis, ax.yaxis):
        shown = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
        assert shown and all(t.startswith("€") for t in shown), shown
    plt.close(ax.figure)


def test_headline_periods_without_data_say_so():
    page = headline_table(_frames()["headline"], "zh")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    # 6 metrics x (this month, previous, change, last year, change)
    last_year = cells[3::5]
    assert last_year == ["无数据"] * 6  # not ¥0, not 0
    roas_previous = cells[5 * 5 + 1]
    assert roas_previous == "—"  # zero spend the month before: ROAS undefined, not "no data"
    assert "No data" in headline_table(_frames()["headline"], "en")


# ---------------------------------------------------------------------------------------------
# labels


def test_user_labels_override_the_kits():
    with use_labels({"east": "华东大区", "online": {"zh": "线上商城", "en": "Online store"},
                     "tmall": {"en": "Tmall"}}):  # fmt: skip
        assert label("east", "zh") == label("east", "en") == "华东大区"
        assert label("east", "zh", kind="region") == "华东大区"
        assert label("online", "zh") == "线上商城" and label("online", "en") == "Online store"
        assert label("tmall", "zh") == "Tmall"  # zh left out: the English text
        assert term("tmall", "zh") == "“Tmall”"  # ... which a Chinese sentence quotes
        assert labels("zh", kind="region")["east"] == "华东大区"
        assert labels("zh")["online"] == "线上商城"
        assert user_labels()["online"] == ("Online store", "线上商城")
        shown = format_table(pd.DataFrame({"region": ["east", "online", "west"]}),
                             {"region": "label"}, "zh")  # fmt: skip
        assert shown.iloc[:, 0].tolist() == ["华东大区", "线上商城", "华西"]
        assert region_name("online", "zh") == "线上商城"
    assert label("east", "zh") == "华东" and label("online", "zh") == "online"
    # another call replaces the labels; None is the kit's only
    use_labels({"west": "西区"})
    assert label("west", "zh") == "西区" and user_labels() == {"west": ("西区", "西区")}
    use_labels(None)
    assert label("west", "zh") == "华西"


@pytest.mark.parametrize(
    ("labels_block", "words"),
    [
        ({618: "大促"}, r"labels\.618: the code 618 is not text.*Fix: write the code in quotes"),
        ({False: "挪威"}, r"labels\.False: the code False is not text"),
        ({"online": ""}, r"labels\.online: the label is '', not text. Fix: write the name"),
        ({"online": ["线上"]}, r"labels\.online: the label is \['线上'\], not text"),
        ({"online": None}, r"labels\.online: the label is None"),
        ({"online": 3}, r"labels\.online: the label is 3"),
        (
            {"online": {"cn": "线上"}},
            r"labels\.online: 'cn' is not a language.*Fix: write the "
            r"names under zh: and en:",
        ),  # fmt: skip
        ({"online": {}}, r"labels\.online: the label names no language"),
        ({"online": {"zh": 5}}, r"labels\.online: the label in zh is 5, not text"),
        (["online"], r"labels: labels must map each code to its name, got list"),
    ],
)
def test_invalid_labels_refused(labels_block, words):
    with pytest.raises(InputError, match=words):
        check_labels(labels_block)
    with pytest.raises(InputError, match=words):
        use_labels(labels_block)
    assert user_labels() == {}  # nothing half applied


def test_labels_error_names_the_line_of_a_yaml_mapping():
    class YamlLike(dict):  # what mktkit.data.yamlfile.YamlMap offers
        def line_of(self, key):
            return 7

    with pytest.raises(InputError, match=r"labels\.online: line 7: the label is ''"):
        check_labels(YamlLike(online=""))


def test_unlabelled_codes_are_quoted_in_chinese_sentences():
    assert term("online", "zh") == "“online”" and term("online", "en") == "online"
    assert term("east", "zh") == "华东" and term("华东区", "zh") == "华东区"
    assert term("new_customers", "zh", "metric") == "新客数"
    who, metric = region_name("online", "zh"), display_name("new_customers", "zh", "metric")
    kpi = phrase("kpi_higher", "zh", who=who, metric=metric, att="80.0%", actual="80",
                 target="100", status="未达标")  # fmt: skip
    assert kpi.startswith("“online”新客数完成目标") and glued_text(kpi) == []
    win = phrase("exp_win", "zh", experiment="hero_v2", variant=display_name("test", "zh"),
                 rate_t="7.2%", rate_c="6.1%", lift="+18.7%", p=p_text(6.7e-4))  # fmt: skip
    assert "“test”转化率" in win and "p < 0.001" in win and glued_text(win) == []
    # the same with labels: the user's name, no quotes
    with use_labels({"online": {"zh": "线上商城"}, "test": {"zh": "新版"}}):
        assert region_name("online", "zh") == "线上商城"
        assert display_name("test", "zh") == "新版"


def test_glued_text_finds_codes_glued_to_chinese():
    assert glued_text("online新客数，test转化率") == ["online新", "test转"]
    assert glued_text("转化率test") == ["率test"]
    assert glued_text("“online”新客数，广告支出回报率 (ROAS) 2.54，KPI 达成情况") == []
    # accepted units: 万, 亿 and 个百分点 right after a number
    assert glued_text("¥123.46万，¥1.23亿，−3.5个百分点") == []
    assert glued_text("3个月") == ["3个"]  # 个 alone is no accepted unit
    page = "<style>p{font:x}</style><tr><th>online</th><td>新客数</td></tr><p><b>12</b>位</p>"
    assert glued_text(page, markup=True) == ["12位"]  # cells apart, inline tags joined
    assert glued_text("<p>A&amp;B 新客</p>", markup=True) == []


def test_no_kit_label_glues_latin_to_chinese():
    for kind in KINDS:
        for code, text in labels("zh", kind=kind).items():
            assert glued_text(text) == [], (kind, code, text)


# placeholders that hold a name (a code's label or a word); the others hold numbers, dates,
# percentages or phrases that begin with punctuation
NAMES = {"who", "metric", "channel", "variant", "a_step", "b_step", "a_low", "region", "best",
         "cut", "raised", "status", "moved", "cost"}  # fmt: skip


# placeholders that hold a phrase of TEXT, filled in turn
PHRASES = {"around": "around", "streak": "channel_streak", "also": "anomaly_also",
           "overlap": "nps_overlap", "share": "dormant_share"}  # fmt: skip


def _filled(template: str, name: str, phrases: bool = True) -> str:
    keys = {k for _, k, _, _ in string.Formatter().parse(template) if k}
    values = {k: name if k in NAMES else "12" for k in keys}
    if phrases:
        values |= {k: _filled(TEXT[PHRASES[k]][1], name, False) for k in keys if k in PHRASES}
    return template.format(**{**values, **currency_words("zh")})


@pytest.mark.parametrize("currency", ["CNY", "USD", "SGD"])
def test_no_chinese_sentence_glues_a_code_or_a_number(currency):
    templates = {k: zh for k, (_, zh) in TEXT.items()}
    with use_currency(currency):
        for kind in ("report", "monitoring"):  # the lessons and reasons filled by the kit
            templates |= {k: v for k, v in labels("zh", kind=kind).items() if "{" in v}
        for key, template in templates.items():
            # an unlabelled code as term() shows it, or a Chinese name; a number elsewhere
            for name in (term("online", "zh"), "华东"):
                text = _filled(template, name)
                assert glued_text(text) == [], (key, text)


# ---------------------------------------------------------------------------------------------
# a review shows what its data say


def test_review_takes_currency_and_labels_from_its_data():
    from mktkit.review.base import Review

    class Folder(dict):  # what mk.load_data gives: tables, currency, the checked mktkit.yaml
        currency = "USD"
        config = SimpleNamespace(labels={"online": {"zh": "线上商城", "en": "Online store"}})

    review = Review("zh", data=Folder(orders=pd.DataFrame({"amount": [1.0]})))
    assert review.currency == current_currency() == "USD"
    assert (
        fmt_money(76109) == "$76,109" and label("value_band", "en") == "Average order value (USD)"
    )
    assert label("online", "zh") == "线上商城"
    # a review of data without mktkit.yaml: CNY and the kit's labels, nothing kept from before
    Review("zh", data={"orders": pd.DataFrame({"amount": [1.0]})})
    assert current_currency() == "CNY" and label("online", "zh") == "online"


# ---------------------------------------------------------------------------------------------
# p-values


def test_p_values():
    assert fmt_p_value(6.7e-4) == "<0.001"  # the "p值 0.00" of the issue
    assert fmt_p_value(1.6e-09) == "<0.001"
    assert fmt_p_value(0.001) == "0.001"  # at the floor: three decimals
    assert fmt_p_value(0.0421) == "0.042"
    assert fmt_p_value(0.0425) == "0.043"  # half away from zero
    assert fmt_p_value(np.float64(0.45)) == "0.450"
    assert fmt_p_value(None) == fmt_p_value(NAN) == "—"
    assert p_text(6.7e-4) == "p < 0.001" and p_text(0.0421) == "p = 0.042"
    shown = format_table(pd.DataFrame({"p_value": [6.7e-4, 0.2, NAN]}), {"p_value": "p_value"},
                         "zh")  # fmt: skip
    assert shown.iloc[:, 0].tolist() == ["<0.001", "0.200", "—"]
    assert list(shown.columns) == ["p 值"]


def test_funnel_change_table_p_values():
    change = pd.DataFrame(
        {
            "step": ["checkout", "pay_ok"],
            "users_a": [200, 120],
            "users_b": [200, 60],
            "conversion_a": [1.0, 0.6],
            "conversion_b": [1.0, 0.3],
            "difference": [0.0, -0.3],
            "p_value": [NAN, 6.7e-4],
            "new_leak": [False, True],
        }
    )
    page = funnel_change_table(change, "zh")
    assert "&lt;0.001" in page and "0.00<" not in page
