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
import threading
import time
from collections.abc import Callable
from pathlib import Path

RACY = 2.0      # seconds: a folder changed this recently may change again within the same timestamp


class CorpusFollower:
    def __init__(self, app, folder: Path, build: Callable[[], dict], files_state: Callable[[], tuple]):
        self.app = app
        self.watched = [folder, folder / ".registries", _data_folder()]
        self.build = build
        self.files_state = files_state
        self._stamp = self._stat()
        self._state = files_state()
        self._lock = threading.Lock()

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
            state = self.files_state()
            if state != self._state:
                old = self.app.extensions["policykg"]
                try:
                    self.app.extensions["policykg"] = self.build()
                except Exception:
                    # the site stays up on the store it has; the next change of the files tries again
                    self.app.logger.exception("the corpus changed but its new store could not be built; "
                                              "serving the previous one")
                else:
                    retire(old, self.app.config["SPARQL_TIMEOUT"])
                self._state = state
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


def files_state(files: list[Path], graphs: dict) -> tuple:
    out = []
    for f in files:
        try:
            st = Path(f).stat()
            out.append((str(f), st.st_size, st.st_mtime_ns, graphs.get(Path(f), "")))
        except OSError:
            out.append((str(f), None))
    return tuple(out)
