"""Answers of saved queries, kept on disk per version of a corpus's store.

A corpus of many notices is served from an on-disk store named by a digest of the files it
holds (`Corpus.store_path`): an ingest, a removal or an upgrade makes a new store and the old
one goes. Answers are kept in an `answers/` folder inside that store's folder, so an answer
can only ever be read back for the data it was computed from: it goes with its store (a store
grown from an older one is a copy of its database alone, without the folder).

A corpus-wide saved query takes seconds at 10,000 notices (benchmarks/results/
scale-queries-10000-2026-11-30.txt: up to 40 s) and gives the same rows until the data
change. `policykg ingest` computes the answer of every saved query that needs no parameter
once, after it builds the store (`warm`), and of those whose one parameter names one of a
few things (an instrument, a target group, a law) for each of them; any other answer is kept
the first time someone asks. Read back, the largest answer of the ingested 10,000-notice
corpus (189,703 rows) took 46 to 50 ms, with the garbage collector paused for the read
(benchmarks/results/kept-answers-2026-12-01.txt); an answer the engine gives in under
KEEP_FROM is not kept.

The key is the whole text the engine runs (prologue, query, parameters bound as a VALUES
block), the notice view it runs in, and the policykg version: a saved query edited, a
parameter given another way to the same term, or an upgrade of the code that converts terms
each lead to the right entry. Files are written whole (a temporary file renamed) by any of
the processes that share the store, and the folder is bounded: past `limit` bytes the least
recently used answers go. An entry that cannot be read (cut short, or not ours) is a miss,
removed and computed again: the unpickler builds nothing but our terms and result sets.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import installed_version
from .results import ResultSet, Term

FOLDER = "answers"
LIMIT = 512 * 1024 * 1024        # bytes of answers kept per store
# An answer the engine gives in less is not kept: reading a kept one back costs about a
# millisecond (benchmarks/scale_queries.py --answers), more than many saved queries take.
KEEP_FROM = 0.02                 # seconds
AHEAD = 50                       # a parameter's values answered ahead by `warm`, at most


class _Unpickler(pickle.Unpickler):
    """Only the classes an answer holds: a file in the corpus folder is never code."""
    ALLOWED = {("policykg.results", "Term"): Term, ("policykg.results", "ResultSet"): ResultSet}

    def find_class(self, module: str, name: str):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of an answer") from None


class Answers:
    """The answers kept for one store, in `folder` (created on the first answer kept)."""

    def __init__(self, folder: Path, limit: int = LIMIT, keep_from: float | None = None):
        self.folder = Path(folder)
        self.limit = int(limit)
        self.keep_from = KEEP_FROM if keep_from is None else keep_from

    @staticmethod
    def key(text: str, graph: str | None = None) -> str:
        h = hashlib.sha256()
        for part in (installed_version(), graph or "", text):
            h.update(part.encode("utf-8") + b"\0")
        return h.hexdigest()[:40]

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def get(self, key: str) -> ResultSet | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            with _collector_paused():
                answer = _Unpickler(io.BytesIO(data)).load()
            if not isinstance(answer, ResultSet):
                raise pickle.UnpicklingError("not an answer")
        except Exception:
            # cut short by a crash of the disk, or not written by us: ask the store again
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)                  # recently used: the last to go when the folder is full
        except OSError:
            pass
        return answer

    def put(self, key: str, answer: ResultSet, seconds: float | None = None) -> bool:
        """Keep `answer`, which took the engine `seconds`; False when it is not kept (found
        quicker than `keep_from`, larger than a quarter of the limit, or a folder that cannot
        be written)."""
        if seconds is not None and seconds < self.keep_from:
            return False
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > self.limit // 4:
            return False
        try:
            self.folder.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, self._path(key))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return False
        self._bound()
        return True

    def _bound(self) -> None:
        entries = []
        for e in _scan(self.folder):
            if e.name.endswith(".pickle"):
                try:
                    st = e.stat()
                except OSError:
                    continue
                entries.append((st.st_mtime, st.st_size, e.path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.limit:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size

    def __len__(self) -> int:
        return sum(1 for e in _scan(self.folder) if e.name.endswith(".pickle"))


_paused = 0                          # readers inside _collector_paused, across threads
_was_enabled = False
_pause_lock = threading.Lock()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while an answer is unpickled: the hundreds of
    thousands of tuples an answer is made of set it off again and again, and each pass walks
    every object the process holds. They form no cycle, so nothing is left uncollected; the
    largest answer (189,703 rows) was read in 46 ms paused, against 504 ms with the collector
    on (benchmarks/results/kept-answers-2026-12-01.txt). The collector is off for the whole
    process while any thread reads, and back as it was when the last one is done."""
    global _paused, _was_enabled
    with _pause_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _scan(folder: Path) -> Iterable[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            yield from list(it)
    except OSError:
        return


def warm(store, queries=None, report=None, up_to: int = AHEAD) -> tuple[int, float]:
    """Compute and keep the answer of every saved query that needs no parameter, and of each
    query whose one parameter names one of a few things (a scheme's concepts, the legal
    documents: at most `up_to`) for each of them, so that a pick in a form is answered at once
    too (`queries`: a name → SavedQuery map, the shipped ones by default). Returns (answers,
    seconds); a store that keeps no answers (in memory, remote) computes none."""
    from .queries import ParameterError, load_queries, run_saved_query, things
    if getattr(store, "answers", None) is None:
        return 0, 0.0
    started = time.perf_counter()
    done = 0
    for query in (queries or load_queries()).values():
        required = [p for p in query.parameters if p.required and p.default is None]
        if not required:
            asked = [{}]
        elif len(query.parameters) == 1 and len(values := things(store, required[0])) <= up_to:
            asked = [{required[0].name: v} for v in values]
        else:
            continue
        for params in asked:
            t = time.perf_counter()
            try:
                run_saved_query(store, query, params)
            except ParameterError:
                continue                 # a label two concepts share: the form asks which one
            done += 1
            if report is not None:
                report(query.name, params, time.perf_counter() - t)
    return done, time.perf_counter() - started
