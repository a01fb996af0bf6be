"""Benchmark: a bad file is reported about as fast as the same file is read when clean.

Three orders.csv files of ``--rows`` rows (2 million) made from the sample's orders:

- ``clean``: distinct order ids, read and validated;
- ``duplicated``: every order id appears twice (rows 1 and 2 share one, 3 and 4 the next...);
- ``trailing``: the clean file with a comma at the end of every row (an empty seventh field).

Each is read by ``mk.read_table(path, "orders")`` in a fresh process (its time is the read and
the validation, imports excluded). The two bad files must end in an ``InputError`` naming the
real problem (a duplicate ``order_id`` counting every row; the extra field), within 2x of the
clean read (issue #30). The script exits 1 when a ratio or a message is wrong.

Usage::

    python benchmarks/bad_input.py                   # 2,000,000 rows
    python benchmarks/bad_input.py --rows 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

MAX_RATIO = 2.0
KINDS = ("clean", "duplicated", "trailing")


def make_files(rows: int, folder: Path) -> Path:
    """``folder`` with ``clean.csv``, ``duplicated.csv`` and ``trailing.csv``; made once."""
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / ".done"
    if done.exists():
        return folder
    import numpy as np
    import pandas as pd

    import mktkit as mk

    sample = mk.load_sample()["orders"]
    pick = np.random.default_rng(7).integers(0, len(sample), rows)
    orders = sample.iloc[pick].reset_index(drop=True)
    orders = orders[["order_id", "customer_id", "order_date", "region", "channel", "amount"]]
    orders["order_date"] = orders["order_date"].dt.strftime("%Y-%m-%d")
    orders["order_id"] = pd.Series(np.arange(rows)).map("O{:09d}".format)
    orders.to_csv(folder / "clean.csv", index=False)
    orders.assign(order_id=orders["order_id"].iloc[np.arange(rows) // 2].to_numpy()).to_csv(
        folder / "duplicated.csv", index=False
    )
    head, body = (folder / "clean.csv").read_text(encoding="utf-8").split("\n", 1)
    (folder / "trailing.csv").write_text(head + "\n" + body.replace("\n", ",\n"), "utf-8")
    done.touch()
    return folder


def child(kind: str, folder: str) -> None:
    """One read in this fresh process; prints JSON with the seconds and the message."""
    import mktkit as mk
    from mktkit.data.io import read_table

    path = Path(folder) / f"{kind}.csv"
    started = time.perf_counter()
    try:
        read_table(path, "orders")
        message, total = "", 0
    except mk.InputError as err:
        message, total = str(err), err.total_rows
    seconds = time.perf_counter() - started
    print(json.dumps({"kind": kind, "seconds": seconds, "message": message, "total": total}))


def run(kind: str, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--out", str(folder)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, alternating")
    parser.add_argument("--out", type=Path, default=Path("/tmp/mktkit_bad_input"))
    parser.add_argument("--child", choices=KINDS)
    args = parser.parse_args()
    if args.child:
        child(args.child, str(args.out))
        return 0
    folder = make_files(args.rows, args.out / str(args.rows))
    print(f"{args.rows:,} orders in {folder}")
    results: dict[str, list[dict]] = {k: [] for k in KINDS}
    for _ in range(args.repeat):
        for kind in KINDS:
            results[kind].append(run(kind, folder))
    best = {k: min(r, key=lambda x: x["seconds"]) for k, r in results.items()}
    ok = best["clean"]["message"] == ""
    expect = {
        "duplicated": ("duplicate key", args.rows),
        "trailing": ("every row ends with", None),
    }
    for kind, r in best.items():
        runs = ", ".join(f"{x['seconds']:.2f}" for x in results[kind])
        ratio = r["seconds"] / best["clean"]["seconds"]
        print(f"{kind:10} best {r['seconds']:.2f} s (runs: {runs}), {ratio:.2f}x clean")
        if kind in expect:
            words, total = expect[kind]
            first = r["message"].splitlines()[0] if r["message"] else "(no error)"
            print(f"           {first[:160]}")
            right = words in r["message"] and (total is None or r["total"] == total)
            ok = ok and right and ratio <= MAX_RATIO
    print(f"target: each bad file reported within {MAX_RATIO:.0f}x of the clean read: "
          + ("met" if ok else "MISSED"))  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
