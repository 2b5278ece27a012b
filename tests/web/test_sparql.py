"""/sparql: the protocol, formats, safety limits, and real clients against a live server."""
import contextlib
import csv
import io
import json
import subprocess
import sys
import threading
import urllib.parse

import pytest
from rdflib import Graph, URIRef

from policykg.web import create_app

from ..loopback import listener as loopback_listener
from ..ssrf_cases import CASES

Q = "SELECT ?n ?t WHERE { ?m a pkg:Measure ; pkg:number ?n ; pkg:title ?t } ORDER BY ?n"


def get(client, query, **headers):
    return client.get("/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)


def test_get_post_form_and_post_direct_agree(client):
    a = get(client, Q)
    b = client.post("/sparql", data={"query": Q})
    c = client.post("/sparql", data=Q.encode(), content_type="application/sparql-query")
    assert a.status_code == b.status_code == c.status_code == 200
    assert a.get_data() == b.get_data() == c.get_data()
    rows = json.loads(a.get_data(as_text=True))["results"]["bindings"]
    assert len(rows) == 35 and rows[8]["t"]["value"] == "严格执行政府采购支持中小企业政策机制"
    assert a.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("accept, mime", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values")])
def test_select_formats_by_accept(client, accept, mime, measure_titles):
    r = get(client, Q, Accept=accept)
    assert r.status_code == 200 and r.mimetype == mime
    assert rows_of(r.get_data(as_text=True), mime) == measure_titles


def rows_of(body: str, mime: str) -> list[tuple[int, str]]:
    """(number, title) rows read back from a SELECT answer in each format, by its own rules."""
    if mime.endswith("json"):
        data = json.loads(body)
        assert data["head"]["vars"] == ["n", "t"]
        return [(int(b["n"]["value"]), b["t"]["value"]) for b in data["results"]["bindings"]]
    if mime.endswith("xml"):
        from xml.etree import ElementTree
        ns = {"s": "http://www.w3.org/2005/sparql-results#"}
        root = ElementTree.fromstring(body.encode("utf-8"))
        assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["n", "t"]
        out = []
        for result in root.findall("s:results/s:result", ns):
            n, t = (result.find(f"s:binding[@name='{v}']/s:literal", ns) for v in ("n", "t"))
            assert n.get("datatype") == "http://www.w3.org/2001/XMLSchema#integer"
            assert t.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
            out.append((int(n.text), t.text))
        return out
    if mime == "text/csv":
        head, *rows = list(csv.reader(io.StringIO(body, newline="")))
        assert head == ["n", "t"] and body.endswith("\r\n")
        return [(int(n), t) for n, t in rows]
    head, *rows = body.rstrip("\n").split("\n")
    assert head == "?n\t?t"
    out = []
    for line in rows:
        n, t = line.split("\t")
        assert t.startswith('"') and t.endswith('"@zh')
        out.append((int(n), t[1:-4]))
    return out


@pytest.fixture(scope="module")
def measure_titles():
    """Q's answer read from the committed Turtle by rdflib, not by the endpoint's engine."""
    from rdflib.namespace import RDF

    from policykg import resources
    from policykg.iris import PKG
    g = Graph().parse(resources.default_output(), format="turtle")
    titles = sorted((n.toPython(), str(t)) for m in g.subjects(RDF.type, PKG.Measure)
                    for n in g.objects(m, PKG.number) for t in g.objects(m, PKG.title))
    assert len(titles) == 35 and titles[8] == (9, "严格执行政府采购支持中小企业政策机制")
    return titles


def test_construct_formats(client):
    q = "CONSTRUCT { ?m pkg:number ?n } WHERE { ?m a pkg:Measure ; pkg:number ?n }"
    expected = {(f"https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/{n}", n) for n in range(1, 36)}
    for accept, fmt in [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
                        ("application/rdf+xml", "xml")]:
        r = get(client, q, Accept=accept)
        g = Graph().parse(data=r.get_data(as_text=True), format=fmt)
        assert r.mimetype == accept
        assert {(str(s), o.toPython()) for s, p, o in g} == expected
        assert {str(p) for p in g.predicates()} == {"https://w3id.org/policykg/ontology#number"}


@pytest.mark.parametrize("accept, body", [
    ("application/sparql-results+json", '{"head": {}, "boolean": true}'),
    ("application/sparql-results+xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
     '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head/>\n  <boolean>true</boolean>\n</sparql>\n'),
    ("text/csv", "true\n"), ("text/tab-separated-values", "true\n")])
def test_ask_answers_in_each_format(client, accept, body):
    assert get(client, "ASK { ?m a pkg:Measure ; pkg:number 35 }", Accept=accept).get_data(as_text=True) == body
    no = get(client, "ASK { ?m a pkg:Measure ; pkg:number 36 }", Accept=accept).get_data(as_text=True)
    assert no == body.replace("true", "false")


@pytest.mark.parametrize("data, ctype", [(b"SELECT * WHERE {}", "text/plain"), (b"{}", "application/json"),
                                         (b"", None)])
def test_a_post_of_another_media_type_is_415(client, data, ctype):
    r = client.post("/sparql", data=data, content_type=ctype)
    assert r.status_code == 415
    # a refusal is readable across origins like an answer, so a browser client can show it
    assert r.headers["Access-Control-Allow-Origin"] == "*" and r.mimetype == "text/plain"
    assert r.get_data(as_text=True) == (f"POST a query as application/sparql-query or a form, "
                                        f"not {ctype or 'nothing'}\n")


@pytest.mark.parametrize("kwargs", [dict(data={"other": "1"}),
                                    dict(data=b"", content_type="application/sparql-query"),
                                    dict(data=b"", content_type="application/x-www-form-urlencoded")])
def test_a_post_without_a_query_is_400_not_a_service_description(client, kwargs):
    r = client.post("/sparql", **kwargs)
    assert r.status_code == 400 and r.mimetype == "text/plain"
    assert r.get_data(as_text=True) == "no query: send query=… or a body of type application/sparql-query\n"


def test_service_description(client):
    r = client.get("/sparql")
    g = Graph().parse(data=r.get_data(as_text=True), format="turtle")
    assert r.mimetype == "text/turtle"
    assert any("SPARQL11Query" in str(o) for o in g.objects())


@pytest.mark.parametrize("query, status, words", [
    ("INSERT DATA { <a:b> <a:c> <a:d> }", 403, "read-only"),
    ("LOAD <http://example.org/data.ttl>", 403, "read-only"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400, "SERVICE"),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", 400, "FROM"),
    ("SELECT * WHERE { ?s ?p }", 400, "malformed query"),
])
def test_refused_and_malformed_queries(client, query, status, words):
    r = get(client, query)
    assert r.status_code == status and words in r.get_data(as_text=True)


def test_malformed_query_names_line_and_column(client, apps):
    # in-process, rdflib's parser (the check) names where the broken pattern starts …
    text = get(client, "SELECT ?x WHERE {\n  ?x ?y\n}").get_data(as_text=True)
    assert text.startswith("malformed query: ") and text.endswith("\nline: 2\ncolumn: 3\n") and text.count("\n") == 3
    # … in a network-less worker the engine itself names where it stopped
    text = get(apps("isolated").test_client(), "SELECT ?x WHERE {\n  ?x ?y\n}").get_data(as_text=True)
    assert "line: 3" in text and "column:" in text


def test_update_by_post_is_refused(client):
    r = client.post("/sparql", data=b"DROP ALL", content_type="application/sparql-update")
    assert r.status_code == 403


def test_dataset_parameters_are_refused(client):
    r = client.get("/sparql?" + urllib.parse.urlencode({"query": Q, "named-graph-uri": "http://example.org/g"}))
    assert r.status_code == 400


def test_tight_limits_truncate_and_time_out():
    tight = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "SPARQL_ROW_LIMIT": 5,
                        "SPARQL_TIMEOUT": 0.0}).test_client()
    r = get(tight, Q)
    assert r.status_code == 503 and "time limit" in r.get_data(as_text=True)
    few = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "SPARQL_ROW_LIMIT": 5}).test_client()
    r = get(few, Q)
    assert r.status_code == 200 and r.headers["X-Policykg-Truncated"].startswith("true")
    assert len(json.loads(r.get_data(as_text=True))["results"]["bindings"]) == 5
    long = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "SPARQL_MAX_QUERY": 10}).test_client()
    assert get(long, Q).status_code == 413


@contextlib.contextmanager
def live_server(app):
    """The app under waitress on 127.0.0.1, with the options `policykg serve` passes."""
    from waitress.server import create_server

    from policykg.web import waitress_options
    server = create_server(app, host="127.0.0.1", port=0, threads=2, **waitress_options(app))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # closed from the loop's own thread: closing its sockets from this one races the
        # select() in server.run (EBADF in the server thread)
        server.trigger.pull_trigger(server.close)
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        assert not thread.is_alive()


def test_real_clients_get_the_cli_answers(app):
    """SPARQLWrapper and rdflib's SPARQLStore against the app on 127.0.0.1, compared with the CLI."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper
    full = ("PREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
            "SELECT ?n ?t WHERE { ?m a pkg:Measure ; pkg:number ?n ; pkg:title ?t } ORDER BY ?n")
    cli = subprocess.run([sys.executable, "-m", "policykg.cli", "sparql", Q, "--format", "csv"],
                         capture_output=True, text=True, check=True)
    expected = [(int(n), t) for n, t in list(csv.reader(io.StringIO(cli.stdout, newline="")))[1:]]
    assert len(expected) == 35
    with live_server(app) as base:
        sw = SPARQLWrapper(base + "/sparql")
        sw.setQuery(full)
        sw.setReturnFormat(JSON)
        data = sw.queryAndConvert()
        assert [(int(b["n"]["value"]), b["t"]["value"]) for b in data["results"]["bindings"]] == expected
        store = SPARQLStore(base + "/sparql")
        assert [(int(n), str(t)) for n, t in store.query(full)] == expected
        store.close()


def test_isolated_worker_stops_a_runaway_aggregate_and_recovers():
    """An aggregate over a cross product computes before its first row: only killing the worker stops it."""
    import time
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": True, "SPARQL_TIMEOUT": 1.0})
    client = app.test_client()
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    r = get(client, runaway)
    assert r.status_code == 503 and "time limit" in r.get_data(as_text=True)
    assert time.monotonic() - started < 20
    ok = get(client, Q)                                   # a fresh worker answers the next query
    assert ok.status_code == 200 and len(json.loads(ok.get_data(as_text=True))["results"]["bindings"]) == 35
    bad = get(client, "SELECT * WHERE { ?s ?p }")
    assert bad.status_code == 400 and "line: 1" in bad.get_data(as_text=True)
    app.extensions["policykg"]["sparql_store"].close()


def test_a_busy_endpoint_answers_503_with_retry_after_and_a_hoarder_dies_alone():
    # 4 s: time enough for the hoarder to reach 400 MB even on a loaded machine
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": True, "SPARQL_TIMEOUT": 4.0,
                      "SPARQL_WORKERS": 1, "SPARQL_WORKER_MEMORY": 400,
                      "SPARQL_QUEUE_WAIT": 0.5})
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answers = []
    slow = threading.Thread(target=lambda: answers.append(get(app.test_client(), runaway).status_code))
    try:
        slow.start()
        from ..workers import wait_until_busy, wait_until_free
        wait_until_busy(app.extensions["policykg"]["sparql_store"])
        busy = get(app.test_client(), Q)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "4"
        assert "all 1 query workers are busy" in busy.get_data(as_text=True)
        slow.join()
        assert answers == [503]
        # the killed worker's replacement starts in the background; a query waits only
        # SPARQL_QUEUE_WAIT (0.5 s here) for it, which a loaded machine may need more than
        wait_until_free(app.extensions["policykg"]["sparql_store"])
        hoarder = get(app.test_client(), "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
        assert hoarder.status_code == 503, hoarder.get_data(as_text=True)
        assert "memory limit of 400 MB" in hoarder.get_data(as_text=True)
        wait_until_free(app.extensions["policykg"]["sparql_store"])
        ok = get(app.test_client(), Q)
        assert ok.status_code == 200 and len(json.loads(ok.get_data(as_text=True))["results"]["bindings"]) == 35
    finally:
        app.extensions["policykg"]["sparql_store"].close()


def test_a_worker_memory_limit_too_small_for_the_data_names_the_setting():
    with pytest.raises(RuntimeError, match=r"memory limit is 40 MB.*raise SPARQL_WORKER_MEMORY"):
        create_app({"TESTING": True, "SPARQL_ISOLATE": True, "SPARQL_WORKERS": 1, "SPARQL_WORKER_MEMORY": 40})


@pytest.fixture(scope="module")
def apps():
    """The public endpoint as `serve` runs it (isolated workers) and in-process, each built when a
    test first asks for it: a run of the in-process tests alone starts no worker process."""
    made = {}

    def app(mode: str):
        if mode not in made:
            made[mode] = create_app({"TESTING": True, "SPARQL_ISOLATE": mode == "isolated", "SPARQL_WORKERS": 1})
        return made[mode]
    yield app
    if "isolated" in made:
        made["isolated"].extensions["policykg"]["sparql_store"].close()


@pytest.mark.parametrize("mode", ["isolated", "in-process"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_query_makes_the_server_connect_anywhere(apps, mode, case):
    """Regression (SSRF): SERVICE hidden by a CR-ended comment, escapes, case, nesting … is refused,
    and a listener on 127.0.0.1 receives nothing, by GET or POST."""
    client = apps(mode).test_client()
    with loopback_listener() as listener:
        query = case.text(listener.url + "/sparql")
        answers = [get(client, query, Accept="text/csv"),
                   client.post("/sparql", data=query.encode(), content_type="application/sparql-query")]
        for r in answers:
            assert r.status_code == 400, r.get_data(as_text=True)
            assert "SERVICE" in r.get_data(as_text=True)
        assert listener.connections() == []


def test_the_query_workers_cannot_open_a_socket(apps):
    if sys.platform != "linux":
        pytest.skip("the seccomp filter is Linux-only")
    assert apps("isolated").extensions["policykg"]["sparql_store"].wall_missing is None


def _doubling_query(doublings: int) -> str:
    """100 × 100 rows whose values double in length `doublings` times: a short query, a huge answer."""
    values = " ".join(f'"{"x" * 40}{i}"' for i in range(100))
    binds = " ".join(f"BIND(CONCAT(?d{i}, ?d{i}) AS ?d{i + 1})" for i in range(doublings))
    return (f"SELECT ?d{doublings} ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
            f"BIND(?a AS ?d0) {binds} }}")


def _rss_mb() -> int:
    with open(f"/proc/{__import__('os').getpid()}/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


@pytest.mark.parametrize("isolate", [True, False])
def test_answers_are_capped_in_bytes_and_say_so(isolate):
    """Regression: a 100×100 VALUES with doubled strings answered 477 MB."""
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": isolate, "SPARQL_WORKERS": 1,
                      "SPARQL_MAX_BYTES": 1_000_000})
    try:
        r = get(app.test_client(), _doubling_query(10), Accept="text/csv")
        assert r.status_code == 200
        assert r.headers["X-Policykg-Truncated"] == "true; bytes=1000000"
        rows = list(csv.reader(io.StringIO(r.get_data(as_text=True), newline="")))[1:]
        # each row holds 40 KB: the cap lets 24 through, not the 10,000 the row limit allows
        assert 0 < len(rows) < 30 and len(r.get_data()) < 1_100_000
        select = _doubling_query(10)
        construct = get(app.test_client(), "CONSTRUCT { <urn:x:s> <urn:x:p> ?d10 } WHERE {"
                        + select.split("WHERE {", 1)[1], Accept="application/n-triples")
        assert construct.headers["X-Policykg-Truncated"] == "true; bytes=1000000"
    finally:
        app.extensions["policykg"]["sparql_store"].close()


def test_the_row_limit_holds_for_construct_too():
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "SPARQL_ROW_LIMIT": 7})
    r = get(app.test_client(), "CONSTRUCT { ?m pkg:number ?n } WHERE { ?m a pkg:Measure ; pkg:number ?n }",
            Accept="application/n-triples")
    assert r.headers["X-Policykg-Truncated"] == "true; limit=7"
    assert len(Graph().parse(data=r.get_data(as_text=True), format="nt")) == 7


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_memory_goes_back_after_a_large_answer():
    """Regression: the main process kept 965 MB after a 477 MB answer (glibc keeps freed heap)."""
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": True, "SPARQL_WORKERS": 1, "SPARQL_TIMEOUT": 60,
                      "SPARQL_MAX_BYTES": 10**9})
    try:
        client = app.test_client()
        before = _rss_mb()
        r = get(client, _doubling_query(8), Accept="text/csv")
        assert r.status_code == 200 and len(r.get_data()) > 100_000_000
        r.close()
        del r
        # measured: a 107 MB answer leaves 3 MB more with malloc_trim, 58 MB more without
        assert _rss_mb() - before < 25
        assert get(client, "ASK {}").status_code == 200
    finally:
        app.extensions["policykg"]["sparql_store"].close()


def test_the_sparql_page_names_the_public_endpoint_its_limits_and_an_example_to_run():
    """The page a browser gets at /sparql: the URL to send queries to (PUBLIC_URL, whatever the Host
    or mount point), the limits as configured, and the example as curl, Python and an editor link."""
    from flask import url_for
    from markupsafe import escape
    from policykg.web.sparql import EXAMPLE
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "PUBLIC_URL": "https://kg.example.org/XX/",
                      "SPARQL_TIMEOUT": 7.5, "SPARQL_ROW_LIMIT": 123, "SPARQL_MAX_BYTES": 3 * 1048576,
                      "SPARQL_MAX_QUERY": 4567})
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Host": "evil.example"}
    for mount in ("", "/XX"):
        r = app.test_client().get("/sparql", headers=browser, environ_overrides={"SCRIPT_NAME": mount})
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and r.mimetype == "text/html" and set(r.headers["Vary"].split(", ")) == {"Accept", "Cookie"}
        assert "每个查询 7.5 秒；每个结果最多 123 行（或三元组）、3 MB" in page and "查询文本最多 4567 个字符" in page
        assert "--data-urlencode query@- https://kg.example.org/XX/sparql &lt;&lt;" in page
        assert 'SPARQLWrapper("https://kg.example.org/XX/sparql")' in page and "evil.example" not in page
        assert page.count(str(escape(EXAMPLE))) == 2
        with app.test_request_context("/sparql", environ_overrides={"SCRIPT_NAME": mount}):
            editor = url_for("explore.editor", query=EXAMPLE)
        assert page.count(f'class="editor" href="{escape(editor)}"') == 2
    # without PUBLIC_URL: the host the client asked
    r = create_app({"TESTING": True, "SPARQL_ISOLATE": False}).test_client().get(
        "/sparql", headers={**browser, "Host": "kg.local:8080"})
    assert 'SPARQLWrapper("http://kg.local:8080/sparql")' in r.get_data(as_text=True)


def test_the_service_description_names_the_endpoint_relative_or_under_public_url():
    sd = "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> ."
    local = create_app({"TESTING": True, "SPARQL_ISOLATE": False}).test_client()
    for mount in ("", "/kg"):
        ttl = local.get("/sparql", headers={"Accept": "text/turtle"}, environ_overrides={"SCRIPT_NAME": mount})
        text = ttl.get_data(as_text=True)
        assert ttl.mimetype == "text/turtle" and sd in text and "<sparql> a sd:Service" in text
        assert "sd:endpoint <sparql>" in text
    public = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "PUBLIC_URL": "https://kg.example.org/XX/"}).test_client()
    text = public.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "<https://kg.example.org/XX/sparql> a sd:Service" in text


@pytest.mark.parametrize("ask, accept, mime", [
    ("?format=nt", "text/turtle", "application/n-triples"), ("?format=rdf", "*/*", "application/rdf+xml"),
    ("", "image/png", "text/turtle"), ("", "application/ld+json", "application/ld+json")])
def test_a_construct_answers_in_the_format_named_then_the_one_accepted_then_turtle(client, ask, accept, mime):
    q = urllib.parse.quote("CONSTRUCT { ?m <http://x/p> 1 } WHERE { ?m a pkg:Measure ; pkg:number 35 }")
    r = client.get(f"/sparql{ask}{'&' if ask else '?'}query={q}", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == mime
    fmt = {"application/n-triples": "nt", "application/rdf+xml": "xml", "text/turtle": "turtle",
           "application/ld+json": "json-ld"}[mime]
    g = Graph().parse(data=r.get_data(as_text=True), format=fmt)
    assert {(str(s), str(p), o.toPython()) for s, p, o in g} == \
        {("https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/35", "http://x/p", 1)}


def test_the_service_description_says_exactly_what_the_endpoint_offers():
    from rdflib import BNode, Literal, URIRef
    sd, rdf = "http://www.w3.org/ns/sparql-service-description#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    public = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "PUBLIC_URL": "https://kg.example.org/",
                         "SPARQL_TIMEOUT": 7.5, "SPARQL_ROW_LIMIT": 123}).test_client()
    r = public.get("/sparql", headers={"Accept": "application/n-triples"})
    g = Graph().parse(data=r.get_data(as_text=True), format="nt")
    svc = "https://kg.example.org/sparql"
    triples = {tuple("_:d" if isinstance(x, BNode) else x.toPython() if isinstance(x, Literal) and not x.language
                     else (str(x), x.language) if isinstance(x, Literal) else str(x) for x in t) for t in g}
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "JSON-LD", "N-Triples", "RDF_XML")
    assert triples == {
        (svc, sd + "endpoint", svc), (svc, rdf, sd + "Service"), (svc, sd + "supportedLanguage", sd + "SPARQL11Query"),
        (svc, sd + "defaultDataset", "_:d"), ("_:d", rdf, sd + "Dataset"),
        (svc, "http://purl.org/dc/terms/description",
         ("policykg: read-only SPARQL 1.1 query endpoint; 7.5 s and 123 rows per query; "
          "SERVICE, LOAD, FROM and updates are refused", "en")),
        *((svc, sd + "resultFormat", f"http://www.w3.org/ns/formats/{f}") for f in formats)}
    assert len(g) == 14


SECURITY_HEADERS = {"Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options"}


def test_the_sparql_page_carries_exactly_its_headers(client):
    """No header beside the ones meant: the page varies by Accept (and the session cookie), is
    readable cross-origin like every answer of the endpoint, and is cached by its ETag."""
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert set(r.headers.keys()) == SECURITY_HEADERS | {
        "Access-Control-Allow-Origin", "Content-Length", "Content-Type", "Date", "ETag", "Vary"}
    assert r.headers.getlist("Vary") == ["Accept, Cookie"] and r.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("send, status, body", [
    (dict(method="GET", query_string="query=SELEC"), 400,
     "malformed query: Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}, found 'SELEC'\n"
     "line: 1\ncolumn: 1\n"),
    (dict(method="POST", data={"other": "1"}), 400,
     "no query: send query=… or a body of type application/sparql-query\n"),
    (dict(method="POST", data=b"{}", content_type="application/json"), 415,
     "POST a query as application/sparql-query or a form, not application/json\n"),
    (dict(method="GET", query_string="update=CLEAR+ALL"), 403,
     "this endpoint is read-only: SPARQL Update is refused\n"),
])
def test_a_refusal_carries_exactly_its_headers(client, send, status, body):
    """A refusal is plain text, readable cross-origin (one Access-Control-Allow-Origin, no other)."""
    r = client.open("/sparql", **send)
    assert (r.status_code, r.mimetype, r.get_data(as_text=True)) == (status, "text/plain", body)
    assert set(r.headers.keys()) == SECURITY_HEADERS | {"Access-Control-Allow-Origin", "Content-Length", "Content-Type"}
    assert r.headers.getlist("Access-Control-Allow-Origin") == ["*"]


def test_a_construct_keeps_its_blank_nodes_and_language_tags(client):
    """A blank node of the template is one node in every triple that names it; a tagged title keeps its tag."""
    from rdflib import BNode, Literal, URIRef
    q = ("CONSTRUCT { ?m <http://x/title> ?t ; <http://x/part> _:p . _:p <http://x/number> ?n } "
         "WHERE { ?m a pkg:Measure ; pkg:number 35 ; pkg:number ?n ; pkg:title ?t }")
    r = get(client, q, Accept="application/n-triples")
    assert r.status_code == 200 and r.mimetype == "application/n-triples"
    g = Graph().parse(data=r.get_data(as_text=True), format="nt")
    m = URIRef("https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/35")
    (part,) = g.objects(m, URIRef("http://x/part"))
    assert isinstance(part, BNode) and len(g) == 3
    assert set(g) == {(m, URIRef("http://x/title"), Literal("进一步完善中小企业政策保障机制", lang="zh")),
                      (m, URIRef("http://x/part"), part),
                      (part, URIRef("http://x/number"), Literal(35))}


@pytest.fixture(scope="module")
def public_client():
    return create_app({"TESTING": True, "SPARQL_ISOLATE": False, "PUBLIC_URL": "https://kg.example.org/"}).test_client()


@pytest.mark.parametrize("ask, accept, public, mime", [
    ("?format=jsonld", "text/turtle", False, "application/ld+json"),      # the format named wins
    ("?format=rdf", "text/turtle", False, "application/rdf+xml"),
    ("?format=nt", "text/turtle", True, "application/n-triples"),
    ("?format=nt", "application/ld+json", False, "application/ld+json"),  # no N-Triples without PUBLIC_URL
    ("?format=bogus", "application/rdf+xml", False, "application/rdf+xml"),
    ("", "application/n-triples", False, "text/turtle"),                   # relative IRIs: not N-Triples
    ("", "application/n-triples", True, "application/n-triples"),
    ("", "image/png", False, "text/turtle"),
])
def test_the_service_description_comes_in_the_format_named_then_accepted_then_turtle(
        client, public_client, ask, accept, public, mime):
    r = (public_client if public else client).get("/sparql" + ask, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == mime
    fmt = {"application/ld+json": "json-ld", "application/rdf+xml": "xml", "application/n-triples": "nt",
           "text/turtle": "turtle"}[mime]
    g = Graph().parse(data=r.get_data(as_text=True), format=fmt, publicID="https://kg.example.org/sparql")
    endpoint = URIRef("https://kg.example.org/sparql")
    assert (endpoint, URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"), endpoint) in g


def test_the_service_description_carries_exactly_its_headers(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert set(r.headers.keys()) == SECURITY_HEADERS | {
        "Access-Control-Allow-Origin", "Content-Length", "Content-Type", "Date", "ETag", "Vary"}
    assert r.headers.getlist("Access-Control-Allow-Origin") == ["*"] and r.headers.getlist("Vary") == ["Accept"]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("ask, accept, mime", [
    ("", BROWSER, "text/html"),
    ("", "text/html;q=0.9,text/turtle;q=0.8", "text/html"),
    ("?format=turtle", BROWSER, "text/turtle"),          # a format named: the description, even for a browser
    ("?format=jsonld", "text/html", "application/ld+json"),
    ("", "*/*", "text/turtle"),                           # HTML merely accepted is not preferred
    ("", "text/html,text/turtle", "text/turtle"),         # nor is HTML as good as an RDF type
    ("", "text/turtle;q=0.5,text/html;q=0.4", "text/turtle"),
])
def test_a_browser_gets_the_page_a_program_the_service_description(client, ask, accept, mime):
    r = client.get("/sparql" + ask, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == mime
    assert ("<html" in r.get_data(as_text=True)) is (mime == "text/html")


def test_the_table_format_of_the_web_pages_is_not_a_protocol_format(client):
    """?format=table names the HTML table of the saved-query pages: /sparql answers SPARQL JSON instead."""
    r = client.get("/sparql?format=table&query=" + urllib.parse.quote("SELECT ?x WHERE { BIND (1 AS ?x) }"))
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    assert json.loads(r.get_data(as_text=True)) == {
        "head": {"vars": ["x"]},
        "results": {"bindings": [{"x": {"type": "literal", "value": "1",
                                        "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}
