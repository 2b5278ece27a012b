"""Time SHACL validation and OWL reasoning on the shipped graph and on
synthetic corpora (benchmarks/corpus.py), and print ratios to the shipped graph.

    .venv/bin/python benchmarks/validate.py [--sizes 1,10,100] [--hermit-max 10]

Measured: pySHACL (the reference, with our compiled SPARQL targets and RDFS
inference), HermiT through owlready2 (single notices; it grows fast), OWL 2 RL
materialisation with owlrl (the corpus alternative), and pyrudof's SHACL
engine on the core (non-SPARQL) shapes when pyrudof is installed.

All engines run on the same generated graphs in one run, so the second table
(each engine against pySHACL at the same size) compares engine with engine on
today's data; the first compares each engine with itself on the shipped notice.
The engines do different work: pySHACL and pyrudof check shapes (pyrudof only
the core ones), owlrl and HermiT infer; the ratios say what each costs here.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import corpus, shipped  # noqa: E402
from rdflib import Graph  # noqa: E402

from policykg.reason import projection, reason  # noqa: E402
from policykg.validate import context_graph, validate_graph  # noqa: E402


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def owlrl_closure(g: Graph) -> None:
    import owlrl
    proj = projection(g)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(proj)


def rudof_validate(g: Graph):
    try:
        import pyrudof
    except ImportError:
        return None
    from policykg.validate import shapes_graph
    core = Graph()
    from rdflib.namespace import SH
    for t in shapes_graph():
        if t[1] != SH.sparql:
            core.add(t)
    from policykg.validate import ontology_graph
    # no inference in rudof: the ontology's subclass axioms go in with the data
    data = (g + context_graph() + ontology_graph()).serialize(format="nt")
    shapes = core.serialize(format="turtle")

    def run():
        r = pyrudof.Rudof(pyrudof.RudofConfig())
        r.read_data(data, pyrudof.RDFFormat.NTriples)
        r.read_shacl(shapes)
        report = r.validate_shacl()
        assert report.conforms, "pyrudof disagrees: the shipped data conforms"
        return report
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100", help="numbers of notices (default 1,10,100)")
    ap.add_argument("--hermit-max", type=int, default=10, help="largest corpus given to HermiT")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    # figures from a busy machine are not figures from an idle one: say which this was
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    base = shipped()
    results: dict[str, dict[int, float]] = {}
    for n in sizes:
        g = corpus(n, base)
        print(f"-- {n} notice(s): {len(g)} triples", flush=True)
        results.setdefault("pySHACL validate", {})[n] = timed(lambda g=g: validate_graph(g), args.repeat)
        results.setdefault("owlrl OWL 2 RL closure", {})[n] = timed(lambda g=g: owlrl_closure(g), args.repeat)
        if n <= args.hermit_max:
            results.setdefault("HermiT (owlready2)", {})[n] = timed(lambda g=g: reason(g), args.repeat)
        rudof = rudof_validate(g)
        if rudof is not None:
            results.setdefault("pyrudof SHACL core", {})[n] = timed(rudof, args.repeat)
        for name, by_size in results.items():
            if n in by_size:
                print(f"   {name:<26} {by_size[n]:8.2f} s", flush=True)
    print("\nseconds (ratio to the shipped notice)")
    print(f"{'engine':<26}" + "".join(f"{n:>18}" for n in sizes))
    for name, by_size in results.items():
        first = by_size.get(sizes[0])
        cells = []
        for n in sizes:
            if n in by_size:
                ratio = f" ({by_size[n] / first:.1f}x)" if first else ""
                cells.append(f"{by_size[n]:.2f}{ratio}")
            else:
                cells.append("-")
        print(f"{name:<26}" + "".join(f"{c:>18}" for c in cells))
    reference = results["pySHACL validate"]
    print("\nengine against engine: seconds relative to pySHACL on the same graph (below 1: faster)")
    print(f"{'engine':<26}" + "".join(f"{n:>18}" for n in sizes))
    for name, by_size in results.items():
        print(f"{name:<26}" + "".join(f"{by_size[n] / reference[n]:>17.2f}x" if n in by_size else f"{'-':>18}"
                                      for n in sizes))


if __name__ == "__main__":
    main()
