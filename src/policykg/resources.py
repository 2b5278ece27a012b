"""Where the shipped resource folders (ontology/, shapes/, queries/, web/, data/) are.

In a wheel they are packaged under policykg/_resources; in a source checkout
(editable install, tests) they are the top-level folders of the repository.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "_resources"
_CHECKOUT = Path(__file__).resolve().parents[2]


def root() -> Path:
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def path(*parts: str) -> Path:
    return root().joinpath(*parts)


def is_checkout() -> bool:
    """True when running from a source checkout, where data/ may be rebuilt."""
    return not _PACKAGED.is_dir() and (_CHECKOUT / "pyproject.toml").is_file()


DEFAULT_SOURCE = ("data", "source", "zhangye-2021-9.txt")
DEFAULT_OUTPUT = ("data", "measures.ttl")


def default_source() -> Path:
    return path(*DEFAULT_SOURCE)


def default_output() -> Path:
    return path(*DEFAULT_OUTPUT)


def ontology_files() -> list[Path]:
    return sorted(path("ontology").glob("*.ttl"))


def registry_files() -> list[Path]:
    return sorted(path("data", "registry").glob("*.ttl"))


def link_files() -> list[Path]:
    """The linksets (data/links/): Wikidata, official publications, division codes."""
    return sorted(path("data", "links").glob("*.ttl"))
