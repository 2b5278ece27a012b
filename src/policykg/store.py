"""One query interface, two backends: an embedded pyoxigraph store (the
default) and a remote SPARQL 1.1 endpoint reached through SPARQLWrapper.

Parameters are bound as RDF terms: each value is serialized as an escaped
N-Triples term into a `VALUES` block placed at the head of the query's WHERE
group, so user text can never change the query's shape. (pyoxigraph's own
substitutions only bind projected variables, and a remote endpoint has no
binding API at all; one mechanism for both keeps their answers identical.)
"""
from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import resources
from .iris import PREFIXES
from .results import XSD_STRING, ResultSet, Term

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
MEMO_CHARS = 2_000_000      # characters of query text a memo may hold (keys and values)
_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


class QueryTimeout(RuntimeError):
    """The query ran past its time limit."""


class QueryBusy(RuntimeError):
    """Every worker that could run the query is busy; try again later."""


class QueryAborted(RuntimeError):
    """The query stopped the process running it (out of its memory limit)."""


class QueryError(ValueError):
    """A query that cannot run: says what and, for syntax errors, where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message, self.line, self.column = message, line, column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(where + message)


class QueryRefused(QueryError):
    """A query this store will not run (an update, SERVICE, FROM …); `status` is its HTTP answer."""

    def __init__(self, message: str, status: int = 400, line: int | None = None, column: int | None = None):
        super().__init__(message, line, column)
        self.status = status


class TextMemo(dict):
    """A memo keyed by query text, bounded by the characters it holds, not by its entries:
    512 entries of distinct 20,000-character texts from a client were 20 MB."""

    def __init__(self, budget: int = MEMO_CHARS):
        super().__init__()
        self.budget, self.used = budget, 0

    def put(self, key, value, size: int):
        if self.used + size > self.budget:
            self.clear()
            self.used = 0
        self[key] = value
        self.used += size
        return value


# --- a small SPARQL lexer: enough to find keywords and braces outside strings ---------
# (for binding parameters into our own queries; what a query from anyone may do is
# decided on its parse tree, in guard.py)

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\r\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<pname>(?:[A-Za-z_][\w.-]*)?:(?:[\w.%-]|\\[_~.!$&'()*+,;=/?\#@%-])*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<brace>[{}])
  | (?P<other>\S)
''', re.X | re.S)


def _tokens(query: str) -> Iterable[tuple[str, str, int]]:
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind != "comment":
            yield kind, m.group(), m.start()


_FORMS_SEEN = TextMemo()
_BRACES_SEEN = TextMemo()


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or the update keyword the query starts with."""
    form = _FORMS_SEEN.get(query)
    if form is None:
        form = _FORMS_SEEN.put(query, _query_form(query), len(query))
    return form


def _query_form(query: str) -> str:
    for kind, text, _ in _tokens(query):
        upper = text.upper()
        if kind == "word" and (upper in FORMS or upper in UPDATE_KEYWORDS):
            return upper
    raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def where_brace(query: str) -> int:
    """Offset of the `{` that opens the query's (outermost) WHERE group."""
    at = _BRACES_SEEN.get(query)
    if at is None:
        at = _BRACES_SEEN.put(query, _where_brace(query), len(query))
    return at


def _where_brace(query: str) -> int:
    depth, parens, form, seen_where, template = 0, 0, None, False, False
    for kind, text, at in _tokens(query):
        upper = text.upper() if kind == "word" else ""
        if depth == 0 and form is None and upper in FORMS:
            form = upper
        elif depth == 0 and upper == "WHERE":
            seen_where = True
        elif depth == 0 and kind == "other" and text in "()":
            # SELECT (EXISTS { … } AS ?x): a group inside an expression is not the WHERE group
            parens += 1 if text == "(" else -1
        elif kind == "brace" and parens > 0:
            continue
        elif kind == "brace":
            if text == "{":
                # CONSTRUCT { template } WHERE { … }: the template is not the WHERE group; the
                # keyword WHERE is optional, so the group after the template is it either way
                if depth == 0 and (seen_where or template or form in ("SELECT", "ASK", "DESCRIBE")):
                    return at
                depth += 1
            else:
                depth -= 1
                template = template or (depth == 0 and form == "CONSTRUCT")
    raise QueryError("the query has no WHERE group to bind parameters in")


def bind(query: str, bindings: Mapping[str, Term] | None) -> str:
    """The query with each binding fixed by a VALUES block of escaped terms."""
    if not bindings:
        return query
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a variable name: {name!r}")
    names = sorted(bindings)
    block = (f" VALUES ({' '.join('?' + n for n in names)}) "
             f"{{ ({' '.join(bindings[n].n3() for n in names)}) }} ")
    at = where_brace(query) + 1
    return query[:at] + block + query[at:]


def prologue(prefixes: Mapping[str, str] | None = None) -> str:
    prefixes = prefixes if prefixes is not None else {p: str(ns) for p, ns in PREFIXES.items()}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))


_SERVICE_SEEN = TextMemo()


def _names_service(query: str) -> bool:
    """Whether the word SERVICE stands in the query outside strings and comments (remembered per text)."""
    seen = _SERVICE_SEEN.get(query)
    if seen is None:
        seen = _SERVICE_SEEN.put(query, any(kind == "word" and text.upper() == "SERVICE"
                                            for kind, text, _ in _tokens(query)), len(query))
    return seen


def check_read_only(query: str) -> str:
    form = query_form(query)
    if form in UPDATE_KEYWORDS:
        raise QueryRefused(f"{form} is an update; this store is read-only and answers queries only", 403)
    return form


@dataclass
class Triple:
    subject: Term
    predicate: Term
    object: Term


class Store(ABC):
    """Answers SPARQL queries; `prefixes` are declared for every query it runs."""

    prefixes: dict[str, str] = {p: str(ns) for p, ns in PREFIXES.items()}
    name = "the embedded store"            # what error messages call it (a remote store: its URL)
    answers = None                         # saved queries' answers kept for this data (answers.Answers)
    texts = None                           # its measures' texts kept for substring search (texts.MeasureTexts)
    graph: str | None = None               # the notice graph a view is restricted to

    def with_prologue(self, query: str) -> str:
        # built once: the prefixes of a store are fixed, and this runs on every query
        cached = self.__dict__.get("_prologue")
        if cached is None:
            cached = self.__dict__["_prologue"] = prologue(self.prefixes)
        return cached + query

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> ResultSet:
        result = self.run(query, bindings)
        if not isinstance(result, ResultSet):
            raise QueryError("not a SELECT query")
        return result

    def run(self, query: str, bindings: Mapping[str, Term] | None = None, *,
            limit: int | None = None, timeout: float | None = None, max_bytes: int | None = None
            ) -> ResultSet | bool | Triples:
        """SELECT → ResultSet, ASK → bool, CONSTRUCT/DESCRIBE → Triples.

        `limit` caps the rows (or triples) returned and `max_bytes` the UTF-8
        bytes of their values; an answer cut short says by which
        (`truncated_by`: "rows" or "bytes"). `timeout` (seconds) raises QueryTimeout.
        """
        form = check_read_only(query)
        deadline = None if timeout is None else time.monotonic() + timeout
        return self._run(form, self.prepared(query, bindings), limit, deadline, max_bytes)

    def prepared(self, query: str, bindings: Mapping[str, Term] | None = None) -> str:
        """The text sent to the backend: prologue, query, bindings as a VALUES block.

        Remembered per (query, bindings): saved queries are run again and again
        with the same values (a web form, a permalink), and on a query of a
        few dozen microseconds building the text anew is a tenth of its time.
        """
        memo = self.__dict__.get("_prepared")
        if memo is None:
            memo = self.__dict__["_prepared"] = TextMemo()
        key = (query, tuple(sorted(bindings.items())) if bindings else ())
        text = memo.get(key)
        if text is None:
            text = self.with_prologue(bind(query, bindings))
            memo.put(key, text, len(query) + len(text))
        return text

    @abstractmethod
    def _run(self, form: str, query: str, limit: int | None, deadline: float | None,
             max_bytes: int | None = None) -> ResultSet | bool | Triples: ...


def term_converter(ox):
    """A function from a pyoxigraph term (or None) to a Term.

    It runs on every cell of every result, so the classes it dispatches on
    are bound as default arguments (local lookups, no attribute access) and
    a Term is built by tuple.__new__ (no keyword handling).
    """
    xsd_string = ox.NamedNode(XSD_STRING)

    def term(t, _new=tuple.__new__, _named=ox.NamedNode, _literal=ox.Literal, _blank=ox.BlankNode,
             _string=xsd_string, _t=Term):
        cls = type(t)
        if cls is _named:
            return _new(_t, ("uri", t.value, None, None))
        if cls is _literal:
            lang = t.language
            if lang:
                return _new(_t, ("literal", t.value, None, lang))
            dt = t.datatype
            if dt == _string:               # compared in Rust: cheaper than reading the IRI out
                return _new(_t, ("literal", t.value, None, None))
            return _new(_t, ("literal", t.value, dt.value, None))
        if t is None:
            return None
        if cls is _blank:
            return _t("bnode", t.value)
        return _t("literal", str(t))
    return term


def rdf_format(ox, file) -> "ox.RdfFormat":
    """The RDF syntax a file's extension names, or a QueryError naming the file (pyoxigraph's
    own ValueError names only the extension)."""
    fmt = ox.RdfFormat.from_extension(Path(file).suffix[1:])
    if fmt is None:
        raise QueryError(f"{file}: not named as RDF (policykg reads a file by its RDF syntax's "
                         "extension: .ttl, .nt, .nq, .trig, .rdf, .jsonld, …)")
    return fmt


class EmbeddedStore(Store):
    """pyoxigraph in memory, loaded with the ontology, vocabularies, registries and data."""

    def __init__(self, files: Iterable[Path] | None = None, graphs: Mapping[Path, str] | None = None, *,
                 path: Path | None = None, build: bool = False, only: Iterable[Path] | None = None):
        """`graphs` names the notice a file holds: it is loaded into the default graph, which
        every saved query reads, and into that notice's named graph as well.

        With `path`, the store is on disk: built there from the files when `build`, else opened
        read-only as a build left it (see `policykg.corpus.Corpus.store_path`); `only` loads just
        those of the files into a store built before (notices added since)."""
        import pyoxigraph as ox
        self._ox = ox
        self._term = term_converter(ox)
        self._variables = TextMemo()
        self.files = list(files) if files is not None else default_files()
        # (Path(p) of a Path parses it again: 20,000 of them took 0.2 s of a server's start)
        graphs = {k if isinstance(k, Path) else Path(k): v for k, v in (graphs or {}).items()}
        self.graphs = graphs
        self._views: dict[tuple[str, ...], NoticeView] = {}
        if path is not None and not build:
            self.store = ox.Store.read_only(str(path))
            # a store folder names one state of the data: answers kept in it are answers to it
            from .answers import FOLDER, Answers
            from .texts import MeasureTexts
            self.answers = Answers(Path(path) / FOLDER)
            self.texts = MeasureTexts(Path(path))
            return
        self.store = ox.Store(str(path)) if path is not None else ox.Store()
        if path is not None and only is None:
            self._bulk_build(graphs)
        for f in ([] if path is not None and only is None else self.files if only is None else list(only)):
            fmt = rdf_format(ox, f)
            try:
                self.store.load(path=str(f), format=fmt)
                if graphs:
                    # a notice's file into its graph, the shared ones (ontology, registries, laws) into
                    # one graph of their own: a view of one notice reads the two together
                    self.store.load(path=str(f), format=fmt, to_graph=ox.NamedNode(graphs.get(Path(f), SHARED_GRAPH)))
            except SyntaxError as e:
                raise QueryError(f"{f}: {e}") from None
        if graphs:
            self._drop_restatements()
            # notices implementing notices of the same corpus: their measures' candidates (chains.py)
            from .chains import add_correspondences
            add_correspondences(self)
        if path is not None:
            self.store.flush()
            if only is None:
                self.store.optimize()

    def _bulk_build(self, graphs: Mapping[Path, str]) -> None:
        """Every file into a new on-disk store in one bulk load, each triple into the default graph
        and its notice's (or the shared) graph. Measured at 1,000 notices (3.4 M quads,
        benchmarks/results/scale-2026-11-30.txt): 117 s and 720 MB after optimize, where a
        transaction per file took 301 s and left 2.5 GB."""
        ox = self._ox

        def quads():
            for f in self.files:
                fmt = rdf_format(ox, f)
                named = ox.NamedNode(graphs.get(Path(f), SHARED_GRAPH)) if graphs else None
                try:
                    for t in ox.parse(path=str(f), format=fmt):
                        triple = (t.subject, t.predicate, t.object)
                        yield ox.Quad(*triple, ox.DefaultGraph())
                        if named is not None:
                            yield ox.Quad(*triple, named)
                except SyntaxError as e:
                    raise QueryError(f"{f}: {e}") from None
        self.store.bulk_extend(quads())

    def _drop_restatements(self) -> None:
        """Out of each notice's graph, the triples the shared graph holds too (the shipped notice
        restates who issued the opinion it implements, as the registry says). A notice's view
        reads the two graphs as its default graph, which pyoxigraph and the Oxigraph and
        Virtuoso servers take as a bag: a triple of both would match twice."""
        ox = self._ox
        twice = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in self.store.query(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH <{SHARED_GRAPH}> {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER (?g != <{SHARED_GRAPH}>) }}")]
        for quad in twice:
            self.store.remove(quad)

    def __len__(self) -> int:
        return len(self.store)

    def notices(self) -> set[str]:
        """The named graphs of the notices this store holds."""
        return set(self.graphs.values())

    def view(self, graph: str) -> "NoticeView":
        """The store as if it held one notice (and the shared graphs) only."""
        if graph not in self.notices():
            raise QueryError(f"no notice graph {graph} in this store")
        key = (graph,)
        if key not in self._views:
            self._views[key] = NoticeView(self, graph)
        return self._views[key]

    def _run(self, form: str, query: str, limit: int | None, deadline: float | None,
             max_bytes: int | None = None, default_graph=None):
        if _names_service(query):
            # pyoxigraph would send the pattern to that endpoint. A cheap first word for any caller;
            # text from anyone goes through guard.GuardedStore, which decides on the parse tree
            raise QueryRefused("SERVICE is refused: the embedded store never fetches other endpoints; "
                               "query an endpoint directly with --endpoint URL")
        try:
            result = self.store.query(query) if default_graph is None else \
                self.store.query(query, default_graph=default_graph)
        except SyntaxError as e:
            m = _ERROR_AT.match(str(e))
            if m:
                # report positions in the query as the user wrote it, not with our prologue
                line = int(m[1]) - self.with_prologue("").count("\n")
                raise QueryError(_short(m[3]), max(line, 1), int(m[2])) from None
            raise QueryError(str(e)) from None
        except (OSError, RuntimeError, ValueError) as e:
            raise QueryError(str(e)) from None
        if form == "ASK":
            return bool(result)
        term = self._term
        if form in ("CONSTRUCT", "DESCRIBE"):
            triples = Triples()
            budget = _Budget(max_bytes)
            for t in _bounded(result, limit, deadline):
                triple = Triple(term(t.subject), term(t.predicate), term(t.object))
                if budget.exceeded((triple.subject, triple.predicate, triple.object)):
                    triples.truncated_by = "bytes"
                    break
                triples.append(triple)
            if limit is not None and len(triples) > limit:
                del triples[limit:]
                triples.truncated_by = "rows"
            return triples
        # a query's variables are fixed by its text (the same object, from the prepared memo)
        variables = self._variables.get(query)
        if variables is None:
            variables = self._variables.put(query, tuple(v.value for v in result.variables), len(query))
        variables = list(variables)
        if limit is None and deadline is None and max_bytes is None:
            return ResultSet(variables, _converted(result, term))
        rows, budget, cut = [], _Budget(max_bytes), None
        for sol in _bounded(result, limit, deadline):
            row = tuple(map(term, sol))
            if budget.exceeded(row):
                cut = "bytes"
                break
            rows.append(row)
        if limit is not None and len(rows) > limit:
            del rows[limit:]
            cut = "rows"
        return ResultSet(variables, rows, cut is not None, cut)


SHARED_GRAPH = "https://w3id.org/policykg/id/graph/shared"


class NoticeView(Store):
    """One notice of an embedded store with the shared graphs: its default graph is the union
    of the notice's named graph and the shared one, so a saved query answers for it alone."""

    def __init__(self, base: EmbeddedStore, graph: str):
        self.base, self.graph = base, graph
        self.answers = base.answers
        self.texts = base.texts
        self.prefixes = base.prefixes
        self._default = [base._ox.NamedNode(graph), base._ox.NamedNode(SHARED_GRAPH)]

    def _run(self, form, query, limit, deadline, max_bytes=None):
        return self.base._run(form, query, limit, deadline, max_bytes, default_graph=self._default)


def _converted(solutions, term, direct: int = 32) -> list[tuple]:
    """Rows of Terms. The first rows are converted term by term; past them
    each distinct term is converted once, because in a long result the same
    IRI or article text recurs, and hashing a term costs less than
    converting it again. (For a handful of rows the hashing is the dearer.)"""
    rows = []
    for sol in solutions:
        rows.append(tuple(map(term, sol)))
        if len(rows) == direct:
            break
    else:
        return rows
    seen: dict = {}

    def convert(t):
        hit = seen.get(t)
        if hit is None and t is not None:
            hit = seen[t] = term(t)
        return hit
    rows += [tuple(map(convert, sol)) for sol in solutions]
    return rows


class Triples(list):
    """The triples of a CONSTRUCT or DESCRIBE; `truncated_by` says which bound cut them short."""
    truncated_by: str | None = None


class _Budget:
    """Counts the UTF-8 bytes of the values in an answer against a cap (None: no cap)."""

    def __init__(self, cap: int | None):
        self.cap, self.used = cap, 0

    def exceeded(self, terms) -> bool:
        if self.cap is None:
            return False
        for t in terms:
            if t is not None:
                v = t.value
                self.used += len(v) if v.isascii() else len(v.encode("utf-8"))
        return self.used > self.cap


def _bounded(iterator, limit: int | None, deadline: float | None):
    """Items of a lazy result, one past the limit (to tell truncation), within a deadline.

    pyoxigraph evaluates lazily, so the clock is checked between solutions; a
    single step that runs long (a large aggregate) is only caught after it.
    """
    for n, item in enumerate(iterator):
        if deadline is not None and n % 64 == 0 and time.monotonic() > deadline:
            raise QueryTimeout("the query ran past its time limit")
        yield item
        if limit is not None and n >= limit:
            return
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout("the query ran past its time limit")


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, through SPARQLWrapper.

    Its default graph must hold the merge of the notices' graphs, as the embedded store's
    does (see policykg.remote for how each server is set up so). Where the server's own
    default graph counts a triple once per graph holding it (a bag: the Oxigraph server
    0.5, Virtuoso 7.2), `policykg publish` sends the merge as a graph of its own and names
    it in the publication graph; each request then names it as the default graph (the
    protocol's `default-graph-uri`, which every server we test honours). A view of one
    notice names the notice's graph and the shared one (which share no triple: see
    `EmbeddedStore._drop_restatements`).

    `default_graphs`: the dataset of every request; None, as the publication graph says."""

    def __init__(self, endpoint: str, timeout: int = 30, default_graphs: tuple[str, ...] | None = None,
                 dialect=None):
        if not re.match(r"^https?://", endpoint):
            raise QueryError(f"--endpoint must be an http(s) URL, not {endpoint!r}")
        from .remote import detect
        self.dialect = dialect or detect(endpoint)
        self.endpoint = endpoint
        self.timeout = timeout
        self._fixed = default_graphs
        self._layout = None
        self._graphs: set[str] | None = None
        self._views: dict[str, RemoteStore] = {}

    def layout(self):
        """What the store's publication graph says (`policykg.remote.Layout`), asked once."""
        if self._layout is None:
            from .remote import Layout, read_layout
            try:
                self._layout = read_layout(RemoteStore(self.endpoint, self.timeout, (), self.dialect))
            except QueryError:
                # asked again next time; the query itself meets whatever is wrong and says so
                return Layout()
        return self._layout

    def dataset(self, query: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The default graphs and the named graphs to name in the request for `query`."""
        from .remote import uses_graph
        if self._fixed is not None:
            # a notice's view (its graph and the shared one); () for the server's own dataset
            return self._fixed, (self._named(query) if self._fixed and uses_graph(query) else ())
        merged = self.layout().default
        if not uses_graph(query):
            return ((merged,) if merged else ()), ()
        # a request naming its default graph has, by the protocol, no named graph unless it names
        # them too; and unnamed, they take in the merge itself and the publication graph, which
        # the embedded store has not (Virtuoso 7.2, which keeps every graph beside a named default
        # one, counted one triple in a graph of 21,927): so our graphs are named, as the
        # embedded store holds them, beside the merge (or the server's own, where it is one)
        default = merged or self.dialect.union_graph
        if default is None:
            return (), ()                 # a store we know no name of the merge for: as written
        return (default,), self._named(query)

    def _named(self, query: str) -> tuple[str, ...]:
        from .remote import graph_iris
        # the graphs a query names by IRI, where it names no other: naming all 10,002 of a
        # 10,000-notice corpus took the Oxigraph server 110 ms more for such a query (2 ms)
        written = graph_iris(query)
        named = self.graphs() if written is None else self.graphs() & written
        if self.dialect.names_written_iris:
            from .remote import written_iris
            named = named | written_iris(query)
        return tuple(sorted(named))

    @property
    def default_graphs(self) -> tuple[str, ...] | None:
        return self._fixed

    @property
    def name(self) -> str:
        return self.endpoint

    def graphs(self) -> set[str]:
        """Our named graphs the endpoint holds (under the graph base: the shared graph, the
        notices', the correspondences), asked once per store object: with `GRAPH ?g {}` where
        the server lists its graphs without reading their triples."""
        if self._graphs is None:
            from .corpus import GRAPH_BASE
            pattern = "{ }" if self.dialect.lists_graphs else "{ ?s ?p ?o }"
            rows = RemoteStore(self.endpoint, self.timeout, (), self.dialect).select(
                f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {pattern} FILTER (STRSTARTS(STR(?g), \"{GRAPH_BASE}\")) }}").rows
            self._graphs = {g.value for (g,) in rows}
        return self._graphs

    def notices(self) -> set[str]:
        """The notices' named graphs the endpoint holds (asked once per store object)."""
        from .chains import GRAPH as CORRESPONDENCES
        return self.graphs() - {SHARED_GRAPH, CORRESPONDENCES}

    def view(self, graph: str) -> "RemoteStore":
        """The endpoint as if it held one notice (and the shared graph) only."""
        if graph not in self.notices():
            raise QueryError(f"no notice graph {graph} at {self.endpoint}")
        if graph not in self._views:
            self._views[graph] = RemoteStore(self.endpoint, self.timeout, (graph, SHARED_GRAPH), self.dialect)
        return self._views[graph]

    def _run(self, form: str, query: str, limit: int | None, deadline: float | None,
             max_bytes: int | None = None):
        from SPARQLWrapper import JSON, POST, SPARQLWrapper, N3
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
        from .results import ResultsError, ask_from_json, from_json
        sw = SPARQLWrapper(self.endpoint)
        sw.setMethod(POST)
        timeout = self.timeout
        if deadline is not None:
            timeout = max(1, min(timeout, int(deadline - time.monotonic() + 0.999)))
        sw.setTimeout(timeout)
        if form == "SELECT" and limit is not None:
            from .remote import limited
            query = limited(query, limit)
        query, standard = self.dialect.rewrite(query)
        sw.setQuery(query)
        defaults, named = self.dataset(query)
        for graph in defaults:
            sw.addParameter("default-graph-uri", graph)
        for graph in named:
            sw.addParameter("named-graph-uri", graph)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        sw.setReturnFormat(N3 if graph else JSON)
        try:
            response = sw.query()
            # the answer is parsed whole, so its size is bounded before it is read: values
            # are a fraction of their JSON or Turtle (quotes, types, keys per cell)
            cap = None if max_bytes is None else 8 * max_bytes + 1_048_576
            body = response.response.read(cap) if cap else response.response.read()
            if cap and len(body) >= cap and response.response.read(1):
                raise QueryRefused(f"{self.endpoint}: the answer is larger than {cap} bytes; "
                                   "narrow the query or add a LIMIT", 413)
        except SPARQLWrapperException as e:
            raise QueryError(f"{self.endpoint}: {e}") from None
        except TimeoutError:
            raise QueryTimeout(f"{self.endpoint}: no answer within {timeout} s") from None
        except OSError as e:                  # refused, unreachable, timed out, an HTTP error status
            if isinstance(getattr(e, "reason", None), TimeoutError):
                raise QueryTimeout(f"{self.endpoint}: no answer within {timeout} s") from None
            raise QueryError(f"{self.endpoint}: cannot reach the endpoint: {e}") from None
        ctype = response.response.headers.get("Content-Type") or "no content type"
        try:
            if graph:
                from rdflib import Graph
                # Turtle, N-Triples or RDF/XML only: a JSON-LD answer could name a context to fetch
                fmt = "xml" if "rdf+xml" in ctype else "nt" if "n-triples" in ctype else "turtle"
                g = Graph().parse(data=body, format=fmt)
                result = Triples(Triple(*(_rdflib_term(x) for x in t)) for t in g)
            elif form == "ASK":
                return ask_from_json(body)
            else:
                result = from_json(body)
        except ResultsError as e:
            raise QueryError(f"{self.endpoint}: the answer ({ctype}) is not SPARQL JSON results: {e}") from None
        except Exception as e:                # rdflib's parsers raise several unrelated types
            raise QueryError(f"{self.endpoint}: the answer ({ctype}) is not an RDF graph: "
                             f"{_short(str(e)) or type(e).__name__}") from None
        return _bounded_answer(standard(result), limit, max_bytes)


def _bounded_answer(result, limit: int | None, max_bytes: int | None):
    """A remote answer cut to the same bounds as an embedded one (rows, then bytes)."""
    if isinstance(result, Triples):
        rows = [(t.subject, t.predicate, t.object) for t in result]
    else:
        rows = result.rows
    cut, budget, kept = None, _Budget(max_bytes), len(rows)
    for n, row in enumerate(rows):
        if limit is not None and n >= limit:
            kept, cut = n, "rows"
            break
        if budget.exceeded(row):
            kept, cut = n, "bytes"
            break
    if cut is None:
        return result
    if isinstance(result, Triples):
        out = Triples(result[:kept])
        out.truncated_by = cut
        return out
    return ResultSet(result.variables, rows[:kept], True, cut)


def _short(message: str, limit: int = 160) -> str:
    """The parser's message on one line; its lists of expected tokens run long."""
    first = message.strip().split("\n", 1)[0]
    return first if len(first) <= limit else first[:limit] + "…"


def _rdflib_term(t) -> Term:
    from rdflib import BNode, Literal, URIRef
    if isinstance(t, URIRef):
        return Term("uri", str(t))
    if isinstance(t, BNode):
        return Term("bnode", str(t))
    if isinstance(t, Literal):
        dt = str(t.datatype) if t.datatype else None
        return Term("literal", str(t), None if t.language or dt and dt.endswith("#string") else dt, t.language)
    raise TypeError(t)


def default_files(corpus=None) -> list[Path]:
    """What the embedded store serves: ontology, vocabularies, registries, data, linksets, and the
    graphs of the notices ingested into `corpus` (a `policykg.corpus.Corpus`), if given."""
    out = resources.default_output()
    files = resources.ontology_files() + resources.registry_files() + [
        out, out.with_name("laws.ttl"), out.with_name("legal-basis.ttl")] + resources.link_files()
    if corpus is not None:
        files += corpus.registry_files() + [path for _, path in corpus.graph_files()]
    return files


def corpus_files(corpus) -> tuple[list[Path], dict[Path, str]]:
    """`default_files(corpus)` and `corpus.named_graphs()`, from one listing of the corpus."""
    pairs = corpus.graph_files()
    return default_files() + corpus.registry_files() + [path for _, path in pairs], corpus.named_graphs(pairs)


def open_store(endpoint: str | None = None, files: Iterable[Path] | None = None, corpus=None) -> Store:
    """The embedded store over the shipped files (and a corpus, on disk), or a remote endpoint."""
    if endpoint:
        return RemoteStore(endpoint)
    if corpus is None:
        return EmbeddedStore(files)
    listed, graphs = corpus_files(corpus)
    files = list(files) if files is not None else listed
    return EmbeddedStore(files, graphs, path=corpus.store_path(files, graphs))
