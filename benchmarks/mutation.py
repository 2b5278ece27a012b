"""Mutation testing of the modules whose mistakes cost most: `make mutation`.

    .venv/bin/python benchmarks/mutation.py [MODULE ...] [--children 1]

For each module below, mutmut (3.x) changes the code one small edit at a time
(a comparison flipped, a constant changed, a call's argument dropped …) and
runs the tests that cover the changed function; a mutant no test notices
"survived". Each module runs in a scratch copy of the checkout
(build/mutation/MODULE) against only its own tests, so the work tree is never
edited and a run can be stopped at any time. The score per module is written
to benchmarks/results/mutation-DATE.txt: killed (and timed out) mutants over
the mutants run minus the equivalent ones listed, with reasons, in
benchmarks/mutation-equivalent.toml; the mutants not run are counted and named.

A run can be stopped (Ctrl-C) and resumed: the scratch copy keeps mutmut's
verdicts, a second run copies the checkout's current files into it and runs
only the mutants without one (mutmut collects coverage for new tests itself).
After writing tests, `--rerun-survivors` runs the survivors and no-tests
mutants again; `--mutants NAME…` runs those; `--fresh` starts over. Every run
is logged in the scratch copy (runs.jsonl) and the log goes into the results,
so the file says which verdicts come from which tests.

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
import signal
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
    # the byte-for-byte check reads ../shared beside the checkout, which a scratch copy lacks;
    # tests/test_legal_basis.py checks each function's output (find_basis runs in under a second,
    # so its tests compute it themselves). Not the tests comparing the committed Turtle (a full
    # build each) nor chains' (a corpus): what they would catch, test_legal_basis.py asserts directly
    "legal_basis.py": (["src/policykg/legal_basis.py"],
                       ["tests/test_laws.py", "tests/test_legal_basis.py", "-k", "not shipped_byte_for_byte"]),
}
# A mutant that loops for ever (`k += 1` → `k = 1`) is stopped after (time of its tests + constant)
# × multiplier seconds; mutmut's multiplier of 15 makes each such mutant cost minutes. extract/'s
# tests have no slow fixture (no store, no server), so its mutants get a tighter limit; the other
# modules keep theirs (a changed limit makes mutmut run their timed-out mutants again).
# legal_basis.py's tests take 23.6 s: with mutmut's multiplier of 15 a looping mutant would hold
# the one worker for 22 minutes of CPU.
TIMEOUTS = {"extract/": (15.0, 2.0), "legal_basis.py": (20.0, 1.0)}
# the resource folders a source checkout reads (policykg.resources)
RESOURCES = ["ontology", "shapes", "queries", "web", "data"]
KILLED = {"killed", "timeout", "caught by type check"}
NOT_RUN = {"not checked", "skipped", "check was interrupted by user"}


def module_dir(name: str) -> Path:
    return SCRATCH / name.strip("/").replace("/", "-").removesuffix(".py")


def scratch_copy(name: str, mutate: list[str], tests: list[str], fresh: bool) -> Path:
    """The tracked files of the checkout, with a [tool.mutmut] table for this module. An existing
    copy keeps its mutants/ (mutmut's verdicts) unless `fresh`; its other files are replaced."""
    where = module_dir(name)
    if fresh:
        shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True, exist_ok=True)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (where / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, where / rel)
    # the same text every time: mutmut drops its verdicts when the test command's settings change
    config = (f"\n[tool.mutmut]\nsource_paths = [\"src/policykg\"]\nonly_mutate = {json.dumps(mutate)}\n"
              f"also_copy = {json.dumps(RESOURCES)}\n"
              f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
              f"pytest_add_cli_args = [\"-p\", \"no:cacheprovider\"]\n"
              # the tests start worker processes and threads (query workers, servers): forked from a
              # process that ran them, a mutant inherits their locks and reaps their children
              f"process_isolation = \"forkserver\"\n"
              # module-scoped fixtures (a store, a built notice) are not in a test's recorded time;
              # with the default of 1 s a loaded machine turns survivors into timeouts
              + (f"timeout_constant = {TIMEOUTS[name][0]}\ntimeout_multiplier = {TIMEOUTS[name][1]}\n"
                 if name in TIMEOUTS else "timeout_constant = 20.0\n"))
    with open(where / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write(config)
    return where


def statuses(where: Path) -> dict[str, str]:
    """mutant name → status, from the .meta files mutmut leaves beside each mutated file
    ("not checked": generated, not run yet)."""
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


def ranges(names: list[str]) -> list[str]:
    """Mutant names grouped by function: `policykg.store.x_bind__mutmut 1-4, 9`."""
    by_function: dict[str, list[int]] = {}
    for n in names:
        fn, _, number = n.rpartition("__mutmut_")
        by_function.setdefault(fn, []).append(int(number))
    out = []
    for fn, numbers in sorted(by_function.items()):
        numbers.sort()
        spans, first = [], numbers[0]
        for a, b in zip(numbers, numbers[1:] + [None]):
            if b != a + 1:
                spans.append(f"{first}" if first == a else f"{first}-{a}")
                first = b
        out.append(f"{fn}__mutmut {', '.join(spans)}")
    return out


def score(name: str, found: dict[str, str], equal: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """The module's line of the table, the mutants run and not killed, and those not run."""
    not_run = sorted(k for k, s in found.items() if s in NOT_RUN)
    run = {k: s for k, s in found.items() if s not in NOT_RUN}
    excluded = [k for k in run if k in equal]
    counted = {k: s for k, s in run.items() if k not in equal}
    counts = Counter(counted.values())
    killed = sum(1 for s in counted.values() if s in KILLED)
    other = len(counted) - killed - counts["survived"] - counts["no tests"]
    pct = f"{100 * killed / len(counted):5.1f}%" if counted else "    -"
    line = (f"{name:15} {len(found):4} mutants {len(run):4} run {killed:4} killed ({counts['timeout']} by timeout) "
            f"{counts['survived']:3} survived {counts['no tests']:3} no tests {other:2} other "
            f"{len(excluded):2} equivalent {len(not_run):4} not run   score {pct}")
    survivors = sorted(k for k, s in counted.items() if s not in KILLED)
    return line, survivors, not_run


def log_run(where: Path, entry: dict) -> None:
    with open(where / "runs.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def runs(where: Path) -> list[str]:
    log = where / "runs.jsonl"
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        asked = ("every mutant without a verdict" if not r["mutants"] else
                 f"the mutants matching {' '.join(r['mutants'])}" if isinstance(r["mutants"], list) else
                 f"{r['mutants']} named mutants")
        out.append(f"   {r['started']} to {r['ended']}: {asked}; tests of commit {r['commit']}"
                   f"{' + uncommitted changes' if r['dirty'] else ''}; mutmut exit {r['exit']}")
    return out


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", default=list(MODULES), help=f"of {', '.join(MODULES)}")
    ap.add_argument("--children", type=int, default=1, help="mutants run at once (default 1: a shared machine)")
    ap.add_argument("--report-only", action="store_true", help="write the results from the scratch copies, run nothing")
    ap.add_argument("--fresh", action="store_true", help="drop the verdicts of earlier runs")
    ap.add_argument("--rerun-survivors", action="store_true",
                    help="run the survivors and no-tests mutants of earlier runs again (after new tests)")
    ap.add_argument("--mutants", nargs="+", metavar="NAME", default=[],
                    help="run only these mutants (mutmut's names, e.g. from a report; * matches any text)")
    args = ap.parse_args()
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        ap.error(f"unknown module {', '.join(unknown)}; modules: {', '.join(MODULES)}")
    equal = equivalent()

    def stopped(signum, frame):
        raise KeyboardInterrupt
    # `kill` stops a run as Ctrl-C does: logged as interrupted, the results still written
    signal.signal(signal.SIGTERM, stopped)
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation", "PATH": f"{VENV}{os.pathsep}{os.environ['PATH']}"}
    for name in args.modules:
        if args.report_only:
            break
        mutate, tests = MODULES[name]
        before = {} if args.fresh else (statuses(module_dir(name)) if module_dir(name).exists() else {})
        where = scratch_copy(name, mutate, tests, args.fresh)
        names = list(args.mutants)
        if args.rerun_survivors:
            names += sorted(k for k, s in before.items() if s in ("survived", "no tests") and k not in equal)
            if not names:
                print(f"== {name}: no survivors to run again", flush=True)
                continue
        print(f"== {name}: mutating {', '.join(mutate)} against {' '.join(tests)}"
              f"{f' ({len(names)} mutants named)' if names else ''}", flush=True)
        started = dt.datetime.now(dt.timezone.utc)
        # the tests this run uses: those of the checkout as copied now
        commit, dirty = git("rev-parse", "--short", "HEAD"), bool(git("status", "--porcelain", "--", "tests", "src"))
        try:
            code = subprocess.run(["nice", "-n", "10", str(VENV / "mutmut"), "run", "--max-children",
                                   str(args.children), *names], cwd=where, env=env, check=False).returncode
        except KeyboardInterrupt:
            code = "interrupted"
        ended = dt.datetime.now(dt.timezone.utc)
        log_run(where, {"started": f"{started:%Y-%m-%d %H:%M}", "ended": f"{ended:%H:%M} UTC",
                        # globs are logged as given, lists of names by their number
                        "mutants": names if any("*" in n for n in names) else len(names),
                        "commit": commit, "dirty": dirty, "exit": code})
        print(f"== {name}: {(ended - started).total_seconds() / 60:.1f} min", flush=True)
        if code == "interrupted":
            break
    write_results(equal)
    return 0


def write_results(equal: dict[str, str]) -> None:
    """benchmarks/results/mutation-DATE.txt from every module's scratch copy (all of them, not
    only those run now: the file always holds the latest verdict of each module)."""
    lines, details, seen = [], [], set()
    for name in MODULES:
        where = module_dir(name)
        found = statuses(where) if where.exists() else {}
        seen |= set(found)
        if not found:
            lines.append(f"{name:15} not run")
            continue
        line, survivors, not_run = score(name, found, equal)
        print(line, flush=True)
        lines.append(line)
        details.append(f"-- {name}")
        details.append("   runs:")
        details += runs(where)
        details.append(f"   not killed ({len(survivors)}):")
        details += [f"   {k}: {found[k]}" for k in survivors]
        details.append(f"   not run ({len(not_run)}):")
        details += [f"   {r}" for r in ranges(not_run)]
        listed = sorted(k for k in found if k in equal)
        details.append(f"   equivalent ({len(listed)} listed in {EQUIVALENT.name}, "
                       f"{sum(1 for k in listed if k not in not_run)} of them run):")
        details += [f"   {r}" for r in ranges(listed)]
    stale = sorted(set(equal) - seen)
    today = dt.date.today().isoformat()
    out = ROOT / "benchmarks" / "results" / f"mutation-{today}.txt"
    mutmut = subprocess.run([str(VENV / "mutmut"), "--version"], capture_output=True, text=True).stdout.strip()
    text = (f"{mutmut} per module against its own tests ({today}; benchmarks/mutation.py, --children 1, nice 10)\n"
            "score = killed (incl. timeouts) / (mutants run - equivalent); 'other': suspicious or killed by a signal,\n"
            "counted as not killed; 'not run': generated, no verdict yet (listed below by function).\n"
            "mutmut runs first the mutants whose tests take least time: the score of a partial run is over those.\n\n"
            + "\n".join(lines) + "\n\n" + "\n".join(details) + "\n"
            + (f"\nequivalent names no longer generated (refresh the list): {', '.join(stale)}\n" if stale else ""))
    tmp = out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
