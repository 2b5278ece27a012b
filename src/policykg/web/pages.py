"""HTML pages: home, and a page for every entity of the data."""
from __future__ import annotations

import re

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
    return display(by_lang.get(lang()) or by_lang.get("zh") or by_lang.get("")
                   or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def labels_of(iris) -> dict[str, str]:
    """Labels in the current language for many IRIs at once (one query, not one per cell)."""
    iris = sorted({i for i in iris})
    if not iris:
        return {}
    values = " ".join(Term.iri(i).n3() for i in iris)
    rows = store().select(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x skos:prefLabel|rdfs:label ?l }}").rows
    found: dict[str, dict[str, str]] = {}
    for x, l in rows:
        found.setdefault(x.value, {}).setdefault((l.lang or "").split("-")[0], l.value)
    out = {}
    for i in iris:
        by_lang = found.get(i, {})
        out[i] = display(by_lang.get(lang()) or by_lang.get("zh") or by_lang.get("")
                         or i.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
    return out


# "## 第一章 总 则": the law texts as published space out two-character chapter titles (the
# data keeps the title as the source writes it); a label shown on a page closes that gap
_SPACED_TITLE = re.compile(r"((?:^|\s)第[〇零一二三四五六七八九十百]+章\s+|^)([\u4e00-\u9fff])\s([\u4e00-\u9fff])$")


def display(label: str) -> str:
    """A label as shown: a chapter title spaced out for typesetting reads as one word."""
    return _SPACED_TITLE.sub(lambda m: m[1] + m[2] + m[3], label)


# Nodes that record where words stand in a source text: a page folds them behind "source words"
PROVENANCE_CLASSES = "pkg:Mention pkg:TextSpan pkg:SourceText"


def describe(iri: str) -> list[tuple[str, Term, bool, int | None]]:
    """(property, value, is provenance, the value's number) for each statement about iri."""
    rows = store().select("SELECT ?p ?o (SAMPLE(?k) AS ?n) (SAMPLE(?c) AS ?prov) WHERE { ?x ?p ?o "
                          "OPTIONAL { ?o pkg:number ?k } "
                          f"OPTIONAL {{ ?o a ?c VALUES ?c {{ {PROVENANCE_CLASSES} }} }} }} GROUP BY ?p ?o",
                          {"x": Term.iri(iri)}).rows
    return [(p.value, o, prov is not None, _int(n)) for p, o, n, prov in rows]


def incoming(iri: str, limit: int = 300) -> list[tuple[str, str, bool, int | None]]:
    rows = store().select("SELECT ?s ?p (SAMPLE(?k) AS ?n) (SAMPLE(?c) AS ?prov) WHERE { ?s ?p ?x "
                          "FILTER (?p != pkg:denotes && isIRI(?s)) OPTIONAL { ?s pkg:number ?k } "
                          f"OPTIONAL {{ ?s a ?c VALUES ?c {{ {PROVENANCE_CLASSES} }} }} }} GROUP BY ?s ?p "
                          f"ORDER BY ?p ?s LIMIT {limit}", {"x": Term.iri(iri)}).rows
    return [(s.value, p.value, prov is not None, _int(n)) for s, p, n, prov in rows]


def _int(t: Term | None) -> int | None:
    try:
        return int(t.value) if t is not None else None
    except ValueError:
        return None


def value_view(o: Term, labels: dict[str, str] | None = None) -> dict:
    """An IRI with its link and label (from `labels`, fetched at once, when given), or a literal."""
    if o.kind == "uri":
        label = labels[o.value] if labels is not None and o.value in labels else label_of(o.value)
        return {"iri": o.value, "href": local_path(o.value), "label": label}
    return {"text": o.value, "lang": o.lang, "datatype": o.datatype}


def jsonld_of(iri: str) -> list[dict]:
    from ..jsonld import expanded
    from .linked_data import DESCRIBE
    return expanded(store().run(DESCRIBE, {"this": Term.iri(iri)}))


# The home page's counts: their names, and the list each one counts (a saved query)
COUNT_VIEWS = {
    "parts": ("部分", "Parts", "part-summary"),
    "measures": ("措施", "Measures", "part-summary"),
    "responsible_bodies": ("责任单位", "Responsible bodies", "department-workload"),
    "unresolved_bodies": ("未识别的单位名称", "Unresolved body names", "unresolved-names"),
    "responsibility_links": ("责任分工", "Responsibility links", "department-workload"),
    "open_lists": ("未列全的单位名单", "Open lists of bodies", "open-department-lists"),
    "cited_documents": ("被引文件", "Cited documents", "cited-documents"),
    "citations": ("引用次数", "Citations", "cited-documents"),
    "planned_documents": ("计划制定的文件", "Planned documents", None),
    "quantitative_targets": ("量化指标", "Quantitative targets", "quantitative-targets"),
    "instruments_used": ("所用政策工具", "Instruments used", "instrument-overview"),
    "target_groups_served": ("目标群体", "Target groups served", "target-group-overview"),
    "platforms_involved": ("涉及平台", "Platforms involved", "platform-overview"),
    "mentions": ("原文提及", "Mentions in the text", "body-variants"),
}


@bp.route("/")
def home():
    s = store()
    counts = []
    for name, q in COUNTS.items():
        zh, en, listed = COUNT_VIEWS.get(name, (name, name, None))
        counts.append({"label": en if lang() == "en" else zh, "n": int(s.select(q).rows[0][0].value),
                       "href": url_for("saved.run", name=listed) if listed else None})
    doc = s.select("SELECT ?d ?n ?t ?date ?issuer ?src ?sha ?path WHERE { ?d a pkg:PolicyDocument ; "
                   "pkg:documentNumber ?n ; pkg:title ?t ; pkg:dateIssued ?date ; pkg:issuedBy ?issuer ; "
                   "dct:source ?src . ?src pkg:sha256 ?sha ; pkg:path ?path } ORDER BY ?d").dicts()
    docs = [{"href": local_path(d["d"].value), "number": d["n"].value, "title": d["t"].value,
             "date": d["date"].value, "issuer": label_of(d["issuer"].value), "sha256": d["sha"].value,
             "path": d["path"].value} for d in doc]
    return render_template("home.html", docs=docs, counts=counts,
                           remote=bool(current_app.extensions["policykg"].get("remote")))


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
    # the level and the reason are shown, not the raw score (nobody can read 0.419)
    basis = [dict(b, **passages(b["node"], text, start)) for b in (
        {"node": r["b"].value, "article": article_view(r["a"].value, r["law"].value), "kind": label_of(r["kind"].value),
         "level": label_of(r["level"].value), "level_key": r["level"].value.rsplit("#", 1)[-1],
         "reason": r["reason_" + lang()].value, "later": later_change(r)}
        # both reasons, chosen here: a language bound into the query trips Virtuoso (SP031)
        for r in s.select("SELECT ?b ?a ?law ?kind ?level ?reason_zh ?reason_en ?c ?ck WHERE { ?x pkg:hasLegalBasis ?b . "
                          "?b pkg:article ?a ; pkg:basisKind ?kind ; pkg:confidence ?level ; pkg:score ?score ; "
                          "pkg:reason ?reason_zh , ?reason_en FILTER (lang(?reason_zh) = 'zh' && lang(?reason_en) = 'en') "
                          "?a eli:is_part_of+ ?law . ?law a pkg:LegalDocument "
                          "OPTIONAL { ?c pkg:fromArticle ?a ; pkg:changeKind ?ck FILTER (?ck != pkg:unchanged) } } "
                          "ORDER BY DESC(?score) ?a", x).dicts())]
    return {"number": n, "numeral": h["numeral"].value if "numeral" in h else str(n), "title": h["title"].value if "title" in h else "", "segments": segments,
            "basis": basis,
            "part": value_view(h["part"]), "document": value_view(h["doc"]),
            "responsible": related("pkg:responsibleBody"), "implementers": related("pkg:implementingBody"),
            "cites": [dict(value_view(r["o"]), rank=r["rank"].value if "rank" in r else None) for r in s.select(
                "SELECT ?o (SAMPLE(?r) AS ?rank) WHERE { ?x pkg:cites|pkg:plansDocument ?o . OPTIONAL { ?o a ?c . "
                "?c rdfs:subClassOf pkg:LegalDocument ; rdfs:label ?r FILTER (lang(?r) = ?lang) } } GROUP BY ?o ORDER BY ?o",
                dict(x, lang=Term.literal(lang()))).dicts()],
            "instruments": related("pkg:usesInstrument"), "groups": related("pkg:servesTargetGroup"),
            "platforms": related("pkg:involvesPlatform"),
            "targets": [{k: v.value for k, v in t.items()} for t in targets],
            "previous": by_number.get(n - 1), "next": by_number.get(n + 1)}


def article_view(article: str, law: str) -> dict:
    """An article named in full in either language: the zh label holds the law's title; the
    en one ("Article 20") is prefixed with the law's English name."""
    view = value_view(Term.iri(article))
    if lang() == "en":
        view["label"] = f"{label_of(law)}, {view['label']}"
    return view


def later_change(row: dict) -> dict | None:
    """Where a later version changed or removed the article a measure rests on: the kind and
    a link to that article's diff on the page of the work."""
    if "c" not in row:
        return None
    change = row["c"].value
    work, number = change.rsplit("/changes/", 1)
    kind = row["ck"].value.rsplit("#", 1)[-1]
    return {"kind": kind, "href": f"{local_path(work)}#change-{number}"}


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
                 "count": r["shared"].value,
                 "shared": url_for("saved.run", name="shared-measures", body_a=iri, body_b=r["body_b"].value)}
                for r in _saved("co-responsibility", department=iri)]
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
    changes = law_changes(iri)
    versions = version_heads(iri) if changes else []
    rows = store().select(
        "SELECT ?a ?n ?num ?text ?m ?mn WHERE { ?a a pkg:Article ; eli:is_part_of+ ?x ; pkg:number ?n ; "
        "eli:number ?num ; pkg:text ?text . OPTIONAL { ?b pkg:article ?a . ?m pkg:hasLegalBasis ?b ; pkg:number ?mn } } "
        "ORDER BY ?n ?mn", {"x": Term.iri(iri)}).dicts()
    articles: dict[str, dict] = {}
    for r in rows:
        a = articles.setdefault(r["a"].value, {
            "anchor": f"a{r['n'].value}", "label": article_name(r["num"].value, int(r["n"].value)),
            "href": local_path(r["a"].value), "text": r["text"].value, "measures": []})
        if "m" in r and all(m["href"] != local_path(r["m"].value) for m in a["measures"]):
            a["measures"].append({"number": r["mn"].value, "href": local_path(r["m"].value)})
    work = store().select("SELECT ?w WHERE { ?x pkg:versionOf ?w . ?c a pkg:ArticleChange "
                          "FILTER (STRSTARTS(STR(?c), CONCAT(STR(?w), '/changes/'))) } LIMIT 1", {"x": Term.iri(iri)}).rows
    return {"kind": "legal", "citing": citing, "chain": chain, "changes": changes, "versions": versions,
            "articles": list(articles.values()),
            "diff": f"{local_path(work[0][0].value)}#diff" if work else None}


def article_name(numeral: str, n: int) -> str:
    """第十七条 as the law writes it, or Article 17: one way of numbering per page."""
    return f"Article {n}" if lang() == "en" else numeral


def version_heads(work: str) -> list[dict]:
    """The versions of a work, oldest first: name, dates, link."""
    rows = store().select("SELECT ?v ?issued ?force WHERE { ?v pkg:versionOf ?x . OPTIONAL { ?v pkg:dateIssued ?issued } "
                          "OPTIONAL { ?v pkg:dateInForce ?force } } ORDER BY ?issued ?v", {"x": Term.iri(work)}).dicts()
    return [dict(value_view(r["v"]), issued=r["issued"].value if "issued" in r else "",
                 in_force=r["force"].value if "force" in r else "") for r in rows]


def law_changes(work: str) -> list[dict]:
    """Each article's fate between the versions of a work, the changed ones with a word-level
    diff, and the measures that rest on the old article."""
    from ..wording import word_diff
    rows = store().select(
        "SELECT ?c ?k ?kind ?old ?oldnum ?oldtext ?new ?newnum ?newtext WHERE { ?c a pkg:ArticleChange ; pkg:number ?k ; "
        "pkg:changeKind ?kind . OPTIONAL { ?c pkg:fromArticle ?old . ?old eli:number ?oldnum ; pkg:text ?oldtext } "
        "OPTIONAL { ?c pkg:toArticle ?new . ?new eli:number ?newnum ; pkg:text ?newtext } "
        "FILTER (STRSTARTS(STR(?c), CONCAT(STR(?x), '/changes/'))) } ORDER BY ?k", {"x": Term.iri(work)}).dicts()
    if not rows:
        return []
    relying: dict[str, list[dict]] = {}
    for m, n, a in store().select(
            "SELECT DISTINCT ?m ?n ?a WHERE { ?c a pkg:ArticleChange ; pkg:fromArticle ?a . ?m pkg:hasLegalBasis/pkg:article ?a ; "
            "pkg:number ?n FILTER (STRSTARTS(STR(?c), CONCAT(STR(?x), '/changes/'))) } ORDER BY ?n",
            {"x": Term.iri(work)}).rows:
        relying.setdefault(a.value, []).append({"number": n.value, "href": local_path(m.value)})
    kinds = labels_of(r["kind"].value for r in rows)
    out = []
    for r in rows:
        side = {}
        for key in ("old", "new"):
            if key in r:
                n = int(r[key].value.rsplit("/", 1)[-1])
                side[key] = {"href": local_path(r[key].value), "label": article_name(r[key + "num"].value, n)}
        kind = r["kind"].value.rsplit("#", 1)[-1]
        out.append({"anchor": f"change-{r['k'].value}", "kind": kind, "kind_label": kinds[r["kind"].value], **side,
                    "diff": word_diff(r["oldtext"].value, r["newtext"].value) if kind == "changed" else None,
                    "measures": relying.get(r["old"].value, []) if "old" in r else []})
    return out


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
    # the article's paragraphs that hold evidence (a rests-on link may draw on several)
    paras = s.select("SELECT ?text ?start ?end WHERE { ?b pkg:article ?a . ?a eli:has_part ?p . "
                     "?p pkg:text ?text ; pkg:textSpan ?sp . ?sp oa:start ?start ; oa:end ?end } ORDER BY ?start", b).dicts()
    article = []
    for p in paras:
        ps, pe = int(p["start"].value), int(p["end"].value)
        if any(ps <= a and e <= pe for a, e in a_runs):
            if article:
                article.append({"text": " … ", "mark": False})
            article += marked(p["text"].value, ps, [(a, e) for a, e in a_runs if ps <= a and e <= pe])
    return {"measure_passage": marked(measure_text[lo:hi], measure_start + lo, m_runs), "article_passage": article}


def ordered(pairs: list[tuple[dict, dict, int | None]]) -> list[tuple[dict, dict]]:
    """By property name, then by number (三 before 十四, as the document counts), then by name."""
    return [(p, o) for p, o, _ in sorted(pairs, key=lambda x: (x[0]["label"], x[2] is None, x[2] or 0,
                                                                 x[1].get("label") or x[1].get("text") or ""))]


def render_entity(iri: str):
    props = describe(iri)
    if not props:
        abort(404)                      # the site's own page (see the app's 404 handler)
    types = [o.value for p, o, _, _ in props if p == RDF_TYPE]
    linking = incoming(iri)
    # every label of the page in one query, not one query per IRI shown
    labels = labels_of({iri, *types} | {p for p, *_ in props} | {o.value for _, o, *_ in props if o.kind == "uri"}
                       | {s for s, *_ in linking} | {p for _, p, *_ in linking})
    shown = [(value_view(Term.iri(p), labels), value_view(o, labels), prov, n) for p, o, prov, n in props if p != RDF_TYPE]
    back = [(value_view(Term.iri(p), labels), value_view(Term.iri(s), labels), prov, n) for s, p, prov, n in linking]
    context = {"iri": iri, "label": labels[iri], "types": [value_view(Term.iri(t), labels) for t in types],
               "properties": ordered([(p, o, n) for p, o, prov, n in shown if not prov]),
               "incoming": ordered([(p, s, n) for p, s, prov, n in back if not prov]),
               "provenance": ordered([(p, o, n) for p, o, prov, n in shown + back if prov]),
               "jsonld": jsonld_of(iri)}
    if PKG + "Measure" in types:
        return render_template("measure.html", m=measure_view(iri), **context)
    view = next((VIEWS[ty](iri) for ty in types if ty in VIEWS), None)
    return render_template("entity.html", view=view, **context)
