"""A real SPARQL 1.1 endpoint for tests: the `oxigraph` server from PyPI, on 127.0.0.1."""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path

from policykg.store import default_files

from .loopback import free_port, stop, wait_until_answering


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@contextlib.contextmanager
def oxigraph_endpoint(tmp: Path, files=None):
    """Load the dataset into a fresh oxigraph database and serve it read-only; yields the query URL."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph; it is a test extra)")
    location = tmp / "oxigraph-db"
    subprocess.run([binary, "load", "--location", str(location), "--file",
                    *[str(f) for f in (files or default_files())]], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([binary, "serve-read-only", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        try:
            wait_until_answering(proc, f"{url}?query=ASK%7B%7D", 20)
        except RuntimeError as e:
            stop(proc, 5)                # its stderr is read whole only once it has ended
            raise RuntimeError(f"oxigraph did not start: {e}: {proc.stderr.read().decode(errors='replace')}") from None
        yield url
    finally:
        stop(proc, 10)
