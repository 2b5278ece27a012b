"""Saved queries on the web: gallery, form, results and their twins."""
import csv
import re
import io
import json


def gallery(html: str) -> list[tuple[str, str, str]]:
    """(name, title, description) of each entry of the gallery, in page order."""
    import re
    return re.findall(r'<li><a href="/queries/([^"?]+)(?:\?lang=en)?">([^<]*)</a>\s*<p>([^<]*)</p></li>', html)


def test_gallery_lists_every_query_by_name_with_its_titles(client):
    from markupsafe import escape

    from policykg.queries import load_queries
    queries = load_queries()
    for lang in ("zh", "en"):
        html = client.get(f"/queries?lang={lang}").get_data(as_text=True)
        assert gallery(html) == [(name, str(escape(q.title[lang])), str(escape(q.description[lang])))
                                 for name, q in sorted(queries.items())]
        assert html.count("<li>") == len(queries)
    zh = dict((n, t) for n, t, _ in gallery(client.get("/queries?lang=zh").get_data(as_text=True)))
    assert zh["measures-by-department"] == "某部门负责的措施"
    en = dict((n, t) for n, t, _ in gallery(client.get("/queries?lang=en").get_data(as_text=True)))
    assert en["measures-by-department"] == "Measures a department is responsible for"


def test_form_then_results_with_links(client):
    form = client.get("/queries/measures-by-department").get_data(as_text=True)
    assert 'name="department"' in form and 'placeholder="市财政局"' in form
    html = client.get("/queries/measures-by-department?department=市统计局").get_data(as_text=True)
    assert "强化中小企业统计监测制度" in html and 'href="/id/doc/zczmbf-2021-9/measure/4"' in html
    assert "measures-by-department.csv?download=1&amp;department=" in html


def test_twins(client):
    r = client.get("/queries/measures-by-department.csv?department=市财政局")
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True), newline="")))
    assert rows[0] == ["number", "title", "measure"] and len(rows) == 18
    j = json.loads(client.get("/queries/measures-by-department.json?department=市财政局").get_data(as_text=True))
    assert len(j["results"]["bindings"]) == 17
    tsv = client.get("/queries/quantitative-targets.tsv").get_data(as_text=True)
    assert tsv.startswith("?number\t?value\t?unit\t?comparator\t?quote\n")


def test_bad_parameters_are_4xx_with_the_reason(client):
    r = client.get("/queries/measures-by-department.json?department=市大数据局")
    assert r.status_code == 400 and "no body is called «市大数据局»" in r.get_data(as_text=True)
    r = client.get("/queries/measures-by-department?dept=1")
    assert r.status_code == 400 and "unknown parameter dept" in r.get_data(as_text=True)
    assert client.get("/queries/no-such-query").status_code == 404


def test_user_text_is_escaped(client):
    html = client.get("/queries/search?text=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_form_offers_pick_lists_and_a_permalink(client):
    form = client.get("/queries/measures-by-department").get_data(as_text=True)
    assert 'list="choices-department"' in form and '<option value="张掖银保分监局">' in form
    concept = client.get("/queries/measures-by-instrument").get_data(as_text=True)
    assert '<option value="税收优惠">' in concept
    html = client.get("/queries/measures-by-department?department=市统计局").get_data(as_text=True)
    assert 'class="permalink" href="/queries/measures-by-department?department=' in html
    assert 'class="edit" href="/editor?query=' in html


def test_aggregate_queries_draw_a_bar_chart(client):
    html = client.get("/queries/department-workload").get_data(as_text=True)
    assert html.count("<rect") == 27 and "张掖市发展和改革委员会: 19" in html


def test_downloads_keep_the_iris_and_add_label_columns(client):
    r = client.get("/queries/co-responsibility.csv?department=市财政局")
    text = r.get_data(as_text=True)
    assert not text.startswith("\ufeff") and r.headers["Content-Disposition"].startswith("inline")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["body_a", "body_b", "shared", "body_a_label", "body_b_label"]
    assert rows[1][0].startswith("https://w3id.org/policykg/id/body/") and rows[1][3] == "张掖市财政局"
    # the columns the query declares are the CLI's, value for value
    from policykg.queries import run_saved_query
    from policykg.results import render
    cli = list(csv.reader(io.StringIO(render(run_saved_query(client.application.extensions["policykg"]["store"],
                                                             "co-responsibility", {"department": "市财政局"}), "csv"),
                                      newline="")))
    assert [row[:3] for row in rows] == cli
    en = client.get("/queries/co-responsibility.csv?department=市财政局&lang=en").get_data(as_text=True)
    assert "Zhangye Municipal Bureau of Finance" in en


def test_the_download_link_of_a_page_is_an_excel_readable_attachment(client):
    r = client.get("/queries/measures-by-department.csv?download=1&department=市财政局")
    assert r.get_data().startswith(b"\xef\xbb\xbfnumber,title,measure")
    assert r.headers["Content-Disposition"] == 'attachment; filename="measures-by-department.csv"'
    j = client.get("/queries/measures-by-department.json?download=1&department=市财政局").get_data()
    assert j.startswith(b"{")                                 # JSON has no byte-order mark


def test_a_misspelt_department_is_answered_in_the_page_language_with_the_nearest_names(client):
    r = client.get("/queries/measures-by-department?department=市财务局")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "没有名为 «市财务局» 的部门。" in html and "是否要找" in html
    assert 'class="suggestion" href="/queries/measures-by-department?department=%E5%B8%82%E8%B4%A2%E6%94%BF%E5%B1%80">市财政局</a>' in html
    en = client.get("/queries/measures-by-department?department=市财务局&lang=en").get_data(as_text=True)
    assert "There is no Department called «市财务局»." in en and "Did you mean" in en


def test_unknown_query_and_iri_get_the_sites_own_404(client):
    r = client.get("/queries/measures-by-departmnet")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "没有名为 «measures-by-departmnet» 的常用查询。" in html
    assert 'href="/queries/measures-by-department">measures-by-department</a>' in html
    r = client.get("/id/body/no-such-body", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "数据中没有" in r.get_data(as_text=True) and "<header>" in r.get_data(as_text=True)
    r = client.get("/id/body/no-such-body?lang=en", headers={"Accept": "text/html"})
    assert "The data holds nothing called" in r.get_data(as_text=True)
    r = client.get("/id/body/no-such-body", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.mimetype == "text/plain"


def test_the_language_choice_sticks_in_a_cookie(app):
    c = app.test_client()
    assert "Saved queries" in c.get("/queries?lang=en").get_data(as_text=True)
    r = c.get("/queries")                                       # no parameter: the cookie decides
    assert "Saved queries" in r.get_data(as_text=True) and "Cookie" in r.headers["Vary"]
    assert "常用查询" in c.get("/queries?lang=zh").get_data(as_text=True)
    assert "常用查询" in c.get("/queries").get_data(as_text=True)


def test_the_pick_list_starts_with_the_chinese_names(client):
    form = client.get("/queries/measures-by-department").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]*)">', form)
    first_latin = next(i for i, o in enumerate(options) if o[:1].isascii())
    assert first_latin > 20 and all(o[:1].isascii() for o in options[first_latin:])


def test_chart_labels_are_whole_where_they_fit(client):
    html = client.get("/queries/department-workload").get_data(as_text=True)
    labels = re.findall(r'<text x="0" [^>]*><title>([^<]*)</title>([^<]*)</text>', html)
    assert len(labels) == 27 and all(full == shown for full, shown in labels if len(full) <= 24)
    assert "中国银行保险监督管理委员会张掖监管分局" in [shown for _, shown in labels] or \
        all(len(full) > 24 for full, shown in labels if full != shown)


def test_no_saved_query_page_shows_a_bare_iri_or_a_variable_name(client):
    from urllib.parse import urlencode

    from policykg.queries import load_queries
    for name, q in load_queries().items():
        params = {p.name: p.example for p in q.parameters if p.required}
        for lang in ("zh", "en"):
            html = client.get(f"/queries/{name}?" + urlencode({**params, "lang": lang})).get_data(as_text=True)
            table = html.split('<table class="results">', 1)[1].split("</table>", 1)[0]
            heads = re.findall(r'<th data-var="([^"]+)"[^>]*>([^<]*)</th>', table)
            assert heads and all(shown == q.headers[v][lang] for v, shown in heads), (name, lang)
            cells = re.sub(r"<[^>]+>", "\n", table.split("<tbody>", 1)[1])
            assert "https://w3id.org/" not in cells, (name, lang)


def table_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body)


def test_a_long_answer_is_paged_and_its_pages_add_up_to_the_whole(app):
    """PAGE_ROWS deliberately tight: the pages of department-workload, followed by their own
    next links, hold the rows of the one-page answer, in its order."""
    from policykg.web import create_app
    tight = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "PAGE_ROWS": 10}).test_client()
    whole = table_rows(app.test_client().get("/queries/department-workload?lang=en").get_data(as_text=True))
    assert len(whole) > 25
    pages, url, seen = [], "/queries/department-workload?lang=en", []
    while url:
        html = tight.get(url).get_data(as_text=True)
        seen.append(url)
        pages.append(table_rows(html))
        nxt = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = nxt and nxt[1].replace("&amp;", "&")
    assert [len(p) for p in pages[:-1]] == [10] * (len(pages) - 1) and 0 < len(pages[-1]) <= 10
    assert sum(pages, []) == whole and len(pages) == -(-len(whole) // 10)
    assert seen[1] == "/queries/department-workload?lang=en&page=2"
    last = tight.get(seen[-1]).get_data(as_text=True)
    assert f"{len(whole)} rows" in last and f"rows {(len(pages) - 1) * 10 + 1}–{len(whole)} on this page" in last
    assert 'rel="next"' not in last
    assert re.search(r'<a rel="prev" href="/queries/department-workload\?lang=en&amp;page=2"', tight.get(
        "/queries/department-workload?lang=en&page=3").get_data(as_text=True))
    tight = tight.application.test_client()              # a new visitor: no language cookie
    second = tight.get("/queries/department-workload?page=2").get_data(as_text=True)
    assert '<a rel="prev" href="/queries/department-workload">上一页</a>' in second      # page 1 has no number
    first = tight.get("/queries/department-workload").get_data(as_text=True)
    assert "本页显示第 1–10 行" in first and 'rel="prev"' not in first
    # one page: no paging line at all
    assert "rows 1–" not in app.test_client().get("/queries/department-workload?lang=en").get_data(as_text=True)


def test_a_page_number_that_is_not_one_is_a_400_naming_the_parameter(app):
    from policykg.web import create_app
    tight = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "PAGE_ROWS": 10}).test_client()
    for bad in ("0", "-1", "abc", "２", "1.5", ""):
        r = tight.get(f"/queries/department-workload?page={bad}")
        assert r.status_code == 400 and "parameter &#39;page&#39;" in r.get_data(as_text=True), bad
    r = tight.get("/queries/department-workload?page=999")
    assert r.status_code == 400 and "999 is past the last page of this answer" in r.get_data(as_text=True)
    # a download is the whole answer: it takes no page
    r = tight.get("/queries/department-workload.csv?page=2")
    assert r.status_code == 400 and "unknown parameter page" in r.get_data(as_text=True)
