"""How long ``import mktkit`` takes, next to the plotting stack a notebook imports anyway.

Measure: wall time of ``python -c "<statement>"`` in a fresh interpreter (start-up included),
median over ``--repeat`` runs, minus the median of ``python -c pass`` measured in the same
rounds (so the figures are import cost only). The statements run in interleaved rounds, so a
slow spell on a shared machine hits all of them alike. One warm-up round is discarded (it fills
the OS file cache and matplotlib's font cache).

Figures:

- ``mktkit``: ``import mktkit``
- ``stack``: ``import pandas, matplotlib.pyplot, seaborn``
- ``ratio`` = mktkit / stack; the script exits 1 when it is above ``--max-ratio`` (1.2)
- for information: ``import mktkit; mktkit.use_theme("zh")`` (matplotlib plus the CJK font)

Usage::

    .venv/bin/python benchmarks/import_time.py            # 15 rounds
    .venv/bin/python benchmarks/import_time.py --repeat 31 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "baseline": "pass",
    "mktkit": "import mktkit",
    "stack": "import pandas, matplotlib.pyplot, seaborn",
    "mktkit_theme": "import mktkit; mktkit.use_theme('zh')",
}


def _run(statement: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], env=env, check=True)
    return time.perf_counter() - start


def measure(repeat: int) -> dict[str, float]:
    """Median wall seconds per statement, baseline subtracted (baseline itself kept raw)."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    for statement in STATEMENTS.values():  # warm-up, discarded
        _run(statement, env)
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(repeat):
        for name, statement in STATEMENTS.items():
            times[name].append(_run(statement, env))
    median = {name: statistics.median(values) for name, values in times.items()}
    base = median["baseline"]
    return {name: (m if name == "baseline" else max(m - base, 0.0)) for name, m in median.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds (default 15)")
    parser.add_argument("--max-ratio", type=float, default=1.2, help="fail above (default 1.2)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)

    m = measure(args.repeat)
    ratio = m["mktkit"] / m["stack"] if m["stack"] > 0 else float("inf")
    print(f"python {sys.version.split()[0]}, {args.repeat} rounds, median wall time of "
          f"`python -c ...` minus `python -c pass` ({m['baseline'] * 1000:.0f} ms)")  # fmt: skip
    print(f"  import mktkit                               {m['mktkit'] * 1000:8.1f} ms")
    print(f"  import pandas, matplotlib.pyplot, seaborn   {m['stack'] * 1000:8.1f} ms")
    print(f"  ratio mktkit / stack                        {ratio:8.3f}  (limit {args.max_ratio})")
    print(f"  import mktkit; mktkit.use_theme('zh')       {m['mktkit_theme'] * 1000:8.1f} ms"
          "  (information)")  # fmt: skip
    if args.json:
        print(json.dumps({**{k: round(v, 6) for k, v in m.items()}, "ratio": round(ratio, 6)}))
    if ratio > args.max_ratio:
        print(f"FAIL: import mktkit costs {ratio:.3f}x the plotting stack", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
