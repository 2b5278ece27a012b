"""The measures' texts kept beside an on-disk store for substring search (policykg.texts)."""
import shutil
from pathlib import Path

import pytest

from policykg import corpus as corpus_module
from policykg.corpus import Corpus
from policykg.queries import get_query, narrowed, run_saved_query
from policykg.store import EmbeddedStore, open_store
from policykg.texts import FILE, FOLDER, MeasureTexts, write

NOTICES = Path(__file__).parent / "fixtures" / "notices"
# words in one measure, in several, in a title only, in none, in the IRIs only, of one character,
# in every measure (more than `most` below), ASCII in a text, and one that straddles two fields
WORDS = ["应收账款", "融资", "中小企业", "不存在的词语", "zczmbf", "的", "市", "30", "措施。\x1f"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A corpus of the shipped notice and a second one, as an on-disk store with its texts."""
    folder = tmp_path_factory.mktemp("corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(corpus_module, "ON_DISK_FROM", 0)
        Corpus(folder).ingest(NOTICES / "shanghai-2024-road-transport.txt")
        store = open_store(corpus=Corpus(folder))
    write(store, _folder(folder))
    return store


def _folder(corpus: Path) -> Path:
    (path,) = (corpus / ".store").iterdir()
    return path


def _holding_by_engine(store, words: str) -> list[str]:
    rows = store.select("SELECT DISTINCT ?m WHERE { ?m a pkg:Measure ; pkg:title ?t ; pkg:text ?x "
                        "FILTER (CONTAINS(?t, ?w) || CONTAINS(?x, ?w)) }",
                        {"w": _literal(words)}).rows
    return sorted(r[0].value for r in rows)


def _literal(words: str):
    from policykg.results import Term
    return Term.literal(words)


@pytest.mark.parametrize("words", WORDS[:6])
def test_the_measures_holding_words_are_those_the_engine_finds(store, words):
    found = store.texts.holding(words)
    assert found is not None and sorted(set(found)) == _holding_by_engine(store, words)


def test_what_the_file_cannot_tell_is_left_to_the_engine(store, tmp_path):
    assert store.texts.holding("市", most=10) is None                 # more measures than `most`
    assert store.texts.holding("") is None and store.texts.holding(WORDS[-1]) is None
    assert MeasureTexts(tmp_path).holding("融资") is None              # no file written
    (tmp_path / FOLDER).mkdir()
    (tmp_path / FOLDER / FILE).write_bytes(b"")
    assert MeasureTexts(tmp_path).holding("融资") is None              # empty: mmap refuses it
    (tmp_path / FOLDER / FILE).write_bytes("\x1e融资 without a field".encode())
    assert MeasureTexts(tmp_path).holding("融资") is None              # not a file `write` wrote


@pytest.mark.parametrize("words", WORDS)
def test_search_gives_the_same_rows_narrowed_by_the_file_as_by_the_engine_alone(store, words, monkeypatch):
    query = get_query("search")
    with_file = run_saved_query(store, query, {"text": words})
    monkeypatch.setattr(store, "texts", None)
    assert run_saved_query(store, query, {"text": words}) == with_file


def test_the_query_is_narrowed_to_the_measures_holding_the_words_written_as_terms(store, monkeypatch):
    query = get_query("search")
    text = narrowed(store, query, {"text": _literal("应收账款")})
    (iri,) = store.texts.holding("应收账款")
    assert f" VALUES ?measure {{ <{iri}> }} " in text and text.replace(f" VALUES ?measure {{ <{iri}> }} ", "") == query.sparql
    none = narrowed(store, query, {"text": _literal("不存在的词语")})
    assert " VALUES ?measure {  } " in none                            # no measure: no row, no scan
    monkeypatch.setattr("policykg.texts.MOST", 10)
    assert narrowed(store, query, {"text": _literal("市")}) == query.sparql   # too many: as written
    assert narrowed(EmbeddedStore(), query, {"text": _literal("融资")}) == query.sparql  # in memory: no file


def test_the_file_is_replaced_whole_and_no_temporary_file_is_left(store, tmp_path, monkeypatch):
    folder = store.texts.path.parent.parent
    before = (folder / FOLDER / FILE).read_bytes()
    write(store, folder)
    assert (folder / FOLDER / FILE).read_bytes() == before and [p.name for p in (folder / FOLDER).iterdir()] == [FILE]

    def broken(*args, **kwargs):
        raise OSError("disk full")
    copy = tmp_path / "copy"
    shutil.copytree(folder / FOLDER, copy / FOLDER)
    monkeypatch.setattr("os.replace", broken)
    with pytest.raises(OSError):
        write(store, copy)
    assert [p.name for p in (copy / FOLDER).iterdir()] == [FILE] and (copy / FOLDER / FILE).read_bytes() == before


def test_the_cli_ingest_writes_the_texts_of_the_store_it_builds(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from policykg.cli import main
    monkeypatch.setattr(corpus_module, "ON_DISK_FROM", 0)
    r = CliRunner().invoke(main, ["ingest", str(NOTICES / "shanghai-2024-road-transport.txt"), "--no-answers",
                                  "--corpus", str(tmp_path / "corpus")])
    assert r.exit_code == 0, r.output
    assert "texts: the measures' titles and texts kept for search in " in r.output
    store = open_store(corpus=Corpus(tmp_path / "corpus"))
    assert sorted(set(store.texts.holding("道路运输"))) == _holding_by_engine(store, "道路运输") != []
