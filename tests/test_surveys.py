"""NPS: the published variance example, the sample's documented scores, bad scores."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

from mktkit.errors import InputError
from mktkit.surveys import SmallSampleWarning, compare_nps, nps, nps_groups


def test_published_variance_example():
    # Cross Validated, "How can I calculate margin of error in a NPS (Net Promoter Score)
    # result?" (stats.stackexchange.com/q/18603), whuber's answer: 1/2 promoters, 1/3 passives,
    # 1/6 detractors give NPS = 1/3 and a per-answer variance of 5/9 (in units of 1, not points).
    scores = [10] * 300 + [8] * 200 + [2] * 100  # n = 600 in those shares
    r = nps(scores).iloc[0]
    assert r["nps"] == pytest.approx(100 / 3)
    assert (r["promoters"], r["passives"], r["detractors"]) == pytest.approx((1 / 2, 1 / 3, 1 / 6))
    # moe = 1.959964 x 100 x sqrt((5/9) / 600) = 5.9646
    assert r["moe"] == pytest.approx(1.959964 * 100 * math.sqrt(5 / 9 / 600), rel=1e-6)
    assert r["nps_low"] == pytest.approx(100 / 3 - r["moe"])
    assert "p + d - (p - d)^2" in r["method"]


def test_group_boundaries():
    # 9 and 10 promote, 7 and 8 are passive, 0-6 detract
    assert (
        nps_groups(pd.Series(range(11))).tolist()
        == ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    )
    assert nps([9] * 30).loc[0, "nps"] == 100
    assert nps([6] * 30).loc[0, "nps"] == -100
    assert nps([7, 8] * 15).loc[0, "nps"] == 0


def test_sample_nps_matches_readme():
    import mktkit as mk

    responses = mk.load_sample()["nps"]
    # data/sample/README.md: NPS overall 27.9 (n = 5,922); east 28.7, north 28.8, south 31.6,
    # west 19.4
    overall = nps(responses).iloc[0]
    assert overall["n"] == 5922 and round(overall["nps"], 1) == 27.9
    by = nps(responses, by="region").set_index("region")["nps"].round(1)
    assert by.to_dict() == {"east": 28.7, "north": 28.8, "south": 31.6, "west": 19.4}
    # the checkout leak echo: 38.6 on 2026-10-01..08, 3.8 on 2026-10-09..31 (183 answers)
    before = responses[responses["date"].between("2026-10-01", "2026-10-08")]
    after = responses[responses["date"].between("2026-10-09", "2026-10-31")]
    c = compare_nps(before, after).iloc[0]
    assert (round(c["nps_a"], 1), round(c["nps_b"], 1), c["n_b"]) == (38.6, 3.8, 183)
    assert c["diff"] < 0 and c["p_value"] < 0.01 and c["diff_high"] < 0


def test_small_sample_warns():
    with pytest.warns(SmallSampleWarning, match="fewer than 30"):
        r = nps([10, 9, 3])
    assert bool(r.loc[0, "small_sample"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not nps([10] * 30).loc[0, "small_sample"]


def test_compare_by_hand():
    # a: p = .5, d = .5, nps 0, var 1; b: p = .7, d = .3, nps 40, var 1 - .16 = .84
    c = compare_nps([10] * 50 + [0] * 50, [10] * 70 + [0] * 30).iloc[0]
    se = 100 * math.sqrt(1 / 100 + 0.84 / 100)
    assert c["diff"] == pytest.approx(40) and c["z"] == pytest.approx(40 / se)
    assert c["p_value"] == pytest.approx(math.erfc(40 / se / math.sqrt(2)))


def test_bad_scores_name_the_rows():
    with pytest.raises(InputError, match=r"nps.score: is outside 0-10; rows: 3 \(11\)"):
        nps(pd.DataFrame({"score": [9, 10, 11]}))
    with pytest.raises(InputError, match=r"not a whole number; rows: 2 \(7.5\)"):
        nps(pd.DataFrame({"score": [9, 7.5]}))
    with pytest.raises(InputError, match=r"rows: 1 \('great'\)"):
        nps(pd.DataFrame({"score": ["great", "9"]}))
    with pytest.raises(InputError, match=r"rows: 2"):
        nps(pd.DataFrame({"score": [9, None]}))
    with pytest.raises(InputError, match="missing column"):
        nps(pd.DataFrame({"rating": [9]}))


def test_plot_nps_draws_the_scores_and_intervals():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mktkit.plots import plot_nps

    df = pd.DataFrame(
        {"score": [10] * 40 + [0] * 20 + [10, 5], "region": ["east"] * 60 + ["west"] * 2}
    )
    with pytest.warns(SmallSampleWarning):
        r = nps(df, by="region")
    ax = plot_nps(r, lang="zh")
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx(r["nps"].tolist())
    assert ax.patches[1].get_hatch() == "//"  # west: 2 answers
    assert [t.get_text() for t in ax.get_xticklabels()] == ["华东", "华西"]
    plt.close(ax.figure)
