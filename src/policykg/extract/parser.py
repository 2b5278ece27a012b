"""Parse a Chinese policy notice into records with exact offsets.

The parser walks the text once, line by line; what a line means is decided by
the declared rules in `rules`. It never changes the text: every offset points
into the source as given. The header lives in `header`, the responsibility
clauses in `responsibility`; this module reads the structure (parts,
sub-parts, measures) and what each measure cites, targets and names.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import rules
from .errors import locate
from .header import HeaderReader
from .matching import PhraseMatcher
from .records import (BodyList, BodyMention, Citation, ConceptMention, Document,
                      Header, Measure, Part, Preamble, Section, Span, Target)
from .responsibility import ResponsibilityReader
from .text import WHITESPACE, Line, content_lines, split_range, strip_range

__all__ = ["Parser", "parse", "content_lines", "split_range", "strip_range", "Line", "WHITESPACE"]


@dataclass(frozen=True)
class Levels:
    """The numbered styles of a notice's body below its parts (一、)."""
    section: rules.HeadingStyle | None     # sub-parts （一） above the measures, if any
    measure: rules.HeadingStyle | None     # None: every part is unnumbered paragraphs


@dataclass
class Walk:
    """Where the walk over the body stands."""
    parts: list[Part] = field(default_factory=list)
    current: Measure | None = None
    body: list[tuple[int, int]] = field(default_factory=list)
    numbered: bool = True          # the current part or sub-part has numbered measures
    container: str = "part"
    global_note: BodyList | None = None
    last_number: int = 0


class Parser(HeaderReader, ResponsibilityReader):
    def __init__(self, source: str, path: str,
                 instruments: PhraseMatcher | None = None,
                 groups: PhraseMatcher | None = None, platforms: PhraseMatcher | None = None,
                 title: str | None = None):
        super().__init__(source, path)
        self.instruments = instruments or PhraseMatcher({})
        self.groups = groups or PhraseMatcher({})
        self.platforms = platforms or PhraseMatcher({})
        self.title = title

    # --- whole document ---------------------------------------------------
    def parse(self) -> Document:
        if not self.source.strip(WHITESPACE):
            raise self.error(0, "source is empty")
        self.check_brackets()
        lines = content_lines(self.source)
        header, i, end = self.parse_header(lines, self.title)
        self.check_not_truncated(lines[end - 1].end if end else 0)
        preamble, i = self.parse_preamble(lines[:end], i, header)
        parts, global_note, levels = self.parse_body(lines[i:end], header)
        doc = Document(self.path, len(self.source), header, preamble, parts,
                       global_note, self.warnings)
        self.check_numbering(doc, levels)
        return doc

    def check_brackets(self) -> None:
        stack: list[tuple[str, int]] = []
        for i, c in enumerate(self.source):
            family = rules.BRACKET_FAMILIES.get(c)
            if family is None:
                continue
            if c in rules.OPENERS:
                stack.append((c, i))
                continue
            if not stack:
                raise self.error(i, f"unbalanced bracket: {c} closes nothing")
            opener, at = stack.pop()
            if rules.BRACKET_FAMILIES[opener] != family:
                line, col = locate(self.source, at)
                raise self.error(i, f"unbalanced bracket: {c} closes {opener} "
                                    f"opened at {line}:{col}")
            if opener != c and {opener, c} in ({"(", "）"}, {"（", ")"}):
                self.warn(at, f"half- and full-width brackets mixed: {opener}…{c}")
        if stack:
            opener, at = stack[-1]
            raise self.error(at, f"unbalanced bracket: {opener} is never closed")

    def check_not_truncated(self, end: int) -> None:
        """The body (before any sign-off) ends a sentence or a bracket."""
        if end == 0 or self.source[end - 1] not in rules.SENTENCE_ENDS + "）)》”":
            raise self.error(end, "source ends mid-sentence: is it truncated?")

    # --- preamble ----------------------------------------------------------
    def parse_preamble(self, lines: list[Line], i: int, header: Header
                       ) -> tuple[Preamble, int]:
        if header.notice_title is not None:
            # a 通知 repeats the measures' title, often broken over lines, above the preamble
            k = self.squeezed(lines, i, self.written_title, most=6)
            if k:
                i += k
            else:
                self.warn(lines[i].start, "the measures' title is not repeated above the preamble")
        first_part = next((k for k in range(i, len(lines)) if self.part_heading(lines[k])), None)
        if first_part is None:
            raise self.error(lines[i].start if i < len(lines) else len(self.source),
                             "no part heading such as 一、… found")
        if first_part == i:
            self.warn(lines[i].start, "no preamble before the first part")
            return Preamble(None, [], None), i
        lo, hi = lines[i].start, lines[first_part - 1].end
        implements, issuers = [], None
        for c in self.citations(lo, hi, header):
            before = self.source[c.sentence.start:c.span.start]
            marker = next((mk for mk in rules.IMPLEMENTS_MARKERS if mk in before), None)
            if marker is None:
                continue
            implements.append(c)
            issuers = issuers or self.issuers(c.sentence.start + before.rindex(marker)
                                              + len(marker), c.span.start)
        return Preamble(self.span(lo, hi), implements, issuers), first_part

    def issuers(self, start: int, end: int) -> BodyList | None:
        """Issuers listed before a cited title: 省工信厅、省发改委…等29厅（委、局、院）."""
        text = self.source[start:end]
        if "、" not in text:
            return None
        cut = text.rfind("等")
        is_open = cut >= 0
        hi = start + cut if is_open else end
        items = split_range(self.source, start, hi, "、")
        if not is_open and (tail := rules.ISSUER_TAIL.search(self.source, items[-1][0] + 1, items[-1][1])):
            items[-1] = (items[-1][0], tail.start())
        mentions = tuple(BodyMention(self.source[s:e], self.span(s, e), "issuer", n)
                         for n, (s, e) in enumerate(items, 1))
        return BodyList(mentions, "issuer", is_open, self.span(*strip_range(self.source, start, end)))

    # --- levels of numbering ---------------------------------------------------
    @staticmethod
    def numbered_style(text: str) -> rules.HeadingStyle | None:
        return next((s for s in rules.MEASURE_STYLES if s.prefix.match(text)), None)

    def levels(self, lines: list[Line]) -> Levels:
        """The measure level is the highest numbered style below the parts,
        unless that style is a sub-part: see `is_section_level`."""
        used: dict[rules.HeadingStyle, list[int]] = {}
        for k, line in enumerate(lines):
            style = None if self.part_heading(line) else self.numbered_style(line.text)
            if style is not None:
                used.setdefault(style, []).append(k)
        ranked = sorted(used, key=lambda s: s.rank)
        if not ranked:
            return Levels(None, None)
        top = ranked[0]
        if len(ranked) > 1 and self.is_section_level(lines, top, used[top], ranked[1], used[ranked[1]]):
            return Levels(top, ranked[1])
        return Levels(None, top)

    @staticmethod
    def is_section_level(lines: list[Line], top: rules.HeadingStyle, tops: list[int],
                         below: rules.HeadingStyle, belows: list[int]) -> bool:
        """（一） is a sub-part when its lines are bare headings, some directly
        followed by 1., and the 1. items are numbered straight through rather
        than from 1 under each (then they are points inside a measure)."""
        if not all(top.pattern.fullmatch(lines[k].text) for k in tops):
            return False
        if not set(k + 1 for k in tops) & set(belows):
            return False
        numbers = [rules.numeral_value(below.prefix.match(lines[k].text)["numeral"]) for k in belows]
        return numbers.count(1) <= 1

    # --- parts, sub-parts and measures -------------------------------------------
    def parse_body(self, lines: list[Line], header: Header
                   ) -> tuple[list[Part], BodyList | None, Levels]:
        levels = self.levels(lines)
        walk = Walk()
        for k, line in enumerate(lines):
            pm = self.part_heading(line)
            if pm is not None:
                self.close(walk, header)
                walk.parts.append(Part(rules.numeral_value(pm["numeral"]), pm["numeral"],
                                       self.title_span(line, pm), self.span(line.start, line.end)))
                self.enter(walk, lines, k, levels, "part")
            elif levels.section and (sm := levels.section.pattern.fullmatch(line.text)):
                self.close(walk, header)
                self.open_section(walk, line, sm)
                self.enter(walk, lines, k, levels, "sub-part")
            elif levels.measure and (mm := levels.measure.prefix.match(line.text)):
                self.close(walk, header)
                self.open_measure(walk, line, mm, levels.measure)
            elif not walk.numbered:
                self.close(walk, header)
                self.open_paragraph(walk, line)
            elif walk.current is None:
                raise self.error(line.start, f"text between a {walk.container} heading "
                                             f"and its first measure")
            else:
                walk.body.append((line.start, line.end))
        self.close(walk, header)
        return walk.parts, walk.global_note, levels

    def title_span(self, line: Line, m) -> Span:
        return self.span(line.start + m.start("title"), line.start + m.end("title"))

    def enter(self, walk: Walk, lines: list[Line], k: int, levels: Levels, container: str) -> None:
        """A part or sub-part whose lines, up to the next one, hold no numbered
        measure is a run of unnumbered measures, one per paragraph."""
        walk.container = container
        walk.numbered = False
        for line in lines[k + 1:]:
            if self.part_heading(line):
                return
            section = bool(levels.section and levels.section.pattern.fullmatch(line.text))
            if section and container == "sub-part":
                return
            if section or (levels.measure and levels.measure.prefix.match(line.text)):
                walk.numbered = True
                return

    def open_section(self, walk: Walk, line: Line, m) -> None:
        if not walk.parts:
            raise self.error(line.start, "sub-part heading before the first part heading")
        part = walk.parts[-1]
        part.sections.append(Section(rules.numeral_value(m["numeral"]), m["numeral"],
                                     self.title_span(line, m), self.span(line.start, line.end),
                                     part.number))

    def open_measure(self, walk: Walk, line: Line, m, style: rules.HeadingStyle) -> None:
        if not walk.parts:
            raise self.error(line.start, "measure heading before the first part heading")
        whole = style.pattern.fullmatch(line.text)
        if whole:                                  # heading on a line of its own
            title, heading, body = self.title_span(line, whole), self.span(line.start, line.end), None
        else:                                      # 1.标题。正文 on one line
            rest = strip_range(self.source, line.start + m.end(), line.end)[0]
            title, body = self.lead_title(rest, line.end)
            heading = self.span(*strip_range(self.source, line.start, body[0] if body else line.end))
        number = rules.numeral_value(m["numeral"])
        self.add_measure(walk, Measure(number, m["numeral"], title, heading, heading, 0))
        walk.body = [body] if body else []

    def open_paragraph(self, walk: Walk, line: Line) -> None:
        """An unnumbered paragraph is a measure of its own, counted on from the last."""
        title, body = self.lead_title(line.start, line.end)
        if body is None:                           # a short sentence alone is the measure itself
            title, body = None, (line.start, line.end)
        self.add_measure(walk, Measure(walk.last_number + 1, None, title, None,
                                       self.span(line.start, line.end), 0))
        walk.body = [body]

    def lead_title(self, start: int, end: int) -> tuple[Span | None, tuple[int, int] | None]:
        """A short first sentence is the title, and the rest of the line the
        body (None: the body starts on the next line); else untitled."""
        m = rules.LEAD_TITLE.match(self.source, start, end)
        if m is None:
            return None, (start, end)
        after = strip_range(self.source, m.end(), end)
        return self.span(m.start("title"), m.end("title")), (after if after[1] > after[0] else None)

    def add_measure(self, walk: Walk, m: Measure) -> None:
        part = walk.parts[-1]
        m.part_number = part.number
        if walk.container == "sub-part" and part.sections:
            m.section_number = part.sections[-1].number
            part.sections[-1].measures.append(m)
        part.measures.append(m)
        walk.current = m
        walk.last_number = m.number

    def close(self, walk: Walk, header: Header) -> None:
        m = walk.current
        if m is None:
            return
        if not walk.body:
            at = (m.heading or m.text).end
            raise self.error(at, f"{self.label(m)} has no text")
        m.text = self.span(walk.body[0][0], walk.body[-1][1])
        note = self.fill_measure(m, header, walk.global_note)
        walk.global_note = walk.global_note or note
        walk.current, walk.body = None, []

    @staticmethod
    def label(m: Measure) -> str:
        return f"measure ({m.numeral})" if m.numeral else f"unnumbered measure {m.number}"

    # --- what a measure says ---------------------------------------------------
    def fill_measure(self, m: Measure, header: Header, global_note: BodyList | None
                     ) -> BodyList | None:
        """Responsibility, citations, targets and concepts of one measure."""
        ranges, lists, note = self.responsibility(self.label(m), m.text.start, m.text.end)
        m.responsibility = lists
        if global_note is not None:
            m.implementers = global_note
        if not any(l.role != rules.ROLE_IMPLEMENTING for l in lists):
            self.warn((m.heading or m.text).start, f"{self.label(m)} names no responsible body")
        for lo, hi in ranges:
            m.citations += self.citations(lo, hi, header)
            m.targets += self.targets(lo, hi)
        titled = [(m.title.start, m.title.end)] if m.title else []
        for matcher, out in ((self.instruments, m.instruments), (self.groups, m.groups),
                             (self.platforms, m.platforms)):
            out.extend(self.concepts(matcher, titled + ranges))
        return note

    def concepts(self, matcher: PhraseMatcher, ranges: list[tuple[int, int]]) -> list[ConceptMention]:
        """The first trigger of each concept, title first."""
        found, seen = [], set()
        for s, e in ranges:
            for ms, me, phrase, concept in matcher.finditer(self.source, s, e):
                if concept not in seen:
                    seen.add(concept)
                    found.append(ConceptMention(concept, phrase, self.span(ms, me)))
        return found

    def citations(self, lo: int, hi: int, header: Header) -> list[Citation]:
        found = []
        for cm in rules.CITATION.finditer(self.source, lo, hi):
            title = cm["title"]
            if title in (header.title, self.written_title):
                continue                     # the notice naming itself
            after = rules.CITATION_DOC_NUMBER.match(self.source, cm.end(), hi)
            before = self.source[max(lo, cm.start() - 6):cm.start()]
            found.append(Citation(
                title, self.span(cm.start(), cm.end()),
                self.sentence(lo, hi, cm.start()),
                after["number"] if after else None,
                before.endswith(rules.PLANNING_VERBS)))
        return found

    def targets(self, lo: int, hi: int) -> list[Target]:
        raw = []
        for pattern in (rules.QUANTITY, rules.CN_PERCENT):
            for qm in pattern.finditer(self.source, lo, hi):
                if qm.end() < len(self.source) and self.source[qm.end()] == rules.DATE_CONTINUATION:
                    continue
                unit = dict(rules.UNITS).get(qm.groupdict().get("unit"), "percent")
                if unit == "year" and rules.CALENDAR_YEAR.fullmatch(qm["value"]):
                    continue
                raw.append([qm.start(), qm.end(), qm["value"], unit,
                            dict(rules.PREFIX_COMPARATORS).get(qm["prefix"]),
                            dict(rules.SUFFIX_COMPARATORS).get(qm["suffix"])])
        raw.sort()
        # 达到1亿元、10亿元以上: the group shares its written comparator.
        groups: list[list[list]] = []
        for r in raw:
            if groups and self.source[groups[-1][-1][1]:r[0]] == rules.ENUMERATION_SEPARATOR:
                groups[-1].append(r)
            else:
                groups.append([r])
        targets = []
        for group in groups:
            shared = group[-1][5] or group[0][4]
            for start, end, value, unit, prefix, suffix in group:
                if not value.replace(".", "").isdigit():
                    value = str(rules.numeral_value(value))
                targets.append(Target(value, unit, prefix or suffix or shared or rules.COMPARATOR_EQUAL,
                                      self.span(start, end), self.sentence(lo, hi, start)))
        return targets

    # --- checks ------------------------------------------------------------
    def check_numbering(self, doc: Document, levels: Levels) -> None:
        """Parts: 1, 2, 3 … strictly. Measures: strictly in a two-level notice,
        where a gap means a heading was lost; tasks of a work plan numbered
        through its sub-parts often skip a number where a task was dropped in
        revision, so there a gap is reported, not refused."""
        self.check_sequence("part", doc.parts, strict=True)
        self.check_sequence("measure", doc.measures, strict=levels.section is None)
        last = 0
        for part in doc.parts:
            # sub-parts either start again at （一） in each part or run on through them
            restart = bool(part.sections) and part.sections[0].number == 1
            self.check_sequence("sub-part", part.sections, strict=False, first=1 if restart else last + 1)
            last = part.sections[-1].number if part.sections else last

    def check_sequence(self, kind: str, items: list, strict: bool, first: int = 1) -> None:
        """Unnumbered measures count on from the one before, so they are only
        checked for colliding with a number written later."""
        expected, seen = first, set()
        for item in items:
            at = (item.heading or item.text).start
            if item.number in seen:
                raise self.error(at, f"duplicate {kind} number {item.numeral} ({item.number})")
            seen.add(item.number)
            if item.numeral is not None and item.number != expected:
                message = (f"{kind} number {item.numeral} ({item.number}) out of sequence: "
                           f"expected {expected}; is {kind} {expected} missing?")
                if strict:
                    raise self.error(at, message)
                self.warn(at, message)
            expected = item.number + 1


def parse(source: str, path: str = "<source>", instruments: PhraseMatcher | None = None,
          groups: PhraseMatcher | None = None, platforms: PhraseMatcher | None = None,
          title: str | None = None) -> Document:
    """Parse a notice's text into records. Raises ExtractError on malformed input.

    `title` supplies the measures' title when the text has none (a web copy of
    the body alone), or overrides the one the text gives."""
    return Parser(source, path, instruments, groups, platforms, title).parse()
