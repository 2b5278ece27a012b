"""Parse a Chinese policy notice into records with exact offsets.

The parser walks the text once, line by line; what a line means is decided by
the declared rules in `rules`. It never changes the text: every offset points
into the source as given.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import rules
from .errors import ExtractError, locate
from .matching import PhraseMatcher
from .records import (BodyList, BodyMention, Citation, ConceptMention, Document,
                      Header, Measure, Part, Preamble, Span, Target)

WHITESPACE = " \t\r\n\u3000\ufeff"


@dataclass(frozen=True)
class Line:
    start: int      # offset of the first non-blank character
    end: int        # offset after the last non-blank character
    text: str


def content_lines(source: str) -> list[Line]:
    """Non-blank lines, stripped, with their offsets."""
    lines, pos = [], 0
    for raw in source.split("\n"):
        stripped_left = raw.lstrip(WHITESPACE)
        start = pos + len(raw) - len(stripped_left)
        text = stripped_left.rstrip(WHITESPACE)
        if text:
            lines.append(Line(start, start + len(text), text))
        pos += len(raw) + 1
    return lines


def strip_range(source: str, start: int, end: int) -> tuple[int, int]:
    while start < end and source[start] in WHITESPACE:
        start += 1
    while end > start and source[end - 1] in WHITESPACE:
        end -= 1
    return start, end


def split_range(source: str, start: int, end: int, separators: str
                ) -> list[tuple[int, int]]:
    """Split source[start:end] at separator characters, outside brackets."""
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end):
        c = source[i]
        if c in rules.OPENERS:
            depth += 1
        elif c in rules.BRACKET_FAMILIES:
            depth = max(0, depth - 1)
        elif c in separators and depth == 0:
            pieces.append(strip_range(source, piece_start, i))
            piece_start = i + 1
    pieces.append(strip_range(source, piece_start, end))
    return [(s, e) for s, e in pieces if e > s]


class Parser:
    def __init__(self, source: str, path: str,
                 instruments: PhraseMatcher | None = None,
                 groups: PhraseMatcher | None = None, platforms: PhraseMatcher | None = None):
        self.source = source
        self.path = path
        self.instruments = instruments or PhraseMatcher({})
        self.groups = groups or PhraseMatcher({})
        self.platforms = platforms or PhraseMatcher({})
        self.warnings: list[str] = []

    # --- helpers --------------------------------------------------------
    def error(self, offset: int, message: str) -> ExtractError:
        return ExtractError(self.path, self.source, offset, message)

    def warn(self, offset: int, message: str) -> None:
        line, col = locate(self.source, offset)
        self.warnings.append(f"{self.path}:{line}:{col}: warning: {message}")

    def span(self, start: int, end: int) -> Span:
        return Span.of(self.source, start, end)

    def sentence(self, lo: int, hi: int, offset: int) -> Span:
        """The sentence of source[lo:hi] that holds offset, with its end mark."""
        start = offset
        while start > lo and self.source[start - 1] not in rules.SENTENCE_ENDS:
            start -= 1
        end = offset
        while end < hi and self.source[end] not in rules.SENTENCE_ENDS:
            end += 1
        end = min(hi, end + 1)
        return self.span(*strip_range(self.source, start, end))

    # --- whole document ---------------------------------------------------
    def parse(self) -> Document:
        if not self.source.strip(WHITESPACE):
            raise self.error(0, "source is empty")
        self.check_brackets()
        self.check_not_truncated()
        lines = content_lines(self.source)
        header, i = self.parse_header(lines)
        preamble, i = self.parse_preamble(lines, i, header)
        parts, global_note = self.parse_body(lines, i, header)
        doc = Document(self.path, len(self.source), header, preamble, parts,
                       global_note, self.warnings)
        self.check_numbering(doc)
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

    def check_not_truncated(self) -> None:
        start, end = strip_range(self.source, 0, len(self.source))
        if self.source[end - 1] not in rules.SENTENCE_ENDS + "）)》”":
            raise self.error(end, "source ends mid-sentence: is it truncated?")

    # --- header ----------------------------------------------------------
    def parse_header(self, lines: list[Line]) -> tuple[Header, int]:
        first = lines[0]
        m = rules.DOC_NUMBER.fullmatch(first.text)
        if not m:
            raise self.error(first.start, "expected a document number such as "
                                          "张促中民办发〔2021〕9号 on the first line")
        doc_number = self.span(first.start, first.end)
        # The notice title runs over lines until it ends in 通知.
        i, title_lines = 1, []
        while i < len(lines) and len(title_lines) < 4:
            title_lines.append(lines[i])
            i += 1
            if "".join(l.text for l in title_lines).endswith(rules.NOTICE_TITLE_ENDINGS):
                break
        else:
            raise self.error(lines[1].start if len(lines) > 1 else first.end,
                             "no notice title ending in 通知 after the document number")
        notice_title = "".join(l.text for l in title_lines)
        title, title_span = self.measures_title(title_lines, notice_title)
        # Recipients: one line ending in a colon.
        rec = lines[i]
        if not rec.text.endswith(rules.RECIPIENTS_END):
            raise self.error(rec.start, "expected the recipients line ending in ：")
        recipients = self.recipients(rec.start, rec.end - 1)
        i += 1
        # The covering text runs to the issuer, which stands over the date.
        date_at = next((k for k in range(i, len(lines))
                        if rules.DATE.fullmatch(lines[k].text)), None)
        if date_at is None:
            raise self.error(rec.end, "no issue date line (such as 2021年7月1日) "
                                      "after the recipients")
        issuer_from = date_at
        while issuer_from - 1 >= i and not lines[issuer_from - 1].text.endswith("。"):
            issuer_from -= 1
        if issuer_from == date_at:
            raise self.error(lines[date_at].start, "no issuer above the date line")
        issuer_lines = lines[issuer_from:date_at]
        issuer = "".join(l.text for l in issuer_lines)
        for marker in rules.SEAL_MARKERS:
            issuer = issuer.removesuffix(marker)
        date_line = lines[date_at]
        header = Header(
            doc_number=doc_number, code=m["code"], year=int(m["year"]),
            serial=int(m["serial"]), notice_title=notice_title,
            notice_title_spans=tuple(self.span(l.start, l.end) for l in title_lines),
            title=title, title_span=title_span, recipients=recipients,
            issuer=issuer,
            issuer_spans=tuple(self.span(l.start, l.end) for l in issuer_lines),
            date=self.iso_date(date_line), date_span=self.span(date_line.start, date_line.end))
        return header, date_at + 1

    def measures_title(self, title_lines: list[Line], notice_title: str
                       ) -> tuple[str, Span]:
        """The title inside 《》 of the notice title, spanning its line breaks."""
        start_line = next((l for l in title_lines if "《" in l.text), None)
        end_line = next((l for l in title_lines if "》" in l.text), None)
        if start_line is None or end_line is None:
            lo, hi = title_lines[0].start, title_lines[-1].end
            return notice_title, self.span(lo, hi)
        lo = self.source.index("《", start_line.start) + 1
        hi = self.source.index("》", end_line.start)
        joined = "".join(piece.strip(WHITESPACE) for piece in self.source[lo:hi].split("\n"))
        return joined, self.span(lo, hi)

    def iso_date(self, line: Line) -> str:
        m = rules.DATE.fullmatch(line.text)
        y, mo, d = (rules.numeral_value(m[g]) for g in ("y", "m", "d"))
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            raise self.error(line.start, f"not a real date: {line.text}") from None

    def recipients(self, start: int, end: int) -> list[BodyMention]:
        found: list[BodyMention] = []
        for gs, ge in split_range(self.source, start, end, "，,"):
            items = split_range(self.source, gs, ge, "、")
            prefix = next((p for p in rules.SHARED_PREFIXES
                           if self.source.startswith(p, items[0][0])), "")
            for s, e in items:
                name = self.source[s:e]
                if prefix and not name.startswith(rules.SHARED_PREFIXES):
                    name = prefix + name          # 各县区人民法院、人民检察院
                found.append(BodyMention(name, self.span(s, e), "recipient",
                                         len(found) + 1))
        return found

    # --- preamble ----------------------------------------------------------
    def parse_preamble(self, lines: list[Line], i: int, header: Header
                       ) -> tuple[Preamble, int]:
        # The measures' title is repeated, often broken over lines, before the preamble.
        squeezed = ""
        k = i
        while k < len(lines) and len(squeezed) < len(header.title):
            squeezed += lines[k].text
            k += 1
        if squeezed == header.title:
            i = k
        else:
            self.warn(lines[i].start, "the measures' title is not repeated above the preamble")
        first_part = next((k for k in range(i, len(lines)) if self.part_heading(lines[k])), None)
        if first_part is None:
            raise self.error(lines[i].start if i < len(lines) else len(self.source),
                             "no part heading such as 一、… found")
        if first_part == i:
            raise self.error(lines[i].start, "no preamble before the first part")
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
        mentions = tuple(BodyMention(self.source[s:e], self.span(s, e), "issuer", n)
                         for n, (s, e) in enumerate(items, 1))
        return BodyList(mentions, "issuer", is_open, self.span(*strip_range(self.source, start, end)))

    # --- parts and measures ------------------------------------------------
    def part_heading(self, line: Line):
        for style in rules.PART_STYLES:
            m = style.pattern.fullmatch(line.text)
            if m:
                return m
        return None

    def parse_body(self, lines: list[Line], i: int, header: Header
                   ) -> tuple[list[Part], BodyList | None]:
        parts: list[Part] = []
        measure_style = None
        body_lines: list[Line] = []
        current: Measure | None = None
        global_note: BodyList | None = None

        def close() -> None:
            nonlocal global_note
            if current is None:
                return
            if not body_lines:
                raise self.error(current.heading.end,
                                 f"measure ({current.numeral}) has no text")
            current.text = self.span(body_lines[0].start, body_lines[-1].end)
            note = self.fill_measure(current, header, global_note)
            global_note = global_note or note

        for line in lines[i:]:
            pm = self.part_heading(line)
            mm = None
            if pm is None:
                styles = [measure_style] if measure_style else rules.MEASURE_STYLES
                for style in styles:
                    mm = style.pattern.fullmatch(line.text)
                    if mm:
                        measure_style = style
                        break
            if pm is not None:
                close()
                current, body_lines = None, []
                parts.append(Part(rules.numeral_value(pm["numeral"]), pm["numeral"],
                                  self.span(line.start + pm.start("title"), line.start + pm.end("title")),
                                  self.span(line.start, line.end)))
            elif mm is not None:
                close()
                body_lines = []
                if not parts:
                    raise self.error(line.start, "measure heading before the first part heading")
                title = self.span(line.start + mm.start("title"), line.start + mm.end("title"))
                current = Measure(rules.numeral_value(mm["numeral"]), mm["numeral"], title,
                                  self.span(line.start, line.end), title, parts[-1].number)
                parts[-1].measures.append(current)
            elif current is None:
                raise self.error(line.start, "text between a part heading and its first measure")
            else:
                body_lines.append(line)
        close()
        return parts, global_note

    def fill_measure(self, m: Measure, header: Header, global_note: BodyList | None
                     ) -> BodyList | None:
        """Responsibility, citations, targets and concepts of one measure."""
        lo, hi = m.text.start, m.text.end
        content_end, lists, note = self.responsibility(m, lo, hi)
        m.responsibility = lists
        if global_note is not None:
            m.implementers = global_note
        if not any(l.role != rules.ROLE_IMPLEMENTING for l in lists):
            self.warn(m.heading.start, f"measure ({m.numeral}) names no responsible body")
        m.citations = self.citations(lo, content_end, header)
        m.targets = self.targets(lo, content_end)
        for matcher, out in ((self.instruments, m.instruments), (self.groups, m.groups),
                             (self.platforms, m.platforms)):
            seen = set()
            for s, e in ((m.title.start, m.title.end), (lo, content_end)):
                for ms, me, phrase, concept in matcher.finditer(self.source, s, e):
                    if concept not in seen:
                        seen.add(concept)
                        out.append(ConceptMention(concept, phrase, self.span(ms, me)))
        return note

    def responsibility(self, m: Measure, lo: int, hi: int
                       ) -> tuple[int, list[BodyList], BodyList | None]:
        """The trailing （…负责） clause, or a 责任单位： line."""
        last_line_start = self.source.rfind("\n", lo, hi) + 1 or lo
        line_match = rules.RESPONSIBILITY_LINE.fullmatch(self.source[max(lo, last_line_start):hi])
        if line_match:
            s = max(lo, last_line_start) + line_match.start("bodies")
            e = max(lo, last_line_start) + line_match.end("bodies")
            return (strip_range(self.source, lo, max(lo, last_line_start))[1],
                    [self.body_list(s, e, rules.ROLE_RESPONSIBLE, s, e)], None)
        if self.source[hi - 1] not in "）)":
            return hi, [], None
        depth, open_at = 0, None
        for k in range(hi - 1, lo - 1, -1):
            c = self.source[k]
            if c in "）)":
                depth += 1
            elif c in "（(":
                depth -= 1
                if depth == 0:
                    open_at = k
                    break
        inner = self.source[open_at + 1:hi - 1]
        if not any(marker in inner for marker, _ in rules.ROLE_MARKERS):
            return hi, [], None
        lists, note = [], None
        for cs, ce in split_range(self.source, open_at + 1, hi - 1, "；;。"):
            gm = rules.GLOBAL_NOTE.fullmatch(self.source[cs:ce])
            if gm:
                s, e = cs + gm.start("bodies"), cs + gm.end("bodies")
                note = self.body_list(s, e, rules.ROLE_IMPLEMENTING, cs, ce)
                continue
            for ss, se in split_range(self.source, cs, ce, "，,"):
                clause = self.source[ss:se]
                role = next(((mk, r) for mk, r in rules.ROLE_MARKERS if clause.endswith(mk)), None)
                if role is None:
                    self.warn(ss, f"measure ({m.numeral}): no role marker in «{clause}»")
                    continue
                lists.append(self.body_list(ss, se - len(role[0]), role[1], ss, se))
        return strip_range(self.source, lo, open_at)[1], lists, note

    def body_list(self, s: int, e: int, role: str, clause_start: int, clause_end: int
                  ) -> BodyList:
        text = self.source[s:e]
        is_open = False
        for marker in rules.OPEN_LIST_MARKERS:
            if text.endswith(marker):
                e -= len(marker)
                is_open = True
                break
        items = split_range(self.source, s, e, "、")
        if not items:
            raise self.error(s, f"empty list of bodies in «{self.source[clause_start:clause_end]}»")
        mentions = tuple(BodyMention(self.source[a:b], self.span(a, b), role, n)
                         for n, (a, b) in enumerate(items, 1))
        return BodyList(mentions, role, is_open, self.span(clause_start, clause_end))

    def citations(self, lo: int, hi: int, header: Header) -> list[Citation]:
        found = []
        for cm in rules.CITATION.finditer(self.source, lo, hi):
            title = cm["title"]
            if title == header.title:
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
    def check_numbering(self, doc: Document) -> None:
        for kind, items in (("part", doc.parts), ("measure", doc.measures)):
            expected = 1
            seen: dict[int, object] = {}
            for item in items:
                if item.number in seen:
                    raise self.error(item.heading.start,
                                     f"duplicate {kind} number {item.numeral} ({item.number})")
                if item.number != expected:
                    raise self.error(item.heading.start,
                                     f"{kind} number {item.numeral} ({item.number}) out of sequence: "
                                     f"expected {expected}; is {kind} {expected} missing?")
                seen[item.number] = item
                expected += 1


def parse(source: str, path: str = "<source>", instruments: PhraseMatcher | None = None,
          groups: PhraseMatcher | None = None, platforms: PhraseMatcher | None = None) -> Document:
    """Parse a notice's text into records. Raises ExtractError on malformed input."""
    return Parser(source, path, instruments, groups, platforms).parse()
