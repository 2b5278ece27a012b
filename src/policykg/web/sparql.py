"""/sparql: the SPARQL 1.1 Protocol for queries, read-only and bounded.

GET ?query=, POST form, POST direct (application/sparql-query). Result
formats by Accept (or ?format=): SPARQL JSON, XML, CSV, TSV; Turtle, JSON-LD,
N-Triples or RDF/XML for CONSTRUCT and DESCRIBE. A GET without a query
answers a SPARQL Service Description. Updates are refused; so are SERVICE,
LOAD and FROM/FROM NAMED or dataset parameters naming anything but the local
default graph, so a query can never make the server fetch a URL. The check
runs on the parsed query where it is executed (`guard`), and under `serve`
in a worker process that cannot open a network socket (`sandbox`).
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request, url_for
from rdflib import BNode, Graph, Literal, URIRef

from ..memory import LARGE, release_memory
from ..results import FORMATS, MEDIA_TYPES, render
from ..store import QueryAborted, QueryRefused, QueryBusy, QueryError, QueryTimeout, Triple

bp = Blueprint("sparql", __name__)

SELECT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle", "application/ld+json": "json-ld",
    "application/n-triples": "nt", "application/rdf+xml": "xml",
}
GRAPH_FORMAT_NAMES = {"turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json",
                      "json-ld": "application/ld+json", "nt": "application/n-triples",
                      "rdf": "application/rdf+xml"}


def problem(status: int, message: str, **extra) -> Response:
    body = "\n".join([message] + [f"{k}: {v}" for k, v in extra.items()]) + "\n"
    resp = Response(body, status=status, mimetype="text/plain")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def read_query() -> tuple[str | None, Response | None]:
    """The query text of a protocol request, or the answer refusing it."""
    from .protocol import BadRequest, parameters, utf8
    try:
        args = parameters(request.query_string, "URL")
        if request.method == "POST":
            ctype = (request.mimetype or "").lower()
            if ctype == "application/sparql-update":
                return None, problem(403, "this endpoint is read-only: SPARQL Update is refused")
            if ctype == "application/sparql-query":
                if "query" in args:
                    raise BadRequest("two queries: a POSTed application/sparql-query body and a query "
                                     "parameter in the URL")
                return utf8(request.get_data(cache=True), "the request body"), None
            if ctype == "application/x-www-form-urlencoded":
                form = parameters(request.get_data(cache=True), "request body")
                if "update" in form or "update" in args:
                    return None, problem(403, "this endpoint is read-only: SPARQL Update is refused")
                queries = form.get("query", []) + args.get("query", [])
                if len(queries) > 1:
                    raise BadRequest(f"{len(queries)} query parameters: send exactly one query")
                return (queries[0] if queries else None), None
            return None, problem(415, f"POST a query as application/sparql-query or a form, not {ctype or 'nothing'}")
        if "update" in args:
            return None, problem(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = args.get("query", [])
        if len(queries) > 1:
            raise BadRequest(f"{len(queries)} query parameters: send exactly one query")
        return (queries[0] if queries else None), None
    except BadRequest as e:
        return None, problem(400, str(e))


def service_iri() -> str:
    """The endpoint's IRI: under PUBLIC_URL when that is set, else the relative reference
    `sparql`, which a client resolves against the URL it fetched. Never built from the
    request's Host header, which the client (or anyone in between) chooses."""
    path = url_for("sparql.endpoint")
    public_url = current_app.config.get("PUBLIC_URL")
    if public_url:
        return public_url.rstrip("/") + path[len(request.script_root):]
    return path.rsplit("/", 1)[-1]


def service_description() -> Response:
    g = Graph()
    sd = "http://www.w3.org/ns/sparql-service-description#"
    svc = URIRef(service_iri())
    g.bind("sd", sd)
    g.add((svc, URIRef(sd + "endpoint"), svc))
    g.add((svc, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(sd + "Service")))
    g.add((svc, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        g.add((svc, URIRef(sd + "resultFormat"), URIRef(f"http://www.w3.org/ns/formats/{fmt}")))
    dataset = BNode()
    g.add((svc, URIRef(sd + "defaultDataset"), dataset))
    g.add((dataset, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(sd + "Dataset")))
    g.add((svc, URIRef("http://purl.org/dc/terms/description"),
           Literal("policykg: read-only SPARQL 1.1 query endpoint; "
                   f"{current_app.config['SPARQL_TIMEOUT']} s and {current_app.config['SPARQL_ROW_LIMIT']} rows "
                   "per query; SERVICE, LOAD, FROM and updates are refused", lang="en")))
    # N-Triples has no relative IRIs: offered only with PUBLIC_URL
    offered = [m for m in GRAPH_TYPES if current_app.config.get("PUBLIC_URL") or m != "application/n-triples"]
    named = GRAPH_FORMAT_NAMES.get(request.args.get("format", ""))
    mime = named if named in offered else request.accept_mimetypes.best_match(offered, default="text/turtle")
    resp = Response(g.serialize(format=GRAPH_TYPES[mime]), mimetype=mime)
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Vary"] = "Accept"
    return resp


def wants_page() -> bool:
    """A browser (text/html preferred to every RDF type, not merely accepted by */*) gets a
    page about the endpoint; programs get the service description as before."""
    if request.args.get("format"):
        return False
    accept = request.accept_mimetypes
    return accept.accept_html and accept["text/html"] > max(accept[m] for m in GRAPH_TYPES)


EXAMPLE = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?number ?title WHERE {
  ?measure a pkg:Measure ; pkg:number ?number ; pkg:title ?title ;
           pkg:responsibleBody/skos:prefLabel "张掖市财政局"@zh .
}
ORDER BY ?number"""


def about_page() -> Response:
    from flask import render_template
    from urllib.parse import quote
    config = current_app.config
    base = (config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    url = base + url_for("sparql.endpoint")[len(request.script_root):]
    resp = Response(render_template("sparql.html", url=url, example=EXAMPLE, quoted=quote(EXAMPLE, safe=""),
                                    timeout=config["SPARQL_TIMEOUT"], rows=config["SPARQL_ROW_LIMIT"],
                                    max_bytes=config["SPARQL_MAX_BYTES"], max_query=config["SPARQL_MAX_QUERY"],
                                    editor=url_for("explore.editor", query=EXAMPLE)), mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    return resp


def graph_of(triples: list[Triple]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(tuple(_rdflib(x) for x in (t.subject, t.predicate, t.object)))
    return g


def _rdflib(term):
    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    return Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        resp = Response(status=204)
        resp.headers.update({"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST",
                             "Access-Control-Allow-Headers": "Content-Type, Accept"})
        return resp
    query, error = read_query()
    if error is not None:
        return error
    if not query:
        if request.method in ("GET", "HEAD"):          # HEAD: the same answer as GET, without its body
            if wants_page():
                return about_page()
            return service_description()
        return problem(400, "no query: send query=… or a body of type application/sparql-query")
    config = current_app.config
    if len(query) > config["SPARQL_MAX_QUERY"]:
        return problem(413, f"the query is longer than {config['SPARQL_MAX_QUERY']} characters")
    if request.values.getlist("default-graph-uri") or request.values.getlist("named-graph-uri"):
        return problem(400, "default-graph-uri / named-graph-uri: only the local default graph is served")
    store = current_app.extensions["policykg"]["sparql_store"]
    limit = config["SPARQL_ROW_LIMIT"]
    try:
        result = store.run(query, limit=limit, timeout=config["SPARQL_TIMEOUT"],
                           max_bytes=config["SPARQL_MAX_BYTES"])
    except QueryTimeout:
        return problem(503, f"the query ran past the time limit of {config['SPARQL_TIMEOUT']} s")
    except QueryBusy as e:
        resp = problem(503, str(e))
        # a busy worker is free again within the time limit at the latest
        resp.headers["Retry-After"] = str(max(1, round(config["SPARQL_TIMEOUT"])))
        return resp
    except QueryAborted as e:
        return problem(503, str(e))
    except QueryRefused as e:
        return problem(e.status, e.message)
    except QueryError as e:
        where = {"line": e.line, "column": e.column} if e.line is not None else {}
        return problem(400, f"malformed query: {e.message}", **where)
    if isinstance(result, list):
        truncated = result.truncated_by
        mime = _graph_mime()
        resp = Response(graph_of(result).serialize(format=GRAPH_TYPES[mime]), mimetype=mime)
    elif isinstance(result, bool):
        truncated = None
        resp = boolean_answer(result)
    else:
        truncated = result.truncated_by
        fmt = _select_format()
        resp = Response(render(result, fmt), mimetype=MEDIA_TYPES[fmt])
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Vary"] = "Accept"
    if truncated == "rows":
        resp.headers["X-Policykg-Truncated"] = f"true; limit={limit}"
    elif truncated == "bytes":
        resp.headers["X-Policykg-Truncated"] = f"true; bytes={config['SPARQL_MAX_BYTES']}"
    if resp.content_length and resp.content_length > LARGE:
        resp.call_on_close(release_memory)
    return resp


def boolean_answer(value: bool) -> Response:
    """An ASK result: SPARQL JSON, or the XML boolean form when XML is asked for; CSV
    and TSV define no boolean, so they get the bare word, as the Oxigraph server sends."""
    fmt = _select_format()
    word = "true" if value else "false"
    if fmt == "xml":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n")
    elif fmt in ("csv", "tsv"):
        body = word + "\n"
    else:
        body = json.dumps({"head": {}, "boolean": value})
    return Response(body, mimetype=MEDIA_TYPES[fmt])


def _select_format() -> str:
    explicit = request.args.get("format")
    if explicit in FORMATS and explicit != "table":
        return explicit
    mime = request.accept_mimetypes.best_match(list(SELECT_TYPES), default="application/sparql-results+json")
    return SELECT_TYPES[mime]


def _graph_mime() -> str:
    explicit = request.args.get("format")
    if explicit in GRAPH_FORMAT_NAMES:
        return GRAPH_FORMAT_NAMES[explicit]
    return request.accept_mimetypes.best_match(list(GRAPH_TYPES), default="text/turtle")
