"""`search` on a corpus's on-disk store, the engine alone (the baseline) against the engine
narrowed by the measures' texts kept beside the store (policykg.texts), side by side in one
run, for words held by one, a few, many and no measures.

    nice -n 5 .venv/bin/python benchmarks/search_texts.py CORPUS_DIR [--repeat 3] [--words 融资,…]

The store is opened read-only as a build left it in CORPUS_DIR/.store (never built here); no
kept answer is read or written. The texts file is written into a temporary folder, not the
store's, and its writing is timed. Each word is asked alternately both ways after one untimed
ask of each; printed: the median ms of each way, their ratio (engine / narrowed), the rows
(which must be the same) and how many measures the file named (None: more than texts.MOST, so
the query was run as written), with the load average beside each.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_shapes import ready_store  # noqa: E402

from policykg.queries import get_query, run_saved_query  # noqa: E402
from policykg.texts import MeasureTexts, write  # noqa: E402

WORDS = ["应收账款", "融资担保", "商标", "不存在的词语", "专利", "中小企业"]


def ask(store, texts, words: str):
    store.texts = texts
    t = time.perf_counter()
    rows = run_saved_query(store, get_query("search"), {"text": words})
    return time.perf_counter() - t, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--words", help="comma-separated words to search for")
    args = ap.parse_args()
    store = ready_store(args.corpus)
    store.answers = None                        # the engine's time, never a kept answer
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        path = write(store, Path(tmp))
        print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores; "
              f"texts file written in {time.perf_counter() - t:.1f} s, {path.stat().st_size / 1e6:.0f} MB "
              f"(load {os.getloadavg()[0]:.2f})")
        texts = MeasureTexts(Path(tmp))
        print(f"{'words':<14} {'engine ms':>10} {'narrowed ms':>12} {'ratio':>8} {'rows':>6} {'same':>5} "
              f"{'measures named':>15}  load")
        for words in (args.words.split(",") if args.words else WORDS):
            ask(store, None, words), ask(store, texts, words)
            engine, narrow = [], []
            for _ in range(args.repeat):
                e, rows_e = ask(store, None, words)
                n, rows_n = ask(store, texts, words)
                engine.append(e), narrow.append(n)
            named = texts.holding(words)
            e_ms, n_ms = statistics.median(engine) * 1000, statistics.median(narrow) * 1000
            print(f"{words:<14} {e_ms:>10.1f} {n_ms:>12.1f} {e_ms / n_ms:>7.1f}x {len(rows_n.rows):>6} "
                  f"{str(rows_e == rows_n):>5} {str(None if named is None else len(named)):>15}  "
                  f"{os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
