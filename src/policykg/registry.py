"""Registries (bodies, cited documents, document series) and vocabularies.

They are curated RDF files; this module reads them into plain lookups the
extractor and the graph step use: a name as written → one entity.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from . import resources
from .extract import PhraseMatcher
from .iris import PKG

NAME_PROPERTIES = (SKOS.prefLabel, PKG.abbreviation, SKOS.altLabel, SKOS.hiddenLabel)


class RegistryError(ValueError):
    """The registries contradict themselves (one name, two entities)."""


@dataclass(frozen=True)
class DocumentEntry:
    iri: URIRef
    in_force: str | None          # ISO date or None


@dataclass
class Registry:
    graph: Graph
    bodies: dict[str, URIRef] = field(default_factory=dict)
    collective: set[URIRef] = field(default_factory=set)
    documents: dict[str, list[DocumentEntry]] = field(default_factory=dict)
    series: dict[str, str] = field(default_factory=dict)
    instruments: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    platforms: dict[str, str] = field(default_factory=dict)

    def resolve_body(self, name: str) -> URIRef | None:
        return self.bodies.get(name)

    def resolve_document(self, title: str, on_date: str | None = None) -> URIRef | None:
        """The entry a cited title names; of several versions, the one in force on_date."""
        entries = self.documents.get(title, [])
        if len(entries) <= 1:
            return entries[0].iri if entries else None
        dated = sorted((e for e in entries if e.in_force and (on_date is None or e.in_force <= on_date)),
                       key=lambda e: e.in_force)
        return (dated[-1] if dated else min(entries, key=lambda e: str(e.iri))).iri

    def instrument_matcher(self) -> PhraseMatcher:
        return PhraseMatcher(self.instruments)

    def group_matcher(self) -> PhraseMatcher:
        return PhraseMatcher(self.groups)

    def platform_matcher(self) -> PhraseMatcher:
        return PhraseMatcher(self.platforms)


def _zh(graph: Graph, s: URIRef, p: URIRef) -> Iterable[str]:
    for o in graph.objects(s, p):
        if isinstance(o, Literal) and (o.language or "").startswith("zh"):
            yield str(o)


def _index(into: dict[str, URIRef], name: str, iri: URIRef, what: str) -> None:
    other = into.get(name)
    if other is not None and other != iri:
        raise RegistryError(f"{what} name «{name}» names both {other} and {iri}")
    into[name] = iri


def _triggers(graph: Graph, cls: URIRef) -> dict[str, str]:
    found: dict[str, URIRef] = {}
    for concept in sorted(graph.subjects(RDF.type, cls)):
        for label in sorted(_zh(graph, concept, SKOS.altLabel)):
            _index(found, label, concept, "trigger")
    return {k: str(v) for k, v in found.items()}


def load_registry(files: Iterable[Path] | None = None) -> Registry:
    """Read the vocabularies and registries (the shipped ones by default)."""
    graph = Graph()
    for f in files if files is not None else resources.ontology_files() + resources.registry_files():
        graph.parse(f, format="turtle")
    reg = Registry(graph)
    for body in sorted(graph.subjects(PKG.level, None)):
        for p in NAME_PROPERTIES:
            for name in _zh(graph, body, p):
                _index(reg.bodies, name, body, "body")
    reg.collective = set(graph.subjects(RDF.type, PKG.CollectiveBody))
    versioned = set(graph.objects(None, PKG.versionOf))
    for doc in sorted(set(graph.subjects(RDF.type, PKG.LegalDocument)) - versioned):
        in_force = graph.value(doc, PKG.dateInForce) or graph.value(doc, PKG.dateIssued)
        titles = set(_zh(graph, doc, PKG.citedTitle))
        for title in sorted(titles):
            reg.documents.setdefault(title, []).append(
                DocumentEntry(doc, str(in_force) if in_force else None))
    for s in graph.subjects(RDF.type, PKG.DocumentSeries):
        reg.series[str(graph.value(s, PKG.code))] = str(graph.value(s, SKOS.notation))
    reg.instruments = _triggers(graph, PKG.PolicyInstrument)
    reg.groups = _triggers(graph, PKG.TargetGroup)
    reg.platforms = _triggers(graph, PKG.Platform)
    return reg
