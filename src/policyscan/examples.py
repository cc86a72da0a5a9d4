"""Every rule carries its own examples: run them as tests (``policyscan rules test``, pytest).

An example passes when the full pipeline, run on the example text with every rule of the
pack, yields a fact from *this* rule whose fields include the expected ones. A counter
example passes when this rule yields no fact on it.

A skip rule yields no fact: what it does is swallow facts of its kind that the text would
otherwise give. So its example passes when the pack without the rule finds a fact of its
kind (with the expected fields) that the whole pack does not, and its counter example passes
when the rule swallows nothing there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Fact, PolicyscanError
from .pipeline import analyse_text
from .rules import Rule, RulePack


@dataclass
class ExampleResult:
    rule: str
    text: str
    ok: bool
    problem: str = ""


def _agrees(fact: Fact, expect: dict[str, Any]) -> bool:
    def same(got: Any, want: Any) -> bool:
        if isinstance(want, dict) and isinstance(got, dict):
            return all(same(got.get(k), v) for k, v in want.items())
        if isinstance(want, (int, float)) and isinstance(got, (int, float)):
            return abs(got - want) < 1e-9
        return bool(got == want)

    values = {"text": fact.text, **fact.fields}
    return all(same(values.get(k), v) for k, v in expect.items())


def _facts_of(rule: Rule, text: str, pack: RulePack) -> list[Fact] | str:
    """This rule's facts on the text (for a skip rule, the facts it swallows), or why the text
    could not be analysed (a rule that ran past the pattern time limit): a failing example,
    reported like the others."""
    try:
        facts = _analyse(rule, text, pack)
        if rule.action != "skip":
            return [f for f in facts if f.rule == rule.id]
        kept = [f for f in facts if f.kind == rule.kind]
        return [f for f in _analyse(rule, text, pack.without({rule.id})) if f.kind == rule.kind and f not in kept]
    except PolicyscanError as exc:
        return str(exc)


def _analyse(rule: Rule, text: str, pack: RulePack) -> list[Fact]:
    """All facts of the example text, the document named after the rule it tests."""
    return analyse_text(text, name=f"<example of {rule.id}>", pack=pack).facts


def run_examples(pack: RulePack, rule_ids: set[str] | None = None) -> list[ExampleResult]:
    """Results for every example and counter example of the selected rules."""
    results: list[ExampleResult] = []
    for rule in pack.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        own = "fact this rule swallows" if rule.action == "skip" else "fact from this rule"
        for example in rule.examples:
            facts = _facts_of(rule, example["text"], pack)
            expect = example.get("expect", {})
            if isinstance(facts, str):
                results.append(ExampleResult(rule.id, example["text"], False, facts))
                continue
            ok = any(_agrees(f, expect) for f in facts)
            got = "; ".join(f"{f.text!r} {f.fields}" for f in facts) or f"no {own}"
            results.append(ExampleResult(rule.id, example["text"], ok,
                                         "" if ok else f"expected {expect}, got {got}"))
        for text in rule.counter_examples:
            facts = _facts_of(rule, text, pack)
            if isinstance(facts, str):
                problem = facts
            elif facts:
                problem = (f"the skip rule swallows {facts[0].text!r}" if rule.action == "skip"
                           else f"should not match, got {facts[0].text!r}")
            else:
                problem = ""
            results.append(ExampleResult(rule.id, text, not problem, problem))
    return results
