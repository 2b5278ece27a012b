"""`policykg validate FILE` end to end (start-up, parsing, validation with the registries) on
synthetic corpora of n copies of the shipped notice with its legal basis (benchmarks/corpus.py),
by this checkout's code and, up to --before-max notices, by the code of a git revision (checked
out in a temporary worktree), in one run: the figures behind policykg.validate.MEASURED_SECONDS,
the estimate the command prints before it starts.

    nice -n 5 .venv/bin/python benchmarks/validate_cli.py [--sizes 1,5,15,30] [--before REV] [--before-max 5]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def validate(src: Path, path: Path) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(src))
    started = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", "from policykg.cli import main; main()", "validate", str(path)],
                       env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if r.returncode not in (0, 1):
        raise SystemExit(f"policykg validate {path} exited {r.returncode}: {r.stderr[-2000:]}")
    return took, r.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,5,15,30")
    ap.add_argument("--before", default="e32e903")
    ap.add_argument("--before-max", type=int, default=5, help="largest corpus the code before validates")
    args = ap.parse_args()
    from corpus import corpus
    root = HERE.parent
    tmp = Path(tempfile.mkdtemp(prefix="validate-cli-"))
    old = tmp / "before"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old), args.before], cwd=root, check=True)
    try:
        files = [(0, root / "tests" / "fixtures" / "valid" / "minimal.ttl")]
        for n in map(int, args.sizes.split(",")):
            path = tmp / f"corpus-{n}.ttl"
            corpus(n).serialize(path, format="turtle")
            files.append((n, path))
        print(f"code before: {args.before}; now: this checkout; load {os.getloadavg()[0]:.2f}", flush=True)
        print(f"{'notices':>7} {'triples':>9} {'before s':>9} {'now s':>8} {'ratio':>7}  exit  load")
        from policykg.validate import count_triples
        for n, path in files:
            triples = count_triples(path)
            before = validate(old / "src", path) if n <= args.before_max else None
            now = validate(root / "src", path)
            ratio = f"{before[0] / now[0]:.2f}x" if before else "—"
            print(f"{n:>7} {triples:>9,} {before[0] if before else float('nan'):>9.1f} {now[0]:>8.1f} {ratio:>7}  "
                  f"{now[1]}  {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=root, check=True)


if __name__ == "__main__":
    main()
