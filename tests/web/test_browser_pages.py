"""Issue 12 in a real browser: pages a person can read. One test per complaint, each one
that would have caught it; screenshots go to artifacts/screenshots/."""
import re
from urllib.parse import parse_qs, urlsplit

from .conftest import assert_nothing_blocked, needs_chromium, shot

needs_chromium()


def test_1_edit_this_query_opens_the_whole_query_run_with_its_answer(page, site):
    page.goto(site + "/queries/measures-by-department?department=市工信局")
    expected = page.locator("table.results tbody tr").count()
    assert expected > 5
    href = page.get_attribute("a.edit", "href")
    handed = parse_qs(urlsplit(href).query)["query"][0]
    assert ";" in handed and "ORDER BY ?number" in handed     # the whole query, past its first ';'
    page.click("a.edit")
    page.wait_for_selector(".yasr table tbody tr", timeout=20000)
    assert page.evaluate("window.policykgYasgui.getTab().getQuery()").rstrip().endswith(handed.rstrip())
    # the editor's answer is the page's answer: the same measures, already on screen
    page.wait_for_function(f"() => document.querySelectorAll('.yasr table tbody tr').length === {expected}")
    assert "强化中小企业" in page.inner_text(".yasr") or "中小企业" in page.inner_text(".yasr")
    shot(page, "editor-from-saved-query")
    assert_nothing_blocked(page)


def test_2_results_show_names_and_headers_not_iris(page, site):
    page.goto(site + "/queries/co-responsibility?department=市财政局")
    headers = page.locator("table.results thead th").all_inner_texts()
    assert headers == ["部门", "合作部门", "共同负责的措施数"]
    first = page.locator("table.results tbody tr").first
    cells = first.locator("td").all_inner_texts()
    assert cells[0] == "张掖市财政局" and not any("https://" in c for c in cells)
    assert first.locator("td a").first.get_attribute("href").startswith("/id/body/")
    shot(page, "saved-query-names")
    page.goto(site + "/queries/legal-basis?number=9")
    kinds = {c for c in page.locator("table.results tbody td:nth-child(3)").all_inner_texts()}
    assert kinds and kinds <= {"复述", "依据"}
    assert "https://" not in page.inner_text("table.results")
    page.goto(site + "/queries/revised-since")
    changes = set(page.locator("table.results tbody td:nth-child(4)").all_inner_texts())
    assert changes and changes <= {"修改", "删除"}
    assert page.locator("table.results thead th").all_inner_texts()[4:] == ["旧版措辞", "新版措辞"]
    assert_nothing_blocked(page)


def test_3_every_count_leads_to_the_list_it_counts(page, site):
    page.goto(site + "/id/body/cbirc-zhangye")
    item = page.locator("li", has=page.locator("a[href='/id/body/pboc-zhangye']"))
    count = int(item.locator("a.count").inner_text())
    item.locator("a.count").click()
    assert page.inner_text("h1") == "两个部门共同负责的措施"
    assert page.locator("table.results tbody tr").count() == count
    page.goto(site + "/queries/co-responsibility?department=市财政局")
    first = page.locator("table.results tbody tr").first
    shared = int(first.locator("a.count").inner_text())
    first.locator("a.count").click()
    assert page.locator("table.results tbody tr").count() == shared
    page.goto(site + "/queries/department-workload")
    top = page.locator("table.results tbody tr").first
    n, body = int(top.locator("a.count").inner_text()), top.locator("td").nth(1).inner_text()
    top.locator("a.count").click()
    assert page.locator("table.results tbody tr").count() == n
    assert page.input_value("input[name=department]").startswith("https://w3id.org/policykg/id/body/")
    page.goto(site + "/queries/part-summary")
    part = page.locator("table.results tbody tr").nth(2)
    n = int(part.locator("a.count").first.inner_text())
    part.locator("a.count").first.click()
    assert "/id/doc/" in page.url and "/part/" in page.url
    assert page.locator("table.props:not(.incoming) tr th", has_text="包含").count() == n          # the part's measures
    page.goto(site + "/")
    page.locator("table.counts tr", has_text="量化指标").locator("a.count").click()
    assert page.url.endswith("/queries/quantitative-targets") and page.locator("table.results tbody tr").count() > 0
    assert_nothing_blocked(page)
    assert body


def test_4_the_law_versions_show_a_word_level_diff_linked_from_the_measures(page, site):
    page.goto(site + "/id/doc/zczmbf-2021-9/measure/30")
    link = page.locator("td p.later a.diff").first
    link.click()
    anchor = urlsplit(page.url).fragment
    assert page.url.split("#")[0].endswith("/id/legal/sme-payment-regulation") and anchor.startswith("change-")
    assert page.inner_text("#diff h2") == "版本对照"
    versions = page.inner_text("p.versions")
    assert "保障中小企业款项支付条例（2020年）" in versions and "2025-03-17" in versions and "→" in versions
    headers = page.locator("table.changes thead th").all_inner_texts()
    assert len(set(headers)) == len(headers)                       # no two identical column titles
    row = page.locator(f"#{anchor}")
    assert row.locator("ins").count() + row.locator("del").count() > 0
    labels = page.locator("table.changes tbody td:nth-child(2) a, table.changes tbody td:nth-child(3) a").all_inner_texts()
    assert labels and all(re.fullmatch(r"第[一二三四五六七八九十百]+条", l) for l in labels), labels
    assert row.locator("a.measure", has_text="措施 30").count() == 1
    page.locator(f"#{anchor}").scroll_into_view_if_needed()
    shot(page, "law-version-diff")
    row.locator("a.measure", has_text="措施 30").click()
    assert page.inner_text("h1").startswith("（三十）")
    page.goto(site + "/id/legal/sme-promotion-law")
    page.locator("article#a40 a.measure", has_text="措施 9").click()
    assert page.inner_text("h1").startswith("（九）")
    assert_nothing_blocked(page)


def test_5_english_sticks_across_links_and_names_laws_in_full(page, site):
    page.goto(site + "/?lang=en")
    page.click("text=Saved queries")
    assert page.inner_text("h1") == "Saved queries"
    page.goto(site + "/")                                           # no parameter: still English
    assert page.inner_text("header nav").startswith("Documents")
    page.click("text=《关于进一步健全支持中小企业发展制度的若干措施》")
    page.click("text=（九）严格执行政府采购支持中小企业政策机制")
    assert "Responsible bodies" in page.inner_text("main")
    cells = page.locator("table.basis tbody td:first-child > a").all_inner_texts()
    assert cells and all(re.search(r"^\S.+, Article \d+$", c) for c in cells), cells
    assert not [c for c in cells if c.startswith("Article")]
    assert "normative document" in page.inner_text(".facts") and "规范性文件" not in page.inner_text(".facts")
    shot(page, "measure-english")
    page.click("header a.lang")
    assert "责任单位" in page.inner_text("main")
    page.goto(site + "/queries")
    assert page.inner_text("h1") == "常用查询"
    assert_nothing_blocked(page)


def test_6_entity_pages_name_their_properties_and_fold_the_source_words(page, site):
    page.goto(site + "/id/doc/zczmbf-2021-9")
    names = page.locator("table.props th").all_inner_texts()
    assert names and not [n for n in names if re.fullmatch(r"[A-Za-z_]+", n)], names
    for raw in ("has_part", "prefLabel", "subOrganizationOf", "editorialNote"):
        assert raw not in page.inner_text("main")
    folded = page.locator("details.provenance")
    assert not folded.locator("table").is_visible() and "提及" not in page.inner_text("table.props.incoming")
    folded.locator("summary").click()
    assert "提及" in folded.inner_text()
    measures = [int(m) for m in re.findall(r"/measure/(\d+)$", "\n".join(
        page.locator("table.props.incoming td a").evaluate_all("as => as.map(a => a.getAttribute('href'))")), re.M)]
    assert len(measures) == 35 and measures == sorted(measures)
    page.goto(site + "/id/body/zhangye-finance?lang=en")
    names = page.locator("table.props th").all_inner_texts()
    assert "part of organisation" in names and "preferred name" in names
    assert_nothing_blocked(page)


def test_7_sparql_in_a_browser_is_a_page_about_the_endpoint(page, site):
    import contextlib
    import io
    page.goto(site + "/")
    page.click("header >> text=SPARQL 查询端点")
    assert page.inner_text("h1") == "SPARQL 查询端点" and "只读" in page.inner_text("main")
    assert "10.0 秒" in page.inner_text("ul.limits")
    example = page.inner_text("pre.python")
    assert site + "/sparql" in example
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(example, {})                        # the page's own example, against this server
    lines = out.getvalue().splitlines()
    assert len(lines) == 17 and lines[0] == "3 全面落实中小企业公平竞争审查制度"
    page.click("p >> a.editor")
    page.wait_for_selector(".yasr table tbody tr", timeout=20000)
    assert page.locator(".yasr table tbody tr").count() == 17
    assert_nothing_blocked(page)


def test_8_a_misspelt_name_gets_a_message_in_the_page_language_and_a_way_forward(page, site):
    page.goto(site + "/queries/measures-by-department?department=市财务局")
    assert "没有名为 «市财务局» 的部门" in page.inner_text("p.error") and "是否要找" in page.inner_text("p.error")
    page.click("a.suggestion >> text=市财政局")
    assert page.locator("table.results tbody tr").count() == 17
    shot(page, "misspelt-department")
    page.goto(site + "/queries/no-such-query")
    assert page.inner_text("h1").startswith("404") and "没有名为 «no-such-query» 的常用查询" in page.inner_text("main")
    page.goto(site + "/id/body/no-such-body?lang=en")
    assert "The data holds nothing called" in page.inner_text("main") and page.inner_text("header nav").startswith("Documents")
    # the console reports each answer's status: the 400 and the two 404s, nothing else
    assert_nothing_blocked(page, expected_errors=3)


def test_9_smaller_things(page, site):
    # the neighbourhood graph's labels do not run over each other
    page.goto(site + "/id/doc/zczmbf-2021-9/measure/34")         # the largest neighbourhood: 19 nodes
    page.wait_for_function("() => window.policykgNeighbourhood !== undefined")
    overlaps = page.evaluate("""() => {
        const boxes = window.policykgNeighbourhood.nodes().map(n => n.boundingBox({includeLabels: true, includeNodes: false}));
        let count = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) count++;
        }
        return [boxes.length, count]; }""")
    assert overlaps[0] == 19 and overlaps[1] == 0, overlaps
    # the icon, the pick-list, the chart's whole labels
    assert page.request.get(site + "/favicon.ico").status == 200
    page.goto(site + "/queries/measures-by-department")
    first = page.locator("#choices-department option").first.get_attribute("value")
    assert not first[:1].isascii()
    page.goto(site + "/queries/department-workload")
    shown = page.locator("figure.chart text[x='0']").evaluate_all(
        "ts => ts.map(t => [t.getBBox().x, t.getBBox().width, t.nextElementSibling.getAttribute('x')])")
    assert shown and all(x + width <= float(bar_x) for x, width, bar_x in shown)   # no label runs under its bar
    assert_nothing_blocked(page)
