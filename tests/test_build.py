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


# --- outputs: refused before any work, written together -------------------------------------

# The CLI with root's privileges dropped once its modules are loaded (root ignores
# file permissions, and the interpreter itself lives under /root here); it exits
# with a message if the build gets as far as extracting.
UNPRIVILEGED_CLI = [sys.executable, "-c", """
import os, sys
import policykg.pipeline
from policykg.cli import main
def no_work(*a, **k):
    sys.exit("extraction started before the output was refused")
policykg.pipeline.extract = no_work
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
main(sys.argv[1:], prog_name="policykg")
"""]


def shared_tmp():
    """A temporary folder an unprivileged child may enter (pytest's tmp_path is root's only)."""
    import tempfile
    d = Path(tempfile.mkdtemp(prefix="policykg-test-"))
    d.chmod(0o755)
    return d


def test_regression_out_equal_to_source_is_refused_before_any_work(tmp_path):
    """`build --source X --out X` overwrote the notice with Turtle and exited 0."""
    notice = tmp_path / "notice.txt"
    notice.write_bytes(resources.default_source().read_bytes())
    r = run_cli("build", "--source", str(notice), "--out", str(notice))
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"--out {notice} would overwrite {notice}, the notice" in r.stderr
    assert "Traceback" not in r.stderr and "wrote" not in r.stdout
    assert notice.read_bytes() == resources.default_source().read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notice.txt"]


def test_regression_a_companion_that_would_overwrite_the_source_is_refused(tmp_path):
    """--source d/laws.ttl --out d/m.ttl: the laws graph written beside OUT would replace the notice."""
    notice = tmp_path / "laws.ttl"
    notice.write_bytes(resources.default_source().read_bytes())
    r = run_cli("build", "--no-validate", "--source", str(notice), "--out", str(tmp_path / "m.ttl"))
    assert r.returncode == 2 and "writes laws.ttl beside it, which would overwrite" in r.stderr
    assert notice.read_bytes() == resources.default_source().read_bytes()


def test_regression_out_over_a_file_the_build_reads_is_refused(monkeypatch):
    """Registry, ontology, shapes and law files are inputs too; so are the folders read whole."""
    import policykg.pipeline as pipeline
    from policykg.pipeline import OutputError

    def no_work(*a, **k):
        raise AssertionError("the build started before refusing its output")
    monkeypatch.setattr(pipeline, "extract", no_work)
    for out, message in [
            (resources.path("data", "registry", "bodies.ttl"), "would overwrite"),
            (resources.path("shapes", "policykg-shapes.ttl"), "would overwrite"),
            (resources.path("ontology", "policykg.ttl"), "would overwrite"),
            (resources.path("ontology", "new.ttl"), "holds files the build reads"),
            (resources.path("data", "registry", "out.ttl"), "holds files the build reads")]:
        with pytest.raises(OutputError, match=message):
            pipeline.build(None, out)


@pytest.mark.parametrize("name", ["laws.ttl", "legal-basis.ttl"])
def test_regression_out_named_like_a_companion_is_refused(tmp_path, name):
    """--out d/laws.ttl wrote the measures graph there, then the laws graph over it."""
    r = run_cli("build", "--out", str(tmp_path / name))
    assert r.returncode == 2
    assert f"--out {tmp_path / name}: the build also writes laws.ttl and legal-basis.ttl beside OUT" in r.stderr
    assert list(tmp_path.iterdir()) == []
    r = run_cli("build", "--check", "--out", str(tmp_path / name))
    assert r.returncode == 2 and "beside OUT" in r.stderr


def test_regression_build_prints_every_file_it_writes(tmp_path):
    out = tmp_path / "m.ttl"
    r = run_cli("build", "--no-validate", "--out", str(out))
    assert r.returncode == 0, r.stderr
    wrote = [l for l in r.stdout.splitlines() if l.startswith("wrote ")]
    assert wrote == [f"wrote {out}", f"wrote {tmp_path / 'laws.ttl'}", f"wrote {tmp_path / 'legal-basis.ttl'}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laws.ttl", "legal-basis.ttl", "m.ttl"]


def test_regression_out_under_a_regular_file_is_refused_at_once(tmp_path):
    """Used to fail with a traceback after the whole build (about 12 s)."""
    (tmp_path / "plain").write_text("x\n", encoding="utf-8")
    for out in (tmp_path / "plain" / "m.ttl", tmp_path / "plain" / "sub" / "m.ttl"):
        r = run_cli("build", "--out", str(out))
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert f"{tmp_path / 'plain'} is a file, not a directory" in r.stderr
    (tmp_path / "d" / "laws.ttl").mkdir(parents=True)
    r = run_cli("build", "--out", str(tmp_path / "d" / "m.ttl"))
    assert r.returncode == 2 and f"{tmp_path / 'd' / 'laws.ttl'} is a directory" in r.stderr


def test_regression_unwritable_out_folder_is_refused_before_the_build():
    import shutil
    base = shared_tmp()
    try:
        ro = base / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        for out, message in ((ro / "m.ttl", f"cannot write in {ro}"),
                             (ro / "new" / "m.ttl", f"cannot create {ro / 'new'}: {ro} is not writable")):
            r = subprocess.run(UNPRIVILEGED_CLI + ["build", "--out", str(out)], capture_output=True,
                               text=True, cwd=base)
            assert r.returncode == 2, r.stdout + r.stderr
            assert message in r.stderr and "Traceback" not in r.stderr
        assert list(ro.iterdir()) == []
    finally:
        shutil.rmtree(base)


OLD = {"m.ttl": "old measures\n", "laws.ttl": "old laws\n", "legal-basis.ttl": "old basis\n"}


def old_trio(folder: Path) -> None:
    for name, text in OLD.items():
        (folder / name).write_text(text, encoding="utf-8")


def trio(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in OLD}


def test_regression_a_failure_on_the_second_write_leaves_the_old_trio(tmp_path, monkeypatch):
    """The three outputs were written one by one: a failure on the second left a
    new measures graph with old companions."""
    import policykg.pipeline as pipeline
    old_trio(tmp_path)
    real, calls = pipeline.write_temporary, []

    def failing(path, data):
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)
    monkeypatch.setattr(pipeline, "write_temporary", failing)
    with pytest.raises(OSError, match="No space left"):
        pipeline.build(None, tmp_path / "m.ttl", validate=False)
    assert calls == ["m.ttl", "laws.ttl"]
    assert trio(tmp_path) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OLD)


def test_regression_a_failed_rename_restores_the_old_trio(tmp_path, monkeypatch):
    import policykg.pipeline as pipeline
    old_trio(tmp_path)
    real, renamed = os.replace, []

    def failing(src, dst):
        if Path(dst).name in OLD:
            renamed.append(Path(dst).name)
            if len(renamed) == 2:
                raise OSError(5, "Input/output error")
        return real(src, dst)
    monkeypatch.setattr(pipeline.os, "replace", failing)
    with pytest.raises(OSError, match="Input/output error"):
        pipeline.build(None, tmp_path / "m.ttl", validate=False)
    monkeypatch.undo()
    assert trio(tmp_path) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OLD)


# A child that builds into OUT's folder and SIGKILLs itself at a chosen moment.
KILLER = """
import os, signal, sys
from pathlib import Path
import policykg.pipeline as pipeline
from policykg.cli import main
moment, out = sys.argv[1], sys.argv[2]
real_replace, real_write = os.replace, pipeline.write_temporary
calls = []
def replace(src, dst):
    real_replace(src, dst)
    if moment == "rename" and Path(dst).name == Path(out).name:
        os.kill(os.getpid(), signal.SIGKILL)         # the first output is in place, the others are not
def write(path, data):
    calls.append(path)
    if moment == "write" and len(calls) == 2:
        tmp = real_write(path, data[: len(data) // 2])
        os.kill(os.getpid(), signal.SIGKILL)         # one temporary written, the second half-written
    return real_write(path, data)
pipeline.os.replace = replace
pipeline.write_temporary = write
main(["build", "--no-validate", "--out", out])
"""


def killed_build(out: Path, moment: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLER, moment, str(out)], capture_output=True, text=True)


def shipped_trio() -> dict[str, str]:
    data = resources.default_output()
    return {"m.ttl": data.read_text(encoding="utf-8"),
            "laws.ttl": data.with_name("laws.ttl").read_text(encoding="utf-8"),
            "legal-basis.ttl": data.with_name("legal-basis.ttl").read_text(encoding="utf-8")}


def test_regression_a_build_killed_between_renames_is_completed_by_the_next_run(tmp_path):
    old_trio(tmp_path)
    r = killed_build(tmp_path / "m.ttl", "rename")
    assert r.returncode == -9, r.stderr
    # what the kill left: a new measures graph beside old companions, and the journal
    left = trio(tmp_path)
    assert left["m.ttl"] == shipped_trio()["m.ttl"] and left["laws.ttl"] == OLD["laws.ttl"]
    assert (tmp_path / ".policykg-replace.journal").exists()
    # the next run (here a check, which writes nothing of its own) rolls it forward
    r = run_cli("build", "--check", "--out", str(tmp_path / "m.ttl"))
    assert r.returncode == 0, r.stderr
    assert "finished replacing m.ttl, laws.ttl, legal-basis.ttl" in r.stderr
    assert trio(tmp_path) == shipped_trio()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OLD)


def test_regression_a_journal_whose_temporary_is_gone_is_rolled_back(tmp_path):
    old_trio(tmp_path)
    assert killed_build(tmp_path / "m.ttl", "rename").returncode == -9
    (temp,) = tmp_path.glob(".laws.ttl.*.tmp")
    temp.unlink()
    from policykg.pipeline import recover
    notes = recover(tmp_path, list(OLD))
    assert any("restored the previous m.ttl, laws.ttl, legal-basis.ttl" in n for n in notes)
    assert trio(tmp_path) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OLD)


def test_regression_a_build_killed_while_writing_leaves_the_old_trio_and_no_temporaries(tmp_path):
    """SIGKILL left `.NAME.*.tmp` files behind for good."""
    old_trio(tmp_path)
    assert killed_build(tmp_path / "m.ttl", "write").returncode == -9
    assert trio(tmp_path) == OLD
    assert len(list(tmp_path.glob(".*.tmp"))) == 2
    r = run_cli("build", "--no-validate", "--out", str(tmp_path / "m.ttl"))
    assert r.returncode == 0, r.stderr
    assert "removed 2 temporary file(s)" in r.stderr
    assert trio(tmp_path) == shipped_trio()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OLD)


def test_regression_an_oversized_notice_is_refused_before_it_is_read(tmp_path):
    """A 50 MB notice with one huge measure kept the legal-basis matcher busy for ten minutes."""
    import policykg.pipeline as pipeline
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.write(resources.default_source().read_bytes())
        f.truncate(pipeline.MAX_SOURCE_BYTES + 1)
    r = run_cli("build", "--source", str(big), "--out", str(tmp_path / "m.ttl"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{big}:1:1: the file is 2.0 MB; notices are at most 2 MB (MAX_SOURCE_BYTES)" in r.stderr
    # checked before reading the whole file: a device that never ends is cut at the limit
    with pytest.raises(ExtractError, match="more than 2,097,152 bytes"):
        pipeline.read_source(Path("/dev/zero"))


def test_regression_a_non_utf8_notice_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("张掖\n第二行".encode() + b"\xff\xfe")
    r = run_cli("build", "--source", str(bad), "--out", str(tmp_path / "m.ttl"))
    assert r.returncode == 2 and f"{bad}:2:4: not UTF-8 text (byte 16)" in r.stderr
