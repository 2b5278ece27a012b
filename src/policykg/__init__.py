"""policykg: a knowledge graph of Chinese public-policy documents.

The library API; the `policykg` command is a thin layer over it.
"""
from .pipeline import BuildError, BuildResult, build, check, extract
from .extract import ExtractError
from .registry import load_registry
from .summary import summarize
from .validate import InputError, ValidationReport, validate_file, validate_graph

__version__ = "0.1.0"

__all__ = ["BuildError", "BuildResult", "ExtractError", "InputError", "ValidationReport",
           "build", "check", "extract", "load_registry", "summarize", "validate_file",
           "validate_graph"]
