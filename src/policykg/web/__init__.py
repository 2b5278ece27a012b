"""The Flask front end: an app factory and one blueprint per concern.

    pages        home, document, entity pages (HTML)
    linked_data  /id/… with content negotiation and suffix URLs
    sparql       the SPARQL 1.1 Protocol endpoint, read-only and bounded
    saved        the saved-query gallery, forms and .csv/.tsv/.json twins
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, abort, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import resources
from ..store import EmbeddedStore, default_files

DEFAULTS = {
    "PUBLIC_BASE": "https://w3id.org/policykg/id/",   # the IRI base of the data
    "SPARQL_TIMEOUT": 10.0,                            # seconds per query
    "SPARQL_ROW_LIMIT": 10_000,                        # rows (or triples) per answer
    "SPARQL_MAX_QUERY": 20_000,                        # characters per query
    "POLICYKG_FILES": None,                            # None: the shipped dataset
    "SPARQL_ISOLATE": False,                           # run /sparql queries in killable child processes
    "SPARQL_WORKERS": 2,                               # isolated: worker processes (queries at once)
    "SPARQL_WORKER_MEMORY": 2048,                      # isolated: MB of address space per worker
    "SPARQL_QUEUE_WAIT": 5.0,                          # isolated: seconds to wait for a free worker
    "MAX_CONTENT_LENGTH": 1_048_576,                   # bytes per request body; more is answered 413 unread
}


def waitress_options(app: Flask) -> dict:
    """What waitress must know of the app's settings: the body limit, so that a body over
    MAX_CONTENT_LENGTH is refused from its Content-Length before waitress reads (and
    buffers) it; waitress refuses a body of max_request_body_size bytes or more."""
    limit = app.config.get("MAX_CONTENT_LENGTH")
    return {} if limit is None else {"max_request_body_size": int(limit) + 1}


def data_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(resources.path("web", "templates")),
                static_folder=str(resources.path("web", "static")))
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("POLICYKG")
    if test_config:
        app.config.from_mapping(test_config)
    files = [Path(f) for f in (app.config["POLICYKG_FILES"] or default_files())]
    store = EmbeddedStore(files)
    sparql_store = store
    if app.config["SPARQL_ISOLATE"]:
        from ..isolated import IsolatedStore
        memory = int(app.config["SPARQL_WORKER_MEMORY"]) or None
        try:
            sparql_store = IsolatedStore(files, workers=int(app.config["SPARQL_WORKERS"]), memory_mb=memory,
                                         queue_wait=float(app.config["SPARQL_QUEUE_WAIT"]))
        except RuntimeError as e:
            hint = "; raise SPARQL_WORKER_MEMORY (or POLICYKG_SPARQL_WORKER_MEMORY) for this dataset" if memory else ""
            raise RuntimeError(f"{e}{hint}") from None
    app.extensions["policykg"] = {
        "store": store,                 # pages and saved queries: queries we wrote
        "sparql_store": sparql_store,   # ad-hoc queries from anyone
        "etag": data_hash(files)[:32],
        "files": files,
    }
    from . import explore, linked_data, pages, saved, sparql
    from .i18n import install
    install(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(saved.bp)
    app.register_blueprint(explore.bp)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(e):
        return Response(f"the request body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes "
                        "(MAX_CONTENT_LENGTH)\n", status=413, mimetype="text/plain")

    @app.before_request
    def decodable_path():
        # the server hands the path over as bytes in latin-1; werkzeug replaces what is not
        # UTF-8 with U+FFFD, which would route /id/%ff to a resource that cannot exist
        # (the test client does that replacement itself); U+FFFD is in no IRI and no route
        try:
            path = request.environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            abort(404)
        if "\ufffd" in path:
            abort(404)

    @app.after_request
    def conditional(response):
        # every GET answer depends only on the data, the URL and the negotiated type
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.get_etag()[0] \
                and not response.direct_passthrough:
            tag = hashlib.sha256(f"{app.extensions['policykg']['etag']} {request.full_path} "
                                 f"{response.mimetype}".encode()).hexdigest()[:32]
            response.set_etag(tag)
            response.headers.setdefault("Vary", "Accept")
            return response.make_conditional(request)
        return response
    return app
