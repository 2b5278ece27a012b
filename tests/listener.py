"""A TCP listener on 127.0.0.1 that records every connection: what must receive nothing."""
from __future__ import annotations

import socket
import threading
import time

class Listener:
    """`with Listener() as l:` … `l.url` … `l.connections` (the first bytes of each)."""

    def __init__(self):
        self.connections: list[bytes] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(4096))
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: 46\r\nConnection: close\r\n\r\n"
                                 b'{"head":{"vars":[]},"results":{"bindings":[]}}')
                except OSError:
                    self.connections.append(b"")

    def settle(self) -> list[bytes]:
        """The connections, after a moment for a late one to arrive."""
        time.sleep(0.2)
        return self.connections

    def __enter__(self) -> "Listener":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
