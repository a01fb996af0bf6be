"""The sample company: a deterministic generator for 拾光家居 / Lumi Home.

Lumi Home is a fictional direct-to-consumer home-goods brand selling in four regions (east,
south, north, west) through seven paid and owned channels plus direct traffic, from 2024-11-01
(the day its CRM and own store went live) to 2026-10-31. :func:`generate_sample` writes the ten
files of the data contract (``docs/data.md``, ``data/sample/README.md``).

Generative model, in the order it runs (each table draws from its own child stream of
``numpy.random.SeedSequence(seed)``, so changing one table never shifts another):

1. **Calendar.** Every day gets multipliers for orders, traffic and spend: a +24 % trend over
   two years, a mild annual wave, a weekly profile (Saturday and Sunday about 1.2x), promotion
   ramps (11.11 from Nov 1 with the peak on Nov 11; 6.18 from Jun 1 with the peak on Jun 18)
   and the Spring Festival dip (x0.45). Spend reacts less than demand, so ROAS rises at peaks.
2. **channel_daily.** Per day, region and channel: spend (lognormal noise around a base that
   follows the calendar and the channel campaigns) -> impressions (Poisson, spend / CPM) ->
   clicks (binomial, CTR) -> orders (binomial, conversion per click) and leads (binomial).
   Display converts 9 % worse each month from 2025-11 while its budget grows 3 % a month, so
   its ROAS falls month by month. On the south tracking outage days only the *reported* clicks
   are thinned to 2 %; orders come from the true clicks.
3. **orders and customers.** Every order of channel_daily (and Poisson "direct" orders) becomes
   a row with a lognormal amount. Each order is either a first order (a new customer) or a
   repeat order drawn, day by day, from the region's active customers weighted by a gamma
   "appetite"; customers lapse after an exponential lifetime. A planted group of frequent buyers
   acquired before 2025-07 stops for good between 2026-01 and 2026-06 (the dormant segment).
   channel_daily's orders, revenue and new_customers are then counted from these rows, so the
   two tables agree to the cent.
4. **events.** Users (region fixed) have one or more sessions (channel and device fixed per
   session) on days drawn from the traffic calendar; each session walks visit -> view_product
   -> add_to_cart -> checkout -> purchase with step probabilities and gaps of seconds to weeks,
   plus noise events and a few exact duplicates. Checkouts from 2026-10-09 convert at 0.35
   instead of 0.62 (the checkout leak).
5. **nps, experiments, kpi_targets, campaigns, swot.yaml, marketing_mix.yaml.** Survey answers
   follow the traffic calendar (more detractors after the checkout leak starts); experiment
   arms are binomial draws around planted effects; KPI targets are set from the actuals with a
   drawn attainment (three planted misses in 2026-10); campaign budgets and goals come from the
   channel's actual spend and results; the strategy files quote figures computed from the data.

Examples
--------
>>> from mktkit.data.generate import generate_sample
>>> files = generate_sample("/tmp/lumi", seed=7, events=20_000)      # doctest: +SKIP
>>> sorted(files)[:3]                                                # doctest: +SKIP
['campaigns', 'channel_daily', 'customers']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from mktkit.data.folder import SAMPLE_FILES
from mktkit.errors import InputError

#: Seed of the committed sample in data/sample.
DEFAULT_SEED = 20261031
#: Approximate rows of the committed events log.
DEFAULT_EVENTS = 350_000

START = np.datetime64("2024-11-01", "D")
END = np.datetime64("2026-10-31", "D")
REGIONS = ("east", "south", "north", "west")
CHANNELS = ("search", "social", "video", "display", "kol", "email", "affiliate")
ALL_CHANNELS = (*CHANNELS, "direct")
DEVICES = ("mobile", "desktop", "app")
FUNNEL = ("visit", "view_product", "add_to_cart", "checkout", "purchase")
EVENT_NAMES = (*FUNNEL, "search", "signup", "add_to_wishlist")

#: Files written, in the order of the contract: key -> file name (one list, kept in io.py).
FILES = SAMPLE_FILES

# Planted facts (dates are inclusive).
SPRING_FESTIVAL = (("2025-01-28", "2025-02-04"), ("2026-02-16", "2026-02-23"))
DOUBLE_11_YEARS = (2024, 2025)
MID_YEAR_618_YEARS = (2025, 2026)
DISPLAY_DECAY_FROM = "2025-11-01"
DISPLAY_MONTHLY_CVR = 0.91  # display's conversion per click, month on month
DISPLAY_MONTHLY_BUDGET = 1.03  # display's budget, month on month (the "reach push")
OUTAGE_REGION, OUTAGE_DAYS, OUTAGE_KEEP = "south", ("2026-10-14", "2026-10-15"), 0.02
LEAK_FROM, LEAK_TO = "2026-10-09", "2026-10-31"
P_PURCHASE, P_PURCHASE_LEAK = 0.62, 0.35
DORMANT_BEFORE = "2026-07-01"  # planted frequent buyers order for the last time before this day
LIFETIME_DAYS = 700.0  # mean days a customer stays active after the first order
PLANTED_SHARE = 0.012  # share of customers acquired before 2025-07 who are planted frequent buyers
REPEAT_SATURATION = 45_000.0  # company-wide total appetite at which repeat shares stop growing
KPI_MISSES = {("north", "revenue"): 0.85, ("west", "new_customers"): 0.95, ("east", "cac"): 0.80}
KPI_MONTH = "2026-10"

REGION_SHARE = np.array([0.36, 0.27, 0.20, 0.17])

# Channel economics at calendar multiplier 1, whole company, per day.
# order/day, AOV median (CNY), ROAS, CPM (CNY), CTR, leads per click, repeat-order share
_CHANNEL_TABLE = {
    "search": (22.0, 270.0, 4.2, 45.0, 0.028, 0.06, 0.48),
    "social": (15.0, 240.0, 3.0, 28.0, 0.012, 0.05, 0.34),
    "video": (10.0, 260.0, 2.5, 35.0, 0.009, 0.04, 0.28),
    "display": (24.0, 190.0, 3.7, 9.0, 0.005, 0.03, 0.26),
    "kol": (10.0, 300.0, 2.7, 60.0, 0.016, 0.05, 0.30),
    "email": (7.0, 230.0, 4.6, 4.0, 0.022, 0.02, 0.90),
    "affiliate": (7.0, 250.0, 4.0, 22.0, 0.011, 0.04, 0.40),
}
_DIRECT = (17.0, 290.0, 0.75)  # orders/day, AOV median, repeat-order share
_AMOUNT_SIGMA = 0.45  # lognormal sigma of order amounts
_DISPLAY_SIGMA = 0.30  # display sells the entry-level range: narrower amounts
_DAY_US = 86_400_000_000

# Channel campaigns: channel, first day, last day, spend multiplier (promotions are calendar-wide).
_CHANNEL_PUSHES = (
    ("social", "2025-01-06", "2025-01-26", 1.3),
    ("kol", "2025-04-01", "2025-04-30", 1.6),
    ("email", "2025-08-04", "2025-08-31", 1.8),
    ("social", "2026-01-26", "2026-02-15", 1.3),
    ("video", "2026-03-02", "2026-03-29", 1.7),
    ("affiliate", "2026-09-01", "2026-10-31", 1.4),
    ("social", "2026-10-20", "2026-10-31", 1.3),
)

_STREAMS = (
    "channel_daily",
    "orders",
    "customers",
    "events",
    "nps",
    "experiments",
    "kpi_targets",
    "campaigns",
)


def generate_sample(
    out: str | Path, seed: int = DEFAULT_SEED, events: int | None = None
) -> dict[str, Path]:
    """Write the sample company's ten files into ``out`` (created if missing).

    Parameters
    ----------
    out : str or Path
        Folder to write to; existing files of the same names are replaced.
    seed : int, default 20261031
        Random seed; the same seed gives byte-identical files (with the same versions of numpy,
        pandas and pyarrow). The committed ``data/sample`` uses the default.
    events : int, optional
        Approximate number of rows of ``events.parquet`` (default about 350,000). Only the
        events log changes; every other file stays as it is for the seed. Ten million rows take
        about 10 s and 1.5 GB of memory (vectorised numpy, Parquet written in row groups).

    Returns
    -------
    dict of str to Path
        Table name (``channel_daily``, ``events``, ..., ``swot``, ``marketing_mix``) to file.

    Examples
    --------
    >>> files = generate_sample("/tmp/lumi", events=20_000)           # doctest: +SKIP
    >>> files["orders"].name                                          # doctest: +SKIP
    'orders.csv'
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            f"seed {seed!r} is not a whole number >= 0",
            column="seed",
            fix=f"give a whole number such as {DEFAULT_SEED}",
        )
    if events is not None and (
        isinstance(events, bool) or not isinstance(events, int | np.integer) or events < 100
    ):
        raise InputError(
            f"events {events!r} is not a whole number of at least 100",
            column="events",
            fix="give the approximate number of event rows, e.g. 10000000, or leave it out",
        )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rngs = dict(
        zip(
            _STREAMS,
            (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(_STREAMS))),
            strict=True,
        )
    )
    paths = {key: out / name for key, name in FILES.items()}

    cal = _calendar()
    cd = _channel_daily(rngs["channel_daily"], cal)
    orders, customers = _orders_and_customers(rngs["orders"], rngs["customers"], cal, cd)
    _fill_results(cd, orders)
    nps = _nps(rngs["nps"], cal)
    experiments = _experiments(rngs["experiments"])
    kpi = _kpi_targets(rngs["kpi_targets"], cd, orders)
    campaigns = _campaigns(rngs["campaigns"], cd)

    _write_csv(_channel_daily_frame(cd), paths["channel_daily"])
    _write_csv(_orders_frame(orders), paths["orders"])
    _write_csv(customers, paths["customers"])
    _write_csv(kpi, paths["kpi_targets"])
    _write_csv(nps, paths["nps"])
    _write_csv(experiments, paths["experiments"])
    _write_csv(campaigns, paths["campaigns"])
    _write_events(rngs["events"], cal, events or DEFAULT_EVENTS, paths["events"])
    facts = _strategy_facts(cd, orders, nps)
    _write_yaml(_swot(facts), paths["swot"])
    _write_yaml(_marketing_mix(facts), paths["marketing_mix"])
    return paths


# ---------------------------------------------------------------------------------------------
# Calendar


def _day(date: str) -> int:
    """Index of an ISO date in the sample period (0 = 2024-11-01)."""
    return int((np.datetime64(date, "D") - START).astype(int))


def _calendar() -> dict[str, np.ndarray]:
    days = np.arange(START, END + np.timedelta64(1, "D"))
    n = len(days)
    t = np.arange(n)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    week_orders = np.array([0.92, 0.93, 0.94, 0.96, 1.00, 1.22, 1.20])[weekday]
    week_spend = np.array([0.97, 0.97, 0.98, 0.99, 1.00, 1.05, 1.05])[weekday]
    trend = 1.0 + 0.24 * t / n
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    annual = 1.0 + 0.06 * np.sin(2 * np.pi * (doy - 50) / 365.25)  # spring/early summer high

    promo = np.ones(n)
    for year in DOUBLE_11_YEARS:
        d = _day(f"{year}-11-01")
        promo[d : d + 10] = np.linspace(1.3, 2.4, 10)
        promo[d + 10 : d + 13] = (4.2, 1.6, 1.2)
        promo[d + 13 : d + 20] = 0.9  # post-promotion lull
    for year in MID_YEAR_618_YEARS:
        d = _day(f"{year}-06-01")
        promo[d : d + 17] = np.linspace(1.15, 1.9, 17)
        promo[d + 17 : d + 19] = (3.3, 1.3)
        promo[d + 19 : d + 25] = 0.92

    spring = np.ones(n)
    for first, last in SPRING_FESTIVAL:
        a, b = _day(first), _day(last)
        spring[a - 5 : a] = 0.8  # couriers stop taking parcels before the holiday
        spring[a : b + 1] = 0.45
        spring[b + 1 : b + 4] = 0.8

    base = trend * annual
    orders = base * week_orders * promo * spring
    traffic = base * week_orders * promo**0.85 * spring**0.75
    spend = trend**0.9 * annual * week_spend * promo**0.75 * spring**0.6
    cpm = promo**0.2  # auctions are dearer at peaks
    months_decay = np.clip((t - _day(DISPLAY_DECAY_FROM)) / 30.44 + 1.0, 0.0, None)
    months_decay[t < _day(DISPLAY_DECAY_FROM)] = 0.0
    return {
        "days": days,
        "orders": orders,
        "traffic": traffic,
        "spend": spend,
        "cpm": cpm,
        "display_months": months_decay,
    }


# ---------------------------------------------------------------------------------------------
# channel_daily, orders, customers


def _channel_daily(rng: np.random.Generator, cal: dict[str, np.ndarray]) -> dict[str, Any]:
    n_days, n_reg, n_ch = len(cal["days"]), len(REGIONS), len(CHANNELS)
    par = np.array([_CHANNEL_TABLE[c] for c in CHANNELS])
    orders0, aov_median, roas, cpm, ctr, lead_rate = (par[:, i] for i in range(6))
    sigma = np.where(np.array(CHANNELS) == "display", _DISPLAY_SIGMA, _AMOUNT_SIGMA)
    aov_mean = aov_median * np.exp(sigma**2 / 2)
    base_orders = REGION_SHARE[:, None] * orders0[None, :]  # (region, channel)
    base_spend = base_orders * aov_mean / roas
    base_clicks = base_spend / cpm * 1000 * ctr
    cvr = base_orders / base_clicks

    push = np.ones((n_days, n_ch))
    for channel, first, last, factor in _CHANNEL_PUSHES:
        push[_day(first) : _day(last) + 1, CHANNELS.index(channel)] *= factor
    disp = CHANNELS.index("display")
    push[:, disp] *= DISPLAY_MONTHLY_BUDGET ** cal["display_months"]

    # Daily multipliers (day, 1, channel): spend follows the spend calendar; clicks follow the
    # traffic calendar; orders follow the order calendar, except display (an upper-funnel
    # channel bought in proportion to demand) whose orders follow its spend and decay.
    m_spend = cal["spend"][:, None, None] * push[:, None, :]
    ctr_mult = (cal["traffic"] * cal["cpm"] / cal["spend"])[:, None, None]
    cvr_mult = np.repeat((cal["orders"] / cal["traffic"])[:, None, None], n_ch, axis=2)
    cvr_mult[:, :, disp] = (cal["spend"] / cal["traffic"])[:, None] * DISPLAY_MONTHLY_CVR ** cal[
        "display_months"
    ][:, None]
    cvr_mult = cvr_mult * push[:, None, :] ** -0.15  # diminishing returns of a budget push

    shape = (n_days, n_reg, n_ch)
    spend = base_spend[None] * m_spend * rng.lognormal(0.0, 0.10, shape)
    spend_cents = np.round(spend * 100).astype(np.int64)
    mean_impr = spend_cents / 100 / (cpm[None, None, :] * cal["cpm"][:, None, None]) * 1000
    impressions = rng.poisson(mean_impr * rng.lognormal(0.0, 0.05, shape))
    p_click = np.minimum(ctr[None, None, :] * ctr_mult * rng.lognormal(0.0, 0.08, shape), 1.0)
    true_clicks = rng.binomial(impressions, p_click)
    p_order = np.minimum(cvr[None] * cvr_mult * rng.lognormal(0.0, 0.06, shape), 1.0)
    orders = rng.binomial(true_clicks, p_order)
    # Display's orders are rounded stochastically instead of drawn binomially: less noise than
    # Poisson, so that its ROAS decay reads month by month (about 500 orders a month).
    expected = true_clicks[:, :, disp] * p_order[:, :, disp]
    orders[:, :, disp] = np.floor(expected + rng.random(expected.shape)).astype(orders.dtype)
    leads = rng.binomial(true_clicks, np.broadcast_to(lead_rate, shape))
    clicks = true_clicks.copy()
    south = REGIONS.index(OUTAGE_REGION)
    for day in OUTAGE_DAYS:
        d = _day(day)
        clicks[d, south] = rng.binomial(true_clicks[d, south], OUTAGE_KEEP)
    direct = rng.poisson(_DIRECT[0] * REGION_SHARE[None, :] * cal["orders"][:, None])
    return {
        "spend_cents": spend_cents,
        "impressions": impressions,
        "clicks": clicks,
        "leads": leads,
        "orders": orders,
        "direct_orders": direct,
    }


def _orders_and_customers(
    rng: np.random.Generator,
    rng_cust: np.random.Generator,
    cal: dict[str, np.ndarray],
    cd: dict[str, Any],
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    n_days, n_reg = len(cal["days"]), len(REGIONS)
    counts = np.concatenate([cd["orders"], cd["direct_orders"][:, :, None]], axis=2)
    flat = counts.reshape(-1)
    cell = np.repeat(np.arange(flat.size), flat)  # sorted by (day, region, channel)
    day, rest = np.divmod(cell, n_reg * len(ALL_CHANNELS))
    region, channel = np.divmod(rest, len(ALL_CHANNELS))
    n = cell.size

    medians = np.array([_CHANNEL_TABLE[c][1] for c in CHANNELS] + [_DIRECT[1]])
    sigma = np.where(channel == CHANNELS.index("display"), _DISPLAY_SIGMA, _AMOUNT_SIGMA)
    amount = medians[channel] * np.exp(sigma * rng.standard_normal(n))
    cents = np.clip(np.round(amount * 100), 1990, 699_900).astype(np.int64)

    # New or repeat: a channel's repeat share grows with the region's active customer base
    # (total appetite) until it saturates, so a customer's order rate stays about constant.
    rep_share = np.array([_CHANNEL_TABLE[c][6] for c in CHANNELS] + [_DIRECT[2]])
    saturation = REGION_SHARE * REPEAT_SATURATION
    u_repeat = rng.random(n)
    u_pick = rng.random(n)
    # Drawn for every order; used when the order turns out to be a first order.
    appetite = rng.gamma(0.25, 4.0, n)
    life = np.ceil(rng.exponential(LIFETIME_DAYS, n)).astype(np.int64)
    planted = (day < _day("2025-07-01")) & (rng.random(n) < PLANTED_SHARE)
    planted_stop = rng.integers(_day("2026-01-01"), _day(DORMANT_BEFORE), n)
    planted_appetite = rng.uniform(20.0, 35.0, n)

    customer = np.full(n, -1, dtype=np.int64)
    # Per region: customers in order of acquisition with weight and last active day.
    reg_ids = [np.empty(n, np.int64) for _ in REGIONS]
    reg_w = [np.empty(n) for _ in REGIONS]
    reg_end = [np.empty(n, np.int64) for _ in REGIONS]
    reg_n = [0] * n_reg
    next_id = 0
    bounds = np.searchsorted(day * n_reg + region, np.arange(n_days * n_reg + 1))
    for d in range(n_days):
        for r in range(n_reg):
            a, b = bounds[d * n_reg + r], bounds[d * n_reg + r + 1]
            if a == b:
                continue
            k = reg_n[r]
            if k:
                cum = np.cumsum(reg_w[r][:k] * (reg_end[r][:k] >= d))
                p = rep_share[channel[a:b]] * min(1.0, cum[-1] / saturation[r])
                rep = np.flatnonzero(u_repeat[a:b] < p) + a
                if rep.size:
                    pick = np.searchsorted(cum, u_pick[rep] * cum[-1], side="right")
                    customer[rep] = reg_ids[r][np.minimum(pick, k - 1)]
            new = np.flatnonzero(customer[a:b] < 0) + a
            m = new.size
            ids = np.arange(next_id, next_id + m)
            customer[new] = ids
            next_id += m
            reg_ids[r][k : k + m] = ids
            reg_w[r][k : k + m] = np.where(planted[new], planted_appetite[new], appetite[new])
            reg_end[r][k : k + m] = np.where(planted[new], planted_stop[new], d + life[new])
            reg_n[r] = k + m
    first = np.zeros(n, dtype=bool)
    first[np.unique(customer, return_index=True)[1]] = True

    # Order ids follow time; within a day the order is shuffled (a fixed draw).
    order_rank = np.lexsort((rng.random(n), day))
    orders = {
        "day": day[order_rank],
        "region": region[order_rank],
        "channel": channel[order_rank],
        "cents": cents[order_rank],
        "customer": customer[order_rank],
        "first": first[order_rank],
    }
    customers = _customers(rng_cust, cal, orders, next_id)
    return orders, customers


def _customers(
    rng: np.random.Generator, cal: dict[str, np.ndarray], orders: dict[str, np.ndarray], n: int
) -> pd.DataFrame:
    """Customers: buyers (from their first order) plus sign-ups who never ordered."""
    f = np.flatnonzero(orders["first"])
    idx = orders["customer"][f]
    acq_day, acq_region, acq_channel = (np.empty(n, np.int64) for _ in range(3))
    acq_day[idx], acq_region[idx], acq_channel[idx] = (
        orders["day"][f],
        orders["region"][f],
        orders["channel"][f],
    )
    lag = np.where(rng.random(n) < 0.65, 0, rng.geometric(1 / 12, n))
    signup = np.maximum(acq_day - lag, 0)

    n_idle = round(0.22 * n)  # signed up (newsletter, account) but never ordered
    w = cal["traffic"] / cal["traffic"].sum()
    idle_day = rng.choice(len(w), n_idle, p=w)
    idle_region = rng.choice(len(REGIONS), n_idle, p=REGION_SHARE)
    ch_p = np.array([0.16, 0.18, 0.10, 0.14, 0.08, 0.10, 0.06, 0.18])
    idle_channel = rng.choice(len(ALL_CHANNELS), n_idle, p=ch_p)

    all_day = np.concatenate([signup, idle_day])
    rank = np.lexsort((rng.random(n + n_idle), all_day))  # id order = signup order
    number = np.empty(n + n_idle, np.int64)
    number[rank] = np.arange(1, n + n_idle + 1)
    orders["customer_number"] = number[orders["customer"]]
    regions = np.concatenate([acq_region, idle_region])[rank]
    channels = np.concatenate([acq_channel, idle_channel])[rank]
    return pd.DataFrame(
        {
            "customer_id": _ids("C", number[rank], 7),
            "signup_date": _dates(cal["days"][all_day[rank]]),
            "region": np.array(REGIONS)[regions],
            "acquisition_channel": np.array(ALL_CHANNELS)[channels],
        }
    )


def _fill_results(cd: dict[str, Any], orders: dict[str, np.ndarray]) -> None:
    """Count channel_daily's orders, revenue and new customers from the order rows."""
    shape = cd["orders"].shape
    paid = orders["channel"] < len(CHANNELS)
    cell = np.ravel_multi_index(
        (orders["day"][paid], orders["region"][paid], orders["channel"][paid]), shape
    )
    size = int(np.prod(shape))
    counted = np.bincount(cell, minlength=size).reshape(shape)
    if not np.array_equal(counted, cd["orders"]):  # pragma: no cover - a generator bug
        raise RuntimeError("orders do not add up to channel_daily.orders")
    cents = np.bincount(cell, weights=orders["cents"][paid], minlength=size)
    cd["revenue_cents"] = np.round(cents).astype(np.int64).reshape(shape)
    new = np.bincount(cell, weights=orders["first"][paid], minlength=size)
    cd["new_customers"] = np.round(new).astype(np.int64).reshape(shape)


def _channel_daily_frame(cd: dict[str, Any]) -> pd.DataFrame:
    n_days, n_reg, n_ch = cd["orders"].shape
    days = np.arange(START, END + np.timedelta64(1, "D"))
    return pd.DataFrame(
        {
            "date": np.repeat(_dates(days), n_reg * n_ch),
            "region": np.tile(np.repeat(REGIONS, n_ch), n_days),
            "channel": np.tile(CHANNELS, n_days * n_reg),
            "spend": cd["spend_cents"].reshape(-1) / 100,
            "impressions": cd["impressions"].reshape(-1),
            "clicks": cd["clicks"].reshape(-1),
            "leads": cd["leads"].reshape(-1),
            "orders": cd["orders"].reshape(-1),
            "new_customers": cd["new_customers"].reshape(-1),
            "revenue": cd["revenue_cents"].reshape(-1) / 100,
        }
    )


def _orders_frame(orders: dict[str, np.ndarray]) -> pd.DataFrame:
    days = np.arange(START, END + np.timedelta64(1, "D"))
    return pd.DataFrame(
        {
            "order_id": _ids("O", np.arange(1, orders["day"].size + 1), 7),
            "customer_id": _ids("C", orders["customer_number"], 7),
            "order_date": _dates(days[orders["day"]]),
            "region": np.array(REGIONS)[orders["region"]],
            "channel": np.array(ALL_CHANNELS)[orders["channel"]],
            "amount": orders["cents"] / 100,
        }
    )


# ---------------------------------------------------------------------------------------------
# events

_HOURLY = np.array(
    [1.2, 0.7, 0.4, 0.3, 0.3, 0.4, 0.8, 1.6, 2.6, 3.4, 3.8, 4.2]
    + [5.0, 4.8, 4.2, 4.0, 4.1, 4.3, 4.8, 5.6, 6.8, 7.4, 6.2, 3.6]
)
_SESSION_CHANNEL_P = np.array([0.22, 0.15, 0.09, 0.12, 0.07, 0.06, 0.06, 0.23])  # ALL_CHANNELS
_P_VIEW = np.array([0.68, 0.50, 0.50, 0.42, 0.58, 0.70, 0.60, 0.66])  # by session channel
_DEVICE_P = np.array([0.56, 0.16, 0.28])
_P_CART = np.array([0.28, 0.33, 0.34])  # by device
_P_CHECKOUT, _P_SEARCH, _P_EXTRA_VIEW, _P_WISHLIST = 0.55, 0.30, 0.30, 0.10
_P_SIGNUP, _P_DUPLICATE, _SESSIONS_PER_USER = 0.25, 0.005, 1.8


def _rows_per_session() -> float:
    """Expected event rows per session under the event model (ignores the end-of-data cut)."""
    p_view = float(_SESSION_CHANNEL_P @ _P_VIEW)
    p_cart = float(_DEVICE_P @ _P_CART)
    rows = (
        1
        + _P_SEARCH
        + p_view * (1 + _P_EXTRA_VIEW + _P_WISHLIST)
        + p_view * p_cart * (1 + _P_CHECKOUT * (1 + P_PURCHASE))
        + _P_SIGNUP / _SESSIONS_PER_USER
    )
    return rows * (1 + _P_DUPLICATE)


def _exp_us(rng: np.random.Generator, mean_s: float, n: int, floor_s: float = 0.0) -> np.ndarray:
    return ((floor_s + rng.exponential(mean_s, n)) * 1e6).astype(np.int64)


def _events_arrays(
    rng: np.random.Generator, cal: dict[str, np.ndarray], n_rows: int
) -> dict[str, np.ndarray]:
    n_days = len(cal["days"])
    n_users = max(1, round(n_rows / _rows_per_session() / _SESSIONS_PER_USER))
    user_region = rng.choice(len(REGIONS), n_users, p=REGION_SHARE).astype(np.int8)
    user_device = rng.choice(len(DEVICES), n_users, p=_DEVICE_P).astype(np.int8)
    user_id = 1_000_000 + rng.permutation(n_users).astype(np.int64)
    weight = cal["traffic"] / cal["traffic"].sum()
    anchor = rng.choice(n_days, n_users, p=weight)
    k = rng.geometric(1 / _SESSIONS_PER_USER, n_users)

    user = np.repeat(np.arange(n_users), k)
    n_s = user.size
    nth = np.arange(n_s) - np.repeat(np.cumsum(k) - k, k)
    day = anchor[user].copy()
    # Return visits: a gap of days after the first visit, thinned by the traffic calendar so
    # that returns also crowd on weekends and promotion days.
    accept = np.minimum(cal["traffic"] / np.quantile(cal["traffic"], 0.98), 1.0)
    pending = np.flatnonzero(nth > 0)
    for _ in range(80):
        if not pending.size:
            break
        cand = day[pending] + 1 + np.floor(rng.exponential(16.0, pending.size)).astype(np.int64)
        p = np.where(cand < n_days, accept[np.minimum(cand, n_days - 1)], 1.0)
        ok = rng.random(pending.size) < p
        day[pending[ok]] = cand[ok]
        pending = pending[~ok]
    day[pending] = n_days  # never accepted: dropped below with the sessions after the end
    keep = day < n_days
    user, day, nth = user[keep], day[keep], nth[keep]
    n_s = user.size

    start_us = START.astype("datetime64[us]").astype(np.int64)
    hour = rng.choice(24, n_s, p=_HOURLY / _HOURLY.sum())
    t0 = start_us + day * _DAY_US + hour * 3_600_000_000 + rng.integers(0, 3_600_000_000, n_s)
    s_channel = rng.choice(len(ALL_CHANNELS), n_s, p=_SESSION_CHANNEL_P).astype(np.int8)
    s_device = np.where(
        rng.random(n_s) < 0.85, user_device[user], rng.choice(len(DEVICES), n_s, p=_DEVICE_P)
    ).astype(np.int8)

    blocks: list[tuple[np.ndarray, np.ndarray, int]] = []  # (session index, ts, event code)

    def add(mask: np.ndarray, ts: np.ndarray, name: str) -> None:
        idx = np.flatnonzero(mask)
        blocks.append((idx, ts[idx], EVENT_NAMES.index(name)))

    every = np.ones(n_s, dtype=bool)
    add(every, t0, "visit")
    add(rng.random(n_s) < _P_SEARCH, t0 + _exp_us(rng, 30, n_s, 1), "search")
    view = rng.random(n_s) < _P_VIEW[s_channel]
    # Landing straight on a product page: the view shares the visit's timestamp.
    t_view = t0 + np.where(rng.random(n_s) < 0.15, 0, _exp_us(rng, 45, n_s, 1))
    add(view, t_view, "view_product")
    add(view & (rng.random(n_s) < _P_EXTRA_VIEW), t_view + _exp_us(rng, 90, n_s, 2), "view_product")
    add(
        view & (rng.random(n_s) < _P_WISHLIST), t_view + _exp_us(rng, 60, n_s, 1), "add_to_wishlist"
    )
    cart = view & (rng.random(n_s) < _P_CART[s_device])
    t_cart = t_view + _exp_us(rng, 180, n_s, 5)
    add(cart, t_cart, "add_to_cart")
    checkout = cart & (rng.random(n_s) < _P_CHECKOUT)
    t_co = t_cart + np.where(
        rng.random(n_s) < 0.75, _exp_us(rng, 120, n_s, 3), _exp_us(rng, 3 * 3600, n_s, 60)
    )
    add(checkout, t_co, "checkout")
    leak_a = start_us + _day(LEAK_FROM) * _DAY_US
    leak_b = start_us + (_day(LEAK_TO) + 1) * _DAY_US
    leaking = (t_co >= leak_a) & (t_co < leak_b)
    buy = checkout & (rng.random(n_s) < np.where(leaking, P_PURCHASE_LEAK, P_PURCHASE))
    # Most buy at once; some come back hours or days later, 3 % after more than a week.
    u = rng.random(n_s)
    hours = rng.uniform(1, 24, n_s) * 3600
    days_ = rng.uniform(1, 7, n_s) * 86400
    weeks = rng.uniform(7.05, 21, n_s) * 86400
    gap_s = np.select(
        [u < 0.80, u < 0.92, u < 0.97], [10 + rng.exponential(90, n_s), hours, days_], weeks
    )
    add(buy, t_co + (gap_s * 1e6).astype(np.int64), "purchase")
    add((nth == 0) & (rng.random(n_s) < _P_SIGNUP), t0 + _exp_us(rng, 120, n_s, 5), "signup")

    sess = np.concatenate([b[0] for b in blocks])
    ts = np.concatenate([b[1] for b in blocks])
    code = np.concatenate([np.full(b[0].size, b[2], np.int8) for b in blocks])
    dup = np.flatnonzero(rng.random(sess.size) < _P_DUPLICATE)
    sess, ts, code = (np.concatenate([x, x[dup]]) for x in (sess, ts, code))
    inside = ts < start_us + n_days * _DAY_US  # events after 2026-10-31 are not in the log yet
    sess, ts, code = sess[inside], ts[inside], code[inside]
    uid = user_id[user[sess]]
    order = np.lexsort((code, uid, ts))
    return {
        "user_id": uid[order],
        "ts": ts[order],
        "event": code[order],
        "channel": s_channel[sess][order],
        "device": s_device[sess][order],
        "region": user_region[user[sess]][order],
    }


def _write_events(
    rng: np.random.Generator, cal: dict[str, np.ndarray], n_rows: int, path: Path
) -> None:
    ev = _events_arrays(rng, cal, n_rows)
    schema = pa.schema(
        [
            ("user_id", pa.int64()),
            ("ts", pa.timestamp("us")),
            ("event", pa.string()),
            ("channel", pa.string()),
            ("device", pa.string()),
            ("region", pa.string()),
        ]
    )
    names = {
        "event": pa.array(EVENT_NAMES),
        "channel": pa.array(ALL_CHANNELS),
        "device": pa.array(DEVICES),
        "region": pa.array(REGIONS),
    }
    chunk = 1_000_000  # one row group per million rows keeps the string columns small
    with pq.ParquetWriter(path, schema, compression="zstd", compression_level=3) as writer:
        for a in range(0, ev["ts"].size, chunk):
            cols = [
                pa.array(ev["user_id"][a : a + chunk], pa.int64()),
                pa.array(ev["ts"][a : a + chunk], pa.int64()).cast(pa.timestamp("us")),
                *(pc.take(names[c], pa.array(ev[c][a : a + chunk])) for c in names),
            ]
            writer.write_table(pa.Table.from_arrays(cols, schema=schema), row_group_size=chunk)


# ---------------------------------------------------------------------------------------------
# NPS survey

_COMMENTS = {  # sentiment -> [(zh, en)]
    "promoter": [
        ("设计很好看，和家里很搭", "Beautiful design, fits our flat perfectly"),
        ("物流很快，包装很用心", "Fast delivery and careful packaging"),
        ("第二次回购了，质量稳定", "Second purchase, the quality is consistent"),
        ("客服很耐心，已推荐给朋友", "Patient support, already recommended to friends"),
        ("亚麻床品很舒服", "The linen bedding is so soft"),
        ("性价比高，活动价很划算", "Great value, especially at the sale price"),
    ],
    "passive": [
        ("东西不错，就是价格有点高", "Nice, but a bit pricey"),
        ("发货稍慢", "Shipping was a little slow"),
        ("颜色和图片略有差异", "The colour differs slightly from the photos"),
        ("还可以，活动时买更划算", "OK, better value during sales"),
        ("安装说明可以再清楚一些", "The assembly guide could be clearer"),
    ],
    "detractor": [
        ("收到时有破损，售后处理慢", "Arrived damaged and the refund took ages"),
        ("等了两周才发货", "Waited two weeks for it to ship"),
        ("质量一般，不值这个价", "Quality is not worth the price"),
        ("客服回复太慢", "Support was slow to reply"),
    ],
    "checkout": [
        ("付款页面一直报错，没法下单", "The payment page kept failing at checkout"),
        ("结账时卡住，试了三次才成功", "Checkout froze, it took three tries to pay"),
        ("提交订单后没跳转到支付", "After placing the order it never went to payment"),
    ],
}
#: Comments that a report must escape (HTML) or quote (CSV); each appears once.
TRICKY_COMMENTS = (
    "<b>太喜欢了</b>！",
    "Sofa & cushions: 10/10",
    "price < quality, great deal",
    'The "Oslo" lamp is my favourite, 5 stars',
    "R&D <pilot> 系列很有意思",
    "<script>alert('hi')</script> 测试一下",
    "Good, but delivery & assembly took 3 days",
    "灯具 & 收纳 都不错 > 预期",
)
_SCORE_P = {  # probability of scores 0..10
    "base": [0.01, 0.01, 0.01, 0.02, 0.02, 0.05, 0.08, 0.12, 0.18, 0.22, 0.28],
    "west": [0.02, 0.01, 0.02, 0.02, 0.03, 0.06, 0.09, 0.13, 0.18, 0.20, 0.24],
    "leak": [0.05, 0.04, 0.04, 0.05, 0.05, 0.07, 0.08, 0.11, 0.15, 0.16, 0.20],
}


def _nps(rng: np.random.Generator, cal: dict[str, np.ndarray]) -> pd.DataFrame:
    n_days = len(cal["days"])
    per_day = rng.poisson(8.0 * cal["traffic"] / cal["traffic"].mean())
    day = np.repeat(np.arange(n_days), per_day)
    n = day.size
    region = rng.choice(len(REGIONS), n, p=REGION_SHARE)
    leak = day >= _day(LEAK_FROM)
    profile = np.where(leak, 2, np.where(region == REGIONS.index("west"), 1, 0))
    cdf = np.cumsum([_SCORE_P[k] for k in ("base", "west", "leak")], axis=1)
    cdf /= cdf[:, -1:]
    score = (rng.random(n)[:, None] > cdf[profile]).sum(axis=1)

    kind = np.where(score >= 9, "promoter", np.where(score >= 7, "passive", "detractor"))
    complain = leak & (kind == "detractor") & (rng.random(n) < 0.5)
    kind = np.where(complain, "checkout", kind)
    has_text = rng.random(n) < 0.6
    zh = rng.random(n) < 0.65
    pick = rng.random(n)
    comment = np.empty(n, dtype=object)
    for key, pool in _COMMENTS.items():
        idx = np.flatnonzero(kind == key)
        choice = (pick[idx] * len(pool)).astype(int)
        comment[idx] = [
            pool[c][0] if z else pool[c][1] for c, z in zip(choice, zh[idx], strict=True)
        ]
    comment[~has_text] = ""
    tricky = rng.choice(n, len(TRICKY_COMMENTS), replace=False)
    comment[tricky] = TRICKY_COMMENTS
    return pd.DataFrame(
        {
            "response_id": _ids("R", np.arange(1, n + 1), 6),
            "date": _dates(cal["days"][day]),
            "region": np.array(REGIONS)[region],
            "score": score,
            "comment": comment.astype(str),
        }
    )


# ---------------------------------------------------------------------------------------------
# Experiments

_EXPERIMENTS = (
    # name, total users, treatment share of traffic (actual), control rate, relative lift, plan
    ("checkout_button", 48_000, 0.5, 0.062, 0.16, 22_000),
    ("free_shipping_banner", 39_000, 0.486, 0.081, 0.03, 18_000),
    ("homepage_hero", 60_000, 0.5, 0.045, 0.0, 28_000),
)


def _experiments(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for name, total, share, rate, lift, plan in _EXPERIMENTS:
        # Redraw until the arms show the planted outcome (a real effect reads as significant,
        # no effect as |z| < 1): the sample must tell its story for every seed.
        for _ in range(1000):
            n_t = int(rng.binomial(total, share))
            n_c = total - n_t
            c_c = int(rng.binomial(n_c, rate))
            c_t = int(rng.binomial(n_t, rate * (1 + lift)))
            p_c, p_t = c_c / n_c, c_t / n_t
            pool = (c_c + c_t) / total
            z = (p_t - p_c) / np.sqrt(pool * (1 - pool) * (1 / n_c + 1 / n_t))
            if (lift >= 0.1 and z > 3.3) or (lift < 0.1 and abs(z) < 1.0):
                break
        rows += [
            (name, "control", n_c, c_c, 0.5, plan),
            (name, "treatment", n_t, c_t, 0.5, plan),
        ]
    cols = ["experiment", "variant", "users", "conversions", "planned_share", "planned_users"]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# KPI targets

KPI_METRICS = {  # metric -> (direction, decimals of the target)
    "revenue": ("higher", 0),
    "orders": ("higher", 0),
    "new_customers": ("higher", 0),
    "spend": ("lower", 0),
    "roas": ("higher", 2),
    "cac": ("lower", 2),
    "conversion_rate": ("higher", 4),
}
_ADDITIVE = ("revenue", "orders", "new_customers", "spend")


def kpi_actuals(cd: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Monthly actuals of the seven KPI metrics per region and for ``"all"``.

    The definitions behind ``kpi_targets.csv`` (data/sample/README.md): revenue, orders and
    new_customers from the orders table (all channels, including direct; a new customer is a
    first-ever order); spend from channel_daily; roas = channel_daily revenue / spend;
    cac = spend / channel_daily new_customers; conversion_rate = channel_daily orders / clicks.

    Parameters
    ----------
    cd, orders : DataFrame
        ``channel_daily`` and ``orders`` as in the data contract (dates as ISO text or dates).

    Returns
    -------
    DataFrame with columns month (``YYYY-MM``), region, metric, actual.

    Examples
    --------
    >>> import mktkit as mk
    >>> data = mk.load_sample()                                     # doctest: +SKIP
    >>> a = kpi_actuals(data["channel_daily"], data["orders"])      # doctest: +SKIP
    """
    o = orders.assign(month=pd.to_datetime(orders["order_date"]).dt.strftime("%Y-%m"))
    first = ~o.sort_values(["order_date", "order_id"]).duplicated("customer_id")
    o["first"] = first.reindex(o.index)
    c = cd.assign(month=pd.to_datetime(cd["date"]).dt.strftime("%Y-%m"))
    frames = []
    for region, oo, cc in [("all", o, c)] + [
        (r, o[o["region"] == r], c[c["region"] == r]) for r in REGIONS
    ]:
        g = oo.groupby("month").agg(
            revenue=("amount", "sum"), orders=("order_id", "size"), new_customers=("first", "sum")
        )
        h = cc.groupby("month").agg(
            spend=("spend", "sum"),
            paid_revenue=("revenue", "sum"),
            paid_new=("new_customers", "sum"),
            paid_orders=("orders", "sum"),
            clicks=("clicks", "sum"),
        )
        m = g.join(h, how="outer")
        m["roas"] = m["paid_revenue"] / m["spend"]
        m["cac"] = m["spend"] / m["paid_new"]
        m["conversion_rate"] = m["paid_orders"] / m["clicks"]
        long = (
            m[list(KPI_METRICS)].reset_index().melt("month", var_name="metric", value_name="actual")
        )
        frames.append(long.assign(region=region))
    out = pd.concat(frames, ignore_index=True)
    return out[["month", "region", "metric", "actual"]]


def _kpi_targets(
    rng: np.random.Generator, cd: dict[str, Any], orders: dict[str, np.ndarray]
) -> pd.DataFrame:
    act = kpi_actuals(_channel_daily_frame(cd), _orders_frame(orders))
    act = act.set_index(["month", "region", "metric"])["actual"]
    months = sorted(act.index.get_level_values("month").unique())
    rows = []
    for month in months:
        targets: dict[tuple[str, str], float] = {}
        attained: dict[tuple[str, str], float] = {}
        for metric in KPI_METRICS:
            for region in REGIONS:
                if month == KPI_MONTH:
                    att = KPI_MISSES.get((region, metric), rng.uniform(1.06, 1.10))
                elif metric == "new_customers":
                    att = attained[region, "orders"]  # keeps new-customer targets below orders
                elif rng.random() < 0.12:
                    att = rng.uniform(0.82, 0.99)  # a miss in an earlier month
                else:
                    att = rng.uniform(1.005, 1.10)
                attained[region, metric] = att
                targets[region, metric] = _target(act[month, region, metric], att, metric)
            if metric in _ADDITIVE:
                all_target = sum(targets[r, metric] for r in REGIONS)
            else:
                att = rng.uniform(1.02, 1.08) if month == KPI_MONTH else rng.uniform(0.9, 1.1)
                all_target = _target(act[month, "all", metric], att, metric)
            targets["all", metric] = all_target
        for region in ("all", *REGIONS):
            for metric, (direction, decimals) in KPI_METRICS.items():
                value = f"{targets[region, metric]:.{decimals}f}"
                rows.append((month, region, metric, value, direction))
    out = pd.DataFrame(rows, columns=["month", "region", "metric", "target", "direction"])
    _check_kpi_month(out, act)
    return out


def _target(actual: float, attainment: float, metric: str) -> float:
    direction, decimals = KPI_METRICS[metric]
    raw = actual / attainment if direction == "higher" else actual * attainment
    step = 100.0 if metric in ("revenue", "spend") else 10.0**-decimals
    return round(raw / step) * step


def _check_kpi_month(targets: pd.DataFrame, actual: pd.Series) -> None:
    """The planted month must show exactly the three planted misses (a generator self-check)."""
    t = targets[targets["month"] == KPI_MONTH]
    for row in t.itertuples():
        a = actual[row.month, row.region, row.metric]
        tv = float(row.target)
        att = a / tv if row.direction == "higher" else tv / a
        if (att < 1) != ((row.region, row.metric) in KPI_MISSES):  # pragma: no cover
            raise RuntimeError(f"unplanned KPI outcome {row.region} {row.metric}: {att:.3f}")


# ---------------------------------------------------------------------------------------------
# Campaigns

_CAMPAIGNS = (
    # id, zh, en, channel, start, end, goal metric, goal attainment, budget / actual spend
    ("CMP01", "双11大促", "Double 11 2024", "search", "2024-11-01", "2024-11-13", "revenue", 1.08, 0.98),
    ("CMP02", "年货节", "Spring Festival Sale 2025", "social", "2025-01-06", "2025-01-26", "orders", 1.03, 1.00),
    ("CMP03", "达人种草季", "KOL Seeding Season 2025", "kol", "2025-04-01", "2025-04-30", "new_customers", 0.88, 1.05),
    ("CMP04", "618年中大促", "618 Mid-year Sale 2025", "search", "2025-06-01", "2025-06-19", "revenue", 1.05, 1.00),
    ("CMP05", "会员唤醒", "Member Win-back 2025", "email", "2025-08-04", "2025-08-31", "orders", 1.15, 1.02),
    ("CMP06", "双11大促", "Double 11 2025", "search", "2025-11-01", "2025-11-13", "revenue", 0.96, 0.97),
    ("CMP07", "展示广告拓量", "Display Reach Push 2025-26", "display", "2025-11-15", "2026-10-31", "roas", 0.62, 1.00),
    ("CMP08", "新春焕新", "Spring Festival Refresh 2026", "social", "2026-01-26", "2026-02-15", "orders", 1.01, 1.03),
    ("CMP09", "亚麻系列新品首发", "Linen Collection Launch 2026", "video", "2026-03-02", "2026-03-29", "new_customers", 1.10, 1.00),
    ("CMP10", "618年中大促", "618 Mid-year Sale 2026", "search", "2026-06-01", "2026-06-19", "revenue", 1.04, 0.99),
    ("CMP11", "联盟返佣计划", "Affiliate Cashback 2026", "affiliate", "2026-09-01", "2026-10-31", "roas", 1.06, 1.00),
    ("CMP12", "双11预热", "Double 11 Warm-up 2026", "social", "2026-10-20", "2026-11-11", "revenue", None, 1.00),
)  # fmt: skip


def _campaigns(rng: np.random.Generator, cd: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for cid, zh, en, channel, first, last, metric, att, budget_ratio in _CAMPAIGNS:
        c = CHANNELS.index(channel)
        a, b = _day(first), min(_day(last), _day(str(END)))
        spend = cd["spend_cents"][a : b + 1, :, c].sum() / 100
        actual = {
            "revenue": cd["revenue_cents"][a : b + 1, :, c].sum() / 100,
            "orders": cd["orders"][a : b + 1, :, c].sum(),
            "new_customers": cd["new_customers"][a : b + 1, :, c].sum(),
        }
        actual["roas"] = actual["revenue"] / spend
        planned_days = _day(last) - a + 1
        scale = planned_days / (b - a + 1)  # a running campaign is planned for its full length
        if att is None:  # still running: the goal extrapolates the run rate, then adds a stretch
            att = rng.uniform(0.9, 0.95)
        goal = actual[metric] * (1 if metric == "roas" else scale) / att
        digits = 2 if metric == "roas" else 0
        rows.append(
            (
                cid,
                f"{zh} / {en}",
                channel,
                first,
                last,
                round(spend * scale * budget_ratio, -2),
                metric,
                round(goal, digits),
            )
        )
    cols = ["campaign_id", "name", "channel", "start", "end", "budget", "goal_metric", "goal_value"]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# Strategy inputs (swot.yaml, marketing_mix.yaml)


def _strategy_facts(
    cd: dict[str, Any], orders: dict[str, np.ndarray], nps: pd.DataFrame
) -> dict[str, float]:
    """Figures the strategy files quote as evidence, computed from the generated tables."""
    a, b = _day("2025-11-01"), _day(str(END))
    in_year = (orders["day"] >= a) & (orders["day"] <= b)
    per_customer = np.bincount(orders["customer"][in_year])
    buyers = (per_customer >= 1).sum()
    revenue = orders["cents"][in_year].sum()

    def roas(channel: str, first: int, last: int) -> float:
        c = CHANNELS.index(channel)
        return (
            cd["revenue_cents"][first : last + 1, :, c].sum()
            / cd["spend_cents"][first : last + 1, :, c].sum()
        )

    promo = np.zeros(len(np.arange(START, END + np.timedelta64(1, "D"))), dtype=bool)
    promo[_day("2025-11-01") : _day("2025-11-13") + 1] = True
    promo[_day("2026-06-01") : _day("2026-06-19") + 1] = True
    west = in_year & (orders["region"] == REGIONS.index("west"))
    n_year = nps[nps["date"] >= "2025-11-01"]
    score = n_year["score"].to_numpy()
    oct_ = nps[nps["date"] >= LEAK_FROM]
    complaints = oct_["comment"].isin([t for pair in _COMMENTS["checkout"] for t in pair])
    return {
        "repurchase_rate": round(float((per_customer >= 2).sum() / buyers), 2),
        "email_roas": round(float(roas("email", a, b)), 2),
        "search_roas": round(float(roas("search", a, b)), 2),
        "display_roas_2026_10": round(float(roas("display", _day("2026-10-01"), b)), 2),
        "promo_revenue_share": round(
            float(orders["cents"][in_year & promo[orders["day"]]].sum() / revenue), 2
        ),
        "west_revenue_share": round(float(orders["cents"][west].sum() / revenue), 2),
        "nps": round(float(100 * ((score >= 9).mean() - (score <= 6).mean())), 1),
        "checkout_complaints": int(complaints.sum()),
        "aov": round(float(revenue / 100 / in_year.sum()), 2),
    }


def _t(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def _factor(fid: str, en: str, zh: str, weight: float, rating: int, evidence=None) -> dict:
    item: dict[str, Any] = {"id": fid, "text": _t(en, zh)}
    if evidence is not None:
        # (metric, value, source[, where, period]): where/period let the kit recompute it
        metric, value, source, *scope = evidence
        item["evidence"] = {"metric": metric, "value": value, "source": source}
        if scope:
            where, period = scope
            item["evidence"] |= ({"where": where} if where else {}) | {"period": period}
    item["weight"] = weight
    item["rating"] = rating
    return item


def _swot(f: dict[str, float]) -> dict[str, Any]:
    year = "2025-11..2026-10"
    return {
        "company": _t("Lumi Home", "拾光家居"),
        "rating_convention": "strength_weakness",
        "weight_scale": 1,
        "strengths": [
            _factor("S1", "Loyal repeat buyers", "复购客户忠诚度高", 0.12, 4,
                    ("repurchase_rate", f["repurchase_rate"], f"orders, {year}", None, year)),
            _factor("S2", "Strong execution of the 11.11 and 6.18 promotions",
                    "双11、618大促执行力强", 0.10, 4,
                    ("promo_revenue_share", f["promo_revenue_share"], f"orders, {year}")),
            _factor("S3", "Email to members earns a high return", "会员邮件营销回报高", 0.09, 3,
                    ("roas", f["email_roas"], f"channel_daily email, {year}",
                     {"channel": "email"}, year)),
            _factor("S4", "In-house Nordic design studio, well liked by customers",
                    "自有北欧风设计工作室，口碑好", 0.11, 4,
                    ("nps", f["nps"], f"nps, {year}", None, year)),
            _factor("S5", "Efficient search advertising", "搜索广告投放效率高", 0.08, 3,
                    ("roas", f["search_roas"], f"channel_daily search, {year}",
                     {"channel": "search"}, year)),
        ],
        "weaknesses": [
            _factor("W1", "Display budget keeps growing while its return falls",
                    "展示广告预算上升而回报下滑", 0.12, 1,
                    ("roas", f["display_roas_2026_10"], "channel_daily display, 2026-10",
                     {"channel": "display"}, "2026-10")),
            _factor("W2", "Checkout and payment reliability", "结算与支付环节不稳定", 0.10, 1,
                    ("checkout_complaints", f["checkout_complaints"],
                     "nps comments, 2026-10-09..2026-10-31")),
            _factor("W3", "Small presence in the west", "西部市场份额小", 0.07, 2,
                    ("revenue_share", f["west_revenue_share"], f"orders west, {year}",
                     {"region": "west"}, year)),
            _factor("W4", "Revenue leans on two promotion peaks", "收入过度依赖两大促", 0.08, 2),
            _factor("W5", "R&D <pilot> lab is thin on staff & budget",
                    "R&D <pilot> 实验室人手与预算不足", 0.05, 2),
            _factor("W6", "Gaps in conversion tracking by region", "各区域转化追踪存在缺口", 0.08, 2),
        ],
        "opportunities": [
            _factor("O1", "Home upgrades in tier-2 and tier-3 cities", "二三线城市家居升级需求", 0.12, 3),
            _factor("O2", "Short-video and live commerce keep growing", "短视频与直播电商持续增长", 0.14, 2),
            _factor("O3", "Member programme and private traffic (WeCom)", "会员体系与私域流量（企业微信）", 0.10, 3),
            _factor("O4", "Demand for sustainable materials", "环保材料需求上升", 0.08, 2),
            _factor("O5", "Trade-in subsidies for home goods", "家居以旧换新补贴", 0.06, 1),
        ],
        "threats": [
            _factor("T1", "Price wars on marketplaces during 11.11", "双11期间平台价格战", 0.14, 3),
            _factor("T2", "Rising media costs (CPM inflation)", "媒体成本上涨（CPM上升）", 0.12, 2),
            _factor("T3", "Copycat designs", "设计被抄袭", 0.08, 2),
            _factor("T4", "Slower property market, fewer move-ins", "楼市放缓，新房入住减少", 0.10, 2),
            _factor("T5", "Privacy rules and platform changes weaken tracking",
                    "隐私法规与平台变化削弱追踪", 0.06, 1),
        ],
        "strategies": [
            {"id": "SO1", "quadrant": "SO",
             "text": _t("Grow the member programme on WeCom with email-style journeys",
                        "以邮件式旅程在企业微信扩大会员体系"), "uses": ["S1", "S3", "O3"]},
            {"id": "SO2", "quadrant": "SO",
             "text": _t("Tell the design-studio story in short video", "用短视频讲述设计工作室故事"),
             "uses": ["S4", "O2"]},
            {"id": "ST1", "quadrant": "ST",
             "text": _t("Win 11.11 on design and bundles, not on price cuts",
                        "双11以设计和组合套装取胜，而非降价"), "uses": ["S2", "S4", "T1"]},
            {"id": "ST2", "quadrant": "ST",
             "text": _t("Shift budget to search where media costs still pay back",
                        "将预算转向仍能回本的搜索广告"), "uses": ["S5", "T2"]},
            {"id": "WO1", "quadrant": "WO",
             "text": _t("Fix checkout first, then reactivate dormant members",
                        "先修复结算流程，再唤醒沉睡会员"), "uses": ["W2", "O3"]},
            {"id": "WO2", "quadrant": "WO",
             "text": _t("Enter western tier-2 cities with a starter range",
                        "以入门系列进入西部二线城市"), "uses": ["W3", "O1"]},
            {"id": "WT1", "quadrant": "WT",
             "text": _t("Cap display spend and audit tracking by region",
                        "封顶展示广告预算并按区域审计追踪"), "uses": ["W1", "W6", "T2", "T5"]},
        ],
    }  # fmt: skip


def _element(decision, segment, kpis, issues, actions, owner, rating, weight) -> dict:
    return {
        "decision": _t(*decision),
        "segment": _t(*segment),
        "kpis": list(kpis),
        "issues": [_t(*i) for i in issues],
        # a fresh date object per action: PyYAML would write a shared one as an anchor (&id001)
        "actions": [
            {"text": _t(*text), "owner": who, "due": dt.date.fromordinal(due.toordinal())}
            for text, who, due in actions
        ],
        "owner": owner,
        "rating": rating,
        "weight": weight,
    }


def _marketing_mix(f: dict[str, float]) -> dict[str, Any]:
    due = dt.date(2026, 12, 31)
    return {
        "elements": {
            "product": _element(
                ("Nordic-style furniture, textiles and lighting designed in-house",
                 "自有设计的北欧风家具、家纺与灯具"),
                ("Urban couples aged 25-40 furnishing a first home", "25-40岁、布置第一个家的城市伴侣"),
                ["repurchase_rate", "nps"],
                [("Linen range sells out before the 6.18 peak", "亚麻系列在618高峰前售罄")],
                [(("Double the linen safety stock before peaks", "大促前亚麻系列安全库存翻倍"),
                  "Supply chain", due)],
                "Chen Yu (Product)", 4, 0.25),
            "price": _element(
                ("Mid-range prices; deep discounts only on 11.11 and 6.18",
                 "中端定价，仅双11与618深度折扣"),
                ("Value-conscious design lovers", "注重性价比的设计爱好者"),
                ["aov", "promo_revenue_share"],
                [(f"Average order value is {f['aov']:.0f} CNY; promotions carry "
                  f"{f['promo_revenue_share']:.0%} of revenue",
                  f"客单价 {f['aov']:.0f} 元，大促贡献 {f['promo_revenue_share']:.0%} 的收入")],
                [(("Test bundles instead of storewide discounts", "以组合套装替代全场折扣做测试"),
                  "Pricing", due)],
                "Liu Fang (Pricing)", 3, 0.15),
            "place": _element(
                ("Own web store, app and mini-program; ships from two warehouses (east, south)",
                 "自营官网、App 与小程序；华东、华南两仓发货"),
                ("All four regions; west served from the south warehouse", "四个区域；西部由华南仓覆盖"),
                ["revenue", "delivery_days"],
                [("West delivery takes two days longer", "西部配送多两天")],
                [(("Open a forward stock point in Chengdu", "在成都设立前置仓"), "Logistics",
                  dt.date(2027, 3, 31))],
                "Wang Lei (Operations)", 3, 0.15),
            "promotion": _element(
                ("Search, social, video, display, KOL, email and affiliate, with two promotion peaks",
                 "搜索、社交、视频、展示、达人、邮件与联盟七个渠道，全年两大促"),
                ("New and returning customers", "新客与老客"),
                ["roas", "cac", "new_customers"],
                [(f"Display ROAS fell to {f['display_roas_2026_10']:.2f} in 2026-10",
                  f"展示广告 2026-10 ROAS 降至 {f['display_roas_2026_10']:.2f}")],
                [(("Move display budget to search and email", "将展示广告预算转向搜索与邮件"),
                  "Growth", due)],
                "Zhao Min (Growth)", 3, 0.25),
            "people": _element(
                ("Customer service team of 12, design advisers on chat",
                 "12人客服团队，在线设计顾问"),
                ("Buyers who need help choosing", "需要选购建议的顾客"),
                ["nps"],
                [("Slow replies at peaks", "大促期间回复慢")],
                [(("Add seasonal staff for 11.11", "双11增加临时客服"), "Service", dt.date(2026, 11, 1))],
                "Sun Jie (Service)", 3, 0.10),
            "process": _element(
                ("Order to delivery in 3-5 days; checkout on web, app and mini-program",
                 "下单到送达3-5天；官网、App、小程序结算"),
                ("Every buyer", "所有下单顾客"),
                ["conversion_rate", "checkout_to_purchase"],
                [(f"{f['checkout_complaints']} survey comments about failed payments "
                  "since 2026-10-09",
                  f"2026-10-09 以来有 {f['checkout_complaints']} 条问卷评论反映支付失败")],
                [(("Fix the payment step and monitor checkout conversion daily",
                   "修复支付环节并每日监控结算转化"), "Engineering", dt.date(2026, 11, 15))],
                "Zhou Qiang (Engineering)", 2, 0.10),
        },
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Writing


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return (prefix + pd.Series(numbers).astype(str).str.zfill(width)).to_numpy()


def _dates(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days, unit="D")


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    # Floats are money (2 decimals); other formatted numbers are written as text already.
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.2f", encoding="utf-8")


def _write_yaml(data: dict[str, Any], path: Path) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8", newline="\n")


__all__ = ["DEFAULT_SEED", "FILES", "generate_sample", "kpi_actuals"]
