"""RENDER stage: facts, comparisons and reviews for people (rich tables, Markdown) or
programs (JSON, JSONL, CSV)."""
from .comparison import COMPARE_FORMATS, render_comparisons
from .facts import FORMATS, render_facts
from .review import CHECK_FORMATS, render_reviews

__all__ = ["CHECK_FORMATS", "COMPARE_FORMATS", "FORMATS", "render_comparisons", "render_facts",
           "render_reviews"]
