"""Bulk ingest of n synthetic notices (benchmarks/synthetic.py) into an empty corpus, then the
on-disk store build; prints times, per-notice rate, corpus and store size, peak RSS and the
load average beside each figure (the machine is shared).

    nice .venv/bin/python benchmarks/scale_ingest.py CORPUS_DIR --count 1000 [--seed 1] [--jobs 2]
    nice .venv/bin/python benchmarks/scale_ingest.py CORPUS_DIR --store-only   (the build alone, of a corpus ingested before)
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from policykg.corpus import Corpus  # noqa: E402
from policykg.store import default_files  # noqa: E402


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def du(path: Path) -> str:
    return subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (Corpus.ingest_many)")
    ap.add_argument("--store-only", action="store_true", help="skip the ingest: build the store of the corpus as it is")
    args = ap.parse_args()
    if args.store_only:
        build_store(Corpus(args.corpus))
        return
    texts = Path(tempfile.mkdtemp(prefix="synthetic-"))
    paths = synthetic.write(texts, args.count, args.seed)
    corpus = Corpus(args.corpus)
    print(f"{args.count} synthetic notices (seed {args.seed}), {args.jobs} worker process(es); {load()}", flush=True)
    started = time.perf_counter()
    failed = 0
    for i, (path, done) in enumerate(corpus.ingest_many(paths, jobs=args.jobs), 1):
        failed += isinstance(done, Exception)
        if i % 100 == 0:
            t = time.perf_counter() - started
            print(f"  {i} ingested in {t:.0f} s ({t / i:.2f} s per notice); {load()}", flush=True)
    t = time.perf_counter() - started
    print(f"ingest: {args.count} notices in {t:.0f} s, {t / args.count:.2f} s per notice, {failed} failed; "
          f"{load()}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
    print(f"corpus folder: {du(args.corpus)}", flush=True)
    build_store(corpus)


def build_store(corpus: Corpus) -> None:
    print(f"store build of {len(set(corpus.named_graphs().values()))} notice graphs; {load()}", flush=True)
    started = time.perf_counter()
    store = corpus.store_path(default_files(corpus), corpus.named_graphs())
    print(f"store build: {time.perf_counter() - started:.1f} s; {load()}; store on disk {du(store)} ({store}); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
