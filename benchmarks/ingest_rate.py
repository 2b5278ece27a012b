"""Bulk ingest (Corpus.ingest_many) of the same synthetic notices by this checkout's code and by
the code of a git revision (checked out in a temporary worktree, run in a process of its own),
alternately, in one run; prints each run's rate, the ratio, and whether the two corpora written
are the same files byte for byte (the store, which names the code's version, left out).

    nice -n 5 .venv/bin/python benchmarks/ingest_rate.py [--count 200] [--before REV] [--rounds 2] [--jobs 2]
"""
from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def ingest(texts: Path, corpus: Path, jobs: int) -> None:
    """In this process (with the src on sys.path it was started with): ingest every text, timed."""
    from policykg.corpus import Corpus
    paths = sorted(texts.glob("*.txt"))
    started = time.perf_counter()
    done = Corpus(corpus).ingest_many(paths, **({"jobs": jobs} if jobs > 1 else {}))
    failed = sum(isinstance(d, Exception) for _, d in done)
    print(f"{time.perf_counter() - started:.3f}\t{len(paths)}\t{failed}", flush=True)


def run(src: Path, texts: Path, corpus: Path, jobs: int = 1) -> tuple[float, int, int]:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, __file__, "--ingest", str(texts), str(corpus), str(jobs)], env=env,
                         capture_output=True, text=True, check=True).stdout
    seconds, count, failed = out.split()
    return float(seconds), int(count), int(failed)


def same_files(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b, ignore=[".store"])
    def same(c) -> bool:
        if c.left_only or c.right_only or c.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return not mismatch and not errors and all(same(s) for s in c.subdirs.values())
    return same(cmp)


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--before", default="e32e903", help="git revision of the code before")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes of this checkout's ingest")
    ap.add_argument("--ingest", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.ingest:
        return ingest(Path(args.ingest[0]), Path(args.ingest[1]), int(args.ingest[2]))
    sys.path.insert(0, str(HERE))
    import synthetic
    root = HERE.parent
    tmp = Path(tempfile.mkdtemp(prefix="ingest-rate-"))
    texts = tmp / "texts"
    synthetic.write(texts, args.count, args.seed)
    old = tmp / "before"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old), args.before], cwd=root, check=True)
    try:
        print(f"{args.count} synthetic notices (seed {args.seed}); code before: {args.before} (one process); "
              f"now: this checkout, {args.jobs} worker process{'es' if args.jobs > 1 else ''}; "
              f"{os.cpu_count()} cores; {load()}", flush=True)
        for n in range(1, args.rounds + 1):
            corpora = {side: tmp / f"corpus-{side}-{n}" for side in ("before", "now")}
            b, count, bf = run(old / "src", texts, corpora["before"])
            a, _, af = run(root / "src", texts, corpora["now"], args.jobs)
            print(f"round {n}: before {b:.1f} s ({b / count:.3f} s per notice, {bf} failed), "
                  f"now {a:.1f} s ({a / count:.3f} s per notice, {af} failed): {b / a:.2f}x faster; "
                  f"corpora {'identical' if same_files(corpora['before'], corpora['now']) else 'DIFFERENT'}; "
                  f"{load()}", flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=root, check=True)


if __name__ == "__main__":
    main()
