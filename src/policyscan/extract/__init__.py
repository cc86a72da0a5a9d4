"""EXTRACT stage: rule matches → facts, kind by kind (targets last: they build on the rest)."""
from __future__ import annotations

from collections.abc import Collection

from ..model import FACT_KINDS, Document, Fact, PolicyscanError
from ..rules import PatternTimeout, RulePack
from . import deadlines, quotas, targets, units
from .context import Context

_EXTRACTORS = {"quota": quotas.extract, "deadline": deadlines.extract,
               "unit": units.extract, "target": targets.extract}


def extract_facts(doc: Document, pack: RulePack, kinds: Collection[str] = FACT_KINDS) -> list[Fact]:
    """All facts of the wanted kinds, in document order. Targets need quotas, deadlines and
    units (a unit's clause assigns work, it states no goal), so those run whenever targets
    are wanted, and are dropped afterwards if not asked for. A rule that runs past the pattern
    time limit raises PolicyscanError naming the document, the rule and its pack."""
    needed = set(kinds) | ({"quota", "deadline", "unit"} if "target" in kinds else set())
    ctx = Context.build(doc, pack)
    for kind in FACT_KINDS:
        if kind in needed:
            try:
                ctx.facts.extend(_EXTRACTORS[kind](ctx))
            except PatternTimeout as exc:  # the rule's message, with the document it ran on
                raise PolicyscanError(f"{doc.path}: {exc}") from exc
    facts = [f for f in ctx.facts if f.kind in kinds]
    return sorted(facts, key=lambda f: (f.start, f.end, FACT_KINDS.index(f.kind)))
