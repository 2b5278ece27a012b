"""Publish the corpus to a triplestore with the SPARQL 1.1 Graph Store HTTP Protocol.

Each graph the embedded store holds (a notice's graph per notice, the shared graph of
ontology, vocabularies, registries and laws, the measure correspondences between
notices) is sent with one PUT to `GSP?graph=IRI`, which replaces that graph whole: a
re-publish never duplicates a triple, and a failed PUT leaves every graph sent before
it complete. The refused graph itself is left as the server leaves it: the Oxigraph
server (0.5) empties a graph before it reads the body, and Virtuoso 7.2 keeps the
triples it read before a syntax error (both seen in tests/test_remote_stores.py).

The graphs are read out of the embedded store, not the files, so what a remote store
serves is what the embedded one serves, correspondences included.

The saved queries read the default graph as the embedded store's: the merge of every graph,
each triple once. Some servers' default graph counts a triple once per graph that holds it
(a bag: the Oxigraph server 0.5.13's --union-default-graph, oxigraph/oxigraph#1920, and
Virtuoso 7.2, openlink/virtuoso-opensource#1406), and notices share triples (a body's name
and kind, a place, a cited span of a law): at 1,000 notices Virtuoso gave `unresolved-names`
503,376 rows for 19,630. So each publish first asks the store (two probe graphs holding one
triple); where its default graph is not the merge, the graphs are also sent, in POSTs of
whole graphs, into one graph of their merge (the store keeps each triple of a graph once),
which the publication graph names for every reader (policykg.remote.Layout), as the
embedded store keeps the merge in its default graph. This doubles what such a store
ingests; a store whose default graph is the merge (Jena, Fuseki) is sent nothing more. No
reader reads the merge before it is whole, so where the store has a loader without a
transaction (the Oxigraph server's bulk loader, `Dialect.bulk`) the merge goes to it: at
1,000 notices the publish then took 37 s, not 70 (benchmarks/results/publish-bulk-2026-12-01.txt);
the graphs themselves are PUT as the protocol says (through the bulk loader, 1.5x slower).

At 10,000 notices the graphs' N-Triples come to some 3 GB, so they are streamed: read
out one at a time, at most `workers` + 1 held at once, each sent on a connection its
worker keeps open. Where the time goes (benchmarks/results/publish-2026-11-30.txt): the
server's own ingestion, then reading the graphs out of the embedded store.
"""
from __future__ import annotations

import contextlib
import hashlib
import http.client
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode, urlsplit

from .corpus import GRAPH_BASE
from .remote import MERGED_BASE, VERSION_GRAPH, Authenticator, Dialect, Layout, read_layout
from .store import SHARED_GRAPH, EmbeddedStore, QueryError, RemoteStore

TIMEOUT = 300          # seconds per PUT: a large shared graph into a busy server
QUERY_TIMEOUT = 600    # the graph sizes: a COUNT over every triple of a large store
# PUTs in flight at once. The Oxigraph server ingests two PUTs on two threads at once, so two
# can keep both cores busy while the next graph is read out; on the loaded 2-core machine 1 and 2
# took the same time at 1,000 notices and 4 longer (benchmarks/results/publish-2026-11-30.txt).
WORKERS = 2
# seconds a kept connection may rest before a request: the Oxigraph server 0.5.13 answered the
# first PUT on a connection idle for the minute its workers took "500 Resource temporarily
# unavailable (os error 11)" (seen at 1,000 notices, the version written after the merge)
IDLE = 5


# What a publish leaves in the store to name the data it sent (policykg.remote.Layout): its
# version is taken out before the first graph is sent and written after the last: a server
# reading the store (`policykg serve --endpoint`) keeps answers only while it names a version,
# so none is kept from a store half published, and none outlives the publish that changed it.
PROBE_BASE = VERSION_GRAPH + "/probe/"
CHUNK = 8 << 20        # bytes of N-Triples at most per POST into the merge (whole graphs, so one more)


class PublishError(RuntimeError):
    """A graph the store did not take: names the graph and the server's answer."""


@dataclass
class LocalGraph:
    iri: str
    data: bytes            # N-Triples

    @property
    def triples(self) -> int:
        # N-Triples is one triple a line, and pyoxigraph escapes a newline inside a literal
        # (\n): counting lines is exact, where counting the store's quads in Python took as long
        # as reading the graphs out (11.5 s against 9.5 s at 1,000 notices)
        return self.data.count(b"\n")


@dataclass
class Change:
    iri: str
    triples: int | None    # in the corpus (None: a stale graph, only in the store)
    remote: int | None     # triples the store holds in that graph now (None: no such graph, or not asked)
    action: str            # "add", "replace", "same size", "stale"

    def describe(self) -> str:
        if self.action == "stale":
            return f"stale    {self.iri}  ({self.remote} triples; not in the corpus; --prune deletes it)"
        if self.action == "add":
            return f"add      {self.iri}  ({self.triples} triples)"
        if self.action == "replace":
            return f"replace  {self.iri}  ({self.remote} → {self.triples} triples)"
        return f"same     {self.iri}  ({self.triples} triples; replaced with the same count)"


def graph_names(store: EmbeddedStore) -> list[str]:
    """The named graphs of the embedded store in the order they are sent: the shared graph
    first (every notice's graph refers to it), then the notices (by IRI), then the rest
    (correspondences)."""
    return sorted((g.value for g in store.store.named_graphs()),
                  key=lambda g: (g != SHARED_GRAPH, not g.startswith(GRAPH_BASE), g))


def local_graphs(store: EmbeddedStore) -> Iterator[LocalGraph]:
    """The named graphs of the embedded store as N-Triples, one at a time (see `graph_names`
    for the order); an empty one is left out."""
    ox = store._ox
    for iri in graph_names(store):
        data = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
        if data:
            yield LocalGraph(iri, data)


_OURS = f'FILTER (STRSTARTS(STR(?g), "{GRAPH_BASE}"))'


def remote_counts(endpoint: str, only: list[str] | None = None) -> dict[str, int]:
    """Triples per named graph of our own (under the graph base) in the remote store; with
    `only`, of those graphs alone."""
    values = "VALUES ?g { " + " ".join(f"<{g}>" for g in only) + " } " if only is not None else ""
    rows = RemoteStore(endpoint, QUERY_TIMEOUT, ()).select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {values}GRAPH ?g {{ ?s ?p ?o }} {_OURS} }} GROUP BY ?g").rows
    return {g.value: int(n.value) for g, n in rows}


def remote_graphs(endpoint: str, dialect: Dialect) -> set[str]:
    """The names of our own graphs in the remote store. `GRAPH ?g {}` lists a store's named
    graphs without reading their triples (Oxigraph, Jena): 10,000 graphs in well under a
    second, where counting them reads every triple. Virtuoso binds no ?g there (seen on 7.2):
    its graphs are counted instead."""
    if not dialect.lists_graphs:
        return set(remote_counts(endpoint))
    rows = RemoteStore(endpoint, QUERY_TIMEOUT, ()).select(f"SELECT ?g WHERE {{ GRAPH ?g {{ }} {_OURS} }}").rows
    return {row[0].value for row in rows}


def change(graph: LocalGraph, counts: dict[str, int]) -> Change:
    remote = counts.get(graph.iri)
    action = "add" if remote is None else "replace" if remote != graph.triples else "same size"
    return Change(graph.iri, graph.triples, remote, action)


class Sender:
    """PUTs and DELETEs to one Graph Store, each worker thread on a connection of its own kept
    open between requests (a new TCP connection per graph cost 11 % of the time at 1,000
    notices). A request on a kept connection the server has closed meanwhile is sent once more
    on a new one: a PUT or DELETE of a whole graph can be repeated."""

    def __init__(self, gsp: str, dialect: Dialect, auth: Authenticator):
        self.gsp, self.dialect, self.auth = gsp, dialect, auth
        parts = urlsplit(gsp)
        self._connect = lambda: (http.client.HTTPSConnection if parts.scheme == "https" else
                                 http.client.HTTPConnection)(parts.hostname, parts.port, timeout=TIMEOUT)
        self._local = threading.local()
        self._opened: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self.connections = 0           # opened so far (benchmarks and tests read it)

    def put(self, graph: LocalGraph) -> None:
        self._send("PUT", graph.iri, graph.data, {"Content-Type": self.dialect.put_type})

    def post(self, graph: LocalGraph, content_type: str | None = None, bulk: bool = False) -> None:
        """Add the triples to the graph (the Graph Store Protocol's merge); `bulk`: with the
        store's bulk loader where it has one (Dialect.bulk), for a graph no reader reads yet."""
        self._send("POST", graph.iri, graph.data, {"Content-Type": content_type or self.dialect.put_type},
                   params=(self.dialect.bulk,) if bulk and self.dialect.bulk else ())

    def get(self, iri: str) -> tuple[bytes, str]:
        """The graph's triples and their media type, as the store sends them."""
        return self._send("GET", iri, None, {"Accept": self.dialect.put_type.split(";")[0]})

    def delete(self, iri: str, missing_ok: bool = False) -> None:
        self._send("DELETE", iri, None, {}, missing_ok)

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        conn = getattr(self._local, "conn", None)
        if conn is not None and time.monotonic() - self._local.used > IDLE:
            self._drop()
            conn = None
        self._local.used = time.monotonic()
        if conn is not None:
            return conn, True
        conn = self._local.conn = self._connect()
        with self._lock:
            self._opened.append(conn)
            self.connections += 1
        return conn, False

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _send(self, verb: str, iri: str, body: bytes | None, headers: dict[str, str],
              missing_ok: bool = False, params: tuple[str, ...] = ()) -> tuple[bytes, str]:
        """One request. A server may answer before it has read the body (a 401, 413 or 501) and
        close: the answer is read even when sending the body failed."""
        url = "&".join([f"{self.gsp}?{urlencode({'graph': iri})}", *params])
        request = urllib.request.Request(url, data=body, method=verb, headers=headers)
        for attempt in (1, 2):
            conn, reused = self._connection()
            headers = {**headers, **self.auth.headers(request)}
            try:
                try:
                    conn.request(verb, request.selector, body=body, headers=headers)
                except (BrokenPipeError, ConnectionResetError) as e:
                    sent_error = e
                else:
                    sent_error = None
                try:
                    response = conn.getresponse()
                except (OSError, http.client.HTTPException) as e:
                    self._drop()
                    if reused and attempt == 1:
                        continue           # the server closed the kept connection: a new one
                    raise PublishError(f"{verb} of graph <{iri}>: cannot reach {self.gsp}: {sent_error or e}") from None
                answer = response.read()   # whole, so that the connection can carry the next request
            except OSError as e:
                self._drop()
                raise PublishError(f"{verb} of graph <{iri}>: cannot reach {self.gsp}: {e}") from None
            if response.status >= 300 or sent_error is not None:
                self._drop()
            text = answer[:2000].decode("utf-8", errors="replace").strip()
            if response.status == 404 and missing_ok:
                return b"", ""             # the graph to delete is not there: as good as deleted
            if response.status >= 300:
                raise PublishError(f"{verb} of graph <{iri}> to {self.gsp}: HTTP {response.status} {response.reason}"
                                   + (f": {text}" if text else ""))
            if sent_error is not None:
                raise PublishError(f"{verb} of graph <{iri}> to {self.gsp}: the connection closed while sending "
                                   f"({sent_error}), though the server answered {response.status}")
            return answer, response.getheader("Content-Type") or ""
        raise AssertionError("unreachable")


def publish(store: EmbeddedStore, endpoint: str, gsp: str, dialect: Dialect, *, dry_run: bool = False,
            prune: bool = False, report: Callable[[str], None] = print, workers: int = WORKERS,
            version: str | None = None) -> list[Change]:
    """Send every graph of `store` to the Graph Store at `gsp` (or, dry, say what would change).
    `report` hears each step, from the calling thread. A dry run asks the query `endpoint`
    for every graph's size; a publish only for the names of the graphs there, to tell the
    stale ones (then their sizes).

    Up to `workers` PUTs are in flight at once. When one fails, no further graph is sent, the
    ones in flight are let finish (each is complete, and reported), and PublishError names the
    first graph that failed, in the order they were sent, with the server's answer.

    Where the store's default graph is not the merge of its graphs (`default_graph_kind`), the
    merge is sent as a graph of its own, and readers are pointed at it at the end; until then
    they read the last publish's merge, and what a failed publish leaves is deleted by the next.

    `version` names the data sent (the corpus's store key: the same files, the same version);
    what is left in the store at the end is it, the merge's name and the stale graphs kept there
    (VERSION_GRAPH). Without one, each publish is a version of its own."""
    try:
        old = read_layout(RemoteStore(endpoint, QUERY_TIMEOUT, (), dialect))
        if dry_run:
            counts = remote_counts(endpoint)
            there = set(counts)
        else:
            counts, there = {}, remote_graphs(endpoint, dialect)
    except QueryError as e:
        raise PublishError(f"cannot read the graphs the store holds: {e}") from None
    changes: list[Change] = []
    sender = Sender(gsp, dialect, Authenticator(gsp))
    seed = version or secrets.token_hex(16)
    digest = hashlib.sha256(seed.encode())
    merge: Merge | None = None
    try:
        if dry_run:
            for graph in local_graphs(store):
                changes.append(change(graph, counts))
                report(changes[-1].describe())
            if old.default:
                report(f"merge    a new graph of every graph's triples, in place of <{old.default}> "
                       "(the store's default graph counted a triple once per graph when last published)")
        else:
            # the merge is named by what it will hold: the same data, the same merge and version
            kept = [] if prune else sorted(there - set(graph_names(store)))
            merged = MERGED_BASE + hashlib.sha256("\n".join([seed, *kept]).encode()).hexdigest()[:16]
            # the version out first; readers go on with the last publish's merge. The merge this
            # one may make is named to be deleted by the next, should this one stop
            retired = old.retired | ({merged} if merged != old.default else set())
            sender.put(LocalGraph(VERSION_GRAPH, Layout(None, old.default, retired).triples().encode()))
            if default_graph_kind(sender, endpoint, dialect) != "merge":
                merge = Merge(merged)
                # a publish of the same data completed it (the version is written after the merge)
                merge.done = old.version is not None and old.default == merged
            changes += _put_all(sender, _uploads(local_graphs(store), merge), report, workers)
        ours = {c.iri for c in changes}
        stale = sorted(there - ours)
        if stale and not dry_run and not prune:
            try:
                counts = remote_counts(endpoint, stale)
            except QueryError as e:
                raise PublishError(f"cannot read the stale graphs' sizes: {e}") from None
        for iri in stale:
            changes.append(Change(iri, None, counts.get(iri, 0), "stale"))
            if prune and not dry_run:
                sender.delete(iri)
                report(f"deleted  {iri}")
            else:
                report(changes[-1].describe())
                digest.update(f"\nstale {iri} {counts.get(iri, 0)}".encode())   # still read there
                if merge is not None and not merge.done:      # and read in the merge too
                    data, media = sender.get(iri)
                    sender.post(LocalGraph(merge.iri, data), media or None, bulk=True)
        if not dry_run:
            if merge is not None:
                digest.update(f"\nmerge {merge.iri}".encode())
                report(f"merged   {merge.iri}  " + ("(as published before: the same graphs)" if merge.done else
                       f"({merge.triples} triples of {merge.graphs} graphs, each once: "
                       "this store's default graph counts a triple once per graph)"))
            name = digest.hexdigest()[:32]
            new = Layout(name, merge.iri if merge else None)
            gone = old.graphs() - new.graphs()
            sender.put(LocalGraph(VERSION_GRAPH, Layout(name, new.default, gone).triples().encode()))
            report(f"version  {name}  (<{VERSION_GRAPH}>)")
            if gone:
                for iri in sorted(gone):
                    sender.delete(iri, missing_ok=True)
                    report(f"deleted  {iri}  (the last publish's)")
                sender.put(LocalGraph(VERSION_GRAPH, new.triples().encode()))
    finally:
        sender.close()
    return changes


def default_graph_kind(sender: Sender, endpoint: str, dialect: Dialect) -> str:
    """How the store reads a request that names no default graph, told by two probe graphs
    holding the same triple: "merge" (the triple once: Jena, Fuseki), "bag" (once per graph:
    the Oxigraph server 0.5.13, Virtuoso 7.2) or "own" (a default graph of its own: the
    Oxigraph server without --union-default-graph)."""
    triple = f'<{PROBE_BASE}s> <{PROBE_BASE}p> "probe" .\n'.encode()
    graphs = [PROBE_BASE + "1", PROBE_BASE + "2"]
    try:
        for iri in graphs:
            sender.put(LocalGraph(iri, triple))
        rows = RemoteStore(endpoint, QUERY_TIMEOUT, (), dialect).select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ <{PROBE_BASE}s> <{PROBE_BASE}p> ?o }}").rows
    except QueryError as e:
        raise PublishError(f"cannot read the probe graphs back: {e}") from None
    finally:
        for iri in graphs:
            with contextlib.suppress(PublishError):
                sender.delete(iri, missing_ok=True)
    n = int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    return {1: "merge", 2: "bag"}.get(n, "own")


@dataclass
class Merge:
    """The merge of the graphs sent, being built in the store (see the module's text)."""
    iri: str
    triples: int = 0                           # sent into it, counting a triple each time sent
    graphs: int = 0
    done: bool = False                         # already in the store, whole


def _uploads(graphs: Iterator[LocalGraph], merge: Merge | None) -> Iterator[tuple[str, LocalGraph]]:
    """What to send for `graphs`: each graph, and where the store needs it, POSTs of whole
    graphs into the merge (a graph's blank nodes stay one document's)."""
    buffer: list[bytes] = []
    size = 0
    for graph in graphs:
        yield "PUT", graph
        if merge is None or merge.done:
            continue
        merge.triples += graph.triples
        merge.graphs += 1
        buffer.append(graph.data)
        size += len(graph.data)
        if size >= CHUNK:
            yield "POST", LocalGraph(merge.iri, b"".join(buffer))
            buffer, size = [], 0
    if buffer:
        yield "POST", LocalGraph(merge.iri, b"".join(buffer))


def _put_all(sender: Sender, uploads: Iterator[tuple[str, LocalGraph]], report: Callable[[str], None],
             workers: int) -> list[Change]:
    done: list[Change] = []
    failures: list[tuple[int, PublishError]] = []
    pending: dict[Future, tuple[int, str, str, int]] = {}

    def settle(futures) -> None:
        for future in sorted(futures, key=lambda f: pending[f][0]):
            n, verb, iri, triples = pending.pop(future)
            error = future.exception()
            if error is None:
                if verb == "PUT":
                    done.append(Change(iri, triples, None, "put"))
                    report(f"put      {iri}  ({triples} triples)")
            elif isinstance(error, PublishError):
                failures.append((n, error))
            else:
                raise error

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="publish") as pool:
        try:
            for n, (verb, graph) in enumerate(uploads):
                # at most `workers` graphs in flight and this one read: memory stays bounded
                while len(pending) >= max(1, workers) and not failures:
                    settle(wait(pending, return_when=FIRST_COMPLETED).done)
                if failures:
                    break
                send = sender.put if verb == "PUT" else partial(sender.post, bulk=True)
                pending[pool.submit(send, graph)] = (n, verb, graph.iri, graph.triples)
                del graph
        finally:
            settle(wait(pending).done)             # let those in flight finish, whatever stopped us
    if failures:
        raise min(failures, key=lambda f: f[0])[1]
    return done
