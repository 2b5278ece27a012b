"""The response cache: a repeated request gets the same bytes without the app running again;
answers of an older store, of another language or format, are never served; memory stays
within CACHE_BYTES; refusals are never kept; a running server follows its corpus."""
import json
import urllib.parse
from pathlib import Path

import pytest

from policykg.corpus import Corpus
from policykg.store import default_files
from policykg.web import SECURITY_HEADERS, create_app
from policykg.web.cache import ByteLRU

MEASURE9 = "/id/doc/zczmbf-2021-9/measure/9"
BODY = "/id/body/zhangye-finance"
SAVED = "/queries/measures-by-department.csv?department=%E5%B8%82%E8%B4%A2%E6%94%BF%E5%B1%80"
Q = "SELECT ?n WHERE { ?m a pkg:Measure ; pkg:number ?n } ORDER BY ?n"
HUNAN = Path(__file__).parents[1] / "fixtures" / "notices" / "hunan-2024-work-points.txt"


def cache_of(app):
    return app.extensions["policykg_cache"].lru


def test_a_hit_returns_the_same_bytes_and_headers_without_running_the_app(app, client, monkeypatch):
    for url, headers in [(MEASURE9, {}), (SAVED, {}), (BODY, {"Accept": "text/turtle"}),
                         ("/sparql?" + urllib.parse.urlencode({"query": Q}), {})]:
        first = client.get(url, headers=headers)
        hits = cache_of(app).hits
        # a hit must not reach a store: make every query fail
        monkeypatch.setattr(app.extensions["policykg"]["store"], "_run", None)
        again = client.get(url, headers=headers)
        monkeypatch.undo()
        assert first.status_code == again.status_code == 200, url
        assert again.get_data() == first.get_data() and cache_of(app).hits == hits + 1, url
        assert sorted(again.headers.items()) == sorted(first.headers.items()), url
        for name, value in SECURITY_HEADERS.items():
            assert again.headers[name] == value


def test_conditional_and_head_requests_are_answered_from_the_cache(app, client):
    first = client.get(MEASURE9)
    hits = cache_of(app).hits
    again = client.get(MEASURE9, headers={"If-None-Match": first.headers["ETag"]})
    head = client.head(MEASURE9)
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == first.headers["ETag"]
    assert "Content-Type" not in again.headers and again.headers["X-Frame-Options"] == "DENY"
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(first.get_data()))
    assert cache_of(app).hits == hits + 2


def test_languages_and_formats_are_never_mixed(client):
    zh, en = client.get(BODY).get_data(as_text=True), client.get(BODY + "?lang=en").get_data(as_text=True)
    assert "<h1>张掖市财政局</h1>" in zh and "<h1>Zhangye Municipal Bureau of Finance</h1>" in en
    client.set_cookie("lang", "en")
    by_cookie = client.get(BODY).get_data(as_text=True)
    client.delete_cookie("lang")
    assert "<h1>Zhangye Municipal Bureau of Finance</h1>" in by_cookie
    assert "<h1>张掖市财政局</h1>" in client.get(BODY).get_data(as_text=True)
    html = client.get(MEASURE9, headers={"Accept": "text/html"})
    turtle = client.get(MEASURE9, headers={"Accept": "text/turtle"})
    assert html.mimetype == "text/html" and turtle.mimetype == "text/turtle"
    assert client.get(MEASURE9, headers={"Accept": "text/html"}).get_data() == html.get_data()
    csv, json = client.get(SAVED), client.get(SAVED.replace(".csv", ".json"))
    assert csv.mimetype == "text/csv" and json.mimetype == "application/sparql-results+json"
    sparql = "/sparql?" + urllib.parse.urlencode({"query": Q})
    assert client.get(sparql, headers={"Accept": "text/csv"}).get_data().startswith(b"n\r\n")
    assert client.get(sparql).get_data().startswith(b"{")


@pytest.mark.parametrize("send", ["get", "form", "direct"])
def test_refusals_are_checked_every_time_even_beside_cached_answers(app, client, send):
    def ask(query):
        if send == "get":
            return client.get("/sparql?" + urllib.parse.urlencode({"query": query}))
        if send == "form":
            return client.post("/sparql", data={"query": query})
        return client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert ask(Q).get_data() == ask(Q).get_data()               # the second from the cache
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for query, status in [(service, 400), (Q.replace("WHERE {", "WHERE { SERVICE <http://127.0.0.1:9/> { ?x ?y ?z }"), 400),
                          ("LOAD <http://127.0.0.1:9/data.ttl>", 403)]:
        for _ in range(2):
            r = ask(query)
            assert r.status_code == status and b"n\r\n" not in r.get_data(), (query, r.get_data())
    kept = len(cache_of(app))
    assert client.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/x>"}).status_code == 403
    assert client.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/x>"}).status_code == 403
    assert len(cache_of(app)) == kept


def test_a_post_over_the_body_limit_is_refused_unread():
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "POLICYKG_FILES": default_files(),
                      "MAX_CONTENT_LENGTH": 100})
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200
    for _ in range(2):
        assert app.test_client().post("/sparql", data=big, content_type="application/sparql-query").status_code == 413


def test_memory_stays_within_the_limit_and_evicted_answers_come_back_the_same():
    limit = 200_000
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "POLICYKG_FILES": default_files(),
                      "CACHE_BYTES": limit})
    client, lru = app.test_client(), cache_of(app)
    pages = [f"/id/doc/zczmbf-2021-9/measure/{n}" for n in range(1, 13)]
    first = {url: client.get(url).get_data() for url in pages}
    assert lru.evictions > 0 and 0 < lru.size <= limit and len(lru) < len(pages)
    assert all(client.get(url).get_data() == body for url, body in first.items())
    assert lru.size <= limit


def test_the_lru_drops_the_least_recently_used_first():
    lru = ByteLRU(100)
    assert lru.put("a", 1, 20) and lru.put("b", 2, 20) and not lru.put("huge", 3, 26)
    lru.get("a")
    for key in "cdef":
        lru.put(key, key, 20)
    assert lru.get("b") is None and lru.get("a") == 1 and lru.size == 100 and lru.evictions == 1
    lru.put("g", "g", 20)
    assert lru.get("c") is None and lru.get("d") == "d" and lru.size == 100 and lru.evictions == 2


def test_over_a_remote_store_that_names_no_version_nothing_is_kept_and_no_etag_matches():
    """Nothing answers at the endpoint (port 9): no version, so every answer is computed afresh
    and carries an ETag of its own."""
    app = create_app({"TESTING": True, "ENDPOINT": "http://127.0.0.1:9/sparql"})
    client = app.test_client()
    tags = {client.get("/queries").headers["ETag"] for _ in range(3)}
    assert len(tags) == 3 and len(cache_of(app)) == 0 and cache_of(app).hits == 0


def test_over_a_remote_store_answers_are_kept_per_published_version(tmp_path):
    """`policykg publish` names the data it sent in the store; `serve --endpoint` keeps answers
    while the store names that version, serves the new data after a re-publish (no ETag of the
    old one matches), and keeps nothing while the store names none (a publish under way)."""
    import subprocess
    import sys

    from policykg.publish import VERSION_GRAPH

    from .. import stores

    def publish(server, corpus):
        r = subprocess.run([sys.executable, "-m", "policykg.cli", "publish", "--endpoint", server.url],
                           capture_output=True, text=True, env=stores.publish_env(server, corpus))
        assert r.returncode == 0, r.stderr
        return r.stdout

    (tmp_path / "server").mkdir()
    with stores.SERVERS["oxigraph"](tmp_path / "server") as server:
        corpus = tmp_path / "corpus"
        out = publish(server, corpus)
        assert f"(<{VERSION_GRAPH}>)" in out.splitlines()[-2]       # written after every graph
        app = create_app({"TESTING": True, "ENDPOINT": server.url})
        client = app.test_client()
        first = client.get("/queries/documents.csv")
        again = client.get("/queries/documents.csv")
        assert first.status_code == 200 and "湖南" not in first.get_data(as_text=True)
        assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
        assert cache_of(app).hits == 1
        assert client.get("/queries/documents.csv", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        # the same graphs published again: the same version, the answers kept
        assert publish(server, corpus).splitlines()[-2] == out.splitlines()[-2]
        assert client.get("/queries/documents.csv").headers["ETag"] == first.headers["ETag"]
        assert cache_of(app).hits == 3

        Corpus(corpus).ingest(HUNAN, id="hunan")
        publish(server, corpus)
        after = client.get("/queries/documents.csv")
        assert "湖南" in after.get_data(as_text=True) and after.headers["ETag"] != first.headers["ETag"]
        assert client.get("/queries/documents.csv", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
        assert "hunan" in str(app.extensions["policykg"]["store"].notices())      # a new store, a new notice list

        # the version deleted, as a publish does first: nothing kept, nothing matched
        from policykg.publish import Sender
        from policykg.remote import Authenticator, dialect_for
        dialect = dialect_for(server.url)
        gsp = dialect.gsp_url(server.url)
        Sender(gsp, dialect, Authenticator(gsp)).delete(VERSION_GRAPH)
        hits = cache_of(app).hits
        tags = {client.get("/queries/documents.csv").headers["ETag"] for _ in range(2)}
        assert len(tags) == 2 and after.headers["ETag"] not in tags and cache_of(app).hits == hits


def test_after_an_ingest_and_a_removal_the_next_request_sees_the_new_store(tmp_path):
    folder = tmp_path / "corpus"
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": str(folder)})
    client = app.test_client()
    listed = client.get("/queries/documents.csv").get_data(as_text=True)
    etag = client.get("/queries/documents.csv").headers["ETag"]
    assert "湖南" not in listed and cache_of(app).hits >= 1
    Corpus(folder).ingest(HUNAN, id="hunan")
    after = client.get("/queries/documents.csv")
    assert "湖南" in after.get_data(as_text=True) and after.headers["ETag"] != etag
    assert client.get("/queries/documents.csv", headers={"If-None-Match": etag}).status_code == 200
    assert "湖南" in client.get("/documents").get_data(as_text=True)
    Corpus(folder).remove("hunan")
    assert client.get("/queries/documents.csv").get_data(as_text=True) == listed
    # a notice whose graph cannot be read (written by hand): the site stays up on the store it has
    broken = folder / "broken"
    broken.mkdir()
    (broken / "graph.ttl").write_text("this is not Turtle", encoding="utf-8")
    (broken / "basis.ttl").write_text("", encoding="utf-8")
    (broken / "entry.json").write_text(json.dumps({"id": "broken", "title": None, "number": None, "issuer": None,
                                                   "date": None, "measures": 0, "bodies": 0}), encoding="utf-8")
    again = client.get("/queries/documents.csv")
    assert again.status_code == 200 and again.get_data(as_text=True) == listed


def test_a_notice_folder_missing_a_file_leaves_the_server_on_its_store_listing_it_once(tmp_path, monkeypatch):
    """A folder with no basis.ttl is a state no store can be built from: the site stays up on the
    store it has and lists the corpus again only when a folder changes, not at every request."""
    import policykg.web as web
    from policykg.web import freshness
    monkeypatch.setattr(freshness, "RACY", 0)           # no second look for a change within the same second
    folder = tmp_path / "corpus"
    folder.mkdir()
    client = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": str(folder)}).test_client()
    listed = client.get("/queries/documents.csv").get_data(as_text=True)
    half = folder / "half"
    half.mkdir()
    (half / "graph.ttl").write_text("", encoding="utf-8")
    (half / "entry.json").write_text(json.dumps({"id": "half", "title": None, "number": None, "issuer": None,
                                                 "date": None, "measures": 0, "bodies": 0}), encoding="utf-8")
    listings = []
    real = web.corpus_files
    monkeypatch.setattr(web, "corpus_files", lambda corpus: listings.append(corpus) or real(corpus))
    for _ in range(3):
        r = client.get("/queries/documents.csv")
        assert r.status_code == 200 and r.get_data(as_text=True) == listed
    assert len(listings) == 2                           # the change seen, the build tried: once


def test_a_server_opening_a_corpus_leaves_a_running_ingests_pending_folder_alone(tmp_path):
    """Regression: the server is a reader; a `.new-…` folder may be an ingest running in
    another process, and only the writer (Corpus() in ingest/remove) puts it right."""
    folder = tmp_path / "corpus"
    pending = folder / ".new-notice-a"
    pending.mkdir(parents=True)
    (pending / "graph.ttl").write_text("", encoding="utf-8")
    app = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": str(folder)})
    assert app.test_client().get("/").status_code == 200
    assert pending.is_dir()
    Corpus(folder)
    assert not pending.exists()
