"""Pages and linked data through the Flask test client."""
import json
import re

import pytest

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from policykg.iris import PKG

MEASURE9 = "/id/doc/zczmbf-2021-9/measure/9"


def test_home_names_the_notice_and_its_source(client):
    html = client.get("/").get_data(as_text=True)
    assert "张促中民办发〔2021〕9号" in html and "关于进一步健全支持中小企业发展制度的若干措施" in html
    assert "0f2495d3bec806f6593c74b0ca606f3f8ae915a0b6c28092ea67b63f9b63751a" in html
    # counts are named in the page language and lead to the list they count
    assert re.search(r'<th>措施</th><td><a class="count" href="/queries/part-summary">35</a></td>', html)
    assert "<th>Measures</th>" in client.get("/?lang=en").get_data(as_text=True)


def test_measure_page_highlights_the_extracted_words(client):
    html = client.get(MEASURE9).get_data(as_text=True)
    assert "（九）严格执行政府采购支持中小企业政策机制" in html
    assert 'class="mention cites" href="/id/legal/gov-procurement-sme-interim-measures"' in html
    assert ">《政府采购促进中小企业发展暂行办法》</a>" in html
    assert 'href="/id/body/zhangye-finance"' in html
    assert 'rel="prev" href="/id/doc/zczmbf-2021-9/measure/8"' in html
    assert 'rel="next" href="/id/doc/zczmbf-2021-9/measure/10"' in html
    assert "≥" in html or "&gt;=" in html             # a target with its comparator
    assert '<small class="rank">规范性文件</small>' in html   # the cited document's rank


def test_jsonld_is_embedded_and_escaped(client):
    html = client.get(MEASURE9).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block                             # tojson escapes < as \u003c
    data = json.loads(block)
    assert any("measure/9" in node.get("@id", "") for node in data)


@pytest.mark.parametrize("path", [MEASURE9, "/id/body/zhangye-finance", "/id/doc/zczmbf-2021-9"])
def test_the_embedded_jsonld_holds_the_same_graph_as_the_turtle(client, path):
    from rdflib import Literal
    html = client.get(path).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    embedded = Graph().parse(data=block, format="json-ld")
    turtle = Graph().parse(data=client.get(path + ".ttl").get_data(as_text=True), format="turtle")
    def values(g):     # a literal by its value: the Turtle writes decimal 30 as 30.0
        return {(s, p, (o.toPython(), o.datatype, o.language) if isinstance(o, Literal) else o) for s, p, o in g}
    assert len(embedded) >= 5 and values(embedded) == values(turtle)


def test_english_switch_changes_labels_not_data(client):
    zh = client.get("/id/body/zhangye-finance").get_data(as_text=True)
    en = client.get("/id/body/zhangye-finance?lang=en").get_data(as_text=True)
    assert "<h1>张掖市财政局</h1>" in zh and "<h1>Zhangye Municipal Bureau of Finance</h1>" in en
    assert "市财政局" in en                              # the abbreviation as written stays


def test_body_page_lists_its_measures(client):
    html = client.get("/id/body/zhangye-statistics").get_data(as_text=True)
    assert 'href="/id/doc/zczmbf-2021-9/measure/4"' in html


def test_content_negotiation_and_suffixes(client):
    for accept, mime in [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
                         ("application/rdf+xml", "application/rdf+xml"), ("application/n-triples", "application/n-triples"),
                         ("text/html", "text/html")]:
        r = client.get(MEASURE9, headers={"Accept": accept})
        # a page's words also follow the language cookie; the data does not
        vary = "Accept, Cookie" if mime == "text/html" else "Accept"
        assert r.status_code == 200 and r.mimetype == mime and r.headers["Vary"] == vary
    for suffix, fmt in [(".ttl", "turtle"), (".jsonld", "json-ld"), (".rdf", "xml"), (".nt", "nt")]:
        r = client.get(MEASURE9 + suffix)
        g = Graph().parse(data=r.get_data(as_text=True), format=fmt)
        m = URIRef("https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/9")
        assert (m, RDF.type, PKG.Measure) in g
        assert any(str(s).startswith(str(m) + "/mention/") for s in g.subjects())   # owned nodes come along


def test_etag_gives_304(client):
    first = client.get(MEASURE9, headers={"Accept": "text/turtle"})
    again = client.get(MEASURE9, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    html = client.get(MEASURE9, headers={"If-None-Match": first.headers["ETag"]})
    assert html.status_code == 200                       # another representation, another tag


@pytest.fixture(scope="module")
def lenient():
    """An app that answers 500 for a server error, as in production, instead of raising it."""
    from policykg.web import create_app
    return create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False})


@pytest.mark.parametrize("path", [
    "/id/%ff", "/id/%ff.ttl", "/id/body/%c3%28", "/id/%ef%bf%bd", "/id/%ee%80%80", "/id/%25zz", "/id/a%23b%23c",
    "/id/%5B", "/queries/%ff", "/queries/%ff.csv", "/static/%ff", "/dump.%ff", "/%ff"])
def test_a_path_that_is_no_iri_is_404_not_500(lenient, path):
    client = lenient.test_client()
    for accept in ("text/html", "text/turtle"):
        assert client.get(path, headers={"Accept": accept}).status_code == 404, (path, accept)


def test_unknown_iri_is_404(client):
    assert client.get("/id/doc/zczmbf-2021-9/measure/99", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/doc/zczmbf-2021-9/measure/99").status_code == 404


def test_dump(client):
    r = client.get("/dump.nt")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith('policykg.nt"')
    assert len(r.get_data(as_text=True).splitlines()) > 7000


def test_a_dump_is_built_once_and_a_304_or_head_builds_nothing(monkeypatch):
    """Serialising the dataset costs about 1.5 s of CPU: once per data version, not per request."""
    from policykg.web import create_app, linked_data
    built = []

    class Counted(Graph):
        def serialize(self, *args, **kwargs):
            built.append(kwargs.get("format"))
            return super().serialize(*args, **kwargs)
    monkeypatch.setattr(linked_data, "Graph", Counted)
    client = create_app({"TESTING": True}).test_client()
    tag = client.head("/dump.ttl").headers["ETag"]            # a cold HEAD builds the body it measures
    assert built == ["turtle"]
    first = client.get("/dump.ttl")
    second = client.get("/dump.ttl")
    head = client.head("/dump.ttl")
    again = client.get("/dump.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert first.status_code == second.status_code == head.status_code == 200
    assert first.get_data() == second.get_data() and head.get_data() == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"] == str(len(first.get_data()))
    assert first.headers["ETag"] == head.headers["ETag"] == tag
    assert again.status_code == 304 and again.get_data() == b""
    assert built == ["turtle"]                             # one build for all five
    fresh = create_app({"TESTING": True}).test_client()       # a 304 on a cold app builds nothing
    assert fresh.get("/dump.nt", headers={"If-None-Match": tag.replace("ttl", "nt")}).status_code == 304
    assert fresh.get("/dump.jsonld", headers={"If-None-Match": "*"}).status_code == 304
    assert built == ["turtle"]
    Graph().parse(data=first.get_data(as_text=True), format="turtle")


def test_document_page_is_the_notice_as_parts_and_measures(client):
    html = client.get("/id/doc/zczmbf-2021-9").get_data(as_text=True)
    toc = html[html.index('class="toc"'):html.index("</section>", html.index('class="toc"'))]
    assert toc.count("<h2>") == 7 and toc.count("<li>") == 35
    assert toc.index("一、优化公平公正市场环境") < toc.index("（一）加大中小企业发展政策宣贯落实") < toc.index("七、强化")


def test_body_page_shows_measures_partners_and_variants(client):
    html = client.get("/id/body/cbirc-zhangye").get_data(as_text=True)
    assert "张掖银保分监局 × 2" in html and "张掖银保监分局 × 6" in html
    assert f'{chr(65288)}10{chr(65289)}进一步优化货币信贷传导机制' in html
    # the count of shared measures links to the list of them
    assert re.search(r'href="/id/body/pboc-zhangye">中国人民银行张掖市中心支行</a> × <a class="count" '
                     r'href="/queries/shared-measures\?body_a=[^"]*cbirc-zhangye[^"]*pboc-zhangye"[^>]*>8</a>', html)


def test_legal_document_page_quotes_the_citing_sentence_and_the_chain(client):
    html = client.get("/id/legal/sme-payment-regulation-2020").get_data(as_text=True)
    assert "<blockquote>全面贯彻执行《保障中小企业款项支付条例》" in html
    assert 'href="/id/legal/sme-payment-regulation-2025"' in html      # superseded by the 2025 revision


def test_every_page_answers_304_to_its_etag(client):
    for url in ("/", "/queries", "/queries/part-summary", "/id/doc/zczmbf-2021-9", "/network.json?part=3"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers.get("ETag"), url
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304, url


def test_editor_and_network_routes(client):
    html = client.get("/editor").get_data(as_text=True)
    assert 'vendor/yasgui.min.js' in html and '"endpoint": "/sparql"' in html
    data = client.get("/network.json?measure=https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/9").get_json()
    kinds = sorted(n["kind"] for n in data["nodes"])
    assert kinds == ["body", "document", "measure"]            # 市财政局, the interim measures, measure 9
    assert client.get("/network.json?measure=not an iri").status_code == 400
    everything = client.get("/network.json").get_json()
    part2 = client.get("/network.json?part=2").get_json()
    assert len(part2["nodes"]) < len(everything["nodes"])


def test_measure_page_shows_its_legal_basis_side_by_side(client):
    html = client.get(MEASURE9).get_data(as_text=True)
    basis = html[html.index('class="basis"'):html.index("</table>", html.index('class="basis"'))]
    assert 'href="/id/legal/sme-promotion-law/article/40"' in basis
    assert "<mark>政府采购不得在企业股权结构、经营年限、经营规模和财务指标等方面对中小企业实行差别待遇或者歧视待遇</mark>" in basis
    # the whole passages stand beside each other, the shared words marked
    assert "为中小企业获得政府采购合同提供指导和服务。" in basis                    # the measure's sentence, unmarked part
    html30 = client.get("/id/doc/zczmbf-2021-9/measure/30").get_data(as_text=True)
    assert ('<td class="passage">第二十条 审计机关依法<mark>对机关、事业单位和国有大型企业支付中小企业款项</mark>'
            '情况实施<mark>审计监督</mark>。</td>') in html30



def test_measure_page_shows_confidence_and_reason_not_the_score(client):
    html = client.get("/id/doc/zczmbf-2021-9/measure/30").get_data(as_text=True)
    basis = html[html.index('class="basis"'):html.index("</table>", html.index('class="basis"'))]
    assert "<th>置信度</th><th>理由</th>" in basis and "得分" not in basis
    assert ('<td class="level level-high">高</td><td class="reason">措辞相同：'
            '对机关、事业单位和国有大型企业支付中小企业款项</td>') in basis
    assert not re.search(r"<td>[01]\.\d{3}</td>", basis)              # the raw score is not shown
    en = client.get("/id/doc/zczmbf-2021-9/measure/33?lang=en").get_data(as_text=True)
    row = en[en.index("/id/legal/sme-promotion-law/article/5"):]
    row = row[:row.index("</tr>")]
    assert "<th>Confidence</th>" in en
    assert "same obligation, same subject" in row or "similar wording, to be checked" in row


def test_law_page_has_articles_as_anchors_with_the_measures_using_them(client):
    html = client.get("/id/legal/sme-promotion-law").get_data(as_text=True)
    assert '<a href="#a40">第四十条</a>' in html and '<article id="a40">' in html
    assert re.search(r'第四十条</a> · <a class="measure" href="/id/doc/[^"]+/measure/9">措施 9</a>', html)


def test_payment_regulation_changes_page(client):
    html = client.get("/id/legal/sme-payment-regulation").get_data(as_text=True)
    assert 'class="changes"' in html
    assert 'href="/id/legal/sme-payment-regulation-2020/article/10"' in html
    assert 'href="/id/legal/sme-payment-regulation-2025/article/11"' in html
    # one way of numbering, a header naming both versions, the wording's changes marked
    assert "第17条" not in html and "<th>新版：保障中小企业款项支付条例（2025年修订）</th>" in html
    assert "2020-07-05" in html and "2025-06-01" in html
    assert html.count("<ins>") > 10 and html.count("<del>") > 10
    version = client.get("/id/legal/sme-payment-regulation-2020").get_data(as_text=True)
    assert '<a class="diff" href="/id/legal/sme-payment-regulation#diff">版本对照 →</a>' in version


def test_word_diff_rebuilds_both_texts():
    from policykg.wording import tokens, word_diff
    old, new = "机关、事业单位应当在60日内支付款项", "机关、事业单位应当自交付之日起30日内支付款项"
    runs = word_diff(old, new)
    assert "".join(t for op, t in runs if op != "+") == old and "".join(t for op, t in runs if op != "-") == new
    assert runs == [("=", "机关、事业单位应当"), ("-", "在60"), ("+", "自交付之日起30"), ("=", "日内支付款项")]
    assert tokens("在60日 SME") == ["在", "60", "日", " ", "SME"]     # a number, a Latin word: one token


def test_measure_page_lists_platforms_and_the_platform_page_both_spellings(client):
    html = client.get("/id/doc/zczmbf-2021-9/measure/30").get_data(as_text=True)
    assert 'class="mention involvesPlatform" href="/id/platform/credit-china-zhangye"' in html
    assert ">信用中国（张掖）</a>" in html                     # the words as measure 30 writes them
    page = client.get("/id/platform/credit-china-zhangye").get_data(as_text=True)
    assert "信用中国(甘肃张掖)" in page and "信用中国（张掖）" in page
    assert "（五）完善中小企业信用评价体系" in page and "（三十）落实好国家清理和防止拖欠账款长效机制" in page


def test_favicon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.get_data()


def test_a_spaced_out_chapter_title_is_shown_closed_up(client):
    # the law text writes "## 第一章 总 则" (typesetting); the data keeps it, the page closes it up
    ttl = client.get("/id/legal/sme-payment-regulation-2025/chapter/1.ttl").get_data(as_text=True)
    assert '"总 则"@zh' in ttl
    html = client.get("/id/legal/sme-payment-regulation-2025/chapter/1").get_data(as_text=True)
    assert "<h1>第一章 总则</h1>" in html


def test_sparql_gives_a_browser_a_page_and_a_program_the_service_description(client):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    r = client.get("/sparql", headers=browser)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "10.0 秒" in html and "10000 行" in html and "curl -H" in html and "SPARQLWrapper" in html
    assert 'class="editor" href="/editor?query=' in html
    for accept in ("*/*", "text/turtle", "application/ld+json"):
        r = client.get("/sparql", headers={"Accept": accept})
        assert r.mimetype != "text/html" and "sparql-service-description" in r.get_data(as_text=True)
    r = client.get("/sparql?format=turtle", headers=browser)
    assert r.mimetype == "text/turtle"


def test_the_sparql_pages_example_returns_measures(client):
    from policykg.web.sparql import EXAMPLE
    r = client.post("/sparql", data={"query": EXAMPLE}, headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(r.get_data(as_text=True))["results"]["bindings"]
    from policykg.queries import run_saved_query
    saved = run_saved_query(client.application.extensions["policykg"]["store"], "measures-by-department",
                            {"department": "市财政局"})
    assert [r["number"]["value"] for r in rows] == saved.values("number") and len(rows) == 17


def test_entity_pages_name_every_property_and_fold_the_provenance(client):
    html = client.get("/id/body/zhangye-finance").get_data(as_text=True)
    props = re.findall(r"<tr><th>(?:<a [^>]*>)?([^<]*)", html)
    assert props and not [p for p in props if re.fullmatch(r"[A-Za-z_]+", p)], props
    doc = client.get("/id/doc/zczmbf-2021-9").get_data(as_text=True)
    shown, _, folded = doc.partition('<details class="provenance">')
    assert "提及" not in shown and "提及" in folded              # mentions are under "source words"
    rows = [(p, n) for n, p in re.findall(
        r'<tr><td><a href="[^"]*/measure/(\d+)">[^<]*</a></td><td class="property"><a href="([^"]+)"', shown)]
    by_property: dict[str, list[int]] = {}
    for prop, n in rows:
        by_property.setdefault(prop, []).append(int(n))
    assert max(len(ns) for ns in by_property.values()) == 35               # the notice's 35 measures
    assert all(ns == sorted(ns) for ns in by_property.values()), by_property   # 三 before 十四


def test_a_rewritten_clause_reads_as_one_deletion_and_one_insertion():
    from policykg.wording import word_diff
    old, new = "应当在收到货物之日起30日内支付", "应当自交付货物的之日起60日内付清"
    runs = word_diff(old, new)
    assert "".join(t for op, t in runs if op != "+") == old and "".join(t for op, t in runs if op != "-") == new
    assert sum(op == "-" for op, _ in runs) <= 3 and not [t for op, t in runs if op == "=" and len(t) < 2]
