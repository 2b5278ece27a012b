"""Extraction: source text → plain records with offsets. Knows no RDF."""
from .errors import ExtractError, locate
from .matching import PhraseMatcher
from .parser import parse
from .records import Document

__all__ = ["Document", "ExtractError", "PhraseMatcher", "locate", "parse"]
