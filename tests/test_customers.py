"""Customers: CDNOW's published summary, the sample's planted facts, invariants, bad input."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktkit.customers import (
    RFM_SEGMENTS,
    cohort_retention,
    customer_layers,
    dormant_customers,
    reactivation,
    repurchase_rate,
    rfm,
    rfm_summary,
)
from mktkit.errors import InputError


def _orders(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])


# --- CDNOW (Fader & Hardie's CDNOW sample as shipped in the lifetimes wheel) -------------------

CDNOW = os.environ.get("MKTKIT_CDNOW_CSV")
CDNOW_SUMMARY = os.environ.get("MKTKIT_CDNOW_SUMMARY_CSV")


@pytest.mark.skipif(
    not (CDNOW and CDNOW_SUMMARY and os.path.exists(CDNOW) and os.path.exists(CDNOW_SUMMARY)),
    reason="CDNOW data not fetched: `make test` extracts lifetimes/datasets/CDNOW_sample.txt and "
    "cdnow_customers_summary_with_transactions.csv from the lifetimes 0.11.3 wheel and sets "
    "MKTKIT_CDNOW_CSV and MKTKIT_CDNOW_SUMMARY_CSV",
)
def test_cdnow_matches_published_summary():
    # The published per-customer summary of the 2,357 CDNOW sample customers over the 39-week
    # calibration period 1997-01-01..1997-09-30 (Fader, Hardie & Lee 2005; shipped with lifetimes
    # and used in its docs, whose quickstart shows customer 1: frequency 2, recency 30.43,
    # T 38.86): x = repeat purchase days, t_x = weeks from first to last purchase, T = weeks from
    # first purchase to the end, zbar = mean value of the repeat purchases. Purchases on the same
    # day count as one, so orders are summed per customer and day first.
    raw = pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"customer_id": str, "date": str},
    )
    raw["order_date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    days = raw.groupby(["customer_id", "order_date"], as_index=False)["amount"].sum()
    calib = days[days["order_date"] <= "1997-09-30"]
    pub = pd.read_csv(CDNOW_SUMMARY).set_index("ID")
    r = rfm(calib, as_of="1997-09-30").set_index("customer_id")
    r.index = r.index.astype(int)
    r = r.loc[pub.index]
    assert len(r) == 2357
    assert ((r["frequency"] - 1) == pub["x"]).all()
    weeks = (r["last_order"] - r["first_order"]).dt.days / 7
    assert np.allclose(weeks, pub["t_x"], atol=0.005 + 1e-9)
    age = (pd.Timestamp("1997-09-30") - r["first_order"]).dt.days / 7
    assert np.allclose(age, pub["T"], atol=0.005 + 1e-9)
    # our recency (days since the last purchase) is T - t_x in days
    assert np.allclose(r["recency_days"] / 7, pub["T"] - pub["t_x"], atol=0.01 + 1e-9)
    first = calib.sort_values("order_date").groupby("customer_id")["amount"].first()
    first.index = first.index.astype(int)
    repeat = pub["x"] > 0
    zbar = (r["monetary"] - first.loc[pub.index])[repeat] / pub["x"][repeat]
    assert np.allclose(zbar, pub["zbar"][repeat], atol=0.005 + 1e-9)
    # repurchase within the calibration window = customers with x > 0 (946 of 2,357)
    rep = repurchase_rate(calib, window=("1997-01-01", "1997-09-30")).iloc[0]
    assert rep["repeat_customers"] == int(repeat.sum()) == 946
    assert rep["repurchase_rate"] == pytest.approx(946 / 2357)


# --- hand-computed examples ---------------------------------------------------------------------


def test_rfm_by_hand():
    o = _orders(
        [
            ("a", "2026-10-01", 10),
            ("b", "2026-10-02", 20),
            ("c", "2026-10-03", 30),
            ("d", "2026-10-04", 40),
            ("e", "2026-10-05", 50),
            ("a", "2026-10-05", 60),
            ("b", "2026-10-06", 70),
        ]
    )
    r = rfm(o).set_index("customer_id")  # as_of = last order, 2026-10-06
    # recency a 1, b 0, c 3, d 2, e 1; ranks of -recency (min): c1 d2 a3 e3 b5; ntile of 5 = rank
    assert r["recency_days"].to_dict() == {"a": 1, "b": 0, "c": 3, "d": 2, "e": 1}
    assert r["recency_score"].to_dict() == {"a": 3, "b": 5, "c": 1, "d": 2, "e": 3}
    # frequency 2,2,1,1,1: the three 1s rank 1 (score 1), the two 2s rank 4 (score 4)
    assert r["frequency_score"].to_dict() == {"a": 4, "b": 4, "c": 1, "d": 1, "e": 1}
    assert r["monetary_score"].to_dict() == {"a": 4, "b": 5, "c": 1, "d": 2, "e": 3}
    # rules of the R package rfm, first match: a (3,4,4) and b (5,4,5) Potential Loyalist
    # (R 3-5, F 3-5, M 2-5); c (1,1,1) Lost; d (2,1,2) About To Sleep; e (3,1,3) Promising
    assert r["segment"].to_dict() == {
        "a": "Potential Loyalist",
        "b": "Potential Loyalist",
        "c": "Lost",
        "d": "About To Sleep",
        "e": "Promising",
    }
    # ties="first": the tied frequencies are ordered by id, c d e -> 1 2 3, a b -> 4 5
    f = rfm(o, ties="first").set_index("customer_id")["frequency_score"]
    assert f.to_dict() == {"a": 4, "b": 5, "c": 1, "d": 2, "e": 3}
    s = rfm_summary(r.reset_index()).set_index("segment")
    assert s.loc["Potential Loyalist", "revenue_share"] == pytest.approx(160 / 280)
    assert s.loc["Potential Loyalist", "median_recency_days"] == 0.5


def test_custom_segment_table_and_others():
    rules = pd.DataFrame(
        {"segment": ["Top"]}
        | {c: [5 if c.endswith("low") else 5] for c in RFM_SEGMENTS.columns if c != "segment"}
    )
    o = _orders([(c, "2026-01-0" + str(i + 1), 10 * (i + 1)) for i, c in enumerate("abcde")])
    r = rfm(o, segments=rules).set_index("customer_id")["segment"]
    # e is the most recent and spends most but has the same one order (F = 1): no rule matches
    assert set(r) == {"Others"}
    rules.loc[0, "frequency_low"] = 1
    assert rfm(o, segments=rules).set_index("customer_id")["segment"]["e"] == "Top"
    with pytest.raises(InputError, match=r"segments.recency_high: score bounds"):
        rfm(o, segments=rules.assign(recency_high=6))


def test_cohort_triangle_by_hand():
    o = _orders(
        [
            ("a", "2026-01-05", 100),
            ("b", "2026-01-20", 50),
            ("a", "2026-02-01", 30),
            ("c", "2026-02-03", 10),
            ("b", "2026-03-31", 75),
            ("c", "2026-03-01", 20),
        ]
    )
    t = cohort_retention(o)
    # Jan cohort {a, b}: Feb a (1/2), Mar b (1/2); Feb cohort {c}: Mar c (1); Mar k=1 not yet seen
    assert t.loc["2026-01"].tolist() == [1.0, 0.5, 0.5]
    assert t.loc["2026-02", 0] == 1.0 and t.loc["2026-02", 1] == 1.0
    assert math.isnan(t.loc["2026-02", 2])
    rev = cohort_retention(o, metric="revenue")
    # Jan revenue 150; Feb 30 / 150 = 0.2; Mar 75 / 150 = 0.5; Feb cohort 10 -> Mar 20: 2.0
    assert rev.loc["2026-01"].tolist() == pytest.approx([1.0, 0.2, 0.5])
    assert rev.loc["2026-02", 1] == pytest.approx(2.0)
    long = cohort_retention(o, tidy=True)
    assert set(long.columns) == {"cohort", "period", "cohort_size", "value", "retention"}
    q = cohort_retention(o, freq="Q")
    assert q.shape == (1, 1) and q.iloc[0, 0] == 1.0


def test_layers_dormant_reactivation_by_hand():
    o = _orders(
        [
            ("a", "2026-01-01", 10),
            ("a", "2026-01-02", 30),
            ("b", "2026-01-03", 100),
            ("b", "2026-01-04", 100),
            ("b", "2026-01-05", 100),
            ("b", "2026-01-06", 100),
            ("c", "2026-06-01", 50),
        ]
    )
    g = customer_layers(o, value_cuts=[60]).set_index(["frequency_band", "value_band"])
    # a: 2 orders, AOV 20 -> (2-3, <60); b: 4 orders, AOV 100 -> (4+, 60+); c: 1, 50 -> (1, <60)
    assert g["customers"].to_dict() == {
        ("1", "<60"): 1,
        ("1", "60+"): 0,
        ("2-3", "<60"): 1,
        ("2-3", "60+"): 0,
        ("4+", "<60"): 0,
        ("4+", "60+"): 1,
    }
    assert g.loc[("4+", "60+"), "revenue_share"] == pytest.approx(400 / 490)
    # default value cut: the median AOV of the three customers (20, 100, 50) = 50
    assert customer_layers(o).attrs["value_cuts"] == [50.0]
    d = dormant_customers(o, days=90, as_of="2026-06-30", min_orders=2)
    # a last 2026-01-02 (179 days), b 2026-01-06 (175 days); c has one order
    assert d.set_index("customer_id")["days_since_last"].to_dict() == {"a": 179, "b": 175}
    # a win-back starting 2026-06-01: a, b dormant (c not a customer yet); c's order is new
    r = reactivation(o, "2026-06-01", window=30).iloc[0]
    assert (r["dormant"], r["reactivated"]) == (2, 0)
    o2 = pd.concat([o, _orders([("b", "2026-06-30", 20), ("a", "2026-07-01", 5)])])
    r = reactivation(o2, "2026-06-01", window=30).iloc[0]  # 06-01..06-30: b only
    assert (r["dormant"], r["reactivated"], r["reactivation_rate"]) == (2, 1, 0.5)


def test_repurchase_by_first_order_value():
    o = _orders([("a", "2026-01-01", 1), ("a", "2026-01-02", 1), ("b", "2026-01-03", 1)])
    o["channel"] = ["search", "email", "email"]
    r = repurchase_rate(o, by="channel").set_index("channel")
    assert r["repurchase_rate"].to_dict() == {"email": 0.0, "search": 1.0}


# --- planted facts (data/sample/README.md) ------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    import mktkit as mk

    data = mk.load_sample()
    return data["orders"], data["customers"]


def test_dormant_segment_is_found(sample):
    orders, _ = sample
    # README planted fact 7: 3+ orders and none after 2026-06-30 (123 days before 2026-10-31):
    # 2,992 customers, 15,530 orders, 4,361,281.51 CNY; the core: 326 with 10+ orders, median 15
    # orders, 5,125 orders
    d = dormant_customers(orders, days=123, as_of="2026-10-31", min_orders=3)
    assert (len(d), d["orders"].sum()) == (2992, 15530)
    assert d["revenue"].sum() == pytest.approx(4_361_281.51, abs=0.005)
    assert (d["last_order"] <= "2026-06-30").all()
    core = dormant_customers(orders, days=123, as_of="2026-10-31", min_orders=10)
    assert (len(core), core["orders"].median(), core["orders"].sum()) == (326, 15, 5125)
    # a year earlier: 375 (3+ orders by 2025-10-31, none after 2025-06-30)
    assert len(dormant_customers(orders, days=123, as_of="2025-10-31", min_orders=3)) == 375


def test_sample_repurchase_rate(sample):
    orders, _ = sample
    # README: 18.4 % of buyers ordered twice or more (18.5 % within 2025-11..2026-10)
    assert round(repurchase_rate(orders).loc[0, "repurchase_rate"], 3) == 0.184
    r = repurchase_rate(orders, window=("2025-11-01", "2026-10-31")).loc[0, "repurchase_rate"]
    assert round(r, 3) == 0.185


def test_sample_rfm_with_signup_check(sample):
    orders, customers = sample
    r = rfm(orders, as_of="2026-10-31", customers=customers)
    assert len(r) == 66153  # README: 66,153 buyers
    assert r["monetary"].sum() == pytest.approx(26_458_277.13, abs=0.01)  # total revenue
    s = rfm_summary(r)
    assert s["customers"].sum() == 66153 and s["revenue_share"].sum() == pytest.approx(1.0)


# --- invariants ----------------------------------------------------------------------------------

_order_rows = st.lists(
    st.tuples(
        st.sampled_from(list("abcdefgh")),
        st.dates(
            min_value=pd.Timestamp("2025-01-01").date(), max_value=pd.Timestamp("2025-12-31").date()
        ),
        st.sampled_from([0.0, 10.0, 25.5, 99.0]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_order_rows, seed=st.integers(0, 2**16), ties=st.sampled_from(["min", "first"]))
def test_rfm_does_not_depend_on_row_order(rows, seed, ties):
    o = _orders([(c, str(d), a) for c, d, a in rows])
    shuffled = o.sample(frac=1, random_state=seed)
    a = rfm(o, as_of="2026-01-01", ties=ties)
    b = rfm(shuffled, as_of="2026-01-01", ties=ties)
    pd.testing.assert_frame_equal(a, b)
    assert a[["recency_score", "frequency_score", "monetary_score"]].isin(range(1, 6)).all().all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_order_rows, freq=st.sampled_from(["M", "W", "Q"]))
def test_cohort_first_period_is_one(rows, freq):
    o = _orders([(c, str(d), a) for c, d, a in rows])
    t = cohort_retention(o, freq=freq)
    assert (t[0] == 1.0).all()
    values = t.to_numpy()
    assert np.nanmax(values) <= 1.0
    # NaN exactly in the cells after the last period: row i (of n) has n - 1 - i of them
    n = len(t)
    periods = pd.PeriodIndex(t.index, freq=freq)
    last = pd.Period(o["order_date"].max(), freq=freq)
    for i in range(n):
        seen = (last - periods[i]).n + 1
        assert not np.isnan(values[i, :seen]).any() and np.isnan(values[i, seen:]).all()


# --- bad input -----------------------------------------------------------------------------------


def test_negative_amount_names_the_row():
    o = _orders([("a", "2026-01-01", 10), ("b", "2026-01-02", -5)])
    with pytest.raises(InputError, match=r"orders.amount: is negative; rows: 2 \(-5.0\)"):
        rfm(o)


def test_order_before_signup_names_the_row():
    o = _orders([("a", "2026-01-05", 10), ("b", "2026-01-02", 5)])
    c = pd.DataFrame({"customer_id": ["a", "b"], "signup_date": ["2026-01-01", "2026-01-03"]})
    with pytest.raises(InputError, match=r"before the customer signed up; rows: 2") as e:
        rfm(o, customers=c)
    assert "2026-01-03" in str(e.value)
    with pytest.raises(InputError, match=r"missing from the customers table; rows: 2 \('b'\)"):
        rfm(o, customers=c.iloc[:1])


def test_other_bad_input():
    o = _orders([("a", "2026-01-05", 10), ("", "2026-01-02", 5), ("c", "soon", 1)])
    with pytest.raises(InputError, match=r"customer_id: is empty; rows: 2"):
        rfm(o)
    with pytest.raises(InputError, match=r"order_date: is not a date; rows: 3"):
        cohort_retention(o.assign(customer_id=["a", "b", "c"]))
    with pytest.raises(InputError, match="freq"):
        cohort_retention(o.iloc[:1], freq="D")
    with pytest.raises(InputError, match="window"):
        repurchase_rate(o.iloc[:1], window="2026")
    with pytest.raises(InputError, match="missing column"):
        rfm(o.drop(columns="amount"))


def test_plots_draw_the_tables():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mktkit.plots import plot_cohort_heatmap, plot_rfm_segments

    o = _orders(
        [("a", "2026-01-05", 100), ("b", "2026-01-20", 50), ("a", "2026-02-01", 30),
         ("c", "2026-02-03", 10)]
    )  # fmt: skip
    t = cohort_retention(o)
    ax = plot_cohort_heatmap(t)
    shown = ax.images[0].get_array()
    assert shown[0].tolist() == [1.0, 0.5] and bool(shown.mask[1, 1])  # not observed: blank
    assert [x.get_text() for x in ax.texts] == ["100%", "50%", "100%"]
    plt.close(ax.figure)
    s = rfm_summary(rfm(o))
    ax = plot_rfm_segments(s)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted([*s["customer_share"], *s["revenue_share"]]))
    plt.close(ax.figure)
