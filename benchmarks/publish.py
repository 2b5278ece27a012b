"""`policykg publish` into a fresh local Oxigraph server: the code at a baseline revision against
this checkout's, on the same corpus, one after the other, each into an empty database of its own.

    nice -n 5 .venv/bin/python benchmarks/publish.py CORPUS_DIR [--baseline b53f7c2] [--runs old,new:2,old,new:2]
        [--db /work/pub-runs/bench] [--keep]

A run is `old` (publish.py as it was at --baseline, loaded from `git show`) or `new:N` (this
checkout with N PUTs in flight). Each runs in a process of its own (its peak RSS is its own)
and prints wall time, its CPU, the server's CPU, the load average, the graphs and triples the
server then holds, and the database size; then the ratio old / new.

The corpus's store is opened read-only as it is on disk (the ready one under CORPUS/.store),
never built here: a store is named by the paths of the shipped files of the checkout that
built it, and a shared corpus built by another checkout must not be rebuilt (other people
read it). The server is started as the tests start it: `oxigraph serve --union-default-graph`.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_queries import free_port, wait_for_answer  # noqa: E402


def ready_store(corpus: Path) -> Path:
    stores = [d for d in (corpus / ".store").iterdir() if (d / "READY").is_file()] if (corpus / ".store").is_dir() else []
    if not stores:
        sys.exit(f"{corpus}: no store built (open the corpus once, e.g. `policykg serve`, to build it)")
    return stores[0]


def baseline_module(rev: str):
    """publish.py as it was at `rev`, as a module of the installed package (its relative
    imports resolve to this checkout's corpus, remote and store modules)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:src/policykg/publish.py"],
                            capture_output=True, text=True, check=True).stdout
    import policykg
    spec = importlib.util.spec_from_loader("policykg._publish_baseline", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "policykg"
    sys.modules[spec.name] = module          # dataclasses look their module up there
    exec(compile(source, f"publish.py@{rev}", "exec"), module.__dict__)
    policykg._publish_baseline = module
    return module


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one(args) -> None:
    """Child: publish once into the server at args.url; print a JSON line."""
    from policykg.remote import dialect_for
    from policykg.store import EmbeddedStore
    store = EmbeddedStore(path=ready_store(args.corpus))
    dialect = dialect_for(args.url)
    gsp = dialect.gsp_url(args.url)
    kind, _, workers = args.one.partition(":")
    lines = 0

    def report(line: str) -> None:
        nonlocal lines
        lines += 1
        if lines % 1000 == 0:
            print(f"  {lines} graphs, {time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.2f}",
                  file=sys.stderr, flush=True)

    started, cpu = time.perf_counter(), time.process_time()
    if kind == "old":
        baseline_module(args.baseline).publish(store, args.url, gsp, dialect, report=report)
    else:
        from policykg.publish import publish
        publish(store, args.url, gsp, dialect, report=report, workers=int(workers or 2))
    print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu, "graphs": lines,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def held(url: str) -> tuple[int, int]:
    q = "SELECT (COUNT(DISTINCT ?g) AS ?g) (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({'query': q})}", timeout=1800) as r:
        row = json.load(r)["results"]["bindings"][0]
    return int(row["g"]["value"]), int(row["n"]["value"])


def run(args, spec: str, binary: str) -> float:
    db = args.db / spec.replace(":", "-")
    shutil.rmtree(db, ignore_errors=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    with open(args.db / f"{db.name}.log", "wb") as log:
        server = subprocess.Popen([binary, "serve", "--location", str(db), "--bind", f"127.0.0.1:{port}",
                                   "--union-default-graph"], stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_answer(server, f"{url}?query=ASK%7B%7D", time.perf_counter(), 60)
        load, server_cpu = os.getloadavg()[0], cpu_seconds(server.pid)
        child = subprocess.run([sys.executable, __file__, str(args.corpus), "--one", spec, "--url", url,
                                "--baseline", args.baseline], capture_output=True, text=True)
        if child.returncode:
            sys.exit(f"{spec} failed: {child.stderr[-3000:]}")
        r = json.loads(child.stdout.strip().splitlines()[-1])
        server_cpu = cpu_seconds(server.pid) - server_cpu
        graphs, triples = held(url)
        rss = int(Path(f"/proc/{server.pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
    finally:
        server.terminate()
        server.wait()
    size = subprocess.run(["du", "-sh", str(db)], capture_output=True, text=True).stdout.split()[0]
    if not args.keep:
        shutil.rmtree(db, ignore_errors=True)
    name = f"baseline {args.baseline}" if spec == "old" else f"this checkout, {spec.partition(':')[2] or 2} PUTs in flight"
    print(f"{name}: {r['wall']:.1f} s wall ({r['wall'] / 60:.1f} min) for {r['graphs']} graphs; load average "
          f"{load:.2f} at start, {os.getloadavg()[0]:.2f} at end; publish CPU {r['cpu']:.1f} s, peak RSS "
          f"{r['rss_mb']:.0f} MB; server CPU {server_cpu:.1f} s, RSS {rss:.0f} MB; the server holds {graphs} "
          f"graphs, {triples} triples; database {size}", flush=True)
    return r["wall"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--baseline", default="b53f7c2")
    ap.add_argument("--runs", default="old,new:2")
    ap.add_argument("--db", type=Path, default=Path("/work/pub-runs/bench"))
    ap.add_argument("--keep", action="store_true", help="keep the server databases")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        return one(args)
    from policykg.store import EmbeddedStore
    binary = str(Path(sys.executable).parent / "oxigraph")
    store = ready_store(args.corpus)
    print(f"corpus {args.corpus}: store {store} ({len(list(EmbeddedStore(path=store).store.named_graphs()))} "
          f"named graphs); oxigraph {subprocess.run([binary, '--version'], capture_output=True, text=True).stdout.strip()}",
          flush=True)
    walls: dict[str, list[float]] = {}
    for spec in args.runs.split(","):         # alternate them (old,new:2,old,…): the load changes
        walls.setdefault(spec, []).append(run(args, spec, binary))
    if "old" in walls:
        base = statistics.median(walls["old"])
        for spec, times in walls.items():
            if spec != "old":
                wall = statistics.median(times)
                print(f"ratio (medians of {len(times)} and {len(walls['old'])}): {spec} takes "
                      f"{wall / base:.2f}x the baseline's time ({base / wall:.2f}x faster)")


if __name__ == "__main__":
    main()
