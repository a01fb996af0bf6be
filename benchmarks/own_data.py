"""Benchmark: reading your own exports through a mktkit.yaml, against pyarrow reading the file.

An orders export of ``--rows`` rows (10 million) as a Chinese back office writes it: GBK,
Chinese headers, slash dates with a time, amounts like ``￥1,234.5``, regions and channels in
Chinese words. Two ways to read it, each in a fresh process (its peak resident memory,
``VmHWM``, is its own):

- ``pyarrow``: ``pyarrow.csv.read_csv`` of the file with ``encoding="gb18030"``, every column
  as text, converted to pandas: the plain read, nothing checked or parsed;
- ``mktkit``: ``mk.load_data(folder)["orders"]``: encoding and delimiter found, the columns
  renamed, dates and amounts parsed as declared, the regions and channels translated, the table
  validated (types, ranges, unique order ids).

The targets (issue #24): mktkit within 3x pyarrow's time and 3x its peak memory. The script
exits 1 when either is missed. The file is made once and kept (``--out``).

Usage::

    python benchmarks/own_data.py                    # 10,000,000 rows
    python benchmarks/own_data.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from funnel import peak_rss_mb

MAX_RATIO = 3.0


def make_export(rows: int, folder: Path) -> Path:
    """``folder`` with ``orders.csv`` (GBK, ``rows`` rows drawn from the sample's orders, ids
    renumbered) and the mktkit.yaml that reads it; made once."""
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / f".rows-{rows}"
    if done.exists():
        return folder
    import numpy as np
    import pandas as pd
    from exports import orders_gbk

    import mktkit as mk

    sample = mk.load_sample()["orders"]
    rng = np.random.default_rng(7)
    pick = rng.integers(0, len(sample), rows)
    orders = sample.iloc[pick].reset_index(drop=True)
    orders["order_id"] = pd.Series(np.arange(1, rows + 1)).map("O{:09d}".format)
    entry = orders_gbk(orders, folder / "订单导出.csv")
    (folder / "mktkit.yaml").write_text("tables:\n" + entry, encoding="utf-8")
    done.touch()
    return folder


def child(which: str, folder: str) -> None:
    """One read in this fresh process; prints JSON with the seconds and the peak memory."""
    path = Path(folder) / "订单导出.csv"
    started = time.perf_counter()
    if which == "pyarrow":
        import pyarrow as pa
        import pyarrow.csv as pacsv

        read = pacsv.ReadOptions(encoding="gb18030", block_size=1 << 24)
        names = pacsv.open_csv(path, read_options=read).schema.names
        convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names})
        frame = pacsv.read_csv(path, read_options=read, convert_options=convert).to_pandas()
    else:
        import mktkit as mk

        frame = mk.load_data(folder)["orders"]
    seconds = time.perf_counter() - started
    print(json.dumps({"which": which, "rows": len(frame), "seconds": seconds,
                      "peak_mb": peak_rss_mb()}))  # fmt: skip


def run(which: str, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, "--out", str(folder)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, alternating")
    parser.add_argument("--out", type=Path, default=Path("/tmp/mktkit_own_data"))
    parser.add_argument("--child", choices=["pyarrow", "mktkit"])
    args = parser.parse_args()
    if args.child:
        child(args.child, str(args.out))
        return 0
    folder = make_export(args.rows, args.out / str(args.rows))
    size = (folder / "订单导出.csv").stat().st_size
    print(f"{args.rows:,} orders, {size / 2**20:.0f} MiB of GBK CSV in {folder}")
    results: dict[str, list[dict]] = {"pyarrow": [], "mktkit": []}
    for _ in range(args.repeat):
        for which in results:
            results[which].append(run(which, folder))
    best = {w: min(r, key=lambda x: x["seconds"]) for w, r in results.items()}
    for which, r in best.items():
        runs = ", ".join(f"{x['seconds']:.2f}" for x in results[which])
        print(f"{which:8} best {r['seconds']:.2f} s (runs: {runs}), peak {r['peak_mb']:.0f} MB")
    time_ratio = best["mktkit"]["seconds"] / best["pyarrow"]["seconds"]
    memory_ratio = best["mktkit"]["peak_mb"] / best["pyarrow"]["peak_mb"]
    print(f"mktkit / pyarrow: time {time_ratio:.2f}x, peak memory {memory_ratio:.2f}x "
          f"(targets <= {MAX_RATIO:.0f}x)")  # fmt: skip
    return 0 if time_ratio <= MAX_RATIO and memory_ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
