"""Time opening a store over a corpus of n notices, against the shipped notice alone,
and a saved query on it, against raw pyoxigraph on the same store.

    .venv/bin/python benchmarks/corpus_start.py [--sizes 10,100,300]

The corpus folder is made as `policykg ingest` leaves it: one ingest of the
shipped text under a new number, then n - 1 copies of that folder with the
notice's IRIs renamed (an ingest per notice would take 5 s each). What is timed
is what `policykg serve` does before it answers: `EmbeddedStore` over the
shared files and every notice's graph, loaded into the default graph and the
notice's named graph, plus the matching of notices that implement notices.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from policykg import resources
from policykg.corpus import Corpus
from policykg.queries import get_query, run_saved_query
from policykg.store import EmbeddedStore, default_files

SLUG = "zczmbf-2021-77"


def make_corpus(folder: Path, n: int) -> Corpus:
    corpus = Corpus(folder)
    text = resources.default_source().read_text(encoding="utf-8").replace("〔2021〕9号", "〔2021〕77号")
    source = folder.parent / "seed.txt"
    source.write_text(text, encoding="utf-8")
    corpus.ingest(source, id="seed")
    seed = folder / "seed"
    for k in range(1, n):
        target = folder / f"copy-{k}"
        target.mkdir()
        for name in ("source.txt", "entry.json"):
            shutil.copy(seed / name, target / name)
        for name in ("graph.ttl", "basis.ttl"):
            (target / name).write_text((seed / name).read_text(encoding="utf-8").replace(
                f"doc/{SLUG}", f"doc/{SLUG}-copy{k}"), encoding="utf-8")
        entry = (seed / "entry.json").read_text(encoding="utf-8").replace('"id": "seed"', f'"id": "copy-{k}"')
        (target / "entry.json").write_text(entry, encoding="utf-8")
    return Corpus(folder)


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,300")
    args = ap.parse_args()
    baseline = timed(lambda: EmbeddedStore())
    print(f"baseline: store over the shipped notice alone: {baseline:.2f} s")
    query = get_query("department-workload")
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = make_corpus(Path(tmp) / "corpus", n)
            files, graphs = default_files(corpus), corpus.named_graphs()
            start = timed(lambda: EmbeddedStore(files, graphs), repeat=1 if n > 100 else 3)
            started = time.perf_counter()
            path = corpus.store_path(files, graphs)
            built = time.perf_counter() - started
            opened = timed(lambda: EmbeddedStore(files, graphs, path=path)) if path else float("nan")
            print(f"{n:>4} notices: in memory {start:.2f} s; on disk: built once in {built:.2f} s, "
                  f"then opened in {opened:.2f} s" + ("" if path else " (below ON_DISK_FROM: not kept on disk)"))
            in_memory = EmbeddedStore(files, graphs)
            memory_query = timed(lambda: run_saved_query(in_memory, query), repeat=5)
            del in_memory
            store = EmbeddedStore(files, graphs, path=path) if path else EmbeddedStore(files, graphs)
            ours = timed(lambda: run_saved_query(store, query), repeat=5)
            text = store.prepared(query.sparql)
            raw = timed(lambda: [tuple(s) for s in store.store.query(text)], repeat=5)
            print(f"{n:>4} notices ({len(store):,} quads): start in memory {start / baseline:.1f}x the baseline; "
                  f"department-workload {ours * 1000:.1f} ms vs raw pyoxigraph {raw * 1000:.1f} ms "
                  f"({ours / raw:.2f}x); in memory {memory_query * 1000:.1f} ms")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
