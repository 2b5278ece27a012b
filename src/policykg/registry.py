"""Registries (bodies, cited documents, document series) and vocabularies.

They are curated RDF files; this module reads them into plain lookups the
extractor and the graph step use: a name as written → one entity.

Bodies resolve per jurisdiction: each registered body has a `pkg:jurisdiction`
(a place, `id/place/{code}`), and a name the notice writes means a body of the
notice's own division or of one containing it (a Zhangye notice's 市财政局 is
张掖市财政局, a Shanghai notice's is not), unless the name itself names the
body's place (张掖市财政局 means it in any notice).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from . import places, resources, uscc
from .extract import PhraseMatcher
from .iris import BASE, PKG

NAME_PROPERTIES = (SKOS.prefLabel, PKG.abbreviation, SKOS.altLabel, SKOS.hiddenLabel)


class RegistryError(ValueError):
    """The registries contradict themselves (one name, two entities)."""


@dataclass(frozen=True)
class DocumentEntry:
    iri: URIRef
    in_force: str | None          # ISO date or None


@dataclass(frozen=True)
class BodyEntry:
    iri: URIRef
    jurisdiction: str | None      # GB/T 2260 code; None: no jurisdiction given (national)


PLACE_BASE = BASE + "place/"


@dataclass
class Registry:
    graph: Graph
    bodies: dict[str, list[BodyEntry]] = field(default_factory=dict)
    jurisdictions: dict[URIRef, str] = field(default_factory=dict)   # body → code
    kind_endings: dict[str, URIRef] = field(default_factory=dict)    # 局 → pkg:AdministrativeOrgan
    extra: Graph = field(default_factory=Graph)    # what load_registry(extra=…) read: validated with the data
    collective: set[URIRef] = field(default_factory=set)
    documents: dict[str, list[DocumentEntry]] = field(default_factory=dict)
    series: dict[str, str] = field(default_factory=dict)
    instruments: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    platforms: dict[str, str] = field(default_factory=dict)

    def resolve_body(self, name: str, jurisdiction: str | None = None) -> URIRef | None:
        """The registered body a name means in a notice of `jurisdiction` (a code).

        A body whose own place the name names (张掖市财政局 → 620700) first;
        else the body of the notice's division or the nearest one containing
        it. Without a jurisdiction, the name's only body, whatever its place.
        """
        entries = self.bodies.get(name, [])
        if jurisdiction is None:
            return entries[0].iri if len(entries) == 1 else None
        named = [e for e in entries if e.jurisdiction and places.names_place(name, e.jurisdiction)]
        if len(named) == 1:
            return named[0].iri
        chain = places.lineage(jurisdiction) or [places.NATIONAL]
        near = [e for e in entries if (e.jurisdiction or places.NATIONAL) in chain]
        if not near:
            return None
        return min(near, key=lambda e: chain.index(e.jurisdiction or places.NATIONAL)).iri

    def jurisdiction_of(self, body: URIRef) -> str | None:
        """The code of a registered body's jurisdiction (None: none given)."""
        return self.jurisdictions.get(body)

    def kind_of(self, name: str) -> URIRef | None:
        """The kind of body a name suggests by its ending (the longest declared ending wins).

        What brackets enclose is left out: 市交通委（市道运局） ends in 委,
        各区（市）县政府 in 政府.
        """
        bare = re.sub(r"[（(][^（()）]*[）)]", "", name) or name
        for n in range(len(bare), 0, -1):
            kind = self.kind_endings.get(bare[-n:])
            if kind is not None:
                return kind
        return None

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


def _index_body(reg: Registry, name: str, entry: BodyEntry) -> None:
    """One name may mean bodies of different divisions, never two whose divisions nest."""
    mine = entry.jurisdiction or places.NATIONAL
    for other in reg.bodies.setdefault(name, []):
        if other.iri == entry.iri:
            return
        theirs = other.jurisdiction or places.NATIONAL
        if places.is_within(mine, theirs) or places.is_within(theirs, mine):
            raise RegistryError(f"body name «{name}» names both {other.iri} and {entry.iri}")
    reg.bodies[name].append(entry)


def _jurisdiction(graph: Graph, body: URIRef) -> str | None:
    values = list(graph.objects(body, PKG.jurisdiction))
    if not values:
        return None
    if len(values) > 1:
        raise RegistryError(f"body {body} has {len(values)} jurisdictions")
    iri = str(values[0])
    code = iri.removeprefix(PLACE_BASE)
    if code == iri or places.place(code) is None or places.place(code).code != code:
        raise RegistryError(f"body {body}: jurisdiction {iri} is not a place "
                            f"({PLACE_BASE}{{six-digit GB/T 2260 code}})")
    return code


def _triggers(graph: Graph, cls: URIRef) -> dict[str, str]:
    found: dict[str, URIRef] = {}
    for concept in sorted(graph.subjects(RDF.type, cls)):
        for label in sorted(_zh(graph, concept, SKOS.altLabel)):
            _index(found, label, concept, "trigger")
    return {k: str(v) for k, v in found.items()}


def load_registry(files: Iterable[Path] | None = None, extra: Iterable[Path] = ()) -> Registry:
    """Read the vocabularies and registries (the shipped ones by default).

    `extra`: more registry files in the same Turtle form (e.g. the bodies of
    another city, each with its `pkg:jurisdiction`), read after `files`.
    """
    graph = Graph()
    shipped = files if files is not None else resources.ontology_files() + resources.registry_files()
    user = Graph()
    for f in shipped:
        graph.parse(f, format="turtle")
    for f in extra:
        user.parse(f, format="turtle")
    graph += user
    reg = Registry(graph, extra=user)
    for body, code in graph.subject_objects(PKG.unifiedSocialCreditCode):
        # a credit code is recorded only with its source, and must be a valid one
        try:
            uscc.check(str(code))
        except uscc.USCCError as e:
            raise RegistryError(f"body {body}: pkg:unifiedSocialCreditCode {e}") from None
        if graph.value(body, PKG.factSource) is None:
            raise RegistryError(f"body {body}: a unified social credit code needs a pkg:factSource naming its source")
    for body in sorted(graph.subjects(PKG.level, None)):
        code = _jurisdiction(graph, body)
        if code is not None:
            reg.jurisdictions[body] = code
        for p in NAME_PROPERTIES:
            for name in sorted(set(_zh(graph, body, p))):
                _index_body(reg, name, BodyEntry(body, code))
    for kind in sorted(graph.subjects(RDF.type, PKG.BodyKind)):
        for ending in sorted(_zh(graph, kind, PKG.nameEnding)):
            _index(reg.kind_endings, ending, kind, "name ending")
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
