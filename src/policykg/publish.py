"""Publish the corpus to a triplestore with the SPARQL 1.1 Graph Store HTTP Protocol.

Each graph the embedded store holds (a notice's graph per notice, the shared graph of
ontology, vocabularies, registries and laws, the measure correspondences between
notices) is sent with one PUT to `GSP?graph=IRI`, which replaces that graph whole: a
re-publish never duplicates a triple, and a failed PUT leaves every graph sent before
it complete (and the failed one as it was, a PUT being one transaction on the servers
we test: Oxigraph, Fuseki, Virtuoso).

The graphs are read out of the embedded store, not the files, so what a remote store
serves is what the embedded one serves, correspondences included.
"""
from __future__ import annotations

import hashlib
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from .corpus import GRAPH_BASE
from .remote import Authenticator, Dialect
from .store import SHARED_GRAPH, EmbeddedStore, QueryError, RemoteStore

TIMEOUT = 300          # seconds per PUT: a large shared graph into a busy server


class PublishError(RuntimeError):
    """A graph the store did not take: names the graph and the server's answer."""


@dataclass
class LocalGraph:
    iri: str
    data: bytes            # N-Triples
    triples: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


@dataclass
class Change:
    graph: LocalGraph | None
    iri: str
    remote: int | None     # triples the store holds in that graph now (None: no such graph)
    action: str            # "add", "replace", "same size", "stale"

    def describe(self) -> str:
        if self.action == "stale":
            return f"stale    {self.iri}  ({self.remote} triples; not in the corpus; --prune deletes it)"
        if self.action == "add":
            return f"add      {self.iri}  ({self.graph.triples} triples)"
        if self.action == "replace":
            return f"replace  {self.iri}  ({self.remote} → {self.graph.triples} triples)"
        return f"same     {self.iri}  ({self.graph.triples} triples; replaced with the same count)"


def local_graphs(store: EmbeddedStore) -> list[LocalGraph]:
    """The named graphs of the embedded store as N-Triples: the shared graph first, then the
    notices (by IRI), then anything else it holds (correspondences)."""
    ox = store._ox
    names = sorted((g.value for g in store.store.named_graphs()),
                   key=lambda g: (g != SHARED_GRAPH, not g.startswith(GRAPH_BASE), g))
    out = []
    for iri in names:
        node = ox.NamedNode(iri)
        data = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
        count = sum(1 for _ in store.store.quads_for_pattern(None, None, None, node))
        if count:
            out.append(LocalGraph(iri, data, count))
    return out


def remote_counts(endpoint: str) -> dict[str, int]:
    """Triples per named graph of our own (under the graph base) in the remote store."""
    rows = RemoteStore(endpoint).select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (STRSTARTS(STR(?g), \"{GRAPH_BASE}\")) }} GROUP BY ?g").rows
    return {g.value: int(n.value) for g, n in rows}


def plan(graphs: list[LocalGraph], counts: dict[str, int]) -> list[Change]:
    changes = []
    for g in graphs:
        remote = counts.get(g.iri)
        action = "add" if remote is None else "replace" if remote != g.triples else "same size"
        changes.append(Change(g, g.iri, remote, action))
    ours = {g.iri for g in graphs}
    changes += [Change(None, iri, n, "stale") for iri, n in sorted(counts.items()) if iri not in ours]
    return changes


def put(gsp: str, graph: LocalGraph, dialect: Dialect, auth: Authenticator) -> None:
    url = f"{gsp}?{urlencode({'graph': graph.iri})}"
    request = urllib.request.Request(url, data=graph.data, method="PUT",
                                     headers={"Content-Type": dialect.put_type})
    _send(request, graph.iri, "PUT", auth)


def delete(gsp: str, iri: str, auth: Authenticator) -> None:
    _send(urllib.request.Request(f"{gsp}?{urlencode({'graph': iri})}", method="DELETE"), iri, "DELETE", auth)


def _send(request: urllib.request.Request, iri: str, verb: str, auth: Authenticator) -> None:
    """One request on its own connection. A server may answer before it has read the body
    (a 401, 413 or 501) and close: the answer is read even when sending the body failed."""
    import http.client
    from urllib.parse import urlsplit
    where = request.full_url.split("?")[0]
    parts = urlsplit(request.full_url)
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(parts.hostname, parts.port, timeout=TIMEOUT)
    headers = {**dict(request.header_items()), **auth.headers(request)}
    try:
        try:
            conn.request(verb, request.selector, body=request.data, headers=headers)
        except (BrokenPipeError, ConnectionResetError) as e:
            sent_error = e
        else:
            sent_error = None
        try:
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            raise PublishError(f"{verb} of graph <{iri}>: cannot reach {where}: {sent_error or e}") from None
        body = response.read(2000).decode("utf-8", errors="replace").strip()
        if response.status >= 300:
            raise PublishError(f"{verb} of graph <{iri}> to {where}: HTTP {response.status} {response.reason}"
                               + (f": {body}" if body else ""))
        if sent_error is not None:
            raise PublishError(f"{verb} of graph <{iri}> to {where}: the connection closed while sending "
                               f"({sent_error}), though the server answered {response.status}")
    except OSError as e:
        raise PublishError(f"{verb} of graph <{iri}>: cannot reach {where}: {e}") from None
    finally:
        conn.close()


def publish(store: EmbeddedStore, endpoint: str, gsp: str, dialect: Dialect, *, dry_run: bool = False,
            prune: bool = False, report=print) -> list[Change]:
    """Send every graph of `store` to the Graph Store at `gsp` (or, dry, say what would change).
    The query `endpoint` is asked for the graph sizes before; `report` hears each step."""
    graphs = local_graphs(store)
    try:
        counts = remote_counts(endpoint)
    except QueryError as e:
        raise PublishError(f"cannot read the graph sizes: {e}") from None
    changes = plan(graphs, counts)
    auth = Authenticator(gsp)
    for change in changes:
        if dry_run:
            report(change.describe())
        elif change.graph is not None:
            put(gsp, change.graph, dialect, auth)
            report(f"put      {change.iri}  ({change.graph.triples} triples)")
        elif prune:
            delete(gsp, change.iri, auth)
            report(f"deleted  {change.iri}")
        else:
            report(change.describe())
    return changes
