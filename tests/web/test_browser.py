"""In a real browser: Playwright driving Debian's chromium against the app on 127.0.0.1.

Screenshots are written to artifacts/screenshots/ for people to look at.
"""
from .conftest import assert_nothing_blocked, needs_chromium, shot

needs_chromium()


def test_home_then_follow_links_to_a_measure(page, site):
    page.goto(site + "/")
    assert "张促中民办发〔2021〕9号" in page.inner_text("main")
    shot(page, "home")
    page.click("text=《关于进一步健全支持中小企业发展制度的若干措施》")
    page.click("text=二、进一步完善中小企业财税支持制度")
    page.click("text=（九）严格执行政府采购支持中小企业政策机制")
    assert page.inner_text("h1") == "（九）严格执行政府采购支持中小企业政策机制"
    assert page.locator("a.mention.cites").first.inner_text() == "《政府采购促进中小企业发展暂行办法》"
    shot(page, "measure-9")
    page.wait_for_function("() => document.getElementById('neighbourhood').dataset.nodes > 0")
    assert page.locator("#neighbourhood canvas").count() > 0          # cytoscape drew the neighbourhood
    assert_nothing_blocked(page)
    page.click("a[rel=next]")
    assert page.inner_text("h1").startswith("（十）")


def test_saved_query_with_a_parameter(page, site):
    page.goto(site + "/queries")
    page.click("text=某部门负责的措施")
    page.fill("input[name=department]", "市统计局")
    page.click("button[type=submit]")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 1
    assert "强化中小企业统计监测制度" in rows.first.inner_text()
    shot(page, "saved-query")


def test_query_in_the_editor(page, site):
    page.goto(site + "/editor")
    page.wait_for_function("() => window.policykgYasgui !== undefined")
    page.evaluate("""() => { window.policykgYasgui.getTab().setQuery(
        'PREFIX pkg: <https://w3id.org/policykg/ontology#>\\nSELECT ?t WHERE { ?m pkg:number 9 ; pkg:title ?t }'); }""")
    page.click(".yasqe_queryButton")
    page.wait_for_selector("text=严格执行政府采购支持中小企业政策机制", timeout=15000)
    shot(page, "editor")
    assert_nothing_blocked(page)
    assert page.evaluate("window.policykgYasgui.getTab().getYasqe().config.autocompleters") == ["variables", "prefixes"]


def test_the_editor_says_when_an_answer_was_cut_at_the_row_limit(page, site):
    page.goto(site + "/editor")
    page.wait_for_function("() => window.policykgYasgui !== undefined")
    assert page.is_hidden("#truncated")
    page.evaluate("() => { window.policykgYasgui.getTab().setQuery('SELECT * WHERE { ?s ?p ?o }'); }")
    page.click(".yasqe_queryButton")
    page.wait_for_selector("#truncated:not([hidden])", timeout=30000)
    assert "limit=10000" in page.inner_text("#truncated") and "结果已截断" in page.inner_text("#truncated")
    shot(page, "editor-truncated")
    assert_nothing_blocked(page)


def test_the_pages_answer_with_the_security_headers(page, site):
    response = page.goto(site + "/editor")
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "access-control-allow-origin" not in headers


def test_switch_to_english(page, site):
    page.goto(site + "/id/body/zhangye-finance")
    assert page.inner_text("h1") == "张掖市财政局"
    page.click("header a.lang")
    assert page.inner_text("h1") == "Zhangye Municipal Bureau of Finance"
    assert "Saved queries" in page.inner_text("header")
    shot(page, "english")


def test_network_view_filters_by_part(page, site):
    page.goto(site + "/network")
    page.wait_for_function("() => document.getElementById('graph').dataset.nodes > 0")
    everything = int(page.get_attribute("#graph", "data-nodes"))
    page.select_option("#part", "2")
    page.wait_for_function(f"() => document.getElementById('graph').dataset.nodes < {everything}")
    assert int(page.get_attribute("#graph", "data-nodes")) > 3
    assert page.evaluate("window.policykgGraph.nodes().length") == int(page.get_attribute("#graph", "data-nodes"))
    assert page.locator("#graph canvas").count() > 0
    shot(page, "network")
    assert_nothing_blocked(page)
