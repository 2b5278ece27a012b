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
