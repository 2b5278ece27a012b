"""Lines, ranges and the reader state every part of the parser shares.

Nothing here changes the text: lines and ranges are offsets into the source
as given, so every `Span` made from them quotes the source exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import rules
from .errors import ExtractError, locate
from .records import Span

# Blanks within a line: the ideographic space of Chinese typesetting, and the no-break and
# fixed-width spaces a notice copied from a web page carries (a no-break space at the end of
# a measure hid its responsibility clause: the regression test names it)
BLANKS = " \t\u3000\u00a0\u2002\u2003\u2009\u202f"
WHITESPACE = BLANKS + "\r\n\ufeff"


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


def round_brackets(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """(open, close + 1) of each outermost round bracket in source[start:end]."""
    found, depth, opened = [], 0, start
    for i in range(start, end):
        family = rules.BRACKET_FAMILIES.get(source[i])
        if family != "round":
            continue
        if source[i] in rules.OPENERS:
            opened = i if depth == 0 else opened
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                found.append((opened, i + 1))
    return found


class Reader:
    """The source, where it came from, and the warnings found so far."""

    def __init__(self, source: str, path: str):
        self.source = source
        self.path = path
        self.warnings: list[str] = []

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

    @staticmethod
    def part_heading(line: Line) -> re.Match[str] | None:
        for style in rules.PART_STYLES:
            m = style.pattern.fullmatch(line.text)
            if m:
                return m
        return None

    @staticmethod
    def squeezed(lines: list[Line], i: int, text: str, most: int = 4) -> int | None:
        """How many lines from i spell text once their line breaks are dropped."""
        joined = ""
        for k in range(i, min(len(lines), i + most)):
            joined += lines[k].text
            if joined == text:
                return k - i + 1
            if not text.startswith(joined):
                return None
        return None
