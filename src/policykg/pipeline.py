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


@dataclass
class BuildResult:
    document: Document
    graph: Graph
    turtle: str
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


def extract(source: Path | None = None, registry: Registry | None = None) -> BuildResult:
    """Parse a notice and turn it into RDF, without validating or writing."""
    source = Path(source) if source is not None else resources.default_source()
    registry = registry or load_registry()
    text = read_source(source)
    shown = display_path(source)
    doc = parse(text, shown, registry.instrument_matcher(), registry.group_matcher())
    graph, warnings = to_graph(doc, registry, text, shown)
    return BuildResult(doc, graph, to_turtle(graph), doc.warnings + warnings)


def atomic_write(path: Path, text: str) -> None:
    """Write text to path through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def build(source: Path | None = None, out: Path | None = None, *, validate: bool = True,
          registry: Registry | None = None) -> BuildResult:
    """Extract, validate and write the graph. Raises BuildError or ExtractError."""
    result = extract(source, registry)
    if validate:
        from .validate import validate_graph
        report = result.report = validate_graph(result.graph)
        if not report.conforms:
            raise BuildError("the extracted graph does not conform to the shapes; "
                             "nothing was written:\n" + report.text())
        result.warnings.extend(report.warning_lines())
    out = Path(out) if out is not None else resources.default_output()
    atomic_write(out, result.turtle)
    result.written = out
    return result


def check(source: Path | None = None, out: Path | None = None) -> tuple[bool, BuildResult]:
    """Whether the committed data file equals a fresh build, byte for byte."""
    result = extract(source)
    out = Path(out) if out is not None else resources.default_output()
    current = out.read_bytes() if out.exists() else b""
    return current == result.turtle.encode("utf-8"), result
