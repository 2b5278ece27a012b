"""The header of a notice: number, title, recipients, issuer and date.

A notice issued on paper opens with its document number and a 通知 wrapper
(title, recipients, covering text, issuer, date). A copy taken from a web
page often has none of it: the title on its first line, or only the body
(the caller then gives the title), sometimes an issuer and date signed at the
end. Whatever the text lacks is left None and reported as a warning.
"""
from __future__ import annotations

import datetime as dt
import re

from . import rules
from .records import BodyMention, Header, Span
from .text import WHITESPACE, Line, Reader, split_range


class HeaderReader(Reader):
    def parse_header(self, lines: list[Line], title: str | None
                     ) -> tuple[Header, int, int]:
        """The header, the index of the first line after it, and the index
        after the body's last line (a sign-off at the end is not body)."""
        self.written_title: str | None = None      # the title as the text gives it
        i, number = self.doc_number(lines)
        title_lines = self.notice_title_lines(lines, i)
        if title_lines:
            header, i = self.notice_header(lines, i, title_lines, title)
        else:
            header, i = self.bare_header(lines, i, title)
        if number is not None:
            header.doc_number = self.span(lines[0].start, lines[0].end)
            header.code, header.year, header.serial = (
                number["code"], int(number["year"]), int(number["serial"]))
        end = self.sign_off(lines, i, header)
        self.report_missing(header, lines[0].start)
        return header, i, end

    def doc_number(self, lines: list[Line]) -> tuple[int, re.Match[str] | None]:
        m = rules.DOC_NUMBER.fullmatch(lines[0].text)
        if m:
            return 1, m
        if rules.DOC_NUMBER_ATTEMPT.fullmatch(lines[0].text):
            # a number written wrongly is an error in the text, not a missing number
            raise self.error(lines[0].start, "expected a document number such as "
                                             "张促中民办发〔2021〕9号 on the first line")
        return 0, None

    def is_title_line(self, line: Line, continued: bool = False) -> bool:
        """Whether a line can be (a line of) a title: a title broken over lines may leave
        as little as 的通知 on its last one."""
        pattern = rules.TITLE_CONTINUATION if continued else rules.TITLE_LINE
        return bool(pattern.fullmatch(line.text)) and not self.part_heading(line) \
            and not rules.DATE_LINE.fullmatch(line.text) \
            and not any(s.prefix.match(line.text) for s in rules.MEASURE_STYLES)

    def notice_title_lines(self, lines: list[Line], i: int) -> list[Line]:
        """The lines of a title ending in 通知 (a notice wrapper), or none."""
        for k in range(i, min(len(lines), i + rules.TITLE_MOST_LINES)):
            if not self.is_title_line(lines[k], continued=k > i):
                return []
            if "".join(l.text for l in lines[i:k + 1]).endswith(rules.NOTICE_TITLE_ENDINGS):
                return lines[i:k + 1]
        return []

    # --- a 通知 wrapper ------------------------------------------------------
    def notice_header(self, lines: list[Line], i: int, title_lines: list[Line],
                      given: str | None) -> tuple[Header, int]:
        notice_title = "".join(l.text for l in title_lines)
        title, title_span = self.measures_title(title_lines, notice_title)
        self.written_title = title
        if given is not None and given != title:
            title, title_span = given, None
        i += len(title_lines)
        recipients = []
        if i < len(lines) and lines[i].text.endswith(rules.RECIPIENTS_END):
            recipients = self.recipients(lines[i].start, lines[i].end - 1)
            i += 1
        header = Header(None, None, None, None, notice_title,
                        tuple(self.span(l.start, l.end) for l in title_lines),
                        title, title_span, recipients, None, (), None, None)
        return header, self.issuer_and_date(lines, i, header)

    def issuer_and_date(self, lines: list[Line], i: int, header: Header) -> int:
        """The issuer over the date line that closes the covering text."""
        limit = next((k for k in range(i, len(lines)) if self.part_heading(lines[k])), len(lines))
        date_at = next((k for k in range(i, limit) if rules.DATE.fullmatch(lines[k].text)), None)
        if date_at is None:
            return i                     # no covering text to tell from the preamble
        date_line = lines[date_at]
        header.date = self.iso_date(rules.DATE.fullmatch(date_line.text), date_line.start)
        header.date_span = self.span(date_line.start, date_line.end)
        issuer_from = date_at
        while issuer_from - 1 >= i and not lines[issuer_from - 1].text.endswith("。"):
            issuer_from -= 1
        if issuer_from < date_at:
            self.set_issuer(header, lines[issuer_from:date_at])
        return date_at + 1

    def set_issuer(self, header: Header, issuer_lines: list[Line]) -> None:
        header.issuer = unsealed("".join(l.text for l in issuer_lines))
        header.issuer_spans = tuple(self.span(l.start, l.end) for l in issuer_lines)

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

    def recipients(self, start: int, end: int) -> list[BodyMention]:
        found: list[BodyMention] = []
        line = self.source[start:end]
        number = next((m for s in (*rules.PART_STYLES, *rules.MEASURE_STYLES)
                       if (m := s.prefix.match(line))), None)
        if number is not None:
            # a list number is not a recipient (一、各县区人民政府，…：)
            self.warn(start, f"the recipients line opens with a list number «{number[0]}»; "
                             f"read without it")
            start += number.end()
        for gs, ge in split_range(self.source, start, end, "，,"):
            items = split_range(self.source, gs, ge, "、")
            if len(items) > 1 and all(e - s == 1 for s, e in items[1:]):
                items = [(gs, ge)]                # 市政府各委、办、局: one collective
            prefix = next((p for p in rules.SHARED_PREFIXES
                           if self.source.startswith(p, items[0][0])), "")
            for s, e in items:
                name = self.source[s:e]
                if prefix and not name.startswith(rules.SHARED_PREFIXES):
                    name = prefix + name          # 各县区人民法院、人民检察院
                found.append(BodyMention(name, self.span(s, e), "recipient",
                                         len(found) + 1))
        return found

    # --- no wrapper: a title line, or the caller's title ------------------------
    def bare_header(self, lines: list[Line], i: int, given: str | None
                    ) -> tuple[Header, int]:
        title, title_span, i = self.bare_title(lines, i, given)
        header = Header(None, None, None, None, None, (), title, title_span,
                        [], None, (), None, None)
        if i < len(lines) and (m := rules.DATE_LINE.fullmatch(lines[i].text)):
            self.set_date(header, m, lines[i].start)          # （2024年3月1日） under the title
            i += 1
        return header, i

    def bare_title(self, lines: list[Line], i: int, given: str | None
                   ) -> tuple[str, Span | None, int]:
        own = lines[i] if i < len(lines) and self.is_title_line(lines[i]) else None
        if given is None:
            if own is None:
                at = lines[i].start if i < len(lines) else len(self.source)
                raise self.error(at, "no title: the text does not open with a title line; "
                                     "give it with --title (parse(title=…) in the library)")
            self.written_title = own.text
            return own.text, self.span(own.start, own.end), i + 1
        k = self.squeezed(lines, i, given)
        if k:
            self.written_title = given
            return given, self.span(lines[i].start, lines[i + k - 1].end), i + k
        if own is not None:
            self.written_title = own.text
            self.warn(own.start, f"the first line «{own.text}» is not the title given; "
                                 f"the title given is used")
            return given, None, i + 1
        return given, None, i

    # --- a sign-off at the end ------------------------------------------------
    def sign_off(self, lines: list[Line], i: int, header: Header) -> int:
        """Issuer and date signed after the body: they fill what the header lacks, and are
        never body, even where a 通知 wrapper already gave them (a copy signs twice)."""
        end = len(lines)
        m = rules.DATE_LINE.fullmatch(lines[-1].text)
        if m is None or end - 1 <= i:
            return end
        if header.date is None:
            self.set_date(header, m, lines[-1].start)
        else:
            self.check_same_date(header, m, lines[-1].start)
        end -= 1
        above = lines[end - 1]
        if end - 1 > i and rules.ISSUER_LINE.fullmatch(above.text) and not self.part_heading(above):
            if header.issuer is None:
                self.set_issuer(header, [above])
            elif unsealed(above.text) != header.issuer:
                self.warn(above.start, f"the sign-off «{above.text}» differs from the issuer "
                                       f"«{header.issuer}» above; the issuer above is kept")
            end -= 1
        return end

    def check_same_date(self, header: Header, m: re.Match[str], line_start: int) -> None:
        signed = self.iso_date(m, line_start + m.start("date"))
        if signed != header.date:
            self.warn(line_start, f"the date signed at the end, {m['date']}, differs from the "
                                  f"date above, {header.date}; the date above is kept")

    def set_date(self, header: Header, m: re.Match[str], line_start: int) -> None:
        start, end = line_start + m.start("date"), line_start + m.end("date")
        header.date = self.iso_date(m, start)
        header.date_span = self.span(start, end)

    def iso_date(self, m: re.Match[str], offset: int) -> str:
        y, mo, d = (rules.numeral_value(m[g]) for g in ("y", "m", "d"))
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            # the date itself, as at the offset: a date line's brackets are not part of it
            raise self.error(offset, f"not a real date: {m.groupdict().get('date') or m[0]}") from None

    def report_missing(self, header: Header, at: int) -> None:
        missing = [(header.doc_number is None, "no document number (such as 张促中民办发〔2021〕9号) "
                                                 "on the first line; left empty"),
                   (header.notice_title is None, "no notice title ending in 通知; "
                                                   "recipients left empty"),
                   (header.notice_title is not None and not header.recipients,
                    "no recipients line ending in ：; left empty"),
                   (header.issuer is None, "no issuer; left empty"),
                   (header.date is None, "no issue date; left empty")]
        for lacking, message in missing:
            if lacking:
                self.warn(at, message)


def unsealed(issuer: str) -> str:
    """The issuer's name without the 代章 seal marker an office signs with for its group."""
    for marker in rules.SEAL_MARKERS:
        issuer = issuer.removesuffix(marker)
    return issuer
