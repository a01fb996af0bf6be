"""How long anomaly detection takes over every region x channel x metric of the sample.

Measure: wall time of one ``mk.detect_anomalies`` call on the two-year sample's daily channel
table (4 regions x 7 channels x 8 metrics = 224 series of 730 days: spend, impressions, clicks,
leads, orders, new customers, revenue and CTR), including building the table of daily ratios
with ``mk.channel_performance``; median over ``--repeat`` runs after one warm-up run (which
loads the sample and imports statsmodels/scipy). ``--statsmodels`` also times the bare
``statsmodels.tsa.seasonal.STL(robust=True)`` calls alone, to show what the rest costs.

The script exits 1 when the median is above ``--max-seconds`` (10).

Usage::

    .venv/bin/python benchmarks/monitoring.py
    .venv/bin/python benchmarks/monitoring.py --repeat 5 --statsmodels --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

METRICS = ["spend", "impressions", "clicks", "leads", "orders", "new_customers", "revenue", "ctr"]


def run_once(channel_daily) -> tuple[float, int, int]:
    from mktkit.anomalies import detect_anomalies
    from mktkit.channels import channel_performance

    start = time.perf_counter()
    daily = channel_performance(channel_daily, by=["date", "region", "channel"])
    flags = detect_anomalies(daily, value=METRICS, by=["region", "channel"])
    return time.perf_counter() - start, flags.attrs["series"], len(flags)


def statsmodels_once(channel_daily) -> float:
    """The same 224 decompositions with statsmodels' STL, one series at a time."""
    import numpy as np
    from statsmodels.tsa.seasonal import STL

    from mktkit.channels import channel_performance

    start = time.perf_counter()
    daily = channel_performance(channel_daily, by=["date", "region", "channel"])
    wide = daily.pivot_table(index="date", columns=["region", "channel"], values=METRICS)
    for col in wide.columns:
        resid = STL(wide[col].to_numpy(float), period=7, robust=True).fit().resid
        med = np.median(resid)
        _ = (resid - med) / (1.4826 * np.median(np.abs(resid - med)))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=10.0)
    parser.add_argument("--statsmodels", action="store_true", help="also time statsmodels STL")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import mktkit as mk

    channel_daily = mk.load_sample()["channel_daily"]
    run_once(channel_daily)  # warm-up: imports and caches
    times, series, flags = [], 0, 0
    for _ in range(args.repeat):
        seconds, series, flags = run_once(channel_daily)
        times.append(seconds)
    result = {
        "series": series,
        "days": int(channel_daily["date"].nunique()),
        "flags": flags,
        "median_seconds": statistics.median(times),
        "runs": times,
    }
    if args.statsmodels:
        result["statsmodels_seconds"] = statsmodels_once(channel_daily)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"anomaly detection: {result['series']} series x {result['days']} days in "
            f"{result['median_seconds']:.2f} s (median of {args.repeat}; limit "
            f"{args.max_seconds:g} s), {flags} flags"
        )
        if args.statsmodels:
            print(f"statsmodels STL one series at a time: {result['statsmodels_seconds']:.2f} s")
    return 0 if result["median_seconds"] <= args.max_seconds else 1


if __name__ == "__main__":
    sys.exit(main())
