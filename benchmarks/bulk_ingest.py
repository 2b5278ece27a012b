"""Bulk ingest against the one-notice-at-a-time ingest it replaces, on the same synthetic notices
in one run, with the ratio.

    nice .venv/bin/python benchmarks/bulk_ingest.py [--count 12]

Baseline: what each `policykg ingest FILE` did per notice before bulk ingest: extract with the
law texts' structure rebuilt, then pySHACL with its own RDFS inference over notice, context and
ontology (validate_graph(fast=False)); nothing written, so the baseline is if anything flattered.
Bulk: Corpus.ingest_many over the same files into an empty corpus, writing included.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from policykg.corpus import BATCH, Corpus  # noqa: E402
from policykg.pipeline import extract  # noqa: E402
from policykg.validate import validate_graph  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = synthetic.write(Path(tmp) / "texts", args.count, seed=7)
        extract(paths[0])                                    # both sides warm: imports, registry
        print(f"{args.count} synthetic notices; load average {os.getloadavg()[0]:.2f}", flush=True)
        started = time.perf_counter()
        for p in paths:
            validate_graph(extract(p).graph, fast=False)
        before = (time.perf_counter() - started) / args.count
        print(f"one at a time (extract + pySHACL inference): {before:.2f} s per notice; "
              f"load average {os.getloadavg()[0]:.2f}", flush=True)
        started = time.perf_counter()
        done = list(Corpus(Path(tmp) / "corpus").ingest_many(paths))
        after = (time.perf_counter() - started) / args.count
        assert not any(isinstance(d, Exception) for _, d in done)
        print(f"bulk ingest (batches of {BATCH}, written): {after:.2f} s per notice; "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"ratio: bulk takes {after / before:.2f}x the time ({before / after:.1f}x faster)")


if __name__ == "__main__":
    main()
