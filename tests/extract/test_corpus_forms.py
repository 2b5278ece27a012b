"""Forms of notices beyond the shipped one, each on a notice written for the tests.

See tests/fixtures/notices/README.md: the notices are invented, in the layout
and wording of real ones.
"""
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from policykg.extract import ExtractError, parse
from policykg.extract.records import Span

from ..conftest import line_of

NOTICES = Path(__file__).parent.parent / "fixtures" / "notices"
HUNAN = NOTICES / "hunan-2024-work-points.txt"
CHENGDU = NOTICES / "chengdu-2023-private-economy.txt"
GUANGDONG = NOTICES / "guangdong-2023-consumption.txt"
SHANGHAI = NOTICES / "shanghai-2024-road-transport.txt"
GUANGDONG_TITLE = "广东省进一步扩大消费若干措施"     # the web page's heading, not in the text


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load(path: Path, title: str | None = None):
    return parse(read(path), path.name, title=title)


@pytest.fixture(scope="module")
def hunan():
    return load(HUNAN)


@pytest.fixture(scope="module")
def chengdu():
    return load(CHENGDU)


@pytest.fixture(scope="module")
def guangdong():
    return load(GUANGDONG, GUANGDONG_TITLE)


@pytest.fixture(scope="module")
def shanghai():
    return load(SHANGHAI)


def roles(measure):
    """(role, [(name, expanded, position)]) of each list, in the order written."""
    return [(bl.role, [(b.name, b.expanded, b.position) for b in bl.bodies])
            for bl in measure.responsibility]


def measure(doc, number):
    (m,) = [m for m in doc.measures if m.number == number]
    return m


def warned(doc, text: str, line: int, message: str) -> bool:
    return any(w.startswith(f"{doc.source_name}:{line}:") and message in w for w in doc.warnings)


# --- three levels: 一、 / （一） / 1. with tasks numbered through the parts ----------

def test_three_levels_with_tasks_numbered_straight_through_the_parts(hunan):
    assert [p.title.text for p in hunan.parts] == [
        "持续优化市场环境", "提升政务服务效能", "加强法治保障", "强化组织保障"]
    assert [(s.part_number, s.numeral, s.title.text, [m.number for m in s.measures])
            for p in hunan.parts for s in p.sections] == [
        (1, "一", "降低市场准入门槛", [1, 2, 3]), (1, "二", "维护公平竞争秩序", [4, 5, 6]),
        (2, "三", "推进政务服务标准化便利化", [7, 8]), (2, "四", "提升涉企服务水平", [10, 11, 12]),
        (3, "五", "规范行政执法行为", [13, 14]), (3, "六", "加强产权保护", [15, 16]),
        (3, "七", "提升司法服务水平", [17, 18])]
    # numbering continues across parts: part 二 starts at task 7
    assert [[m.number for m in p.measures] for p in hunan.parts] == [
        [1, 2, 3, 4, 5, 6], [7, 8, 10, 11, 12], [13, 14, 15, 16, 17, 18], [19, 20, 21]]
    assert (measure(hunan, 10).section_number, measure(hunan, 10).part_number) == (4, 2)
    assert measure(hunan, 7).title.text == "推进“高效办成一件事”"


def test_a_gap_in_task_numbers_is_a_warning_not_an_error(hunan):
    text = read(HUNAN)
    assert warned(hunan, text, line_of(text, "10.健全惠企政策直达机制"),
                  "measure number 10 (10) out of sequence: expected 9; is measure 9 missing?")
    # sub-parts numbered on through the parts (（三） opens part 二) are in sequence
    assert not any("sub-part" in w for w in hunan.warnings)


def test_unnumbered_paragraphs_under_a_part_are_measures(hunan):
    last = hunan.parts[-1]
    assert [(m.number, m.numeral, m.heading) for m in last.measures] == [
        (19, None, None), (20, None, None), (21, None, None)]
    # a short lead sentence is the title; a first sentence with commas is already the substance
    assert [m.title and m.title.text for m in last.measures] == ["加强组织领导", None, "强化督促检查"]
    first, second, _ = last.measures
    assert first.text.text.startswith("各地各部门要把优化营商环境作为“一把手”工程")
    assert second.text.text.startswith("建立工作台账，实行清单化管理")
    assert roles(first) == [("lead", [("省优化营商环境协调事务中心", None, 1)]),
                            ("local", [("各市州人民政府", None, 1)])]


def test_missing_header_fields_are_left_empty_and_warned(hunan):
    h = hunan.header
    assert (h.doc_number, h.code, h.year, h.serial) == (None, None, None, None)
    assert (h.notice_title, h.notice_title_spans, h.recipients) == (None, (), [])
    assert (h.issuer, h.issuer_spans, h.date, h.date_span) == (None, (), None, None)
    assert h.title == "湖南省2024年优化营商环境工作要点" == h.title_span.text
    for message in ("no document number", "no notice title ending in 通知", "no issuer",
                    "no issue date"):
        assert any(w.startswith("hunan-2024-work-points.txt:1:1: warning: " + message)
                   for w in hunan.warnings), message
    assert [c.title for c in hunan.preamble.implements] == ["优化营商环境条例", "湖南省优化营商环境规定"]


# --- title and body on one line, or on separate lines -----------------------------

def test_title_and_body_on_one_line(hunan, chengdu):
    m1 = measure(hunan, 1)
    assert m1.title.text == "全面落实市场准入负面清单制度"
    assert m1.heading.text == "1.全面落实市场准入负面清单制度。"
    assert m1.text.text.startswith("严格执行全国统一的市场准入负面清单")
    c1 = measure(chengdu, 1)
    assert (c1.numeral, c1.title.text, c1.heading.text) == ("一", "破除市场准入壁垒", "（一）破除市场准入壁垒。")
    assert c1.text.text.startswith("全面落实市场准入负面清单制度")
    assert roles(c1) == [("responsible", [("市发改委", None, 1), ("市市场监管局", None, 2)])]


def test_title_and_body_on_separate_lines(chengdu):
    c2 = measure(chengdu, 2)
    assert (c2.title.text, c2.heading.text) == ("全面落实公平竞争政策制度", "（二）全面落实公平竞争政策制度")
    assert c2.text.text.startswith("强化公平竞争审查刚性约束") and "\n" in c2.text.text
    assert roles(c2) == [("lead", [("市市场监管局", None, 1)]),
                         ("supporting", [("市司法局", None, 1), ("市发改委", None, 2)])]
    one_line = [m.number for m in chengdu.measures if m.heading.text.endswith("。")]
    assert one_line == [1, 3, 6, 8, 10, 13]
    assert [m.number for m in chengdu.measures] == list(range(1, 14))


def test_a_notice_wrapper_without_a_document_number(chengdu):
    h = chengdu.header
    assert h.doc_number is None and h.title == "成都市进一步促进民营经济发展壮大若干措施"
    assert h.notice_title.endswith("的通知") and (h.issuer, h.date) == ("成都市人民政府办公厅", "2023-09-18")
    assert [r.name for r in h.recipients] == ["各区（市）县政府", "市政府各部门", "有关单位"]
    (only,) = chengdu.warnings
    assert only.startswith("chengdu-2023-private-economy.txt:1:1: warning: no document number")


# --- responsibility endings and their roles --------------------------------------------

def test_lead_responsible_supporting_and_participating_roles(guangdong):
    assert roles(measure(guangdong, 1)) == [
        ("lead", [("省商务厅", None, 1)]),
        ("responsible", [("省发展改革委", None, 1), ("省财政厅", None, 2)])]
    assert roles(measure(guangdong, 4)) == [
        ("lead", [("省文化和旅游厅", None, 1)]), ("supporting", [("省公安厅", None, 1)])]
    # several leads, and 参与 is a supporting role
    assert [r for r, _ in roles(measure(guangdong, 2))] == ["lead", "supporting"]


def test_local_governments_carrying_a_measure_out(guangdong):
    assert roles(measure(guangdong, 5)) == [
        ("lead", [("省商务厅", None, 1)]), ("supporting", [("省市场监管局", None, 1)]),
        ("local", [("各地级以上市人民政府", None, 1)])]
    # after a semicolon, without a marker
    assert roles(measure(guangdong, 7)) == [
        ("responsible", [("省卫生健康委", None, 1), ("省教育厅", None, 2)]),
        ("local", [("各地级以上市人民政府", None, 1)])]


def test_labelled_lists_in_brackets_in_a_sentence_and_on_a_line(guangdong):
    m6, m7, m8, m9 = (measure(guangdong, n) for n in (6, 7, 8, 9))
    assert roles(m6) == [("responsible", [("省民政厅", None, 1), ("省卫生健康委", None, 2)])]
    assert m7.responsibility[0].span.text == "责任部门：省卫生健康委，省教育厅"
    assert roles(m8) == [("responsible", [("省商务厅", None, 1), ("省工业和信息化厅", None, 2),
                                          ("省委网信办", None, 3)])]
    assert m8.responsibility[0].span.text == "责任单位：省商务厅、省工业和信息化厅、省委网信办"
    assert roles(m9) == [("responsible", [("省发展改革委", None, 1), ("省商务厅", None, 2)])]
    # the label is not read as content: no concept or target comes from it
    assert m9.text.text.endswith("责任单位：省发展改革委、省商务厅")


def test_half_width_brackets_followed_by_more_text(guangdong):
    m3 = measure(guangdong, 3)
    assert roles(m3) == [
        ("lead", [("省住房城乡建设厅", None, 1)]), ("supporting", [("省自然资源厅", None, 1)]),
        ("responsible", [("省住房城乡建设厅", None, 1), ("省发展改革委", None, 2)]),
        ("local", [("各地级以上市人民政府", None, 1)])]
    first = m3.responsibility[0]
    assert first.span.text == "省住房城乡建设厅牵头"
    assert m3.text.text.index("(省住房城乡建设厅牵头") < m3.text.text.index("加快推进保障性住房建设")
    m11 = measure(guangdong, 11)
    assert [(r, [n for n, _, _ in b]) for r, b in roles(m11)] == [
        ("lead", ["省商务厅"]), ("supporting", ["省供销社"]),
        ("responsible", ["省交通运输厅", "省邮政管理局"])]
    assert m11.targets == []               # 到2025年 is a calendar year, not a duration


def test_a_list_separated_by_commas_under_one_marker(guangdong):
    assert roles(measure(guangdong, 12)) == [("responsible", [
        ("省财政厅", None, 1), ("省地方金融监管局", None, 2), ("人民银行广州分行", None, 3)])]


def test_title_given_by_the_caller_and_a_sign_off_at_the_end(guangdong):
    h = guangdong.header
    assert (h.title, h.title_span) == (GUANGDONG_TITLE, None)
    assert (h.issuer, h.date, h.date_span.text) == ("广东省商务厅", "2023-06-20", "2023年6月20日")
    assert not any("no issuer" in w or "no issue date" in w for w in guangdong.warnings)
    assert guangdong.measures[-1].text.text.endswith("按职责分工负责）")    # the sign-off is not body
    with pytest.raises(ExtractError) as e:
        load(GUANGDONG)
    assert str(e.value).startswith("guangdong-2023-consumption.txt:1:1: no title")


def test_the_caller_title_overrides_the_one_written(source_text):
    d = parse(read(HUNAN), "hunan.txt", title="湖南省优化营商环境工作要点（2024年）")
    assert d.header.title == "湖南省优化营商环境工作要点（2024年）" and d.header.title_span is None
    assert any("is not the title given" in w for w in d.warnings)
    assert [m.number for m in d.measures][:3] == [1, 2, 3]
    # in a 通知 the title written in 《》 is still recognised where the text repeats it
    z = parse(source_text, "z.txt", title="张掖市支持中小企业发展若干措施")
    assert (z.header.title, z.header.title_span) == ("张掖市支持中小企业发展若干措施", None)
    assert not any("not repeated" in w for w in z.warnings)
    assert z.preamble.span.text.startswith("为深入贯彻落实党中央") and len(z.measures) == 35


# --- names of bodies ---------------------------------------------------------------------

def test_a_body_name_with_its_own_brackets_is_one_body(shanghai):
    assert roles(measure(shanghai, 4)) == [
        ("lead", [("市交通委（市道运局）", None, 1)]),
        ("supporting", [("市公安局", None, 1), ("市大数据中心", None, 2)])]
    m10 = measure(shanghai, 10)
    assert [b.name for b in m10.responsibility[0].bodies] == [
        "市交通委（市道运局）", "市公安局", "市市场监管局（市知识产权局）"]


def test_a_level_prefix_dropped_after_the_first_name_is_restored(shanghai, guangdong):
    m1 = measure(shanghai, 1)
    assert roles(m1)[1] == ("supporting", [("市发展改革委", None, 1), ("财政局", "市财政局", 2),
                                           ("规划资源局", "市规划资源局", 3)])
    b = m1.responsibility[1].bodies[1]
    assert (b.span.text, b.full) == ("财政局", "市财政局")        # the span keeps the words written
    assert roles(measure(guangdong, 2)) == [
        ("lead", [("省科技厅", None, 1), ("工业和信息化厅", "省工业和信息化厅", 2)]),
        ("supporting", [("省财政厅", None, 1), ("地方金融监管局", "省地方金融监管局", 2)])]
    # a name of its own system keeps its name: no prefix for a group company
    assert roles(measure(shanghai, 3))[1] == ("supporting", [("申通地铁集团", None, 1), ("久事集团", None, 2)])


def test_lists_separated_by_commas_and_semicolons(shanghai):
    assert roles(measure(shanghai, 2)) == [
        ("responsible", [("市交通委（市道运局）", None, 1), ("市公安局交警总队", None, 2)]),
        ("local", [("各区政府", None, 1)])]
    assert roles(measure(shanghai, 6)) == [("responsible", [
        ("市商务委", None, 1), ("市交通委（市道运局）", None, 2), ("市公安局交警总队", None, 3)])]
    assert roles(measure(shanghai, 1))[-1] == ("local", [("各区政府", None, 1)])


def test_a_full_header_and_three_levels_with_titles_on_their_own_lines(shanghai):
    h = shanghai.header
    assert (h.doc_number.text, h.code, h.year, h.serial) == ("沪府办发〔2024〕7号", "沪府办发", 2024, 7)
    assert (h.issuer, h.date, h.title) == ("上海市人民政府办公厅", "2024-04-12", "上海市促进道路运输业高质量发展行动方案")
    assert [r.name for r in h.recipients] == ["各区人民政府", "市政府各委、办、局"]
    assert [(m.number, m.section_number, m.title.text) for m in shanghai.measures[:3]] == [
        (1, 1, "优化城乡公交线网"), (2, 1, "推动定制客运发展"), (3, 2, "完善客运枢纽功能")]
    assert shanghai.warnings == []


# --- every span quotes the source ----------------------------------------------------------

def spans(record):
    """Every Span inside a record, however deep."""
    if isinstance(record, Span):
        yield record
    elif is_dataclass(record):
        for f in fields(record):
            yield from spans(getattr(record, f.name))
    elif isinstance(record, (list, tuple)):
        for item in record:
            yield from spans(item)


@pytest.mark.parametrize("path, title", [
    (HUNAN, None), (CHENGDU, None), (GUANGDONG, GUANGDONG_TITLE), (SHANGHAI, None),
    (NOTICES / "other-genre.txt", None), (None, None)])
def test_every_span_quotes_the_source(path, title, source_text, registry):
    text = read(path) if path else source_text
    doc = parse(text, "n.txt", registry.instrument_matcher(), registry.group_matcher(),
                registry.platform_matcher(), title=title)
    found = list(spans(doc))
    assert len(found) > 40 and any(m.instruments for m in doc.measures)
    for s in found:
        assert text[s.start:s.end] == s.text, s


# --- malformed input is refused with file:line:column ---------------------------------------

def test_a_duplicated_task_number_is_an_error():
    text = read(SHANGHAI).replace("4.加强枢纽运行监测", "3.加强枢纽运行监测")
    with pytest.raises(ExtractError) as e:
        parse(text, "bad.txt")
    assert e.value.message == "duplicate measure number 3 (3)"
    assert (e.value.line, e.value.column) == (line_of(text, "3.加强枢纽运行监测"), 1)


def test_text_between_a_sub_part_heading_and_its_first_task_is_an_error():
    text = read(SHANGHAI).replace("（二）提升枢纽服务能力\n", "（二）提升枢纽服务能力\n枢纽是客运体系的关键节点。\n")
    with pytest.raises(ExtractError) as e:
        parse(text, "bad.txt")
    assert "text between a sub-part heading and its first measure" in e.value.message
    assert e.value.line == line_of(text, "枢纽是客运体系的关键节点")


def test_points_numbered_from_1_in_each_measure_stay_inside_it():
    """（一） over 1. 2. restarting in each is two levels: the points are body text."""
    text = ("示例市支持外贸发展若干措施\n为稳住外贸基本盘，制定以下措施。\n一、稳主体\n（一）加大信保支持\n"
            "1.扩大出口信用保险覆盖面。\n2.降低短期险费率。（市商务局牵头，市财政局配合）\n"
            "（二）强化融资服务\n1.推广“信保+担保”融资模式。\n2.开展外贸企业融资对接。（市金融局负责）\n")
    d = parse(text, "t.txt")
    assert [(m.numeral, m.title.text) for m in d.measures] == [("一", "加大信保支持"), ("二", "强化融资服务")]
    assert d.parts[0].sections == []
    assert d.measures[0].text.text.startswith("1.扩大出口信用保险覆盖面")


# --- the checks above on parses of their own -------------------------------------------------
# The notices above are parsed once per module, so mutation testing (mutmut records the functions
# a test reaches) credits each parse to the first test that asked for it alone. Here each parse
# is the test's own: every check speaks for every function of the parser it reaches.

def test_the_checks_of_the_hunan_notice_on_a_parse_of_their_own():
    doc = load(HUNAN)
    for check in (test_three_levels_with_tasks_numbered_straight_through_the_parts,
                  test_a_gap_in_task_numbers_is_a_warning_not_an_error, test_unnumbered_paragraphs_under_a_part_are_measures,
                  test_missing_header_fields_are_left_empty_and_warned):
        check(doc)


def test_the_checks_of_the_chengdu_notice_on_a_parse_of_their_own():
    doc = load(CHENGDU)
    for check in (test_title_and_body_on_separate_lines, test_a_notice_wrapper_without_a_document_number):
        check(doc)
    test_title_and_body_on_one_line(load(HUNAN), doc)


def test_the_checks_of_the_guangdong_notice_on_a_parse_of_their_own():
    doc = load(GUANGDONG, GUANGDONG_TITLE)
    for check in (test_lead_responsible_supporting_and_participating_roles, test_local_governments_carrying_a_measure_out,
                  test_labelled_lists_in_brackets_in_a_sentence_and_on_a_line,
                  test_half_width_brackets_followed_by_more_text, test_a_list_separated_by_commas_under_one_marker,
                  test_title_given_by_the_caller_and_a_sign_off_at_the_end):
        check(doc)


def test_the_checks_of_the_shanghai_notice_on_a_parse_of_their_own():
    doc = load(SHANGHAI)
    for check in (test_a_body_name_with_its_own_brackets_is_one_body, test_lists_separated_by_commas_and_semicolons,
                  test_a_full_header_and_three_levels_with_titles_on_their_own_lines):
        check(doc)
    test_a_level_prefix_dropped_after_the_first_name_is_restored(doc, load(GUANGDONG, GUANGDONG_TITLE))
