"""Longest-match lookup of trigger phrases (vocabulary altLabels, body names)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping


class PhraseMatcher:
    """Finds trigger phrases in text, longest first, without overlaps.

    Longest match means 中小微企业 is read as one phrase, never as 小微企业
    inside it.
    """

    def __init__(self, phrases: Mapping[str, str]):
        self._phrases = dict(phrases)
        self._by_first: dict[str, list[str]] = {}
        for phrase in sorted(self._phrases, key=len, reverse=True):
            if phrase:
                self._by_first.setdefault(phrase[0], []).append(phrase)

    def __bool__(self) -> bool:
        return bool(self._phrases)

    def finditer(self, text: str, start: int = 0, end: int | None = None
                 ) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, phrase, value) for each match in text[start:end]."""
        end = len(text) if end is None else end
        i = start
        while i < end:
            for phrase in self._by_first.get(text[i], ()):
                if text.startswith(phrase, i) and i + len(phrase) <= end:
                    yield i, i + len(phrase), phrase, self._phrases[phrase]
                    i += len(phrase)
                    break
            else:
                i += 1
