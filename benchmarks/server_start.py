"""`policykg serve` from the command to its first answered saved query, over a corpus whose store
is already built: this checkout against another one (the baseline, e.g. the commit before a
change), alternated run by run so that both see the same load, under granian and waitress.

    nice .venv/bin/python benchmarks/server_start.py CORPUS_DIR [--baseline /path/to/other/.venv/bin/policykg]
        [--servers granian,waitress] [--repeat 3]

What is timed is what benchmarks/scale_queries.py --serve times: from starting the process to the
first answer of /queries/measure-text.csv. The load average is printed beside every run (the
machine is shared), then the median of each and the ratio baseline / this checkout.

Each checkout names the corpus's store by its own files (the shipped data's paths are part of the
name), so each needs its store built beforehand: a run that finds none is refused here rather
than timing a build of many minutes.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queries import params_for  # noqa: E402
from scale_queries import free_port, load, rss_mb, wait_for_answer  # noqa: E402

from policykg.queries import load_queries  # noqa: E402


def first_answer(exe: Path, corpus: Path, server: str, timeout: float = 600) -> tuple[float, float]:
    """Seconds from starting `exe serve` to its first answer, and the server's RSS then (MB)."""
    port = free_port()
    env = dict(os.environ, POLICYKG_CORPUS=str(corpus))
    query = load_queries()["measure-text"]
    url = f"http://127.0.0.1:{port}/queries/measure-text.csv?" + urllib.parse.urlencode(params_for(query))
    started = time.perf_counter()
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--server", server], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        took = wait_for_answer(proc, url, started, timeout)
        # resident memory of the process and its children: under granian its main process and
        # worker (the query workers are the worker's), under waitress the process and its query workers
        pids = [proc.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                                           text=True).stdout.split()]
        return took, sum(rss_mb(p) for p in pids)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def store_ready(exe: Path, corpus: Path) -> bool:
    """Whether that checkout finds its store of this corpus built (asked without building one)."""
    code = ("import hashlib, sys; from importlib.metadata import version; from pathlib import Path\n"
            "from policykg.corpus import Corpus, STORE_FORMAT, READY; from policykg.store import default_files\n"
            "c = Corpus(Path(sys.argv[1]), recover=False); files, graphs = default_files(c), c.named_graphs()\n"
            "state = [f'{f}\\t{f.stat().st_size}\\t{f.stat().st_mtime_ns}\\t{graphs.get(f, \"\")}' for f in files]\n"
            "key = hashlib.sha256('\\n'.join([version('policykg'), STORE_FORMAT] + state).encode()).hexdigest()[:20]\n"
            "sys.exit(0 if (c.folder / '.store' / key / READY).is_file() else 1)\n")
    return subprocess.run([str(exe.with_name("python")), "-c", code, str(corpus)]).returncode == 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--baseline", type=Path, help="another checkout's policykg executable (its .venv/bin/policykg)")
    ap.add_argument("--servers", default="granian,waitress")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    this = Path(sys.executable).with_name("policykg")
    variants = [("baseline", args.baseline)] if args.baseline else []
    variants.append(("this", this))
    for name, exe in variants:
        if not store_ready(exe, args.corpus):
            sys.exit(f"{exe}: no store of {args.corpus} built for that checkout; build it first")
    n = sum(1 for d in args.corpus.iterdir() if (d / "entry.json").is_file()) + 1
    print(f"{args.corpus}: {n} notices (the shipped one included); {os.cpu_count()} cores; {load()}", flush=True)
    for name, exe in variants:
        print(f"{name}: {exe}", flush=True)
    times: dict[tuple[str, str], list[float]] = {}
    for k in range(args.repeat):
        for server in args.servers.split(","):
            for name, exe in variants:
                took, rss = first_answer(exe, args.corpus, server)
                times.setdefault((name, server), []).append(took)
                print(f"run {k + 1} {server:<9} {name:<9} first answer after {took:6.2f} s; "
                      f"server RSS {rss:.0f} MB; {load()}", flush=True)
    print("median of the runs:")
    for server in args.servers.split(","):
        line = f"  {server:<9}" + "".join(f" {name} {statistics.median(times[name, server]):.2f} s;"
                                          for name, _ in variants)
        if args.baseline:
            line += f" ratio baseline/this {statistics.median(times['baseline', server]) / statistics.median(times['this', server]):.2f}x"
        print(line, flush=True)


if __name__ == "__main__":
    main()
