"""OWL reasoning with HermiT over the shipped graph and over broken fixtures."""
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from policykg import reason as reason_module
from policykg.iris import PKG
from policykg.reason import ReasonerUnavailable, materialise, projection, reason, reason_file
from policykg.validate import context_graph, load_rdf
from policykg import resources

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def shipped():
    return load_rdf(resources.default_output())


@pytest.fixture(scope="module")
def report(shipped):
    return reason(shipped)


def test_shipped_graph_is_consistent_with_no_unsatisfiable_class(report):
    assert report.consistent
    assert report.unsatisfiable == []


# What each defined class should hold, asked of the asserted data in SPARQL.
EXPECTED_BY_SPARQL = {
    PKG.MeasureCitingLaw: "?m pkg:cites ?d . ?d a pkg:Law .",
    PKG.MeasureCitingNationalLegislation:
        "?m pkg:cites ?d . ?d a ?rank . FILTER (?rank IN (pkg:Law, pkg:AdministrativeRegulation, pkg:DepartmentalRule))",
    PKG.MeasureCitingSupersededDocument: "?m pkg:cites ?d . ?d pkg:supersededBy ?newer .",
    PKG.MeasureWithTarget: "?m pkg:hasTarget ?t .",
    PKG.MeasurePlanningDocument: "?m pkg:plansDocument ?d .",
    PKG.CollectivelyAssignedMeasure: "?m pkg:responsibleBody ?b . ?b a pkg:CollectiveBody .",
    PKG.JudicialMeasure:
        "?m pkg:responsibleBody ?b . ?b pkg:bodyKind ?k . FILTER (?k IN (pkg:JudicialOrgan, pkg:ProcuratorialOrgan))",
}


@pytest.mark.parametrize("cls", list(EXPECTED_BY_SPARQL), ids=lambda c: c.split("#")[1])
def test_inferred_memberships_match_sparql_over_asserted_data(cls, shipped, report):
    g = shipped + context_graph()
    rows = g.query(f"SELECT DISTINCT ?m WHERE {{ ?m a pkg:Measure . {EXPECTED_BY_SPARQL[cls]} }}",
                   initNs={"pkg": PKG})
    expected = {r.m for r in rows}
    assert expected, "every defined class has members in the shipped data"
    assert report.members(cls) == expected


def test_known_memberships(report):
    def numbers(cls):
        return sorted(int(str(m).rsplit("/", 1)[1]) for m in report.members(cls))
    assert numbers(PKG.MeasureWithTarget) == [9, 16, 19, 20]
    assert numbers(PKG.MeasureCitingSupersededDocument) == [9, 30]
    assert numbers(PKG.JudicialMeasure) == [29, 32]


def test_projection_uses_only_the_owl2_datatype_map(shipped):
    proj = projection(shipped)
    datatypes = {o.datatype for o in proj.objects() if getattr(o, "datatype", None)}
    assert XSD.date not in datatypes and XSD.gYear not in datatypes
    assert XSD.dateTime in datatypes
    assert not set(proj.subjects(RDF.type, PKG.Mention))
    # the published data itself keeps xsd:date
    assert any(getattr(o, "datatype", None) == XSD.date for o in shipped.objects())


def test_export_is_turtle_of_the_inferred_triples(report):
    g = Graph().parse(data=report.export(), format="turtle")
    assert len(g) == len(report.inferred) and len(g) > 0


def test_inconsistent_fixture_is_detected_and_named():
    r = reason_file(FIXTURES / "inconsistent" / "disjoint-ranks.ttl")
    assert not r.consistent
    assert r.diagnosis == ["https://w3id.org/policykg/id/legal/two-ranks is both "
                           "https://w3id.org/policykg/ontology#Law and "
                           "https://w3id.org/policykg/ontology#NormativeDocument, which are disjoint"]


def test_unsatisfiable_class_is_reported():
    g = load_rdf(FIXTURES / "valid" / "minimal.ttl")
    odd = URIRef("https://w3id.org/policykg/ontology#LawAndNormativeDocument")
    g.add((odd, RDF.type, OWL.Class))
    g.add((odd, RDFS.subClassOf, PKG.Law))
    g.add((odd, RDFS.subClassOf, PKG.NormativeDocument))
    r = reason(g)
    assert r.consistent and r.unsatisfiable == [str(odd)]


def test_missing_java_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(reason_module.shutil, "which", lambda name: None)
    with pytest.raises(ReasonerUnavailable, match="Java"):
        reason(Graph())


def test_cli_reason_exit_codes(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "policykg.cli", "reason",
                          str(FIXTURES / "inconsistent" / "disjoint-ranks.ttl")], capture_output=True, text=True)
    assert bad.returncode == 1 and "consistent: NO" in bad.stdout and "two-ranks" in bad.stdout
    out = tmp_path / "inferred.ttl"
    good = subprocess.run([sys.executable, "-m", "policykg.cli", "reason", "--export", str(out)],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert "MeasureWithTarget" in out.read_text(encoding="utf-8")


def test_owl2_rl_materialisation_agrees_with_hermit_on_defined_classes(shipped, report):
    rl = materialise(shipped)
    assert rl.consistent
    for cls in EXPECTED_BY_SPARQL:
        assert rl.members(cls) == report.members(cls), cls


def test_owl2_rl_flags_disjoint_types():
    rl = reason_file(FIXTURES / "inconsistent" / "disjoint-ranks.ttl", engine="owlrl")
    assert not rl.consistent and "two-ranks" in rl.diagnosis[0]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("engine", ["hermit", "owlrl"])
def test_regression_reasoning_fetches_no_import_or_context(tmp_path, engine):
    """owlready2 fetched the ontologies named by owl:imports on the ontology; rdflib fetched
    a JSON-LD context given as a URL."""
    from tests.loopback import listener
    with listener() as server:
        imports = tmp_path / "imports.ttl"
        imports.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                           f"<https://w3id.org/policykg/ontology> owl:imports <{server.url}/x> .\n",
                           encoding="utf-8")
        r = cli("reason", str(imports), "--engine", engine)
        assert r.returncode == 0 and "consistent: yes" in r.stdout, r.stderr
        ctx = tmp_path / "ctx.jsonld"
        ctx.write_text('{"@context": "%s/ctx", "@id": "http://a/x", "http://a/p": "v"}' % server.url,
                       encoding="utf-8")
        r = cli("reason", str(ctx), "--engine", engine)
        assert r.returncode == 2 and "policykg never fetches URLs" in r.stderr
        assert server.connections() == []
    assert OWL.imports not in set(projection(load_rdf(imports)).predicates())


def test_regression_reason_refuses_no_data_and_an_export_over_its_input(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    r = cli("reason", str(empty))
    assert r.returncode == 2 and "no data: the file holds no triples" in r.stderr
    data = tmp_path / "data.ttl"
    data.write_bytes(resources.default_output().read_bytes())
    r = cli("reason", str(data), "--export", str(data))
    assert r.returncode == 2 and f"--export {data} would overwrite {data}" in r.stderr
    assert data.read_bytes() == resources.default_output().read_bytes()
