"""How long a `policykg` command takes from start to exit: this checkout against another one (the
baseline, e.g. the commit before a change), alternated run by run so that both see the same load.

    nice .venv/bin/python benchmarks/cli_start.py [--baseline /path/to/other/.venv/bin/policykg]
        [--repeat 9]

Timed: `policykg --help` (the start alone), `policykg queries` (lists the saved queries) and
`policykg query measures-by-department -p department=市财政局` over the shipped notice (a saved
query answered by the embedded store). A bare `python -c pass` of the same interpreter is timed
beside them, as the floor. The load average is printed beside every round; then the median of
each command and the ratio baseline / this checkout.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--help": ["--help"],
    "queries": ["queries"],
    "query": ["query", "measures-by-department", "-p", "department=市财政局"],
}


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, help="another checkout's policykg executable")
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    ours = HERE / ".venv" / "bin" / "policykg"
    runs: dict[tuple[str, str], list[float]] = {}
    for n in range(args.repeat):
        floor = timed([sys.executable, "-c", "pass"])
        runs.setdefault(("python -c pass", "floor"), []).append(floor)
        line = [f"round {n + 1}: load {os.getloadavg()[0]:.2f}", f"floor {floor * 1000:.0f} ms"]
        for name, argv in COMMANDS.items():
            for who, exe in (("this", ours), ("baseline", args.baseline)):
                if exe is None:
                    continue
                took = timed([str(exe), *argv])
                runs.setdefault((name, who), []).append(took)
                line.append(f"{name} {who} {took * 1000:.0f} ms")
        print("  ".join(line), flush=True)
    print()
    print(f"{'command':<10} {'this (median)':>14} {'baseline (median)':>18} {'baseline/this':>14}")
    for name in COMMANDS:
        this = statistics.median(runs[(name, "this")])
        base = runs.get((name, "baseline"))
        base_m = statistics.median(base) if base else None
        ratio = f"{base_m / this:.2f}" if base_m else "-"
        print(f"{name:<10} {this * 1000:>11.0f} ms {(f'{base_m * 1000:.0f} ms' if base_m else '-'):>18} {ratio:>14}")
    print(f"floor (python -c pass): {statistics.median(runs[('python -c pass', 'floor')]) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
