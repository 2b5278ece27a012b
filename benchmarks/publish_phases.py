"""Where the time of `policykg publish` went at a baseline revision (default b53f7c2, before the
graphs were streamed): each phase timed on its own into a fresh Oxigraph server, with the
publish process's CPU and the server's.

    nice -n 5 .venv/bin/python benchmarks/publish_phases.py CORPUS_DIR [--baseline b53f7c2] [--db DIR]

Phases: reading every graph out of the embedded store as N-Triples; counting its quads in
Python (what the baseline did) against counting the N-Triples lines (what publish does now;
checked equal here); the COUNT per graph over the server, empty and full; the PUTs, one new
connection each (the time after 1, 100, 500 and all); a whole dry run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from publish import baseline_module, cpu_seconds, ready_store  # noqa: E402
from scale_queries import free_port, wait_for_answer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--baseline", default="b53f7c2")
    ap.add_argument("--db", type=Path, default=Path("/work/pub-runs/phases"))
    args = ap.parse_args()
    import pyoxigraph as ox
    from policykg.remote import Authenticator, dialect_for
    from policykg.store import EmbeddedStore
    old = baseline_module(args.baseline)
    shutil.rmtree(args.db, ignore_errors=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    server = subprocess.Popen([str(Path(sys.executable).parent / "oxigraph"), "serve", "--location", str(args.db),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def now():
        return time.perf_counter(), cpu_seconds(server.pid), time.process_time()

    def mark(label, t0, s0, c0):
        print(f"{label}: {time.perf_counter() - t0:.1f} s wall, publish CPU {time.process_time() - c0:.1f} s, "
              f"server CPU {cpu_seconds(server.pid) - s0:.1f} s, load {os.getloadavg()[0]:.2f}", flush=True)
    try:
        wait_for_answer(server, f"{url}?query=ASK%7B%7D", time.perf_counter(), 60)
        t = now()
        store = EmbeddedStore(path=ready_store(args.corpus))
        names = [g.value for g in store.store.named_graphs()]
        mark(f"open the store, list {len(names)} graphs", *t)
        t = now()
        datas = [store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(i)) for i in names]
        mark(f"read out as N-Triples ({sum(map(len, datas)) / 1e6:.0f} MB)", *t)
        t = now()
        counts = [sum(1 for _ in store.store.quads_for_pattern(None, None, None, ox.NamedNode(i))) for i in names]
        mark(f"count the quads in Python, as the baseline did ({sum(counts)} quads)", *t)
        t = now()
        lines = [d.count(b"\n") for d in datas]
        mark("count the N-Triples lines", *t)
        assert lines == counts, "a graph's lines and quads differ"
        t = now()
        old.remote_counts(url)
        mark("COUNT per graph over the server, empty", *t)
        dialect = dialect_for(url)
        gsp = dialect.gsp_url(url)
        auth = Authenticator(gsp)
        t = now()
        for n, (iri, data, count) in enumerate(zip(names, datas, counts), 1):
            old.put(gsp, old.LocalGraph(iri, data, count), dialect, auth)
            if n in (1, 100, 500):
                mark(f"  after {n} PUTs", *t)
        mark(f"{len(names)} PUTs, one at a time, a new connection each", *t)
        t = now()
        old.remote_counts(url)
        mark("COUNT per graph over the server, full", *t)
        del datas
        t = now()
        old.publish(store, url, gsp, dialect, dry_run=True, report=lambda line: None)
        mark("a whole dry run (baseline)", *t)
    finally:
        server.terminate()
        server.wait()
        print("database", subprocess.run(["du", "-sh", str(args.db)], capture_output=True, text=True).stdout.split()[0])
        shutil.rmtree(args.db, ignore_errors=True)


if __name__ == "__main__":
    main()
