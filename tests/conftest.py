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
