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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

USER_ENV, PASSWORD_ENV = "POLICYKG_ENDPOINT_USER", "POLICYKG_ENDPOINT_PASSWORD"

# What a publish leaves in the store about the data it sent, in a graph of its own outside the
# notices' graph base (so never listed, counted or pruned as a notice's graph):
#   <VERSION_GRAPH> dct:hasVersion "digest"      the data's version, written after every graph;
#   <VERSION_GRAPH> pub:defaultGraph <M>         the graph to read as the default graph: the
#                                                 merge of every graph, where the store's own
#                                                 default graph counts a triple once per graph;
#   <VERSION_GRAPH> pub:retiredGraph <G>          a merge the next publish deletes (kept
#                                                 until then: a reader may still be reading it).
VERSION_GRAPH = "https://w3id.org/policykg/publication"
VERSION_PROPERTY = "http://purl.org/dc/terms/hasVersion"
PUB = VERSION_GRAPH + "#"
MERGED_BASE = VERSION_GRAPH + "/merged/"


@dataclass
class Layout:
    """What the store's publication graph says (see VERSION_GRAPH): how to read it."""
    version: str | None = None
    default: str | None = None
    retired: set[str] = field(default_factory=set)

    def triples(self) -> str:
        """The publication graph as N-Triples."""
        out = [f'<{VERSION_GRAPH}> <{VERSION_PROPERTY}> "{self.version}" .'] if self.version else []
        if self.default:
            out.append(f"<{VERSION_GRAPH}> <{PUB}defaultGraph> <{self.default}> .")
        out += [f"<{VERSION_GRAPH}> <{PUB}retiredGraph> <{g}> ." for g in sorted(self.retired)]
        return "".join(line + "\n" for line in out)

    def graphs(self) -> set[str]:
        """The merges it names: graphs of policykg's own beside the notices'."""
        return ({self.default} if self.default else set()) | self.retired


def read_layout(store) -> Layout:
    """The layout a `RemoteStore` sending no dataset reads from the publication graph."""
    result = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{VERSION_GRAPH}> {{ ?s ?p ?o }} }}")
    layout = Layout()
    if result.variables != ["s", "p", "o"]:
        return layout                  # not an answer to what was asked: nothing said
    for s, p, o in result.rows:
        if s is None or p is None or o is None:
            continue
        if p.value == VERSION_PROPERTY and s.value == VERSION_GRAPH:
            layout.version = o.value
        elif p.value == PUB + "defaultGraph" and o.value.startswith(MERGED_BASE):
            layout.default = o.value
        elif p.value == PUB + "retiredGraph" and o.value.startswith(MERGED_BASE):
            layout.retired.add(o.value)        # deleted by the next publish: never a graph not ours
    return layout


def uses_graph(query: str) -> bool:
    """Whether the query names graphs (a GRAPH pattern)."""
    from .store import _tokens
    return any(kind == "word" and text.upper() == "GRAPH" for kind, text, _ in _tokens(query))


def written_iris(query: str) -> set[str]:
    """Every absolute IRI the query writes, in full or as a prefixed name of a prefix it
    declares (a relative IRI, or a name of an undeclared prefix, is left out)."""
    tokens, prefixes, declared = _iri_tokens(query)
    out = {iri for n, (kind, text) in enumerate(tokens) if n not in declared
           for iri in [_absolute(kind, text, prefixes)] if iri}
    return out


def graph_iris(query: str) -> set[str] | None:
    """The graphs the query's GRAPH patterns name, where each names an IRI; None where one
    takes a variable (or a name it cannot read)."""
    tokens, prefixes, _ = _iri_tokens(query)
    out = set()
    for n, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "GRAPH":
            iri = _absolute(*tokens[n + 1], prefixes) if n + 1 < len(tokens) else None
            if iri is None:
                return None
            out.add(iri)
    return out


def _iri_tokens(query: str) -> tuple[list[tuple[str, str]], dict[str, str], set[int]]:
    """The query's tokens, the prefixes it declares, and the places of the prefixes' own IRIs."""
    from .store import _tokens
    tokens = [(kind, text) for kind, text, _ in _tokens(query)]
    prefixes: dict[str, str] = {}
    declared = set()                      # a prefix's own IRI names no graph
    for n, (kind, text) in enumerate(tokens[:-2]):
        if kind == "word" and text.upper() == "PREFIX" and tokens[n + 1][0] == "pname" \
                and tokens[n + 1][1].endswith(":") and tokens[n + 2][0] == "iri":
            prefixes[tokens[n + 1][1][:-1]] = tokens[n + 2][1][1:-1]
            declared.add(n + 2)
    return tokens, prefixes, declared


def _absolute(kind: str, text: str, prefixes: dict[str, str]) -> str | None:
    if kind == "iri" and ":" in text:
        return text[1:-1]
    if kind == "pname":
        prefix, _, local = text.partition(":")
        if prefix in prefixes and local:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


@dataclass(frozen=True)
class Dialect:
    name: str
    gsp_path: str | None          # the Graph Store service, relative to the query URL's path
    put_type: str = "application/n-triples"
    # Oxigraph (the embedded store) gives a GROUP_CONCAT the language tag its values share, as
    # CONCAT does; Jena and Virtuoso give a plain literal. SPARQL 1.1 allows both, so where a
    # server may drop the tag the query itself asks for it (see `tagged_group_concat`). Not on
    # Oxigraph (no need) nor Virtuoso 7.2, whose compiler fails on the longer form (SQ156
    # "Internal Optimized compiler error"): it is asked for the tag in columns of its own.
    tag_group_concat: bool = True
    # `GRAPH ?g {}` lists the named graphs without reading their triples (Oxigraph, Jena); a
    # store not known to (Virtuoso 7.2 binds no ?g there) has its graphs counted instead
    lists_graphs: bool = False
    # a Graph Store parameter that loads a POST without a transaction (the Oxigraph server's
    # bulk loader: not atomic, so only for the merge, which no reader reads until it is whole;
    # the PUTs beside it touch none of its keys, and the strings it shares the server never deletes)
    bulk: str | None = None
    # the name of the server's own default graph where it is the merge of the named graphs, to
    # name beside them (Jena's union graph; by the protocol, naming graphs without a default
    # graph leaves it empty)
    union_graph: str | None = None
    # whether a request naming its graphs must also name every IRI the query writes: Virtuoso
    # 7.2 matches a graph the request does not name, written in the query (GRAPH <g>, or
    # FILTER (?g = <g>)), as an empty group: `ASK { GRAPH <g> { ?s ?p ?o } }` is true and a
    # COUNT(*) over it 1; named (held or not), the graph is read as it is
    names_written_iris: bool = False

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
    for call in _group_concats(query, tokens):
        text = query[call.start:call.end]
        lang = f"LANG({call.expr})"
        edits.append((call.start, call.end, f'IF(COUNT(DISTINCT {lang}) = 1 && MIN({lang}) != "", '
                                            f"STRLANG(STR({text}), MIN({lang})), {text})"))
    for start, end, text in reversed(edits):
        query = query[:start] + text + query[end:]
    return query


@dataclass(frozen=True)
class _Call:
    start: int          # offset of the GROUP_CONCAT word
    end: int            # one past its closing parenthesis
    expr: str           # the expression concatenated
    first: int          # index of the GROUP_CONCAT token
    last: int           # index of its closing parenthesis's token


def _group_concats(query: str, tokens: list) -> list[_Call]:
    """The GROUP_CONCAT(…) calls of `query` whose values may carry a language tag (an
    expression that is one STR(…) call never does); one left unclosed is skipped."""
    calls = []
    for i, (kind, text, at) in enumerate(tokens):
        if kind != "word" or text.upper() != "GROUP_CONCAT" or tokens[i + 1:i + 2] == [] \
                or tokens[i + 1][1] != "(" or len(tokens) < i + 4:
            continue
        depth, expr_end, close = 0, None, None
        for n in range(i + 1, len(tokens)):
            kind2, text2, at2 = tokens[n]
            if kind2 != "other":
                continue
            if text2 == "(":
                depth += 1
            elif text2 == ")":
                depth -= 1
                if depth == 0:
                    close = n
                    break
            elif text2 == ";" and depth == 1 and expr_end is None:
                expr_end = at2
        if close is None:
            continue
        first = tokens[i + 2]
        start = tokens[i + 3][2] if first[0] == "word" and first[1].upper() == "DISTINCT" else first[2]
        end = tokens[close][2]
        expr = query[start:expr_end if expr_end is not None else end].strip()
        if not _plain_string(expr):
            calls.append(_Call(at, end + 1, expr, i, close))
    return calls


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


Restorer = Callable[[Any], Any]


class VirtuosoDialect(Dialect):
    """Virtuoso 7.2, measured on Debian's 7.2.5, differs from SPARQL 1.1 in three ways the
    saved queries meet; each is sent in a form it answers right, and the answer put back:

    - it gives a GROUP_CONCAT no language tag, and its compiler fails on any expression over
      an aggregate that would add one (IF, COALESCE: SQ156): the tag is asked for in columns
      of its own and applied to the answer (`shared_tag_columns`);
    - its CONCAT reads a value from the store as Latin-1 where a non-ASCII string from the
      query text (a constant, a VALUES term) is joined to it: each argument is sent through
      SUBSTR(…, 1), which gives it the store's encoding (`narrowed_concat`);
    - it joins a GROUP_CONCAT with "?" where the separator is not ASCII ("、"): an ASCII
      placeholder is sent and put back in the answer (`ascii_separators`)."""

    def rewrite(self, query: str) -> tuple[str, Restorer]:
        query, _ = super().rewrite(query)
        query = narrowed_concat(query)
        query, tags = shared_tag_columns(query)
        query, separators = ascii_separators(query)
        fixes = [f for f in (separators, tags) if f is not None]
        if not fixes:
            return query, _same

        def standard(result):
            for fix in fixes:
                result = fix(result)
            return result
        return query, standard


_PLACEHOLDER = "~policykg-separator-{}~"


def ascii_separators(query: str) -> tuple[str, Restorer | None]:
    """`query` with each non-ASCII GROUP_CONCAT separator swapped for an ASCII placeholder,
    and what puts the separators back in an answer's literals (None: nothing swapped)."""
    from .store import _tokens
    tokens = list(_tokens(query))
    swaps: list[tuple[int, int, str, str]] = []
    for (k1, t1, _), (_, t2, _), (k3, t3, at) in zip(tokens, tokens[1:], tokens[2:]):
        if k1 == "word" and t1.lower() == "separator" and t2 == "=" and k3 == "string" and not t3.isascii():
            quote = 3 if t3[:3] in ('"""', "'''") else 1
            swaps.append((at, at + len(t3), _PLACEHOLDER.format(len(swaps)), t3[quote:-quote]))
    if not swaps:
        return query, None
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


def narrowed_concat(query: str) -> str:
    """`query` with each argument of each CONCAT(…) sent as SUBSTR(argument, 1).

    SUBSTR from the first character is the argument itself, tag and all (SPARQL 1.1 17.4.3.3),
    so every server gives the same answer; on Virtuoso 7.2 it also turns a string from the
    query text into the store's UTF-8 form, where CONCAT("…", ?title) gave Latin-1 mojibake.
    A call whose parentheses do not close is left for the server's parser to report."""
    from .store import _tokens
    tokens = list(_tokens(query))
    edits: list[tuple[int, str]] = []        # insertions at offsets, applied back to front
    for i, (kind, text, at) in enumerate(tokens):
        if kind != "word" or text.upper() != "CONCAT" or tokens[i + 1:i + 2] == [] or tokens[i + 1][1] != "(":
            continue
        depth, args, start = 0, [], None
        for n in range(i + 1, len(tokens)):
            kind2, text2, at2 = tokens[n]
            if kind2 == "other" and text2 == "(":
                depth += 1
                if depth == 1:
                    continue
            elif kind2 == "other" and text2 == ")":
                depth -= 1
                if depth == 0:
                    if start is not None:
                        args.append((start, tokens[n - 1][2] + len(tokens[n - 1][1])))
                    break
            elif kind2 == "other" and text2 == "," and depth == 1:
                if start is not None:
                    args.append((start, tokens[n - 1][2] + len(tokens[n - 1][1])))
                start = None
                continue
            if start is None:
                start = at2
        else:
            continue                             # unclosed
        for a, b in args:
            edits += [(a, "SUBSTR("), (b, ", 1)")]
    for at, text in sorted(edits, key=lambda e: e[0], reverse=True):
        query = query[:at] + text + query[at:]
    return query


TAG_PREFIX = "_policykg_tag_"


@dataclass(frozen=True)
class _Select:
    at: int                 # index of the SELECT token
    projection: range       # indices of the tokens of its projection
    group: tuple[int, int]  # indices of its WHERE group's braces
    grouped: bool           # it has a GROUP BY
    distinct: bool


def _select_clauses(tokens: list) -> list[_Select]:
    """Each SELECT of a token list (the query's own and its sub-selects), in text order."""
    selects = []
    for i, (kind, text, _) in enumerate(tokens):
        if kind != "word" or text.upper() != "SELECT":
            continue
        depth, j = 0, i + 1
        while j < len(tokens):
            kind2, text2, _ = tokens[j]
            if kind2 == "other" and text2 in "()":
                depth += 1 if text2 == "(" else -1
            elif depth == 0 and (kind2 == "brace" or (kind2 == "word" and text2.upper() in ("WHERE", "FROM"))):
                break
            j += 1
        opening = next((n for n in range(j, len(tokens)) if tokens[n][0] == "brace"), None)
        if opening is None or tokens[opening][1] != "{":
            continue
        depth, closing = 0, None
        for n in range(opening, len(tokens)):
            if tokens[n][0] == "brace":
                depth += 1 if tokens[n][1] == "{" else -1
                if depth == 0:
                    closing = n
                    break
        if closing is None:
            continue
        grouped, depth = False, 0
        for n in range(closing + 1, len(tokens)):        # its modifiers, up to the enclosing group's end
            kind2, text2, _ = tokens[n]
            if kind2 == "brace":
                depth += 1 if text2 == "{" else -1
                if depth < 0:
                    break
            elif depth == 0 and kind2 == "word" and text2.upper() == "GROUP":
                grouped = True
        first = tokens[i + 1] if i + 1 < len(tokens) else ("", "", 0)
        selects.append(_Select(i, range(i + 1, j), (opening, closing), grouped,
                               first[0] == "word" and first[1].upper() in ("DISTINCT", "REDUCED")))
    return selects


def shared_tag_columns(query: str) -> tuple[str, Restorer | None]:
    """A SELECT with, beside each `(GROUP_CONCAT(e …) AS ?v)` it projects, the columns
    `(MIN(LANG(e)) AS ?…_min) (MAX(LANG(e)) AS ?…_max) (COUNT(DISTINCT e) AS ?…_values)
    (COUNT(*) AS ?…_rows)`; and what makes each ?v of an answer the one Oxigraph gives, then
    drops the added columns: the language tag its values share (the two LANGs equal and not
    ""), and unbound where e is unbound in every row of a group (an OPTIONAL that matched
    nothing), which makes the aggregate an error (SPARQL 1.1 18.5.1) where Virtuoso gives "".
    (A group where e is unbound in some rows only is left as Virtuoso joins it: its COUNT(e)
    and SUM(IF(BOUND(…))) count the unbound rows too, so it cannot be told.)

    Virtuoso 7.2 answers these aggregates alone but fails to compile any expression over
    them that would tag the concatenation in the query itself (IF, COALESCE; SQ156). A
    GROUP_CONCAT projected by a sub-select is followed outward through each enclosing SELECT
    that projects its variable as it is (or `*`) without grouping; one that does not reach
    the answer is left as the server gives it."""
    from .store import _tokens, query_form, QueryError
    try:
        if query_form(query) != "SELECT":
            return query, None
    except QueryError:
        return query, None
    tokens = list(_tokens(query))
    selects = _select_clauses(tokens)
    if not selects:
        return query, None
    inserts: list[tuple[int, str]] = []
    tagged: dict[str, tuple[str, ...]] = {}     # a column of the answer -> its four added columns
    for call in _group_concats(query, tokens):
        # `( GROUP_CONCAT(…) AS ?v )` in a projection
        if call.first < 1 or tokens[call.first - 1][1] != "(" or len(tokens) < call.last + 4:
            continue
        as_, var, close = tokens[call.last + 1:call.last + 4]
        if as_[0] != "word" or as_[1].upper() != "AS" or var[0] != "var" or close[1] != ")":
            continue
        owner = next((s for s in selects if call.first in s.projection), None)
        if owner is None:
            continue
        name = var[1][1:]
        low, high, values, rows = (f"{TAG_PREFIX}{len(tagged)}_{k}" for k in ("min", "max", "values", "rows"))
        lang = f"LANG({call.expr})"
        inserts.append((close[2] + 1, f" (MIN({lang}) AS ?{low}) (MAX({lang}) AS ?{high})"
                                      f" (COUNT(DISTINCT {call.expr}) AS ?{values}) (COUNT(*) AS ?{rows})"))
        select, reaches = owner, True
        while reaches:
            outer = [s for s in selects if s.group[0] < select.at < s.group[1]]
            if not outer:
                break
            select = max(outer, key=lambda s: s.at)
            star = any(tokens[n][1] == "*" for n in select.projection)
            bare = [n for n in select.projection if tokens[n][0] == "var" and tokens[n][1][1:] == name
                    and _paren_depth(tokens, select.projection.start, n) == 0]
            if select.grouped:
                reaches = False
            elif bare:
                inserts.append((tokens[bare[0]][2] + len(tokens[bare[0]][1]), f" ?{low} ?{high} ?{values} ?{rows}"))
            elif not star:
                reaches = False
        if reaches:
            tagged[name] = (low, high, values, rows)
    if not tagged:
        return query, None
    for at, text in sorted(inserts, key=lambda e: e[0], reverse=True):
        query = query[:at] + text + query[at:]
    top = min(selects, key=lambda s: s.at)
    return query, lambda result: _apply_tags(result, tagged, top.distinct)


def _paren_depth(tokens: list, start: int, stop: int) -> int:
    depth = 0
    for kind, text, _ in tokens[start:stop]:
        if kind == "other" and text in "()":
            depth += 1 if text == "(" else -1
    return depth


def _number(t) -> int:
    return int(t.value) if t is not None and t.value.isdigit() else 0


def _apply_tags(result, tagged: dict[str, tuple[str, ...]], distinct: bool):
    from .results import ResultSet, Term
    if not isinstance(result, ResultSet):
        return result
    names = result.variables
    at = {v: n for n, v in enumerate(names)}
    columns = [(at[v], *(at[c] for c in added)) for v, added in tagged.items()
               if v in at and all(c in at for c in added)]
    keep = [n for n, v in enumerate(names) if not v.startswith(TAG_PREFIX)]
    rows, seen = [], set()
    for row in result.rows:
        cells = list(row)
        for value, lo, hi, distinct_values, count in columns:
            t, low, high = cells[value], cells[lo], cells[hi]
            if _number(cells[distinct_values]) == 0 and _number(cells[count]) > 0:
                cells[value] = None
            elif (t is not None and t.kind == "literal" and t.lang is None and t.datatype is None
                    and low is not None and high is not None and low.value == high.value != ""):
                cells[value] = Term(t.kind, t.value, None, low.value)
        out = tuple(cells[n] for n in keep)
        if distinct:                       # rows told apart only by the dropped columns
            if out in seen:
                continue
            seen.add(out)
        rows.append(out)
    return ResultSet([names[n] for n in keep], rows, result.truncated, result.truncated_by)


DIALECTS = {
    "oxigraph": Dialect("oxigraph", "store", tag_group_concat=False, lists_graphs=True, bulk="no_transaction"),
    "fuseki": Dialect("fuseki", "data", lists_graphs=True, union_graph="urn:x-arq:UnionGraph"),
    # Virtuoso 7 reads N-Triples as Turtle (its superset) but not under the N-Triples type
    "virtuoso": VirtuosoDialect("virtuoso", "sparql-graph-crud-auth", "text/turtle; charset=utf-8",
                                tag_group_concat=False, names_written_iris=True),
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
