"""Time `policykg.dataset.export` for each format on the shipped dataset, against rdflib
serialising the same triples (the baseline), in one run; print the medians and the ratio.

    .venv/bin/python benchmarks/export.py [--repeat 5]

The JSON-LD row compares our compactor (policykg.jsonld, a context derived from the data)
with rdflib's JSON-LD serializer given the same prefixes.
"""
from __future__ import annotations

import argparse
import statistics
import time

from rdflib import Dataset

from policykg import dataset
from policykg.store import EmbeddedStore, default_files

RDFLIB = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "rdfxml": "xml"}


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    store = EmbeddedStore(default_files())
    g = Dataset()
    for f in default_files():
        g.default_graph.parse(f)
    print(f"{len(store):,} triples; median of {args.repeat} runs")
    print(f"{'format':8} {'policykg s':>11} {'rdflib s':>9} {'ratio':>6} {'bytes':>11}")
    for fmt in dataset.FORMATS:
        ours = median_time(lambda: dataset.export(store, fmt), args.repeat)
        triples = g if dataset.FORMATS[fmt].quads else g.default_graph
        base = median_time(lambda: triples.serialize(format=RDFLIB[fmt], encoding="utf-8"), max(1, args.repeat // 2))
        size = len(dataset.export(store, fmt))
        print(f"{fmt:8} {ours:11.3f} {base:9.3f} {base / ours:6.1f} {size:11,}")


if __name__ == "__main__":
    main()
