"""Shared fixtures: small hand-made tables that satisfy the data contract (docs/data.md)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest


def _valid_tables() -> dict[str, pd.DataFrame]:
    """Three to four rows per table, every value in range, every key unique; values are text
    where a CSV would hold text, so the tables also exercise coercion."""
    return {
        "channel_daily": pd.DataFrame(
            {
                "date": ["2026-10-01", "2026-10-01", "2026-10-02", "2026-10-02"],
                "region": ["east", "east", "east", "south"],
                "channel": ["search", "social", "search", "search"],
                "spend": [1200.5, 800.0, 0.0, 950.25],
                "impressions": [10000, 8000, 0, 9000],
                "clicks": [300, 120, 0, 9000],  # clicks == impressions is allowed
                "leads": [30, 10, 0, 12],
                "orders": [12, 4, 0, 6],
                "new_customers": [5, 4, 0, 0],
                "revenue": [4800.0, 1500.0, 0.0, 2100.0],
            }
        ),
        "events": pd.DataFrame(
            {
                "user_id": [0, 1, 1, 2],
                "ts": pd.to_datetime(
                    [
                        "2026-10-01 09:00:00",
                        "2026-10-01 09:00:00.250000",
                        "2026-10-01 09:05:00",
                        "2026-10-02 23:59:59",
                    ],
                    format="ISO8601",
                ),
                "event": ["visit", "visit", "purchase", "visit"],
                "channel": ["search", "direct", "direct", "kol"],
                "device": ["mobile", "desktop", "desktop", "app"],
                "region": ["east", "south", "south", "west"],
            }
        ),
        "customers": pd.DataFrame(
            {
                "customer_id": ["00123", "00124", "C9"],
                "signup_date": ["2025-01-05", "2025-02-10", "2026-10-01"],
                "region": ["east", "north", "west"],
                "acquisition_channel": ["search", "email", "direct"],
            }
        ),
        "orders": pd.DataFrame(
            {
                "order_id": ["000001", "000002", "000003"],
                "customer_id": ["00123", "00123", "00124"],
                "order_date": ["2025-01-06", "2026-10-01", "2025-02-11"],
                "region": ["east", "east", "north"],
                "channel": ["search", "direct", "email"],
                "amount": [199.0, 0.0, 58.9],
            }
        ),
        "kpi_targets": pd.DataFrame(
            {
                "month": ["2026-10", "2026-10", "2026-11"],
                "region": ["all", "east", "all"],
                "metric": ["revenue", "cac", "revenue"],
                "target": [1_000_000.0, 85.0, 1_200_000.0],
                "direction": ["higher", "lower", "higher"],
            }
        ),
        "nps": pd.DataFrame(
            {
                "response_id": ["r1", "r2", "r3", "r4"],
                "date": ["2026-10-01", "2026-10-01", "2026-10-02", "2026-10-03"],
                "region": ["east", "west", "east", "south"],
                "score": [0, 10, 7, 9],
                "comment": ["slow delivery", None, "", "好用"],
            }
        ),
        "experiments": pd.DataFrame(
            {
                "experiment": ["checkout_button", "checkout_button", "banner", "banner"],
                "variant": ["control", "treatment", "control", "treatment"],
                "users": [1000, 1000, 500, 0],
                "conversions": [100, 130, 500, 0],  # conversions == users is allowed
                "planned_share": [0.5, 0.5, 0.25, 0.75],
                "planned_users": [1000, 1000, 400, 1200],
            }
        ),
        "campaigns": pd.DataFrame(
            {
                "campaign_id": ["CMP-01", "CMP-02"],
                "name": ["Double 11", "一日活动"],
                "channel": ["social", "kol"],
                "start": ["2025-11-01", "2026-06-18"],
                "end": ["2025-11-11", "2026-06-18"],  # one-day campaign: end == start
                "budget": [50000.0, 0.0],
                "goal_metric": ["revenue", "new_customers"],
                "goal_value": [400000.0, 300.0],
            }
        ),
    }


@pytest.fixture(autouse=True)
def shown_as_the_sample():
    """Each test starts in the sample's currency and with the kit's own labels: a review made
    in-process sets both for the rest of the process (as it does in a report's kernel)."""
    from mktkit.formats import use_currency
    from mktkit.i18n import use_labels

    with use_currency("CNY"), use_labels(None):
        yield


@pytest.fixture
def valid_tables() -> dict[str, pd.DataFrame]:
    """Table name -> a small valid table of that schema (a fresh copy for every test)."""
    return _valid_tables()


@pytest.fixture(scope="session")
def cdnow(tmp_path_factory) -> Path:
    """CDNOW (Fader & Hardie) as an own-data folder: whitespace-separated, no header, yyyymmdd
    dates, no order id, US dollars; `make test` extracts the file from the lifetimes wheel."""
    master = os.environ.get("MKTKIT_CDNOW_MASTER")
    if not master or not Path(master).is_file():
        pytest.skip(
            "CDNOW_master.txt not fetched: `make test` extracts it from the lifetimes 0.11.3 "
            "wheel and sets MKTKIT_CDNOW_MASTER"
        )
    folder = tmp_path_factory.mktemp("cdnow")
    shutil.copy(master, folder / "CDNOW_master.txt")
    (folder / "mktkit.yaml").write_text(
        "currency: USD\ntimezone: America/New_York\ntables:\n  orders:\n"
        "    file: CDNOW_master.txt\n    delimiter: whitespace\n"
        "    columns: {customer_id: customer_id, order_date: date, amount: dollar_value}\n"
        "    formats: {order_date: yyyymmdd}\n",
        encoding="utf-8",
    )
    return folder
