"""The measures' titles and texts, kept beside an on-disk store for substring search.

A first ask of `search` at 10,000 notices took 2.7 s: Oxigraph filters the texts only after
joining every measure's number, title and text, and scanning the texts alone in SPARQL takes
0.22 s (benchmarks/results/binding-ways-10000-2026-11-30.txt). Here they lie in one file of
UTF-8 records, read through mmap (the OS's page cache, shared by every process; no copy on
the heap), and a search is bytes.find over it: the measures whose title or text holds the
words are found in milliseconds. The saved query is then run for those measures only (a
VALUES block of their IRIs); its own FILTER still decides, so the file only narrows what the
engine reads and can never add a row.

The file is written into the store's folder (`texts/`) when `policykg ingest` (or `remove`) warms the
store, with a temporary file and a rename, and is read only from there: a new store is a new
folder, so the file always describes the store beside it. A store without one (in memory,
remote, or not yet warmed) is searched by the engine alone.
"""
from __future__ import annotations

import mmap
import os
import tempfile
from pathlib import Path

FOLDER, FILE = "texts", "measures.bin"     # inside the store's folder, as the kept answers are
RECORD, FIELD = b"\x1e", b"\x1f"          # ASCII record and unit separators
# More measures than this hold the words: the query is run as written. Oxigraph (0.5) joins a
# VALUES block of up to 1,000 rows first, and one longer last: at 10,000 notices, 1,000 IRIs
# took 60-65 ms, 1,010 took 8.1 s and 2,000 15.7 s, where the engine alone takes about 3 s.
MOST = 1000
_QUERY = "SELECT ?m ?title ?text WHERE { ?m a pkg:Measure ; pkg:title ?title ; pkg:text ?text }"


def write(store, store_folder: Path) -> Path:
    """Write the file of `store`'s measures beside it, in `store_folder` (replacing one there)."""
    folder = Path(store_folder) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{FILE}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for m, title, text in store.select(_QUERY).rows:
                out.write(RECORD + _field(m.value) + FIELD + _field(title.value) + FIELD + _field(text.value))
            out.write(RECORD)
        os.replace(tmp, folder / FILE)
    except BaseException:
        os.unlink(tmp)
        raise
    return folder / FILE


def _field(value: str) -> bytes:
    # a separator inside a text would cut its record: a space instead (a search for words
    # holding one finds no more than before, and the engine's FILTER decides in any case)
    return value.replace("\x1e", " ").replace("\x1f", " ").encode("utf-8")


class MeasureTexts:
    """The file of one store's measures, if it has been written (see `write`)."""

    def __init__(self, store_folder: Path):
        self.path = Path(store_folder) / FOLDER / FILE

    def holding(self, words: str, most: int | None = None) -> list[str] | None:
        """The IRIs of the measures whose title or text holds `words` (in file order), or None
        where the file cannot tell: none written, words holding a separator or empty, or more
        than `most` measures holding them."""
        if not words or "\x1e" in words or "\x1f" in words:
            return None
        most = MOST if most is None else most
        try:
            with open(self.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _find(data, words.encode("utf-8"), most)
        except (OSError, ValueError):       # no file yet (or an empty one, which mmap refuses)
            return None


def _find(data: mmap.mmap, needle: bytes, most: int) -> list[str] | None:
    # UTF-8 is self-synchronising: a match of valid UTF-8 starts at a character, never inside one
    found: list[str] = []
    at = data.find(needle)
    while at >= 0:
        start = data.rfind(RECORD, 0, at) + 1
        end = data.find(RECORD, at + 1)
        iri_end = data.find(FIELD, start, end if end >= 0 else len(data))
        if iri_end < 0 or end < 0:
            return None                     # not a file `write` wrote: let the engine search
        if at < iri_end:                    # a match inside the IRI is none: look on past it
            at = data.find(needle, iri_end)
            continue
        found.append(data[start:iri_end].decode("utf-8"))
        if len(found) > most:
            return None
        at = data.find(needle, end)
    return found
