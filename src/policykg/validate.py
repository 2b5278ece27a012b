"""SHACL validation with pySHACL: the gate between extraction and publication.

The data graph is validated together with the registries and vocabularies it
points into, with the ontology as pySHACL's ontology graph (RDFS inference),
so that a class's subclasses and a body's labels are seen.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from . import resources
from .iris import OA, PKG
from .targets import compile_sparql_targets, select_targets, source_shape

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


RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".jsonld": "json-ld",
               ".n3": "n3", ".trig": "trig"}

# The most triples `policykg validate` (and `reason`) take by default. pySHACL
# grows a little faster than the data and holds it all in memory: 195,450
# triples (23 copies of the shipped notice) took 35 s and 1.0 GB
# (benchmarks/validate_cli.py, 2026-12-01); 1.77 million took more than 10
# minutes and 7.6 GB with the code before that (rdflib's engine on the targets).
DEFAULT_MAX_TRIPLES = 200_000
# A file larger than this many bytes per allowed triple is refused unread. The
# shipped Turtle takes 73 (measures) to 96 (laws) bytes a triple, N-Triples
# about twice that, so a file under the triple limit is far under this one.
BYTES_PER_TRIPLE = 256


# `policykg validate` end to end (start-up, parsing, pySHACL with the registries),
# measured on this machine (2 cores, nothing else running) on synthetic corpora
# (benchmarks/validate_cli.py: the minimal fixture, then n copies of the notice
# with its legal basis, n = 1, 5, 15, 23; benchmarks/results/validate-cli-2026-12-01.txt):
# (triples in the file, seconds).
MEASURED_SECONDS = ((58, 0.6), (9_506, 2.1), (43_314, 7.1), (127_834, 21.0), (195_450, 33.3))


def estimate_seconds(triples: int) -> float:
    """Roughly how long `policykg validate` takes on a file of this many triples:
    MEASURED_SECONDS interpolated linearly, and past the last point extended
    with the growth between the last two (time ∝ triples^1.09)."""
    points = MEASURED_SECONDS
    if triples <= points[0][0]:
        return points[0][1]
    for (n0, t0), (n1, t1) in zip(points, points[1:]):
        if triples <= n1:
            return t0 + (t1 - t0) * (triples - n0) / (n1 - n0)
    (n0, t0), (n1, t1) = points[-2], points[-1]
    growth = math.log(t1 / t0) / math.log(n1 / n0)
    return t1 * (triples / n1) ** growth


def cost_line(triples: int) -> str:
    """What `policykg validate` says before it starts."""
    return (f"validating {triples:,} triple{'s' if triples != 1 else ''}, "
            f"about {_duration(estimate_seconds(triples))}")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def rdf_format(path: Path) -> str:
    return RDF_FORMATS.get(Path(path).suffix.lower(), "turtle")


_OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML", "n3": "N3", "trig": "TRIG",
               "json-ld": "JSON_LD"}


def count_triples(path: Path, stop: int | None = None) -> int | None:
    """Triples in an RDF file, read as a stream and abandoned past `stop`.

    None when the streaming parser rejects the file (rdflib, which reports
    the line, then has the last word)."""
    import pyoxigraph as ox
    fmt = getattr(ox.RdfFormat, _OX_FORMATS[rdf_format(path)])
    n = 0
    try:
        for _ in ox.parse(path=str(path), format=fmt, base_iri=Path(path).resolve().as_uri(), lenient=True):
            n += 1
            if stop is not None and n >= stop:
                break
    except (SyntaxError, ValueError, OSError):
        return None
    return n


def _remote_contexts(node, found: list[str]) -> list[str]:
    """URLs a JSON-LD document would fetch: string @context values and @import."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for c in value if isinstance(value, list) else [value]:
                    if isinstance(c, str):
                        found.append(c)
            elif key == "@import" and isinstance(value, str):
                found.append(value)
            _remote_contexts(value, found)
    elif isinstance(node, list):
        for item in node:
            _remote_contexts(item, found)
    return found


def check_json_ld(path: Path, raw: bytes) -> None:
    """Refuse a JSON-LD file whose context is elsewhere: rdflib would fetch it."""
    try:
        text = raw.decode("utf-8")
        doc = json.loads(text)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: byte {e.start} is not UTF-8; JSON-LD is read as UTF-8") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    remote = _remote_contexts(doc, [])
    if remote:
        url = remote[0]
        at = text.find(json.dumps(url)[1:-1])
        line, col = (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)) if at >= 0 else (1, 1)
        raise InputError(f"{path}:{line}:{col}: the JSON-LD context {url!r} is not in the file; "
                         f"policykg never fetches URLs: put the context itself in the file")


def check_rdf_file(path: Path, max_triples: int | None = None) -> int | None:
    """Before a file is parsed: it exists, is not too large, refers to nothing remote,
    and holds triples. Returns the triple count (None if only rdflib can read it).

    The byte size is checked before anything is read, and triples are counted
    from a stream that stops past the limit, so an oversized file costs little.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    if max_triples is not None and size > max_triples * BYTES_PER_TRIPLE:
        raise InputError(f"{path}: the file is {size / 1e6:,.1f} MB, more than --max-triples "
                         f"{max_triples:,} allows ({max_triples * BYTES_PER_TRIPLE / 1e6:,.1f} MB at "
                         f"{BYTES_PER_TRIPLE} bytes a triple), so it was not read; validate notice by notice, "
                         f"or raise --max-triples")
    if rdf_format(path) == "json-ld":
        check_json_ld(path, path.read_bytes())
    count = count_triples(path, None if max_triples is None else max_triples + 1)
    if count == 0:
        raise InputError(f"{path}: no data: the file holds no triples")
    if count is not None and max_triples is not None and count > max_triples:
        raise InputError(f"{path}: more than {max_triples:,} triples, the limit (--max-triples "
                         f"{max_triples:,}: pySHACL takes about {_duration(estimate_seconds(max_triples))} "
                         f"for that many, and grows faster than the data); validate notice by notice, "
                         f"or raise --max-triples")
    return count


def load_rdf(path: Path, graph: Graph | None = None, *, max_triples: int | None = None,
             announce=None) -> Graph:
    """Parse an RDF file; a syntax error names the file and line.

    The file is opened here and handed to rdflib as a stream, so a path is
    never taken for a URL; JSON-LD contexts that are not in the file are
    refused (see check_json_ld). With max_triples, larger files and files
    without triples are refused (InputError) before being parsed; announce,
    if given, is called with the triple count first.
    """
    path = Path(path)
    count = check_rdf_file(path, max_triples) if max_triples is not None else None
    if max_triples is None and rdf_format(path) == "json-ld" and path.is_file():
        check_json_ld(path, path.read_bytes())
    if announce is not None and count is not None:
        announce(count)
    graph = graph if graph is not None else Graph()
    before = len(graph)
    fmt = rdf_format(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    if fmt != "xml":                  # RDF/XML may declare its encoding; the others are UTF-8
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            raise InputError(f"{path}:{line}: byte {e.start} is not UTF-8; {fmt} files are read as UTF-8") from None
    try:
        graph.parse(data=raw, format=fmt, publicID=path.resolve().as_uri())
    except Exception as e:            # rdflib raises several unrelated types
        raise InputError(f"{path}:{_syntax_error(e)}") from None
    if max_triples is not None:
        added = len(graph) - before
        if added == 0:
            raise InputError(f"{path}: no data: the file holds no triples")
        if added > max_triples:
            raise InputError(f"{path}: {added:,} triples, more than --max-triples {max_triples:,}")
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


# The predicates RDFS inference combines with a data triple (rdfs2, 3, 7, 9) or with each other.
_SCHEMA = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)


def _rdfs_closure(g: Graph) -> Graph:
    """pySHACL's own RDFS pre-inference (inference="rdfs"), in place (policykg.rdfs)."""
    from .rdfs import rdfs_closure
    return rdfs_closure(g)


@lru_cache(maxsize=1)
def closed_context() -> tuple[Graph, Graph]:
    """The RDFS closure of the context and the ontology, and the schema triples of that closure
    (computed once per process; cached: do not modify)."""
    g = Graph()
    g += context_graph()
    g += ontology_graph()
    _rdfs_closure(g)
    schema = Graph()
    for p in _SCHEMA:
        schema += g.triples((None, p, None))
    return g, schema


def _closed(data: Graph) -> Graph | None:
    """The RDFS closure of the data with the context and ontology, as pySHACL would infer it before
    validating, but without closing the ~2,600 context and ontology triples again for every notice
    (a third of each validation): every RDFS rule that derives something from a data triple needs
    only that triple and schema triples, so closure(context ∪ data) = closure(context) ∪
    closure(schema of closure(context) ∪ data) when the data adds no schema triples of its own
    (None then: the caller infers over the whole)."""
    if any(next(iter(data.triples((None, p, None))), None) for p in _SCHEMA):
        return None
    context, schema = closed_context()
    own = Graph()
    own += schema
    own += data
    full = Graph()
    full += context
    full += _rdfs_closure(own)
    return full


def validate_graph(data: Graph, *, with_context: bool = True, fast: bool = True) -> ValidationReport:
    """Validate a data graph against the shipped shapes.

    `fast` closes the context once per process instead of once per call (see _closed), infers
    with policykg.rdfs and has Oxigraph select the SPARQL targets (policykg.targets); the
    findings are the same (tests/test_synthetic.py, tests/test_targets.py), fast=False is
    pySHACL's own inference and target selection over the whole."""
    # pySHACL (and the rdflib SPARQL engine it loads) is 0.45 s of import: every `policykg`
    # command would pay it at start, most never validate
    from pyshacl import validate as shacl_validate
    shapes = compiled_shapes_graph()
    full = _closed(data) if fast and with_context else None
    if full is not None:
        selected = select_targets(shapes, full)
        conforms, results, results_text = shacl_validate(
            full, shacl_graph=shapes if selected is None else selected, inference="none", inplace=True,
            advanced=True, allow_warnings=True, do_owl_imports=False)
    else:
        full = Graph()
        for t in data:
            full.add(t)
        if with_context:
            for t in context_graph():
                full.add(t)
        # do_owl_imports off (pySHACL's default, stated): owl:imports in the data must never be fetched
        conforms, results, results_text = shacl_validate(
            full, shacl_graph=shapes, ont_graph=ontology_graph(),
            inference="rdfs", advanced=True, allow_warnings=True, do_owl_imports=False)
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


def validate_graphs(graphs: list[Graph]) -> list[ValidationReport]:
    """Each graph's report as validate_graph gives it alone, from one pySHACL run over their union
    where that is the same: the context (registries, vocabularies, ontology) costs as much to
    validate as a notice, so a bulk ingest validates notices in batches.

    The union is validated only when the graphs describe no node differently (a node two notices
    share, such as an unresolved body of one city, has the same triples in both), so that no
    graph can supply what another lacks; each finding then belongs to the graphs whose subject it
    is. When the union does not conform, or the graphs overlap otherwise, each is validated alone,
    so that violations are reported exactly as a single ingest reports them.
    """
    if len(graphs) < 2 or not _disjoint_descriptions(graphs):
        return [validate_graph(g) for g in graphs]
    union = Graph()
    for g in graphs:
        union += g
    together = validate_graph(union)
    if not together.conforms:
        return [validate_graph(g) for g in graphs]
    reports = []
    for g in graphs:
        subjects = {str(s) for s in g.subjects()}
        reports.append(ValidationReport(True, [f for f in together.findings if f.focus in subjects]))
    return reports


def _disjoint_descriptions(graphs: list[Graph]) -> bool:
    described: dict = {}
    for g in graphs:
        for s in set(g.subjects()):
            own = frozenset(g.predicate_objects(s))
            if described.setdefault(s, own) != own:
                return False
    return True


def validate_file(path: Path, *, max_triples: int | None = DEFAULT_MAX_TRIPLES,
                  announce=None) -> ValidationReport:
    """Validate an RDF file (e.g. a hand-edited copy of data/measures.ttl).

    Refuses (InputError) a file without triples or with more than max_triples
    (None: no limit), before parsing it; announce(n) is called with the
    triple count before the work starts."""
    return validate_graph(load_rdf(path, max_triples=max_triples, announce=announce))
