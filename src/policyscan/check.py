"""CHECK stage: the review a plan needs before it is filed.

Per task item (a numbered leaf section that is not a statement of principles or goals):
does it name a lead unit, responsible units, a deadline (its own, its section's, or the
plan's year), and a number where it uses target wording? Over the whole text: placeholder
years, quantities whose number was lost, truncated unit names, unbalanced brackets around
unit lists, deadlines already past on the plan's own date, and tasks given two different
lead units. Every check has an id and a severity from the pack (error, warning, off).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from .model import Document, RulePackError, Section
from .normalise import shadow
from .rules import Check, RulePack

DEADLINE_SOURCES = ("own", "section", "plan")


@dataclass
class Finding:
    """One defect, tied to its place: the check that found it, how serious, and the text."""

    check: str
    severity: str  # error or warning
    message: str
    section: str
    text: str  # the exact source text the finding points at
    start: int
    end: int
    context: str = ""  # the clause around it, for a reader to recognise the place
    message_zh: str = ""  # the message in Chinese, for --lang zh ("" when the pack gives none)


@dataclass
class ItemStatus:
    """What a task item states: its units, its deadline and where that deadline comes from."""

    item: Section
    leads: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline: str | None = None  # ISO date
    deadline_source: str | None = None  # own, section or plan (one of DEADLINE_SOURCES)
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "ok" if not self.findings else ", ".join(dict.fromkeys(f.check for f in self.findings))


@dataclass
class Review:
    """One document's review."""

    doc: Document
    items: list[ItemStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding, items' included

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def effective_checks(pack: RulePack, enable: Iterable[str] = (), disable: Iterable[str] = ()
                     ) -> dict[str, Check]:
    """The pack's checks with --enable ID[:SEVERITY] and --disable ID applied, as linters do.
    An unknown id or severity is a configuration error."""
    checks = dict(pack.checks)
    unknown = [cid for cid in checks if cid not in _BUILT_IN and checks[cid].pattern is None]
    if unknown:
        raise RulePackError(f"check {unknown[0]}: has no pattern and is not a built-in check")
    for spec in enable:
        cid, _, severity = spec.partition(":")
        if cid not in checks:
            raise RulePackError(f"--enable: no check with id {cid}")
        if severity and severity not in ("error", "warning"):
            raise RulePackError(f"--enable {spec}: severity must be error or warning")
        current = checks[cid].severity
        checks[cid] = replace(checks[cid], severity=severity or (current if current != "off" else "warning"))
    for cid in disable:
        if cid not in checks:
            raise RulePackError(f"--disable: no check with id {cid}")
        checks[cid] = replace(checks[cid], severity="off")
    return checks


# ---------------------------------------------------------------- items

def task_items(pack: RulePack, doc: Document) -> list[Section]:
    """Leaf sections that assign work: statements of principles or goals (by their heading
    or a heading above them: 基本原则 → 1、政府主导…) are left out."""
    skip = pack.tables["cues"].get("non_task_headings", [])

    def states_principles(section: Section) -> bool:
        return any(word in shadow(section.title) for word in skip)

    return [s for s in doc.items() if not doc.in_chrome(s.start, s.start + 1)
            and not any(states_principles(h) for h in [s, *_ancestors(doc, s)])]


def _own_text_end(section: Section) -> int:
    """A section's own text ends where its first subsection begins."""
    return section.children[0].start if section.children else section.end


def _ancestors(doc: Document, item: Section) -> list[Section]:
    """The sections that hold ``item``, innermost first."""
    return [s for s in reversed(doc.holders(item.start)) if s is not item]


def _deadline(doc: Document, item: Section) -> tuple[str | None, str | None]:
    """The item's deadline and where it comes from: its own text, a section above it, or
    the plan's own year."""
    own = doc.facts_in("deadline", item.start, item.end)
    if own:
        return own[0].fields.get("date"), "own"
    for holder in _ancestors(doc, item):
        inherited = doc.facts_in("deadline", holder.start, _own_text_end(holder))
        if inherited:
            return inherited[0].fields.get("date"), "section"
    if doc.year:
        return f"{doc.year:04d}-12-31", "plan"
    return None, None


class _Reporter:
    """Makes findings for the checks that are on, and drops those that are off."""

    def __init__(self, doc: Document, checks: dict[str, Check]) -> None:
        self.doc, self.checks = doc, checks
        self.findings: list[Finding] = []

    def on(self, cid: str) -> bool:
        return self.checks[cid].severity != "off"

    def report(self, cid: str, start: int, end: int, variant: str | None = None,
               **values: str) -> Finding | None:
        """A finding of check ``cid``, worded by the check's message or by one of its
        ``variants`` (templates in the pack, filled with ``values``)."""
        check = self.checks[cid]
        if check.severity == "off":
            return None
        english, chinese = check.variants.get(variant or "", (check.message, check.message_zh))
        section = self.doc.section_at(start)
        c_start, c_end = self.doc.breaks.clause(start) if self.doc.breaks else (start, end)
        english, chinese = (english.format(**values), chinese.format(**values)) if values else (english, chinese)
        finding = Finding(cid, check.severity, english,
                          section.path if section else "", self.doc.text[start:end], start, end,
                          self.doc.text[min(c_start, start):max(c_end, end)], chinese)
        self.findings.append(finding)
        return finding


def _review_item(pack: RulePack, doc: Document, item: Section, rep: _Reporter) -> ItemStatus:
    units = doc.facts_in("unit", item.start, item.end)
    leads = [u for u in units if u.fields.get("role") == "lead"]
    status = ItemStatus(item, leads=[u.fields["name"] for u in leads],
                        responsible=[u.fields["name"] for u in units if u.fields.get("role") != "lead"])
    status.deadline, status.deadline_source = _deadline(doc, item)
    heading = (item.start, item.text_start + len(item.title))
    found: list[Finding | None] = []
    if not units:
        found.append(rep.report("item.no_unit", *heading))
    elif not leads:
        found.append(rep.report("item.no_lead", *heading))
    elif not status.responsible:
        found.append(rep.report("item.no_responsible", *heading))
    if status.deadline_source is None:
        found.append(rep.report("item.no_deadline", *heading))
    if rep.on("item.unquantified_target") and not doc.facts_in("quota", item.start, item.end):
        cues = rep.checks["item.unquantified_target"].params.get("cues", [])
        hit = min(((doc.shadow.find(c, item.text_start, item.end), c) for c in cues
                   if doc.shadow.find(c, item.text_start, item.end) != -1), default=None)
        if hit is not None and doc.breaks is not None:
            _, clause_end = doc.breaks.clause(hit[0])
            found.append(rep.report("item.unquantified_target", hit[0], clause_end))
    if rep.on("item.conflicting_leads") and doc.breaks is not None:
        by_sentence: dict[int, set[str]] = {}
        for lead in leads:
            by_sentence.setdefault(doc.breaks.sentence(lead.start)[0], set()).add(lead.fields["name"])
        groups = list(by_sentence.values())
        if any(g != groups[0] for g in groups[1:]):
            later = next(u for u in leads if u.fields["name"] not in groups[0])
            found.append(rep.report("item.conflicting_leads", later.start, later.end, "named",
                                    first="、".join(sorted(groups[0])), second=later.fields["name"]))
    status.findings = [f for f in found if f is not None]
    return status


# ---------------------------------------------------------------- text-wide checks

def _text_patterns(doc: Document, rep: _Reporter) -> None:
    """Every check with a pattern, over the text outside web-page chrome."""
    for cid, check in rep.checks.items():
        if check.pattern is None or check.severity == "off":
            continue
        for m in check.pattern.finditer(doc.shadow):
            if not doc.in_chrome(m.start(), m.end()):
                rep.report(cid, m.start(), m.end())


def _unknown_units(pack: RulePack, doc: Document, rep: _Reporter) -> None:
    known = set(pack.lists["orgs"]) | set(pack.lists["generic_units"]) | set(pack.lists["org_prefixes"])
    stems = set(pack.lists["org_stems"])
    for unit in (f for f in doc.facts if f.kind == "unit"):
        name = unit.fields.get("name", "")
        if name in known:
            continue
        whole = next((k for k in sorted(known) if len(k) > len(name) and k.endswith(name)), None)
        if name in stems:
            rep.report("unit.unknown_name", unit.start, unit.end, "short_form", name=name)
        elif whole is not None:
            rep.report("unit.unknown_name", unit.start, unit.end, "truncated", name=name, whole=whole)


def _brackets(doc: Document, rep: _Reporter) -> None:
    """Unit lists in 〔…〕 whose opening or closing bracket is missing, paragraph by paragraph."""
    pairs = rep.checks["unit.unbalanced_bracket"].params.get("brackets", [])
    offset = 0
    for line in doc.shadow.splitlines(keepends=True):
        for pair in pairs:
            opener, closer = pair[0], pair[1]
            open_at: list[int] = []
            for i, char in enumerate(line):
                if char == opener:
                    open_at.append(offset + i)
                elif char == closer and open_at:
                    open_at.pop()
                elif char == closer and doc.breaks is not None:
                    start, _ = doc.breaks.sentence(offset + i)
                    rep.report("unit.unbalanced_bracket", start, offset + i + 1, "unopened",
                               opener=opener, closer=closer)
            for at in open_at:
                rep.report("unit.unbalanced_bracket", at, min(at + 30, offset + len(line.rstrip())), "unclosed",
                           opener=opener, closer=closer)
        offset += len(line)


def _past_deadlines(doc: Document, rep: _Reporter) -> None:
    if not doc.issued:
        return
    for d in (f for f in doc.facts if f.kind == "deadline"):
        date, relation = d.fields.get("date"), d.fields.get("relation")
        if date and relation in ("by", "in", "during") and date < doc.issued:
            rep.report("deadline.past", d.start, d.end, "dated", date=date, issued=doc.issued)


# Checks implemented here: the whole-document ones with their runner; the per-item ones
# (None) run inside _review_item.
_BUILT_IN: dict[str, Callable[[RulePack, Document, _Reporter], None] | None] = {
    "item.no_unit": None, "item.no_lead": None, "item.no_responsible": None,
    "item.no_deadline": None, "item.unquantified_target": None, "item.conflicting_leads": None,
    "unit.unknown_name": _unknown_units,
    "unit.unbalanced_bracket": lambda pack, doc, rep: _brackets(doc, rep),
    "deadline.past": lambda pack, doc, rep: _past_deadlines(doc, rep),
}


def review(pack: RulePack, doc: Document, checks: dict[str, Check] | None = None) -> Review:
    """Run every check that is on over an analysed document."""
    checks = checks if checks is not None else effective_checks(pack)
    rep = _Reporter(doc, checks)
    result = Review(doc)
    result.items = [_review_item(pack, doc, item, rep) for item in task_items(pack, doc)]
    _text_patterns(doc, rep)
    for cid, run in _BUILT_IN.items():
        if run is not None and cid in checks and rep.on(cid):
            run(pack, doc, rep)
    result.findings = sorted(rep.findings, key=lambda f: (f.start, f.check))
    return result
