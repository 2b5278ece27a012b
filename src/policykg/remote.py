"""What differs between the triplestores policykg runs on, in one place.

The saved queries are plain SPARQL 1.1 and stay so; a `Dialect` says, per server,
where its Graph Store Protocol service lives beside its query URL, how a graph
is sent, and how the default graph comes to hold the union of the named graphs:

    oxigraph   `oxigraph serve --union-default-graph`; query /query, graphs /store
    fuseki     a dataset with `tdb2:unionDefaultGraph true`; query /ds/sparql, graphs /ds/data
    virtuoso   a query without a dataset ranges over every graph already (its own
               system graphs too, which hold none of our classes); query /sparql,
               graphs /sparql-graph-crud-auth (HTTP digest) or /sparql-graph-crud

Credentials come from the environment only (never a command-line argument, which
any user of the machine can read in the process list):
POLICYKG_ENDPOINT_USER and POLICYKG_ENDPOINT_PASSWORD, sent with HTTP basic or
digest authentication, whichever the server asks for.
"""
from __future__ import annotations

import os
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

USER_ENV, PASSWORD_ENV = "POLICYKG_ENDPOINT_USER", "POLICYKG_ENDPOINT_PASSWORD"


@dataclass(frozen=True)
class Dialect:
    name: str
    gsp_path: str | None          # the Graph Store service, relative to the query URL's path
    put_type: str = "application/n-triples"
    # Oxigraph (the embedded store) gives a GROUP_CONCAT the language tag its values share, as
    # CONCAT does; Jena and Virtuoso give a plain literal. SPARQL 1.1 allows both, so where a
    # server may drop the tag the query itself asks for it (see `tagged_group_concat`). Not on
    # Oxigraph (no need) nor Virtuoso 7.2, whose compiler fails on the longer form (SQ156
    # "Internal Optimized compiler error" on cited-by-several-documents): its gap stays listed.
    tag_group_concat: bool = True
    # `GRAPH ?g {}` lists the named graphs without reading their triples (Oxigraph, Jena); a
    # store not known to (Virtuoso 7.2 binds no ?g there) has its graphs counted instead
    lists_graphs: bool = False

    def gsp_url(self, query_url: str) -> str | None:
        if self.gsp_path is None:
            return None
        parts = urlsplit(query_url)
        base = parts.path.rsplit("/", 1)[0]
        return urlunsplit((parts.scheme, parts.netloc, f"{base}/{self.gsp_path}", "", ""))

    def rewrite(self, query: str) -> tuple[str, Callable[[Any], Any]]:
        """The text to send for `query`, and what turns the answer back into the standard one."""
        return (tagged_group_concat(query) if self.tag_group_concat else query), _same


def _same(result):
    return result


def tagged_group_concat(query: str) -> str:
    """`query` with each GROUP_CONCAT(…) made to carry the language tag all its values share,
    as Oxigraph's does (and a plain literal where they share none, as every server's does):

        IF(COUNT(DISTINCT LANG(e)) = 1 && MIN(LANG(e)) != "",
           STRLANG(STR(GROUP_CONCAT(…)), MIN(LANG(e))), GROUP_CONCAT(…))

    STR first, so a server that already keeps the tag gives the same answer. Aggregates do
    not nest, so no GROUP_CONCAT lies inside another; one whose parentheses do not close is
    left for the server's parser to report."""
    from .store import _tokens
    tokens = list(_tokens(query))
    edits: list[tuple[int, int, str]] = []
    for i, (kind, text, at) in enumerate(tokens):
        if kind != "word" or text.upper() != "GROUP_CONCAT" or tokens[i + 1:i + 2] == [] \
                or tokens[i + 1][1] != "(":
            continue
        depth, expr_end, close = 0, None, None
        for kind2, text2, at2 in tokens[i + 1:]:
            if kind2 != "other":
                continue
            if text2 == "(":
                depth += 1
            elif text2 == ")":
                depth -= 1
                if depth == 0:
                    close = at2
                    break
            elif text2 == ";" and depth == 1 and expr_end is None:
                expr_end = at2
        if close is None:
            continue
        first = tokens[i + 2]
        start = tokens[i + 3][2] if first[0] == "word" and first[1].upper() == "DISTINCT" else first[2]
        expr = query[start:expr_end if expr_end is not None else close].strip()
        if _plain_string(expr):
            continue
        call = query[at:close + 1]
        lang = f"LANG({expr})"
        edits.append((at, close + 1, f'IF(COUNT(DISTINCT {lang}) = 1 && MIN({lang}) != "", '
                                     f"STRLANG(STR({call}), MIN({lang})), {call})"))
    for start, end, text in reversed(edits):
        query = query[:start] + text + query[end:]
    return query


def limited(query: str, limit: int) -> str:
    """A SELECT whose outermost LIMIT is at most `limit` + 1 (one past, to tell truncation):
    the server stops there, where it would otherwise compute, and send, an answer policykg
    cuts at `limit` rows anyway. A LIMIT already lower is kept; a query whose WHERE group
    cannot be found is sent as it is (the server reports what is wrong with it). Only for
    SELECT: a CONSTRUCT's LIMIT counts solutions, not the triples the limit counts."""
    from .store import QueryError, _tokens, where_brace
    try:
        opening = where_brace(query)
    except QueryError:
        return query
    tokens = list(_tokens(query))
    depth, start = 0, None
    for n, (kind, text, at) in enumerate(tokens):
        if at < opening or kind != "brace":
            continue
        depth += 1 if text == "{" else -1
        if depth == 0:
            start = n + 1
            break
    if start is None:
        return query
    cap, depth, values_at = limit + 1, 0, None
    for n, (kind, text, at) in enumerate(tokens[start:], start):
        if kind in ("brace", "other") and text in "{}()":
            depth += 1 if text in "{(" else -1
        elif depth == 0 and kind == "word" and text.upper() == "LIMIT":
            m = re.compile(r"\s*(\d+)").match(query, at + len(text))
            if m is None or int(m[1]) <= cap:
                return query
            return query[:m.start(1)] + str(cap) + query[m.end(1):]
        elif depth == 0 and kind == "word" and text.upper() == "VALUES" and values_at is None:
            values_at = at
    if values_at is None:
        return f"{query.rstrip()}\nLIMIT {cap}"
    return f"{query[:values_at]}LIMIT {cap}\n{query[values_at:]}"

def _plain_string(expr: str) -> bool:
    """Whether `expr` is one STR(…) call, which never has a language tag: left as it is
    (Virtuoso 7.2 fails to compile LANG(STR(…)) inside an aggregate)."""
    from .store import _tokens
    tokens = list(_tokens(expr))
    if len(tokens) < 3 or tokens[0][1].upper() != "STR" or tokens[1][1] != "(":
        return False
    depth = 0
    for n, (kind, text, _) in enumerate(tokens[1:], 1):
        if kind == "other" and text in "()":
            depth += 1 if text == "(" else -1
            if depth == 0:
                return n == len(tokens) - 1
    return False


_PLACEHOLDER = "~policykg-separator-{}~"


class VirtuosoDialect(Dialect):
    """Virtuoso 7.2 joins a GROUP_CONCAT with "?" where the separator is not ASCII ("、"):
    an ASCII placeholder is sent instead and put back in the answer's literals."""

    def rewrite(self, query: str) -> tuple[str, Callable[[Any], Any]]:
        from .store import _tokens
        query, _ = super().rewrite(query)
        tokens = list(_tokens(query))
        swaps: list[tuple[int, int, str, str]] = []
        for (k1, t1, _), (_, t2, _), (k3, t3, at) in zip(tokens, tokens[1:], tokens[2:]):
            if k1 == "word" and t1.lower() == "separator" and t2 == "=" and k3 == "string" and not t3.isascii():
                quote = 3 if t3[:3] in ('"""', "'''") else 1
                swaps.append((at, at + len(t3), _PLACEHOLDER.format(len(swaps)), t3[quote:-quote]))
        if not swaps:
            return query, _same
        for start, end, placeholder, _ in reversed(swaps):
            query = query[:start] + f'"{placeholder}"' + query[end:]
        back = {placeholder: original for _, _, placeholder, original in swaps}
        return query, lambda result: _restore(result, back)


def _restore(result, back: dict[str, str]):
    from .results import ResultSet, Term

    def fix(t):
        if t is None or t.kind != "literal" or "~policykg-separator-" not in t.value:
            return t
        value = t.value
        for placeholder, original in back.items():
            value = value.replace(placeholder, original)
        return Term(t.kind, value, t.datatype, t.lang)
    if isinstance(result, ResultSet):
        return ResultSet(result.variables, [tuple(map(fix, row)) for row in result.rows],
                         result.truncated, result.truncated_by)
    return result


DIALECTS = {
    "oxigraph": Dialect("oxigraph", "store", tag_group_concat=False, lists_graphs=True),
    "fuseki": Dialect("fuseki", "data", lists_graphs=True),
    # Virtuoso 7 reads N-Triples as Turtle (its superset) but not under the N-Triples type
    "virtuoso": VirtuosoDialect("virtuoso", "sparql-graph-crud-auth", "text/turtle; charset=utf-8",
                                tag_group_concat=False),
    "generic": Dialect("SPARQL 1.1", None),
}


def detect(query_url: str) -> Dialect:
    """The dialect a query URL's shape names: /query (Oxigraph), /DATASET/sparql or
    /DATASET/query (Fuseki), /sparql (Virtuoso); any other shape is plain SPARQL 1.1."""
    path = urlsplit(query_url).path.rstrip("/")
    steps = [s for s in path.split("/") if s]
    if steps == ["query"]:
        return DIALECTS["oxigraph"]
    if steps == ["sparql"]:
        return DIALECTS["virtuoso"]
    if len(steps) == 2 and steps[1] in ("sparql", "query"):
        return DIALECTS["fuseki"]
    return DIALECTS["generic"]


def dialect_for(query_url: str, name: str | None = None) -> Dialect:
    if name in (None, "auto"):
        return detect(query_url)
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"no backend {name!r}; one of: {', '.join(DIALECTS)}") from None


def credentials() -> tuple[str, str] | None:
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    return (user, password or "") if user else None


class Authenticator:
    """Authorization headers for requests to one server, sent up front.

    Answering a 401 after the fact (urllib's handlers) sends a large PUT body twice, and
    Virtuoso closes the connection on its challenge before reading the body (the client
    sees a broken pipe). So the first request is a GET without a body; the scheme and
    nonce of its challenge then sign every request (basic, or digest with a counted nonce)."""

    def __init__(self, url: str):
        self.url, self.creds = url, credentials()
        self._challenge: tuple[str, dict] | None = None
        self._digest = None
        # publish's workers share one: one probe, and digest's nonce count told once per request
        self._lock = threading.Lock()

    def headers(self, request: urllib.request.Request) -> dict[str, str]:
        if not self.creds:
            return {}
        with self._lock:
            return self._headers(request)

    def _headers(self, request: urllib.request.Request) -> dict[str, str]:
        if self._challenge is None:
            self._challenge = self._probe()
        scheme, chal = self._challenge
        if scheme == "basic":
            import base64
            token = base64.b64encode(":".join(self.creds).encode("utf-8")).decode("ascii")
            return {"Authorization": f"Basic {token}"}
        if scheme == "digest":
            if self._digest is None:
                passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                passwords.add_password(None, self.url, *self.creds)
                self._digest = urllib.request.AbstractDigestAuthHandler(passwords)
            value = self._digest.get_authorization(request, chal)
            return {"Authorization": f"Digest {value}"} if value else {}
        return {}

    def _probe(self) -> tuple[str, dict]:
        try:
            with urllib.request.urlopen(urllib.request.Request(self.url, method="GET"), timeout=30):
                return ("none", {})
        except urllib.error.HTTPError as e:
            header = e.headers.get("WWW-Authenticate", "") if e.code == 401 else ""
        except OSError:
            return ("none", {})
        scheme, _, rest = header.partition(" ")
        return (scheme.lower(), urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)))
