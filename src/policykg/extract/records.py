"""Plain records the extractor produces: no RDF, only text and offsets.

Every record that stands for words of the source carries a `Span`: offsets in
Unicode code points into the source text as shipped, and the exact words.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int) -> "Span":
        return cls(start, end, source[start:end])


@dataclass(frozen=True)
class BodyMention:
    """A government body as written in a list of responsible bodies."""
    name: str                      # as written (recipients: with an elided shared prefix restored)
    span: Span                     # the words written
    role: str                      # rules.ROLE_*
    position: int                  # 1-based position in its list
    # the name with the level prefix the list dropped after its first name:
    # 工业和信息化厅 after 省科技厅 is 省工业和信息化厅; None when written in full
    expanded: str | None = None

    @property
    def full(self) -> str:
        """The name to resolve: expanded when the list dropped a prefix."""
        return self.expanded or self.name


@dataclass(frozen=True)
class BodyList:
    bodies: tuple[BodyMention, ...]
    role: str
    open: bool                     # the list ends in 等
    span: Span                     # the whole clause


@dataclass(frozen=True)
class Citation:
    title: str                     # as written, without 《》
    span: Span                     # including 《》
    sentence: Span
    doc_number: str | None = None  # 〔〕 number written right after it
    planned: bool = False          # 制定出台《…》: a document still to be drafted


@dataclass(frozen=True)
class Target:
    value: str                     # decimal as written (Arabic), e.g. "1.5"
    unit: str                      # rules.UNITS identifier
    comparator: str                # rules.COMPARATOR_*
    span: Span                     # the quantity with its comparator words
    sentence: Span


@dataclass(frozen=True)
class ConceptMention:
    """A trigger phrase of a vocabulary concept found in a measure."""
    concept: str                   # the concept's identifier (IRI string)
    trigger: str
    span: Span


@dataclass
class Measure:
    number: int                    # as written; an unnumbered measure counts on from the one before
    numeral: str | None            # None: the text gives the measure no number
    title: Span | None             # None: no heading and no short lead sentence
    heading: Span | None           # the heading line, or 1.标题。 before a body on the same line
    text: Span                     # the body, without the heading
    part_number: int
    section_number: int | None = None      # the sub-part （一） of a three-level notice
    responsibility: list[BodyList] = field(default_factory=list)
    implementers: BodyList | None = None   # from a note in an earlier measure
    citations: list[Citation] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    instruments: list[ConceptMention] = field(default_factory=list)
    groups: list[ConceptMention] = field(default_factory=list)
    platforms: list[ConceptMention] = field(default_factory=list)


@dataclass
class Section:
    """A sub-part （一） between a part and its measures (1. 2. …)."""
    number: int
    numeral: str
    title: Span
    heading: Span
    part_number: int
    measures: list[Measure] = field(default_factory=list)


@dataclass
class Part:
    number: int
    numeral: str
    title: Span
    heading: Span
    measures: list[Measure] = field(default_factory=list)   # all of them, sections or not
    sections: list[Section] = field(default_factory=list)


@dataclass
class Header:
    """What the text says about itself. A field the text lacks is None (or
    empty) and reported as a warning; nothing is invented."""
    doc_number: Span | None
    code: str | None               # 机关代字, e.g. 张促中民办发
    year: int | None
    serial: int | None
    notice_title: str | None       # the 通知 wrapper's title, reassembled across line breaks
    notice_title_spans: tuple[Span, ...]
    title: str                     # the measures' title: from 《》, the first line, or the caller
    title_span: Span | None        # None when only the caller gave the title
    recipients: list[BodyMention]
    issuer: str | None
    issuer_spans: tuple[Span, ...]
    date: str | None               # ISO 8601
    date_span: Span | None


@dataclass
class Preamble:
    span: Span | None              # None: the first part follows the title
    implements: list[Citation]
    implements_issuers: BodyList | None


@dataclass
class Document:
    source_name: str
    source_length: int
    header: Header
    preamble: Preamble
    parts: list[Part]
    global_implementers: BodyList | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def measures(self) -> list[Measure]:
        return [m for p in self.parts for m in p.measures]
