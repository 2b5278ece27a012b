"""Saved queries on the web: gallery, form, results and their twins."""
import csv
import io
import json


def test_gallery_lists_every_query(client):
    html = client.get("/queries").get_data(as_text=True)
    assert "某部门负责的措施" in html and html.count("<li>") >= 20
    en = client.get("/queries?lang=en").get_data(as_text=True)
    assert "Measures a department is responsible for" in en


def test_form_then_results_with_links(client):
    form = client.get("/queries/measures-by-department").get_data(as_text=True)
    assert 'name="department"' in form and 'placeholder="市财政局"' in form
    html = client.get("/queries/measures-by-department?department=市统计局").get_data(as_text=True)
    assert "强化中小企业统计监测制度" in html and 'href="/id/doc/zczmbf-2021-9/measure/4"' in html
    assert "measures-by-department.csv?department=" in html


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
