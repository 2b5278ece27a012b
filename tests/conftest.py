"""Shared fixtures: the real source, the registry and one extraction of it."""
from __future__ import annotations

import os
import tempfile

import pytest

# the tests answer for the shipped notice: a developer's own corpus must not leak into them
os.environ["POLICYKG_CORPUS"] = tempfile.mkdtemp(prefix="policykg-test-corpus-")

from policykg import resources
from policykg.pipeline import extract, read_source
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
def doc(built):
    return built.document


@pytest.fixture(scope="session")
def graph(built):
    return built.graph


def line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing needle."""
    for n, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")


# Hypothesis: a small, derandomized budget for `make test` and CI (the same examples every run,
# no example database written into the checkout); HYPOTHESIS_PROFILE=explore searches wider.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.register_profile("explore", max_examples=2000, deadline=None)
# benchmarks/mutation.py: each mutant reruns the properties, so a few examples each
settings.register_profile("mutation", max_examples=10, deadline=None, derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
