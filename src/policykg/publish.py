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

At 10,000 notices the graphs' N-Triples come to some 3 GB, so they are streamed: read
out one at a time, at most `workers` + 1 held at once, each sent on a connection its
worker keeps open. Where the time goes (benchmarks/results/publish-2026-11-30.txt): the
server's own ingestion, then reading the graphs out of the embedded store.
"""
from __future__ import annotations

import hashlib
import http.client
import secrets
import threading
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from .corpus import GRAPH_BASE
from .remote import Authenticator, Dialect
from .store import SHARED_GRAPH, EmbeddedStore, QueryError, RemoteStore

TIMEOUT = 300          # seconds per PUT: a large shared graph into a busy server
QUERY_TIMEOUT = 600    # the graph sizes: a COUNT over every triple of a large store
# PUTs in flight at once. The Oxigraph server ingests two PUTs on two threads at once, so two
# can keep both cores busy while the next graph is read out; on the loaded 2-core machine 1 and 2
# took the same time at 1,000 notices and 4 longer (benchmarks/results/publish-2026-11-30.txt).
WORKERS = 2


# What a publish leaves in the store to name the data it sent: one triple in a graph of its own,
# outside the notices' graph base (so never listed, counted or pruned as a notice's graph). It is
# deleted before the first graph is sent and written after the last: a server reading the store
# (`policykg serve --endpoint`) keeps answers only while it names a version, so none is kept
# from a store half published, and none outlives the publish that changed the store.
VERSION_GRAPH = "https://w3id.org/policykg/publication"
VERSION_PROPERTY = "http://purl.org/dc/terms/hasVersion"


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
    rows = RemoteStore(endpoint, QUERY_TIMEOUT).select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {values}GRAPH ?g {{ ?s ?p ?o }} {_OURS} }} GROUP BY ?g").rows
    return {g.value: int(n.value) for g, n in rows}


def remote_graphs(endpoint: str, dialect: Dialect) -> set[str]:
    """The names of our own graphs in the remote store. `GRAPH ?g {}` lists a store's named
    graphs without reading their triples (Oxigraph, Jena): 10,000 graphs in well under a
    second, where counting them reads every triple. Virtuoso binds no ?g there (seen on 7.2):
    its graphs are counted instead."""
    if not dialect.lists_graphs:
        return set(remote_counts(endpoint))
    rows = RemoteStore(endpoint, QUERY_TIMEOUT).select(f"SELECT ?g WHERE {{ GRAPH ?g {{ }} {_OURS} }}").rows
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

    def delete(self, iri: str, missing_ok: bool = False) -> None:
        self._send("DELETE", iri, None, {}, missing_ok)

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        conn = getattr(self._local, "conn", None)
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
              missing_ok: bool = False) -> None:
        """One request. A server may answer before it has read the body (a 401, 413 or 501) and
        close: the answer is read even when sending the body failed."""
        url = f"{self.gsp}?{urlencode({'graph': iri})}"
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
                return                     # the graph to delete is not there: as good as deleted
            if response.status >= 300:
                raise PublishError(f"{verb} of graph <{iri}> to {self.gsp}: HTTP {response.status} {response.reason}"
                                   + (f": {text}" if text else ""))
            if sent_error is not None:
                raise PublishError(f"{verb} of graph <{iri}> to {self.gsp}: the connection closed while sending "
                                   f"({sent_error}), though the server answered {response.status}")
            return


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

    `version` names the data sent (the corpus's store key: the same files, the same version);
    what is left in the store at the end is it and the stale graphs kept there (VERSION_GRAPH).
    Without one, each publish is a version of its own."""
    try:
        if dry_run:
            counts = remote_counts(endpoint)
            there = set(counts)
        else:
            counts, there = {}, remote_graphs(endpoint, dialect)
    except QueryError as e:
        raise PublishError(f"cannot read the graphs the store holds: {e}") from None
    changes: list[Change] = []
    sender = Sender(gsp, dialect, Authenticator(gsp))
    digest = hashlib.sha256((version or secrets.token_hex(16)).encode())
    try:
        if dry_run:
            for graph in local_graphs(store):
                changes.append(change(graph, counts))
                report(changes[-1].describe())
        else:
            sender.delete(VERSION_GRAPH, missing_ok=True)
            changes += _put_all(sender, local_graphs(store), report, workers)
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
        if not dry_run:
            name = digest.hexdigest()[:32]
            sender.put(version_graph(name))
            report(f"version  {name}  (<{VERSION_GRAPH}>)")
    finally:
        sender.close()
    return changes


def version_graph(digest: str) -> LocalGraph:
    return LocalGraph(VERSION_GRAPH, f'<{VERSION_GRAPH}> <{VERSION_PROPERTY}> "{digest}" .\n'.encode())



def _put_all(sender: Sender, graphs: Iterator[LocalGraph], report: Callable[[str], None],
             workers: int) -> list[Change]:
    done: list[Change] = []
    failures: list[tuple[int, PublishError]] = []
    pending: dict[Future, tuple[int, str, int]] = {}

    def settle(futures) -> None:
        for future in sorted(futures, key=lambda f: pending[f][0]):
            n, iri, triples = pending.pop(future)
            error = future.exception()
            if error is None:
                done.append(Change(iri, triples, None, "put"))
                report(f"put      {iri}  ({triples} triples)")
            elif isinstance(error, PublishError):
                failures.append((n, error))
            else:
                raise error

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="publish") as pool:
        try:
            for n, graph in enumerate(graphs):
                # at most `workers` graphs in flight and this one read: memory stays bounded
                while len(pending) >= max(1, workers) and not failures:
                    settle(wait(pending, return_when=FIRST_COMPLETED).done)
                if failures:
                    break
                pending[pool.submit(sender.put, graph)] = (n, graph.iri, graph.triples)
                del graph
        finally:
            settle(wait(pending).done)             # let those in flight finish, whatever stopped us
    if failures:
        raise min(failures, key=lambda f: f[0])[1]
    return done
