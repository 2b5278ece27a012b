"""How long `policykg.answers.warm` (what `policykg ingest` runs after the store) takes on a
corpus's on-disk store, per saved query: the answers it computes ahead, and the seconds.
Answers already kept are read back, so run it on a store whose answers folder is empty to
time the whole warm-up.

    nice .venv/bin/python benchmarks/warm.py CORPUS_DIR
"""
from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path

from policykg.answers import warm
from policykg.corpus import Corpus
from policykg.store import open_store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    args = ap.parse_args()
    store = open_store(corpus=Corpus(args.corpus))
    kept = len(store.answers) if store.answers is not None else 0
    per: dict[str, list] = defaultdict(lambda: [0, 0.0])

    def report(name: str, params: dict, seconds: float) -> None:
        per[name][0] += 1
        per[name][1] += seconds

    started = time.perf_counter()
    done, took = warm(store, report=report)
    for name, (n, seconds) in sorted(per.items()):
        print(f"{name:<28} {n:>4} answers {seconds:>8.1f} s", flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"warm: {done} answers in {took:.1f} s ({time.perf_counter() - started:.1f} s with the name index); "
          f"{kept} kept before; load {load}")


if __name__ == "__main__":
    main()
