"""policykg.rdfs: the RDFS closure pySHACL's inference gives (owlrl's rules, as pySHACL runs them),
triple for triple, on the shipped data, every invalid fixture and random graphs of their own schema."""
from itertools import permutations
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from owlrl import DeductiveClosure
from pyshacl.inference import CustomRDFSSemantics
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from policykg.pipeline import extract
from policykg.rdfs import _Closure, rdfs_closure
from policykg.validate import closed_context, context_graph, load_rdf, ontology_graph

FIXTURES = Path(__file__).parent / "fixtures"
EX = Namespace("http://example.org/")


def owlrl(g: Graph) -> set:
    copy = Graph()
    copy += g
    DeductiveClosure(CustomRDFSSemantics).expand(copy)
    return set(copy)


def ours(g: Graph) -> set:
    copy = Graph()
    copy += g
    return set(rdfs_closure(copy))


def test_the_closure_of_the_context_and_ontology_is_owlrls():
    g = context_graph() + ontology_graph()
    closed = ours(g)
    assert closed == owlrl(g)
    assert len(closed) > len(g) + 1000                  # it derived something


def test_the_closure_of_the_shipped_notice_with_the_schema_is_owlrls():
    g = extract().graph + closed_context()[1]
    closed = ours(g)
    assert closed == owlrl(g)
    # what validation depends on: a subclass's instances typed with the superclass
    measure = next(closed_graph_subjects(closed, "https://w3id.org/policykg/ontology#Measure"))
    assert (measure, RDF.type, RDFS.Resource) in closed


def closed_graph_subjects(triples: set, cls: str):
    return (s for s, p, o in triples if p == RDF.type and o == URIRef(cls))


def test_the_closure_of_every_invalid_fixture_with_the_schema_is_owlrls():
    files = sorted((FIXTURES / "invalid").glob("*.ttl"))
    assert len(files) >= 15
    schema = closed_context()[1]
    for f in files:
        g = load_rdf(f) + schema
        assert ours(g) == owlrl(g), f.name


def test_a_schema_of_the_datas_own_is_closed_as_owlrl_closes_it():
    g = Graph()
    g.add((EX.a, RDFS.subClassOf, EX.b))
    g.add((EX.b, RDFS.subClassOf, EX.c))
    g.add((EX.p, RDFS.subPropertyOf, EX.q))
    g.add((EX.q, RDFS.subPropertyOf, EX.r))
    g.add((EX.q, RDFS.domain, EX.a))
    g.add((EX.r, RDFS.range, EX.d))
    g.add((EX.x, EX.p, Literal("v")))                  # a literal typed by a range: generalized RDF
    g.add((EX.dt, RDF.type, RDFS.Datatype))
    g.add((EX.m, RDF.type, RDFS.ContainerMembershipProperty))
    g.add((EX.k, RDF.type, RDFS.Class))
    closed = ours(g)
    assert closed == owlrl(g)
    assert {(EX.x, RDF.type, EX.c), (EX.x, EX.r, Literal("v")), (Literal("v"), RDF.type, EX.d),
            (EX.p, RDFS.subPropertyOf, EX.r), (EX.dt, RDFS.subClassOf, RDFS.Literal),
            (EX.m, RDFS.subPropertyOf, RDFS.member), (EX.k, RDFS.subClassOf, EX.k)} <= closed


NODES = [EX[n] for n in "abcde"] + [RDFS.Class, RDF.Property, RDFS.Datatype, RDFS.ContainerMembershipProperty,
                                    RDFS.Resource]
PREDICATES = [EX.p, EX.q, EX.a, RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range]
OBJECTS = NODES + PREDICATES + [Literal("1", datatype=XSD.integer), Literal("x", lang="zh")]


@given(st.lists(st.tuples(st.sampled_from(NODES + PREDICATES), st.sampled_from(PREDICATES),
                          st.sampled_from(OBJECTS)), max_size=40))
def test_the_closure_of_any_graph_over_a_small_vocabulary_is_owlrls(triples):
    g = Graph()
    for t in triples:
        g.add(t)
    expected = owlrl(g)
    assert ours(g) == expected
    unique = list(dict.fromkeys(triples))
    # in the order drawn and its reverse: a rule joined only one way misses what comes late
    assert closure_in_order(unique) == closure_in_order(unique[::-1]) == expected


def closure_in_order(triples: list) -> set:
    """rdfs_closure with the triples read in this order (a graph's own order follows the hashes)."""
    closure = _Closure(triples)
    for s, _, o in triples:
        closure.add((s, RDF.type, RDFS.Resource))
        closure.add((o, RDF.type, RDFS.Resource))
    closure.run()
    return closure.known


SC, SP = RDFS.subClassOf, RDFS.subPropertyOf
# graphs in which a link is derived only after what it joins with may have been read, with what
# must come of the join: each rule must join a triple with those read before it and after it
LATE = [
    # o gets a link up only by a range: s's link to o must be extended up
    ([(EX.q, RDFS.range, RDFS.Class), (EX.z, EX.q, EX.o), (EX.s, SC, EX.o)], (EX.s, SC, RDFS.Resource)),
    ([(EX.q, RDFS.range, RDFS.ContainerMembershipProperty), (EX.z, EX.q, EX.o), (EX.s, SP, EX.o)],
     (EX.s, SP, RDFS.member)),
    # a domain, a range, a subproperty and a subclass link each made by a subproperty of its own
    ([(EX.d, SP, RDFS.domain), (EX.p, EX.d, EX.c), (EX.u, EX.p, EX.y)], (EX.u, RDF.type, EX.c)),
    ([(EX.r, SP, RDFS.range), (EX.p, EX.r, EX.c), (EX.u, EX.p, EX.y)], (EX.y, RDF.type, EX.c)),
    ([(EX.e, SP, SP), (EX.p, EX.e, EX.q), (EX.q, SP, EX.w), (EX.z, SP, EX.p), (EX.u, EX.p, EX.y)],
     [(EX.p, SP, EX.w), (EX.z, SP, EX.q), (EX.u, EX.q, EX.y), (EX.u, EX.w, EX.y)]),
    ([(EX.f, SP, SC), (EX.a, EX.f, EX.b), (EX.b, SC, EX.c), (EX.x, SC, EX.a), (EX.i, RDF.type, EX.a)],
     [(EX.a, SC, EX.c), (EX.x, SC, EX.b), (EX.i, RDF.type, EX.b), (EX.i, RDF.type, EX.c)]),
    # a data triple made by a subproperty, and a type made by a domain, each joined with the schema
    ([(EX.p0, SP, EX.p), (EX.p, RDFS.domain, EX.c), (EX.u, EX.p0, EX.y)], (EX.u, RDF.type, EX.c)),
    ([(RDF.type, SP, EX.kind), (EX.p, RDFS.domain, EX.c), (EX.u, EX.p, EX.y)], (EX.u, EX.kind, EX.c)),
]


@pytest.mark.parametrize("triples,derived", LATE)
def test_a_link_derived_late_is_joined_whatever_the_order_read(triples, derived):
    g = Graph()
    for t in triples:
        g.add(t)
    expected = owlrl(g)
    assert set(derived if isinstance(derived, list) else [derived]) <= expected
    for order in permutations(triples):
        assert closure_in_order(list(order)) == expected, order
