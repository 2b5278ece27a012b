"""Namespaces and the IRI scheme.

Data IRIs are derived from the document's identity and structure, so they stay
the same across rebuilds and read well:

    id/doc/{series}-{year}-{serial}                   the notice
    id/doc/{title}                                    a notice without a document number
    id/doc/{series}-{year}-{serial}/part/{n}          a part (一、…)
    id/doc/{series}-{year}-{serial}/measure/{n}       a measure (（n）…)
    …/measure/{n}/target/{k}                          its k-th quantitative target
    …/measure/{n}/mention/{kind}-{k}                  words behind one fact
    id/doc/{series}-{year}-{serial}/text/{start}-{end} a span of the source
    id/doc/{series}-{year}-{serial}/source            the source file
    id/body/{slug}, id/legal/{slug}                   registry entries
    id/instrument/{slug}, id/group/{slug}, id/platform/{slug}  vocabulary concepts
    id/body/{code}/{name}                             a body the registry lacks, under its
                                                      jurisdiction's GB/T 2260 code (id/body/310000/市财政局)
    id/body/unresolved/{name}, id/legal/unresolved/{title}  names the registries lack
                                                      (a body: when the notice's jurisdiction is unknown)
    id/place/{code}                                   an administrative division (id/place/620700)
"""
from __future__ import annotations

from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/policykg/id/"
PKG = Namespace("https://w3id.org/policykg/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
ID = Namespace(BASE)

PREFIXES = {
    "pkg": PKG, "eli": ELI, "org": ORG, "oa": OA, "skos": SKOS, "prov": PROV,
    "dct": DCTERMS, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
    "body": Namespace(BASE + "body/"), "legal": Namespace(BASE + "legal/"),
    "ins": Namespace(BASE + "instrument/"), "grp": Namespace(BASE + "group/"),
    "plt": Namespace(BASE + "platform/"), "place": Namespace(BASE + "place/"), "sch": Namespace(BASE + "scheme/"), "series": Namespace(BASE + "series/"),
}


def document(series_slug: str, year: int, serial: int) -> URIRef:
    return ID[f"doc/{series_slug}-{year}-{serial}"]


def document_titled(title: str) -> URIRef:
    """A notice the text gives no document number: named by its title."""
    return ID["doc/" + quote(title, safe="")]


def part(doc: URIRef, n: int) -> URIRef:
    return URIRef(f"{doc}/part/{n}")


def measure(doc: URIRef, n: int) -> URIRef:
    return URIRef(f"{doc}/measure/{n}")


def target(measure_iri: URIRef, k: int) -> URIRef:
    return URIRef(f"{measure_iri}/target/{k}")


def mention(owner: URIRef, kind: str, k: int | str) -> URIRef:
    return URIRef(f"{owner}/mention/{kind}-{k}")


def span(doc: URIRef, start: int, end: int) -> URIRef:
    return URIRef(f"{doc}/text/{start}-{end}")


def source(doc: URIRef) -> URIRef:
    return URIRef(f"{doc}/source")


def unresolved_body(name: str) -> URIRef:
    return ID["body/unresolved/" + quote(name, safe="")]


def body_in(code: str, name: str) -> URIRef:
    """A body the registry does not know, under the division it belongs to."""
    return ID[f"body/{code}/" + quote(name, safe="")]


def place(code: str) -> URIRef:
    return ID[f"place/{code}"]


def unresolved_document(title: str) -> URIRef:
    return ID["legal/unresolved/" + quote(title, safe="")]
