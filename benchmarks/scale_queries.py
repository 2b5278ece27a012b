"""Every saved query on a corpus's on-disk store, as `policykg serve` opens it: p50/p95 per query,
quads in the store, store size, the time `policykg serve` takes from start to its first answer,
and memory (RSS) of this process and of the server. The load average is printed beside each
figure (the machine is shared).

    nice .venv/bin/python benchmarks/scale_queries.py CORPUS_DIR [--repeat 5] [--budget 20] [--serve]

The corpus is one benchmarks/scale_ingest.py made. Parameters are the saved queries' examples; a
measure is named by its IRI in the shipped notice, which every corpus holds. A query is repeated
`--repeat` times after a warm-up run, or fewer (at least two) when its runs pass `--budget` seconds;
a warm-up over 1 s counts as a run (the count is printed).

With --answers, each query is timed twice in the same run: by the engine (no kept answer read
or written: what the first visitor after a new store waits for), then answered from the answers
kept with the store (policykg.answers, warmed first as `policykg ingest` does, and the measures'
texts kept for search, policykg.texts); the ratio is
engine p50 / kept p50, and the verdict on 200 ms is on the kept figure.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queries import params_for  # noqa: E402

from policykg.answers import warm  # noqa: E402
from policykg.corpus import Corpus  # noqa: E402
from policykg.queries import load_queries, run_saved_query  # noqa: E402
from policykg.store import default_files, open_store  # noqa: E402


# In a corpus of many cities a short name such as 市财政局 names several bodies (the store refuses
# it, asking for the full name): the examples' bodies are named by their IRIs, Zhangye's.
BODIES = {"市财政局": "https://w3id.org/policykg/id/body/zhangye-finance",
          "市工信局": "https://w3id.org/policykg/id/body/zhangye-miit"}


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def rss_mb(pid: int | None = None) -> float:
    """Resident set size now, from /proc (MB)."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


def pct(runs: list[float], p: float) -> float:
    s = sorted(runs)
    return s[min(len(s) - 1, max(0, round(p * len(s) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_answer(proc: subprocess.Popen, url: str, started: float, timeout: float = 600) -> float:
    """Seconds from `started` until `url` answers (polled while the server starts); RuntimeError,
    with what it wrote to a piped stderr, if it exits first or does not answer within `timeout`."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                r.read()
            return time.perf_counter() - started
        except urllib.error.HTTPError:
            raise
        except OSError:
            if proc.poll() is not None:
                said = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
                raise RuntimeError(f"{proc.args[0]} serve exited{': ' + said if said else ''}") from None
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{proc.args[0]} serve: no answer within {timeout} s") from None
            time.sleep(0.02)


def serve_start(corpus: Path) -> tuple[float, float]:
    """Seconds from starting `policykg serve` to its first answer (measure-text as CSV), and its RSS."""
    port = free_port()
    env = dict(os.environ, POLICYKG_CORPUS=str(corpus))
    exe = Path(sys.executable).with_name("policykg")
    started = time.perf_counter()
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    query = load_queries()["measure-text"]
    url = (f"http://127.0.0.1:{port}/queries/measure-text.csv?"
           + urllib.parse.urlencode(params_for(query)))
    try:
        took = wait_for_answer(proc, url, started)
        return took, rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def embedded(corpus: Corpus, n: int):
    started = time.perf_counter()
    store = open_store(corpus=corpus)
    opened = time.perf_counter() - started
    quads = len(store.store)
    path = corpus.store_path(default_files(corpus), corpus.named_graphs())
    size = (subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()[0] + " on disk"
            if path is not None else "in memory (a small corpus is not kept on disk)")
    print(f"{n} notices (the shipped one included): {quads:,} quads; store {size}; "
          f"opened in {opened:.2f} s; {load()}", flush=True)
    return store


def timed(store, q, params, repeat: int, budget: float, warm_up: bool = True) -> tuple[list[float], int]:
    """Seconds per run of a saved query, and its rows: `repeat` runs after a warm-up (kept as a
    run when over 1 s), or fewer (at least two) when they pass `budget` seconds."""
    runs, rows, spent = [], 0, 0.0
    if warm_up:
        t = time.perf_counter()
        run_saved_query(store, q, params)
        first = time.perf_counter() - t
        if first > 1.0:
            runs.append(first)
            spent += first
    while len(runs) < repeat and (spent < budget or len(runs) < 2):
        t = time.perf_counter()
        result = run_saved_query(store, q, params)
        rows = len(result.rows)
        runs.append(time.perf_counter() - t)
        spent += runs[-1]
    return runs, rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--budget", type=float, default=20.0)
    ap.add_argument("--serve", action="store_true", help="also time `policykg serve` to its first answer "
                                                         "(on the embedded store)")
    ap.add_argument("--only", help="comma-separated query names")
    ap.add_argument("--endpoint", help="run the queries on this SPARQL endpoint (a server the corpus was "
                                       "published to) instead of the corpus's embedded store")
    ap.add_argument("--answers", action="store_true", help="also time each query answered from the answers "
                    "kept with the store (policykg.answers), after warming them as `policykg ingest` does")
    ap.add_argument("--fresh-answers", action="store_true", help="with --answers: drop the kept answers first, "
                    "so that the warm-up is timed computing them")
    args = ap.parse_args()
    # a reader: putting right a half-done ingest is the writer's job (Corpus's recover=False)
    corpus = Corpus(args.corpus, recover=False)
    n = len(corpus.entries())
    if args.endpoint:
        store = open_store(endpoint=args.endpoint)
        print(f"{n} notices (the shipped one included), published to {args.endpoint}; {load()}", flush=True)
    else:
        store = embedded(corpus, n)
    if args.serve:
        took, server_rss = serve_start(args.corpus)
        print(f"policykg serve: first answer after {took:.2f} s; server RSS {server_rss:.0f} MB; {load()}", flush=True)
    answers = getattr(store, "answers", None)
    if answers is not None and args.answers:
        # as `policykg ingest` leaves the store: every query without a required parameter answered
        if args.fresh_answers:
            shutil.rmtree(answers.folder, ignore_errors=True)
        texts = getattr(store, "texts", None)
        if texts is not None and (args.fresh_answers or not texts.path.is_file()):
            from policykg.texts import write as keep_texts
            started = time.perf_counter()
            keep_texts(store, texts.path.parent.parent)
            print(f"texts kept for search (policykg.texts.write): {time.perf_counter() - started:.1f} s; {load()}",
                  flush=True)
        done, took = warm(store)
        print(f"answers kept (policykg.answers.warm): {done} answers in {took:.1f} s; {load()}", flush=True)
    kept_too = answers is not None and args.answers
    print(f"{'query':<28} {'p50 ms':>10} {'p95 ms':>10} {'runs':>5} {'rows':>7}"
          + (f" {'kept p50':>9} {'kept p95':>9} {'ratio':>7}" if kept_too else "") + "  load", flush=True)
    worst = []
    only = set(args.only.split(",")) if args.only else None
    for name, q in sorted(load_queries().items()):
        if only and name not in only:
            continue
        params = {k: BODIES.get(v, v) for k, v in params_for(q).items()}
        # the engine's time first (no kept answer read or written), then the kept answer's
        store.answers = None
        try:
            runs, rows = timed(store, q, params, args.repeat, args.budget)
        except Exception as e:                              # e.g. a short name several cities' bodies share
            print(f"{name:<28} not run: {str(e).splitlines()[0][:90]}", flush=True)
            continue
        finally:
            store.answers = answers
        p50, p95 = statistics.median(runs) * 1000, pct(runs, 0.95) * 1000
        line = f"{name:<28} {p50:>10.1f} {p95:>10.1f} {len(runs):>5} {rows:>7}"
        if kept_too:
            run_saved_query(store, q, params)               # kept now, if warm did not (a parameter)
            kept, _ = timed(store, q, params, args.repeat, args.budget, warm_up=False)
            k50, k95 = statistics.median(kept) * 1000, pct(kept, 0.95) * 1000
            line += f" {k50:>9.1f} {k95:>9.1f} {p50 / max(k50, 1e-6):>7.0f}"
            p50 = k50
        worst.append((p50, name))
        print(f"{line}  {load()}", flush=True)
    over = [name for p50, name in sorted(worst, reverse=True) if p50 > 200]
    print(f"queries with {'kept ' if kept_too else ''}p50 over 200 ms: {len(over)} of {len(worst)}: {', '.join(over)}")
    print(f"this process: RSS {rss_mb():.0f} MB now, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
