"""sandbox: a process that cannot open a network socket, whatever runs in it."""
import multiprocessing
import platform
import socket
import sys

import pytest

from .loopback import listener as loopback_listener

pytestmark = pytest.mark.skipif(sys.platform != "linux" or platform.machine() not in ("x86_64", "aarch64"),
                                reason="the seccomp filter is written for Linux on x86_64 and aarch64")


def _probe(url: str, port: int, answers) -> None:
    from policykg.sandbox import forbid_network
    out = {"wall": forbid_network()}
    for family, address in ((socket.AF_INET, ("127.0.0.1", port)), (socket.AF_INET6, ("::1", port))):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.connect(address)
            out[family.name] = "connected"
        except OSError as e:
            out[family.name] = type(e).__name__
    a, b = socket.socketpair()              # AF_UNIX: the pipe to the parent keeps working
    a.sendall(b"x")
    out["unix"] = b.recv(1)
    import pyoxigraph
    try:
        bool(pyoxigraph.Store().query(f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
        out["service"] = "ran"
    except OSError as e:
        out["service"] = str(e)
    answers.put(out)


def test_a_sandboxed_process_reaches_no_host_and_its_engine_fetches_nothing():
    ctx = multiprocessing.get_context("spawn")
    with loopback_listener() as listener:
        answers = ctx.Queue()
        child = ctx.Process(target=_probe, args=(listener.url + "/sparql", listener.port, answers))
        child.start()
        out = answers.get(timeout=60)
        child.join(timeout=10)
        assert out["wall"] is None
        assert out["AF_INET"] == out["AF_INET6"] == "PermissionError"
        assert out["unix"] == b"x"
        assert "Permission denied" in out["service"]
        assert listener.connections() == []
        # the parent was never filtered: the same listener takes its connection
        socket.create_connection(("127.0.0.1", listener.port), timeout=5).close()
        assert len(listener.connections()) == 1
