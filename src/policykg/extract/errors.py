"""Errors that cite where in the source they come from."""
from __future__ import annotations


def locate(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of an offset."""
    offset = max(0, min(offset, len(source)))
    line = source.count("\n", 0, offset) + 1
    col = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, col


class ExtractError(Exception):
    """Malformed input: says what and where, as file:line:column."""

    def __init__(self, path: str, source: str, offset: int, message: str):
        self.path = path
        self.offset = offset
        self.line, self.column = locate(source, offset)
        self.message = message
        super().__init__(f"{path}:{self.line}:{self.column}: {message}")


    def __reduce__(self):
        # sent back whole from a worker process (Corpus.ingest_many with jobs)
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls, args, state):
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error
