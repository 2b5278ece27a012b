"""The open-data routes: downloads with checksums, DCAT-AP, VoID, the JSON-LD context, the
ontology reference, dereferencing every IRI of the data, the w3id redirects."""
from __future__ import annotations

import hashlib
import json
import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from policykg import dataset, resources

SITE = "https://w3id.org/policykg/"


@pytest.fixture(scope="module")
def listing(app):
    r = app.test_client().get("/download/index.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def test_the_download_page_lists_each_file_with_its_size_and_sha256(client, listing):
    files = listing["files"]
    assert {f["name"] for f in files} == {f"policykg.{ext}{gz}" for ext in ("ttl", "nt", "nq", "trig", "jsonld", "rdf")
                                          for gz in ("", ".gz")}
    page = client.get("/download/").get_data(as_text=True)
    for f in files:
        r = client.get(f"/download/{f['name']}")
        assert r.status_code == 200
        assert len(r.data) == f["size"] and hashlib.sha256(r.data).hexdigest() == f["sha256"]
        assert r.mimetype == ("application/gzip" if f["name"].endswith(".gz") else f["mediaType"])
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        # the HTML page shows the same name, size and checksum
        assert f["name"] in page and f["sha256"] in page and f"{f['size']:,}" in page
    assert client.get("/download/policykg.exe").status_code == 404
    assert listing["license"] == str(dataset.DATA_LICENSE)


def test_a_download_answers_304_to_its_etag(client):
    r = client.get("/download/policykg.ttl")
    again = client.get("/download/policykg.ttl", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_json_ld_context_is_the_one_the_dump_uses(client):
    ctx = client.get("/context.jsonld")
    assert ctx.status_code == 200 and ctx.mimetype == "application/ld+json"
    dump = json.loads(client.get("/download/policykg.jsonld").data)
    assert ctx.get_json()["@context"] == dump["@context"]
    assert dump["@context"]["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}


@pytest.mark.parametrize("path", ["/void", "/.well-known/void", "/void.ttl"])
def test_void_is_served_where_clients_look(client, path):
    r = client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = Graph().parse(data=r.data, format="turtle")
    V = dataset.VOID
    assert (dataset.DATASET, RDF.type, V.Dataset) in g
    assert g.value(dataset.DATASET, V.sparqlEndpoint) == dataset.SPARQL
    assert len(list(g.objects(dataset.DATASET, V.dataDump))) == 12
    # the triples count is the store's
    store = client.application.extensions["policykg"]["store"]
    assert int(g.value(dataset.DATASET, V.triples)) == len(list(store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())))


def test_the_catalog_negotiates_and_matches_the_downloads(client, listing):
    ttl = client.get("/catalog", headers={"Accept": "text/turtle"})
    jsonld = client.get("/catalog.jsonld")
    html = client.get("/catalog", headers={"Accept": "text/html"})
    assert ttl.mimetype == "text/turtle" and jsonld.mimetype == "application/ld+json" and html.mimetype == "text/html"
    assert "Access-Control-Allow-Origin" not in html.headers
    g = Graph().parse(data=ttl.data, format="turtle")
    sizes = {f["url"]: f["size"] for f in listing["files"]}
    from rdflib.namespace import DCAT
    for dist in g.objects(dataset.DATASET, DCAT.distribution):
        assert int(g.value(dist, DCAT.byteSize)) == sizes[str(g.value(dist, DCAT.downloadURL))]


def pkg_terms(store) -> set[str]:
    terms = set()
    for q in store.store:
        for t in (q.subject, q.predicate, q.object):
            if isinstance(t, ox.NamedNode) and t.value.startswith(SITE + "ontology#"):
                terms.add(t.value)
    return terms


def test_the_ontology_page_has_every_pkg_term_and_negotiates_turtle(client):
    store = client.application.extensions["policykg"]["store"]
    terms = pkg_terms(store)
    assert len(terms) > 140
    page = client.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    ids = set(re.findall(r'<article id="([^"]+)"', page.get_data(as_text=True)))
    assert {t.split("#", 1)[1] for t in terms} <= ids
    ttl = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert ttl.mimetype == "text/turtle" and ttl.headers["Vary"] == "Accept"
    g = Graph().parse(data=ttl.data, format="turtle")
    assert (URIRef(SITE + "ontology#Measure"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g
    assert client.get("/ontology.ttl").data == ttl.data
    en = client.get("/ontology?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Classes" in en and "measure" in en.lower()


def local_path(iri: str) -> str:
    """The local URL of an IRI under the project namespace (a hash IRI: its document)."""
    return "/" + iri[len(SITE):].split("#", 1)[0]


def test_every_iri_of_the_data_under_the_project_namespace_dereferences(client):
    store = client.application.extensions["policykg"]["store"]
    iris = {t.value for q in store.store for t in (q.subject, q.predicate, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(SITE)}
    paths = {local_path(i) for i in iris}
    assert len(paths) > 3000 and "/ontology" in paths
    failed = [p for p in sorted(paths) if client.get(p, headers={"Accept": "application/n-triples"}).status_code != 200]
    assert failed == []
    # and as HTML pages, one IRI of each kind
    kinds = {}
    for p in sorted(paths):
        kinds.setdefault(re.sub(r"[^/]+$", "", p), p)
    for p in kinds.values():
        assert client.get(p, headers={"Accept": "text/html"}).status_code == 200, p
    # the descriptions' own IRIs too
    for iri in (dataset.CATALOG, dataset.DATASET, dataset.VOID_DOC, dataset.SHAPES, URIRef(dataset.CONTEXT)):
        assert client.get(local_path(str(iri))).status_code == 200, iri


def test_a_renamed_body_shows_what_it_is_now(client):
    for old, new, name in (("cbirc-zhangye", "nfra-zhangye", "国家金融监督管理总局张掖监管分局"),
                           ("pboc-zhangye", "pboc-zhangye-branch", "中国人民银行张掖市分行")):
        page = client.get(f"/id/body/{old}").get_data(as_text=True)
        now = re.search(r'<p class="successor">(.*?)</p>', page, re.S)
        assert now is not None, old
        assert f'href="/id/body/{new}"' in now.group(1) and name in now.group(1) and "(2023)" in now.group(1)
        assert '<p class="successor">' not in client.get(f"/id/body/{new}").get_data(as_text=True)


def test_the_w3id_redirects_reach_a_route_of_this_app(client):
    rules = []
    for line in resources.path("w3id", "policykg", ".htaccess").read_text(encoding="utf-8").splitlines():
        m = re.match(r"RewriteRule\s+(\S+)\s+(\S+)\s+\[([^\]]*)\]", line)
        if m:
            rules.append((re.compile(m[1]), m[2], m[3]))
    assert rules and all("R=303" in flags for _, _, flags in rules)
    server = "https://policykg.example.org/"
    for path in ("id/doc/zczmbf-2021-9/measure/9", "id/body/zhangye-finance", "id/place/620700", "ontology",
                 "catalog", "void", "context.jsonld", "shapes", "download/policykg.ttl", "download/", ""):
        target = next((re.sub(r"\$(\d)", lambda m: mm.group(int(m[1])), t) for rx, t, _ in rules
                       for mm in [rx.match(path)] if mm), None)
        assert target is not None and target.startswith(server), path
        assert client.get("/" + target[len(server):]).status_code == 200, target


def test_the_home_page_leads_to_the_downloads_and_the_descriptions(client):
    html = client.get("/?lang=zh").get_data(as_text=True)
    links = re.findall(r'<a href="(/(?:download/|catalog|\.well-known/void|ontology))">([^<]+)</a>', html)
    assert [href for href, _ in links] == ["/download/", "/catalog", "/.well-known/void", "/ontology"]
    assert dict(links)["/download/"] == "全部格式及校验和"
    for href, _ in links:
        assert client.get(href).status_code == 200, href



def test_catalogue_as_the_first_request_does_not_deadlock(tmp_path):
    """Regression: the first request of a fresh app for the DCAT catalogue built the dumps
    inside the catalogue's build under the same plain lock, and hung for ever."""
    from policykg.web import create_app
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": str(tmp_path / "corpus")})
    answers = []
    import threading
    t = threading.Thread(target=lambda: answers.append(
        app.test_client().get("/catalog", headers={"Accept": "text/turtle"})), daemon=True)
    t.start()
    t.join(120)
    assert answers, "GET /catalog did not answer within 120 s"
    assert answers[0].status_code == 200 and b"dcat:Catalog" in answers[0].data
