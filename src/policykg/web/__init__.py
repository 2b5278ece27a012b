"""The Flask front end: an app factory and one blueprint per concern.

    pages        home, document, entity pages (HTML)
    linked_data  /id/… with content negotiation and suffix URLs
    sparql       the SPARQL 1.1 Protocol endpoint, read-only and bounded
    saved        the saved-query gallery, forms and .csv/.tsv/.json twins
    opendata     downloads with checksums, DCAT-AP, VoID, JSON-LD context, the ontology
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from .. import resources
from ..guard import GuardedStore
from ..store import EmbeddedStore, corpus_files

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
    "MAX_CONTENT_LENGTH": 1_048_576,                   # bytes per request body; more is answered 413 unread
    "PUBLIC_URL": None,                                # the site's public base URL; None: relative links only
    "ENDPOINT": None,                                  # a SPARQL endpoint to serve from instead of the embedded store
    "CACHE_BYTES": 64 * 1024 * 1024,                   # answers kept for repeated requests (LRU, bytes); 0: none
    "PAGE_ROWS": 1_000,                                # rows of a saved query's answer per HTML page
}

# Every answer: no type sniffing, no framing, and scripts and fetches from this site only
# (the pages' scripts are files under /static; their settings are JSON blocks). Styles may
# be inline: YASGUI and cytoscape write <style> elements whose text varies (column widths).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
        "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", "frame-ancestors 'none'"]),
    "Referrer-Policy": "same-origin",
}
# Public data anyone may read from a script on another site (CORS); /id/… decides per
# representation (its HTML pages are not data).
CORS_ENDPOINTS = {"sparql.endpoint", "linked_data.dump"}
# views that decide per representation, as /id/… does (data yes, HTML pages no)
CORS_PER_VIEW = {"linked_data.resource", "opendata.download", "opendata.download_json", "opendata.context",
                 "opendata.catalog", "opendata.void", "opendata.shapes", "opendata.ontology"}


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
    public_url = app.config["PUBLIC_URL"]
    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"PUBLIC_URL must be an http(s) URL such as https://kg.example.org/, not {public_url!r}")
    follow = None
    if app.config["ENDPOINT"]:
        follow = _remote(app, app.config["ENDPOINT"])
    else:
        follow = _embedded(app)
    _cache(app, follow)
    from . import documents, explore, linked_data, opendata, pages, saved, sparql
    from .i18n import install
    install(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(saved.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(opendata.bp)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(e):
        return Response(f"the request body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes "
                        "(MAX_CONTENT_LENGTH)\n", status=413, mimetype="text/plain")

    @app.route("/favicon.ico")
    def favicon():
        # browsers ask for /favicon.ico whatever the page says; an SVG icon serves both
        return send_from_directory(app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)

    @app.errorhandler(NotFound)
    def not_found(e):
        # a person gets the site's page in their language; a program gets a line of text
        from .i18n import not_found as page
        if request.accept_mimetypes.best_match(["text/html", "text/plain"], default="text/html") == "text/html" \
                and request.accept_mimetypes.accept_html:
            detail = e.description if e.description != NotFound.description else None
            return page("entity" if request.path.startswith("/id/") else "page", request.path, detail=detail)
        return Response("not found\n", status=404, mimetype="text/plain")     # the path is not echoed

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
            from .i18n import lang
            tag = hashlib.sha256(f"{app.extensions['policykg']['etag']} {request.full_path} "
                                 f"{response.mimetype} {lang()}".encode()).hexdigest()[:32]
            response.set_etag(tag)
            response.vary.add("Accept")
            return response.make_conditional(request)
        return response

    @app.after_request
    def harden(response):
        # runs before `conditional` (after_request functions run last registered first)
        if response.headers.get("Location"):
            response = own_location(response)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint in CORS_ENDPOINTS:
            response.headers["Access-Control-Allow-Origin"] = "*"
        elif request.endpoint not in CORS_PER_VIEW:
            response.headers.pop("Access-Control-Allow-Origin", None)
        return response
    return app


def _cache(app: Flask, follow) -> None:
    """The response cache (see cache.py) in front of the app, keyed by the store's version:
    over a remote store, the version its last `policykg publish` left there (nothing is kept
    while it names none)."""
    from .cache import CACHED, FLAG, ResponseCache
    limit = int(app.config["CACHE_BYTES"] or 0)
    if follow is None and limit <= 0:
        return
    if limit <= 0:
        # no cache, but still follow the corpus (before anything reads the store)
        inner = app.wsgi_app

        def following(environ, start_response):
            follow()
            return inner(environ, start_response)
        app.wsgi_app = following
        return

    @app.after_request
    def cacheable(response):
        # registered before the other hooks, so it runs after them and sees the final answer
        if request.endpoint in CACHED and not response.direct_passthrough and not response.is_streamed:
            request.environ[FLAG] = True
        return response
    version = follow or (lambda: app.extensions["policykg"]["etag"])
    app.wsgi_app = ResponseCache(app.wsgi_app, limit, version, app.config.get("MAX_CONTENT_LENGTH"))
    app.extensions["policykg_cache"] = app.wsgi_app


def _embedded(app: Flask):
    """The embedded store; over a corpus, a follower that swaps in a new store when the
    corpus changes (freshness.py), else None."""
    if app.config["POLICYKG_FILES"]:
        files = [Path(f) for f in app.config["POLICYKG_FILES"]]
        app.extensions["policykg"] = _embedded_store(app, files, {}, None, data_hash(files)[:32])
        return None
    from ..corpus import Corpus, store_key, store_state
    from .freshness import CorpusFollower
    folder = Corpus(app.config["CORPUS"], recover=False).folder

    def current(missing_ok: bool = False):
        reader = Corpus(folder, recover=False)
        files, graphs = corpus_files(reader)        # one listing of the corpus, one stat per file
        return reader, files, graphs, store_state(files, graphs, missing_ok)

    def build():
        reader, files, graphs, state = current()
        key = store_key(state)
        # built once per state; the answers' ETag is the state's digest too: the files' paths, sizes
        # and modification times name the data as well as their bytes would, without reading them
        store = _embedded_store(app, files, graphs, reader.store_path(files, graphs, state), key[:32])
        store["state"] = key
        return store

    # the follower builds the first store; a file missing from a notice's folder is a state too, of
    # which no store can be built: the server stays on the one it has, as it does for a bad graph
    return CorpusFollower(app, folder, build, lambda: store_key(current(missing_ok=True)[3]))


def _embedded_store(app: Flask, files: list[Path], graphs: dict, path: Path | None, etag: str) -> dict:
    if not app.config["SPARQL_ISOLATE"]:
        store = EmbeddedStore(files, graphs, path=path)
        sparql_store = GuardedStore(store)      # queries from anyone are checked before they run
    else:
        # ... and run where no socket opens: the workers start first and load their store while
        # this process opens its own
        from ..isolated import IsolatedStore
        memory = int(app.config["SPARQL_WORKER_MEMORY"]) or None
        sparql_store = IsolatedStore(files, workers=int(app.config["SPARQL_WORKERS"]), memory_mb=memory, graphs=graphs,
                                     path=path, queue_wait=float(app.config["SPARQL_QUEUE_WAIT"]), wait=False)
        try:
            store = EmbeddedStore(files, graphs, path=path)
        except BaseException:
            sparql_store.close()
            raise
        try:
            sparql_store.wait_ready()
        except RuntimeError as e:
            hint = "; raise SPARQL_WORKER_MEMORY (or POLICYKG_SPARQL_WORKER_MEMORY) for this dataset" if memory else ""
            raise RuntimeError(f"{e}{hint}") from None
    return {
        "store": store,                 # pages and saved queries: queries we wrote
        "sparql_store": sparql_store,   # ad-hoc queries from anyone
        "etag": etag,
        "files": files,
    }


def _remote(app: Flask, endpoint: str):
    """Pages, saved queries and /sparql over a remote endpoint. /sparql text is checked on its
    parse tree here, before it is forwarded (SERVICE, updates and FROM refused, as embedded);
    nothing runs in this process, so no isolated workers. The store's version is the one
    `policykg publish` left in it (freshness.PublishedVersion, returned to be asked on every
    request); where it names none, each request gets an ETag of its own (none matches)."""
    import secrets

    from ..store import RemoteStore
    from .freshness import PublishedVersion

    def make(version: str | None) -> dict:
        store = RemoteStore(endpoint, timeout=max(1, int(app.config["SPARQL_TIMEOUT"])))
        return {
            "store": store,
            "sparql_store": GuardedStore(store),
            "etag": hashlib.sha256(f"{endpoint} {version or secrets.token_hex(16)}".encode()).hexdigest()[:32],
            "files": [],                    # no dump: the endpoint serves its own data
            "remote": endpoint,
        }
    app.extensions["policykg"] = make(None)
    return PublishedVersion(app, endpoint, make)


def own_location(response: Response) -> Response:
    """A redirect to this site never names the Host the request claimed: werkzeug builds
    absolute URLs from it (e.g. /id//x → http://HOST/id/x). The target becomes a path, or
    a URL under PUBLIC_URL when that is set."""
    target = urlsplit(response.headers["Location"])
    if not target.netloc or target.netloc.lower() != request.host.lower():
        return response                             # relative already, or somewhere else on purpose
    path = "/" + target.path.lstrip("/")            # never //host: a scheme-relative URL
    rest = (f"?{target.query}" if target.query else "") + (f"#{target.fragment}" if target.fragment else "")
    public_url = current_app.config["PUBLIC_URL"]
    if public_url:
        root = request.script_root                  # PUBLIC_URL stands for the app's root
        if root and (path == root or path.startswith(root + "/")):
            path = path[len(root):]
        location = public_url.rstrip("/") + path + rest
    else:
        location = path + rest
    fresh = redirect(location, code=response.status_code)
    fresh.autocorrect_location_header = False
    return fresh
