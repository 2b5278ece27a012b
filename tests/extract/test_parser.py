"""Each parsing step on the real notice, and on a notice of a neighbouring style."""
from pathlib import Path

import pytest

from policykg.extract import ExtractError, PhraseMatcher, parse
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
