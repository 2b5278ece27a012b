"""Law texts as structure, article-level legal basis against hand labels, version changes."""
import tomllib
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from policykg import resources
from policykg.iris import BASE, OA, PKG
from policykg.laws import LawTextError, parse_law
from policykg.legal_basis import compare_versions, evaluate, link, normalise, passages_of, sentences
from policykg.registry import load_registry

LAWS = Path(resources.path("data", "laws"))
LABELS = tomllib.loads((Path(__file__).parent / "fixtures" / "legal-basis" / "labels.toml").read_text(encoding="utf-8"))
LEGAL = BASE + "legal/"


def test_law_texts_are_shipped_byte_for_byte():
    shared = Path(__file__).resolve().parents[2] / "shared" / "laws"
    if not shared.is_dir():
        pytest.skip("shared/laws is not beside this checkout")
    for f in shared.glob("*.md"):
        if f.name != "README.md":
            assert (LAWS / f.name).read_bytes() == f.read_bytes(), f.name


@pytest.mark.parametrize("name, articles, chapters", [
    ("sme-promotion-law-2017.md", 61, 10), ("sme-payment-regulation-2020.md", 29, 0),
    ("sme-payment-regulation-2025.md", 37, 5), ("government-procurement-law-2014.md", 88, 9)])
def test_structure(name, articles, chapters):
    law = parse_law(LAWS / name)
    assert len(law.articles) == articles and len(law.chapters) == chapters
    a40 = parse_law(LAWS / "sme-promotion-law-2017.md").article(40)
    assert len(a40.paragraphs) == 4 and a40.paragraphs[1].span.text.startswith("向中小企业预留的采购份额")
    for a in law.articles:
        assert law.text[a.span.start:a.span.end] == a.span.text


def test_a_gap_in_article_numbers_is_an_error(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("# 法\n\n<!-- INFO END -->\n\n第一条 甲。\n\n第三条 丙。\n", encoding="utf-8")
    with pytest.raises(LawTextError, match="bad.md:7: article 三 out of sequence"):
        parse_law(bad)


def test_normalisation_keeps_offsets():
    text = "预留给小型微型企业的比例不低于百分之六十。"
    n = normalise(text, 100)
    assert n.text == "预留给小微企业的比例不低于60%"
    i = n.text.index("60%")
    assert text[n.starts[i] - 100:n.ends[i + 2] - 100] == "百分之六十"


def links_on_shipped(built, rests_on=None):
    reg = load_registry()
    from policykg.laws import law_files
    laws = {law: parse_law(path) for law, path in law_files(reg.graph).items()}
    sents = [s for m in built.document.measures for s in sentences(m.number, m.text.text, m.text.start)]
    kwargs = {} if rests_on is None else {"rests_on": rests_on}
    return link(sents, passages_of(laws, reg.graph, built.document.header.date), **kwargs)


def test_precision_and_recall_against_hand_labels(built):
    """The labelled regression: the figures the README reports."""
    e = evaluate(links_on_shipped(built), LABELS)
    assert e.precision >= 0.80 and e.recall >= 0.76, (e.false_positives, e.misses)
    assert e.kind_agreement >= 0.9
    assert (9, "sme-promotion-law", 40) in e.true_positives
    assert (8, "sme-promotion-law", 11) in e.true_positives


def test_only_versions_in_force_on_the_notice_date(built):
    laws_linked = {l.law for l in links_on_shipped(built)}
    assert LEGAL + "sme-payment-regulation-2025" not in laws_linked
    assert LEGAL + "fair-competition-review-regulation" not in laws_linked
    assert LEGAL + "sme-payment-regulation-2020" in laws_linked


def test_evidence_is_in_the_graph_and_quotes_both_sides(built, source_text):
    g = built.basis
    basis = URIRef(BASE + "doc/zczmbf-2021-9/measure/9/basis/sme-promotion-law-40")
    assert (basis, RDF.type, PKG.LegalBasis) in g
    assert g.value(basis, PKG.basisKind) == PKG.restates
    quotes = {str(g.value(s, OA.exact)) for s in g.objects(basis, PKG.measureEvidence)}
    assert "政府采购不得在企业股权结构、经营年限、经营规模和财务指标等方面对中小企业实行差别待遇或者歧视待遇" in quotes
    for s in g.objects(basis, PKG.measureEvidence):
        assert source_text[int(g.value(s, OA.start)):int(g.value(s, OA.end))] == str(g.value(s, OA.exact))
    law_text = (LAWS / "sme-promotion-law-2017.md").read_text(encoding="utf-8")
    for s in g.objects(basis, PKG.articleEvidence):
        assert law_text[int(g.value(s, OA.start)):int(g.value(s, OA.end))] == str(g.value(s, OA.exact))


def test_version_comparison_of_the_payment_regulation():
    old = parse_law(LAWS / "sme-payment-regulation-2020.md")
    new = parse_law(LAWS / "sme-payment-regulation-2025.md")
    changes = compare_versions({a.number: a.text for a in old.articles}, {a.number: a.text for a in new.articles})
    by_old = {c.old: c for c in changes if c.old is not None}
    assert len(by_old) == 29 and len({c.new for c in changes if c.new is not None}) == 37
    assert by_old[10].new == 11 and by_old[10].kind == "changed"      # numbers shift by one
    # 2020 第十七条 (complaints) was split: its first paragraph is 2025 第二十四条
    assert ("changed", 17, 24) in {(c.kind, c.old, c.new) for c in changes}
    kinds = {c.kind for c in changes}
    assert {"changed", "added"} <= kinds
    assert all(c.kind != "unchanged" or c.similarity == 1.0 for c in changes)


def test_compare_versions_on_a_small_example():
    old = {1: "第一条 甲乙丙丁戊己庚辛。", 2: "第二条 子丑寅卯辰巳午未。"}
    new = {1: "第一条 新增的条款内容全然不同。", 2: "第二条 甲乙丙丁戊己庚辛。", 3: "第三条 子丑寅卯辰巳午申。"}
    got = {(c.kind, c.old, c.new) for c in compare_versions(old, new)}
    assert got == {("unchanged", 1, 2), ("changed", 2, 3), ("added", None, 1)}
