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
