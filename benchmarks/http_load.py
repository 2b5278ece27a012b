"""HTTP throughput on loopback, side by side in one run: the Oxigraph server on the
SPARQL of the saved query `measures-by-department` (市财政局) against `policykg serve`
answering that saved query (CSV, JSON), the same SPARQL on /sparql, and a measure, a
body and a document page.

    make wrk && .venv/bin/python benchmarks/http_load.py [--duration 8] [--connections 8] [--threads 2]

Both servers serve the same files (the shipped dataset; an empty corpus folder of
their own, so that a user's corpus does not change the figures), each on a free port
of 127.0.0.1. wrk (Debian `wrk`, `make wrk`) loads each URL in turn for `--duration`
seconds; the script prints requests/s, p50 and p99 latency, the ratio of requests/s
to Oxigraph's on the same SPARQL, and the load average before and after each target
(the machine may be shared: compare only figures of one run). Everything it started
is stopped when it ends, also on an error; each wrk run is killed past twice its
duration.

Every URL is asked once before it is timed (a check that it answers 200, and the
first, uncached, answer) and that first answer's time is printed as "first".
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.loopback import free_port, stop, wait_until_answering  # noqa: E402
from tests.oxigraph_server import oxigraph_endpoint  # noqa: E402

from policykg.queries import bindings_for, get_query  # noqa: E402
from policykg.store import EmbeddedStore, default_files  # noqa: E402

QUERY, PARAMS = "measures-by-department", {"department": "市财政局"}
ID = "/id/"
MEASURE, BODY, DOCUMENT = "doc/zczmbf-2021-9/measure/9", "body/zhangye-finance", "doc/zczmbf-2021-9"
SPARQL_JSON = "application/sparql-results+json"


def the_sparql() -> str:
    """The text `policykg serve` sends its store for the saved query: prologue, query, VALUES."""
    store = EmbeddedStore(default_files())
    q = get_query(QUERY)
    return store.prepared(q.sparql, bindings_for(store, q, PARAMS))


@contextmanager
def policykg_server(corpus: Path, env_extra: dict[str, str], granian: bool = False, endpoint: str | None = None):
    """`policykg serve` (waitress), or `policykg serve --server granian`; over `endpoint`, a
    remote store, where one is given."""
    port = free_port()
    env = dict(os.environ, POLICYKG_CORPUS=str(corpus), **env_extra)
    log = tempfile.TemporaryFile()
    cmd = [str(Path(sys.executable).parent / "policykg"), "serve", "--port", str(port)]
    cmd += (["--server", "granian"] if granian else []) + (["--endpoint", endpoint] if endpoint else [])
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answering(proc, base + "/sparql?query=ASK%7B%7D", 120)
        except RuntimeError as e:
            stop(proc, 5)
            log.seek(0)
            raise RuntimeError(f"policykg serve did not start: {e}: {log.read().decode(errors='replace')}") from None
        yield base
    finally:
        stop(proc, 20)
        log.close()


def first_answer(url: str, accept: str | None) -> float:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        r.read()
        if r.status != 200:
            raise RuntimeError(f"{url}: HTTP {r.status}")
    return time.perf_counter() - t


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def wrk(url: str, accept: str | None, args) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
           "--timeout", "10s"]
    if accept:
        cmd += ["-H", f"Accept: {accept}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=2 * args.duration + 30)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {out.stderr.strip()}")
    text = out.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {"rate": rate, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0,
            "socket": socket_errors.group(1).strip() if socket_errors else ""}


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=8, help="seconds of load per URL (default 8)")
    ap.add_argument("--connections", type=int, default=8, help="open connections (default 8)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting for `policykg serve`, e.g. POLICYKG_CACHE_BYTES=0 (repeatable)")
    ap.add_argument("--only", help="a comma-separated subset of the targets' names")
    ap.add_argument("--granian", action="store_true",
                    help="also `policykg serve --server granian` (pip install 'policykg[granian]'), in the same run")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make wrk` installs Debian's")
    env_extra = dict(e.split("=", 1) for e in args.env)

    sparql = the_sparql()
    print(f"# HTTP on loopback, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}")
    print(f"# wrk -t{args.threads} -c{args.connections} -d{args.duration}s; policykg serve settings: "
          f"{' '.join(args.env) or 'defaults'}")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="policykg-http-")))
        (tmp / "corpus").mkdir()
        oxigraph = stack.enter_context(oxigraph_endpoint(tmp))
        servers = [("", stack.enter_context(policykg_server(tmp / "corpus", env_extra)))]
        if args.granian:
            servers.append(("granian: ", stack.enter_context(policykg_server(tmp / "corpus", env_extra, granian=True))))
        targets = [("oxigraph /query (SPARQL JSON)", f"{oxigraph}?{urlencode({'query': sparql}, quote_via=quote)}",
                    SPARQL_JSON)]
        for prefix, base in servers:
            saved = f"{base}/queries/{QUERY}"
            targets += [
                (prefix + "saved query .csv", f"{saved}.csv?{urlencode(PARAMS)}", None),
                (prefix + "saved query .json", f"{saved}.json?{urlencode(PARAMS)}", None),
                (prefix + "/sparql (SPARQL JSON)", f"{base}/sparql?{urlencode({'query': sparql}, quote_via=quote)}",
                 SPARQL_JSON),
                (prefix + "measure page", f"{base}{ID}{MEASURE}", "text/html"),
                (prefix + "body page", f"{base}{ID}{BODY}", "text/html"),
                (prefix + "document page", f"{base}{ID}{DOCUMENT}", "text/html"),
            ]
        if args.only:
            wanted = set(args.only.split(","))
            targets = [t for t in targets if t[0] in wanted or t[0].startswith("oxigraph")]
        print(f"{'target':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'first ms':>9} {'x oxigraph':>10}  load avg before → after")
        reference = None
        for name, url, accept in targets:
            first = first_answer(url, accept)
            before = loadavg()
            r = wrk(url, accept, args)
            if r["non2xx"] or r["socket"]:
                print(f"# {name}: {r['non2xx']} answers not 2xx/3xx; socket errors: {r['socket'] or 'none'}")
            reference = reference or r["rate"]
            print(f"{name:40} {r['rate']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {1e3 * first:9.1f} "
                  f"{r['rate'] / reference:10.2f}  {before} → {loadavg()}", flush=True)
        # the reference again at the end: the machine's load may have changed meanwhile
        r = wrk(targets[0][1], targets[0][2], args)
        print(f"{targets[0][0] + ', again':40} {r['rate']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {'':9} "
              f"{r['rate'] / reference:10.2f}  {loadavg()}")

if __name__ == "__main__":
    main()
