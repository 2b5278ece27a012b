"""The CLI's input paths for ad-hoc queries."""
from pathlib import Path

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
    from .listener import Listener
    from .ssrf_cases import CASES
    runner = CliRunner()
    with Listener() as listener:
        for case in [c for c in CASES if c.name in ("comment-ended-by-cr", "less-than-read-as-iri",
                                                     "escape-in-prefixed-name", "nested")]:
            r = runner.invoke(main, ["sparql", case.text(listener.url)])
            assert r.exit_code == 2 and "SERVICE: federated queries are refused" in r.output, case.name
        assert listener.settle() == []


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
