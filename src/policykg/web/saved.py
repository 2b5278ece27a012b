"""/queries: the saved-query gallery; /queries/NAME runs one with its form's
parameters; /queries/NAME.csv, .tsv and .json (SPARQL JSON) are its twins."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for

from ..queries import NOTICE, notice_store, ParameterError, bindings_for, load_queries, name_index, run_saved_query
from ..results import MEDIA_TYPES, render
from ..store import QueryError, QueryTimeout, bind
from .pages import local_path, store

bp = Blueprint("saved", __name__)
TWINS = {"csv", "tsv", "json", "xml"}


@bp.route("/queries")
def gallery():
    return render_template("queries.html", queries=load_queries())


def choices(query) -> dict[str, list[str]]:
    """Pick-list values for the parameters that name things in the data."""
    index = name_index(store())
    out = {}
    for p in query.parameters:
        if p.type == "body":
            out[p.name] = sorted(index.bodies)
        elif p.type == "document":
            out[p.name] = sorted({t for titles in index.documents.values() for t in titles})
        elif p.type == "concept":
            out[p.name] = index.concept_labels[p.scheme]
        elif p.type == "measure":
            out[p.name] = [str(n) for n in sorted(index.measures)]
    return out


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
        abort(404)
    query = queries[name]
    unknown = sorted(set(request.args) - {p.name for p in query.parameters} - {"lang", NOTICE})
    if unknown:
        return _error(query, f"unknown parameter {', '.join(unknown)}; accepted: {query.accepted()}", fmt)
    params = _params(query)
    notice = request.args.get(NOTICE, "").strip()
    missing = [p for p in query.parameters if p.required and p.name not in params and p.default is None]
    if missing and fmt is None:
        return render_template("query.html", q=query, values=params, result=None, error=None,
                               choices=choices(query))
    try:
        result = run_saved_query(store(), query, {**params, NOTICE: notice} if notice else params)
    except (ParameterError, QueryError) as e:
        return _error(query, str(e), fmt)
    except QueryTimeout as e:
        return _error(query, str(e), fmt, 503)
    if fmt is not None:
        resp = Response(render(result, fmt), mimetype=MEDIA_TYPES[fmt])
        resp.headers["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
        return resp
    rows = [[{"text": t.value if t else "", "href": local_path(t.value) if t and t.kind == "uri" else None}
             for t in row] for row in result.rows]
    scope = notice_store(store(), notice) if notice else store()
    bound = bind(query.sparql, bindings_for(scope, query, params))
    return render_template("query.html", q=query, values=params, result=result, rows=rows, error=None,
                           chart=bar_chart(query, result), edit=url_for("explore.editor", query=bound),
                           choices=choices(query), permalink=url_for("saved.run", name=query.name, **params,
                                                                   **({NOTICE: notice} if notice else {})))


def bar_chart(query, result) -> list[dict] | None:
    """Bars for an aggregate query whose front matter names a label and a value column."""
    label, value = query.chart.get("label"), query.chart.get("value")
    if not label or not value or label not in result.variables or value not in result.variables:
        return None
    pairs = [(l.value if l else "", float(v.value)) for l, v in zip(result.column(label), result.column(value))
             if v is not None and v.value.replace(".", "", 1).isdigit()][:40]
    top = max((v for _, v in pairs), default=0) or 1
    return [{"label": l, "value": v, "width": round(100 * v / top, 1), "y": 22 * i} for i, (l, v) in enumerate(pairs)]


def _error(query, message: str, fmt: str | None, status: int = 400):
    if fmt is not None:
        return Response(message + "\n", status=status, mimetype="text/plain")
    return render_template("query.html", q=query, values=request.args, result=None, error=message,
                           choices=choices(query)), status
