"""Targets: goal clauses, found after quotas, deadlines and units because they are built on them.

Four ways a clause becomes a target (GUIDE "targets"), each an ``engine.mode`` of target
rules. A pack may have any number of rules of a mode: each fires on its own, in pack order,
and a clause goes to the first rule that takes it.

- ``list``: a lead-in that announces goals (今年发展主要预期目标是:) makes every clause after
  it, to the sentence's end, one target; the first is joined with the lead-in.
- ``dated_run``: a clause that opens with a deadline (到2025年, 2017年,) dates itself and
  every following clause of its sentence; each clause is one target.
- ``cue``: a goal cue (确保, 力争 …) whose clause carries a quota or whose sentence carries
  a deadline; the target runs from the cue to the clause end.
- ``output``: a clause that commits to an amount (新建847户) without a cue.

For ``dated_run`` and ``output`` each rule's pattern is a gate matched at the start of each
clause: a clause it rejects (a means: 以…为载体, 利用三年时间) is no goal of its own. Skip
rules of kind target (money put in, permissions, conditions, forecasts) disqualify the
clause they match. A dated clause that opens with a task word (加强…) or assigns units, or is
a section heading, is a goal only with an amount; sections that look back (工作回顾) or set
conditions (申报条件) hold no goals at all.
"""
from __future__ import annotations

from typing import Any

from ..model import Fact
from ..rules import Rule
from ..text.spans import SpanSet
from .context import Context

DATING = ("by", "in", "during")


def _rules(ctx: Context, mode: str) -> list[Rule]:
    return [r for r in ctx.pack.by_kind("target") if r.action == "emit" and r.engine.get("mode") == mode]


def _quota_summary(quotas: list[Fact]) -> dict[str, Any] | None:
    if not quotas:
        return None
    f = quotas[0].fields
    keys = ("low", "high") if f.get("cmp") == "range" else ("value",)
    return {**{k: f.get(k) for k in keys}, "unit": f.get("unit"), "cmp": f.get("cmp")}


def _output_quotas(ctx: Context, start: int, end: int) -> list[Fact]:
    """Quotas in the span that state an amount to produce (not a frequency or a duration,
    not an attribute such as 30户以上的自然村)."""
    not_output_units = set(ctx.pack.tables["cues"].get("not_output_units", []))
    attributes = tuple(ctx.pack.tables["cues"].get("attribute_markers", []))
    out = []
    for q in ctx.facts_of("quota", start, end):
        if q.fields.get("unit") in not_output_units:
            continue
        if ctx.doc.shadow.startswith(attributes, q.end) and q.fields.get("cmp") in (">=", "<=", ">", "<"):
            continue
        out.append(q)
    return out


def _disqualified(ctx: Context, start: int, end: int, sentence_scope: bool = True) -> bool:
    """A skip rule of kind target matches inside the span (money put in, frequency …), or
    inside the sentence for rules with ``scope: sentence`` (截止… makes the whole sentence
    a statistic) unless ``sentence_scope`` is off: a cued goal (确保…) stands on its own."""
    clause = ctx.doc.shadow[start:end]
    s_start, s_end = ctx.sentence(start)
    sentence = ctx.doc.shadow[s_start:s_end]
    for rule in ctx.pack.by_kind("target"):
        if rule.action != "skip":
            continue
        if rule.engine.get("scope") == "sentence":
            if sentence_scope and rule.search(sentence):
                return True
        elif rule.search(clause):
            return True
    return False


def _sentence_deadline(ctx: Context, cue: int) -> Fact | None:
    """The dating deadline of the cue's sentence that stands before the cue or in its clause."""
    s_start, _ = ctx.sentence(cue)
    _, c_end = ctx.clause(cue)
    dated = [d for d in ctx.facts_of("deadline", s_start, c_end) if _dates_goals(ctx, d)]
    return dated[-1] if dated else None


def _dates_goals(ctx: Context, deadline: Fact) -> bool:
    """A by/in/during deadline dates goals, unless its rule says it names an era (十四五时期)."""
    return (deadline.fields.get("relation") in DATING
            and ctx.pack.rule(deadline.rule).engine.get("dates_goals", True))


def _passes(ctx: Context, rule: Rule, start: int) -> bool:
    """The rule's gate accepts the clause starting at ``start``."""
    return bool(rule.match(ctx.doc.shadow, start))


def _opens_clause(ctx: Context, deadline: Fact) -> int | None:
    """Where the clause opened by ``deadline`` starts, when nothing but a lead-in word
    (在, 力争 …) stands before the deadline in its clause."""
    c_start, _ = ctx.clause(deadline.start)
    lead = ctx.doc.shadow[c_start:deadline.start]
    if not lead or lead in ctx.pack.tables["cues"].get("deadline_lead_ins", []):
        return c_start
    return None


def _skip_space(ctx: Context, start: int, end: int) -> int:
    """The first offset of [start, end) that is not a space or clause punctuation."""
    while start < end and ctx.doc.shadow[start] in " ,;:、":
        start += 1
    return start


def _target(ctx: Context, rule: Rule, start: int, end: int, deadline: Fact | None) -> Fact:
    return ctx.fact("target", rule, start, end,
                    deadline=deadline.fields.get("date") if deadline else None,
                    quota=_quota_summary(ctx.facts_of("quota", start, end)))


def _is_task(ctx: Context, start: int, end: int) -> bool:
    """A clause that opens with a task word (加强…, 推进…) or assigns units (…省大数据局配合),
    and states no quantity: work to do, not a result to reach."""
    words = ctx.pack.tables["cues"].get("task_openings", [])
    assigns = bool(ctx.facts_of("unit", start, end))
    return (ctx.doc.shadow.startswith(tuple(words), start) or assigns) and not _output_quotas(ctx, start, end)


def _heading_clauses(ctx: Context) -> set[int]:
    """Where section headings' text begins: a heading names a part (2024年政府工作任务), it
    is a goal only when it states an amount."""
    return {s.text_start for s in ctx.doc.all_sections()}


def _goal_lists(ctx: Context, taken: SpanSet) -> list[Fact]:
    """目标是:A;B;C。 — each clause after the lead-in, to the sentence's end, is a goal."""
    out: list[Fact] = []
    for rule in _rules(ctx, "list"):
        for m in rule.finditer(ctx.doc.shadow):
            if ctx.is_ignored(m.start(), m.end()) or taken.overlaps(m.start(), m.end()):
                continue
            lead_start, _ = ctx.clause(m.start())
            s_start, s_end = ctx.sentence(m.end())
            clauses = ctx.clauses_in(m.end(), s_end)
            # the lead-in names the period its goals are for (今年…目标是:), whatever dates it
            dated = [d for d in ctx.facts_of("deadline", s_start, m.end())
                     if d.fields.get("relation") in DATING]
            deadline = dated[-1] if dated else None
            for i, (c_start, c_end) in enumerate(clauses):
                start = lead_start if i == 0 else c_start
                if taken.overlaps(start, c_end) or _disqualified(ctx, c_start, c_end):
                    continue
                out.append(_target(ctx, rule, start, c_end, deadline))
                taken.add(start, c_end)
    return out


def _article_spans(ctx: Context) -> SpanSet:
    """Spans of sections whose marker makes them articles of a rule (第十二条)."""
    pattern = ctx.pack.compile_list("no_goal_markers")
    if pattern is None:
        return SpanSet()
    return SpanSet((s.start, s.end) for s in ctx.doc.all_sections() if pattern.search(s.marker))


def _dated_runs(ctx: Context, taken: SpanSet, articles: SpanSet) -> list[Fact]:
    """到2025年,A,B,C。 — each rule, with its own gate, runs over every clause a deadline opens."""
    rules = _rules(ctx, "dated_run")
    if not rules:
        return []
    headings = _heading_clauses(ctx)
    openers = {}
    for d in ctx.facts_of("deadline", 0, len(ctx.doc.shadow)):
        if not _dates_goals(ctx, d):
            continue
        start = _opens_clause(ctx, d)
        if start is not None:
            openers[start] = d
    return [fact for rule in rules for opener_start, d in openers.items()
            for fact in _dated_run(ctx, rule, opener_start, d, openers, taken, articles, headings)]


def _dated_run(ctx: Context, rule: Rule, opener_start: int, d: Fact, openers: dict[int, Fact],
               taken: SpanSet, articles: SpanSet, headings: set[int]) -> list[Fact]:
    """The goals of the sentence whose clause at ``opener_start`` the deadline ``d`` opens."""
    out: list[Fact] = []
    _, s_end = ctx.sentence(d.start)
    clauses = ctx.clauses_in(opener_start, s_end)
    if len(clauses) == 1 and clauses[0][1] <= d.end:
        # a deadline standing alone (到XX年末。将…) governs the next clause
        clauses += ctx.clauses_in(s_end + 1, ctx.sentence(s_end + 1)[1])[:1]
    # the opener's clause joins the goal after it when it holds only the deadline, a
    # means (从2023年到2025年,利用三年时间,将…打造成…) or a lead-in (主要预期目标是:)
    first = 0
    while first + 1 < len(clauses):
        rest = d.end if first == 0 else clauses[first][0]
        introduces = ctx.doc.shadow[clauses[first][1]:clauses[first][1] + 1] == ":"  # 目标是:
        if not (rest >= clauses[first][1] or introduces or not _passes(ctx, rule, rest)):
            break
        first += 1
    run = [(clauses[0][0], clauses[first][1])] + clauses[first + 1:] if clauses else []
    for i, (c_start, c_end) in enumerate(run):
        if i and c_start in openers:
            break
        if i and not _passes(ctx, rule, c_start):
            continue
        goal_start = d.end if i == 0 and first == 0 else c_start  # after the opening deadline
        if taken.overlaps(c_start, c_end) or articles.overlaps(c_start, c_end) \
                or _disqualified(ctx, c_start, c_end) \
                or _is_task(ctx, _skip_space(ctx, goal_start, c_end), c_end) \
                or (c_start in headings and not _output_quotas(ctx, c_start, c_end)):
            continue
        out.append(_target(ctx, rule, c_start, c_end, d))
        taken.add(c_start, c_end)
    return out


def _cue_targets(ctx: Context, taken: SpanSet) -> list[Fact]:
    out: list[Fact] = []
    for rule in _rules(ctx, "cue"):
        for m in rule.finditer(ctx.doc.shadow):
            if ctx.is_ignored(m.start(), m.end()):
                continue
            c_start, c_end = ctx.clause(m.start())
            if c_end - m.end() < 2 or taken.overlaps(m.start(), c_end):
                continue  # a cue with nothing after it (目标是:) introduces, it is no goal
            deadline = _sentence_deadline(ctx, m.start())
            if not (ctx.facts_of("quota", m.start(), c_end) or deadline) \
                    or _disqualified(ctx, m.start(), c_end, sentence_scope=False):
                continue
            out.append(_target(ctx, rule, m.start(), c_end, deadline))
            taken.add(m.start(), c_end)
    return out


def _outputs(ctx: Context, taken: SpanSet, articles: SpanSet) -> list[Fact]:
    """新建847户 — each rule, with its own gate, over the clauses holding a quota."""
    out: list[Fact] = []
    for rule in _rules(ctx, "output"):
        seen: set[tuple[int, int]] = set()
        for q in ctx.facts_of("quota", 0, len(ctx.doc.shadow)):
            c_start, c_end = ctx.clause(q.start)
            if (c_start, c_end) in seen or taken.overlaps(c_start, c_end) or articles.overlaps(c_start, c_end):
                continue
            seen.add((c_start, c_end))
            if (not _passes(ctx, rule, c_start) or not _output_quotas(ctx, c_start, c_end)
                    or _disqualified(ctx, c_start, c_end)):
                continue
            out.append(_target(ctx, rule, c_start, c_end, None))
            taken.add(c_start, c_end)
    return out


def _paragraph_deadlines(ctx: Context, facts: list[Fact]) -> None:
    """到2025年,A。B,C。 — goals B and C, in the same paragraph and section as the dated run
    before them, are governed by its deadline too (their text and span are unchanged)."""
    run_rules = {r.id for r in _rules(ctx, "dated_run")}
    governing: Fact | None = None
    for fact in facts:
        if fact.rule in run_rules:
            governing = fact
        elif (governing is not None and fact.fields.get("deadline") is None
              and fact.section == governing.section
              and "\n" not in ctx.doc.shadow[governing.end:fact.start]):
            fact.fields["deadline"] = governing.fields.get("deadline")


def extract(ctx: Context) -> list[Fact]:
    """Targets in document order; a clause is claimed by the first way that takes it."""
    taken = SpanSet([*ctx.sections_headed("retrospective_headings"), *ctx.sections_headed("no_goal_headings")])
    articles = _article_spans(ctx)  # rules state no outputs or dated goals; a cued goal (确保…) counts
    facts = (_goal_lists(ctx, taken) + _dated_runs(ctx, taken, articles) + _cue_targets(ctx, taken)
             + _outputs(ctx, taken, articles))
    facts.sort(key=lambda f: f.start)
    _paragraph_deadlines(ctx, facts)
    return facts
