"""The synthetic notices the scale benchmarks ingest, and the bulk ingest that amortises
what one ingest loads: both must give what a single ingest of the same text gives."""
import re
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from policykg.corpus import Corpus
from policykg.iris import PKG
from policykg.pipeline import extract
from policykg.validate import _closed, _rdfs_closure, context_graph, load_rdf, ontology_graph, validate_graph, validate_graphs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
# notice 0 is of another city (bodies unresolved), 2 is Zhangye's (bodies the registry resolves)
KS = (0, 2)


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    return [p for p in synthetic.write(out, 3) if int(p.stem[-5:]) in KS]


@pytest.fixture(scope="module")
def graphs(texts):
    return [extract(p, law_structure=False).graph for p in texts]


def headings(text: str) -> list[str]:
    return re.findall(r"^（([一二三四五六七八九十]+)）", text, re.M)


def test_the_same_seed_gives_the_same_text_and_another_seed_another():
    assert synthetic.notice(7, seed=1) == synthetic.notice(7, seed=1)
    assert synthetic.notice(7, seed=1) != synthetic.notice(7, seed=2)
    assert synthetic.notice(7, seed=1) != synthetic.notice(8, seed=1)


def test_the_generated_texts_have_the_forms_the_extractor_reads(texts):
    issuers = {t.read_text(encoding="utf-8").splitlines()[0][:2] for t in texts}
    assert len(issuers) >= 2                             # several jurisdictions
    text = "\n".join(t.read_text(encoding="utf-8") for t in texts)
    for form in ("牵头", "配合", "按职责分工负责", "责任单位：", "《", "不少于"):
        assert form in "\n".join(synthetic.notice(k) for k in range(20)), form
    assert re.search(r"^一、", text, re.M) and re.search(r"^二、", text, re.M)
    assert "〔" in text and "〕" in text


def test_bulk_ingest_adds_every_notice_with_its_measures_and_bodies(texts, tmp_path):
    corpus = Corpus(tmp_path / "corpus")
    missing = tmp_path / "missing.txt"
    done = list(corpus.ingest_many([texts[0], missing] + texts[1:]))
    assert [p for p, _ in done] == [texts[0], missing] + texts[1:]
    assert "no such file" in str(done.pop(1)[1])           # reported in its place; the others added
    for path, ingested in done:
        assert not isinstance(ingested, Exception), ingested
        measures = headings(path.read_text(encoding="utf-8"))
        assert ingested.entry.measures == len(measures) > 0
        assert ingested.entry.bodies > 0
        graph = load_rdf(corpus.folder / ingested.entry.id / "graph.ttl")
        measure_nodes = set(graph.subjects(RDF.type, PKG.Measure))
        assert sorted(int(graph.value(m, PKG.number)) for m in measure_nodes) == list(range(1, len(measures) + 1))
    zhangye = [i for p, i in done if p.read_text(encoding="utf-8").startswith("张政办发")]
    assert zhangye and all(i.entry.jurisdiction == "620700" for i in zhangye)
    # the registry resolves Zhangye's bodies: their graphs name registry bodies
    g = load_rdf(corpus.folder / zhangye[0].entry.id / "graph.ttl")
    assert any(str(b).startswith("https://w3id.org/policykg/id/body/zhangye-") for b in g.objects(None, PKG.responsibleBody))
    # ingesting the same texts again changes nothing
    assert all(not i.changed for _, i in corpus.ingest_many(texts))


def test_the_closure_of_the_context_once_is_the_closure_of_the_whole(graphs):
    """closed once + the notice's own is what pySHACL's inference over the whole derives; the only
    extra triples say that RDF/RDFS/OWL vocabulary terms are resources."""
    for g in graphs[:1]:
        whole = Graph()
        whole += g
        whole += context_graph()
        whole += ontology_graph()
        _rdfs_closure(whole)
        fast = _closed(g)
        assert set(whole) <= set(fast)
        extra = set(fast) - set(whole)
        assert all(p == RDF.type and o == RDFS.Resource and str(s).startswith(("http://www.w3.org/",))
                   for s, p, o in extra), extra


def lines(report):
    return sorted(f.line() for f in report.findings), report.conforms


def test_batched_and_fast_validation_find_what_pyshacl_alone_finds(graphs):
    alone = [lines(validate_graph(g, fast=False)) for g in graphs]
    assert [lines(r) for r in validate_graphs(graphs)] == alone
    assert any(findings for findings, _ in alone)      # warnings to attribute


# one property-shape and one SPARQL constraint; the fast path alone is checked on every fixture by
# tests/test_validate.py
@pytest.mark.parametrize("fixture", ["measure-without-responsible-body.ttl", "measure-numbers-not-contiguous.ttl"])
def test_a_violation_in_a_batch_is_reported_as_alone(graphs, fixture):
    bad = load_rdf(FIXTURES / "invalid" / fixture)
    expected = lines(validate_graph(bad, fast=False))
    reports = validate_graphs(graphs[:1] + [bad])
    assert lines(reports[1]) == expected
    assert lines(reports[0]) == lines(validate_graph(graphs[0]))


def test_ingest_takes_a_folder_of_texts(texts, tmp_path):
    from click.testing import CliRunner

    from policykg.cli import main
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / texts[0].name).write_bytes(texts[0].read_bytes())
    (folder / "notes.md").write_text("not a notice", encoding="utf-8")
    r = CliRunner().invoke(main, ["ingest", "--corpus", str(tmp_path / "corpus"), str(folder)])
    assert r.exit_code == 0, r.output
    assert f"{texts[0].stem} added" in r.output and "notes" not in r.output
    empty = tmp_path / "empty"
    empty.mkdir()
    r = CliRunner().invoke(main, ["ingest", "--corpus", str(tmp_path / "corpus"), str(empty)])
    assert r.exit_code != 0 and "no .txt files" in r.output


def outcome(done) -> tuple:
    if isinstance(done, Exception):
        return type(done).__name__, str(done)
    return done.entry, done.changed


def test_ingest_in_worker_processes_gives_what_one_process_gives(tmp_path):
    """Extracted and validated in two workers, added here in order: the same outcome for each file
    (a missing one, one not of the genre, the same text twice, another text under an id added
    earlier in the run) and the same corpus, file for file."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from ingest_rate import same_files
    texts = synthetic.write(tmp_path / "texts", 7, seed=3)
    other = tmp_path / "other" / texts[1].name                 # the same id, another text
    other.parent.mkdir()
    other.write_text(texts[1].read_text(encoding="utf-8").replace("。", "；", 1), encoding="utf-8")
    paths = [texts[0], tmp_path / "missing.txt", texts[1], FIXTURES / "notices" / "guangdong-2023-consumption.txt",
             *texts[2:5], texts[0], other, *texts[5:]]
    runs = {}
    for jobs in (1, 2):
        runs[jobs] = [(p, outcome(d)) for p, d in Corpus(tmp_path / f"corpus-{jobs}").ingest_many(paths, batch=2, jobs=jobs)]
    assert runs[2] == runs[1]
    kinds = [o[0] if isinstance(o[0], str) else ("added" if o[1] else "unchanged") for _, o in runs[2]]
    assert kinds == ["added", "CorpusError", "added", "ExtractError", "added", "added", "added", "unchanged",
                     "CorpusError", "added", "added"]
    assert "a different text is already in the corpus" in runs[2][8][1][1]
    assert same_files(tmp_path / "corpus-1", tmp_path / "corpus-2")


def test_ingest_refuses_jobs_below_one_naming_the_option(texts, tmp_path):
    from click.testing import CliRunner

    from policykg.cli import main
    r = CliRunner().invoke(main, ["ingest", "--corpus", str(tmp_path / "corpus"), "--jobs", "0", str(texts[0])])
    assert r.exit_code == 2 and "--jobs" in r.output
    assert not (tmp_path / "corpus").exists()


def test_regression_a_worker_that_dies_stops_the_ingest_with_what_was_added(texts, tmp_path, monkeypatch):
    """A worker killed (out of memory, say) breaks the pool: the ingest stops with a message naming
    the first file not ingested, and the notices added before it stay."""
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from click.testing import CliRunner

    from policykg.cli import main
    submit = ProcessPoolExecutor.submit
    calls = []

    def dying(self, fn, *args, **kwargs):
        calls.append(args)
        if len(calls) < 2:
            return submit(self, fn, *args, **kwargs)
        future = Future()
        future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return future
    monkeypatch.setattr(ProcessPoolExecutor, "submit", dying)
    files = [texts[0], texts[1]] + [tmp_path / f"missing-{k}.txt" for k in range(8)]
    r = CliRunner().invoke(main, ["ingest", "--corpus", str(tmp_path / "corpus"), "--jobs", "2", "--no-answers",
                                  *map(str, files)])
    assert r.exit_code == 2, r.output
    # batches of four: the first (two notices, two missing files) came back, the second did not
    assert f"the files before {files[4]} were ingested" in r.output and "--jobs 1" in r.output
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir() if not p.name.startswith(".")) == \
        sorted(p.stem for p in texts[:2])
