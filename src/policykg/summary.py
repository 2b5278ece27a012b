"""Counts that describe a built graph, for the CLI and the home page."""
from __future__ import annotations

from rdflib import Graph

from .iris import PKG

COUNTS = {
    "parts": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pkg:Part }",
    "measures": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pkg:Measure }",
    "responsible_bodies": "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?m pkg:responsibleBody ?b }",
    "unresolved_bodies": "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a pkg:UnresolvedBody }",
    "responsibility_links": "SELECT (COUNT(*) AS ?n) WHERE { ?m pkg:responsibleBody ?b }",
    "open_lists": "SELECT (COUNT(*) AS ?n) WHERE { ?m pkg:responsibleListOpen true }",
    "cited_documents": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?m pkg:cites ?d }",
    "citations": "SELECT (COUNT(*) AS ?n) WHERE { ?m pkg:cites ?d }",
    "planned_documents": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?m pkg:plansDocument ?d }",
    "quantitative_targets": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pkg:QuantitativeTarget }",
    "instruments_used": "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?m pkg:usesInstrument ?i }",
    "target_groups_served": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?m pkg:servesTargetGroup ?g }",
    "platforms_involved": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?m pkg:involvesPlatform ?p }",
    "mentions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pkg:Mention }",
}


def summarize(graph: Graph) -> dict[str, int]:
    """Counts of the main kinds of fact in a graph of extracted notices."""
    out = {"triples": len(graph)}
    for name, query in COUNTS.items():
        row = next(iter(graph.query(query, initNs={"pkg": PKG})))
        out[name] = int(row[0])
    return out
