"""Every saved query on the shipped data, against answers read from the notice."""
import pytest

from policykg.queries import FrontMatterError, ParameterError, load_queries, parse_saved_query, run_saved_query
from policykg.results import Term
from policykg.store import default_files, open_store

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


def test_co_responsibility_of_one_department_is_its_share_of_all_pairs(store):
    """The query anchors on the department when given (a filter on it read every pair of every
    measure: 13.7 s at 10,000 notices) and pairs each two bodies once when not; both answers agree."""
    everything = run(store, "co-responsibility")
    pairs = {}
    for r in everything.rows:
        a, b, n = r[0].value, r[1].value, int(r[2].value)
        pairs.setdefault(a, {})[b] = n
        pairs.setdefault(b, {})[a] = n
    for body in (BODY + "zhangye-finance", BODY + "zhangye-statistics", BODY + "zhangye-agriculture"):
        rs = run(store, "co-responsibility", department=body)
        assert {r[0].value for r in rs.rows} == {body}
        assert {r[1].value: int(r[2].value) for r in rs.rows} == pairs[body]
        assert ints(rs, "shared") == sorted(ints(rs, "shared"), reverse=True)


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


def test_regulation_trace_gives_the_date_issued_and_the_document_number_first(store):
    """成文日期 is the date issued, the date in force only where none is known (measures 1 and 30
    cite a law with both, and SAMPLE over either let servers pick differently); 文号 is the
    document number, the order number (令号) only where there is none."""
    def first(iri, *predicates):
        for p in predicates:
            rows = store.select(f"SELECT ?v WHERE {{ <{iri}> {p} ?v }} ORDER BY ?v").rows
            if rows:
                return rows[0][0].value
        return None
    both, seen = 0, 0
    for n in range(1, 36):
        for row in run(store, "regulation-trace", number=str(n)).dicts():
            iri = row["document"].value
            seen += 1
            assert (row["date"].value if "date" in row else None) == first(iri, "pkg:dateIssued", "pkg:dateInForce")
            assert (row["number"].value if "number" in row else None) == first(iri, "pkg:documentNumber", "pkg:orderNumber")
            both += first(iri, "pkg:dateIssued") not in (None, first(iri, "pkg:dateInForce"))  \
                and first(iri, "pkg:dateInForce") is not None
    assert seen >= 70 and both >= 2, (seen, both)


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
    ("co-responsibility", {"x": "1"}, "unknown parameter 'x'; it accepts: department (body, optional)"),
    ("part-summary", {"x": "1"}, "part-summary: unknown parameter 'x'; it accepts: no parameters"),
    ("measures-by-department", {"department": "市大数据局"}, "no body is called «市大数据局»"),
    ("departments-of-measure", {"number": "99"}, "there is no measure 99; measures are numbered 1–35"),
    ("departments-of-measure", {"number": "nine"}, "must be a measure number"),
    ("measures-by-target-group", {"group": "外星人"}, "no target-groups concept is called «外星人»"),
    ("measures-citing", {"document": "宪法"}, "no legal document has «宪法» in its title"),
    ("departments-of-measure", {"number": "  "}, "parameter 'number' is empty"),
    ("departments-of-measure", {"number": "X9"}, "parameter 'number' must be a measure number (9, 九, （九）) or IRI, not 'X9'"),
    ("departments-of-measure", {"number": "body:zhangye-miit"}, f"parameter 'number': {BODY}zhangye-miit is not a measure"),
    ("search", {"text": "字" * 201}, "parameter 'text' is longer than 200 characters"),
    # an IRI is taken only for a thing of the parameter's kind
    ("departments-of-measure", {"number": BODY + "zhangye-miit"},
     f"parameter 'number': {BODY}zhangye-miit is not a measure"),
    ("measures-by-department", {"department": BODY + "nope"}, f"parameter 'department': {BODY}nope is not a government body"),
    # a prefixed name no body holds: expanded with the store's prefixes, then refused
    ("measures-by-department", {"department": "body:nope"}, f"parameter 'department': {BODY}nope is not a government body"),
    ("measures-by-department", {"department": "https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/1"},
     "is not a government body"),
    ("measures-citing", {"document": "body:zhangye-miit"}, f"parameter 'document': {BODY}zhangye-miit is not a legal document"),
    ("measures-by-target-group", {"group": BODY + "zhangye-miit"},
     f"parameter 'group': {BODY}zhangye-miit is not a concept of target-groups"),
    ("measures-by-target-group", {"group": "https://w3id.org/policykg/id/instrument/supply-side"},
     "is not a concept of target-groups"),
])
def test_parameter_errors_list_what_is_accepted(store, name, params, message):
    with pytest.raises(ParameterError) as e:
        run_saved_query(store, name, params)
    assert message in str(e.value)


@pytest.mark.parametrize("raw, iri", [
    # an exact title wins over a longer title containing it (…政府采购法实施条例)
    ("中华人民共和国政府采购法", "government-procurement-law"),
    # written with its book-title marks; of the versions sharing a title, the one the notice cites
    ("《保障中小企业款项支付条例》", "sme-payment-regulation-2020"),
    ("公平竞争审查制度实施细则", "fair-competition-review-rules-2021"),
])
def test_a_document_parameter_prefers_an_exact_title_then_a_cited_document(store, raw, iri):
    from policykg.queries import Parameter, resolve
    assert resolve(store, Parameter("document", "document"), raw).value == LEGAL + iri


def test_document_errors_name_the_parameter_and_list_the_candidates(store):
    with pytest.raises(ParameterError) as e:
        run(store, "measures-citing", document="办法")
    assert e.value.parameter == "document" and str(e.value) == (
        "parameter 'document': «办法» matches 3 documents; give more of the title or an IRI: "
        + ", ".join(LEGAL + d for d in ("cbirc-small-micro-finance-evaluation",
                                        "financial-enterprise-performance-evaluation",
                                        "gov-procurement-sme-interim-measures")))
    with pytest.raises(ParameterError) as e:
        run(store, "measures-citing", document="宪法")
    assert e.value.parameter == "document"


def test_a_saved_query_is_read_from_the_text_given_or_its_file(tmp_path):
    text = "# ---\n" + GOOD_HEAD + "# ---\nSELECT ?x WHERE {}\n"
    virtual = parse_saved_query(tmp_path / "nowhere.rq", text)       # the file need not exist
    assert virtual.name == "nowhere" and virtual.sparql == "SELECT ?x WHERE {}\n"
    (tmp_path / "real.rq").write_bytes(text.replace("标题", "标题（中文）").encode("utf-8"))
    assert parse_saved_query(tmp_path / "real.rq").title["zh"] == "标题（中文）"


def test_an_empty_front_matter_is_closed_and_then_incomplete(tmp_path):
    empty = tmp_path / "empty.rq"
    empty.write_text("# ---\n# ---\nSELECT * WHERE {}\n", encoding="utf-8")
    with pytest.raises(FrontMatterError, match="front matter needs `title`"):
        parse_saved_query(empty)


def test_an_unknown_concept_lists_the_concepts_of_its_scheme(store):
    with pytest.raises(ParameterError) as e:
        run(store, "measures-by-target-group", group="外星人")
    assert e.value.parameter == "group"
    listed = str(e.value).split("concepts: ", 1)[1].split("、")
    assert {"中小企业", "小微企业", "高校毕业生", "退役军人"} <= set(listed) and listed == sorted(listed)
    assert "政府采购" not in listed                     # an instrument, not a target group


def test_regression_a_parameter_error_names_the_parameter(store):
    with pytest.raises(ParameterError) as e:
        run(store, "search", text="字" * 201)
    assert e.value.parameter == "text"
    with pytest.raises(ParameterError) as e:
        run(store, "departments-of-measure", number=BODY + "zhangye-miit")
    assert e.value.parameter == "number"


def test_regression_text_at_the_length_cap_is_accepted(store):
    assert run(store, "search", text="字" * 200).rows == []


@pytest.mark.parametrize("raw, value", [("12", "12"), ("-0012", "-12"), ("+7", "7"), (" 3 ", "3"), ("999999999", "999999999")])
def test_an_integer_parameter_is_a_typed_literal(store, raw, value):
    from policykg.queries import XSD_INTEGER, Parameter, resolve
    from policykg.results import Term
    assert resolve(store, Parameter("n", "integer"), raw) == Term.literal(value, XSD_INTEGER)


@pytest.mark.parametrize("raw", ["1.5", "十二", "1234567890", "1e3", "12abc", "0x10"])
def test_an_integer_parameter_refuses_anything_else(store, raw):
    from policykg.queries import Parameter, resolve
    with pytest.raises(ParameterError) as e:
        resolve(store, Parameter("n", "integer"), raw)
    assert str(e.value) == f"parameter 'n' must be a whole number, not {raw!r}" and e.value.parameter == "n"


@pytest.mark.parametrize("name, params, parameter", [
    ("measures-by-department", {"department": "市大数据局"}, "department"),
    ("departments-of-measure", {"number": "nine"}, "number"),
    ("measures-by-target-group", {"group": "外星人"}, "group"),
])
def test_every_parameter_error_names_its_parameter(store, name, params, parameter):
    with pytest.raises(ParameterError) as e:
        run_saved_query(store, name, params)
    assert e.value.parameter == parameter


def test_an_unknown_body_is_named_exactly_with_at_most_eight_near_names(store):
    with pytest.raises(ParameterError) as e:
        run(store, "measures-by-department", department="市大数据局")
    assert str(e.value) == "parameter 'department': no body is called «市大数据局»"
    with pytest.raises(ParameterError) as e:
        run(store, "measures-by-department", department="局")
    message, near = str(e.value).split("; bodies whose names contain it: ")
    assert message == "parameter 'department': no body is called «局»"
    near = near.split(", ")
    assert len(near) == 8 and near == sorted(near) and all(n.startswith(BODY) for n in near)


def test_load_queries_reads_the_folder_given(tmp_path):
    from policykg.queries import get_query
    (tmp_path / "mine.rq").write_text("# ---\n" + GOOD_HEAD + "# ---\nSELECT ?x WHERE {}\n", encoding="utf-8")
    (tmp_path / "yours.rq").write_text("# ---\n" + GOOD_HEAD + "# ---\nSELECT ?x WHERE {}\n", encoding="utf-8")
    assert list(load_queries(tmp_path)) == ["mine", "yours"]
    assert get_query("mine", tmp_path).path == tmp_path / "mine.rq"
    with pytest.raises(ParameterError) as e:
        get_query("measure-text", tmp_path)
    assert str(e.value) == "no saved query 'measure-text'; saved queries: mine, yours"


def test_an_answer_without_the_selected_variables_is_an_error_naming_the_store():
    from policykg.queries import _answer
    from policykg.results import ResultSet
    from policykg.store import QueryError

    class Answers:
        name = "https://example.org/sparql"

        def __init__(self, variables):
            self.variables = variables

        def select(self, sparql):
            return ResultSet(self.variables, [tuple(Term.literal("1") for _ in self.variables)])
    with pytest.raises(QueryError) as e:
        _answer(Answers(["y", "w"]), "SELECT ?x ?z WHERE {}", ("x", "y", "z"))
    assert str(e.value) == ("https://example.org/sparql: the answer has the variables y, w, "
                            "not ?x, ?z that the query selects")
    with pytest.raises(QueryError) as e:
        _answer(Answers([]), "SELECT ?x WHERE {}", ("x",))
    assert str(e.value) == "https://example.org/sparql: the answer has the variables none, not ?x that the query selects"


def test_a_store_without_measures_says_there_is_none():
    from policykg import resources
    empty = open_store(files=resources.ontology_files() + resources.registry_files())
    with pytest.raises(ParameterError) as e:
        run(empty, "departments-of-measure", number="1")
    assert str(e.value) == "parameter 'number': there is no measure 1" and e.value.parameter == "number"


def test_body_error_suggests_near_names(store):
    with pytest.raises(ParameterError, match="bodies whose names contain it: .*zhangye-finance"):
        run(store, "measures-by-department", department="财政局")


GOOD_HEAD = '# title = { zh = "标题", en = "title" }\n# description = { zh = "说明", en = "about" }\n# columns = ["x"]\n'


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { ?s ?p ?o }\n", "bad.rq:1: a saved query starts with a `# ---` front-matter block"),
    ("# ---\n" + GOOD_HEAD + "SELECT * WHERE {}\n", "bad.rq:1: the front-matter block is never closed with `# ---`"),
    ("# ---\n" + GOOD_HEAD + "title = 1\n# ---\nSELECT * WHERE {}\n", "bad.rq:5: front-matter lines start with #"),
    ("# ---\ntitle = 1\n" + GOOD_HEAD + "# ---\nSELECT * WHERE {}\n", "bad.rq:2: front-matter lines start with #"),
    ("# ---\n# title = {\n# ---\nSELECT * WHERE {}\n", "bad.rq: front matter: "),
    ('# ---\n# title = { zh = "x" }\n# ---\nSELECT * WHERE {}\n', "bad.rq: front matter needs `description` (dict)"),
    ("# ---\n# title = \"x\"\n# ---\nSELECT * WHERE {}\n", "bad.rq: front matter needs `title` (dict)"),
    ('# ---\n# title = { zh = "x" }\n# description = { zh = "x", en = "x" }\n# ---\nSELECT * WHERE {}\n',
     "bad.rq: `title` needs zh and en"),
    ('# ---\n# title = { zh = "x", en = "x" }\n# description = { en = "x" }\n# ---\nSELECT * WHERE {}\n',
     "bad.rq: `description` needs zh and en"),
    ("# ---\n" + GOOD_HEAD.replace("# columns", "# kolumns") + "# ---\nSELECT * WHERE {}\n",
     "bad.rq: front matter needs `columns` (list)"),
    ("# ---\n" + GOOD_HEAD + '# [[parameters]]\n# name = "n"\n# type = "float"\n# ---\nSELECT * WHERE {}\n',
     "bad.rq: parameter 'n' has type 'float'; types are measure, body, document, concept, text, integer"),
    ("# ---\n" + GOOD_HEAD + '# [[parameters]]\n# name = "c"\n# type = "concept"\n# ---\nSELECT * WHERE {}\n',
     "bad.rq: concept parameter 'c' needs scheme instruments or platforms or target-groups"),
    ("# ---\n" + GOOD_HEAD + '# [[parameters]]\n# name = "b"\n# type = "body"\n# narrows = "measure"\n# ---\n'
     "SELECT * WHERE {}\n",
     "bad.rq: parameter 'b' narrows 'measure', but only a text parameter's words can narrow the measures searched"),
])
def test_front_matter_errors(tmp_path, text, message):
    assert_front_matter_error(tmp_path, text, message)


def assert_front_matter_error(tmp_path, text: str, message: str) -> None:
    """bad.rq holding `text` is refused with `message`, naming the file."""
    bad = tmp_path / "bad.rq"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(FrontMatterError) as e:
        parse_saved_query(bad)
    assert str(e.value).removeprefix(str(tmp_path) + "/").startswith(message)


def test_front_matter_is_read_with_its_defaults(tmp_path):
    good = tmp_path / "good.rq"
    good.write_text("# ---\n" + GOOD_HEAD + '# [[parameters]]\n# name = "n"\n# type = "integer"\n# default = 3\n'
                    '# [[parameters]]\n# name = "t"\n# type = "text"\n#variable = "v"\n'
                    '# label = { zh = "文字", en = "words" }\n'
                    '# [[parameters]]\n# name = "o"\n# type = "body"\n# required = false\n'
                    '# [chart]\n# label = "x"\n# value = "x"\n# ---\nSELECT ?x WHERE {}\n',
                    encoding="utf-8")
    q = parse_saved_query(good)
    assert (q.name, q.title["en"], q.columns, q.sparql) == ("good", "title", ("x",), "SELECT ?x WHERE {}\n")
    assert (q.path, q.chart) == (good, {"label": "x", "value": "x"})
    n, t, o = q.parameters
    assert (o.required, o.default) == (False, None)
    assert parse_saved_query(good, good.read_text(encoding="utf-8").replace("# [chart]", "# [unused]")).chart == {}
    assert (n.required, n.default, n.variable, n.label) == (False, "3", "n", {})
    assert (t.required, t.default, t.variable, t.label) == (True, None, "v", {"zh": "文字", "en": "words"})
    assert q.accepted() == "n (integer, default 3), t (text, required), o (body, optional)"


def test_measure_text(store):
    rs = run(store, "measure-text", number="（十六）")
    row = rs.dicts()[0]
    assert row["part"].value == "进一步完善融资支持促进制度"
    assert "将平均担保费率降至1.5%以下" in row["text"].value


def test_unresolved_names_is_empty_on_the_shipped_data(store):
    assert run(store, "unresolved-names").rows == []


@pytest.fixture(scope="module")
def other_built(tmp_path_factory):
    """The other-genre fixture notice's graph as Turtle (extracted; its validation is tested elsewhere)."""
    from pathlib import Path

    from policykg.pipeline import extract
    out = tmp_path_factory.mktemp("other") / "other.ttl"
    out.write_text(extract(Path(__file__).parent / "fixtures" / "notices" / "other-genre.txt").turtle, encoding="utf-8")
    return out


def test_queries_on_a_notice_of_another_style(other_built):
    """Lead and supporting bodies, and names the registry lacks, from the other-genre fixture."""
    from policykg import resources
    other = open_store(files=resources.ontology_files() + resources.registry_files() + [other_built])
    rs = run(other, "departments-of-measure", number="1")
    assert [(r[0].value.removeprefix(BODY), r[2].value) for r in rs.rows] == [
        ("zhangye-miit", "lead"), ("zhangye-finance", "supporting")]
    unresolved = run(other, "unresolved-names")
    found = [(r[1].value, r[2] and int(r[2].value)) for r in unresolved.rows]
    assert ("市数据局", 3) in found
    assert ("市直各部门", None) in found          # a recipient: named by the notice, not a measure


def test_regression_a_measure_number_two_notices_use_is_refused_not_the_first_taken(other_built):
    """With two notices in one store, measure 1 is two measures: a number alone must not pick one
    (tests/test_corpus_queries.py asks the same of a corpus of six)."""
    both = open_store(files=default_files() + [other_built])
    with pytest.raises(ParameterError) as e:
        run(both, "departments-of-measure", number="（一）")
    assert e.value.parameter == "number"
    zhangye, other = (f"https://w3id.org/policykg/id/doc/{d}/measure/1" for d in ("zczmbf-2021-9", "示例市促进办发-2023-12"))
    assert str(e.value) == f"parameter 'number': 2 documents have a measure 1; give its IRI: {zhangye}, {other}"
    rows = run(both, "departments-of-measure", number=zhangye).rows
    assert rows and rows == run(open_store(), "departments-of-measure", number="1").rows


def test_legal_basis(store):
    rs = run(store, "legal-basis", number="9")
    rows = [(r["law"].value.removeprefix(LEGAL), r["article"].value, r["kind"].value) for r in rs.dicts()]
    assert rows[0] == ("sme-promotion-law", "第四十条", "restates")
    assert ("government-procurement-law", "第十一条", "restates") in rows
    assert "对中小企业实行差别待遇或者歧视待遇" in rs.dicts()[0]["article_quote"].value
    first = rs.dicts()[0]
    assert (first["level"].value, first["reason"].value[:5], first["reason_en"].value[:13]) == ("high", "措辞相同：", "same wording:")
    levels = rs.values("level")
    assert levels == sorted(levels, key=["high", "medium", "low"].index)       # ordered by score: levels follow
    paraphrase = {r["article"].value: r for r in run(store, "legal-basis", number="33").dicts()}
    assert paraphrase["第五条"]["kind"].value == "rests on" and "协调" in paraphrase["第五条"]["reason"].value


def test_article_uptake(store):
    rs = run(store, "article-uptake", law="中华人民共和国中小企业促进法")
    uptake = dict(zip(rs.values("article"), rs.values("measures")))
    assert uptake["第四十条"] == "9" and uptake["第十一条"] == "8"


def test_revised_since(store):
    rs = run(store, "revised-since")
    # only measure 30 rests on the 2020 payment regulation: the links of 1 (第二十二条, a supervision
    # article), 5 (第十七条, credit records) and 32 (第二十四条, legal services) went with issue #14's
    # second round, a one-subject law's articles being a basis only for a measure on its subject
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


def test_every_saved_query_declares_a_zh_and_en_header_for_every_variable(store):
    for name, q in load_queries().items():
        params = {p.name: p.example for p in q.parameters if p.required}
        variables = run_saved_query(store, q, params).variables     # what the query really selects
        for v in variables:
            header = q.headers.get(v, {})
            assert header.get("zh") and header.get("en"), f"{name}: column {v} needs a zh and an en header"
            assert header["zh"] != v and header["en"] != v, f"{name}: the header of {v} is its variable name"
        assert set(q.headers) <= set(variables), f"{name}: headers for columns it does not return"


def test_links_and_codes_of_the_front_matter_point_at_real_things(store):
    queries = load_queries()
    codes = {en.value for (en,) in store.select(
        "SELECT ?en WHERE { ?c a owl:NamedIndividual ; rdfs:label ?en FILTER (lang(?en) = 'en') }").rows}
    for name, q in queries.items():
        for column, link in q.links.items():
            if "entity" in link:
                assert link["entity"] in q.columns, name
                continue
            assert link["query"] in queries and set(link["params"]) <= queries[link["query"]].names, name
            assert set(link["params"].values()) <= set(q.columns), name
        if q.coded:
            params = {p.name: p.example for p in q.parameters if p.required}
            rs = run_saved_query(store, q, params)
            for column in q.coded:
                seen = {v for cell in rs.values(column) if cell for v in cell.split(", ")}
                assert seen and seen <= codes, (name, column, seen - codes)


def test_shared_measures_lists_what_each_co_responsibility_count_counts(store):
    pairs = run(store, "co-responsibility", department="市财政局").dicts()
    assert len(pairs) > 5
    for pair in pairs:
        a, b = pair["body_a"].value, pair["body_b"].value
        shared = ints(run(store, "shared-measures", body_a=a, body_b=b), "number")
        both = set(ints(run(store, "measures-by-department", department=a), "number")) & \
            set(ints(run(store, "measures-by-department", department=b), "number"))
        assert shared == sorted(both) and len(shared) == int(pair["shared"].value), (a, b)
    # gold: the two Zhangye bank regulators share eight measures
    assert len(run(store, "shared-measures", body_a=BODY + "cbirc-zhangye", body_b=BODY + "pboc-zhangye").rows) == 8
    with pytest.raises(ParameterError, match="did you mean 市财政局"):
        run(store, "shared-measures", body_a="市财务局", body_b="市工信局")


# --- one notice of a corpus: the `notice` parameter every saved query takes ---------------

@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    from policykg.corpus import Corpus
    return open_store(corpus=Corpus(tmp_path_factory.mktemp("corpus")))


@pytest.mark.parametrize("raw", ["zczmbf-2021-9", " zczmbf-2021-9 ", "https://w3id.org/policykg/id/graph/zczmbf-2021-9",
                                 "https://w3id.org/policykg/id/doc/zczmbf-2021-9",
                                 "https://w3id.org/policykg/id/doc/zczmbf-2021-9/"])
def test_a_notice_is_named_by_its_id_graph_or_document_iri(corpus_store, raw):
    from policykg.queries import notice_store
    from policykg.store import NoticeView
    view = notice_store(corpus_store, raw)
    assert isinstance(view, NoticeView) and view.graph == "https://w3id.org/policykg/id/graph/zczmbf-2021-9"
    assert run_saved_query(corpus_store, "measures-by-department", {"notice": raw, "department": "市统计局"}).rows == \
        run(corpus_store, "measures-by-department", department="市统计局").rows != []


@pytest.mark.parametrize("raw", ["zczmbf-2021", "https://example.org/doc/zczmbf-2021-9-x", "doc/zczmbf-2021-9"])
def test_an_unknown_notice_is_refused_with_the_notices_there_are(corpus_store, raw):
    from policykg.queries import notice_store
    with pytest.raises(ParameterError) as e:
        notice_store(corpus_store, raw)
    assert str(e.value) == f"parameter 'notice': no notice {raw!r} in the corpus; notices: zczmbf-2021-9"
    assert e.value.parameter == "notice"


def test_without_a_corpus_there_is_no_notice_to_name(store, corpus_store):
    from policykg.queries import notice_store
    view = corpus_store.view("https://w3id.org/policykg/id/graph/zczmbf-2021-9")      # a store without notices()
    for s in (store, view):
        with pytest.raises(ParameterError) as e:
            run_saved_query(s, "part-summary", {"notice": "zczmbf-2021-9"})
        assert str(e.value) == "parameter 'notice': no notice 'zczmbf-2021-9' in the corpus; notices: none (no corpus is loaded)"
    # an empty notice is no restriction
    assert run_saved_query(store, "part-summary", {"notice": ""}).rows == run(store, "part-summary").rows


# --- names many things share: the error lists ten of them ---------------------------------

@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """Eleven measures numbered 1 and eleven bodies called 市财政局, as eleven notices would have."""
    path = tmp_path_factory.mktemp("crowded") / "crowded.ttl"
    path.write_text("@prefix pkg: <https://w3id.org/policykg/ontology#> .\n"
                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n" + "".join(
                        f"<http://x/doc/{i:02}/measure/1> a pkg:Measure ; pkg:number 1 .\n"
                        f"<http://x/body/{i:02}> pkg:level <http://x/level> ; skos:prefLabel \"市财政局\"@zh .\n"
                        for i in range(11)), encoding="utf-8")
    return open_store(files=[path])


def test_a_measure_number_eleven_documents_use_lists_ten_of_them(crowded):
    with pytest.raises(ParameterError) as e:
        run(crowded, "departments-of-measure", number="1")
    ten = ", ".join(f"http://x/doc/{i:02}/measure/1" for i in range(10))
    assert str(e.value) == f"parameter 'number': 11 documents have a measure 1; give its IRI: {ten}"
    assert e.value.parameter == "number"


def test_a_body_name_eleven_places_use_lists_ten_of_them(crowded):
    with pytest.raises(ParameterError) as e:
        run(crowded, "measures-by-department", department="市财政局")
    ten = ", ".join(f"http://x/body/{i:02}" for i in range(10))
    assert str(e.value) == ("parameter 'department': «市财政局» names 11 bodies of different places; give the full "
                            f"name (e.g. with the city) or an IRI: {ten}")
    assert e.value.parameter == "department"


def test_a_document_title_with_a_stray_letter_is_no_title(store):
    with pytest.raises(ParameterError) as e:
        run(store, "measures-citing", document="《中华人民共和国中小企业促进法》X")
    assert e.value.parameter == "document"
    assert str(e.value).startswith("parameter 'document': no legal document has «《中华人民共和国中小企业促进法》X» in its title")


def test_near_names_are_at_most_five_and_only_close_ones():
    from policykg.queries import nearest
    names = [f"市财政局{i}" for i in range(7)] + ["市统计局", "财政"]
    # equally close: difflib gives the later names first
    assert nearest("市财政局", names) == tuple(f"市财政局{i}" for i in (6, 5, 4, 3, 2))
    assert nearest("市财政局", names, n=6) == tuple(f"市财政局{i}" for i in (6, 5, 4, 3, 2, 1))
    assert nearest("区教育局", names) == ()


def test_a_saved_query_has_no_parameter_it_does_not_declare():
    from policykg.queries import get_query
    q = get_query("measures-by-department")
    assert q.parameter("department").name == "department" and q.parameter("nope") is None


def test_unknown_notices_in_a_corpus_of_two_are_listed_by_id(other_built):
    from policykg.corpus import GRAPH_BASE, SHIPPED_ID
    from policykg.queries import notice_store
    from policykg import resources
    from policykg.store import EmbeddedStore, default_files
    shipped = resources.default_output()
    two = EmbeddedStore(default_files() + [other_built], {shipped: GRAPH_BASE + SHIPPED_ID, other_built: GRAPH_BASE + "other"})
    for raw in ("nope", "https://w3id.org/policykg/id/doc/zczmbf-2021-9X", "httpother"):
        with pytest.raises(ParameterError) as e:
            notice_store(two, raw)
        assert str(e.value) == f"parameter 'notice': no notice {raw!r} in the corpus; notices: other, {SHIPPED_ID}"
    assert notice_store(two, "https://w3id.org/policykg/id/doc/other").graph == GRAPH_BASE + "other"


def test_each_view_of_a_corpus_of_two_answers_for_its_notice_within_its_bounds(other_built):
    from policykg.corpus import GRAPH_BASE, SHIPPED_ID
    from policykg import resources
    from policykg.store import EmbeddedStore, QueryTimeout, default_files
    two = EmbeddedStore(default_files() + [other_built],
                        {resources.default_output(): GRAPH_BASE + SHIPPED_ID, other_built: GRAPH_BASE + "other"})
    zhangye, other = two.view(GRAPH_BASE + SHIPPED_ID), two.view(GRAPH_BASE + "other")
    assert zhangye is not other and (zhangye.graph, other.graph) == (GRAPH_BASE + SHIPPED_ID, GRAPH_BASE + "other")
    count = "SELECT (COUNT(?m) AS ?n) WHERE { ?m a pkg:Measure }"
    counts = [int(s.select(count).rows[0][0].value) for s in (two, zhangye, other)]
    assert counts[0] == counts[1] + counts[2] and counts[1] == 35 and counts[2] > 0
    measures = "SELECT ?m WHERE { ?m a pkg:Measure }"
    cut = other.run(measures, limit=1)
    assert len(cut.rows) == 1 and cut.truncated_by == "rows" and "示例市" in cut.rows[0][0].value
    cut = other.run(measures, max_bytes=len(cut.rows[0][0].value.encode("utf-8")) + 5)    # one IRI's bytes
    assert len(cut.rows) == 1 and cut.truncated_by == "bytes"
    with pytest.raises(QueryTimeout):
        other.run(measures, timeout=0)


def test_a_view_declares_the_prefixes_of_its_store(tmp_path):
    from policykg.store import EmbeddedStore
    path = tmp_path / "n.ttl"
    path.write_text("<http://x/s> <http://x/p> <http://x/o> .\n", encoding="utf-8")
    store = EmbeddedStore([path], {path: "http://x/graph"})
    store.prefixes = {"x": "http://x/"}
    assert store.view("http://x/graph").select("SELECT ?s WHERE { ?s x:p x:o }").rows == [(Term.iri("http://x/s"),)]


LINKED_HEAD = GOOD_HEAD.replace('columns = ["x"]', 'columns = ["x", "n"]')


@pytest.mark.parametrize("extra, message", [
    ('# coded = ["y"]\n', "bad.rq: `coded` names 'y', which is not one of the columns"),
    ('# label_columns = ["y"]\n', "bad.rq: `label_columns` names 'y', which is not one of the columns"),
    ('# [links.y]\n# query = "documents"\n', "bad.rq: links.y needs a column of the query, and a `query` to link "
     "to or an `entity` column whose page lists what it counts"),
    ('# [links.n]\n# params = {}\n', "bad.rq: links.n needs a column of the query"),
    ('# [links.n]\n# entity = "y"\n', "bad.rq: links.n needs a column of the query"),
])
def test_front_matter_naming_a_column_the_query_lacks_is_refused(tmp_path, extra, message):
    assert_front_matter_error(tmp_path, "# ---\n" + LINKED_HEAD + extra + "# ---\nSELECT ?x ?n WHERE {}\n", message)


def test_front_matter_columns_headers_codes_values_and_links_are_read_as_declared(tmp_path):
    path = tmp_path / "full.rq"
    path.write_text("# ---\n" + LINKED_HEAD + '# coded = ["x"]\n# label_columns = ["x"]\n'
                    '# [headers.n]\n# zh = "数"\n# en = "count"\n'
                    '# [values.x]\n# Supply = { zh = "供给", en = "supply" }\n'
                    '# [links.n]\n# entity = "x"\n# [links.x]\n# query = "documents"\n'
                    "# ---\nSELECT ?x ?n WHERE {}\n", encoding="utf-8")
    q = parse_saved_query(path)
    assert (q.coded, q.label_columns) == (("x",), ("x",))
    assert q.headers == {"n": {"zh": "数", "en": "count"}}
    assert q.values == {"x": {"Supply": {"zh": "供给", "en": "supply"}}}
    assert q.links == {"n": {"entity": "x"}, "x": {"query": "documents"}}
    assert (q.header("n", "en"), q.header("n", "fr"), q.header("x", "zh")) == ("count", "n", "x")
    bare = parse_saved_query(path, "# ---\n" + GOOD_HEAD + "# ---\nSELECT ?x WHERE {}\n")
    assert (bare.coded, bare.label_columns, bare.headers, bare.values, bare.links) == ((), (), {}, {}, {})


def test_a_misspelt_document_title_gets_the_near_titles(store):
    raw = "中华人民共和国中小企业促近法"            # 进 mistyped 近
    near = ("中华人民共和国中小企业促进法", "中华人民共和国反垄断法", "中华人民共和国政府采购法")
    with pytest.raises(ParameterError) as e:
        run(store, "measures-citing", document=raw)
    assert str(e.value) == f"parameter 'document': no legal document has «{raw}» in its title; did you mean {' or '.join(near)}?"
    assert (e.value.parameter, e.value.value, e.value.suggestions) == ("document", raw, near)
    with pytest.raises(ParameterError) as e:
        run(store, "measures-citing", document="宪法")
    assert str(e.value) == "parameter 'document': no legal document has «宪法» in its title"
    assert (e.value.value, e.value.suggestions) == ("宪法", ())


def test_the_name_index_holds_every_name_a_parameter_may_use(store):
    from policykg.queries import NameIndex
    index = NameIndex(store)
    assert index.body_iris == {i for iris in index.bodies.values() for i in iris}
    assert {BODY + "zhangye-finance", BODY + "cbirc"} <= index.body_iris
    for scheme in ("instruments", "target-groups", "platforms"):
        assert index.concepts[scheme] and all(name == name.lower() for name in index.concepts[scheme])
        labels = index.concept_labels[scheme]
        assert labels == sorted(labels) and len(labels) == len(set(labels))
    assert "strategic measures" in index.concepts["instruments"] and "人才培养" in index.concept_labels["instruments"]
    assert LEGAL + "fair-competition-review-rules-2021" in index.cited and len(index.cited) == 9


def test_a_measure_numbered_with_words_is_an_error_naming_it(tmp_path):
    from policykg.queries import NameIndex
    from policykg.store import QueryError
    path = tmp_path / "words.ttl"
    path.write_text('<http://x/m> a <https://w3id.org/policykg/ontology#Measure> ; '
                    '<https://w3id.org/policykg/ontology#number> "九" .\n', encoding="utf-8")
    with pytest.raises(QueryError) as e:
        NameIndex(open_store(files=[path]))
    assert str(e.value) == "the embedded store: measure http://x/m has the number '九', not an integer"


def test_a_misspelt_concept_gets_the_near_labels_before_the_list(store):
    labels = "、".join(name_index_labels(store, "instruments"))
    with pytest.raises(ParameterError) as e:
        run(store, "measures-by-instrument", instrument="资融支持")
    assert str(e.value) == ("parameter 'instrument': no instruments concept is called «资融支持»; "
                            f"did you mean 金融支持 or 资金支持? concepts: {labels}")
    assert (e.value.parameter, e.value.value, e.value.suggestions) == ("instrument", "资融支持", ("金融支持", "资金支持"))
    with pytest.raises(ParameterError) as e:
        run(store, "measures-by-instrument", instrument="zzz")
    assert str(e.value) == f"parameter 'instrument': no instruments concept is called «zzz»; concepts: {labels}"
    assert (e.value.value, e.value.suggestions) == ("zzz", ())


def name_index_labels(store, scheme):
    from policykg.queries import name_index
    return name_index(store).concept_labels[scheme]


def test_a_misspelt_saved_query_name_gets_the_near_names():
    from policykg.queries import get_query
    names = ", ".join(sorted(load_queries()))
    near = ("measures-by-department", "measures-by-platform", "measures-by-instrument", "measures-by-target-group",
            "measures-citing")
    with pytest.raises(ParameterError) as e:
        get_query("measures-by-departmen")
    assert str(e.value) == f"no saved query 'measures-by-departmen'; did you mean {' or '.join(near)}? saved queries: {names}"
    assert (e.value.parameter, e.value.value, e.value.suggestions) == (None, "measures-by-departmen", near)
    with pytest.raises(ParameterError) as e:
        get_query("xyz")
    assert (str(e.value), e.value.value, e.value.suggestions) == (f"no saved query 'xyz'; saved queries: {names}", "xyz", ())



def test_a_misspelt_body_gets_the_near_names(store):
    with pytest.raises(ParameterError) as e:
        run(store, "measures-by-department", department="市发改局")
    assert str(e.value) == "parameter 'department': no body is called «市发改局»; did you mean 市发改委 or 市发展改革委?"
    assert (e.value.parameter, e.value.value, e.value.suggestions) == ("department", "市发改局", ("市发改委", "市发展改革委"))


def test_a_prefixed_name_may_hold_capitals_and_the_name_index_is_built_once(store):
    from policykg.queries import _iri, name_index
    assert _iri(store, "pkg:Measure") == "https://w3id.org/policykg/ontology#Measure"
    assert _iri(store, "nope:Measure") is None and _iri(store, "pkg:a b") is None
    assert name_index(store) is name_index(store)


def _saved(tmp_path, head: str, sparql: str):
    path = tmp_path / "mine.rq"
    path.write_text("# ---\n" + GOOD_HEAD.replace('columns = ["x"]', head) + "# ---\n" + sparql, encoding="utf-8")
    return parse_saved_query(path)


def test_a_saved_query_with_a_syntax_error_names_its_file_line_and_column(store, tmp_path):
    from policykg.store import QueryError
    q = _saved(tmp_path, 'columns = ["x"]', "SELECT ?x WHERE {\n  ?x ?y }\n")
    with pytest.raises(QueryError) as direct:
        store.run(q.sparql)
    with pytest.raises(QueryError) as e:
        run_saved_query(store, q)
    assert e.value.message == "mine.rq: " + direct.value.message
    assert (e.value.line, e.value.column) == (direct.value.line, direct.value.column) == (3, 1)


def test_an_answer_without_the_declared_columns_is_an_error(store, tmp_path):
    from policykg.store import QueryError
    q = _saved(tmp_path, 'columns = ["x", "y", "z"]', "SELECT ?x ?w WHERE { BIND(1 AS ?x) }\n")
    with pytest.raises(QueryError) as e:
        run_saved_query(store, q)
    assert str(e.value) == "the embedded store: the answer to mine has the columns x, w, not y, z"
    q = _saved(tmp_path, 'columns = ["x"]', "SELECT * WHERE { }\n")
    with pytest.raises(QueryError) as e:
        run_saved_query(store, q)
    assert str(e.value) == "the embedded store: the answer to mine has the columns none, not x"


PARAMS = ('columns = ["n", "t"]\n# [[parameters]]\n# name = "o"\n# type = "text"\n# required = false\n'
          '# [[parameters]]\n# name = "r"\n# type = "text"\n'
          '# [[parameters]]\n# name = "n"\n# type = "integer"\n# default = 3')


def test_parameters_are_checked_defaulted_and_bound(store, tmp_path):
    q = _saved(tmp_path, PARAMS, "SELECT ?n ?t WHERE { OPTIONAL { BIND(?o AS ?t) } }\n")
    # an optional one missing does not stop the check of a required one after it
    with pytest.raises(ParameterError) as e:
        run_saved_query(store, q, {})
    assert str(e.value) == "mine: missing parameter 'r'; it accepts: o (text, optional), r (text, required), n (integer, default 3)"
    assert e.value.parameter == "r"
    with pytest.raises(ParameterError) as e:
        run_saved_query(store, q, {"r": "x", "b": "1", "a": "2"})
    assert str(e.value).startswith("mine: unknown parameter 'a', 'b'; it accepts: o (text") and e.value.parameter == "a"
    # the default bound where no value is given; an empty optional one left unbound
    rs = run_saved_query(store, q, {"r": "x", "o": ""})
    assert rs.rows == [(Term.literal("3", "http://www.w3.org/2001/XMLSchema#integer"), None)]
    assert run_saved_query(store, q, {"r": "x", "n": "4"}).rows[0][0].value == "4"
    with pytest.raises(ParameterError) as e:
        run_saved_query(store, q, {"r": "  "})
    assert str(e.value) == "parameter 'r' is empty" and e.value.parameter == "r"


def test_a_name_resolving_to_a_malformed_iri_is_a_parameter_error(crowded):
    """An endpoint may answer with an IRI no RDF store would hold (a space in it): the parameter
    it resolves is refused, naming the parameter, rather than pasted into a query."""
    from policykg.queries import get_query, name_index, resolve
    index = name_index(crowded)
    index.bodies["某局"] = {"http://x/a b"}
    department = get_query("measures-by-department").parameter("department")
    try:
        with pytest.raises(ParameterError) as e:
            resolve(crowded, department, "某局")
    finally:
        del index.bodies["某局"]
    assert str(e.value) == "parameter 'department': not an absolute IRI: 'http://x/a b'" and e.value.parameter == "department"


def test_a_value_given_as_an_iri_is_checked_by_one_lookup_without_the_name_index():
    """Reading every measure and body into the name index took a server's first saved query 4 s
    at 1,000 notices; an IRI needs one lookup, and a name reads only its own kind."""
    from policykg.queries import NameIndex, name_index
    fresh = open_store()
    measure = "https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/9"
    by_iri = run(fresh, "measure-text", number=measure).rows
    assert run(fresh, "measures-by-department", department=BODY + "zhangye-finance").rows
    assert run(fresh, "measures-citing", document=LEGAL + "fair-competition-review-rules-2021").rows
    index = name_index(fresh)
    assert not set(vars(index)) & set(NameIndex.KINDS)
    # a number is looked up directly too: reading every measure took a form 8.7 s at 10,000 notices
    assert run(fresh, "measure-text", number="9").rows == by_iri != []
    assert run(fresh, "measure-text", number="（九）").rows == by_iri
    assert not set(vars(index)) & set(NameIndex.KINDS)
    assert run(fresh, "measures-by-department", department="市财政局").rows
    assert set(vars(index)) & set(NameIndex.KINDS) == {"bodies"}


def test_measure_numbers_are_those_of_the_measures_and_a_corpus_asks_for_the_iri(tmp_path):
    """The direct lookups give what reading every measure gave: the numbers a form offers, one
    measure per number in one notice, and in two notices a refusal naming both."""
    from policykg.queries import get_query, measures_numbered, name_index, pick_list
    fresh = open_store()
    every = fresh.select("SELECT ?x ?n WHERE { ?x a pkg:Measure ; pkg:number ?n }").rows
    numbers = sorted({int(n.value) for _, n in every})
    assert name_index(fresh).measure_numbers == numbers and len(numbers) == 35
    number = get_query("measure-text").parameter("number")
    assert pick_list(fresh, number) == [str(n) for n in numbers]
    assert measures_numbered(fresh, 9) == sorted(x.value for x, n in every if n.value == "9")
    with pytest.raises(ParameterError) as e:
        run(fresh, "measure-text", number="99")
    assert str(e.value) == "parameter 'number': there is no measure 99; measures are numbered 1–35"
    with pytest.raises(ParameterError) as e:
        run(fresh, "measure-text", number=BODY + "zhangye-finance")
    assert str(e.value) == f"parameter 'number': {BODY}zhangye-finance is not a measure"
    # a second notice numbered alike (parts and articles are numbered too, and are no measures)
    other = tmp_path / "other.ttl"
    other.write_text("@prefix pkg: <https://w3id.org/policykg/ontology#> .\n"
                     "<http://x/m9> a pkg:Measure ; pkg:number 9 .\n<http://x/m40> a pkg:Measure ; pkg:number 40 .\n"
                     "<http://x/p41> a pkg:Part ; pkg:number 41 .\n", encoding="utf-8")
    two = open_store(files=default_files() + [other])
    assert name_index(two).measure_numbers == numbers + [40]
    with pytest.raises(ParameterError) as e:
        run(two, "measure-text", number="9")
    assert str(e.value).startswith("parameter 'number': 2 documents have a measure 9; give its IRI: ")
    assert "http://x/m9" in str(e.value)
