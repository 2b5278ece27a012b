"""policykg.remote: what differs between triplestores, handled before a query is sent.

The servers themselves are in tests/test_remote_stores.py; here the rewrites are checked
on their text and, on the embedded store, for giving the answers the original query gives."""
from __future__ import annotations

import dataclasses

import pytest

from policykg.queries import load_queries, run_saved_query
from policykg.remote import DIALECTS, tagged_group_concat
from policykg.store import open_store


def test_a_group_concat_asks_for_the_language_its_values_share():
    q = 'SELECT (GROUP_CONCAT(DISTINCT ?name; separator="、") AS ?names) WHERE { ?s ?p ?name }'
    assert tagged_group_concat(q) == (
        'SELECT (IF(COUNT(DISTINCT LANG(?name)) = 1 && MIN(LANG(?name)) != "", '
        'STRLANG(STR(GROUP_CONCAT(DISTINCT ?name; separator="、")), MIN(LANG(?name))), '
        'GROUP_CONCAT(DISTINCT ?name; separator="、")) AS ?names) WHERE { ?s ?p ?name }')


def test_each_group_concat_of_a_query_is_rewritten_and_nothing_else():
    q = ("SELECT (GROUP_CONCAT(?a) AS ?x) (group_concat(COALESCE(?b, ?c); SEPARATOR=\";\") AS ?y) "
         "WHERE { ?s ?p ?a # GROUP_CONCAT(?z) in a comment\n FILTER (?a != \"GROUP_CONCAT(?q)\") }")
    out = tagged_group_concat(q)
    assert out.count("STRLANG(") == 2 and "MIN(LANG(?a))" in out and "MIN(LANG(COALESCE(?b, ?c)))" in out
    assert 'group_concat(COALESCE(?b, ?c); SEPARATOR=";")' in out      # the call itself kept as written
    assert out.endswith("# GROUP_CONCAT(?z) in a comment\n FILTER (?a != \"GROUP_CONCAT(?q)\") }")


@pytest.mark.parametrize("query", [
    "SELECT (GROUP_CONCAT(STR(?n); separator=\", \") AS ?x) WHERE { ?s ?p ?n }",      # never tagged
    "SELECT (GROUP_CONCAT(DISTINCT STR(?n)) AS ?x) WHERE { ?s ?p ?n }",
    "SELECT (GROUP_CONCAT(?n WHERE { ?s ?p ?n }",                                       # unclosed: the server says so
    "SELECT ?group_concat WHERE { ?s ?p ?group_concat }",
])
def test_what_needs_no_tag_is_sent_as_written(query):
    assert tagged_group_concat(query) == query


def test_a_str_call_followed_by_more_is_still_rewritten():
    q = "SELECT (GROUP_CONCAT(STR(?a) + ?b) AS ?x) WHERE { }"
    assert "MIN(LANG(STR(?a) + ?b))" in tagged_group_concat(q)


def test_which_servers_are_sent_the_rewrite():
    q = "SELECT (GROUP_CONCAT(?a) AS ?x) WHERE { ?s ?p ?a }"
    assert DIALECTS["oxigraph"].rewrite(q)[0] == q              # keeps the tag itself
    assert DIALECTS["fuseki"].rewrite(q)[0] == tagged_group_concat(q) != q
    assert DIALECTS["generic"].rewrite(q)[0] == tagged_group_concat(q)
    # Virtuoso 7.2's compiler fails on the longer form: only its separator is swapped
    assert "STRLANG" not in DIALECTS["virtuoso"].rewrite(q)[0]


@pytest.fixture(scope="module")
def store():
    return open_store()


def test_every_saved_query_rewritten_gives_the_same_rows_on_the_embedded_store(store):
    rewritten, answered = [], 0
    for name, q in load_queries().items():
        text = tagged_group_concat(q.sparql)
        if text == q.sparql:
            continue
        rewritten.append(name)
        params = {p.name: p.example for p in q.parameters if p.example}
        original = run_saved_query(store, q, params)
        answered += bool(original.rows)
        assert run_saved_query(store, dataclasses.replace(q, sparql=text), params) == original, name
    # the saved queries that concatenate values which may carry a tag (one document cites no
    # document twice, so cited-by-several-documents has no rows on the shipped notice alone)
    assert sorted(rewritten) == ["article-uptake", "cited-by-several-documents", "document-chain",
                                 "legal-basis", "open-department-lists", "regulation-trace"]
    assert answered == 5


@pytest.mark.parametrize("values, expected", [
    ('"甲"@zh "乙"@zh', ("甲 乙", "zh")),
    ('"a"@en "b"@zh', ("a b", None)),
    ('"a"@en "b"', ("a b", None)),
    ('"a" "b"', ("a b", None)),
])
def test_the_tag_is_kept_only_when_every_value_shares_it(store, values, expected):
    q = tagged_group_concat(f"SELECT (GROUP_CONCAT(?v) AS ?x) WHERE {{ VALUES ?v {{ {values} }} }}")
    (x,) = store.select(q).rows[0]
    assert (x.value, x.lang) == expected


@pytest.mark.parametrize("query, sent", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 11"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", "SELECT * WHERE { ?s ?p ?o } LIMIT 5"),          # lower: kept
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 11", "SELECT * WHERE { ?s ?p ?o } LIMIT 11"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s limit 5000 OFFSET 3",
     "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s limit 11 OFFSET 3"),
    # a subquery's LIMIT is its own; a trailing VALUES block comes after the modifiers
    ("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 9999 } } ORDER BY (?s) VALUES ?s { <urn:a> }",
     "SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 9999 } } ORDER BY (?s) LIMIT 11\nVALUES ?s { <urn:a> }"),
    ('SELECT * WHERE { ?s ?p "LIMIT 9" } # LIMIT 3', 'SELECT * WHERE { ?s ?p "LIMIT 9" } # LIMIT 3\nLIMIT 11'),
    ("SELECT (1 AS ?x) {", "SELECT (1 AS ?x) {"),                        # malformed: the server says so
    ("SELECT ?x WHERE { VALUES ?x { 1 } }", "SELECT ?x WHERE { VALUES ?x { 1 } }\nLIMIT 11"),
])
def test_a_forwarded_select_asks_the_server_for_one_row_past_the_limit(query, sent):
    from policykg.remote import limited
    assert limited(query, 10) == sent


def test_the_pushed_limit_keeps_the_answer_the_limit_gives(store):
    """Each saved query, limited to 3 rows: the first three rows of an ordered answer, as before."""
    from policykg.remote import limited
    checked = 0
    for name, q in load_queries().items():
        if "ORDER BY" not in q.sparql or q.parameters:
            continue
        whole = store.run(q.sparql, limit=3)
        assert store.run(limited(q.sparql, 3), limit=3) == whole, name
        checked += bool(whole.truncated)
    assert checked >= 10


def test_a_remote_store_sends_a_select_with_the_limit_and_a_construct_without():
    from urllib.parse import parse_qs
    from policykg.store import RemoteStore
    from tests.loopback import http_server
    rows = '{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
    seen = []
    with http_server(rows, requests=seen) as url:
        RemoteStore(url, default_graphs=(), dialect=DIALECTS["oxigraph"]).run("SELECT ?s WHERE { ?s ?p ?o }", limit=1000)
        RemoteStore(url, default_graphs=(), dialect=DIALECTS["oxigraph"]).run("SELECT ?s WHERE { ?s ?p ?o }")
    with http_server("<urn:a> <urn:b> <urn:c> .", "text/turtle", requests=seen) as url:
        RemoteStore(url, default_graphs=(), dialect=DIALECTS["oxigraph"]).run("CONSTRUCT WHERE { ?s ?p ?o }", limit=1000)
    sent = [parse_qs(body.decode())["query"][0] for _, _, _, body in seen]
    assert sent[0].endswith("SELECT ?s WHERE { ?s ?p ?o }\nLIMIT 1001")
    assert sent[1].endswith("SELECT ?s WHERE { ?s ?p ?o }")
    assert sent[2].endswith("CONSTRUCT WHERE { ?s ?p ?o }")


# --- Virtuoso 7.2: each rewrite on its text, its answer restorer, and the saved queries ---------

def test_virtuoso_is_sent_each_concat_argument_through_substr():
    from policykg.remote import narrowed_concat
    q = ('SELECT (CONCAT("…", ?lead, CONCAT(STR(?a), "】"), SUBSTR(?b, 1, 20)) AS ?x) '
         '(GROUP_CONCAT(?c; separator=", ") AS ?y) WHERE { ?s ?p "CONCAT(?z)" # CONCAT(?q)\n }')
    assert narrowed_concat(q) == (
        'SELECT (CONCAT(SUBSTR("…", 1), SUBSTR(?lead, 1), SUBSTR(CONCAT(SUBSTR(STR(?a), 1), SUBSTR("】", 1)), 1), '
        'SUBSTR(SUBSTR(?b, 1, 20), 1)) AS ?x) '
        '(GROUP_CONCAT(?c; separator=", ") AS ?y) WHERE { ?s ?p "CONCAT(?z)" # CONCAT(?q)\n }')


@pytest.mark.parametrize("query", [
    "SELECT (CONCAT() AS ?x) WHERE { }",                        # no argument: nothing to wrap
    "SELECT ?x WHERE { BIND (CONCAT(?a, ?b",                     # unclosed: the server says so
    "SELECT ?concat WHERE { ?s ?p ?concat }",
])
def test_a_concat_with_nothing_to_wrap_is_sent_as_written(query):
    from policykg.remote import narrowed_concat
    assert narrowed_concat(query) == query


def test_virtuoso_is_asked_for_the_shared_tag_in_columns_of_its_own():
    from policykg.remote import shared_tag_columns
    q = 'SELECT ?s (GROUP_CONCAT(DISTINCT ?name; separator=", ") AS ?names) WHERE { ?s ?p ?name } GROUP BY ?s'
    sent, standard = shared_tag_columns(q)
    assert sent == (
        'SELECT ?s (GROUP_CONCAT(DISTINCT ?name; separator=", ") AS ?names) '
        '(MIN(LANG(?name)) AS ?_policykg_tag_0_min) (MAX(LANG(?name)) AS ?_policykg_tag_0_max) '
        '(COUNT(DISTINCT ?name) AS ?_policykg_tag_0_values) (COUNT(*) AS ?_policykg_tag_0_rows) '
        'WHERE { ?s ?p ?name } GROUP BY ?s')
    assert standard is not None


def test_a_sub_selects_tag_columns_are_carried_out_to_the_answer():
    """document-chain's shape: grouped in a sub-select, projected by name outside it."""
    from policykg.remote import shared_tag_columns
    q = ("SELECT ?d ?names WHERE { { SELECT ?d (GROUP_CONCAT(?n) AS ?names) WHERE { ?d ?p ?n } GROUP BY ?d } } "
         "ORDER BY ?names")
    sent, _ = shared_tag_columns(q)
    added = "?_policykg_tag_0_min ?_policykg_tag_0_max ?_policykg_tag_0_values ?_policykg_tag_0_rows"
    assert sent.startswith(f"SELECT ?d ?names {added} WHERE {{ {{ SELECT ?d (GROUP_CONCAT(?n) AS ?names) "
                           "(MIN(LANG(?n)) AS ?_policykg_tag_0_min)")
    assert sent.endswith("GROUP BY ?d } } ORDER BY ?names")
    star = "SELECT * WHERE { { SELECT ?d (GROUP_CONCAT(?n) AS ?names) WHERE { ?d ?p ?n } GROUP BY ?d } }"
    assert shared_tag_columns(star)[0].startswith("SELECT * WHERE")
    assert "AS ?_policykg_tag_0_rows" in shared_tag_columns(star)[0]


@pytest.mark.parametrize("query", [
    # the concatenation does not reach the answer as it is: renamed, grouped again, not projected
    "SELECT (STR(?names) AS ?x) WHERE { { SELECT (GROUP_CONCAT(?n) AS ?names) WHERE { ?d ?p ?n } } }",
    "SELECT ?names (COUNT(*) AS ?k) WHERE { { SELECT ?d (GROUP_CONCAT(?n) AS ?names) WHERE { ?d ?p ?n } GROUP BY ?d } } GROUP BY ?names",
    "SELECT ?d WHERE { { SELECT ?d (GROUP_CONCAT(?n) AS ?names) WHERE { ?d ?p ?n } GROUP BY ?d } }",
    # part of a larger expression, or never tagged, or not a SELECT answer
    "SELECT (CONCAT(GROUP_CONCAT(?n), \"!\") AS ?x) WHERE { ?d ?p ?n }",
    "SELECT (GROUP_CONCAT(STR(?n)) AS ?x) WHERE { ?d ?p ?n }",
    "ASK { { SELECT (GROUP_CONCAT(?n) AS ?x) WHERE { ?d ?p ?n } } }",
    "SELECT (GROUP_CONCAT(?n) AS ?x WHERE { ?d ?p ?n }",
])
def test_what_cannot_reach_the_answer_is_sent_as_written(query):
    from policykg.remote import shared_tag_columns
    assert shared_tag_columns(query) == (query, None)


def _column(**cells):
    from policykg.results import Term
    return {k: (None if v is None else Term.literal(*v) if isinstance(v, tuple) else Term.literal(v))
            for k, v in cells.items()}


@pytest.mark.parametrize("virtuoso, expected", [
    (_column(x="甲、乙", lo="zh", hi="zh", values="2", rows="3"), ("甲、乙", "zh")),   # the tag they share
    (_column(x="a、b", lo="en", hi="zh", values="2", rows="2"), ("a、b", None)),       # none shared
    (_column(x="a、b", lo="", hi="", values="2", rows="2"), ("a、b", None)),           # plain values
    (_column(x="", lo="", hi="", values="0", rows="1"), None),                         # an OPTIONAL that matched nothing
    (_column(x="", lo=None, hi=None, values="0", rows="0"), ("", None)),               # no rows at all: ""
])
def test_virtuosos_concatenation_is_given_the_standard_tag(virtuoso, expected):
    from policykg.remote import shared_tag_columns
    from policykg.results import ResultSet
    _, standard = shared_tag_columns("SELECT ?s (GROUP_CONCAT(?n) AS ?x) WHERE { ?s ?p ?n } GROUP BY ?s")
    names = ["s", "x"] + [f"_policykg_tag_0_{k}" for k in ("min", "max", "values", "rows")]
    s = _column(s="s")["s"]
    answer = standard(ResultSet(names, [(s, virtuoso["x"], virtuoso["lo"], virtuoso["hi"],
                                          virtuoso["values"], virtuoso["rows"])], True, "rows"))
    assert answer.variables == ["s", "x"] and answer.truncated and answer.truncated_by == "rows"
    (row,) = answer.rows
    assert row[0] == s
    assert (row[1] if row[1] is None else (row[1].value, row[1].lang)) == expected


def test_a_distinct_answer_stays_distinct_without_the_tag_columns():
    from policykg.remote import shared_tag_columns
    from policykg.results import ResultSet
    _, standard = shared_tag_columns(
        "SELECT DISTINCT ?names WHERE { { SELECT ?d (GROUP_CONCAT(?n) AS ?names) WHERE { ?d ?p ?n } GROUP BY ?d } }")
    names = ["names"] + [f"_policykg_tag_0_{k}" for k in ("min", "max", "values", "rows")]
    plain = _column(x="a", lo="", hi="", values="1", rows="1")
    mixed = _column(x="a", lo="", hi="zh", values="2", rows="2")
    rows = [tuple(c[k] for k in ("x", "lo", "hi", "values", "rows")) for c in (plain, mixed)]
    assert standard(ResultSet(names, rows)).rows == [(plain["x"],)]


def test_which_rewrites_virtuoso_is_sent():
    q = 'SELECT ?s (GROUP_CONCAT(?a; separator="、") AS ?x) (CONCAT(?a, "…") AS ?y) WHERE { ?s ?p ?a } GROUP BY ?s ?a'
    sent, _ = DIALECTS["virtuoso"].rewrite(q)
    assert "STRLANG" not in sent and "(MIN(LANG(?a)) AS ?_policykg_tag_0_min)" in sent
    assert 'CONCAT(SUBSTR(?a, 1), SUBSTR("…", 1))' in sent and '"~policykg-separator-0~"' in sent
    for other in ("oxigraph", "fuseki", "generic"):
        assert "_policykg_tag_" not in DIALECTS[other].rewrite(q)[0] and "SUBSTR" not in DIALECTS[other].rewrite(q)[0]


def test_every_saved_query_in_virtuosos_form_gives_the_same_rows_on_the_embedded_store(store):
    """The text Virtuoso is sent, run here, and its answer restored: the rows the query gives.
    Oxigraph keeps the tags itself, so this checks that the rewrites change nothing else."""
    changed, answered = [], 0
    for name, q in load_queries().items():
        sent, standard = DIALECTS["virtuoso"].rewrite(q.sparql)
        if sent == q.sparql:
            continue
        changed.append(name)
        params = {p.name: p.example for p in q.parameters if p.example}
        original = run_saved_query(store, q, params)
        answered += bool(original.rows)
        assert standard(run_saved_query(store, dataclasses.replace(q, sparql=sent), params)) == original, name
    assert sorted(changed) == ["article-uptake", "cited-by-several-documents", "document-chain", "legal-basis",
                               "open-department-lists", "regulation-trace", "search"]
    assert answered == 6          # cited-by-several-documents has no rows on one notice


def test_a_remote_virtuoso_answer_comes_back_standard():
    """Through RemoteStore: the answer as Virtuoso 7.2 gives it (the tag columns, an xsd:string
    CONCAT, a placeholder separator) comes back as the standard one."""
    import json
    from urllib.parse import parse_qs
    from policykg.store import RemoteStore
    from tests.loopback import http_server
    tag = [f"_policykg_tag_0_{k}" for k in ("min", "max", "values", "rows")]
    lit = lambda v, **kw: {"type": "literal", "value": v, **kw}             # noqa: E731
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    body = json.dumps({"head": {"vars": ["s", "x", *tag]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": "urn:a"}, "x": lit("甲~policykg-separator-0~乙"), tag[0]: lit("zh"),
         tag[1]: lit("zh"), tag[2]: lit("2", datatype=integer), tag[3]: lit("2", datatype=integer)},
        {"s": {"type": "uri", "value": "urn:b"}, "x": lit(""), tag[0]: lit(""), tag[1]: lit(""),
         tag[2]: lit("0", datatype=integer), tag[3]: lit("1", datatype=integer)}]}})
    seen = []
    with http_server(body, "application/sparql-results+json", requests=seen) as url:
        answer = RemoteStore(url, default_graphs=(), dialect=DIALECTS["virtuoso"]).run(
            'SELECT ?s (GROUP_CONCAT(?n; separator="、") AS ?x) WHERE { ?s ?p ?n } GROUP BY ?s', limit=10)
    sent = parse_qs(seen[0][3].decode())["query"][0]
    assert "(COUNT(DISTINCT ?n) AS ?_policykg_tag_0_values)" in sent and "、" not in sent
    assert answer.variables == ["s", "x"]
    assert [(r[1].value, r[1].lang) if r[1] else None for r in answer.rows] == [("甲、乙", "zh"), None]


def test_regression_a_kept_connection_rested_too_long_is_not_reused(monkeypatch):
    """The Oxigraph server 0.5.13 answered the version's PUT on a connection idle while the
    workers sent a 1,000-notice merge "500 Resource temporarily unavailable (os error 11)":
    a connection that rested longer than publish.IDLE is replaced before the request."""
    from policykg import publish
    from policykg.remote import DIALECTS, Authenticator
    from tests.loopback import http_server, relay
    with http_server("<urn:s> <urn:p> <urn:o> .\n", "application/n-triples") as target:
        base = target.split("/", 3)
        with relay(f"{base[0]}//{base[2]}") as r:
            gsp = f"{r.url}/store"
            sender = publish.Sender(gsp, DIALECTS["oxigraph"], Authenticator(gsp))
            try:
                assert sender.get("urn:g")[0].startswith(b"<urn:s>") and sender.get("urn:g")
                assert r.connections == 1                     # kept between requests
                monkeypatch.setattr(publish, "IDLE", -1)
                sender.get("urn:g")
                assert r.connections == 2 and sender.connections == 2
            finally:
                sender.close()


def test_written_iris_are_the_absolute_iris_a_query_writes_not_its_prefixes_own():
    from policykg.remote import written_iris
    query = ('PREFIX g: <http://example.org/g/>\nPREFIX e: <http://example.org/e#>\n'
             'SELECT * WHERE { GRAPH <http://example.org/a> { ?s e:p "x:y" } '
             'FILTER (?g = g:b\\.c || ?g = <relative> || ?g = u:undeclared) # <http://example.org/comment>\n}')
    assert written_iris(query) == {"http://example.org/a", "http://example.org/e#p", "http://example.org/g/b.c"}


def test_graph_iris_are_the_graphs_a_query_names_or_none_where_one_is_a_variable():
    from policykg.remote import graph_iris
    prologue = "PREFIX g: <http://example.org/g/>\n"
    assert graph_iris(prologue + "ASK { GRAPH <http://example.org/a> { ?s ?p ?o } GRAPH g:b { } }") == \
        {"http://example.org/a", "http://example.org/g/b"}
    assert graph_iris(prologue + "ASK { GRAPH g:b { } GRAPH ?g { } }") is None
    assert graph_iris("ASK { GRAPH u:undeclared { } }") is None
    assert graph_iris('ASK { ?s ?p "GRAPH ?g" }') == set()          # a word in a string names no graph
