"""A running server follows its corpus: after an ingest, a replacement or a removal (in
any process), the next request is answered from a store holding the new data.

Every request stats the folders an ingest renames into (the corpus folder, its
registries folder, the shipped data folder: three stat calls). Only when one of them
changed, or changed so recently that a second change within the file system's
timestamp granularity could hide behind it, are the served files listed and compared
(path, size, modification time, as `Corpus.store_path` names a store). If they differ,
the store is built anew, in the requesting thread (others go on with the old one until
it is ready), and swapped in whole together with its ETag, which is what the response
cache keys on: no answer of the older store is served after the swap.
"""
from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

RACY = 2.0      # seconds: a folder changed this recently may change again within the same timestamp


class CorpusFollower:
    def __init__(self, app, folder: Path, build: Callable[[], dict], state: Callable[[], str]):
        """Builds the first store into app.extensions["policykg"]. `build()` makes a store of the
        corpus as it is now, its "state" the digest of the files it was made from
        (`corpus.store_key`); `state()` is that digest for the corpus as it is now."""
        self.app = app
        self.watched = [folder, folder / ".registries", _data_folder()]
        self.build = build
        self.state = state
        self._lock = threading.Lock()
        # the folders' stamp before the first listing: a change made while the store is opened
        # is seen by the first request
        self._stamp = self._stat()
        app.extensions["policykg"] = build()
        self._state = app.extensions["policykg"]["state"]

    def _stat(self) -> tuple:
        out = []
        for p in self.watched:
            try:
                st = os.stat(p)
                out.append((st.st_mtime_ns, st.st_ino))
            except OSError:
                out.append(None)
        return tuple(out)

    def __call__(self) -> str:
        """The version (ETag) of the store that answers this request."""
        stamp = self._stat()
        if stamp != self._stamp or _racy(stamp):
            self.refresh(stamp)
        return self.app.extensions["policykg"]["etag"]

    def refresh(self, stamp: tuple) -> None:
        if not self._lock.acquire(blocking=False):
            return                       # another request is building the new store
        try:
            if any(_in_progress(p) for p in self.watched[:1]):
                return                   # an ingest is half-way: its state would be gone in a moment
            state = self.state()
            if state != self._state:
                old = self.app.extensions["policykg"]
                try:
                    self.app.extensions["policykg"] = fresh = self.build()
                except Exception:
                    # the site stays up on the store it has; the next change of the files tries again
                    self.app.logger.exception("the corpus changed but its new store could not be built; "
                                              "serving the previous one")
                    self._state = state
                else:
                    retire(old, self.app.config["SPARQL_TIMEOUT"])
                    self._state = fresh["state"]
            self._stamp = stamp
        finally:
            self._lock.release()


def retire(old: dict, grace: float) -> None:
    """Close the old store's query workers once the queries running in them are done."""
    close = getattr(old.get("sparql_store"), "close", None)
    if close is not None and old.get("sparql_store") is not old.get("store"):
        timer = threading.Timer(grace + 1, close)
        timer.daemon = True
        timer.start()


def _racy(stamp: tuple) -> bool:
    now = time.time_ns()
    return any(s is not None and now - s[0] < RACY * 1e9 for s in stamp)


def _in_progress(folder: Path) -> bool:
    from ..corpus import _ASIDE, _PENDING         # the names an ingest gives its folders on the way
    try:
        return any(e.name.startswith((_PENDING, _ASIDE)) for e in os.scandir(folder))
    except OSError:
        return False


def _data_folder() -> Path:
    from .. import resources
    return resources.default_output().parent



class PublishedVersion:
    """Over a remote store: the version the last `policykg publish` left in it
    (publish.VERSION_GRAPH), asked for on every request (one query of one triple). Answers
    are kept, and ETags match, only while the store names a version: none for a store that
    policykg did not publish, or while a publish is under way (it deletes the version first
    and writes the new one last). When the version changes, the app's store is made anew
    (the notices it lists may have changed) with an ETag derived from the version."""

    def __init__(self, app, endpoint: str, make: Callable[[str | None], dict]):
        from ..store import RemoteStore
        self.app = app
        self.make = make
        # a short timeout of its own: the probe must not hold a request as long as a query may
        # and the server's own dataset: the publication graph is none of the notices' graphs
        self.probe_store = RemoteStore(endpoint, timeout=max(1, min(5, int(app.config["SPARQL_TIMEOUT"]))),
                                       default_graphs=())
        self._version: str | None = None
        self._lock = threading.Lock()

    def probe(self) -> str | None:
        from ..remote import VERSION_GRAPH, VERSION_PROPERTY
        from ..store import QueryError
        try:
            rows = self.probe_store.select(
                f"SELECT ?v WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{VERSION_PROPERTY}> ?v }} }}").rows
        except (QueryError, OSError):
            return None                  # unknown: answered afresh, kept nowhere
        values = {row[0].value for row in rows if row[0] is not None}
        return values.pop() if len(values) == 1 else None

    def __call__(self) -> str | None:
        version = self.probe()
        if version is None:
            if self._version is not None:
                with self._lock:
                    self.app.extensions["policykg"] = self.make(None)
                    self._version = None
            # unknown: an ETag no earlier answer carries, so no conditional request matches
            self.app.extensions["policykg"]["etag"] = secrets.token_hex(16)
            return None
        if version != self._version:
            with self._lock:
                if version != self._version:
                    self.app.extensions["policykg"] = self.make(version)
                    self._version = version
        return self.app.extensions["policykg"]["etag"]
