"""SHACL validation: the manifest-driven negative fixtures and the report formats."""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from rdflib import BNode
from rdflib.namespace import SH

from policykg.validate import InputError, shapes_graph, validate_file

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST = tomllib.loads((FIXTURES / "invalid" / "manifest.toml").read_text(encoding="utf-8"))["case"]
SHAPES = shapes_graph()


def local(term) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def fired(finding) -> tuple[str, str | None, str]:
    """(node shape, path, severity) of a finding, read back from the shapes graph."""
    if finding.shape is not None:              # a named node shape (its SPARQL constraints)
        return local(finding.shape), None, finding.severity
    # property shapes are blank nodes: find the one whose message the finding carries
    node, prop = next((n, p) for n, p in SHAPES.subject_objects(SH.property)
                      if {str(m) for m in SHAPES.objects(p, SH.message)} & {finding.message_zh, finding.message_en})
    path = SHAPES.value(prop, SH.path)
    alt = SHAPES.value(path, SH.alternativePath) if isinstance(path, BNode) else None
    path = "|".join(local(x) for x in SHAPES.items(alt)) if alt is not None else local(path)
    return local(node), path, finding.severity


def test_the_minimal_valid_fixture_has_no_finding():
    report = validate_file(FIXTURES / "valid" / "minimal.ttl")
    assert report.conforms and report.findings == []


def test_manifest_has_at_least_15_cases_and_lists_every_file():
    assert len(MANIFEST) >= 15
    files = {p.name for p in (FIXTURES / "invalid").glob("*.ttl")}
    assert files == {c["file"] for c in MANIFEST}


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_invalid_fixture_fires_exactly_the_expected_constraint(case):
    report = validate_file(FIXTURES / "invalid" / case["file"])
    got = {fired(f) for f in report.findings}
    assert got == {(case["shape"], case.get("path"), case["severity"])}, report.text()
    assert report.conforms == (case["severity"] != "Violation")


def test_report_groups_by_focus_and_cites_the_measure():
    report = validate_file(FIXTURES / "invalid" / "unresolved-body.ttl")
    text = report.text()
    assert "measure 1 «措施一»" in text
    assert "市大数据" in text
    data = json.loads(report.to_json())
    assert data["conforms"] is True and data["warnings"] == 1
    assert data["findings"][0]["measure"] == 1


def cli(*args):
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True)


def test_cli_exit_codes_and_formats():
    bad = FIXTURES / "invalid" / "measure-without-part.ttl"
    r = cli("validate", str(bad))
    assert r.returncode == 1 and "inPart" in r.stdout
    r = cli("validate", str(bad), "--format", "json")
    assert r.returncode == 1 and json.loads(r.stdout)["violations"] == 1
    r = cli("validate", str(bad), "--format", "turtle")
    assert r.returncode == 1 and "sh:ValidationReport" in r.stdout
    r = cli("validate", str(FIXTURES / "invalid" / "target-percent-over-100.ttl"))
    assert r.returncode == 0 and "Warning" in r.stdout
    r = cli("validate")                       # the shipped data
    assert r.returncode == 0 and "Conforms: yes (0 violations, 0 warnings)" in r.stdout


def test_malformed_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix pkg: <https://w3id.org/policykg/ontology#> .\n\n<a> pkg:number 1 ;\n   pkg:title \"x\"@zh\n<b> a pkg:Part .\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as e:
        validate_file(bad)
    # the statement on line 4 lacks its full stop; the parser notices on line 5
    assert str(e.value).startswith(f"{bad}:5: not valid RDF: ")
    r = cli("validate", str(bad))
    assert r.returncode == 2 and "broken.ttl" in r.stderr


# --- what validate refuses, and what it says before it starts ---------------------------------

def test_regression_an_empty_file_has_no_data_to_validate(tmp_path):
    """An empty file (or one with prefixes only) was reported as `Conforms: yes`."""
    for name, text in (("empty.ttl", ""), ("prefixes.ttl", "@prefix pkg: <https://w3id.org/policykg/ontology#> .\n# none\n"),
                       ("empty.nt", "\n"), ("empty.jsonld", "[]")):
        f = tmp_path / name
        f.write_text(text, encoding="utf-8")
        r = cli("validate", str(f))
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert f"{f}: no data: the file holds no triples" in r.stderr
        assert "Conforms" not in r.stdout


def test_regression_an_oversized_file_is_refused_by_its_size_unread(tmp_path, monkeypatch):
    """validate on 100 MB (1.77 M triples) ran for more than 580 s at 7.6 GB."""
    import policykg.validate as v
    big = tmp_path / "big.ttl"
    with open(big, "wb") as f:                      # sparse: 100 MB on paper, nothing on disk
        f.truncate(100 * 1000 * 1000)

    def never(*a, **k):
        raise AssertionError("the file was read")
    monkeypatch.setattr(v, "count_triples", never)
    monkeypatch.setattr(v.Graph, "parse", never)
    with pytest.raises(InputError) as e:
        validate_file(big)
    assert str(e.value).startswith(f"{big}: the file is 100.0 MB, more than --max-triples 200,000 allows "
                                   f"(51.2 MB at 256 bytes a triple), so it was not read")
    r = cli("validate", str(big))
    assert r.returncode == 2 and "so it was not read" in r.stderr and "Traceback" not in r.stderr


def test_regression_more_triples_than_the_limit_are_refused_before_parsing(monkeypatch):
    import policykg.validate as v
    from policykg import resources
    real, stops = v.count_triples, []

    def counting(path, stop=None):
        stops.append(stop)
        return real(path, stop)

    def never(*a, **k):
        raise AssertionError("rdflib parsed a file over the limit")
    monkeypatch.setattr(v, "count_triples", counting)
    monkeypatch.setattr(v.Graph, "parse", never)
    with pytest.raises(InputError, match=r"more than 5,000 triples, the limit \(--max-triples 5,000"):
        validate_file(resources.default_output(), max_triples=5000)
    assert stops == [5001]                          # the stream was abandoned past the limit
    r = cli("validate", "--max-triples", "5000")
    assert r.returncode == 2 and "more than 5,000 triples" in r.stderr
    r = cli("validate", "--max-triples", "0")
    assert r.returncode == 2 and "--max-triples" in r.stderr


def test_regression_validate_says_what_it_will_cost_before_it_starts():
    r = cli("validate", str(FIXTURES / "valid" / "minimal.ttl"))
    assert r.returncode == 0
    assert r.stderr.splitlines() == ["validating 58 triples, about 1 s"]
    r = cli("validate", "--help")
    assert "--max-triples" in r.stdout and "200000" in r.stdout


def test_the_estimate_follows_the_measured_rates():
    from policykg.validate import MEASURED_SECONDS, cost_line, estimate_seconds
    for n, seconds in MEASURED_SECONDS:
        assert estimate_seconds(n) == pytest.approx(seconds)
    sizes = [10, 9506, 50_000, 200_000, 1_770_000]
    assert [estimate_seconds(n) for n in sizes] == sorted(estimate_seconds(n) for n in sizes)
    assert cost_line(9506) == "validating 9,506 triples, about 2 s"
    assert cost_line(200_000) == "validating 200,000 triples, about 34 s"
    assert cost_line(1) == "validating 1 triple, about 1 s"


# --- nothing is fetched ----------------------------------------------------------------------

def test_regression_a_remote_json_ld_context_is_refused_without_a_connection(tmp_path):
    """rdflib fetched a JSON-LD @context given as a URL."""
    from tests.loopback import listener
    with listener() as server:
        cases = {
            "string.jsonld": '{"@context": "%s/ctx", "@id": "http://a/x", "http://a/p": "v"}',
            "list.jsonld": '{"@context": [{"p": "http://a/p"}, "%s/ctx"], "@id": "http://a/x", "p": "v"}',
            "nested.jsonld": '{"@graph": [{"@context": "%s/ctx", "@id": "http://a/x"}]}',
            "import.jsonld": '{"@context": {"@version": 1.1, "@import": "%s/ctx"}, "@id": "http://a/x"}'}
        for name, text in cases.items():
            f = tmp_path / name
            f.write_text(text % server.url, encoding="utf-8")
            r = cli("validate", str(f))
            assert r.returncode == 2, (name, r.stdout, r.stderr)
            assert f"the JSON-LD context '{server.url}/ctx' is not in the file; policykg never fetches URLs" \
                in r.stderr, name
            assert str(f) in r.stderr and "Traceback" not in r.stderr
        assert server.connections() == []


def test_validation_follows_no_import_entity_or_url(tmp_path):
    from tests.loopback import listener
    with listener() as server:
        imports = tmp_path / "imports.ttl"
        imports.write_text(
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            f"<https://w3id.org/policykg/ontology> owl:imports <{server.url}/onto> .\n"
            f"<http://a/x> a owl:Ontology ; owl:imports <{server.url}/x> ; sh:shapesGraph <{server.url}/shapes> .\n",
            encoding="utf-8")
        dtd = tmp_path / "dtd.rdf"
        dtd.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{server.url}/x.dtd">\n'
                       '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:a="http://a/">'
                       '<rdf:Description rdf:about="http://a/x"><a:p>v</a:p></rdf:Description></rdf:RDF>\n',
                       encoding="utf-8")
        for f in (imports, dtd):
            r = cli("validate", str(f))
            assert r.returncode == 0 and "Conforms: yes" in r.stdout, r.stderr
        r = cli("validate", f"{server.url}/data.ttl")        # a URL is a file name, never a request
        assert r.returncode == 2 and "no such file" in r.stderr
        assert server.connections() == []


def test_pyshacl_is_called_with_owl_imports_off(monkeypatch):
    import pyshacl             # validate.py imports it when it validates, not at its own import
    seen = {}
    real = pyshacl.validate

    def spy(*a, **k):
        seen.update(k)
        return real(*a, **k)
    monkeypatch.setattr(pyshacl, "validate", spy)
    validate_file(FIXTURES / "valid" / "minimal.ttl")
    assert seen["do_owl_imports"] is False


def test_regression_turtle_that_is_not_utf8_names_line_and_byte(tmp_path):
    """rdflib's message named neither the line nor the file's byte offset."""
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes(b'<http://example.org/a> <http://example.org/p> "ok" .\n'
                    b'<http://example.org/a> <http://example.org/p> "\xe9" .\n')
    with pytest.raises(InputError, match=rf"^{bad}:2: byte 100 is not UTF-8; turtle files are read as UTF-8$"):
        validate_file(bad)
