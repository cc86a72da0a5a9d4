"""Every rule carries its own examples: run them as tests (``policyscan rules test``, pytest).

An example passes when the full pipeline, run on the example text with every rule of the
pack, yields a fact from *this* rule whose fields include the expected ones. A counter
example passes when this rule yields no fact on it.
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
    """This rule's facts on the text, or why the text could not be analysed (a rule that ran
    past the pattern time limit): a failing example, reported like the others."""
    try:
        doc = analyse_text(text, name=f"<example of {rule.id}>", pack=pack)
    except PolicyscanError as exc:
        return str(exc)
    return [f for f in doc.facts if f.rule == rule.id]


def run_examples(pack: RulePack, rule_ids: set[str] | None = None) -> list[ExampleResult]:
    """Results for every example and counter example of the selected rules."""
    results: list[ExampleResult] = []
    for rule in pack.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        for example in rule.examples:
            facts = _facts_of(rule, example["text"], pack)
            expect = example.get("expect", {})
            if isinstance(facts, str):
                results.append(ExampleResult(rule.id, example["text"], False, facts))
                continue
            ok = any(_agrees(f, expect) for f in facts)
            got = "; ".join(f"{f.text!r} {f.fields}" for f in facts) or "no fact from this rule"
            results.append(ExampleResult(rule.id, example["text"], ok,
                                         "" if ok else f"expected {expect}, got {got}"))
        for text in rule.counter_examples:
            facts = _facts_of(rule, text, pack)
            if isinstance(facts, str):
                problem = facts
            else:
                problem = f"should not match, got {facts[0].text!r}" if facts else ""
            results.append(ExampleResult(rule.id, text, not problem, problem))
    return results
