"""Time every saved query on the shipped graph and on synthetic corpora, on
the policykg embedded store, on rdflib's default store and on raw pyoxigraph,
in one run, and print median / p95 per query and the ratios.

    .venv/bin/python benchmarks/queries.py [--sizes 1,10,100,300] [--rdflib-max 100] [--repeat 7] [--on-disk]

With --on-disk the policykg store is the on-disk (RocksDB) store a corpus of
ten or more notices is served from, built once and opened read-only as
`policykg serve` opens it, and "raw pyoxigraph" queries that very store.

"policykg" is the public API: `run_saved_query(store, query, params)` with
the loaded SavedQuery and the parameters as a user types them (resolution,
binding and conversion included); passing the query's name instead costs a
dictionary lookup more (about 0.2 µs). "raw
pyoxigraph" runs the identical bound SPARQL text on a pyoxigraph Store and
materialises every solution. "rdflib" runs the same text on rdflib.Graph.

Every figure is warm (after one untimed run of the same query on the same
store) except the "cold" column: policykg with its own memos emptied before
each run (the name index parameters resolve against, the prepared query text,
the remembered parameter terms and result variables), as the first asking of
that query on a freshly opened store finds them. Store loading is timed apart.
"""
from __future__ import annotations

import argparse
import os
import math
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pyoxigraph as ox  # noqa: E402
from corpus import DOC, corpus, shared_files, shipped  # noqa: E402
from rdflib import Graph  # noqa: E402

from policykg.queries import bindings_for, load_queries, run_saved_query  # noqa: E402
from policykg.store import EmbeddedStore  # noqa: E402

# Parameters as users type them; a measure is named by IRI because in a corpus
# every notice has a measure 9.
PARAMS = {"measure": DOC + "/measure/{n}"}


def params_for(q) -> dict[str, str]:
    out = {}
    for p in q.parameters:
        if p.example is None:
            continue
        out[p.name] = PARAMS["measure"].format(n=p.example) if p.type == "measure" else p.example
    return out


def timed(fn, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return runs


def interleaved(a, b, repeat: int, budget: float = 0.25, most: int = 2000) -> tuple[list[float], list[float]]:
    """Time a and b alternately after one warm-up each, so drift and warm-up hit both alike.

    A query of tens of microseconds is timed more often (until about `budget`
    seconds per side, at most `most` times): at seven runs its median moves by
    more than the 20% the target allows.
    """
    a(), b()
    warm = timed(a, 1)[0] + timed(b, 1)[0]
    repeat = max(repeat, min(most, int(2 * budget / max(warm, 1e-9))))
    runs_a, runs_b = [], []
    for _ in range(repeat):
        runs_a += timed(a, 1)
        runs_b += timed(b, 1)
    return runs_a, runs_b


def forget(store: EmbeddedStore) -> None:
    """Empty what policykg remembers per store, so the next query runs as on a new store."""
    from policykg import queries as queries_module
    from policykg.store import TextMemo
    store.__dict__.pop("_prepared", None)
    store._variables = TextMemo()
    queries_module._INDEXES.pop(store, None)


def cold(fn, store: EmbeddedStore, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        forget(store)
        runs += timed(fn, 1)
    return runs


def p95(runs: list[float]) -> float:
    return sorted(runs)[max(0, math.ceil(0.95 * len(runs)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100,300")
    ap.add_argument("--rdflib-max", type=int, default=100, help="largest corpus given to rdflib")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--on-disk", action="store_true", help="serve from an on-disk store, as a large corpus is")
    args = ap.parse_args()
    queries = load_queries()
    # figures from a busy machine are not figures from an idle one: say which this was
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    base = shipped()
    context = shared_files()
    summary = []
    for n in [int(x) for x in args.sizes.split(",")]:
        g = corpus(n, base)
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "corpus.nt"
            g.serialize(data, format="nt", encoding="utf-8")
            files = context + [data]
            t = time.perf_counter()
            if args.on_disk:
                folder = Path(tempfile.mkdtemp()) / "store"
                EmbeddedStore(files, path=folder, build=True)
                t = time.perf_counter()       # what a server start pays: opening the built store
                store = EmbeddedStore(files, path=folder)
                load_pkg = time.perf_counter() - t
                raw, load_raw = store.store, 0.0
            else:
                store = EmbeddedStore(files)
                load_pkg = time.perf_counter() - t
                t = time.perf_counter()
                raw = ox.Store()
                for f in files:
                    raw.load(path=str(f), format=ox.RdfFormat.from_extension(f.suffix[1:]))
                load_raw = time.perf_counter() - t
            use_rdflib = n <= args.rdflib_max and not args.on_disk
            if use_rdflib:
                t = time.perf_counter()
                rg = Graph()
                for f in files:
                    rg.parse(f)
                load_rdflib = time.perf_counter() - t
        print(f"\n== {n} notice(s): {len(store)} triples in the store; load: policykg {load_pkg:.2f} s, "
              f"pyoxigraph {load_raw:.2f} s" + (f", rdflib {load_rdflib:.2f} s" if use_rdflib else ""))
        print("milliseconds; warm: median/p95 after one untimed run; cold: median with policykg's memos emptied")
        print(f"{'query':<26}{'policykg warm med/p95':>22}{'cold':>9}{'raw oxigraph':>14}{'rdflib warm':>13}"
              f"{'pkg/raw':>9}{'cold/warm':>10}{'rdflib/pkg':>11}")
        ratios_raw, speedups, colds = [], [], []
        for name, q in queries.items():
            params = params_for(q)
            sparql = store.prepared(q.sparql, bindings_for(store, q, params))

            def run_raw(sparql=sparql, raw=raw):
                # the fastest way to hold every solution in pyoxigraph: rows of its own terms
                return [tuple(sol) for sol in raw.query(sparql)]

            def run_pkg(q=q, params=params, store=store):
                return run_saved_query(store, q, params)
            pkg_runs, raw_runs = interleaved(run_pkg, run_raw, args.repeat)
            pkg, rawm = statistics.median(pkg_runs), statistics.median(raw_runs)
            cold_med = statistics.median(cold(run_pkg, store, args.repeat))
            ratios_raw.append(pkg / rawm)
            colds.append(cold_med / pkg)
            cell_rdflib, ratio_rdflib = "-", ""
            if use_rdflib:
                run_rdflib = lambda sparql=sparql, rg=rg: list(rg.query(sparql))  # noqa: E731
                run_rdflib()           # warm, like the other two: the first run pays rdflib's lazy set-up
                # rdflib grows superlinearly: one timed run past ten notices keeps the benchmark finite
                rd_runs = timed(run_rdflib, 1 if n > 10 else max(1, min(args.repeat, 3)))
                rd = statistics.median(rd_runs)
                speedups.append(rd / pkg)
                cell_rdflib, ratio_rdflib = f"{rd * 1000:.1f}", f"{rd / pkg:.1f}x"
            print(f"{name:<26}{pkg * 1000:>12.2f}/{p95(pkg_runs) * 1000:<9.2f}{cold_med * 1000:>9.2f}"
                  f"{rawm * 1000:>14.2f}{cell_rdflib:>13}{pkg / rawm:>8.2f}x{cold_med / pkg:>9.1f}x"
                  f"{ratio_rdflib:>11}", flush=True)
        forget(store)
        geo = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")
        worst = max(ratios_raw)
        line = (f"{n:>4} notice(s): policykg/raw pyoxigraph geometric mean {geo(ratios_raw):.2f}x, "
                f"worst {worst:.2f}x; cold/warm geometric mean {geo(colds):.1f}x, worst {max(colds):.1f}x"
                + (f"; warm speed-up over warm rdflib, geometric mean {geo(speedups):.1f}x" if speedups else ""))
        print(line)
        summary.append(("on disk: " if args.on_disk else "") + line)
        if args.on_disk:
            del store, raw
            shutil.rmtree(folder.parent, ignore_errors=True)
    print("\n" + "\n".join(summary))


if __name__ == "__main__":
    main()
