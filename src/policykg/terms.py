"""Words of Chinese policy text as weighted vectors: segmentation, the domain
thesaurus (data/thesaurus/legal-basis.toml), TF-IDF.

Segmentation is jieba's (its dictionary ships in the wheel, nothing is
downloaded); the thesaurus's `terms` are added to its dictionary so that
预留份额 or 公平竞争审查 stay whole. `segmenter="bigram"` uses overlapping
character pairs instead (no dependency; measured worse, see
benchmarks/results/legal-basis-*.txt).
"""
from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from . import resources

GENERIC_BIGRAMS = True
_HAN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+%?")


@dataclass(frozen=True)
class Thesaurus:
    canonical: dict[str, str]      # word → the first word of its group
    terms: tuple[str, ...]
    generic: frozenset[str]
    subjects: dict[str, tuple[str, ...]]   # a title word of a one-subject law → words naming its subject


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    data = tomllib.loads(resources.path("data", "thesaurus", "legal-basis.toml").read_text(encoding="utf-8"))
    canonical = {w: g[0] for g in data["groups"] for w in g}
    generic = set(data["generic"])
    if GENERIC_BIGRAMS:
        # in bigram mode 中小企业 reads as 中小, 小企, 企业: none of them says more than the word
        generic |= {w[i:i + 2] for w in data["generic"] if len(w) > 2 for i in range(len(w) - 1)}
    subjects = {k: tuple(v) for k, v in data.get("subjects", {}).items()}
    return Thesaurus(canonical, tuple(data["terms"]), frozenset(generic), subjects)


def subject_words(title: str) -> tuple[str, ...]:
    """The words a measure must name to rest on a law with this title; () for a law on every subject."""
    return next((words for key, words in thesaurus().subjects.items() if key in title), ())


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    th = thesaurus()
    for w in (*th.terms, *th.canonical):
        tokenizer.add_word(w, freq=200000)
    return tokenizer


def words(text: str, segmenter: str = "jieba", use_thesaurus: bool = True) -> list[str]:
    """The content words of `text`, generic words of the genre dropped, synonyms unified."""
    th = thesaurus()
    out = []
    for chunk in _HAN.findall(text):
        pieces = []
        if segmenter in ("bigram", "both"):
            pieces += [chunk[i:i + 2] for i in range(len(chunk) - 1)] or [chunk]
        if segmenter in ("jieba", "both"):
            pieces += _jieba().lcut(chunk, HMM=False)
        for w in pieces:
            if len(w) < 2 or w in th.generic:
                continue
            out.append(th.canonical.get(w, w) if use_thesaurus else w)
    return out


class Vectors:
    """TF-IDF over a collection of documents (lists of words); cosine between any two."""

    def __init__(self, documents: list[list[str]]):
        df = Counter(w for d in documents for w in set(d))
        n = len(documents)
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        self.default_idf = math.log(1 + n) + 1.0

    def vector(self, document: list[str], weight: float = 1.0) -> dict[str, float]:
        tf = Counter(document)
        return {w: weight * (1 + math.log(c)) * self.idf.get(w, self.default_idf) for w, c in tf.items()}


def add(*vectors: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in vectors:
        for w, x in v.items():
            out[w] = out.get(w, 0.0) + x
    return out


def norm(v: dict[str, float]) -> float:
    return math.sqrt(sum(x * x for x in v.values()))


def cosine(a: dict[str, float], b: dict[str, float], na: float | None = None, nb: float | None = None) -> float:
    """`na`, `nb`: the norms of a and b, where the caller has them (the same value, computed once)."""
    na = norm(a) if na is None else na
    nb = norm(b) if nb is None else nb
    if not na or not nb:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items()) / (na * nb)


def shared(a: dict[str, float], b: dict[str, float], k: int = 4) -> list[str]:
    """The words that weigh most in the similarity of a and b, heaviest first."""
    common = [(a[w] * b[w], w) for w in a if w in b]
    return [w for _, w in sorted(common, key=lambda x: (-x[0], x[1]))[:k]]
