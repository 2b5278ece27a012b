"""The CLI's input paths for ad-hoc queries."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?m a pkg:Measure }"


def test_sparql_reads_text_a_file_or_standard_input(tmp_path):
    runner = CliRunner()
    f = tmp_path / "q.rq"
    f.write_text(COUNT, encoding="utf-8")
    answers = [runner.invoke(main, ["sparql", COUNT, "--format", "csv"]),
               runner.invoke(main, ["sparql", "--file", str(f), "--format", "csv"]),
               runner.invoke(main, ["sparql", "--format", "csv"], input=COUNT),
               runner.invoke(main, ["sparql", "-", "--format", "csv"], input=COUNT)]
    assert [r.exit_code for r in answers] == [0] * 4
    assert answers[0].output.split() == ["n", "35"]
    assert len({r.output for r in answers}) == 1


def test_sparql_without_a_query_or_with_two_says_so(tmp_path):
    runner = CliRunner()
    empty = runner.invoke(main, ["sparql"], input="  \n")
    assert empty.exit_code == 2 and "no query" in empty.output
    f = tmp_path / "q.rq"
    f.write_text(COUNT, encoding="utf-8")
    both = runner.invoke(main, ["sparql", COUNT, "--file", str(f)])
    assert both.exit_code == 2 and "not both" in both.output
    latin = runner.invoke(main, ["sparql"], input="SELECT * WHERE { ?s ?p \"\xe9\" }".encode("latin-1"))
    assert latin.exit_code == 2 and "not UTF-8" in latin.output


def test_serve_with_workers_that_cannot_start_exits_2_naming_the_setting():
    import os
    import subprocess
    import sys
    env = dict(os.environ, POLICYKG_SPARQL_WORKER_MEMORY="40", POLICYKG_SPARQL_WORKERS="1")
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "serve", "--port", "1"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "policykg: the query worker did not start" in r.stderr and "SPARQL_WORKER_MEMORY" in r.stderr
    assert "Traceback" not in r.stderr


def test_sparql_refuses_service_and_connects_nowhere():
    """Regression (SSRF): the CLI's ad-hoc queries are checked and run where no socket opens."""
    from .loopback import listener as loopback_listener
    from .ssrf_cases import CASES
    runner = CliRunner()
    with loopback_listener() as listener:
        for case in [c for c in CASES if c.name in ("comment-ended-by-cr", "less-than-read-as-iri",
                                                     "escape-in-prefixed-name", "nested")]:
            r = runner.invoke(main, ["sparql", case.text(listener.url + "/sparql")])
            assert r.exit_code == 2 and "SERVICE: federated queries are refused" in r.output, case.name
        assert listener.connections() == []


def test_sparql_with_3000_nested_groups_is_refused_not_a_crash(tmp_path):
    """Regression: `sparql -f` with 3,000 nested groups crashed the process (exit 139)."""
    f = tmp_path / "deep.rq"
    f.write_text("SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000, encoding="utf-8")
    r = CliRunner().invoke(main, ["sparql", "-f", str(f)])
    assert r.exit_code == 2 and "nests 3000 levels deep; the limit is 64" in r.output


SHANGHAI_FINANCE = (Path(__file__).parent / "fixtures" / "registry" / "shanghai-bodies.ttl").read_text(encoding="utf-8")


def test_build_with_a_user_registry_and_a_jurisdiction(tmp_path):
    """--registry adds bodies (validated as registry entries); --jurisdiction must be a place."""
    from pathlib import Path
    notice = Path(__file__).parent / "fixtures" / "notices" / "shanghai-2024-road-transport.txt"
    extra = tmp_path / "shanghai.ttl"
    extra.write_text(SHANGHAI_FINANCE, encoding="utf-8")
    out = tmp_path / "o.ttl"
    runner = CliRunner()
    r = runner.invoke(main, ["build", "--source", str(notice), "--out", str(out), "--registry", str(extra)])
    assert r.exit_code == 0, r.output
    assert "body:shanghai-finance" in out.read_text(encoding="utf-8")
    bad = runner.invoke(main, ["build", "--source", str(notice), "--out", str(tmp_path / "x.ttl"),
                               "--jurisdiction", "310100"])
    assert bad.exit_code == 2 and "unknown jurisdiction '310100'" in bad.output
    assert not (tmp_path / "x.ttl").exists()


# --- a remote endpoint that answers badly; a query file that is not UTF-8 ---------------------

def cli(*args):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True)


ONE_COLUMN = '{"head": {"vars": ["only"]}, "results": {"bindings": [{"only": {"type": "literal", "value": "1"}}]}}'
BAD_ANSWERS = [
    # (body, content type, query, what the message says)
    ('{"head": {"vars": ["x"]}, "results": ', "application/sparql-results+json", COUNT, "is not SPARQL JSON results: not JSON"),
    (b'\xff\xfe{"head": {}}', "application/sparql-results+json", COUNT, "is not SPARQL JSON results: not JSON"),
    ("<html><body>busy</body></html>", "text/html", COUNT, "(text/html) is not SPARQL JSON results: not JSON"),
    ("[1, 2]", "application/sparql-results+json", COUNT, "not a JSON object but list"),
    ('{"results": {"bindings": []}}', "application/sparql-results+json", COUNT, "no head object"),
    ('{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri"}}]}}',
     "application/sparql-results+json", COUNT, "results.bindings[0].x has no string value"),
    ('{"head": {"vars": ["x"]}, "results": {"bindings": [["x"]]}}',
     "application/sparql-results+json", COUNT, "results.bindings[0] is not an object"),
    ('{"head": {}}', "application/sparql-results+json", "ASK { ?s ?p ?o }", "an ASK answer has no boolean"),
    ("<a> <b> .", "text/turtle", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "is not an RDF graph"),
]


@pytest.mark.parametrize("body,ctype,query,message", BAD_ANSWERS,
                         ids=["truncated", "not-utf8", "html", "list", "no-head", "no-value", "binding-list",
                              "ask-no-boolean", "bad-turtle"])
def test_regression_a_malformed_endpoint_answer_is_a_clear_error(body, ctype, query, message):
    """An endpoint answering malformed JSON ended the CLI with a traceback."""
    from tests.loopback import http_server
    with http_server(body, ctype) as url:
        r = cli("sparql", "--endpoint", url, query)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert f"policykg: query: {url}: the answer" in r.stderr and message in r.stderr


def test_regression_an_endpoint_answering_other_variables_is_named():
    """Unexpected variables raised IndexError in queries.py (the parameter index) or went unnoticed."""
    from tests.loopback import http_server
    with http_server(ONE_COLUMN) as url:
        r = cli("query", "measures-by-department", "-p", "department=市财政局", "--endpoint", url)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert f"policykg: {url}: the answer has the variables only, not ?x, ?name that the query selects" in r.stderr
        r = cli("query", "department-workload", "--endpoint", url)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert (f"policykg: {url}: the answer to department-workload has the columns only, "
                f"not body, label, measures") in r.stderr


def test_an_unreachable_endpoint_is_named():
    from tests.loopback import Listener
    free = Listener()
    url = free.url + "/sparql"
    free.close()                                   # nothing listens there any more
    r = cli("query", "department-workload", "--endpoint", url)
    assert r.returncode == 2 and f"{url}: cannot reach the endpoint" in r.stderr and "Traceback" not in r.stderr


def test_regression_a_query_file_that_is_not_utf8_names_file_and_byte(tmp_path):
    """`sparql -f FILE` on invalid UTF-8 ended in a UnicodeDecodeError traceback."""
    f = tmp_path / "q.rq"
    f.write_bytes(b'SELECT * WHERE {\n  ?s ?p "\xe9" }')
    r = cli("sparql", "-f", str(f))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"policykg: {f}:2: byte 26 is not UTF-8; queries are read as UTF-8" in r.stderr
    r = cli("sparql", "-f", str(tmp_path / "missing.rq"))
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_regression_run_on_a_busy_port_says_so_before_building():
    """`make run` on a busy port ended in an OSError traceback after a 14 s rebuild."""
    from tests.loopback import Listener
    busy = Listener()
    try:
        r = cli("run", "--port", str(busy.port))
    finally:
        busy.close()
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"cannot listen on 127.0.0.1:{busy.port}" in r.stderr and "--port" in r.stderr
    assert f"make run PORT={busy.port + 1}" in r.stderr
    assert "validation:" not in r.stdout                  # nothing was built first


def test_a_misspelt_name_gets_the_nearest_ones():
    r = cli("query", "measures-by-department", "-p", "department=市财务局")
    assert r.returncode == 2 and "no body is called «市财务局»; did you mean 市财政局" in r.stderr, r.stderr
    r = cli("query", "measures-by-departmnet", "-p", "department=市财政局")
    assert r.returncode == 2 and "no saved query 'measures-by-departmnet'; did you mean measures-by-department" in r.stderr
