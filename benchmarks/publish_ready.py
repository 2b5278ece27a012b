"""`policykg.publish.publish` of a corpus's ready on-disk store into a server already running:
wall time, this process's CPU and peak RSS, the server's CPU and RSS (with --server-pid), the
load average, and what the server then holds (graphs, triples; the merge graph's triples).

    nice -n 5 .venv/bin/python benchmarks/publish_ready.py CORPUS_DIR --url QUERY_URL
        [--version V] [--server-pid PID] [--workers 2]

Not `policykg publish --corpus`: that opens the corpus with this checkout's store key and would
rebuild a store another checkout built (25+ min at 10,000 notices, and other people read it).
The store is opened read-only as it is on disk (benchmarks/publish.py's `ready_store`); a fixed
--version (the store's folder name by default) names the same merge on a re-run, as the CLI's
store key does. Credentials, where the server asks, from POLICYKG_ENDPOINT_USER/PASSWORD.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from publish import cpu_seconds, ready_store  # noqa: E402
from scale_queries import load, rss_mb  # noqa: E402

from policykg.publish import QUERY_TIMEOUT, publish  # noqa: E402
from policykg.remote import dialect_for  # noqa: E402
from policykg.store import EmbeddedStore, RemoteStore  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--url", required=True, help="the server's SPARQL query URL")
    ap.add_argument("--version", help="names the data sent (default: the ready store's folder name)")
    ap.add_argument("--server-pid", type=int, help="the server's process, for its CPU and RSS")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    path = ready_store(args.corpus)
    store = EmbeddedStore(path=path)
    dialect = dialect_for(args.url)
    gsp = dialect.gsp_url(args.url)
    version = args.version or path.name
    print(f"publish {path} (read-only) to {gsp} ({dialect.name}), version {version}; {load()}", flush=True)
    puts = 0

    def report(line: str) -> None:
        nonlocal puts
        if line.startswith("put "):
            puts += 1
            if puts % 1000 == 0:
                server = (f", server CPU {cpu_seconds(args.server_pid) - server_cpu:.0f} s, RSS "
                          f"{rss_mb(args.server_pid):.0f} MB" if args.server_pid else "")
                print(f"  {puts} graphs after {time.perf_counter() - started:.0f} s{server}; {load()}", flush=True)
        else:
            print(f"  {line}", flush=True)

    server_cpu = cpu_seconds(args.server_pid) if args.server_pid else 0.0
    started, cpu = time.perf_counter(), time.process_time()
    failed = None
    try:
        publish(store, args.url, gsp, dialect, report=report, workers=args.workers, version=version)
    except Exception as e:      # the figures up to the failure are still the run's (a 500 on the last PUT)
        failed = e
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    line = (f"{'FAILED after' if failed else 'published'} {puts} graphs in {wall:.1f} s wall ({wall / 60:.1f} min); "
            f"publish CPU {cpu:.1f} s, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.server_pid:
        line += f"; server CPU {cpu_seconds(args.server_pid) - server_cpu:.1f} s, RSS {rss_mb(args.server_pid):.0f} MB"
    print(f"{line}; {load()}", flush=True)
    if failed:
        sys.exit(f"{type(failed).__name__}: {failed}")
    remote = RemoteStore(args.url, QUERY_TIMEOUT, (), dialect)
    t = time.perf_counter()
    graphs, triples = (int(v.value) for v in remote.select(
        "SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0])
    print(f"the server holds {graphs:,} graphs, {triples:,} triples (COUNT over GRAPH ?g, "
          f"{time.perf_counter() - t:.1f} s); {load()}", flush=True)
    merged = RemoteStore(args.url, QUERY_TIMEOUT, dialect=dialect).layout().default
    if merged:
        t = time.perf_counter()
        n = int(remote.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{merged}> {{ ?s ?p ?o }} }}").rows[0][0].value)
        print(f"of which the merge <{merged}>: {n:,} triples ({time.perf_counter() - t:.1f} s); {load()}", flush=True)
    else:
        print("no merge graph named: the store's default graph is the merge", flush=True)
    if args.server_pid:
        print(f"server RSS {rss_mb(args.server_pid):.0f} MB after the counts; {load()}", flush=True)


if __name__ == "__main__":
    main()
