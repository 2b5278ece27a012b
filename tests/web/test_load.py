"""A bounded load test of `policykg serve` on 127.0.0.1: 32 clients for 20 s,
under each HTTP server it offers (granian, the default, and waitress).

Every answer must be right (compared with answers taken before the load),
no request may fail, and the process that runs the app must stay below a
stated memory ceiling while ad-hoc queries, saved queries, pages and answers
cut by the byte cap run side by side.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from ..loopback import policykg_serve

CLIENTS = 32
SECONDS = 20
MEMORY_CEILING_MB = 600          # the app's processes; measured about 150 MB at the end of a waitress run

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the server's memory from /proc")

MEASURES = "SELECT ?n ?t WHERE { ?m a pkg:Measure ; pkg:number ?n ; pkg:title ?t } ORDER BY ?n"
HUGE = ("SELECT ?d10 ?b WHERE { VALUES ?a { " + " ".join(f'"{"x" * 40}{i}"' for i in range(100)) + " } "
        "VALUES ?b { " + " ".join(f'"{i}"' for i in range(100)) + " } BIND(?a AS ?d0) "
        + " ".join(f"BIND(CONCAT(?d{i}, ?d{i}) AS ?d{i + 1})" for i in range(10)) + " }")


def _rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


def _app_processes(pid: int, server: str) -> list[int]:
    """The processes that hold the app: waitress runs it in the main process; granian in a
    worker process under a supervisor (both counted). The SPARQL workers below them have
    their own address-space limit and are not counted here."""
    if server == "waitress":
        return [pid]
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            children += [int(c) for c in f.read().split()]
    return [pid, *children]


def _fetch(url: str, accept: str = "application/json") -> tuple[int, bytes, "email.message.Message"]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read(), r.headers          # case-insensitive: granian sends names in lower case
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


@pytest.fixture(scope="module", params=["granian", "waitress"])
def server(request, tmp_path_factory):
    env = {"POLICYKG_SPARQL_WORKERS": "2", "POLICYKG_SPARQL_MAX_BYTES": str(2_000_000)}
    with policykg_serve(tmp_path_factory.mktemp("serve"), "--server", request.param, env=env) as (base, proc):
        yield base, proc.pid, request.param


def test_32_clients_for_20_seconds_get_right_answers_and_memory_stays_bounded(server):
    base, pid, kind = server
    sparql = base + "/sparql?query="
    # the answers as the idle server gives them
    requests = {
        "sparql": (sparql + urllib.parse.quote(MEASURES), "application/sparql-results+json"),
        "saved": (base + "/queries/measures-by-department.json?department=" + urllib.parse.quote("市财政局"),
                  "application/json"),
        "page": (base + "/id/doc/zczmbf-2021-9/measure/9", "text/html"),
        "ask": (sparql + urllib.parse.quote("ASK { ?m pkg:number 35 }"), "application/sparql-results+json"),
    }
    expected = {}
    for name, (url, accept) in requests.items():
        status, body, _ = _fetch(url, accept)
        assert status == 200, (name, body[:300])
        expected[name] = body
    assert len(json.loads(expected["sparql"])["results"]["bindings"]) == 35
    status, body, headers = _fetch(sparql + urllib.parse.quote(HUGE), "text/csv")
    assert status == 200 and headers.get("X-Policykg-Truncated") == "true; bytes=2000000"
    huge_size = len(body)

    failures: list[str] = []
    counts = {name: 0 for name in [*requests, "huge"]}
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS
    peak = [0]

    def client(k: int) -> None:
        names = [*requests, "huge"] if k % 8 == 0 else list(requests)
        i = k
        while time.monotonic() < stop and len(failures) < 20:
            name = names[i % len(names)]
            i += 1
            if name == "huge":
                status, body, _ = _fetch(sparql + urllib.parse.quote(HUGE), "text/csv")
                ok = status == 200 and len(body) == huge_size
            else:
                url, accept = requests[name]
                status, body, _ = _fetch(url, accept)
                ok = status == 200 and body == expected[name]
            with lock:
                counts[name] += 1
                if not ok:
                    failures.append(f"{name}: {status} {body[:200]!r}")

    def watch() -> None:
        while time.monotonic() < stop:
            try:
                peak[0] = max(peak[0], sum(_rss_mb(p) for p in _app_processes(pid, kind)))
            except FileNotFoundError:       # a process listed a moment ago has gone
                pass
            time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    threads.append(threading.Thread(target=watch))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 120)
    assert not failures, failures[:5]
    assert all(counts[name] > 0 for name in counts), counts
    assert peak[0] < MEMORY_CEILING_MB, f"the app's processes under {kind} reached {peak[0]} MB"
    assert _fetch(sparql + urllib.parse.quote("ASK {}"))[0] == 200
    print(f"\nload: {sum(counts.values())} requests in {SECONDS} s {counts}; {kind}: app processes' peak {peak[0]} MB")
