"""The RDFS closure pySHACL infers before it validates (inference="rdfs"), computed directly.

pySHACL infers with owlrl's RDFS rules without axioms (pyshacl.inference.CustomRDFSSemantics):
owlrl applies every rule to every triple in rounds until a round adds nothing, which took a
fifth of a bulk ingest. The closure of those rules is one and the same whatever order they are
applied in, so here each triple is joined once with what is already known, through indexes
(semi-naive evaluation); tests/test_rdfs.py checks the result is owlrl's, triple for triple.

The rules are owlrl's: rdf1 and rdfs2 to rdfs13 of RDF 1.0 Semantics, without the datatype rules
and axiomatic triples, and rdfs4 ("every subject and object is an rdfs:Resource") only for the
triples the graph held at the start, as owlrl applies it only in its first round. Like owlrl's, the
result is generalized RDF: a range can type a literal.
"""
from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

TYPE, PROPERTY, CLASS = RDF.type, RDF.Property, RDFS.Class
DOMAIN, RANGE, SUB_PROPERTY, SUB_CLASS = RDFS.domain, RDFS.range, RDFS.subPropertyOf, RDFS.subClassOf


class _Closure:
    def __init__(self, triples):
        self.known: set = set()
        self.todo: list = []
        self.by_predicate = defaultdict(list)     # p -> [(s, o)]
        self.members = defaultdict(list)          # class -> [instance]
        self.up = {p: defaultdict(set) for p in (DOMAIN, RANGE, SUB_PROPERTY, SUB_CLASS)}   # s -> {o}
        self.down = {p: defaultdict(set) for p in (SUB_PROPERTY, SUB_CLASS)}                # o -> {s}
        for t in triples:
            self.add(t)

    def add(self, t) -> None:
        if t in self.known or isinstance(t[1], Literal):
            return
        s, p, o = t
        self.known.add(t)
        self.todo.append(t)
        self.by_predicate[p].append((s, o))
        if p == TYPE:
            self.members[o].append(s)
        if p in self.up:
            self.up[p][s].add(o)
        if p in self.down:
            self.down[p][o].add(s)

    def run(self) -> None:
        add, up, down = self.add, self.up, self.down
        while self.todo:
            s, p, o = self.todo.pop()
            add((p, TYPE, PROPERTY))                                   # rdf1
            for c in list(up[DOMAIN].get(p, ())):                      # rdfs2
                add((s, TYPE, c))
            for c in list(up[RANGE].get(p, ())):                       # rdfs3
                add((o, TYPE, c))
            for q in list(up[SUB_PROPERTY].get(p, ())):                # rdfs7
                add((s, q, o))
            if p == TYPE:
                for c in list(up[SUB_CLASS].get(o, ())):               # rdfs9
                    add((s, TYPE, c))
                if o == PROPERTY:                                      # rdfs6
                    add((s, SUB_PROPERTY, s))
                elif o == CLASS:                                       # rdfs8, rdfs10
                    add((s, SUB_CLASS, RDFS.Resource))
                    add((s, SUB_CLASS, s))
                elif o == RDFS.ContainerMembershipProperty:            # rdfs12
                    add((s, SUB_PROPERTY, RDFS.member))
                elif o == RDFS.Datatype:                               # rdfs13
                    add((s, SUB_CLASS, RDFS.Literal))
            elif p == DOMAIN or p == RANGE:                            # rdfs2, rdfs3
                for u, v in list(self.by_predicate.get(s, ())):
                    add((u if p == DOMAIN else v, TYPE, o))
            elif p == SUB_PROPERTY:
                for x in list(up[SUB_PROPERTY].get(o, ())):            # rdfs5
                    add((s, SUB_PROPERTY, x))
                for z in list(down[SUB_PROPERTY].get(s, ())):
                    add((z, SUB_PROPERTY, o))
                for u, v in list(self.by_predicate.get(s, ())):        # rdfs7
                    add((u, o, v))
            elif p == SUB_CLASS:
                for v in list(self.members.get(s, ())):                # rdfs9
                    add((v, TYPE, o))
                for x in list(up[SUB_CLASS].get(o, ())):               # rdfs11
                    add((s, SUB_CLASS, x))
                for z in list(down[SUB_CLASS].get(s, ())):
                    add((z, SUB_CLASS, o))


def rdfs_closure(g: Graph) -> Graph:
    """Add to `g` (in place) what pySHACL's RDFS inference adds, and return it."""
    start = list(g)
    closure = _Closure(start)
    for s, _, o in start:                                              # rdfs4a, rdfs4b
        closure.add((s, TYPE, RDFS.Resource))
        closure.add((o, TYPE, RDFS.Resource))
    closure.run()
    g.addN((s, p, o, g) for s, p, o in closure.known.difference(start))
    return g
