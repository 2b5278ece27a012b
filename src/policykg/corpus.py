"""The corpus: every notice policykg knows, each its own named graph.

A corpus is a folder the user chooses (`POLICYKG_CORPUS`, by default
`~/.local/share/policykg/corpus`). Each ingested notice is a subfolder named by
its id, holding:

    source.txt    the text as given, byte for byte
    graph.ttl     its extracted graph (sorted Turtle), validated at ingest
    basis.ttl     its measures' links to law articles
    entry.json    what `policykg documents` lists

and `.registries/` holds the user's registry files (`ingest --registry`): bodies
the shipped registry does not know, read by every later ingest and served
beside the shipped registries.

The shipped Zhangye notice is always in the corpus without being copied: its
graph is `data/measures.ttl`. Nothing is extracted when a server starts; it
loads the stored graphs.

An ingest is all or nothing: the new folder is made beside the others under
a temporary name and renamed into place only when every step succeeded; a
replaced notice's old folder is renamed aside first and removed last, and a
run that was killed half-way is put right the next time the corpus is opened.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from . import installed_version, resources
from .iris import BASE

GRAPH_BASE = BASE + "graph/"          # a notice's named graph: GRAPH_BASE + id
SHIPPED_ID = "zczmbf-2021-9"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_PENDING, _ASIDE = ".new-", ".old-"
REGISTRIES = ".registries"
STORE_FORMAT = "2"            # bump when what a built store holds changes (2: no triple in a notice's
                              # graph and the shared one both)
READY = "READY"
STATE = "STATE"               # the files a built store holds, to extend it when notices are added
ON_DISK_FROM = 10             # notices ingested from which a corpus is kept as an on-disk store


class CorpusError(Exception):
    """An ingest or removal that cannot be done; the corpus is unchanged."""


def default_folder() -> Path:
    configured = os.environ.get("POLICYKG_CORPUS")
    if configured:
        return Path(configured).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "policykg" / "corpus"


@dataclass
class Entry:
    """One notice of the corpus, as `policykg documents` lists it."""
    id: str
    title: str | None
    number: str | None
    issuer: str | None
    date: str | None
    measures: int
    bodies: int
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    jurisdiction: str | None = None
    shipped: bool = False

    @property
    def graph(self) -> str:
        return GRAPH_BASE + self.id


@dataclass
class Ingested:
    entry: Entry
    changed: bool              # False: the same bytes were already there under this id


@dataclass
class _Ready:
    """A notice validated and turned into the files an ingest writes (sent back by a worker)."""
    entry: Entry
    source: bytes
    graph: str                 # Turtle
    basis: str
    replace: bool


@dataclass
class _Pending:
    """A notice extracted and checked, waiting for its validation."""
    path: Path
    data: bytes
    digest: str
    id: str
    result: object             # pipeline.BuildResult
    checked: object            # the graph to validate: the notice's with the user's registries
    replace: bool


BATCH = 4                      # notices validated in one pySHACL run by a bulk ingest (measured: 4 to 6
                               # is best; pySHACL's SPARQL grows faster than the union beyond)


def _ingest_errors() -> tuple[type[Exception], ...]:
    from .extract import ExtractError
    from .pipeline import BuildError
    from .registry import RegistryError
    from .validate import InputError
    return (CorpusError, ExtractError, RegistryError, InputError, BuildError)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")
    return slug[:80] or "notice"


class Corpus:
    def __init__(self, folder: Path | None = None, *, recover: bool = True):
        """recover=False for a reader (the server): putting right a half-done ingest is the
        writer's job, and the ingest may be one running now in another process."""
        self.folder = Path(folder) if folder is not None else default_folder()
        if recover:
            self._recover()

    # --- reading -------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        """The shipped notice first, then the ingested ones by id."""
        found = [shipped_entry()]
        if self.folder.is_dir():
            for sub in sorted(self.folder.iterdir()):
                if sub.is_dir() and not sub.name.startswith(".") and (sub / "entry.json").is_file():
                    found.append(Entry(**json.loads((sub / "entry.json").read_text(encoding="utf-8"))))
        return found

    def get(self, id: str) -> Entry | None:
        """One notice's entry: its own entry.json read, not every one's (an ingest asks for each
        notice it adds, which read the whole corpus each time: 10,000 notices slowed as they came)."""
        if id == SHIPPED_ID:
            return shipped_entry()
        path = self.folder / id / "entry.json"
        if not _ID.match(id) or not path.is_file():
            return None
        return Entry(**json.loads(path.read_text(encoding="utf-8")))

    def notice_ids(self) -> list[str]:
        """The ingested notices' ids, in the order of `entries`. An ingest names a notice's folder
        by its id, so the folder names tell them: no entry.json is read (a server starting over
        10,000 notices would parse 10,000 of them for nothing)."""
        try:
            with os.scandir(self.folder) as found:
                names = [e.name for e in found if not e.name.startswith(".") and e.is_dir()]
        except (FileNotFoundError, NotADirectoryError):
            return []
        folder = str(self.folder)
        return sorted(n for n in names if os.path.isfile(os.path.join(folder, n, "entry.json")))

    def graph_files(self) -> list[tuple[str, Path]]:
        """(named graph, file) for each ingested notice's graph and legal basis."""
        folder = str(self.folder)
        return [(GRAPH_BASE + id, Path(f"{folder}/{id}/{name}"))
                for id in self.notice_ids() for name in ("graph.ttl", "basis.ttl")]

    def registry_files(self) -> list[Path]:
        """The user's registry files added with `ingest --registry`, by name."""
        folder = self.folder / REGISTRIES
        return sorted(folder.glob("*.ttl")) if folder.is_dir() else []

    def registry(self):
        """The shipped registries and the user's, or None (the shipped ones alone)."""
        from .registry import load_registry
        files = self.registry_files()
        return load_registry(extra=files) if files else None

    def named_graphs(self, graph_files: list[tuple[str, Path]] | None = None) -> dict[Path, str]:
        """Which file holds which notice's named graph, the shipped notice's included
        (`graph_files`: what graph_files() gave, not to list the corpus twice)."""
        shipped = resources.default_output()
        named = {shipped: GRAPH_BASE + SHIPPED_ID, shipped.with_name("legal-basis.ttl"): GRAPH_BASE + SHIPPED_ID}
        named.update({path: graph for graph, path in (self.graph_files() if graph_files is None else graph_files)})
        return named

    def store_path(self, files: list[Path], graphs: dict[Path, str], state: list[str] | None = None) -> Path | None:
        """An on-disk store of these files, built once per state of the corpus; None for a corpus
        of fewer than ON_DISK_FROM ingested notices, or where the corpus folder cannot be
        written (the caller then loads the files into memory). `graphs` is `named_graphs()`;
        `state` is `store_state(files, graphs)`, when the caller has it already.

        A server then starts by opening it, not by parsing every notice's Turtle again, and
        its query workers share it instead of each holding a copy. The store is named by a
        digest of the files it holds (path, size, modification time) and of the policykg
        version, so an ingest, a removal or an upgrade leads to a new one; older ones go.
        """
        from .store import EmbeddedStore
        if not kept_on_disk(graphs):
            # a few notices load from Turtle in well under a second; RocksDB also wants some 800 MB
            # of address space per process, more than a small SPARQL_WORKER_MEMORY allows
            return None
        state = store_state(files, graphs) if state is None else state
        key = store_key(state)[:20]
        stores = self.folder / ".store"
        target = stores / key
        if (target / READY).is_file():
            return target
        try:
            stores.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(prefix=".build-", dir=stores)) / "store"
        except OSError:
            return None
        previous = next((d for d in stores.iterdir() if (d / READY).is_file()), None)
        try:
            added = self._grown_from(previous, state)
            if added is None:
                EmbeddedStore(files, graphs, path=building, build=True)
            else:
                # only notices were added since: copy the last store (hard links) and load just those
                import pyoxigraph as ox
                ox.Store.read_only(str(previous)).backup(str(building))
                EmbeddedStore(files, graphs, path=building, build=True, only=added)
            import gc
            gc.collect()                 # the RocksDB lock goes with the object
            (building / STATE).write_text(installed_version() + "\n" + "\n".join(state) + "\n", encoding="utf-8")
            (building / READY).write_text(key + "\n", encoding="utf-8")
            try:
                os.replace(building, target)
            except OSError:              # another process built the same store first
                pass
        finally:
            shutil.rmtree(building.parent, ignore_errors=True)
        for old in stores.iterdir():
            if old.name != target.name and not old.name.startswith(".build-"):
                shutil.rmtree(old, ignore_errors=True)
        return target

    @staticmethod
    def _grown_from(previous: Path | None, state: list[str]) -> list[Path] | None:
        """The files added since `previous` was built, when nothing else changed; else None."""
        if previous is None or not (previous / STATE).is_file():
            return None
        before = (previous / STATE).read_text(encoding="utf-8").splitlines()
        if not before or before[0] != installed_version() or not set(before[1:]) <= set(state):
            return None
        return [Path(line.split("\t", 1)[0]) for line in state if line not in set(before[1:])]

    # --- changing ------------------------------------------------------------------
    def add_registry(self, path: Path, *, replace: bool = False) -> bool:
        """Keep a registry file (Turtle bodies, like data/registry/bodies.ttl) for every later
        ingest and the server. False when the same bytes are already there. Raises CorpusError
        or RegistryError (a syntax error with its line, or a name given to two bodies)."""
        from .registry import load_registry
        path = Path(path)
        if not path.is_file():
            raise CorpusError(f"{path}: no such file")
        data = path.read_bytes()
        name = _slug(path.stem) + ".ttl"
        target = self.folder / REGISTRIES / name
        if target.is_file():
            if target.read_bytes() == data:
                return False
            if not replace:
                raise CorpusError(f"{path}: a different registry is already in the corpus as {name}; "
                                  "use --replace to replace it")
        _check_turtle(path, data)
        others = [f for f in self.registry_files() if f.name != name]
        load_registry(extra=others + [path])
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_PENDING, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def ingest(self, path: Path, *, id: str | None = None, jurisdiction: str | None = None,
               title: str | None = None, replace: bool = False) -> Ingested:
        """Copy, extract, validate and add one notice. Raises CorpusError, ExtractError or BuildError."""
        from .validate import validate_graph
        prepared = self._prepare(Path(path), self.registry(), id=id, jurisdiction=jurisdiction,
                                 title=title, replace=replace)
        if isinstance(prepared, Ingested):
            return prepared
        return self._commit(prepared, validate_graph(prepared.checked))

    def ingest_many(self, paths, *, id: str | None = None, jurisdiction: str | None = None,
                    title: str | None = None, replace: bool = False, batch: int = BATCH, jobs: int = 1):
        """Ingest many files: yields (path, Ingested or the error) in the order given.

        What a single ingest loads each time (registries, law texts, the closed context of the
        shapes) is loaded once, and up to `batch` notices are validated in one pySHACL run
        (validate_graphs: the same findings as one by one). Each notice is still added whole or
        not at all; a notice that fails does not stop the others.

        `jobs` > 1: notices are extracted and validated in that many worker processes, `batch`
        at a time, and added by this process in the order given, so that the corpus and what is
        yielded are what one process gives (a notice whose id one added earlier in the run has,
        which its worker could not see, is ingested again here).
        """
        paths = [Path(p) for p in paths]
        options = dict(id=id, jurisdiction=jurisdiction, title=title, replace=replace)
        if jobs > 1 and len(paths) > 2 * batch:
            yield from self._ingest_in_workers(paths, options, batch, jobs)
            return
        from .registry import load_registry
        from .validate import validate_graphs
        errors = _ingest_errors()
        # read once for every notice, not by each extract (a tenth of a bulk ingest)
        registry = self.registry() or load_registry()
        pending: list[tuple[Path, object]] = []

        def flush():
            todo = [item for _, item in pending if isinstance(item, _Pending)]
            reports = iter(validate_graphs([p.checked for p in todo]))
            for path, item in pending:
                if isinstance(item, _Pending):
                    try:
                        item = self._commit(item, next(reports))
                    except errors as e:
                        item = e
                yield path, item
            pending.clear()

        for path in paths:
            try:
                item = self._prepare(path, registry, id=id, jurisdiction=jurisdiction, title=title, replace=replace)
            except errors as e:
                item = e
            if isinstance(item, _Pending) and any(isinstance(p, _Pending) and p.id == item.id for _, p in pending):
                # the same id twice in a batch: the first must be in the corpus before the second is checked
                yield from flush()
                try:
                    item = self._prepare(path, registry, id=id, jurisdiction=jurisdiction, title=title, replace=replace)
                except errors as e:
                    item = e
            pending.append((path, item))
            if sum(isinstance(p, _Pending) for _, p in pending) >= batch:
                yield from flush()
        yield from flush()

    def _ingest_in_workers(self, paths: list[Path], options: dict, batch: int, jobs: int):
        import multiprocessing
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        errors = _ingest_errors()
        batches = deque(paths[i:i + batch] for i in range(0, len(paths), batch))
        in_flight: deque = deque()
        added: set[str] = set()
        # forkserver: a worker is not a fork of a process that may hold open stores and their threads
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_worker_start, initargs=(str(self.folder),))
        try:
            while batches or in_flight:
                while batches and len(in_flight) < 2 * jobs:      # bounded: memory stays flat
                    todo = batches.popleft()
                    in_flight.append((todo, pool.submit(_worker_batch, todo, options)))
                todo, future = in_flight.popleft()
                try:
                    outcomes = future.result()
                except BrokenProcessPool as e:
                    raise CorpusError(f"a worker process ended without an answer ({e}); the files before "
                                      f"{todo[0]} were ingested, it and the rest were not: ingest them again "
                                      "(--jobs 1: in this one process)") from None
                for path, outcome in zip(todo, outcomes):
                    if not isinstance(outcome, Exception) and outcome.entry.id in added:
                        try:                   # its worker did not see the notice added under its id
                            outcome = self.ingest(path, **options)
                        except errors as e:
                            outcome = e
                    elif isinstance(outcome, _Ready):
                        outcome = self._add(outcome)
                        added.add(outcome.entry.id)
                    yield path, outcome
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _prepare(self, path: Path, registry, *, id: str | None = None, jurisdiction: str | None = None,
                 title: str | None = None, replace: bool = False) -> "_Pending | Ingested":
        """Read and extract a notice and check it may be added: what is left is to validate it."""
        from .pipeline import extract, read_source
        if not path.is_file():
            raise CorpusError(f"{path}: no such file")
        # the size limit and UTF-8, with line and column; read with newlines untouched, so the
        # text encodes back to the very bytes of the file
        data = read_source(path).encode("utf-8")
        digest = _sha256(data)
        if id is not None and not _ID.match(id):
            raise CorpusError(f"--id {id!r}: use lower-case letters, digits, '.', '_' and '-' (at most 80)")
        # an ingest stores the measures' basis only: the law texts' own graph is shipped once
        result = extract(path, registry, title=title, jurisdiction=jurisdiction, law_structure=False)
        doc = result.document
        if not doc.measures:
            raise CorpusError(f"{path}:1:1: no measures found: not a notice of this genre")
        id = id or _document_id(result.graph) or _slug(path.stem)
        if id == SHIPPED_ID:
            raise CorpusError(f"{path}: the id {id} is the shipped notice's; give another with --id")
        existing = self.get(id)
        if existing is not None:
            if existing.sha256 == digest:
                return Ingested(existing, changed=False)
            if not replace:
                raise CorpusError(f"{path}: a different text is already in the corpus as {id}; "
                                  f"use --replace to replace it, or --id to add it beside")
        # the notice's own graph, beside the registries; its legal-basis links come from the shipped
        # law texts by the code `policykg build` validates with them
        checked = result.graph
        if registry is not None and len(registry.extra):
            from .graph import places_of
            # the user's registry files are context like the shipped ones
            checked = checked + registry.extra + places_of(registry.extra)
        return _Pending(path, data, digest, id, result, checked, existing is not None)

    def _commit(self, p: "_Pending", report) -> Ingested:
        return self._add(self._ready(p, report))

    def _ready(self, p: "_Pending", report) -> "_Ready":
        """What is written for a validated notice (BuildError where it does not conform)."""
        from .pipeline import BuildError
        from .serialize import to_turtle
        if not report.conforms:
            raise BuildError(f"{p.path}: the extracted graph does not conform to the shapes; "
                             "the corpus is unchanged:\n" + report.text())
        turtle = to_turtle(p.result.graph)
        entry = Entry(id=p.id, **describe(turtle, self.registry_files()),
                      warnings=p.result.warnings + report.warning_lines(), sha256=p.digest)
        return _Ready(entry, p.data, turtle, to_turtle(p.result.basis), p.replace)

    def _add(self, ready: "_Ready") -> Ingested:
        self._write(ready.entry, ready.source, ready.graph, ready.basis, replace=ready.replace)
        return Ingested(ready.entry, changed=True)

    def remove(self, id: str) -> Entry:
        entry = self.get(id)
        if entry is None:
            raise CorpusError(f"no notice {id!r} in {self.folder}")
        if entry.shipped:
            raise CorpusError(f"{id} is the shipped notice; it is always in the corpus")
        aside = self.folder / f"{_ASIDE}{id}"
        os.replace(self.folder / id, aside)
        shutil.rmtree(aside)
        return entry

    # --- all or nothing --------------------------------------------------------------
    def _write(self, entry: Entry, source: bytes, graph: str, basis: str, replace: bool) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        pending = Path(tempfile.mkdtemp(prefix=f"{_PENDING}{entry.id}.", dir=self.folder))
        try:
            (pending / "source.txt").write_bytes(source)
            (pending / "graph.ttl").write_text(graph, encoding="utf-8", newline="\n")
            (pending / "basis.ttl").write_text(basis, encoding="utf-8", newline="\n")
            (pending / "entry.json").write_text(json.dumps(asdict(entry), ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
            for f in pending.iterdir():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
            os.chmod(pending, 0o755)
            target, aside = self.folder / entry.id, self.folder / f"{_ASIDE}{entry.id}"
            if replace:
                os.replace(target, aside)
            os.replace(pending, target)
            if replace:
                shutil.rmtree(aside)
        except BaseException:
            shutil.rmtree(pending, ignore_errors=True)
            raise

    def _recover(self) -> None:
        """Put right what a killed ingest left: a pending folder is dropped, an old one restored."""
        if not self.folder.is_dir():
            return
        for sub in self.folder.iterdir():
            if sub.name.startswith(_PENDING):
                shutil.rmtree(sub, ignore_errors=True)
            elif sub.name.startswith(_ASIDE):
                original = self.folder / sub.name[len(_ASIDE):]
                if original.exists():
                    shutil.rmtree(sub, ignore_errors=True)     # the new one made it in
                else:
                    os.replace(sub, original)                   # killed between the two renames


def _document_id(graph) -> str | None:
    """The last segment of the notice's IRI when it was made from its document number."""
    from rdflib.namespace import RDF
    from .iris import PKG
    doc = next(graph.subjects(RDF.type, PKG.PolicyDocument), None)
    if doc is None or graph.value(doc, PKG.documentNumber) is None:
        return None
    segment = str(doc).rstrip("/").rsplit("/", 1)[-1]
    # a series the registry does not know keeps its Chinese code in the IRI: not an id to type
    return segment if _ID.match(segment) else None


DESCRIBE = """
SELECT ?title ?number (SAMPLE(?issuer) AS ?by_name) ?date (SAMPLE(?code) AS ?place) (COUNT(DISTINCT ?m) AS ?measures) (COUNT(DISTINCT ?b) AS ?bodies) WHERE {
  ?doc a pkg:PolicyDocument ; pkg:title ?title .
  OPTIONAL { ?doc pkg:documentNumber ?number }
  OPTIONAL { ?doc pkg:dateIssued ?date }
  OPTIONAL { ?doc dct:spatial/pkg:divisionCode ?code }
  OPTIONAL { ?doc pkg:issuedBy ?by . ?by skos:prefLabel|rdfs:label ?issuer FILTER(lang(?issuer) = "zh") }
  OPTIONAL { ?m pkg:inDocument ?doc ; a pkg:Measure . OPTIONAL { ?m pkg:responsibleBody ?b } }
} GROUP BY ?title ?number ?date"""


def _check_turtle(path: Path, data: bytes) -> None:
    """A registry file is UTF-8 Turtle; pyoxigraph's parser gives the line and column of an error."""
    import pyoxigraph as ox
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise CorpusError(f"{path}:{line}: byte {e.start} is not UTF-8; Turtle is read as UTF-8") from None
    try:
        for _ in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as e:
        reason = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(e.msg))
        raise CorpusError(f"{path}:{e.lineno}:{e.offset}: not Turtle: {reason}") from None


_worker: dict = {}


def _worker_start(folder: str) -> None:
    """A worker of Corpus.ingest_many: the corpus read, never put right (its writer is running),
    and the registries loaded once."""
    from .registry import load_registry
    corpus = Corpus(Path(folder), recover=False)
    _worker.update(corpus=corpus, registry=corpus.registry() or load_registry())


def _worker_batch(paths: list[Path], options: dict) -> list:
    """Extract and validate the notices (validate_graphs: in one pySHACL run where that gives the
    same findings); each a _Ready, an Ingested (unchanged) or the error, nothing written."""
    from .validate import validate_graphs
    corpus, registry = _worker["corpus"], _worker["registry"]
    errors = _ingest_errors()
    items: list = []
    for path in paths:
        try:
            items.append(corpus._prepare(path, registry, **options))
        except errors as e:
            items.append(e)
    reports = iter(validate_graphs([p.checked for p in items if isinstance(p, _Pending)]))
    out = []
    for item in items:
        if isinstance(item, _Pending):
            try:
                item = corpus._ready(item, next(reports))
            except errors as e:
                item = e
        out.append(item)
    return out


def describe(turtle: str, registries: list[Path] = ()) -> dict:
    """Title, number, issuer, date and counts of the notice in a graph, read beside the registries."""
    import pyoxigraph as ox
    from .store import EmbeddedStore
    store = EmbeddedStore(resources.registry_files() + list(registries))
    store.store.load(input=turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = store.select(DESCRIBE).dicts()
    if not rows:
        raise CorpusError("no notice in this graph")
    row = rows[0]

    def value(key: str) -> str | None:
        return row[key].value if key in row else None
    return {"title": value("title"), "number": value("number"), "issuer": value("by_name"),
            "date": value("date"), "measures": int(value("measures")), "bodies": int(value("bodies")),
            "jurisdiction": value("place")}


@lru_cache(maxsize=2)
def _shipped(graph_file: Path, mtime: float) -> Entry:
    source = resources.default_source()
    return Entry(id=SHIPPED_ID, **describe(graph_file.read_text(encoding="utf-8")),
                 sha256=_sha256(source.read_bytes()), shipped=True)


def shipped_entry() -> Entry:
    """The shipped notice, described from its committed graph (nothing is extracted)."""
    graph_file = resources.default_output()
    return _shipped(graph_file, graph_file.stat().st_mtime)


def kept_on_disk(graphs: dict[Path, str]) -> bool:
    """Whether a corpus of these named graphs (`Corpus.named_graphs`) is kept as an on-disk store:
    from ON_DISK_FROM ingested notices (two files each) on."""
    shipped = GRAPH_BASE + SHIPPED_ID
    return sum(1 for g in graphs.values() if g != shipped) >= 2 * ON_DISK_FROM


def store_state(files: list[Path], graphs: dict[Path, str], missing_ok: bool = False) -> list[str]:
    """What a store of these files depends on, a line per file: path, size, modification time and
    named graph. One stat per file and no read: at 10,000 notices, well under a second where
    hashing the files' 1.4 GB took seconds. Raises OSError when a file is gone, unless
    `missing_ok` (then its line says so: a state no store can be built from)."""
    out = []
    for f in files:
        f = f if isinstance(f, Path) else Path(f)
        try:
            st = os.stat(f)
        except OSError:
            if not missing_ok:
                raise
            out.append(f"{f}\tmissing")
            continue
        out.append(f"{f}\t{st.st_size}\t{st.st_mtime_ns}\t{graphs.get(f, '')}")
    return out


def store_key(state: list[str]) -> str:
    """A digest of a store's state and of the policykg version that reads it (hex): an ingest, a
    removal, an edit or an upgrade gives another one. `Corpus.store_path` names a store by it,
    and the server tags its answers with it (their ETag)."""
    return hashlib.sha256("\n".join([installed_version(), STORE_FORMAT] + state).encode()).hexdigest()
