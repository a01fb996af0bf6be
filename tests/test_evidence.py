"""Evidence computed from the data (mktkit/evidence.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import mktkit as mk
from mktkit.errors import InputError
from mktkit.strategy.evidence import evidence_values, period_bounds
from mktkit.strategy.swot import SWOT


def test_the_sample_evidence_matches_the_generator():
    # data/sample/swot.yaml carries values that mktkit/sample.py computed with numpy on its own
    # arrays (rounded); the kit recomputes them from the CSV files with pandas.
    swot = mk.load_swot()
    values = evidence_values(swot, mk.load_sample())
    assert sorted(values) == ["S1", "S3", "S4", "S5", "W1", "W3"]
    for item_id, (value, source) in values.items():
        written = swot.item(item_id).evidence.value
        digits = len(str(written).split(".")[1]) if "." in str(written) else 0
        assert round(value, digits) == pytest.approx(written), item_id
        assert source.startswith("computed from ")
    assert values["W1"][1] == "computed from channel_daily channel=display, 2026-10"
    # items whose metric the kit cannot compute keep their written value
    assert "W2" not in values and "S2" not in values


def _swot(evidence: dict) -> SWOT:
    return SWOT(
        strengths=[{"id": "S1", "text": {"en": "a"}, "evidence": evidence}],
        weaknesses=[{"id": "W1", "text": {"en": "b"}}],
        rating_convention="response",
    )


def test_hand_computed_roas_share_repurchase_and_nps():
    cd = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-10-01", "2026-10-31", "2026-11-01", "2026-10-05"]),
            "channel": ["display", "display", "display", "search"],
            "spend": [100.0, 300.0, 1000.0, 50.0],
            "revenue": [150.0, 450.0, 9000.0, 500.0],
        }
    )
    orders = pd.DataFrame(
        {
            "order_date": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03", "2026-09-30"]),
            "customer_id": ["a", "a", "b", "b"],
            "region": ["west", "east", "west", "west"],
            "amount": [10.0, 30.0, 60.0, 1000.0],
        }
    )
    nps = pd.DataFrame(
        {"date": pd.to_datetime(["2026-10-01"] * 4), "score": [10, 9, 7, 3], "region": "east"}
    )
    data = {"channel_daily": cd, "orders": orders, "nps": nps}
    # October display: (150 + 450) / (100 + 300) = 1.5; the November day is outside.
    roas = _swot({"metric": "roas", "where": {"channel": "display"}, "period": "2026-10"})
    assert evidence_values(roas, data)["S1"][0] == 1.5
    # October west revenue: (10 + 60) / (10 + 30 + 60) = 0.7
    share = _swot({"metric": "revenue_share", "where": {"region": "west"}, "period": "2026-10"})
    assert evidence_values(share, data)["S1"][0] == pytest.approx(0.7)
    # October: a ordered twice, b once -> 1 of 2 customers repurchased
    rep = _swot({"metric": "repurchase_rate", "period": "2026-10"})
    assert evidence_values(rep, data)["S1"][0] == 0.5
    # 2 promoters, 1 passive, 1 detractor of 4: 100 x (2 - 1) / 4 = 25
    score = _swot({"metric": "nps", "period": "2026-10-01..2026-10-31"})
    assert evidence_values(score, data)["S1"][0] == 25.0
    # without a period the kit does not guess what the number is about
    assert evidence_values(_swot({"metric": "roas", "value": 2.0}), data) == {}
    # a missing table leaves the written value alone
    assert evidence_values(roas, {"orders": orders}) == {}


def test_periods():
    assert [str(d.date()) for d in period_bounds("2026-02")] == ["2026-02-01", "2026-02-28"]
    start, stop = period_bounds("2026-10-09..2026-10-31")
    assert (str(start.date()), str(stop.date())) == ("2026-10-09", "2026-10-31")
    with pytest.raises(InputError, match="ends before it starts"):
        period_bounds("2026-10..2026-09")
    with pytest.raises(InputError, match="period 'last year'"):
        _swot({"metric": "roas", "period": "last year"})


def test_unknown_filter_column_is_named():
    data = {"channel_daily": pd.DataFrame({"date": [], "spend": [], "revenue": []})}
    with pytest.raises(InputError, match="missing column.*'channel'"):
        evidence_values(
            _swot({"metric": "roas", "where": {"channel": "x"}, "period": "2026-10"}), data
        )
