"""Records → RDF: the ontology's terms, the IRI scheme, provenance nodes.

Every fact taken from the text gets a `pkg:Mention` (a Web Annotation text
quote and position selector) saying which words it rests on, so that any
client can check `source[oa:start:oa:end] == oa:exact`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from . import iris, places
from .extract.errors import locate
from .extract.records import BodyList, Citation, ConceptMention, Document, Measure, Part, Span
from .iris import ELI, OA, PKG
from .registry import Registry

ROLE_PROPERTY = {
    "responsible": PKG.responsibleBody, "lead": PKG.leadBody,
    "supporting": PKG.supportingBody, "implementing": PKG.implementingBody,
    "local": PKG.localGovernmentBody,
}
# The roles that are kinds of responsibility. Their pkg:responsibleBody triple is
# written beside the role's own, so that queries on the responsibility property
# see every role without a reasoner (the stores answer without RDFS entailment).
RESPONSIBILITY_ROLES = frozenset({"responsible", "lead", "supporting", "local"})


PLACE_LEVEL = {"national": PKG.NationalLevel, "province": PKG.ProvincialLevel,
               "city": PKG.MunicipalLevel, "county": PKG.CountyLevel}
# a name for several bodies at once: 各区政府, 市政府各委、办、局, 省直有关单位
COLLECTIVE_NAME = re.compile(r"各|有关(?:单位|部门)$|成员单位$")


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


@dataclass
class GraphBuilder:
    doc: Document
    registry: Registry
    source_text: str
    source_path: str                      # as recorded in the data, relative
    jurisdiction: str | None = None       # GB/T 2260 code of the notice's division
    graph: Graph = field(default_factory=Graph)
    warnings: list[str] = field(default_factory=list)
    # bodies the registry lacks: IRI → (name, [(line, column), …]), reported once
    unknown: dict[URIRef, tuple[str, list[tuple[int, int]]]] = field(default_factory=dict)
    places_used: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for prefix, ns in iris.PREFIXES.items():
            self.graph.bind(prefix, ns)
        h = self.doc.header
        if h.doc_number is None:
            self.doc_iri = iris.document_titled(h.title)
            return
        slug = self.registry.series.get(h.code)
        if slug is None:
            self.warnings.append(f"{self.doc.source_name}: warning: no document series registered "
                                 f"for the code {h.code}; the IRI uses the code as written")
            slug = h.code
        self.doc_iri = iris.document(slug, h.year, h.serial)

    def add(self, s, p, o) -> None:
        self.graph.add((s, p, o))

    # --- provenance ----------------------------------------------------------
    def span(self, sp: Span) -> URIRef:
        node = iris.span(self.doc_iri, sp.start, sp.end)
        self._selector(node, sp, PKG.TextSpan)
        return node

    def _selector(self, node: URIRef, sp: Span, cls: URIRef) -> None:
        self.add(node, RDF.type, cls)
        self.add(node, OA.start, Literal(sp.start, datatype=XSD.nonNegativeInteger))
        self.add(node, OA.end, Literal(sp.end, datatype=XSD.nonNegativeInteger))
        self.add(node, OA.exact, Literal(sp.text))
        self.add(node, PKG.inSource, iris.source(self.doc_iri))

    def mention(self, owner: URIRef, kind: str, k, sp: Span, denotes: URIRef,
                prop: URIRef, position: int | None = None, sentence: Span | None = None) -> None:
        node = iris.mention(owner, kind, k)
        self._selector(node, sp, PKG.Mention)
        self.add(node, PKG.denotes, denotes)
        self.add(node, PKG.forProperty, prop)
        self.add(node, PKG.mentionIn, owner)
        self.add(owner, PKG.hasMention, node)
        if position is not None:
            self.add(node, PKG.listPosition, Literal(position))
        if sentence is not None:
            self.add(node, PKG.sentenceSpan, self.span(sentence))

    # --- resolution ----------------------------------------------------------
    def body(self, name: str, sp: Span) -> URIRef:
        iri = self.registry.resolve_body(name, self.jurisdiction)
        if iri is not None:
            code = self.registry.jurisdiction_of(iri)
            if code is not None:
                self.places_used.add(code)
            # a collective body (各县区人民政府) brings the places its members govern
            for served in self.registry.graph.objects(iri, PKG.servesPlace):
                self.places_used.add(str(served).removeprefix(iris.BASE + "place/"))
            return iri
        line, col = locate(self.source_text, sp.start)
        code = self.unknown_jurisdiction(name)
        iri = iris.body_in(code, name) if code is not None else iris.unresolved_body(name)
        self.unknown.setdefault(iri, (name, []))[1].append((line, col))
        self.add(iri, RDF.type, PKG.UnresolvedBody)
        if COLLECTIVE_NAME.search(name):
            self.add(iri, RDF.type, PKG.CollectiveBody)
        self.add(iri, RDFS.label, zh(name))
        self.add(iri, RDFS.label, en(f"unresolved body: {name}" + (f" ({code})" if code else "")))
        kind = self.registry.kind_of(name)
        if kind is not None:
            self.add(iri, PKG.bodyKind, kind)
        if code is not None:
            self.add(iri, PKG.jurisdiction, iris.place(code))
            self.places_used.add(code)
        return iri

    def unknown_jurisdiction(self, name: str) -> str | None:
        """The division of a body the registry lacks: the place its name names
        (张掖市统计处), else the level its prefix says (省… the notice's province,
        市… its city, or the municipality itself: a Shanghai notice's 市… is
        310000), else the notice's own; None when the notice's is unknown."""
        named = places.jurisdiction_of(name)
        if named is not None:
            return named
        if self.jurisdiction is None:
            return None
        chain = [places.place(c) for c in places.lineage(self.jurisdiction)]
        want = "province" if name.startswith("省") else \
            "city" if name.startswith("市") and not name.startswith("市场") else None
        if want == "city":
            # 北京市, 上海市, 天津市, 重庆市: province-level cities
            found = next((p for p in chain if p.level == "city"
                          or (p.level == "province" and p.name.endswith("市"))), None)
            return found.code if found else self.jurisdiction
        if want == "province":
            found = next((p for p in chain if p.level == "province"), None)
            return found.code if found else self.jurisdiction
        return self.jurisdiction

    def report_unknown(self) -> None:
        """One warning for the notice, naming every body the registry lacks."""
        if not self.unknown:
            return
        items = []
        for iri, (name, where) in self.unknown.items():
            code = str(iri).removeprefix(iris.BASE + "body/").split("/")[0]
            at = ", ".join(f"{line}:{col}" for line, col in where)
            items.append(f"«{name}» ({code if code != 'unresolved' else 'no jurisdiction'}; at {at})")
        n = len(items)
        self.warnings.append(f"{self.doc.source_name}: warning: {n} unknown bod{'y' if n == 1 else 'ies'} "
                             f"kept as unresolved: " + "; ".join(items))

    def legal(self, c: Citation) -> URIRef:
        iri = self.registry.resolve_document(c.title, self.doc.header.date)
        if iri is not None:
            known = self.registry.graph.value(iri, PKG.documentNumber)
            if c.doc_number and known is not None and str(known) != c.doc_number:
                line, col = locate(self.source_text, c.span.start)
                self.warnings.append(f"{self.doc.source_name}:{line}:{col}: warning: 《{c.title}》 is cited "
                                     f"as {c.doc_number}; the registry has {known}")
            return iri
        line, col = locate(self.source_text, c.span.start)
        self.warnings.append(f"{self.doc.source_name}:{line}:{col}: warning: unknown document "
                             f"《{c.title}》; kept as an unresolved document")
        iri = iris.unresolved_document(c.title)
        self.add(iri, RDF.type, PKG.UnresolvedDocument)
        self.add(iri, RDF.type, PKG.PlannedDocument if c.planned else PKG.LegalDocument)
        self.add(iri, RDFS.label, zh(c.title))
        self.add(iri, PKG.citedTitle, zh(c.title))
        if c.doc_number:
            self.add(iri, PKG.documentNumber, Literal(c.doc_number))
        return iri

    # --- the document ----------------------------------------------------------
    def build(self) -> Graph:
        d, h, g = self.doc_iri, self.doc.header, self.graph
        src = iris.source(d)
        self.add(src, RDF.type, PKG.SourceText)
        self.add(src, PKG.path, Literal(self.source_path))
        self.add(src, PKG.length, Literal(len(self.source_text)))
        self.add(src, PKG.sha256, Literal(hashlib.sha256(self.source_text.encode("utf-8")).hexdigest()))
        # a notice copied without its header is named by its title; what it
        # lacks (number, date, issuer, 通知 wrapper) is left out, not invented
        ident = h.doc_number.text if h.doc_number else f"《{h.title}》"
        self.add(src, RDFS.label, zh(f"{ident}原文"))
        self.add(src, RDFS.label, en(f"source text of {ident}"))

        self.add(d, RDF.type, PKG.PolicyDocument)
        self.add(d, RDFS.label, zh(h.title))
        self.add(d, RDFS.label, en(f"Notice {ident} ({h.date})" if h.date else f"Notice {ident}"))
        self.add(d, PKG.title, zh(h.title))
        if h.notice_title is not None:
            self.add(d, PKG.noticeTitle, zh(h.notice_title))
        if h.doc_number is not None:
            self.add(d, PKG.documentNumber, Literal(h.doc_number.text))
            self.add(d, PKG.textSpan, self.span(h.doc_number))
        if h.date is not None:
            self.add(d, PKG.dateIssued, Literal(h.date, datatype=XSD.date))
            self.add(d, PKG.dateSpan, self.span(h.date_span))
        if h.code in self.registry.series:
            # an unregistered series gets no node: it would be a DocumentSeries
            # without the code and slug the shapes require
            self.add(d, PKG.inSeries, iris.PREFIXES["series"][self.registry.series[h.code]])
        self.add(d, iris.DCTERMS.source, src)
        if h.title_span is not None:
            self.add(d, PKG.titleSpan, self.span(h.title_span))
        if h.notice_title_spans:
            first, last = h.notice_title_spans[0], h.notice_title_spans[-1]
            self.add(d, PKG.noticeTitleSpan, self.span(Span.of(self.source_text, first.start, last.end)))
        if h.issuer is not None:
            issuer = self.body(h.issuer, h.issuer_spans[0])
            self.add(d, PKG.issuedBy, issuer)
            self.mention(d, "issuer", 1, Span(h.issuer_spans[0].start, h.issuer_spans[-1].end,
                                              self.source_text[h.issuer_spans[0].start:h.issuer_spans[-1].end]),
                         issuer, PKG.issuedBy)
        for r in h.recipients:
            body = self.body(r.name, r.span)
            self.add(d, PKG.addressedTo, body)
            self.mention(d, "recipient", r.position, r.span, body, PKG.addressedTo, r.position)
        for k, c in enumerate(self.doc.preamble.implements, 1):
            higher = self.legal(c)
            self.add(d, PKG.implements, higher)
            self.mention(d, "implements", k, c.span, higher, PKG.implements, sentence=c.sentence)
            issuers = self.doc.preamble.implements_issuers
            for b in issuers.bodies if issuers and k == 1 else ():
                body = self.body(b.full, b.span)
                self.add(higher, PKG.issuedBy, body)
                self.mention(d, "implements-issuer", b.position, b.span, body, PKG.issuedBy, b.position)
        for part in self.doc.parts:
            p = iris.part(d, part.number)
            self.add(d, PKG.hasPart, p)
            self.subdivision(p, PKG.Part, d, part, f"Part {part.number}")
            end = part.measures[-1].text if part.measures else part.heading
            self.add(p, PKG.textSpan, self.span(Span.of(self.source_text, part.heading.start, end.end)))
            for m in part.measures:
                self.add(p, PKG.hasPart, self.measure(m, p))
        if self.jurisdiction is not None:
            # the place the notice applies to, in DCTERMS and in ELI's jurisdiction terms
            here = iris.place(self.jurisdiction)
            self.add(d, DCTERMS.spatial, here)
            self.add(d, ELI.jurisdiction, here)
            self.add(d, ELI.relevant_for, here)
            self.places_used.add(self.jurisdiction)
        for code in sorted(self.places_used):
            for t in place_triples(code):
                self.graph.add(t)
        self.report_unknown()
        return g

    def subdivision(self, node: URIRef, cls: URIRef, parent: URIRef, record: Part | Measure,
                    english: str) -> None:
        """What parts and measures share: type, place, number, title and their spans."""
        self.add(node, RDF.type, cls)
        self.add(node, PKG.isPartOf, parent)
        self.add(node, PKG.inDocument, self.doc_iri)
        self.add(node, PKG.number, Literal(record.number))
        # an unnumbered paragraph has no numeral, heading or (without a lead sentence) title
        if record.numeral is not None:
            self.add(node, PKG.numeral, Literal(record.numeral))
        if record.title is not None:
            self.add(node, PKG.title, zh(record.title.text))
            self.add(node, PKG.titleSpan, self.span(record.title))
        if record.heading is not None:
            self.add(node, RDFS.label, zh(record.heading.text))
            self.add(node, PKG.headingSpan, self.span(record.heading))
        elif record.title is not None:
            self.add(node, RDFS.label, zh(record.title.text))
        self.add(node, RDFS.label, en(english))

    def measure(self, m: Measure, part_iri: URIRef) -> URIRef:
        d = self.doc_iri
        mi = iris.measure(d, m.number)
        self.subdivision(mi, PKG.Measure, part_iri, m, f"Measure {m.number}")
        self.add(mi, PKG.inPart, part_iri)
        self.add(mi, PKG.text, zh(m.text.text))
        self.add(mi, PKG.textSpan, self.span(m.text))
        self.responsibility(mi, m.responsibility, own=True)
        if m.implementers is not None:
            self.responsibility(mi, [m.implementers], own=False)
        for k, c in enumerate(m.citations, 1):
            target = self.legal(c)
            prop = PKG.plansDocument if c.planned else PKG.cites
            self.add(mi, prop, target)
            self.mention(mi, "plans" if c.planned else "cites", k, c.span, target, prop,
                         sentence=c.sentence)
        for k, t in enumerate(m.targets, 1):
            ti = iris.target(mi, k)
            self.add(mi, PKG.hasTarget, ti)
            self.add(ti, RDF.type, PKG.QuantitativeTarget)
            self.add(ti, PKG.value, Literal(t.value, datatype=XSD.decimal))
            self.add(ti, PKG.unit, PKG[t.unit])
            self.add(ti, PKG.comparator, PKG[t.comparator])
            self.add(ti, RDFS.label, zh(t.span.text))
            self.add(ti, RDFS.label, en(f"Measure {m.number}, target {k}"))
            self.add(ti, PKG.textSpan, self.span(t.span))
            self.add(ti, PKG.sentenceSpan, self.span(t.sentence))
        self.concepts(mi, "instrument", m.instruments, PKG.usesInstrument)
        self.concepts(mi, "group", m.groups, PKG.servesTargetGroup)
        self.concepts(mi, "platform", m.platforms, PKG.involvesPlatform)
        return mi

    def responsibility(self, mi: URIRef, lists: list[BodyList], own: bool) -> None:
        counters: dict[str, int] = {}
        named = [bl for bl in lists if bl.role != "implementing"]
        if own and named:
            self.add(mi, PKG.responsibleListOpen, Literal(any(bl.open for bl in named)))
        for bl in lists:
            prop = ROLE_PROPERTY[bl.role]
            for b in bl.bodies:
                body = self.body(b.full, b.span)      # 工业和信息化厅 after 省科技厅: 省工业和信息化厅
                self.add(mi, prop, body)
                if bl.role in RESPONSIBILITY_ROLES:
                    self.add(mi, PKG.responsibleBody, body)
                kind = bl.role if own else "implementing-note"
                counters[kind] = counters.get(kind, 0) + 1
                self.mention(mi, kind, counters[kind], b.span, body, prop, b.position)

    def concepts(self, mi: URIRef, kind: str, found: list[ConceptMention], prop: URIRef) -> None:
        for c in found:
            concept = URIRef(c.concept)
            self.add(mi, prop, concept)
            self.mention(mi, kind, concept.rsplit("/", 1)[-1], c.span, concept, prop)


def place_triples(code: str):
    """A place (pkg:Place) and its parents up to the country: code, level, name, parent."""
    for c in places.lineage(code):
        p = places.place(c)
        node = iris.place(c)
        yield node, RDF.type, PKG.Place
        yield node, PKG.divisionCode, Literal(p.code)
        yield node, PKG.divisionLevel, PLACE_LEVEL[p.level]
        yield node, RDFS.label, zh(p.name)
        if p.parent is not None:
            yield node, DCTERMS.isPartOf, iris.place(p.parent)


def places_of(graph: Graph) -> Graph:
    """The places the bodies of `graph` (e.g. the registries) have as jurisdiction."""
    out = Graph()
    for o in set(graph.objects(None, PKG.jurisdiction)) | set(graph.objects(None, PKG.servesPlace)):
        code = str(o).removeprefix(iris.BASE + "place/")
        if places.place(code) is not None and places.place(code).code == code:
            for t in place_triples(code):
                out.add(t)
    return out


def notice_jurisdiction(doc: Document) -> str | None:
    """The division a notice belongs to, from its header: issuer, notice title, title."""
    h = doc.header
    for text in (h.issuer, h.notice_title, h.title):
        code = places.jurisdiction_of(text)
        if code is not None:
            return code
    return None


def to_graph(doc: Document, registry: Registry, source_text: str, source_path: str,
             jurisdiction: str | None = None) -> tuple[Graph, list[str]]:
    """The RDF graph of one parsed notice, and the warnings raised while resolving.

    `jurisdiction` (a GB/T 2260 code) says whose bodies the notice's short
    names are (市财政局 in a Zhangye notice is 张掖市财政局). None: derived
    from the header (issuer, notice title, title); if that names no place, names
    resolve against the whole registry, as for a single notice, with a warning.
    """
    warnings: list[str] = []
    if jurisdiction is not None:
        p = places.place(jurisdiction)
        if p is None:
            raise ValueError(f"unknown jurisdiction {jurisdiction!r}: not a GB/T 2260 code of the division list")
        jurisdiction = p.code
    else:
        jurisdiction = notice_jurisdiction(doc)
        if jurisdiction is None:
            warnings.append(f"{doc.source_name}: warning: the header names no place, so the notice's "
                            f"jurisdiction is unknown; short names such as 市财政局 resolve against the "
                            f"whole registry (give jurisdiction= a GB/T 2260 code)")
    builder = GraphBuilder(doc, registry, source_text, source_path, jurisdiction)
    builder.warnings[:0] = warnings
    return builder.build(), builder.warnings
