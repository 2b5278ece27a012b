"""The store: binding as terms, read-only, errors with positions, and the remote backend."""
import subprocess
import sys

import pytest

from policykg.queries import load_queries, run_saved_query
from policykg.results import Term, TermError
from policykg import store as store_module
from policykg.iris import BASE
from policykg.store import QueryError, RemoteStore, bind, open_store, query_form, where_brace

from .oxigraph_server import oxigraph_endpoint


@pytest.fixture(scope="module")
def store():
    return open_store()


def test_bind_places_values_at_the_head_of_the_where_group():
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert bind(q, {"s": Term.iri("http://x/y")}) == \
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<http://x/y>) }  ?s ?p ?o }"
    q = 'SELECT * { ?s <http://p/{> "}" } # { not this'
    assert where_brace(q) == q.index("{")


@pytest.mark.parametrize("query, group", [
    ("ASK { ?s ?p ?o }", "{ ?s ?p ?o }"),
    ("DESCRIBE ?s { ?s ?p ?o }", "{ ?s ?p ?o }"),
    ("SELECT ?s WHERE { { SELECT ?s { ?s ?p ?o } } }", "{ { SELECT"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "{ ?s ?p ?o }"),
    # the keyword WHERE is optional after a CONSTRUCT template
    ("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o . FILTER (?o = 1) }", "{ ?s ?p ?o . FILTER"),
    ("prefix where: <x:> CONSTRUCT { ?s where:p ?o } WHERE { ?s ?p ?o }", "{ ?s ?p ?o }"),
])
def test_where_brace_finds_the_where_group_of_every_form(query, group):
    at = where_brace(query)
    assert at == query.index(group)


def test_regression_an_exists_in_the_select_list_is_not_the_where_group(store):
    """`SELECT (EXISTS { … } AS ?x) WHERE { … }`: the parameters were bound inside the EXISTS."""
    q = "SELECT ?m (EXISTS { ?m pkg:cites ?d } AS ?cites) WHERE { ?m a pkg:Measure ; pkg:number ?n }"
    assert where_brace(q) == q.index("{ ?m a pkg:Measure")
    rows = store.select(q, {"n": Term("literal", "30", "http://www.w3.org/2001/XMLSchema#integer")}).rows
    assert len(rows) == 1 and rows[0][1].value == "true"


def test_the_word_where_opens_the_group_and_a_text_without_a_form_has_none():
    assert where_brace("WHERE { ?s ?p ?o }") == 6
    with pytest.raises(QueryError, match="no WHERE group"):
        where_brace("{ } { ?s ?p ?o }")


def test_the_where_group_and_form_of_a_text_are_found_once(monkeypatch):
    q = "SELECT ?s WHERE { ?s ?p ?o } # found once"
    assert where_brace(q) == 16 and query_form(q) == "SELECT"

    def again(query):
        raise AssertionError("looked for again")
    monkeypatch.setattr(store_module, "_where_brace", again)
    monkeypatch.setattr(store_module, "_query_form", again)
    assert where_brace(q) == 16 and query_form(q) == "SELECT"


def test_regression_a_construct_without_the_word_where_can_be_bound(store):
    q = "CONSTRUCT { ?m pkg:number ?n } { ?m a pkg:Measure ; pkg:number ?n }"
    triples = store.run(q, {"n": Term.literal("9", "http://www.w3.org/2001/XMLSchema#integer")})
    assert [t.subject.value for t in triples] == [BASE + "doc/zczmbf-2021-9/measure/9"]


@pytest.mark.parametrize("query", ["SELECT ?x", "CONSTRUCT { ?s ?p ?o }", "DESCRIBE <x:y>"])
def test_a_query_without_a_where_group_cannot_be_bound(query):
    with pytest.raises(QueryError) as e:
        bind(query, {"x": Term.literal("1")})
    assert e.value.message == "the query has no WHERE group to bind parameters in"


def test_bound_text_is_escaped_never_pasted():
    q = bind("SELECT ?x WHERE { ?x ?p ?o }", {"o": Term.literal('a" } ; DROP ALL # \\ \n')})
    assert '"a\\" } ; DROP ALL # \\\\ \\n"' in q


def test_a_bad_iri_or_language_tag_is_refused():
    with pytest.raises(TermError):
        Term.iri("http://x/> . <y")
    with pytest.raises(TermError):
        Term.literal("x", lang="zh } #")


def test_read_only(store):
    for update in ("INSERT DATA { <a:b> <a:c> <a:d> }", "PREFIX x: <a:> DELETE WHERE { ?s ?p ?o }",
                   "LOAD <http://example.org/>", "DROP ALL"):
        with pytest.raises(QueryError, match="read-only"):
            store.run(update)


def test_syntax_error_has_line_and_column_of_the_query_as_written(store):
    with pytest.raises(QueryError) as e:
        store.run("SELECT ?x WHERE {\n  ?x ?y\n}")
    # the prologue of declared prefixes is not counted: line 3 is the user's line 3
    assert e.value.line == 3 and e.value.column >= 1
    assert str(e.value).startswith(f"line 3, column {e.value.column}: ")


def test_query_forms(store):
    assert query_form("PREFIX a: <x:> # SELECT in a comment\nASK {}") == "ASK"
    assert store.run("ASK { ?m pkg:number 35 }") is True
    triples = store.run("CONSTRUCT { ?m pkg:number ?n } WHERE { ?m a pkg:Measure ; pkg:number ?n }")
    assert len(triples) == 35


def test_prepared_text_is_remembered_per_query_and_bindings(store):
    q = "SELECT ?n WHERE { ?m pkg:number ?n }"
    nine, ten = ({"m": Term.iri(f"{BASE}doc/zczmbf-2021-9/measure/{n}")} for n in (9, 10))
    first = store.prepared(q, nine)
    assert store.prepared(q, dict(nine)) is first           # equal bindings: the same text
    assert store.prepared(q, ten) != first and "measure/10>" in store.prepared(q, ten)
    assert store.run(q, nine).values("n") == ["9"] and store.run(q, ten).values("n") == ["10"]
    # the memo is bounded: a server asked for endless distinct values does not grow without end
    store._prepared.budget = 4 * len(store.prepared(q, nine)) + 4 * len(q)
    for n in range(1, 36):
        assert store.run(q, {"m": Term.iri(f"{BASE}doc/zczmbf-2021-9/measure/{n}")}).values("n") == [str(n)]
        assert len(store._prepared) <= 4


def test_memos_keyed_by_query_text_are_bounded_in_characters_not_entries(store):
    """Regression: 512 distinct 20,000-character texts filled each memo with about 20 MB."""
    from policykg.store import MEMO_CHARS, _BRACES_SEEN, _FORMS_SEEN, query_form, where_brace
    long = "SELECT ?n WHERE { ?m pkg:number ?n } # " + "x" * 19_000
    for i in range(300):
        text = f"{long}{i}"
        assert query_form(text) == "SELECT" and where_brace(text) == 16
        store.run(text, {"m": Term.iri(f"{BASE}doc/zczmbf-2021-9/measure/1")})
    for memo in (_FORMS_SEEN, _BRACES_SEEN, store._prepared, store._variables):
        assert memo.used <= MEMO_CHARS and sum(len(k[0] if isinstance(k, tuple) else k) for k in memo) <= MEMO_CHARS
        assert len(memo) < 300


def test_long_results_convert_each_term_like_short_ones(store):
    # past the first rows terms are converted once each (a memo by term): the rows,
    # unbound cells included, must be exactly those of converting term by term
    q = ("SELECT ?m ?n ?text ?none WHERE { ?m a pkg:Measure ; pkg:number ?n ; pkg:text ?text "
         "OPTIONAL { ?m pkg:noSuchProperty ?none } } ORDER BY ?n")
    rows = store.select(q).rows
    assert len(rows) == 35 > 32
    raw = store.store.query(store.prepared(q))
    assert rows == [tuple(store._term(t) for t in sol) for sol in raw]
    assert all(r[3] is None for r in rows)
    assert rows[34][1] == Term.literal("35", "http://www.w3.org/2001/XMLSchema#integer")


def test_cli_sparql_reports_line_and_column():
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "sparql", "SELECT ?x WHERE {\n ?x ?y }"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "line 2, column 9" in r.stderr


def test_remote_endpoint_must_be_http():
    with pytest.raises(QueryError, match="http"):
        RemoteStore("file:///etc/passwd")


def normalise(rs):
    """Rows in a fixed order; GROUP_CONCAT lists compared as sets (SPARQL leaves their order open)."""
    def cell(t):
        if t is not None and t.kind == "literal" and any(s in t.value for s in (" … ", "、", ", ")):
            sep = next(s for s in (" … ", "、", ", ") if s in t.value)      # legal-basis quotes join with …
            return (tuple(sorted(t.value.split(sep))), t.lang, t.datatype)
        return t
    return sorted((tuple(cell(t) for t in row) for row in rs.rows), key=repr)


def test_every_saved_query_gives_the_same_rows_on_a_remote_endpoint(store, tmp_path):
    """All saved queries against a real SPARQL server started here, through SPARQLWrapper."""
    with oxigraph_endpoint(tmp_path) as url:
        remote = open_store(url)
        for name, q in load_queries().items():
            params = {p.name: p.example for p in q.parameters if p.example}
            local_rows = run_saved_query(store, q, params)
            remote_rows = run_saved_query(remote, q, params)
            assert remote_rows.variables == local_rows.variables, name
            assert normalise(remote_rows) == normalise(local_rows), name
        # CONSTRUCT and ASK come back as the same triples and answer (IRIs, typed and tagged literals)
        graph = "CONSTRUCT { ?m pkg:number ?n ; pkg:title ?t } WHERE { ?m a pkg:Measure ; pkg:number ?n ; pkg:title ?t }"
        local, there = store.run(graph), remote.run(graph)
        spo = lambda triples: {(t.subject, t.predicate, t.object) for t in triples}  # noqa: E731
        assert len(there) == len(local) == 70 and spo(there) == spo(local)
        describe = "DESCRIBE ?m WHERE { ?m a pkg:Measure ; pkg:number 35 }"
        assert spo(remote.run(describe)) == spo(store.run(describe)) != set()
        assert remote.run("ASK { ?m pkg:number 35 }") is True and remote.run("ASK { ?m pkg:number -1 }") is False
        # the CLI, through --endpoint
        r = subprocess.run([sys.executable, "-m", "policykg.cli", "query", "measures-by-department",
                            "-p", "department=市统计局", "--format", "csv", "--endpoint", url],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines()[1].startswith("4,强化中小企业统计监测制度,")


def test_regression_the_embedded_store_refuses_service_without_a_connection():
    """pyoxigraph sent a SERVICE pattern to the URL it names (and the CLI died with a traceback)."""
    from tests.loopback import listener
    with listener() as server:
        r = subprocess.run([sys.executable, "-m", "policykg.cli", "sparql",
                            f"SELECT * WHERE {{\n  SERVICE <{server.url}/sparql> {{ ?s ?p ?o }} }}"],
                           capture_output=True, text=True)
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert "line 2, column 3: SERVICE: federated queries are refused" in r.stderr
        # the embedded store itself refuses the word too, for any caller of the library
        from policykg.store import EmbeddedStore, QueryRefused
        with pytest.raises(QueryRefused, match="SERVICE is refused: the embedded store never fetches"):
            EmbeddedStore().run(f"SELECT * WHERE {{ SERVICE <{server.url}/sparql> {{ ?s ?p ?o }} }}")
        assert server.connections() == []


CONSTRUCT = "CONSTRUCT { ?m pkg:number ?n } WHERE { ?m a pkg:Measure ; pkg:number ?n }"
SELECT = "SELECT ?m WHERE { ?m a pkg:Measure }"


@pytest.mark.parametrize("query", [CONSTRUCT, "DESCRIBE ?m WHERE { ?m a pkg:Measure }", SELECT])
def test_regression_the_row_limit_caps_every_form_and_says_so(store, query):
    whole, cut = store.run(query), store.run(query, limit=3)
    whole_rows = whole if isinstance(whole, list) else whole.rows
    got = cut if isinstance(cut, list) else cut.rows
    assert len(whole_rows) > 3 and whole.truncated_by is None
    assert len(got) == 3 and cut.truncated_by == "rows"
    assert all(row in whole_rows for row in got)


@pytest.mark.parametrize("query", [CONSTRUCT, SELECT])
def test_an_answer_exactly_at_the_row_limit_is_whole(store, query):
    result = store.run(query, limit=35)
    assert len(result if isinstance(result, list) else result.rows) == 35 and result.truncated_by is None
    result = store.run(query, limit=34)
    assert result.truncated_by == "rows"


def test_the_byte_cap_cuts_a_construct_and_says_so(store):
    whole = store.run(CONSTRUCT, max_bytes=10**6)
    assert len(whole) == 35 and whole.truncated_by is None
    # each triple carries about 80 bytes of IRIs and number: 200 bytes hold two
    cut = store.run(CONSTRUCT, max_bytes=200)
    assert cut.truncated_by == "bytes" and 1 <= len(cut) < 35


def test_a_parser_message_is_cut_to_its_first_line_and_160_characters():
    assert store_module._short("  expected one of A, B\n  at line 2\n") == "expected one of A, B"
    assert store_module._short("first\nsecond\nthird") == "first"
    assert store_module._short("x" * 160) == "x" * 160
    assert store_module._short("x" * 161) == "x" * 160 + "…"
    assert store_module._short("y" * 200, limit=10) == "y" * 10 + "…"


def test_query_errors_say_where_only_when_they_know():
    from policykg.store import QueryRefused
    assert str(QueryError("no such thing")) == "no such thing"
    assert str(QueryError("bad token", 2, 9)) == "line 2, column 9: bad token"
    refused = QueryRefused("SERVICE is refused", 400, 3, 5)
    assert (refused.message, refused.line, refused.column, refused.status) == ("SERVICE is refused", 3, 5, 400)
    assert str(refused) == "line 3, column 5: SERVICE is refused"
    assert (QueryRefused("an update", 403).line, str(QueryRefused("an update", 403))) == (None, "an update")


class _Clock:
    """time.monotonic for _bounded: one second later at every reading."""
    def __init__(self):
        self.now = 0

    def monotonic(self):
        self.now += 1
        return self.now


def _consumed(limit, deadline, items=1000, monkeypatch=None):
    taken = []

    def source():
        for i in range(items):
            taken.append(i)
            yield i
    monkeypatch.setattr(store_module, "time", _Clock())
    try:
        out = list(store_module._bounded(source(), limit, deadline))
    except store_module.QueryTimeout as e:
        assert str(e) == "the query ran past its time limit"
        return len(taken), None
    return len(taken), out


def test_bounded_reads_the_clock_every_64_items_and_stops_there(monkeypatch):
    # readings 1 (item 0), 2 (item 64), 3 (item 128) > deadline 2: stops after 129 items, not all 1000
    assert _consumed(None, 2, monkeypatch=monkeypatch) == (129, None)
    # a short answer: read at item 0 and once at the end, exactly at the deadline, is not late
    assert _consumed(None, 2, items=10, monkeypatch=monkeypatch) == (10, list(range(10)))
    # … and a second later it is: all ten read, then the clock says no
    assert _consumed(None, 1, items=10, monkeypatch=monkeypatch) == (10, None)


def test_bounded_reads_one_item_past_the_limit_and_no_more(monkeypatch):
    assert _consumed(3, None, monkeypatch=monkeypatch) == (4, [0, 1, 2, 3])


def test_the_byte_budget_counts_utf8_bytes_from_zero():
    from policykg.store import _Budget
    ascii_, chinese = _Budget(3), _Budget(3)
    assert ascii_.exceeded([Term.literal("abc"), None]) is False and ascii_.exceeded([Term.literal("d")]) is True
    assert chinese.exceeded([Term.literal("中")]) is False and chinese.used == 3
    assert chinese.exceeded([Term.literal("a")]) is True
    assert _Budget(None).exceeded([Term.literal("x" * 10**6)]) is False


def test_a_text_with_no_query_form_is_refused(store):
    with pytest.raises(QueryError) as e:
        store.run("PREFIX x: <y:> # SELECT in a comment")
    assert e.value.message == "not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE"


# --- the remote backend's request, answers and errors, against servers on 127.0.0.1 ----------

ROWS_JSON = ('{"head": {"vars": ["m", "n"]}, "results": {"bindings": ['
             '{"m": {"type": "uri", "value": "http://x/1"}, "n": {"type": "literal", "value": "一"}},'
             '{"m": {"type": "uri", "value": "http://x/2"}, "n": {"type": "literal", "value": "二"}},'
             '{"m": {"type": "uri", "value": "http://x/3"}, "n": {"type": "literal", "value": "三"}}]}}')
TURTLE = ('<http://x/1> <http://x/p> "一"@zh .\n<http://x/1> <http://x/q> 35 .\n'
          '<http://x/2> <http://x/p> "plain" .\n')
THREE = {(Term("uri", "http://x/1"), Term("uri", "http://x/p"), Term("literal", "一", None, "zh")),
         (Term("uri", "http://x/1"), Term("uri", "http://x/q"),
          Term("literal", "35", "http://www.w3.org/2001/XMLSchema#integer")),
         (Term("uri", "http://x/2"), Term("uri", "http://x/p"), Term("literal", "plain"))}
NTRIPLES = TURTLE.replace(" 35 .", ' "35"^^<http://www.w3.org/2001/XMLSchema#integer> .')
RDF_XML = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns:x="http://x/"><rdf:Description rdf:about="http://x/1"><x:p xml:lang="zh">一</x:p>'
           '<x:q rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">35</x:q></rdf:Description>'
           '<rdf:Description rdf:about="http://x/2"><x:p>plain</x:p></rdf:Description></rdf:RDF>')


def _spo(triples):
    return {(t.subject, t.predicate, t.object) for t in triples}


def test_a_remote_select_is_posted_with_its_prologue_bindings_and_default_graphs():
    from urllib.parse import parse_qs
    from tests.loopback import http_server
    seen = []
    with http_server(ROWS_JSON, requests=seen) as url:
        remote = RemoteStore(url, default_graphs=("http://g/1", "http://g/2"))
        rs = remote.run("SELECT ?m ?n WHERE { ?m ?p ?n }", {"p": Term.iri("http://x/p")})
    assert rs.variables == ["m", "n"] and rs.truncated_by is None
    assert [row[1].value for row in rs.rows] == ["一", "二", "三"]
    ((method, _, headers, body),) = seen
    form = parse_qs(body.decode())
    assert method == "POST" and "application/sparql-results+json" in headers["Accept"]
    assert form["default-graph-uri"] == ["http://g/1", "http://g/2"]
    (sent,) = form["query"]
    assert sent.startswith("PREFIX ") and sent.endswith(
        "SELECT ?m ?n WHERE { VALUES (?p) { (<http://x/p>) }  ?m ?p ?n }")


def test_a_remote_store_is_http_only_names_its_endpoint_and_guesses_its_dialect():
    from policykg.remote import DIALECTS
    for bad in ("ftp://x/sparql", "HTTP://x/sparql", "x http://y/sparql"):
        with pytest.raises(QueryError) as e:
            RemoteStore(bad)
        assert e.value.message == f"--endpoint must be an http(s) URL, not {bad!r}"
    remote = RemoteStore("https://example.org/sparql")
    assert (remote.name, remote.endpoint, remote.timeout, remote.default_graphs) == \
        ("https://example.org/sparql", "https://example.org/sparql", 30, None)    # as its publication says
    assert remote.dialect is DIALECTS["virtuoso"] and RemoteStore("http://h/query").dialect is DIALECTS["oxigraph"]
    assert RemoteStore("http://h/query", dialect=DIALECTS["generic"]).dialect is DIALECTS["generic"]


@pytest.mark.parametrize("ctype, body", [("text/turtle", TURTLE), ("application/n-triples", NTRIPLES),
                                         ("application/rdf+xml", RDF_XML)])
def test_a_remote_construct_is_read_in_the_format_the_server_names(ctype, body):
    from tests.loopback import http_server
    seen = []
    with http_server(body, ctype, requests=seen) as url:
        for form in ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "DESCRIBE <http://x/1>"):
            got = RemoteStore(url, default_graphs=()).run(form)
            assert _spo(got) == THREE and got.truncated_by is None
    # asked for a graph, not for result rows
    assert all("turtle" in headers["Accept"] and "sparql-results" not in headers["Accept"]
               for _, _, headers, _ in seen)


def test_the_remote_answer_to_ask_is_the_servers_boolean():
    from tests.loopback import http_server
    for answer in (True, False):
        with http_server('{"head": {}, "boolean": %s}' % str(answer).lower()) as url:
            assert RemoteStore(url, default_graphs=()).run("ASK { ?s ?p ?o }") is answer


def test_a_remote_answer_is_cut_to_the_row_limit_and_byte_cap_like_an_embedded_one():
    from tests.loopback import http_server
    with http_server(ROWS_JSON) as url:
        remote = RemoteStore(url, default_graphs=())
        cut = remote.run("SELECT * WHERE { ?m ?p ?n }", limit=2)
        assert [r[0].value for r in cut.rows] == ["http://x/1", "http://x/2"] and cut.truncated_by == "rows"
        # 10 and 3 bytes a row: two rows fit in 26 bytes, the third does not
        cut = remote.run("SELECT * WHERE { ?m ?p ?n }", max_bytes=26)
        assert len(cut.rows) == 2 and cut.truncated_by == "bytes"
        whole = remote.run("SELECT * WHERE { ?m ?p ?n }", limit=3, max_bytes=39)
        assert len(whole.rows) == 3 and whole.truncated_by is None
    with http_server(TURTLE, "text/turtle") as url:
        cut = RemoteStore(url, default_graphs=()).run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", limit=1)
        assert len(cut) == 1 and cut.truncated_by == "rows" and _spo(cut) < THREE


def test_a_remote_answer_past_the_byte_cap_is_refused_before_it_is_parsed():
    from tests.loopback import http_server
    # the cap on the bytes read is 8 × max_bytes + 1 MiB: the bytes of JSON a value's bytes can take
    with http_server(" " * 1_048_577 + ROWS_JSON) as url:
        with pytest.raises(store_module.QueryRefused) as e:
            RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }", max_bytes=0)
        assert e.value.status == 413
        assert e.value.message == (f"{url}: the answer is larger than 1048576 bytes; narrow the query or add a LIMIT")
        # without a cap the same answer is read whole
        assert len(RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }").rows) == 3
    # max_bytes 100: a cap of 1,049,376 bytes; an answer of exactly that many is read, one more is refused
    cap = 8 * 100 + 1_048_576
    size = len(ROWS_JSON.encode("utf-8"))
    with http_server(" " * (cap - size) + ROWS_JSON) as url:
        assert len(RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }", max_bytes=100).rows) == 3
    with http_server(" " * (cap + 1 - size) + ROWS_JSON) as url:
        with pytest.raises(store_module.QueryRefused, match=f"larger than {cap} bytes"):
            RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }", max_bytes=100)


def test_a_remote_answer_past_the_byte_cap_is_not_read_to_its_end():
    import time
    from tests.loopback import http_server
    delivered = []
    # 64 MB past a cap of 1 MiB: the client stops reading (the server's socket then fails)
    with http_server(" " * (1_048_577 + 64_000_000) + ROWS_JSON, delivered=delivered) as url:
        with pytest.raises(store_module.QueryRefused):
            RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }", max_bytes=0)
        deadline = time.monotonic() + 10
        while not delivered and time.monotonic() < deadline:
            time.sleep(0.01)
    assert delivered == [False]


def test_the_remote_timeout_is_the_stores_or_what_is_left_of_the_querys(monkeypatch):
    from SPARQLWrapper import SPARQLWrapper
    from tests.loopback import http_server
    given = []
    real = SPARQLWrapper.setTimeout
    monkeypatch.setattr(SPARQLWrapper, "setTimeout", lambda self, t: (given.append(t), real(self, t))[1])
    with http_server(ROWS_JSON) as url:
        RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }")
        RemoteStore(url, default_graphs=(), timeout=7).run("SELECT * WHERE { ?m ?p ?n }", timeout=60)
        RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }", timeout=2.5)      # whole seconds, rounded up
        RemoteStore(url, default_graphs=()).run("SELECT * WHERE { ?m ?p ?n }", timeout=0.01)     # never below one second
    assert given == [30, 7, 3, 1]


@pytest.mark.parametrize("server", ["silent_server", "full_server"])
def test_a_silent_remote_endpoint_times_out_with_the_time_it_was_given(server):
    """Silent: connected, no answer (a read timeout); full: the connection never completes (urllib's
    URLError around a timeout)."""
    from tests import loopback
    with getattr(loopback, server)() as url:
        with pytest.raises(store_module.QueryTimeout) as e:
            RemoteStore(url, default_graphs=(), timeout=1).run("SELECT * WHERE { ?s ?p ?o }")
        assert str(e.value) == f"{url}: no answer within 1 s"


def test_remote_errors_name_the_endpoint_and_what_came_back():
    from tests.loopback import free_port, http_server
    q = "SELECT * WHERE { ?s ?p ?o }"
    gone = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(QueryError) as e:
        RemoteStore(gone).run(q)
    assert e.value.message.startswith(f"{gone}: cannot reach the endpoint: <urlopen error [Errno 111]")
    with http_server("Virtuoso 37000 Error SP030: SPARQL compiler", "text/plain", 400) as url:
        with pytest.raises(QueryError) as e:
            RemoteStore(url, default_graphs=()).run(q)
        assert e.value.message.startswith(f"{url}: QueryBadFormed: ") and "SP030" in e.value.message
    with http_server("<html>not results</html>", "text/html") as url:
        with pytest.raises(QueryError) as e:
            RemoteStore(url, default_graphs=()).run(q)
        assert e.value.message.startswith(f"{url}: the answer (text/html) is not SPARQL JSON results: ")
    with http_server('{"head": {"vars": ["s"]}}', None) as url:
        with pytest.raises(QueryError) as e:
            RemoteStore(url, default_graphs=()).run(q)
        assert e.value.message == f"{url}: the answer (no content type) is not SPARQL JSON results: no results.bindings list"
    with http_server("<http://x/1> <http://x/p> .", "text/turtle") as url:
        with pytest.raises(QueryError) as e:
            RemoteStore(url, default_graphs=()).run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        message = e.value.message
        assert message.startswith(f"{url}: the answer (text/turtle) is not an RDF graph: ") and "\n" not in message
        assert "ParserError" not in message and len(message) > len(url) + 60
    # read as what its type says: Turtle labelled N-Triples is not N-Triples (a bare 35)
    with http_server(TURTLE, "application/n-triples") as url:
        with pytest.raises(QueryError) as e:
            RemoteStore(url, default_graphs=()).run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert e.value.message == f"{url}: the answer (application/n-triples) is not an RDF graph: Invalid line: 35 ."


def test_rdflib_terms_become_the_terms_every_backend_gives():
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD
    rt = store_module._rdflib_term
    assert rt(URIRef("http://x/1")) == Term("uri", "http://x/1")
    assert rt(BNode("b0")) == Term("bnode", "b0")
    assert rt(Literal("一", lang="zh")) == Term("literal", "一", None, "zh")
    assert rt(Literal("plain")) == Term("literal", "plain", None, None)
    assert rt(Literal("s", datatype=XSD.string)) == Term("literal", "s", None, None)
    assert rt(Literal("35", datatype=XSD.integer)) == Term("literal", "35", str(XSD.integer), None)
    with pytest.raises(TypeError, match="^http://x/1$"):
        rt("http://x/1")


def test_a_bounded_answer_is_the_same_object_when_nothing_is_cut():
    from policykg.results import ResultSet
    from policykg.store import Triple, Triples, _bounded_answer
    rows = [(Term.literal("ab"),), (Term.literal("中"),), (Term.literal("c"),)]
    rs = ResultSet(["x"], rows)
    assert _bounded_answer(rs, None, None) is rs and _bounded_answer(rs, 3, 6) is rs
    cut = _bounded_answer(rs, 2, None)
    assert (cut.variables, cut.rows, cut.truncated, cut.truncated_by) == (["x"], rows[:2], True, "rows")
    cut = _bounded_answer(rs, None, 5)              # 2 + 3 bytes fit; one more does not
    assert (cut.rows, cut.truncated_by) == (rows[:2], "bytes")
    assert _bounded_answer(rs, 0, None).rows == [] and _bounded_answer(rs, None, 1).rows == []
    triples = Triples(Triple(Term.iri("http://x/s"), Term.iri("http://x/p"), r[0]) for r in rows)
    assert _bounded_answer(triples, 3, None) is triples
    cut = _bounded_answer(triples, 1, None)
    assert isinstance(cut, Triples) and list(cut) == triples[:1] and cut.truncated_by == "rows"
    cut = _bounded_answer(triples, None, 30)        # 10 + 10 + 2 bytes, then 23 more
    assert list(cut) == triples[:1] and cut.truncated_by == "bytes"


# --- one notice of several: views --------------------------------------------------------

def test_a_corpus_store_holds_the_notices_graphs_and_views_one_of_them(tmp_path):
    from policykg.corpus import GRAPH_BASE, SHIPPED_ID, Corpus
    from policykg.store import NoticeView
    corpus = Corpus(tmp_path)
    (tmp_path / ".registries").mkdir()
    (tmp_path / ".registries" / "mine.ttl").write_text(
        '<http://x/mine> <http://www.w3.org/2000/01/rdf-schema#label> "我的"@zh .\n', encoding="utf-8")
    store = open_store(corpus=corpus)
    notice = GRAPH_BASE + SHIPPED_ID
    assert store.notices() == {notice}
    # the user's registry is served too, in the shared graph a view reads
    label = "SELECT ?l WHERE { <http://x/mine> rdfs:label ?l }"
    assert [r[0].value for r in store.select(label).rows] == ["我的"]
    view = store.view(notice)
    assert isinstance(view, NoticeView) and view.graph == notice and store.view(notice) is view
    assert [r[0].value for r in view.select(label).rows] == ["我的"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?m a pkg:Measure }"
    assert view.select(count).rows == store.select(count).rows == [(Term.literal("35", "http://www.w3.org/2001/XMLSchema#integer"),)]
    assert view.run("ASK { ?m a pkg:Measure }", limit=1) is True
    with pytest.raises(QueryError) as e:
        store.view(GRAPH_BASE + "elsewhere")
    assert e.value.message == f"no notice graph {GRAPH_BASE}elsewhere in this store"
    # files given: those, not the corpus's
    only_shipped = open_store(files=store_module.default_files(), corpus=corpus)
    assert only_shipped.select(label).rows == [] and only_shipped.notices() == {notice}


def test_a_corpus_past_the_on_disk_size_opens_the_store_built_for_it(tmp_path, monkeypatch):
    import pyoxigraph as ox
    from policykg import corpus as corpus_module
    from policykg.corpus import Corpus
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 0)
    store = open_store(corpus=Corpus(tmp_path))
    (built,) = (tmp_path / ".store").iterdir()
    assert (built / "READY").is_file() and len(store) > 1000
    with pytest.raises(RuntimeError, match="read-write"):     # opened read-only, as a build left it
        store.store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/o")))


def test_a_remote_store_asks_once_for_its_notices_and_views_each_with_its_default_graphs(tmp_path):
    import json
    from urllib.parse import parse_qs
    from policykg.chains import GRAPH as CORRESPONDENCES
    from policykg.corpus import GRAPH_BASE, SHIPPED_ID, Corpus
    from policykg.store import SHARED_GRAPH
    from tests.loopback import http_server
    graphs = [GRAPH_BASE + "a", GRAPH_BASE + "b", SHARED_GRAPH, CORRESPONDENCES]
    answer = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [{"g": {"type": "uri", "value": g}}
                                                                            for g in graphs]}})
    seen = []
    with http_server(answer, requests=seen) as url:
        from policykg.remote import DIALECTS
        remote = RemoteStore(url, default_graphs=(), timeout=9, dialect=DIALECTS["generic"])      # not what /sparql suggests
        assert remote.notices() == {GRAPH_BASE + "a", GRAPH_BASE + "b"}
        assert remote.notices() == {GRAPH_BASE + "a", GRAPH_BASE + "b"} and len(seen) == 1
        view = remote.view(GRAPH_BASE + "a")
        assert (view.endpoint, view.timeout, view.default_graphs, view.dialect) == \
            (url, 9, (GRAPH_BASE + "a", SHARED_GRAPH), DIALECTS["generic"])
        assert remote.view(GRAPH_BASE + "a") is view and remote.view(GRAPH_BASE + "b") is not view
        with pytest.raises(QueryError) as e:
            remote.view(SHARED_GRAPH)
        assert e.value.message == f"no notice graph {SHARED_GRAPH} at {url}"
    # what it asks finds the graphs of the corpus (the notices' and the shared one) where the data is
    (sent,) = parse_qs(seen[0][3].decode())["query"]
    corpus = open_store(corpus=Corpus(tmp_path))
    assert sorted(corpus.select(sent).rows) == [(Term.iri(SHARED_GRAPH),), (Term.iri(GRAPH_BASE + SHIPPED_ID),)]


def test_pyoxigraph_terms_become_the_terms_every_backend_gives(store):
    rs = store.select('SELECT ("x" AS ?s) ("中"@zh AS ?l) (1 AS ?n) (<http://x/y> AS ?i) ?u WHERE { }')
    assert rs.rows == [(Term("literal", "x", None, None), Term("literal", "中", None, "zh"),
                        Term("literal", "1", "http://www.w3.org/2001/XMLSchema#integer", None),
                        Term("uri", "http://x/y"), None)]
    (b,) = store.select("SELECT (BNODE() AS ?b) WHERE { }").rows[0]
    assert b.kind == "bnode" and b.value


def test_an_on_disk_store_built_with_only_loads_just_those_files(tmp_path):
    from policykg.store import EmbeddedStore
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text("<http://x/a> <http://x/p> 1 .\n", encoding="utf-8")
    b.write_text("<http://x/b> <http://x/p> 2 .\n", encoding="utf-8")
    built = EmbeddedStore([a, b], path=tmp_path / "store", build=True, only=[b])
    assert [r[0].value for r in built.select("SELECT ?s WHERE { ?s <http://x/p> ?o }").rows] == ["http://x/b"]


def test_an_rdf_star_triple_term_comes_back_as_the_literal_of_its_text(store):
    """None of the four kinds of term: the results formats have no place for it, so it is its text."""
    rs = store.select("SELECT (TRIPLE(<http://x/s>, <http://x/p>, <http://x/o>) AS ?t) WHERE { }")
    assert rs.rows == [(Term("literal", "<http://x/s> <http://x/p> <http://x/o>", None, None),)]


def test_an_rdf_parser_failure_without_a_message_is_named_by_its_type(monkeypatch):
    """rdflib's parsers raise several unrelated types, and one with no message at all (MemoryError,
    as a worker under a memory limit gets from a large graph) must still say what went wrong."""
    import rdflib
    from tests.loopback import http_server
    parsed = []

    def out_of_memory(graph, data=None, format=None, **kwargs):
        parsed.append((data, format))
        raise MemoryError()
    monkeypatch.setattr(rdflib.Graph, "parse", out_of_memory)
    with http_server(RDF_XML, "application/rdf+xml") as url:
        with pytest.raises(QueryError) as e:
            RemoteStore(url, default_graphs=()).run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert e.value.message == f"{url}: the answer (application/rdf+xml) is not an RDF graph: MemoryError"
    assert parsed == [(RDF_XML.encode(), "xml")]


def _graphs_and_subjects(store):
    rows = store.select("SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s").rows
    return [(g.value, s.value) for g, s in rows], \
        [s.value for (s,) in store.select("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s").rows]


def test_an_on_disk_build_puts_each_notice_in_its_graph_and_the_rest_in_the_shared_one(tmp_path):
    """The bulk load of an on-disk store: every triple in the default graph, and in its notice's
    named graph or, for a file of no notice, the shared one; without notices, no named graph."""
    from policykg.store import SHARED_GRAPH, EmbeddedStore
    notice, shared = tmp_path / "notice.ttl", tmp_path / "shared.nt"
    notice.write_text("@prefix x: <http://x/> .\nx:a x:p 1 .\n", encoding="utf-8")
    shared.write_text('<http://x/s> <http://x/p> "2" .\n', encoding="utf-8")
    built = EmbeddedStore([notice, shared], {notice: "http://g/a"}, path=tmp_path / "with", build=True)
    assert _graphs_and_subjects(built) == ([("http://g/a", "http://x/a"), (SHARED_GRAPH, "http://x/s")],
                                           ["http://x/a", "http://x/s"])
    assert [r[0].value for r in built.view("http://g/a").select("SELECT ?s WHERE { ?s ?p ?o }").rows] == \
        ["http://x/a", "http://x/s"]
    plain = EmbeddedStore([notice, shared], path=tmp_path / "without", build=True)
    assert _graphs_and_subjects(plain) == ([], ["http://x/a", "http://x/s"]) and len(plain) == 2


def test_an_on_disk_build_reads_a_file_by_its_whole_extension(tmp_path):
    """`a.xnt` is not N-Triples because `nt` ends its extension: refused, as the in-memory load does."""
    from policykg.store import EmbeddedStore
    odd = tmp_path / "a.xnt"
    odd.write_text("<http://x/a> <http://x/p> <http://x/o> .\n", encoding="utf-8")
    for kwargs in (dict(path=tmp_path / "store", build=True), {}):
        with pytest.raises(QueryError) as e:
            EmbeddedStore([odd], **kwargs)
        # regression: the message named only the extension, not the file
        assert str(e.value) == (f"{odd}: not named as RDF (policykg reads a file by its RDF syntax's "
                                "extension: .ttl, .nt, .nq, .trig, .rdf, .jsonld, …)")


def test_a_text_memo_holds_up_to_its_budget_then_starts_again():
    """Exactly at its budget a memo keeps what it holds; one character past, it empties and holds only
    the new entry, counting from zero."""
    from policykg.store import MEMO_CHARS, TextMemo
    fresh = TextMemo()
    assert (fresh.budget, fresh.used, dict(fresh)) == (MEMO_CHARS, 0, {}) and MEMO_CHARS == 2_000_000
    memo = TextMemo(10)
    assert memo.put("a", "A", 6) == "A" and memo.put("b", "B", 4) == "B"
    assert (dict(memo), memo.used) == ({"a": "A", "b": "B"}, 10)
    assert memo.put("c", "C", 1) == "C"
    assert (dict(memo), memo.used) == ({"c": "C"}, 1)
    assert memo.put("d", "D", 9) == "D" and (dict(memo), memo.used) == ({"c": "C", "d": "D"}, 10)


def test_a_file_that_is_not_rdf_is_named_with_the_line_and_column_in_either_build(tmp_path):
    from policykg.store import EmbeddedStore
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://x/a> <http://x/p> 1 .\n<http://x/a> <http://x/p> .\n", encoding="utf-8")
    for kwargs in (dict(path=tmp_path / "store", build=True), {}):
        with pytest.raises(QueryError) as e:
            EmbeddedStore([bad], **kwargs)
        assert e.value.message == f"{bad}: Parser error at line 2 column 27: . is not a valid RDF object (bad.ttl, line 2)"


@pytest.mark.parametrize("query", ["ASK { ?m pkg:number 35 }", CONSTRUCT])
def test_select_refuses_another_form_by_name(store, query):
    with pytest.raises(QueryError) as e:
        store.select(query)
    assert (e.value.message, e.value.line, e.value.column, str(e.value)) == ("not a SELECT query", None, None, "not a SELECT query")


def test_a_store_of_its_own_gives_every_kind_of_term(tmp_path):
    """The term converter is built with each store: a store built here (not the module's, built once)
    gives a plain and an xsd:string literal alike, untyped, and keeps tags, types, IRIs and blank nodes."""
    from policykg.store import EmbeddedStore
    data = tmp_path / "terms.ttl"
    data.write_text('@prefix x: <http://x/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    'x:a x:p "plain" , "typed"^^xsd:string , "中"@zh , 7 , x:b , [ x:q 1 ] .\n', encoding="utf-8")
    rows = EmbeddedStore([data]).select("SELECT ?o WHERE { <http://x/a> <http://x/p> ?o }").rows
    terms = sorted((t for (t,) in rows), key=lambda t: (t.kind, t.value))
    assert [t for t in terms if t.kind != "bnode"] == [
        Term("literal", "7", "http://www.w3.org/2001/XMLSchema#integer", None), Term("literal", "plain", None, None),
        Term("literal", "typed", None, None), Term("literal", "中", None, "zh"), Term("uri", "http://x/b", None, None)]
    assert [t.kind for t in terms].count("bnode") == 1


def test_a_store_of_its_own_gives_a_triple_term_as_the_literal_of_its_text(tmp_path):
    """As the module's store does (test_an_rdf_star_triple_term_…), with the converter of a store built here."""
    from policykg.store import EmbeddedStore
    data = tmp_path / "one.nt"
    data.write_text("<http://x/s> <http://x/p> <http://x/o> .\n", encoding="utf-8")
    rs = EmbeddedStore([data]).select("SELECT (TRIPLE(?s, ?p, ?o) AS ?t) WHERE { ?s ?p ?o }")
    assert rs.rows == [(Term("literal", "<http://x/s> <http://x/p> <http://x/o>", None, None),)]


def test_an_on_disk_build_reads_each_file_once(tmp_path):
    """A blank node is new at each read of its file: read twice, a notice would hold its triples twice."""
    from policykg.store import EmbeddedStore
    notice = tmp_path / "notice.ttl"
    notice.write_text("@prefix x: <http://x/> .\nx:a x:p [ x:q 1 ] .\n", encoding="utf-8")
    built = EmbeddedStore([notice], {notice: "http://g/a"}, path=tmp_path / "store", build=True)
    assert len(built) == 4                        # two triples, in the default graph and the notice's
    assert built.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == \
        [(Term.literal("2", "http://www.w3.org/2001/XMLSchema#integer"),)]


def test_the_lexer_leaves_comments_out():
    """Every reader of the tokens (forms, WHERE, SERVICE here; the guard; the remote dialects) relies on
    a comment's words, braces and keywords never reaching it."""
    from policykg.store import _tokens
    assert list(_tokens("SELECT # SERVICE { in a comment\n?x WHERE { }")) == [
        ("word", "SELECT", 0), ("var", "?x", 32), ("word", "WHERE", 35), ("brace", "{", 41), ("brace", "}", 43)]


def test_the_default_prologue_declares_every_shared_prefix_in_order():
    from policykg.iris import PREFIXES
    from policykg.store import prologue
    expected = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted((p, str(ns)) for p, ns in PREFIXES.items()))
    assert prologue() == expected and prologue(None) == expected
    assert "PREFIX pkg: <https://w3id.org/policykg/ontology#>\n" in expected and expected.count("\n") == len(PREFIXES)
    assert prologue({"b": "http://b/", "a": "http://a/"}) == "PREFIX a: <http://a/>\nPREFIX b: <http://b/>\n"


def test_whether_a_text_names_service_is_found_once(monkeypatch):
    from policykg.store import _names_service
    q, service = "SELECT * WHERE { ?s ?p ?o } # no service found once", "SELECT * WHERE { SERVICE <x:y> { } }"
    assert _names_service(q) is False and _names_service(service) is True

    def again(query):
        raise AssertionError("tokenized again")
    monkeypatch.setattr(store_module, "_tokens", again)
    assert _names_service(q) is False and _names_service(service) is True


def test_a_stores_prologue_is_built_once(monkeypatch):
    from policykg.remote import DIALECTS
    from policykg.store import prologue
    remote = RemoteStore("http://127.0.0.1:9/sparql", dialect=DIALECTS["generic"])
    expected = prologue(remote.prefixes)
    assert remote.with_prologue("ASK {}") == expected + "ASK {}"

    def again(prefixes=None):
        raise AssertionError("built again")
    monkeypatch.setattr(store_module, "prologue", again)
    assert remote.with_prologue("SELECT * {}") == expected + "SELECT * {}"


def test_the_embedded_store_refuses_service_with_the_way_to_query_an_endpoint(store):
    from policykg.store import QueryRefused
    with pytest.raises(QueryRefused) as e:
        store.run("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    assert (e.value.message, e.value.status) == (
        "SERVICE is refused: the embedded store never fetches other endpoints; "
        "query an endpoint directly with --endpoint URL", 400)


def test_a_syntax_error_on_the_first_line_is_on_line_1(store):
    with pytest.raises(QueryError) as e:
        store.run("SELECT ?x WHERE { ?x ?y }")
    assert (e.value.message, e.value.line, e.value.column) == ("expected one of LATERAL, SERVICE, [_]", 1, 26)


def test_each_bound_alone_is_applied_and_a_whole_answer_says_so(store):
    from policykg.store import QueryTimeout
    q = "SELECT ?m WHERE { ?m a pkg:Measure }"
    for bounds in (dict(limit=35), dict(timeout=60.0), dict(max_bytes=10_000_000), {}):
        rs = store.run(q, **bounds)
        assert (len(rs.rows), rs.truncated, rs.truncated_by) == (35, False, None), bounds
    rs = store.run(q, limit=34)
    assert (len(rs.rows), rs.truncated, rs.truncated_by) == (34, True, "rows")
    with pytest.raises(QueryTimeout, match="^the query ran past its time limit$"):
        store.run(q, timeout=0.0)


def test_a_querys_variables_are_read_once_per_text(store):
    q = "SELECT ?m ?n WHERE { ?m pkg:number ?n } LIMIT 1"
    store.run(q)
    first = store._variables[store.prepared(q)]
    assert first == ("m", "n")
    store.run(q)
    assert store._variables[store.prepared(q)] is first


def test_binding_names_are_sparql_variable_names_in_either_case():
    value = Term.literal("x")
    assert bind("SELECT * WHERE { ?Dept_2 ?p ?o }", {"Dept_2": value}) == \
        'SELECT * WHERE { VALUES (?Dept_2) { ("x") }  ?Dept_2 ?p ?o }'
    with pytest.raises(QueryError) as e:
        bind("SELECT * WHERE { ?s ?p ?o }", {"2x": value})
    assert e.value.message == "not a variable name: '2x'"


def test_an_update_is_refused_as_forbidden_by_name(store):
    from policykg.store import QueryRefused
    with pytest.raises(QueryRefused) as e:
        store.run("INSERT DATA { <http://x/s> <http://x/p> 1 }")
    assert (e.value.message, e.value.status) == ("INSERT is an update; this store is read-only and answers queries only", 403)


def test_a_construct_runs_within_its_time_limit_too(store):
    from policykg.store import QueryTimeout
    with pytest.raises(QueryTimeout, match="^the query ran past its time limit$"):
        store.run(CONSTRUCT, timeout=0.0)
