"""`policykg serve --endpoint` over an Oxigraph server, with answers kept per published version
against the same server with nothing kept (POLICYKG_CACHE_BYTES=0, the baseline: each request
asks the store), side by side in one run, and the Oxigraph server itself on the saved query's
SPARQL.

    make wrk && .venv/bin/python benchmarks/remote_cache.py [--duration 8] [--connections 8]

An Oxigraph server (the tests' own, tests/stores.py, union default graph) is started on a
free port of 127.0.0.1 and the shipped notice published to it with `policykg publish`, which
leaves the version the cached server keys on. wrk loads each URL for `--duration` seconds:
the saved query `measures-by-department` (市财政局) as CSV, a measure page, and the same
SPARQL posted to the Oxigraph server. Printed: requests/s, p50 and p99, the ratio of each
cached figure to the baseline's, and the load average beside each target (the machine may be
shared: compare only figures of one run). Everything started is stopped at the end.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from http_load import first_answer, loadavg, policykg_server, the_sparql, wrk  # noqa: E402
from tests import stores  # noqa: E402

SAVED = "/queries/measures-by-department.csv?" + urlencode({"department": "市财政局"})
PAGE = "/id/doc/zczmbf-2021-9/measure/9"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make wrk` installs Debian's")
    print(f"# serve --endpoint on loopback, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} cores; wrk -t{args.threads} -c{args.connections} -d{args.duration}s")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (tmp / "oxigraph").mkdir()
        server = stack.enter_context(stores.SERVERS["oxigraph"](tmp / "oxigraph"))
        corpus = tmp / "corpus"
        env = stores.publish_env(server, corpus)
        subprocess.run([str(Path(sys.executable).parent / "policykg"), "publish", "--endpoint", server.url],
                       env=env, check=True, capture_output=True)
        kept = stack.enter_context(policykg_server(corpus, {}, endpoint=server.url))
        asked = stack.enter_context(policykg_server(corpus, {"POLICYKG_CACHE_BYTES": "0"}, endpoint=server.url))
        results = {}
        targets = [("oxigraph: the saved query's SPARQL", server.url + "?" + urlencode({"query": the_sparql()}),
                    "text/csv", None)]
        for name, path in (("saved query CSV", SAVED), ("measure page", PAGE)):
            targets += [(f"kept: {name}", kept + path, None, f"asked: {name}"),
                        (f"asked: {name}", asked + path, None, None)]
        for name, url, accept, _ in targets:
            first = first_answer(url, accept)
            before = loadavg()
            results[name] = r = wrk(url, accept, args)
            print(f"{name:<40} {r['rate']:>9.0f}/s  p50 {r['p50']:>7.2f} ms  p99 {r['p99']:>7.2f} ms  "
                  f"first {first * 1000:.0f} ms  non-2xx {r['non2xx']}  load {before} → {loadavg()}", flush=True)
        print()
        ox = results["oxigraph: the saved query's SPARQL"]["rate"]
        for name, _, _, baseline in targets:
            if baseline is not None:
                print(f"{name:<40} {results[name]['rate'] / results[baseline]['rate']:.2f}× the baseline "
                      f"(nothing kept), {results[name]['rate'] / ox:.2f}× the Oxigraph server's rate")


if __name__ == "__main__":
    main()
