"""The corpus on the web: an index of the notices, and two notices side by side."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..queries import run_saved_query
from ..results import Term
from .pages import local_path, store

bp = Blueprint("documents", __name__)

COUNTS_BY = {
    "instruments": """SELECT ?key (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m a pkg:Measure ; pkg:inDocument ?doc ; pkg:usesInstrument ?key .
        ?key skos:prefLabel ?l FILTER (lang(?l) = "zh") } GROUP BY ?key""",
    "groups": """SELECT ?key (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m a pkg:Measure ; pkg:inDocument ?doc ; pkg:servesTargetGroup ?key .
        ?key skos:prefLabel ?l FILTER (lang(?l) = "zh") } GROUP BY ?key""",
    "cites": """SELECT ?key (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m a pkg:Measure ; pkg:inDocument ?doc ; pkg:cites ?key .
        ?key skos:prefLabel|rdfs:label ?l FILTER (lang(?l) = "zh") } GROUP BY ?key""",
    "responsible": """SELECT ?key (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m a pkg:Measure ; pkg:inDocument ?doc ; pkg:responsibleBody ?key .
        ?key skos:prefLabel|rdfs:label ?l FILTER (lang(?l) = "zh") } GROUP BY ?key""",
}


def documents() -> list[dict]:
    rows = run_saved_query(store(), "documents").dicts()
    return [{"iri": r["document"].value, "href": local_path(r["document"].value), "title": r["title"].value,
             "number": r["number"].value if "number" in r else "", "date": r["date"].value if "date" in r else "",
             "measures": int(r["measures"].value), "bodies": int(r["bodies"].value)} for r in rows]


@bp.route("/documents")
def index():
    return render_template("documents.html", docs=documents())


@bp.route("/compare")
def compare():
    docs = {d["iri"]: d for d in documents()}
    chosen = [request.args.get("a"), request.args.get("b")]
    if not all(chosen):
        return render_template("compare.html", docs=list(docs.values()), pair=None, sections=None)
    for name, iri in zip("ab", chosen):
        if iri not in docs:
            abort(404, f"parameter {name}: no notice {iri} in the corpus")
    sections = {}
    for section, query in COUNTS_BY.items():
        by_key: dict[str, dict] = {}
        for side, iri in enumerate(chosen):
            for r in store().select(query, {"doc": Term.iri(iri)}).dicts():
                row = by_key.setdefault(r["key"].value, {"label": r["label"].value, "href": local_path(r["key"].value),
                                                         "n": [0, 0]})
                row["n"][side] = int(r["n"].value)
        sections[section] = sorted(by_key.values(), key=lambda row: (-min(row["n"]), -sum(row["n"]), row["label"]))
    return render_template("compare.html", docs=list(docs.values()), pair=[docs[i] for i in chosen],
                           sections=sections)
