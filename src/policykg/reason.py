"""OWL reasoning with owlready2 and HermiT: consistency, unsatisfiable classes,
and the facts the reasoner infers (e.g. membership of the defined classes).

HermiT accepts only the OWL 2 datatype map, and owlready2 reads N-Triples, not
Turtle, so the reasoner works on a projection of the published graph:
xsd:date becomes xsd:dateTime, and the provenance nodes (spans, mentions),
which no axiom mentions, are left out; that took HermiT from about 20 s to
about 3.5 s on the shipped notice. The published data is never changed.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .iris import PKG
from .serialize import to_turtle
from .validate import DEFAULT_MAX_TRIPLES, context_graph, load_rdf, ontology_graph

# Datatypes outside the OWL 2 datatype map, and how the projection rewrites them.
PROJECTED_DATATYPES = {XSD.date: (XSD.dateTime, "T00:00:00"), XSD.gYear: (XSD.dateTime, "-01-01T00:00:00")}
# Provenance classes: their instances carry no axioms worth reasoning about.
LEFT_OUT_CLASSES = (PKG.TextSpan, PKG.Mention)
# owl:imports is left out too: owlready2 would fetch every ontology it names.
LEFT_OUT_PROPERTIES = (PKG.text, PKG.forProperty, OWL.imports)


class ReasonerUnavailable(RuntimeError):
    """HermiT cannot run here (no Java)."""


@dataclass
class ReasoningReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: Graph = field(default_factory=Graph)
    diagnosis: list[str] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""
    engine: str = "HermiT"

    def members(self, cls: URIRef) -> set[URIRef]:
        return set(self.inferred.subjects(RDF.type, cls))

    def text(self) -> str:
        lines = [f"consistent: {'yes' if self.consistent else 'NO'} ({self.seconds:.1f} s, {self.engine})"]
        if not self.consistent:
            lines += [f"  {d}" for d in self.diagnosis] or [f"  {self.message}"]
            return "\n".join(lines)
        if self.engine == "HermiT":
            lines.append(f"unsatisfiable classes: {', '.join(self.unsatisfiable) or 'none'}")
        else:
            lines.append("unsatisfiable classes: not checked (OWL 2 RL)")
        counts: dict[str, int] = {}
        for _, p, o in self.inferred:
            key = f"a {o}" if p == RDF.type else str(p)
            counts[key] = counts.get(key, 0) + 1
        lines.append(f"inferred triples: {len(self.inferred)}")
        for key in sorted(counts):
            lines.append(f"  {counts[key]:5d}  {key}")
        return "\n".join(lines)

    def export(self) -> str:
        return to_turtle(self.inferred)


def projection(data: Graph, *, with_ontology: bool = True) -> Graph:
    """The graph HermiT reasons over: ontology + context + data, OWL 2 datatypes only."""
    out = Graph()
    sources = [data] + ([ontology_graph(), context_graph()] if with_ontology else [])
    left_out = {s for src in sources for cls in LEFT_OUT_CLASSES for s in src.subjects(RDF.type, cls)}
    for src in sources:
        for s, p, o in src:
            if s in left_out or o in left_out or p in LEFT_OUT_PROPERTIES:
                continue
            if isinstance(o, Literal) and o.datatype in PROJECTED_DATATYPES:
                datatype, suffix = PROJECTED_DATATYPES[o.datatype]
                o = Literal(str(o) + suffix, datatype=datatype)
            out.add((s, p, o))
    return out


def _superclasses(g: Graph, cls) -> set:
    seen, todo = set(), [cls]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        todo.extend(g.objects(c, RDFS.subClassOf))
    return seen


def diagnose(g: Graph) -> list[str]:
    """Individuals typed with two disjoint classes: the usual cause of an inconsistency."""
    pairs = set()
    for a, b in g.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(g, g.value(node, OWL.members)))
        pairs |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
    found = []
    for ind in sorted(set(g.subjects(RDF.type, None))):
        types = set()
        for t in g.objects(ind, RDF.type):
            types |= _superclasses(g, t)
        for pair in sorted(pairs, key=sorted):
            if pair <= types:
                a, b = sorted(pair)
                found.append(f"{ind} is both {a} and {b}, which are disjoint")
    return found


def reason(data: Graph, *, with_ontology: bool = True) -> ReasoningReport:
    """Run HermiT over the projection of a data graph."""
    if shutil.which("java") is None:
        raise ReasonerUnavailable("HermiT needs Java on the PATH (for example Debian's "
                                  "default-jre-headless); `make test` installs it where it can")
    import owlready2  # imported late: it starts slowly and only this module needs it

    proj = projection(data, with_ontology=with_ontology)
    world = owlready2.World()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="policykg-reason-") as tmp:
        path = Path(tmp) / "projection.nt"
        proj.serialize(path, format="nt", encoding="utf-8")
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as e:
            return ReasoningReport(False, diagnosis=diagnose(proj),
                                   seconds=time.monotonic() - started,
                                   message=str(e).strip().splitlines()[0] if str(e).strip() else "inconsistent")
    unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))
    inferred = Graph()
    for s, p, o in world.get_ontology("http://inferrences/").get_triples():
        if s < 0 or not isinstance(o, int) or o < 0:
            continue                          # blank nodes and literal values
        triple = tuple(URIRef(world._unabbreviate(x)) for x in (s, p, o))
        if triple[2] == OWL.Ontology or triple in proj:
            continue
        inferred.add(triple)
    # HermiT reports only the most specific class of an individual; queries
    # want every defined class a measure belongs to, so list them all.
    for cls in sorted(set(proj.subjects(OWL.equivalentClass, None))):
        entity = world[str(cls)]
        for ind in getattr(entity, "instances", lambda: [])():
            triple = (URIRef(ind.iri), RDF.type, cls)
            if triple not in proj:
                inferred.add(triple)
    return ReasoningReport(True, unsatisfiable, inferred, seconds=time.monotonic() - started)


def materialise(data: Graph, *, with_ontology: bool = True) -> ReasoningReport:
    """OWL 2 RL materialisation with owlrl: for corpora, where HermiT grows too slow.

    It derives the same defined-class memberships (OWL 2 RL covers
    intersections and existential restrictions on the subclass side) but is
    not a consistency check: `consistent` reports only clashes that
    `diagnose` finds among the derived types.
    """
    import owlrl
    proj = projection(data, with_ontology=with_ontology)
    closure = Graph()
    for t in proj:
        closure.add(t)
    started = time.monotonic()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    seconds = time.monotonic() - started
    defined = set(proj.subjects(OWL.equivalentClass, None))
    inferred = Graph()
    for s, p, o in closure:
        # keep what a query can use: new memberships of our defined classes and
        # new values of our own properties, not the RL rules' bookkeeping
        if (s, p, o) in proj or not isinstance(s, URIRef) or not isinstance(o, URIRef):
            continue
        if (p == RDF.type and o in defined) or (p != RDF.type and str(p).startswith(str(PKG))):
            inferred.add((s, p, o))
    clashes = diagnose(closure)
    return ReasoningReport(not clashes, [], inferred, clashes, seconds,
                           "" if not clashes else "disjoint classes share an individual", engine="owlrl, OWL 2 RL")


ENGINES = {"hermit": reason, "owlrl": materialise}


def reason_file(path: Path, engine: str = "hermit", *,
                max_triples: int | None = DEFAULT_MAX_TRIPLES) -> ReasoningReport:
    """Reason over an RDF file; refuses (InputError) one without triples or
    with more than max_triples (None: no limit)."""
    return ENGINES[engine](load_rdf(path, max_triples=max_triples))
