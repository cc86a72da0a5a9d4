"""Quotas: a number with its unit, 万/亿 applied, the comparator its cue words set, and the
indicator it measures.

Rule patterns find the quantity itself, with named groups ``num`` (or ``low`` and
``high``, with ``low_mult`` / ``low_unit`` where the low end has its own; neither for a bare magnitude such as 亿元以上, which counts one), ``approx`` (多/余 inside the number: 1000多万), ``mult``, ``unit``, an optional
``post`` cue (以上, 左右 …) and ``qty`` (the span checked against jieba word boundaries). The comparator cue
before the number (不低于, 达到 …) is looked up here in the pack's cue table, within the
clause, because an indicator often stands between cue and number (不低于低保标准的1.3倍).
"""
from __future__ import annotations

import functools
from typing import Any

import regex

from ..model import Fact
from ..rules import RulePack
from ..text import segment
from ..text.normalise import simplified
from ..text.numbers import DIGIT, NUMBER_CHAR, NumberTooLarge, multiplier, quantity, scale
from .context import Context, Match, run_rules

# A cue before a closing quote or bracket belongs to the quoted phrase (“最多跑一次”(2分)).
_CLOSERS = regex.compile(r"[”」》』)]")


def _cue_table(ctx: Context, name: str) -> list[tuple[str, str]]:
    """(cue word, comparator) pairs, longest word first so 不低于 wins over 低于."""
    return _sorted_cues(ctx.pack, name)


@functools.lru_cache(maxsize=32)
def _sorted_cues(pack: RulePack, name: str) -> list[tuple[str, str]]:
    table = pack.tables["cues"].get(name, {})
    pairs = [(word, cmp) for cmp, words in table.items() for word in words]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _cue_before(ctx: Context, clause_start: int, number_start: int) -> tuple[str, int] | None:
    """The comparator the cues before the number set, and where the cue starts: an override
    anywhere earlier in the clause (上限可提高至80%), else a cue right before the number
    (超200家), else the nearest cue within the window (不低于低保标准的1.3倍)."""
    shadow = ctx.doc.shadow
    clause = shadow[clause_start:number_start]
    for word, cmp in _cue_table(ctx, "comparator_overrides"):
        i = clause.rfind(word)
        if i != -1:
            return cmp, clause_start + i
    for word, cmp in _cue_table(ctx, "comparators_adjacent"):
        if clause.endswith(word):
            return cmp, number_start - len(word)
    window = int(ctx.pack.tables["cues"].get("comparator_window", 10))
    cues = _cue_table(ctx, "comparators_before")
    # a cue's last two characters must lie within the window; it may begin before it, so a
    # longer cue wins over the shorter one it ends with: 不得低于 (not 低于) 乡道每年每公里5000元
    lo = max(clause_start, number_start - window - (len(cues[0][0]) if cues else 0))  # cues are longest first
    text = shadow[lo:number_start]
    found = []
    for word, cmp in cues:
        i = text.rfind(word)
        between = text[i + len(word):]
        if i != -1 and len(between) + min(len(word), 2) <= window \
                and not NUMBER_CHAR.search(between.replace("一", "")) and not _CLOSERS.search(between):
            found.append((i + len(word), -i, cmp))
    if not found:
        return None
    end, neg_start, cmp = max(found)  # nearest to the number; of those, the longest (不少于, not 少于)
    return cmp, lo - neg_start


def _cmp_after(ctx: Context, post: str | None) -> str | None:
    if not post:
        return None
    for word, cmp in _cue_table(ctx, "comparators_after"):
        if post.startswith(word):
            return cmp
    return None


def _amount(match: Match, name: str, magnitude: str | None, factor: int) -> int | float | None:
    """The number in group ``name`` with its magnitude, × a unit alias's factor (万元 → 元)."""
    text = match.group(name)
    value = None if text is None else quantity(text, magnitude)
    return None if value is None else scale(value, factor)


def _amounts(match: Match, factor: int) -> tuple[int | float | None, ...]:
    """(low, high, value) of a match; NumberTooLarge when one is past any real amount."""
    if match.group("low") is not None and match.group("high") is not None:
        # a low end written with its own unit (五千元以上五万元以下) has its own multiplier;
        # otherwise the high end's applies to both (3-5万元)
        own = match.group("low_unit") is not None
        low = _amount(match, "low", match.group("low_mult" if own else "mult"), 1 if own else factor)
        return low, _amount(match, "high", match.group("mult"), factor), None
    value = _amount(match, "num", match.group("mult"), factor)
    if value is None and match.group("mult"):  # a bare magnitude: 亿元以上
        value = scale(multiplier(match.group("mult")), factor)
    return None, None, value


def _indicator(ctx: Context, clause_start: int, left: int, right: int, unit: str) -> str | None:
    """The phrase the quota measures: the noun phrase before it, after the last verb or
    connector (确保低收入群体年人均纯收入不低于… → 低收入群体年人均纯收入), or, for a bare
    count, the noun after it (5个乡村振兴重点帮扶镇)."""
    shadow = ctx.doc.shadow
    cues = ctx.pack.tables["cues"]
    before = shadow[clause_start:left]
    cuts = cues.get("indicator_connectors", []) + cues.get("indicator_verbs", [])
    start = clause_start + max((before.rfind(w) + len(w) for w in cuts if w in before), default=0)
    end = left
    while start < end and shadow[start] in " (?":
        start += 1
    trimmed = True
    while trimmed:
        trimmed = False
        while end > start and shadow[end - 1] in " (?":
            end -= 1
        for word in cues.get("indicator_trailers", []):
            if end - start > len(word) and shadow.startswith(word, end - len(word)):
                end -= len(word)
                trimmed = True
    if end - start >= 2:
        return ctx.doc.text[start:end]
    if unit not in cues.get("counting_units", []):
        return None
    _, clause_end = ctx.clause(right)
    stops = cues.get("counted_noun_stops", [])
    end = next((i for i in range(right, clause_end) if shadow[i].isdigit() or shadow[i] in stops), clause_end)
    return ctx.doc.text[right:end] if 2 <= end - right <= 12 else None


def _in_word(ctx: Context, start: int, end: int) -> bool:
    """A Chinese-numeral quantity must start and end on jieba word boundaries (第一书记, 人口)."""
    if DIGIT.search(ctx.doc.shadow[start:end]):
        return False
    c_start, c_end = ctx.clause(start)
    clause = ctx.doc.shadow[c_start:c_end]
    return (segment.cuts_word(ctx.pack.segmenter, clause, start - c_start)
            or segment.cuts_word(ctx.pack.segmenter, clause, end - c_start))


def interpret(ctx: Context, match: Match) -> Fact | None:
    """Turn one quota match into a fact, or None when the numbers do not parse. A number past
    any real amount (numbers.NumberTooLarge) is kept as text: the fact has no value, and the
    document a notice saying why."""
    fields: dict[str, Any] = match.rule.fields
    unit_text = simplified(match.group("unit") or fields.get("unit") or "")
    factor = 1
    alias = ctx.pack.tables["cues"].get("unit_aliases", {}).get(unit_text)
    if alias:
        unit_text, factor = alias[0], alias[1]
    q_span = match.span("qty") or (match.start, match.end)
    if _in_word(ctx, *q_span):
        return None
    try:
        low, high, value = _amounts(match, factor)
    except NumberTooLarge as error:
        low = high = value = None
        section = ctx.section_path(match.start)
        ctx.doc.notices.append(f"{f'in {section}: ' if section else ''}{error.describe()} is too large "
                               "or too precise to be an amount; kept as text, without a value")
    else:
        if value is None and (low is None or high is None):
            return None
    clause_start, _ = ctx.clause(match.start)
    start = match.start
    if match.group("low") is not None and match.group("high") is not None:
        cmp = "range"
    else:
        cmp = fields.get("cmp") or _cmp_after(ctx, match.group("post") or match.group("approx"))
        before = _cue_before(ctx, clause_start, match.start)
        if before is not None and cmp in (None, before[0]):  # a cue after the number wins (届满后一年内)
            cmp, start = before
        cmp = cmp or "="
    return ctx.fact(
        "quota", match.rule, start, match.end, value=value, low=low, high=high,
        unit=unit_text, cmp=cmp, indicator=_indicator(ctx, clause_start, start, match.end, unit_text),
    )


def _share_list_cue(ctx: Context, facts: list[Fact]) -> None:
    """分别达到65%和55%: a quota joined to the one before it by 和/、 and written without a
    cue of its own takes that quota's comparator and indicator."""
    joiners = set(ctx.pack.tables["cues"].get("quota_joiners", []))
    for before, after in zip(facts, facts[1:]):
        gap = ctx.doc.shadow[before.end:after.start].strip()
        if (gap in joiners and after.fields["cmp"] == "=" and after.text == after.text.lstrip()
                and after.fields.get("indicator") is None and before.fields["cmp"] != "range"):
            after.fields["cmp"] = before.fields["cmp"]
            after.fields["indicator"] = before.fields.get("indicator")


def extract(ctx: Context) -> list[Fact]:
    facts = [f for f in (interpret(ctx, m) for m in run_rules(ctx, "quota")) if f is not None]
    _share_list_cue(ctx, facts)
    return facts
