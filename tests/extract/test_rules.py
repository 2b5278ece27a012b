import pytest

from policykg.extract import rules


@pytest.mark.parametrize("numeral, value", [
    ("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("三十五", 35),
    ("一百零一", 101), ("二〇二一", 2021), ("35", 35), ("１２", 12),
])
def test_numeral_value(numeral, value):
    assert rules.numeral_value(numeral) == value


def test_numeral_value_rejects_words():
    with pytest.raises(ValueError):
        rules.numeral_value("若干")


def test_doc_number_pattern_on_the_real_number():
    m = rules.DOC_NUMBER.fullmatch("张促中民办发〔2021〕9号")
    assert (m["code"], m["year"], m["serial"]) == ("张促中民办发", "2021", "9")


def test_measure_heading_styles_on_real_and_other_lines():
    cn = rules.MEASURE_STYLES[0].pattern.fullmatch("（三十五）进一步完善中小企业政策保障机制")
    assert cn["numeral"] == "三十五" and cn["title"] == "进一步完善中小企业政策保障机制"
    assert rules.MEASURE_STYLES[2].pattern.fullmatch("12.落实税收优惠")["numeral"] == "12"
    # a body sentence is never a heading: it has a full stop
    assert not any(s.pattern.fullmatch("（一）对民间投资取消限制。") for s in rules.MEASURE_STYLES)


def test_part_heading_on_a_real_line():
    m = rules.PART_STYLES[0].pattern.fullmatch("七、强化中小企业发展组织保障制度")
    assert m["numeral"] == "七"


def test_global_note_rule_matches_measure_one():
    m = rules.GLOBAL_NOTE.fullmatch("以下工作均需各县区政府、张掖经开区管委会组织实施，不再一一列出")
    assert m["bodies"] == "各县区政府、张掖经开区管委会"


@pytest.mark.parametrize("text, value, unit, prefix, suffix", [
    ("30%以上", "30", "%", None, "以上"),
    ("不低于60%", "60", "%", "不低于", None),
    ("降至1.5%以下", "1.5", "%", "降至", "以下"),
    ("2年内", "2", "年", None, "内"),
    ("10亿元以上", "10", "亿元", None, "以上"),
])
def test_quantity_pattern(text, value, unit, prefix, suffix):
    m = rules.QUANTITY.fullmatch(text)
    assert (m["value"], m["unit"], m["prefix"], m["suffix"]) == (value, unit, prefix, suffix)


def test_a_decimal_is_never_a_heading_number():
    arabic_dot = rules.MEASURE_STYLES[2]
    assert arabic_dot.prefix.match("1.5倍以上") is None
    assert arabic_dot.prefix.match("10.健全惠企政策直达机制。推动…")["numeral"] == "10"


def test_each_role_marker_comes_before_the_shorter_markers_it_ends_with():
    markers = [mk for mk, _ in rules.ROLE_MARKERS]
    for i, mk in enumerate(markers):
        assert not any(mk.endswith(earlier) for earlier in markers[:i]), mk
    assert {r for _, r in rules.ROLE_MARKERS} | {r for _, r in rules.LIST_LABELS} == set(rules.ROLES)


@pytest.mark.parametrize("name, local", [
    ("各区政府", True), ("各地级以上市人民政府", True), ("各县（市、区）人民政府", True),
    ("各市州人民政府", True), ("市政府办公厅", False), ("各成员单位", False)])
def test_local_government_names(name, local):
    assert bool(rules.LOCAL_GOVERNMENT.fullmatch(name)) is local


def test_level_prefix_is_not_the_word_market():
    assert rules.LEVEL_PREFIX.match("市场监管局") is None
    assert rules.LEVEL_PREFIX.match("市交通委（市道运局）").group() == "市"
    assert rules.LEVEL_PREFIX.match("省科技厅").group() == "省"


def test_a_heading_style_reads_a_whole_heading_line_number_and_title():
    import re
    from policykg.extract.rules import HeadingStyle
    style = HeadingStyle("x", re.compile(r"^第(?P<numeral>\d+)条"), 9)
    m = style.pattern.match("第12条  总则")
    assert (m["numeral"], m["title"]) == ("12", "总则")
    assert style.pattern.match("第12条 总则。") is None            # a sentence, not a title
    assert style == HeadingStyle("x", re.compile(r"^第(?P<numeral>\d+)条"), 9)


def test_numeral_value_reads_two_digits_digit_by_digit_and_says_what_it_cannot_read():
    assert rules.numeral_value("二〇") == 20 and rules.numeral_value("一二") == 12
    # a unit with no digit before it counts one, even where a typo doubles it
    assert rules.numeral_value("十十") == 20 and rules.numeral_value("百十") == 110
    with pytest.raises(ValueError) as e:
        rules.numeral_value("若干")
    assert str(e.value) == "not a numeral: '若干'"
    with pytest.raises(ValueError) as e:
        rules.numeral_value("")
    assert str(e.value) == "not a numeral: ''"
