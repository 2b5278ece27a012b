"""The build pipeline: source text → records → graph → checks → data file.

Nothing is written unless every step succeeded, and the data file is replaced
atomically, so a failed build leaves the previous good output in place.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from . import resources
from .extract import Document, ExtractError, parse
from .graph import to_graph
from .registry import Registry, load_registry
from .serialize import to_turtle

if TYPE_CHECKING:
    from .validate import ValidationReport


class BuildError(Exception):
    """The build did not produce a publishable graph; nothing was written."""


LAWS_OUTPUT = ("data", "laws.ttl")
BASIS_OUTPUT = ("data", "legal-basis.ttl")


@dataclass
class BuildResult:
    document: Document
    graph: Graph
    turtle: str
    laws: Graph | None = None              # law texts: structure and version changes
    basis: Graph | None = None             # measure → article links with evidence
    warnings: list[str] = field(default_factory=list)
    written: Path | None = None
    report: "ValidationReport | None" = None


def read_source(path: Path) -> str:
    """The source exactly as shipped: UTF-8, newlines untouched."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError as e:
        raise ExtractError(str(path), "", 0, f"not UTF-8 text (byte {e.start}): {e.reason}") from None


def display_path(path: Path) -> str:
    """The path recorded in the data: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(resources.root().resolve()).as_posix()
    except ValueError:
        return path.name


def extract(source: Path | None = None, registry: Registry | None = None, *,
            title: str | None = None, jurisdiction: str | None = None) -> BuildResult:
    """Parse a notice and turn it into RDF, without validating or writing.

    `title` supplies the notice's title where its text has none; `jurisdiction`
    (a GB/T 2260 code) says whose bodies its short names are.
    """
    source = Path(source) if source is not None else resources.default_source()
    registry = registry or load_registry()
    text = read_source(source)
    shown = display_path(source)
    doc = parse(text, shown, registry.instrument_matcher(), registry.group_matcher(),
                registry.platform_matcher(), title=title)
    graph, warnings = to_graph(doc, registry, text, shown, jurisdiction=jurisdiction)
    laws, basis = legal_graphs(doc, graph, registry, text)
    return BuildResult(doc, graph, to_turtle(graph), laws=laws, basis=basis, warnings=doc.warnings + warnings)


def legal_graphs(doc: Document, graph: Graph, registry: Registry, text: str) -> tuple[Graph, Graph]:
    """The law texts as ELI subdivisions, version changes, and the measures' article-level basis."""
    from .iris import PKG
    from .laws import law_files, law_graph, parse_law
    from .legal_basis import basis_graph, changes_graph, link, passages_of, sentences
    from rdflib.namespace import RDF
    laws = {law: parse_law(path) for law, path in law_files(registry.graph).items()}
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
    doc_iri = next(graph.subjects(RDF.type, PKG.PolicyDocument))
    sents = [s for m in doc.measures for s in sentences(m.number, m.text.text, m.text.start)]
    links = link(sents, passages_of(laws, registry.graph, doc.header.date))
    return structure, basis_graph(doc_iri, doc.measures, links, text, laws)


def atomic_write(path: Path, text: str) -> None:
    """Write text to path through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        # mkstemp makes the file private (0600); a data file is for everyone to read
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def build(source: Path | None = None, out: Path | None = None, *, validate: bool = True,
          registry: Registry | None = None, jurisdiction: str | None = None) -> BuildResult:
    """Extract, validate and write the graph. Raises BuildError or ExtractError."""
    result = extract(source, registry, jurisdiction=jurisdiction)
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
    out = Path(out) if out is not None else resources.default_output()
    atomic_write(out, result.turtle)
    for graph, name in ((result.laws, LAWS_OUTPUT[1]), (result.basis, BASIS_OUTPUT[1])):
        atomic_write(out.with_name(name), to_turtle(graph))
    result.written = out
    return result


def check(source: Path | None = None, out: Path | None = None, *, registry: Registry | None = None,
          jurisdiction: str | None = None) -> tuple[bool, BuildResult]:
    """Whether the committed data file equals a fresh build, byte for byte."""
    result = extract(source, registry, jurisdiction=jurisdiction)
    out = Path(out) if out is not None else resources.default_output()
    outputs = [(out, result.turtle), (out.with_name(LAWS_OUTPUT[1]), to_turtle(result.laws)),
               (out.with_name(BASIS_OUTPUT[1]), to_turtle(result.basis))]
    same = all(path.exists() and path.read_bytes() == text.encode("utf-8") for path, text in outputs)
    return same, result
