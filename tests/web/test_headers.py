"""Headers every answer carries, CORS on public data only, and no trust in the Host header."""
import urllib.parse

import pytest
from rdflib import Graph, URIRef

from policykg.web import create_app

SD = "http://www.w3.org/ns/sparql-service-description#"
MEASURE9 = "/id/doc/zczmbf-2021-9/measure/9"

EVERY_KIND = [
    ("GET", "/"), ("GET", "/editor"), ("GET", "/network"), ("GET", "/network.json?part=2"),
    ("GET", "/queries"), ("GET", "/queries/part-summary"), ("GET", "/queries/part-summary.csv"),
    ("GET", "/queries/nope"), ("GET", "/queries/part-summary.csv?x=<script>"),
    ("GET", MEASURE9), ("GET", MEASURE9 + ".ttl"), ("GET", "/id/nothing/here"), ("GET", "/id/%ff"),
    ("GET", "/sparql"), ("GET", "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { <script>alert(1)</script> }")),
    ("HEAD", "/sparql"), ("OPTIONS", "/sparql"), ("PUT", "/sparql"), ("GET", "/dump.nt"),
    ("GET", "/static/style.css"), ("GET", "/static/js/editor.js"), ("GET", "/static/nothing.js"),
    ("GET", "/id//body/zhangye-finance"),
]


@pytest.mark.parametrize("method, url", EVERY_KIND)
def test_every_answer_forbids_sniffing_and_framing(client, method, url):
    r = client.open(url, method=method)
    assert r.headers["X-Content-Type-Options"] == "nosniff", r.status_code
    assert r.headers["X-Frame-Options"] == "DENY"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp


def test_an_echoed_script_is_plain_text_the_browser_may_not_sniff(client):
    r = client.get("/sparql?query=" + urllib.parse.quote("SELECT * WHERE { <script>alert(1)</script> }"))
    assert r.status_code == 400 and r.mimetype == "text/plain"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("method, url, headers, cors", [
    ("GET", "/sparql?query=ASK%7B%7D", {}, True),
    ("POST", "/sparql", {}, True),                                 # a refusal is readable too
    ("GET", "/sparql", {}, True),                                  # the service description
    ("OPTIONS", "/sparql", {}, True),
    ("GET", "/dump.ttl", {}, True),
    ("GET", MEASURE9, {"Accept": "text/turtle"}, True),
    ("GET", MEASURE9 + ".jsonld", {}, True),
    ("GET", MEASURE9, {"Accept": "text/html"}, False),
    ("GET", "/", {}, False), ("GET", "/editor", {}, False), ("GET", "/network", {}, False),
    ("GET", "/queries/part-summary", {}, False), ("GET", "/static/style.css", {}, False),
])
def test_cors_on_public_data_only(client, method, url, headers, cors):
    r = client.open(url, method=method, headers=headers)
    assert (r.headers.get("Access-Control-Allow-Origin") == "*") is cors, r.headers


def test_cors_stays_on_a_304_of_linked_data(client):
    first = client.get(MEASURE9, headers={"Accept": "text/turtle"})
    again = client.get(MEASURE9, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Access-Control-Allow-Origin"] == "*"


def test_a_spoofed_host_is_not_in_the_service_description(client):
    for accept, fmt in [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                        ("application/rdf+xml", "xml"), ("application/n-triples", "turtle")]:
        r = client.get("/sparql", headers={"Host": "evil.example", "Accept": accept})
        assert r.status_code == 200 and b"evil.example" not in r.get_data(), accept
        # relative: the client resolves it against the URL it fetched
        g = Graph().parse(data=r.get_data(as_text=True), format=fmt, publicID="https://kg.example.org/sparql")
        endpoint = URIRef("https://kg.example.org/sparql")
        assert (endpoint, URIRef(SD + "endpoint"), endpoint) in g, accept


def test_a_spoofed_host_is_not_in_a_redirect(client):
    r = client.get("/id//body/zhangye-finance?lang=en", headers={"Host": "evil.example"})
    assert r.status_code == 308 and r.headers["Location"] == "/id/body/zhangye-finance?lang=en"
    assert b"evil.example" not in r.get_data()


def test_public_url_names_the_endpoint_and_the_redirects():
    # in-process: no query runs here, and isolated workers would outlive the test
    public = create_app({"TESTING": True, "SPARQL_ISOLATE": False,
                         "PUBLIC_URL": "https://kg.example.org/policykg/"}).test_client()
    r = public.get("/sparql", headers={"Host": "evil.example", "Accept": "application/n-triples"})
    assert r.mimetype == "application/n-triples" and b"evil.example" not in r.get_data()
    g = Graph().parse(data=r.get_data(as_text=True), format="nt")
    endpoint = URIRef("https://kg.example.org/policykg/sparql")
    assert (endpoint, URIRef(SD + "endpoint"), endpoint) in g
    r = public.get("/id//body/zhangye-finance", headers={"Host": "evil.example"})
    assert r.headers["Location"] == "https://kg.example.org/policykg/id/body/zhangye-finance"
    # mounted under a prefix, PUBLIC_URL stands for the mount point
    r = public.get("/id//body/zhangye-finance", headers={"Host": "evil.example"},
                   environ_overrides={"SCRIPT_NAME": "/policykg"})
    assert r.headers["Location"] == "https://kg.example.org/policykg/id/body/zhangye-finance"
    r = public.get("/sparql", headers={"Host": "evil.example"}, environ_overrides={"SCRIPT_NAME": "/policykg"})
    assert "<https://kg.example.org/policykg/sparql>" in r.get_data(as_text=True)


@pytest.mark.parametrize("bad", ["kg.example.org", "ftp://kg.example.org/", "https://", "https://kg.example.org/?a=b"])
def test_public_url_must_be_an_http_url(bad):
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        create_app({"TESTING": True, "PUBLIC_URL": bad})
