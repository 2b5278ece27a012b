"""policykg: a knowledge graph of Chinese public-policy documents.

The library API; the `policykg` command is a thin layer over it.
"""
import functools
import sys
import types
from importlib import import_module

__version__ = "0.1.0"


@functools.cache
def installed_version() -> str:
    """The installed distribution's version, which names stores and kept answers: read once,
    since importlib.metadata takes a millisecond or more each time (a whole quick query's time)."""
    from importlib.metadata import version
    return version("policykg")

__all__ = ["BuildError", "BuildResult", "ExtractError", "InputError", "ValidationReport",
           "build", "check", "extract", "load_registry", "summarize", "validate_file",
           "validate_graph"]

# The library API is imported on first use: a server, its query workers and most commands
# need none of it, and importing it (pySHACL, rdflib's SPARQL parser) took each of those
# processes 0.6 s of its start.
_HOME = {"BuildError": "pipeline", "BuildResult": "pipeline", "build": "pipeline", "check": "pipeline",
         "extract": "pipeline", "ExtractError": "extract", "load_registry": "registry", "summarize": "summary",
         "InputError": "validate", "ValidationReport": "validate", "validate_file": "validate",
         "validate_graph": "validate"}


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    def __setattr__(self, name, value):
        # importing the subpackage policykg.extract names it on this package, where `extract`
        # is the library's function (as when the API was imported here eagerly, after it)
        if name == "extract" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
