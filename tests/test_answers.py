"""Saved queries' answers kept per version of a corpus's on-disk store (policykg.answers)."""
import dataclasses
import os
import pickle
from pathlib import Path

import pytest

from policykg import answers as answers_module
from policykg import corpus as corpus_module
from policykg.answers import FOLDER, Answers, warm
from policykg.corpus import SHIPPED_ID, Corpus
from policykg.queries import load_queries, run_saved_query
from policykg.results import ResultSet, Term
from policykg.store import EmbeddedStore, corpus_files, open_store

NOTICES = Path(__file__).parent / "fixtures" / "notices"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A corpus of the shipped notice alone, kept as an on-disk store (ON_DISK_FROM 0)."""
    folder = tmp_path_factory.mktemp("corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(corpus_module, "ON_DISK_FROM", 0)
        open_store(corpus=Corpus(folder))
    return folder


@pytest.fixture(autouse=True)
def keep_all(monkeypatch):
    """The shipped notice's answers take the engine milliseconds: keep them all the same."""
    monkeypatch.setattr(answers_module, "KEEP_FROM", 0)


@pytest.fixture
def on_disk(folder, monkeypatch):
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 0)
    store = open_store(corpus=Corpus(folder))
    yield store
    for f in store.answers.folder.glob("*"):
        f.unlink()                       # each test starts with no answers kept


def engine_refuses(store, monkeypatch):
    """From now on the store's engine fails: an answer can only come from what was kept."""
    def refused(*args, **kwargs):
        raise AssertionError("the engine was asked")
    monkeypatch.setattr(store, "_run", refused)


def test_an_answer_is_kept_in_the_store_folder_and_read_back_by_another_process_s_store(on_disk, folder, monkeypatch):
    computed = run_saved_query(on_disk, "department-workload")
    (kept,) = (on_disk.answers.folder).glob("*.pickle")
    assert kept.parent.parent.parent == folder / ".store" and len(computed.rows) > 10
    again = open_store(corpus=Corpus(folder))        # another opening of the same store: a new process's
    engine_refuses(again, monkeypatch)
    assert run_saved_query(again, "department-workload") == computed
    # what was kept is what the engine gives: the in-memory store of the same files agrees
    files, graphs = corpus_files(Corpus(folder))
    assert run_saved_query(EmbeddedStore(files, graphs), "department-workload").rows == computed.rows


def test_each_binding_and_each_notice_view_has_its_own_answer(on_disk, monkeypatch):
    finance = run_saved_query(on_disk, "measures-by-department", {"department": "市财政局"})
    miit = run_saved_query(on_disk, "measures-by-department", {"department": "市工信局"})
    assert finance.rows != miit.rows and len(on_disk.answers) == 2
    # the same body named by its IRI binds the same term: the same text runs, the same entry answers
    iri = "https://w3id.org/policykg/id/body/zhangye-finance"
    by_iri = run_saved_query(on_disk, "measures-by-department", {"department": iri})
    assert by_iri == finance and len(on_disk.answers) == 2
    view = run_saved_query(on_disk, "documents", {"notice": SHIPPED_ID})
    whole = run_saved_query(on_disk, "documents")
    assert len(on_disk.answers) == 4
    engine_refuses(on_disk, monkeypatch)
    assert run_saved_query(on_disk, "documents", {"notice": SHIPPED_ID}) == view
    assert run_saved_query(on_disk, "documents") == whole


def test_a_saved_query_edited_is_answered_anew(on_disk, monkeypatch):
    query = load_queries()["documents"]
    first = run_saved_query(on_disk, query)
    edited = dataclasses.replace(query, sparql=query.sparql.replace("SELECT", "SELECT DISTINCT", 1))
    run_saved_query(on_disk, edited)
    assert len(on_disk.answers) == 2 and first.rows


def test_an_answer_cut_short_or_not_ours_is_computed_again(on_disk, tmp_path):
    computed = run_saved_query(on_disk, "documents")
    (kept,) = on_disk.answers.folder.glob("*.pickle")
    kept.write_bytes(kept.read_bytes()[:40])                      # a crash in the middle of a write
    assert run_saved_query(on_disk, "documents") == computed
    assert kept.read_bytes() == pickle.dumps(computed, protocol=pickle.HIGHEST_PROTOCOL)

    # a file that would build something else than terms (here: call os.system) builds nothing
    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'ran'}",))
    kept.write_bytes(pickle.dumps(Evil()))
    assert run_saved_query(on_disk, "documents") == computed
    assert not (tmp_path / "ran").exists()
    kept.write_bytes(pickle.dumps(("not", "an", "answer")))
    assert run_saved_query(on_disk, "documents") == computed


def test_the_folder_is_bounded_least_recently_used_first(tmp_path):
    answers = Answers(tmp_path / FOLDER, limit=4000)
    small = ResultSet(["x"], [(Term.literal("中" * 40),)] * 3)
    size = len(pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL))
    keep = 4000 // size
    for i in range(keep + 2):
        assert answers.put(f"k{i}", small)
        os.utime(answers.folder / f"k{i}.pickle", (1000 + i, 1000 + i))    # written one after another
    assert answers.get("k2") == small                                      # used: now the newest
    assert answers.put("last", small)
    left = {p.stem for p in answers.folder.glob("*.pickle")}
    assert len(left) * size <= 4000 and {"k2", "last"} <= left and "k0" not in left and "k1" not in left
    big = ResultSet(["x"], [(Term.literal(str(i)),) for i in range(400)])  # more than a quarter of the limit
    assert not answers.put("big", big) and answers.get("big") is None


def test_an_answer_the_engine_gives_quicker_than_reading_it_back_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(answers_module, "KEEP_FROM", 0.02)
    answers = Answers(tmp_path / FOLDER)
    small = ResultSet(["x"], [(Term.literal("x"),)])
    assert not answers.put("quick", small, seconds=0.019) and answers.get("quick") is None
    assert answers.put("slow", small, seconds=0.02) and answers.get("slow") == small


def test_a_folder_that_cannot_be_written_keeps_nothing_and_answers_all_the_same(on_disk, monkeypatch):
    monkeypatch.setattr(on_disk.answers, "folder", Path("/proc/no-such-folder") / FOLDER)
    rows = run_saved_query(on_disk, "documents").rows
    assert rows and len(on_disk.answers) == 0


def test_warm_answers_every_query_without_a_required_parameter_and_then_reads_them(on_disk, monkeypatch):
    queries = load_queries()
    free = {n for n, q in queries.items() if not any(p.required and p.default is None for p in q.parameters)}
    assert "documents" in free and "search" not in free and "co-responsibility" in free
    done, _ = warm(on_disk, up_to=0)
    assert done == len(free) == len(on_disk.answers)
    engine_refuses(on_disk, monkeypatch)
    for name in sorted(free):
        run_saved_query(on_disk, name)
    with pytest.raises(AssertionError, match="engine was asked"):
        run_saved_query(on_disk, "search", {"text": "应收账款"})
    assert warm(EmbeddedStore()) == (0, 0.0)                          # in memory: nothing is kept


def test_warm_answers_each_pick_of_a_parameter_naming_one_of_a_few_things(on_disk, monkeypatch):
    """A form's pick of an instrument, a target group, a platform or a law is answered ahead;
    bodies and measures (thousands in a large corpus) and free text are not."""
    from policykg.queries import things
    queries = load_queries()
    heard = []
    done, _ = warm(on_disk, report=lambda name, params, seconds: heard.append((name, params)))
    ahead = {name for name, params in heard if params}
    assert ahead == {"article-uptake", "measures-by-instrument", "measures-by-platform",
                     "measures-by-target-group", "measures-citing"}
    instruments = things(on_disk, queries["measures-by-instrument"].parameters[0])
    assert len(instruments) > 10 and "金融支持" in instruments
    laws = things(on_disk, queries["article-uptake"].parameters[0])
    assert all(law.startswith("https://w3id.org/policykg/id/legal/") for law in laws) and len(laws) > 5
    assert [p["instrument"] for n, p in heard if n == "measures-by-instrument"] == instruments
    assert done == len(heard) == len(on_disk.answers)
    engine_refuses(on_disk, monkeypatch)
    for name, params in heard:
        run_saved_query(on_disk, name, params)
    # a law asked by its title binds the IRI it was warmed with: the same answer
    assert run_saved_query(on_disk, "article-uptake", {"law": "中华人民共和国中小企业促进法"}).rows
    with pytest.raises(AssertionError, match="engine was asked"):
        run_saved_query(on_disk, "measures-by-department", {"department": "市财政局"})


def test_warm_leaves_a_parameter_of_more_than_up_to_values_to_its_first_visitor(on_disk):
    from policykg.queries import things
    queries = load_queries()
    sizes = {name: len(things(on_disk, queries[name].parameters[0]))
             for name in ("measures-by-instrument", "article-uptake", "measures-by-target-group")}
    up_to = sizes["measures-by-instrument"] - 1
    heard = []
    warm(on_disk, up_to=up_to, report=lambda name, params, seconds: heard.append(name) if params else None)
    assert "measures-by-instrument" not in heard
    assert {n for n, size in sizes.items() if size <= up_to} <= set(heard) and heard


def test_answers_go_with_their_store_when_a_notice_is_ingested(folder, tmp_path, monkeypatch):
    """Regression guard for the one promise that matters: never an answer of older data."""
    import shutil
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 0)
    copy = tmp_path / "corpus"
    shutil.copytree(folder, copy)
    before = run_saved_query(open_store(corpus=Corpus(copy)), "documents")
    old_store = next((copy / ".store").iterdir())
    assert (old_store / FOLDER).is_dir()
    Corpus(copy).ingest(NOTICES / "shanghai-2024-road-transport.txt")
    after = run_saved_query(open_store(corpus=Corpus(copy)), "documents")
    assert not old_store.exists() and len(after.rows) == len(before.rows) + 1
    assert any("上海市促进道路运输业高质量发展行动方案" in t.value for row in after.rows for t in row if t)


def test_the_cli_ingest_warms_the_answers_of_the_store_it_builds(folder, tmp_path, monkeypatch):
    import shutil
    from click.testing import CliRunner
    from policykg.cli import main
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 0)
    copy = tmp_path / "corpus"
    shutil.copytree(folder, copy)
    r = CliRunner().invoke(main, ["ingest", str(NOTICES / "shanghai-2024-road-transport.txt"), "--corpus", str(copy)])
    assert r.exit_code == 0, r.output
    free = sum(1 for q in load_queries().values() if not any(p.required and p.default is None for p in q.parameters))
    (store,) = (copy / ".store").iterdir()
    kept = len(list((store / FOLDER).glob("*.pickle")))
    assert f"answers: {kept} saved-query answers computed ahead in " in r.output and kept > free
    # --no-answers: the store is brought up to date, nothing is answered
    r = CliRunner().invoke(main, ["remove", "shanghai-2024-road-transport", "--no-answers", "--corpus", str(copy)])
    assert r.exit_code == 0 and "store: " in r.output and "answers:" not in r.output, r.output
    (store,) = (copy / ".store").iterdir()
    assert not (store / FOLDER).exists()


def test_a_remote_store_or_an_in_memory_one_keeps_no_answers():
    from policykg.store import RemoteStore
    assert EmbeddedStore().answers is None and RemoteStore("http://127.0.0.1:9/sparql").answers is None


def test_an_answer_is_read_with_the_collector_paused_and_left_as_it_was(tmp_path, monkeypatch):
    """Unpickling an answer's many tuples with the cyclic collector running cost up to 16x the
    read (benchmarks/kept_answers.py): it is paused for the read, across threads, and left as
    found: on after, or off where someone else had turned it off."""
    import gc
    import threading
    kept = Answers(tmp_path)
    answer = ResultSet(["x"], [(Term("literal", str(n)),) for n in range(1000)])
    assert kept.put("k", answer)
    seen = []

    class Spying(answers_module._Unpickler):
        def load(self):
            seen.append(gc.isenabled())
            return super().load()
    monkeypatch.setattr(answers_module, "_Unpickler", Spying)
    assert gc.isenabled()
    assert kept.get("k") == answer and seen == [False] and gc.isenabled()
    gc.disable()
    try:
        assert kept.get("k") == answer and not gc.isenabled()
    finally:
        gc.enable()
    # two readers at once: the collector comes back when the last one is done
    inside, release = threading.Event(), threading.Event()

    class Waiting(answers_module._Unpickler):
        def load(self):
            inside.set()
            release.wait(10)
            return super().load()
    monkeypatch.setattr(answers_module, "_Unpickler", Waiting)
    reader = threading.Thread(target=kept.get, args=("k",))
    reader.start()
    assert inside.wait(10)
    monkeypatch.setattr(answers_module, "_Unpickler", Spying)
    assert kept.get("k") == answer and not gc.isenabled()     # the first reader is still reading
    release.set()
    reader.join(10)
    assert gc.isenabled()
