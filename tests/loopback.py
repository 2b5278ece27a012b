"""Servers on 127.0.0.1 for tests: a listener that records whether anything
connected, and a tiny HTTP server that answers every request with a fixed body.
Each is a context manager and stops when the `with` block ends. And for the
servers tests start as processes (oxigraph, Virtuoso, `policykg serve`): a free
port, waiting until one answers, and stopping it."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(proc: subprocess.Popen, probe: str, seconds: float) -> None:
    """Until GET `probe` answers 2xx; RuntimeError saying why if the process exits first or
    the time runs out (the caller adds its log)."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before {probe} answered")
        try:
            with urllib.request.urlopen(probe, timeout=2) as r:
                r.read()
            return
        except OSError as e:             # refused while starting, or an HTTP error status
            if time.monotonic() > deadline:
                raise RuntimeError(f"{probe} did not answer within {seconds:.0f} s ({e})") from None
        time.sleep(0.1)


def stop(proc: subprocess.Popen, grace: float = 20) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Listener:
    """Accepts connections on 127.0.0.1 and keeps the first bytes each one sent."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _accept_one(self) -> bool:
        try:
            conn, _ = self.sock.accept()
        except (TimeoutError, BlockingIOError):
            return False
        with conn:
            conn.settimeout(1)
            try:
                self.received.append(conn.recv(4096) or b"(connected, sent nothing)")
            except OSError:
                self.received.append(b"(connected)")
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._accept_one()
            except OSError:
                return

    def connections(self) -> list[bytes]:
        """Every connection so far, including any still waiting in the backlog."""
        self._stop.set()
        self._thread.join()
        self.sock.setblocking(False)
        while self._accept_one():
            pass
        return self.received

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@contextlib.contextmanager
def listener():
    lst = Listener()
    try:
        yield lst
    finally:
        lst.close()


@contextlib.contextmanager
def http_server(body: bytes | str, content_type: str | None = "application/sparql-results+json", status: int = 200,
                requests: list | None = None, delivered: list | None = None):
    """An HTTP server on 127.0.0.1 answering every GET and POST with body (and no Content-Type
    where content_type is None); yields its URL. Each request is appended to `requests`, if
    given, as (method, path, headers, body); to `delivered`, whether the client took the whole
    answer (False: it closed the connection first)."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length) if length else b""
            if requests is not None:
                requests.append((self.command, self.path, dict(self.headers), sent))
            self.send_response(status)
            if content_type is not None:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
                self.wfile.flush()
                whole = True
            except (BrokenPipeError, ConnectionResetError):
                whole = False
            if delivered is not None:
                delivered.append(whole)
        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # a short poll: shutdown() waits for it, half a second per server by default
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def _unanswering(backlog: int, fill: bool):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    filler = socket.create_connection(sock.getsockname(), timeout=2) if fill else None
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    finally:
        if filler is not None:
            filler.close()
        sock.close()


def silent_server():
    """A port on 127.0.0.1 that takes connections (into its backlog) and never answers; yields its URL."""
    return _unanswering(4, fill=False)


def full_server():
    """A port on 127.0.0.1 whose backlog is full (one connection takes its one place): a new
    connection waits and never completes; yields its URL."""
    return _unanswering(0, fill=True)


@contextlib.contextmanager
def policykg_serve(folder, *args: str, env: dict | None = None, probe: str = "/"):
    """`policykg serve ARGS` as a process on a free port of 127.0.0.1, until `probe` answers;
    yields (base URL, process). Its output goes to a file in `folder`, not a pipe: an unread
    pipe fills with the server's warnings and stalls it."""
    import os
    import sys
    port = free_port()
    log = folder / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "serve", *args, "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, **(env or {})))
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answering(proc, base + probe, 120)
        except RuntimeError as e:
            raise AssertionError(f"the server did not come up: {e}\n{log.read_text(errors='replace')[-3000:]}") from None
        yield base, proc
    finally:
        stop(proc, 20)


class Relay:
    """An HTTP/1.1 relay on 127.0.0.1 to a real server (`target`: its scheme://host:port), for
    what only the path between can do: see how many connections a client opened, when each
    request arrived, and damage one request's body so that the server itself refuses it.
    `damage(method, path, body)` returns the body to forward; `seen` gets (method, path,
    connection number, the server's status) per request."""

    def __init__(self, target: str, damage=None, on_request=None):
        from urllib.parse import urlsplit
        import http.client
        parts = urlsplit(target)
        relay = self
        self.seen: list[tuple[str, str, int, int]] = []
        self.connections = 0
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"            # keeps the client's connection open

            def setup(self):
                super().setup()
                with lock:
                    relay.connections += 1
                    self.number = relay.connections
                self.upstream = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

            def finish(self):
                super().finish()
                self.upstream.close()

            def _relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if on_request is not None:
                    on_request(self.command, self.path)
                if damage is not None and body is not None:
                    body = damage(self.command, self.path, body)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
                self.upstream.request(self.command, self.path, body=body, headers=headers)
                answer = self.upstream.getresponse()
                data = answer.read()
                with lock:
                    relay.seen.append((self.command, self.path, self.number, answer.status))
                self.send_response(answer.status, answer.reason)
                for k, v in answer.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            do_GET = do_PUT = do_DELETE = do_POST = _relay

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def relay(target: str, damage=None, on_request=None):
    r = Relay(target, damage, on_request)
    try:
        yield r
    finally:
        r.close()
