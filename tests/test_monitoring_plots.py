"""Monitoring figures and report tables: each draws what its input says (bars, points, lines at
the right values and colours), in English and Chinese without missing glyphs, and every text
in the HTML tables is escaped."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from mktkit import plots
from mktkit.anomalies import detect_anomalies
from mktkit.channels import budget_reallocation
from mktkit.errors import InputError
from mktkit.i18n import label as mlabel
from mktkit.kpi import kpi_attainment, pacing_curve
from mktkit.plots.axes import title_y
from mktkit.style import STATUS_COLORS, theme_context
from mktkit.tables.monitoring import (
    anomaly_table,
    budget_table,
    channel_table,
    kpi_table,
)

LANGS = ["en", "zh"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def draw_without_missing_glyphs(ax, lang: str) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")
        ax.figure.canvas.draw()


def _attainment() -> pd.DataFrame:
    a = pd.DataFrame(
        {
            "region": ["east", "north", "west"],
            "metric": ["cac", "revenue", "orders"],
            "actual": [147.76, 223_886.83, 349.0],
        }
    )
    t = a.drop(columns="actual").assign(target=[118.21, 263_400.0, 340.0])
    return kpi_attainment(a, t)


def _curves() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": ["search", "display", "kol"],
            "a": [9000.0, 3000.0, 5000.0],
            "b": [2000.0, 3000.0, 1500.0],
            "current_spend": [1800.0, 2200.0, 1400.0],
            "spend_max": [2100.0, 2500.0, 1700.0],
            "fit_ok": [True, True, False],
            "fit_note": ["", "", "no_response"],
        }
    )


@pytest.mark.parametrize("lang", LANGS)
def test_kpi_bullets_draw_one_bar_per_kpi_in_its_status_colour(lang):
    att = _attainment()  # sorted by region: east cac (red), north revenue (red), west (green)
    with theme_context(lang):
        ax = plots.plot_kpi_bullets(att, lang=lang)
        draw_without_missing_glyphs(ax, lang)
    bars = ax.containers[0]
    assert len(bars) == 3
    widths = [b.get_width() for b in bars]
    assert widths == pytest.approx([118.21 / 147.76, 223_886.83 / 263_400, 349 / 340])
    assert [to_hex(b.get_facecolor()).upper() for b in bars] == [
        STATUS_COLORS["red"],
        STATUS_COLORS["red"],
        STATUS_COLORS["green"],
    ]
    words = {t.get_text().split()[0] for t in ax.texts}
    assert words == {mlabel("red", lang).split()[0], mlabel("green", lang).split()[0]}
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.get_lines())  # target


def test_pacing_plot_draws_actual_target_line_and_projection():
    days = pd.date_range("2026-10-01", "2026-10-10")
    curve = pacing_curve(
        pd.DataFrame({"date": days, "revenue": 1200.0}), 31_000, "2026-10-01", "2026-10-31"
    )
    ax = plots.plot_pacing(curve, metric="revenue")
    lines = {line.get_label(): line for line in ax.get_lines()}
    actual = lines[mlabel("cumulative_actual", "en")].get_ydata()
    assert np.nanmax(actual) == pytest.approx(12_000)
    assert lines[mlabel("run_rate_projection", "en")].get_ydata()[-1] == pytest.approx(37_200)
    assert any(list(line.get_ydata()) == [31_000, 31_000] for line in ax.get_lines())


@pytest.mark.parametrize("lang", LANGS)
def test_channel_efficiency_places_each_channel_at_spend_and_roas(lang):
    perf = pd.DataFrame(
        {
            "channel": ["search", "display"],
            "spend": [50_000.0, 68_000.0],
            "roas": [4.5, 1.1],
            "revenue": [225_000.0, 74_800.0],
        }
    )
    with theme_context(lang):
        ax = plots.plot_channel_efficiency(perf, lang=lang)
        draw_without_missing_glyphs(ax, lang)
    points = ax.collections[0]
    assert points.get_offsets().tolist() == [[50_000.0, 4.5], [68_000.0, 1.1]]
    sizes = points.get_sizes()
    assert sizes[1] / sizes[0] == pytest.approx(74_800 / 225_000)  # area follows revenue
    assert any(list(line.get_ydata()) == [1.0, 1.0] for line in ax.get_lines())  # break-even


@pytest.mark.parametrize("lang", LANGS)
def test_response_curves_mark_current_and_suggested_spend(lang):
    curves = _curves()
    alloc = budget_reallocation(curves, days=30)
    with theme_context(lang):
        ax = plots.plot_response_curves(curves, alloc, lang=lang)
        draw_without_missing_glyphs(ax, lang)
    marks = [line for line in ax.get_lines() if line.get_marker() in ("o", "^")]
    current = sorted(line.get_xdata()[0] for line in marks if line.get_marker() == "o")
    assert current == pytest.approx(sorted([1800.0, 2200.0, 1400.0]))
    suggested = sorted(line.get_xdata()[0] for line in marks if line.get_marker() == "^")
    ok = alloc[alloc["fit_ok"]]
    assert suggested == pytest.approx(sorted(ok["suggested_spend"] / 30))  # per day
    kol = [line for line in ax.get_lines() if str(line.get_label()).startswith(mlabel("kol", lang))]
    assert kol[0].get_linestyle() == "--"  # the poor fit is dashed and says so
    assert mlabel("poor_fit", lang) in kol[0].get_label()


def test_anomaly_plot_marks_the_flags():
    days = pd.date_range("2026-09-01", periods=56)
    y = np.tile([100.0, 102, 98, 101, 99, 130, 128], 8) + np.arange(56) % 3
    y[50] = 3.0
    df = pd.DataFrame({"date": days, "region": "south", "clicks": y})
    r = detect_anomalies(df, value="clicks", by="region", flags_only=False)
    ax = plots.plot_anomalies(r, region="south", metric="clicks")
    drops = ax.collections[0]
    assert drops.get_offsets()[:, 1].tolist() == [3.0]
    assert len(ax.get_lines()) == 2  # value and expected
    two = pd.concat([r, r.assign(region="east")])
    with pytest.raises(InputError, match="exactly one series"):
        plots.plot_anomalies(two)
    with pytest.raises(InputError, match="flags_only=False"):
        plots.plot_anomalies(r.drop(columns="anomaly"))


def _pixels(ax) -> bytes:
    ax.figure.canvas.draw()
    return bytes(ax.figure.canvas.buffer_rgba())


@pytest.mark.parametrize("lang", LANGS)
def test_a_pinned_title_is_drawn_where_matplotlib_would_place_it(lang):
    # A figure a plot function makes has its title pinned at the top of the axes (title_y),
    # which spares matplotlib measuring the y axis again at every draw. The pixels must be
    # those of matplotlib's own placement, which the caller's ax= keeps.
    from mktkit.surveys import nps

    days = pd.date_range("2026-09-01", periods=56)
    y = np.tile([100.0, 102, 98, 101, 99, 130, 128], 8)
    y[50] = 3.0
    anomalies = detect_anomalies(
        pd.DataFrame({"date": days, "region": "south", "clicks": y}),
        value="clicks",
        by="region",
        flags_only=False,
    )
    perf = pd.DataFrame(
        {"channel": ["search", "display"], "spend": [5e4, 6.8e4], "roas": [4.5, 1.1],
         "revenue": [2.25e5, 7.48e4]}
    )  # fmt: skip
    scores = pd.DataFrame({"region": ["east"] * 40 + ["west"] * 30, "score": [10, 3] * 35})
    cases = [
        (plots.plot_kpi_bullets, (_attainment(),), {}),
        (plots.plot_channel_efficiency, (perf,), {}),
        (plots.plot_response_curves, (_curves(),), {}),
        (plots.plot_nps, (nps(scores, by="region"),), {}),
        (plots.plot_anomalies, (anomalies,), {"region": "south", "metric": "clicks"}),
    ]
    with theme_context(lang):
        for plot, args, kw in cases:
            own = plot(*args, lang=lang, **kw)
            assert title_y(own, True) == 1.0, plot.__name__
            size = own.figure.get_size_inches()
            theirs = plt.subplots(figsize=size, layout="constrained")[1]
            plot(*args, lang=lang, ax=theirs, **kw)
            assert _pixels(own) == _pixels(theirs), plot.__name__


def test_a_title_is_left_to_matplotlib_when_something_could_rise_above_it():
    ax = plt.subplots()[1]
    ax.plot([0, 1], [1e7, 2e7])  # the y axis shows the offset text "1e7" above the axes
    assert title_y(ax, True) is None
    ax = plt.subplots()[1]
    ax.plot([0, 1], [1, 2])
    assert title_y(ax, True) == 1.0
    assert title_y(ax, False) is None  # the caller's axes
    ax.xaxis.set_label_position("top")
    assert title_y(ax, True) is None


# ---------------------------------------------------------------------------------------------
# report tables


def test_kpi_table_colours_status_and_escapes_text():
    att = _attainment()
    att.loc[0, "region"] = "R&D <pilot>"
    page = kpi_table(att, "en")
    assert "R&amp;D &lt;pilot&gt;" in page and "<pilot>" not in page
    assert page.count('data-status="red"') == 2 and page.count('data-status="green"') == 1
    assert "background-color: #ECC5CA" in page  # the red tint (tables.status_css)
    assert "Off track" in page and "¥147.76" in page and "80.0%" in page
    zh = kpi_table(att, "zh")
    assert "未达标" in zh and "获客成本" in zh


def test_budget_and_channel_and_anomaly_tables():
    alloc = budget_reallocation(_curves(), days=30)
    page = budget_table(alloc, "en")
    assert "Spend kept: the response curve fits badly (revenue does not rise" in page
    assert "Cut to the floor" in page or "Raised to the cap" in page
    assert "预计销售额变化" in budget_table(alloc, "zh")
    perf = pd.DataFrame({"channel": ["<b>x</b>"], "spend": [1.0], "roas": [2.0]})
    assert "&lt;b&gt;x&lt;/b&gt;" in channel_table(perf, "en")
    flags = pd.DataFrame(
        {
            "region": ["south"],
            "metric": ["clicks"],
            "date": pd.to_datetime(["2026-10-14"]),
            "value": [21.0],
            "expected": [1825.3],
            "relative_deviation": [-0.988],
            "z": [-24.1],
            "direction": ["down"],
        }
    )
    page = anomaly_table(flags, "zh")
    assert "2026-10-14" in page and "华南" in page and "异常下降" in page
    assert 'class="bad"' in page  # a drop in clicks is bad
    assert "本月无异常" in anomaly_table(flags.iloc[0:0], "zh")
