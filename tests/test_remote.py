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
        RemoteStore(url, dialect=DIALECTS["oxigraph"]).run("SELECT ?s WHERE { ?s ?p ?o }", limit=1000)
        RemoteStore(url, dialect=DIALECTS["oxigraph"]).run("SELECT ?s WHERE { ?s ?p ?o }")
    with http_server("<urn:a> <urn:b> <urn:c> .", "text/turtle", requests=seen) as url:
        RemoteStore(url, dialect=DIALECTS["oxigraph"]).run("CONSTRUCT WHERE { ?s ?p ?o }", limit=1000)
    sent = [parse_qs(body.decode())["query"][0] for _, _, _, body in seen]
    assert sent[0].endswith("SELECT ?s WHERE { ?s ?p ?o }\nLIMIT 1001")
    assert sent[1].endswith("SELECT ?s WHERE { ?s ?p ?o }")
    assert sent[2].endswith("CONSTRUCT WHERE { ?s ?p ?o }")
