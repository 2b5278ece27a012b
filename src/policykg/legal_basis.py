"""Article-level legal basis: which articles a measure restates or rests on,
with the matching words of both sides as evidence; and how the articles of
two versions of a regulation correspond.

Method (chosen by measurement against hand labels, see the README): both
sides are normalised (小型微型企业 → 小微企业, 百分之三十 → 30%, punctuation
dropped), split into sentences (measures) and paragraphs (articles),
paired through a character-bigram index, and scored by the share of the
shorter side covered by runs of at least MIN_RUN characters that also
stand in the paragraph and in few others (a run found in more than COMMON
paragraphs is the laws' boilerplate). The runs are the evidence, mapped back to offsets
in both source files.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from .extract.rules import CN_NUMERAL_CHARS, SENTENCE_ENDS, numeral_value

MIN_RUN = 4            # shorter shared runs are coincidence (中小企业 alone is 4)
RESTATES = 0.5         # share of the measure sentence covered: close wording
RESTS_ON = 0.25        # lower, but the same obligation on the same subject
CANDIDATE_BIGRAMS = 0.3
# Words that are everywhere in this genre: runs made only of them are no evidence.
STOP_RUNS = ("中小企业", "小微企业", "企业", "发展", "按照", "有关", "规定", "国家", "依法",
             "维护中小企业合法权益", "中小企业合法权益", "优化营商环境", "加大对小微企业")

VARIANTS = (("小型微型企业", "小微企业"), ("中小微企业", "中小企业"), ("个人独资企业", "个人独资企业"))
_CN_PERCENT = re.compile(rf"百分之([{CN_NUMERAL_CHARS}]+)")
_DROP = set("，。；：、！？“”‘’《》（）()〔〕 \t\n\u3000,.;:!?\"'")


@dataclass
class Normalised:
    text: str
    starts: list[int]      # offset in the original of each normalised character
    ends: list[int]

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.starts[i], self.ends[j - 1]


def normalise(text: str, offset: int = 0) -> Normalised:
    """Variants unified, Chinese percentages in digits, punctuation dropped; offsets kept."""
    out, starts, ends = [], [], []
    i = 0
    while i < len(text):
        m = _CN_PERCENT.match(text, i)
        if m:
            try:
                rep = f"{numeral_value(m[1])}%"
            except ValueError:
                rep = None
            if rep:
                for c in rep:
                    out.append(c), starts.append(offset + i), ends.append(offset + m.end())
                i = m.end()
                continue
        for old, new in VARIANTS:
            if text.startswith(old, i):
                for c in new:
                    out.append(c), starts.append(offset + i), ends.append(offset + i + len(old))
                i += len(old)
                break
        else:
            c = text[i]
            if c not in _DROP:
                out.append(c.replace("％", "%")), starts.append(offset + i), ends.append(offset + i + 1)
            i += 1
    return Normalised("".join(out), starts, ends)


def bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


@dataclass(frozen=True)
class Sentence:
    measure: int
    start: int            # in the notice
    end: int
    norm: Normalised


@dataclass(frozen=True)
class Passage:
    law: str              # IRI of the law (version)
    article: int
    paragraph: int
    start: int            # in the law file
    end: int
    norm: Normalised


@dataclass
class Link:
    measure: int
    law: str
    article: int
    paragraph: int
    kind: str             # "restates" or "restsOn"
    score: float
    measure_runs: list[tuple[int, int]]     # offsets in the notice
    article_runs: list[tuple[int, int]]     # offsets in the law file


def sentences(measure: int, text: str, offset: int) -> list[Sentence]:
    out, start = [], 0
    for i, c in enumerate(text):
        if c in SENTENCE_ENDS or i == len(text) - 1:
            piece = text[start:i + 1]
            if piece.strip():
                out.append(Sentence(measure, offset + start, offset + i + 1, normalise(piece, offset + start)))
            start = i + 1
    return out


COMMON = 3             # a run found in more paragraphs than this is the laws' boilerplate


def _runs(a: Normalised, b: Normalised, common) -> list[tuple[int, int, int]]:
    blocks = SequenceMatcher(None, a.text, b.text, autojunk=False).get_matching_blocks()
    return [(x.a, x.b, x.size) for x in blocks
            if x.size >= MIN_RUN and not any(a.text[x.a:x.a + x.size] in stop for stop in STOP_RUNS)
            and not common(a.text[x.a:x.a + x.size])]


def link(sentences_: list[Sentence], passages: list[Passage], rests_on: float = RESTS_ON,
         restates: float = RESTATES) -> list[Link]:
    """The best-scoring paragraph per (measure, article), above `rests_on`."""
    index: dict[str, set[int]] = defaultdict(set)
    for k, p in enumerate(passages):
        for bg in bigrams(p.norm.text):
            index[bg].add(k)
    seen: dict[str, bool] = {}

    def common(run: str) -> bool:
        """Shared words that stand in many paragraphs (机关、事业单位和大型企业) prove nothing."""
        if run not in seen:
            seen[run] = sum(1 for p in passages if run in p.norm.text) > COMMON
        return seen[run]
    best: dict[tuple[int, str, int], Link] = {}
    for s in sentences_:
        grams = bigrams(s.norm.text)
        if len(s.norm.text) < 8:
            continue
        counts: dict[int, int] = defaultdict(int)
        for bg in grams:
            for k in index.get(bg, ()):
                counts[k] += 1
        for k, shared in counts.items():
            if shared / len(grams) < CANDIDATE_BIGRAMS:
                continue
            p = passages[k]
            runs = _runs(s.norm, p.norm, common)
            covered = sum(size for _, _, size in runs)
            # a long sentence may restate two short paragraphs, each in part
            score = covered / min(len(s.norm.text), len(p.norm.text))
            if score < rests_on:
                continue
            key = (s.measure, p.law, p.article)
            if key in best and best[key].score >= score:
                continue
            best[key] = Link(
                s.measure, p.law, p.article, p.paragraph,
                "restates" if score >= restates else "restsOn", round(score, 3),
                [s.norm.span(i, i + n) for i, _, n in runs], [p.norm.span(j, j + n) for _, j, n in runs])
    return sorted(best.values(), key=lambda l: (l.measure, -l.score, l.law, l.article))


# --- versions of one regulation -------------------------------------------------------

@dataclass
class Change:
    kind: str                    # unchanged, changed, added, removed
    old: int | None              # article number in the earlier version
    new: int | None
    similarity: float


SPLIT_PARAGRAPH = 0.55   # a paragraph this close to one in another article has moved there


def compare_versions(old: dict[int, str], new: dict[int, str], threshold: float = 0.45) -> list[Change]:
    """Align articles by content (numbers shift between versions), greedily by similarity."""
    norm_old = {n: normalise(re.sub(r"^第\S+条\s*", "", t)).text for n, t in old.items()}
    norm_new = {n: normalise(re.sub(r"^第\S+条\s*", "", t)).text for n, t in new.items()}
    pairs = []
    for a, ta in norm_old.items():
        ga = bigrams(ta)
        for b, tb in norm_new.items():
            gb = bigrams(tb)
            if not ga or not gb or len(ga & gb) / len(ga | gb) < 0.15:
                continue
            pairs.append((SequenceMatcher(None, ta, tb, autojunk=False).ratio(), a, b))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_old, used_new, changes = set(), set(), []
    for ratio, a, b in pairs:
        if ratio < threshold or a in used_old or b in used_new:
            continue
        used_old.add(a), used_new.add(b)
        same = norm_old[a] == norm_new[b]
        changes.append(Change("unchanged" if same else "changed", a, b, round(ratio, 3)))
    # An article split over several new ones matches none of them as a whole:
    # align its paragraphs instead, and call it changed into each new article.
    new_paragraphs = [(b, normalise(p).text) for b, t in new.items() for p in t.split("\n")]
    for a in sorted(set(old) - used_old):
        targets: dict[int, float] = {}
        for paragraph in old[a].split("\n"):
            pn = normalise(re.sub(r"^第\S+条\s*", "", paragraph)).text
            if len(pn) < 10:
                continue
            ratio, b = max((SequenceMatcher(None, pn, re.sub(r"^第\S+条", "", q), autojunk=False).ratio(), b)
                           for b, q in new_paragraphs)
            if ratio >= SPLIT_PARAGRAPH:
                targets[b] = max(targets.get(b, 0.0), ratio)
        for b, ratio in sorted(targets.items()):
            used_old.add(a), used_new.add(b)
            changes.append(Change("changed", a, b, round(ratio, 3)))
    changes += [Change("removed", a, None, 0.0) for a in old if a not in used_old]
    changes += [Change("added", None, b, 0.0) for b in new if b not in used_new]
    return sorted(changes, key=lambda c: (c.new if c.new is not None else c.old + 0.5, c.old or 0))


# --- measuring the method against hand labels --------------------------------------------

@dataclass
class Evaluation:
    precision: float
    recall: float
    kind_agreement: float         # of the true positives, how many have the labelled kind
    true_positives: list[tuple[int, str, int]]
    false_positives: list[tuple[int, str, int]]
    misses: list[tuple[int, str, int]]


def evaluate(links: list[Link], labels: dict, law_slug=lambda iri: iri.rsplit("/", 1)[-1]) -> Evaluation:
    measures = set(labels["measures"])
    gold = {(l["measure"], l["law"], l["article"]): l["kind"] for l in labels["link"]}
    found = {(l.measure, law_slug(l.law), l.article): l.kind for l in links if l.measure in measures}
    tp = sorted(set(found) & set(gold))
    fp = sorted(set(found) - set(gold))
    fn = sorted(set(gold) - set(found))
    return Evaluation(len(tp) / len(found) if found else 0.0, len(tp) / len(gold) if gold else 0.0,
                      sum(found[k] == gold[k] for k in tp) / len(tp) if tp else 0.0, tp, fp, fn)


# --- building the graph ------------------------------------------------------------------

def in_force(registry_graph, law, on_date: str | None) -> bool:
    from .iris import PKG
    start = registry_graph.value(law, PKG.dateInForce) or registry_graph.value(law, PKG.dateIssued)
    # an undated notice (a web copy) may rest on any version
    return start is None or on_date is None or str(start) <= on_date


def passages_of(laws: dict, registry_graph, on_date: str | None) -> list[Passage]:
    """Paragraphs of the law versions in force on a date."""
    out = []
    for law, parsed in laws.items():
        if not in_force(registry_graph, law, on_date):
            continue
        for a in parsed.articles:
            for p in a.paragraphs:
                out.append(Passage(str(law), a.number, p.number, p.span.start, p.span.end,
                                   normalise(p.span.text, p.span.start)))
    return out


def basis_graph(doc_iri, measures, links: list[Link], source_text: str, laws: dict):
    """pkg:LegalBasis nodes: measure → article, kind, score, evidence spans on both sides."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    from . import iris
    from .iris import OA, PKG
    from .laws import article_iri
    g = Graph()
    by_number = {m.number: iris.measure(doc_iri, m.number) for m in measures}

    def span(owner_source, base, text, s, e):
        node = URIRef(f"{base}/text/{s}-{e}")
        g.add((node, RDF.type, PKG.TextSpan))
        g.add((node, OA.start, Literal(s, datatype=XSD.nonNegativeInteger)))
        g.add((node, OA.end, Literal(e, datatype=XSD.nonNegativeInteger)))
        g.add((node, OA.exact, Literal(text[s:e])))
        g.add((node, PKG.inSource, owner_source))
        return node
    for l in links:
        m = by_number[l.measure]
        law = URIRef(l.law)
        art = article_iri(law, l.article)
        node = URIRef(f"{m}/basis/{l.law.rsplit('/', 1)[-1]}-{l.article}")
        g.add((m, PKG.hasLegalBasis, node))
        g.add((m, PKG.citesArticle, art))
        g.add((node, RDF.type, PKG.LegalBasis))
        g.add((node, PKG.article, art))
        g.add((node, PKG.basisKind, PKG[l.kind]))
        g.add((node, PKG.score, Literal(f"{l.score:.3f}", datatype=XSD.decimal)))
        g.add((node, RDFS.label, Literal(f"措施{l.measure} → {laws[law].title} 第{l.article}条", lang="zh")))
        g.add((node, RDFS.label, Literal(f"Measure {l.measure} → article {l.article}", lang="en")))
        for s, e in l.measure_runs:
            g.add((node, PKG.measureEvidence, span(iris.source(doc_iri), doc_iri, source_text, s, e)))
        for s, e in l.article_runs:
            g.add((node, PKG.articleEvidence, span(URIRef(f"{law}/source"), law, laws[law].text, s, e)))
    return g


def changes_graph(work, old_law, new_law, old, new):
    """pkg:ArticleChange nodes for two versions of one regulation."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    from .iris import PKG
    from .laws import article_iri
    g = Graph()
    changes = compare_versions({a.number: a.text for a in old.articles}, {a.number: a.text for a in new.articles})
    for k, c in enumerate(changes, 1):
        node = URIRef(f"{work}/changes/{k}")
        g.add((node, RDF.type, PKG.ArticleChange))
        g.add((node, PKG.changeKind, PKG[c.kind]))
        g.add((node, PKG.number, Literal(k)))
        if c.old is not None:
            g.add((node, PKG.fromArticle, article_iri(old_law, c.old)))
        if c.new is not None:
            g.add((node, PKG.toArticle, article_iri(new_law, c.new)))
        if c.old is not None and c.new is not None:
            g.add((node, PKG.score, Literal(f"{c.similarity:.3f}", datatype=XSD.decimal)))
        label = {"unchanged": "未变", "changed": "修改", "added": "新增", "removed": "删除"}[c.kind]
        g.add((node, RDFS.label, Literal(f"{label}：第{c.old or '—'}条 → 第{c.new or '—'}条", lang="zh")))
    return g
