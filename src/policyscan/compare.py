"""COMPARE stage: a directive (BASE) against a document that implements it (OTHER).

Task items are paired first, by the words they use (jieba tokens, indicator synonyms from
the pack, weighted so that words every item uses count little). Facts are then paired
kind by kind, one to one, by the words of their indicator and of the goal or item they sit
in, with a bonus when both sit in items that were paired. Nothing is forced: a fact whose
best counterpart is too unlike it is reported as missing (BASE only) or added (OTHER only).
Each pair gets a verdict that says how OTHER changed BASE.
"""
from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import regex

from . import segment
from .numbers import tidy
from .model import Document, Fact, Section
from .normalise import shadow
from .rules import RulePack

_HAN_WORD = regex.compile(r"^\p{Han}{2,}$")

# Verdicts by kind; "missing" and "added" apply to every kind.
QUOTA_VERDICTS = ("same", "stricter", "looser", "different-unit")
DEADLINE_VERDICTS = ("same", "earlier", "later", "unresolved")
UNIT_VERDICTS = ("same-lead", "different-lead", "lead-missing", "lead-added")
VERDICTS = tuple(dict.fromkeys(QUOTA_VERDICTS + DEADLINE_VERDICTS + UNIT_VERDICTS + ("missing", "added")))
CHANGES = frozenset(VERDICTS) - {"same", "same-lead"}


@dataclass
class ItemPair:
    """A task item of BASE and its counterpart in OTHER (either may be None: unmatched)."""

    base: Section | None
    other: Section | None
    similarity: float | None


@dataclass
class FactPair:
    """One row of a comparison: a BASE fact, its OTHER counterpart, and what changed."""

    kind: str  # quota, deadline, unit (lead units per item), target
    base: Fact | None
    other: Fact | None
    verdict: str
    similarity: float | None = None
    detail: str = ""

    @property
    def changed(self) -> bool:
        return self.verdict in CHANGES


@dataclass
class Comparison:
    """BASE against one OTHER: paired items and facts."""

    base: Document
    other: Document
    items: list[ItemPair] = field(default_factory=list)
    pairs: list[FactPair] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """Share of BASE task items that have a counterpart in OTHER."""
        base_items = [p for p in self.items if p.base is not None]
        return sum(p.other is not None for p in base_items) / len(base_items) if base_items else 1.0

    def summary(self) -> dict[str, Any]:
        """What happened to BASE's targets, and how much of BASE's task list OTHER covers."""
        targets = [p for p in self.pairs if p.kind == "target"]
        verdicts = Counter(p.verdict for p in targets)
        return {
            "base": self.base.path,
            "other": self.other.path,
            "base_targets": sum(p.base is not None for p in targets),
            "carried_down": sum(p.base is not None and p.other is not None for p in targets),
            "tightened": verdicts["stricter"] + verdicts["earlier"],
            "loosened": verdicts["looser"] + verdicts["later"],
            "dropped": verdicts["missing"],
            "added": verdicts["added"],
            "base_items": sum(p.base is not None for p in self.items),
            "items_matched": sum(p.base is not None and p.other is not None for p in self.items),
            "coverage": round(self.coverage, 4),
            "differences": sum(p.changed for p in self.pairs),
        }


# ---------------------------------------------------------------- words and similarity

@functools.lru_cache(maxsize=8)
def _synonym_pattern(pack: RulePack) -> tuple[regex.Pattern[str] | None, dict[str, str]]:
    canonical = {variant: canon for canon, variants in pack.tables["synonyms"].items()
                 for variant in variants or []}
    if not canonical:
        return None, {}
    alternation = "|".join(regex.escape(v) for v in sorted(canonical, key=len, reverse=True))
    return regex.compile(alternation), canonical


def canonical(pack: RulePack, text: str) -> str:
    """Text with every synonym variant replaced by its canonical form (基本医疗保险 → 基本医保)."""
    pattern, table = _synonym_pattern(pack)
    return pattern.sub(lambda m: table[m.group(0)], text) if pattern else text


def words(pack: RulePack, text: str) -> Counter[str]:
    """Content words of a text: jieba words of two or more Han characters of its normalised
    shadow (so Traditional and Simplified agree), synonyms made canonical, stopwords dropped."""
    stop = set(pack.tables["cues"].get("compare_stopwords", []))
    text = canonical(pack, shadow(text))
    return Counter(w for w, _, _ in segment.words(pack, text) if _HAN_WORD.match(w) and w not in stop)


def _cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    """Cosine of tf-idf vectors with sublinear tf (1 + log count), so a word repeated
    fourteen times in an item does not outweigh everything else it says."""
    def weight(counts: Counter[str], word: str) -> float:
        return (1.0 + math.log(counts[word])) * idf.get(word, 1.0)

    dot = sum(weight(a, w) * weight(b, w) for w in a.keys() & b.keys())
    if not dot:
        return 0.0
    norm = math.sqrt(sum(weight(a, w) ** 2 for w in a)) * math.sqrt(sum(weight(b, w) ** 2 for w in b))
    return dot / norm if norm else 0.0


def _idf(bags: Iterable[Counter[str]]) -> dict[str, float]:
    """Words that every item uses weigh little; a word in one item only weighs most."""
    bags = list(bags)
    df = Counter(w for bag in bags for w in bag)
    return {w: math.log((1 + len(bags)) / (1 + n)) + 1.0 for w, n in df.items()}


def _one_to_one(scores: list[tuple[float, int, int]], threshold: float) -> dict[int, tuple[int, float]]:
    """Greedy one-to-one pairing, best score first; pairs below the threshold stay unpaired."""
    paired: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for score, i, j in sorted(scores, key=lambda t: (-t[0], t[1], t[2])):
        if score < threshold or i in paired or j in used:
            continue
        paired[i] = (j, score)
        used.add(j)
    return paired


# ---------------------------------------------------------------- items

def _item_words(pack: RulePack, doc: Document, item: Section) -> Counter[str]:
    return words(pack, doc.shadow[item.start:item.end])


def align_items(pack: RulePack, base: Document, other: Document) -> list[ItemPair]:
    """Each BASE task item with its most similar OTHER item, one to one. Similarity blends
    the items' whole text with their headings, which say in a few words what a task is."""
    b_items, o_items = base.items(), other.items()
    b_bodies = [_item_words(pack, base, s) for s in b_items]
    o_bodies = [_item_words(pack, other, s) for s in o_items]
    b_titles = [words(pack, s.title) for s in b_items]
    o_titles = [words(pack, s.title) for s in o_items]
    body_idf, title_idf = _idf(b_bodies + o_bodies), _idf(b_titles + o_titles)
    cues = pack.tables["cues"]
    title_weight = float(cues.get("item_title_weight", 0.3))
    scores = [((1 - title_weight) * _cosine(b_bodies[i], o_bodies[j], body_idf)
               + title_weight * _cosine(b_titles[i], o_titles[j], title_idf), i, j)
              for i in range(len(b_items)) for j in range(len(o_items))]
    paired = _one_to_one(scores, float(cues.get("item_match_threshold", 0.2)))
    pairs = [ItemPair(s, o_items[paired[i][0]] if i in paired else None,
                      round(paired[i][1], 3) if i in paired else None) for i, s in enumerate(b_items)]
    used = {paired[i][0] for i in paired}
    pairs += [ItemPair(None, s, None) for j, s in enumerate(o_items) if j not in used]
    return pairs


# ---------------------------------------------------------------- facts

def _enclosing(doc: Document, fact: Fact, kind: str) -> Fact | None:
    """The fact of ``kind`` whose span holds ``fact`` (the goal a quota belongs to)."""
    return next((f for f in doc.facts if f.kind == kind and f is not fact
                 and f.start <= fact.start and fact.end <= f.end), None)


def _fact_words(pack: RulePack, doc: Document, fact: Fact) -> Counter[str]:
    """What a fact is about: its indicator and text, the clause (quota) or sentence
    (deadline) it stands in, and the title of its item."""
    assert doc.breaks is not None, "compare takes analysed documents"
    parts = [fact.fields.get("indicator") or "", fact.text]
    if fact.kind == "quota":
        parts.append(_span_text(doc, doc.breaks.clause(fact.start)))
    elif fact.kind == "deadline":
        parts.append(_span_text(doc, doc.breaks.sentence(fact.start)))
    section = doc.section_at(fact.start)
    if section is not None:
        parts.append(section.title)
    return words(pack, " ".join(parts))


def _span_text(doc: Document, span: tuple[int, int]) -> str:
    return doc.shadow[span[0]:span[1]]


def _date_of(doc: Document, fact: Fact) -> str | None:
    """The date a fact is bound to: its own (deadline), its goal's (target, quota in a goal)."""
    if fact.kind == "deadline":
        return fact.fields.get("date")
    goal = fact if fact.kind == "target" else _enclosing(doc, fact, "target")
    return goal.fields.get("deadline") if goal is not None else None


def _section_key(doc: Document, fact: Fact) -> int | None:
    section = doc.section_at(fact.start)
    return None if section is None else section.start


def _align_facts(pack: RulePack, comparison: Comparison, kind: str,
                 goal_partner: dict[int, int] | None = None
                 ) -> list[tuple[Fact | None, Fact | None, float | None]]:
    """Pair facts of one kind one to one. Content similarity comes first; only a pair that
    already shares content is lifted by sitting in paired items, by a shared date, or (quotas)
    by sitting in paired goals; a quota in another unit is held back."""
    base, other = comparison.base, comparison.other
    b_facts = [f for f in base.facts if f.kind == kind]
    o_facts = [f for f in other.facts if f.kind == kind]
    b_bags = [_fact_words(pack, base, f) for f in b_facts]
    o_bags = [_fact_words(pack, other, f) for f in o_facts]
    idf = _idf(b_bags + o_bags)
    item_partner = {p.base.start: p.other.start for p in comparison.items if p.base and p.other}
    cues = pack.tables["cues"]
    floor = float(cues.get("min_content_similarity", 0.15))
    item_bonus = float(cues.get("same_item_bonus", 0.15))
    date_bonus = float(cues.get("same_date_bonus", 0.1))
    goal_bonus = float(cues.get("same_goal_bonus", 0.3))
    unit_penalty = float(cues.get("different_unit_penalty", 0.15))
    b_items = [_section_key(base, f) for f in b_facts]
    o_items = [_section_key(other, f) for f in o_facts]
    b_dates = [_date_of(base, f) for f in b_facts]
    o_dates = [_date_of(other, f) for f in o_facts]
    b_goals = [_goal_key(base, f) for f in b_facts]
    o_goals = [_goal_key(other, f) for f in o_facts]
    scores = []
    for i, b in enumerate(b_bags):
        item = item_partner.get(b_items[i]) if b_items[i] is not None else None
        goal = (goal_partner or {}).get(b_goals[i]) if b_goals[i] is not None else None
        for j, o in enumerate(o_bags):
            score = _cosine(b, o, idf)
            if score >= floor:
                score += item_bonus if item is not None and item == o_items[j] else 0.0
                score += date_bonus if b_dates[i] is not None and b_dates[i] == o_dates[j] else 0.0
                score += goal_bonus if goal is not None and goal == o_goals[j] else 0.0
            if kind == "quota" and b_facts[i].fields.get("unit") != o_facts[j].fields.get("unit"):
                score -= unit_penalty
            scores.append((score, i, j))
    paired = _one_to_one(scores, float(cues.get("fact_match_threshold", 0.3)))
    rows: list[tuple[Fact | None, Fact | None, float | None]] = [
        (f, o_facts[paired[i][0]] if i in paired else None,
         round(paired[i][1], 3) if i in paired else None) for i, f in enumerate(b_facts)]
    used = {paired[i][0] for i in paired}
    rows += [(None, f, None) for j, f in enumerate(o_facts) if j not in used]
    return rows


def _goal_key(doc: Document, fact: Fact) -> int | None:
    """The start of the goal (target) a fact sits in, to carry target pairs over to quotas."""
    goal = _enclosing(doc, fact, "target")
    return None if goal is None else goal.start


# ---------------------------------------------------------------- verdicts

_FLOORS = (">=", ">", "=", "~")  # a level to reach: higher is stricter


def _level(fields: dict[str, Any]) -> float | None:
    """The number a quota is judged by: its value, or a range's lower bound."""
    value = fields.get("low") if fields.get("cmp") == "range" else fields.get("value")
    return None if value is None else float(value)


def quota_verdict(base: Fact, other: Fact) -> tuple[str, str]:
    b, o = base.fields, other.fields
    if (b.get("unit") or "") != (o.get("unit") or ""):
        return "different-unit", f"{b.get('unit')} → {o.get('unit')}"
    b_level, o_level = _level(b), _level(o)
    same_range = b.get("cmp") == o.get("cmp") == "range" and b.get("high") == o.get("high")
    if b_level == o_level and (b.get("cmp") != "range" or same_range):
        return "same", "" if b.get("cmp") == o.get("cmp") else f"{b.get('cmp')} → {o.get('cmp')}"
    if b_level is None or o_level is None:
        return "same", ""
    if b_level == o_level:  # ranges with the same floor: judge by the ceiling
        b_level, o_level = float(b.get("high") or 0), float(o.get("high") or 0)
    higher = o_level > b_level
    stricter = higher if b.get("cmp") in _FLOORS or b.get("cmp") == "range" else not higher
    return ("stricter" if stricter else "looser"), f"{tidy(b_level)} → {tidy(o_level)}"


def deadline_verdict(base: Fact, other: Fact) -> tuple[str, str]:
    b, o = base.fields.get("date"), other.fields.get("date")
    if b is None or o is None:
        return ("same", "") if b == o else ("unresolved", f"{b} → {o}")
    if b == o:
        return "same", ""
    return ("earlier" if o < b else "later"), f"{b} → {o}"


def target_verdict(base_doc: Document, other_doc: Document, base: Fact, other: Fact) -> tuple[str, str]:
    """A target is judged by the quota it carries, else by its deadline."""
    b_quota = next(iter(base_doc.facts_in("quota", base.start, base.end)), None)
    o_quota = next(iter(other_doc.facts_in("quota", other.start, other.end)), None)
    if b_quota is not None and o_quota is not None:
        verdict, detail = quota_verdict(b_quota, o_quota)
        if verdict != "same":
            return verdict, detail
    b_date, o_date = base.fields.get("deadline"), other.fields.get("deadline")
    if b_date and o_date and b_date != o_date:
        return ("earlier" if o_date < b_date else "later"), f"{b_date} → {o_date}"
    return "same", ""


def unit_name(pack: RulePack, name: str) -> str:
    """A unit's name as compared across levels: 市农业农村委 and 区农业农村委 are counterparts.
    The longest level prefix of the pack's ``level_prefixes`` is dropped only where what is
    left starts with a word (so 乡村振兴局 and 市场监管局 keep their first character)."""
    for prefix in sorted(pack.tables["cues"].get("level_prefixes", []), key=len, reverse=True):
        rest = name[len(prefix):]
        if name.startswith(prefix) and rest:
            first = segment.words(pack, shadow(rest))[0][0]
            if len(first) >= 2:
                return rest
    return name


def _lead_rows(pack: RulePack, comparison: Comparison) -> list[FactPair]:
    """Per paired item: is the lead unit the same (names compared without 市/区 prefix)?"""
    rows = []

    def leads(doc: Document, item: Section | None) -> list[Fact]:
        if item is None:
            return []
        return [f for f in doc.facts_in("unit", item.start, item.end) if f.fields.get("role") == "lead"]

    for pair in comparison.items:
        b_leads, o_leads = leads(comparison.base, pair.base), leads(comparison.other, pair.other)
        if not b_leads and not o_leads:
            continue
        b_names = {canonical(pack, unit_name(pack, f.fields["name"])) for f in b_leads}
        o_names = {canonical(pack, unit_name(pack, f.fields["name"])) for f in o_leads}
        b_first, o_first = (b_leads or [None])[0], (o_leads or [None])[0]
        if pair.base is None or pair.other is None:
            verdict = "missing" if pair.other is None else "added"
        elif not o_leads:
            verdict = "lead-missing"
        elif not b_leads:
            verdict = "lead-added"
        elif b_names & o_names:
            verdict = "same-lead"
        else:
            verdict = "different-lead"
        detail = ""
        if verdict in ("different-lead", "same-lead") and b_names != o_names:
            detail = f"{'、'.join(f.fields['name'] for f in b_leads)} → {'、'.join(f.fields['name'] for f in o_leads)}"
        rows.append(FactPair("unit", b_first, o_first, verdict, pair.similarity, detail))
    return rows


def compare(pack: RulePack, base: Document, other: Document) -> Comparison:
    """Pair BASE's items and facts with OTHER's and judge every pair."""
    comparison = Comparison(base=base, other=other)
    comparison.items = align_items(pack, base, other)
    judges = {"quota": quota_verdict, "deadline": deadline_verdict}
    goal_partner: dict[int, int] = {}
    for kind in ("target", "quota", "deadline"):
        for b, o, similarity in _align_facts(pack, comparison, kind, goal_partner):
            if b is None or o is None:
                verdict, detail = ("missing" if o is None else "added"), ""
            elif kind == "target":
                verdict, detail = target_verdict(base, other, b, o)
                goal_partner[b.start] = o.start
            else:
                verdict, detail = judges[kind](b, o)
            comparison.pairs.append(FactPair(kind, b, o, verdict, similarity, detail))
    comparison.pairs.extend(_lead_rows(pack, comparison))
    return comparison
