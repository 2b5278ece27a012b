"""The standing bad-input corpus: every hostile or malformed input we have met, as data.

Each file in `tests/bad_inputs/` is one case (TOML): a CLI invocation or an
HTTP request, the exit code or status it must get, a fragment the answer must
say, and optionally what must not appear and which files must be unchanged.
See `tests/bad_inputs/README.md` for the format.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg import resources
from policykg.cli import main
from policykg.web import create_app

CASES = sorted((Path(__file__).parent / "bad_inputs").glob("*.toml"))


def _load(path: Path) -> dict:
    with open(path, "rb") as f:
        case = tomllib.load(f)
    assert case.get("kind") in ("cli", "http"), f"{path.name}: kind must be cli or http"
    assert case.get("description"), f"{path.name}: say what the case is"
    return case


def test_the_corpus_is_large_and_covers_both_sides():
    kinds = [_load(p)["kind"] for p in CASES]
    assert len(kinds) >= 60 and kinds.count("cli") >= 15 and kinds.count("http") >= 30


@pytest.fixture(scope="module")
def app():
    # as `policykg serve` runs it: isolated, network-less query workers
    app = create_app({"TESTING": True, "SPARQL_WORKERS": 1})
    yield app
    app.extensions["policykg"]["sparql_store"].close()


def _content(spec, tmp: Path) -> bytes:
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if "copy" in spec:
        return resources.path(*Path(spec["copy"]).parts).read_bytes()
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "repeat" in spec:             # { repeat = "text", times = N }: a large input without a large file
        return (spec["repeat"] * spec["times"]).encode("utf-8")
    if "parts" in spec:              # { parts = [["text", N], …] }: pieces, each repeated N times
        return "".join(text * times for text, times in spec["parts"]).encode("utf-8")
    raise AssertionError(f"unknown file spec {spec!r}")


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{tmp}", str(tmp)).replace("{root}", str(resources.root()))


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(path: Path, tmp_path: Path, request):
    case = _load(path)
    if case["kind"] == "cli":
        _run_cli(case, tmp_path)
    else:
        # only HTTP cases start the app: a run of CLI cases alone (mutation testing of extract/)
        # does not pay for it
        _run_http(case, request.getfixturevalue("app"))


def _run_cli(case: dict, tmp: Path) -> None:
    for name, spec in case.get("files", {}).items():
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_content(spec, tmp))
    watched = [Path(_fill(p, tmp)) for p in case.get("unchanged", {}).get("paths", [])]
    before = {p: _digest(p) for p in watched}
    listing = sorted(p.name for p in tmp.iterdir())
    args = [_fill(a, tmp) for a in case["args"]]
    stdin = case.get("stdin")
    if case.get("subprocess"):
        # what may crash the interpreter runs in a child, so a crash is a failure, not the suite's end
        done = subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True,
                              input=stdin.encode() if stdin else None, timeout=300)
        code, output = done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")
    else:
        result = CliRunner().invoke(main, args, input=stdin)
        code, output = result.exit_code, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            f"traceback instead of a message:\n{output}\n{result.exception!r}"
    assert code == case["exit"], f"exit {code}, expected {case['exit']}:\n{output}"
    assert "Traceback" not in output, output
    if "message" in case:
        assert case["message"] in output, output
    for p in watched:
        assert _digest(p) == before[p], f"{p} changed"
    if case.get("no_new_files", True):
        leftovers = sorted(set(p.name for p in tmp.iterdir()) - set(listing))
        assert not [n for n in leftovers if n.endswith(".tmp")], f"temporary files left: {leftovers}"


def _run_http(case: dict, app) -> None:
    client = app.test_client()
    body = bytes.fromhex(case["body_hex"]) if "body_hex" in case else case.get("body", "").encode("utf-8")
    r = client.open(case["path"], method=case.get("method", "GET"), headers=case.get("headers", {}),
                    data=body or None)
    text = r.get_data(as_text=True)
    assert r.status_code == case["status"], f"{r.status_code}, expected {case['status']}:\n{text[:500]}"
    if "message" in case:
        assert case["message"] in text, text[:500]
    if "absent" in case:
        assert case["absent"] not in text, text[:500]
    for name, value in case.get("response_headers", {}).items():
        assert r.headers.get(name) == value, f"{name}: {r.headers.get(name)!r}"
    if case.get("method") == "HEAD":
        assert r.get_data() == b""
