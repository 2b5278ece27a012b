"""The phrase matcher: longest match first, no overlaps, within the bounds given."""
from policykg.extract.matching import PhraseMatcher

MATCHER = PhraseMatcher({"小微企业": "small", "中小微企业": "sme", "企业": "firm", "": "never"})


def test_the_longest_phrase_wins_and_matches_do_not_overlap():
    text = "中小微企业和小微企业"
    assert list(MATCHER.finditer(text)) == [(0, 5, "中小微企业", "sme"), (6, 10, "小微企业", "small")]
    assert bool(MATCHER) and not PhraseMatcher({})


def test_matches_stay_within_start_and_end():
    text = "企业中小微企业"
    assert list(MATCHER.finditer(text, 0, 2)) == [(0, 2, "企业", "firm")]
    # a phrase running past `end` is not matched; a shorter one inside is
    assert list(MATCHER.finditer(text, 2, 6)) == []
    assert list(MATCHER.finditer(text, 3, 7)) == [(3, 7, "小微企业", "small")]
    assert list(MATCHER.finditer(text, 1)) == [(2, 7, "中小微企业", "sme")]
    assert list(MATCHER.finditer(text, 2, 2)) == []


def test_of_phrases_with_the_same_first_character_the_longest_wins():
    matcher = PhraseMatcher({"企业": "firm", "企业家": "entrepreneur", "企": "never-alone"})
    assert list(matcher.finditer("企业家精神和企业")) == [(0, 3, "企业家", "entrepreneur"), (6, 8, "企业", "firm")]
