"""Saved queries: data, not code.

Each `queries/NAME.rq` starts with a front-matter block of `#` comment lines
between `# ---` markers holding TOML: zh and en titles and descriptions, the
parameters (name, type, required or default, an example) and the columns it
returns. The CLI help, the web form and the docs all read this one
declaration.

A parameter value is resolved to one RDF term by its type and then bound as a
term (see `store.bind`), never pasted into the query text.
"""
from __future__ import annotations

import re
import time
import tomllib
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from . import resources
from .extract.rules import numeral_value
from .results import ResultSet, Term, TermError
from .store import QueryError, Store

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
PARAMETER_TYPES = {
    "measure": "a measure: its number (9, 九, （九）) or IRI",
    "body": "a government body: any spelling the notice uses, its full name, or IRI",
    "document": "a legal document: its title, part of it, or IRI",
    "concept": "a vocabulary concept: its label, notation, or IRI",
    "text": "free text",
    "integer": "a whole number",
}
SCHEME_IRIS = {"instruments": "sch:instruments", "target-groups": "sch:target-groups", "platforms": "sch:platforms"}
SCHEMES = set(SCHEME_IRIS)
MAX_TEXT = 200


class FrontMatterError(ValueError):
    """A saved query file whose front matter is missing or malformed."""


class ParameterError(ValueError):
    """A parameter that is unknown, missing, or does not resolve."""

    def __init__(self, message: str, parameter: str | None = None, value: str | None = None,
                 suggestions: tuple[str, ...] = ()):
        self.parameter = parameter
        self.value = value                  # the value given, when it names nothing
        self.suggestions = suggestions      # the nearest names that do name something
        super().__init__(message)


def nearest(raw: str, names, n: int = 5) -> tuple[str, ...]:
    """The names close to a misspelt one (市财务局 → 市财政局); none rather than a far-fetched guess."""
    import difflib
    return tuple(difflib.get_close_matches(raw, list(names), n=n, cutoff=0.6))


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool = True
    default: str | None = None
    example: str | None = None
    variable: str = ""
    scheme: str | None = None
    label: Mapping[str, str] = field(default_factory=dict)
    # the variable of the measures whose title or text must hold a text parameter's words: a
    # store that keeps its measures' texts (texts.py) runs the query for those measures only
    narrows: str | None = None

    def describe(self) -> str:
        need = "required" if self.required else (f"default {self.default}" if self.default else "optional")
        return f"{self.name} ({self.type}, {need})"


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    sparql: str
    path: Path
    chart: Mapping[str, str] = field(default_factory=dict)   # {"label": col, "value": col}
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)   # column → {zh, en}
    coded: tuple[str, ...] = ()        # columns whose values are @en labels of ontology terms ("restates")
    values: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)  # column → value → {zh, en}
    links: Mapping[str, Mapping] = field(default_factory=dict)   # column → {query, params: {param: column}} or {entity: column}
    label_columns: tuple[str, ...] = ()   # IRI columns whose downloads get a COLUMN_label beside

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def header(self, column: str, lang: str) -> str:
        """The column's title in the page language (its variable name if none is declared)."""
        return self.headers.get(column, {}).get(lang) or column

    def accepted(self) -> str:
        return ", ".join(p.describe() for p in self.parameters) or "no parameters"


_FENCE = re.compile(r"^#\s*---\s*$")


def parse_saved_query(path: Path, text: str | None = None) -> SavedQuery:
    text = text if text is not None else path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise FrontMatterError(f"{path}:1: a saved query starts with a `# ---` front-matter block")
    try:
        end = next(i for i in range(1, len(lines)) if _FENCE.match(lines[i]))
    except StopIteration:
        raise FrontMatterError(f"{path}:1: the front-matter block is never closed with `# ---`") from None
    for i in range(1, end):
        if not lines[i].startswith("#"):
            raise FrontMatterError(f"{path}:{i + 1}: front-matter lines start with #")
    toml = "\n".join(re.sub(r"^# ?", "", l) for l in lines[1:end])
    try:
        meta = tomllib.loads(toml)
    except tomllib.TOMLDecodeError as e:
        raise FrontMatterError(f"{path}: front matter: {e} (lines counted from line 2)") from None
    name = path.stem

    def need(key: str, kind: type):
        if not isinstance(meta.get(key), kind):
            raise FrontMatterError(f"{path}: front matter needs `{key}` ({kind.__name__})")
        return meta[key]
    title, description = need("title", dict), need("description", dict)
    for key, value in (("title", title), ("description", description)):
        if not {"zh", "en"} <= set(value):
            raise FrontMatterError(f"{path}: `{key}` needs zh and en")
    params = []
    for raw in meta.get("parameters", []):
        if raw.get("type") not in PARAMETER_TYPES:
            raise FrontMatterError(f"{path}: parameter {raw.get('name')!r} has type {raw.get('type')!r}; "
                                   f"types are {', '.join(PARAMETER_TYPES)}")
        if "narrows" in raw and raw["type"] != "text":
            raise FrontMatterError(f"{path}: parameter {raw['name']!r} narrows {raw['narrows']!r}, but only "
                                   "a text parameter's words can narrow the measures searched")
        if raw["type"] == "concept" and raw.get("scheme") not in SCHEMES:
            raise FrontMatterError(f"{path}: concept parameter {raw['name']!r} needs scheme "
                                   f"{' or '.join(sorted(SCHEMES))}")
        params.append(Parameter(
            name=raw["name"], type=raw["type"],
            required=bool(raw.get("required", "default" not in raw)),
            default=None if raw.get("default") is None else str(raw["default"]),
            example=None if raw.get("example") is None else str(raw["example"]),
            variable=raw.get("variable", raw["name"]), scheme=raw.get("scheme"),
            label=raw.get("label", {}), narrows=raw.get("narrows")))
    columns = tuple(need("columns", list))
    for key in ("coded", "label_columns"):
        for column in meta.get(key, []):
            if column not in columns:
                raise FrontMatterError(f"{path}: `{key}` names {column!r}, which is not one of the columns")
    for column, link in meta.get("links", {}).items():
        if column not in columns or not ("query" in link or link.get("entity") in columns):
            raise FrontMatterError(f"{path}: links.{column} needs a column of the query, and a `query` to link "
                                   "to or an `entity` column whose page lists what it counts")
    return SavedQuery(name, title, description, tuple(params), columns,
                      "\n".join(lines[end + 1:]).strip() + "\n", path, meta.get("chart", {}),
                      meta.get("headers", {}), tuple(meta.get("coded", [])), meta.get("values", {}),
                      meta.get("links", {}), tuple(meta.get("label_columns", [])))


@lru_cache(maxsize=4)
def _load(directory: Path) -> dict[str, SavedQuery]:
    return {p.stem: parse_saved_query(p) for p in sorted(directory.glob("*.rq"))}


@lru_cache(maxsize=1)
def _shipped() -> Path:
    return resources.path("queries").resolve()


def _loaded(directory: Path | None) -> dict[str, SavedQuery]:
    # the shipped folder is resolved once: a page runs several saved queries by name,
    # and resolving the path each time cost 20 µs a call, a third of a small query
    return _load(Path(directory).resolve() if directory else _shipped())


def load_queries(directory: Path | None = None) -> dict[str, SavedQuery]:
    """The saved queries, by name (the shipped `queries/` by default)."""
    return dict(_loaded(directory))


def get_query(name: str, directory: Path | None = None) -> SavedQuery:
    queries = _loaded(directory)
    if name not in queries:
        close = nearest(name, queries)
        guess = f"did you mean {' or '.join(close)}? " if close else ""
        raise ParameterError(f"no saved query {name!r}; {guess}saved queries: {', '.join(sorted(queries))}",
                             None, name, close)
    return queries[name]


# --- resolving parameter values to RDF terms ------------------------------------------

BODY_NAMES = "skos:prefLabel skos:altLabel skos:hiddenLabel pkg:abbreviation rdfs:label"
DOC_TITLES = "pkg:citedTitle pkg:officialTitle skos:prefLabel rdfs:label"
CONCEPT_NAMES = "skos:prefLabel skos:altLabel skos:notation"


def _answer(store: Store, sparql: str, variables: tuple[str, ...],
            bindings: Mapping[str, Term] | None = None) -> list[tuple[str, ...]]:
    """The values of the named variables, for rows that bind them all.

    Read by name, and checked: an endpoint that answers with other variables
    gets a QueryError naming it, not an IndexError."""
    rs = store.select(sparql, bindings) if bindings else store.select(sparql)
    missing = [v for v in variables if v not in rs.variables]
    if missing:
        raise QueryError(f"{store.name}: the answer has the variables {', '.join(rs.variables) or 'none'}, "
                         f"not {', '.join('?' + v for v in missing)} that the query selects")
    at = [rs.variables.index(v) for v in variables]
    return [tuple(r[i].value for i in at) for r in rs.rows if all(r[i] is not None for i in at)]


def _pairs(store: Store, sparql: str, variables: tuple[str, str]) -> list[tuple[str, str]]:
    return _answer(store, sparql, variables)


def _by_any(predicates: str, value: str) -> str:
    """A group: ?x has `value` by any of these predicates. A union, not `?x ?p value . VALUES ?p
    {…}`: given that, the engine read every triple of those predicates first (every label of
    10,000 notices, 34 s for the bodies' names), where the union starts from ?x (0.13 s)."""
    return "{ " + " UNION ".join(f"{{ ?x {p} {value} }}" for p in predicates.split()) + " }"


class NameIndex:
    """Every name a parameter may use, read from a store once, each kind when first asked for.

    The stores are read-only, so the index cannot go stale; resolving a
    parameter is then a dictionary lookup instead of a label scan per call.
    A value given as an IRI needs none of it (see `_held`): reading every
    measure and body of 10,000 notices took a server's first saved query
    tens of seconds. `lazy=False` reads every kind now.
    """

    KINDS = ("bodies", "measure_numbers", "concepts", "concept_labels", "documents", "cited")

    def __init__(self, store: Store, *, lazy: bool = False):
        # weakly: the index is kept per store (name_index), and must not keep an old store alive
        self._store = weakref.ref(store)
        self.resolved: dict[tuple, Term] = {}
        self.numbered: dict[int, list[str]] = {}      # measure number → the measures bearing it
        if not lazy:
            for kind in self.KINDS:
                getattr(self, kind)

    @property
    def store(self) -> Store:
        store = self._store()
        if store is None:
            raise QueryError("the store of this name index is closed")
        return store

    @cached_property
    def bodies(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for iri, name in _pairs(self.store, f"SELECT ?x ?name WHERE {{ {{ ?x pkg:level ?level }} UNION "
                                            f"{{ ?x a pkg:UnresolvedBody }} {_by_any(BODY_NAMES, '?name')} }}",
                                ("x", "name")):
            out.setdefault(name, set()).add(iri)
        return out

    @cached_property
    def body_iris(self) -> set[str]:
        return {i for iris in self.bodies.values() for i in iris}

    @cached_property
    def measure_numbers(self) -> list[int]:
        """The numbers some measure has, in order. Read as the few distinct values of pkg:number
        (one index range: parts and articles are numbered too), each then looked up for a measure
        holding it. Reading every measure's number took the form of measure-text 1.9 to 3.3 s at
        10,000 notices, this 0.1 s (benchmarks/results/form-page-10000-2026-11-30.txt)."""
        store, numbers = self.store, set()
        for (value,) in store.select("SELECT DISTINCT ?n WHERE { ?x pkg:number ?n }").rows:
            held = _answer(store, "SELECT ?x WHERE { ?x pkg:number ?n ; a pkg:Measure } LIMIT 1", ("x",),
                           {"n": value})
            if not held:
                continue
            try:
                numbers.add(int(value.value))
            except ValueError:
                raise QueryError(f"{store.name}: measure {held[0][0]} has the number {value.value!r}, "
                                 "not an integer") from None
        return sorted(numbers)

    @cached_property
    def concepts(self) -> dict[str, dict[str, set[str]]]:
        out: dict[str, dict[str, set[str]]] = {}
        for scheme, scheme_iri in SCHEME_IRIS.items():
            names: dict[str, set[str]] = {}
            for iri, name in _pairs(self.store, f"SELECT ?x ?name WHERE {{ ?x skos:inScheme {scheme_iri} ; ?p ?name . "
                                                f"VALUES ?p {{ {CONCEPT_NAMES} }} }}", ("x", "name")):
                names.setdefault(name.lower(), set()).add(iri)
            out[scheme] = names
        return out

    @cached_property
    def concept_labels(self) -> dict[str, list[str]]:
        return {scheme: sorted(n for _, n in _pairs(
            self.store, f"SELECT ?x ?l WHERE {{ ?x skos:inScheme {scheme_iri} ; skos:prefLabel ?l FILTER (lang(?l) = 'zh') }}",
            ("x", "l")))
            for scheme, scheme_iri in SCHEME_IRIS.items()}

    @cached_property
    def documents(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for iri, title in _pairs(self.store, f"SELECT ?x ?title WHERE {{ ?x a pkg:LegalDocument . "
                                             f"{_by_any(DOC_TITLES, '?title')} }}", ("x", "title")):
            out.setdefault(iri, set()).add(title)
        return out

    @cached_property
    def cited(self) -> set[str]:
        return {x for (x,) in _answer(self.store, "SELECT DISTINCT ?x WHERE { ?m pkg:cites ?x }", ("x",))}


_INDEXES: "weakref.WeakKeyDictionary[Store, NameIndex]" = weakref.WeakKeyDictionary()


def pick_list(store: Store, param: Parameter) -> list[str]:
    """The values a form offers for a parameter that names things in the data (none for text)."""
    index = name_index(store)
    if param.type == "body":
        return sorted(index.bodies, key=lambda name: (name[:1].isascii(), name))   # the Chinese names first
    if param.type == "document":
        return sorted({t for titles in index.documents.values() for t in titles})
    if param.type == "concept":
        return index.concept_labels[param.scheme]
    if param.type == "measure":
        return [str(n) for n in index.measure_numbers]
    return []


def things(store: Store, param: Parameter) -> list[str]:
    """One value per thing a parameter can name, where they are few (a scheme's concepts, the
    legal documents): what `answers.warm` answers ahead. Bodies and measures run to thousands
    in a large corpus, and text is free."""
    index = name_index(store)
    if param.type == "document":
        return sorted(index.documents)                   # by IRI: a title in each language names it too
    if param.type == "concept":
        return index.concept_labels[param.scheme]
    return []


def name_index(store: Store) -> NameIndex:
    index = _INDEXES.get(store)
    if index is None:
        index = _INDEXES[store] = NameIndex(store, lazy=True)
    return index


# What the name index asks of a thing of each kind, as a group over ?x binding ?v: a value given
# as an IRI is checked by this one lookup of that IRI
MEASURE_NUMBER = "?x a pkg:Measure ; pkg:number ?v"
BODY_NAME = f"{{ ?x pkg:level ?level }} UNION {{ ?x a pkg:UnresolvedBody }} {_by_any(BODY_NAMES, '?v')}"
DOCUMENT_TITLE = f"?x a pkg:LegalDocument . {_by_any(DOC_TITLES, '?v')}"


def _held(store: Store, iri: str | None, pattern: str) -> list[str]:
    """The values ?v of `pattern` for ?x = iri: what the name index holds for that IRI, read
    by one indexed lookup instead of the whole index. Empty for an IRI that cannot be a term
    (the index then says why the value is refused)."""
    if iri is None:
        return []
    try:
        term = Term.iri(iri)
    except TermError:
        return []
    return [v for (v,) in _answer(store, f"SELECT ?v WHERE {{ {pattern} }}", ("v",), {"x": term})]


def _iri(store: Store, raw: str) -> str | None:
    """A full IRI, or prefix:local with one of the store's prefixes."""
    if re.match(r"^https?://", raw):
        return raw
    m = re.match(r"^([a-z]+):([A-Za-z0-9_./%-]+)$", raw)
    if m and m[1] in store.prefixes:
        return store.prefixes[m[1]] + m[2]
    return None


def resolve(store: Store, param: Parameter, raw: str) -> Term:
    """The RDF term a parameter value stands for; ParameterError if none (or many).

    Answers are remembered per store: the stores are read-only, and a saved
    query run again (a web form, a permalink) should not resolve again.
    """
    raw = raw.strip()
    where = f"parameter {param.name!r}"
    if not raw:
        raise ParameterError(f"{where} is empty", param.name)
    memo = name_index(store).resolved
    key = (param.type, param.scheme, raw)
    if key in memo:
        return memo[key]
    try:
        term = memo[key] = _RESOLVERS[param.type](store, param, raw, where)
    except TermError as e:
        raise ParameterError(f"{where}: {e}", param.name) from None
    return term


def _text(store, param, raw, where) -> Term:
    if len(raw) > MAX_TEXT:
        raise ParameterError(f"{where} is longer than {MAX_TEXT} characters", param.name)
    return Term.literal(raw)


def _integer(store, param, raw, where) -> Term:
    if not re.fullmatch(r"[+-]?\d{1,9}", raw):
        raise ParameterError(f"{where} must be a whole number, not {raw!r}", param.name)
    return Term.literal(str(int(raw)), XSD_INTEGER)


def _given_iri(store, param, raw, where, known, what: str) -> Term | None:
    """The term for a value given as an IRI (or prefix:local) the index knows; None for a name."""
    iri = _iri(store, raw)
    if iri is None:
        return None
    if iri not in known:
        raise ParameterError(f"{where}: {iri} is not {what}", param.name)
    return Term.iri(iri)


def _integers(values: list[str]) -> bool:
    try:
        return all(int(v) is not None for v in values)
    except ValueError:
        return False


def measures_numbered(store: Store, n: int) -> list[str]:
    """The measures numbered n, by one index lookup of that number (7,187 of them, 0.15 s, at
    10,000 notices, where the name index read all 116,579), remembered per store like the
    names: in a corpus a bare number names one measure per notice, and is refused each time."""
    memo = name_index(store).numbered
    found = memo.get(n)
    if found is None:
        found = sorted(x for (x,) in _answer(store, f"SELECT ?x WHERE {{ {MEASURE_NUMBER} }}", ("x",),
                                             {"v": Term.literal(str(n), XSD_INTEGER)}))
        if found:                   # (only numbers measures bear: a client's other numbers are not kept)
            memo[n] = found
    return found


def _measure(store, param, raw, where) -> Term:
    iri = _iri(store, raw)
    if iri is not None:
        numbers = _held(store, iri, MEASURE_NUMBER)
        if not numbers:
            raise ParameterError(f"{where}: {iri} is not a measure", param.name)
        if not _integers(numbers):
            raise QueryError(f"{store.name}: measure {iri} has the number {numbers[0]!r}, not an integer")
        return Term.iri(iri)
    try:
        n = numeral_value(raw.strip("（）() "))
    except ValueError:
        raise ParameterError(f"{where} must be a measure number (9, 九, （九）) or IRI, not {raw!r}",
                             param.name) from None
    found = measures_numbered(store, n)
    if not found:
        numbers = name_index(store).measure_numbers
        span = f"; measures are numbered {numbers[0]}–{numbers[-1]}" if numbers else ""
        raise ParameterError(f"{where}: there is no measure {n}{span}", param.name)
    if len(found) > 1:
        raise ParameterError(f"{where}: {len(found)} documents have a measure {n}; give its IRI: "
                             + ", ".join(found[:10]), param.name)
    return Term.iri(found[0])


def _body(store, param, raw, where) -> Term:
    iri = _iri(store, raw)
    if _held(store, iri, BODY_NAME):
        return Term.iri(iri)
    index = name_index(store)
    if (term := _given_iri(store, param, raw, where, index.body_iris, "a government body")) is not None:
        return term
    found = sorted(index.bodies.get(raw, ()))
    if len(found) == 1:
        return Term.iri(found[0])
    if found:
        # 市财政局 of Zhangye, of Shanghai, of Chengdu …: a short name is each city's own
        raise ParameterError(f"{where}: «{raw}» names {len(found)} bodies of different places; give the full "
                             f"name (e.g. with the city) or an IRI: {', '.join(found[:10])}", param.name)
    near = sorted({i for name, iris in index.bodies.items() if raw in name for i in iris})[:8]
    hint = f"; bodies whose names contain it: {', '.join(near)}" if near else ""
    close = nearest(raw, index.bodies)
    guess = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ParameterError(f"{where}: no body is called «{raw}»{guess}{hint}", param.name, raw, close)


def _document(store, param, raw, where) -> Term:
    iri = _iri(store, raw)
    if _held(store, iri, DOCUMENT_TITLE):
        return Term.iri(iri)
    index = name_index(store)
    if (term := _given_iri(store, param, raw, where, index.documents, "a legal document")) is not None:
        return term
    text = raw.strip("《》")
    candidates = sorted(i for i, titles in index.documents.items() if any(text in t for t in titles))
    # prefer an exact title, then a document some measure actually cites
    for keep in (lambda i: text in index.documents[i], lambda i: i in index.cited):
        if len(candidates) == 1:
            break
        candidates = [i for i in candidates if keep(i)] or candidates
    if len(candidates) == 1:
        return Term.iri(candidates[0])
    if not candidates:
        close = nearest(text, {t for titles in index.documents.values() for t in titles})
        guess = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ParameterError(f"{where}: no legal document has «{raw}» in its title{guess}", param.name, raw, close)
    raise ParameterError(f"{where}: «{raw}» matches {len(candidates)} documents; give more of the title "
                         f"or an IRI: {', '.join(candidates)}", param.name)


def _concept(store, param, raw, where) -> Term:
    index = name_index(store)
    names = index.concepts[param.scheme]
    known = {i for iris in names.values() for i in iris}
    if (term := _given_iri(store, param, raw, where, known, f"a concept of {param.scheme}")) is not None:
        return term
    found = sorted(names.get(raw.lower(), ()))
    if len(found) == 1:
        return Term.iri(found[0])
    close = nearest(raw, index.concept_labels[param.scheme])
    guess = f"did you mean {' or '.join(close)}? " if close else ""
    raise ParameterError(f"{where}: no {param.scheme} concept is called «{raw}»; {guess}"
                         f"concepts: {'、'.join(index.concept_labels[param.scheme])}", param.name, raw, close)


_RESOLVERS = {"text": _text, "integer": _integer, "measure": _measure, "body": _body,
              "document": _document, "concept": _concept}


def bindings_for(store: Store, query: SavedQuery, params: Mapping[str, str]) -> dict[str, Term]:
    """Check names, apply defaults, resolve every value to a term."""
    if not query.names.issuperset(params):
        unknown = sorted(set(params) - query.names)
        raise ParameterError(f"{query.name}: unknown parameter {', '.join(map(repr, unknown))}; "
                             f"it accepts: {query.accepted()}", unknown[0])
    bindings = {}
    for p in query.parameters:
        raw = params.get(p.name, p.default)
        if raw is None or raw == "":
            if p.required:
                raise ParameterError(f"{query.name}: missing parameter {p.name!r}; "
                                     f"it accepts: {query.accepted()}", p.name)
            continue
        bindings[p.variable] = resolve(store, p, str(raw))
    return bindings


NOTICE = "notice"      # every saved query takes it: answer for one notice of the corpus


def notice_store(store: Store, raw: str) -> Store:
    """The view of `store` that holds one notice: by its corpus id, or its graph or document IRI."""
    from .corpus import GRAPH_BASE
    notices = store.notices() if hasattr(store, "notices") else set()
    raw = raw.strip()
    graph = raw if raw.startswith(GRAPH_BASE) else GRAPH_BASE + raw
    if graph not in notices:
        by_document = {g for g in notices if raw.startswith("http") and raw.rstrip("/").rsplit("/", 1)[-1] == g.rsplit("/", 1)[-1]}
        if len(by_document) == 1:
            graph = by_document.pop()
        else:
            ids = ", ".join(sorted(g[len(GRAPH_BASE):] for g in notices)) or "none (no corpus is loaded)"
            raise ParameterError(f"parameter {NOTICE!r}: no notice {raw!r} in the corpus; notices: {ids}", NOTICE)
    return store.view(graph)


def narrowed(store: Store, query: SavedQuery, bindings: Mapping[str, Term]) -> str:
    """The query's text, restricted by a VALUES block to the measures whose title or text holds
    the words of a parameter that `narrows` them, where the store keeps its measures' texts
    (texts.py) and they can tell; else the query as written. The IRIs come from the store's
    own file, written as terms; the query's FILTER still decides which rows are answers."""
    from .store import where_brace
    texts = store.texts
    if texts is None:
        return query.sparql
    for p in query.parameters:
        if p.narrows and (words := bindings.get(p.variable)) is not None:
            holding = texts.holding(words.value)
            if holding is None:
                continue
            block = f" VALUES ?{p.narrows} {{ {' '.join(Term.iri(i).n3() for i in holding)} }} "
            at = where_brace(query.sparql) + 1
            return query.sparql[:at] + block + query.sparql[at:]
    return query.sparql


def run_saved_query(store: Store, query: SavedQuery | str, params: Mapping[str, str] | None = None
                    ) -> ResultSet:
    """Run a saved query with its parameters bound as RDF terms.

    `notice` (a corpus id) restricts any saved query to one notice and the shared graphs."""
    query = get_query(query) if isinstance(query, str) else query
    params = dict(params or {})
    if NOTICE not in query.names:
        notice = params.pop(NOTICE, None)
        if notice:
            store = notice_store(store, notice)
    bindings = bindings_for(store, query, params)
    kept, key = store.answers, None
    if kept is not None:
        key = kept.key(store.prepared(query.sparql, bindings), store.graph)
        answer = kept.get(key)
        if answer is not None:
            return answer
    started = time.perf_counter()
    try:
        result = store.select(narrowed(store, query, bindings), bindings)
    except QueryError as e:
        raise QueryError(f"{query.path.name}: {e.message}", e.line, e.column) from None
    missing = [c for c in query.columns if c not in result.variables]
    if missing:
        raise QueryError(f"{store.name}: the answer to {query.name} has the columns "
                         f"{', '.join(result.variables) or 'none'}, not {', '.join(missing)}")
    if key is not None:
        kept.put(key, result, time.perf_counter() - started)
    return result
