"""Law texts as structure, article-level legal basis against hand labels, version changes."""
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from policykg import resources
from policykg.iris import BASE, OA, PKG
from policykg.laws import LawTextError, parse_law
from policykg.legal_basis import (LOW, article_role, compare_versions, evaluate, find_basis, level_of,
                                  measure_texts, normalise)
from policykg.registry import load_registry

LAWS = Path(resources.path("data", "laws"))
LABELS = tomllib.loads((Path(__file__).parent / "fixtures" / "legal-basis" / "labels.toml").read_text(encoding="utf-8"))
LEGAL = BASE + "legal/"


def test_law_texts_are_shipped_byte_for_byte():
    """data/laws/ holds the texts of ../shared/laws unchanged. The folder stands beside the
    clone in development and on CI alike: missing, it is a failure that says so, not a skip."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "laws"
    assert shared.is_dir(), (f"{shared} is missing: the shipped law texts are checked against the shared "
                             f"source folder, which must stand beside this checkout (as on CI)")
    texts = {f.name for f in shared.glob("*.md") if f.name != "README.md"}
    assert texts == {f.name for f in LAWS.glob("*.md") if f.name not in ("README.md", "SOURCES.md")}
    for name in sorted(texts):
        assert (LAWS / name).read_bytes() == (shared / name).read_bytes(), name


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


@pytest.fixture(scope="module")
def shipped_laws():
    reg = load_registry()
    from policykg.laws import law_files
    return reg, {law: parse_law(path) for law, path in law_files(reg.graph).items()}


@pytest.fixture(scope="module")
def basis(built, shipped_laws):
    reg, laws = shipped_laws
    return find_basis(measure_texts(built.document), laws, reg.graph, built.document.header.date)


def split(held_out: bool) -> dict:
    keep = set(LABELS["held_out"]) if held_out else set(LABELS["measures"]) - set(LABELS["held_out"])
    return {"measures": sorted(keep), "link": [l for l in LABELS["link"] if l["measure"] in keep]}


def key(b) -> tuple[int, str, int]:
    return b.measure, b.law.rsplit("/", 1)[-1], b.article


def test_labels_cover_every_measure_and_the_held_out_third_by_its_rule(doc):
    assert LABELS["measures"] == [m.number for m in doc.measures]
    assert LABELS["held_out"] == [n for n in LABELS["measures"] if n % 3 == 1]
    for l in LABELS["link"]:
        assert l["kind"] in ("restates", "restsOn") and l["reason"].strip(), l


def test_held_out_figures_the_readme_reports(basis):
    """Pinned at what benchmarks/legal_basis.py --held-out measured: the matcher may only get better."""
    e = evaluate(basis, split(held_out=True))
    # 13 of 15 found right (P 0.867), 13 of 21 labelled (R 0.619): the issue asks P ≥ 0.75, R ≥ 0.6
    assert len(e.true_positives) >= 13 and len(e.false_positives) <= 2, (e.false_positives, e.misses)
    assert e.precision >= 0.75 and e.recall >= 0.6 and e.kind_agreement >= 1.0
    restated = {(l["measure"], l["law"], l["article"]) for l in split(True)["link"] if l["kind"] == "restates"}
    assert restated and restated <= set(e.true_positives)


def test_tuning_figures(basis):
    e = evaluate(basis, split(held_out=False))
    # 42 of 47 found right (P 0.894), 42 of 67 labelled (R 0.627)
    assert len(e.true_positives) >= 42 and len(e.false_positives) <= 5, (e.false_positives, e.misses)
    assert e.kind_agreement >= 0.95
    restated = {(l["measure"], l["law"], l["article"]) for l in LABELS["link"] if l["kind"] == "restates"}
    assert restated <= {key(b) for b in basis}          # every restatement, tuning and held-out


def test_paraphrases_are_found(basis):
    """The issue's two misses: the law's wording in other words, the same obligation on the same subject."""
    found = {key(b): b for b in basis}
    for k in [(33, "sme-promotion-law", 5), (11, "sme-promotion-law", 17)]:
        assert k in found and found[k].kind == "restsOn", k
    assert "协调" in found[(33, "sme-promotion-law", 5)].reason_zh
    assert "普惠金融" in found[(11, "sme-promotion-law", 17)].reason_zh


def test_weak_links_of_measure_30_are_dropped(basis, shipped_laws):
    reg, laws = shipped_laws
    found = {key(b): b for b in basis}
    # 第十一条 shares only 机关、事业单位和国有大型企业 with the measure: no link, or a low one saying so
    weak = found.get((30, "sme-payment-regulation-2020", 11))
    assert weak is None or (weak.level == "low" and "须核对" in weak.reason_zh)
    # 第二十五条 sanctions the acts the measure forbids: a penalty article is no basis
    assert (30, "sme-payment-regulation-2020", 25) not in found
    payment = laws[URIRef(LEGAL + "sme-payment-regulation-2020")]
    assert article_role(payment.article(25), None) == "penalty"
    assert article_role(payment.article(1), None) == "purpose"
    assert article_role(payment.article(6), None) is None
    promotion = parse_law(LAWS / "sme-promotion-law-2017.md")
    assert article_role(promotion.article(57), "监督检查") == "supervision"     # not a sanction
    assert article_role(payment.article(2), None) == "purpose"         # scope: 应当遵守本条例
    # what the measure does restate is still found, and said so
    for n in (6, 10, 17, 20):
        assert (30, "sme-payment-regulation-2020", n) in found, n
    assert found[(30, "sme-payment-regulation-2020", 20)].level == "high"
    assert found[(30, "sme-payment-regulation-2020", 20)].reason_zh.startswith("措辞相同：")


def test_supervision_articles_only_for_measures_that_inspect(basis, shipped_laws):
    """第九章 监督检查 oversees the promotion work; it is the basis of a measure that itself
    inspects or assesses (35: 第三方评估 → 第五十八条), not of one that sets up what is overseen
    (7: 专项资金, which 第五十九条 evaluates; 1: 发展环境 shared with 第五十八条 on 评估)."""
    reg, laws = shipped_laws
    found = {key(b) for b in basis}
    assert (35, "sme-promotion-law", 58) in found
    assert (7, "sme-promotion-law", 59) not in found and (1, "sme-promotion-law", 58) not in found
    payment = laws[URIRef(LEGAL + "sme-payment-regulation-2020")]
    assert [n for n in (20, 21, 22) if article_role(payment.article(n), None) == "supervision"] == [20, 21, 22]
    # 审计监督 in measure 30 is what 第二十条 does; 第二十一条's 督查 is not in the measure
    assert (30, "sme-payment-regulation-2020", 20) in found and (30, "sme-payment-regulation-2020", 21) not in found


def test_a_one_subject_law_only_for_measures_naming_its_subject(basis):
    """保障中小企业款项支付条例 第十五条 (overdue interest at the 贷款市场报价利率) shares LPR with
    measure 10 on bank lending rates; 第十七条 (credit records of late payers) shares 信用信息
    with measure 5. Neither measure is about paying SMEs."""
    from policykg.terms import subject_words
    assert subject_words("保障中小企业款项支付条例") and subject_words("中华人民共和国政府采购法实施条例") == ("采购",)
    assert subject_words("中华人民共和国中小企业促进法") == () and subject_words("优化营商环境条例") == ()
    found = {key(b) for b in basis}
    assert (10, "sme-payment-regulation-2020", 15) not in found and (5, "sme-payment-regulation-2020", 17) not in found
    assert {(9, "government-procurement-law", 11), (3, "anti-monopoly-law", 5)} <= found


def test_confidence_levels_are_monotone_in_the_score(basis):
    order = {"high": 2, "medium": 1, "low": 0}
    ranked = sorted(basis, key=lambda b: b.score)
    assert [order[b.level] for b in ranked] == sorted(order[b.level] for b in ranked)
    grid = [i / 1000 for i in range(0, 1001)]
    levels = [order.get(level_of(s), -1) for s in grid]
    assert levels == sorted(levels) and level_of(LOW - 0.001) is None
    assert {b.level for b in basis} == {"high", "medium", "low"}
    for b in basis:
        assert b.score >= LOW and b.reason_zh and b.reason_en and b.measure_runs and b.article_runs


def test_only_versions_in_force_on_the_notice_date(basis):
    laws_linked = {b.law for b in basis}
    assert LEGAL + "sme-payment-regulation-2025" not in laws_linked
    assert LEGAL + "fair-competition-review-regulation" not in laws_linked
    assert LEGAL + "sme-payment-regulation-2020" in laws_linked


def test_evidence_is_in_the_graph_and_quotes_both_sides(built, source_text):
    g = built.basis
    basis = URIRef(BASE + "doc/zczmbf-2021-9/measure/9/basis/sme-promotion-law-40")
    assert (basis, RDF.type, PKG.LegalBasis) in g
    assert g.value(basis, PKG.basisKind) == PKG.restates
    assert g.value(basis, PKG.confidence) == PKG.high
    reasons = {r.language: str(r) for r in g.objects(basis, PKG.reason)}
    assert reasons["zh"].startswith("措辞相同：") and reasons["en"].startswith("same wording: ")
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
    # 2020 第十九条 (limits on late payers) is folded into 2025 第二十六条, a longer article: changed,
    # not removed (it was called removed until the merge was followed)
    assert ("changed", 19, 26) in {(c.kind, c.old, c.new) for c in changes}
    assert Counter(c.kind for c in changes) == {"changed": 23, "added": 7, "unchanged": 7}
    assert [(c.old, c.new) for c in changes if c.kind == "unchanged"] == [
        (1, 1), (2, 2), (3, 3), (7, 8), (15, 17), (20, 27), (28, 36)]
    assert [c.new for c in changes if c.kind == "added"] == [4, 15, 19, 21, 22, 33, 35]
    assert all(c.kind != "unchanged" or c.similarity == 1.0 for c in changes)


def test_compare_versions_on_a_small_example():
    old = {1: "第一条 甲乙丙丁戊己庚辛。", 2: "第二条 子丑寅卯辰巳午未。"}
    new = {1: "第一条 新增的条款内容全然不同。", 2: "第二条 甲乙丙丁戊己庚辛。", 3: "第三条 子丑寅卯辰巳午申。"}
    got = {(c.kind, c.old, c.new) for c in compare_versions(old, new)}
    assert got == {("unchanged", 1, 2), ("changed", 2, 3), ("added", None, 1)}


def test_regression_versions_align_articles_from_a_similarity_of_0_45():
    """The alignment threshold is 0.45 (a changed article keeps about half its words): 0.46 and
    exactly 0.45 align, 0.44 does not. Distinct characters make the similarity exact."""
    chars = "".join(chr(0x4E00 + 7 * i) for i in range(100))
    old = chars[:50]

    def kept(n: int, length: int = 50) -> str:       # the first n characters kept, the rest new
        return chars[:n] + chars[60:60 + length - n]
    assert [(c.kind, c.similarity) for c in compare_versions({1: old}, {1: kept(23)})] == [("changed", 0.46)]
    assert [(c.kind, c.similarity) for c in compare_versions({1: old[:20]}, {1: kept(9, 20)})] == [("changed", 0.45)]
    assert [(c.kind, c.old, c.new) for c in compare_versions({1: old}, {1: kept(22)})] == [
        ("added", None, 1), ("removed", 1, None)]
