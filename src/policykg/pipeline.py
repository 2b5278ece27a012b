"""The build pipeline: source text → records → graph → checks → data files.

Nothing is written unless every step succeeded. The three outputs (the
measures graph, `laws.ttl` and `legal-basis.ttl` beside it) are replaced as
one unit through a journal (see `replace_together`), so a failed or killed
build leaves the previous good trio in place, or the next run completes it.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from . import resources
from .extract import Document, ExtractError, parse
from .graph import to_graph
from .registry import Registry, load_registry
from .serialize import to_turtle

try:
    import fcntl
except ImportError:                      # not on POSIX: builds into one folder are not serialised
    fcntl = None

if TYPE_CHECKING:
    from .validate import ValidationReport


class BuildError(Exception):
    """The build did not produce a publishable graph; nothing was written."""


class OutputError(ValueError):
    """An output path the build must not or cannot write; checked before any work."""


LAWS_OUTPUT = ("data", "laws.ttl")
BASIS_OUTPUT = ("data", "legal-basis.ttl")
COMPANIONS = (LAWS_OUTPUT[1], BASIS_OUTPUT[1])   # written beside OUT, whatever OUT is called
# Folders whose files every build, validation or store reads (ontology/*.ttl,
# data/registry/*.ttl, shapes/*.ttl) or that hold shipped texts: never outputs.
INPUT_FOLDERS = (("ontology",), ("data", "registry"), ("shapes",), ("data", "laws"), ("data", "thesaurus"))


@dataclass
class BuildResult:
    document: Document
    graph: Graph
    turtle: str
    laws: Graph | None = None              # law texts: structure and version changes
    basis: Graph | None = None             # measure → article links with evidence
    warnings: list[str] = field(default_factory=list)
    written: Path | None = None            # OUT
    written_files: list[Path] = field(default_factory=list)   # OUT and its companions
    report: "ValidationReport | None" = None


# The largest notice a build reads. The shipped one is 34 KB; the legal-basis
# matcher grows faster than a measure (a 2 MB notice with one 2 MB measure builds
# in about 7 s, a 50 MB one ran for ten minutes), so anything larger is refused
# before it is read.
MAX_SOURCE_BYTES = 2 * 1024 * 1024


def read_source(path: Path) -> str:
    """The source exactly as shipped: UTF-8, newlines untouched, at most MAX_SOURCE_BYTES."""
    path = Path(path)
    limit = f"notices are at most {MAX_SOURCE_BYTES // (1024 * 1024)} MB (MAX_SOURCE_BYTES)"
    if path.is_dir():
        raise ExtractError(str(path), "", 0, "is a directory, not a notice")
    size = path.stat().st_size                    # FileNotFoundError: the caller says "no such file"
    if size > MAX_SOURCE_BYTES:
        raise ExtractError(str(path), "", 0, f"the file is {size / (1024 * 1024):.1f} MB; {limit}")
    with open(path, "rb") as f:
        raw = f.read(MAX_SOURCE_BYTES + 1)        # a device or a growing file: never more than the limit
    if len(raw) > MAX_SOURCE_BYTES:
        raise ExtractError(str(path), "", 0, f"more than {MAX_SOURCE_BYTES:,} bytes; {limit}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[:e.start].decode("utf-8", errors="replace")
        raise ExtractError(str(path), before, len(before),
                           f"not UTF-8 text (byte {e.start}): {e.reason}") from None


def display_path(path: Path) -> str:
    """The path recorded in the data: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(resources.root().resolve()).as_posix()
    except ValueError:
        return path.name


def extract(source: Path | None = None, registry: Registry | None = None, *,
            title: str | None = None, jurisdiction: str | None = None, law_structure: bool = True) -> BuildResult:
    """Parse a notice and turn it into RDF, without validating or writing.

    `title` supplies the notice's title where its text has none; `jurisdiction`
    (a GB/T 2260 code) says whose bodies its short names are. `law_structure=False`
    leaves `laws` empty: an ingest stores only the measures' basis (the law texts'
    own graph is shipped once, data/laws.ttl), and building it took half of each ingest.
    """
    source = Path(source) if source is not None else resources.default_source()
    registry = registry or load_registry()
    text = read_source(source)
    shown = display_path(source)
    doc = parse(text, shown, registry.instrument_matcher(), registry.group_matcher(),
                registry.platform_matcher(), title=title)
    graph, warnings = to_graph(doc, registry, text, shown, jurisdiction=jurisdiction)
    laws, basis = legal_graphs(doc, graph, registry, text, structure=law_structure)
    return BuildResult(doc, graph, to_turtle(graph), laws=laws, basis=basis, warnings=doc.warnings + warnings)


def legal_graphs(doc: Document, graph: Graph, registry: Registry, text: str, *,
                 structure: bool = True) -> tuple[Graph, Graph]:
    """The law texts as ELI subdivisions, version changes, and the measures' article-level basis
    (with structure=False, an empty graph in place of the first two)."""
    from .iris import PKG
    from .laws import law_files, law_graph, parsed_law
    from .legal_basis import basis_graph, changes_graph, find_basis, measure_texts
    from rdflib.namespace import RDF
    laws = {law: parsed_law(path) for law, path in law_files(registry.graph).items()}
    doc_iri = next(graph.subjects(RDF.type, PKG.PolicyDocument))
    links = find_basis(measure_texts(doc), laws, registry.graph, doc.header.date)
    basis = basis_graph(doc_iri, doc.measures, links, text, laws)
    if not structure:
        return Graph(), basis
    structure = Graph()
    for law, parsed in laws.items():
        structure += law_graph(law, parsed)
    versions: dict = {}
    for version, work in registry.graph.subject_objects(PKG.versionOf):
        if version in laws:
            start = registry.graph.value(version, PKG.dateInForce) or registry.graph.value(version, PKG.dateIssued)
            versions.setdefault(work, []).append((str(start), version))
    for work, vs in sorted(versions.items()):
        vs.sort()
        for (_, old), (_, new) in zip(vs, vs[1:]):
            structure += changes_graph(work, old, new, laws[old], laws[new])
    return structure, basis


def output_paths(out: Path) -> list[Path]:
    """OUT and the companions written beside it, in the order they are written."""
    out = Path(out)
    return [out] + [out.with_name(name) for name in COMPANIONS]


def build_inputs(source: Path | None = None) -> list[Path]:
    """Every file a build reads: the notice, ontology and vocabularies,
    registries, law texts, the legal-basis thesaurus and shapes."""
    source = Path(source) if source is not None else resources.default_source()
    return [source, *resources.ontology_files(), *resources.registry_files(),
            *sorted(p for p in resources.path("data", "laws").glob("*") if p.is_file()),
            *sorted(p for p in resources.path("data", "thesaurus").glob("*") if p.is_file()),
            *sorted(resources.path("shapes").glob("*.ttl"))]


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same path, a link to it, or a hard link)."""
    if os.path.abspath(a) == os.path.abspath(b) or a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)        # hard links, bind mounts
    except OSError:
        return False


def check_out_name(out: Path) -> None:
    """OUT may not bear a companion's name: the companion would replace it."""
    out = Path(out)
    if out.name in COMPANIONS:
        raise OutputError(f"--out {out}: the build also writes {' and '.join(COMPANIONS)} beside OUT, "
                          f"so {out.name} would be overwritten by the "
                          f"{'laws' if out.name == COMPANIONS[0] else 'legal-basis'} graph and the measures "
                          f"graph lost; name OUT differently, e.g. {out.with_name('measures.ttl')}")


def check_outputs(source: Path | None, out: Path) -> list[Path]:
    """Refuse, before any work, outputs that would overwrite an input or that cannot be written.

    Returns the paths the build will write. Raises OutputError naming the path.
    """
    out = Path(out)
    check_out_name(out)
    outputs = output_paths(out)
    inputs = build_inputs(source)
    for o in outputs:
        for i in inputs:
            if same_file(o, i):
                kind = "the notice" if i == inputs[0] else "a file the build reads"
                what = "" if o == out else f" writes {o.name} beside it, which"
                raise OutputError(f"--out {out}{what} would overwrite {i}, {kind}; choose another --out")
    for folder in INPUT_FOLDERS:
        where = resources.path(*folder)
        if where.is_dir() and same_file(out.parent, where):
            raise OutputError(f"--out {out}: {where} holds files the build reads; "
                              f"outputs written there would be read as inputs; choose another folder")
    check_writable(out, outputs)
    return outputs


def check_writable(out: Path, outputs: Sequence[Path] | None = None) -> None:
    """OUT's folder exists and takes new files, or can be created; no output is a folder."""
    out = Path(out)
    directory = Path(os.path.abspath(out)).parent
    try:
        for o in outputs or [out]:
            if o.is_dir():
                raise OutputError(f"--out {out}: {o} is a directory")
        existing = directory
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise OutputError(f"--out {out}: {existing} is a file, not a directory")
        if existing != directory:
            if not os.access(existing, os.W_OK | os.X_OK):
                raise OutputError(f"--out {out}: cannot create {directory}: {existing} is not writable")
            return
        # the only sure test: create (and remove) a file where the temporaries will go
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OutputError:
        raise
    except OSError as e:
        raise OutputError(f"--out {out}: cannot write in {directory}: {e.strerror or e}") from None


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _fsync_dir(directory: Path) -> None:
    """Make renames and unlinks in a folder durable."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_temporary(path: Path, data: bytes) -> Path:
    """data, fully written and fsynced, in `.NAME.XXXX.tmp` beside path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); a data file is for everyone to read
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        _unlink(Path(tmp))
        raise
    return Path(tmp)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def atomic_write(path: Path, text: str) -> None:
    """Write text to path through a fsynced temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to path (its folder exists) through a fsynced temporary file and a rename."""
    path = Path(path)
    tmp = write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise
    _fsync_dir(path.parent)


# --- replacing several files as one unit --------------------------------------------------
#
# replace_together writes every new file to a temporary beside it (fsynced),
# hard-links each file it replaces to a backup, then writes a journal (atomically)
# listing the pending renames; only then does it rename the temporaries into
# place, and removes the journal and backups last. A build killed before the
# journal exists leaves the old files untouched (and temporaries that the next
# run removes); killed after, it leaves the journal, and the next run rolls the
# replacement forward, or back to the backups if a temporary has gone missing.

JOURNAL = ".policykg-replace.journal"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str | None:
    try:
        return _sha256(path.read_bytes())
    except OSError:
        return None


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One replacement (or recovery) at a time in a folder."""
    if fcntl is None:
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{directory}: another policykg build is replacing its outputs there; "
                              f"try again when it has finished") from None
        yield
    finally:
        os.close(fd)                      # releases the lock


def _plain_name(name) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name


def _read_journal(path: Path) -> list[dict] | None:
    """The journal's entries, or None when it is not one we wrote."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
        for e in entries:
            if not (_plain_name(e["file"]) and _plain_name(e["temp"]) and isinstance(e["sha256"], str)
                    and (e["backup"] is None or _plain_name(e["backup"]))):
                return None
        return entries
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _roll_forward(directory: Path, entries: list[dict]) -> None:
    for e in entries:
        tmp = directory / e["temp"]
        if tmp.exists():
            os.replace(tmp, directory / e["file"])
    _fsync_dir(directory)


def _roll_back(directory: Path, entries: list[dict]) -> list[str]:
    """Put the backups back; returns the files that could not be restored."""
    lost = []
    for e in entries:
        final = directory / e["file"]
        if e["backup"] is not None:
            backup = directory / e["backup"]
            if backup.exists():
                os.replace(backup, final)   # a no-op when the rename never happened (same inode)
            elif _file_sha256(final) == e["sha256"]:
                lost.append(e["file"])
        elif _file_sha256(final) == e["sha256"]:
            _unlink(final)                   # it did not exist before this replacement
        _unlink(directory / e["temp"])
    _fsync_dir(directory)
    return lost


def _finish(directory: Path, entries: list[dict]) -> None:
    _unlink(directory / JOURNAL)
    _fsync_dir(directory)
    for e in entries:
        if e["backup"] is not None:
            _unlink(directory / e["backup"])
        _unlink(directory / e["temp"])


def _complete(directory: Path, entries: list[dict]) -> None:
    """Rename every pending temporary into place; on failure, restore the old files."""
    try:
        _roll_forward(directory, entries)
    except OSError:
        lost = _roll_back(directory, entries)
        if not lost:
            _finish(directory, entries)
        raise
    _finish(directory, entries)


def _can_roll_forward(directory: Path, entries: list[dict]) -> bool:
    """Every file is either renamed already or waiting, complete, in its temporary."""
    for e in entries:
        tmp = directory / e["temp"]
        if tmp.exists():
            if _file_sha256(tmp) != e["sha256"]:
                return False
        elif _file_sha256(directory / e["file"]) != e["sha256"]:
            return False
    return True


def recover(directory: Path, names: Sequence[str] = ()) -> list[str]:
    """Finish or undo a replacement a killed build left in directory, and remove
    stale temporaries of the files named. Returns notes on what was done."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    notes = []
    with _locked(directory):
        journal = directory / JOURNAL
        if journal.exists():
            entries = _read_journal(journal)
            files = ", ".join(e["file"] for e in entries or [])
            if entries is None:
                _unlink(journal)
                notes.append(f"{journal}: removed a damaged journal of an interrupted build; "
                             f"rebuild to be sure the outputs belong together")
            elif _can_roll_forward(directory, entries):
                _complete(directory, entries)
                notes.append(f"{directory}: finished replacing {files}, which an interrupted build had begun")
            else:
                lost = _roll_back(directory, entries)
                _finish(directory, entries)
                notes.append(f"{directory}: restored the previous {files}: an interrupted build had lost a "
                             f"temporary file" + (f"; could not restore {', '.join(lost)}" if lost else ""))
        stale = [p for name in names for pattern in (f".{name}.*.tmp", f".{name}.*.bak")
                 for p in directory.glob(pattern)] + list(directory.glob(f".{JOURNAL}.*.tmp"))
        for p in sorted(set(stale)):
            _unlink(p)
        if stale:
            notes.append(f"{directory}: removed {len(set(stale))} temporary file(s) an interrupted build left")
    return notes


def _backup(path: Path) -> str | None:
    """A hard link (or a copy) of path as `.NAME.XXXX.bak`, or None if path does not exist."""
    if not path.exists():
        return None
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak", dir=path.parent)
    os.close(fd)
    os.unlink(name)
    try:
        os.link(path, name)
    except OSError:
        import shutil
        shutil.copy2(path, name)
    return Path(name).name


def replace_together(files: Sequence[tuple[Path, str | bytes]]) -> list[Path]:
    """Replace several files of one folder as one unit: all of them, or (on
    failure) none; a build killed halfway is finished or undone by `recover`."""
    paths = [Path(p) for p, _ in files]
    directory = paths[0].parent
    if any(p.parent != directory for p in paths):
        raise ValueError("replace_together: the files must share one folder")
    directory.mkdir(parents=True, exist_ok=True)
    recover(directory, [p.name for p in paths])
    with _locked(directory):
        entries, made = [], []
        try:
            for path, content in files:
                data = content.encode("utf-8") if isinstance(content, str) else content
                tmp = write_temporary(Path(path), data)
                made.append(tmp)
                entries.append({"file": Path(path).name, "temp": tmp.name, "sha256": _sha256(data)})
            for e, path in zip(entries, paths):
                e["backup"] = _backup(path)
                if e["backup"] is not None:
                    made.append(directory / e["backup"])
            _fsync_dir(directory)
            tmp = write_temporary(directory / JOURNAL,
                                  json.dumps({"version": 1, "entries": entries}, indent=1).encode("utf-8"))
            made.append(tmp)
            os.replace(tmp, directory / JOURNAL)
            _fsync_dir(directory)
        except BaseException:
            for m in made:
                _unlink(m)
            raise
        _complete(directory, entries)
    return paths


def prepare_outputs(source: Path | None, out: Path | None) -> list[str]:
    """Before a build: refuse bad outputs (OutputError), then finish or undo a
    replacement an interrupted build left in OUT's folder. Returns notes."""
    out = Path(out) if out is not None else resources.default_output()
    outputs = check_outputs(source, out)
    return recover(out.parent, [o.name for o in outputs])


def build(source: Path | None = None, out: Path | None = None, *, validate: bool = True,
          registry: Registry | None = None, jurisdiction: str | None = None) -> BuildResult:
    """Extract, validate and write the graph. Raises OutputError (before any
    work), ExtractError, or BuildError; a failure writes nothing."""
    out = Path(out) if out is not None else resources.default_output()
    notes = prepare_outputs(source, out)
    result = extract(source, registry, jurisdiction=jurisdiction)
    result.warnings[:0] = notes
    if validate:
        from .graph import places_of
        from .validate import validate_graph
        data = result.graph + result.laws + result.basis
        if registry is not None and len(registry.extra):
            # the user's registry files are context like the shipped ones
            data += registry.extra + places_of(registry.extra)
        report = result.report = validate_graph(data)
        if not report.conforms:
            raise BuildError("the extracted graph does not conform to the shapes; "
                             "nothing was written:\n" + report.text())
        result.warnings.extend(report.warning_lines())
    outputs = output_paths(out)
    result.written_files = replace_together(
        list(zip(outputs, (result.turtle, to_turtle(result.laws), to_turtle(result.basis)))))
    result.written = out
    return result


def check(source: Path | None = None, out: Path | None = None, *, registry: Registry | None = None,
          jurisdiction: str | None = None) -> tuple[bool, BuildResult]:
    """Whether the committed data files equal a fresh build, byte for byte.

    A replacement an interrupted build left in OUT's folder is finished (or
    undone) first, so the files compared belong together."""
    out = Path(out) if out is not None else resources.default_output()
    check_out_name(out)
    recover(out.parent, [o.name for o in output_paths(out)])
    result = extract(source, registry, jurisdiction=jurisdiction)
    outputs = zip(output_paths(out), (result.turtle, to_turtle(result.laws), to_turtle(result.basis)))
    same = all(path.is_file() and path.read_bytes() == text.encode("utf-8") for path, text in outputs)
    return same, result
