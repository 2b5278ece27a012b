"""Each parsing step on the real notice, and on a notice of a neighbouring style."""
from pathlib import Path

import pytest

from policykg.extract import ExtractError, PhraseMatcher, parse
from policykg.extract.records import Span
from policykg.extract.parser import content_lines, split_range

from ..conftest import line_of

OTHER = Path(__file__).parent.parent / "fixtures" / "notices" / "other-genre.txt"


def test_content_lines_strip_trailing_spaces(source_text):
    lines = content_lines(source_text)
    recipients = next(l for l in lines if l.text.startswith("各县区人民政府"))
    assert recipients.text.endswith("人民检察院：")          # the trailing space is gone
    assert source_text[recipients.start:recipients.end] == recipients.text


def test_split_range_ignores_separators_inside_brackets():
    text = "省工信厅、省检察院等29厅（委、局、院）"
    assert [text[s:e] for s, e in split_range(text, 0, len(text), "、")] == \
        ["省工信厅", "省检察院等29厅（委、局、院）"]


def test_header(doc):
    h = doc.header
    assert h.doc_number.text == "张促中民办发〔2021〕9号"
    assert (h.code, h.year, h.serial) == ("张促中民办发", 2021, 9)
    assert h.date == "2021-07-01"
    assert h.issuer == "张掖市促进中小企业和民营经济发展工作领导小组办公室"


def test_title_is_reassembled_across_line_breaks(doc):
    h = doc.header
    assert h.title == "关于进一步健全支持中小企业发展制度的若干措施"
    assert "\n" in h.title_span.text                     # the span keeps the source as it is
    assert h.notice_title == ("张掖市促进中小企业和民营经济发展工作领导小组办公室印发"
                              "《关于进一步健全支持中小企业发展制度的若干措施》的通知")


def test_recipients_share_an_elided_prefix(doc):
    assert [r.name for r in doc.header.recipients] == [
        "各县区人民政府", "张掖经济技术开发区管委会",
        "市促进中小企业和民营经济发展工作领导小组各成员单位",
        "各县区人民法院", "各县区人民检察院"]
    # 人民检察院 is written without 各县区; the span still points at the words written
    assert doc.header.recipients[-1].span.text == "人民检察院"


def test_preamble_names_the_implemented_provincial_document(doc):
    (c,) = doc.preamble.implements
    assert c.title == "关于进一步健全支持中小企业发展制度的实施意见"
    assert c.doc_number == "甘工信发〔2020〕351号"
    issuers = doc.preamble.implements_issuers
    assert [b.name for b in issuers.bodies] == ["省工信厅", "省发改委", "省科技厅", "省高级人民法院", "省检察院"]
    assert issuers.open


def test_parts_and_measures(doc):
    assert [p.title.text for p in doc.parts] == [
        "优化公平公正市场环境", "进一步完善中小企业财税支持制度", "进一步完善融资支持促进制度",
        "健全中小微企业创新创业发展制度", "优化中小企业公共服务体系",
        "进一步完善中小企业合法权益保护制度", "强化中小企业发展组织保障制度"]
    assert [[m.number for m in p.measures] for p in doc.parts] == [
        list(range(1, 7)), list(range(7, 10)), list(range(10, 17)), list(range(17, 24)),
        list(range(24, 29)), list(range(29, 33)), list(range(33, 36))]
    m21 = doc.measures[20]
    assert (m21.numeral, m21.title.text) == ("二十一", "健全支持中小企业“专精特新”发展机制")


def test_measure_one_responsibility_and_the_note_for_all_later_measures(doc):
    m1 = doc.measures[0]
    responsible, implementing = m1.responsibility
    assert [b.name for b in responsible.bodies] == ["市工信局", "市司法局", "市发展改革委"]
    assert responsible.open and responsible.role == "responsible"
    assert [b.name for b in implementing.bodies] == ["各县区政府", "张掖经开区管委会"]
    assert implementing.role == "implementing"
    assert m1.implementers is None
    note = doc.global_implementers
    assert [b.name for b in note.bodies] == ["各县区政府", "张掖经开区管委会"]
    assert all(m.implementers is note for m in doc.measures[1:])


def test_closed_and_open_lists(doc):
    m4 = doc.measures[3]
    (bl,) = m4.responsibility
    assert [b.name for b in bl.bodies] == ["市统计局", "市工信局"] and not bl.open
    (bl9,) = doc.measures[8].responsibility
    assert [b.name for b in bl9.bodies] == ["市财政局"] and bl9.open


def test_collective_responsibility(doc):
    for n in (33, 35):
        (bl,) = doc.measures[n - 1].responsibility
        assert [b.name for b in bl.bodies] == ["市促进中小企业和民营经济发展工作领导小组各成员单位"]


def test_trailing_space_after_the_parenthesis(doc):
    (bl,) = doc.measures[4].responsibility           # measure 5's line ends in "） "
    assert [b.name for b in bl.bodies][-1] == "张掖银保监分局"


def test_citations(doc):
    cites = {m.number: [(c.title, c.planned) for c in m.citations] for m in doc.measures if m.citations}
    assert cites == {
        1: [("中华人民共和国中小企业促进法", False), ("甘肃省促进中小企业发展条例", False),
            ("甘肃省促进中小微企业高质量发展若干措施", False),
            ("中共张掖市委 张掖市人民政府关于实施“十强双百”企业振兴计划的意见", False)],
        3: [("公平竞争审查制度实施细则", False)],
        9: [("政府采购促进中小企业发展暂行办法", False)],
        14: [("商业银行小微企业金融服务监管评价办法", False), ("金融企业绩效评价办法", False)],
        25: [("张掖市涉企政策精准推送和“不来即享”服务系统工作制度", True)],
        30: [("保障中小企业款项支付条例", False)],
    }


def test_targets(doc):
    found = {m.number: [(t.value, t.unit, t.comparator, t.span.text) for t in m.targets]
             for m in doc.measures if m.targets}
    assert found == {
        9: [("30", "percent", "atLeast", "30%以上"), ("60", "percent", "atLeast", "不低于60%")],
        16: [("1.5", "percent", "atMost", "降至1.5%以下")],
        19: [("2", "year", "atMost", "2年内"), ("1", "year", "atLeast", "1年以上")],
        20: [("1", "hundredMillionYuan", "atLeast", "达到1亿元"),
             ("10", "hundredMillionYuan", "atLeast", "10亿元以上")],
    }


def test_target_quote_is_its_sentence(doc):
    t = doc.measures[15].targets[0]
    assert t.sentence.text.startswith("引导政府性融资担保机构")
    assert t.sentence.text.endswith("减轻企业融资负担。")


def test_concepts_are_matched_longest_first(source_text):
    matcher = PhraseMatcher({"小微企业": "small", "中小微企业": "smme"})
    text = "支持中小微企业和小微企业"
    assert [(p, v) for _, _, p, v in matcher.finditer(text)] == [("中小微企业", "smme"), ("小微企业", "small")]


def test_mixed_bracket_widths_are_a_warning_not_an_error(doc, source_text):
    line = line_of(source_text, "公共法律服务中心(站、室）")
    assert any(f":{line}:" in w and "mixed" in w for w in doc.warnings)


def test_other_genre_arabic_numbering_lead_and_supporting_bodies():
    text = OTHER.read_text(encoding="utf-8")
    d = parse(text, "other-genre.txt")
    assert d.header.date == "2023-03-05"
    assert d.header.title == "支持小微企业发展若干措施"
    assert [m.numeral for m in d.measures] == ["1", "2", "3"]
    lead, support = d.measures[0].responsibility
    assert (lead.role, [b.name for b in lead.bodies]) == ("lead", ["市工信局"])
    assert (support.role, [b.name for b in support.bodies]) == ("supporting", ["市财政局"])
    (line,) = d.measures[1].responsibility
    assert [b.name for b in line.bodies] == ["市税务局", "市财政局"]
    assert [(t.value, t.unit, t.comparator) for t in d.measures[0].targets] == [
        ("50", "tenThousandYuan", "atMost"), ("50", "percent", "atLeast")]
    assert [(t.value, t.unit, t.comparator) for t in d.measures[2].targets] == [("3", "year", "atMost")]
    (c,) = d.preamble.implements
    assert c.title == "中华人民共和国中小企业促进法"


# --- bad input: a message with file:line:column, never a silent drop -----------------

def fails(text: str) -> ExtractError:
    with pytest.raises(ExtractError) as e:
        parse(text, "bad.txt")
    return e.value


def test_truncated_source(source_text):
    cut = source_text.index("（二十）")
    err = fails(source_text[:cut + 40])
    assert "bad.txt:" in str(err) and ("never closed" in str(err) or "truncated" in str(err))


def test_truncated_mid_sentence_without_open_brackets(source_text):
    end = source_text.index("加强中小企业政策发布和解读")
    err = fails(source_text[:end + 6])
    assert "truncated" in err.message
    assert err.line == line_of(source_text, "加强中小企业政策发布和解读")


def test_duplicated_measure_number(source_text):
    text = source_text.replace("（十）进一步优化货币信贷传导机制", "（九）进一步优化货币信贷传导机制")
    err = fails(text)
    assert "duplicate measure number 九" in err.message
    assert (err.line, err.column) == (line_of(text, "（九）进一步优化货币信贷"), 1)


def test_missing_measure_number(source_text):
    text = source_text.replace("（十二）拓宽中小微企业融资渠道\n", "")
    err = fails(text)
    assert "expected 12" in err.message
    assert err.line == line_of(text, "（十三）运用金融科技手段")


def test_body_text_before_the_first_measure_of_a_part(source_text):
    text = source_text.replace("（十）进一步优化货币信贷传导机制\n", "")
    err = fails(text)
    assert err.line == line_of(text, "综合运用支小再贷款") and "first measure" in err.message


def test_unbalanced_bracket(source_text):
    start = source_text.index("（市工信局、市科技局、市农业农村局")
    text = source_text[:start] + source_text[start + 1:]
    err = fails(text)
    assert "unbalanced bracket" in err.message
    assert err.line == line_of(text, "市工信局、市科技局、市农业农村局")


def test_empty_source():
    assert "empty" in fails("\n\n  \n").message


def test_no_document_number(source_text):
    err = fails(source_text.replace("张促中民办发〔2021〕9号", "张促中民办发2021年9号", 1))
    assert err.line == 3 and "document number" in err.message


# --- the checks above on a parse of their own ------------------------------------------------
# The `doc` fixture is parsed once a session, so mutation testing (mutmut records the functions a
# test reaches) credits the parse to the first test that asked for it alone. Here each parse is
# the test's own: every check above speaks for every function of the parser it reaches.

def test_the_checks_of_the_shipped_notice_on_a_parse_of_their_own(source_text, registry):
    doc = parse(source_text, "notice.txt", registry.instrument_matcher(), registry.group_matcher(),
                registry.platform_matcher())
    for check in (test_header, test_title_is_reassembled_across_line_breaks, test_recipients_share_an_elided_prefix,
                  test_preamble_names_the_implemented_provincial_document, test_parts_and_measures,
                  test_measure_one_responsibility_and_the_note_for_all_later_measures, test_closed_and_open_lists,
                  test_collective_responsibility, test_trailing_space_after_the_parenthesis, test_citations,
                  test_targets, test_target_quote_is_its_sentence):
        check(doc)
    test_mixed_bracket_widths_are_a_warning_not_an_error(doc, source_text)


def test_a_short_sentence_alone_is_an_unnumbered_measure_of_its_own():
    text = ("示例市支持小微企业若干措施\n为支持小微企业，制定以下措施。\n一、加大支持\n加强组织领导。\n"
            "各地要加大支持力度，落实资金。（市财政局负责）\n")
    doc = parse(text, "t.txt")
    first, second = doc.measures
    assert (first.number, first.numeral, first.title, first.heading, first.part_number) == (1, None, None, None, 1)
    assert first.text.text == "加强组织领导。" and first.responsibility == []
    assert (second.number, second.title, second.text.text) == (2, None, "各地要加大支持力度，落实资金。（市财政局负责）")
    assert doc.warnings[-1] == "t.txt:4:1: warning: unnumbered measure 1 names no responsible body"


def test_an_empty_source_is_refused_at_its_first_character():
    # a byte-order mark alone is no text either
    for text in ("\n\n  \n", "\ufeff\n", "\u3000\t\r\n"):
        with pytest.raises(ExtractError) as e:
            parse(text, "empty.txt")
        assert str(e.value) == "empty.txt:1:1: source is empty", repr(text)


def test_concepts_of_each_vocabulary_first_trigger_title_first():
    from policykg.extract.records import ConceptMention, Span
    text = ("示例市支持小微企业若干措施\n为支持小微企业，制定以下措施。\n一、加大支持\n（一）设立专项资金\n"
            "对小微企业给予贴息，对专精特新企业和小微企业给予贴息，依托政务服务平台受理。（市财政局负责）\n")
    doc = parse(text, instruments=PhraseMatcher({"贴息": "subsidy", "专项资金": "fund"}),
                groups=PhraseMatcher({"小微企业": "small", "专精特新企业": "srdi"}),
                platforms=PhraseMatcher({"政务服务平台": "gov", "市财政局": "never: in the clause"}))
    (m,) = doc.measures

    def mention(concept, words, nth=0):
        at = -1
        for _ in range(nth + 1):
            at = text.index(words, at + 1)
        return ConceptMention(concept, words, Span(at, at + len(words), words))
    # the title's 专项资金 before the body's 贴息; each concept once, at its first trigger
    assert m.instruments == [mention("fund", "专项资金"), mention("subsidy", "贴息")]
    assert m.groups == [mention("small", "小微企业", 2), mention("srdi", "专精特新企业")]
    assert m.platforms == [mention("gov", "政务服务平台")]
    # the default name of the source, and its length
    assert (doc.source_name, doc.source_length) == ("<source>", len(text))


def test_brackets_mixed_either_way_are_a_warning_at_the_opening_one():
    head = "示例市支持小微企业若干措施\n为支持小微企业，制定以下措施。\n一、加大支持\n（一）设立专项资金\n"
    for opened, closed in (("（", ")"), ("(", "）")):
        doc = parse(f"{head}设立{opened}含区级{closed}专项资金。（市财政局负责）\n", "t.txt")
        assert doc.warnings[0] == f"t.txt:5:3: warning: half- and full-width brackets mixed: {opened}…{closed}"
    # brackets of one width are not
    doc = parse(f"{head}设立(含区级)专项资金。（市财政局负责）\n", "t.txt")
    assert not any("mixed" in w for w in doc.warnings)


# --- the preamble and the end of the body, on small notices ------------------------------------

SMALL_TITLE = "示例市支持小微企业若干措施"
SMALL_WRAPPER = f"示例市人民政府办公室关于印发《{SMALL_TITLE}》的通知"
SMALL_PREAMBLE = "为支持小微企业，制定以下措施。"
SMALL_BODY = "一、加大支持\n（一）设立专项资金。（市财政局负责）\n"


def refused(text: str, **kw) -> str:
    with pytest.raises(ExtractError) as e:
        parse(text, "t.txt", **kw)
    return str(e.value)


def test_a_title_repeated_over_five_or_six_lines_above_the_preamble_is_not_preamble():
    for broken in ("示例\n市支持\n小微\n企业\n若干措施", "示例\n市\n支持\n小微\n企业\n若干措施"):
        text = f"{SMALL_WRAPPER}\n各县区人民政府：\n{broken}\n{SMALL_PREAMBLE}\n{SMALL_BODY}"
        doc = parse(text, "t.txt")
        start = text.index(SMALL_PREAMBLE)
        assert doc.preamble.span == Span(start, start + len(SMALL_PREAMBLE), SMALL_PREAMBLE)
        assert not any("not repeated" in w for w in doc.warnings)


def test_a_title_repeated_over_seven_lines_is_not_recognised():
    text = f"{SMALL_WRAPPER}\n各县区人民政府：\n示\n例\n市\n支持\n小微\n企业\n若干措施\n{SMALL_PREAMBLE}\n{SMALL_BODY}"
    doc = parse(text, "t.txt")
    assert doc.preamble.span.text == f"示\n例\n市\n支持\n小微\n企业\n若干措施\n{SMALL_PREAMBLE}"
    assert doc.warnings[-1] == "t.txt:3:1: warning: the measures' title is not repeated above the preamble"


def test_the_first_part_is_looked_for_after_the_header():
    # a recipients line that opens like a part heading is still the header's
    text = f"{SMALL_WRAPPER}\n一、各县区人民政府：\n{SMALL_TITLE}\n{SMALL_PREAMBLE}\n{SMALL_BODY}"
    doc = parse(text, "t.txt")
    assert doc.preamble.span.text == SMALL_PREAMBLE
    assert [(p.numeral, p.title.text) for p in doc.parts] == [("一", "加大支持")]


def test_no_preamble_is_a_warning_at_the_first_part():
    from policykg.extract.records import Preamble
    doc = parse(f"{SMALL_TITLE}\n{SMALL_BODY}", "t.txt")
    assert doc.preamble == Preamble(None, [], None)
    assert doc.warnings[-1] == "t.txt:2:1: warning: no preamble before the first part"


def test_a_header_with_nothing_after_it_has_no_part_heading():
    assert refused(f"{SMALL_TITLE}\n（2021年3月1日）\n") == "t.txt:3:1: no part heading such as 一、… found"
    # a full stop alone under a title given by the caller ends a sentence: not truncated
    assert refused("。\n", title=SMALL_TITLE) == "t.txt:1:1: no part heading such as 一、… found"


def test_a_body_ending_in_a_placeholder_is_truncated():
    text = f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金。由XX\n"
    assert refused(text) == "t.txt:4:14: source ends mid-sentence: is it truncated?"


def test_a_sub_part_of_paragraphs_between_sub_parts_of_numbered_tasks():
    text = (f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金\n"
            "1.设立基金。落实《中华人民共和国中小企业促进法》。（市财政局负责）\n（二）加强组织领导\n"
            "建立机制。落实《保障中小企业款项支付条例》。（市工信局负责）\n"
            "强化督查。各地要落实《优化营商环境条例》。（市政府督查室负责）\n（三）优化服务\n4.完善平台。（市工信局负责）\n")
    doc = parse(text, "t.txt")
    assert [(m.number, m.numeral, m.section_number, m.title.text, m.heading and m.heading.text, m.text.text,
             [c.title for c in m.citations]) for m in doc.measures] == [
        (1, "1", 1, "设立基金", "1.设立基金。", "落实《中华人民共和国中小企业促进法》。（市财政局负责）",
         ["中华人民共和国中小企业促进法"]),
        (2, None, 2, "建立机制", None, "落实《保障中小企业款项支付条例》。（市工信局负责）", ["保障中小企业款项支付条例"]),
        (3, None, 2, "强化督查", None, "各地要落实《优化营商环境条例》。（市政府督查室负责）", ["优化营商环境条例"]),
        (4, "4", 3, "完善平台", "4.完善平台。", "（市工信局负责）", [])]
    assert [(s.numeral, s.title.text, [m.number for m in s.measures]) for s in doc.parts[0].sections] == [
        ("一", "设立专项资金", [1]), ("二", "加强组织领导", [2, 3]), ("三", "优化服务", [4])]
    assert doc.warnings == MISSING_HEADER


MISSING_HEADER = ["t.txt:1:1: warning: no document number (such as 张促中民办发〔2021〕9号) on the first line; left empty",
                  "t.txt:1:1: warning: no notice title ending in 通知; recipients left empty",
                  "t.txt:1:1: warning: no issuer; left empty", "t.txt:1:1: warning: no issue date; left empty"]


def test_text_between_a_part_heading_and_its_first_sub_part_is_refused():
    text = f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n各地要加大支持。\n（一）设立专项资金\n1.设立基金。（市财政局负责）\n"
    assert refused(text) == "t.txt:4:1: text between a part heading and its first measure"


def test_a_heading_with_a_full_stop_and_its_body_on_the_next_line():
    text = f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金。\n各地要设立专项资金。（市财政局负责）\n"
    (m,) = parse(text, "t.txt").measures
    assert (m.title.text, m.heading.text, m.text.text) == ("设立专项资金", "（一）设立专项资金。", "各地要设立专项资金。（市财政局负责）")
    assert m.heading.start == text.index("（一）")


def test_the_preamble_implements_the_document_a_marker_introduces():
    # a citation with no marker before it does not stop the search; the issuers are those after the last marker
    for preamble in ("为落实《中小企业促进法》精神，根据省工信厅、省发改委等印发的《若干措施》，制定以下措施。",
                     "根据省政府部署，根据省工信厅、省发改委等印发的《若干措施》，制定以下措施。"):
        text = f"{SMALL_TITLE}\n{preamble}\n{SMALL_BODY}"
        p = parse(text, "t.txt").preamble
        assert [c.title for c in p.implements] == ["若干措施"]
        issuers = p.implements_issuers
        assert [(b.name, b.span.start, b.role, b.position) for b in issuers.bodies] == [
            ("省工信厅", text.index("省工信厅"), "issuer", 1), ("省发改委", text.index("省发改委"), "issuer", 2)]
        assert (issuers.open, issuers.role, issuers.span.text) == (True, "issuer", "省工信厅、省发改委等印发的")


def test_sub_parts_start_again_in_each_part_and_a_gap_is_a_warning():
    text = (f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金\n1.设立基金。（市财政局负责）\n"
            "（三）完善平台\n2.建设平台。（市工信局负责）\n二、优化服务\n（一）优化审批\n3.简化流程。（市政务局负责）\n"
            "（二）提升效能\n4.压缩时限。（市政务局负责）\n")
    doc = parse(text, "t.txt")
    assert [[s.number for s in p.sections] for p in doc.parts] == [[1, 3], [1, 2]]
    assert doc.warnings == MISSING_HEADER + [
        "t.txt:6:1: warning: sub-part number 三 (3) out of sequence: expected 2; is sub-part 2 missing?"]


def test_the_issuers_of_the_implemented_document():
    def issuers(preamble):
        text = f"{SMALL_TITLE}\n{preamble}\n{SMALL_BODY}"
        found = parse(text, "t.txt").preamble.implements_issuers
        return [(b.name, b.span) for b in found.bodies], found.open, found.span.text

    def at(preamble, name):
        start = len(SMALL_TITLE) + 1 + preamble.index(name)
        return Span(start, start + len(name), name)
    pre = "根据省工信厅、省发改委《若干措施》，制定以下措施。"
    assert issuers(pre) == ([("省工信厅", at(pre, "省工信厅")), ("省发改委", at(pre, "省发改委"))], False, "省工信厅、省发改委")
    pre = "根据XX厅、省发改委等印发的《若干措施》，制定以下措施。"
    assert issuers(pre) == ([("XX厅", at(pre, "XX厅")), ("省发改委", at(pre, "省发改委"))], True, "XX厅、省发改委等印发的")
    # the list ends at the last 等
    pre = "根据省工信厅、省发改委等单位、省财政厅等印发的《若干措施》，制定以下措施。"
    assert issuers(pre) == ([("省工信厅", at(pre, "省工信厅")), ("省发改委等单位", at(pre, "省发改委等单位")),
                             ("省财政厅", at(pre, "省财政厅"))], True, "省工信厅、省发改委等单位、省财政厅等印发的")
    # 等 first: an open list that names nobody
    assert issuers("根据等有关部门、单位的《若干措施》，制定以下措施。") == ([], True, "等有关部门、单位的")


def test_a_calendar_year_or_a_year_before_a_month_is_no_target_and_the_search_goes_on():
    for words in ("到2025年，补贴达到10万元。", "近3年月均增长率达到10万元。"):
        text = f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金\n{words}（市财政局负责）\n"
        (m,) = parse(text, "t.txt").measures
        assert [(t.value, t.unit, t.comparator, t.span.text) for t in m.targets] == [
            ("10", "tenThousandYuan", "atLeast", "达到10万元")], words


def test_bare_punctuation_left_between_clauses_is_not_text():
    text = (f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金\n推广产品。（市财政局牵头）；（市税务局配合）XX\n"
            "（二）完善平台\n建设平台。（市工信局负责）\n")
    doc = parse(text, "t.txt", instruments=PhraseMatcher({"；": "semicolon", "XX": "placeholder"}))
    m = doc.measures[0]
    assert [r.role for r in m.responsibility] == ["lead", "supporting"]
    assert [(c.concept, c.span.start) for c in m.instruments] == [("placeholder", text.index("XX"))]


def test_a_paragraph_line_without_a_full_stop_is_a_measure_without_a_title():
    text = f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n建立工作台账\n各地要落实。（市财政局负责）\n"
    doc = parse(text, "t.txt")
    assert [(m.number, m.title and m.title.text, m.text.text) for m in doc.measures] == [
        (1, None, "建立工作台账"), (2, "各地要落实", "（市财政局负责）")]


@pytest.mark.parametrize("body", [
    # （一） headings with text on their line are measures: the 1. under them are points
    "（一）扩大覆盖面。各地要扩大覆盖面。\n1.扩大出口信用保险覆盖面。\n（二）强化融资服务。各地要强化服务。\n2.推广模式。（市商务局负责）\n",
    # bare （一） headings with no 1. right under them
    "（一）扩大覆盖面\n各地要加大支持。\n1.扩大出口信用保险覆盖面。\n（二）强化融资服务\n各地要强化服务。\n2.推广模式。（市商务局负责）\n",
    # a 1. under each, numbered from 1 again
    "（一）扩大覆盖面\n1.扩大出口信用保险覆盖面。\n（二）强化融资服务\n1.推广模式。（市商务局负责）\n",
])
def test_when_bracketed_headings_are_measures_with_points_not_sub_parts(body):
    doc = parse(f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、稳主体\n{body}", "t.txt")
    assert [(m.numeral, m.section_number) for m in doc.measures] == [("一", None), ("二", None)]
    assert doc.parts[0].sections == []
    assert doc.measures[1].text.text.endswith("推广模式。（市商务局负责）")


def test_a_bare_number_heading_has_no_title_and_its_text_below():
    text = f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）\n各地要落实。（市财政局负责）\n"
    (m,) = parse(text, "t.txt").measures
    assert (m.numeral, m.title, m.heading.text) == ("一", None, "（一）")
    assert [(bl.role, [b.name for b in bl.bodies]) for bl in m.responsibility] == [("responsible", ["市财政局"])]


def test_sub_parts_numbered_through_the_parts_and_a_first_one_missing():
    text = (f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金\n1.设立基金。（市财政局负责）\n"
            "（二）完善平台\n2.建设平台。（市工信局负责）\n（三）优化审批\n3.简化流程。（市政务局负责）\n二、优化服务\n"
            "（四）提升效能\n4.压缩时限。（市政务局负责）\n")
    doc = parse(text, "t.txt")
    assert doc.warnings == MISSING_HEADER
    assert [(p.heading.start, p.heading.text, [(s.heading.start, s.heading.text) for s in p.sections]) for p in doc.parts] == [
        (30, "一、加大支持", [(37, "（一）设立专项资金"), (63, "（二）完善平台"), (87, "（三）优化审批")]),
        (111, "二、优化服务", [(118, "（四）提升效能")])]
    text = (f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（二）设立专项资金\n1.设立基金。（市财政局负责）\n"
            "（三）完善平台\n2.建设平台。（市工信局负责）\n")
    assert parse(text, "t.txt").warnings == MISSING_HEADER + [
        "t.txt:4:1: warning: sub-part number 二 (2) out of sequence: expected 1; is sub-part 1 missing?"]


def test_a_labelled_clause_right_after_a_citation_is_not_its_document_number():
    text = f"{SMALL_TITLE}\n{SMALL_PREAMBLE}\n一、加大支持\n（一）设立专项资金\n推广产品，落实《甲办法》（责任单位：甲发〔2020〕1号）。\n"
    (m,) = parse(text, "t.txt").measures
    (c,) = m.citations
    assert (c.title, c.span, c.doc_number) == ("甲办法", Span(54, 59, "《甲办法》"), None)
