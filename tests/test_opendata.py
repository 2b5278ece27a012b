"""Open government data (issue #13): places and jurisdictions, links out, renamed bodies,
credit codes, dumps that parse back to the store, DCAT-AP conformance and VoID counts."""
from __future__ import annotations

import gzip
import hashlib
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from policykg import dataset, links, places, resources, uscc
from policykg.cli import main
from policykg.corpus import Corpus
from policykg.iris import BASE, ELI, ORG, PKG
from policykg.registry import RegistryError, load_registry
from policykg.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
WD = "http://www.wikidata.org/entity/"
DOC = URIRef(BASE + "doc/zczmbf-2021-9")
ZHANGYE_COUNTIES = {"620702": "甘州区", "620721": "肃南裕固族自治县", "620722": "民乐县",
                    "620723": "临泽县", "620724": "高台县", "620725": "山丹县"}


def place(code):
    return URIRef(BASE + f"place/{code}")


def body(slug):
    return URIRef(BASE + f"body/{slug}")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    # a corpus of the shipped notice alone: the default graph and the named graphs a corpus keeps
    return open_store(corpus=Corpus(tmp_path_factory.mktemp("corpus")))


def rdflib_term(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    if t.datatype.value == str(XSD.string):
        return Literal(t.value)                 # as rdflib reads a plain string
    return Literal(t.value, datatype=URIRef(t.datatype.value))


def store_graph(store, graph=ox.DefaultGraph()) -> Graph:
    g = Graph()
    for q in store.store.quads_for_pattern(None, None, None, graph):
        g.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    return g


@pytest.fixture(scope="module")
def default_graph(store) -> Graph:
    return store_graph(store)


def same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphic: the ground triples equal as sets, the triples with blank nodes isomorphic."""
    def split(g):
        ground, blank = set(), Graph()
        for t in g:
            (blank.add(t) if any(isinstance(x, BNode) for x in t) else ground.add(t))
        return ground, blank
    ga, ba = split(a)
    gb, bb = split(b)
    return ga == gb and isomorphic(ba, bb)


# --- places and jurisdictions ----------------------------------------------------------------

def test_zhangye_gansu_the_country_and_zhangyes_counties_are_places(default_graph):
    g = default_graph
    expected = {"620700": ("张掖市", "620000", PKG.MunicipalLevel), "620000": ("甘肃省", "100000", PKG.ProvincialLevel),
                "100000": ("中华人民共和国", None, PKG.NationalLevel)}
    expected.update({c: (n, "620700", PKG.CountyLevel) for c, n in ZHANGYE_COUNTIES.items()})
    for code, (name, parent, level) in expected.items():
        p = place(code)
        assert (p, RDF.type, PKG.Place) in g
        assert list(g.objects(p, PKG.divisionCode)) == [Literal(code)]     # a literal of its own property
        assert g.value(p, RDFS.label) == Literal(name, lang="zh")
        assert g.value(p, PKG.divisionLevel) == level
        assert g.value(p, DCTERMS.isPartOf) == (place(parent) if parent else None)
    # the division codes are not bare dct:identifiers
    assert not list(g.subject_objects(DCTERMS.identifier))


def test_placeholder_rows_are_not_places(default_graph):
    assert not [p for p in places.divisions().places.values() if p.name == "市辖区"]
    labels = {str(o) for p in default_graph.subjects(RDF.type, PKG.Place) for o in default_graph.objects(p, RDFS.label)}
    assert "市辖区" not in labels and labels >= set(ZHANGYE_COUNTIES.values())


def test_every_body_points_to_the_place_it_governs_or_serves(default_graph):
    g = default_graph
    bodies = set(g.subjects(RDF.type, PKG.GovernmentBody)) | set(g.subjects(RDF.type, PKG.CollectiveBody))
    assert len(bodies) > 40
    for b in bodies:
        assert (g.value(b, PKG.jurisdiction), RDF.type, PKG.Place) in g, b
    assert g.value(body("zhangye-finance"), PKG.jurisdiction) == place("620700")     # 张掖市财政局
    assert g.value(body("gansu-miit"), PKG.jurisdiction) == place("620000")
    assert g.value(body("state-council"), PKG.jurisdiction) == place("100000")
    # 各县区人民政府: each county (the collective as a whole belongs to the city)
    for slug in ("zhangye-county-governments", "zhangye-county-courts", "zhangye-county-procuratorates"):
        assert set(g.objects(body(slug), PKG.servesPlace)) == {place(c) for c in ZHANGYE_COUNTIES}
        assert g.value(body(slug), PKG.jurisdiction) == place("620700")


def test_the_notice_has_its_place_in_dcterms_and_eli(default_graph):
    g = default_graph
    assert g.value(DOC, DCTERMS.spatial) == place("620700")
    assert g.value(DOC, ELI.jurisdiction) == place("620700")
    assert g.value(DOC, ELI.relevant_for) == place("620700")


# --- links out --------------------------------------------------------------------------------

def test_wikidata_links_are_exact_matches_with_their_source(default_graph):
    g = default_graph
    assert (place("100000"), SKOS.exactMatch, URIRef(WD + "Q148")) in g
    assert (place("620000"), SKOS.exactMatch, URIRef(WD + "Q42392")) in g
    # never owl:sameAs to Wikidata, in any direction
    assert not [t for t in g.triples((None, OWL.sameAs, None)) if WD in str(t[0]) + str(t[2])]
    for s, o in g.subject_objects(SKOS.exactMatch):
        if str(o).startswith(WD):
            st = [x for x in g.subjects(RDF.object, o) if g.value(x, RDF.subject) == s]
            assert len(st) == 1 and g.value(st[0], DCTERMS.source) is not None


def test_each_linkset_file_states_a_source_for_every_link():
    names = [f.name for f in links.files()]
    assert names == ["wikidata.ttl", "official.ttl", "divisions.ttl"]
    for f in links.files():
        g = Graph().parse(f)
        links.check(g, f.name)
        statements = set(g.subjects(RDF.type, RDF.Statement))
        assert statements, f.name
        assert all(g.value(st, DCTERMS.source) is not None for st in statements)
    official = Graph().parse(links.files()[1])
    assert (URIRef(BASE + "legal/sme-payment-regulation-2020"), RDFS.seeAlso,
            URIRef("https://www.gov.cn/zhengce/content/2020-07/14/content_5526768.htm")) in official


def test_the_link_checker_refuses_same_as_and_links_without_a_source():
    bad = Graph()
    bad.add((place("620000"), OWL.sameAs, URIRef(WD + "Q42392")))
    with pytest.raises(links.LinkError, match="owl:sameAs"):
        links.check(bad)
    unsourced = Graph().parse(links.files()[0])
    for st in list(unsourced.subjects(RDF.type, RDF.Statement))[:1]:
        unsourced.remove((st, None, None))
    with pytest.raises(links.LinkError, match="no statement"):
        links.check(unsourced)


def test_the_division_linkset_is_generated_from_the_places_and_not_stale(default_graph):
    path = links.files()[2]
    assert path.read_text(encoding="utf-8") == links.divisions_text()
    g = default_graph
    codes = {str(c) for c in g.objects(None, PKG.divisionCode)}
    for code in codes:
        pages = {str(o) for o in g.objects(place(code), RDFS.seeAlso)}
        assert pages == {links.nbs_page(code)}
    assert links.nbs_page("620700").endswith("/2023/62/6207.html")
    assert links.nbs_page("620702").endswith("/2023/62/07/620702.html")
    assert links.nbs_page("620000").endswith("/2023/62.html")


def test_renamed_bodies_resolve_by_their_2021_name_and_say_what_they_are_now(registry, default_graph):
    g = default_graph
    for old_name, old, new, new_name in (
            ("张掖银保监分局", "cbirc-zhangye", "nfra-zhangye", "国家金融监督管理总局张掖监管分局"),
            ("人行张掖中心支行", "pboc-zhangye", "pboc-zhangye-branch", "中国人民银行张掖市分行")):
        assert registry.resolve_body(old_name, "620700") == body(old)
        assert g.value(body(old), DCTERMS.isReplacedBy) == body(new)
        assert g.value(body(new), DCTERMS.replaces) == body(old)
        event = g.value(body(old), ORG.changedBy)
        assert (event, RDF.type, ORG.ChangeEvent) in g
        assert g.value(event, ORG.originalOrganization) == body(old)
        assert g.value(event, ORG.resultingOrganization) == body(new)
        assert g.value(event, DCTERMS.date) == Literal("2023", datatype=XSD.gYear)
        assert Literal(new_name, lang="zh") in set(g.objects(body(new), SKOS.prefLabel))
        # the successor's name is nothing the notice could be read as
        assert registry.resolve_body(new_name, "620700") in (None, body(new))


# --- unified social credit codes --------------------------------------------------------------

CODES = tomllib.loads((FIXTURES / "uscc" / "codes.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", CODES["valid"])
def test_valid_credit_codes_pass_both_check_characters(code):
    assert uscc.check(code) == code
    assert uscc.check_char_11714(code[8:16]) == code[16]
    assert uscc.check_char_32100(code[:17]) == code[17]


@pytest.mark.parametrize("case", CODES["invalid"], ids=lambda c: c["code"])
def test_invalid_credit_codes_are_refused_at_their_position(case):
    with pytest.raises(uscc.USCCError) as e:
        uscc.check(case["code"])
    if case["position"]:
        assert f"position {case['position']}" in str(e.value)
    else:
        assert "18 characters" in str(e.value)
    assert not uscc.is_valid(case["code"])


def test_a_registry_with_a_bad_credit_code_is_refused():
    with pytest.raises(RegistryError, match="position 18"):
        load_registry(extra=[FIXTURES / "registry" / "bad-uscc.ttl"])


# --- dumps ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dumps(store):
    return {d.name: d for d in dataset.dumps(store)}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdfxml"])
def test_each_triple_dump_parses_back_isomorphic_to_the_store(fmt, dumps, default_graph):
    dump = dumps[dataset.file_name(fmt)]
    parsed = Graph().parse(data=dump.data, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld",
                                                   "rdfxml": "xml"}[fmt])
    assert len(parsed) == len(default_graph)
    assert same_graph(parsed, default_graph)
    assert gzip.decompress(dumps[dataset.file_name(fmt, True)].data) == dump.data


def same_quads(a, b) -> bool:
    """Two quad collections isomorphic: ground quads equal, the quads with blank nodes
    isomorphic graph by graph."""
    def split(quads):
        ground, blank = set(), {}
        for q in quads:
            if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
                blank.setdefault(q.graph_name, Graph()).add(
                    (rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
            else:
                ground.add(q)
        return ground, blank
    ga, ba = split(a)
    gb, bb = split(b)
    return ga == gb and ba.keys() == bb.keys() and all(isomorphic(ba[k], bb[k]) for k in ba)


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_each_quad_dump_keeps_the_named_graphs(fmt, dumps, store):
    dump = dumps[dataset.file_name(fmt)]
    names = {g.value for g in store.store.named_graphs()}
    assert names and BASE + "graph/zczmbf-2021-9" in names
    parsed = list(ox.parse(dump.data, format={"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt]))
    assert {q.graph_name.value for q in parsed if not isinstance(q.graph_name, ox.DefaultGraph)} == names
    assert len(parsed) == len(store.store)
    assert same_quads(parsed, list(store.store))


def test_the_json_ld_reads_as_plain_json(dumps):
    import json
    doc = json.loads(dumps["policykg.jsonld"].data)
    nodes = {n["@id"]: n for n in doc["@graph"]}
    finance = nodes["body:zhangye-finance"]
    assert finance["prefLabel"] == {"en": "Zhangye Municipal Bureau of Finance", "zh": "张掖市财政局"}
    assert finance["jurisdiction"] == "place:620700"
    assert doc["@context"]["number"] == {"@id": "pkg:number", "@type": "xsd:integer"}
    measure = nodes[BASE + "doc/zczmbf-2021-9/measure/9"]
    assert measure["@type"] == "pkg:Measure" and measure["number"] == "9"
    assert measure["cites"] == "legal:gov-procurement-sme-interim-measures"
    notice = nodes[str(DOC)]
    assert notice["dateIssued"] == "2021-07-01" and notice["eli:jurisdiction"] == "place:620700"


def test_dumps_are_the_same_bytes_every_time(store, dumps):
    for fmt in ("nq", "jsonld"):
        assert dataset.export(store, fmt) == dumps[dataset.file_name(fmt)].data
    assert dataset.export(store, "nq", gzip=True) == dumps[dataset.file_name("nq", True)].data


def test_policykg_export_writes_a_file_atomically(tmp_path):
    out = tmp_path / "kg.nq.gz"
    r = CliRunner().invoke(main, ["export", "--format", "nq", "--gzip", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "sha256" in r.output
    parsed = list(ox.parse(gzip.decompress(out.read_bytes()), format=ox.RdfFormat.N_QUADS))
    assert BASE + "graph/zczmbf-2021-9" in {q.graph_name.value for q in parsed
                                           if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert sum(isinstance(q.graph_name, ox.DefaultGraph) for q in parsed) > 20_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq.gz"]      # no temporary left


@pytest.mark.parametrize("args, message", [
    (["--format", "nt", "-o", "{tmp}/missing/x.nt"], "does not exist"),
    (["--format", "ttl", "-o", str(resources.default_output())], "is an input of the dataset"),
    (["--format", "xml"], "Invalid value for '--format'"),
])
def test_policykg_export_refuses_bad_outputs(args, message, tmp_path):
    before = resources.default_output().read_bytes()
    r = CliRunner().invoke(main, ["export", *[a.replace("{tmp}", str(tmp_path)) for a in args]])
    assert r.exit_code == 2 and message in r.output
    assert resources.default_output().read_bytes() == before


# --- DCAT-AP ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dcat(store, dumps):
    return dataset.dcat_graph(store, list(dumps.values()))


@pytest.fixture(scope="module")
def dcat_shapes():
    g = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        g.parse(resources.path("shapes", "dcat-ap", name))
    return g


def test_the_recommended_dcat_ap_shapes_only_warn(dcat):
    # what the recommended properties still miss (contact point, geometry, dates) is a warning
    shapes = Graph().parse(resources.path("shapes", "dcat-ap", "shapes_recommended.ttl"))
    conforms, violations = shacl(dcat, shapes)
    assert violations == []


def shacl(data, shapes):
    from pyshacl import validate
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none")
    SH = "http://www.w3.org/ns/shacl#"
    violations = list(report.subjects(URIRef(SH + "resultSeverity"), URIRef(SH + "Violation")))
    return conforms, violations


def test_the_dcat_ap_shapes_are_vendored_with_their_source():
    folder = resources.path("shapes", "dcat-ap")
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "SOURCES.md"):
        assert (folder / name).is_file()
    assert "SEMICeu/DCAT-AP" in (folder / "SOURCES.md").read_text(encoding="utf-8")


def test_the_dcat_description_passes_the_dcat_ap_shapes(dcat, dcat_shapes):
    conforms, violations = shacl(dcat, dcat_shapes)
    assert conforms and violations == []


def test_the_dcat_ap_shapes_do_find_a_broken_description(dcat, dcat_shapes):
    broken = Graph()
    for t in dcat:
        if t[1] not in (DCTERMS.title, DCAT.accessURL):
            broken.add(t)
    conforms, violations = shacl(broken, dcat_shapes)
    assert not conforms and len(violations) >= 1 + 12          # the dataset's title, each accessURL


def test_the_dcat_description_is_generated_from_the_data(dcat, dumps, default_graph):
    g, ds = dcat, dataset.DATASET
    for node in (dataset.CATALOG, ds):
        assert {o.language for o in g.objects(node, DCTERMS.title)} == {"zh", "en"}
        assert {o.language for o in g.objects(node, DCTERMS.description)} == {"zh", "en"}
        assert (g.value(node, DCTERMS.publisher), RDF.type, URIRef("http://xmlns.com/foaf/0.1/Agent")) in g
    # the data's licence and the code's, separately
    assert g.value(ds, DCTERMS.license) == dataset.DATA_LICENSE
    assert g.value(g.value(ds, DCTERMS.relation), DCTERMS.license) == dataset.CODE_LICENSE != dataset.DATA_LICENSE
    assert g.value(ds, DCTERMS.spatial) == place("620700")
    period = g.value(ds, DCTERMS.temporal)
    issued = default_graph.value(DOC, PKG.dateIssued)
    assert g.value(period, DCAT.startDate) == g.value(period, DCAT.endDate) == Literal(str(issued), datatype=XSD.date)
    assert g.value(ds, DCTERMS.conformsTo) == dataset.SHAPES
    # the source notice by its checksum, computed here from the file itself
    src = g.value(ds, URIRef("http://www.w3.org/ns/prov#hadPrimarySource"))
    assert str(src) == BASE + "doc/zczmbf-2021-9/source"
    value = g.value(g.value(src, dataset.SPDX.checksum), dataset.SPDX.checksumValue)
    text = resources.default_source().read_bytes().decode("utf-8")
    assert str(value) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    # one distribution per dump, with its size and checksum
    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) == len(dumps) == 12
    for dist in dists:
        name = str(g.value(dist, DCAT.downloadURL)).rsplit("/", 1)[1]
        assert int(g.value(dist, DCAT.byteSize)) == dumps[name].size
        assert str(g.value(g.value(dist, dataset.SPDX.checksum), dataset.SPDX.checksumValue)) == dumps[name].sha256


# --- VoID -------------------------------------------------------------------------------------

def count(store, query) -> int:
    return int(next(iter(store.store.query(query)))[0].value)


def test_every_void_count_equals_the_sparql_count(store, dumps):
    v = dataset.void_graph(store, list(dumps.values()))
    V = dataset.VOID
    ds = dataset.DATASET
    n = lambda node, p: int(v.value(node, p))                                       # noqa: E731
    assert n(ds, V.triples) == count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == len(store_graph(store))
    assert n(ds, V.entities) == count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o "
                                             f"FILTER (isIRI(?s) && STRSTARTS(STR(?s), '{BASE}')) }}")
    assert n(ds, V.classes) == count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")
    assert n(ds, V.properties) == count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")
    parts = list(v.objects(ds, V.classPartition))
    assert len(parts) == n(ds, V.classes)
    for part in parts:
        cls = v.value(part, V["class"])
        assert n(part, V.entities) == count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{cls}> }}"), cls
    parts = list(v.objects(ds, V.propertyPartition))
    assert len(parts) == n(ds, V.properties)
    for part in parts:
        p = v.value(part, V.property)
        assert n(part, V.triples) == count(store, f"SELECT (COUNT(*) AS ?n) {{ ?s <{p}> ?o }}"), p
    # one linkset per target, its count that of the links its file states
    linksets = {str(ls).rsplit("/", 1)[1]: ls for ls in v.objects(ds, V.subset)}
    assert set(linksets) == {"wikidata", "official", "divisions"}
    for name, ls in linksets.items():
        f = Graph().parse(resources.path("data", "links", f"{name}.ttl"))
        stated = len(set(f.subjects(RDF.type, RDF.Statement)))
        assert n(ls, V.triples) == stated == count(store, dataset.linkset_query(name)), name
    assert n(linksets["wikidata"], V.triples) == 2
    assert v.value(ds, V.sparqlEndpoint) == dataset.SPARQL
    assert {str(o).rsplit("/", 1)[1] for o in v.objects(ds, V.dataDump)} == set(dumps)
    assert str(v.value(ds, V.uriSpace)) == BASE
    vocabularies = {str(o) for o in v.objects(ds, V.vocabulary)}
    assert {"https://w3id.org/policykg/ontology#", "http://www.w3.org/2004/02/skos/core#",
            "http://data.europa.eu/eli/ontology#", "http://www.w3.org/ns/org#"} <= vocabularies
    for ex in v.objects(ds, V.exampleResource):
        assert count(store, f"SELECT (COUNT(*) AS ?n) {{ <{ex}> ?p ?o }}") > 0, ex
