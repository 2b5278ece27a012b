"""/sparql as the protocol has it: UTF-8 only, one query per request, HEAD as GET, ASK in the
format asked for, and a request body bounded before it is read."""
import json
import urllib.parse
import urllib.request

import pytest

from policykg.web import create_app

from .test_sparql import Q, live_server


@pytest.mark.parametrize("send, offset", [
    (lambda c: c.post("/sparql", data=b"ASK { \xff }", content_type="application/sparql-query"),
     "byte 0xff at byte offset 6"),
    (lambda c: c.post("/sparql", data=b"ASK { \xe4\xb8 }", content_type="application/sparql-query"),
     "byte 0xe4 at byte offset 6"),
    (lambda c: c.post("/sparql", data=b"query=ASK%7B%FF%7D", content_type="application/x-www-form-urlencoded"),
     "byte 0xff at byte offset 4"),
    (lambda c: c.post("/sparql", data=b"query=ASK{\xff}", content_type="application/x-www-form-urlencoded"),
     "byte 0xff at byte offset 4"),
    (lambda c: c.get("/sparql?query=ASK%7B%FF%7D"), "byte 0xff at byte offset 4"),
])
def test_a_query_that_is_not_utf8_is_refused_not_repaired(client, send, offset):
    """werkzeug replaces undecodable bytes with U+FFFD: the query run would not be the one sent."""
    r = send(client)
    assert r.status_code == 400 and "not UTF-8" in r.get_data(as_text=True)
    assert offset in r.get_data(as_text=True)


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql?query=ASK%7B%7D&query=SELECT%20*%7B%7D"),
    lambda c: c.post("/sparql", data="query=ASK{}&query=ASK{}", content_type="application/x-www-form-urlencoded"),
    lambda c: c.post("/sparql?query=ASK{}", data="query=ASK{}", content_type="application/x-www-form-urlencoded"),
    lambda c: c.post("/sparql?query=ASK{}", data="ASK {}", content_type="application/sparql-query"),
])
def test_two_queries_in_one_request_are_refused(client, send):
    # the W3C protocol tests (query_multiple_queries): never run one of them silently
    r = send(client)
    assert r.status_code == 400 and "query" in r.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/sparql", "/sparql?query=" + urllib.parse.quote(Q),
                                 "/sparql?query=ASK%7B%7D", "/sparql?query=SELECT", "/dump.nt", "/",
                                 "/id/doc/zczmbf-2021-9/measure/9", "/queries/part-summary.csv"])
def test_head_answers_what_get_answers_without_the_body(client, url):
    get_, head = client.get(url), client.head(url)
    assert head.status_code == get_.status_code and head.get_data() == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Vary", "Access-Control-Allow-Origin"):
        assert head.headers.get(name) == get_.headers.get(name), name


@pytest.mark.parametrize("ask, accept, body, mime", [
    ("ASK { ?m a pkg:Measure }", {"Accept": "application/sparql-results+xml"}, "<boolean>true</boolean>",
     "application/sparql-results+xml"),
    ("ASK { ?m a pkg:Nothing }&format=xml", {}, "<boolean>false</boolean>", "application/sparql-results+xml"),
    ("ASK { ?m a pkg:Measure }", {"Accept": "application/sparql-results+json"}, '"boolean": true',
     "application/sparql-results+json"),
    ("ASK { ?m a pkg:Measure }", {}, '"boolean": true', "application/sparql-results+json"),
    ("ASK { ?m a pkg:Measure }", {"Accept": "text/csv"}, "true", "text/csv"),
])
def test_ask_answers_in_the_format_asked_for(client, ask, accept, body, mime):
    query, _, extra = ask.partition("&")
    r = client.get("/sparql?" + urllib.parse.urlencode({"query": query}) + ("&" + extra if extra else ""),
                   headers=accept)
    assert r.status_code == 200 and r.mimetype == mime and body in r.get_data(as_text=True)
    if mime.endswith("xml"):
        import xml.etree.ElementTree as ET
        root = ET.fromstring(r.get_data())
        assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
        assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == body[9:-10]


def test_a_body_over_the_limit_is_refused_before_it_is_read(app):
    """413 from the Content-Length alone: the client has sent 64 KB of its announced 200 MB."""
    import socket
    import time
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit < 200_000_000
    with live_server(app) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                      b"Content-Length: 200000000\r\n\r\n" + b"#" * 65536)
            started = time.monotonic()
            answer = s.recv(4096)           # times out (10 s) if the server waits for the rest
            assert time.monotonic() - started < 10
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        # (a client that goes on sending after the 413 may see the connection reset: waitress
        # closes it rather than read the rest) a body of exactly the limit is read and answered
        form = b"query=ASK%7B%7D&padding="
        at = urllib.request.Request(base + "/sparql", data=form + b"x" * (limit - len(form)), method="POST",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(at, timeout=30) as ok:
            assert json.loads(ok.read())["boolean"] is True


def test_the_test_client_gets_413_from_flask_with_the_setting_named():
    # in-process: the body is refused before any query runs, and isolated workers would outlive the test
    small = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "MAX_CONTENT_LENGTH": 100}).test_client()
    r = small.post("/sparql", data=b"#" * 101, content_type="application/sparql-query")
    assert r.status_code == 413 and "MAX_CONTENT_LENGTH" in r.get_data(as_text=True)
    r = small.post("/sparql", data="query=" + "#" * 95, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert small.post("/sparql", data=b"ASK {}", content_type="application/sparql-query").status_code == 200


@pytest.mark.parametrize("send, body", [
    (lambda c: c.get("/sparql?query=ASK%7B%FF%7D"),
     "the query parameter in the URL is not UTF-8: byte 0xff at byte offset 4 of its %-decoded value\n"),
    (lambda c: c.get("/sparql?%FF=1"),
     "a parameter name in the URL is not UTF-8: byte 0xff at byte offset 0 of the %-decoded name\n"),
    (lambda c: c.post("/sparql", data=b"query=ASK%7B%FF%7D", content_type="application/x-www-form-urlencoded"),
     "the query parameter in the request body is not UTF-8: byte 0xff at byte offset 4 of its %-decoded value\n"),
])
def test_a_parameter_that_is_not_utf8_is_named_with_where_it_came_from(client, send, body):
    r = send(client)
    assert (r.status_code, r.mimetype, r.get_data(as_text=True)) == (400, "text/plain", body)


@pytest.mark.parametrize("send, status, body", [
    (lambda c: c.post("/sparql", data=b"INSERT DATA {}", content_type="application/sparql-update"), 403,
     "this endpoint is read-only: SPARQL Update is refused\n"),
    (lambda c: c.post("/sparql?query=ASK{}", data=b"ASK {}", content_type="application/sparql-query"), 400,
     "two queries: a POSTed application/sparql-query body and a query parameter in the URL\n"),
    (lambda c: c.post("/sparql", data=b"ASK { \xff }", content_type="application/sparql-query"), 400,
     "the request body is not UTF-8: byte 0xff at byte offset 6\n"),
])
def test_a_refused_post_says_exactly_why(client, send, status, body):
    r = send(client)
    assert (r.status_code, r.mimetype, r.get_data(as_text=True)) == (status, "text/plain", body)


FORM = "application/x-www-form-urlencoded"
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused\n"
TWO = "2 query parameters: send exactly one query\n"
TRUE = '{"head": {}, "boolean": true}'


@pytest.mark.parametrize("method, url, body, ctype, status, answer", [
    ("POST", "/sparql", b"update=CLEAR+ALL", FORM, 403, READ_ONLY),
    ("POST", "/sparql?update=CLEAR+ALL", b"query=ASK%7B%7D", FORM, 403, READ_ONLY),
    ("GET", "/sparql?update=CLEAR+ALL", None, None, 403, READ_ONLY),
    ("POST", "/sparql", b"query=ASK%7B%7D&query=ASK%7B%7D", FORM, 400, TWO),
    ("POST", "/sparql?query=ASK%7B%7D", b"query=ASK%7B%7D", FORM, 400, TWO),
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, None, 400, TWO),
    ("POST", "/sparql", b"query=ASK%7B%7D", FORM, 200, TRUE),
    ("POST", "/sparql?query=ASK%7B%7D", b"other=1", FORM, 200, TRUE),     # the URL's query, a form without one
    ("GET", "/sparql?query=ASK%7B%7D", None, None, 200, TRUE),
    ("POST", "/sparql", b"query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fx%2Fg", FORM, 400,
     "default-graph-uri / named-graph-uri: only the local default graph is served\n"),
    ("POST", "/sparql", b"ASK {}", "text/plain", 415,
     "POST a query as application/sparql-query or a form, not text/plain\n"),
    ("POST", "/sparql", b"ASK {}", None, 415, "POST a query as application/sparql-query or a form, not nothing\n"),
])
def test_each_way_of_sending_a_query_is_answered_exactly(client, method, url, body, ctype, status, answer):
    r = client.open(url, method=method, data=body, content_type=ctype)
    assert (r.status_code, r.get_data(as_text=True)) == (status, answer)
    assert r.mimetype == ("application/sparql-results+json" if status == 200 else "text/plain")
