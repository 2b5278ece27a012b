"""/id/…: every IRI of the data, served by content negotiation (HTML, Turtle,
JSON-LD, RDF/XML, N-Triples; `Vary: Accept`) or by an explicit suffix
(.ttl .jsonld .rdf .nt), with an ETag derived from the data."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request
from pyoxigraph import NamedNode
from rdflib import Graph

from ..iris import PREFIXES
from ..results import Term
from .cache import per_version
from .pages import render_entity, store
from .sparql import GRAPH_TYPES, graph_of

bp = Blueprint("linked_data", __name__)

SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml",
            ".nt": "application/n-triples"}
OFFERED = ["text/html", "application/xhtml+xml", *GRAPH_TYPES]

# The entity and the nodes it owns (IRIs below its own: mentions, targets, parts).
DESCRIBE = """
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?this ?p ?o . BIND (?this AS ?s) }
  UNION
  { ?this ?link ?s . FILTER (isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?this), "/"))) ?s ?p ?o }
}"""


def graph_for(iri: str) -> Graph:
    g = graph_of(store().run(DESCRIBE, {"this": Term.iri(iri)}))
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


@bp.route("/id/<path:path>")
def resource(path: str):
    etag = current_app.extensions["policykg"]["etag"]
    mime = None
    for suffix, media in SUFFIXES.items():
        if path.endswith(suffix):
            path, mime = path[: -len(suffix)], media
            break
    iri = current_app.config["PUBLIC_BASE"] + path
    try:
        Term.iri(iri)
        NamedNode(iri)              # the IRI grammar: no U+FFFD (undecodable bytes), stray '%', '#', '['…
    except ValueError:
        abort(404)
    if mime is None:
        mime = request.accept_mimetypes.best_match(OFFERED, default="text/html")
    if mime in ("text/html", "application/xhtml+xml"):
        from .i18n import lang
        etag += "-" + lang()                        # the page's words follow the language chosen
    if request.if_none_match.contains(etag + mime.replace("/", "-")):
        resp = Response(status=304)
    elif mime in ("text/html", "application/xhtml+xml"):
        resp = Response(render_entity(iri), mimetype="text/html")
    else:
        g = graph_for(iri)
        if len(g) == 0:
            abort(404)
        resp = Response(g.serialize(format=GRAPH_TYPES[mime]), mimetype=mime)
    resp.set_etag(etag + mime.replace("/", "-"))
    resp.vary.add("Accept")
    if mime not in ("text/html", "application/xhtml+xml"):
        resp.headers["Access-Control-Allow-Origin"] = "*"          # data, not the HTML pages
    return resp


DUMPS = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}


def build_dump(files: list[Path], media: str) -> bytes:
    """The whole dataset in one format: about 1.5 s of CPU, so done once per data version."""
    g = Graph()
    for f in files:
        g.parse(f)
    return g.serialize(format=GRAPH_TYPES[media], encoding="utf-8")


def cached_dump(fmt: str) -> bytes:
    ext = current_app.extensions["policykg"]
    return per_version(("dump", fmt), lambda: build_dump(ext["files"], DUMPS[fmt]))


@bp.route("/dump.<fmt>")
def dump(fmt: str):
    """The whole dataset: ontology, vocabularies, registries and data.

    Built on first request and kept for the life of the app (the data never
    changes under a running app); a matching If-None-Match is answered 304
    before anything is built, and HEAD sends the headers of the cached body."""
    media = DUMPS.get(fmt)
    if media is None or current_app.extensions["policykg"].get("remote"):
        abort(404)                  # served from a remote store: its own endpoint has the data
    tag = current_app.extensions["policykg"]["etag"] + fmt
    if request.if_none_match.contains_weak(tag):
        resp = Response(status=304)
    else:
        resp = Response(cached_dump(fmt), mimetype=media)
        resp.headers["Content-Disposition"] = f'attachment; filename="policykg.{fmt}"'
    resp.set_etag(tag)
    return resp
