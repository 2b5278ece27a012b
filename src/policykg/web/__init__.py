"""The Flask front end: an app factory and one blueprint per concern.

    pages        home, document, entity pages (HTML)
    linked_data  /id/… with content negotiation and suffix URLs
    sparql       the SPARQL 1.1 Protocol endpoint, read-only and bounded
    saved        the saved-query gallery, forms and .csv/.tsv/.json twins
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

from .. import resources
from ..guard import GuardedStore
from ..store import EmbeddedStore, default_files

DEFAULTS = {
    "PUBLIC_BASE": "https://w3id.org/policykg/id/",   # the IRI base of the data
    "SPARQL_TIMEOUT": 10.0,                            # seconds per query
    "SPARQL_ROW_LIMIT": 10_000,                        # rows (or triples) per answer
    "SPARQL_MAX_BYTES": 16 * 1024 * 1024,              # UTF-8 bytes of values per answer
    "SPARQL_MAX_QUERY": 20_000,                        # characters per query
    "POLICYKG_FILES": None,                            # None: the shipped dataset and the corpus
    "CORPUS": None,                                    # the corpus folder (None: $POLICYKG_CORPUS or ~/.local/share/policykg/corpus)
    "SPARQL_ISOLATE": True,                            # run /sparql queries in killable, network-less child processes
    "SPARQL_WORKERS": 2,                               # isolated: worker processes (queries at once)
    "SPARQL_WORKER_MEMORY": 2048,                      # isolated: MB of address space per worker
    "SPARQL_QUEUE_WAIT": 5.0,                          # isolated: seconds to wait for a free worker
}


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
    graphs = {}
    if app.config["POLICYKG_FILES"]:
        files = [Path(f) for f in app.config["POLICYKG_FILES"]]
    else:
        from ..corpus import Corpus
        corpus = Corpus(app.config["CORPUS"])
        files, graphs = default_files(corpus), corpus.named_graphs()
    store = EmbeddedStore(files, graphs)
    # queries from anyone are checked before they run (guard) and, isolated, run where no socket opens
    sparql_store = GuardedStore(store)
    if app.config["SPARQL_ISOLATE"]:
        from ..isolated import IsolatedStore
        memory = int(app.config["SPARQL_WORKER_MEMORY"]) or None
        try:
            sparql_store = IsolatedStore(files, workers=int(app.config["SPARQL_WORKERS"]), memory_mb=memory, graphs=graphs,
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
    from . import documents, explore, linked_data, pages, saved, sparql
    from .i18n import install
    install(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(saved.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(documents.bp)

    @app.after_request
    def conditional(response):
        # every GET answer depends only on the data, the URL and the negotiated type
        if request.method == "GET" and response.status_code == 200 and not response.get_etag()[0] \
                and not response.direct_passthrough:
            tag = hashlib.sha256(f"{app.extensions['policykg']['etag']} {request.full_path} "
                                 f"{response.mimetype}".encode()).hexdigest()[:32]
            response.set_etag(tag)
            response.headers.setdefault("Vary", "Accept")
            return response.make_conditional(request)
        return response
    return app
