"""Every saved query on the shipped data, against answers read from the notice."""
import pytest

from policykg.queries import FrontMatterError, ParameterError, load_queries, parse_saved_query, run_saved_query
from policykg.store import open_store

BODY = "https://w3id.org/policykg/id/body/"
LEGAL = "https://w3id.org/policykg/id/legal/"
REQUIRED = {
    "measures-by-department", "departments-of-measure", "department-workload", "co-responsibility",
    "cited-documents", "measures-citing", "regulation-trace", "quantitative-targets",
    "measures-by-instrument", "instrument-overview", "measures-by-target-group",
    "target-group-overview", "instrument-by-group", "search", "document-chain",
    "open-department-lists", "part-summary"}


@pytest.fixture(scope="module")
def store():
    return open_store()


def run(store, name, **params):
    return run_saved_query(store, name, params)


def ints(rs, col):
    return [int(v) for v in rs.values(col)]


def test_the_required_queries_exist_and_declare_their_columns(store):
    queries = load_queries()
    assert REQUIRED <= set(queries)
    for q in queries.values():
        assert q.title["zh"] and q.title["en"] and q.description["zh"] and q.description["en"]
        params = {p.name: p.example for p in q.parameters if p.example}
        rs = run_saved_query(store, q, params)
        assert tuple(rs.variables) == q.columns, q.name


def test_measures_by_department(store):
    rs = run(store, "measures-by-department", department="市统计局")
    assert ints(rs, "number") == [4]
    rs = run(store, "measures-by-department", department="市财政局")
    assert ints(rs, "number") == [3, 7, 8, 9, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 30, 34]


def test_a_body_parameter_accepts_any_spelling_or_iri(store):
    typo = ints(run(store, "measures-by-department", department="张掖银保分监局"), "number")
    right = ints(run(store, "measures-by-department", department="张掖银保监分局"), "number")
    full = ints(run(store, "measures-by-department", department="中国银行保险监督管理委员会张掖监管分局"), "number")
    iri = ints(run(store, "measures-by-department", department=BODY + "cbirc-zhangye"), "number")
    short = ints(run(store, "measures-by-department", department="body:cbirc-zhangye"), "number")
    assert typo == right == full == iri == short == [5, 10, 11, 12, 13, 14, 16, 34]
    assert ints(run(store, "measures-by-department", department="市检察院"), "number") == [29, 32]


def test_departments_of_measure_in_written_order(store):
    rs = run(store, "departments-of-measure", number="十")
    assert rs.values("body") == [BODY + "pboc-zhangye", BODY + "cbirc-zhangye", BODY + "zhangye-finance-office",
                                 BODY + "zhangye-county-governments", BODY + "zhangye-etdz"]
    assert rs.values("role") == ["responsible"] * 3 + ["implementer"] * 2
    assert rs.values("label")[0] == "中国人民银行张掖市中心支行"


def test_department_workload(store):
    rs = run(store, "department-workload")
    counts = dict(zip(rs.values("body"), ints(rs, "measures")))
    assert counts[BODY + "zhangye-miit"] == 19 and counts[BODY + "zhangye-drc"] == 19
    assert counts[BODY + "zhangye-statistics"] == 1 and counts[BODY + "zhangye-fic"] == 1
    assert len(counts) == 27
    assert ints(rs, "measures") == sorted(ints(rs, "measures"), reverse=True)


def test_co_responsibility(store):
    rs = run(store, "co-responsibility", department="市统计局")
    assert [(r[1].value, int(r[2].value)) for r in rs.rows] == [(BODY + "zhangye-miit", 1)]
    everything = run(store, "co-responsibility")
    pairs = {(r[0].value, r[1].value): int(r[2].value) for r in everything.rows}
    assert all(a < b for a, b in pairs)              # each pair once
    assert pairs[(BODY + "zhangye-agriculture", BODY + "zhangye-animal-husbandry")] == 12


def test_cited_documents(store):
    rs = run(store, "cited-documents")
    rows = {r[0].value.removeprefix(LEGAL): (r[2].value, int(r[3].value), r[4].value) for r in rs.rows}
    assert rows == {
        "sme-promotion-law": ("法律", 1, "1"),
        "gansu-sme-promotion-regulation": ("地方性法规", 1, "1"),
        "gansu-smme-high-quality-measures": ("规范性文件", 1, "1"),
        "zhangye-shiqiang-shuangbai-opinion": ("党内文件", 1, "1"),
        "fair-competition-review-rules-2021": ("规范性文件", 1, "3"),
        "gov-procurement-sme-interim-measures": ("规范性文件", 1, "9"),
        "cbirc-small-micro-finance-evaluation": ("规范性文件", 1, "14"),
        "financial-enterprise-performance-evaluation": ("规范性文件", 1, "14"),
        "sme-payment-regulation-2020": ("行政法规", 1, "30"),
    }


def test_measures_citing_by_title_part_or_iri(store):
    rs = run(store, "measures-citing", document="保障中小企业款项支付条例")
    assert ints(rs, "number") == [30]
    assert rs.values("quote")[0].startswith("全面贯彻执行《保障中小企业款项支付条例》")
    assert ints(run(store, "measures-citing", document="政府采购促进"), "number") == [9]
    assert ints(run(store, "measures-citing", document="legal:sme-promotion-law"), "number") == [1]
    with pytest.raises(ParameterError, match="matches 3 documents"):
        run(store, "measures-citing", document="办法")


def test_regulation_trace(store):
    rs = run(store, "regulation-trace", number="30")
    assert [(r[0].value, r[1].value.removeprefix(LEGAL)) for r in rs.rows] == [
        ("cites", "sme-payment-regulation-2020"),
        ("notice implements", "gansu-sme-implementation-opinion"),
        ("which implements", "national-sme-opinion")]
    first = rs.dicts()[0]
    assert (first["rank"].value, first["issuer"].value, first["date"].value) == ("行政法规", "中华人民共和国国务院", "2020-07-05")
    assert rs.dicts()[1]["number"].value == "甘工信发〔2020〕351号"
    planned = run(store, "regulation-trace", number="25")
    assert planned.rows[0][0].value == "plans"


def test_quantitative_targets(store):
    rs = run(store, "quantitative-targets")
    assert [(int(r[0].value), float(r[1].value), r[2].value, r[3].value) for r in rs.rows] == [
        (9, 30, "%", ">="), (9, 60, "%", ">="), (16, 1.5, "%", "<="),
        (19, 2, "年", "<="), (19, 1, "年", ">="), (20, 1, "亿元", ">="), (20, 10, "亿元", ">=")]
    assert "不低于60%" in rs.values("quote")[1]


def test_instruments(store):
    assert ints(run(store, "measures-by-instrument", instrument="政府采购"), "number") == [9]
    tax = ints(run(store, "measures-by-instrument", instrument="tax incentives"), "number")
    assert 8 in tax
    demand = run(store, "measures-by-instrument", instrument="需求型")     # a top concept includes its children
    assert {9, 28} <= set(ints(demand, "number"))
    overview = run(store, "instrument-overview")
    assert set(overview.values("category")) == {"供给型", "需求型", "环境型"}
    assert dict(zip(overview.values("label"), ints(overview, "measures")))["政府采购"] == 1


def test_target_groups(store):
    assert ints(run(store, "measures-by-target-group", group="退役军人"), "number") == [17]
    rs = run(store, "measures-by-target-group", group="高校毕业生")
    assert ints(rs, "number") == [17, 19] and rs.values("trigger") == ["高校毕业生", "高校毕业生"]
    overview = run(store, "target-group-overview")
    assert overview.values("label")[0] == "中小企业"
    cross = run(store, "instrument-by-group")
    cells = {(r[0].value, r[1].value): int(r[2].value) for r in cross.rows}
    assert cells[("政府采购", "小微企业")] == 1


def test_search_in_chinese(store):
    rs = run(store, "search", text="应收账款")
    assert ints(rs, "number") == [12]
    assert "【应收账款】" in rs.values("snippet")[0]
    assert ints(run(store, "search", text="专精特新"), "number") == [4, 16, 20, 21]


def test_search_text_cannot_change_the_query(store):
    hostile = '"} } ; SELECT * WHERE { ?s ?p ?o } #'
    assert run(store, "search", text=hostile).rows == []


def test_document_chain(store):
    rs = run(store, "document-chain")
    assert [v.rsplit("/", 1)[1] for v in rs.values("document")] == [
        "zczmbf-2021-9", "gansu-sme-implementation-opinion", "national-sme-opinion"]
    assert rs.values("number") == ["张促中民办发〔2021〕9号", "甘工信发〔2020〕351号", "工信部联企业〔2020〕108号"]


def test_open_department_lists(store):
    rs = run(store, "open-department-lists")
    closed = {4, 33, 35}                       # 市统计局、市工信局 ; the two collective ones
    assert ints(rs, "number") == [n for n in range(1, 36) if n not in closed]
    assert dict(zip(ints(rs, "number"), ints(rs, "named")))[16] == 11


def test_part_summary(store):
    rs = run(store, "part-summary")
    assert ints(rs, "measures") == [6, 3, 7, 7, 5, 4, 3]
    assert rs.values("title")[0] == "优化公平公正市场环境"


def test_body_variants(store):
    rs = run(store, "body-variants")
    written = {(r[0].value.removeprefix(BODY), r[2].value) for r in rs.rows}
    assert ("cbirc-zhangye", "张掖银保分监局") in written and ("zhangye-procuratorate", "市检察院") in written


# --- parameter errors -------------------------------------------------------------------

@pytest.mark.parametrize("name, params, message", [
    ("measures-by-department", {}, "missing parameter 'department'; it accepts: department (body, required)"),
    ("measures-by-department", {"dept": "x"}, "unknown parameter 'dept'; it accepts: department"),
    ("measures-by-department", {"department": "市大数据局"}, "no body is called «市大数据局»"),
    ("departments-of-measure", {"number": "99"}, "there is no measure 99; measures are numbered 1–35"),
    ("departments-of-measure", {"number": "nine"}, "must be a measure number"),
    ("measures-by-target-group", {"group": "外星人"}, "no target-groups concept is called «外星人»"),
    ("measures-citing", {"document": "宪法"}, "no legal document has «宪法» in its title"),
])
def test_parameter_errors_list_what_is_accepted(store, name, params, message):
    with pytest.raises(ParameterError) as e:
        run_saved_query(store, name, params)
    assert message in str(e.value)


def test_body_error_suggests_near_names(store):
    with pytest.raises(ParameterError, match="bodies whose names contain it: .*zhangye-finance"):
        run(store, "measures-by-department", department="财政局")


def test_front_matter_errors(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(FrontMatterError, match="bad.rq:1"):
        parse_saved_query(bad)
    bad.write_text('# ---\n# title = { zh = "x" }\n# ---\nSELECT * WHERE {}\n', encoding="utf-8")
    with pytest.raises(FrontMatterError, match="description"):
        parse_saved_query(bad)


def test_measure_text(store):
    rs = run(store, "measure-text", number="（十六）")
    row = rs.dicts()[0]
    assert row["part"].value == "进一步完善融资支持促进制度"
    assert "将平均担保费率降至1.5%以下" in row["text"].value


def test_unresolved_names_is_empty_on_the_shipped_data(store):
    assert run(store, "unresolved-names").rows == []


def test_queries_on_a_notice_of_another_style(tmp_path):
    """Lead and supporting bodies, and names the registry lacks, from the other-genre fixture."""
    from pathlib import Path

    from policykg import resources
    from policykg.pipeline import build
    out = tmp_path / "other.ttl"
    build(Path(__file__).parent / "fixtures" / "notices" / "other-genre.txt", out)
    other = open_store(files=resources.ontology_files() + resources.registry_files() + [out])
    rs = run(other, "departments-of-measure", number="1")
    assert [(r[0].value.removeprefix(BODY), r[2].value) for r in rs.rows] == [
        ("zhangye-miit", "lead"), ("zhangye-finance", "supporting")]
    unresolved = run(other, "unresolved-names")
    found = [(r[1].value, r[2] and int(r[2].value)) for r in unresolved.rows]
    assert ("市数据局", 3) in found
    assert ("市直各部门", None) in found          # a recipient: named by the notice, not a measure


def test_legal_basis(store):
    rs = run(store, "legal-basis", number="9")
    rows = [(r["law"].value.removeprefix(LEGAL), r["article"].value, r["kind"].value) for r in rs.dicts()]
    assert rows[0] == ("sme-promotion-law", "第四十条", "restates")
    assert ("government-procurement-law", "第十一条", "restates") in rows
    assert "对中小企业实行差别待遇或者歧视待遇" in rs.dicts()[0]["article_quote"].value


def test_article_uptake(store):
    rs = run(store, "article-uptake", law="中华人民共和国中小企业促进法")
    uptake = dict(zip(rs.values("article"), rs.values("measures")))
    assert uptake["第四十条"] == "9" and uptake["第十一条"] == "8"


def test_revised_since(store):
    rs = run(store, "revised-since")
    assert set(ints(rs, "number")) == {30}
    changed = {r["article"].value: r["change"].value for r in rs.dicts()}
    assert changed["第十条"] == "changed"
    row = next(r for r in rs.dicts() if r["article"].value == "第十条")
    assert "商业汇票" in row["old_wording"].value and row["new_wording"].value.startswith("第十一条")


def test_platforms(store):
    # read from the notice: the credit website is written “信用中国(甘肃张掖)” in (五) and
    # “信用中国（张掖）” in (三十); so is the city credit platform (市级/市社会信用信息平台)
    for spelling in ("信用中国(甘肃张掖)", "信用中国（张掖）", "credit-china-zhangye", "plt:credit-china-zhangye"):
        rs = run(store, "measures-by-platform", platform=spelling)
        assert ints(rs, "number") == [5, 30], spelling
        assert rs.values("written") == ["信用中国(甘肃张掖)", "信用中国（张掖）"]
    rs = run(store, "measures-by-platform", platform="市社会信用信息平台")
    assert rs.values("written") == ["市级社会信用信息平台", "市社会信用信息平台"]
    assert ints(run(store, "measures-by-platform", platform="“12348”公共法律服务热线"), "number") == [32]
    overview = {r["label"].value: (int(r["measures"].value), r["numbers"].value)
                for r in run(store, "platform-overview").dicts()}
    assert overview["信用中国(甘肃张掖)"] == (2, "5, 30")
    assert overview["国家中小企业生产经营运行监测平台"] == (1, "4")       # 认真组织填报…监测平台
    assert overview["国家网络管理平台"] == overview["科技成果转化服务平台"] == (1, "18")
    assert overview["政务咨询投诉举报平台"] == overview["张掖公共法律服务网"] == (1, "32")
    assert len(overview) == 12 and sum(n for n, _ in overview.values()) == 14


def test_regression_get_query_by_name_does_not_resolve_the_folder_each_call(monkeypatch):
    # pages run saved queries by name; resolving queries/ on every call cost 20 µs,
    # a third of a small query
    from policykg import queries as module
    first = module.get_query("measure-text")

    def no_more_lookups(*parts):
        raise AssertionError(f"resources.path{parts} called again")
    monkeypatch.setattr(module.resources, "path", no_more_lookups)
    assert module.get_query("measure-text") is first
    assert set(module.load_queries()) >= REQUIRED
