"""Responsibility clauses (extract/responsibility.py) on small notices written for each form:
labelled lists as sentences of their own, local governments without a marker, brackets at and
inside sentences, open lists, level prefixes given back. Each test parses its own text, so
mutation testing (which records the tests that reach a function) sees every one of them."""
from policykg.extract import parse

TITLE = "示例市支持小微企业若干措施"
HEAD = f"{TITLE}\n为支持小微企业，制定以下措施。\n一、加大支持\n（一）设立专项资金\n"
# the header of these notices lacks all but the title: the warnings every one of them gets
MISSING = ["t.txt:1:1: warning: no document number (such as 张促中民办发〔2021〕9号) on the first line; left empty",
           "t.txt:1:1: warning: no notice title ending in 通知; recipients left empty",
           "t.txt:1:1: warning: no issuer; left empty", "t.txt:1:1: warning: no issue date; left empty"]
NO_BODY = "t.txt:4:1: warning: measure (一) names no responsible body"


def read(body: str):
    """The notice with one measure whose text is body (line 5 on), parsed."""
    return parse(HEAD + body + "\n", "t.txt")


def lists(measure):
    """(role, open, clause as written, [(name, expanded, offset of the name)]) of each list."""
    return [(bl.role, bl.open, bl.span.text, [(b.name, b.expanded, b.span.start) for b in bl.bodies])
            for bl in measure.responsibility]


def at(text: str, words: str) -> int:
    return (HEAD + text).index(words)


def targets(measure):
    return [(t.value, t.unit, t.comparator, t.span.text, t.sentence.text) for t in measure.targets]


# --- a labelled list as a sentence of its own ---------------------------------------------

def test_a_labelled_sentence_ends_at_its_full_stop_and_the_text_goes_on_after_it():
    body = "推广节能低碳产品。责任单位：省发展改革委、省商务厅。各地要力争补贴达到100万元。"
    doc = read(body)
    (m,) = doc.measures
    assert lists(m) == [("responsible", False, "责任单位：省发展改革委、省商务厅",
                         [("省发展改革委", None, at(body, "省发展改革委")), ("省商务厅", None, at(body, "省商务厅"))])]
    # the sentence after the list is content: its target is read
    assert targets(m) == [("100", "tenThousandYuan", "atLeast", "达到100万元", "各地要力争补贴达到100万元。")]
    assert doc.warnings == MISSING


def test_a_labelled_sentence_ends_at_the_line_end():
    body = "推广节能低碳产品。责任单位：省发展改革委、省商务厅\n各地要力争补贴达到100万元。"
    (m,) = read(body).measures
    assert lists(m) == [("responsible", False, "责任单位：省发展改革委、省商务厅",
                         [("省发展改革委", None, at(body, "省发展改革委")), ("省商务厅", None, at(body, "省商务厅"))])]
    assert targets(m) == [("100", "tenThousandYuan", "atLeast", "达到100万元", "各地要力争补贴达到100万元。")]


def test_a_labelled_sentence_reads_names_with_brackets_and_placeholder_letters():
    # XX is how templates write a name left to fill in
    body = "推广节能低碳产品。责任单位：市交通委（市道运局）、XX科技公司。各地要力争补贴达到100万元。"
    (m,) = read(body).measures
    assert lists(m) == [("responsible", False, "责任单位：市交通委（市道运局）、XX科技公司",
                         [("市交通委（市道运局）", None, at(body, "市交通委")), ("XX科技公司", None, at(body, "XX"))])]
    assert targets(m) == [("100", "tenThousandYuan", "atLeast", "达到100万元", "各地要力争补贴达到100万元。")]


def test_a_full_stop_inside_nested_brackets_does_not_end_a_labelled_sentence():
    body = "推广节能低碳产品。责任单位：市交通委（市道运局（筹）。）、市公安局。各地要力争补贴达到100万元。"
    (m,) = read(body).measures
    assert lists(m) == [("responsible", False, "责任单位：市交通委（市道运局（筹）。）、市公安局",
                         [("市交通委（市道运局（筹）。）", None, at(body, "市交通委")),
                          ("市公安局", None, at(body, "市公安局"))])]
    assert targets(m) == [("100", "tenThousandYuan", "atLeast", "达到100万元", "各地要力争补贴达到100万元。")]


def test_a_label_inside_a_sentence_is_not_a_list():
    doc = read("推广节能低碳产品，责任单位：省发展改革委。")
    assert doc.measures[0].responsibility == [] and doc.warnings == MISSING + [NO_BODY]
    # nor one in a bracket inside a sentence
    doc = read("推广节能低碳产品（责任单位：省发展改革委）等工作。")
    assert doc.measures[0].responsibility == [] and doc.warnings == MISSING + [NO_BODY]


# --- labelled lists in brackets ------------------------------------------------------------

def test_labels_name_the_role_of_the_names_after_them():
    body = "推广产品。（牵头单位：市工信局；配合单位：市财政局、市税务局）"
    (m,) = read(body).measures
    assert lists(m) == [
        ("lead", False, "牵头单位：市工信局", [("市工信局", None, at(body, "市工信局"))]),
        ("supporting", False, "配合单位：市财政局、市税务局",
         [("市财政局", None, at(body, "市财政局")), ("市税务局", None, at(body, "市税务局"))])]


def test_local_governments_after_a_labelled_list_carry_the_measure_out():
    body = "推广产品。（责任单位：市财政局；各区政府）"
    (m,) = read(body).measures
    assert lists(m) == [("responsible", False, "责任单位：市财政局", [("市财政局", None, at(body, "市财政局"))]),
                        ("local", False, "各区政府", [("各区政府", None, at(body, "各区政府"))])]
    # first after the label, they are among the responsible bodies
    body = "推广产品。（责任单位：各区政府，市财政局）"
    (m,) = read(body).measures
    assert lists(m) == [("responsible", False, "责任单位：各区政府，市财政局",
                         [("各区政府", None, at(body, "各区政府")), ("市财政局", None, at(body, "市财政局"))])]


def test_a_label_with_no_names_and_a_clause_before_a_label_give_no_list():
    for body in ("推广产品。（责任单位：）", "推广产品。（市财政局，责任单位：市税务局）"):
        doc = read(body)
        assert doc.measures[0].responsibility == [] and doc.warnings == MISSING + [NO_BODY], body


# --- role markers and local governments -------------------------------------------------------

def test_local_governments_need_no_marker():
    body = "（市财政局负责，各区政府）"
    (m,) = read(body).measures
    assert lists(m) == [("responsible", False, "市财政局负责", [("市财政局", None, at(body, "市财政局"))]),
                        ("local", False, "各区政府", [("各区政府", None, at(body, "各区政府"))])]
    body = "推广产品。（各区政府、各县人民政府）"
    (m,) = read(body).measures
    assert lists(m) == [("local", False, "各区政府、各县人民政府",
                         [("各区政府", None, at(body, "各区政府")), ("各县人民政府", None, at(body, "各县人民政府"))])]


def test_a_stray_list_separator_is_not_a_list_of_local_governments():
    body = "推广产品。（、，市财政局负责）"
    doc = read(body)
    assert lists(doc.measures[0]) == [("responsible", False, "、，市财政局负责",
                                       [("市财政局", None, at(body, "市财政局"))])]
    assert doc.warnings == MISSING


def test_open_lists_end_in_deng():
    for ending in ("等部门", "等单位", "等"):
        body = f"推广产品。（市财政局、市税务局{ending}负责）"
        (m,) = read(body).measures
        assert lists(m) == [("responsible", True, f"市财政局、市税务局{ending}负责",
                             [("市财政局", None, at(body, "市财政局")), ("市税务局", None, at(body, "市税务局"))])]


def test_which_names_take_back_a_dropped_level_prefix():
    names = ["省科技厅", "工业和信息化厅", "各市人民政府", "张掖银保监分局", "县财政局", "财政局", "中国人民银行",
             "银保监局", "市场监管局", "发展改革委员会", "区公安分局", "商务办公室", "工商联"]
    (m,) = read(f"推广产品。（{'、'.join(names)}负责）").measures
    (bl,) = m.responsibility
    assert [(b.name, b.expanded) for b in bl.bodies] == [
        ("省科技厅", None), ("工业和信息化厅", "省工业和信息化厅"), ("各市人民政府", None),
        ("张掖银保监分局", None), ("县财政局", None), ("财政局", "县财政局"), ("中国人民银行", None),
        ("银保监局", None), ("市场监管局", "县市场监管局"), ("发展改革委员会", "县发展改革委员会"),
        ("区公安分局", None), ("商务办公室", "区商务办公室"), ("工商联", None)]
    assert [b.position for b in bl.bodies] == list(range(1, 14))


# --- where a bracket stands -------------------------------------------------------------------

def test_an_aside_inside_a_sentence_is_not_a_clause_and_one_after_a_sentence_is():
    body = "推广产品（含个体工商户）。各地要落实。（市财政局牵头）"
    (m,) = read(body).measures
    assert lists(m) == [("lead", False, "市财政局牵头", [("市财政局", None, at(body, "市财政局"))])]
    body = "推广产品。（市财政局牵头）各地要落实。（市税务局配合）"
    (m,) = read(body).measures
    assert lists(m) == [("lead", False, "市财政局牵头", [("市财政局", None, at(body, "市财政局"))]),
                        ("supporting", False, "市税务局配合", [("市税务局", None, at(body, "市税务局"))])]


def test_a_bracket_before_a_full_stop_or_between_ideographic_spaces_is_at_a_sentence_edge():
    body = "推广产品（市财政局牵头）。"
    (m,) = read(body).measures
    assert lists(m) == [("lead", False, "市财政局牵头", [("市财政局", None, at(body, "市财政局"))])]
    body = "推广产品。\u3000（市财政局牵头）\u3000各地要落实。"
    (m,) = read(body).measures
    assert lists(m) == [("lead", False, "市财政局牵头", [("市财政局", None, at(body, "市财政局"))])]


def test_a_trailing_bracket_without_a_marker_or_a_local_government_is_no_clause():
    doc = read("推广产品（市财政局）。")
    assert doc.measures[0].responsibility == [] and doc.warnings == MISSING + [NO_BODY]


def test_a_labelled_sentence_of_an_odd_length_ends_at_its_full_stop():
    body = "推广节能低碳产品。责任单位：省商务厅。各地要力争补贴达到100万元。"
    (m,) = read(body).measures
    assert lists(m) == [("responsible", False, "责任单位：省商务厅", [("省商务厅", None, at(body, "省商务厅"))])]
    assert targets(m) == [("100", "tenThousandYuan", "atLeast", "达到100万元", "各地要力争补贴达到100万元。")]


def test_a_labelled_sentence_closing_a_file_without_a_final_line_break():
    text = HEAD + "推广节能低碳产品。\n责任单位：市发展改革委、市交通委（市道运局）"
    (m,) = parse(text, "t.txt").measures
    assert lists(m) == [("responsible", False, "责任单位：市发展改革委、市交通委（市道运局）",
                         [("市发展改革委", None, text.index("市发展改革委")),
                          ("市交通委（市道运局）", None, text.index("市交通委"))])]


def test_a_bracket_opening_a_line_stands_at_a_sentence_edge():
    body = "推广产品，加大支持力度\n（市财政局牵头）各地要落实。"
    (m,) = read(body).measures
    assert lists(m) == [("lead", False, "市财政局牵头", [("市财政局", None, at(body, "市财政局"))])]


def test_an_empty_label_gives_way_to_the_next_label():
    body = "推广产品。（牵头单位：；配合单位：市财政局）"
    (m,) = read(body).measures
    assert lists(m) == [("supporting", False, "配合单位：市财政局", [("市财政局", None, at(body, "市财政局"))])]


def test_names_after_local_governments_in_a_labelled_list_start_a_list_of_their_own():
    body = "推广产品。（责任单位：市财政局；各区政府；市税务局、市人社局）"
    (m,) = read(body).measures
    assert lists(m) == [
        ("responsible", False, "责任单位：市财政局", [("市财政局", None, at(body, "市财政局"))]),
        ("local", False, "各区政府", [("各区政府", None, at(body, "各区政府"))]),
        ("responsible", False, "市税务局、市人社局",
         [("市税务局", None, at(body, "市税务局")), ("市人社局", None, at(body, "市人社局"))])]


def test_a_bracket_after_a_placeholder_name_inside_a_sentence_is_an_aside():
    for body in ("推广XX（市财政局牵头）项目建设。", "推广产品（市财政局牵头）XX项目建设。"):
        doc = read(body)
        assert doc.measures[0].responsibility == [] and doc.warnings == MISSING + [NO_BODY], body


def test_a_bracket_before_a_full_stop_and_more_text_is_a_clause():
    body = "推广产品（市财政局牵头）。各地要落实。（市税务局配合）"
    (m,) = read(body).measures
    assert lists(m) == [("lead", False, "市财政局牵头", [("市财政局", None, at(body, "市财政局"))]),
                        ("supporting", False, "市税务局配合", [("市税务局", None, at(body, "市税务局"))])]


# --- several clauses in one measure ------------------------------------------------------------

TWO = "一、加大支持\n（一）设立专项资金\n"


def read_text(measures: str):
    return parse(f"{TITLE}\n为支持小微企业，制定以下措施。\n{measures}", "t.txt")


def test_a_clause_with_an_unmarked_name_ending_a_measure_is_read_with_a_warning_naming_the_measure():
    doc = read_text(TWO + "推广产品（市财政局牵头，市税务局）\n（二）完善平台\n建设平台。（市工信局负责）\n")
    first, second = doc.measures
    assert lists(first) == [("lead", False, "市财政局牵头", [("市财政局", None, doc.measures[0].text.start + 5)])]
    assert lists(second)[0][:3] == ("responsible", False, "市工信局负责")
    assert doc.warnings[4:] == ["t.txt:5:13: warning: measure (一): no role marker in «市税务局»"]


def test_an_unmarked_name_in_a_bracket_before_a_full_stop_or_semicolon_ending_a_measure():
    for end in ("。", "；", ";"):
        doc = read_text(TWO + f"推广产品（市财政局牵头，市税务局）{end}\n（二）完善平台\n建设平台。（市工信局负责）\n")
        assert lists(doc.measures[0])[0][:3] == ("lead", False, "市财政局牵头"), end
        assert doc.warnings[4:] == ["t.txt:5:13: warning: measure (一): no role marker in «市税务局»"], end


def test_a_bracket_inside_the_text_is_a_clause_only_when_all_of_it_is_understood():
    doc = read_text(TWO + "推广产品。（市财政局牵头，含个体工商户）各地要落实。（市税务局配合）\n")
    assert [(r, names) for r, _, _, names in lists(doc.measures[0])] == [
        ("supporting", [("市税务局", None, doc.measures[0].text.text.index("市税务局") + doc.measures[0].text.start)])]
    assert doc.warnings[4:] == []


def test_an_unnumbered_measure_is_named_by_its_number_in_a_warning():
    doc = read_text("一、加大支持\n推广产品，加大支持力度（市财政局牵头，市税务局）\n")
    assert doc.warnings[4:] == ["t.txt:4:20: warning: unnumbered measure 1: no role marker in «市税务局»"]


def test_citations_and_targets_on_both_sides_of_a_clause_inside_the_text():
    doc = read_text(TWO + "落实《甲办法》，补贴达到10万元。（市财政局牵头）落实《乙办法》，补贴不超过20万元。（市税务局配合）\n")
    (m,) = doc.measures
    assert [r for r, *_ in lists(m)] == ["lead", "supporting"]
    assert [c.title for c in m.citations] == ["甲办法", "乙办法"]
    assert [(t.value, t.unit, t.comparator) for t in m.targets] == [
        ("10", "tenThousandYuan", "atLeast"), ("20", "tenThousandYuan", "atMost")]


def test_a_bracket_right_after_the_number_opens_the_measure_at_a_sentence_edge():
    doc = read_text("一、加大支持\n1.（市财政局牵头）各地要落实，加大支持。\n")
    assert lists(doc.measures[0])[0][:3] == ("lead", False, "市财政局牵头")


def test_a_measure_without_brackets_leaves_later_measures_without_implementers():
    doc = read_text(TWO + "推广产品。责任单位：市财政局\n（二）完善平台\n建设平台。（市工信局负责）\n")
    assert doc.global_implementers is None
    assert [m.implementers for m in doc.measures] == [None, None]


def test_a_bracket_closing_a_labelled_sentence_is_read_after_the_list_it_closes():
    doc = read_text(TWO + "推广产品。责任单位：市财政局（市税务局配合）。\n")
    assert [(r, span) for r, _, span, _ in lists(doc.measures[0])] == [
        ("responsible", "责任单位：市财政局（市税务局配合）"), ("supporting", "市税务局配合")]


# --- labelled sentences: where a label starts a list ---------------------------------------------

def roles_and_names(measure):
    return [(bl.role, [(b.name, b.role, b.position) for b in bl.bodies]) for bl in measure.responsibility]


def test_a_label_in_a_bracket_does_not_stop_the_search_for_labelled_sentences():
    (m,) = read("推广（责任单位：市财政局）工作。责任单位：市税务局。").measures
    assert roles_and_names(m) == [("responsible", [("市税务局", "responsible", 1)])]
    (m,) = read("推广产品，责任单位：市财政局。责任单位：市税务局。").measures
    assert roles_and_names(m) == [("responsible", [("市税务局", "responsible", 1)])]


def test_a_label_opening_a_line_or_after_a_blank_starts_a_list():
    (m,) = read("推广产品，加大力度\n责任单位：市财政局、市税务局。").measures
    assert roles_and_names(m) == [("responsible", [("市财政局", "responsible", 1), ("市税务局", "responsible", 2)])]
    for blank in (" ", "\u3000", "\t"):
        (m,) = read(f"推广产品。{blank}责任单位：市财政局。").measures
        assert roles_and_names(m) == [("responsible", [("市财政局", "responsible", 1)])], repr(blank)


def test_a_label_after_a_placeholder_is_inside_a_sentence():
    doc = read("推广产品。XX责任单位：市财政局。")
    assert doc.measures[0].responsibility == [] and doc.warnings == MISSING + [NO_BODY]


def test_a_bracket_of_labels_without_names_is_text():
    from policykg.extract import PhraseMatcher
    doc = parse(HEAD + "推广产品。（责任单位：）落实专项资金。\n", "t.txt",
                platforms=PhraseMatcher({"责任单位": "label", "专项资金": "fund"}))
    (m,) = doc.measures
    assert m.responsibility == [] and [(p.concept, p.trigger) for p in m.platforms] == [("fund", "专项资金"), ("label", "责任单位")]


# --- a note for every later measure, and groups of clauses ------------------------------------------

def test_a_note_for_later_measures_and_the_clauses_after_it():
    body = "推广产品。（以下工作均需各县区政府组织实施，不再一一列出；市财政局负责）"
    doc = read(body + "\n（二）完善平台\n建设平台。（市工信局负责）")
    first, second = doc.measures
    assert roles_and_names(first) == [("responsible", [("市财政局", "responsible", 1)])]
    note = doc.global_implementers
    assert (note.role, note.open, note.span.text) == ("implementing", False, "以下工作均需各县区政府组织实施，不再一一列出")
    assert [(b.name, b.span.start, b.role, b.position) for b in note.bodies] == [
        ("各县区政府", at(body, "各县区政府"), "implementing", 1)]
    assert first.implementers is None and second.implementers is note


def test_unmarked_clauses_of_every_group_are_reported():
    doc = read("推广产品。（市财政局牵头，市税务局；市人社局配合，市商务局）")
    assert roles_and_names(doc.measures[0]) == [("lead", [("市财政局", "lead", 1)]),
                                                 ("supporting", [("市人社局", "supporting", 1)])]
    assert doc.warnings == MISSING + ["t.txt:5:14: warning: measure (一): no role marker in «市税务局»",
                                      "t.txt:5:26: warning: measure (一): no role marker in «市商务局»"]


def test_a_bracket_followed_by_a_placeholder_is_not_the_trailing_one():
    doc = read("推广产品（市财政局牵头，市税务局）XX\n（二）完善平台\n建设平台。（市工信局负责）")
    assert doc.measures[0].responsibility == []
    assert doc.warnings == MISSING + [NO_BODY]


def test_a_name_of_all_the_departments_keeps_its_own_name():
    (m,) = read("推广产品。（省科技厅、各委办局负责）").measures
    assert [(b.name, b.expanded) for b in m.responsibility[0].bodies] == [("省科技厅", None), ("各委办局", None)]


def test_a_bracket_before_a_blank_and_a_full_stop_is_at_a_sentence_edge():
    doc = read("推广产品（市财政局牵头） 。各地要落实。（市税务局配合）")
    assert [r for r, *_ in lists(doc.measures[0])] == ["lead", "supporting"]


def test_a_bracket_ending_a_line_stands_at_a_sentence_edge():
    doc = read("推广产品（市财政局牵头）\n各地要落实。（市税务局配合）")
    assert [r for r, *_ in lists(doc.measures[0])] == ["lead", "supporting"]


def test_placeholders_around_a_bracket_keep_it_inside_its_sentence():
    for body in ("推广产品。XX（市财政局牵头）各地要落实。（市税务局配合）", "推广产品（市财政局牵头）XX。各地要落实。（市税务局配合）"):
        doc = read(body)
        assert [r for r, *_ in lists(doc.measures[0])] == ["supporting"], body


# --- regression: blanks a web copy carries ------------------------------------------------

def test_regression_no_break_space_after_the_responsibility_clause():
    """A notice copied from a web page: a no-break space (U+00A0) after the closing bracket hid the
    clause ("names no responsible body"); on the last line the notice was refused as truncated."""
    for blank in ("\u00a0", "\u2002", "\u202f", "\u3000", "\ufeff"):     # \ufeff: a stray BOM
        body = f"推广节能低碳产品。（省发展改革委牵头，省商务厅配合）{blank}\n（二）设立担保基金\n对企业给予担保（省财政厅负责）。{blank}"
        doc = read(body)
        first, second = doc.measures
        assert [(r, t) for r, _, t, _ in lists(first)] == [("lead", "省发展改革委牵头"), ("supporting", "省商务厅配合")]
        assert [b for _, _, _, bodies in lists(second) for b, _, _ in bodies] == ["省财政厅"]
        assert doc.warnings == MISSING, blank


def test_regression_no_break_space_before_a_labelled_sentence():
    body = "推广节能低碳产品。\u00a0责任单位：省发展改革委、省商务厅。"
    (m,) = read(body).measures
    assert [b for _, _, _, bodies in lists(m) for b, _, _ in bodies] == ["省发展改革委", "省商务厅"]
