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


def test_strip_range_drops_the_blanks_at_both_ends_only():
    from policykg.extract.text import strip_range
    source = " \u3000甲 乙\t\r\n"
    assert strip_range(source, 0, len(source)) == (2, 5)
    assert source[2:5] == "甲 乙"
    assert strip_range("甲乙 ", 0, 3) == (0, 2) and strip_range("甲 ", 0, 2) == (0, 1)
    assert strip_range("\ufeff甲\ufeff", 0, 3) == (1, 2)
    # a range of blanks only closes up at its end
    assert strip_range("   ", 0, 3) == (3, 3) and strip_range("甲  乙", 1, 3) == (3, 3)
    assert strip_range("甲乙", 0, 2) == (0, 2) and strip_range("甲乙", 1, 1) == (1, 1)


def test_split_range_splits_outside_brackets_and_drops_empty_pieces():
    from policykg.extract.text import split_range
    source = "甲、（乙、丙）、 、《丁、戊》、己"
    assert [source[s:e] for s, e in split_range(source, 0, len(source), "、")] == ["甲", "（乙、丙）", "《丁、戊》", "己"]
    # a stray closing bracket does not make the depth negative
    source = "甲）、乙"
    assert [source[s:e] for s, e in split_range(source, 0, len(source), "、")] == ["甲）", "乙"]
    assert split_range("、、", 0, 2, "、") == []


def test_round_brackets_are_the_outermost_round_pairs():
    from policykg.extract.text import round_brackets
    source = "甲（乙(丙)）丁《戊》(己）"
    assert [source[s:e] for s, e in round_brackets(source, 0, len(source))] == ["（乙(丙)）", "(己）"]
    # a closing bracket before any opening one is skipped
    assert round_brackets("）甲（乙）", 0, 5) == [(2, 5)]
    assert round_brackets(source, 2, len(source)) == [(3, 6), (11, 14)]
