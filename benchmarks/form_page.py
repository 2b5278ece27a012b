"""The form page of a saved query taking a measure, and a measure given by its number, on a
corpus's on-disk store, by this checkout's code and by the code of a git revision (checked out in
a temporary worktree and run in a process of its own), alternately, in one run.

    nice -n 5 .venv/bin/python benchmarks/form_page.py CORPUS_DIR [--before REV] [--rounds 2]

Each process builds the web app over the shipped files (in memory, no corpus: CORPUS is an empty
temporary folder), swaps in the corpus's store opened read-only as a build left it (never built
here, see query_shapes.py; no kept answer read or written) and asks, in order: a measure by its
number (in a corpus every notice has a measure 9: the answer is a 400 naming them), the form of
measure-text (its pick list of measure numbers), the same in English (answered from what the
first read), a measure by IRI, and the number again.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

URLS = ("/queries/measure-text.csv?number=9", "/queries/measure-text", "/queries/measure-text?lang=en",
        "/queries/measure-text.csv?number=https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/9",
        "/queries/measure-text.csv?number=9")


def ask(corpus: Path) -> None:
    """In this process (with the src on sys.path it was started with): each URL, timed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from query_shapes import ready_store
    from policykg.web import create_app
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": tempfile.mkdtemp()})
    big = ready_store(corpus)
    big.answers = None
    app.extensions["policykg"]["store"] = big
    client = app.test_client()
    for url in URLS:
        t = time.perf_counter()
        r = client.get(url)
        took = time.perf_counter() - t
        print(f"{took * 1000:.1f}\t{r.status_code}\t{url}", flush=True)


def run(src: Path, corpus: Path) -> list[tuple[float, str, str]]:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, __file__, str(corpus), "--ask"], env=env, capture_output=True,
                         text=True, check=True).stdout
    return [(float(ms), status, url) for ms, status, url in (line.split("\t") for line in out.splitlines())]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--before", default="b8ab843", help="git revision of the code before")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--ask", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.ask:
        return ask(args.corpus)
    root = Path(__file__).resolve().parent.parent
    old = Path(tempfile.mkdtemp()) / "before"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old), args.before], cwd=root, check=True)
    try:
        print(f"code before: {args.before}; now: this checkout; {os.getloadavg()[0]:.2f} load")
        print(f"{'round':>5} {'before ms':>10} {'now ms':>9} {'ratio':>8}  status  url  load")
        for n in range(1, args.rounds + 1):
            before, now = run(old / "src", args.corpus), run(root / "src", args.corpus)
            for (b, bs, url), (a, s, _) in zip(before, now):
                print(f"{n:>5} {b:>10.1f} {a:>9.1f} {b / a:>7.1f}x  {bs}/{s}  {url}  load "
                      + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=root, check=True)


if __name__ == "__main__":
    main()
