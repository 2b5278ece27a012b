"""Whole answers kept for repeated requests, keyed by the store's version.

A saved query asked again, a page viewed again, the same text POSTed to /sparql again:
each costs queries and rendering the first time only. The cache sits in front of the
Flask app (WSGI middleware), so a hit costs neither routing nor a request object.

What an answer depends on is in its key: the store version (the ETag's data digest,
which changes when the served files change), method, Host, path, query string, the
Accept header as sent, the page language (?lang= is in the query string; the `lang`
cookie is read as the app reads it) and, for a POST, its Content-Type and body. Only
answers the app marks as cacheable are kept: 200, no Set-Cookie, not streamed from a
file, from the views that read nothing but the data and the request (see CACHED).
Refusals (a SERVICE or LOAD query, an update, a query too long) are never 200, so they
are never kept and every one is checked anew; nor can a refused request find the entry
of another request, since the whole request is the key.

Memory is bounded: least recently used entries go first once the bytes kept (bodies,
headers and keys) would pass CACHE_BYTES; an answer larger than a quarter of it is not
kept. A conditional request (If-None-Match naming the kept answer's ETag) is answered
304 from the cache.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from werkzeug.http import parse_cookie, remove_entity_headers

# endpoints whose GET (and /sparql's POST) answers depend only on the data and the request
CACHED = {"pages.home", "linked_data.resource", "saved.gallery", "saved.run", "sparql.endpoint",
          "documents.index", "documents.compare", "explore.editor", "explore.network", "explore.network_json"}
FLAG = "policykg.cacheable"          # set in the environ by the app for an answer it may keep


class ByteLRU:
    """A thread-safe LRU map bounded by the bytes its values (and keys) take."""

    def __init__(self, limit: int):
        self.limit = int(limit)
        self.size = 0
        self.hits = self.misses = self.evictions = 0
        self._data: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable):
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value, size: int) -> bool:
        """Keep value (of `size` bytes) unless it alone would take over a quarter of the limit."""
        if size > self.limit // 4:
            return False
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._data[key] = (value, size)
            self.size += size
            while self.size > self.limit:
                _, (_, dropped) = self._data.popitem(last=False)
                self.size -= dropped
                self.evictions += 1
        return True

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.size = 0


class Kept:
    __slots__ = ("status", "headers", "body", "etag")

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body
        self.etag = next((v for k, v in headers if k.lower() == "etag"), None)


class ResponseCache:
    """WSGI middleware: answers a repeated request from the cache, else asks the app and
    keeps its answer when the app set FLAG. `version()` names the store the answer comes
    from (called first on every request: it may also bring the store up to date);
    `max_body` is the largest POST body read into a key (MAX_CONTENT_LENGTH)."""

    def __init__(self, app: Callable, limit: int, version: Callable[[], str | None], max_body: int | None):
        self.app = app
        self.lru = ByteLRU(limit)
        self.version = version
        self.max_body = max_body
        self._seen_version: str | None = None

    def key(self, environ: dict, version: str) -> tuple | None:
        method = environ["REQUEST_METHOD"]
        cookie = environ.get("HTTP_COOKIE", "")
        lang = "en" if "lang" in cookie and parse_cookie(cookie).get("lang") == "en" else "zh"
        # a HEAD is answered from the GET's entry (the same headers, no body)
        base = (version, "GET" if method == "HEAD" else method, environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
                environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""), lang)
        if method in ("GET", "HEAD"):
            return base
        if method != "POST" or environ.get("PATH_INFO") != "/sparql":
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None                  # chunked or missing: the app decides, nothing is kept
        if length < 0 or (self.max_body is not None and length > self.max_body):
            return None                  # the app refuses it (413) unread
        from io import BytesIO
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = BytesIO(body)       # the app reads the same bytes
        return base + (environ.get("CONTENT_TYPE", ""), body)

    def __call__(self, environ: dict, start_response):
        version = self.version()
        if version is None:                         # nothing known to key on (a remote store)
            return self.app(environ, start_response)
        if version != self._seen_version:
            self.lru.clear()                        # answers of an older store are never served again
            self._seen_version = version
        key = self.key(environ, version)
        if key is None:
            return self.app(environ, start_response)
        kept = self.lru.get(key)
        if kept is not None:
            return self._answer(kept, environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        answer = self.app(environ, capture)
        if not environ.get(FLAG) or not captured.get("status", "").startswith("200") \
                or any(k.lower() == "set-cookie" for k, _ in captured["headers"]):
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        if environ["REQUEST_METHOD"] != "HEAD":     # a HEAD answer has no body to keep
            size = len(body) + sum(len(k) + len(v) for k, v in captured["headers"]) + _key_size(key) + 200
            self.lru.put(key, Kept(captured["status"], list(captured["headers"]), body), size)
        return [body]

    def _answer(self, kept: Kept, environ: dict, start_response) -> Iterable[bytes]:
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match and kept.etag and _matches(match, kept.etag):
            # as Flask answers it: the 200's headers less those describing a body
            headers = list(kept.headers)
            remove_entity_headers(headers)
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        start_response(kept.status, list(kept.headers))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [kept.body]


def _key_size(key: tuple) -> int:
    return sum(len(part) for part in key if isinstance(part, (str, bytes)))


def _matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x"."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


# One lock for what per_version builds; re-entrant because one build may ask for another
# (the DCAT catalogue lists the dumps): a plain lock deadlocked the first /catalog request.
_build_lock = threading.RLock()


def per_version(key: tuple, build):
    """What is built once per version of the served data (dumps, catalogue, context):
    kept in the store's own extension dict, which a new store replaces whole."""
    from flask import current_app
    ext = current_app.extensions["policykg"]
    cache = ext.setdefault("per_version", {})
    full = (ext["etag"], key)
    if full not in cache:
        with _build_lock:               # one build even when several clients ask at once
            if full not in cache:
                cache[full] = build()
    return cache[full]
