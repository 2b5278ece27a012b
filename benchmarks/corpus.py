"""Synthetic corpora for benchmarks: n copies of the shipped notice.

Copy k gets its own document IRI and number (…〔2021〕k号), so measure,
part and span IRIs are distinct while bodies, documents and concepts are
shared, as they would be across real notices of one city.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from policykg import resources
from policykg.iris import BASE, PKG
from policykg.validate import load_rdf

DOC = BASE + "doc/zczmbf-2021-9"


def shipped() -> Graph:
    """The notice's graph with its legal basis (both are copied per notice)."""
    g = load_rdf(resources.default_output())
    return load_rdf(resources.default_output().with_name("legal-basis.ttl"), g)


def shared_files() -> list:
    """What every notice of a corpus points into: ontology, registries, law texts."""
    return resources.ontology_files() + resources.registry_files() + [resources.default_output().with_name("laws.ttl")]


def corpus(n: int, base: Graph | None = None) -> Graph:
    """n notices: the shipped one and n-1 renamed copies."""
    base = base if base is not None else shipped()
    if n == 1:
        return base
    out = Graph()
    for k in range(1, n + 1):
        prefix = DOC if k == 1 else f"{DOC}-copy{k}"

        def rename(term, prefix=prefix):
            if isinstance(term, URIRef) and str(term).startswith(DOC):
                return URIRef(prefix + str(term)[len(DOC):])
            return term
        for s, p, o in base:
            if p == PKG.documentNumber and k > 1:
                o = Literal(f"张促中民办发〔2021〕{1000 + k}号")
            out.add((rename(s), p, rename(o)))
    return out
