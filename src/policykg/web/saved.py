"""/queries: the saved-query gallery; /queries/NAME runs one with its form's
parameters; /queries/NAME.csv, .tsv and .json (SPARQL JSON) are its twins."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for

from ..queries import NOTICE, nearest, notice_store, ParameterError, bindings_for, load_queries, pick_list, run_saved_query
from ..results import MEDIA_TYPES, ResultSet, Term, render
from ..store import QueryError, QueryTimeout, bind
from .i18n import lang, not_found
from .pages import labels_of, local_path, store

bp = Blueprint("saved", __name__)
TWINS = {"csv", "tsv", "json", "xml"}
PAGE = "page"          # of an HTML answer, PAGE_ROWS rows each; a twin (a download) is the whole answer


@bp.route("/queries")
def gallery():
    return render_template("queries.html", queries=load_queries())


def choices(query) -> dict[str, list[str]]:
    """Pick-list values for the parameters that name things in the data."""
    return {p.name: values for p in query.parameters if (values := pick_list(store(), p))}


def _params(query) -> dict[str, str]:
    return {p.name: request.args[p.name] for p in query.parameters if request.args.get(p.name, "") != ""}


@bp.route("/queries/<name>")
def run(name: str):
    fmt = None
    for twin in TWINS:
        if name.endswith("." + twin):
            name, fmt = name[: -len(twin) - 1], twin
    queries = load_queries()
    if name not in queries:
        return not_found("query", name, suggestions=[(q, url_for("saved.run", name=q)) for q in nearest(name, queries)])
    query = queries[name]
    own = {"lang", NOTICE} | ({"download"} if fmt else {PAGE})
    unknown = sorted(set(request.args) - {p.name for p in query.parameters} - own)
    if unknown:
        return _error(query, f"unknown parameter {', '.join(unknown)}; accepted: {query.accepted()}", fmt)
    page = _page()
    if isinstance(page, str):
        return _error(query, page, fmt)
    params = _params(query)
    notice = request.args.get(NOTICE, "").strip()
    missing = [p for p in query.parameters if p.required and p.name not in params and p.default is None]
    if missing and fmt is None:
        return render_template("query.html", q=query, values=params, result=None, error=None,
                               choices=choices(query))
    try:
        result = run_saved_query(store(), query, {**params, NOTICE: notice} if notice else params)
    except ParameterError as e:
        return _error(query, str(e), fmt, problem=e)
    except QueryError as e:
        return _error(query, str(e), fmt)
    except QueryTimeout as e:
        return _error(query, str(e), fmt, 503)
    if fmt is not None:
        body = render(with_labels(query, result), fmt)
        person = request.args.get("download") == "1"
        if person and fmt in ("csv", "tsv"):
            body = "\ufeff" + body         # Excel reads a CSV without a byte-order mark as the ANSI code page
        resp = Response(body, mimetype=MEDIA_TYPES[fmt])
        resp.headers["Content-Disposition"] = f'{"attachment" if person else "inline"}; filename="{name}.{fmt}"'
        return resp
    size = int(current_app.config["PAGE_ROWS"])
    pages = max(1, -(-len(result.rows) // size))
    if page > pages:
        return _error(query, f"parameter {PAGE!r}: {page} is past the last page of this answer ({pages} of "
                             f"{size} rows)", fmt)
    shown = ResultSet(result.variables, result.rows[(page - 1) * size: page * size])
    rows = cells(query, shown)
    scope = notice_store(store(), notice) if notice else store()
    bound = bind(query.sparql, bindings_for(scope, query, params))
    asked = {**params, **({NOTICE: notice} if notice else {})}
    return render_template("query.html", q=query, values=params, result=result, rows=rows, error=None,
                           paging=_paging(query.name, page, pages, size, len(shown.rows), asked),
                           chart=bar_chart(query, result), edit=url_for("explore.editor", query=bound),
                           choices=choices(query), permalink=url_for("saved.run", name=query.name, **asked))


def _paging(name: str, page: int, pages: int, size: int, shown: int, asked: dict) -> dict:
    """The rows a page shows and its previous/next links (page 1 without a number), in the
    language asked for."""
    here = {**asked, **({"lang": "en"} if request.args.get("lang") == "en" else {})}

    def link(n: int) -> str:
        return url_for("saved.run", name=name, **here, **({PAGE: n} if n > 1 else {}))
    return {"page": page, "pages": pages, "first": (page - 1) * size + 1, "last": (page - 1) * size + shown,
            "previous": link(page - 1) if page > 1 else None, "next": link(page + 1) if page < pages else None}


def _page() -> int | str:
    """The page of an HTML answer asked for (1 when not), or what is wrong with it."""
    raw = request.args.get(PAGE, "1").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        return f"parameter {PAGE!r}: {raw!r} is not a page number (1, 2, …)"
    return int(raw)


def with_labels(query, result: ResultSet) -> ResultSet:
    """The answer for a download: every column as it is (IRIs stay IRIs), and after them
    a COLUMN_label for each IRI column the query names in `label_columns`."""
    if not query.label_columns:
        return result
    names = labels_of(t.value for row in result.rows for t in row if t is not None and t.kind == "uri")
    at = [result.variables.index(c) for c in query.label_columns]
    rows = [tuple(row) + tuple(Term.literal(names[row[i].value], lang=lang()) if row[i] is not None
                               and row[i].kind == "uri" else None for i in at) for row in result.rows]
    return ResultSet(list(result.variables) + [c + "_label" for c in query.label_columns], rows,
                     result.truncated, result.truncated_by)


def code_labels(language: str) -> dict[str, str]:
    """Coded values as the queries return them (the @en label of an ontology term such as
    pkg:restates) → the label in the page language; read once per app and language."""
    cache = current_app.extensions["policykg"].setdefault("code_labels", {})
    if language not in cache:
        rows = store().select("SELECT ?en ?l WHERE { ?c a owl:NamedIndividual ; rdfs:label ?en , ?l "
                              "FILTER (lang(?en) = 'en' && lang(?l) = ?want) }",
                              {"want": Term.literal("en" if language == "en" else "zh")}).rows
        cache[language] = {en.value: l.value for en, l in rows}
    return cache[language]


def cells(query, result: ResultSet) -> list[list[dict]]:
    """Each cell as a person reads it: an IRI as its label linked to its page, a coded value
    as its label, a count linked to the list it counts."""
    names = labels_of(t.value for row in result.rows for t in row if t is not None and t.kind == "uri")
    codes = code_labels(lang())
    out = []
    for row in result.rows:
        named = dict(zip(result.variables, row))
        line = []
        for var, t in named.items():
            if t is None:
                line.append({"text": ""})
                continue
            if t.kind == "uri":
                cell = {"text": names[t.value], "href": local_path(t.value) or t.value, "iri": t.value}
            elif var in query.coded:
                cell = {"text": ", ".join(codes.get(v, v) for v in t.value.split(", "))}
            elif var in query.values:
                cell = {"text": query.values[var].get(t.value, {}).get(lang(), t.value)}
            else:
                cell = {"text": t.value}
            link = query.links.get(var)
            if link and "entity" in link and named.get(link["entity"]) is not None:
                cell["href"] = local_path(named[link["entity"]].value)      # the page that lists them
                cell["count"] = True
            elif link and "query" in link and all(named.get(c) is not None for c in link.get("params", {}).values()):
                cell["href"] = url_for("saved.run", name=link["query"],
                                       **{p: named[c].value for p, c in link.get("params", {}).items()})
                cell["count"] = True
            line.append(cell)
        out.append(line)
    return out


def bar_chart(query, result) -> list[dict] | None:
    """Bars for an aggregate query whose front matter names a label and a value column."""
    label, value = query.chart.get("label"), query.chart.get("value")
    if not label or not value or label not in result.variables or value not in result.variables:
        return None
    pairs = [(l.value if l else "", float(v.value)) for l, v in zip(result.column(label), result.column(value))
             if v is not None and v.value.replace(".", "", 1).isdigit()][:40]
    top = max((v for _, v in pairs), default=0) or 1
    # the labels' column is as wide as the longest label (12 px a CJK character, 7 px
    # another) up to half the chart; only a longer label is shortened, whole in its tooltip
    room = min(300, max((label_width(l) for l, _ in pairs), default=0) + 8)
    return [{"label": fit(l, room - 8), "full": l, "value": v, "width": round(100 * v / top, 1), "y": 22 * i,
             "x": room} for i, (l, v) in enumerate(pairs)]


def label_width(text: str) -> int:
    return sum(7 if c.isascii() else 12 for c in text)


def fit(text: str, width: int) -> str:
    if label_width(text) <= width:
        return text
    while text and label_width(text) + 12 > width:
        text = text[:-1]
    return text + "…"


def _error(query, message: str, fmt: str | None, status: int = 400, problem: ParameterError | None = None):
    if fmt is not None:
        return Response(message + "\n", status=status, mimetype="text/plain")
    hint = None
    if problem is not None and problem.value is not None:
        p = query.parameter(problem.parameter)
        others = {k: v for k, v in request.args.items() if k != problem.parameter}
        hint = {"value": problem.value, "what": p.label.get(lang(), p.name) if p else problem.parameter,
                "suggestions": [(s, url_for("saved.run", name=query.name, **others, **{problem.parameter: s}))
                                for s in problem.suggestions]}
    return render_template("query.html", q=query, values=request.args, result=None, error=message, hint=hint,
                           choices=choices(query)), status
