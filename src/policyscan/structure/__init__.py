"""STRUCTURE stage: what the layout of a document says — page chrome, the heading tree,
clause and sentence breaks, and the document's own metadata (title, 文号, issuer, date)."""
from .layout import build_sections, find_breaks, find_chrome
from .metadata import read_metadata

__all__ = ["build_sections", "find_breaks", "find_chrome", "read_metadata"]
