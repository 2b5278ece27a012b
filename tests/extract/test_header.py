"""The header (extract/header.py) on small notices written for each form: a 通知 wrapper with or
without its recipients, date and 《》 title, a bare title, a sign-off at the end. Each test parses
its own text, so mutation testing (which records the tests that reach a function) sees it."""
import pytest

from policykg.extract import ExtractError, parse
from policykg.extract.records import BodyMention, Span

TITLE = "示例市支持小微企业若干措施"
PREAMBLE = "为支持小微企业，制定以下措施。"
BODY = "一、加大支持\n（一）设立专项资金。（市财政局负责）\n"
NUMBER = "示例发〔2021〕9号"
WRAPPER = f"示例市人民政府办公室关于印发《{TITLE}》的通知"


def span(text: str, words: str, nth: int = 0) -> Span:
    """The Span of the nth occurrence of words in text."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return Span(at, at + len(words), words)


def test_a_wrapper_without_recipients_date_or_a_title_in_book_brackets():
    notice = "示例市人民政府办公室关于支持小微企业发展的通知"
    text = f"{NUMBER}\n{notice}\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt")
    h = doc.header
    # without 《》 the measures' title is the notice's own
    assert (h.notice_title, h.notice_title_spans, h.title, h.title_span) == (
        notice, (span(text, notice),), notice, span(text, notice))
    assert (h.recipients, h.issuer, h.issuer_spans, h.date, h.date_span) == ([], None, (), None, None)
    assert (h.doc_number, h.code, h.year, h.serial) == (span(text, NUMBER), "示例发", 2021, 9)
    assert doc.preamble.span == span(text, PREAMBLE)
    assert doc.warnings == ["t.txt:1:1: warning: no recipients line ending in ：; left empty",
                            "t.txt:1:1: warning: no issuer; left empty", "t.txt:1:1: warning: no issue date; left empty",
                            "t.txt:3:1: warning: the measures' title is not repeated above the preamble"]


def test_a_wrapper_with_recipients_and_no_date_goes_on_with_the_measures_title():
    text = f"{NUMBER}\n{WRAPPER}\n各县区人民政府：\n{TITLE}\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt")
    h = doc.header
    assert (h.title, h.title_span) == (TITLE, span(text, TITLE))
    assert h.recipients == [BodyMention("各县区人民政府", span(text, "各县区人民政府"), "recipient", 1)]
    # the title repeated above the preamble is not preamble
    assert doc.preamble.span == span(text, PREAMBLE)
    assert doc.warnings == ["t.txt:1:1: warning: no issuer; left empty", "t.txt:1:1: warning: no issue date; left empty"]


def test_a_wrapper_title_alone_is_refused_as_truncated():
    with pytest.raises(ExtractError) as e:
        parse(WRAPPER + "\n", "t.txt")
    assert str(e.value) == f"t.txt:1:{len(WRAPPER) + 1}: source ends mid-sentence: is it truncated?"


def test_a_notice_title_over_four_lines_after_the_document_number():
    lines = ["示例市人民政府办公室", "关于印发《示例市", "支持小微企业若干", "措施》的通知"]
    text = f"{NUMBER}\n" + "\n".join(lines) + f"\n各县区人民政府：\n{TITLE}\n{PREAMBLE}\n{BODY}"
    h = parse(text, "t.txt").header
    assert h.notice_title == "".join(lines) and h.notice_title_spans == tuple(span(text, l) for l in lines)
    assert (h.title, h.title_span) == (TITLE, Span(text.index("示例市\n"), text.index("》"), "示例市\n支持小微企业若干\n措施"))
    assert [r.name for r in h.recipients] == ["各县区人民政府"]


def test_a_title_over_eight_lines_is_not_read_as_a_notice_title():
    lines = ["示例市人民政府", "办公室", "关于印发", "《示例市支持", "小微企业", "若干措施》", "关于", "做好", "的通知"]
    text = "\n".join(lines) + f"\n各县区人民政府：\n{TITLE}\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt")
    assert (doc.header.notice_title, doc.header.title, doc.header.recipients) == (None, "示例市人民政府", [])
    assert "t.txt:1:1: warning: no notice title ending in 通知; recipients left empty" in doc.warnings


def test_a_wrapper_ending_in_a_bracketed_date_has_no_body():
    text = f"{WRAPPER}\n各县区人民政府：\n（2021年7月1日）\n"
    with pytest.raises(ExtractError) as e:
        parse(text, "t.txt")
    assert str(e.value) == "t.txt:3:1: no part heading such as 一、… found"


def test_a_date_line_closing_the_body_does_not_replace_the_wrappers_date():
    text = (f"{WRAPPER}\n各县区人民政府：\n现印发给你们，请认真贯彻执行。\n示例市人民政府办公室\n2021年7月1日\n"
            f"{TITLE}\n{PREAMBLE}\n{BODY}（2021年8月1日）\n")
    doc = parse(text, "t.txt")
    h = doc.header
    assert (h.date, h.date_span, h.issuer) == ("2021-07-01", span(text, "2021年7月1日"), "示例市人民政府办公室")
    # a date line at the end is a sign-off, never body; one that disagrees is said
    assert doc.measures[-1].text.text == "（市财政局负责）"
    assert "t.txt:10:1: warning: the date signed at the end, 2021年8月1日, differs from the date above, " \
           "2021-07-01; the date above is kept" in doc.warnings


def test_a_byte_order_mark_at_either_end_of_a_line_is_a_blank():
    text = f"\ufeff{TITLE}\ufeff\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt")
    assert (doc.header.title, doc.header.title_span) == (TITLE, Span(1, 1 + len(TITLE), TITLE))
    assert doc.warnings[0] == "t.txt:1:2: warning: no document number (such as 张促中民办发〔2021〕9号) on the first line; left empty"


def test_the_notice_title_is_looked_for_after_the_document_number_however_long_that_is():
    number = "示" * 80 + "〔2021〕9号"                 # longer than any title line
    text = f"{number}\n{WRAPPER}\n各县区人民政府：\n{TITLE}\n{PREAMBLE}\n{BODY}"
    h = parse(text, "t.txt").header
    assert (h.code, h.notice_title, h.title) == ("示" * 80, WRAPPER, TITLE)


def test_a_sign_off_date_right_after_the_body_has_no_issuer():
    text = f"{TITLE}\n{PREAMBLE}\n{BODY}2021年8月1日\n"
    doc = parse(text, "t.txt")
    h = doc.header
    assert (h.date, h.date_span, h.issuer, h.issuer_spans) == ("2021-08-01", span(text, "2021年8月1日"), None, ())
    assert doc.measures[-1].text.text == "（市财政局负责）"
    assert "t.txt:1:1: warning: no issuer; left empty" in doc.warnings


def test_the_issuer_of_a_sign_off_is_neither_a_header_line_nor_the_last_body_line():
    # the name above the date is the body's only line (after the title): it stays body, and the
    # body ends mid-sentence
    for text in (f"{TITLE}\n示例市办公室\n2021年8月1日\n", f"{TITLE}\n一、加大支持\n示例市办公室\n2021年8月1日\n"):
        with pytest.raises(ExtractError) as e:
            parse(text, "t.txt")
        assert str(e.value) == "t.txt:2:7: source ends mid-sentence: is it truncated?"


# --- no wrapper: a title line, or the caller's title ---------------------------------------------

def test_a_title_given_by_the_caller_and_written_over_two_lines():
    text = ("示例市支持\n小微企业若干措施\n为支持小微企业，制定以下措施。\n一、加大支持\n"
            "（一）设立专项资金。落实《示例市支持小微企业若干措施》。（市财政局负责）\n")
    doc = parse(text, "t.txt", title=TITLE)
    assert (doc.header.title, doc.header.title_span) == (TITLE, Span(0, 14, "示例市支持\n小微企业若干措施"))
    assert doc.preamble.span == span(text, PREAMBLE)
    assert doc.measures[0].citations == []                   # the notice naming itself
    assert not any("not the title given" in w for w in doc.warnings)


def test_a_title_given_by_the_caller_and_written_on_the_first_line():
    text = f"{TITLE}\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt", title=TITLE)
    assert (doc.header.title, doc.header.title_span) == (TITLE, Span(0, 13, TITLE))
    assert doc.preamble.span == span(text, PREAMBLE)
    assert not any("not the title given" in w for w in doc.warnings)


def test_a_first_line_other_than_the_given_title_is_skipped_with_a_warning():
    text = f"{TITLE}\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt", title="另一个标题")
    assert (doc.header.title, doc.header.title_span) == ("另一个标题", None)
    assert doc.preamble.span == span(text, PREAMBLE)
    assert f"t.txt:1:1: warning: the first line «{TITLE}» is not the title given; the title given is used" in doc.warnings


def test_a_document_number_or_a_title_alone_is_refused():
    with pytest.raises(ExtractError) as e:
        parse(f"{NUMBER}\n", "t.txt")
    assert str(e.value) == ("t.txt:2:1: no title: the text does not open with a title line; "
                            "give it with --title (parse(title=…) in the library)")
    with pytest.raises(ExtractError) as e:
        parse(f"{TITLE}\n", "t.txt")
    assert str(e.value) == "t.txt:1:14: source ends mid-sentence: is it truncated?"


def test_a_date_under_a_bare_title_is_not_preamble():
    text = f"{TITLE}\n（2021年3月1日）\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt")
    assert (doc.header.date, doc.header.date_span) == ("2021-03-01", span(text, "2021年3月1日"))
    assert doc.preamble.span == span(text, PREAMBLE)


def test_an_issuer_over_two_lines_above_the_date():
    text = (f"{WRAPPER}\n各县区人民政府：\n现印发给你们，请认真贯彻执行。\n示例市人民政府办公室\n示例市财政局\n2021年7月1日\n"
            f"{TITLE}\n{PREAMBLE}\n{BODY}")
    h = parse(text, "t.txt").header
    assert h.issuer == "示例市人民政府办公室示例市财政局"
    assert h.issuer_spans == (span(text, "示例市人民政府办公室", 1), span(text, "示例市财政局"))


# --- the wrapper: its title, recipients, issuer and date ---------------------------------------

def header_of(*lines: str):
    text = "\n".join(lines) + f"\n{TITLE}\n{PREAMBLE}\n{BODY}"
    return text, parse(text, "t.txt").header


def test_a_book_title_closed_only_after_the_notice_title_is_no_measures_title():
    text = f"示例市人民政府办公室关于印发《{TITLE}的通知\n各县区人民政府》：\n{PREAMBLE}\n{BODY}"
    h = parse(text, "t.txt").header
    assert (h.title, h.title_span) == (f"示例市人民政府办公室关于印发《{TITLE}的通知",
                                       span(text, f"示例市人民政府办公室关于印发《{TITLE}的通知"))


def test_the_measures_title_keeps_its_inner_spaces_and_drops_the_blanks_at_line_breaks():
    _, h = header_of("示例市人民政府办公室关于印发《Made in 示例 若干措施》的通知", "各县区人民政府：")
    assert h.title == "Made in 示例 若干措施"
    _, h = header_of("示例市人民政府办公室关于印发《示例市支持\ufeff", "\u3000小微企业若干措施》的通知", "各县区人民政府：")
    assert h.title == TITLE


def test_recipients_as_written_with_placeholders_stray_separators_and_collectives():
    for line, names in (("各县区人民政府，XX单位：", ["各县区人民政府", "XX单位"]), ("XX局、市财政局：", ["XX局", "市财政局"]),
                        ("各县区人民政府、：", ["各县区人民政府"]), ("市直各委、办：", ["市直各委、办"])):
        _, h = header_of(WRAPPER, line)
        assert [r.name for r in h.recipients] == names, line


def test_the_date_is_looked_for_after_the_header_lines():
    # a recipients line that opens like a part heading does not end the covering text
    text, h = header_of(WRAPPER, "一、各县区人民政府：", "现印发给你们，请认真贯彻执行。", "示例市人民政府办公室", "2021年7月1日")
    assert (h.date, h.issuer, h.issuer_spans) == ("2021-07-01", "示例市人民政府办公室", (span(text, "示例市人民政府办公室", 1),))


def test_a_wrapper_without_a_date_takes_it_from_the_sign_off():
    text = f"{WRAPPER}\n各县区人民政府：\n{TITLE}\n{PREAMBLE}\n{BODY}示例市人民政府办公室\n2021年7月1日\n"
    doc = parse(text, "t.txt")
    h = doc.header
    assert (h.date, h.issuer, h.issuer_spans) == ("2021-07-01", "示例市人民政府办公室", (span(text, "示例市人民政府办公室", 1),))
    assert doc.preamble.span == span(text, PREAMBLE) and doc.measures[-1].text.text == "（市财政局负责）"


def test_an_issuer_right_under_the_recipients_and_a_date_right_under_the_covering_text():
    text, h = header_of(WRAPPER, "各县区人民政府：", "示例市人民政府办公室", "2021年7月1日")
    assert (h.date, h.issuer, h.issuer_spans) == ("2021-07-01", "示例市人民政府办公室", (span(text, "示例市人民政府办公室", 1),))
    text = f"{WRAPPER}\n各县区人民政府：\n现印发给你们，请认真贯彻执行。\n2021年7月1日\n{TITLE}\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt")
    assert (doc.header.date, doc.header.issuer, doc.header.issuer_spans) == ("2021-07-01", None, ())
    assert "t.txt:1:1: warning: no issuer; left empty" in doc.warnings


# --- regressions: one per bug, named for it ------------------------------------------------

SIGNED = f"{NUMBER}\n{WRAPPER}\n各县区人民政府：\n现印发给你们，请认真贯彻执行。\n示例市人民政府办公室\n2021年7月1日\n" \
         f"{TITLE}\n{PREAMBLE}\n{BODY}"


def test_regression_a_wrapper_dated_and_signed_again_at_the_end_is_not_truncated():
    """A copy that dates its 通知 wrapper and signs the measures again at the end was refused
    as "truncated": the sign-off was read as body once the header had its date."""
    text = SIGNED + "示例市人民政府办公室\n2021年7月1日\n"
    doc = parse(text, "t.txt")
    h = doc.header
    assert (h.issuer, h.date) == ("示例市人民政府办公室", "2021-07-01")
    assert h.date_span == span(text, "2021年7月1日")            # the wrapper's, not the sign-off's
    assert doc.warnings == []
    assert "示例市人民政府办公室" not in doc.parts[-1].measures[-1].text.text


def test_regression_a_sign_off_that_disagrees_with_the_wrapper_is_warned_about():
    text = SIGNED + "示例市财政局\n2021年7月2日\n"
    doc = parse(text, "t.txt")
    assert (doc.header.issuer, doc.header.date) == ("示例市人民政府办公室", "2021-07-01")
    last = text.count("\n")
    assert doc.warnings == [
        f"t.txt:{last}:1: warning: the date signed at the end, 2021年7月2日, differs from the date above, "
        "2021-07-01; the date above is kept",
        f"t.txt:{last - 1}:1: warning: the sign-off «示例市财政局» differs from the issuer «示例市人民政府办公室» "
        "above; the issuer above is kept"]


@pytest.mark.parametrize("lines", [
    ["示例市人民政府办公室关于印发《示例市支持小微企业若干措施》", "的通知"],     # a last line of 3
    ["示例市人民政府", "办公室关于", "印发《示例市", "支持小微", "企业若干", "措施》的", "通知"],   # seven lines
], ids=["short-last-line", "seven-lines"])
def test_regression_a_notice_title_with_a_short_last_line_or_over_five_lines(lines):
    """Such a title was not seen as a 通知 wrapper: the whole wrapper was misread as a bare
    title and body, with no recipients, issuer or date."""
    text = f"{NUMBER}\n" + "\n".join(lines) + f"\n各县区人民政府：\n{TITLE}\n{PREAMBLE}\n{BODY}"
    h = parse(text, "t.txt").header
    assert h.notice_title == "".join(lines)
    assert h.title == TITLE
    assert [r.name for r in h.recipients] == ["各县区人民政府"]


@pytest.mark.parametrize("tail", ["联合印发的", "制定的", "关于印发", "出台的"])
def test_regression_issuers_listed_without_deng_lose_the_words_before_the_title(tail):
    """省工信厅、省发改委联合印发的《…》 gave the issuer «省发改委联合印发的»."""
    preamble = f"为支持小微企业，根据省工信厅、省发改委{tail}《关于支持小微企业的意见》，制定以下措施。"
    doc = parse(f"{TITLE}\n{preamble}\n{BODY}", "t.txt")
    issuers = doc.preamble.implements_issuers
    assert [b.name for b in issuers.bodies] == ["省工信厅", "省发改委"] and not issuers.open


def test_regression_a_recipients_line_opening_with_a_list_number_has_no_recipient_yi():
    text = f"{NUMBER}\n{WRAPPER}\n一、各县区人民政府，市直各部门：\n{TITLE}\n{PREAMBLE}\n{BODY}"
    doc = parse(text, "t.txt")
    assert doc.header.recipients == [
        BodyMention("各县区人民政府", span(text, "各县区人民政府"), "recipient", 1),
        BodyMention("市直各部门", span(text, "市直各部门"), "recipient", 2)]
    assert "t.txt:3:1: warning: the recipients line opens with a list number «一、»; read without it" in doc.warnings
