"""RENDER stage: facts and comparisons for people (rich tables, Markdown) or programs
(JSON, JSONL, CSV)."""
from .comparison import COMPARE_FORMATS, render_comparisons
from .facts import FORMATS, render_facts

__all__ = ["COMPARE_FORMATS", "FORMATS", "render_comparisons", "render_facts"]
