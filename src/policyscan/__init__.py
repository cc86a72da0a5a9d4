"""policyscan: extract quotas, deadlines, responsible units and targets from Chinese policy texts.

    >>> import policyscan
    >>> doc, = policyscan.extract("确保低收入群体年人均纯收入不低于8700元。")
    >>> [(f.kind, f.fields["value"]) for f in doc.facts if f.kind == "quota"]
    [('quota', 8700)]
"""
from .compare import Comparison, FactPair, ItemPair
from .compare import compare as compare_documents
from .model import Document, Fact, InputError, PolicyscanError, RulePackError, Section
from .pipeline import analyse, analyse_paths, analyse_text, compare_paths, extract
from .rules import load_pack

__all__ = ["Comparison", "Document", "Fact", "FactPair", "InputError", "ItemPair", "PolicyscanError",
           "RulePackError", "Section", "analyse", "analyse_paths", "analyse_text", "compare_documents",
           "compare_paths", "extract", "load_pack"]
