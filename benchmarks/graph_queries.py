"""What naming our graphs costs a query with a GRAPH pattern on a remote store (RemoteStore.dataset:
the merge as the default graph and every notice's graph as a named-graph-uri, 10,002 of them at
10,000 notices), against the same query sent as written (the server's own dataset, which on a bag
store gives other answers: see the README's "default graph"). Same queries, alternating, one run.

    .venv/bin/python benchmarks/graph_queries.py QUERY_URL [--repeat 5]

The store is one `policykg publish` wrote (benchmarks/publish.py --keep, then the server started
again on its database).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from policykg.store import RemoteStore

QUERIES = {
    "graphs holding a measure": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?m a pkg:Measure } }",
    "one notice's measures": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/policykg/id/graph/zhangye-2021-9> "
                             "{ ?m a pkg:Measure } }",
    "the shipped notice's measures, by graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m pkg:inDocument "
                                               "<https://w3id.org/policykg/id/doc/zczmbf-2021-9> } } GROUP BY ?g",
    "a law span's triples, per graph": "SELECT ?p (COUNT(*) AS ?n) WHERE { "
                                       "<https://w3id.org/policykg/id/legal/sme-promotion-law/text/5807-5809> ?p ?o . "
                                       "GRAPH ?g { <https://w3id.org/policykg/id/legal/sme-promotion-law/text/5807-5809> "
                                       "?p ?o } } GROUP BY ?p",
}


def timed(store: RemoteStore, query: str) -> tuple[float, list]:
    started = time.perf_counter()
    rows = store.select(query).rows
    return time.perf_counter() - started, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    ours = RemoteStore(args.url, timeout=600)
    written = RemoteStore(args.url, timeout=600, default_graphs=())
    started = time.perf_counter()
    graphs = ours.graphs()
    print(f"{len(graphs)} graphs of ours listed in {time.perf_counter() - started:.2f} s; the merge "
          f"{ours.layout().default}; load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"{'query':<42} {'named p50 s':>12} {'written p50 s':>14} {'ratio':>7}  same rows  load")
    for name, query in QUERIES.items():
        times = {"ours": [], "written": []}
        rows = {}
        for _ in range(args.repeat):
            for key, store in (("ours", ours), ("written", written)):
                took, rows[key] = timed(store, query)
                times[key].append(took)
        a, b = statistics.median(times["ours"]), statistics.median(times["written"])
        same = sorted(map(repr, rows["ours"])) == sorted(map(repr, rows["written"]))
        print(f"{name:<42} {a:>12.3f} {b:>14.3f} {a / b:>6.2f}x  {'yes' if same else 'no':<9}  "
              f"{os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
