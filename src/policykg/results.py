"""Query results: one term type for every backend, and the W3C result formats.

Formats: SPARQL 1.1 Query Results JSON and XML, the SPARQL 1.1 CSV and TSV
formats, and an aligned terminal table that measures Chinese characters as
two columns wide.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double")}
_FORBIDDEN_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


class TermError(ValueError):
    """A value that cannot be an RDF term."""


class Term(NamedTuple):
    """An RDF term as the SPARQL results formats see it.

    A named tuple rather than a dataclass: results convert thousands of terms
    and a tuple is built several times faster than a frozen dataclass.
    """
    kind: str                       # "uri", "literal" or "bnode"
    value: str
    datatype: str | None = None     # literals only; None means xsd:string
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> "Term":
        if not value or _FORBIDDEN_IN_IRI.search(value) or ":" not in value:
            raise TermError(f"not an absolute IRI: {value!r}")
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> "Term":
        if lang is not None and not _LANG.match(lang):
            raise TermError(f"not a language tag: {lang!r}")
        if datatype is not None:
            cls.iri(datatype)
            if datatype in (XSD_STRING, RDF_LANGSTRING):
                datatype = None
        return cls("literal", value, datatype, lang)

    def n3(self) -> str:
        """N-Triples / SPARQL syntax, escaped: safe to place in a query."""
        if self.kind == "uri":
            Term.iri(self.value)
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = '"' + (self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                      .replace("\r", "\\r").replace("\t", "\\t")) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^<{self.datatype}>"
        return text

    def plain(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


@dataclass
class ResultSet:
    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    truncated: bool = False
    truncated_by: str | None = None       # "rows" or "bytes": the bound that cut it short

    def column(self, name: str) -> list[Term | None]:
        i = self.variables.index(name)
        return [r[i] for r in self.rows]

    def values(self, name: str) -> list[str | None]:
        return [t.value if t is not None else None for t in self.column(name)]

    def dicts(self) -> list[dict[str, Term]]:
        return [{v: t for v, t in zip(self.variables, r) if t is not None} for r in self.rows]


# --- SPARQL 1.1 Query Results JSON -------------------------------------------------

def _json_term(t: Term) -> dict:
    d = {"type": t.kind, "value": t.value}
    if t.lang:
        d["xml:lang"] = t.lang
    elif t.datatype:
        d["datatype"] = t.datatype
    return d


def to_json(rs: ResultSet) -> str:
    return json.dumps({
        "head": {"vars": rs.variables},
        "results": {"bindings": [{v: _json_term(t) for v, t in zip(rs.variables, row) if t is not None}
                                 for row in rs.rows]},
    }, ensure_ascii=False, indent=1)


class ResultsError(ValueError):
    """An answer that is not well-formed SPARQL 1.1 Query Results JSON; says where."""


TERM_KINDS = {"uri", "literal", "typed-literal", "bnode"}


def term_from_json(d: dict, where: str = "a term") -> Term:
    if not isinstance(d, dict):
        raise ResultsError(f"{where} is not an object")
    kind, value = d.get("type"), d.get("value")
    if kind not in TERM_KINDS:
        raise ResultsError(f"{where} has type {kind!r}; types are {', '.join(sorted(TERM_KINDS))}")
    if not isinstance(value, str):
        raise ResultsError(f"{where} has no string value")
    if kind in ("literal", "typed-literal"):     # typed-literal: SPARQL 1.0 JSON, still seen
        lang = d.get("xml:lang")
        datatype = None if lang else d.get("datatype")
        if not isinstance(lang, (str, type(None))) or not isinstance(datatype, (str, type(None))):
            raise ResultsError(f"{where} has a language or datatype that is not a string")
        return Term("literal", value, None if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype, lang)
    return Term(kind, value)


def read_json(text: str | bytes | dict) -> dict:
    """A SPARQL JSON answer as a dict; ResultsError if it is not JSON or not an object."""
    if isinstance(text, dict):
        return text
    try:
        data = json.loads(text)
    except ValueError as e:                       # JSONDecodeError, or bytes that are not UTF-8
        raise ResultsError(f"not JSON: {e}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"not a JSON object but {type(data).__name__}")
    return data


def ask_from_json(text: str | bytes | dict) -> bool:
    data = read_json(text)
    if isinstance(data.get("boolean"), bool):
        return data["boolean"]
    # Virtuoso 7.2 answers ASK as a table of one column: a row holding 1 (true) or no row
    if (data.get("head") or {}).get("vars") == ["__ASK_RETVAL"]:
        rows = from_json(data).rows
        return any(row[0] is not None and row[0].value not in ("0", "false") for row in rows)
    raise ResultsError("an ASK answer has no boolean")


def from_json(text: str | bytes | dict) -> ResultSet:
    """A ResultSet from SPARQL 1.1 JSON results; ResultsError names what is malformed."""
    data = read_json(text)
    head, results = data.get("head"), data.get("results")
    if not isinstance(head, dict):
        raise ResultsError("no head object")
    variables = head.get("vars", [])
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise ResultsError("head.vars is not a list of names")
    if not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        raise ResultsError("no results.bindings list")
    rows = []
    for n, b in enumerate(results["bindings"]):
        if not isinstance(b, dict):
            raise ResultsError(f"results.bindings[{n}] is not an object")
        rows.append(tuple(term_from_json(b[v], f"results.bindings[{n}].{v}") if v in b else None
                          for v in variables))
    return ResultSet(variables, rows)


# --- SPARQL Query Results XML --------------------------------------------------------

def to_xml(rs: ResultSet) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    out += [f"    <variable name={quoteattr(v)}/>" for v in rs.variables]
    out += ["  </head>", "  <results>"]
    for row in rs.rows:
        out.append("    <result>")
        for v, t in zip(rs.variables, row):
            if t is None:
                continue
            if t.kind == "uri":
                inner = f"<uri>{escape(t.value)}</uri>"
            elif t.kind == "bnode":
                inner = f"<bnode>{escape(t.value)}</bnode>"
            elif t.lang:
                inner = f"<literal xml:lang={quoteattr(t.lang)}>{escape(t.value)}</literal>"
            elif t.datatype:
                inner = f"<literal datatype={quoteattr(t.datatype)}>{escape(t.value)}</literal>"
            else:
                inner = f"<literal>{escape(t.value)}</literal>"
            out.append(f"      <binding name={quoteattr(v)}>{inner}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


# --- SPARQL 1.1 CSV and TSV ----------------------------------------------------------

def to_csv(rs: ResultSet) -> str:
    """CSV: values only (no types), RFC 4180 quoting, CRLF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(rs.variables)
    for row in rs.rows:
        w.writerow(["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row])
    return buf.getvalue()


def _tsv_term(t: Term | None) -> str:
    if t is None:
        return ""
    if t.kind == "literal" and t.datatype in NUMERIC and re.fullmatch(r"[+-]?[0-9.eE+-]+", t.value):
        return t.value                  # numbers may be written bare (Turtle shorthand)
    return t.n3()


def to_tsv(rs: ResultSet) -> str:
    """TSV: ?var header, terms in Turtle syntax, LF line ends."""
    lines = ["\t".join(f"?{v}" for v in rs.variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rs.rows]
    return "\n".join(lines) + "\n"


# --- terminal table ----------------------------------------------------------------------

def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in text)


def _cell(t: Term | None, prefixes: dict[str, str]) -> str:
    if t is None:
        return ""
    if t.kind == "uri":
        for p, ns in prefixes.items():
            if t.value.startswith(ns) and len(t.value) > len(ns):
                return f"{p}:{t.value[len(ns):]}"
    return t.value.replace("\n", " ")


def to_table(rs: ResultSet, prefixes: dict[str, str] | None = None, max_width: int = 60) -> str:
    prefixes = prefixes or {}
    header = list(rs.variables)
    body = [[_cell(t, prefixes) for t in row] for row in rs.rows]

    def clip(s: str) -> str:
        if display_width(s) <= max_width:
            return s
        out, w = "", 0
        for c in s:
            cw = display_width(c)
            if w + cw > max_width - 1:
                return out + "…"
            out += c
            w += cw
        return out
    body = [[clip(c) for c in row] for row in body]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return " │ ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()
    out = [line(header), "─┼─".join("─" * w for w in widths)]
    out += [line(r) for r in body]
    out.append(f"({len(rs.rows)} row{'s' if len(rs.rows) != 1 else ''}{', truncated' if rs.truncated else ''})")
    return "\n".join(out) + "\n"


FORMATS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "xml": to_xml}
MEDIA_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "table": "text/plain",
}


def render(rs: ResultSet, fmt: str, prefixes: dict[str, str] | None = None) -> str:
    if fmt == "table":
        return to_table(rs, prefixes)
    return FORMATS[fmt](rs)
