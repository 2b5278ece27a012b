"""The isolated store: worker processes killed at the time limit, bounded in
memory, a pool that refuses rather than queues without end."""
import threading
import time

import pytest

from policykg.isolated import IsolatedStore
from policykg.store import QueryAborted, QueryBusy, QueryError, QueryTimeout, default_files

from .workers import wait_until_busy

MEASURES = "SELECT ?n WHERE { ?m a pkg:Measure ; pkg:number ?n } ORDER BY ?n"
# an aggregate over a cross product computes before its first row: only killing stops it
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# sorting a cross product of the store with itself holds every row: ~800 million
HOARDER = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


@pytest.fixture
def pool(request):
    made = []

    def make(**kw):
        store = IsolatedStore(default_files(), **kw)
        made.append(store)
        return store
    yield make
    for store in made:
        store.close()


def numbers(store, **kw):
    return [int(v) for v in store.run(MEASURES, **kw).values("n")]


def test_a_runaway_query_does_not_hold_up_the_other_worker(pool):
    store = pool(workers=2)
    failures = []

    def runaway():
        try:
            store.run(RUNAWAY, timeout=4)
        except QueryTimeout as e:
            failures.append(e)
    slow = threading.Thread(target=runaway)
    slow.start()
    wait_until_busy(store, free=1)
    started = time.monotonic()
    assert numbers(store, timeout=4) == list(range(1, 36))
    assert time.monotonic() - started < 2          # answered beside the runaway, not after it
    slow.join()
    assert len(failures) == 1


def test_when_every_worker_is_busy_a_query_is_refused_not_queued(pool):
    store = pool(workers=1)
    outcome = {}

    def runaway():
        try:
            store.run(RUNAWAY, timeout=3)
        except QueryTimeout:
            outcome["runaway"] = "timed out"
    slow = threading.Thread(target=runaway)
    slow.start()
    wait_until_busy(store)
    started = time.monotonic()
    with pytest.raises(QueryBusy, match="all 1 query workers are busy"):
        store.run(MEASURES, timeout=0.5)
    assert time.monotonic() - started < 2
    slow.join()
    assert outcome == {"runaway": "timed out"}
    # the killed worker is replaced and the pool answers again
    assert numbers(store, timeout=30) == list(range(1, 36))


def test_a_query_past_the_memory_limit_kills_only_its_worker(pool):
    store = pool(workers=1, memory_mb=400)
    started = time.monotonic()
    with pytest.raises(QueryAborted, match="memory limit of 400 MB"):
        store.run(HOARDER, timeout=60)
    assert time.monotonic() - started < 30           # it died of memory, not of the clock
    assert numbers(store, timeout=30) == list(range(1, 36))


def test_errors_in_the_worker_come_back_with_line_and_column(pool):
    store = pool(workers=1)
    with pytest.raises(QueryError) as e:
        store.run("SELECT ?x WHERE {\n  ?x ?y\n}", timeout=10)
    assert e.value.line == 3
    assert numbers(store, timeout=10) == list(range(1, 36))


def test_a_store_too_big_for_the_memory_limit_says_so():
    with pytest.raises(RuntimeError, match=r"did not start: .*memory limit is 40 MB"):
        IsolatedStore(default_files(), workers=1, memory_mb=40)


def test_a_large_answer_crosses_the_pipe_in_chunks_and_arrives_whole(pool):
    from policykg import isolated
    from policykg.store import EmbeddedStore
    store = pool(workers=1)
    # blank node labels differ between two stores: compare named terms only
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o"
    here = EmbeddedStore(default_files())
    answer = store.run(everything, limit=9_000)
    assert len(answer.rows) == 9_000 > 4 * isolated.CHUNK and answer.truncated_by == "rows"
    assert answer.rows == here.run(everything, limit=9_000).rows
    graph = store.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", limit=5_000)
    assert len(graph) == 5_000 and graph.truncated_by == "rows"
    assert store.run(MEASURES).values("n") == [str(n) for n in range(1, 36)]


def test_a_dead_worker_is_described_by_how_it_ended(pool):
    """Regression: a worker that crashed on a deep query was blamed on the memory limit."""
    import signal
    store = pool(workers=1)

    class Ended:
        def __init__(self, code):
            self.proc = type("P", (), {"exitcode": code})()
    assert "SIGSEGV (a stack overflow" in store._died(Ended(-signal.SIGSEGV))
    assert "exit status 3" in store._died(Ended(3))
    store.memory_mb = 400
    assert "memory limit of 400 MB" in store._died(Ended(-signal.SIGABRT))


def test_regression_a_worker_closed_from_several_threads_at_once(pool):
    """A store closing while a replacement worker started in the background: both threads closed
    the worker's pipe, and the second close hit a freed descriptor (OSError EBADF, seen once in
    a CI run of test_isolated_worker_stops_a_runaway_aggregate_and_recovers)."""
    store = pool(workers=1)
    (worker,) = store._all
    barrier, errors = threading.Barrier(8), []

    def close():
        barrier.wait()
        try:
            worker.close()
        except OSError as e:
            errors.append(e)
    threads = [threading.Thread(target=close) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert not worker.proc.is_alive() and worker.conn.closed
    store.close()                     # and once more through the store: nothing left to close
