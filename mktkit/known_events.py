"""The calendar of known events: days on which a metric is expected to move.

A spike on 11.11 or a drop over the Spring Festival is no anomaly: the business planned it or
the calendar explains it. :func:`known_events` gathers, for a span of days:

- **campaigns** of the ``campaigns`` table that last at most :data:`MAX_EVENT_DAYS` days (a
  campaign that runs for a month or more is the baseline, not an event); an open end runs to
  the span's end; a campaign is an event of every series of totals and, among the series of
  single channels, of its own channel's only;
- the folder's own **events** in ``mktkit.yaml`` (``events: [{name: 店庆, start: 2026-09-01,
  end: 2026-09-03}]``);
- China's **public holidays** from the ``holidays`` package (consecutive days off of one holiday
  make one event: the Spring Festival week, the National Day week), names in English and
  Chinese;
- the **shopping festivals** 6.18 (1 to 18 June), 11.11 (1 to 11 November) and 12.12
  (12 December): fixed dates, with the weeks of pre-sales that lead up to the first two.

:func:`event_days` turns the table into the event of each day (the first listed wins: a
campaign before the folder's events before holidays before festivals).

Examples
--------
>>> ev = known_events(None, "2026-11-01", "2026-11-30")
>>> ev[["name", "start", "end", "kind"]].astype(str).to_numpy().tolist()
[['11.11', '2026-11-01', '2026-11-11', 'festival']]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mktkit.errors import InputError

__all__ = ["FESTIVALS", "MAX_EVENT_DAYS", "event_days", "known_events"]

#: A campaign longer than this (days) is part of the baseline, not a known event: three weeks
#: hold the promotions (a Spring Festival sale, 6.18, 11.11), not a season-long push.
MAX_EVENT_DAYS = 21

#: Shopping festivals: (name, zh name, first (month, day), last (month, day)).
FESTIVALS: tuple[tuple[str, str, tuple[int, int], tuple[int, int]], ...] = (
    ("6.18", "618 大促", (6, 1), (6, 18)),
    ("11.11", "双 11", (11, 1), (11, 11)),
    ("12.12", "双 12", (12, 12), (12, 12)),
)

KINDS = ("campaign", "folder", "holiday", "festival")
COLUMNS = ["name", "name_zh", "start", "end", "kind", "channel"]


def _campaigns(data: Any, first: pd.Timestamp, last: pd.Timestamp) -> list[dict[str, Any]]:
    if data is None or "campaigns" not in getattr(data, "files", data):
        return []
    files = getattr(data, "files", None)
    if files is not None and not files["campaigns"].is_file():
        return []
    camps = data["campaigns"]
    out = []
    for c in camps.itertuples(index=False):
        end = last if pd.isna(c.end) else pd.Timestamp(c.end)
        start = pd.Timestamp(c.start)
        if (end - start).days + 1 > MAX_EVENT_DAYS or end < first or start > last:
            continue
        out.append(
            {
                "name": str(c.name),
                "name_zh": str(c.name),
                "start": start,
                "end": end,
                "kind": "campaign",
                "channel": str(c.channel),
            }  # fmt: skip
        )
    return out


def _folder_events(data: Any, first: pd.Timestamp, last: pd.Timestamp) -> list[dict[str, Any]]:
    config = getattr(data, "config", None)
    out = []
    for i, item in enumerate(getattr(config, "events", ()) or ()):
        if not isinstance(item, Mapping) or not {"name", "start"} <= set(item):
            raise InputError(
                f"events item {i + 1} is {item!r}",
                table="mktkit.yaml",
                column="events",
                fix="write each event as {name: 店庆, start: 2026-09-01, end: 2026-09-03}",
            )
        try:
            start = pd.Timestamp(item["start"])
            end = pd.Timestamp(item.get("end", item["start"]))
        except (ValueError, TypeError):
            raise InputError(
                f"events item {i + 1} ({item['name']!r}) has a date that is not YYYY-MM-DD",
                table="mktkit.yaml",
                column="events",
                fix="write start: and end: as YYYY-MM-DD",
            ) from None
        if end < start:
            raise InputError(
                f"events item {i + 1} ({item['name']!r}) ends before it starts",
                table="mktkit.yaml",
                column="events",
                fix="give end: on or after start:",
            )
        if end >= first and start <= last:
            name = str(item["name"])
            out.append({"name": name, "name_zh": name, "start": start, "end": end,
                        "kind": "folder", "channel": None})  # fmt: skip
    return out


def _holidays(first: pd.Timestamp, last: pd.Timestamp) -> list[dict[str, Any]]:
    import holidays

    years = list(range(first.year, last.year + 1))
    en = holidays.China(years=years, language="en_US")
    zh = holidays.China(years=years, language="zh_CN")
    runs: list[list[Any]] = []
    for day in sorted(d for d in en if first.date() <= d <= last.date()):
        # days off at most a weekend apart are one break (Spring Festival, the Golden Week
        # of National Day and Mid-Autumn, a holiday and its substitute days off)
        if runs and (day - runs[-1][-1]).days <= 3:
            runs[-1].append(day)
        else:
            runs.append([day])
    out = []
    for run in runs:
        named = [d for d in run if "Eve" not in en[d] and not en[d].startswith("Day off")]
        d = (named or run)[0]
        out.append({"name": en[d].split(" (")[0], "name_zh": zh[d].split("（")[0],
                    "start": pd.Timestamp(run[0]), "end": pd.Timestamp(run[-1]),
                    "kind": "holiday", "channel": None})  # fmt: skip
    return out


def _festivals(first: pd.Timestamp, last: pd.Timestamp) -> list[dict[str, Any]]:
    out = []
    for year in range(first.year, last.year + 1):
        for name, name_zh, (m0, d0), (m1, d1) in FESTIVALS:
            start, end = pd.Timestamp(year, m0, d0), pd.Timestamp(year, m1, d1)
            if end >= first and start <= last:
                out.append({"name": name, "name_zh": name_zh, "start": start, "end": end,
                            "kind": "festival", "channel": None})  # fmt: skip
    return out


def known_events(
    data: Mapping[str, Any] | None,
    start: Any,
    end: Any,
    *,
    holidays: bool = True,
    festivals: bool = True,
) -> pd.DataFrame:
    """The known events that touch ``start`` .. ``end``, in the order they win a day.

    Parameters
    ----------
    data : mapping or None
        Tables (``load_data`` or a dict): its ``campaigns`` and its mktkit.yaml ``events:``
        are used where present.
    start, end : date
        The span of days.
    holidays, festivals : bool
        Include China's public holidays, and 6.18, 11.11 and 12.12.

    Returns
    -------
    DataFrame with columns name, name_zh, start, end, kind (campaign, folder, holiday,
    festival), channel (a campaign's channel, else None).

    Examples
    --------
    >>> ev = known_events(None, "2026-02-10", "2026-02-28", festivals=False)
    >>> ev[["name", "name_zh", "start", "end"]].astype(str).to_numpy().tolist()
    [['Chinese New Year', '春节', '2026-02-16', '2026-02-23']]
    """
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    rows = _campaigns(data, first, last) + _folder_events(data, first, last)
    if holidays:
        rows += _holidays(first, last)
    if festivals:
        rows += _festivals(first, last)
    return pd.DataFrame(rows, columns=COLUMNS)


def event_days(events: pd.DataFrame, days: pd.DatetimeIndex, channels: Any = None) -> pd.Series:
    """The known event of each of ``days`` (its row of ``events``), or -1 on ordinary days.

    ``channels``: the channel of each day's series, when the series are single channels (a
    campaign is then an event of its own channel only); None for totals.

    Examples
    --------
    >>> ev = known_events(None, "2026-11-09", "2026-11-13")
    >>> event_days(ev, pd.date_range("2026-11-10", periods=3)).tolist()
    [0, 0, -1]
    """
    out = np.full(len(days), -1)
    own = None if channels is None else np.asarray(channels, dtype=object)
    for i in range(len(events) - 1, -1, -1):  # the first listed is written last: it wins
        inside = np.asarray((days >= events["start"].iloc[i]) & (days <= events["end"].iloc[i]))
        channel = events["channel"].iloc[i]
        if own is not None and isinstance(channel, str):
            inside &= own == channel
        out[inside] = i
    return pd.Series(out, index=days)
