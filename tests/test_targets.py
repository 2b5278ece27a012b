"""policykg.targets: the SPARQL targets Oxigraph selects are the nodes rdflib's engine (pySHACL's)
selects, shape by shape, on the shipped notice, synthetic notices and every invalid fixture."""
import sys
import tomllib
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, SH

from policykg.iris import PKG
from policykg.pipeline import extract
from policykg.targets import _prefixes, select_targets
from policykg.validate import _closed, compiled_shapes_graph, load_rdf, validate_graph

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


def by_rdflib(shapes, data) -> dict:
    """Each compiled shape's focus nodes as pySHACL selects them: its target run by rdflib."""
    selected = {}
    for target in shapes.subjects(RDF.type, SH.SPARQLTarget):
        rows = data.query(_prefixes(shapes, target) + str(shapes.value(target, SH.select)))
        for shape in shapes.subjects(SH.target, target):
            selected[shape] = {row[0] for row in rows}
    return selected


def by_oxigraph(shapes, data) -> dict:
    out = select_targets(shapes, data)
    assert out is not None
    assert not list(out.subjects(RDF.type, SH.SPARQLTarget))
    return {shape: set(out.objects(shape, SH.targetNode))
            for target in shapes.subjects(RDF.type, SH.SPARQLTarget) for shape in shapes.subjects(SH.target, target)}


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    named = {"shipped notice": extract(law_structure=False).graph}
    for path in synthetic.write(out, 2):
        named[path.name] = extract(path, law_structure=False).graph
    unknown = out / "unknown-documents.txt"                  # citing documents no registry knows
    unknown.write_text("示例市支持小微企业若干措施\n为支持小微企业，制定以下措施。\n一、加大支持\n（一）完善制度\n"
                       "研究制定《示例市小微企业贷款风险补偿办法》，落实《示例市小微企业现行扶持办法》。"
                       "（市财政局负责）\n", encoding="utf-8")
    named[unknown.name] = extract(unknown, law_structure=False).graph
    chengdu = FIXTURES / "notices" / "chengdu-2023-private-economy.txt"   # bodies of another city
    named[chengdu.name] = extract(chengdu, law_structure=False).graph
    # the invalid fixtures made to fire a SPARQL constraint (no path; the others: rdflib is slow)
    for case in tomllib.loads((FIXTURES / "invalid" / "manifest.toml").read_text(encoding="utf-8"))["case"]:
        if "path" not in case:
            named[case["file"]] = load_rdf(FIXTURES / "invalid" / case["file"])
    # measures, but none numbered 1
    g = load_rdf(FIXTURES / "valid" / "minimal.ttl")
    first = next(m for m in g.subjects(PKG.number, Literal(1)) if (m, RDF.type, PKG.Measure) in g)
    g.set((first, PKG.number, Literal(3)))
    named["no measure 1"] = g
    return named


def test_oxigraph_selects_what_rdflibs_engine_selects_for_every_target(graphs):
    shapes = compiled_shapes_graph()
    fired = set()
    for name, g in graphs.items():
        full = _closed(g)
        expected = by_rdflib(shapes, full)
        assert by_oxigraph(shapes, full) == expected, name
        fired |= {shape for shape, nodes in expected.items() if nodes}
    # not a comparison of empty sets: every compiled target selects a node in some graph
    assert fired == set(expected) and len(fired) == 11


def test_regression_a_literal_typed_with_a_class_of_ours_leaves_the_targets_to_pyshacl():
    """pkg:hasTarget's range types a literal object pkg:QuantitativeTarget: Oxigraph cannot hold that
    triple, so the targets are left to pySHACL, and the findings are pySHACL's own."""
    g = load_rdf(FIXTURES / "invalid" / "target-percent-over-100.ttl")
    measure = next(g.subjects(RDF.type, PKG.Measure))
    g.add((measure, PKG.hasTarget, Literal("200")))
    assert select_targets(compiled_shapes_graph(), _closed(g)) is None
    fast, whole = validate_graph(g), validate_graph(g, fast=False)
    assert sorted(f.line() for f in fast.findings) == sorted(f.line() for f in whole.findings)
    assert any((f.shape or "").endswith("PercentRangeShape") for f in fast.findings), fast.text()
