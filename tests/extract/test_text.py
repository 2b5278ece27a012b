"""The reader's text helpers: the sentence around an offset, lines joined to spell a title."""
from policykg.extract.text import Reader


def test_the_sentence_around_an_offset_stops_at_the_marks_and_the_bounds():
    source = "前言。甲乙丙；丁戊己。庚"
    reader = Reader(source, "n.txt")
    assert reader.sentence(0, len(source), source.index("乙")).text == "甲乙丙；"
    assert reader.sentence(0, len(source), source.index("甲")).text == "甲乙丙；"
    assert reader.sentence(0, len(source), source.index("戊")).text == "丁戊己。"
    # bounded by lo and hi, even without a mark there
    assert reader.sentence(4, 9, source.index("丙")).text == "乙丙；"
    assert reader.sentence(1, 5, source.index("前") + 1).text == "言。"
    assert reader.sentence(0, 2, 1).text == "前言"
    assert reader.sentence(0, len(source), len(source) - 1).text == "庚"       # the last, without a mark


def test_a_title_is_spelt_by_at_most_four_lines_by_default():
    from policykg.extract.text import content_lines
    lines = content_lines("关于\n促进\n中小\n企业\n发展\n的通知\n")
    assert Reader.squeezed(lines, 0, "关于促进中小企业") == 4
    assert Reader.squeezed(lines, 0, "关于促进中小企业发展") is None          # five lines
    assert Reader.squeezed(lines, 0, "关于促进中小企业发展", most=5) == 5
    assert Reader.squeezed(lines, 1, "促进中小") == 2 and Reader.squeezed(lines, 0, "关于中小") is None
