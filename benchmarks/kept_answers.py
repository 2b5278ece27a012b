"""Reading back the answers kept with a corpus's store (policykg.answers): `Answers.get`, which
unpickles with Python's garbage collector paused, against the same unpickling with it running
(as `get` did before), one after the other per answer, in one process that holds every answer
read last (as a server holds what it has served and cached). Prints p50 per answer, largest
first, and the ratio.

    .venv/bin/python benchmarks/kept_answers.py CORPUS_DIR [--repeat 7] [--most 8]

The answers are those `policykg ingest` (or benchmarks/scale_queries.py --answers) kept.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from publish import ready_store  # noqa: E402

from policykg.answers import FOLDER, Answers, _Unpickler  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--most", type=int, default=8, help="the largest answers only")
    args = ap.parse_args()
    answers = Answers(ready_store(args.corpus) / FOLDER)
    files = sorted(answers.folder.glob("*.pickle"), key=lambda p: -p.stat().st_size)[:args.most]
    held = []                                   # what a serving process holds meanwhile (the last 8)
    print(f"{len(files)} largest kept answers of {len(answers)}; load average {os.getloadavg()[0]:.2f}")
    print(f"{'rows':>8} {'bytes':>10} {'get p50 ms':>11} {'collector on p50 ms':>20} {'ratio':>7}")
    for path in files:
        key = path.stem
        paused, running = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            answer = answers.get(key)
            paused.append(time.perf_counter() - started)
            held.append(answer)
            started = time.perf_counter()
            data = path.read_bytes()
            held.append(_Unpickler(io.BytesIO(data)).load())
            running.append(time.perf_counter() - started)
            del held[:-8]
        a, b = statistics.median(paused) * 1000, statistics.median(running) * 1000
        print(f"{len(answer.rows):>8} {path.stat().st_size:>10} {a:>11.1f} {b:>20.1f} {b / a:>6.1f}x", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
