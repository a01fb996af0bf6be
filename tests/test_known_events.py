"""The calendar of known events, and anomalies judged against it: the sample's 11.11 and 6.18
are known events with their size, never anomalies; the planted tracking outage still is one."""

from __future__ import annotations

import pandas as pd
import pytest

import mktkit as mk
from mktkit.anomalies import anomaly_flags, anomaly_review, known_event_moves
from mktkit.data.folder import load_data
from mktkit.errors import InputError
from mktkit.known_events import MAX_EVENT_DAYS, event_days, known_events

SAMPLE = mk.load_sample()
CAMPAIGNS = pd.read_csv(mk.load_sample().path / "campaigns.csv", dtype=str)


def test_public_holidays_are_one_event_per_break_in_both_languages():
    ev = known_events(None, "2026-01-01", "2026-12-31", festivals=False)
    rows = {r.name: (str(r.start.date()), str(r.end.date()), r.name_zh) for r in ev.itertuples()}
    # the State Council's 2026 schedule: Spring Festival 15-23 Feb with the eve, National Day
    # and the days off around it 1-7 Oct (the holidays package's table)
    assert rows["Chinese New Year"] == ("2026-02-16", "2026-02-23", "春节")
    assert rows["National Day"][:2] == ("2026-10-01", "2026-10-07")
    assert set(ev["kind"]) == {"holiday"}


def test_festivals_campaigns_and_the_folders_own_events(tmp_path):
    ev = known_events(SAMPLE, "2025-06-01", "2025-06-30", holidays=False)
    # the 618 campaign of campaigns.csv wins over the 6.18 festival: it is listed first
    assert ev["name"].tolist()[:1] == [
        CAMPAIGNS.loc[CAMPAIGNS["start"] == "2025-06-01", "name"].item()
    ]
    assert "6.18" in ev["name"].tolist()
    # a campaign of more than MAX_EVENT_DAYS days is the baseline, not an event
    long = CAMPAIGNS[(pd.to_datetime(CAMPAIGNS["end"]) - pd.to_datetime(CAMPAIGNS["start"])).dt.days
                     >= MAX_EVENT_DAYS]  # fmt: skip
    assert len(long) and not set(long["name"]) & set(
        known_events(SAMPLE, "2024-11-01", "2026-10-31")["name"]
    )
    (tmp_path / "orders.csv").write_bytes((mk.load_sample().path / "orders.csv").read_bytes())
    (tmp_path / "mktkit.yaml").write_text(
        "events:\n  - {name: 店庆, start: 2026-09-01, end: 2026-09-03}\n", encoding="utf-8"
    )
    own = known_events(load_data(tmp_path), "2026-09-01", "2026-09-30")
    assert own.iloc[0][["name", "kind"]].tolist() == ["店庆", "folder"]
    days = event_days(own, pd.date_range("2026-08-31", "2026-09-04"))
    assert days.tolist() == [-1, 0, 0, 0, -1]
    (tmp_path / "mktkit.yaml").write_text(
        "events:\n  - {name: 店庆, start: 2026-09-03, end: 2026-09-01}\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="ends before it starts"):
        known_events(load_data(tmp_path), "2026-09-01", "2026-09-30")


@pytest.mark.parametrize(("month", "campaign"), [("2025-11", "CMP06"), ("2025-06", "CMP04")])
def test_the_samples_double_11_and_618_are_known_events_not_anomalies(month, campaign):
    row = CAMPAIGNS.set_index("campaign_id").loc[campaign]
    days = anomaly_review(SAMPLE, month, flags_only=False)
    flags = anomaly_flags(days, top=None)
    inside = flags["date"].between(row["start"], row["end"])
    assert not inside.any(), flags[inside]
    assert (
        not anomaly_review(SAMPLE, month, top=None)["date"].between(row["start"], row["end"]).any()
    )
    moves = known_event_moves(days).set_index(["known_event", "metric"])
    # the campaign's revenue, summed from the file, against the expected value without it
    revenue = moves.loc[(row["name"], "revenue")]
    cd = SAMPLE["channel_daily"]
    during = cd[cd["date"].between(row["start"], min(row["end"], f"{month}-31"))]["revenue"].sum()
    assert revenue["value"] == pytest.approx(during, rel=1e-9)
    assert revenue["change"] > 0.3  # a peak, reported with its size


def test_the_planted_tracking_outage_is_still_an_anomaly():
    flags = anomaly_review(SAMPLE, "2026-10", top=None)
    outage = flags[(flags["region"] == "south") & (flags["metric"] == "clicks")]
    assert {"2026-10-14", "2026-10-15"} <= set(outage["date"].dt.strftime("%Y-%m-%d"))


def test_a_campaign_is_an_event_of_its_own_channel_among_single_channels():
    """In a region's review the series are channels: Double 11 2025 (search, 1-13 Nov) is an
    event of search on 12-13 Nov, when the 11.11 festival (1-11 Nov, every channel) is over."""
    days = anomaly_review(SAMPLE, "2025-11", "east", flags_only=False)
    late = days[days["date"].between("2025-11-12", "2025-11-13")]
    search = late.loc[late["channel"] == "search", "known_event"]
    email = late.loc[late["channel"] == "email", "known_event"]
    assert (search == "双11大促 / Double 11 2025").all() and email.isna().all()
    early = days[days["date"] == "2025-11-05"]
    assert early["known_event"].notna().all()  # the festival: every channel
