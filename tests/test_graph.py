"""The whole graph, checked against what the notice says (read by hand)."""
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from policykg.iris import BASE, OA, PKG

DOC = URIRef(BASE + "doc/zczmbf-2021-9")
BODY = BASE + "body/"
LEGAL = BASE + "legal/"


def measure(n):
    return URIRef(f"{DOC}/measure/{n}")


def objects(graph, s, p):
    return {str(o).removeprefix(BODY).removeprefix(LEGAL) for o in graph.objects(s, p)}


def test_counts(graph):
    assert len(set(graph.subjects(RDF.type, PKG.Part))) == 7
    assert len(set(graph.subjects(RDF.type, PKG.Measure))) == 35
    assert sorted(int(n) for m in graph.subjects(RDF.type, PKG.Measure)
                  for n in graph.objects(m, PKG.number)) == list(range(1, 36))


def test_document(graph):
    assert graph.value(DOC, PKG.documentNumber) == Literal("张促中民办发〔2021〕9号")
    assert graph.value(DOC, PKG.dateIssued) == Literal("2021-07-01", datatype=XSD.date)
    assert objects(graph, DOC, PKG.issuedBy) == {"zhangye-sme-leading-group-office"}
    assert objects(graph, DOC, PKG.implements) == {"gansu-sme-implementation-opinion"}
    assert objects(graph, DOC, PKG.addressedTo) == {
        "zhangye-county-governments", "zhangye-etdz", "zhangye-sme-leading-group-members",
        "zhangye-county-courts", "zhangye-county-procuratorates"}
    # the implemented document's issuers named in the preamble
    opinion = URIRef(LEGAL + "gansu-sme-implementation-opinion")
    assert {"gansu-miit", "gansu-drc", "gansu-most", "gansu-high-court", "gansu-procuratorate"} <= \
        objects(graph, opinion, PKG.issuedBy)


def test_measure_structure(graph):
    m = measure(9)
    assert graph.value(m, PKG.inPart) == URIRef(f"{DOC}/part/2")
    assert graph.value(m, PKG.title) == Literal("严格执行政府采购支持中小企业政策机制", lang="zh")
    assert (URIRef(f"{DOC}/part/2"), PKG.hasPart, m) in graph


def test_responsible_bodies(graph):
    assert objects(graph, measure(9), PKG.responsibleBody) == {"zhangye-finance"}
    assert objects(graph, measure(4), PKG.responsibleBody) == {"zhangye-statistics", "zhangye-miit"}
    assert graph.value(measure(4), PKG.responsibleListOpen) == Literal(False)
    assert graph.value(measure(9), PKG.responsibleListOpen) == Literal(True)
    assert objects(graph, measure(29), PKG.responsibleBody) == {
        "zhangye-intermediate-court", "zhangye-procuratorate", "zhangye-justice",
        "zhangye-public-security", "zhangye-samr", "zhangye-sasac"}
    assert objects(graph, measure(33), PKG.responsibleBody) == {"zhangye-sme-leading-group-members"}
    assert len(objects(graph, measure(34), PKG.responsibleBody)) == 18


def test_spelling_variants_resolve_to_one_body(graph):
    cbirc = URIRef(BODY + "cbirc-zhangye")
    procuratorate = URIRef(BODY + "zhangye-procuratorate")
    written = {}
    for mention in graph.subjects(PKG.denotes, cbirc):
        written.setdefault("cbirc", set()).add(str(graph.value(mention, OA.exact)))
    for mention in graph.subjects(PKG.denotes, procuratorate):
        written.setdefault("proc", set()).add(str(graph.value(mention, OA.exact)))
    assert written["cbirc"] == {"张掖银保监分局", "张掖银保分监局"}   # the typo in measures 10 and 11
    assert written["proc"] == {"市人民检察院", "市检察院"}
    assert cbirc in set(graph.objects(measure(10), PKG.responsibleBody))
    assert cbirc in set(graph.objects(measure(12), PKG.responsibleBody))


def test_implementers_apply_to_every_measure(graph):
    for n in range(1, 36):
        assert objects(graph, measure(n), PKG.implementingBody) == {"zhangye-county-governments", "zhangye-etdz"}, n


def test_citations(graph):
    assert objects(graph, measure(1), PKG.cites) == {
        "sme-promotion-law", "gansu-sme-promotion-regulation", "gansu-smme-high-quality-measures",
        "zhangye-shiqiang-shuangbai-opinion"}
    assert objects(graph, measure(3), PKG.cites) == {"fair-competition-review-rules-2021"}
    assert objects(graph, measure(9), PKG.cites) == {"gov-procurement-sme-interim-measures"}
    # the version of the payment regulation in force on 2021-07-01
    assert objects(graph, measure(30), PKG.cites) == {"sme-payment-regulation-2020"}
    assert objects(graph, measure(25), PKG.plansDocument) == {"zhangye-policy-push-system"}
    assert objects(graph, measure(25), PKG.cites) == set()
    # the notice's own title is never a citation
    assert not any("若干措施》" in str(o) for o in graph.objects(None, OA.exact)
                   if str(o).startswith("《关于进一步健全支持中小企业发展制度的若干"))


def test_targets(graph):
    def targets(n):
        return sorted((float(graph.value(t, PKG.value)), str(graph.value(t, PKG.unit)).split("#")[1],
                       str(graph.value(t, PKG.comparator)).split("#")[1])
                      for t in graph.objects(measure(n), PKG.hasTarget))
    assert targets(9) == [(30.0, "percent", "atLeast"), (60.0, "percent", "atLeast")]
    assert targets(16) == [(1.5, "percent", "atMost")]
    assert targets(19) == [(1.0, "year", "atLeast"), (2.0, "year", "atMost")]
    assert targets(20) == [(1.0, "hundredMillionYuan", "atLeast"), (10.0, "hundredMillionYuan", "atLeast")]
    assert sum(1 for _ in graph.subjects(RDF.type, PKG.QuantitativeTarget)) == 7


def test_instruments_and_groups(graph):
    ins = BASE + "instrument/"
    grp = BASE + "group/"
    assert URIRef(ins + "procurement") in set(graph.objects(measure(9), PKG.usesInstrument))
    assert URIRef(ins + "tax") in set(graph.objects(measure(8), PKG.usesInstrument))
    assert URIRef(ins + "finance") in set(graph.objects(measure(16), PKG.usesInstrument))
    served17 = set(graph.objects(measure(17), PKG.servesTargetGroup))
    assert {URIRef(grp + "graduates"), URIRef(grp + "veterans"), URIRef(grp + "returnees")} <= served17
    served9 = set(graph.objects(measure(9), PKG.servesTargetGroup))
    assert {URIRef(grp + "sme"), URIRef(grp + "small-micro")} <= served9


def test_every_quote_equals_the_source_slice(graph, source_text):
    spans = set(graph.subjects(OA.exact, None))
    assert len(spans) > 400
    for s in spans:
        start, end = int(graph.value(s, OA.start)), int(graph.value(s, OA.end))
        assert source_text[start:end] == str(graph.value(s, OA.exact)), s


def test_every_fact_about_a_measure_has_a_mention(graph):
    props = [PKG.responsibleBody, PKG.implementingBody, PKG.cites, PKG.plansDocument,
             PKG.usesInstrument, PKG.servesTargetGroup]
    for m in graph.subjects(RDF.type, PKG.Measure):
        for p in props:
            for o in graph.objects(m, p):
                assert any((mn, PKG.forProperty, p) in graph and (mn, PKG.denotes, o) in graph
                           for mn in graph.objects(m, PKG.hasMention)), (m, p, o)


def test_no_blank_nodes_and_stable_iris(graph):
    from rdflib import BNode
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)
    assert (measure(35), RDF.type, PKG.Measure) in graph


def test_literal_facts_point_at_their_words(graph):
    def exact(s, p):
        return str(graph.value(graph.value(s, p), OA.exact))
    assert exact(DOC, PKG.dateSpan) == "2021年7月1日"
    assert exact(DOC, PKG.textSpan) == "张促中民办发〔2021〕9号"
    assert exact(DOC, PKG.noticeTitleSpan).replace("\n", "") == str(graph.value(DOC, PKG.noticeTitle))
    assert exact(measure(21), PKG.headingSpan) == "（二十一）健全支持中小企业“专精特新”发展机制"
    assert exact(URIRef(f"{DOC}/part/7"), PKG.headingSpan) == "七、强化中小企业发展组织保障制度"


# --- notices of the corpus forms (tests/fixtures/notices): the graph layer copes ----------

def test_corpus_fixtures_give_a_graph_or_a_clear_error(registry):
    """Headers without number, issuer or date still give a graph, named by the title."""
    from pathlib import Path

    import pytest

    from policykg import iris
    from policykg.extract import ExtractError
    from policykg.pipeline import extract
    notices = Path(__file__).parent / "fixtures" / "notices"
    built = {name: extract(notices / f"{name}.txt", registry)
             for name in ("hunan-2024-work-points", "chengdu-2023-private-economy",
                          "shanghai-2024-road-transport")}
    hunan = built["hunan-2024-work-points"]
    doc = iris.document_titled("湖南省2024年优化营商环境工作要点")
    assert (doc, RDF.type, PKG.PolicyDocument) in hunan.graph
    for p in (PKG.documentNumber, PKG.dateIssued, PKG.issuedBy, PKG.noticeTitle):
        assert hunan.graph.value(doc, p) is None
    measures = {int(hunan.graph.value(m, PKG.number)): m for m in hunan.graph.subjects(RDF.type, PKG.Measure)}
    assert sorted(measures) == [n for n in range(1, 22) if n != 9]
    assert hunan.graph.value(measures[20], PKG.numeral) is None      # an unnumbered paragraph
    assert hunan.graph.value(measures[19], PKG.title) == Literal("加强组织领导", lang="zh")
    assert any("no issue date" in w for w in hunan.warnings)
    chengdu = built["chengdu-2023-private-economy"]
    assert (iris.document_titled("成都市进一步促进民营经济发展壮大若干措施"), PKG.dateIssued,
            Literal("2023-09-18", datatype=XSD.date)) in chengdu.graph
    # a name written without its level prefix resolves under the full name, in Shanghai (310000)
    shanghai = built["shanghai-2024-road-transport"]
    m1 = URIRef(f"{BASE}doc/沪府办发-2024-7/measure/1")
    assert iris.body_in("310000", "市规划资源局") in set(shanghai.graph.objects(m1, PKG.supportingBody))
    with pytest.raises(ExtractError, match=r"guangdong-2023-consumption.txt:1:1: no title"):
        extract(notices / "guangdong-2023-consumption.txt", registry)


def test_a_notice_titled_by_the_caller_gives_a_graph(registry):
    from pathlib import Path

    from policykg import iris
    from policykg.extract import parse
    from policykg.graph import to_graph
    path = Path(__file__).parent / "fixtures" / "notices" / "guangdong-2023-consumption.txt"
    text = path.read_text(encoding="utf-8")
    doc = parse(text, path.name, title="广东省进一步扩大消费若干措施")
    graph, warnings = to_graph(doc, registry, text, path.name)
    d = iris.document_titled("广东省进一步扩大消费若干措施")
    assert graph.value(d, PKG.dateIssued) == Literal("2023-06-20", datatype=XSD.date)
    assert graph.value(d, PKG.titleSpan) is None                      # the title is not in the text
    assert len(set(graph.subjects(RDF.type, PKG.Measure))) == 12
    # 广东省… (the caller's title) → 440000: 省商务厅 is Guangdong's, not Gansu's or Hunan's
    assert any("unknown bodies kept as unresolved" in w and "«省商务厅» (440000; at " in w for w in warnings)


# --- jurisdictions: bodies per place, places in the graph ------------------------------------

def place_iri(code):
    return URIRef(f"{BASE}place/{code}")


def test_the_notice_is_zhangyes_and_its_places_are_in_the_graph(graph):
    from rdflib.namespace import DCTERMS, RDFS
    assert graph.value(DOC, DCTERMS.spatial) == place_iri("620700")
    for code, name, parent in (("620700", "张掖市", "620000"), ("620000", "甘肃省", "100000"),
                               ("100000", "中华人民共和国", None)):
        p = place_iri(code)
        assert (p, RDF.type, PKG.Place) in graph
        assert graph.value(p, PKG.divisionCode) == Literal(code)
        assert graph.value(p, RDFS.label) == Literal(name, lang="zh")
        assert graph.value(p, DCTERMS.isPartOf) == (place_iri(parent) if parent else None)
    assert graph.value(place_iri("620700"), PKG.divisionLevel) == PKG.MunicipalLevel
    # only the places the notice's bodies belong to or serve: 各县区人民政府 serves each of
    # Zhangye's six counties; no other county, no other province
    counties = {"620702", "620721", "620722", "620723", "620724", "620725"}
    assert {str(graph.value(p, PKG.divisionCode)) for p in graph.subjects(RDF.type, PKG.Place)} == \
        {"620700", "620000", "100000"} | counties
    for code in counties:
        assert graph.value(place_iri(code), DCTERMS.isPartOf) == place_iri("620700")
        assert graph.value(place_iri(code), PKG.divisionLevel) == PKG.CountyLevel
    # the notice in ELI's terms as well
    from policykg.iris import ELI
    assert graph.value(DOC, ELI.jurisdiction) == graph.value(DOC, ELI.relevant_for) == place_iri("620700")
    assert not set(graph.subjects(RDF.type, PKG.UnresolvedBody))


NOTICES = __import__("pathlib").Path(__file__).parent / "fixtures" / "notices"


def built_fixture(name, registry, **kw):
    from policykg.pipeline import extract
    return extract(NOTICES / f"{name}.txt", registry, **kw)


def bodies_of(g):
    """Every body the notice names (what its mentions denote)."""
    return {o for o in g.objects(None, PKG.denotes) if str(o).startswith(BODY)}


def unknown_warnings(result):
    return [w for w in result.warnings if "kept as unresolved:" in w]


def test_shanghai_and_chengdu_bodies_are_their_own(registry):
    from rdflib.namespace import DCTERMS

    from policykg import iris
    shanghai = built_fixture("shanghai-2024-road-transport", registry)
    chengdu = built_fixture("chengdu-2023-private-economy", registry)
    for result, code, parent in ((shanghai, "310000", "100000"), (chengdu, "510100", "510000")):
        g = result.graph
        doc = next(g.subjects(RDF.type, PKG.PolicyDocument))
        assert g.value(doc, DCTERMS.spatial) == place_iri(code)
        assert g.value(place_iri(code), DCTERMS.isPartOf) == place_iri(parent)
        bodies = bodies_of(g)
        # none of Zhangye's (or Gansu's) bodies: every one is under the notice's own place
        assert bodies and all(str(b).startswith(f"{BASE}body/{code}/") for b in bodies)
        for b in bodies:
            assert (b, RDF.type, PKG.UnresolvedBody) in g
            assert g.value(b, PKG.jurisdiction) == place_iri(code)
        # one warning for the notice, naming every unknown body once
        (warning,) = unknown_warnings(result)
        assert f"{len(bodies)} unknown bodies kept as unresolved" in warning
    # the level prefix a list dropped is restored: 市发展改革委、财政局 → 市财政局
    m1 = URIRef(f"{BASE}doc/沪府办发-2024-7/measure/1")
    assert iris.body_in("310000", "市财政局") in set(shanghai.graph.objects(m1, PKG.supportingBody))
    assert "«市财政局» (310000; at 15:22, 34:50)" in unknown_warnings(shanghai)[0]
    # two cities that both write 市财政局: two bodies
    assert iris.body_in("510100", "市财政局") in bodies_of(chengdu.graph)
    assert iris.body_in("310000", "市财政局") != iris.body_in("510100", "市财政局")
    # typed by the ending of their names
    g = shanghai.graph
    assert g.value(iris.body_in("310000", "市大数据中心"), PKG.bodyKind) == PKG.PublicInstitution
    assert g.value(iris.body_in("310000", "久事集团"), PKG.bodyKind) == PKG.Enterprise
    assert g.value(iris.body_in("310000", "市交通委（市道运局）"), PKG.bodyKind) == PKG.AdministrativeOrgan
    assert (iris.body_in("310000", "各区政府"), RDF.type, PKG.CollectiveBody) in g
    assert chengdu.graph.value(iris.body_in("510100", "市中级人民法院"), PKG.bodyKind) == PKG.JudicialOrgan


def test_hunans_provincial_bodies_are_not_gansus(registry):
    from policykg import iris
    hunan = built_fixture("hunan-2024-work-points", registry)
    bodies = bodies_of(hunan.graph)
    assert iris.body_in("430000", "省发展改革委") in bodies         # Gansu's 省发展改革委 is gansu-drc
    assert not {b for b in bodies if not str(b).startswith(f"{BASE}body/430000/")}
    assert len(unknown_warnings(hunan)) == 1


def test_a_name_with_its_city_resolves_in_any_notice(registry, tmp_path):
    text = (NOTICES / "chengdu-2023-private-economy.txt").read_text(encoding="utf-8")
    assert "人行成都分行营管部、市财政局按职责分工负责" in text
    src = tmp_path / "chengdu.txt"
    src.write_text(text.replace("人行成都分行营管部、市财政局按职责分工负责", "人行成都分行营管部、张掖市财政局按职责分工负责"),
                   encoding="utf-8")
    from policykg.pipeline import extract
    g = extract(src, registry).graph
    assert URIRef(BODY + "zhangye-finance") in bodies_of(g)
    assert URIRef(f"{BASE}place/620700") in set(g.subjects(RDF.type, PKG.Place))   # its place comes along


def test_the_caller_gives_the_jurisdiction(registry):
    """示例市 is no place: the header gives none, so names resolve against the whole registry
    (and say so); given Zhangye's code, unknown names are Zhangye's."""
    import pytest

    from policykg import iris
    guessed = built_fixture("other-genre", registry)
    assert any("jurisdiction is unknown" in w for w in guessed.warnings)
    assert iris.unresolved_body("市数据局") in bodies_of(guessed.graph)
    given = built_fixture("other-genre", registry, jurisdiction="620700")
    assert not any("jurisdiction is unknown" in w for w in given.warnings)
    bodies = bodies_of(given.graph)
    assert {URIRef(BODY + "zhangye-miit"), URIRef(BODY + "zhangye-finance"),
            iris.body_in("620700", "市数据局")} <= bodies
    with pytest.raises(ValueError, match="unknown jurisdiction"):
        built_fixture("other-genre", registry, jurisdiction="310100")


def test_a_notice_of_another_city_validates(registry):
    from policykg.validate import validate_graph
    report = validate_graph(built_fixture("chengdu-2023-private-economy", registry).graph)
    violations = {(f.shape, f.path) for f in report.findings if f.severity == "Violation"}
    # bodies, jurisdictions and places conform; what the notice lacks (a document number) is a warning
    assert violations == set()
    assert any(f.path == str(PKG.documentNumber) for f in report.findings if f.severity == "Warning")
    assert any(f.shape.endswith("UnresolvedBodyMentionShape") for f in report.findings
               if f.severity == "Warning" and f.shape)


def test_regression_an_unknown_planned_document_is_typed_planned_not_in_force(tmp_path, registry):
    """制定出台《…》 names a document still to be drafted: unresolved, it must not pass for a
    legal document in force (which the citation queries count)."""
    from policykg.iris import unresolved_document
    from policykg.pipeline import extract
    source = tmp_path / "plans.txt"
    source.write_text("示例市支持小微企业若干措施\n为支持小微企业，制定以下措施。\n一、加大支持\n（一）完善制度\n"
                      "研究制定《示例市小微企业贷款风险补偿办法》，落实《示例市小微企业现行扶持办法》。"
                      "（市财政局负责）\n", encoding="utf-8")
    g = extract(source, registry).graph
    planned = unresolved_document("示例市小微企业贷款风险补偿办法")
    cited = unresolved_document("示例市小微企业现行扶持办法")
    assert set(g.objects(planned, RDF.type)) == {PKG.UnresolvedDocument, PKG.PlannedDocument}
    assert set(g.objects(cited, RDF.type)) == {PKG.UnresolvedDocument, PKG.LegalDocument}
    (measure_iri,) = g.subjects(RDF.type, PKG.Measure)
    assert list(g.objects(measure_iri, PKG.plansDocument)) == [planned]
    assert list(g.objects(measure_iri, PKG.cites)) == [cited]
