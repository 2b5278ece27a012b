"""A store whose queries run in child processes, killed at the time limit.

pyoxigraph cannot interrupt a query, and it computes an aggregate before it
yields a row, so an in-process deadline only catches slow iteration. The
public endpoint sends each ad-hoc query to one of a few worker processes,
each holding its own copy of the store:

- a worker that does not answer within the time limit is killed, and a fresh
  one is started in the background, so the answer (503) is not delayed;
- a worker may use at most `memory_mb` of address space, so a query that
  would materialise a cross product dies alone instead of starving the host;
- a worker cannot open a network socket (`sandbox.forbid_network`) and
  checks each query before it runs (`guard.GuardedStore`), so no query can
  make it fetch a URL;
- when every worker is busy a query waits for one at most `queue_wait`
  seconds (by default, as long as a query may run), then is refused (503,
  retry later) rather than queued without end.
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from .memory import release_memory
from .results import ResultSet, Term
from .store import Triples, EmbeddedStore, QueryAborted, QueryBusy, QueryError, QueryRefused, QueryTimeout, Store


def _child(conn, files: list[str], memory_mb: int | None, graphs: dict | None = None,
           path: str | None = None) -> None:
    from .guard import GuardedStore, load_parser
    from .sandbox import forbid_network
    # first of all: nothing this process runs may reach the network
    no_wall = forbid_network()
    # the engine's code is mapped before the limit, which bounds the data: under a small limit
    # its shared object fails to map (an ImportError, not the MemoryError reported below)
    import pyoxigraph  # noqa: F401
    if memory_mb:
        import resource
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        store = GuardedStore(EmbeddedStore([Path(f) for f in files], graphs, path=path and Path(path)),
                             sandboxed=no_wall is None)
    except MemoryError:
        conn.send(("failed", f"the store does not fit in the worker memory limit of {memory_mb} MB"))
        return
    conn.send(("ready", no_wall))
    load_parser()                       # while the server finishes its start, not in a query's time
    while True:
        try:
            query, bindings, limit, max_bytes = conn.recv()
        except (EOFError, OSError):
            return
        try:
            _send(conn, store.run(query, bindings, limit=limit, max_bytes=max_bytes))
        except QueryRefused as e:
            conn.send(("refused", (e.message, e.status, e.line, e.column)))
        except QueryError as e:
            conn.send(("query-error", (e.message, e.line, e.column)))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as e:                # anything else: report, keep serving
            conn.send(("error", f"{type(e).__name__}: {e}"))


CHUNK = 2000            # rows (or triples) per message: a large answer crosses the pipe in parts


def _send(conn, result) -> None:
    """An answer in chunks, so neither side pickles it whole."""
    rows = result.rows if isinstance(result, ResultSet) else result if isinstance(result, list) else None
    if rows is None or len(rows) <= CHUNK:
        conn.send(("ok", result))
        return
    for at in range(0, len(rows), CHUNK):
        conn.send(("rows", rows[at:at + CHUNK]))
    if isinstance(result, ResultSet):
        shell = ResultSet(result.variables, [], result.truncated, result.truncated_by)
    else:
        shell = Triples()
        shell.truncated_by = result.truncated_by
    del rows[:]
    release_memory()
    conn.send(("ok", shell))


class _Worker:
    """One child process and the pipe to it. The process starts here; `wait_ready` waits until it
    has its store open, so that several start at once."""

    def __init__(self, context, files: list[str], memory_mb: int | None, start_timeout: float,
                 graphs: dict | None = None, path: str | None = None):
        self.memory_mb, self.start_timeout = memory_mb, start_timeout
        # closed from two threads at once (a store closing while a replacement worker starts in
        # the background): both saw the pipe open, and the second close hit a freed descriptor
        self._closing = threading.Lock()
        self.closed = False
        self.conn, child_conn = context.Pipe()
        self.proc = context.Process(target=_child, args=(child_conn, files, memory_mb, graphs, path), daemon=True)
        self.started = time.monotonic()
        self.proc.start()
        child_conn.close()
        self.ready = False
        self.wall_missing = None

    def wait_ready(self) -> None:
        """Until the worker has its store open; RuntimeError saying why (and the worker gone) if
        it exits first or does not answer within start_timeout of its start."""
        if self.ready:
            return
        left = max(0.0, self.start_timeout - (time.monotonic() - self.started))
        try:
            status, payload = self.conn.recv() if self.conn.poll(left) else ("silent", None)
        except (EOFError, OSError):
            status, payload = "died", None
        if status != "ready":
            self.close()
            limit = f" (its memory limit is {self.memory_mb} MB)" if self.memory_mb else ""
            why = payload or {"silent": f"no answer within {self.start_timeout} s",
                              "died": f"it exited while loading the store{limit}"}.get(status, status)
            raise RuntimeError(f"the query worker did not start: {why}")
        self.wall_missing = payload
        self.ready = True

    def ask(self, request: tuple, timeout: float | None) -> tuple[str, object]:
        """The worker's answer; QueryTimeout if none in time, EOFError if it died."""
        self.conn.send(request)
        deadline = None if timeout is None else time.monotonic() + timeout
        parts = []
        while True:
            if not self.conn.poll(None if deadline is None else max(0.0, deadline - time.monotonic())):
                raise QueryTimeout("the query ran past its time limit")
            status, payload = self.conn.recv()
            if status != "rows":
                break
            parts.append(payload)
        if parts and status == "ok":
            rows = payload.rows if isinstance(payload, ResultSet) else payload
            for part in parts:
                rows.extend(part)
        return status, payload

    def close(self) -> None:
        """Kill the process and close the pipe, once, whichever thread asks first."""
        with self._closing:
            if self.closed:
                return
            self.closed = True
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(timeout=5)
            self.conn.close()


class IsolatedStore(Store):
    def __init__(self, files: Iterable[Path], workers: int = 2, memory_mb: int | None = None,
                 queue_wait: float | None = None, start_timeout: float = 60.0, graphs: dict | None = None,
                 path: Path | None = None, wait: bool = True):
        """`path`: an on-disk store the workers open read-only (see `EmbeddedStore`), instead of
        each loading the files into memory. The workers start at once, side by side; with
        `wait=False` this returns while they load, and `wait_ready()` (or the first query) waits."""
        if workers < 1:
            raise ValueError("an isolated store needs at least one worker")
        # a worker opening an on-disk store needs neither the files nor their graphs: at 10,000
        # notices these are 20,000 paths to pickle to each worker and back to Paths there
        self.files = [str(f) for f in files] if path is None else []
        self.graphs = {Path(k): v for k, v in (graphs or {}).items()} if path is None else {}
        self.path = str(path) if path is not None else None
        self.workers, self.memory_mb, self.start_timeout = workers, memory_mb, start_timeout
        self.queue_wait = queue_wait
        self.wall_missing = None
        self._context = multiprocessing.get_context("spawn")
        # a slot holds a worker, or None while its replacement is being started
        self._slots: queue.Queue[_Worker | None] = queue.Queue()
        self._all: set[_Worker] = set()
        self._closed = False
        for _ in range(workers):
            self._slots.put(self._start())
        if wait:
            self.wait_ready()

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.files, self.memory_mb, self.start_timeout, self.graphs, self.path)
        self._all.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> _Worker:
        try:
            worker.wait_ready()
        except RuntimeError:
            self._all.discard(worker)
            raise
        self.wall_missing = worker.wall_missing
        return worker

    def wait_ready(self) -> None:
        """Until every worker has its store open; RuntimeError saying why, every worker closed,
        if one does not start."""
        try:
            for worker in list(self._all):
                self._ready(worker)
        except RuntimeError:
            self.close()
            raise

    def _spawn(self) -> _Worker:
        return self._ready(self._start())

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        worker.close()
        self._all.discard(worker)

        def replace():
            try:
                fresh = None if self._closed else self._spawn()
            except RuntimeError:
                fresh = None                  # started on demand by the next query instead
            if fresh is not None and self._closed:      # closed while it started
                fresh.close()
                fresh = None
            self._slots.put(fresh)
        threading.Thread(target=replace, daemon=True).start()

    def run(self, query: str, bindings: Mapping[str, Term] | None = None, *,
            limit: int | None = None, timeout: float | None = None, max_bytes: int | None = None):
        try:
            worker = self._slots.get(timeout=self.queue_wait if self.queue_wait is not None else timeout)
        except queue.Empty:
            raise QueryBusy(f"all {self.workers} query workers are busy; try again shortly") from None
        try:
            worker = self._spawn() if worker is None else self._ready(worker)
        except RuntimeError as e:
            self._slots.put(None)
            raise QueryAborted(str(e)) from None
        try:
            status, payload = worker.ask((query, dict(bindings) if bindings else None, limit, max_bytes),
                                         timeout)
        except QueryTimeout:
            self._retire(worker)
            raise
        except (EOFError, OSError):
            self._retire(worker)
            raise QueryAborted(self._died(worker)) from None
        if status == "memory":
            self._retire(worker)
            raise QueryAborted(self._died(worker, out_of_memory=True))
        self._slots.put(worker)
        if status == "ok":
            return payload
        if status == "query-error":
            raise QueryError(*payload)
        if status == "refused":
            raise QueryRefused(*payload)
        raise QueryError(payload)

    def _died(self, worker: _Worker, out_of_memory: bool = False) -> str:
        """What stopped a worker, from how it ended: a signal names the cause better than a guess."""
        code = worker.proc.exitcode
        if out_of_memory or (code == -signal.SIGABRT and self.memory_mb):
            # Rust aborts when an allocation fails under RLIMIT_AS
            return f"the query stopped its worker by needing more than its memory limit of {self.memory_mb} MB"
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            cause = " (a stack overflow: too deeply nested or recursive)" if name == "SIGSEGV" else ""
            return f"the query stopped its worker: it was killed by {name}{cause}"
        return f"the query stopped its worker (exit status {code})"

    def close(self) -> None:
        self._closed = True
        for worker in list(self._all):
            worker.close()
        self._all.clear()

    def _run(self, form, query, limit, deadline, max_bytes=None):      # pragma: no cover - run() is overridden
        raise NotImplementedError
