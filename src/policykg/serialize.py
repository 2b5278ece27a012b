"""Canonical Turtle: the same graph always gives the same bytes.

rdflib's Turtle serializer is not guaranteed to order its output, so the
committed data file would drift between runs and Python versions. This writer
sorts subjects, predicates and objects (numbers inside IRIs compared as
numbers, so measure/2 sorts before measure/10) and abbreviates an IRI only
when its local part is a plain name.
"""
from __future__ import annotations

import re
from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .iris import PREFIXES

_PLAIN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(text))


class Canonical:
    def __init__(self, prefixes: dict[str, str]):
        # longest namespace first, so body: wins over a shorter base
        self.prefixes = sorted(((p, str(ns)) for p, ns in prefixes.items()),
                               key=lambda x: -len(x[1]))

    def iri(self, term: URIRef) -> str:
        if term == RDF.type:
            return "a"
        text = str(term)
        for prefix, ns in self.prefixes:
            if text.startswith(ns) and _PLAIN_LOCAL.match(text[len(ns):]):
                return f"{prefix}:{text[len(ns):]}"
        return f"<{text}>"

    def term(self, term) -> str:
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, Literal):
            if term.datatype in (XSD.integer, XSD.boolean) and not term.language:
                return str(term).lower() if term.datatype == XSD.boolean else str(term)
            lexical = Literal(str(term)).n3()          # rdflib escapes the lexical form
            if term.language:
                return f"{lexical}@{term.language}"
            if term.datatype is not None and term.datatype != XSD.string:
                return f"{lexical}^^{self.iri(term.datatype)}"
            return lexical
        raise ValueError(f"canonical Turtle does not write blank nodes: {term!r}")


def _object_key(term) -> tuple:
    if isinstance(term, URIRef):
        return (0, natural_key(str(term)), "")
    return (1, natural_key(str(term)), f"{term.language or ''}|{term.datatype or ''}")


def to_turtle(graph: Graph, prefixes: dict | None = None) -> str:
    """Sorted, deterministic Turtle for a graph without blank nodes."""
    prefixes = PREFIXES if prefixes is None else prefixes
    writer = Canonical(prefixes)
    by_subject: dict[URIRef, dict[URIRef, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            raise ValueError(f"canonical Turtle does not write blank nodes: {s} {p} {o}")
        by_subject[s][p].append(o)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted((p, str(ns)) for p, ns in prefixes.items())]
    for s in sorted(by_subject, key=lambda t: natural_key(str(t))):
        preds = by_subject[s]
        order = sorted(preds, key=lambda p: (p != RDF.type, writer.iri(p)))
        lines.append("")
        lines.append(writer.iri(s))
        for i, p in enumerate(order):
            objs = " , ".join(writer.term(o) for o in sorted(preds[p], key=_object_key))
            end = " ." if i == len(order) - 1 else " ;"
            lines.append(f"    {writer.iri(p)} {objs}{end}")
    return "\n".join(lines) + "\n"
