"""Time `policykg ingest` per notice as the corpus grows, against the baseline of
validating the same notice alone, and print the ratios.

    .venv/bin/python benchmarks/ingest.py [--sizes 1,10,30] [--repeat 3]

For each corpus size n, the corpus first holds n - 1 renamed copies of the
shipped notice; the timed ingest adds one more. Validation runs on the new
notice's graph beside the registries, never on the union, so the time per
ingest should stay flat as n grows (pySHACL over the union of 100 notices took
1,055 s). The baseline, in the same run, is `extract` + `validate_graph` of the
same text with nothing written.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from policykg import resources
from policykg.corpus import Corpus
from policykg.pipeline import extract
from policykg.validate import validate_graph


def renamed(text: str, k: int) -> str:
    """The shipped notice under another document number, so that each copy is its own notice."""
    return text.replace("张促中民办发〔2021〕9号", f"张促中民办发〔2021〕{100 + k}号")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10,30")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text = resources.default_source().read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sample = tmp / "sample.txt"
        sample.write_text(renamed(text, 0), encoding="utf-8")
        base = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            validate_graph(extract(sample).graph)
            base.append(time.perf_counter() - started)
        baseline = statistics.median(base)
        print(f"baseline: extract + validate one notice, nothing written: {baseline:.2f} s")
        corpus = Corpus(tmp / "corpus")
        held = 0
        for size in [int(s) for s in args.sizes.split(",")]:
            while held < size - 1:
                held += 1
                f = tmp / f"n{held}.txt"
                f.write_text(renamed(text, held), encoding="utf-8")
                corpus.ingest(f, id=f"copy-{held}")
            runs = []
            for r in range(args.repeat):
                f = tmp / f"timed-{size}-{r}.txt"
                f.write_text(renamed(text, 10_000 + size * 10 + r), encoding="utf-8")
                started = time.perf_counter()
                corpus.ingest(f, id=f"timed-{size}-{r}")
                runs.append(time.perf_counter() - started)
                corpus.remove(f"timed-{size}-{r}")
            t = statistics.median(runs)
            print(f"ingest with {size - 1:>4} notices already in the corpus: {t:.2f} s "
                  f"({t / baseline:.2f}x the baseline)")


if __name__ == "__main__":
    main()
