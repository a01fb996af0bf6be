"""The report theme: Chinese renders from the pip-installed font, seaborn draws pandas 3 text.

The glyph checks hold on any machine because they assert where each glyph comes from (the font
file inside the installed mplfonts package), not merely that no warning appeared. On the
development machine `fc-list :lang=zh` lists no font at all, so nothing else could supply them.
"""

from __future__ import annotations

import itertools
import json
import logging
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib import _text_helpers, font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from mktkit.errors import InputError
from mktkit.style import (
    CJK_FAMILY,
    LATIN_FAMILY,
    PALETTE,
    STATUS_COLORS,
    cjk_font_path,
    font_face_css,
    open_cjk_font,
    register_cjk_font,
    status_color,
    theme_context,
    theme_params,
    use_theme,
)

MIXED = "ROAS 广告支出回报率"
DEJAVU = Path(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans")))


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def _new_figure() -> Figure:
    fig = Figure()
    FigureCanvasAgg(fig)  # no pyplot: nothing global to close or leak into other tests
    return fig


def _chinese_figure() -> Figure:
    """Title, axis labels and tick labels mixing Chinese, Latin, digits and a minus sign."""
    fig = _new_figure()
    ax = fig.add_subplot()
    ax.bar(["华东", "华南"], [12.5, -3.0])  # the negative bar gives a "−" tick label
    ax.set_title(f"{MIXED} 2026年10月")
    ax.set_xlabel("区域")
    ax.set_ylabel("环比变化 (%)")
    return fig


def _draw_strict(fig: Figure) -> None:
    """Draw with every warning an error (a missing glyph is a UserWarning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()


def _texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty text of the figure (the theme puts the title on the left)."""
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _glyph_fonts(text) -> list[tuple[str, Path]]:
    """(character, font file) for each glyph, through the same font lookup as the Agg renderer.

    Uses matplotlib's private text layout (``_text_helpers.layout``), the only place that says
    which fallback font drew a glyph; matplotlib is pinned < 3.13 in pyproject.toml.
    """
    prop = text.get_fontproperties()
    font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(prop))
    font.set_size(prop.get_size_in_points(), 96)
    return [(item.char, Path(item.ft_object.fname)) for item in
            _text_helpers.layout(text.get_text(), font)]  # fmt: skip


def test_without_the_cjk_font_chinese_glyphs_are_missing():
    # Control: the strict draw below does catch missing glyphs. Latin-only font list.
    register_cjk_font()
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = _chinese_figure()
        with pytest.warns(UserWarning, match=r"Glyph \d+ .* missing from font"):
            fig.canvas.draw()


def test_the_font_comes_from_the_mplfonts_wheel():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert path.parent.name == "fonts" and path.parent.parent.name == "mplfonts"
    assert register_cjk_font() == path
    found = font_manager.findfont(
        font_manager.FontProperties(family=CJK_FAMILY), fallback_to_default=False
    )
    assert Path(found) == path


def test_registering_twice_adds_the_font_once(monkeypatch):
    register_cjk_font()
    count = sum(Path(f.fname) == cjk_font_path() for f in font_manager.fontManager.ttflist)

    def fail(path):
        raise AssertionError("addfont called again")

    monkeypatch.setattr(font_manager.fontManager, "addfont", fail)
    register_cjk_font()
    with theme_context("zh"):
        pass
    after = sum(Path(f.fname) == cjk_font_path() for f in font_manager.fontManager.ttflist)
    assert after == count >= 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_mixed_chinese_text_draws_with_no_missing_glyph(lang, caplog):
    cjk = cjk_font_path()
    latin_font = cjk if lang == "zh" else DEJAVU  # the font decision of mktkit/style.py
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        with theme_context(lang):
            fig = _chinese_figure()
            _draw_strict(fig)
            texts = _texts(fig)
            seen = {t.get_text() for t in texts}
            glyphs = [g for t in texts for g in _glyph_fonts(t)]
    # "findfont: Font family ... not found" is logged, not warned
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert {"华东", "华南"} <= seen
    assert any(MIXED in s for s in seen)
    assert any(s.startswith("\u2212") for s in seen)  # a tick label with the minus sign
    chars = {ch for ch, _ in glyphs}
    assert {"华", "广", "R", "2", "\u2212"} <= chars
    for ch, path in glyphs:
        if _is_cjk(ch):
            assert path == cjk, (ch, path)
        elif (ch.isascii() and ch.isalnum()) or ch == "\u2212":
            assert path == latin_font, (ch, path)


def test_use_theme_sets_the_rc_and_the_context_restores_it():
    with matplotlib.rc_context():  # undo use_theme for the other tests
        matplotlib.rcParams["font.family"] = ["serif"]
        with theme_context("zh"):
            assert matplotlib.rcParams["font.family"] == [CJK_FAMILY, LATIN_FAMILY]
            assert matplotlib.rcParams["figure.dpi"] == 96
        assert matplotlib.rcParams["font.family"] == ["serif"]
        use_theme("en")
        assert matplotlib.rcParams["font.family"] == [LATIN_FAMILY, CJK_FAMILY]
        colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [c.upper() for c in colors] == list(PALETTE)
        # 8 x 4.5 inches at 96 dpi is 768 x 432 pixels, narrower than an 800 px report column
        fig = _new_figure()
        assert tuple(fig.canvas.get_width_height()) == (768, 432)


def test_unknown_language_is_refused():
    with pytest.raises(InputError, match="lang.*'fr'.*'en', 'zh'"):
        use_theme("fr")
    with pytest.raises(InputError, match="lang"):
        theme_params("EN")


def test_status_color():
    assert status_color("green") == STATUS_COLORS["green"]
    assert status_color("RED") == STATUS_COLORS["red"]
    assert status_color("no_target") == status_color("no target") == STATUS_COLORS["no target"]
    assert status_color(None) == status_color(float("nan")) == STATUS_COLORS["grey"]
    with pytest.raises(InputError, match="status.*'blue'"):
        status_color("blue")


# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
# vision deficiency", IEEE TVCG 15(6), severity 1.0 matrices on linear sRGB (also used by the
# Chrome and Firefox DevTools simulators).
_CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}  # fmt: skip


def _lab(hex_color: str, cvd: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of the colour as seen with the deficiency (sRGB, IEC 61966-2-1)."""
    c = np.array(to_rgb(hex_color))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    linear = np.clip(cvd @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear  # fmt: skip
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _min_distance(colors: list[str]) -> float:
    return min(
        float(np.linalg.norm(_lab(a, m) - _lab(b, m)))
        for m in _CVD.values()
        for a, b in itertools.combinations(colors, 2)
    )


def test_status_colours_stay_apart_under_colour_vision_deficiency():
    # Sanity of the colour maths: white is L*=100, a*=b*=0.
    assert np.allclose(_lab("#FFFFFF", np.eye(3)), [100, 0, 0], atol=0.05)
    # Control: matplotlib's tab10 traffic light loses green against amber for protanopes.
    assert _min_distance(["#2ca02c", "#ff7f0e", "#d62728"]) < 10
    ours = [STATUS_COLORS[s] for s in ("green", "amber", "red", "grey")]
    assert _min_distance(ours) >= 20


def test_seaborn_draws_pandas3_str_columns():
    # Pins the pyproject claim: seaborn 0.13.2 with pandas 3 text columns (dtype "str").
    df = pd.DataFrame(
        {
            "region": ["华东", "华南", "华东", "华南"],
            "month": ["2026-09", "2026-09", "2026-10", "2026-10"],
            "revenue": [100.0, -20.0, 130.0, 40.0],
        }
    )
    assert df["region"].dtype == "str" and df["month"].dtype == "str"
    with theme_context("zh"):
        fig = _new_figure()
        bar, line, heat = fig.subplots(1, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # also no pandas deprecation from seaborn
            sns.barplot(df, x="region", y="revenue", errorbar=None, ax=bar)
            sns.lineplot(df, x="month", y="revenue", hue="region", ax=line)
            wide = df.pivot(index="region", columns="month", values="revenue")
            sns.heatmap(wide, annot=True, fmt=".0f", ax=heat)
            fig.canvas.draw()
    # barplot shows the mean: 华东 (100 + 130) / 2 = 115, 华南 (-20 + 40) / 2 = 10
    assert [t.get_text() for t in bar.get_xticklabels()] == ["华东", "华南"]
    assert [p.get_height() for p in bar.patches] == [115.0, 10.0]
    # lineplot: one line per region, in data order, y as given
    drawn = [ln for ln in line.lines if len(ln.get_xdata())]
    assert [list(ln.get_ydata()) for ln in drawn] == [[100.0, 130.0], [-20.0, 40.0]]
    assert [t.get_text() for t in line.get_legend().get_texts()] == ["华东", "华南"]
    assert [t.get_text() for t in line.get_xticklabels()] == ["2026-09", "2026-10"]
    # heatmap: rows 华东, 华南; columns 2026-09, 2026-10; annotations row by row
    assert [t.get_text() for t in heat.get_yticklabels()] == ["华东", "华南"]
    assert [t.get_text() for t in heat.texts] == ["100", "130", "-20", "40"]
    # seaborn takes the palette from the theme's colour cycle
    assert [c.upper() for c in (matplotlib.colors.to_hex(ln.get_color()) for ln in drawn)] == list(
        PALETTE[:2]
    )


def _embedded_font(css: str):
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_the_embedded_subset_keeps_what_a_chinese_or_english_page_uses():
    # 骨 has its own Japanese, Korean and traditional Chinese forms in Noto Sans CJK (`locl`);
    # a zh-CN or en page shows the simplified one only, and no page is set vertically.
    text = "骨 ROAS 2026"
    font = _embedded_font(font_face_css(text))
    assert {ord(c) for c in text} <= set(font.getBestCmap())
    assert not {"vhea", "vmtx", "VORG"} & set(font.keys())
    for tag in ("GSUB", "GPOS"):
        records = font[tag].table.ScriptList.ScriptRecord
        assert {r.LangSysTag for s in records for r in s.Script.LangSysRecord} <= {"ZHS "}
        features = {f.FeatureTag for f in font[tag].table.FeatureList.FeatureRecord}
        assert not features & {"vert", "vrt2", "vkrn", "vpal", "vhal"}
    assert len(font.getGlyphOrder()) == len(set(text)) + 1  # and .notdef: no alternate forms


def test_the_subset_is_the_same_with_the_font_opened_ahead():
    text = "月度营销复盘 · ROAS 2026"
    assert font_face_css(text, open_cjk_font()) == font_face_css(text)


def test_plots_draw_chinese_without_the_theme():
    # An analyst's first figure: no mk.use_theme(), matplotlib's defaults, an Axes made before
    # mktkit.plots is imported. Control first: the default fonts lack Chinese. Then the kit's
    # plot on that Axes, and on an Axes of its own, draw every glyph from the CJK font.
    code = """
import json, warnings
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
import mktkit as mk

def glyph_warnings(fig):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return sum("missing from font" in str(w.message) for w in seen)

def fonts(text):
    return font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())

fig, early = plt.subplots()
early.set_title("访问")
before = glyph_warnings(fig)
res = mk.funnel_from_counts(pd.DataFrame({"stage": ["访问", "下单"], "count": [100, 40]}))
own = mk.plot_funnel(res, lang="zh")
mk.plot_funnel(res, ax=early, lang="zh")
texts = [ax.get_xticklabels()[0] for ax in (own, early)] + [early.yaxis.label]
print(json.dumps({"before": before, "after": glyph_warnings(fig) + glyph_warnings(own.figure),
                  "texts": [t.get_text() for t in texts], "fonts": [fonts(t) for t in texts],
                  "family": matplotlib.rcParams["font.family"]}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] > 0
    assert got["after"] == 0
    assert got["texts"] == ["访问", "访问", "用户数"]
    assert all(str(cjk_font_path()) in found for found in got["fonts"])
    assert got["family"] == ["sans-serif", CJK_FAMILY]
