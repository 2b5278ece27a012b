"""`policykg serve` under granian (the default server): the same app, answers and limits as
under waitress and the in-process test client."""
import socket
import urllib.request

import pytest

from policykg.web import SECURITY_HEADERS

from ..loopback import policykg_serve

SAVED = "/queries/measures-by-department.csv?department=%E5%B8%82%E8%B4%A2%E6%94%BF%E5%B1%80"


@pytest.fixture(scope="module")
def granian_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("granian")
    env = {"POLICYKG_CORPUS": str(folder / "corpus"), "POLICYKG_SPARQL_WORKERS": "1"}
    with policykg_serve(folder, "--server", "granian", env=env, probe="/sparql?query=ASK%7B%7D") as (base, proc):
        yield base
    assert proc.returncode is not None


def test_granian_serves_the_same_answers_with_the_same_headers(granian_site, client):
    expected = client.get(SAVED)
    for _ in range(2):                                   # the second from the cache
        with urllib.request.urlopen(granian_site + SAVED, timeout=30) as r:
            assert r.read() == expected.get_data()
            for name, value in SECURITY_HEADERS.items():
                assert r.headers[name] == value


def test_granian_refuses_a_body_over_the_limit_before_reading_it(granian_site):
    port = int(granian_site.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: 200000000\r\n\r\n" + b"#" * 65536)
        assert s.recv(4096).startswith(b"HTTP/1.1 413")
