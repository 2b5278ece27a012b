"""Where an error points (extract/errors.py): line and column of an offset, and the message."""
import pytest

from policykg.extract import ExtractError, parse
from policykg.extract.errors import locate


def test_locate_counts_lines_and_columns_from_one_and_clamps_the_offset():
    source = "\n甲乙\n丙"
    assert [locate(source, k) for k in range(len(source) + 1)] == [(1, 1), (2, 1), (2, 2), (2, 3), (3, 1), (3, 2)]
    assert locate(source, -3) == (1, 1) and locate(source, 99) == (3, 2)
    assert locate("", 0) == (1, 1) and locate("甲乙", 1) == (1, 2)


def test_an_error_carries_its_place_and_message():
    e = ExtractError("a.txt", "\n甲乙\n丙", 3, "bad")
    assert (e.path, e.offset, e.line, e.column, e.message, str(e)) == ("a.txt", 3, 2, 3, "bad", "a.txt:2:3: bad")


def test_an_error_after_a_blank_first_line_points_at_the_second_line():
    with pytest.raises(ExtractError) as e:
        parse("\n示例发2021年9号\n示例市支持小微企业若干措施\n", "t.txt")
    assert str(e.value) == "t.txt:2:1: expected a document number such as 张促中民办发〔2021〕9号 on the first line"
