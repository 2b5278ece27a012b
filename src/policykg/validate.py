"""SHACL validation with pySHACL: the gate between extraction and publication.

The data graph is validated together with the registries and vocabularies it
points into, with the ontology as pySHACL's ontology graph (RDFS inference),
so that a class's subclasses and a body's labels are seen.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from . import resources
from .iris import OA, PKG

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class InputError(ValueError):
    """A file that could not be read as RDF; the message says where."""


@dataclass
class Finding:
    severity: str
    focus: str
    path: str | None
    value: str | None
    message_zh: str
    message_en: str
    shape: str | None
    component: str | None
    measure: int | None = None      # the measure the finding is about, if any
    quote: str | None = None        # the words of the source it is about

    def line(self) -> str:
        where = f"measure {self.measure}: " if self.measure else ""
        quote = f" «{self.quote}»" if self.quote else ""
        return f"{self.severity}: {where}{self.message_zh} / {self.message_en}{quote}"


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    results_graph: Graph | None = None

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    def warning_lines(self) -> list[str]:
        return [f.line() for f in self.warnings]

    def text(self) -> str:
        """A report grouped by focus node, with the measure number and quoted words."""
        head = ("Conforms: yes" if self.conforms else "Conforms: NO") + \
            f" ({len(self.violations)} violations, {len(self.warnings)} warnings)"
        lines = [head]
        by_focus: dict[str, list[Finding]] = {}
        for f in self.findings:
            by_focus.setdefault(f.focus, []).append(f)
        for focus in sorted(by_focus):
            fs = by_focus[focus]
            first = fs[0]
            label = f"measure {first.measure} " if first.measure else ""
            quote = f"«{first.quote}» " if first.quote else ""
            lines.append(f"\n{label}{quote}<{focus}>")
            for f in fs:
                path = f" [{f.path}]" if f.path else ""
                value = f" value: {f.value}" if f.value else ""
                lines.append(f"  {f.severity}{path}: {f.message_zh} / {f.message_en}{value}")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"conforms": self.conforms,
                           "violations": len(self.violations), "warnings": len(self.warnings),
                           "findings": [asdict(f) for f in self.findings]},
                          ensure_ascii=False, indent=2)

    def to_turtle(self) -> str:
        return self.results_graph.serialize(format="turtle") if self.results_graph is not None else ""


def load_rdf(path: Path, graph: Graph | None = None) -> Graph:
    """Parse an RDF file; a syntax error names the file and line."""
    graph = graph if graph is not None else Graph()
    fmt = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".jsonld": "json-ld",
           ".n3": "n3", ".trig": "trig"}.get(Path(path).suffix.lower(), "turtle")
    try:
        graph.parse(path, format=fmt)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except Exception as e:            # rdflib raises several unrelated types
        raise InputError(f"{path}:{_syntax_error(e)}") from None
    return graph


def _syntax_error(e: Exception) -> str:
    """rdflib's parser message reduced to `line: reason`."""
    text = str(e)
    m = re.search(r"at line (\d+) of <[^>]*>:\s*Bad syntax \(([^)]*)\)", text)
    if m:
        return f"{m[1]}: not valid RDF: {m[2]}"
    m = re.search(r"line (\d+)", text)
    first = text.strip().splitlines()[0] if text.strip() else type(e).__name__
    return f"{m[1]}: not valid RDF: {first}" if m else f" not valid RDF: {first}"


COMPILED = "-sparql-"


def compile_sparql_targets(g: Graph) -> Graph:
    """Give each SPARQL constraint of a class-targeted shape a shape of its own
    whose SPARQL target selects the candidate focus nodes in one query.

    pySHACL parses a constraint's query again for every focus node (about 30 ms
    each), so per-node constraints over thousands of spans took seconds; run
    once as a target, the same query finds the few nodes that can fail, and
    the constraint then confirms and reports each. The generated shape is
    named `{shape}-sparql-{n}`; findings are reported under the original shape.
    Requires every constraint to be a plain `SELECT … WHERE { … }` whose
    pattern binds $this.
    """
    for shape in sorted(g.subjects(RDF.type, SH.NodeShape)):
        classes = sorted(g.objects(shape, SH.targetClass))
        constraints = sorted(g.objects(shape, SH.sparql), key=lambda c: str(g.value(c, SH.select)))
        if not classes or not constraints:
            continue
        in_classes = ", ".join(f"<{c}>" for c in classes)
        for n, c in enumerate(constraints, 1):
            new = URIRef(f"{shape}{COMPILED}{n}")
            g.remove((shape, SH.sparql, c))
            g.add((new, RDF.type, SH.NodeShape))
            g.add((new, SH.sparql, c))
            for p in (SH.severity, SH.message):
                for o in g.objects(shape, p):
                    g.add((new, p, o))
            query = str(g.value(c, SH.select)).replace("$this", "?this")
            body = query[query.index("{", query.index("WHERE")) + 1:query.rindex("}")]
            target = BNode()
            g.add((new, SH.target, target))
            g.add((target, RDF.type, SH.SPARQLTarget))
            for prefixes in g.objects(c, SH.prefixes):
                g.add((target, SH.prefixes, prefixes))
            # pySHACL's RDFS inference has typed every instance of a subclass
            g.add((target, SH.select, Literal(
                f"SELECT DISTINCT ?this WHERE {{\n  ?this a ?cls . FILTER (?cls IN ({in_classes}))\n{body}}}")))
    return g


def source_shape(shape: str | None) -> str | None:
    """The shape as written in the shapes file, for a compiled one too."""
    return shape.split(COMPILED, 1)[0] if shape else shape


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The shipped shapes as written (cached: do not modify)."""
    g = Graph()
    for f in sorted(resources.path("shapes").glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


@lru_cache(maxsize=1)
def compiled_shapes_graph() -> Graph:
    g = Graph()
    for t in shapes_graph():
        g.add(t)
    return compile_sparql_targets(g)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    g.parse(resources.path("ontology", "policykg.ttl"), format="turtle")
    return g


@lru_cache(maxsize=1)
def context_graph() -> Graph:
    """Vocabularies and registries the data points into (cached: do not modify)."""
    from .graph import places_of
    g = Graph()
    for f in resources.ontology_files() + resources.registry_files():
        if f.name != "policykg.ttl":
            g.parse(f, format="turtle")
    # the places the registry's bodies belong to (pkg:jurisdiction), as the data has them
    g += places_of(g)
    return g


def _is_chinese(text: str) -> bool:
    return bool(text) and "\u4e00" <= text[0] <= "\u9fff"


def _text(graph: Graph, node, lang: str, generic: frozenset[str] = frozenset()) -> str:
    """The result message in one language.

    pySHACL drops the language tag when it fills in {?var} placeholders, so
    untagged messages are told apart by convention: every zh message of our
    shapes starts with a Chinese character, every en message does not. It also
    adds the node shape's own message to each SPARQL result; the constraint's
    more specific message is preferred to that generic one.
    """
    messages = [o for o in graph.objects(node, SH.resultMessage) if isinstance(o, Literal)]
    specific = [o for o in messages if str(o) not in generic]
    messages = specific or messages
    for o in messages:
        if o.language == lang:
            return str(o)
    for o in sorted(messages):
        if not o.language and _is_chinese(str(o)) == (lang == "zh"):
            return str(o)
    return str(messages[0]) if messages else ""


def _context(data: Graph, focus) -> tuple[int | None, str | None]:
    """The measure number and the quoted words a focus node stands for."""
    if (focus, RDF.type, PKG.Measure) in data:
        n = data.value(focus, PKG.number)
        return (int(n) if n is not None else None), str(data.value(focus, PKG.title) or "") or None
    exact = data.value(focus, OA.exact)
    owner = data.value(focus, PKG.mentionIn)
    if owner is None:
        owner = data.value(predicate=PKG.hasTarget, object=focus)
        exact = exact or next((str(o) for o in data.objects(focus, RDFS.label)
                               if getattr(o, "language", None) == "zh"), None)
    n = data.value(owner, PKG.number) if owner is not None else None
    if exact is None:
        exact = next((str(o) for o in data.objects(focus, RDFS.label)), None)
    return (int(n) if n is not None else None), (str(exact) if exact is not None else None)


def validate_graph(data: Graph, *, with_context: bool = True) -> ValidationReport:
    """Validate a data graph against the shipped shapes."""
    full = Graph()
    for t in data:
        full.add(t)
    if with_context:
        for t in context_graph():
            full.add(t)
    shapes = compiled_shapes_graph()
    conforms, results, results_text = shacl_validate(
        full, shacl_graph=shapes, ont_graph=ontology_graph(),
        inference="rdfs", advanced=True, allow_warnings=True)
    generic = frozenset(str(m) for shape in shapes.subjects(RDF.type, SH.NodeShape)
                        for m in shapes.objects(shape, SH.message))
    if not isinstance(results, Graph):
        # pySHACL reports a broken shapes file as a failure object, not a report
        raise InputError(f"the shapes could not be applied: {results_text}")
    findings = []
    # only the report's own results: nested sh:detail results explain them
    for r in results.objects(None, SH.result):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        measure, quote = _context(full, focus)
        findings.append(Finding(
            severity=SEVERITIES.get(results.value(r, SH.resultSeverity), "Violation"),
            focus=str(focus), path=str(path) if isinstance(path, URIRef) else None,
            value=str(value) if value is not None else None,
            message_zh=_text(results, r, "zh", generic), message_en=_text(results, r, "en", generic),
            shape=source_shape(str(results.value(r, SH.sourceShape)))
            if isinstance(results.value(r, SH.sourceShape), URIRef) else None,
            component=str(results.value(r, SH.sourceConstraintComponent)),
            measure=measure, quote=quote))
    findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.path or "", f.message_en))
    return ValidationReport(bool(conforms), findings, results)


def validate_file(path: Path) -> ValidationReport:
    """Validate an RDF file (e.g. a hand-edited copy of data/measures.ttl)."""
    return validate_graph(load_rdf(path))
