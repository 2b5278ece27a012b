"""HTML pages: home, and a page for every entity of the data."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, render_template, url_for

from ..results import Term
from ..summary import COUNTS
from .i18n import lang

bp = Blueprint("pages", __name__)

PKG = "https://w3id.org/policykg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")


def store():
    return current_app.extensions["policykg"]["store"]


def local_path(iri: str) -> str | None:
    """The app's URL for an IRI of the data, or None for outside IRIs."""
    base = current_app.config["PUBLIC_BASE"]
    if iri.startswith(base):
        return url_for("linked_data.resource", path=iri[len(base):])
    return None


def label_of(iri: str) -> str:
    """The label in the current language (zh first), else the IRI's last segment."""
    rows = store().select("SELECT ?l WHERE { ?x skos:prefLabel|rdfs:label ?l }", {"x": Term.iri(iri)}).rows
    by_lang = {}
    for (l,) in rows:
        by_lang.setdefault((l.lang or "").split("-")[0], l.value)
    return by_lang.get(lang()) or by_lang.get("zh") or by_lang.get("") or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def describe(iri: str) -> list[tuple[str, Term]]:
    rows = store().select("SELECT ?p ?o WHERE { ?x ?p ?o } ORDER BY ?p ?o", {"x": Term.iri(iri)}).rows
    return [(p.value, o) for p, o in rows]


def incoming(iri: str, limit: int = 300) -> list[tuple[str, str]]:
    rows = store().select(f"SELECT ?s ?p WHERE {{ ?s ?p ?x FILTER (?p != pkg:denotes) }} ORDER BY ?p ?s LIMIT {limit}",
                          {"x": Term.iri(iri)}).rows
    return [(s.value, p.value) for s, p in rows if s.kind == "uri"]


def value_view(o: Term) -> dict:
    if o.kind == "uri":
        return {"iri": o.value, "href": local_path(o.value), "label": label_of(o.value)}
    return {"text": o.value, "lang": o.lang, "datatype": o.datatype}


def jsonld_of(iri: str) -> str:
    from .linked_data import graph_for
    data = json.loads(graph_for(iri).serialize(format="json-ld"))
    return data


@bp.route("/")
def home():
    s = store()
    counts = {name: int(s.select(q).rows[0][0].value) for name, q in COUNTS.items()}
    doc = s.select("SELECT ?d ?n ?t ?date ?issuer ?src ?sha ?path WHERE { ?d a pkg:PolicyDocument ; "
                   "pkg:documentNumber ?n ; pkg:title ?t ; pkg:dateIssued ?date ; pkg:issuedBy ?issuer ; "
                   "dct:source ?src . ?src pkg:sha256 ?sha ; pkg:path ?path } ORDER BY ?d").dicts()
    docs = [{"href": local_path(d["d"].value), "number": d["n"].value, "title": d["t"].value,
             "date": d["date"].value, "issuer": label_of(d["issuer"].value), "sha256": d["sha"].value,
             "path": d["path"].value} for d in doc]
    return render_template("home.html", docs=docs, counts=counts)


def measure_view(iri: str) -> dict:
    s = store()
    x = {"x": Term.iri(iri)}
    # a measure written as a plain paragraph has no title, nor a numeral of its own
    head = s.select("SELECT ?n ?numeral ?title ?text ?start ?part ?doc WHERE { ?x pkg:number ?n ; "
                    "pkg:text ?text ; pkg:textSpan/oa:start ?start ; pkg:inPart ?part ; pkg:inDocument ?doc "
                    "OPTIONAL { ?x pkg:numeral ?numeral } OPTIONAL { ?x pkg:title ?title } }", x).dicts()
    if not head:
        abort(404)
    h = head[0]
    mentions = s.select("SELECT ?m ?s ?e ?o ?p WHERE { ?x pkg:hasMention ?m . ?m oa:start ?s ; oa:end ?e ; "
                        "pkg:denotes ?o ; pkg:forProperty ?p } ORDER BY ?s", x).rows
    text, start = h["text"].value, int(h["start"].value)
    segments, at = [], 0
    for _, ms, me, o, p in mentions:
        a, b = int(ms.value) - start, int(me.value) - start
        if a < at or b > len(text) or a < 0:
            continue                    # outside this text (a note from another measure) or overlapping
        segments.append({"text": text[at:a]})
        segments.append({"text": text[a:b], "href": local_path(o.value), "kind": p.value.rsplit("#", 1)[-1],
                         "title": label_of(o.value)})
        at = b
    segments.append({"text": text[at:]})

    def related(prop: str) -> list[dict]:
        rows = s.select(f"SELECT DISTINCT ?o WHERE {{ ?x {prop} ?o }} ORDER BY ?o", x).rows
        return [value_view(o) for (o,) in rows]
    targets = s.select("SELECT ?label ?v ?u ?c WHERE { ?x pkg:hasTarget ?t . ?t rdfs:label ?label ; "
                       "pkg:value ?v ; pkg:unit/skos:notation ?u ; pkg:comparator/skos:notation ?c "
                       "FILTER (lang(?label) = 'zh') } ORDER BY ?label", x).dicts()
    n = int(h["n"].value)
    neighbours = s.select("SELECT ?m ?n WHERE { ?m pkg:inDocument ?doc ; pkg:number ?n "
                          "FILTER (?n = ?before || ?n = ?after) }",
                          {"doc": h["doc"], "before": Term.literal(str(n - 1), "http://www.w3.org/2001/XMLSchema#integer"),
                           "after": Term.literal(str(n + 1), "http://www.w3.org/2001/XMLSchema#integer")}).rows
    by_number = {int(num.value): local_path(m.value) for m, num in neighbours}
    basis = [dict(b, **passages(b["node"], text, start)) for b in (
        {"node": r["b"].value, "article": value_view(r["a"]), "kind": label_of(r["kind"].value),
         "score": r["score"].value}
        for r in s.select("SELECT ?b ?a ?kind ?score WHERE { ?x pkg:hasLegalBasis ?b . ?b pkg:article ?a ; "
                          "pkg:basisKind ?kind ; pkg:score ?score } ORDER BY DESC(?score) ?a", x).dicts())]
    return {"number": n, "numeral": h["numeral"].value if "numeral" in h else str(n), "title": h["title"].value if "title" in h else "", "segments": segments,
            "basis": basis,
            "part": value_view(h["part"]), "document": value_view(h["doc"]),
            "responsible": related("pkg:responsibleBody"), "implementers": related("pkg:implementingBody"),
            "cites": [dict(value_view(r["o"]), rank=r["rank"].value if "rank" in r else None) for r in s.select(
                "SELECT ?o (SAMPLE(?r) AS ?rank) WHERE { ?x pkg:cites|pkg:plansDocument ?o . OPTIONAL { ?o a ?c . "
                "?c rdfs:subClassOf pkg:LegalDocument ; rdfs:label ?r FILTER (lang(?r) = 'zh') } } GROUP BY ?o ORDER BY ?o",
                x).dicts()],
            "instruments": related("pkg:usesInstrument"), "groups": related("pkg:servesTargetGroup"),
            "platforms": related("pkg:involvesPlatform"),
            "targets": [{k: v.value for k, v in t.items()} for t in targets],
            "previous": by_number.get(n - 1), "next": by_number.get(n + 1)}


def _saved(name: str, **params) -> list[dict]:
    from ..queries import run_saved_query
    return run_saved_query(store(), name, params).dicts()


def document_view(iri: str) -> dict:
    rows = store().select("SELECT ?p ?pn ?pt ?m ?mn ?mt WHERE { ?p pkg:inDocument ?x ; a pkg:Part ; pkg:number ?pn ; "
                          "rdfs:label ?pt FILTER (lang(?pt) = 'zh') ?m pkg:inPart ?p ; pkg:number ?mn ; "
                          "rdfs:label ?mt FILTER (lang(?mt) = 'zh') } ORDER BY ?pn ?mn", {"x": Term.iri(iri)}).rows
    parts: dict[str, dict] = {}
    for p, _, pt, m, _, mt in rows:
        part = parts.setdefault(p.value, {"href": local_path(p.value), "label": pt.value, "measures": []})
        part["measures"].append({"href": local_path(m.value), "label": mt.value})
    return {"kind": "document", "parts": list(parts.values())}


def body_view(iri: str) -> dict:
    measures = [{"href": local_path(r["measure"].value), "label": f"（{r['number'].value}）{r['title'].value}"}
                for r in _saved("measures-by-department", department=iri)]
    partners = [{"href": local_path(r["body_b"].value), "label": label_of(r["body_b"].value),
                 "count": r["shared"].value} for r in _saved("co-responsibility", department=iri)]
    written = store().select("SELECT ?w (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m pkg:denotes ?x ; oa:exact ?w } "
                             "GROUP BY ?w ORDER BY DESC(?n) ?w", {"x": Term.iri(iri)}).rows
    return {"kind": "body", "measures": measures, "partners": partners,
            "variants": [(w.value, n.value) for w, n in written]}


def legal_view(iri: str) -> dict:
    citing = [{"href": local_path(r["measure"].value),
               "label": f"（{r['number'].value}）{r['title'].value}", "quote": r["quote"].value}
              for r in store().select(
                  "SELECT ?measure ?number ?title ?quote WHERE { ?measure pkg:cites|pkg:plansDocument ?x ; "
                  "pkg:number ?number ; pkg:title ?title ; pkg:hasMention ?m . ?m pkg:denotes ?x ; "
                  "pkg:sentenceSpan/oa:exact ?quote } ORDER BY ?number", {"x": Term.iri(iri)}).dicts()]
    chain = [value_view(o) for (o,) in store().select(
        "SELECT DISTINCT ?o WHERE { { ?x pkg:implements+ ?o } UNION { ?o pkg:implements+ ?x } "
        "UNION { ?x pkg:supersededBy|pkg:versionOf ?o } UNION { ?o pkg:supersededBy|pkg:versionOf ?x } } ORDER BY ?o",
        {"x": Term.iri(iri)}).rows]
    changes = [{"label": r["label"].value, "kind": r["kind"].value.rsplit("#", 1)[-1],
                "old": value_view(r["old"]) if "old" in r else None, "new": value_view(r["new"]) if "new" in r else None}
               for r in store().select(
                   "SELECT ?c ?label ?kind ?old ?new ?k WHERE { ?c a pkg:ArticleChange ; pkg:number ?k ; "
                   "pkg:changeKind ?kind ; rdfs:label ?label . OPTIONAL { ?c pkg:fromArticle ?old } "
                   "OPTIONAL { ?c pkg:toArticle ?new } FILTER (STRSTARTS(STR(?c), CONCAT(STR(?x), '/changes/'))) } "
                   "ORDER BY ?k", {"x": Term.iri(iri)}).dicts()]
    articles = [{"anchor": f"a{r['n'].value}", "label": r["num"].value, "href": local_path(r["a"].value),
                 "text": r["text"].value, "measures": r["ms"].value.split(", ") if "ms" in r and r["ms"].value else []}
                for r in store().select(
                    "SELECT ?a ?n ?num ?text (GROUP_CONCAT(DISTINCT STR(?mn); separator=', ') AS ?ms) WHERE { "
                    "?a a pkg:Article ; eli:is_part_of+ ?x ; pkg:number ?n ; eli:number ?num ; pkg:text ?text . "
                    "OPTIONAL { ?b pkg:article ?a . ?m pkg:hasLegalBasis ?b ; pkg:number ?mn } } "
                    "GROUP BY ?a ?n ?num ?text ORDER BY ?n", {"x": Term.iri(iri)}).dicts()]
    return {"kind": "legal", "citing": citing, "chain": chain, "changes": changes, "articles": articles}


VIEWS = {PKG + "PolicyDocument": document_view, PKG + "GovernmentBody": body_view,
         PKG + "CollectiveBody": body_view, PKG + "UnresolvedBody": body_view, PKG + "LegalDocument": legal_view}


def marked(text: str, offset: int, runs: list[tuple[int, int]]) -> list[dict]:
    """text (starting at offset in its file) cut into segments, the runs marked."""
    out, at = [], 0
    for s, e in sorted(runs):
        a, b = s - offset, e - offset
        if a < at or a < 0 or b > len(text):
            continue
        out += [{"text": text[at:a]}, {"text": text[a:b], "mark": True}]
        at = b
    return out + [{"text": text[at:]}]


def passages(basis: str, measure_text: str, measure_start: int) -> dict:
    """Both passages of a legal-basis link, the shared words marked: the measure's
    sentences that hold the evidence, and the article's paragraph that does."""
    s = store()
    b = {"b": Term.iri(basis)}
    ev = s.select("SELECT ?side ?s ?e WHERE { { ?b pkg:measureEvidence ?sp BIND ('m' AS ?side) } UNION "
                  "{ ?b pkg:articleEvidence ?sp BIND ('a' AS ?side) } ?sp oa:start ?s ; oa:end ?e }", b).rows
    m_runs = [(int(r[1].value), int(r[2].value)) for r in ev if r[0].value == "m"]
    a_runs = [(int(r[1].value), int(r[2].value)) for r in ev if r[0].value == "a"]
    lo = min(a for a, _ in m_runs) - measure_start
    hi = max(e for _, e in m_runs) - measure_start
    while lo > 0 and measure_text[lo - 1] not in "。；":
        lo -= 1
    while hi < len(measure_text) and measure_text[hi - 1] not in "。；":
        hi += 1
    para = s.select("SELECT ?text ?start WHERE { ?b pkg:article ?a . ?a eli:has_part ?p . "
                    "?p pkg:text ?text ; pkg:textSpan ?sp . ?sp oa:start ?start ; oa:end ?end "
                    "FILTER (?start <= ?first && ?last <= ?end) }",
                    dict(b, first=Term.literal(str(min(a for a, _ in a_runs)), "http://www.w3.org/2001/XMLSchema#integer"),
                         last=Term.literal(str(max(e for _, e in a_runs)), "http://www.w3.org/2001/XMLSchema#integer"))).dicts()
    article = marked(para[0]["text"].value, int(para[0]["start"].value), a_runs) if para else []
    return {"measure_passage": marked(measure_text[lo:hi], measure_start + lo, m_runs), "article_passage": article}


def render_entity(iri: str):
    props = describe(iri)
    if not props:
        abort(404)
    types = [o.value for p, o in props if p == RDF_TYPE]
    context = {"iri": iri, "label": label_of(iri), "types": [value_view(Term.iri(t)) for t in types],
               "properties": [(value_view(Term.iri(p)), value_view(o)) for p, o in props if p != RDF_TYPE],
               "incoming": [(value_view(Term.iri(p)), value_view(Term.iri(s))) for s, p in incoming(iri)],
               "jsonld": jsonld_of(iri)}
    if PKG + "Measure" in types:
        return render_template("measure.html", m=measure_view(iri), **context)
    view = next((VIEWS[ty](iri) for ty in types if ty in VIEWS), None)
    return render_template("entity.html", view=view, **context)
