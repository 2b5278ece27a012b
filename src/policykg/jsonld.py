"""JSON-LD that reads as plain JSON: one context for the whole dataset, terms for properties.

pyoxigraph writes expanded JSON-LD (every key a full IRI, every value an object), which
no one reads as JSON. Here each property gets a short term (`title`, `label`,
`responsibleBody`), with its values coerced by what the data holds for it: IRIs as
strings (`"@type": "@id"`), language-tagged text as a language map
(`"label": {"zh": "张掖市", "en": "…"}`), one datatype as plain strings. A property
whose values mix kinds keeps full value objects. The context is derived from the data, so
every triple comes back when the document is read as JSON-LD (a test parses each dump).
"""
from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox

from .iris import PKG, PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# what the published files abbreviate besides the data's own prefixes
EXTRA_PREFIXES = {
    "void": "http://rdfs.org/ns/void#", "wd": "http://www.wikidata.org/entity/",
    "ls": "https://w3id.org/policykg/id/linkset/", "event": "https://w3id.org/policykg/id/event/",
}


def all_prefixes() -> dict[str, str]:
    return {**{p: str(ns) for p, ns in PREFIXES.items()}, **EXTRA_PREFIXES}


def _prefixes() -> list[tuple[str, str]]:
    # longest namespace first, so body: wins over the id/ base
    return sorted(all_prefixes().items(), key=lambda x: -len(x[1]))


def compact_iri(iri: str, prefixes=None) -> str:
    for p, ns in prefixes or _prefixes():
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            if ":" not in local and not local.startswith("/"):
                return f"{p}:{local}"
    return iri


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _kind(o) -> str:
    if isinstance(o, (ox.NamedNode, ox.BlankNode)):
        return "@id"
    if o.language:
        return "@language"
    return o.datatype.value


def context(triples) -> dict:
    """The context for these triples: prefixes, then one term per property."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value != RDF_TYPE:
            kinds[t.predicate.value].add(_kind(t.object))
    ctx: dict = dict(sorted(all_prefixes().items()))
    taken: dict[str, str] = {}
    # pkg: terms first: they own the bare names (pkg:title before dct:title)
    for iri in sorted(kinds, key=lambda i: (not i.startswith(str(PKG)), i)):
        name = _local(iri)
        if not name or name in ctx or name in taken or name.startswith("@") or ":" in name:
            name = compact_iri(iri)
            if name == iri:
                continue                      # no prefix: stays a full IRI key
        taken[name] = iri
        k = kinds[iri]
        definition: dict = {"@id": compact_iri(iri)}
        if len(k) == 1:
            only = next(iter(k))
            if only == "@language":
                definition["@container"] = "@language"
            elif only == "@id":
                definition["@type"] = "@id"
            elif only != XSD_STRING:
                definition["@type"] = compact_iri(only)
        ctx[name] = definition
    return ctx


def _value(o, definition: dict | None):
    coerce = (definition or {}).get("@type")
    if isinstance(o, (ox.NamedNode, ox.BlankNode)):
        ref = f"_:{o.value}" if isinstance(o, ox.BlankNode) else compact_iri(o.value)
        return ref if coerce == "@id" else {"@id": ref}
    if o.language:
        return {"@value": o.value, "@language": o.language}
    if coerce is not None or o.datatype.value == XSD_STRING:
        return o.value                      # the term's datatype, or a plain string
    return {"@value": o.value, "@type": compact_iri(o.datatype.value)}


def document(triples) -> dict:
    """A JSON-LD document (context inline, one node object per subject, sorted)."""
    triples = list(triples)
    ctx = context(triples)
    term_of = {(d["@id"] if isinstance(d, dict) else None): name for name, d in ctx.items()}
    nodes: dict[str, dict] = {}
    for t in triples:
        s = t.subject
        sid = f"_:{s.value}" if isinstance(s, ox.BlankNode) else compact_iri(s.value)
        node = nodes.setdefault(sid, {"@id": sid})
        p = t.predicate.value
        if p == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact_iri(t.object.value))
            continue
        name = term_of.get(compact_iri(p))
        definition = ctx.get(name) if name else None
        key = name or p
        if definition and definition.get("@container") == "@language":
            node.setdefault(key, {}).setdefault(t.object.language, []).append(t.object.value)
        else:
            node.setdefault(key, []).append(_value(t.object, definition))
    graph = []
    for sid in sorted(nodes):
        node = nodes[sid]
        out = {"@id": node.pop("@id")}
        for key in sorted(node, key=lambda k: (k != "@type", k)):
            v = node[key]
            if isinstance(v, dict):                          # a language map
                v = {lang: sorted(vals)[0] if len(vals) == 1 else sorted(vals) for lang, vals in sorted(v.items())}
            else:
                v = sorted(v, key=lambda x: json.dumps(x, ensure_ascii=False, sort_keys=True))
                v = v[0] if len(v) == 1 else v
            out[key] = v
        graph.append(out)
    return {"@context": ctx, "@graph": graph}


def dumps(triples) -> bytes:
    return json.dumps(document(triples), ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


def expanded(triples) -> list[dict]:
    """Expanded JSON-LD (full IRIs, value objects, `@type` for rdf:type) of result triples
    (`policykg.store.Triple`, terms as `policykg.results.Term`): what an entity page embeds.
    Built directly: through an rdflib Graph and its serializer it took half of a measure
    page's time."""
    nodes: dict[str, dict[str, list]] = {}
    seen = set()
    for t in triples:
        if (t.subject, t.predicate, t.object) in seen:
            continue                    # a CONSTRUCT may give a triple twice; a graph holds it once
        seen.add((t.subject, t.predicate, t.object))
        s = t.subject
        node = nodes.setdefault(f"_:{s.value}" if s.kind == "bnode" else s.value, {})
        o = t.object
        if t.predicate.value == RDF_TYPE and o.kind == "uri":
            node.setdefault("@type", []).append(o.value)
        elif o.kind == "uri":
            node.setdefault(t.predicate.value, []).append({"@id": o.value})
        elif o.kind == "bnode":
            node.setdefault(t.predicate.value, []).append({"@id": f"_:{o.value}"})
        elif o.lang:
            node.setdefault(t.predicate.value, []).append({"@language": o.lang, "@value": o.value})
        elif o.datatype:
            node.setdefault(t.predicate.value, []).append({"@type": o.datatype, "@value": o.value})
        else:
            node.setdefault(t.predicate.value, []).append({"@value": o.value})
    out = []
    for sid in sorted(nodes):
        node = {"@id": sid}
        for key in sorted(nodes[sid], key=lambda k: (k != "@type", k)):
            values = nodes[sid][key]
            node[key] = sorted(values) if key == "@type" else sorted(values, key=lambda v: sorted(v.items()))
        out.append(node)
    return out
