"""Build: reproducible bytes, the stale-data check, atomic writes, bad input."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from policykg import resources
from policykg.pipeline import BuildError, build, check
from policykg.extract import ExtractError
from policykg.iris import PKG

CLI = [sys.executable, "-m", "policykg.cli"]


def run_cli(*args, env=None):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, env=env)


def test_committed_data_is_up_to_date():
    same, _ = check()
    assert same, "data/measures.ttl is stale: run `policykg build` and commit it"


def test_build_check_cli_passes_on_committed_data():
    r = run_cli("build", "--check")
    assert r.returncode == 0, r.stderr


def test_build_check_cli_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "measures.ttl"
    stale.write_bytes(resources.default_output().read_bytes().replace("市财政局".encode(), "市财政厅".encode(), 1))
    r = run_cli("build", "--check", "--out", str(stale))
    assert r.returncode == 1 and "stale" in r.stderr


def test_bytes_do_not_depend_on_hash_seed(tmp_path):
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"m{seed}.ttl"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = run_cli("build", "--no-validate", "--out", str(out), env=env)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == resources.default_output().read_bytes()


def test_output_is_sorted_turtle_that_parses_back(built):
    g = Graph().parse(data=built.turtle, format="turtle")
    assert len(g) == len(built.graph)
    subjects = [l for l in built.turtle.splitlines() if l and not l.startswith((" ", "@"))]
    assert subjects.index("<https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/2>") < \
        subjects.index("<https://w3id.org/policykg/id/doc/zczmbf-2021-9/measure/10>")


def test_bad_source_writes_nothing(tmp_path, source_text):
    bad = tmp_path / "bad.txt"
    bad.write_text(source_text.replace("（十二）拓宽中小微企业融资渠道", "（十一）拓宽中小微企业融资渠道"),
                   encoding="utf-8")
    out = tmp_path / "out.ttl"
    out.write_text("previous good output\n", encoding="utf-8")
    r = run_cli("build", "--source", str(bad), "--out", str(out))
    assert r.returncode == 2
    assert "bad.txt:41:1: duplicate measure number 十一" in r.stderr
    assert out.read_text(encoding="utf-8") == "previous good output\n"
    assert sorted(tmp_path.iterdir()) == sorted([bad, out])          # no temporary file left behind


def test_non_utf8_source_is_a_clear_error(tmp_path):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("张促中民办发〔2021〕9号".encode("gb18030"))
    with pytest.raises(ExtractError, match="not UTF-8"):
        build(bad, tmp_path / "o.ttl")


def test_unknown_body_is_kept_flagged_and_warned(tmp_path, source_text):
    src = tmp_path / "unknown.txt"
    src.write_text(source_text.replace("（市统计局、市工信局按职责分工负责）", "（市大数据局、市工信局按职责分工负责）"),
                   encoding="utf-8")
    result = build(src, tmp_path / "o.ttl")
    # one warning for the notice: the name, its jurisdiction (Zhangye's) and where it is written
    assert any("1 unknown body kept as unresolved: «市大数据局» (620700; at 24:" in w for w in result.warnings)
    unresolved = set(result.graph.subjects(RDF.type, PKG.UnresolvedBody))
    assert len(unresolved) == 1
    m4 = next(m for m in result.graph.subjects(RDF.type, PKG.Measure)
              if int(result.graph.value(m, PKG.number)) == 4)
    assert unresolved <= set(result.graph.objects(m4, PKG.responsibleBody))
    # SHACL reports it as a warning, not a violation: the graph is still published
    assert result.report.conforms
    (finding,) = result.report.findings
    assert (finding.severity, finding.measure) == ("Warning", 4)
    assert "市大数据局" in finding.message_zh and "市大数据局" in finding.message_en


def test_a_graph_that_does_not_conform_is_not_written(tmp_path, source_text, monkeypatch):
    out = tmp_path / "o.ttl"
    out.write_text("previous\n", encoding="utf-8")
    import policykg.pipeline as build_module
    real = build_module.extract

    def broken(*a, **k):
        result = real(*a, **k)
        for m in list(result.graph.subjects(RDF.type, PKG.Measure)):
            result.graph.remove((m, PKG.responsibleBody, None))
        return result
    monkeypatch.setattr(build_module, "extract", broken)
    with pytest.raises(BuildError, match="does not conform"):
        build_module.build(None, out)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.ttl"]


def test_wheel_ships_the_resource_folders(tmp_path):
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-w", str(tmp_path), str(root)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    import zipfile
    (wheel,) = tmp_path.glob("policykg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("policykg/_resources/ontology/policykg.ttl",
                   "policykg/_resources/shapes/policykg-shapes.ttl",
                   "policykg/_resources/data/measures.ttl",
                   "policykg/_resources/data/source/zhangye-2021-9.txt",
                   "policykg/_resources/data/registry/bodies.ttl",
                   "policykg/_resources/data/divisions/areas.csv"):
        assert needed in names


def test_regression_unregistered_document_series_still_builds(tmp_path):
    """A notice whose 机关代字 has no registered series used to fail validation:
    it was linked to a series node that had no code or slug."""
    from pathlib import Path
    notice = Path(__file__).parent / "fixtures" / "notices" / "other-genre.txt"
    result = build(notice, tmp_path / "o.ttl")
    assert result.report.conforms
    assert any("no document series registered for the code 示例市促进办发" in w for w in result.warnings)
    assert not list(result.graph.objects(None, PKG.inSeries))


def test_regression_written_data_is_readable_by_everyone(tmp_path):
    """atomic_write used mkstemp, which creates files readable by their owner only."""
    import stat
    from policykg.pipeline import atomic_write
    target = tmp_path / "x.ttl"
    atomic_write(target, "data\n")
    assert stat.S_IMODE(target.stat().st_mode) & 0o044 == 0o044
