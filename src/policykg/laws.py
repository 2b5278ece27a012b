"""Law texts as structured data: law → chapter → article → paragraph.

The texts in data/laws/ are Markdown as published by LawRefBook/Laws: a
header, `<!-- INFO END -->`, chapters as `## 第X章 title`, one article per
paragraph starting `第X条 `, and further paragraphs of an article as the
lines that follow. Every subdivision keeps its span in its file.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from . import iris, resources
from .extract.records import Span
from .extract.rules import CN_NUMERAL_CHARS, numeral_value
from .iris import ELI, OA, PKG

HEADER_END = "<!-- INFO END -->"
CHAPTER = re.compile(rf"^##\s*第(?P<numeral>[{CN_NUMERAL_CHARS}]+)章\s*(?P<title>.*)$")
ARTICLE = re.compile(rf"^第(?P<numeral>[{CN_NUMERAL_CHARS}]+)条[\s\u3000]+")


class LawTextError(ValueError):
    pass


@dataclass
class Paragraph:
    number: int
    span: Span


@dataclass
class Article:
    number: int
    numeral: str
    chapter: int | None
    span: Span
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.span.text for p in self.paragraphs)


@dataclass
class Chapter:
    number: int
    numeral: str
    title: str
    span: Span


@dataclass
class LawText:
    path: Path
    text: str
    title: str
    chapters: list[Chapter]
    articles: list[Article]

    def article(self, n: int) -> Article:
        return next(a for a in self.articles if a.number == n)


def parse_law(path: Path) -> LawText:
    text = path.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    if not first.startswith("# "):
        raise LawTextError(f"{path}:1: a law text starts with `# title`")
    body_at = text.find(HEADER_END)
    pos = body_at + len(HEADER_END) if body_at >= 0 else len(first)
    chapters, articles = [], []
    current: Article | None = None
    for line in text[pos:].split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        span = Span.of(text, start + lead, start + lead + len(stripped))
        if m := CHAPTER.match(stripped):
            chapters.append(Chapter(numeral_value(m["numeral"]), m["numeral"], m["title"].strip(), span))
            current = None
        elif m := ARTICLE.match(stripped):
            current = Article(numeral_value(m["numeral"]), m["numeral"],
                              chapters[-1].number if chapters else None, span)
            current.paragraphs.append(Paragraph(1, span))
            articles.append(current)
        elif current is not None and not stripped.startswith("#"):
            current.paragraphs.append(Paragraph(len(current.paragraphs) + 1, span))
            current.span = Span.of(text, current.span.start, span.end)
    for expected, a in enumerate(articles, 1):
        if a.number != expected:
            line = text.count("\n", 0, a.span.start) + 1
            raise LawTextError(f"{path}:{line}: article {a.numeral} out of sequence (expected {expected})")
    return LawText(path, text, first[2:].strip(), chapters, articles)


def parsed_law(path: Path) -> LawText:
    """parse_law, once per process for each state of the file: a bulk ingest reads the
    same nine law texts for every notice."""
    st = Path(path).stat()
    return _parsed(Path(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _parsed(path: Path, mtime_ns: int, size: int) -> LawText:
    return parse_law(path)


def law_files(registry_graph: Graph) -> dict[URIRef, Path]:
    """Registry entries that have a text in data/laws/."""
    return {s: resources.path("data", "laws", str(o)) for s, o in sorted(registry_graph.subject_objects(PKG.textFile))}


def article_iri(law: URIRef, n: int) -> URIRef:
    return URIRef(f"{law}/article/{n}")


def law_graph(law: URIRef, parsed: LawText) -> Graph:
    """ELI subdivisions of one law text, each with its text and span in its file."""
    g = Graph()
    src = URIRef(f"{law}/source")
    g.add((src, RDF.type, PKG.SourceText))
    g.add((src, PKG.path, Literal(f"data/laws/{parsed.path.name}")))
    g.add((src, PKG.length, Literal(len(parsed.text))))
    g.add((src, PKG.sha256, Literal(hashlib.sha256(parsed.text.encode("utf-8")).hexdigest())))
    g.add((src, RDFS.label, Literal(f"{parsed.title}（全文）", lang="zh")))

    def span(sp: Span) -> URIRef:
        node = URIRef(f"{law}/text/{sp.start}-{sp.end}")
        g.add((node, RDF.type, PKG.TextSpan))
        g.add((node, OA.start, Literal(sp.start, datatype=XSD.nonNegativeInteger)))
        g.add((node, OA.end, Literal(sp.end, datatype=XSD.nonNegativeInteger)))
        g.add((node, OA.exact, Literal(sp.text)))
        g.add((node, PKG.inSource, src))
        return node

    g.add((law, iris.DCTERMS.source, src))
    for c in parsed.chapters:
        ci = URIRef(f"{law}/chapter/{c.number}")
        g.add((ci, RDF.type, PKG.Chapter))
        g.add((ci, ELI.is_part_of, law))
        g.add((law, ELI.has_part, ci))
        g.add((ci, ELI.number, Literal(f"第{c.numeral}章")))
        g.add((ci, PKG.number, Literal(c.number)))
        g.add((ci, PKG.title, Literal(c.title, lang="zh")))
        g.add((ci, RDFS.label, Literal(f"第{c.numeral}章 {c.title}", lang="zh")))
        g.add((ci, RDFS.label, Literal(f"Chapter {c.number}", lang="en")))
        g.add((ci, PKG.textSpan, span(c.span)))
    for a in parsed.articles:
        ai = article_iri(law, a.number)
        parent = URIRef(f"{law}/chapter/{a.chapter}") if a.chapter else law
        g.add((ai, RDF.type, PKG.Article))
        g.add((ai, ELI.is_part_of, parent))
        g.add((parent, ELI.has_part, ai))
        g.add((ai, ELI.number, Literal(f"第{a.numeral}条")))
        g.add((ai, PKG.number, Literal(a.number)))
        g.add((ai, RDFS.label, Literal(f"{parsed.title} 第{a.numeral}条", lang="zh")))
        g.add((ai, RDFS.label, Literal(f"Article {a.number}", lang="en")))
        g.add((ai, PKG.text, Literal(a.text, lang="zh")))
        g.add((ai, PKG.textSpan, span(a.span)))
        for p in a.paragraphs:
            pi = URIRef(f"{ai}/paragraph/{p.number}")
            g.add((pi, RDF.type, PKG.Paragraph))
            g.add((pi, ELI.is_part_of, ai))
            g.add((ai, ELI.has_part, pi))
            g.add((pi, PKG.number, Literal(p.number)))
            g.add((pi, RDFS.label, Literal(f"第{a.numeral}条第{p.number}款", lang="zh")))
            g.add((pi, PKG.text, Literal(p.span.text, lang="zh")))
            g.add((pi, PKG.textSpan, span(p.span)))
    return g
