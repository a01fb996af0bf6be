"""Tests of mktkit.data.generate: determinism, the contract's consistency rules and the planted facts.

Every figure is recomputed here with plain pandas/scipy/statsmodels from the written files, never
with the generator's own helpers, so that a bug in the generator cannot hide itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import chisquare, linregress, spearmanr
from statsmodels.stats.proportion import proportions_ztest

from mktkit.data.generate import FILES, generate_sample
from mktkit.errors import InputError

COMMITTED = Path(__file__).resolve().parents[1] / "data" / "sample"
REGIONS = {"east", "south", "north", "west"}
CHANNELS = {"search", "social", "video", "display", "kol", "email", "affiliate"}


# ---------------------------------------------------------------------------------------------
# fixtures: the default sample is generated once per test session


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def t(files: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The tables read with pandas alone (dates parsed, ids kept as text)."""
    text = {"order_id": str, "customer_id": str, "response_id": str, "campaign_id": str}
    return {
        "cd": pd.read_csv(files["channel_daily"], parse_dates=["date"]),
        "orders": pd.read_csv(files["orders"], parse_dates=["order_date"], dtype=text),
        "customers": pd.read_csv(files["customers"], parse_dates=["signup_date"], dtype=text),
        "events": pd.read_parquet(files["events"]),
        "kpi": pd.read_csv(files["kpi_targets"]),
        "nps": pd.read_csv(files["nps"], parse_dates=["date"], keep_default_na=False, dtype=text),
        "exp": pd.read_csv(files["experiments"]),
        "campaigns": pd.read_csv(files["campaigns"], parse_dates=["start", "end"], dtype=text),
    }


# ---------------------------------------------------------------------------------------------
# (a), (b), (e): determinism, seeds, the events option


def test_default_seed_reproduces_the_committed_files_byte_for_byte(files):
    committed = {p.name for p in COMMITTED.iterdir()}
    assert committed == set(FILES.values()) | {"README.md"}
    for key, path in files.items():
        assert path.read_bytes() == (COMMITTED / path.name).read_bytes(), key


def test_committed_sample_stays_small():
    total = sum(p.stat().st_size for p in COMMITTED.iterdir())
    assert total < 15_000_000


def test_another_seed_gives_other_data(tmp_path, files):
    other = generate_sample(tmp_path, seed=1, events=2_000)
    for key in ("channel_daily", "orders", "customers", "nps", "kpi_targets", "experiments"):
        assert other[key].read_bytes() != files[key].read_bytes(), key


def test_events_option_sizes_only_the_events_log(tmp_path, files):
    out = generate_sample(tmp_path, events=20_000)
    n = pd.read_parquet(out["events"]).shape[0]
    assert 18_000 <= n <= 22_000
    for key in FILES:
        if key != "events":  # every other table is the default sample's
            assert out[key].read_bytes() == files[key].read_bytes(), key


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [({"events": 0}, "events"), ({"events": 2.5}, "events"), ({"seed": -1}, "seed")],
)
def test_bad_arguments_are_refused(tmp_path, kwargs, column):
    with pytest.raises(InputError) as exc:
        generate_sample(tmp_path, **kwargs)
    assert exc.value.column == column
    assert not list(tmp_path.iterdir())  # refused before writing anything


# ---------------------------------------------------------------------------------------------
# (c) consistency (docs/data.md, "Consistency between tables")


def _first_orders(orders: pd.DataFrame) -> pd.Series:
    """True for each customer's first-ever order (order ids follow time)."""
    ordered = orders.sort_values(["order_date", "order_id"])
    return ~ordered["customer_id"].duplicated().reindex(orders.index)


def test_channel_daily_equals_the_orders_table(t):
    cd, o = t["cd"], t["orders"].copy()
    assert len(cd) == 730 * 4 * 7
    assert not cd.duplicated(["date", "region", "channel"]).any()
    assert set(cd["channel"]) == CHANNELS and set(o["channel"]) == CHANNELS | {"direct"}
    o["cents"] = (o["amount"] * 100).round().astype("int64")
    o["first"] = _first_orders(o)
    paid = o[o["channel"] != "direct"]
    agg = paid.groupby(["order_date", "region", "channel"]).agg(
        n=("order_id", "size"), cents=("cents", "sum"), new=("first", "sum")
    )
    key = cd.set_index(["date", "region", "channel"])
    joined = key.join(agg.rename_axis(["date", "region", "channel"])).fillna(0)
    np.testing.assert_array_equal(joined["orders"].to_numpy(), joined["n"].to_numpy())
    got_cents = (joined["revenue"] * 100).round().astype("int64")
    np.testing.assert_array_equal(got_cents.to_numpy(), joined["cents"].astype("int64").to_numpy())
    np.testing.assert_array_equal(joined["new_customers"].to_numpy(), joined["new"].to_numpy())
    assert joined["n"].sum() == len(paid)  # no paid order falls outside channel_daily
    assert (cd["clicks"] <= cd["impressions"]).all()
    assert (cd["new_customers"] <= cd["orders"]).all()


def test_customers_agree_with_their_orders(t):
    o, c = t["orders"], t["customers"].set_index("customer_id")
    assert c.index.is_unique and o["order_id"].is_unique
    assert set(o["customer_id"]) <= set(c.index)
    first = o[_first_orders(o)].set_index("customer_id")
    buyers = c.loc[first.index]
    assert (buyers["signup_date"] <= first["order_date"]).all()
    assert (buyers["acquisition_channel"] == first["channel"]).all()
    regions = o.groupby("customer_id")["region"].agg(["nunique", "first"])
    assert (regions["nunique"] == 1).all()
    assert (c.loc[regions.index, "region"] == regions["first"]).all()
    never = c.index.difference(first.index)
    assert len(never) > 0  # sign-ups who never ordered keep their sign-up channel
    assert set(c.loc[never, "acquisition_channel"]) <= CHANNELS | {"direct"}
    assert c["signup_date"].between("2024-11-01", "2026-10-31").all()


def test_tables_validate_against_the_schemas(files):
    from mktkit.data.io import validate
    from mktkit.data.sample import load_sample
    from mktkit.schemas import SCHEMAS

    data = load_sample(files["orders"].parent)  # validates each table on access
    for name in SCHEMAS:
        validate(data[name], schema=name)
    assert isinstance(data["swot"], dict) and isinstance(data["marketing_mix"], dict)


def test_magnitudes_are_plausible(t):
    cd, o = t["cd"], t["orders"]
    assert 100 <= len(o) / 730 <= 300
    assert 150 <= o["amount"].mean() <= 400
    assert 50_000 <= len(o) <= 120_000 and 200_000 <= len(t["events"]) <= 500_000
    per = cd.groupby("channel")[["spend", "impressions", "clicks", "revenue"]].sum()
    assert per.eval("clicks / impressions").between(0.005, 0.03).all()
    assert per.eval("revenue / spend").between(1, 6).all()
    assert 100 <= cd["spend"].median() <= 2_000


# ---------------------------------------------------------------------------------------------
# (d) the planted facts of data/sample/README.md


def _daily_orders(o: pd.DataFrame) -> pd.Series:
    return o.groupby("order_date").size()


def test_weekends_are_busier(t):
    daily = _daily_orders(t["orders"])
    weekend = daily.index.day_of_week >= 5
    assert daily[weekend].mean() > 1.15 * daily[~weekend].mean()
    visits = t["events"].query("event == 'visit'")
    per_day = visits.groupby(visits["ts"].dt.normalize()).size()
    is_we = per_day.index.day_of_week >= 5
    assert per_day[is_we].mean() > 1.15 * per_day[~is_we].mean()


@pytest.mark.parametrize("peak", ["2024-11-11", "2025-11-11", "2025-06-18", "2026-06-18"])
def test_promotion_peaks(t, peak):
    daily = _daily_orders(t["orders"])
    day = pd.Timestamp(peak)
    month = daily[(daily.index.year == day.year) & (daily.index.month == day.month)]
    assert month.idxmax() == day
    assert daily[day] > 2.5 * daily.median()
    build_up = daily[day.replace(day=1) : day - pd.Timedelta(days=1)].mean()
    after = daily[day + pd.Timedelta(days=9) : day + pd.Timedelta(days=19)].mean()
    assert build_up > 1.2 * after  # demand builds up from the 1st of the month


@pytest.mark.parametrize(
    ("first", "last"), [("2025-01-28", "2025-02-04"), ("2026-02-16", "2026-02-23")]
)
def test_spring_festival_dip(t, first, last):
    daily = _daily_orders(t["orders"])
    a = pd.Timestamp(first)
    before = daily[a - pd.Timedelta(days=21) : a - pd.Timedelta(days=8)].mean()
    assert daily[first:last].mean() < 0.6 * before
    assert (
        daily[first:last].max() < daily[a - pd.Timedelta(days=21) : a - pd.Timedelta(days=8)].min()
    )


def test_display_roas_decays_month_by_month(t):
    cd = t["cd"]
    d = cd[cd["channel"] == "display"]
    m = d.groupby(d["date"].dt.strftime("%Y-%m"))[["revenue", "spend"]].sum()
    roas = (m["revenue"] / m["spend"]).loc["2025-11":"2026-10"]
    assert len(roas) == 12
    fit = linregress(np.arange(12), roas.to_numpy())
    assert fit.slope < 0 and fit.pvalue < 0.001
    assert spearmanr(np.arange(12), roas.to_numpy()).statistic <= -0.95
    assert roas.iloc[-1] < 0.5 * roas.iloc[0]
    earlier = (m["revenue"] / m["spend"]).loc["2024-11":"2025-10"]
    assert earlier.max() / earlier.min() < 1.25  # stable before the decay
    others = cd[cd["channel"] != "display"]
    ro = others.groupby(others["date"].dt.strftime("%Y-%m"))[["revenue", "spend"]].sum()
    assert (ro["revenue"] / ro["spend"]).loc["2026-10"] > 2.5  # only display decays


def test_south_tracking_outage_hits_clicks_only(t):
    cd = t["cd"]
    oct_ = cd[(cd["date"] >= "2026-10-01") & (cd["date"] <= "2026-10-31")]
    outage = oct_["date"].isin(pd.to_datetime(["2026-10-14", "2026-10-15"]))
    for region, g in oct_.groupby("region"):
        by_day = g.groupby("date")[["spend", "impressions", "clicks", "orders"]].sum()
        normal = by_day.drop(pd.to_datetime(["2026-10-14", "2026-10-15"]))
        hit = by_day.loc[["2026-10-14", "2026-10-15"]]
        if region == "south":
            assert (hit["clicks"] < 0.10 * normal["clicks"].median()).all()
            for col in ("spend", "impressions", "orders"):
                assert hit[col].between(normal[col].min(), normal[col].max()).all(), col
        else:
            assert (hit["clicks"] > 0.5 * normal["clicks"].median()).all()
    south = oct_[outage & (oct_["region"] == "south")]
    usual = oct_[~outage & (oct_["region"] == "south")].groupby("channel")["clicks"].median()
    ratio = south.groupby("channel")["clicks"].sum() / (2 * usual)
    assert (ratio < 0.10).all()  # every channel


def _checkout_conversions(events: pd.DataFrame) -> pd.DataFrame:
    """Each distinct checkout with the time to the same user's next purchase (NaT if none)."""
    co = events.loc[events["event"] == "checkout", ["user_id", "ts", "device"]]
    co = co.drop_duplicates(["user_id", "ts"]).sort_values("ts")
    pu = events.loc[events["event"] == "purchase", ["user_id", "ts"]]
    pu = pu.rename(columns={"ts": "purchase_ts"}).sort_values("purchase_ts")
    m = pd.merge_asof(
        co, pu, left_on="ts", right_on="purchase_ts", by="user_id", direction="forward"
    )
    return m.assign(gap=m["purchase_ts"] - m["ts"])


def test_checkout_leak_from_october_9(t):
    m = _checkout_conversions(t["events"])
    leak = m["ts"] >= "2026-10-09"
    before = m["ts"].between("2026-01-01", "2026-10-09", inclusive="left")
    assert m.loc[leak, "gap"].notna().mean() < 0.45
    assert m.loc[before, "gap"].notna().mean() > 0.55
    for device, g in m[leak].groupby("device"):  # all devices leak
        assert g["gap"].notna().mean() < 0.45, device
    gaps = m["gap"].dropna()
    assert (gaps > pd.Timedelta("1D")).mean() > 0.05  # some buy a day or more later
    assert (gaps > pd.Timedelta("7D")).mean() > 0.01  # a 7-day window matters


def test_events_log_texture(t):
    ev = t["events"]
    assert str(ev["ts"].dtype) == "datetime64[us]" and ev["user_id"].dtype == "int64"
    assert not ev.isna().any().any()
    assert set(ev["event"]) == {
        "visit", "view_product", "add_to_cart", "checkout", "purchase",
        "search", "signup", "add_to_wishlist",
    }  # fmt: skip
    assert set(ev["device"]) == {"mobile", "desktop", "app"}
    assert set(ev["channel"]) == CHANNELS | {"direct"}
    assert (ev.groupby("user_id")["region"].nunique() == 1).all()
    assert ev.duplicated().sum() > 0  # occasional repeated events
    visits = ev[ev["event"] == "visit"].groupby("user_id").size()
    assert (visits >= 2).mean() > 0.2  # return visits
    assert ev["ts"].between("2024-11-01", "2026-11-01", inclusive="left").all()


def test_dormant_frequent_buyers(t):
    o = t["orders"]
    per = o.groupby("customer_id").agg(n=("order_id", "size"), last=("order_date", "max"))
    dormant = (per["n"] >= 3) & (per["last"] <= "2026-06-30")
    assert dormant.sum() >= 1_000
    # the planted group: very frequent buyers who stopped in the first half of 2026
    heavy = per[per["n"] >= 10]
    stopped = heavy[heavy["last"] <= "2026-06-30"]
    assert len(stopped) > 2 * (len(heavy) - len(stopped))
    assert stopped["last"].between("2026-01-01", "2026-06-30").mean() > 0.8


def test_experiments(t):
    x = t["exp"].set_index(["experiment", "variant"])
    assert set(x.index.get_level_values(0)) == {
        "checkout_button",
        "free_shipping_banner",
        "homepage_hero",
    }
    assert np.allclose(x.groupby(level=0)["planned_share"].sum(), 1.0)
    srm = {}
    for name, g in x.groupby(level=0):
        srm[name] = chisquare(g["users"], f_exp=g["users"].sum() * g["planned_share"]).pvalue
    assert srm["free_shipping_banner"] < 0.001
    assert srm["checkout_button"] > 0.01 and srm["homepage_hero"] > 0.01

    def ztest(name):
        g = x.loc[name]
        rates = g["conversions"] / g["users"]
        _, p = proportions_ztest(g["conversions"].to_numpy(), g["users"].to_numpy())
        return rates["treatment"] - rates["control"], p

    lift, p = ztest("checkout_button")
    assert lift > 0 and p < 0.01
    _, p = ztest("homepage_hero")
    assert p > 0.2
    assert (x["users"] >= x["planned_users"]).all()  # every arm reached its plan


def _kpi_actuals(t) -> pd.DataFrame:
    """Monthly actuals by the definitions of data/sample/README.md, recomputed here."""
    o, cd = t["orders"].copy(), t["cd"].copy()
    o["first"] = _first_orders(o)
    o["month"] = o["order_date"].dt.strftime("%Y-%m")
    cd["month"] = cd["date"].dt.strftime("%Y-%m")
    rows = []
    for region in ["all", *sorted(REGIONS)]:
        oo = o if region == "all" else o[o["region"] == region]
        cc = cd if region == "all" else cd[cd["region"] == region]
        a = oo.groupby("month").agg(
            revenue=("amount", "sum"), orders=("order_id", "size"), new_customers=("first", "sum")
        )
        b = cc.groupby("month")[["spend", "revenue", "new_customers", "orders", "clicks"]].sum()
        a["spend"] = b["spend"]
        a["roas"] = b["revenue"] / b["spend"]
        a["cac"] = b["spend"] / b["new_customers"]
        a["conversion_rate"] = b["orders"] / b["clicks"]
        long = a.reset_index().melt("month", var_name="metric", value_name="actual")
        rows.append(long.assign(region=region))
    return pd.concat(rows, ignore_index=True)


def test_kpi_targets_and_the_three_october_misses(t):
    k = t["kpi"]
    assert len(k) == 24 * 5 * 7 and not k.duplicated(["month", "region", "metric"]).any()
    lower = {"spend", "cac"}
    assert (k["direction"] == np.where(k["metric"].isin(lower), "lower", "higher")).all()
    m = k.merge(_kpi_actuals(t), on=["month", "region", "metric"], validate="one_to_one")
    m["attainment"] = np.where(
        m["direction"] == "higher", m["actual"] / m["target"], m["target"] / m["actual"]
    )
    oct_ = m[m["month"] == "2026-10"].set_index(["region", "metric"])["attainment"]
    assert oct_["north", "revenue"] == pytest.approx(0.85, abs=0.005)
    assert oct_["west", "new_customers"] == pytest.approx(0.95, abs=0.005)
    assert oct_["east", "cac"] == pytest.approx(0.80, abs=0.005)
    assert (
        oct_.drop([("north", "revenue"), ("west", "new_customers"), ("east", "cac")]) >= 1
    ).all()
    history = m[m["month"] < "2026-10"]["attainment"]
    assert 0.05 < (history < 1).mean() < 0.30  # most hit, some missed


def test_nps_responses(t):
    n = t["nps"]
    assert 5_000 <= len(n) <= 8_000 and n["response_id"].is_unique
    score = n["score"].astype(int)
    assert score.between(0, 10).all()
    assert (n["comment"] == "").mean() > 0.2
    assert n["comment"].str.contains(r"[\u4e00-\u9fff]").any()  # Chinese
    assert n["comment"].str.fullmatch(r"[A-Za-z0-9 ,.'\-]+").any()  # English
    assert n["comment"].str.contains("<").sum() >= 2 and n["comment"].str.contains("&").sum() >= 2


def test_campaigns(t):
    c = t["campaigns"]
    assert 8 <= len(c) <= 12 and c["campaign_id"].is_unique
    assert (c["end"] >= c["start"]).all()
    assert c["name"].str.contains(" / ").all()
    assert set(c["channel"]) <= CHANNELS
    names = " ".join(c["name"])
    for needle in ("Double 11 2024", "Double 11 2025", "618", "Spring Festival"):
        assert needle in names


def test_strategy_files(files):
    swot = yaml.safe_load(files["swot"].read_text(encoding="utf-8"))
    ife = swot["strengths"] + swot["weaknesses"]
    efe = swot["opportunities"] + swot["threats"]
    for factors in (ife, efe):
        assert 10 <= len(factors) <= 20
        assert sum(f["weight"] for f in factors) == pytest.approx(1.0, abs=1e-9)
        assert max(f["weight"] for f in factors) < 0.30
    assert all(f["rating"] in (3, 4) for f in swot["strengths"])
    assert all(f["rating"] in (1, 2) for f in swot["weaknesses"])
    texts = [f["text"]["en"] for f in ife + efe]
    assert any("<" in x and "&" in x for x in texts)
    ids = {f["id"] for f in ife + efe}
    for s in swot["strategies"]:
        letters = {u[0] for u in s["uses"]}
        assert set(s["uses"]) <= ids and letters == set(s["quadrant"]), s["id"]
    mix = yaml.safe_load(files["marketing_mix"].read_text(encoding="utf-8"))["elements"]
    assert set(mix) == {"product", "price", "place", "promotion", "people", "process"}
    assert sum(e["weight"] for e in mix.values()) == pytest.approx(1.0, abs=1e-9)
    assert all(1 <= e["rating"] <= 5 for e in mix.values())
