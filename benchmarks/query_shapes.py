"""Saved queries before and after a rewrite of their shape, on a corpus's on-disk store: the old
text (from a git revision) and the new one (queries/ of this checkout) run alternately with the
same parameters, and their rows compared. Prints old ms, new ms, the ratio, and whether the rows
are equal: exactly (order included), and as the backend-equality tests compare them (GROUP_CONCAT
lists as sets, rows in a fixed order), and whether the rows' ORDER BY keys come in the same
sequence: rows whose keys tie may come in any order (SPARQL leaves it open; the old texts' order
of ties was their plan's).

    nice -n 5 .venv/bin/python benchmarks/query_shapes.py CORPUS_DIR [--before REV] [--only a,b]
        [--repeat 3] [--budget 10]

The store is the one a build left in CORPUS_DIR/.store, opened read-only as it is: this script
never builds one. (`Corpus.store_path` names a store by the paths of the shared files, so run from
another checkout it would build a new 7 GB store in a corpus others read.) Parameters are the
saved queries' examples, bodies named by Zhangye's IRIs as in scale_queries.py.

    .venv/bin/python benchmarks/query_shapes.py --shipped [--only a,b]

compares rows only, on the shipped notice's store, for every value of each query's parameter the
store holds (every body, every cited document, every concept of the scheme; the example for text
and measures) and, for an optional one, without it.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queries import params_for  # noqa: E402
from scale_queries import BODIES, load  # noqa: E402

from policykg.queries import bindings_for, load_queries, parse_saved_query  # noqa: E402
from policykg.store import EmbeddedStore  # noqa: E402

# The saved queries a user gives a value to (their first answer cannot be warmed ahead)
PARAMETERIZED = ("article-uptake", "body-across-documents", "co-responsibility", "departments-of-measure",
                 "legal-basis", "measure-text", "measures-by-department", "measures-by-instrument",
                 "measures-by-platform", "measures-by-target-group", "measures-citing", "regulation-trace",
                 "search", "shared-measures")
BEFORE = "b53f7c2"        # the saved queries as they were before their shapes were rewritten


def normalise(rs):
    """As tests/test_store.py compares backends: rows in a fixed order, GROUP_CONCAT lists as sets."""
    def cell(t):
        if t is not None and t.kind == "literal" and any(s in t.value for s in (" … ", "、", ", ")):
            sep = next(s for s in (" … ", "、", ", ") if s in t.value)
            return (tuple(sorted(t.value.split(sep))), t.lang, t.datatype)
        return t
    return sorted((tuple(cell(t) for t in row) for row in rs.rows), key=repr)


def order_keys(text: str, rs) -> list[tuple] | None:
    """The rows' values of the query's ORDER BY variables (None if one is not a column)."""
    import re
    m = re.search(r"ORDER BY (.*)$", text, re.S)
    if not m:
        return None
    names = re.findall(r"\?(\w+)", m[1])
    if not all(n in rs.variables for n in names):
        return None
    at = [rs.variables.index(n) for n in names]
    return [tuple(row[i] for i in at) for row in rs.rows]


def ready_store(corpus: Path) -> EmbeddedStore:
    stores = sorted((d for d in (corpus / ".store").iterdir() if (d / "READY").is_file()),
                    key=lambda d: d.stat().st_mtime)
    if not stores:
        sys.exit(f"{corpus}/.store holds no built store (build it with benchmarks/scale_queries.py from "
                 "the checkout whose files it should hold)")
    return EmbeddedStore([], path=stores[-1], build=False)


def old_text(name: str, rev: str, root: Path) -> str:
    text = subprocess.run(["git", "show", f"{rev}:queries/{name}.rq"], cwd=root, capture_output=True,
                          text=True, check=True).stdout
    return parse_saved_query(Path(f"{name}.rq"), text).sparql


def timed(store, text, bindings) -> tuple[float, list]:
    t = time.perf_counter()
    rows = store.select(text, bindings)
    return time.perf_counter() - t, rows


def every_value(store, p) -> list[str | None]:
    from policykg.queries import SCHEME_IRIS, name_index
    index = name_index(store)
    values = {"body": lambda: sorted(index.body_iris), "document": lambda: sorted(index.cited),
              "concept": lambda: sorted({i for iris in index.concepts[p.scheme].values() for i in iris})}
    out = values[p.type]() if p.type in values else [p.example]
    return out + ([] if p.required else [None])


def shipped(names, rev: str, root: Path) -> None:
    """Old and new rows for every value of each query's parameters, on the shipped notice."""
    import itertools
    from policykg.store import open_store
    store = open_store()
    queries = load_queries()
    print(f"shipped notice; old texts from {rev}")
    print(f"{'query':<26} {'runs':>5} {'exact':>6} {'as sets':>8} {'keys':>5}  rows (all runs)")
    for name in names:
        q = queries[name]
        old, new = old_text(name, rev, root), q.sparql
        counts = {"exact": 0, "sets": 0, "keys": 0}
        runs = rows = 0
        for combo in itertools.product(*(every_value(store, p) for p in q.parameters)):
            params = {p.name: v for p, v in zip(q.parameters, combo) if v is not None}
            bindings = bindings_for(store, q, params)
            a, b = store.select(old, bindings), store.select(new, bindings)
            runs += 1
            rows += len(b.rows)
            counts["exact"] += a.variables == b.variables and a.rows == b.rows
            counts["sets"] += a.variables == b.variables and normalise(a) == normalise(b)
            counts["keys"] += order_keys(old, a) == order_keys(old, b)
        print(f"{name:<26} {runs:>5} {counts['exact']:>6} {counts['sets']:>8} {counts['keys']:>5}  {rows}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("--shipped", action="store_true", help="rows only, on the shipped notice, for every "
                                                           "value of each parameter")
    ap.add_argument("--before", default=BEFORE, help="git revision of the old query texts")
    ap.add_argument("--only", help="comma-separated query names (default: the parameterized ones)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per query and side, after which "
                                                               "it stops at two runs")
    ap.add_argument("--params", action="append", default=[], help="NAME:key=value, instead of the example")
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    names = args.only.split(",") if args.only else PARAMETERIZED
    if args.shipped:
        return shipped(names, args.before, root)
    if args.corpus is None:
        ap.error("give a corpus folder, or --shipped")
    store = ready_store(args.corpus)
    queries = load_queries()
    given = {}
    for p in args.params:
        name, _, kv = p.partition(":")
        k, _, v = kv.partition("=")
        given.setdefault(name, {})[k] = v
    print(f"store in {args.corpus}/.store; old texts from {args.before}; {load()}")
    print(f"{'query':<26} {'old ms':>9} {'new ms':>9} {'ratio':>7} {'rows':>6} {'exact':>6} {'as sets':>8} {'keys':>5}  load")
    for name in names:
        q = queries[name]
        params = given.get(name) or {k: BODIES.get(v, v) for k, v in params_for(q).items()}
        bindings = bindings_for(store, q, params)
        old, new = old_text(name, args.before, root), q.sparql
        runs = {"old": [], "new": []}
        answers = {}
        spent = {"old": 0.0, "new": 0.0}
        for i in range(args.repeat):
            for side, text in (("new", new), ("old", old)):      # alternately: drift hits both alike
                if i >= 2 and spent[side] > args.budget:
                    continue
                took, rs = timed(store, text, bindings)
                runs[side].append(took)
                spent[side] += took
                answers[side] = rs
        a, b = answers["old"], answers["new"]
        exact = a.variables == b.variables and a.rows == b.rows
        sets = a.variables == b.variables and normalise(a) == normalise(b)
        old_keys, new_keys = order_keys(old, a), order_keys(old, b)
        keys = "-" if old_keys is None else "yes" if old_keys == new_keys else "no"
        o, n = statistics.median(runs["old"]) * 1000, statistics.median(runs["new"]) * 1000
        print(f"{name:<26} {o:>9.1f} {n:>9.1f} {o / n:>6.1f}x {len(b.rows):>6} {'yes' if exact else 'no':>6} "
              f"{'yes' if sets else 'no':>8} {keys:>5}  {load()}  runs {len(runs['old'])}/{len(runs['new'])}", flush=True)


if __name__ == "__main__":
    main()
