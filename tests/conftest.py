"""Shared fixtures: the real source, the registry and one extraction of it."""
from __future__ import annotations

import os
import tempfile

import pytest

# the tests answer for the shipped notice: a developer's own corpus must not leak into them
os.environ["POLICYKG_CORPUS"] = tempfile.mkdtemp(prefix="policykg-test-corpus-")

from policykg import resources
from policykg.extract import parse
from policykg.pipeline import display_path, extract, read_source
from policykg.registry import load_registry

SOURCE = resources.default_source()


@pytest.fixture(scope="session")
def source_text() -> str:
    return read_source(SOURCE)


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def built(registry):
    return extract(SOURCE, registry)


@pytest.fixture(scope="session")
def doc(source_text, registry):
    # the parse alone, as `built` makes it: a test of the extractor does not wait for the RDF
    # and the legal basis (mutation testing of extract/ starts this fixture for every mutant)
    return parse(source_text, display_path(SOURCE), registry.instrument_matcher(), registry.group_matcher(),
                 registry.platform_matcher())


@pytest.fixture(scope="session")
def graph(built):
    return built.graph


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under mutmut (benchmarks/mutation.py) a mutant is killed by its first failing test (it runs
    pytest -x) but gets its tests in no useful order: there, run the quick tests first (by the
    durations mutmut recorded), so a killed mutant costs a quick test rather than every slow one
    (servers, subprocesses) before it. Three tiers of speed, each file's tests together within a
    tier, so a module-scoped fixture is built at most three times. Any other run is left as it is."""
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    import json
    from pathlib import Path
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text(encoding="utf-8"))["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    def tier(seconds: float) -> int:
        return 0 if seconds < 0.05 else 1 if seconds < 0.5 else 2
    items.sort(key=lambda i: (tier(durations.get(i.nodeid, 99.0)), str(i.path), durations.get(i.nodeid, 99.0)))


def line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing needle."""
    for n, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")


# Hypothesis: a small, derandomized budget for `make test` and CI (the same examples every run,
# no example database written into the checkout); HYPOTHESIS_PROFILE=explore searches wider.
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.register_profile("explore", max_examples=2000, deadline=None)
# benchmarks/mutation.py: each mutant reruns the properties, so a few examples each, and no
# shrinking (a mutant needs a failure, not the smallest one: shrinking costs seconds per mutant);
# the health checks time generation, which a loaded machine fails, and that would count as a kill
settings.register_profile("mutation", max_examples=10, deadline=None, derandomize=True, database=None,
                          phases=(Phase.explicit, Phase.reuse, Phase.generate),
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
