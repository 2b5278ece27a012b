"""guard: what a query from anyone may do, decided on its parse tree."""
import pytest

from policykg.guard import MAX_NESTING, check_query, nesting
from policykg.queries import load_queries
from policykg.store import EmbeddedStore, QueryError, QueryRefused, _tokens

from .loopback import listener as loopback_listener
from .ssrf_cases import CASES

LIVE = [c for c in CASES if c.engine_fetches]


@pytest.fixture(scope="module")
def store():
    return EmbeddedStore()


@pytest.mark.parametrize("case", LIVE, ids=[c.name for c in LIVE])
def test_each_case_makes_the_bare_engine_connect(store, case):
    """The cases are live attacks: pyoxigraph, asked directly, connects to the listener."""
    with loopback_listener() as listener:
        try:
            result = store.store.query(store.with_prologue(case.text(listener.url + "/sparql")))
            list(result) if not isinstance(result, bool) and type(result).__name__ != "QueryBoolean" else None
        except (OSError, RuntimeError):
            pass
        assert listener.connections(), f"{case.name}: the engine did not connect, so the case proves nothing"


@pytest.mark.parametrize("sandboxed", [False, True])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_service_bypass_is_refused(case, sandboxed):
    with loopback_listener() as listener:
        with pytest.raises(QueryRefused, match="SERVICE") as e:
            check_query(case.text(listener.url + "/sparql"), sandboxed=sandboxed)
        assert e.value.status == 400
        assert listener.connections() == []


@pytest.mark.parametrize("name", ["less-than-read-as-iri", "two-scans-fooled"])
def test_the_parse_tree_catches_what_a_keyword_scan_misses(name):
    query = next(c for c in CASES if c.name == name).text("http://127.0.0.1:9/sparql")
    words = {text.upper() for kind, text, _ in _tokens(query) if kind == "word"}
    assert "SERVICE" not in words            # the scan is fooled …
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query(query)                   # … the parse tree is not


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <http://127.0.0.1:9/g> { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
    "SELECT * # comment\rFROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
])
def test_a_dataset_clause_is_refused(query):
    with pytest.raises(QueryRefused, match="FROM"):
        check_query(query)


@pytest.mark.parametrize("update", [
    "INSERT DATA { <a:b> <a:c> <a:d> }", "LOAD <http://127.0.0.1:9/data.ttl>", "DROP ALL",
    "DELETE WHERE { ?s ?p ?o }", "# a comment\rCLEAR DEFAULT",
    "PREFIX e: <http://a/> INSERT { ?s e:p 1 } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused_as_read_only(update):
    with pytest.raises(QueryRefused, match="read-only") as e:
        check_query(update, sandboxed=True)
    assert e.value.status == 403


def test_nesting_is_bounded_before_parsing():
    deep = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    assert nesting(deep) == 3000
    with pytest.raises(QueryRefused, match=f"nests 3000 levels deep; the limit is {MAX_NESTING}"):
        check_query(deep)
    fine = "SELECT * WHERE " + "{" * MAX_NESTING + " ?s ?p ?o " + "}" * MAX_NESTING
    check_query(fine)
    # brackets in strings and comments are not nesting
    assert nesting('SELECT * WHERE { ?s ?p "((((" } # ((((') == 1


def test_a_long_query_within_the_size_limit_is_checked_not_refused():
    """rdflib's parser recurses per triple pattern; 20,000 characters must still pass."""
    query = "SELECT * WHERE { " + " ".join(f"?a ?b ?c{i % 10}." for i in range(1800)) + " }"
    assert len(query) < 20_000
    check_query(query)


def test_a_malformed_query_names_line_and_column_unless_the_engine_may_decide():
    with pytest.raises(QueryError) as e:
        check_query("SELECT ?x WHERE {\n  ?x ?y\n}")
    assert not isinstance(e.value, QueryRefused) and "Expected" in e.value.message
    assert e.value.line is not None and e.value.column is not None
    # in a worker that cannot open a socket the engine reports its own error
    check_query("SELECT ?x WHERE {\n  ?x ?y\n}", sandboxed=True)


def test_every_saved_query_passes_the_check():
    """The editor offers the saved queries as examples to run on /sparql."""
    for name, saved in load_queries().items():
        check_query(saved.sparql)
