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
        if t is not None and t.kind == "literal" and ("、" in t.value or ", " in t.value):
            sep = "、" if "、" in t.value else ", "
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
