"""The corpus: ingest, list and remove notices, each its own named graph, all or nothing."""
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.corpus import GRAPH_BASE, SHIPPED_ID, Corpus, CorpusError
from policykg.extract import ExtractError
from policykg.store import open_store

NOTICES = Path(__file__).parent / "fixtures" / "notices"
HUNAN = NOTICES / "hunan-2024-work-points.txt"          # 工作要点: three levels, no number, no date
SHANGHAI = NOTICES / "shanghai-2024-road-transport.txt"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the folder and its digest: what 'unchanged' means."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A corpus holding the Hunan and Shanghai notices (ingest validates: ~5 s each)."""
    folder = tmp_path_factory.mktemp("corpus")
    corpus = Corpus(folder)
    corpus.ingest(HUNAN)
    corpus.ingest(SHANGHAI)
    return folder


def copy_of(filled: Path, tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(filled, target)
    return target


def test_the_shipped_notice_is_always_in_the_corpus(tmp_path):
    entries = Corpus(tmp_path / "new").entries()
    assert [e.id for e in entries] == [SHIPPED_ID]
    shipped = entries[0]
    assert (shipped.title, shipped.number, shipped.date, shipped.measures, shipped.bodies) == (
        "关于进一步健全支持中小企业发展制度的若干措施", "张促中民办发〔2021〕9号", "2021-07-01", 35, 27)
    assert shipped.issuer == "张掖市促进中小企业和民营经济发展工作领导小组办公室" and shipped.shipped
    assert shipped.jurisdiction == "620700"                      # read from its graph's dct:spatial
    with pytest.raises(CorpusError, match="always in the corpus"):
        Corpus(tmp_path).remove(SHIPPED_ID)


def test_ingest_copies_the_source_byte_for_byte_and_lists_what_the_text_says(filled):
    entries = {e.id: e for e in Corpus(filled).entries()}
    assert sorted(entries) == ["hunan-2024-work-points", "shanghai-2024-road-transport", SHIPPED_ID]
    hunan = entries["hunan-2024-work-points"]
    assert hunan.title == "湖南省2024年优化营商环境工作要点"
    assert hunan.number is None and hunan.date is None          # absent from the text: not invented
    assert hunan.measures == 20
    assert any("no document number" in w for w in hunan.warnings)
    shanghai = entries["shanghai-2024-road-transport"]
    assert (shanghai.number, shanghai.date, shanghai.measures) == ("沪府办发〔2024〕7号", "2024-04-12", 12)
    assert (shanghai.jurisdiction, hunan.jurisdiction) == ("310000", "430000")
    for entry, source in ((hunan, HUNAN), (shanghai, SHANGHAI)):
        assert (filled / entry.id / "source.txt").read_bytes() == source.read_bytes()
        assert entry.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()


def test_reingesting_the_same_bytes_changes_nothing(filled, tmp_path):
    folder = copy_of(filled, tmp_path)
    before = snapshot(folder)
    again = Corpus(folder).ingest(HUNAN)
    assert not again.changed and again.entry.id == "hunan-2024-work-points"
    assert snapshot(folder) == before


def test_a_different_text_under_an_existing_id_needs_replace(filled, tmp_path):
    folder = copy_of(filled, tmp_path)
    before = snapshot(folder)
    edited = tmp_path / "hunan-2024-work-points.txt"
    edited.write_text(HUNAN.read_text(encoding="utf-8").replace("全面落实市场准入负面清单制度",
                                                                "全面落实市场准入负面清单"), encoding="utf-8")
    with pytest.raises(CorpusError, match="--replace"):
        Corpus(folder).ingest(edited)
    assert snapshot(folder) == before
    replaced = Corpus(folder).ingest(edited, replace=True)
    assert replaced.changed
    assert (folder / "hunan-2024-work-points" / "source.txt").read_bytes() == edited.read_bytes()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("text, words", [
    ("这不是一份通知。\n只有两行文字。\n", "bad.txt:1:1: no title"),
    ("关于支持企业发展的若干措施\n\n一、总体要求\n\n（一）加强领导（市财政局负责\n", "bad.txt:5:8: unbalanced bracket"),
])
def test_a_failed_ingest_leaves_the_corpus_byte_identical(filled, tmp_path, text, words):
    folder = copy_of(filled, tmp_path)
    before = snapshot(folder)
    bad = tmp_path / "bad.txt"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises((CorpusError, ExtractError)) as e:
        Corpus(folder).ingest(bad)
    assert words in str(e.value)
    assert snapshot(folder) == before


def test_a_killed_ingest_is_put_right_on_the_next_open(filled, tmp_path):
    folder = copy_of(filled, tmp_path)
    before = snapshot(folder)
    (folder / ".new-x.abc").mkdir()                               # killed while writing
    (folder / ".new-x.abc" / "source.txt").write_text("half", encoding="utf-8")
    shutil.move(folder / "shanghai-2024-road-transport", folder / ".old-shanghai-2024-road-transport")
    Corpus(folder)                                                # killed between the two renames
    assert snapshot(folder) == before and not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_remove_takes_the_notice_out(filled, tmp_path):
    folder = copy_of(filled, tmp_path)
    corpus = Corpus(folder)
    assert corpus.remove("hunan-2024-work-points").title == "湖南省2024年优化营商环境工作要点"
    assert [e.id for e in corpus.entries()] == [SHIPPED_ID, "shanghai-2024-road-transport"]
    with pytest.raises(CorpusError, match="no notice"):
        corpus.remove("hunan-2024-work-points")


def test_regression_get_reads_the_one_entry_asked_for(filled, tmp_path):
    """Each ingest asks for its notice's entry: get() read every entry.json, so a 10,000-notice
    ingest slowed as the corpus grew. It reads the one asked for, and no path but an id."""
    folder = copy_of(filled, tmp_path)
    (folder / "shanghai-2024-road-transport" / "entry.json").write_text("{not json", encoding="utf-8")
    corpus = Corpus(folder)
    assert corpus.get("hunan-2024-work-points").title == "湖南省2024年优化营商环境工作要点"
    assert corpus.get(SHIPPED_ID).shipped
    assert corpus.get("no-such-notice") is None
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "entry.json").write_text((folder / "hunan-2024-work-points" / "entry.json")
                                                     .read_text(encoding="utf-8"), encoding="utf-8")
    assert corpus.get("../outside") is None


def test_each_notice_is_its_own_named_graph_and_the_default_graph_holds_all(filled):
    store = open_store(corpus=Corpus(filled))
    count = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { GRAPH <%s> { ?m a pkg:Measure } }"
    assert store.select(count % (GRAPH_BASE + "hunan-2024-work-points")).values("n") == ["20"]
    assert store.select(count % (GRAPH_BASE + SHIPPED_ID)).values("n") == ["35"]
    everything = store.select("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a pkg:Measure }")
    assert everything.values("n") == [str(35 + 20 + 12)]


def test_the_cli_ingests_lists_and_removes(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "corpus"
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    r = runner.invoke(main, ["ingest", "--corpus", str(folder), str(SHANGHAI), str(bad)])
    assert r.exit_code == 2 and "shanghai-2024-road-transport added: 12 measures" in r.output
    assert "empty.txt" in r.output and "Traceback" not in r.output
    listed = json.loads(runner.invoke(main, ["documents", "--corpus", str(folder), "--format", "json"]).output)
    assert [d["id"] for d in listed] == [SHIPPED_ID, "shanghai-2024-road-transport"]
    assert listed[1]["graph"] == GRAPH_BASE + "shanghai-2024-road-transport"
    table = runner.invoke(main, ["documents", "--corpus", str(folder)]).output
    assert "沪府办发〔2024〕7号" in table and "(2 rows)" in table
    again = runner.invoke(main, ["ingest", "--corpus", str(folder), str(SHANGHAI)])
    assert again.exit_code == 0 and "unchanged" in again.output
    gone = runner.invoke(main, ["remove", "--corpus", str(folder), "shanghai-2024-road-transport"])
    assert gone.exit_code == 0 and "removed shanghai-2024-road-transport" in gone.output


def test_a_larger_corpus_is_kept_as_an_on_disk_store_built_once(filled, tmp_path, monkeypatch):
    """From ON_DISK_FROM notices on, servers open a store built once instead of parsing every notice."""
    from policykg import corpus as corpus_module
    from policykg.queries import run_saved_query
    from policykg.store import EmbeddedStore, default_files
    folder = copy_of(filled, tmp_path)
    corpus = Corpus(folder)
    files, graphs = default_files(corpus), corpus.named_graphs()
    assert corpus.store_path(files, graphs) is None                # two notices: from Turtle, in memory
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 2)
    path = corpus.store_path(files, graphs)
    assert (path / "READY").is_file() and corpus.store_path(files, graphs) == path
    on_disk = open_store(corpus=corpus)
    in_memory = EmbeddedStore(files, graphs)
    for name in ("documents", "part-summary", "department-workload"):
        assert sorted(run_saved_query(on_disk, name).rows) == sorted(run_saved_query(in_memory, name).rows)
    # a notice added: the last store is copied (hard links) and only the new notice loaded into it
    grown = []
    real = Corpus._grown_from
    monkeypatch.setattr(Corpus, "_grown_from", staticmethod(lambda prev, state: grown.append(real(prev, state))
                                                             or grown[-1]))
    corpus.ingest(Path(__file__).parent / "fixtures" / "notices" / "chengdu-2023-private-economy.txt")
    files, graphs = default_files(corpus), corpus.named_graphs()
    extended = corpus.store_path(files, graphs)
    assert extended != path and not path.exists()
    assert [p.parent.name for p in grown[-1]] == ["chengdu-2023-private-economy"] * 2
    counts = EmbeddedStore(files, graphs, path=extended).select(
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a pkg:Measure }").values("n")
    assert counts == [str(35 + 20 + 12 + 13)]
    path = extended
    Corpus(folder).remove("hunan-2024-work-points")                # a new state of the corpus: a new store
    corpus = Corpus(folder)
    files, graphs = default_files(corpus), corpus.named_graphs()
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 1)
    again = corpus.store_path(files, graphs)
    assert again != path and not path.exists()


def test_a_server_over_an_on_disk_store_answers_from_the_store_of_the_current_files(filled, tmp_path, monkeypatch):
    """A server names its store by one stat of each file (no read): after a removal its next
    answer comes from a new store, and a server started after a graph was edited in place opens
    a store of the edited graph, not the one built before."""
    from policykg import corpus as corpus_module
    from policykg.web import create_app
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 1)
    folder = copy_of(filled, tmp_path)

    def documents(client):
        r = client.get("/queries/documents.csv")
        return r.get_data(as_text=True), r.headers["ETag"]
    client = create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": str(folder)}).test_client()
    listed, etag = documents(client)
    built = sorted(p.name for p in (folder / ".store").iterdir())
    assert "湖南省2024年优化营商环境工作要点" in listed and len(built) == 1
    Corpus(folder).remove("hunan-2024-work-points")
    listed, removed = documents(client)
    assert "湖南省2024年优化营商环境工作要点" not in listed and removed != etag
    assert sorted(p.name for p in (folder / ".store").iterdir()) != built
    title = "上海市促进道路运输业高质量发展行动方案"
    graph = folder / "shanghai-2024-road-transport" / "graph.ttl"
    graph.write_text(graph.read_text(encoding="utf-8").replace(title, title + "（修订）"), encoding="utf-8")
    listed, edited = documents(create_app({"TESTING": True, "SPARQL_ISOLATE": False, "CORPUS": str(folder)}).test_client())
    assert title + "（修订）" in listed and edited not in (etag, removed)


SHANGHAI_BODIES = Path(__file__).parent / "fixtures" / "registry" / "shanghai-bodies.ttl"


def test_a_user_registry_kept_in_the_corpus_resolves_bodies_of_later_ingests(tmp_path):
    from policykg import iris
    from policykg.queries import run_saved_query
    runner = CliRunner()
    folder = tmp_path / "corpus"
    r = runner.invoke(main, ["ingest", "--corpus", str(folder), "--registry", str(SHANGHAI_BODIES), str(SHANGHAI)])
    assert r.exit_code == 0, r.output
    assert "registry added" in r.output and "shanghai-2024-road-transport added" in r.output
    store = open_store(corpus=Corpus(folder))
    known = "https://w3id.org/policykg/id/body/shanghai-finance"
    rows = run_saved_query(store, "body-across-documents", {"department": known}).dicts()
    assert [row["title"].value for row in rows] == ["上海市促进道路运输业高质量发展行动方案"]
    # the registry's body, not an unresolved one of its place, and the server has its name
    unresolved = iris.body_in("310000", "市财政局")
    assert not store.select(f"SELECT ?m WHERE {{ ?m ?p <{unresolved}> }}").rows
    label = store.select(f'SELECT ?l WHERE {{ <{known}> skos:prefLabel ?l FILTER (lang(?l) = "zh") }}').rows
    assert [row[0].value for row in label] == ["上海市财政局"]
    # a second registry under the same name with other bytes needs --replace; a broken one is refused
    before = snapshot(folder)
    other = tmp_path / "shanghai-bodies.ttl"
    other.write_text(SHANGHAI_BODIES.read_text(encoding="utf-8") + "\n# more\n", encoding="utf-8")
    r = runner.invoke(main, ["ingest", "--corpus", str(folder), "--registry", str(other), str(SHANGHAI)])
    assert r.exit_code == 2 and "use --replace" in r.output
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix pkg: <https://w3id.org/policykg/ontology#> .\n<a> pkg:level \n", encoding="utf-8")
    r = runner.invoke(main, ["ingest", "--corpus", str(folder), "--registry", str(broken), str(SHANGHAI)])
    assert r.exit_code == 2 and "broken.ttl:3:1: not Turtle: Unexpected end" in r.output
    assert snapshot(folder) == before
