"""Queries that try to make the server fetch a URL: every bypass of a keyword scan we know.

`{url}` is a listener's SPARQL URL on 127.0.0.1, `{base}` the same without the
path. `engine_fetches` says whether pyoxigraph, asked directly, really
connects: the proof that the case is a live attack, not a typo.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    engine_fetches: bool = True

    def text(self, url: str) -> str:
        return self.query.replace("{url}", url).replace("{base}", url.rsplit("/", 1)[0] + "/")


CASES = [
    Case("plain", "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    Case("lower-case", "select * where { service <{url}> { ?s ?p ?o } }"),
    Case("mixed-case", "SELECT * WHERE { SeRvIcE <{url}> { ?s ?p ?o } }"),
    Case("silent", "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }"),
    # a comment ends at CR as well as LF: a scan to LF thinks SERVICE is commented out
    Case("comment-ended-by-cr", "SELECT ?s WHERE { # x\rSERVICE <{url}> { ?s ?p ?o } }"),
    Case("comment-then-crlf", "SELECT ?s WHERE { # SERVICE?\r\nSERVICE <{url}> { ?s ?p ?o } }"),
    Case("tabs-and-newlines", "SELECT *\tWHERE\n{\tSERVICE\n\t<{url}>\n{ ?s ?p ?o } }"),
    Case("prefixed-iri", "PREFIX e: <{base}> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }"),
    Case("empty-prefix", "PREFIX : <{base}> SELECT * WHERE { SERVICE :sparql { ?s ?p ?o } }"),
    Case("relative-to-base", "BASE <{base}> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }"),
    # pyoxigraph refuses an unbound service variable; the guard refuses it all the same
    Case("variable-service", "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?o } }",
         engine_fetches=False),
    Case("nested", "SELECT * WHERE { SERVICE <{url}> { SERVICE <{url}> { ?s ?p ?o } } }"),
    Case("in-subquery", "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }"),
    Case("in-exists", "SELECT * WHERE { BIND(1 AS ?a) FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }"),
    Case("in-not-exists", "ASK { FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }"),
    Case("in-optional", "SELECT * WHERE { OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } }"),
    Case("in-union", "SELECT * WHERE { { BIND(1 AS ?x) } UNION { SERVICE <{url}> { ?s ?p ?o } } }"),
    Case("in-minus", "SELECT * WHERE { BIND(1 AS ?x) MINUS { SERVICE <{url}> { ?x ?p ?o } } }"),
    Case("in-graph", "SELECT * WHERE { { BIND(1 AS ?x) } UNION { GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } } } }"),
    Case("ask", "ASK { SERVICE <{url}> { ?s ?p ?o } }"),
    Case("construct", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    Case("describe", "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    # an escaped quote inside an IRI opens a 'string' for a scanner that stops at the backslash
    Case("escape-in-iri", "SELECT * WHERE { OPTIONAL { ?s <http://a/\\u0041'> ?o } SERVICE <{url}> "
                          "{ ?s ?p ?o } OPTIONAL { ?s <http://b/'> ?o } }"),
    # the same with an escaped quote in a prefixed name (PN_LOCAL_ESC)
    Case("escape-in-prefixed-name", "PREFIX e: <http://a/> SELECT * WHERE { OPTIONAL { ?s e:a\\' ?o } "
                                    "SERVICE <{url}> { ?s ?p ?o } OPTIONAL { ?s e:b\\' ?o } }"),
    # '<' as less-than, read as the start of an IRI by a scanner: the quote after it opens a 'string'
    Case("less-than-read-as-iri", "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a <'>' || true) SERVICE <{url}> "
                                  "{ ?s ?p ?o } FILTER('x' = 'x') }"),
    # two scans (IRIs with '#' or not) both fooled, one by a comment and one by a long string
    Case("two-scans-fooled", "SELECT * WHERE {\nOPTIONAL { ?s <http://x#y> '''\na''' }\n"
                             "BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b)#>\"\"\"\n"
                             "SERVICE <{url}> { ?s ?p ?o }\n# \"\"\" '''\n}"),
    # SPARQL's \\u escapes: pyoxigraph does not unescape keywords, but nothing may connect either way
    Case("escaped-keyword", "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }", engine_fetches=False),
]
