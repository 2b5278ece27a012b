"""The CLI's input paths for ad-hoc queries."""
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
