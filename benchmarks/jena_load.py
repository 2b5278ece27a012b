"""A corpus into Jena's TDB2 with Jena's own bulk loader, then Jena's engine behind our endpoint
(stores/jena/JenaEndpoint.java, `make jena`): the saved queries at 10,000 notices on Jena.

    nice .venv/bin/python benchmarks/jena_load.py CORPUS_DIR [--db /work/runs/jena10k] [--heap 2g]
        [--repeat 3] [--budget 10] [--keep]

Why not `policykg publish`: TDB2 reuses no freed space until it is compacted, and a PUT per graph
took its files to 13 GB at 1,000 notices (550 MB compacted), so 10,000 would not fit on this
machine's disk. An institution loading a large corpus into Jena would use its bulk loader
(`tdb2.tdbloader`) in any case. The loader is given every named graph of the corpus's on-disk
store (the one `policykg serve` opens) as N-Quads; the endpoint's default graph is their union,
as `tdb2:unionDefaultGraph true` makes Fuseki's. Prints the time and size of each step, the
endpoint's start to its first answer and its RSS, then runs benchmarks/scale_queries.py on it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from publish import ready_store  # noqa: E402
from scale_queries import free_port, wait_for_answer  # noqa: E402

JENA = ROOT / ".cache" / "jena"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def du(path: Path) -> str:
    return subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()[0]


def write_nquads(corpus: Path, out: Path) -> tuple[int, int]:
    """Every named graph of the corpus's store as N-Quads (graph by graph, as publish reads them)."""
    from policykg.publish import local_graphs
    from policykg.store import EmbeddedStore
    store = EmbeddedStore(path=ready_store(corpus))
    graphs = quads = 0
    with open(out, "w", encoding="utf-8") as f:
        for graph in local_graphs(store):
            name = f" <{graph.iri}> .\n"
            for line in graph.data.decode("utf-8").splitlines():
                if line.endswith(" ."):
                    f.write(line[:-2] + name)
                    quads += 1
            graphs += 1
    return graphs, quads


def rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--db", type=Path, default=Path("/work/runs/jena10k"))
    ap.add_argument("--heap", default="2g", help="the endpoint's Java heap (-Xmx)")
    ap.add_argument("--repeat", default="3")
    ap.add_argument("--budget", default="10")
    ap.add_argument("--only", help="comma-separated query names (scale_queries.py --only)")
    ap.add_argument("--keep", action="store_true", help="keep the TDB2 database and reuse it next time")
    args = ap.parse_args()
    java = shutil.which("java")
    if java is None or not (JENA / "classpath").exists():
        sys.exit("Jena's engine is not built: run `make jena` (and Java 17)")
    classpath = (JENA / "classpath").read_text().strip()
    tdb = args.db / "tdb2"
    if not (args.keep and tdb.is_dir()):
        shutil.rmtree(args.db, ignore_errors=True)
        args.db.mkdir(parents=True)
        nq = args.db / "corpus.nq"
        started = time.perf_counter()
        graphs, quads = write_nquads(args.corpus, nq)
        print(f"N-Quads of {graphs} graphs, {quads:,} quads: {time.perf_counter() - started:.0f} s, "
              f"{du(nq)}; {load()}", flush=True)
        started = time.perf_counter()
        loader = subprocess.run(["/usr/bin/time", "-f", "%M", java, "-Xmx2g", "-cp",
                                 f"{classpath}:/usr/share/java/jena-cmds.jar", "tdb2.tdbloader", "--loc", str(tdb),
                                 str(nq)], capture_output=True, text=True)
        if loader.returncode:
            sys.exit(f"tdb2.tdbloader failed:\n{loader.stderr[-3000:]}")
        peak = int(loader.stderr.strip().splitlines()[-1]) / 1024
        print(f"tdb2.tdbloader: {time.perf_counter() - started:.0f} s, peak RSS {peak:.0f} MB; TDB2 {du(tdb)}; "
              f"{load()}", flush=True)
        nq.unlink()
    port = free_port()
    url = f"http://127.0.0.1:{port}/policykg/sparql"
    with open(args.db / "jena.log", "wb") as log:
        started = time.perf_counter()
        server = subprocess.Popen([java, f"-Xmx{args.heap}", "-cp", classpath, "JenaEndpoint", str(port), str(tdb)],
                                  stdout=log, stderr=subprocess.STDOUT, cwd=args.db)
    try:
        took = wait_for_answer(server, f"{url}?query=ASK%7B%7D", started, 300)
        print(f"Jena endpoint: first answer after {took:.2f} s; RSS {rss_mb(server.pid):.0f} MB; {load()}", flush=True)
        cmd = [sys.executable, str(ROOT / "benchmarks" / "scale_queries.py"), str(args.corpus), "--endpoint", url,
               "--repeat", args.repeat, "--budget", args.budget] + (["--only", args.only] if args.only else [])
        subprocess.run(cmd, check=True)
        print(f"Jena endpoint after the queries: RSS {rss_mb(server.pid):.0f} MB; TDB2 {du(tdb)}", flush=True)
    finally:
        server.terminate()
        server.wait()
    if not args.keep:
        shutil.rmtree(args.db, ignore_errors=True)


if __name__ == "__main__":
    main()
