"""policyscan: extract quotas, deadlines, responsible units and targets from Chinese policy texts.

    >>> import policyscan
    >>> doc, = policyscan.extract("确保低收入群体年人均纯收入不低于8700元。")
    >>> [(f.kind, f.fields["value"]) for f in doc.facts if f.kind == "quota"]
    [('quota', 8700)]

The names below are imported on first use, so that importing a submodule (the CLI does, for
``policyscan --help``) does not pay for the whole pipeline.
"""
from __future__ import annotations

import sys
import types
from typing import Any

from .lazy import exports

_WHERE = {
    "Comparison": "compare", "FactPair": "compare", "ItemPair": "compare", "compare_documents": "compare:compare",
    "AnalysisError": "model", "Document": "model", "Fact": "model", "InputError": "model", "PolicyscanError": "model",
    "RulePackError": "model", "Section": "model",
    "analyse": "pipeline", "analyse_paths": "pipeline", "analyse_text": "pipeline",
    "check_paths": "pipeline", "compare_paths": "pipeline", "extract": "pipeline",
    "load_pack": "rules",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = exports(__name__, _WHERE)


class _Package(types.ModuleType):
    """The extraction stage, the subpackage ``policyscan.extract``, shares its name with the API
    function. Importing the subpackage makes the import system bind it on this package; that
    binding is refused, so ``policyscan.extract`` is always the function (``import
    policyscan.extract.units`` still works: it goes through sys.modules)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _WHERE and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
