"""Article-level legal basis: which articles a measure restates or rests on,
how sure each link is (高/中/低, with a reason in words), with the matching
words of both sides as evidence; and how the articles of two versions of a
regulation correspond.

`find_basis` (chosen by measurement against hand labels: benchmarks/legal_basis.py,
the README) compares each measure with each article in force as TF-IDF
vectors of character bigrams, sentence by paragraph and whole measure by
whole article (with the part and chapter titles as context); it sets aside
penalty, purpose and scope articles, keeps a supervision article for a
measure that itself inspects or assesses, and a one-subject law's article
(款项支付, 政府采购 …) for a measure naming that subject. `link` is the
close-wording signal it also uses (and chains.py uses alone between the
measures of two notices, where there are no chapters, roles or subjects of
laws to read, and no labels to calibrate levels on): both sides normalised
(小型微型企业 → 小微企业, 百分之三十 → 30%, punctuation dropped), split into
sentences and paragraphs, paired through a character-bigram index, and scored
by the share of the shorter side covered by runs of at least MIN_RUN
characters that stand in few paragraphs (a run found in more than COMMON
paragraphs is the laws' boilerplate). Runs and shared words are the
evidence, mapped back to offsets in both source files.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

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
    # compared unrounded: a Link holds its score rounded, and a later paragraph a hair below the
    # best (0.4442 after 0.4444) or level with it must not replace it
    raw: dict[tuple[int, str, int], float] = {}
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
            if key in raw and raw[key] >= score:
                continue
            raw[key] = score
            best[key] = Link(
                s.measure, p.law, p.article, p.paragraph,
                "restates" if score >= restates else "restsOn", round(score, 3),
                [s.norm.span(i, i + n) for i, _, n in runs], [p.norm.span(j, j + n) for _, j, n in runs])
    return sorted(best.values(), key=lambda l: (l.measure, -l.score, l.law, l.article))


# --- the basis of a measure: restated or rested on ----------------------------------------

@dataclass(frozen=True)
class MeasureText:
    number: int
    title: str            # the measure's own heading, without its numeral
    context: str          # the title of the part it stands in (一、…)
    text: str             # as in the notice
    start: int            # offset of `text` in the notice


@dataclass(frozen=True)
class Options:
    """The variants compared in benchmarks/legal_basis.py; the defaults are the chosen ones."""
    segmenter: str = "bigram"      # or "jieba", or "both"
    thesaurus: bool = True         # synonyms unified (应收账款/存货/订单): one more link found, none lost
    chapter: bool = True           # the article's chapter title and the measure's part title as context
    sentence_level: bool = True
    measure_level: bool = True
    runs: bool = True              # the shared-run score (close wording) as a signal of its own
    skip_penalty: bool = True      # penalty, purpose, definition and commencement articles
    per_measure: int = 4           # at most this many articles per measure, best first
    sentence_weight: float = 0.7   # the sentence-level cosine's share of the semantic score
    relative: float = 0.0          # keep only candidates scoring at least this share of the measure's best
    supervision: bool = True       # a supervision article only for a measure that itself inspects/audits/assesses
    subject: bool = True           # a one-subject law's articles only for measures naming its subject
    idf: str = "both"              # document frequencies from "laws" paragraphs only, or "both" sides
    floor: float | None = None     # keep candidates from this score on (default LOW), to draw the curve


# Calibrated on the tuning two-thirds of tests/fixtures/legal-basis/labels.toml
# (benchmarks/legal_basis.py --curve, counted in bands of score): below LOW
# fewer than half the candidates are right (2 of 6 from 0.12, 3 of 11 from 0.10),
# so they are no link; from LOW 11 of 15 are; from MEDIUM 31 of 32, from HIGH
# every one.
LOW, MEDIUM, HIGH = 0.145, 0.20, 0.40
LEVELS = (("high", HIGH), ("medium", MEDIUM), ("low", LOW))

_PENALTY = re.compile(r"有下列(?:情形|行为)之一的[^。]*?(?:责令|处分|追究|罚款|处理)|^[^，。；]*违反本(?:法|条例)")
_NOT_BASIS = re.compile(r"制定本(?:法|条例)。?$|^本(?:法|条例)所称|^本(?:法|条例)自.*施行"
                        r"|(?<!不)(?:适用|遵守|参照)本(?:法|条例)")     # scope: who the law binds
# How an article oversees others: a supervision article (监督检查, 督查, 审计监督, 评估)
# is the basis of a measure that itself inspects, audits or assesses, not of every
# measure on the subject it oversees (measure 7 sets up 专项资金; 第五十九条 evaluates it).
SUPERVISION_TERMS = ("监督检查", "审计监督", "督查", "检查", "评估", "评价")
_SUPERVISION = re.compile("|".join(SUPERVISION_TERMS))


ROLE_WORDS = ("牵头", "配合", "负责", "参与", "责任", "落实", "组织实施")
_OPEN, _CLOSE = "（(", "）)"


def without_roles(text: str) -> str:
    """The text with its bracketed responsibility clauses blanked (same length: offsets hold).

    （市工信局、市发展改革委等按职责分工负责） says who acts, not what a measure is about: two
    notices naming the same departments share 发展改革委配合, and a measure shares 负责中小企业
    促进工作 with an article only through it. Brackets nest (（市交通委（市道运局）牵头）); one
    without a role word (（附件1）, （LPR）) stays."""
    out, depth, start = list(text), 0, 0
    for i, c in enumerate(text):
        if c in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif c in _CLOSE and depth:
            depth -= 1
            if depth == 0 and any(w in text[start:i + 1] for w in ROLE_WORDS):
                out[start:i + 1] = " " * (i + 1 - start)
    return "".join(out)


@dataclass
class Basis(Link):
    """A link find_basis keeps, with the level and the reason a reader is shown."""
    level: str                      # "high", "medium", "low"
    reason_zh: str
    reason_en: str


def article_role(article, chapter_title: str | None) -> str | None:
    """'penalty' or 'purpose' for articles that are not what a measure implements,
    'supervision' for those that oversee what others implement, else None."""
    first = article.paragraphs[0].span.text
    body = re.sub(r"^第\S+条\s*", "", first)
    if chapter_title and "法律责任" in chapter_title:
        return "penalty"
    if chapter_title and "附" in chapter_title and "则" in chapter_title:
        return "purpose"             # 附则: commencement, definitions, exclusions
    if _PENALTY.search(body):
        return "penalty"
    if _NOT_BASIS.search(body.strip()):
        return "purpose"
    # a chapter names what its articles do; a regulation without chapters says it in the article
    if (chapter_title and "监督" in chapter_title) or (chapter_title is None and _SUPERVISION.search(body)):
        return "supervision"
    return None


def supervision_terms(text: str) -> set[str]:
    return {t for t in SUPERVISION_TERMS if t in text}


def level_of(score: float) -> str | None:
    """高/中/低 by the calibrated thresholds; None below LOW. Monotone in the score."""
    return next((name for name, t in LEVELS if score >= t), None)


def measure_texts(document) -> list[MeasureText]:
    """What the matcher reads of each measure; a notice without part or measure headings has none."""
    parts = {p.number: p.title.text for p in document.parts if p.title}
    return [MeasureText(m.number, m.title.text if m.title else "", parts.get(m.part_number, ""),
                        m.text.text, m.text.start) for m in document.measures]


def _surface(text: str, word: str, synonyms: bool) -> tuple[int, int] | None:
    """Where `word` (or, with `synonyms`, a word of its thesaurus group) first stands in `text`."""
    from .terms import thesaurus
    forms = [w for w, c in thesaurus().canonical.items() if c == word] if synonyms else []
    forms = forms or [word]
    # the earliest; of two forms there (拖欠, 拖欠款) the shorter: _phrases grows it as far as both sides agree
    hits = [(i, i + len(f)) for f in forms if (i := text.find(f)) >= 0]
    return min(hits) if hits else None


_STOP = set("，。；：、！？“”‘’《》（）()〔〕 \t\n\u3000,.;:!?\"'的和及与或等")


_EDGE = set("的和及与或等对从在将应并其之以为了")


def _phrases(m: MeasureText, a, ranked: list[str], synonyms: bool, k: int = 4):
    """Readable shared words for the reason and the evidence: each of the heaviest
    shared bigrams (or thesaurus words) grown, in the measure's text, as long as
    the article also holds it; (phrase, span in notice, span in law file)."""
    from .terms import thesaurus
    generic = thesaurus().generic
    out: list = []
    for w in ranked:
        ms, as_ = _surface(m.text, w, synonyms), _surface(a.span.text, w, synonyms)
        if not ms or not as_:
            continue
        s, e = ms
        if m.text[s:e] in a.span.text:          # the same word on both sides: grow it
            while s > 0 and m.text[s - 1] not in _STOP and m.text[s - 1:e] in a.span.text:
                s -= 1
            while e < len(m.text) and m.text[e] not in _STOP and m.text[s:e + 1] in a.span.text:
                e += 1
            at = a.span.text.find(m.text[s:e])
            as_ = (at, at + e - s)
        while e - s > 2 and m.text[s] in _EDGE:          # not 的行, 对涉嫌…
            s, as_ = s + 1, (as_[0] + 1, as_[1])
        while e - s > 2 and m.text[e - 1] in _EDGE:
            e, as_ = e - 1, (as_[0], as_[1] - 1)
        phrase = m.text[s:e]
        if len(phrase) == 2 and (phrase[0] in _EDGE or phrase[1] in _EDGE):
            continue                                    # 和国, 对涉: pieces of words, not words
        if phrase in generic or any(phrase in p for p, *_ in out):
            continue
        out = [o for o in out if o[0] not in phrase]      # a longer phrase stands for its parts
        out.append((phrase, (m.start + s, m.start + e), (a.span.start + as_[0], a.span.start + as_[1])))
        if len(out) == k:
            break
    return out


# The law texts are the same for every notice: what find_basis reads of their paragraphs is kept
# per process (at most the shipped laws' few thousand paragraphs), where redoing it for each
# notice was most of a bulk ingest's legal-basis matching. Read only: never modify what they give.
@lru_cache(maxsize=8192)
def _paragraph_words(text: str, segmenter: str, use_thesaurus: bool) -> tuple[str, ...]:
    from .terms import words
    return tuple(words(re.sub(r"^第\S+条\s*", "", text), segmenter=segmenter, use_thesaurus=use_thesaurus))


@lru_cache(maxsize=8192)
def _normalised(text: str, offset: int) -> Normalised:
    return normalise(text, offset)


def find_basis(measures: list[MeasureText], laws: dict, registry_graph, on_date: str | None,
               options: Options = Options()) -> list[Basis]:
    """The articles each measure restates or rests on, with level, reason and evidence.

    Scores, each in [0, 1]: the TF-IDF cosine of a measure sentence and an article
    paragraph (the best pair), of the whole measure (heading, text, part title)
    and the whole article (with its chapter title), and the share of a sentence
    covered by runs of close wording (`link`). The link's score is the larger of
    the runs score and the mean of the two cosines."""
    from .terms import Vectors, add, cosine, norm, shared, subject_words, words
    seg = dict(segmenter=options.segmenter, use_thesaurus=options.thesaurus)
    articles = []        # (law, article, chapter title, [(paragraph, start, words)], role, subject words)
    for law, parsed in laws.items():
        if not in_force(registry_graph, law, on_date):
            continue
        chapters = {c.number: c.title for c in parsed.chapters}
        subject = subject_words(parsed.title) if options.subject else ()
        for a in parsed.articles:
            chapter = chapters.get(a.chapter)
            role = article_role(a, chapter)
            if options.skip_penalty and role in ("penalty", "purpose"):
                continue
            paras = [(p.number, p.span.start, _paragraph_words(p.span.text, **seg)) for p in a.paragraphs]
            articles.append((str(law), a, chapter, paras, role, subject))
    clean = {m.number: without_roles(m.text) for m in measures}
    sents = {m.number: [(s.start, s.end, words(m.text[s.start - m.start:s.end - m.start], **seg))
                        for s in sentences(m.number, clean[m.number], m.start)] for m in measures}
    docs = [w for _, _, _, paras, *_ in articles for _, _, w in paras]
    if options.idf == "both":
        docs += [w for ss in sents.values() for *_, w in ss]
    vec = Vectors(docs)
    art_vecs = []
    for law, a, chapter, paras, role, subject in articles:
        pv = [(n, v, norm(v)) for n, v in ((n, vec.vector(w)) for n, _, w in paras)]
        whole = add(*(v for _, v, _ in pv))
        if options.chapter and chapter:
            whole = add(whole, vec.vector(words(chapter, **seg), 0.5))
        art_vecs.append((law, a, chapter, pv, whole, role, subject))
    runs: dict[tuple[int, str, int], Link] = {}
    if options.runs:
        passages = [Passage(law, a.number, p.number, p.span.start, p.span.end, _normalised(p.span.text, p.span.start))
                    for law, a, *_ in articles for p in a.paragraphs]
        all_sents = [s for m in measures for s in sentences(m.number, clean[m.number], m.start)]
        runs = {(l.measure, l.law, l.article): l for l in link(all_sents, passages, rests_on=0.2)}
    out = []
    for m in measures:
        sv = [(s, e, vec.vector(w)) for s, e, w in sents[m.number]]
        mv = add(vec.vector(words(m.title, **seg), 2.0), *(v for *_, v in sv))
        if options.chapter and m.context:
            mv = add(mv, vec.vector(words(m.context, **seg), 0.5))
        found = []
        inspects = supervision_terms(clean[m.number])
        sv_normed = [(v, norm(v)) for _, _, v in sv]
        for law, a, chapter, pv, whole, role, subject in art_vecs:
            if subject and not any(w in clean[m.number] for w in subject):
                continue
            if options.supervision and role == "supervision" and not inspects & supervision_terms(a.span.text):
                continue
            best_s, best_para = 0.0, a.paragraphs[0].number
            if options.sentence_level:
                for v, nv in sv_normed:
                    for n, p, np_ in pv:
                        c = cosine(v, p, nv, np_)
                        if c > best_s:
                            best_s, best_para = c, n
            meas = cosine(mv, whole) if options.measure_level else 0.0
            if options.sentence_level and options.measure_level:
                semantic = options.sentence_weight * best_s + (1 - options.sentence_weight) * meas
            else:
                semantic = best_s if options.sentence_level else meas
            r = runs.get((m.number, law, a.number))
            # rounded as shown, then cut: a link reading 0.145 is 低, never dropped
            score = round(max(semantic, r.score if r else 0.0), 3)
            if score >= (LOW if options.floor is None else options.floor):
                found.append((score, law, a, chapter, best_para, whole, r))
        found.sort(key=lambda x: (-x[0], x[1], x[2].number))
        if found:
            found = [f for f in found if f[0] >= options.relative * found[0][0]]
        for score, law, a, chapter, para, whole, r in found[:options.per_measure]:
            level = level_of(score) or "low"
            kind = "restates" if r and r.score >= RESTATES else "restsOn"
            m_runs = list(r.measure_runs) if r else []
            a_runs = list(r.article_runs) if r else []
            common = []
            for phrase, ms, as_ in _phrases(m, a, shared(mv, whole, 12), options.thesaurus):
                common.append(phrase)
                if kind == "restsOn":          # a restatement's runs are its evidence already
                    m_runs.append(ms), a_runs.append(as_)
            if not m_runs:
                continue                       # nothing to show a reader: no link
            reason_zh, reason_en = _reason(kind, level, common, r, m, chapter)
            out.append(Basis(m.number, law, a.number, r.paragraph if r and kind == "restates" else para, kind,
                             round(score, 3), sorted(set(m_runs)), sorted(set(a_runs)),
                             level=level, reason_zh=reason_zh, reason_en=reason_en))
    return sorted(out, key=lambda b: (b.measure, -b.score, b.law, b.article))


def _reason(kind: str, level: str, common: list[str], r: Link | None, m: MeasureText, chapter: str | None):
    """One line in words: why this article, in Chinese and in English."""
    words_ = "、".join(common) or "—"
    if kind == "restates" and r:
        s, e = max(r.measure_runs, key=lambda x: x[1] - x[0])
        quote = m.text[s - m.start:e - m.start]
        return f"措辞相同：{quote}", f"same wording: {quote}"
    chapter = chapter.replace(" ", "") if chapter else None
    if level == "low":
        return f"相近用语，须核对：{words_}", f"similar wording, to be checked: {words_}"
    return (f"同一义务、同一主题{f'（{chapter}）' if chapter else ''}：{words_}",
            f"same obligation, same subject{f' ({chapter})' if chapter else ''}: {words_}")


# --- versions of one regulation -------------------------------------------------------

@dataclass
class Change:
    kind: str                    # unchanged, changed, added, removed
    old: int | None              # article number in the earlier version
    new: int | None
    similarity: float


SPLIT_PARAGRAPH = 0.55   # a paragraph this close to one in another article has moved there
# A paragraph three quarters of whose text another paragraph holds, in order, was merged into it,
# its wording changed on the way: 2020 第十九条 (restrictions on agencies that delay payment) is
# 0.776 held in 2025 第二十六条 (the same restrictions, now on agencies found dishonest).
MERGED_PARAGRAPH = 0.75


def contained(part: str, whole: str) -> float:
    """The share of `part` found in `whole`, in order (its longest common subsequence of blocks)."""
    blocks = SequenceMatcher(None, part, whole, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(part) if part else 0.0


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
    # the article number cut before normalising, as on the old side: in normalised text (no
    # spaces) `^第\S+条` runs on to the paragraph's last 条 (本条例, 条件), eating its words
    new_paragraphs = [(b, normalise(re.sub(r"^第\S+条\s*", "", p)).text) for b, t in new.items() for p in t.split("\n")]
    for a in sorted(set(old) - used_old):
        targets: dict[int, float] = {}
        for paragraph in old[a].split("\n"):
            pn = normalise(re.sub(r"^第\S+条\s*", "", paragraph)).text
            if len(pn) < 10:
                continue
            ratio, b = max((SequenceMatcher(None, pn, q, autojunk=False).ratio(), b) for b, q in new_paragraphs)
            if ratio < SPLIT_PARAGRAPH:
                # merged into a longer paragraph (2020 第十九条 into 2025 第二十六条): the
                # similarity of a short text to a long one is low, but its words are all there
                ratio, b = max((contained(pn, q), b) for b, q in new_paragraphs)
                if ratio < MERGED_PARAGRAPH:
                    continue
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


def basis_graph(doc_iri, measures, links: list[Basis], source_text: str, laws: dict):
    """pkg:LegalBasis nodes: measure → article, kind, confidence level, reason,
    score, evidence spans on both sides."""
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
        g.add((node, PKG.confidence, PKG[l.level]))
        g.add((node, PKG.reason, Literal(l.reason_zh, lang="zh")))
        g.add((node, PKG.reason, Literal(l.reason_en, lang="en")))
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
