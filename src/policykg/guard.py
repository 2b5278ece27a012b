"""What a query from anyone may do: read the local data, and nothing else.

An ad-hoc query (the public `/sparql`, `policykg sparql`) is checked on its
*parse tree*, not its text: comments that end at a lone CR, escapes in IRIs
and prefixed names, or a `<` read as an operator make a keyword scan see
something other than what the engine parses. The tree comes from rdflib's
SPARQL 1.1 grammar; a query is refused when it contains SERVICE anywhere (a
subquery, EXISTS, OPTIONAL, nested in another SERVICE), names a dataset
(FROM / FROM NAMED), or is an update.

When rdflib cannot parse a query, nothing can vouch for it: a process that can
reach the network refuses it (400, with rdflib's line and column), while a
query worker that runs under `sandbox.forbid_network()` passes it on, so the
engine itself reports its syntax error, and a SERVICE rdflib did not see
still cannot connect anywhere.

pyoxigraph offers no way to run without its HTTP service handler, hence the
two walls.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Mapping

from .results import Term
from .store import QueryError, QueryRefused, Store, _tokens

MAX_NESTING = 64               # groups, brackets and parentheses inside one another
# rdflib's parser recurses about 11 frames per triple pattern: a query of 20,000 characters
# of `?a ?b ?c.` needs 19,900 frames, which fit a 64 MB stack
_PARSE_STACK = 64 * 1024 * 1024
_PARSE_RECURSION = 25_000


READ_ONLY = "this store is read-only and answers queries only"
NO_SERVICE = "SERVICE: federated queries are refused; this endpoint never fetches other endpoints"
_BLOCKED = "Permission denied (os error 13)"     # how pyoxigraph reports a socket the sandbox refused
NO_DATASET = "FROM / FROM NAMED: only the local default graph is served; a query cannot name other graphs"


def nesting(query: str) -> int:
    """How deep groups, brackets and parentheses go (strings and comments left out)."""
    depth = deepest = 0
    for kind, text, _ in _tokens(query):
        if kind == "brace" or (kind == "other" and text in "([)]"):
            depth += 1 if text in "{([" else -1
            deepest = max(deepest, depth)
    return deepest


def check_query(query: str, *, sandboxed: bool = False) -> None:
    """Raise QueryRefused (or QueryError for a malformed query) unless `query` may run."""
    depth = nesting(query)
    if depth > MAX_NESTING:
        raise QueryRefused(f"the query nests {depth} levels deep; the limit is {MAX_NESTING}")
    # the word alone is refused at once: rdflib re-parses the whole query for every SERVICE
    # it meets, without end when one is nested in another
    at = next((at for kind, text, at in _tokens(query) if kind == "word" and text.upper() == "SERVICE"), None)
    if at is not None:
        line = query.count("\n", 0, at) + 1
        raise QueryRefused(NO_SERVICE, 400, line, at - query.rfind("\n", 0, at))
    # a comment ends at CR as well as LF (SPARQL 1.1, 19.4); rdflib's ends at LF only
    tree, error = _parse(query.replace("\r\n", "\n").replace("\r", "\n"))
    if tree is None:
        if _parses_as_update(query):
            raise QueryRefused(f"{_first_keyword(query)} is an update; {READ_ONLY}", 403)
        if not sandboxed:
            raise error
        return
    found = _names(tree)
    if "ServiceGraphPattern" in found:
        raise QueryRefused(NO_SERVICE)
    if "datasetClause" in found:
        raise QueryRefused(NO_DATASET)


def _first_keyword(query: str) -> str:
    from .store import UPDATE_KEYWORDS
    return next((text.upper() for kind, text, _ in _tokens(query)
                 if kind == "word" and text.upper() in UPDATE_KEYWORDS), "the query")


def load_parser() -> None:
    """Import the parser now (0.2 s on a loaded machine): a query worker does it once its store
    is open, rather than in the time limit of its first query."""
    from rdflib.plugins.sparql import parser, parserutils  # noqa: F401


def _parse(query: str):
    """rdflib's parse tree, or (None, QueryError with line and column)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery
    outcome: list = []

    def work():
        try:
            outcome.append((parseQuery(query), None))
        except ParseBaseException as e:
            found = f", found {e.found}" if getattr(e, "found", None) else ""
            outcome.append((None, QueryError(f"{e.msg}{found}", e.lineno, e.col)))
        except RecursionError:
            outcome.append((None, QueryRefused("the query is too deeply nested to check")))
        except Exception as e:       # rdflib raises plain exceptions for some bad terms
            outcome.append((None, QueryError(str(e))))
    _in_big_stack(work)
    return outcome[0]


def _parses_as_update(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate
    done: list[bool] = []

    def work():
        try:
            parseUpdate(query)
            done.append(True)
        except Exception:
            done.append(False)
    _in_big_stack(work)
    return done[0]


_stack_lock = threading.Lock()


def _in_big_stack(work) -> None:
    """Run `work` in a thread whose stack and recursion limit fit rdflib's recursive parser."""
    with _stack_lock:
        if sys.getrecursionlimit() < _PARSE_RECURSION:
            sys.setrecursionlimit(_PARSE_RECURSION)
        previous = threading.stack_size(_PARSE_STACK)
        try:
            thread = threading.Thread(target=work, name="policykg-query-check", daemon=True)
        finally:
            threading.stack_size(previous)
        thread.start()
    thread.join()


def _names(tree) -> set[str]:
    """The names of every node of a parse tree, and the keys that hold something."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue
    names: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            names.add(node.name)
            for key, value in node.items():
                if value not in (None, [], ""):
                    names.add(key)
                stack.append(value)
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return names


class GuardedStore(Store):
    """A store for queries from anyone: each is checked before it runs."""

    def __init__(self, inner: Store, *, sandboxed: bool = False):
        self.inner = inner
        self.sandboxed = sandboxed
        self.prefixes = inner.prefixes

    def run(self, query: str, bindings: Mapping[str, Term] | None = None, *,
            limit: int | None = None, timeout: float | None = None, max_bytes: int | None = None):
        check_query(query, sandboxed=self.sandboxed)
        try:
            return self.inner.run(query, bindings, limit=limit, timeout=timeout, max_bytes=max_bytes)
        except QueryError as e:
            if _BLOCKED in e.message:         # the sandbox stopped a connection the check did not see
                raise QueryRefused(NO_SERVICE) from None
            raise

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()

    def _run(self, form, query, limit, deadline, max_bytes=None):   # pragma: no cover - run() is overridden
        raise NotImplementedError
