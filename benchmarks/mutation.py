"""Mutation testing of the modules whose mistakes cost most: `make mutation`.

    .venv/bin/python benchmarks/mutation.py [MODULE ...] [--children 1]

For each module below, mutmut (3.x) changes the code one small edit at a time
(a comparison flipped, a constant changed, a call's argument dropped …) and
runs the tests that cover the changed function; a mutant no test notices
"survived". Each module runs in a scratch copy of the checkout
(build/mutation/MODULE) against only its own tests, so the work tree is never
edited and a run can be stopped at any time. The score per module is written
to benchmarks/results/mutation-DATE.txt: killed (and timed out) mutants over
all mutants minus the equivalent ones listed, with reasons, in
benchmarks/mutation-equivalent.toml.

Not part of `make test` or CI: a module takes from minutes (web/sparql.py) to
hours (extract/) on two cores.

mutmut rather than cosmic-ray: both run on Python 3.11, but mutmut runs each
mutant in a fork of a process that has already imported the code and the
tests, and runs only the tests that cover the mutated function (it records
which in a first run); cosmic-ray starts the whole test command for every
mutant, seconds of imports each, over thousands of mutants.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent
SCRATCH = ROOT / "build" / "mutation"
EQUIVALENT = Path(__file__).with_name("mutation-equivalent.toml")

# module: (files to mutate, the tests that speak for them). The tests of minutes each (a
# 477 MB answer, a hoarding client, a runaway aggregate, worker memory limits) are left out:
# every surviving mutant would run them.
HEAVY = ("not memory_goes_back and not hoarder_dies_alone and not runaway_aggregate "
         "and not worker_memory_limit_too_small")
MODULES = {
    "web/sparql.py": (["src/policykg/web/sparql.py"],
                      ["tests/web/test_sparql.py", "tests/web/test_protocol.py", "tests/web/test_headers.py",
                       "-k", HEAVY]),
    "queries.py": (["src/policykg/queries.py"],
                   # not tests/test_corpus_queries.py: its corpus of six notices takes each mutant past
                   # mutmut's time limit, which would count as a kill
                   ["tests/test_queries.py", "tests/web/test_saved.py"]),
    "store.py": (["src/policykg/store.py"],
                 ["tests/test_store.py", "tests/test_queries.py", "tests/web/test_sparql.py", "-k", HEAVY]),
    "extract/": (["src/policykg/extract/*.py"],
                 ["tests/extract/", "tests/test_bad_inputs.py"]),
    # the byte-for-byte check reads ../shared beside the checkout, which a scratch copy lacks
    "legal_basis.py": (["src/policykg/legal_basis.py"],
                       ["tests/test_laws.py", "-k", "not shipped_byte_for_byte"]),
}
# the resource folders a source checkout reads (policykg.resources)
RESOURCES = ["ontology", "shapes", "queries", "web", "data"]
KILLED = {"killed", "timeout", "caught by type check"}


def scratch_copy(name: str, mutate: list[str], tests: list[str]) -> Path:
    """The tracked files of the checkout, with a [tool.mutmut] table for this module."""
    where = SCRATCH / name.strip("/").replace("/", "-").removesuffix(".py")
    shutil.rmtree(where, ignore_errors=True)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (where / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, where / rel)
    config = (f"\n[tool.mutmut]\nsource_paths = [\"src/policykg\"]\nonly_mutate = {json.dumps(mutate)}\n"
              f"also_copy = {json.dumps(RESOURCES)}\n"
              f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
              f"pytest_add_cli_args = [\"-p\", \"no:cacheprovider\"]\n"
              # the tests start worker processes and threads (query workers, servers): forked from a
              # process that ran them, a mutant inherits their locks and reaps their children
              f"process_isolation = \"forkserver\"\n"
              # module-scoped fixtures (a store, a built notice) are not in a test's recorded time;
              # with the default of 1 s a loaded machine turns survivors into timeouts
              f"timeout_constant = 20.0\n")
    with open(where / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write(config)
    return where


def statuses(where: Path) -> dict[str, str]:
    """mutant name → status, from the .meta files mutmut leaves beside each mutated file."""
    from mutmut.stats import status_by_exit_code
    out = {}
    for meta in (where / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for key, code in data.get("exit_code_by_key", {}).items():
            out[key] = status_by_exit_code[code]
    return out


def equivalent() -> dict[str, str]:
    if not EQUIVALENT.exists():
        return {}
    return {e["name"]: e["why"] for e in tomllib.loads(EQUIVALENT.read_text(encoding="utf-8")).get("equivalent", [])}


def score(name: str, found: dict[str, str], equal: dict[str, str]) -> tuple[str, list[str]]:
    counts = Counter(found.values())
    excluded = [k for k in found if k in equal]
    counted = {k: s for k, s in found.items() if k not in equal and s not in ("skipped", "not checked")}
    killed = sum(1 for s in counted.values() if s in KILLED)
    pct = 100 * killed / len(counted) if counted else float("nan")
    line = (f"{name:16} {len(found):5} mutants  {killed:5} killed (of which {counts['timeout']} timed out)  "
            f"{counts['survived'] - sum(1 for k in excluded if found[k] == 'survived'):4} survived  "
            f"{counts['no tests']:3} no tests  {len(excluded):3} equivalent  "
            f"{counts['not checked'] + counts['skipped']:3} not run   score {pct:5.1f}%")
    survivors = sorted(k for k, s in counted.items() if s not in KILLED)
    return line, survivors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", default=list(MODULES), help=f"of {', '.join(MODULES)}")
    ap.add_argument("--children", type=int, default=1, help="mutants run at once (default 1: a shared machine)")
    ap.add_argument("--report-only", action="store_true", help="score the last run's scratch copies again")
    ap.add_argument("--mutants", nargs="+", metavar="GLOB", default=[],
                    help="run only the mutants whose names match (mutmut's names, e.g. from a report's survivors)")
    args = ap.parse_args()
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        ap.error(f"unknown module {', '.join(unknown)}; modules: {', '.join(MODULES)}")
    equal = equivalent()
    lines, details = [], []
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation", "PATH": f"{VENV}{os.pathsep}{os.environ['PATH']}"}
    for name in args.modules:
        mutate, tests = MODULES[name]
        where = SCRATCH / name.strip("/").replace("/", "-").removesuffix(".py")
        if not args.report_only:
            where = scratch_copy(name, mutate, tests)
            print(f"== {name}: mutating {', '.join(mutate)} against {' '.join(tests)}", flush=True)
            started = dt.datetime.now()
            subprocess.run(["nice", "-n", "10", str(VENV / "mutmut"), "run", "--max-children", str(args.children),
                            *args.mutants], cwd=where, env=env, check=False)
            print(f"== {name}: {(dt.datetime.now() - started).total_seconds() / 60:.1f} min", flush=True)
        found = statuses(where)
        line, survivors = score(name, found, equal)
        print(line, flush=True)
        lines.append(line)
        details.append(f"-- {name}: not killed ({len(survivors)})")
        details += [f"   {k}: {found[k]}" for k in survivors]
    stale = sorted(set(equal) - {k for n in args.modules for k in statuses(SCRATCH / n.strip('/').replace('/', '-').removesuffix('.py'))})
    today = dt.date.today().isoformat()
    out = ROOT / "benchmarks" / "results" / f"mutation-{today}.txt"
    text = (f"mutmut run per module against its own tests ({today}; benchmarks/mutation.py)\n"
            f"score = killed (incl. timeouts) / (mutants - equivalent - not run)\n\n"
            + "\n".join(lines) + "\n\n" + "\n".join(details) + "\n"
            + (f"\nequivalent names no longer generated (refresh the list): {', '.join(stale)}\n" if stale else ""))
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    if previous and args.modules != list(MODULES):
        # a partial run adds to today's file rather than replacing the other modules' scores
        text = previous.rstrip("\n") + "\n\n" + text
    out.write_text(text, encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
