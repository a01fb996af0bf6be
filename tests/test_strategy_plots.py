"""Strategy figures (mktkit/plots/strategy.py): every text inside the figure, texts
drawn inside an axes inside that axes, no two texts overlapping, no missing glyph, in Chinese
and in English, for the sample company and for long text in a small axes."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text
from wcwidth import wcswidth

from mktkit import plots
from mktkit.errors import InputError
from mktkit.plots.textfit import wrap
from mktkit.strategy.mix import load_mix
from mktkit.strategy.swot import SWOT, ie_matrix, load_swot, space_matrix
from mktkit.style import theme_context

LANGS = ["en", "zh"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def drawn_texts(fig, monkeypatch) -> list[Text]:
    """Draw ``fig`` and return the texts actually drawn (visible, non-empty, in view),
    asserting that no glyph was missing from the fonts."""
    seen: list[Text] = []
    original = Text.draw

    def spy(self, renderer):
        if self.get_visible() and self.get_text().strip():
            seen.append(self)
        return original(self, renderer)

    monkeypatch.setattr(Text, "draw", spy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    monkeypatch.setattr(Text, "draw", original)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    return seen


def assert_clean_layout(fig, monkeypatch) -> list[Text]:
    texts = drawn_texts(fig, monkeypatch)
    renderer = fig.canvas.get_renderer()
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    page = fig.bbox
    for t, b in boxes:
        assert page.x0 - 1 <= b.x0 and b.x1 <= page.x1 + 1, f"{t.get_text()!r} leaves the figure"
        assert page.y0 - 1 <= b.y0 and b.y1 <= page.y1 + 1, f"{t.get_text()!r} leaves the figure"
    for ax in fig.axes:
        frame = ax.get_window_extent(renderer)
        for t in ax.texts:
            if t in texts:
                b = t.get_window_extent(renderer)
                assert frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1, f"{t.get_text()!r} x"
                assert frame.y0 - 1 <= b.y0 and b.y1 <= frame.y1 + 1, f"{t.get_text()!r} y"
    for i, (t, b) in enumerate(boxes):
        for u, c in boxes[i + 1 :]:
            # boxes may touch; they may not share area (0.5 px tolerance for anti-aliasing)
            dx = min(b.x1, c.x1) - max(b.x0, c.x0)
            dy = min(b.y1, c.y1) - max(b.y0, c.y0)
            assert dx <= 0.5 or dy <= 0.5, f"{t.get_text()!r} overlaps {u.get_text()!r}"
    return texts


def _sample_figures(lang):
    swot, mix = load_swot(), load_mix()
    return {
        "swot": lambda: plots.plot_swot(swot, lang=lang),
        "tows": lambda: plots.plot_tows(swot, lang=lang),
        "ife": lambda: plots.plot_factor_evaluation(swot.ife(lang), lang=lang),
        "efe": lambda: plots.plot_factor_evaluation(swot.efe(lang), lang=lang),
        "ie": lambda: plots.plot_ie_matrix(ie_matrix(swot.ife(), swot.efe()), lang=lang),
        "space": lambda: plots.plot_space(
            space_matrix(fs=[5, 4], is_=[3, 4], es=[-2, -3], ca=[-5, -4]), lang=lang
        ),
        "mix_bar": lambda: plots.plot_mix_scorecard(mix.scorecard(), lang=lang),
        "mix_radar": lambda: plots.plot_mix_scorecard(mix.scorecard(), lang=lang, kind="radar"),
    }


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "name", ["swot", "tows", "ife", "efe", "ie", "space", "mix_bar", "mix_radar"]
)
def test_sample_figures_have_clean_text(lang, name, monkeypatch):
    with theme_context(lang):
        ax = _sample_figures(lang)[name]()
        texts = assert_clean_layout(ax.figure, monkeypatch)
    shown = " ".join(t.get_text() for t in texts)
    if name == "swot":
        # every item is shown, in the report's language
        for item in load_swot().items:
            assert item.id in shown
        assert ("R&D <pilot> 实验室" if lang == "zh" else "R&D <pilot> lab") in shown.replace(
            "\n", ""
        )
    if name == "ife":
        assert "2.61" in ax.get_title(loc="left")
    if name == "mix_bar":
        assert ("未评估" if lang == "zh" else "Not assessed") in shown


def test_long_bilingual_text_in_a_small_axes_still_fits(monkeypatch):
    long_zh = "在二三线城市通过直播电商与会员私域流量（企业微信）持续扩大北欧风家居的品牌认知与复购"
    long_en = (
        "Grow brand awareness and repeat purchase of Nordic home goods in tier-2 cities "
        "through live commerce and the WeCom member programme"
    )
    items = [
        {
            "id": f"S{i}",
            "text": {"en": long_en, "zh": long_zh},
            "evidence": {
                "metric": "repurchase_rate",
                "value": 0.18,
                "source": "orders, 2025-11..2026-10, all regions and channels",
            },
        }
        for i in range(1, 13)
    ]
    swot = SWOT(strengths=items, weaknesses=[{"id": "W1", "text": "$5 off $10 *bold* <b>"}])
    with theme_context("zh"):
        fig, ax = plt.subplots(figsize=(4.5, 3.2), layout="constrained")
        assert plots.plot_swot(swot, ax=ax, lang="zh") is ax
        texts = assert_clean_layout(fig, monkeypatch)
    shown = [t.get_text() for t in texts]
    assert any(s.startswith("… (+") for s in shown)  # what does not fit is counted, not cut
    w1 = next(t for t in texts if t.get_text().startswith("W1"))
    assert w1.get_text() == "W1  $5 off $10 *bold* <b>"  # a dollar is a dollar, not mathtext
    assert not w1.get_parse_math()


@pytest.mark.parametrize("lang", LANGS)
def test_ie_position_label_avoids_cell_numerals(lang, monkeypatch):
    # a position close to a cell's top-left numeral and near the axes' edge
    with theme_context(lang):
        for ife, efe in [(3.98, 3.97), (1.02, 1.03), (2.02, 2.98), (3.01, 1.02)]:
            ax = plots.plot_ie_matrix(ie_matrix(ife, efe), lang=lang)
            assert_clean_layout(ax.figure, monkeypatch)
            plt.close(ax.figure)


@pytest.mark.parametrize(
    ("fs", "is_", "es", "ca"),
    [
        ([7], [7], [-1], [-1]),
        ([1], [1], [-7], [-7]),
        ([7], [1], [-1], [-7]),
        ([1], [7], [-7], [-1]),
    ],
)
def test_space_vector_label_in_each_corner(fs, is_, es, ca, monkeypatch):
    with theme_context("zh"):
        ax = plots.plot_space(space_matrix(fs=fs, is_=is_, es=es, ca=ca), lang="zh")
        assert_clean_layout(ax.figure, monkeypatch)


def test_wrap_counts_cjk_as_two_columns():
    text = "会员体系与私域流量（企业微信）member programme and private traffic"
    lines = wrap(text, 16)
    assert all(wcswidth(line) <= 16 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[0] in "，。、）" for line in lines)  # no closing mark opens a line
    assert wrap("复购客户忠诚度高 Loyal repeat buyers", 12) == [
        "复购客户忠诚",
        "度高 Loyal",
        "repeat",
        "buyers",
    ]


def test_radar_needs_a_polar_axes():
    _, ax = plt.subplots()
    with pytest.raises(InputError, match="polar"):
        plots.plot_mix_scorecard(load_mix().scorecard(), ax=ax, kind="radar")
