"""A store whose queries run in a child process, killed at the time limit.

pyoxigraph cannot interrupt a query, and it computes an aggregate before it
yields a row, so an in-process deadline only catches slow iteration. The
public endpoint sends each ad-hoc query to a child process holding its own
copy of the store; if no answer comes within the limit, the child is killed
and a fresh one started. One child and a lock: queries run one at a time.
"""
from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from .results import Term
from .store import EmbeddedStore, QueryError, QueryTimeout, Store


def _child(conn, files: list[str]) -> None:
    store = EmbeddedStore([Path(f) for f in files])
    conn.send(("ready", None))
    while True:
        try:
            query, bindings, limit = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", store.run(query, bindings, limit=limit)))
        except QueryError as e:
            conn.send(("query-error", (e.message, e.line, e.column)))
        except Exception as e:                # anything else: report, keep serving
            conn.send(("error", f"{type(e).__name__}: {e}"))


class IsolatedStore(Store):
    def __init__(self, files: Iterable[Path], start_timeout: float = 60.0):
        self.files = [str(f) for f in files]
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self._conn, child_conn = self._context.Pipe()
        self._proc = self._context.Process(target=_child, args=(child_conn, self.files), daemon=True)
        self._proc.start()
        child_conn.close()
        if not self._conn.poll(self.start_timeout) or self._conn.recv()[0] != "ready":
            self.close()
            raise RuntimeError("the query worker did not start")

    def close(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(timeout=5)
        self._conn.close()

    def run(self, query: str, bindings: Mapping[str, Term] | None = None, *,
            limit: int | None = None, timeout: float | None = None):
        with self._lock:
            self._conn.send((query, dict(bindings) if bindings else None, limit))
            if not self._conn.poll(timeout):
                self.close()
                self._start()
                raise QueryTimeout("the query ran past its time limit")
            status, payload = self._conn.recv()
        if status == "ok":
            return payload
        if status == "query-error":
            raise QueryError(*payload)
        raise QueryError(payload)

    def _run(self, form, query, limit, deadline):      # pragma: no cover - run() is overridden
        raise NotImplementedError
