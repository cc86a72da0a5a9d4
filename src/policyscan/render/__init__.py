"""RENDER stage: facts, comparisons and reviews for people (rich tables, Markdown) or
programs (JSON, JSONL, CSV). Each renderer is imported when first used."""
from __future__ import annotations

from ..lazy import exports

_WHERE = {"COMPARE_FORMATS": "comparison", "render_comparisons": "comparison",
          "FORMATS": "facts", "render_facts": "facts",
          "CHECK_FORMATS": "review", "render_reviews": "review"}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = exports(__name__, _WHERE)
