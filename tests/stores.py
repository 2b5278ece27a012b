"""Triplestores for the remote-store tests, each started here on 127.0.0.1 in a folder of
its own and stopped when its `with` block ends: the Oxigraph server (PyPI `oxigraph`),
Apache Jena Fuseki (`make fuseki`: jena-fuseki-main and its libraries in .cache/fuseki/lib),
Jena's ARQ engine behind an endpoint of our own (`make jena`: Debian's libapache-jena-java, for
where Fuseki cannot be fetched) and Virtuoso Open Source (`make virtuoso`: Debian's virtuoso-t, with stores/virtuoso/virtuoso.ini).

Each yields a `Backend`: its query URL, and the environment `policykg publish` needs
(credentials, for Virtuoso's authenticated Graph Store). A server that cannot start
raises `Unavailable` with the reason, which the tests report as their skip reason."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .loopback import free_port, stop, wait_until_answering
from .oxigraph_server import oxigraph_binary

ROOT = Path(__file__).resolve().parent.parent
FUSEKI_LIB = ROOT / ".cache" / "fuseki" / "lib"
JENA = ROOT / ".cache" / "jena"


class Unavailable(RuntimeError):
    """The server is not installed or did not start; the message says why."""


@dataclass
class Backend:
    name: str
    url: str
    env: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def _running(cmd: list[str], url: str, log: Path, cwd: Path, seconds: float = 60):
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        try:
            wait_until_answering(proc, f"{url}?query=ASK%7B%7D", seconds)
        except RuntimeError as e:
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise Unavailable(f"{e}: {tail}") from None
        yield
    finally:
        stop(proc, 30)


@contextlib.contextmanager
def oxigraph(tmp: Path):
    binary = oxigraph_binary()
    if binary is None:
        raise Unavailable("the oxigraph server is not installed (pip install oxigraph; a test extra)")
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    with _running([binary, "serve", "--location", str(tmp / "db"), "--bind", f"127.0.0.1:{port}",
                   "--union-default-graph"], url, tmp / "oxigraph.log", tmp, 20):
        yield Backend("oxigraph", url)


@contextlib.contextmanager
def fuseki(tmp: Path):
    java = shutil.which("java")
    jars = sorted(FUSEKI_LIB.glob("jena-fuseki-main-*.jar")) if FUSEKI_LIB.is_dir() else []
    if java is None or not jars:
        why = (ROOT / ".cache" / "fuseki" / "error.txt")
        detail = why.read_text(errors="replace").strip()[-400:] if why.exists() else "run `make fuseki`"
        # Maven's message names the repository's host and URL: the reason is the failure, not where
        detail = re.sub(r"\S+://\S+|\b[\w.-]+\.(?:org|com|net|io)\b", "<repository>", detail)
        raise Unavailable(f"Apache Jena Fuseki is not installed in {FUSEKI_LIB} "
                          f"({'no java; ' if java is None else ''}{detail})")
    config = tmp / "config.ttl"
    config.write_text((ROOT / "stores" / "fuseki" / "config.ttl").read_text().replace("{dir}", str(tmp / "tdb2")))
    port = free_port()
    url = f"http://127.0.0.1:{port}/policykg/sparql"
    with _running([java, "-Xmx512m", "-cp", f"{FUSEKI_LIB}/*", "org.apache.jena.fuseki.main.cmds.FusekiMainCmd",
                   "--localhost", "--port", str(port), "--config", str(config)], url, tmp / "fuseki.log", tmp, 90):
        yield Backend("fuseki", url)


@contextlib.contextmanager
def jena(tmp: Path):
    """Jena's ARQ engine over TDB2 with a union default graph, as Fuseki's dataset is set up
    (stores/fuseki/config.ttl), behind our own endpoint at Fuseki's paths (/policykg/sparql,
    /policykg/data): the engine and its dialect are Jena's, the HTTP layer is not Fuseki's."""
    java = shutil.which("java")
    classpath = JENA / "classpath"
    if java is None or not classpath.exists():
        why = JENA / "error.txt"
        detail = why.read_text(errors="replace").strip()[-400:] if why.exists() else "run `make jena`"
        raise Unavailable(f"the Jena endpoint is not built in {JENA} ({'no java; ' if java is None else ''}{detail})")
    port = free_port()
    url = f"http://127.0.0.1:{port}/policykg/sparql"
    with _running([java, "-Xmx512m", "-cp", classpath.read_text().strip(), "JenaEndpoint", str(port),
                   str(tmp / "tdb2")], url, tmp / "jena.log", tmp, 60):
        yield Backend("jena", url)


@contextlib.contextmanager
def virtuoso(tmp: Path):
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise Unavailable("Virtuoso Open Source is not installed (`make virtuoso`: Debian's virtuoso-opensource-7-bin)")
    http_port, sql_port = free_port(), free_port()
    ini = (ROOT / "stores" / "virtuoso" / "virtuoso.ini").read_text()
    ini = ini.replace("{dir}", str(tmp)).replace("{isql_port}", str(sql_port)).replace("{http_port}", str(http_port))
    (tmp / "virtuoso.ini").write_text(ini)
    url = f"http://127.0.0.1:{http_port}/sparql"
    with _running([binary, "+foreground", "+configfile", str(tmp / "virtuoso.ini")], url,
                  tmp / "virtuoso.out", tmp, 90):
        # a new database's administrator: dba, password dba (loopback only, gone with the folder)
        yield Backend("virtuoso", url, {"POLICYKG_ENDPOINT_USER": "dba", "POLICYKG_ENDPOINT_PASSWORD": "dba"})


SERVERS = {"oxigraph": oxigraph, "fuseki": fuseki, "jena": jena, "virtuoso": virtuoso}


def publish_env(backend: Backend, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_ENDPOINT_")}
    return {**env, **backend.env, "POLICYKG_CORPUS": str(corpus)}


@contextlib.contextmanager
def published(name: str, tmp: Path, corpus: Path):
    """The server `name` started in `tmp` with `corpus` published to it by `policykg publish`:
    yields the backend and what publish said. One that cannot start is skipped with its reason."""
    import pytest
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(SERVERS[name](tmp))
        except Unavailable as e:
            pytest.skip(f"{name} cannot start: {e}")
        r = subprocess.run([sys.executable, "-m", "policykg.cli", "publish", "--endpoint", server.url],
                           capture_output=True, text=True, env=publish_env(server, corpus))
        assert r.returncode == 0, r.stderr
        yield server, r.stdout
