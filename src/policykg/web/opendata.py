"""Open-data publication: downloads with checksums, DCAT-AP, VoID, the JSON-LD context, the
ontology and shapes as documents.

    /download/                  the dumps, each with its size and sha256 (HTML; index.json as JSON)
    /download/policykg.EXT[.gz] one dump (ttl nt nq trig jsonld rdf), built once per data version
    /catalog                    DCAT-AP 3.0.1: catalogue, dataset, distributions, SPARQL service
    /void, /.well-known/void    VoID: counts, class and property partitions, linksets
    /context.jsonld             the JSON-LD context of the dumps (also inline in policykg.jsonld)
    /ontology                   HTML reference of every class, property and individual; Turtle
                                by Accept or /ontology.ttl
    /shapes                     the SHACL shapes the data conforms to (Turtle)

Descriptions and dumps come from the store the app serves; their IRIs are under
https://w3id.org/policykg/ (w3id/.htaccess redirects there to this site).
"""
from __future__ import annotations

import base64
import json

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .. import dataset, jsonld, resources
from ..iris import PKG
from .cache import per_version
from .i18n import lang

bp = Blueprint("opendata", __name__)

RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
             "application/n-triples": "nt"}
SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml",
            ".nt": "application/n-triples"}
def _cached(key: str, build):
    return per_version(("opendata", key), build)


def _store():
    return current_app.extensions["policykg"]["store"]


def all_dumps() -> list[dataset.Dump]:
    if current_app.extensions["policykg"].get("remote"):
        # served from a remote store (serve --endpoint): the dumps, and the descriptions that
        # count and list them, belong to the store's own publisher
        abort(404)
    return _cached("dumps", lambda: dataset.dumps(_store()))


def _etagged(resp: Response, key: str) -> Response:
    resp.set_etag(current_app.extensions["policykg"]["etag"] + key)
    return resp.make_conditional(request)


# --- downloads --------------------------------------------------------------------------------

@bp.route("/download/")
def download_index():
    listing = [d.listing() for d in all_dumps()]
    for item in listing:
        item["href"] = f"{request.script_root}/download/{item['name']}"
    return render_template("download.html", dumps=listing, context_url=dataset.CONTEXT)


@bp.route("/download/index.json")
def download_json():
    body = {"dataset": str(dataset.DATASET), "license": str(dataset.DATA_LICENSE),
            "context": dataset.CONTEXT, "files": [d.listing() for d in all_dumps()]}
    resp = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return _etagged(resp, "download-index")


@bp.route("/download/<name>")
def download(name: str):
    dump = next((d for d in all_dumps() if d.name == name), None)
    if dump is None:
        abort(404)
    # a .gz file is the file the listing's checksum is of: served as gzip, not Content-Encoding
    resp = Response(dump.data, mimetype=dump.media)
    resp.headers["Content-Disposition"] = f'attachment; filename="{dump.name}"'
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(dump.sha256)).decode()
    return _etagged(resp, "download-" + name)


@bp.route("/context.jsonld")
def context():
    ctx = _cached("context", lambda: jsonld.context(
        dataset.ox_store(_store()).quads_for_pattern(None, None, None, ox.DefaultGraph())))
    resp = Response(json.dumps({"@context": ctx}, ensure_ascii=False, indent=1), mimetype="application/ld+json")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return _etagged(resp, "context")


# --- descriptions -----------------------------------------------------------------------------

def _negotiate(default: str = "text/turtle") -> str:
    for suffix, media in SUFFIXES.items():
        if request.path.endswith(suffix):
            return media
    return request.accept_mimetypes.best_match(["text/html", *RDF_TYPES], default=default)


def _rdf_answer(graph: Graph, key: str, title: str) -> Response:
    media = _negotiate()
    if media == "text/html":
        text = graph.serialize(format="turtle")
        resp = Response(render_template("rdf_document.html", title=title, turtle=text, path=request.path),
                        mimetype="text/html")
    else:
        resp = Response(graph.serialize(format=RDF_TYPES[media], encoding="utf-8"), mimetype=media)
        resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Vary"] = "Accept"
    return _etagged(resp, f"{key}-{media.replace('/', '-')}")


def catalog_graph() -> Graph:
    return _cached("dcat", lambda: dataset.dcat_graph(_store(), all_dumps()))


def void_graph() -> Graph:
    return _cached("void", lambda: dataset.void_graph(_store(), all_dumps()))


@bp.route("/catalog")
@bp.route("/catalog.<any(ttl, jsonld, rdf, nt):ext>")
def catalog(ext: str | None = None):
    return _rdf_answer(catalog_graph(), "catalog", "DCAT-AP")


@bp.route("/void")
@bp.route("/void.<any(ttl, jsonld, rdf, nt):ext>")
@bp.route("/.well-known/void")
def void(ext: str | None = None):
    return _rdf_answer(void_graph(), "void", "VoID")


@bp.route("/shapes")
@bp.route("/shapes.ttl")
def shapes():
    resp = Response(resources.path("shapes", "policykg-shapes.ttl").read_bytes(), mimetype="text/turtle")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return _etagged(resp, "shapes")


# --- the ontology -----------------------------------------------------------------------------

def ontology_graph() -> Graph:
    def build():
        g = Graph()
        for f in resources.ontology_files():
            g.parse(f, format="turtle")
        return g
    return _cached("ontology", build)


def _text(g: Graph, node, prop, language: str) -> str | None:
    values = [o for o in g.objects(node, prop) if isinstance(o, Literal)]
    for want in (language, "zh", "en", None):
        for o in values:
            if o.language == want:
                return str(o)
    return None


def _ref(g: Graph, node) -> dict:
    if isinstance(node, URIRef) and str(node).startswith(str(PKG)):
        return {"href": "#" + str(node)[len(str(PKG)):], "label": "pkg:" + str(node)[len(str(PKG)):]}
    if isinstance(node, URIRef):
        from ..jsonld import compact_iri
        return {"href": None, "label": compact_iri(str(node))}
    return {"href": None, "label": "(" + ", ".join(_ref(g, m)["label"] for m in g.items(
        g.value(node, OWL.unionOf) or g.value(node, OWL.members) or RDF.nil)) + ")"}


def ontology_terms(language: str) -> dict[str, list[dict]]:
    """Every pkg: term of the ontology files, by kind: classes, properties, individuals."""
    g = ontology_graph()
    kinds = {"classes": [], "properties": [], "individuals": []}
    property_types = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
    for term in sorted({s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(PKG))}):
        types = set(g.objects(term, RDF.type))
        kind = "classes" if OWL.Class in types or RDFS.Class in types else \
            "properties" if types & property_types else "individuals"
        local = str(term)[len(str(PKG)):]
        kinds[kind].append({
            "id": local, "iri": str(term),
            "zh": _text(g, term, RDFS.label, "zh") or _text(g, term, SKOS.prefLabel, "zh"),
            "en": _text(g, term, RDFS.label, "en") or _text(g, term, SKOS.prefLabel, "en"),
            "definition": _text(g, term, SKOS.definition, language) or _text(g, term, RDFS.comment, language),
            "types": [_ref(g, t) for t in sorted(types) if t not in (OWL.NamedIndividual,)],
            "super": [_ref(g, o) for o in sorted(g.objects(term, RDFS.subClassOf), key=str)
                      + sorted(g.objects(term, RDFS.subPropertyOf), key=str)],
            "domain": [_ref(g, o) for o in g.objects(term, RDFS.domain)],
            "range": [_ref(g, o) for o in g.objects(term, RDFS.range)],
        })
    return kinds


@bp.route("/ontology.ttl")
@bp.route("/ontology")              # registered first: url_for names the HTML reference
def ontology():
    media = "text/turtle" if request.path.endswith(".ttl") else \
        request.accept_mimetypes.best_match(["text/html", *RDF_TYPES], default="text/html")
    if media == "text/html":
        g = ontology_graph()
        onto = URIRef(str(PKG).rstrip("#"))
        resp = Response(render_template(
            "ontology.html", terms=ontology_terms(lang()), iri=str(onto),
            title=_text(g, onto, RDFS.label, lang()), description=_text(g, onto, URIRef("http://purl.org/dc/terms/description"), lang()),
            version=_text(g, onto, OWL.versionInfo, lang())), mimetype="text/html")
    elif media == "text/turtle":
        resp = Response(resources.path("ontology", "policykg.ttl").read_bytes(), mimetype="text/turtle")
    else:
        resp = Response(ontology_graph().serialize(format=RDF_TYPES[media], encoding="utf-8"), mimetype=media)
    if media != "text/html":
        resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Vary"] = "Accept"
    return _etagged(resp, "ontology-" + media.replace("/", "-") + lang())


# --- what a renamed body is now ---------------------------------------------------------------

@bp.app_context_processor
def successors_helper():
    def successors(iri: str) -> list[dict]:
        """The bodies that replaced this one, with the year: 张掖银保监分局 → … (2023)."""
        from ..results import Term
        from .pages import local_path, label_of
        rows = _store().select(
            "SELECT ?next ?date WHERE { ?x dct:isReplacedBy ?next . "
            "OPTIONAL { ?x org:changedBy ?e . ?e org:resultingOrganization ?next ; dct:date ?date } } ORDER BY ?next",
            {"x": Term.iri(iri)}).rows
        return [{"href": local_path(n.value), "label": label_of(n.value), "date": d.value if d else None}
                for n, d in rows]
    return {"successors": successors}
