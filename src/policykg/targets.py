"""The SPARQL targets of the shipped shapes: compiled from their constraints, and selected with
Oxigraph's engine rather than rdflib's.

pySHACL checks a SPARQL constraint node by node and runs a SPARQL target with rdflib's engine;
both were most of a validation's time. Each constraint of a class-targeted shape is compiled into a
shape whose target finds the few nodes that can fail (compile_sparql_targets), and before each
validation those targets are selected by Oxigraph over the same closed graph (select_targets):
pySHACL then checks only the nodes selected, with the constraint as written.
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

COMPILED = "-sparql-"


def compile_sparql_targets(g: Graph) -> Graph:
    """Give each SPARQL constraint of a class-targeted shape a shape of its own
    whose SPARQL target selects the candidate focus nodes in one query.

    pySHACL parses a constraint's query again for every focus node (about 30 ms
    each), so per-node constraints over thousands of spans took seconds; run
    once as a target, the same query finds the few nodes that can fail, and
    the constraint then confirms and reports each. The generated shape is
    named `{shape}-sparql-{n}`; findings are reported under the original shape.
    Requires every constraint to be a plain `SELECT … WHERE { … }` whose
    pattern binds $this.
    """
    for shape in sorted(g.subjects(RDF.type, SH.NodeShape)):
        classes = sorted(g.objects(shape, SH.targetClass))
        constraints = sorted(g.objects(shape, SH.sparql), key=lambda c: str(g.value(c, SH.select)))
        if not classes or not constraints:
            continue
        in_classes = ", ".join(f"<{c}>" for c in classes)
        for n, c in enumerate(constraints, 1):
            new = URIRef(f"{shape}{COMPILED}{n}")
            g.remove((shape, SH.sparql, c))
            g.add((new, RDF.type, SH.NodeShape))
            g.add((new, SH.sparql, c))
            for p in (SH.severity, SH.message):
                for o in g.objects(shape, p):
                    g.add((new, p, o))
            query = str(g.value(c, SH.select)).replace("$this", "?this")
            body = query[query.index("{", query.index("WHERE")) + 1:query.rindex("}")]
            target = BNode()
            g.add((new, SH.target, target))
            g.add((target, RDF.type, SH.SPARQLTarget))
            for prefixes in g.objects(c, SH.prefixes):
                g.add((target, SH.prefixes, prefixes))
            # pySHACL's RDFS inference has typed every instance of a subclass
            g.add((target, SH.select, Literal(
                f"SELECT DISTINCT ?this WHERE {{\n  ?this a ?cls . FILTER (?cls IN ({in_classes}))\n{body}}}")))
    return g


def _prefixes(shapes: Graph, target) -> str:
    """The PREFIX lines a SPARQL target declares (sh:prefixes / sh:declare)."""
    lines = []
    for ontology in shapes.objects(target, SH.prefixes):
        for d in shapes.objects(ontology, SH.declare):
            lines.append(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>")
    return "\n".join(sorted(set(lines))) + "\n"


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# the only types RDFS inference gives a literal from the shipped ontology: its datatype, rdfs:Resource
_LITERAL_TYPES = ("http://www.w3.org/2001/XMLSchema#", str(RDF), str(RDFS))


def select_targets(shapes: Graph, data: Graph) -> Graph | None:
    """A copy of `shapes` in which each SPARQL target is replaced by the nodes it selects in
    `data` (sh:targetNode), selected by Oxigraph's engine; pySHACL then checks each node selected
    with the constraint as written (tests/test_targets.py: the nodes rdflib's engine selects).

    None where the data types a literal with a class outside RDF, RDFS and XSD (RDFS inference
    does, from a range, for a literal where a node was meant): Oxigraph holds no literal subject,
    so such a graph is left to pySHACL's own target selection."""
    import pyoxigraph as ox
    blanks: dict = {}
    quads = []
    for s, p, o in data:
        if isinstance(s, Literal):
            if p != RDF.type or not str(o).startswith(_LITERAL_TYPES):
                return None
            continue                   # typed rdfs:Resource or its datatype: no target selects it
        quads.append(ox.Quad(_ox_term(s, blanks), _ox_term(p, blanks), _ox_term(o, blanks)))
    store = ox.Store()
    store.extend(quads)
    back = {node.value: b for b, node in blanks.items()}
    out = Graph()
    out += shapes
    for target in list(shapes.subjects(RDF.type, SH.SPARQLTarget)):
        query = _prefixes(shapes, target) + str(shapes.value(target, SH.select))
        nodes = [URIRef(n.value) if isinstance(n, ox.NamedNode) else back[n.value] for (n,) in store.query(query)]
        for shape in list(shapes.subjects(SH.target, target)):
            out.remove((shape, SH.target, target))
            out.addN((shape, SH.targetNode, n, out) for n in nodes)
        out.remove((target, None, None))
    return out


def _ox_term(term, blanks: dict):
    import pyoxigraph as ox
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        if term not in blanks:
            blanks[term] = ox.BlankNode()
        return blanks[term]
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))


def source_shape(shape: str | None) -> str | None:
    """The shape as written in the shapes file, for a compiled one too."""
    return shape.split(COMPILED, 1)[0] if shape else shape
