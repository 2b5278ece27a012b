"""Notices that implement notices: each lower measure's candidates in the higher notice.

When a notice of the corpus implements or cites another one (the `notice-links`
saved query finds them, by document number or title), each of its measures is
matched against the higher notice's measures with the legal-basis matcher: the
higher notice's sentences stand where a law's paragraphs stood. A candidate
keeps its score and the words both measures share, as evidence.

This is the close-wording signal (`link`) alone, not `find_basis`: what
find_basis adds reads law texts (chapter titles, penalty, purpose and
supervision articles, one-subject laws) and its levels are calibrated on
measure → article labels; a notice's measures have none of these, and a
lower notice restates its higher one closely (Jiading's tasks copy
Shanghai's). A measure's links to law articles are the graph's own
(pkg:hasLegalBasis, from find_basis at build and ingest): a chain lower
measure → higher measure → article is to follow those; nothing here recomputes them.

Computed when a store holding a corpus is opened, from the graphs it already
holds (a few dozen sentences per pair: milliseconds), into the named graph
`…/graph/correspondences`; nothing is extracted again.
"""
from __future__ import annotations

import hashlib

from .legal_basis import RESTS_ON, Passage, link, normalise, sentences, without_roles
from .store import EmbeddedStore

GRAPH = "https://w3id.org/policykg/id/graph/correspondences"
PKG = "https://w3id.org/policykg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"

MEASURES = "SELECT ?m ?n ?text WHERE { ?m a pkg:Measure ; pkg:inDocument ?doc ; pkg:number ?n ; pkg:text ?text }"


def pairs(store: EmbeddedStore) -> list[tuple[str, str]]:
    """(lower notice, higher notice) for every implementing or citing link of the corpus."""
    from .queries import run_saved_query
    rows = run_saved_query(store, "notice-links").dicts()
    return sorted({(r["notice"].value, r["higher"].value) for r in rows})


def measures(store: EmbeddedStore, doc: str) -> dict[int, tuple[str, str]]:
    from .results import Term
    rows = store.select(MEASURES, {"doc": Term.iri(doc)}).dicts()
    return {int(r["n"].value): (r["m"].value, r["text"].value) for r in rows}


def correspondences(lower: dict[int, tuple[str, str]], higher: dict[int, tuple[str, str]], higher_doc: str):
    """(lower measure IRI, higher measure IRI, score, shared words) for each candidate above the threshold."""
    passages = []
    for n, (_, text) in sorted(higher.items()):
        text = without_roles(text)
        for k, s in enumerate(sentences(n, text, 0)):
            passages.append(Passage(higher_doc, n, k, s.start, s.end, normalise(text[s.start:s.end], s.start)))
    sents = [s for n, (_, text) in sorted(lower.items()) for s in sentences(n, without_roles(text), 0)]
    out = []
    for found in link(sents, passages, rests_on=RESTS_ON):
        text = lower[found.measure][1]
        shared = "、".join(dict.fromkeys(text[a:b] for a, b in found.measure_runs))
        out.append((lower[found.measure][0], higher[found.article][0], found.score, shared))
    return out


def add_correspondences(store: EmbeddedStore) -> int:
    """Match the measures of every linked pair of notices in `store`; how many candidates were added."""
    ox = store._ox
    graph = ox.NamedNode(GRAPH)
    added = 0
    for lower_doc, higher_doc in pairs(store):
        higher = measures(store, higher_doc)
        for lower_iri, higher_iri, score, shared in correspondences(measures(store, lower_doc), higher, higher_doc):
            node = ox.NamedNode(lower_iri + "/corresponds/" + hashlib.sha1(higher_iri.encode()).hexdigest()[:12])
            facts = [(RDF_TYPE, ox.NamedNode(PKG + "MeasureCorrespondence")),
                     (PKG + "lowerMeasure", ox.NamedNode(lower_iri)), (PKG + "higherMeasure", ox.NamedNode(higher_iri)),
                     (PKG + "score", ox.Literal(str(score), datatype=ox.NamedNode(XSD_DECIMAL))),
                     (PKG + "sharedWords", ox.Literal(shared, language="zh"))]
            for p, o in facts:
                for g in (ox.DefaultGraph(), graph):
                    store.store.add(ox.Quad(node, ox.NamedNode(p), o, g))
            added += 1
    return added
