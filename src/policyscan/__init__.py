"""policyscan: extract quotas, deadlines, responsible units and targets from Chinese policy texts.

Each command has a function over files and one over a string, named after it: extract_paths and
extract_text, compare_paths and compare_texts, check_paths and check_text.

    >>> import policyscan
    >>> doc = policyscan.extract_text("确保低收入群体年人均纯收入不低于8700元。")
    >>> [(f.kind, f.fields["value"]) for f in doc.facts if f.kind == "quota"]
    [('quota', 8700)]
    >>> comparison = policyscan.compare_texts("一、目标\\n建成不少于50个示范村。", "一、目标\\n建成不少于60个示范村。")
    >>> [(pair.verdict, pair.detail) for pair in comparison.pairs]
    [('stricter', '≥ 50 个 → ≥ 60 个')]

The names below are imported on first use, so that importing a submodule (the CLI does, for
``policyscan --help``) does not pay for the whole pipeline.
"""
from __future__ import annotations

from .lazy import exports

_WHERE = {
    "Comparison": "compare", "FactPair": "compare", "ItemPair": "compare", "Review": "check",
    "AnalysisError": "model", "Document": "model", "Fact": "model", "InputError": "model", "PolicyscanError": "model",
    "RulePackError": "model", "Section": "model",
    "extract_paths": "pipeline:analyse_paths", "extract_text": "pipeline:analyse_text",
    "compare_paths": "pipeline", "compare_texts": "pipeline", "check_paths": "pipeline", "check_text": "pipeline",
    "load_pack": "rules",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = exports(__name__, _WHERE)

