"""Every refusal of the extractor, with its file:line:column, and the rules no
shipped notice reaches (a comparator shared across listed quantities, a notice
citing itself), on small notices written for each case."""
import pytest

from policykg.extract import ExtractError, parse

TITLE = "示例市支持小微企业若干措施"
PREAMBLE = "为支持小微企业，制定以下措施。"
MEASURE = "（一）设立专项资金。（市财政局负责）\n"


def notice(*body: str, head: str = f"{TITLE}\n{PREAMBLE}\n") -> str:
    return head + "".join(body)


def refused(text: str, **kw) -> ExtractError:
    with pytest.raises(ExtractError) as e:
        parse(text, "t.txt", **kw)
    assert str(e.value) == f"t.txt:{e.value.line}:{e.value.column}: {e.value.message}"
    return e.value


def first_measure(body: str, **kw):
    return parse(notice("一、加大支持\n（一）设立专项资金\n", body, "\n"), "t.txt", **kw).measures[0]


# --- the header ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, at, message", [
    # no title line (a bare body): the caller must give one
    (notice("一、加大支持\n", MEASURE, head=f"{PREAMBLE}\n"), (1, 1),
     "no title: the text does not open with a title line; give it with --title (parse(title=…) in the library)"),
    (notice("一、加大支持\n", MEASURE, head=""), (1, 1), "no title: the text does not open with a title line"),
    # a number written wrongly on the first line
    (notice("一、加大支持\n", MEASURE, head=f"示例发2021年9号\n{TITLE}\n{PREAMBLE}\n"), (1, 1),
     "expected a document number such as 张促中民办发〔2021〕9号 on the first line"),
])
def test_header_errors(text, at, message):
    err = refused(text)
    assert (err.line, err.column) == at and err.message.startswith(message)


@pytest.mark.parametrize("head, at, written", [
    # a date under a bare title: the message quotes the date where the column points, not its brackets
    (f"{TITLE}\n（2021年2月30日）\n{PREAMBLE}\n", (2, 2), "2021年2月30日"),
    # the date closing a 通知 wrapper
    (f"示例市办公室关于印发《{TITLE}》的通知\n各县区人民政府：\n现印发给你们，请认真贯彻执行。\n示例市办公室\n"
     f"2021年13月1日\n{TITLE}\n{PREAMBLE}\n", (5, 1), "2021年13月1日"),
])
def test_regression_an_impossible_date_is_refused_not_stored(head, at, written):
    err = refused(notice("一、加大支持\n", MEASURE, head=head))
    assert (err.line, err.column) == at and err.message == f"not a real date: {written}"


def test_regression_an_impossible_date_in_a_sign_off_is_refused():
    err = refused(notice("一、加大支持\n", MEASURE, "示例市办公室\n二〇二一年二月三十日\n"))
    assert (err.line, err.column, err.message) == (6, 1, "not a real date: 二〇二一年二月三十日")


def test_a_real_date_in_the_same_places_is_read():
    doc = parse(notice("一、加大支持\n", MEASURE, head=f"{TITLE}\n（2021年2月28日）\n{PREAMBLE}\n"), "t.txt")
    assert doc.header.date == "2021-02-28"
    doc = parse(notice("一、加大支持\n", MEASURE, "示例市办公室\n二〇二四年二月二十九日\n"), "t.txt")
    assert (doc.header.date, doc.header.issuer) == ("2024-02-29", "示例市办公室")


# --- the structure -------------------------------------------------------------------------

def test_regression_a_duplicated_part_number_is_an_error():
    err = refused(notice("一、加大支持\n", MEASURE, "一、优化服务\n（二）完善平台。（市工信局负责）\n"))
    assert (err.line, err.column, err.message) == (5, 1, "duplicate part number 一 (1)")


def test_a_missing_part_number_is_an_error():
    err = refused(notice("一、加大支持\n", MEASURE, "三、优化服务\n（二）完善平台。（市工信局负责）\n"))
    assert (err.line, err.column) == (5, 1)
    assert err.message == "part number 三 (3) out of sequence: expected 2; is part 2 missing?"


def test_no_part_heading_is_an_error():
    err = refused(notice("各地要加大支持。\n"))
    assert (err.line, err.column, err.message) == (2, 1, "no part heading such as 一、… found")


def test_a_measure_without_text_is_an_error():
    err = refused(notice("一、加大支持\n（一）设立专项资金\n（二）完善平台。（市工信局负责）\n"))
    assert (err.line, err.column, err.message) == (4, 10, "measure (一) has no text")


def test_an_empty_list_of_bodies_is_an_error():
    err = refused(notice("一、加大支持\n（一）设立专项资金。（负责）\n"))
    assert (err.line, err.column, err.message) == (4, 12, "empty list of bodies in «负责»")


@pytest.mark.parametrize("tail, at, message", [
    ("（市财政局负责））\n", (5, 9), "unbalanced bracket: ） closes nothing"),
    ("见《办法）。\n", (5, 5), "unbalanced bracket: ） closes 《 opened at 5:2"),
    ("见《办法。\n", (5, 2), "unbalanced bracket: 《 is never closed"),
])
def test_unbalanced_brackets(tail, at, message):
    err = refused(notice("一、加大支持\n", MEASURE, tail))
    assert ((err.line, err.column), err.message) == (at, message)


# --- rules no shipped notice reaches -------------------------------------------------------

def targets(body: str):
    return [(t.value, t.unit, t.comparator) for t in first_measure(body).targets]


def test_regression_a_comparator_written_once_is_shared_by_the_listed_quantities():
    # 不超过100万元、200万元: both at most; 10万元、20万元以上: both at least
    assert targets("贷款额度不超过100万元、200万元。（市财政局负责）") == [
        ("100", "tenThousandYuan", "atMost"), ("200", "tenThousandYuan", "atMost")]
    assert targets("奖励10万元、20万元以上。（市财政局负责）") == [
        ("10", "tenThousandYuan", "atLeast"), ("20", "tenThousandYuan", "atLeast")]
    # each keeps its own; one in the middle without takes the one written after the list
    assert targets("额度达到1亿元、2亿元、3亿元以下。（市财政局负责）") == [
        ("1", "hundredMillionYuan", "atLeast"), ("2", "hundredMillionYuan", "atMost"),
        ("3", "hundredMillionYuan", "atMost")]


def test_a_comparator_is_not_shared_across_other_words():
    assert targets("贷款额度不超过100万元和200万元。（市财政局负责）") == [
        ("100", "tenThousandYuan", "atMost"), ("200", "tenThousandYuan", "equal")]


def test_regression_a_notice_naming_its_own_title_does_not_cite_itself():
    m = first_measure(f"认真落实《{TITLE}》和《中华人民共和国中小企业促进法》。（市财政局负责）")
    assert [c.title for c in m.citations] == ["中华人民共和国中小企业促进法"]
    # the title given by the caller, and the one the text writes, are both the notice itself
    m = first_measure(f"认真落实《{TITLE}》和《新标题》。（市财政局负责）", title="新标题")
    assert m.citations == []
