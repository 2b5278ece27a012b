"""Links out of the graph: one linkset file per target in data/links/.

    wikidata.ttl    skos:exactMatch to Wikidata items (verified ones only; never owl:sameAs)
    official.ttl    rdfs:seeAlso from a law version to its official publication
    divisions.ttl   rdfs:seeAlso from a place to the National Bureau of Statistics' page of its
                    GB/T 2260 code (generated from the places of the data: `division_links`)

Every link is asserted and described by an rdf:Statement that names its source
(dct:source) and its linkset (dct:isPartOf), so a consumer can weigh each link.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from . import places, resources
from .iris import BASE, PKG

VOID = Namespace("http://rdfs.org/ns/void#")
LINKSET = Namespace(BASE + "linkset/")
WIKIDATA = "http://www.wikidata.org/entity/"
TARGETS = ("wikidata", "official", "divisions")

# the statistical division codes of 2023 (what data/divisions/ copies), one page per division;
# the page scheme is the one the vendored list was crawled with (modood's lib/fetch.js)
NBS_2023 = "https://www.stats.gov.cn/sj/tjbz/tjyqhdmhcxhfdm/2023/"
CRAWLER = URIRef("https://github.com/modood/Administrative-divisions-of-China/blob/57a0aa9/lib/fetch.js")


class LinkError(ValueError):
    """A linkset file breaks the rules: a link without its source, or owl:sameAs to Wikidata."""


def files() -> list[Path]:
    return [resources.path("data", "links", f"{t}.ttl") for t in TARGETS]


def nbs_page(code: str) -> str:
    """The NBS 2023 page that lists a division's subdivisions: 62.html for 甘肃省,
    62/6207.html for 张掖市, 62/07/620702.html for 甘州区, index.html for the country."""
    p = places.place(code)
    if p is None:
        raise ValueError(f"unknown division code {code!r}")
    if p.level == "national":
        return NBS_2023 + "index.html"
    if p.level == "province":
        return NBS_2023 + f"{code[:2]}.html"
    if p.level == "city":
        return NBS_2023 + f"{code[:2]}/{code[:4]}.html"
    return NBS_2023 + f"{code[:2]}/{code[2:4]}/{code}.html"


def division_links(codes) -> Graph:
    """The divisions linkset for these places: each place rdfs:seeAlso its NBS page."""
    g = Graph()
    g.bind("rdfs", RDFS), g.bind("dct", DCTERMS), g.bind("void", VOID), g.bind("ls", LINKSET)
    g.bind("place", Namespace(BASE + "place/"))
    ls = LINKSET.divisions
    g.add((ls, RDF.type, VOID.Linkset))
    g.add((ls, RDFS.label, Literal("policykg → GB/T 2260 division codes (NBS 2023)", lang="en")))
    g.add((ls, RDFS.label, Literal("policykg 与国家统计局区划代码页面的链接", lang="zh")))
    g.add((ls, VOID.linkPredicate, RDFS.seeAlso))
    g.add((ls, VOID.objectsTarget, URIRef(NBS_2023 + "index.html")))
    for code in sorted(set(codes)):
        subject, page = URIRef(BASE + f"place/{code}"), URIRef(nbs_page(code))
        g.add((subject, RDFS.seeAlso, page))
        st = LINKSET[f"divisions-place-{code}"]
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, DCTERMS.isPartOf, ls))
        g.add((st, RDF.subject, subject))
        g.add((st, RDF.predicate, RDFS.seeAlso))
        g.add((st, RDF.object, page))
        g.add((st, DCTERMS.source, CRAWLER))
        g.add((st, DCTERMS.source, URIRef(NBS_2023 + "index.html")))
    return g


def places_in(graph: Graph) -> set[str]:
    """The division codes of the places a graph holds."""
    return {str(code) for code in graph.objects(None, PKG.divisionCode)}


def check(graph: Graph, where: str = "linkset") -> None:
    """Every link has a statement with a source, every statement its link; no owl:sameAs to Wikidata."""
    for s, o in graph.subject_objects(OWL.sameAs):
        if str(o).startswith(WIKIDATA) or str(s).startswith(WIKIDATA):
            raise LinkError(f"{where}: owl:sameAs {s} {o}: links to Wikidata are skos:exactMatch")
    stated = set()
    for st in graph.subjects(RDF.type, RDF.Statement):
        triple = (graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object))
        if None in triple:
            raise LinkError(f"{where}: statement {st} lacks its subject, predicate or object")
        if triple not in graph:
            raise LinkError(f"{where}: statement {st} describes a link the file does not assert")
        if graph.value(st, DCTERMS.source) is None:
            raise LinkError(f"{where}: statement {st} has no dct:source")
        if graph.value(st, DCTERMS.isPartOf) is None:
            raise LinkError(f"{where}: statement {st} names no linkset (dct:isPartOf)")
        stated.add(triple)
    for ls in graph.subjects(RDF.type, VOID.Linkset):
        for p in graph.objects(ls, VOID.linkPredicate):
            for s, o in graph.subject_objects(p):
                if (s, p, o) not in stated:
                    raise LinkError(f"{where}: the link {s} {p} {o} has no statement naming its source")


DIVISIONS_HEADER = """\
# Generated by policykg.links.write_divisions() from the places of data/measures.ttl:
# each place rdfs:seeAlso the page of its GB/T 2260 code in the National Bureau of
# Statistics' 2023 division codes (the release data/divisions/ copies). Do not edit;
# a test fails when it is stale.
"""


def divisions_text(data: Path | None = None) -> str:
    """The divisions linkset file for the places of `data` (default data/measures.ttl)."""
    from .serialize import to_turtle
    g = Graph()
    g.parse(data or resources.default_output())
    links = division_links(places_in(g))
    prefixes = {p: ns for p, ns in links.namespaces() if p in ("rdf", "rdfs", "dct", "void", "ls", "place")}
    return DIVISIONS_HEADER + to_turtle(links, prefixes)


def write_divisions() -> Path:
    from .pipeline import atomic_write
    path = files()[TARGETS.index("divisions")]
    atomic_write(path, divisions_text())
    return path
