"""/editor (YASGUI over /sparql, with the saved queries as examples) and
/network (departments, measures and cited documents as a cytoscape graph)."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from ..queries import load_queries
from ..results import Term
from .pages import label_of, local_path, store

bp = Blueprint("explore", __name__)


@bp.route("/editor")
def editor():
    s = store()
    examples = [{"name": q.title["zh"], "query": q.sparql} for q in load_queries().values()
                if not q.parameters]
    return render_template("editor.html", endpoint=url_for("sparql.endpoint"), prefixes=s.prefixes,
                           examples=examples, initial=request.args.get("query", ""))


@bp.route("/network")
def network():
    parts = store().select("SELECT ?n ?t WHERE { ?p a pkg:Part ; pkg:number ?n ; pkg:title ?t } ORDER BY ?n").rows
    return render_template("network.html", parts=[(int(n.value), t.value) for n, t in parts])


@bp.route("/network.json")
def network_json():
    """Nodes and edges: measure–body (responsible) and measure–document (cites),
    optionally for one part (?part=N) or one measure's neighbourhood (?measure=IRI)."""
    bindings = {}
    part = request.args.get("part", "")
    if part.isdigit():
        bindings["partNumber"] = Term.literal(part, "http://www.w3.org/2001/XMLSchema#integer")
    measure = request.args.get("measure", "")
    if measure:
        try:
            bindings["m"] = Term.iri(measure)
        except ValueError:
            return jsonify({"error": "measure must be an IRI"}), 400
    rows = store().select("""
        SELECT ?m ?n ?kind ?o WHERE {
          ?m a pkg:Measure ; pkg:number ?n ; pkg:inPart/pkg:number ?partNumber .
          { ?m pkg:responsibleBody ?o . BIND ("body" AS ?kind) }
          UNION { ?m pkg:cites ?o . BIND ("document" AS ?kind) }
        } ORDER BY ?n ?o""", bindings).rows
    nodes, edges = {}, []
    for m, n, kind, o in rows:
        nodes.setdefault(m.value, {"id": m.value, "label": f"（{n.value}）", "kind": "measure",
                                   "href": local_path(m.value)})
        nodes.setdefault(o.value, {"id": o.value, "label": label_of(o.value), "kind": kind.value,
                                   "href": local_path(o.value)})
        edges.append({"source": m.value, "target": o.value, "kind": kind.value})
    return jsonify({"nodes": list(nodes.values()), "edges": edges})
