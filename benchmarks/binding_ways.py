"""First asks of the saved queries that take a parameter, on a corpus's on-disk store, with the
parameter bound the two ways pyoxigraph allows: a VALUES block at the head of the WHERE group
(what `store.bind` does for every backend) and pyoxigraph's `substitutions=` (SEP-0007), which
binds only variables the query projects, so the text given to it projects the parameters (and
groups by them, where the query groups) and their columns are dropped from the answer.

    nice -n 5 .venv/bin/python benchmarks/binding_ways.py CORPUS_DIR [--repeat 3] [--budget 10] [--only a,b]
    .venv/bin/python benchmarks/binding_ways.py --shipped

Prints, per query, the median ms of each way (run alternately, after one untimed run of each),
their ratio (VALUES / substitutions: above 1 the substitutions are faster), and whether the rows
are the same, exactly and as sets. The store is opened read-only as a build left it in
CORPUS_DIR/.store (never built here: see query_shapes.py); no kept answer is read or written.

Then the lookups a measure given by its number needs (`--measures`, default on): the name index
as it was (every measure read, to resolve one number and to list the numbers a form offers)
against the direct lookups that replaced it (`queries.measures_numbered`, `NameIndex.measure_numbers`).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queries import params_for  # noqa: E402
from query_shapes import PARAMETERIZED, normalise, ready_store  # noqa: E402
from scale_queries import BODIES, load  # noqa: E402

from policykg.queries import NameIndex, bindings_for, load_queries, measures_numbered  # noqa: E402
from policykg.store import EmbeddedStore, _tokens, bind  # noqa: E402


def substituted(query: str, names: list[str]) -> str:
    """The query projecting `names` first (and grouping by them, if it groups)."""
    tokens = list(_tokens(query))
    depth, select, group = 0, None, None
    for i, (kind, text, at) in enumerate(tokens):
        if kind == "brace":
            depth += 1 if text == "{" else -1
        word = text.upper() if kind == "word" else ""
        if depth == 0 and word == "SELECT" and select is None:
            j = i + 1 + (tokens[i + 1][1].upper() in ("DISTINCT", "REDUCED"))
            select = tokens[j][2]
        if depth == 0 and word == "GROUP" and tokens[i + 1][1].upper() == "BY":
            group = tokens[i + 1][2] + 2
    extra = " " + " ".join("?" + n for n in names) + " "
    out = query if group is None else query[:group] + extra + query[group:]
    return out[:select] + extra + out[select:]


def ox_term(ox, t):
    if t.kind == "uri":
        return ox.NamedNode(t.value)
    if t.lang:
        return ox.Literal(t.value, language=t.lang)
    return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype)) if t.datatype else ox.Literal(t.value)


def by_values(store: EmbeddedStore, text: str, bindings) -> list[tuple]:
    return [tuple(s) for s in store.store.query(store.prepared(text, bindings))]


def by_substitutions(store: EmbeddedStore, text: str, bindings) -> list[tuple]:
    ox, names = store._ox, sorted(bindings)
    given = {ox.Variable(n): ox_term(ox, bindings[n]) for n in names}
    return [tuple(s)[len(names):] for s in store.store.query(store.with_prologue(substituted(text, names)),
                                                               substitutions=given)]


def same(a: list[tuple], b: list[tuple]) -> tuple[bool, bool]:
    return a == b, sorted(map(repr, a)) == sorted(map(repr, b))


def compare(store, names, given, repeat: int, budget: float) -> None:
    queries = load_queries()
    print(f"{'query':<26} {'VALUES ms':>10} {'subst ms':>10} {'ratio':>7} {'rows':>6} {'exact':>6} {'as sets':>8}  load")
    for name in names:
        q = queries[name]
        params = given.get(name) or {k: BODIES.get(v, v) for k, v in params_for(q).items()}
        bindings = bindings_for(store, q, params)
        ways = {"values": by_values, "subst": by_substitutions}
        runs, rows, spent = {w: [] for w in ways}, {}, {w: 0.0 for w in ways}
        for w, fn in ways.items():                       # untimed: the first run reads from disk
            rows[w] = fn(store, q.sparql, bindings)
        for i in range(repeat):
            for w, fn in ways.items():                   # alternately: drift hits both alike
                if i >= 2 and spent[w] > budget:
                    continue
                t = time.perf_counter()
                rows[w] = fn(store, q.sparql, bindings)
                runs[w].append(time.perf_counter() - t)
                spent[w] += runs[w][-1]
        v, s = (statistics.median(runs[w]) * 1000 for w in ways)
        exact, sets = same(rows["values"], rows["subst"])
        print(f"{name:<26} {v:>10.1f} {s:>10.1f} {v / max(s, 1e-6):>6.2f}x {len(rows['values']):>6} "
              f"{'yes' if exact else 'no':>6} {'yes' if sets else 'no':>8}  {load()}", flush=True)
        if not sets:
            only_v = [r for r in rows["values"] if r not in rows["subst"]][:1]
            only_s = [r for r in rows["subst"] if r not in rows["values"]][:1]
            print(f"    {len(rows['subst'])} rows by substitutions; first only by VALUES: {only_v}; "
                  f"first only by substitutions: {only_s}", flush=True)


def measures(store, number: int, repeat: int) -> None:
    """The name index as it was (every measure's number read) against the direct lookups."""
    def whole():
        out: dict[int, list[str]] = {}
        for x, n in store.select("SELECT ?x ?n WHERE { ?x a pkg:Measure ; pkg:number ?n }").rows:
            out.setdefault(int(n.value), []).append(x.value)
        return out

    def timed(fn):
        t = time.perf_counter()
        value = fn()
        return time.perf_counter() - t, value
    rounds = {"all measures read": [], "one number looked up": [], "numbers (pick list)": []}
    for _ in range(repeat):
        took, index = timed(whole)
        rounds["all measures read"].append(took)
        took, found = timed(lambda: measures_numbered(store, number))
        rounds["one number looked up"].append(took)
        took, numbers = timed(lambda: NameIndex(store, lazy=True).measure_numbers)
        rounds["numbers (pick list)"].append(took)
    assert sorted(index[number]) == found and sorted(index) == numbers, "the lookups disagree with the index"
    base = statistics.median(rounds["all measures read"])
    print(f"measure {number}: {len(found)} measures of that number; {len(numbers)} numbers; "
          f"{sum(map(len, index.values()))} measures in all; the same measures and numbers both ways; "
          "ratio = reading every measure / this")
    for what, runs in rounds.items():
        m = statistics.median(runs)
        print(f"  {what:<24} {m * 1000:>9.1f} ms  {base / m:>7.1f}x  {load()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("--shipped", action="store_true", help="the shipped notice alone, in memory")
    ap.add_argument("--only", help="comma-separated query names (default: those taking a parameter)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per query and way, past which "
                                                               "it stops at two runs")
    ap.add_argument("--no-measures", action="store_true", help="skip the measure-number lookups")
    args = ap.parse_args()
    if args.shipped:
        store, where = EmbeddedStore(), "the shipped notice, in memory"
    elif args.corpus is not None:
        store, where = ready_store(args.corpus), f"the store in {args.corpus}/.store, read-only"
    else:
        ap.error("give a corpus folder, or --shipped")
    store.answers = None
    print(f"{where}; {len(store.store):,} quads; {load()}", flush=True)
    compare(store, args.only.split(",") if args.only else PARAMETERIZED, {}, args.repeat, args.budget)
    if not args.no_measures:
        measures(store, 9, args.repeat)


if __name__ == "__main__":
    main()
